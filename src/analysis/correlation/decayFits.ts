/**
 * Least-squares fits of correlation-norm decay in log space: exponential a exp(-k / tau)
 * (short range dependence) and power law a k^-beta (long range dependence when beta < 1).
 *
 * @module
 */
import { AnalysisInputError } from '../errors.js';
import { fitLine } from '../internal/fitLine.js';

/** Fit of log norm = log a - k / tau. */
export interface ExponentialDecayFit {
  readonly model: 'exponential';
  /** a. */
  readonly amplitude: number;
  /** Decay length tau in lags (Infinity when the fitted slope is >= 0, i.e. no decay). */
  readonly tau: number;
  /** Slope of log norm against k (= -1 / tau). */
  readonly slope: number;
  /** Standard error of the slope (OLS). */
  readonly slopeStandardError: number;
  /** Residual sum of squares of log norm. */
  readonly rss: number;
  /** Coefficient of determination in log space. */
  readonly r2: number;
  /** Residual standard deviation sqrt(rss / (n - 2)). */
  readonly residualSd: number;
  readonly points: number;
}

/** Fit of log norm = log a - beta log k. */
export interface PowerLawDecayFit {
  readonly model: 'power-law';
  readonly amplitude: number;
  /** The decay exponent beta (norm ~ k^-beta); sum_k norm diverges iff beta <= 1. */
  readonly beta: number;
  /** OLS standard error of beta. */
  readonly betaStandardError: number;
  readonly rss: number;
  readonly r2: number;
  readonly residualSd: number;
  readonly points: number;
}

/** The least-squares line with the residual standard deviation sqrt(RSS / (n - 2)) the fits report. */
function line(x: readonly number[], y: readonly number[]): { intercept: number; slope: number; slopeSe: number; rss: number; r2: number; residualSd: number } {
  const f = fitLine(x, y);
  const n = x.length;
  return { intercept: f.intercept, slope: f.slope, slopeSe: f.slopeStandardError, rss: f.rss, r2: f.r2, residualSd: n > 2 ? Math.sqrt(f.rss / (n - 2)) : 0 };
}

function check(fn: string, lags: readonly number[], norms: readonly number[], minLag: number): void {
  if (lags.length !== norms.length) {
    throw new AnalysisInputError(`${fn}: norms has ${norms.length} entries, expected ${lags.length} (one per lag)`);
  }
  if (lags.length < 3) throw new AnalysisInputError(`${fn}: ${lags.length} points given, expected at least 3`);
  lags.forEach((k, i) => {
    if (!Number.isFinite(k) || k < minLag) {
      throw new AnalysisInputError(`${fn}: lags[${i}] is ${k}, expected a finite lag >= ${minLag}`);
    }
    const v = norms[i] as number;
    if (!Number.isFinite(v) || v <= 0) {
      throw new AnalysisInputError(`${fn}: norms[${i}] is ${v}, expected a finite positive number (logs are fitted)`);
    }
  });
  if (lags.every((k) => k === lags[0])) throw new AnalysisInputError(`${fn}: all lags equal ${lags[0]}, expected distinct lags`);
}

/**
 * Least-squares fit of norm(k) ~ a exp(-k / tau) in log space.
 *
 * Method: ordinary least squares of log norm_i on k_i: log norm = log a + s k, tau = -1 / s
 * (Infinity when s >= 0); R^2 and the residual standard deviation in log units.
 *
 * References: any regression text, e.g. N. R. Draper & H. Smith, Applied Regression Analysis,
 * 3rd ed., Wiley 1998, DOI 10.1002/9781118625590, chapter 1.
 *
 * @example
 * ```ts
 * fitExponentialDecay([1, 2, 3], [0.5, 0.25, 0.125]).tau; // 1.4426950408889636 = 1 / ln 2
 * ```
 */
export function fitExponentialDecay(lags: readonly number[], norms: readonly number[]): ExponentialDecayFit {
  check('fitExponentialDecay', lags, norms, 0);
  const f = line(lags, norms.map(Math.log));
  return {
    model: 'exponential',
    amplitude: Math.exp(f.intercept),
    tau: f.slope < 0 ? -1 / f.slope : Infinity,
    slope: f.slope,
    slopeStandardError: f.slopeSe,
    rss: f.rss,
    r2: f.r2,
    residualSd: f.residualSd,
    points: lags.length,
  };
}

/**
 * Least-squares fit of norm(k) ~ a k^-beta in log-log space (lags >= 1).
 *
 * Method: ordinary least squares of log norm_i on log k_i: log norm = log a - beta log k;
 * R^2, residual standard deviation and the OLS standard error of beta.
 *
 * References: Draper & Smith (1998), DOI 10.1002/9781118625590; for the caveats of log-log
 * regression, Clauset, Shalizi & Newman, SIAM Review 51(4):661-703, 2009, DOI 10.1137/070710111.
 *
 * @example
 * ```ts
 * fitPowerLawDecay([1, 2, 4], [1, 0.5, 0.25]).beta; // 1
 * ```
 */
export function fitPowerLawDecay(lags: readonly number[], norms: readonly number[]): PowerLawDecayFit {
  check('fitPowerLawDecay', lags, norms, 1);
  const f = line(lags.map(Math.log), norms.map(Math.log));
  return {
    model: 'power-law',
    amplitude: Math.exp(f.intercept),
    beta: -f.slope,
    betaStandardError: f.slopeSe,
    rss: f.rss,
    r2: f.r2,
    residualSd: f.residualSd,
    points: lags.length,
  };
}
