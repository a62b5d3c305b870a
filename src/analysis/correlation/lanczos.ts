/**
 * Internal (not re-exported): the largest eigenvalue of a symmetric positive semidefinite
 * operator by Lanczos with full reorthogonalisation, used for spectral norms
 * ||C||_2 = sqrt(lambda_max(C^T C)) of the lagged correlation matrices.
 *
 * @module
 */
import { matVecRows } from '../../linalg/internal/kernels.js';
import { gemm, simdArena } from '../../linalg/internal/simd.js';

/** A symmetric positive semidefinite linear operator on R^n, given by its action. */
export interface SymmetricOperator {
  readonly n: number;
  /** out = M x (out is overwritten; x must not be modified). */
  apply(x: Float64Array, out: Float64Array): void;
}

/** The top Ritz pair of a Lanczos run. */
export interface TopEigenpair {
  /** The largest Ritz value: a lower bound on lambda_max, equal to it on convergence. */
  readonly value: number;
  /** The Ritz vector (unit norm), a warm start for a nearby operator. */
  readonly vector: Float64Array;
  /** Lanczos steps taken. */
  readonly steps: number;
}

/** A fixed, deterministic vector with no special structure (no zero entries, no symmetry). */
export function genericVector(n: number): Float64Array {
  return genericVectorShared(n).slice();
}

const genericCache = new Map<number, Float64Array>();

/** {@link genericVector}(n), computed once per n: read only. */
function genericVectorShared(n: number): Float64Array {
  let g = genericCache.get(n);
  if (!g) {
    g = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const s = Math.sin((i + 1) * 12.9898 + 78.233) * 43758.5453;
      g[i] = s - Math.floor(s) - 0.5 + 1e-3;
    }
    if (genericCache.size < 64) genericCache.set(n, g);
  }
  return g;
}

/** The Lanczos basis buffer, reused between calls (every row is written before it is read). */
let basisScratch = new Float64Array(0);

function dot(a: Float64Array, aOff: number, b: Float64Array, bOff: number, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += (a[aOff + i] as number) * (b[bOff + i] as number);
  return s;
}

/** Number of eigenvalues of the symmetric tridiagonal (alpha, beta) of size m below x (Sturm). */
function countBelow(alpha: Float64Array, beta: Float64Array, m: number, x: number, tiny: number): number {
  let count = 0;
  let q = (alpha[0] as number) - x;
  if (q < 0) count++;
  for (let i = 1; i < m; i++) {
    const b = beta[i - 1] as number;
    const prev = q === 0 ? tiny : q;
    q = (alpha[i] as number) - x - (b * b) / prev;
    if (q < 0) count++;
  }
  return count;
}

/** Largest eigenvalue of the symmetric tridiagonal (alpha, beta) of size m by bisection. */
export function largestTridiagonalEigenvalue(alpha: Float64Array, beta: Float64Array, m: number, lowerHint = -Infinity): number {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < m; i++) {
    const r = (i > 0 ? Math.abs(beta[i - 1] as number) : 0) + (i < m - 1 ? Math.abs(beta[i] as number) : 0);
    lo = Math.min(lo, (alpha[i] as number) - r);
    hi = Math.max(hi, (alpha[i] as number) + r);
  }
  if (m === 1) return alpha[0] as number;
  if (lowerHint > lo && lowerHint < hi) lo = lowerHint;
  const scale = Math.max(Math.abs(lo), Math.abs(hi), Number.MIN_VALUE);
  const tiny = Number.EPSILON * scale * 1e-3;
  for (let it = 0; it < 200 && hi - lo > 2 * Number.EPSILON * scale; it++) {
    const mid = 0.5 * (lo + hi);
    if (countBelow(alpha, beta, m, mid, tiny) === m) hi = mid;
    else lo = mid;
  }
  return 0.5 * (lo + hi);
}

/**
 * Eigenvector of the symmetric tridiagonal (alpha, beta) for the eigenvalue theta, by two steps of
 * inverse iteration with a partially pivoted tridiagonal solve (LAPACK dgttrf/dgttrs style).
 */
function tridiagonalEigenvector(alpha: Float64Array, beta: Float64Array, m: number, theta: number): Float64Array {
  const scale = Math.max(Math.abs(theta), 1e-300);
  const shift = theta + 1e-10 * scale;
  // Band storage of (T - shift I): dl (sub), d (diag), du (super), du2 (second super after pivoting).
  const y = genericVector(m);
  for (let iter = 0; iter < 2; iter++) {
    const dl = new Float64Array(m);
    const d = new Float64Array(m);
    const du = new Float64Array(m);
    const du2 = new Float64Array(m);
    for (let i = 0; i < m; i++) {
      d[i] = (alpha[i] as number) - shift;
      if (i < m - 1) {
        dl[i] = beta[i] as number;
        du[i] = beta[i] as number;
      }
    }
    const swapped = new Uint8Array(m);
    for (let i = 0; i < m - 1; i++) {
      if (Math.abs(d[i] as number) >= Math.abs(dl[i] as number)) {
        const piv = (d[i] as number) === 0 ? 1e-300 : (d[i] as number);
        const f = (dl[i] as number) / piv;
        dl[i] = f;
        d[i + 1] = (d[i + 1] as number) - f * (du[i] as number);
        du2[i] = 0;
      } else {
        const f = (d[i] as number) / (dl[i] as number);
        d[i] = dl[i] as number;
        dl[i] = f;
        const t = du[i] as number;
        du[i] = d[i + 1] as number;
        d[i + 1] = t - f * (d[i + 1] as number);
        du2[i] = i < m - 2 ? (du[i + 1] as number) : 0;
        if (i < m - 2) du[i + 1] = -f * (du[i + 1] as number);
        swapped[i] = 1;
      }
    }
    // Forward: apply L^-1 with the recorded interchanges.
    for (let i = 0; i < m - 1; i++) {
      if (swapped[i] === 1) {
        const t = y[i] as number;
        y[i] = y[i + 1] as number;
        y[i + 1] = t - (dl[i] as number) * (y[i] as number);
      } else {
        y[i + 1] = (y[i + 1] as number) - (dl[i] as number) * (y[i] as number);
      }
    }
    // Back substitution with U (diag d, super du, second super du2).
    for (let i = m - 1; i >= 0; i--) {
      let s = y[i] as number;
      if (i < m - 1) s -= (du[i] as number) * (y[i + 1] as number);
      if (i < m - 2) s -= (du2[i] as number) * (y[i + 2] as number);
      const piv = (d[i] as number) === 0 ? 1e-300 : (d[i] as number);
      y[i] = s / piv;
    }
    let norm = 0;
    for (let i = 0; i < m; i++) norm += (y[i] as number) ** 2;
    norm = Math.sqrt(norm);
    if (!Number.isFinite(norm) || norm === 0) return genericVector(m);
    for (let i = 0; i < m; i++) y[i] = (y[i] as number) / norm;
  }
  return y;
}

/**
 * The largest eigenvalue of a symmetric positive semidefinite operator M on R^n.
 *
 * Method: Lanczos with full (two-pass classical Gram-Schmidt) reorthogonalisation from the start
 * vector q0 = start + 0.01 g (g a fixed generic vector, so q0 always has a component along
 * every eigenvector), at most maxSteps = n steps. After each step the largest eigenvalue theta_j
 * of the tridiagonal T_j is found by Sturm-sequence bisection; theta_j increases with j and is
 * always <= lambda_max (Cauchy interlacing). The run stops when theta_j changed by at most
 * tol * theta_j in two consecutive steps, on breakdown (an invariant Krylov subspace, which with
 * a generic start contains the top eigenvector), or after n steps (then exact up to round-off).
 *
 * References: C. Lanczos, J. Res. Nat. Bur. Standards 45:255-282, 1950, DOI 10.6028/jres.045.026;
 * G. H. Golub & C. F. Van Loan, Matrix Computations, 4th ed., 2013, sections 10.1-10.3
 * (Kaniel-Paige convergence, reorthogonalisation).
 *
 * @example
 * ```ts
 * largestEigenvaluePSD({ n: 2, apply: (x, y) => { y[0] = 2 * x[0]; y[1] = x[1]; } }).value; // 1.9999999999999996
 * ```
 */
export function largestEigenvaluePSD(
  op: SymmetricOperator,
  start?: Float64Array,
  maxSteps = op.n,
  tol = 1e-13,
): TopEigenpair {
  const n = op.n;
  const m = Math.max(1, Math.min(maxSteps, n));
  if (basisScratch.length < m * n) basisScratch = new Float64Array(m * n);
  const Q = basisScratch;
  const alpha = new Float64Array(m);
  const beta = new Float64Array(m);
  const w = new Float64Array(n);
  const g = genericVectorShared(n);
  let norm0 = 0;
  for (let i = 0; i < n; i++) {
    const gi = g[i] as number;
    const v = (start ? (start[i] as number) : 0) + (start ? 0.01 : 1) * gi;
    Q[i] = v;
    norm0 += v * v;
  }
  norm0 = Math.sqrt(norm0);
  if (!(norm0 > 0) || !Number.isFinite(norm0)) {
    for (let i = 0; i < n; i++) Q[i] = g[i] as number;
    norm0 = Math.sqrt(dot(Q, 0, Q, 0, n));
  }
  for (let i = 0; i < n; i++) Q[i] = (Q[i] as number) / norm0;

  let theta = 0;
  let prevTheta = -Infinity;
  let small = 0;
  let steps = 0;
  const qj = new Float64Array(n);
  for (let j = 0; j < m; j++) {
    steps = j + 1;
    for (let i = 0; i < n; i++) qj[i] = Q[j * n + i] as number;
    op.apply(qj, w);
    alpha[j] = dot(qj, 0, w, 0, n);
    for (let pass = 0; pass < 2; pass++) {
      for (let l = 0; l <= j; l++) {
        const c = dot(Q, l * n, w, 0, n);
        if (c !== 0) for (let i = 0; i < n; i++) w[i] = (w[i] as number) - c * (Q[l * n + i] as number);
      }
    }
    let b = Math.sqrt(dot(w, 0, w, 0, n));
    theta = largestTridiagonalEigenvalue(alpha, beta, j + 1, prevTheta === -Infinity ? -Infinity : prevTheta);
    if (j > 0 && theta - prevTheta <= tol * Math.abs(theta)) small++;
    else small = 0;
    prevTheta = theta;
    const scale = Math.max(Math.abs(theta), Math.abs(alpha[j] as number));
    if (small >= 2 || j === m - 1 || !(b > 1e-14 * scale) || scale === 0) {
      b = 0;
      break;
    }
    beta[j] = b;
    for (let i = 0; i < n; i++) Q[(j + 1) * n + i] = (w[i] as number) / b;
  }
  const y = tridiagonalEigenvector(alpha, beta, steps, theta);
  const vector = new Float64Array(n);
  for (let l = 0; l < steps; l++) {
    const c = y[l] as number;
    for (let i = 0; i < n; i++) vector[i] = (vector[i] as number) + c * (Q[l * n + i] as number);
  }
  let vn = Math.sqrt(dot(vector, 0, vector, 0, n));
  if (!(vn > 0) || !Number.isFinite(vn)) {
    vector.set(Q.subarray(0, n));
    vn = 1;
  }
  for (let i = 0; i < n; i++) vector[i] = (vector[i] as number) / vn;
  return { value: Math.max(theta, 0), vector, steps };
}

/**
 * ||C||_2 of a row-major rows x cols matrix stored at C[offset ...], with the top right singular
 * vector (a warm start for the next call).
 *
 * Method: sqrt of {@link largestEigenvaluePSD} of C^T C applied as C^T (C x) (2 rows cols flops
 * per step; by the SIMD kernel when available, the same sums in the same order); a lower
 * bound that is exact on convergence.
 *
 * @example
 * ```ts
 * spectralNormDense(Float64Array.from([0, 2, 0, 0]), 0, 2, 2).norm; // 1.9999999999999998
 * ```
 */
export function spectralNormDense(
  C: Float64Array,
  offset: number,
  rows: number,
  cols: number,
  start?: Float64Array,
): { norm: number; vector: Float64Array } {
  const arena = rows * cols >= 256 ? simdArena() : null;
  if (arena) {
    // The same two products through the SIMD kernel: tmp_i = sum_j C_ij x_j (lanes over i, C^T
    // copied once), out_j = sum_i tmp_i C_ij (lanes over j), each sum from 0 in index order.
    // C may itself be a view of the kernels' memory, which the allocations below can detach: copy it first.
    const src = C.slice(offset, offset + rows * cols);
    const mark = arena.mark();
    try {
      const CT = arena.alloc(rows * cols), CM = arena.alloc(rows * cols), X = arena.alloc(cols), TMP = arena.alloc(rows), OUT = arena.alloc(cols);
      const f = arena.f64;
      for (let i = 0; i < rows; i++) {
        const o = i * cols;
        for (let j = 0; j < cols; j++) f[CT + j * rows + i] = src[o + j] as number;
      }
      f.set(src, CM);
      const k = arena.kernels;
      const top = largestEigenvaluePSD(
        {
          n: cols,
          apply(x, out) {
            f.set(x, X);
            gemm(k, X, 0, 1, CT, rows, TMP, 0, 1, rows, cols, false);
            gemm(k, TMP, 0, 1, CM, cols, OUT, 0, 1, cols, rows, false);
            out.set(f.subarray(OUT, OUT + cols));
          },
        },
        start,
      );
      return { norm: Math.sqrt(top.value), vector: top.vector };
    } finally {
      arena.release(mark);
    }
  }
  const tmp = new Float64Array(rows);
  const op: SymmetricOperator = {
    n: cols,
    apply(x, out) {
      // tmp = C x, four rows at a time (each row's sum in index order).
      matVecRows(C, offset, rows, cols, x, 0, tmp, 0, false);
      // out = C^T tmp: out_j = sum_i tmp_i C_ij added in increasing i, four rows per pass (the
      // same additions in the same order as one row per pass; zero terms are exact no-ops).
      out.fill(0);
      let i = 0;
      for (; i + 4 <= rows; i += 4) {
        const t0 = tmp[i] as number, t1 = tmp[i + 1] as number, t2 = tmp[i + 2] as number, t3 = tmp[i + 3] as number;
        const b0 = offset + i * cols, b1 = b0 + cols, b2 = b1 + cols, b3 = b2 + cols;
        for (let j = 0; j < cols; j++) {
          out[j] = (out[j] as number) + t0 * (C[b0 + j] as number) + t1 * (C[b1 + j] as number) + t2 * (C[b2 + j] as number) + t3 * (C[b3 + j] as number);
        }
      }
      for (; i < rows; i++) {
        const ti = tmp[i] as number;
        const base = offset + i * cols;
        for (let j = 0; j < cols; j++) out[j] = (out[j] as number) + ti * (C[base + j] as number);
      }
    },
  };
  const top = largestEigenvaluePSD(op, start);
  return { norm: Math.sqrt(top.value), vector: top.vector };
}
