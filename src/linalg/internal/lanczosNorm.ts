/**
 * The largest singular value of a dense matrix by Lanczos on A^T A with full
 * reorthogonalisation and a residual test; null when the test is not met (the caller then
 * uses the exact Gram-matrix method).
 *
 * @internal
 */
import type { DenseMatrix } from '../dense.js';
import { matVecRows } from './kernels.js';
import { gemm, simdArena } from './simd.js';

/** A converged top singular value. */
export interface TopSingularValue {
  /** sigma_max(A). */
  readonly value: number;
  /** ||A^T A x - theta x|| / theta for the returned Ritz pair (theta = value^2, ||x|| = 1). */
  readonly residual: number;
  readonly steps: number;
}

/** A fixed, deterministic start vector with no special structure (splitmix-style hash). */
function startVector(n: number): Float64Array {
  const v = new Float64Array(n);
  let s = 0x2545f491;
  let norm = 0;
  for (let i = 0; i < n; i++) {
    s = (s + 0x9e3779b9) | 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    z ^= z >>> 16;
    const x = (z >>> 0) / 4294967296 - 0.5;
    v[i] = x;
    norm += x * x;
  }
  norm = Math.sqrt(norm);
  for (let i = 0; i < n; i++) v[i] = (v[i] as number) / norm;
  return v;
}

/** Number of eigenvalues of the symmetric tridiagonal (alpha, beta) below x (Sturm count). */
function countBelow(alpha: Float64Array, beta: Float64Array, m: number, x: number, tiny: number): number {
  let count = 0;
  let q = (alpha[0] as number) - x;
  if (q < 0) count++;
  for (let i = 1; i < m; i++) {
    const b = beta[i - 1] as number;
    q = (alpha[i] as number) - x - (b * b) / (q === 0 ? tiny : q);
    if (q < 0) count++;
  }
  return count;
}

/** Largest eigenvalue of the tridiagonal (alpha, beta) of order m by bisection, and its eigenvector by inverse iteration. */
function topTridiagonal(alpha: Float64Array, beta: Float64Array, m: number): { theta: number; y: Float64Array } {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < m; i++) {
    const r = (i > 0 ? Math.abs(beta[i - 1] as number) : 0) + (i < m - 1 ? Math.abs(beta[i] as number) : 0);
    lo = Math.min(lo, (alpha[i] as number) - r);
    hi = Math.max(hi, (alpha[i] as number) + r);
  }
  const scale = Math.max(Math.abs(lo), Math.abs(hi), Number.MIN_VALUE);
  const tiny = Number.EPSILON * scale * 1e-3;
  for (let it = 0; it < 200 && hi - lo > 2 * Number.EPSILON * scale; it++) {
    const mid = 0.5 * (lo + hi);
    if (countBelow(alpha, beta, m, mid, tiny) === m) hi = mid;
    else lo = mid;
  }
  const theta = 0.5 * (lo + hi);
  // Inverse iteration with (T - shift I), Gaussian elimination with partial pivoting (3 bands + fill-in).
  const shift = theta + 1e-10 * scale;
  const y = new Float64Array(m).fill(1);
  const d = new Float64Array(m), dl = new Float64Array(m), du = new Float64Array(m), du2 = new Float64Array(m);
  const swapped = new Uint8Array(m);
  for (let iter = 0; iter < 3; iter++) {
    for (let i = 0; i < m; i++) {
      d[i] = (alpha[i] as number) - shift;
      dl[i] = i < m - 1 ? (beta[i] as number) : 0;
      du[i] = i < m - 1 ? (beta[i] as number) : 0;
      du2[i] = 0;
      swapped[i] = 0;
    }
    for (let i = 0; i < m - 1; i++) {
      if (Math.abs(d[i] as number) >= Math.abs(dl[i] as number)) {
        const piv = (d[i] as number) === 0 ? tiny : (d[i] as number);
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
    for (let i = 0; i < m - 1; i++) {
      if (swapped[i] === 1) {
        const t = y[i] as number;
        y[i] = y[i + 1] as number;
        y[i + 1] = t - (dl[i] as number) * (y[i] as number);
      } else {
        y[i + 1] = (y[i + 1] as number) - (dl[i] as number) * (y[i] as number);
      }
    }
    for (let i = m - 1; i >= 0; i--) {
      let s = y[i] as number;
      if (i < m - 1) s -= (du[i] as number) * (y[i + 1] as number);
      if (i < m - 2) s -= (du2[i] as number) * (y[i + 2] as number);
      y[i] = s / ((d[i] as number) === 0 ? tiny : (d[i] as number));
    }
    let norm = 0;
    for (let i = 0; i < m; i++) norm += (y[i] as number) ** 2;
    norm = Math.sqrt(norm);
    if (!(norm > 0) || !Number.isFinite(norm)) break;
    for (let i = 0; i < m; i++) y[i] = (y[i] as number) / norm;
  }
  return { theta, y };
}

/**
 * sigma_max(A) = sqrt(lambda_max(A^T A)) by the Lanczos process on A^T A (applied as A^T (A x),
 * never formed), with full two-pass reorthogonalisation, from a fixed generic start vector.
 *
 * Convergence test: every few steps the top Ritz pair (theta, x = Q y) of the tridiagonal
 * matrix is formed and accepted when its residual ||A^T A x - theta x|| = beta_j |y_j|
 * is at most tol theta; the accepted pair's residual is then recomputed explicitly (two more
 * products) and must also pass. For a symmetric matrix some eigenvalue lies within the
 * residual of theta, and theta <= lambda_max (Ritz values interlace), so
 * |sigma - sigma_max| / sigma_max <= tol / 2 when the converged Ritz value is the top one
 * (which Lanczos from a generic start finds first: extreme eigenvalues converge first).
 *
 * References: G. H. Golub & C. F. Van Loan, Matrix Computations, 4th ed., 2013, sections
 * 10.1-10.3 (Lanczos, Kaniel-Paige bounds, residual of Ritz pairs); B. N. Parlett, The
 * Symmetric Eigenvalue Problem, SIAM 1998, doi:10.1137/1.9781611971163, section 13.
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
  const w = new Float64Array(n);
  const tmp = new Float64Array(rows);
  const at = new Float64Array(n * rows);
  for (let i = 0; i < rows; i++) for (let j = 0; j < n; j++) at[j * rows + i] = a.data[i * n + j] as number;
  const arena = rows * n >= 1024 ? simdArena() : null;
  const mark = arena ? arena.mark() : 0;
  try {
    // A^T (A x): each sum from 0 in index order, by matVecRows or, the same sums, by the SIMD
    // kernel (A and A^T copied into its memory once; lanes over the output entries).
    let applyGram = (x: Float64Array, xOff: number, out: Float64Array): void => {
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
    Q.set(startVector(n), 0);
    for (let j = 0; j < m; j++) {
      const qo = j * n;
      applyGram(Q, qo, w);
      let al = 0;
      for (let i = 0; i < n; i++) al += (Q[qo + i] as number) * (w[i] as number);
      alpha[j] = al;
      for (let pass = 0; pass < 2; pass++) {
        for (let l = 0; l <= j; l++) {
          const lo = l * n;
          let c = 0;
          for (let i = 0; i < n; i++) c += (Q[lo + i] as number) * (w[i] as number);
          if (c !== 0) for (let i = 0; i < n; i++) w[i] = (w[i] as number) - c * (Q[lo + i] as number);
        }
      }
      let b = 0;
      for (let i = 0; i < n; i++) b += (w[i] as number) * (w[i] as number);
      b = Math.sqrt(b);
      const steps = j + 1;
      const breakdown = !(b > 1e-14 * Math.max(Math.abs(al), 1e-300));
      const check = breakdown || steps === m || (steps >= 8 && steps % 4 === 0);
      if (check) {
        const { theta, y } = topTridiagonal(alpha, beta, steps);
        if (!(theta > 0)) return theta === 0 && breakdown ? { value: 0, residual: 0, steps } : null;
        const estimate = breakdown ? 0 : (b * Math.abs(y[steps - 1] as number)) / theta;
        if (estimate <= tol) {
          // Explicit residual of the Ritz pair.
          const x = new Float64Array(n);
          for (let l = 0; l < steps; l++) {
            const c = y[l] as number;
            const lo = l * n;
            for (let i = 0; i < n; i++) x[i] = (x[i] as number) + c * (Q[lo + i] as number);
          }
          let xn = 0;
          for (let i = 0; i < n; i++) xn += (x[i] as number) ** 2;
          xn = Math.sqrt(xn);
          const ax = new Float64Array(n);
          applyGram(x, 0, ax);
          let r = 0;
          for (let i = 0; i < n; i++) r += ((ax[i] as number) - theta * (x[i] as number)) ** 2;
          const residual = Math.sqrt(r) / (theta * xn);
          if (residual <= tol) return { value: Math.sqrt(theta), residual, steps };
          if (breakdown) return null;
        } else if (breakdown || steps === m) {
          return null;
        }
      }
      if (breakdown || steps === m) return null;
      beta[j] = b;
      for (let i = 0; i < n; i++) Q[qo + n + i] = (w[i] as number) / b;
    }
    return null;
  } finally {
    if (arena) arena.release(mark);
  }
}
