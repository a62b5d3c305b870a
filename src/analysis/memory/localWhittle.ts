/**
 * The univariate local Whittle (Gaussian semiparametric) estimator of the memory parameter d,
 * pooled over independent sequences of equal length.
 *
 * @module
 */
import { brentRoot } from '../internal/brentRoot.js';
import { AnalysisInputError } from '../errors.js';
import { periodogram } from './periodogram.js';
import { checkInteger, describe } from './validate.js';

/** Result of {@link localWhittle}. */
export interface LocalWhittleEstimate {
  /** The estimate of the memory parameter d (H = d + 1/2 for a stationary series). */
  d: number;
  /**
   * Standard error 1 / (2 sqrt(N sum_j l_j^2)), l_j = log lambda_j - mean log lambda: the
   * first-order (sandwich) variance at m frequencies, which tends to Robinson's 1 / (4 m N) as
   * (1/m) sum l_j^2 -> 1 but is 3 to 12% larger at the bandwidths used here and matches the
   * simulated spread (see {@link localWhittle}).
   */
  standardError: number;
  /** Robinson's (1995, Theorem 2) asymptotic standard error 1 / (2 sqrt(m N)). */
  asymptoticStandardError: number;
  /** The bandwidth m: Fourier frequencies lambda_j = 2 pi j / n, j = 1..m. */
  bandwidth: number;
  /** Length n of each sequence. */
  n: number;
  /** Number N of sequences pooled. */
  sequences: number;
}

/** Options of {@link localWhittle}. */
export interface LocalWhittleOptions {
  /**
   * The bandwidth m, an integer in [LOCAL_WHITTLE_MIN_BANDWIDTH, floor((n - 1) / 2)];
   * default {@link localWhittleDefaultBandwidth}(n) = floor(n^0.65).
   */
  readonly bandwidth?: number;
}

/** Exponent of the default bandwidth m = floor(n^0.65). */
export const LOCAL_WHITTLE_BANDWIDTH_EXPONENT = 0.65;
/** Fewest Fourier frequencies an estimate is made from. */
export const LOCAL_WHITTLE_MIN_BANDWIDTH = 8;
/**
 * The interval [-1, 2] searched for d: it contains every value the untapered estimator settles
 * on (consistent for d in (-1/2, 1), and tending to 1 for d in [1, 2); see {@link localWhittle}),
 * so an estimate on an end point means the data are outside the model (e.g. a deterministic trend).
 */
export const LOCAL_WHITTLE_D_RANGE: readonly [number, number] = [-1, 2];
/** Absolute tolerance on d of the root finder. */
const D_TOLERANCE = 1e-12;

/**
 * The default bandwidth m = floor(n^0.65), capped at floor((n - 1) / 2) (frequencies below pi).
 *
 * Why 0.65: the local Whittle variance is 1 / (4m) and its bias from the short-range part
 * f*(lambda) of the spectrum grows like (m / n)^2 (Henry & Robinson 1996), so the MSE-optimal
 * m grows like n^0.8 when f* is twice differentiable at 0, with a constant that depends on the
 * unknown f*''(0) / f*(0). RNN states have strong short-range dynamics (AR-like components with
 * time scales of 10 to 100 steps), which make that constant large and the n^0.8 choice biased
 * upwards; GPH's and Greaves-Tunnell & Harchaoui's public code's floor(sqrt(n)) is safe against
 * that bias but wastes precision (n = 1024: m = 32, SE 0.088). n^0.65 sits between the two
 * (n = 1024: m = 90, SE 0.053; n = 16384: m = 548; n = 65536: m = 1351, SE 0.014) and is the
 * value issue #13 fixes.
 *
 * @example
 * ```ts
 * localWhittleDefaultBandwidth(1024); // 90
 * localWhittleDefaultBandwidth(65536); // 1351
 * ```
 */
export function localWhittleDefaultBandwidth(n: number): number {
  return Math.min(Math.floor((n - 1) / 2), Math.floor(n ** LOCAL_WHITTLE_BANDWIDTH_EXPONENT + 1e-9));
}

/**
 * The local Whittle estimate of the memory parameter d, from one sequence or pooled over N
 * independent sequences of equal length n (each sequence's own mean removed).
 *
 * Model: the spectral density is f(lambda) ~ G lambda^{-2d} as lambda -> 0+, with G > 0 and
 * d the memory parameter (d = H - 1/2; d = 0 for short memory, 0 < d < 1/2 stationary long
 * memory, d = 1 a unit root).
 *
 * Method: periodogram I(lambda_j) = |sum_t (x_t - mean) e^{-i lambda_j t}|^2 / (2 pi n) at
 * lambda_j = 2 pi j / n, j = 1..m, averaged over the N sequences; d-hat minimises
 * R(d) = log((1/m) sum_j lambda_j^{2d} I(lambda_j)) - 2d (1/m) sum_j log lambda_j
 * over [-1, 2]. R is strictly convex in d (a log-sum-exp of functions linear in d), so d-hat is
 * the root of R'(d) = 2 sum_j l_j w_j / sum_j w_j with l_j = log lambda_j - mean log lambda and
 * w_j = e^{2 d l_j} I(lambda_j) (the same R up to a constant, without overflow), found by
 * Brent's root finder to 1e-12 (minimising R by its values could only locate d to about 1e-8:
 * R is flat to second order at its minimum). Standard error: expanding R'(d-hat) = 0 about the
 * true d with I_j = f_j e_j, e_j independent unit exponentials (variance 1/N after averaging N
 * independent periodograms), the score 2 sum l_j (e_j - 1) / m has variance 4 sum l_j^2 / (N m^2)
 * and the Hessian is 4 sum l_j^2 / m, so Var(d-hat) = 1 / (4 N sum_j l_j^2). Robinson's limit
 * sqrt(m)(d-hat - d) -> N(0, 1/4) replaces sum l_j^2 / m by its limit 1 (asymptoticStandardError
 * 1 / (2 sqrt(m N))); at finite m the sum is smaller (0.79 at m = 57, 0.88 at m = 142, 0.94 at
 * m = 349), and the simulated SD of d-hat on ARFIMA(0, 0.25, 0) follows the finite-m value
 * (400 replicates: n = 512: SD 0.0747, finite-m SE 0.0744, asymptotic 0.0662; n = 2048: 0.0482,
 * 0.0447, 0.0420; n = 8192: 0.0274, 0.0277, 0.0268). Default bandwidth floor(n^0.65)
 * ({@link localWhittleDefaultBandwidth}).
 * Validity: Robinson (1995) proves consistency and the normal limit for d in (-1/2, 1/2);
 * Velasco (1999) extends them to the untapered estimator used here: consistent for d in
 * (-1/2, 1), asymptotically N(d, 1/(4m)) for d in (-1/2, 3/4). At d = 1 (random walk) the limit
 * is not normal and for d in (1, 2) the estimate tends to 1 (Phillips & Shimotsu 2004), so the
 * SE is only indicative beyond 3/4 and an estimate near 1 reads "d >= about 1".
 *
 * References: P. M. Robinson, "Gaussian semiparametric estimation of long range dependence",
 * Ann. Statist. 23(5):1630-1661, 1995, DOI 10.1214/aos/1176324317; C. Velasco, "Gaussian
 * semiparametric estimation of non-stationary time series", J. Time Ser. Anal. 20(1):87-127,
 * 1999, DOI 10.1111/1467-9892.00127; P. C. B. Phillips & K. Shimotsu, "Local Whittle estimation
 * in nonstationary and unit root cases", Ann. Statist. 32(2):656-692, 2004,
 * DOI 10.1214/009053604000000139; M. Henry & P. M. Robinson, "Bandwidth choice in Gaussian
 * semiparametric estimation of long range dependence", in Athens Conference on Applied
 * Probability and Time Series, Lecture Notes in Statistics 115, Springer 1996, pp. 220-232,
 * DOI 10.1007/978-1-4612-2412-9_16.
 *
 * @throws AnalysisInputError for no sequences, unequal lengths, non-finite values, a constant
 *   sequence, a bandwidth out of range or no power at the first m Fourier frequencies
 * @example
 * ```ts
 * const e = localWhittle([arfima(createRng(1), 16384, 0.3)]);
 * e.bandwidth; // 548
 * e.d; // 0.3508...  (e.standardError 0.02187..., e.asymptoticStandardError 0.02136 = 1 / (2 sqrt 548))
 * ```
 */
export function localWhittle(sequences: readonly ArrayLike<number>[], options: LocalWhittleOptions = {}): LocalWhittleEstimate {
  const FN = 'localWhittle';
  const series = checkSequences(sequences, FN);
  const n = (series[0] as Float64Array).length;
  const m = resolveBandwidth(options.bandwidth, n, FN);
  const pooled = new Float64Array(m);
  for (const x of series) {
    const pg = periodogram(x, m);
    for (let j = 0; j < m; j++) pooled[j] = (pooled[j] as number) + (pg[j] as number) / series.length;
  }
  checkLowFrequencyPower(pooled, series, FN, 'the sequences');
  let sumSquares = 0;
  for (const l of centredLogFrequencies(m, n)) sumSquares += l * l;
  return {
    d: localWhittleFromPeriodogram(pooled, n),
    standardError: 1 / (2 * Math.sqrt(sumSquares * series.length)),
    asymptoticStandardError: 1 / (2 * Math.sqrt(m * series.length)),
    bandwidth: m,
    n,
    sequences: series.length,
  };
}

/**
 * The local Whittle d-hat from the (pooled) periodogram I(lambda_j), j = 1..m (index j - 1), of
 * series of length n: the root of R'(d) on {@link LOCAL_WHITTLE_D_RANGE} (see
 * {@link localWhittle}). Internal to the memory estimators (the multivariate estimator's start).
 */
export function localWhittleFromPeriodogram(pooled: Float64Array, n: number): number {
  const m = pooled.length;
  const centredLogFrequency = centredLogFrequencies(m, n);
  // Scale I by its largest ordinate so that the weights stay in range for any data scale.
  let scale = 0;
  for (let j = 0; j < m; j++) scale = Math.max(scale, pooled[j] as number);
  const derivative = (d: number): number => {
    let num = 0;
    let den = 0;
    for (let j = 0; j < m; j++) {
      const l = centredLogFrequency[j] as number;
      const w = Math.exp(2 * d * l) * ((pooled[j] as number) / scale);
      num += l * w;
      den += w;
    }
    return (2 * num) / den;
  };
  const [lo, hi] = LOCAL_WHITTLE_D_RANGE;
  return brentRoot(derivative, lo, hi, D_TOLERANCE).x;
}

/** l_j = log lambda_j - (1/m) sum_k log lambda_k, lambda_j = 2 pi j / n, j = 1..m (index j - 1). */
export function centredLogFrequencies(m: number, n: number): Float64Array {
  const out = new Float64Array(m);
  let mean = 0;
  for (let j = 1; j <= m; j++) {
    out[j - 1] = Math.log((2 * Math.PI * j) / n);
    mean += out[j - 1] as number;
  }
  mean /= m;
  for (let j = 0; j < m; j++) out[j] = (out[j] as number) - mean;
  return out;
}

/**
 * Checks a list of N >= 1 sequences of one length n >= 2 LOCAL_WHITTLE_MIN_BANDWIDTH + 1, finite
 * and not constant, and returns them as Float64Arrays (copies only where needed). `what(k)`
 * names sequence k in messages.
 */
export function checkSequences(
  sequences: unknown,
  fn: string,
  what: (k: number) => string = (k) => `sequences[${k}]`,
): Float64Array[] {
  if (!Array.isArray(sequences) || sequences.length === 0) {
    throw new AnalysisInputError(`${fn}: sequences is ${describe(sequences)}, expected a non-empty array of equal-length numeric sequences`);
  }
  const minLength = 2 * LOCAL_WHITTLE_MIN_BANDWIDTH + 1;
  const out: Float64Array[] = [];
  let n = -1;
  sequences.forEach((s: unknown, k: number) => {
    if (!(s instanceof Float64Array) && !Array.isArray(s) && !ArrayBuffer.isView(s)) {
      throw new AnalysisInputError(`${fn}: ${what(k)} is ${describe(s)}, expected an array of numbers`);
    }
    const x = s instanceof Float64Array ? s : Float64Array.from(s as ArrayLike<number>);
    if (k === 0) {
      n = x.length;
      if (n < minLength) {
        throw new AnalysisInputError(`${fn}: ${what(0)} has length ${n}, expected at least ${minLength} (bandwidth ${LOCAL_WHITTLE_MIN_BANDWIDTH} <= m <= (n - 1) / 2)`);
      }
    } else if (x.length !== n) {
      throw new AnalysisInputError(`${fn}: ${what(k)} has length ${x.length}, expected ${n} (the length of ${what(0)})`);
    }
    let lo = Infinity;
    let hi = -Infinity;
    for (let t = 0; t < n; t++) {
      const v = x[t] as number;
      if (!Number.isFinite(v)) throw new AnalysisInputError(`${fn}: ${what(k)} entry ${t} is ${v}, expected a finite number`);
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (hi === lo) {
      throw new AnalysisInputError(`${fn}: ${what(k)} is constant (all ${n} values equal ${lo}), expected a sequence with positive variance`);
    }
    out.push(x);
  });
  return out;
}

/** The bandwidth: the option checked against [LOCAL_WHITTLE_MIN_BANDWIDTH, floor((n - 1) / 2)], or the default. */
export function resolveBandwidth(bandwidth: unknown, n: number, fn: string): number {
  const maxBandwidth = Math.floor((n - 1) / 2);
  if (bandwidth !== undefined) return checkInteger(bandwidth, fn, 'options.bandwidth', LOCAL_WHITTLE_MIN_BANDWIDTH, maxBandwidth);
  const m = localWhittleDefaultBandwidth(n);
  if (m < LOCAL_WHITTLE_MIN_BANDWIDTH) {
    throw new AnalysisInputError(
      `${fn}: the default bandwidth floor(${n}^${LOCAL_WHITTLE_BANDWIDTH_EXPONENT}) is ${m}, expected at least ${LOCAL_WHITTLE_MIN_BANDWIDTH} (use sequences of length >= 25 or give options.bandwidth)`,
    );
  }
  return m;
}

/**
 * Throws unless the pooled periodogram has power above the round-off level of the DFT,
 * (64 eps max_k sum_t |x_t - mean|)^2 / (2 pi n), at some of the first m Fourier frequencies.
 */
export function checkLowFrequencyPower(pooled: Float64Array, series: readonly Float64Array[], fn: string, what: string): void {
  const n = (series[0] as Float64Array).length;
  let absSum = 0;
  for (const x of series) {
    let mean = 0;
    for (let t = 0; t < n; t++) mean += x[t] as number;
    mean /= n;
    let s = 0;
    for (let t = 0; t < n; t++) s += Math.abs((x[t] as number) - mean);
    absSum = Math.max(absSum, s);
  }
  const roundoff = (64 * Number.EPSILON * absSum) ** 2 / (2 * Math.PI * n);
  let total = 0;
  for (let j = 0; j < pooled.length; j++) total = Math.max(total, pooled[j] as number);
  if (!(total > roundoff)) {
    throw new AnalysisInputError(
      `${fn}: ${what} have no power at the first ${pooled.length} Fourier frequencies (largest periodogram ordinate ${total}, round-off level ${roundoff}), expected a positive spectrum near frequency 0`,
    );
  }
}
