/**
 * Detrended fluctuation analysis (DFA): the Hurst exponent of a stationary series from the
 * growth of the detrended fluctuation of its profile with the window size, read off by fitting
 * the exact expected fluctuation function of fractional Gaussian noise.
 *
 * @module
 */
import { fft, ifft, nextPowerOfTwo } from '../../linalg/fft.js';
import { AnalysisInputError } from '../errors.js';
import { fitLine, logSpacedIntegers } from './regression.js';
import { checkInteger, checkOpenInterval, checkScalarSeries, describe } from './validate.js';

/** How {@link dfa} reads H off the fluctuation function. */
export type DfaFit = 'fgn' | 'powerLaw';

/** Options of {@link dfa}. */
export interface DfaOptions {
  /** Order q of the polynomial removed in each window (DFA-q), an integer in 1..5; default 1 (linear). */
  readonly order?: number;
  /** Smallest window size s_min, at least q + 2; default {@link dfaDefaultMinScale}(order, n): 4 for order 1 and n < 5832, then round(n^(1/3) / 4). */
  readonly minScale?: number;
  /** Largest window size s_max, at most floor(n / 4); default floor(n / 10) (at least 10 windows). */
  readonly maxScale?: number;
  /** Window sizes per doubling of s, log-spaced from s_min to s_max; default 4. */
  readonly scalesPerOctave?: number;
  /**
   * Add the second-order (Jensen) correction Var(log F(s)) to log F(s) before the fit; default
   * true. Without it H is biased low by the noise of the few windows at large s.
   */
  readonly logBiasCorrection?: boolean;
  /**
   * 'fgn' (default): H is the exponent whose exact fGn curve E_H[F^2(s)] matches log F(s) best
   * (least squares, free level); the small-scale bend of DFA is part of the model, so all scales
   * from q + 2 up can be used. 'powerLaw': the classical slope of log F(s) on log s, biased at
   * small s (use it with minScale >= 10 for order 1, the literature's usual DFA exponent).
   */
  readonly fit?: DfaFit;
}

/** Result of {@link dfa}. */
export interface DfaResult {
  /** H (the DFA exponent alpha): fGn input gives its H, an fBm path (a random walk) H + 1; in (0, q + 1) for fit 'fgn'. */
  readonly hurst: number;
  /** Standard error of H from the modelled covariance of log F across scales (see {@link dfa}). */
  readonly standardError: number;
  /** The classical least-squares standard error of H; treats the scales as independent and is several times too small. */
  readonly regressionStandardError: number;
  /** Window sizes s used, increasing. */
  readonly scales: number[];
  /** F(s) at each scale (uncorrected root-mean-square fluctuation). */
  readonly fluctuations: number[];
  /** Modelled Var(log F(s)) = kappa^2 s / n at each scale (the error bars of log F). */
  readonly logFluctuationVariances: number[];
  /** Number of windows averaged at each scale (forward and backward passes). */
  readonly windowCounts: number[];
  /**
   * Level of the fit, natural logarithms, after the correction. Fit 'fgn':
   * log F(s) ~ intercept + (1/2) log E_H[F^2(s)] with E_H of unit-variance fGn (so for H < 1,
   * exp(intercept) estimates the standard deviation of the input); 'powerLaw':
   * log F(s) ~ intercept + H log s.
   */
  readonly intercept: number;
  /** Coefficient of determination of the fit of log F(s). */
  readonly r2: number;
  /** Detrending order used. */
  readonly order: number;
  /** The fit used. */
  readonly fit: DfaFit;
}

const FN = 'dfa';
/** Fewest distinct scales a DFA fit is made on. */
export const DFA_MIN_SCALES = 4;

/**
 * The default smallest window of DFA of order q for a series of length n:
 * max(2 (q + 1), round(n^(1/3) / 4)), i.e. 4 for DFA-1 when n < 5832, 6 at n = 2^14, 10 at
 * n = 2^16. The fGn fit of {@link dfa} models the bend of F(s) at small s exactly, so small
 * windows add information instead of bias on fGn; but short-range correlation (a correlation
 * time tau) bends F(s) by O(tau / s), a bias that only a growing s_min removes, while the
 * variance of H grows like s_min / n: balancing the two gives s_min ~ n^(1/3). The constant 1/4
 * keeps the small-n precision (see {@link dfa} for the measured trade-off).
 *
 * @example
 * ```ts
 * dfaDefaultMinScale(1); // 4
 * dfaDefaultMinScale(2); // 6
 * dfaDefaultMinScale(1, 16384); // 6
 * dfaDefaultMinScale(1, 65536); // 10
 * ```
 */
export function dfaDefaultMinScale(order: number, n = 0): number {
  return Math.max(2 * (order + 1), Math.round(Math.cbrt(n) / 4));
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

/** Lag weights per (order, s); cleared when full (they are recomputed exactly, so only speed depends on it). */
const lagWeightCache = new Map<string, Float64Array>();
const LAG_WEIGHT_CACHE_LIMIT = 2048;

/**
 * R_s(l) = sum_k sum_i b_k(i) b_k(i + l), l = 0..s-1, for the orthonormal polynomial basis
 * b_0..b_q of a window of size s: the lag-l diagonal sums of the projection onto the trend.
 * By zero-padded FFTs, two basis vectors per complex transform: for z = b_k + i b_{k+1},
 * Re sum_i conj(z_i) z_{i+l} = r_k(l) + r_{k+1}(l).
 */
function lagWeights(s: number, order: number): Float64Array {
  const key = `${order}:${s}`;
  const cached = lagWeightCache.get(key);
  if (cached !== undefined) return cached;
  const basis = polynomialBasis(s, order);
  const size = nextPowerOfTwo(2 * s - 1);
  const power = new Float64Array(size);
  const re = new Float64Array(size);
  const im = new Float64Array(size);
  for (let k = 0; k <= order; k += 2) {
    re.fill(0);
    im.fill(0);
    re.set(basis[k] as Float64Array);
    const next = basis[k + 1];
    if (next !== undefined) im.set(next);
    fft(re, im);
    for (let j = 0; j < size; j++) power[j] = (power[j] as number) + (re[j] as number) ** 2 + (im[j] as number) ** 2;
  }
  im.fill(0);
  ifft(power, im);
  const weights = power.slice(0, s);
  if (lagWeightCache.size >= LAG_WEIGHT_CACHE_LIMIT) lagWeightCache.clear();
  lagWeightCache.set(key, weights);
  return weights;
}

/**
 * The exact expected squared fluctuation E[F^2(s)] of DFA of order q with windows of size s,
 * for fractional Gaussian noise of Hurst index H in (0, 1) and unit variance (any series length
 * n >= s, any placement and number of windows).
 *
 * Method: within a window the profile is Y_{a+j} = Y_a + B_j, B fBm with
 * Cov(B_i, B_j) = (i^{2H} + j^{2H} - |i - j|^{2H}) / 2, and the residual of the degree-q
 * least-squares fit is P Y with P = I - sum_k b_k b_k^T (orthonormal polynomial basis b_k on
 * 0..s-1). P annihilates constants, so E |P Y|^2 = -(1/2) sum_{i,j} P_ij |i - j|^{2H}
 * = sum_{l=1}^{s-1} R_s(l) l^{2H} with R_s(l) = sum_k sum_i b_k(i) b_k(i + l), and
 * E[F^2(s)] = E |P Y|^2 / s. The weights R_s(l) come from zero-padded FFTs (O(s log s), cached
 * per (q, s)); the sum is O(s). For white noise (H = 1/2) and q = 1 this is (s^2 - 4) / (15 s).
 *
 * References: M. Höll & H. Kantz, "The fluctuation function of the detrended fluctuation
 * analysis — investigation on the AR(1) process", Eur. Phys. J. B 88:126, 2015,
 * DOI 10.1140/epjb/e2015-60143-1 (F^2 as a weighted sum of the autocovariance); K. Kiyono,
 * "Establishing a direct connection between detrended fluctuation analysis and Fourier
 * analysis", Phys. Rev. E 92:042925, 2015, DOI 10.1103/PhysRevE.92.042925.
 *
 * @example
 * ```ts
 * dfaFgnExpectedSquare(10, 0.5); // 0.64 = (100 - 4) / 150
 * dfaFgnExpectedSquare(100, 0.7); // 17.179... (about s^{2H} / 37 at this s)
 * ```
 */
export function dfaFgnExpectedSquare(s: number, hurst: number, order = 1): number {
  const fn = 'dfaFgnExpectedSquare';
  const q = checkInteger(order, fn, 'order', 1, 5);
  const size = checkInteger(s, fn, 's', q + 2, 1 << 24);
  const h = checkOpenInterval(hurst, fn, 'hurst', 0, 1);
  const weights = lagWeights(size, q);
  let sum = 0;
  for (let l = 1; l < size; l++) sum += (weights[l] as number) * l ** (2 * h);
  return sum / size;
}

/** Half-width of the neighbourhood of an integer exponent where the fGn shape is interpolated. */
const INTEGER_GAP = 1e-4;

/**
 * The log shape of the expected fluctuation function across scales, m_s(a) =
 * (1/2) log(|S_s(a)| / s) with S_s(a) = sum_{l=1}^{s-1} R_s(l) l^{2a}, for exponents a in
 * (0, q + 1). For a in (0, 1), S_s(a) / s is E[F^2(s)] of unit fGn(a) (see
 * {@link dfaFgnExpectedSquare}); for a in (1, q + 1), |S_s(a)| is the same quadratic form for a
 * profile with generalised covariance proportional to |h|^{2a} (intrinsic random function of
 * order q, which DFA-q detrends): the exponent of fBm paths and other nonstationary input.
 * S_s(a) vanishes for every s at a = 1..q, a common factor (a - k) that the free level absorbs;
 * within INTEGER_GAP of those points m is interpolated linearly in a.
 */
class FgnShape {
  private readonly weights: Float64Array[];
  private readonly logLag: Float64Array;
  private readonly lagPower: Float64Array;
  private readonly loSlope: Float64Array;
  private readonly hiSlope: Float64Array;
  private readonly loShape: Float64Array;
  private readonly hiShape: Float64Array;

  constructor(
    private readonly scales: readonly number[],
    private readonly order: number,
  ) {
    this.weights = scales.map((s) => lagWeights(s, order));
    const longest = Math.max(...scales);
    this.logLag = new Float64Array(longest);
    for (let l = 1; l < longest; l++) this.logLag[l] = Math.log(l);
    this.lagPower = new Float64Array(longest);
    this.loShape = new Float64Array(scales.length);
    this.hiShape = new Float64Array(scales.length);
    this.loSlope = new Float64Array(scales.length);
    this.hiSlope = new Float64Array(scales.length);
  }

  /** m_s(a) into shape and, when given, dm_s/da into slope. */
  evaluate(a: number, shape: Float64Array, slope?: Float64Array): void {
    const k = Math.round(a);
    if (k >= 1 && k <= this.order && Math.abs(a - k) < INTEGER_GAP) {
      const t = (a - (k - INTEGER_GAP)) / (2 * INTEGER_GAP);
      this.direct(k - INTEGER_GAP, this.loShape, this.loSlope);
      this.direct(k + INTEGER_GAP, this.hiShape, this.hiSlope);
      for (let i = 0; i < this.scales.length; i++) {
        shape[i] = (1 - t) * (this.loShape[i] as number) + t * (this.hiShape[i] as number);
        if (slope !== undefined) slope[i] = (1 - t) * (this.loSlope[i] as number) + t * (this.hiSlope[i] as number);
      }
      return;
    }
    this.direct(a, shape, slope);
  }

  private direct(a: number, shape: Float64Array, slope?: Float64Array): void {
    const logLag = this.logLag;
    const power = this.lagPower;
    for (let l = 1; l < logLag.length; l++) power[l] = Math.exp(2 * a * (logLag[l] as number));
    for (let i = 0; i < this.scales.length; i++) {
      const s = this.scales[i] as number;
      const w = this.weights[i] as Float64Array;
      let sum = 0;
      let derivative = 0;
      for (let l = 1; l < s; l++) {
        const term = (w[l] as number) * (power[l] as number);
        sum += term;
        if (slope !== undefined) derivative += term * (logLag[l] as number);
      }
      shape[i] = 0.5 * Math.log(Math.abs(sum) / s);
      if (slope !== undefined) slope[i] = derivative / sum; // d/da (1/2) log|S| = S' / (2 S), S' = 2 sum term log l
    }
  }
}

/** Golden-section steps after the grid: the bracket 0.1 shrinks to 0.1 * 0.618^30 ~ 5e-8. */
const GOLDEN_STEPS = 30;
/** Grid step of the first pass over (0, q + 1). */
const GRID_STEP = 0.05;
/** Gauss-Newton polishing steps at most, and the step below which they stop. */
const NEWTON_STEPS = 4;
const NEWTON_TOLERANCE = 1e-13;

/** Result of {@link dfaFgnFit}. */
export interface DfaFgnFit {
  /** The exponent H in (0, q + 1). */
  readonly hurst: number;
  /** The free level c of y_s ~ c + (1/2) log E_H[F^2(s)] (natural logarithms). */
  readonly intercept: number;
  /** Residual sum of squares at the fit. */
  readonly rss: number;
  /** d/dH of (1/2) log E_H[F^2(s)] at the fit, per scale (not centred). */
  readonly gradient: Float64Array;
}

/**
 * The fit step of {@link dfa} (fit 'fgn'): least squares of y_s (log F(s), possibly corrected)
 * on c + m_s(H), m_s(H) = (1/2) log E_H[F^2(s)] of DFA-q for unit fGn(H)
 * ({@link dfaFgnExpectedSquare}; extended to H in (1, q + 1) as described in {@link dfa}), over
 * H in (0, q + 1) and a free level c.
 *
 * Method: c is profiled out (the mean residual); the residual sum of squares is evaluated on a
 * grid of H with step 0.05, then golden section on the two grid cells around the best point
 * (30 steps), then Gauss-Newton steps H += sum g_s r_s / sum g_s^2 (g = dm/dH, both centred
 * over scales) until the step is below 1e-13, which solves the stationarity condition
 * sum g_s r_s = 0 to round-off (golden section alone only reaches sqrt(machine epsilon)).
 * Deterministic; about 75 evaluations of the curves, each O(sum of the scales).
 *
 * @example
 * ```ts
 * const scales = [4, 8, 16, 32, 64];
 * const y = scales.map((s) => 0.3 + 0.5 * Math.log(dfaFgnExpectedSquare(s, 0.8)));
 * dfaFgnFit(scales, y).hurst; // 0.8 (to ~1e-12), intercept 0.3
 * ```
 */
export function dfaFgnFit(scales: readonly number[], y: ArrayLike<number>, order = 1): DfaFgnFit {
  const fn = 'dfaFgnFit';
  const q = checkInteger(order, fn, 'order', 1, 5);
  if (!Array.isArray(scales) || scales.length < 3 || new Set(scales).size !== scales.length) {
    throw new AnalysisInputError(`${fn}: scales is ${describe(scales)}, expected at least 3 distinct window sizes`);
  }
  scales.forEach((s, i) => checkInteger(s, fn, `scales[${i}]`, q + 2, 1 << 24));
  if (y.length !== scales.length) {
    throw new AnalysisInputError(`${fn}: y has length ${y.length}, expected ${scales.length} (one value per scale)`);
  }
  for (let i = 0; i < y.length; i++) {
    if (!Number.isFinite(y[i])) throw new AnalysisInputError(`${fn}: y[${i}] is ${describe(y[i])}, expected a finite number`);
  }
  const model = new FgnShape(scales, q);
  const k = y.length;
  const shape = new Float64Array(k);
  const residualSumOfSquares = (a: number): number => {
    model.evaluate(a, shape);
    let mean = 0;
    for (let i = 0; i < k; i++) mean += (y[i] as number) - (shape[i] as number);
    mean /= k;
    let rss = 0;
    for (let i = 0; i < k; i++) rss += ((y[i] as number) - (shape[i] as number) - mean) ** 2;
    return rss;
  };
  const lower = GRID_STEP / 10;
  const upper = q + 1 - GRID_STEP / 10;
  let best = GRID_STEP / 2;
  let bestValue = Infinity;
  const gridPoints = Math.round((q + 1) / GRID_STEP);
  for (let j = 0; j < gridPoints; j++) {
    const a = (j + 0.5) * GRID_STEP;
    const value = residualSumOfSquares(a);
    if (value < bestValue) {
      bestValue = value;
      best = a;
    }
  }
  let left = Math.max(lower, best - GRID_STEP);
  let right = Math.min(upper, best + GRID_STEP);
  const ratio = (Math.sqrt(5) - 1) / 2;
  let x1 = right - ratio * (right - left);
  let x2 = left + ratio * (right - left);
  let f1 = residualSumOfSquares(x1);
  let f2 = residualSumOfSquares(x2);
  for (let step = 0; step < GOLDEN_STEPS; step++) {
    if (f1 <= f2) {
      right = x2;
      x2 = x1;
      f2 = f1;
      x1 = right - ratio * (right - left);
      f1 = residualSumOfSquares(x1);
    } else {
      left = x1;
      x1 = x2;
      f1 = f2;
      x2 = left + ratio * (right - left);
      f2 = residualSumOfSquares(x2);
    }
  }
  let hurst = f1 <= f2 ? x1 : x2;
  if (Math.min(f1, f2) > bestValue) hurst = best;
  const gradient = new Float64Array(k);
  let intercept = 0;
  const centre = (): { gr: number; gg: number } => {
    model.evaluate(hurst, shape, gradient);
    intercept = 0;
    let gMean = 0;
    for (let i = 0; i < k; i++) {
      intercept += (y[i] as number) - (shape[i] as number);
      gMean += gradient[i] as number;
    }
    intercept /= k;
    gMean /= k;
    let gr = 0;
    let gg = 0;
    for (let i = 0; i < k; i++) {
      const g = (gradient[i] as number) - gMean;
      gr += g * ((y[i] as number) - (shape[i] as number) - intercept);
      gg += g * g;
    }
    return { gr, gg };
  };
  // Gauss-Newton polish from within ~1e-7 of the minimum (a step above 1e-4 means the local
  // model does not hold there, e.g. a minimum on the boundary: keep the golden-section point).
  for (let step = 0; step < NEWTON_STEPS; step++) {
    const { gr, gg } = centre();
    const delta = gr / gg;
    if (!Number.isFinite(delta) || Math.abs(delta) > 1e-4) break;
    const next = Math.min(upper, Math.max(lower, hurst + delta));
    if (next === hurst) break;
    hurst = next;
    if (Math.abs(delta) < NEWTON_TOLERANCE) break;
  }
  centre();
  let rss = 0;
  for (let i = 0; i < k; i++) rss += ((y[i] as number) - (shape[i] as number) - intercept) ** 2;
  return { hurst, intercept, rss, gradient };
}

/**
 * Detrended fluctuation analysis of order q (DFA-q) of a scalar series x_0..x_{n-1}, and the
 * Hurst exponent H read off the fluctuation function by fitting the exact expected curve of
 * fractional Gaussian noise, with a standard error.
 *
 * Method: profile Y_i = sum_{t <= i} (x_t - mean x). Window sizes: log-spaced integers, 4 per
 * octave, from s_min = {@link dfaDefaultMinScale}(q, n) = max(2 (q + 1), round(n^(1/3) / 4))
 * (DFA-1: 4 for n < 5832, 6 at n = 2^14) to s_max = floor(n / 10). At each s, Y is cut into
 * floor(n / s) non-overlapping windows from the start and as many from the end (Kantelhardt
 * et al. 2002, so no data are dropped; when s divides n the two sets coincide and are counted
 * once); the least-squares polynomial of degree q is removed in each window and F(s)^2 = mean
 * over windows of (1/s) sum of squared residuals. Fit ('fgn', the default): for unit fGn(H),
 * E F(s)^2 = (1/s) sum_{l<s} R_s(l) l^{2H} exactly ({@link dfaFgnExpectedSquare}), a curve that
 * bends away from s^{2H} at small s (DFA-1 on white noise: (s^2 - 4) / (15 s)), so a power-law
 * fit over small s is biased and this one is not. H minimises
 * sum_s (y_s - c - m_s(H))^2 over H in (0, q + 1) and a free level c ({@link dfaFgnFit}), with
 * y_s = log F(s) + v_s and m_s(H) = (1/2) log E_H F(s)^2, extended past H = 1 by the same
 * quadratic form for a profile with generalised covariance |h|^{2H} (so fBm paths read H + 1);
 * deterministic. Equal weights per scale: weights 1/v_s (i.e. 1/s) are nearly as efficient as
 * generalised least squares on fGn but let the smallest scales decide alone, whatever n, which
 * turns short-range correlation into H (see below). 'powerLaw': the OLS slope of y_s on log s
 * (the classical DFA exponent). Noise model: Var(log F(s)) = v_s = kappa^2 s / n, kappa^2
 * pooled over the scales s >= 5 (q + 1) from the spread of the per-window mean squares (delta
 * method: Var(log F) = Var_w(F_w^2) / (4 (n / s) F^4), pooled with weights n / s; smaller
 * windows have fewer residual degrees of freedom and would inflate it); correlation of log F
 * between scales s < s' taken as s / s' (both checked on fGn simulations, H in [0.5, 0.9]).
 * Adding v_s undoes the second-order bias E log F = log sqrt(E F^2) - Var(log F), which
 * otherwise pulls H down through the few windows at large s. SE(H)^2 = sum_{s,s'} c_s c_s'
 * sqrt(v_s v_s') min(s,s') / max(s,s'), c_s = g_s / sum g^2, g_s = dm_s/dH centred over scales
 * (g_s = log s - mean for 'powerLaw'); mean SE / sd over seeds 1.05-1.15 on fGn. The
 * least-squares residual SE is also returned; it ignores the strong correlation of
 * neighbouring scales and is several times too small.
 *
 * Accuracy (fGn from lrdkit's generator, bench/memory-exponents.py, 200 seeds; bias / RMSE of
 * H): n = 1000: +0.003 / 0.031 (H = 0.5) to +0.002 / 0.038 (H = 0.9), against +0.022..+0.032 /
 * 0.041-0.043 for nolds' default DFA on the same samples (scales 4..n/10, 50 % overlapping
 * windows, power-law fit) and +0.007..+0.010 / 0.041-0.055 for this function's former fit
 * ({fit: 'powerLaw', minScale: 10}); n = 2^14 (40 seeds): +0.000 / 0.013-0.017 (nolds-style
 * 0.015-0.017, former 0.015-0.020). Tried and not kept: overlapping windows (50 % or every
 * position) change the RMSE by <= 0.001; s_max = n / 4 adds noise with equal weights. Short
 * memory: DFA cannot tell a correlation time of a few steps from LRD at n ~ 10^3 (GPH can);
 * AR(1) with phi = 0.5 (true H = 1/2) reads 0.73 at n = 1000, 0.65 at 2^12, 0.59 at 2^14, 0.55
 * at 2^16 (nolds-style: 0.76 at 1000, 0.62 at 2^14; former fit 0.67, 0.60, 0.57, 0.55): the
 * price of the small scales that buy the fGn precision, paid at small n only, because s_min
 * grows like n^(1/3). Options move along that trade-off at n = 1000: minScale: 10 gives fGn
 * RMSE 0.041-0.052 and AR(1) 0.66, minScale: 3 gives 0.029-0.035 and 0.75. Minimum length:
 * n >= 20 s_min (80 for order 1) with the default s_max, n >= 8 s_min with an explicit
 * maxScale <= n / 4. Input is the noise (increments): fGn gives H, white noise 1/2, fBm (a
 * random walk) H + 1. Cost: O(n log n) for F(s) plus about 75 evaluations of the curves, each
 * O(sum of the scales); about 10 ms at n = 2^14.
 *
 * References: C.-K. Peng, S. V. Buldyrev, S. Havlin, M. Simons, H. E. Stanley &
 * A. L. Goldberger, "Mosaic organization of DNA nucleotides", Phys. Rev. E 49:1685-1689, 1994,
 * DOI 10.1103/PhysRevE.49.1685; J. W. Kantelhardt, S. A. Zschiegner, E. Koscielny-Bunde,
 * S. Havlin, A. Bunde & H. E. Stanley, "Multifractal detrended fluctuation analysis of
 * nonstationary time series", Physica A 316:87-114, 2002, DOI 10.1016/S0378-4371(02)01383-3;
 * J.-M. Bardet & I. Kammoun, "Asymptotic properties of the detrended fluctuation analysis of
 * long-range-dependent processes", IEEE Trans. Inf. Theory 54(5):2041-2052, 2008,
 * DOI 10.1109/TIT.2008.920328; M. Höll & H. Kantz, Eur. Phys. J. B 88:126, 2015,
 * DOI 10.1140/epjb/e2015-60143-1 and K. Kiyono, Phys. Rev. E 92:042925, 2015,
 * DOI 10.1103/PhysRevE.92.042925 (F^2 as a quadratic form in the autocovariance).
 *
 * @example
 * ```ts
 * const r = dfa(fgn(createRng(1), 16384, 0.7));
 * r.hurst; // 0.7172... (RMSE over seeds at H = 0.7: 0.015)
 * r.standardError; // 0.0167...
 * r.intercept; // -0.0004 (exp(intercept) ~ 1: the standard deviation of the fGn)
 * r.scales; // [6, 7, 8, 10, 12, 14, 17, ..., 1382, 1638] (34 scales)
 * dfa(new Float64Array(50)); // throws AnalysisInputError: dfa: x has length 50, expected at least 80 (...)
 * ```
 */
export function dfa(x: Float64Array, options: DfaOptions = {}): DfaResult {
  const order = checkInteger(options.order ?? 1, FN, 'options.order', 1, 5);
  const length = x instanceof Float64Array || Array.isArray(x) ? x.length : 0;
  const minScale = checkInteger(
    options.minScale ?? dfaDefaultMinScale(order, length),
    FN,
    'options.minScale',
    order + 2,
    Number.MAX_SAFE_INTEGER,
  );
  const perOctave = options.scalesPerOctave ?? 4;
  if (typeof perOctave !== 'number' || !Number.isFinite(perOctave) || perOctave < 1 || perOctave > 64) {
    throw new AnalysisInputError(`${FN}: options.scalesPerOctave is ${describe(perOctave)}, expected a number in [1, 64]`);
  }
  const fitKind = options.fit ?? 'fgn';
  if (fitKind !== 'fgn' && fitKind !== 'powerLaw') {
    throw new AnalysisInputError(`${FN}: options.fit is ${describe(fitKind)}, expected 'fgn' or 'powerLaw'`);
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
  const kappaTerms: number[] = [];
  const work = new Float64Array(maxScale);
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
    // Var(log F(s)) ~ Var_w / (4 (n / s) F^4) = kappa^2 s / n: the kappa^2 estimate at this scale.
    kappaTerms.push(windowVariance / (4 * f2 * f2));
    fluctuations.push(Math.sqrt(f2));
    windowCounts.push(count);
  }
  // kappa^2 pooled with weights n / s over the windows with >= 5 (q + 1) points (all scales if none).
  const kappaFrom = scales.some((s) => s >= 5 * (order + 1)) ? 5 * (order + 1) : 0;
  let kappaNumerator = 0;
  let kappaDenominator = 0;
  for (let i = 0; i < scales.length; i++) {
    const s = scales[i] as number;
    if (s < kappaFrom) continue;
    kappaNumerator += (kappaTerms[i] as number) * (n / s);
    kappaDenominator += n / s;
  }
  const kappa2 = kappaNumerator / kappaDenominator;
  const logFluctuationVariances = scales.map((s) => (kappa2 * s) / n);
  const correct = options.logBiasCorrection ?? true;
  const logS = scales.map((s) => Math.log(s));
  const y = Float64Array.from(fluctuations, (f, i) => Math.log(f) + (correct ? (logFluctuationVariances[i] as number) : 0));

  let hurst: number;
  let intercept: number;
  let rss: number;
  const gradient = new Float64Array(scales.length);
  if (fitKind === 'powerLaw') {
    const line = fitLine(logS, y);
    hurst = line.slope;
    intercept = line.intercept;
    rss = line.rss;
    for (let i = 0; i < scales.length; i++) gradient[i] = logS[i] as number;
  } else {
    const fgnFit = dfaFgnFit(scales, y, order);
    hurst = fgnFit.hurst;
    intercept = fgnFit.intercept;
    rss = fgnFit.rss;
    gradient.set(fgnFit.gradient);
  }
  // Linearisation: dH = sum_s c_s dy_s, c_s = g_s / sum g^2 with g centred (the level is free).
  let gradientMean = 0;
  for (let i = 0; i < scales.length; i++) gradientMean += gradient[i] as number;
  gradientMean /= scales.length;
  let gg = 0;
  for (let i = 0; i < scales.length; i++) {
    gradient[i] = (gradient[i] as number) - gradientMean;
    gg += (gradient[i] as number) ** 2;
  }
  let variance = 0;
  for (let i = 0; i < scales.length; i++) {
    const si = scales[i] as number;
    const ci = (gradient[i] as number) / gg;
    for (let j = 0; j < scales.length; j++) {
      const sj = scales[j] as number;
      const cj = (gradient[j] as number) / gg;
      variance += ci * cj * ((kappa2 * Math.sqrt(si * sj)) / n) * (Math.min(si, sj) / Math.max(si, sj));
    }
  }
  let yMean = 0;
  for (let i = 0; i < scales.length; i++) yMean += y[i] as number;
  yMean /= scales.length;
  let tss = 0;
  for (let i = 0; i < scales.length; i++) tss += ((y[i] as number) - yMean) ** 2;
  return {
    hurst,
    standardError: Math.sqrt(Math.max(0, variance)),
    regressionStandardError: scales.length > 2 ? Math.sqrt(rss / (scales.length - 2) / gg) : 0,
    scales,
    fluctuations,
    logFluctuationVariances,
    windowCounts,
    intercept,
    r2: tss > 0 ? Math.max(0, 1 - rss / tss) : 1,
    order,
    fit: fitKind,
  };
}
