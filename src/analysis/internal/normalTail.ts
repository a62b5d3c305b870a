/**
 * The upper tail of the standard normal distribution, for one-sided p-values. Internal: not
 * re-exported from the package.
 *
 * @module
 */

/** Below this |x|, erfc(x) = 1 - erf(x) by the positive-term series; above, the continued fraction. */
const SERIES_LIMIT = 2.5;

/**
 * P(Z > z) for Z ~ N(0, 1), accurate to about 1e-15 absolute (and relative for z > 0).
 *
 * Method: P(Z > z) = erfc(z / sqrt 2) / 2 for z >= 0 and 1 - erfc(-z / sqrt 2) / 2 otherwise.
 * erfc(x) for x < 2.5 as 1 - erf(x) with the series of positive terms
 * erf(x) = (2 / sqrt pi) e^{-x^2} sum_{n>=0} 2^n x^{2n+1} / (1 3 5 ... (2n+1)) (no cancellation;
 * Abramowitz & Stegun 7.1.6); for x >= 2.5 the continued fraction
 * erfc(x) = (e^{-x^2} / sqrt pi) 1 / (x + (1/2) / (x + 1 / (x + (3/2) / (x + 2 / (x + ...)))))
 * (A&S 7.1.14) evaluated by the modified Lentz method.
 *
 * References: M. Abramowitz & I. A. Stegun, Handbook of Mathematical Functions, 1964, 7.1.6 and
 * 7.1.14; W. H. Press et al., Numerical Recipes, 3rd ed., 2007, section 5.2 (Lentz's method).
 *
 * @example
 * ```ts
 * standardNormalUpperTail(1.959963984540054); // 0.025000000000000...
 * ```
 */
export function standardNormalUpperTail(z: number): number {
  if (Number.isNaN(z)) return Number.NaN;
  if (z === Infinity) return 0;
  if (z === -Infinity) return 1;
  const half = erfc(Math.abs(z) / Math.SQRT2) / 2;
  return z >= 0 ? half : 1 - half;
}

/** erfc(x) for x >= 0. */
function erfc(x: number): number {
  if (x < SERIES_LIMIT) {
    let term = x;
    let sum = x;
    for (let n = 1; n < 200; n++) {
      term *= (2 * x * x) / (2 * n + 1);
      sum += term;
      if (term < 1e-17 * sum) break;
    }
    return 1 - ((2 / Math.sqrt(Math.PI)) * Math.exp(-x * x) * sum);
  }
  // Continued fraction 1 / (x + a_1 / (x + a_2 / (x + ...))), a_k = k / 2, by modified Lentz.
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let k = 1; k < 500; k++) {
    const a = k / 2;
    d = x + a * d;
    d = d === 0 ? tiny : d;
    c = x + a / c;
    c = c === 0 ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
}
