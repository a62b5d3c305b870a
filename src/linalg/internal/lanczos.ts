/**
 * Internal (not re-exported): Lanczos with full reorthogonalisation for the largest eigenvalue
 * of a symmetric positive semidefinite operator, with the stopping rule as a parameter. Two
 * callers, two rules:
 * - {@link largestEigenvaluePSD} / {@link spectralNormDense} (lagged correlation norms
 *   ||C||_2, src/analysis/correlation): stop when the top Ritz value stalls, and return the Ritz
 *   vector as a warm start for the next, nearby matrix;
 * - {@link largestSingularValueLanczos} (iterative Jacobian spectra, src/analysis/
 *   jacobianSpectrum.ts): stop when the top Ritz pair's residual certifies the value, null when
 *   it does not (the caller then uses an exact method).
 * Both run the same recurrence ({@link lanczosRecurrence}) and the same Sturm bisection and
 * tridiagonal inverse iteration; what differs (start vector, stopping rule, inverse iteration
 * start and count) is passed in, so each caller's numbers are those of its former module bit
 * for bit.
 *
 * @module
 */
import { hashedUniformVector } from './hashedVector.js';
import type { DenseMatrix } from '../dense.js';
import { matVecRows } from './kernels.js';
import { gemm, simdArena } from './simd.js';

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

/** A converged top singular value. */
export interface TopSingularValue {
  /** sigma_max(A). */
  readonly value: number;
  /** ||A^T A x - theta x|| / theta for the returned Ritz pair (theta = value^2, ||x|| = 1). */
  readonly residual: number;
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

/** A fixed, deterministic unit start vector with no special structure (splitmix-style hash). */
function hashedUnitVector(n: number): Float64Array {
  const v = hashedUniformVector(n, 0x2545f491);
  let norm = 0;
  for (let i = 0; i < n; i++) norm += (v[i] as number) * (v[i] as number);
  norm = Math.sqrt(norm);
  for (let i = 0; i < n; i++) v[i] = (v[i] as number) / norm;
  return v;
}

/** The Lanczos basis buffer of {@link largestEigenvaluePSD}, reused between calls (every row is written before it is read). */
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

/**
 * Largest eigenvalue theta of the symmetric tridiagonal (alpha, beta) of size m by Sturm
 * bisection inside its Gershgorin interval (raised to lowerHint when that lies inside), and the
 * interval's scale max(|lo|, |hi|) before the hint.
 */
function topTridiagonalBisection(alpha: Float64Array, beta: Float64Array, m: number, lowerHint: number): { theta: number; gershgorinScale: number } {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < m; i++) {
    const r = (i > 0 ? Math.abs(beta[i - 1] as number) : 0) + (i < m - 1 ? Math.abs(beta[i] as number) : 0);
    lo = Math.min(lo, (alpha[i] as number) - r);
    hi = Math.max(hi, (alpha[i] as number) + r);
  }
  const gershgorinScale = Math.max(Math.abs(lo), Math.abs(hi), Number.MIN_VALUE);
  if (m === 1) return { theta: alpha[0] as number, gershgorinScale };
  if (lowerHint > lo && lowerHint < hi) lo = lowerHint;
  const scale = Math.max(Math.abs(lo), Math.abs(hi), Number.MIN_VALUE);
  const tiny = Number.EPSILON * scale * 1e-3;
  for (let it = 0; it < 200 && hi - lo > 2 * Number.EPSILON * scale; it++) {
    const mid = 0.5 * (lo + hi);
    if (countBelow(alpha, beta, m, mid, tiny) === m) hi = mid;
    else lo = mid;
  }
  return { theta: 0.5 * (lo + hi), gershgorinScale };
}

/** Largest eigenvalue of the symmetric tridiagonal (alpha, beta) of size m by bisection. */
export function largestTridiagonalEigenvalue(alpha: Float64Array, beta: Float64Array, m: number, lowerHint = -Infinity): number {
  return topTridiagonalBisection(alpha, beta, m, lowerHint).theta;
}

/**
 * Inverse iteration for the symmetric tridiagonal (alpha, beta) of size m: `iterations` times
 * y <- (T - shift I)^-1 y / ||.||, with a partially pivoted tridiagonal solve (LAPACK
 * dgttrf/dgttrs style; a zero pivot replaced by zeroPivot). y (the start) is overwritten.
 *
 * @returns false when a solve gave a zero or non-finite vector (y is then that vector)
 */
function tridiagonalInverseIteration(alpha: Float64Array, beta: Float64Array, m: number, shift: number, y: Float64Array, iterations: number, zeroPivot: number): boolean {
  // Band storage of (T - shift I): dl (sub), d (diag), du (super), du2 (second super after pivoting).
  const d = new Float64Array(m), dl = new Float64Array(m), du = new Float64Array(m), du2 = new Float64Array(m);
  const swapped = new Uint8Array(m);
  for (let iter = 0; iter < iterations; iter++) {
    for (let i = 0; i < m; i++) {
      d[i] = (alpha[i] as number) - shift;
      dl[i] = i < m - 1 ? (beta[i] as number) : 0;
      du[i] = i < m - 1 ? (beta[i] as number) : 0;
      du2[i] = 0;
      swapped[i] = 0;
    }
    for (let i = 0; i < m - 1; i++) {
      if (Math.abs(d[i] as number) >= Math.abs(dl[i] as number)) {
        const piv = (d[i] as number) === 0 ? zeroPivot : (d[i] as number);
        const f = (dl[i] as number) / piv;
        dl[i] = f;
        d[i + 1] = (d[i + 1] as number) - f * (du[i] as number);
      } else {
        const f = (d[i] as number) / (dl[i] as number);
        d[i] = dl[i] as number;
        dl[i] = f;
        const t = du[i] as number;
        du[i] = d[i + 1] as number;
        d[i + 1] = t - f * (d[i + 1] as number);
        if (i < m - 2) {
          du2[i] = du[i + 1] as number;
          du[i + 1] = -f * (du[i + 1] as number);
        }
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
      y[i] = s / ((d[i] as number) === 0 ? zeroPivot : (d[i] as number));
    }
    let norm = 0;
    for (let i = 0; i < m; i++) norm += (y[i] as number) ** 2;
    norm = Math.sqrt(norm);
    if (!(norm > 0) || !Number.isFinite(norm)) return false;
    for (let i = 0; i < m; i++) y[i] = (y[i] as number) / norm;
  }
  return true;
}

/** out = M x for x = basis[offset .. offset + n). */
type ApplyAt = (basis: Float64Array, offset: number, out: Float64Array) => void;

/**
 * The Lanczos recurrence with full (two-pass classical Gram-Schmidt) reorthogonalisation, from
 * the unit vector in basis row 0, for at most m steps: step j sets alpha[j] = q_j^T M q_j and
 * w = (M q_j orthogonalised against q_0..q_j), b = ||w||; then stopAfter(j, b) decides, and if
 * it returns false, beta[j] = b and q_{j+1} = w / b. The stopping rule reads alpha, beta and the
 * basis rows 0..j (the tridiagonal T_{j+1} and its Krylov basis).
 *
 * @returns the number of steps taken
 */
function lanczosRecurrence(n: number, m: number, basis: Float64Array, alpha: Float64Array, beta: Float64Array, apply: ApplyAt, stopAfter: (j: number, b: number) => boolean): number {
  const w = new Float64Array(n);
  let steps = 0;
  for (let j = 0; j < m; j++) {
    steps = j + 1;
    const qo = j * n;
    apply(basis, qo, w);
    alpha[j] = dot(basis, qo, w, 0, n);
    for (let pass = 0; pass < 2; pass++) {
      for (let l = 0; l <= j; l++) {
        const c = dot(basis, l * n, w, 0, n);
        if (c !== 0) for (let i = 0; i < n; i++) w[i] = (w[i] as number) - c * (basis[l * n + i] as number);
      }
    }
    const b = Math.sqrt(dot(w, 0, w, 0, n));
    if (stopAfter(j, b)) break;
    beta[j] = b;
    for (let i = 0; i < n; i++) basis[qo + n + i] = (w[i] as number) / b;
  }
  return steps;
}

/** x = sum_l y_l q_l over the first `steps` basis rows. */
function combineBasis(basis: Float64Array, n: number, y: Float64Array, steps: number): Float64Array {
  const x = new Float64Array(n);
  for (let l = 0; l < steps; l++) {
    const c = y[l] as number;
    for (let i = 0; i < n; i++) x[i] = (x[i] as number) + c * (basis[l * n + i] as number);
  }
  return x;
}

/**
 * The largest eigenvalue of a symmetric positive semidefinite operator M on R^n.
 *
 * Method: Lanczos ({@link lanczosRecurrence}) from the start vector q0 = start + 0.01 g (g a
 * fixed generic vector, so q0 always has a component along every eigenvector), at most
 * maxSteps = n steps. Stopping rule (stalled Ritz value): after each step the largest eigenvalue
 * theta_j of the tridiagonal T_j is found by Sturm-sequence bisection; theta_j increases with j
 * and is always <= lambda_max (Cauchy interlacing). The run stops when theta_j changed by at
 * most tol * theta_j in two consecutive steps, on breakdown (an invariant Krylov subspace, which
 * with a generic start contains the top eigenvector), or after n steps (then exact up to
 * round-off). The Ritz vector comes from two steps of inverse iteration on T_j.
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

  const qj = new Float64Array(n);
  const apply: ApplyAt = (basis, offset, out) => {
    for (let i = 0; i < n; i++) qj[i] = basis[offset + i] as number;
    op.apply(qj, out);
  };
  let theta = 0;
  let prevTheta = -Infinity;
  let small = 0;
  const stalled = (j: number, b: number): boolean => {
    theta = largestTridiagonalEigenvalue(alpha, beta, j + 1, prevTheta);
    if (j > 0 && theta - prevTheta <= tol * Math.abs(theta)) small++;
    else small = 0;
    prevTheta = theta;
    const scale = Math.max(Math.abs(theta), Math.abs(alpha[j] as number));
    return small >= 2 || j === m - 1 || !(b > 1e-14 * scale) || scale === 0;
  };
  const steps = lanczosRecurrence(n, m, Q, alpha, beta, apply, stalled);
  let y = genericVector(steps);
  if (!tridiagonalInverseIteration(alpha, beta, steps, theta + 1e-10 * Math.max(Math.abs(theta), 1e-300), y, 2, 1e-300)) y = genericVector(steps);
  const vector = combineBasis(Q, n, y, steps);
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

/**
 * sigma_max(A) = sqrt(lambda_max(A^T A)) by Lanczos ({@link lanczosRecurrence}) on A^T A
 * (applied as A^T (A x), never formed), from a fixed generic start vector.
 *
 * Stopping rule (certified residual): every few steps the top Ritz pair (theta, x = Q y) of
 * the tridiagonal matrix is formed (y by three steps of inverse iteration) and accepted when
 * its residual ||A^T A x - theta x|| = beta_j |y_j| is at most tol theta; the accepted pair's
 * residual is then recomputed explicitly (two more products) and must also pass. For a
 * symmetric matrix some eigenvalue lies within the residual of theta, and theta <= lambda_max
 * (Ritz values interlace), so |sigma - sigma_max| / sigma_max <= tol / 2 when the converged
 * Ritz value is the top one (which Lanczos from a generic start finds first: extreme
 * eigenvalues converge first).
 *
 * References: G. H. Golub & C. F. Van Loan, Matrix Computations, 4th ed., 2013, sections
 * 10.1-10.3 (Lanczos, Kaniel-Paige bounds, residual of Ritz pairs); B. N. Parlett, The
 * Symmetric Eigenvalue Problem, SIAM 1998, doi:10.1137/1.9781611971163, section 13.
 *
 * @example
 * ```ts
 * largestSingularValueLanczos({ rows: 2, cols: 2, data: Float64Array.from([3, 0, 0, 1]) })?.value; // 2.9999999999999996
 * ```
 *
 * @returns null when maxSteps steps do not meet the test
 */
export function largestSingularValueLanczos(a: DenseMatrix, tol = 1e-10, maxSteps = Math.min(a.cols, 96)): TopSingularValue | null {
  const n = a.cols;
  const rows = a.rows;
  if (n === 0 || rows === 0) return { value: 0, residual: 0, steps: 0 };
  const m = Math.max(1, Math.min(maxSteps, n));
  const Q = new Float64Array(m * n);
  const alpha = new Float64Array(m);
  const beta = new Float64Array(m);
  const tmp = new Float64Array(rows);
  const at = new Float64Array(n * rows);
  for (let i = 0; i < rows; i++) for (let j = 0; j < n; j++) at[j * rows + i] = a.data[i * n + j] as number;
  const arena = rows * n >= 1024 ? simdArena() : null;
  const mark = arena ? arena.mark() : 0;
  try {
    // A^T (A x): each sum from 0 in index order, by matVecRows or, the same sums, by the SIMD
    // kernel (A and A^T copied into its memory once; lanes over the output entries).
    let applyGram: ApplyAt = (x, xOff, out) => {
      matVecRows(a.data, 0, rows, n, x, xOff, tmp, 0, false);
      matVecRows(at, 0, n, rows, tmp, 0, out, 0, false);
    };
    if (arena) {
      const A = arena.alloc(rows * n), AT = arena.alloc(rows * n), X = arena.alloc(n), TMP = arena.alloc(rows), OUT = arena.alloc(n);
      const f = arena.f64;
      f.set(a.data.subarray(0, rows * n), A);
      f.set(at, AT);
      const k = arena.kernels;
      applyGram = (x, xOff, out) => {
        f.set(x.subarray(xOff, xOff + n), X);
        gemm(k, X, 0, 1, AT, rows, TMP, 0, 1, rows, n, false);
        gemm(k, TMP, 0, 1, A, n, OUT, 0, 1, n, rows, false);
        out.set(f.subarray(OUT, OUT + n));
      };
    }
    Q.set(hashedUnitVector(n), 0);
    let result: TopSingularValue | null = null;
    const certified = (j: number, b: number): boolean => {
      const steps = j + 1;
      const breakdown = !(b > 1e-14 * Math.max(Math.abs(alpha[j] as number), 1e-300));
      const check = breakdown || steps === m || (steps >= 8 && steps % 4 === 0);
      if (check) {
        const { theta, gershgorinScale } = topTridiagonalBisection(alpha, beta, steps, -Infinity);
        if (!(theta > 0)) {
          result = theta === 0 && breakdown ? { value: 0, residual: 0, steps } : null;
          return true;
        }
        const y = new Float64Array(steps).fill(1);
        tridiagonalInverseIteration(alpha, beta, steps, theta + 1e-10 * gershgorinScale, y, 3, Number.EPSILON * gershgorinScale * 1e-3);
        const estimate = breakdown ? 0 : (b * Math.abs(y[steps - 1] as number)) / theta;
        if (estimate <= tol) {
          // Explicit residual of the Ritz pair.
          const x = combineBasis(Q, n, y, steps);
          let xn = 0;
          for (let i = 0; i < n; i++) xn += (x[i] as number) ** 2;
          xn = Math.sqrt(xn);
          const ax = new Float64Array(n);
          applyGram(x, 0, ax);
          let r = 0;
          for (let i = 0; i < n; i++) r += ((ax[i] as number) - theta * (x[i] as number)) ** 2;
          const residual = Math.sqrt(r) / (theta * xn);
          if (residual <= tol) {
            result = { value: Math.sqrt(theta), residual, steps };
            return true;
          }
        }
      }
      return breakdown || steps === m;
    };
    lanczosRecurrence(n, m, Q, alpha, beta, (x, xOff, out) => applyGram(x, xOff, out), certified);
    return result;
  } finally {
    if (arena) arena.release(mark);
  }
}
