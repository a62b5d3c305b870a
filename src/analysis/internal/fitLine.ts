/**
 * Ordinary least squares of y on x with an intercept: the straight-line fit behind the memory
 * exponents (log F on log s, GPH, aggregated variance) and the correlation decay fits
 * (log norm on k or log k). Internal: not re-exported from the package.
 *
 * @module
 */

/** Result of the straight-line fit y = intercept + slope x. */
export interface LineFit {
  readonly slope: number;
  readonly intercept: number;
  /** Classical OLS standard error of the slope: sqrt(s^2 / Sxx), s^2 = RSS / (k - 2). */
  readonly slopeStandardError: number;
  /** Coefficient of determination 1 - RSS / TSS (1 when TSS = 0). */
  readonly r2: number;
  /** Residual sum of squares. */
  readonly rss: number;
  /** Sxx = sum (x_i - mean x)^2. */
  readonly sxx: number;
  /** mean of x. */
  readonly meanX: number;
}

/**
 * Least-squares line through the points (x_i, y_i), i = 0..k-1, k >= 2 and x not all equal
 * (the callers guarantee both).
 *
 * Method: centred sums Sxx = sum (x - xbar)^2, Sxy = sum (x - xbar)(y - ybar); slope = Sxy / Sxx,
 * intercept = ybar - slope xbar; SE(slope) = sqrt(RSS / (k - 2) / Sxx) (0 when k = 2).
 *
 * References: N. R. Draper & H. Smith, Applied Regression Analysis, 3rd ed., Wiley 1998,
 * DOI 10.1002/9781118625590, chapter 1.
 *
 * @example
 * ```ts
 * fitLine([0, 1, 2], [1, 3, 5]).slope; // 2 (intercept 1, r2 1, slopeStandardError 0)
 * ```
 */
export function fitLine(x: ArrayLike<number>, y: ArrayLike<number>): LineFit {
  const k = x.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < k; i++) {
    mx += x[i] as number;
    my += y[i] as number;
  }
  mx /= k;
  my /= k;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < k; i++) {
    const dx = (x[i] as number) - mx;
    const dy = (y[i] as number) - my;
    sxx += dx * dx;
    sxy += dx * dy;
    syy += dy * dy;
  }
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  let rss = 0;
  for (let i = 0; i < k; i++) {
    const r = (y[i] as number) - intercept - slope * (x[i] as number);
    rss += r * r;
  }
  const slopeStandardError = k > 2 ? Math.sqrt(rss / (k - 2) / sxx) : 0;
  const r2 = syy > 0 ? Math.max(0, 1 - rss / syy) : 1;
  return { slope, intercept, slopeStandardError, r2, rss, sxx, meanX: mx };
}
