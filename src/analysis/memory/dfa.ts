/**
 * Detrended fluctuation analysis (DFA): the Hurst exponent of a stationary series from the
 * growth of the detrended fluctuation of its profile with the window size.
 *
 * @module
 */
import { AnalysisInputError } from '../errors.js';
import { fitLine, logSpacedIntegers } from './regression.js';
import { checkInteger, checkScalarSeries, describe } from './validate.js';

/** Options of {@link dfa}. */
export interface DfaOptions {
  /** Order q of the polynomial removed in each window (DFA-q), an integer in 1..5; default 1 (linear). */
  readonly order?: number;
  /** Smallest window size s_min; default {@link dfaDefaultMinScale}(order): 10 for order 1. */
  readonly minScale?: number;
  /** Largest window size s_max, at most floor(n / 4); default floor(n / 10) (at least 10 windows). */
  readonly maxScale?: number;
  /** Window sizes per doubling of s, log-spaced from s_min to s_max; default 4. */
  readonly scalesPerOctave?: number;
  /**
   * Add the second-order (Jensen) correction Var(log F(s)) to log F(s) before the fit; default
   * true. Without it the slope is biased low by the noise of the few windows at large s.
   */
  readonly logBiasCorrection?: boolean;
}

/** Result of {@link dfa}. */
export interface DfaResult {
  /** H: the slope of log F(s) on log s (fGn input gives its H; fBm input gives H + 1). */
  readonly hurst: number;
  /** Standard error of H from the modelled covariance of log F across scales (see {@link dfa}). */
  readonly standardError: number;
  /** The classical OLS standard error of the slope; treats the scales as independent and is several times too small. */
  readonly regressionStandardError: number;
  /** Window sizes s used, increasing. */
  readonly scales: number[];
  /** F(s) at each scale (uncorrected root-mean-square fluctuation). */
  readonly fluctuations: number[];
  /** Modelled Var(log F(s)) = kappa^2 s / n at each scale (the error bars of log F). */
  readonly logFluctuationVariances: number[];
  /** Number of windows averaged at each scale (forward and backward passes). */
  readonly windowCounts: number[];
  /** Intercept of the fit log F(s) ~ intercept + H log s (natural logarithms, after the correction). */
  readonly intercept: number;
  /** Coefficient of determination of the log-log fit. */
  readonly r2: number;
  /** Detrending order used. */
  readonly order: number;
}

const FN = 'dfa';
/** Fewest distinct scales a DFA fit is made on. */
export const DFA_MIN_SCALES = 4;

/**
 * The default smallest window of DFA of order q: 10 for q = 1, 5 (q + 1) for q >= 2 (15 for
 * DFA-2). Below it, the detrending itself bends F(s) away from the power law.
 *
 * @example
 * ```ts
 * dfaDefaultMinScale(1); // 10
 * dfaDefaultMinScale(2); // 15
 * ```
 */
export function dfaDefaultMinScale(order: number): number {
  return order <= 1 ? 10 : 5 * (order + 1);
}

/** Orthonormal discrete polynomial basis of degrees 0..q on 0..s-1 (modified Gram-Schmidt, twice). */
function polynomialBasis(s: number, q: number): Float64Array[] {
  const basis: Float64Array[] = [];
  const centre = (s - 1) / 2;
  for (let k = 0; k <= q; k++) {
    const v = new Float64Array(s);
    for (let j = 0; j < s; j++) v[j] = ((j - centre) / s) ** k;
    for (let pass = 0; pass < 2; pass++) {
      for (const b of basis) {
        let dot = 0;
        for (let j = 0; j < s; j++) dot += (b[j] as number) * (v[j] as number);
        for (let j = 0; j < s; j++) v[j] = (v[j] as number) - dot * (b[j] as number);
      }
    }
    let norm = 0;
    for (let j = 0; j < s; j++) norm += (v[j] as number) ** 2;
    norm = Math.sqrt(norm);
    for (let j = 0; j < s; j++) v[j] = (v[j] as number) / norm;
    basis.push(v);
  }
  return basis;
}

/** Mean squared residual of y[a..a+s-1] after projecting out the basis (explicit residual, no cancellation). */
function windowMeanSquare(y: Float64Array, a: number, basis: readonly Float64Array[], s: number, work: Float64Array): number {
  for (let j = 0; j < s; j++) work[j] = y[a + j] as number;
  for (const b of basis) {
    let dot = 0;
    for (let j = 0; j < s; j++) dot += (b[j] as number) * (work[j] as number);
    for (let j = 0; j < s; j++) work[j] = (work[j] as number) - dot * (b[j] as number);
  }
  let ss = 0;
  for (let j = 0; j < s; j++) ss += (work[j] as number) ** 2;
  return ss / s;
}

/**
 * Detrended fluctuation analysis of order q (DFA-q) of a scalar series x_0..x_{n-1}, and the
 * Hurst exponent H as the log-log slope of the fluctuation function, with a standard error.
 *
 * Method: profile Y_i = sum_{t <= i} (x_t - mean x). Window sizes: log-spaced integers, 4 per
 * octave, from s_min = 10 (order 1; 5 (q + 1) for q >= 2) to s_max = floor(n / 10). At each s,
 * Y is cut into floor(n / s) non-overlapping windows from the start and as many from the end
 * (Kantelhardt et al. 2002, so no data are dropped; when s divides n the two sets coincide and
 * are counted once); the least-squares polynomial of degree q is removed in each window and
 * F(s)^2 = mean over windows of (1/s) sum of squared residuals. For fGn, E F(s)^2 ~ C s^(2H).
 * Noise model: Var(log F(s)) = v_s = kappa^2 s / n, kappa^2 pooled over scales from the spread
 * of the per-window mean squares (delta method: Var(log F) = Var_w(F_w^2) / (4 (n / s) F^4),
 * pooled with weights n / s); correlation of log F between scales s < s' taken as s / s'
 * (both fitted to fGn simulations, H in [0.5, 0.9]). Fit: OLS of y_s = log F(s) + v_s on log s
 * (adding v_s undoes the second-order bias E log F = log sqrt(E F^2) - Var(log F), which
 * otherwise pulls the slope down through the few windows at large s); H = slope, and
 * SE(H)^2 = sum_{s,s'} c_s c_s' sqrt(v_s v_s') min(s,s') / max(s,s'), c_s = (log s - mean) / Sxx.
 * The OLS residual error is also returned; it ignores the strong correlation of neighbouring
 * scales and is 3-5 times too small for fGn. Why these scales (measured on fGn and AR(1), see
 * the tests and bench/memory-exponents.py): below s = 10 the detrending bends F(s) (DFA-1 on
 * white noise: E F^2 = (s^2 - 4) / (15 s)) and short-range structure leaks in (AR(1) with
 * phi = 0.5 reads H = 0.57 at n = 2^14 with these scales, 0.62 with nolds' 4..n/10, and 0.67
 * at n = 1000: DFA alone cannot tell a correlation time of a few steps from LRD at n ~ 10^3,
 * GPH can); above n / 10 the
 * fewer than 10 windows add more noise than leverage (RMSE at n = 2^14 0.015-0.020 with n / 10
 * against 0.019-0.027 with n / 4). Minimum length: n >= 20 s_min (200 for order 1) with the
 * default s_max, n >= 8 s_min with an explicit maxScale <= n / 4. Input is the noise
 * (increments): fGn gives H, white noise 1/2, fBm (a random walk) H + 1.
 *
 * References: C.-K. Peng, S. V. Buldyrev, S. Havlin, M. Simons, H. E. Stanley &
 * A. L. Goldberger, "Mosaic organization of DNA nucleotides", Phys. Rev. E 49:1685-1689, 1994,
 * DOI 10.1103/PhysRevE.49.1685; J. W. Kantelhardt, S. A. Zschiegner, E. Koscielny-Bunde,
 * S. Havlin, A. Bunde & H. E. Stanley, "Multifractal detrended fluctuation analysis of
 * nonstationary time series", Physica A 316:87-114, 2002, DOI 10.1016/S0378-4371(02)01383-3;
 * J.-M. Bardet & I. Kammoun, "Asymptotic properties of the detrended fluctuation analysis of
 * long-range-dependent processes", IEEE Trans. Inf. Theory 54(5):2041-2052, 2008,
 * DOI 10.1109/TIT.2008.920328.
 *
 * @example
 * ```ts
 * const r = dfa(fgn(createRng(1), 16384, 0.7));
 * r.hurst; // 0.7191... (RMSE over seeds at H = 0.7: 0.018)
 * r.standardError; // 0.0193...
 * r.scales; // [10, 12, 14, 17, 20, 23, 28, 33, ..., 1382, 1638] (31 scales)
 * dfa(new Float64Array(50)); // throws AnalysisInputError: dfa: x has length 50, expected at least 200 (...)
 * ```
 */
export function dfa(x: Float64Array, options: DfaOptions = {}): DfaResult {
  const order = checkInteger(options.order ?? 1, FN, 'options.order', 1, 5);
  const minScale = checkInteger(
    options.minScale ?? dfaDefaultMinScale(order),
    FN,
    'options.minScale',
    order + 2,
    Number.MAX_SAFE_INTEGER,
  );
  const perOctave = options.scalesPerOctave ?? 4;
  if (typeof perOctave !== 'number' || !Number.isFinite(perOctave) || perOctave < 1 || perOctave > 64) {
    throw new AnalysisInputError(`${FN}: options.scalesPerOctave is ${describe(perOctave)}, expected a number in [1, 64]`);
  }
  const v =
    options.maxScale === undefined
      ? checkScalarSeries(x, FN, 20 * minScale, `20 s_min with s_min = ${minScale}, so that the default scales s_min..n/10 span an octave`)
      : checkScalarSeries(x, FN, 8 * minScale, `8 s_min with s_min = ${minScale}, so that maxScale <= n/4 can reach 2 s_min`);
  const n = v.length;
  const maxScale = checkInteger(options.maxScale ?? Math.floor(n / 10), FN, 'options.maxScale', minScale + 1, Math.floor(n / 4));
  const scales = logSpacedIntegers(minScale, maxScale, perOctave);
  if (scales.length < DFA_MIN_SCALES) {
    throw new AnalysisInputError(
      `${FN}: the scale grid [${scales.join(', ')}] has ${scales.length} scales, expected at least ${DFA_MIN_SCALES} (increase maxScale or scalesPerOctave)`,
    );
  }

  let mean = 0;
  for (let i = 0; i < n; i++) mean += v[i] as number;
  mean /= n;
  const profile = new Float64Array(n);
  let acc = 0;
  let profileMax = 0;
  for (let i = 0; i < n; i++) {
    acc += (v[i] as number) - mean;
    profile[i] = acc;
    profileMax = Math.max(profileMax, Math.abs(acc));
  }
  // F(s) at or below the round-off level of the profile counts as zero.
  const roundoff = 64 * Number.EPSILON * profileMax;

  const fluctuations: number[] = [];
  const windowCounts: number[] = [];
  const work = new Float64Array(maxScale);
  let kappaNumerator = 0;
  let kappaDenominator = 0;
  for (const s of scales) {
    const basis = polynomialBasis(s, order);
    const k = Math.floor(n / s);
    let sum = 0;
    let sumSquares = 0;
    let count = 0;
    const add = (a: number): void => {
      const r = windowMeanSquare(profile, a, basis, s, work);
      sum += r;
      sumSquares += r * r;
      count++;
    };
    for (let w = 0; w < k; w++) add(w * s);
    if (n % s !== 0) for (let w = 0; w < k; w++) add(n - (w + 1) * s);
    const f2 = sum / count;
    if (!(Math.sqrt(f2) > roundoff)) {
      throw new AnalysisInputError(
        `${FN}: the fluctuation F(${s}) is ${Math.sqrt(f2)}, expected a positive number above the round-off level ${roundoff} (the profile is a polynomial of degree <= ${order} in every window of size ${s})`,
      );
    }
    const windowVariance = (Math.max(0, sumSquares / count - f2 * f2) * count) / Math.max(1, count - 1);
    // Var(log F(s)) ~ Var_w / (4 (n / s) F^4) = kappa^2 s / n: kappa^2 estimate at this scale, weight n / s.
    kappaNumerator += (windowVariance / (4 * f2 * f2)) * (n / s);
    kappaDenominator += n / s;
    fluctuations.push(Math.sqrt(f2));
    windowCounts.push(count);
  }
  const kappa2 = kappaNumerator / kappaDenominator;
  const logFluctuationVariances = scales.map((s) => (kappa2 * s) / n);
  const correct = options.logBiasCorrection ?? true;
  const logS = scales.map((s) => Math.log(s));
  const fit = fitLine(
    logS,
    fluctuations.map((f, i) => Math.log(f) + (correct ? (logFluctuationVariances[i] as number) : 0)),
  );
  let variance = 0;
  for (let i = 0; i < scales.length; i++) {
    const si = scales[i] as number;
    const ci = ((logS[i] as number) - fit.meanX) / fit.sxx;
    for (let j = 0; j < scales.length; j++) {
      const sj = scales[j] as number;
      const cj = ((logS[j] as number) - fit.meanX) / fit.sxx;
      variance += ci * cj * ((kappa2 * Math.sqrt(si * sj)) / n) * (Math.min(si, sj) / Math.max(si, sj));
    }
  }
  return {
    hurst: fit.slope,
    standardError: Math.sqrt(Math.max(0, variance)),
    regressionStandardError: fit.slopeStandardError,
    scales,
    fluctuations,
    logFluctuationVariances,
    windowCounts,
    intercept: fit.intercept,
    r2: fit.r2,
    order,
  };
}
