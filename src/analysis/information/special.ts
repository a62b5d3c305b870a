/**
 * Special functions and small dense kernels of the information estimators: the digamma
 * function, a log1p-accurate log det(I + G), Cholesky solves. Internal to
 * `src/analysis/information` (not re-exported from its index).
 *
 * @module
 */
import { AnalysisInputError } from '../errors.js';

/** Euler–Mascheroni constant gamma = -psi(1). */
export const EULER_GAMMA = 0.5772156649015329;

/**
 * The digamma function psi(x) = d/dx log Gamma(x) for x > 0.
 *
 * Method: the recurrence psi(x) = psi(x + 1) - 1/x moves x to x >= 10, then the asymptotic
 * (Stirling) series psi(x) = log x - 1/(2x) - sum_{k>=1} B_{2k} / (2k x^{2k}) with the
 * Bernoulli numbers B_2..B_14 (truncation error below 1e-17 at x >= 10). Absolute error
 * about 1e-15 for x in (0, 10), relative 1e-16 beyond.
 *
 * References: M. Abramowitz & I. A. Stegun, Handbook of Mathematical Functions, NBS 1964,
 * formulas 6.3.5 and 6.3.18 (no DOI); NIST Digital Library of Mathematical Functions,
 * eqs. 5.5.2 and 5.11.2, https://dlmf.nist.gov/5.11 (no DOI).
 *
 * @throws AnalysisInputError when x is not a positive finite number
 * @example
 * digamma(1); // -0.5772156649015324 (exact -0.57721566490153286...: -Euler's gamma)
 * digamma(0.5); // -1.9635100260214229 (exact -gamma - 2 log 2 = -1.96351002602142347...)
 */
export function digamma(x: number): number {
  if (!(x > 0) || !Number.isFinite(x)) {
    throw new AnalysisInputError(`digamma: x is ${x}, expected a positive finite number`);
  }
  let acc = 0;
  while (x < 10) {
    acc -= 1 / x;
    x += 1;
  }
  const inv2 = 1 / (x * x);
  // B2/2 = 1/12, B4/4 = -1/120, B6/6 = 1/252, B8/8 = -1/240, B10/10 = 1/132, B12/12 = -691/32760, B14/14 = 1/12
  const series =
    inv2 *
    (1 / 12 -
      inv2 * (1 / 120 - inv2 * (1 / 252 - inv2 * (1 / 240 - inv2 * (1 / 132 - inv2 * (691 / 32760 - inv2 / 12))))));
  return acc + Math.log(x) - 0.5 / x - series;
}

/**
 * log det(I_k + G) for a symmetric positive semidefinite k x k matrix G (row-major), with
 * relative accuracy even when G is tiny (where log det(I + G) ~ tr G).
 *
 * Method: Cholesky factorisation of I + G that keeps the identity out of the pivots: pivot i
 * is 1 + t_i with t_i = g_ii - sum_{j<i} l_ij^2, so log det = sum_i log1p(t_i) (the l_ij are
 * O(sqrt|G|) and carry no rounding of the 1). Golub & Van Loan, Matrix Computations, 4th ed.,
 * Algorithm 4.2.1.
 *
 * Returns NaN if a pivot is not positive (G not positive semidefinite beyond rounding).
 *
 * @example
 * logDetIdentityPlus(Float64Array.from([1e-20]), 1); // 1e-20 (log(1 + 1e-20) would give 0)
 */
export function logDetIdentityPlus(g: Float64Array, k: number): number {
  const l = new Float64Array(k * k);
  let sum = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j <= i; j++) {
      let s = g[i * k + j] as number;
      for (let m = 0; m < j; m++) s -= (l[i * k + m] as number) * (l[j * k + m] as number);
      if (i === j) {
        if (!(s > -1)) return Number.NaN;
        l[i * k + i] = Math.sqrt(1 + s);
        sum += Math.log1p(s);
      } else {
        l[i * k + j] = s / (l[j * k + j] as number);
      }
    }
  }
  return sum;
}

/**
 * Lower Cholesky factor of a symmetric k x k matrix (row-major), or null if a pivot is not
 * positive. Reads only the lower triangle.
 *
 * Method: Cholesky–Banachiewicz; Golub & Van Loan, Matrix Computations, 4th ed. (2013),
 * ISBN 978-1-4214-0794-4, Algorithm 4.2.1 (no DOI).
 *
 * @example
 * choleskyLowerOrNull(Float64Array.from([4, 2, 2, 3]), 2); // Float64Array [2, 0, 1, 1.414...]
 */
export function choleskyLowerOrNull(a: Float64Array, k: number): Float64Array | null {
  const l = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * k + j] as number;
      for (let m = 0; m < j; m++) s -= (l[i * k + m] as number) * (l[j * k + m] as number);
      if (i === j) {
        if (!(s > 0)) return null;
        l[i * k + i] = Math.sqrt(s);
      } else {
        l[i * k + j] = s / (l[j * k + j] as number);
      }
    }
  }
  return l;
}

/**
 * Solves L X = B in place for lower-triangular L (k x k) and B (k x c), row-major.
 *
 * Method: forward substitution, Golub & Van Loan (2013), ISBN 978-1-4214-0794-4, Alg. 3.1.1.
 *
 * @example
 * const b = Float64Array.from([2, 3]);
 * forwardSubstituteInPlace(Float64Array.from([2, 0, 1, 1]), 2, b, 1); // b = [1, 2]
 */
export function forwardSubstituteInPlace(l: Float64Array, k: number, b: Float64Array, c: number): void {
  for (let i = 0; i < k; i++) {
    const lii = l[i * k + i] as number;
    for (let col = 0; col < c; col++) {
      let s = b[i * c + col] as number;
      for (let m = 0; m < i; m++) s -= (l[i * k + m] as number) * (b[m * c + col] as number);
      b[i * c + col] = s / lii;
    }
  }
}

/**
 * 2 sum log l_ii: log det of L L^T from its Cholesky factor.
 *
 * Method: det(L L^T) = prod l_ii^2. References: Golub & Van Loan (2013), ISBN
 * 978-1-4214-0794-4, section 4.2.
 *
 * @example
 * logDetFromCholesky(Float64Array.from([2, 0, 1, 1]), 2); // 1.3862943611198906 (= log 4)
 */
export function logDetFromCholesky(l: Float64Array, k: number): number {
  let s = 0;
  for (let i = 0; i < k; i++) s += Math.log(l[i * k + i] as number);
  return 2 * s;
}
