/**
 * The Geweke and Porter-Hudak (GPH) log-periodogram estimator of the memory parameter d
 * (and H = d + 1/2).
 *
 * @module
 */
import { AnalysisInputError } from '../errors.js';
import { periodogram } from './periodogram.js';
import { fitLine } from './regression.js';
import { checkInteger, checkOpenInterval, checkScalarSeries } from './validate.js';

/** Options of {@link gph}. */
export interface GphOptions {
  /** alpha in the bandwidth m = floor(n^alpha), in (0, 1); default 0.5 (GPH's choice). Ignored when `bandwidth` is given. */
  readonly bandwidthExponent?: number;
  /** The number m of Fourier frequencies used, an integer in [GPH_MIN_BANDWIDTH, floor((n - 1) / 2)]. */
  readonly bandwidth?: number;
}

/** Result of {@link gph}. */
export interface GphResult {
  /** Estimated memory parameter d (slope of log I on -log(4 sin^2(lambda / 2))). */
  readonly d: number;
  /** H = d + 1/2. */
  readonly hurst: number;
  /**
   * Standard error of d (and of H): sqrt((pi^2 / 6) / sum_j (X_j - mean X)^2), the exact-regressor
   * form of the asymptotic variance (Hurvich, Deo & Brodsky 1998).
   */
  readonly standardError: number;
  /** The asymptotic standard error pi / sqrt(24 m) (Robinson 1995). */
  readonly asymptoticStandardError: number;
  /** The OLS standard error of the slope from the residuals. */
  readonly regressionStandardError: number;
  /** The bandwidth m (number of Fourier frequencies in the regression). */
  readonly bandwidth: number;
  /** Intercept of the regression log I(lambda_j) ~ intercept + d X_j. */
  readonly intercept: number;
  /** Fourier frequencies lambda_j = 2 pi j / n, j = 1..m. */
  readonly frequencies: number[];
  /** Periodogram I(lambda_j), j = 1..m. */
  readonly periodogram: number[];
}

const FN = 'gph';
/** Fewest Fourier frequencies a GPH regression is made on. */
export const GPH_MIN_BANDWIDTH = 8;
/** Default bandwidth exponent: m = floor(n^0.5). */
export const GPH_DEFAULT_BANDWIDTH_EXPONENT = 0.5;

/**
 * The GPH log-periodogram regression estimate of the memory parameter d of a stationary series,
 * with H = d + 1/2 and standard errors.
 *
 * Method: periodogram I(lambda_j) = |sum_t (x_t - mean) e^{-i lambda_j t}|^2 / (2 pi n) at
 * lambda_j = 2 pi j / n, j = 1..m, bandwidth m = floor(n^alpha), alpha = 0.5 by default (the
 * original choice; at n = 2^14, m = 128: the SE pi / sqrt(24 m) is 0.057, while the bias from
 * short-range structure, about -(log f*)''(0) lambda_m^2 / 18 (AR(1) with phi = 0.5:
 * +2 lambda_m^2 / 9 = +0.0005 at n = 2^14, +0.008 at n = 1000), is negligible because
 * lambda_m = 2 pi / sqrt(n) is small; measured on fGn, n = 2^14: bias within +-0.01, RMSE
 * 0.06 = the SE, so larger alpha trades that SE for short-range bias). OLS of log I(lambda_j) on X_j = -log(4 sin^2(lambda_j / 2));
 * d = slope, since f(lambda) = |2 sin(lambda / 2)|^{-2d} f*(lambda) with f* smooth and positive
 * at 0 (exact for ARFIMA(0, d, 0); for fGn d = H - 1/2). The log-periodogram errors have
 * variance pi^2 / 6, so Var(d) = (pi^2 / 6) / sum (X_j - mean X)^2 -> pi^2 / (24 m). The
 * intercept absorbs the Euler constant bias E log(I / f) = -0.5772. Minimum: m >= 8
 * frequencies, i.e. n >= 64 with alpha = 0.5 (n >= 8^(1 / alpha) in general), and m <= (n - 1) / 2.
 *
 * References: J. Geweke & S. Porter-Hudak, "The estimation and application of long memory time
 * series models", J. Time Ser. Anal. 4(4):221-238, 1983, DOI 10.1111/j.1467-9892.1983.tb00371.x;
 * P. M. Robinson, "Log-periodogram regression of time series with long range dependence",
 * Ann. Statist. 23(3):1048-1072, 1995, DOI 10.1214/aos/1176324636; C. M. Hurvich, R. Deo &
 * J. Brodsky, "The mean squared error of Geweke and Porter-Hudak's estimator of the memory
 * parameter of a long-memory time series", J. Time Ser. Anal. 19(1):19-46, 1998,
 * DOI 10.1111/1467-9892.00075.
 *
 * @example
 * ```ts
 * const r = gph(arfima(createRng(1), 16384, 0.3));
 * r.bandwidth; // 128
 * r.d; // 0.3384... (r.standardError 0.0606..., r.asymptoticStandardError 0.0567...)
 * ```
 */
export function gph(x: Float64Array, options: GphOptions = {}): GphResult {
  const alpha =
    options.bandwidth === undefined
      ? checkOpenInterval(options.bandwidthExponent ?? GPH_DEFAULT_BANDWIDTH_EXPONENT, FN, 'options.bandwidthExponent', 0, 1)
      : undefined;
  const minLength = alpha === undefined ? 2 * GPH_MIN_BANDWIDTH + 1 : Math.ceil(GPH_MIN_BANDWIDTH ** (1 / alpha) - 1e-9);
  const v = checkScalarSeries(
    x,
    FN,
    minLength,
    alpha === undefined ? `bandwidth ${GPH_MIN_BANDWIDTH} <= m <= (n - 1) / 2` : `bandwidth floor(n^${alpha}) >= ${GPH_MIN_BANDWIDTH}`,
  );
  const n = v.length;
  const maxBandwidth = Math.floor((n - 1) / 2);
  const m =
    alpha === undefined
      ? checkInteger(options.bandwidth, FN, 'options.bandwidth', GPH_MIN_BANDWIDTH, maxBandwidth)
      : Math.min(maxBandwidth, Math.floor(n ** alpha + 1e-9));
  if (m < GPH_MIN_BANDWIDTH) {
    throw new AnalysisInputError(`${FN}: the bandwidth floor(${n}^${alpha}) is ${m}, expected at least ${GPH_MIN_BANDWIDTH} (use a longer series or a larger bandwidthExponent)`);
  }
  const pg = periodogram(v, m);
  // Ordinates at or below the round-off level of the DFT, (64 eps sum |x - mean|)^2 / (2 pi n), count as zero.
  let mean = 0;
  for (let i = 0; i < n; i++) mean += v[i] as number;
  mean /= n;
  let absSum = 0;
  for (let i = 0; i < n; i++) absSum += Math.abs((v[i] as number) - mean);
  const roundoff = (64 * Number.EPSILON * absSum) ** 2 / (2 * Math.PI * n);
  const frequencies: number[] = [];
  const regressor: number[] = [];
  const logI: number[] = [];
  for (let j = 1; j <= m; j++) {
    const lambda = (2 * Math.PI * j) / n;
    const ij = pg[j - 1] as number;
    if (!(ij > roundoff)) {
      throw new AnalysisInputError(
        `${FN}: the periodogram at Fourier frequency j = ${j} (lambda = ${lambda}) is ${ij}, expected a positive number above the round-off level ${roundoff} (the series has no power there)`,
      );
    }
    frequencies.push(lambda);
    regressor.push(-Math.log(4 * Math.sin(lambda / 2) ** 2));
    logI.push(Math.log(ij));
  }
  const fit = fitLine(regressor, logI);
  return {
    d: fit.slope,
    hurst: fit.slope + 0.5,
    standardError: Math.sqrt(Math.PI ** 2 / 6 / fit.sxx),
    asymptoticStandardError: Math.PI / Math.sqrt(24 * m),
    regressionStandardError: fit.slopeStandardError,
    bandwidth: m,
    intercept: fit.intercept,
    frequencies,
    periodogram: Array.from(pg),
  };
}
