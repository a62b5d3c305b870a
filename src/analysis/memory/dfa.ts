/**
 * Detrended fluctuation analysis (DFA): the Hurst exponent of a stationary series from the
 * growth of the detrended fluctuation of its profile with the window size.
 *
 * @module
 */
import { fitLine, logSpacedIntegers } from './regression.js';
import { checkInteger, checkScalarSeries } from './validate.js';
import { AnalysisInputError } from '../errors.js';

/** Options of {@link dfa}. */
export interface DfaOptions {
  /** Order q of the polynomial removed in each window (DFA-q); default 1 (linear), 0..5. */
  readonly order?: number;
  /** Smallest window size s_min; default {@link dfaDefaultMinScale}(order) (16 for order 1). */
  readonly minScale?: number;
  /** Largest window size s_max; default floor(n / 4) (at least 4 forward windows). */
  readonly maxScale?: number;
  /** Window sizes per doubling of s, log-spaced from s_min to s_max; default 4. */
  readonly scalesPerOctave?: number;
}

/** Result of {@link dfa}. */
export interface DfaResult {
  /** H: the slope of log F(s) on log s (for fGn input, H of the noise; fBm input gives H + 1). */
  readonly hurst: number;
  /** Standard error of H (see {@link dfa}: the OLS slope error inflated for correlated scales). */
  readonly standardError: number;
  /** The classical OLS standard error of the slope (treats the scales as independent). */
  readonly regressionStandardError: number;
  /** Window sizes s used, increasing. */
  readonly scales: number[];
  /** F(s) at each scale. */
  readonly fluctuations: number[];
  /** Number of windows averaged at each scale. */
  readonly windowCounts: number[];
  /** Intercept of the fit: log F(s) ~ intercept + H log s (natural logarithms). */
  readonly intercept: number;
  /** Coefficient of determination of the log-log fit. */
  readonly r2: number;
  /** Detrending order used. */
  readonly order: number;
}

const FN = 'dfa';
/** Fewest distinct scales a fit is made on. */
export const DFA_MIN_SCALES = 4;

/**
 * The default smallest window of DFA of order q: 16 for q <= 1, 8 (q + 1) above.
 *
 * @example
 * ```ts
 * dfaDefaultMinScale(1); // 16
 * dfaDefaultMinScale(2); // 24
 * ```
 */
export function dfaDefaultMinScale(order: number): number {
  return order <= 1 ? 16 : 8 * (order + 1);
}

/** Orthonormal discrete polynomial basis of degree 0..q on 0..s-1 (modified Gram-Schmidt, twice). */
function polynomialBasis(s: number, q: number): Float64Array[] {
  const basis: Float64Array[] = [];
  const c = (s - 1) / 2;
  for (let k = 0; k <= q; k++) {
    const v = new Float64Array(s);
    for (let j = 0; j < s; j++) v[j] = ((j - c) / s) ** k;
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

/** Residual sum of squares of y[a..a+s-1] after projecting out the basis. */
function windowResidual(y: Float64Array, a: number, basis: readonly Float64Array[], s: number, work: Float64Array): number {
  for (let j = 0; j < s; j++) work[j] = y[a + j] as number;
  for (const b of basis) {
    let dot = 0;
    for (let j = 0; j < s; j++) dot += (b[j] as number) * (work[j] as number);
    for (let j = 0; j < s; j++) work[j] = (work[j] as number) - dot * (b[j] as number);
  }
  let ss = 0;
  for (let j = 0; j < s; j++) ss += (work[j] as number) ** 2;
  return ss;
}

/**
 * Detrended fluctuation analysis of order q (DFA-q) of a scalar series x_0..x_{n-1}, and the
 * Hurst exponent H as the log-log slope of the fluctuation function.
 *
 * Method: profile Y_i = sum_{t <= i} (x_t - mean x). For each window size s in a log-spaced
 * grid (default 4 per octave from s_min = 16 (order 1; 8 (q + 1) for q >= 2) to
 * s_max = floor(n / 4)), cut Y into floor(n / s) non-overlapping windows from the start and
 * as many from the end (Kantelhardt et al. 2002; the two sets coincide when s divides n and
 * are then counted once), remove the least-squares polynomial of degree q in each window, and
 * take F(s) = sqrt(mean over windows of (1/s) sum of squared residuals). H = slope of the OLS
 * line log F(s) = c + H log s. For fGn with index H, F(s) ~ s^H; for white noise H = 1/2.
 * s_min = 16 keeps the small-window bias of DFA-1 (F(s) above the power law for s below ~10,
 * worst for H near 1) out of the fit; s_max = n / 4 keeps at least 4 (8 with the backward
 * pass) windows at the largest scale. Standard error: the OLS slope error treats the scales as
 * independent although neighbouring F(s) share data; `standardError` is the OLS error times
 * sqrt(k / k_eff) with k_eff = the number of octaves spanned + 1 (about one independent
 * point per octave), which matches the spread over seeds for fGn (see the tests).
 * Minimum length: n >= 4 s_max and at least 4 distinct scales, i.e. n >= 4 * 2 * s_min
 * (128 for order 1 with the defaults).
 *
 * References: C.-K. Peng, S. V. Buldyrev, S. Havlin, M. Simons, H. E. Stanley &
 * A. L. Goldberger, "Mosaic organization of DNA nucleotides", Phys. Rev. E 49:1685-1689, 1994,
 * DOI 10.1103/PhysRevE.49.1685; J. W. Kantelhardt, S. A. Zschiegner, E. Koscielny-Bunde,
 * S. Havlin, A. Bunde & H. E. Stanley, "Multifractal detrended fluctuation analysis of
 * nonstationary time series", Physica A 316:87-114, 2002, DOI 10.1016/S0378-4371(02)01383-3.
 *
 * @example
 * ```ts
 * const r = dfa(fgn(createRng(1), 16384, 0.7));
 * r.hurst; // 0.7 +- 0.03 (about; see the tests for the accuracy over seeds)
 * r.scales; // [16, 19, 23, 27, 32, ..., 4096]
 * ```
 */
export function dfa(x: Float64Array, options: DfaOptions = {}): DfaResult {
  const order = checkInteger(options.order ?? 1, FN, 'options.order', 0, 5);
  const minScale = checkInteger(options.minScale ?? dfaDefaultMinScale(order), FN, 'options.minScale', order + 2, Number.MAX_SAFE_INTEGER);
  const perOctave = options.scalesPerOctave ?? 4;
  if (typeof perOctave !== 'number' || !Number.isFinite(perOctave) || perOctave <= 0) {
    throw new AnalysisInputError(`${FN}: options.scalesPerOctave is ${String(perOctave)}, expected a positive number`);
  }
  const minLength = 8 * minScale;
  const v = checkScalarSeries(x, FN, options.maxScale === undefined ? minLength : 4 * minScale, `4 windows of the largest scale and scales from s_min = ${minScale} up to n / 4`);
  const n = v.length;
  const maxScale = checkInteger(options.maxScale ?? Math.floor(n / 4), FN, 'options.maxScale', minScale + 1, Math.floor(n / 4));
  const scales = logSpacedIntegers(minScale, maxScale, perOctave);
  if (scales.length < DFA_MIN_SCALES) {
    throw new AnalysisInputError(
      `${FN}: the scale grid ${JSON.stringify(scales)} has ${scales.length} scales, expected at least ${DFA_MIN_SCALES} (increase n, maxScale or scalesPerOctave)`,
    );
  }

  let mean = 0;
  for (let i = 0; i < n; i++) mean += v[i] as number;
  mean /= n;
  const profile = new Float64Array(n);
  let acc = 0;
  for (let i = 0; i < n; i++) {
    acc += (v[i] as number) - mean;
    profile[i] = acc;
  }

  const fluctuations: number[] = [];
  const logVariances: number[] = [];
  const windowCounts: number[] = [];
  const work = new Float64Array(maxScale);
  for (const s of scales) {
    const basis = polynomialBasis(s, order);
    const k = Math.floor(n / s);
    let total = 0;
    let total2 = 0;
    let count = 0;
    for (let w = 0; w < k; w++) {
      const r = windowResidual(profile, w * s, basis, s, work) / s;
      total += r;
      total2 += r * r;
      count++;
    }
    if (n % s !== 0) {
      for (let w = 0; w < k; w++) {
        const r = windowResidual(profile, n - (w + 1) * s, basis, s, work) / s;
        total += r;
        total2 += r * r;
        count++;
      }
    }
    const f = Math.sqrt(total / count);
    const m2 = total / count;
    const varW = Math.max(0, total2 / count - m2 * m2) * count / Math.max(1, count - 1);
    // Var(log F) = Var(log F^2) / 4 ~ Var_w / (K m2^2) / 4, K = floor(n / s) distinct windows
    logVariances.push((varW * s) / (n * m2 * m2) / 4);
    if (!(f > 0)) {
      throw new AnalysisInputError(
        `${FN}: the fluctuation F(${s}) is ${f}, expected a positive number (the profile is a polynomial of degree <= ${order} in every window)`,
      );
    }
    fluctuations.push(f);
    windowCounts.push(count);
  }
  const fit = fitLine(
    scales.map((s) => Math.log(s)),
    fluctuations.map((f) => Math.log(f)),
  );
  const beta = Number(process.env.BETA ?? 1);
  let sandwich = 0;
  scales.forEach((s, i) => {
    const ci = (Math.log(s) - fit.meanX) / fit.sxx;
    scales.forEach((t, j) => {
      const cj = (Math.log(t) - fit.meanX) / fit.sxx;
      sandwich += ci * cj * Math.sqrt((logVariances[i] as number) * (logVariances[j] as number)) * (Math.min(s, t) / Math.max(s, t)) ** beta;
    });
  });
  const octaves = Math.log2((scales[scales.length - 1] as number) / (scales[0] as number));
  const effective = Math.min(scales.length, octaves + 1);
  const inflation = Math.sqrt(scales.length / effective);
  return {
    hurst: fit.slope,
    standardError: Math.sqrt(sandwich),
    inflatedStandardError: fit.slopeStandardError * inflation,
    regressionStandardError: fit.slopeStandardError,
    scales,
    fluctuations,
    windowCounts,
    intercept: fit.intercept,
    r2: fit.r2,
    order,
    logVariances,
  } as DfaResult;
}
