/**
 * SRD / LRD verdicts from lagged correlation norms (the paper's Definition 1.1: a process is
 * short range dependent when sum_k ||Cor(X_t, X_{t+k})||_2 is finite).
 *
 * @module
 */
import { AnalysisInputError } from '../errors.js';
import type { Series } from '../series.js';
import {
  type CorrelationBootstrapOptions,
  type CrossCorrelationNorms,
  type CrossCorrelationOptions,
  crossCorrelationNormsFor,
} from './crossCorrelationNorms.js';
import { type ExponentialDecayFit, type PowerLawDecayFit, fitExponentialDecay, fitPowerLawDecay } from './decayFits.js';
import { logLagGrid } from './lagGrid.js';
import { assertIntegerInRange, assertNumberInRange } from './validate.js';
import { quantileSorted } from 'simple-statistics';

/** The three verdicts. */
export type DependenceVerdict = 'SRD' | 'LRD' | 'inconclusive';

/** Options of {@link correlationVerdict}. */
export interface CorrelationVerdictOptions {
  /** Least number of grid lags above the noise floor for a decay fit (default 4). */
  readonly minFitPoints?: number;
  /** Least span of the fit range, in decades of lag, for an LRD verdict (default 1). */
  readonly minDecades?: number;
  /** Level of the interval for beta (default 0.95). */
  readonly confidence?: number;
  /**
   * Least fraction of bootstrap replicates in which the power law must fit better for an LRD
   * verdict (default 0.75; ignored without bootstrap replicates).
   */
  readonly minPowerLawPreference?: number;
  /**
   * Resolution of an exponential decay for an SRD verdict: the floor lag must be at least this
   * many decay lengths tau (default {@link RESOLUTION_DEFAULTS}.minFloorLagTaus).
   */
  readonly minFloorLagTaus?: number;
  /** ... and tau at most maxLag / this (default {@link RESOLUTION_DEFAULTS}.maxLagPerTau). */
  readonly maxLagPerTau?: number;
  /** No resolution at all when the floor at lag 1 is at least this fraction of the lag-0 norm (default {@link RESOLUTION_DEFAULTS}.maxFloorFraction). */
  readonly maxFloorFraction?: number;
}

/**
 * Version of the decision rule (correlationVerdict + dependenceVerdict); bench/verdict-calibration.json
 * records the version its table was produced with, and a test checks they agree.
 */
export const VERDICT_RULE_VERSION = 3;

/**
 * The resolution constants of the SRD verdict (issue 13), set on the tuning seeds of
 * bench/verdict-calibration.js (seeds 0-9) and evaluated on seeds 100-119 (bench/VERDICT.md):
 * an exponential decay supports SRD only when the norm reaches the noise floor at a lag of at
 * least minFloorLagTaus decay lengths and tau <= maxLag / maxLagPerTau; a floor at lag 1 above
 * maxFloorFraction of the lag-0 norm resolves nothing.
 */
export const RESOLUTION_DEFAULTS = { minFloorLagTaus: 1, maxLagPerTau: 10, maxFloorFraction: 0.5 } as const;

/**
 * Interval for the power-law exponent beta: beta -/+ z_{(1+level)/2} SE. With bootstrap
 * replicates ('bootstrap') SE is the robust bootstrap standard error, the interquartile range of
 * the refitted beta* divided by 1.349 (replicates whose far-lag norms approach the floor give
 * beta* a long right tail that would inflate a plain standard deviation or the upper percentile);
 * without ('ols') it is the OLS standard error, which ignores the correlation of the norm
 * estimates across lags and is too small.
 */
export interface BetaInterval {
  readonly lower: number;
  readonly upper: number;
  readonly level: number;
  readonly method: 'bootstrap' | 'ols';
  readonly standardError: number;
  /** The bootstrap percentile interval, reported for comparison (null without bootstrap). */
  readonly percentileLower: number | null;
  readonly percentileUpper: number | null;
  /** Replicates that gave a fit (bootstrap only). */
  readonly replicates: number;
}

/** The numbers behind a verdict. */
export interface CorrelationEvidence {
  /** Log-grid lags k >= 1 with the norm above the noise floor, up to the first that is not. */
  readonly fitLags: number[];
  readonly fitNorms: number[];
  /** First grid lag (>= 1) where the norm is at or below the noise floor; null if none up to maxLag. */
  readonly floorLag: number | null;
  readonly exponential: ExponentialDecayFit | null;
  readonly powerLaw: PowerLawDecayFit | null;
  /** rss(power law) < rss(exponential), both on the same points in log norm; null without fits. */
  readonly powerLawFitsBetter: boolean | null;
  /** Fraction of bootstrap replicates (refitted on the same lags) in which the power law fits better; null without bootstrap. */
  readonly powerLawPreference: number | null;
  readonly betaInterval: BetaInterval | null;
  /** log10(max fit lag / min fit lag). */
  readonly decadesSpanned: number;
  /** S(k_last) with k_last the largest fit lag (or the lag before the floor). */
  readonly partialSumAtFitEnd: number;
  /** (S(k_last) - S(k_last / 2)) / S(k_last): growth of the partial sum over the last octave of the fit range. */
  readonly lastOctaveGrowth: number;
  /** lastOctaveGrowth < 0.1: the partial sums flatten within the resolvable range. */
  readonly sumsFlatten: boolean;
  /**
   * Estimate of S(infinity): SRD verdicts add the fitted model's tail beyond k_last to
   * S(k_last) (exponential: a e^{-(k_last+1)/tau} / (1 - e^{-1/tau}); power law with beta > 1:
   * a (k_last + 1/2)^{1-beta} / (beta - 1)); no tail when the norm reached the floor before any
   * fit; Infinity for LRD; null when inconclusive.
   */
  readonly sumEstimate: number | null;
  /**
   * Whether the record resolves the decay (SRD needs it): 'resolved' (the norm reaches the floor
   * within a few lags, or an exponential with tau <= maxLag / 10 reaching the floor at >= 1 tau, or a
   * power law with beta's interval above 1 over a decade), 'unresolved' (the decay length is
   * long against the window or the floor is never reached), or 'no-resolution' (the floor is at
   * least half the lag-0 norm from lag 1 on). Absent in results made before issue 13.
   */
  readonly resolution?: 'resolved' | 'unresolved' | 'no-resolution';
  /** Steps per sequence that would resolve the fitted decay (maxLag >= 10 tau with maxLag = T / 2): 20 tau; null when not applicable. */
  readonly stepsToResolve?: number | null;
}

/** A verdict with its reason and evidence. */
export interface CorrelationVerdict {
  readonly verdict: DependenceVerdict;
  /** One sentence naming the rule that fired. */
  readonly reason: string;
  readonly evidence: CorrelationEvidence;
}

const FN = 'correlationVerdict';

/**
 * The p-quantile of an ascending sample by linear interpolation between order statistics
 * (Hyndman & Fan type 7, R's default; doi:10.1080/00031305.1996.10473566): simple-statistics'
 * quantileSorted, which computes exactly that (test/analysis/correlation/quantile.test.ts).
 */
function quantile(sorted: readonly number[], p: number): number {
  return sorted.length === 0 ? Number.NaN : quantileSorted(sorted as number[], p);
}

/** Standard normal quantile (Acklam's rational approximation, relative error < 1.2e-9). */
function normalQuantile(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const q = Math.min(p, 1 - p);
  let x: number;
  if (q < 0.02425) {
    const u = Math.sqrt(-2 * Math.log(q));
    x = (((((c[0]! * u + c[1]!) * u + c[2]!) * u + c[3]!) * u + c[4]!) * u + c[5]!) / ((((d[0]! * u + d[1]!) * u + d[2]!) * u + d[3]!) * u + 1);
    x = -x;
  } else {
    const u = q - 0.5;
    const t = u * u;
    x = ((((((a[0]! * t + a[1]!) * t + a[2]!) * t + a[3]!) * t + a[4]!) * t + a[5]!) * u) / (((((b[0]! * t + b[1]!) * t + b[2]!) * t + b[3]!) * t + b[4]!) * t + 1);
  }
  return p < 0.5 ? x : -x;
}

/** A number with 3 significant digits, thousands grouped ("5 130", "0.931"). */
export function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a >= 1000) return Math.round(x).toLocaleString('en-US').replace(/,/g, ' ');
  return Number(x.toPrecision(3)).toString();
}

/** S at the largest computed lag <= k. */
function partialSumAt(res: CrossCorrelationNorms, k: number): number {
  let best = res.partialSums[0] as number;
  for (let i = 0; i < res.lags.length; i++) {
    if ((res.lags[i] as number) <= k) best = res.partialSums[i] as number;
    else break;
  }
  return best;
}

/**
 * The SRD / LRD verdict of lagged correlation norms (from {@link crossCorrelationNorms} with a
 * noise floor, ideally with bootstrap replicates), with its evidence.
 *
 * Method (the decision rule). Let G be the log-grid lags k >= 1 ({@link logLagGrid}) among the
 * computed lags, f(k) the noise floor, and k_f the first k in G with norm(k) <= f(k). The fit
 * range F is {k in G : k < k_f} (all of G if the floor is never reached). On F, fit
 * log norm = log a - k / tau (exponential) and log norm = log a - beta log k (power law) by
 * least squares; "power law fits better" means its residual sum of squares is smaller (same
 * points, same response, two parameters each). The interval for beta (level 0.95) is
 * beta -/+ 1.96 SE with SE the robust standard error (IQR / 1.349) of the power law refitted on F
 * to each bootstrap replicate (without replicates: the OLS SE; see {@link BetaInterval}).
 * Then, in this order (rule version {@link VERDICT_RULE_VERSION}; issue 13):
 * 0. inconclusive ('no-resolution') if the floor at lag 1 is at least maxFloorFraction (1/2) of
 *    the lag-0 norm: the record resolves no decay (a slow drift, or a path shared by the
 *    sequences, makes the null as large as the signal).
 * 1. SRD if the floor is reached and F has fewer than minFitPoints (4) lags: the correlation is
 *    unresolvable beyond a few lags, so its sum is dominated by the first terms.
 * 2. inconclusive if F has fewer than minFitPoints lags (maxLag too small to see the floor).
 * 3. If the exponential fits at least as well as the power law: SRD only when the decay is
 *    resolved, tau <= maxLag / maxLagPerTau (10) and the floor reached at k_f >= minFloorLagTaus (1)
 *    tau; otherwise inconclusive, naming what is missing and the steps per sequence that would
 *    settle it (20 tau: maxLag = steps / 2 >= 10 tau).
 * 4. SRD if the lower end of beta's interval is above 1 and F spans a decade, or the exponential
 *    decay is resolved as in 3 (summable power law; sums flatten).
 * 5. LRD if the upper end of beta's interval is below 1, F spans at least minDecades (1)
 *    decade of lag, and the power law also fits better in at least minPowerLawPreference (3/4)
 *    of the bootstrap replicates refitted on F (model-choice stability: persistent SRD series
 *    have estimation errors that are coherent across lags and can flatten the far end of the
 *    norm into a power-law-like shape in one sample, but rarely in most resamples).
 * 6. otherwise inconclusive.
 * The audit's verdict then checks this one against the state's regime and local Whittle memory
 * ({@link dependenceVerdict}). Calibration on labelled 16-channel processes at 32 x 1024 and
 * 1 x 2^16 (held-out seeds; bench/VERDICT.md, pinned by
 * test/analysis/correlation/verdictCalibration.test.ts). The constants 10, 1 and 1/2 were chosen
 * on exploratory seeds 0-2: tau <= maxLag / 10 separates AR(1) phi = 0.9 (tau about 10-16) from
 * phi = 0.99 (100-200) at the default window 512, with the floor reached after 2-3 tau in every
 * resolved case; the floor at lag 1 is <= 0.25 of the lag-0 norm for stationary families and about
 * 0.93 for a shared drift. LRD is an asymptotic property: a finite record cannot tell a power law
 * from a mixture of exponentials with time scales up to the resolvable range (the sum of AR(1)s
 * with phi = 0.5, 0.9, 0.99 is called LRD here); the verdict reads "LRD-like over the resolvable
 * range F", and dependenceVerdict (rule version 3) checks it against the bandwidth stability of
 * the local Whittle memory, which tells the mixture's flattening spectrum from a power law.
 *
 * References: Belletti et al. (AISTATS 2018), Definition 1.1 (arXiv:1712.04985); J. Beran,
 * Y. Feng, S. Ghosh & R. Kulik, Long-Memory Processes, Springer 2013,
 * DOI 10.1007/978-3-642-35512-7, chapter 1 (LRD as non-summable correlations,
 * rho(k) ~ c k^(2d - 1)); Efron & Tibshirani (1993), DOI 10.1201/9780429246593 (bootstrap
 * standard errors and intervals).
 *
 * @example
 * ```ts
 * const xs = Array.from({ length: 20 }, (_, s) => seriesFromScalar(ar1(createRng(1).fork(s), 5000, 0.5)));
 * correlationVerdict(crossCorrelationNorms(xs, { maxLag: 100 })).verdict; // 'SRD'
 * ```
 */
export function correlationVerdict(res: CrossCorrelationNorms, options: CorrelationVerdictOptions = {}): CorrelationVerdict {
  return verdictFor(FN, res, options);
}

function verdictFor(fn: string, res: CrossCorrelationNorms, options: CorrelationVerdictOptions): CorrelationVerdict {
  if (res === null || typeof res !== 'object' || !Array.isArray(res.lags) || !Array.isArray(res.norms)) {
    throw new AnalysisInputError(`${fn}: norms is ${String(res)}, expected the result of crossCorrelationNorms`);
  }
  if (!res.noiseFloor) {
    throw new AnalysisInputError(`${fn}: norms.noiseFloor is null, expected crossCorrelationNorms run with noiseFloor: true`);
  }
  const minFitPoints = assertIntegerInRange(fn, 'minFitPoints', options.minFitPoints ?? 4, 3, 1e6);
  const minDecades = assertNumberInRange(fn, 'minDecades', options.minDecades ?? 1, 0, 1e3, true);
  const level = assertNumberInRange(fn, 'confidence', options.confidence ?? 0.95, 0, 1);
  const minPreference = assertNumberInRange(fn, 'minPowerLawPreference', options.minPowerLawPreference ?? 0.75, 0, 1, true);
  const minFloorLagTaus = assertNumberInRange(fn, 'minFloorLagTaus', options.minFloorLagTaus ?? RESOLUTION_DEFAULTS.minFloorLagTaus, 0, 1e6, true);
  const maxLagPerTau = assertNumberInRange(fn, 'maxLagPerTau', options.maxLagPerTau ?? RESOLUTION_DEFAULTS.maxLagPerTau, 0, 1e6, true);
  const maxFloorFraction = assertNumberInRange(fn, 'maxFloorFraction', options.maxFloorFraction ?? RESOLUTION_DEFAULTS.maxFloorFraction, 0, 1e6, true);
  const floor = res.noiseFloor.levels;
  const index = new Map<number, number>();
  res.lags.forEach((k, i) => index.set(k, i));
  const grid = logLagGrid(res.maxLag).filter((k) => k >= 1 && index.has(k));

  const fitLags: number[] = [];
  const fitNorms: number[] = [];
  let floorLag: number | null = null;
  for (const k of grid) {
    const i = index.get(k) as number;
    const v = res.norms[i] as number;
    if (!(v > (floor[i] as number))) {
      floorLag = k;
      break;
    }
    fitLags.push(k);
    fitNorms.push(v);
  }
  const kLast = fitLags.length > 0 ? (fitLags[fitLags.length - 1] as number) : floorLag !== null ? floorLag - 1 : 0;
  const sLast = partialSumAt(res, kLast);
  const sHalf = partialSumAt(res, Math.floor(kLast / 2));
  const lastOctaveGrowth = sLast > 0 ? (sLast - sHalf) / sLast : 0;
  const base = {
    fitLags,
    fitNorms,
    floorLag,
    decadesSpanned: fitLags.length > 0 ? Math.log10((fitLags[fitLags.length - 1] as number) / (fitLags[0] as number)) : 0,
    partialSumAtFitEnd: sLast,
    lastOctaveGrowth,
    sumsFlatten: lastOctaveGrowth < 0.1,
  };

  const norm0 = res.lags[0] === 0 ? (res.norms[0] as number) : Number.NaN;
  const floor1 = index.has(1) ? (floor[index.get(1) as number] as number) : (floor[0] as number);
  const stepsFor = (tau: number): number => Math.ceil(2 * maxLagPerTau * tau);
  if (norm0 > 0 && floor1 >= maxFloorFraction * norm0) {
    return {
      verdict: 'inconclusive',
      reason: `the noise floor is ${fmt(floor1 / norm0)} of the lag-0 norm from lag 1 on: the record resolves no decay (${
        typeof res.commonPathFraction === 'number' && res.commonPathFraction >= 0.1
          ? `a path common to all sequences carries ${fmt(100 * res.commonPathFraction)}% of the variance`
          : 'a drift slower than the record'
      }; more or longer sequences are needed)`,
      evidence: { ...base, exponential: null, powerLaw: null, powerLawFitsBetter: null, powerLawPreference: null, betaInterval: null, sumEstimate: null, resolution: 'no-resolution', stepsToResolve: null },
    };
  }

  if (fitLags.length < minFitPoints) {
    const evidence: CorrelationEvidence = {
      ...base,
      exponential: null,
      powerLaw: null,
      powerLawFitsBetter: null,
      powerLawPreference: null,
      betaInterval: null,
      sumEstimate: floorLag !== null ? sLast : null,
      resolution: floorLag !== null ? 'resolved' : 'unresolved',
      stepsToResolve: null,
    };
    if (floorLag !== null) {
      return {
        verdict: 'SRD',
        reason: `the norm falls to the noise floor at lag ${floorLag}, leaving ${fitLags.length} grid lags (fewer than ${minFitPoints}) with resolvable correlation`,
        evidence,
      };
    }
    return {
      verdict: 'inconclusive',
      reason: `only ${fitLags.length} grid lags up to maxLag ${res.maxLag} (fewer than ${minFitPoints}) and the noise floor is not reached: increase maxLag`,
      evidence,
    };
  }

  const exponential = fitExponentialDecay(fitLags, fitNorms);
  const powerLaw = fitPowerLawDecay(fitLags, fitNorms);
  const powerLawFitsBetter = powerLaw.rss < exponential.rss;
  let betaInterval: BetaInterval;
  let powerLawPreference: number | null = null;
  const boot = res.bootstrap;
  if (boot && boot.norms.length > 0) {
    const bIndex = new Map<number, number>();
    boot.lags.forEach((k, i) => bIndex.set(k, i));
    const betas: number[] = [];
    let powerWins = 0;
    for (const rep of boot.norms) {
      const ys: number[] = [];
      let ok = true;
      for (const k of fitLags) {
        const i = bIndex.get(k);
        const v = i === undefined ? Number.NaN : (rep[i] as number);
        if (!(v > 0) || !Number.isFinite(v)) {
          ok = false;
          break;
        }
        ys.push(v);
      }
      if (ok) {
        const pw = fitPowerLawDecay(fitLags, ys);
        betas.push(pw.beta);
        if (pw.rss < fitExponentialDecay(fitLags, ys).rss) powerWins++;
      }
    }
    betas.sort((p, q) => p - q);
    powerLawPreference = betas.length > 0 ? powerWins / betas.length : null;
    const z = normalQuantile((1 + level) / 2);
    const robustSe = (quantile(betas, 0.75) - quantile(betas, 0.25)) / 1.3489795003921634;
    betaInterval = {
      lower: powerLaw.beta - z * robustSe,
      upper: powerLaw.beta + z * robustSe,
      level,
      method: 'bootstrap',
      standardError: robustSe,
      percentileLower: quantile(betas, (1 - level) / 2),
      percentileUpper: quantile(betas, (1 + level) / 2),
      replicates: betas.length,
    };
  } else {
    const z = normalQuantile((1 + level) / 2);
    betaInterval = {
      lower: powerLaw.beta - z * powerLaw.betaStandardError,
      upper: powerLaw.beta + z * powerLaw.betaStandardError,
      level,
      method: 'ols',
      standardError: powerLaw.betaStandardError,
      percentileLower: null,
      percentileUpper: null,
      replicates: 0,
    };
  }
  const withFits = { ...base, exponential, powerLaw, powerLawFitsBetter, powerLawPreference, betaInterval };
  const expTail = (): number => {
    if (!Number.isFinite(exponential.tau)) return Infinity;
    const q = Math.exp(-1 / exponential.tau);
    return sLast + (exponential.amplitude * Math.exp(-(kLast + 1) / exponential.tau)) / (1 - q);
  };
  const powTail = (): number => sLast + (powerLaw.amplitude * (kLast + 0.5) ** (1 - powerLaw.beta)) / (powerLaw.beta - 1);

  const tau = exponential.tau;
  const fits = `the exponential decay (tau = ${fmt(tau)} lags, R^2 = ${exponential.r2.toFixed(3)}) fits at least as well as the power law (R^2 = ${powerLaw.r2.toFixed(3)}) over lags ${fitLags[0]}..${kLast}`;
  const shortTau = Number.isFinite(tau) && tau > 0 && tau <= res.maxLag / maxLagPerTau;
  const seen = floorLag !== null && Number.isFinite(tau) && floorLag >= minFloorLagTaus * tau;
  // The decay is resolved when its decay length is short against the window and the norm has
  // fallen to the floor after at least minFloorLagTaus of them.
  const exponentialResolved = shortTau && seen;
  if (!powerLawFitsBetter) {
    if (exponentialResolved) {
      return { verdict: 'SRD', reason: fits, evidence: { ...withFits, sumEstimate: expTail(), resolution: 'resolved', stepsToResolve: null } };
    }
    const steps = Number.isFinite(tau) && tau > 0 ? stepsFor(tau) : null;
    const missing = !shortTau
      ? `decay length tau = ${fmt(tau)} steps is longer than the ${res.maxLag}-lag window / ${maxLagPerTau}`
      : floorLag === null
        ? `the norm never reaches the noise floor within the ${res.maxLag}-lag window`
        : `the norm reaches the noise floor at lag ${floorLag}, before ${minFloorLagTaus} decay length${minFloorLagTaus === 1 ? '' : 's'} (tau = ${fmt(tau)})`;
    return {
      verdict: 'inconclusive',
      reason: `${fits}, but the record does not resolve it: ${missing}${steps !== null && !shortTau ? `; rerun with --steps >= ${fmt(steps)} (maxLag = steps / 2 >= ${maxLagPerTau} tau)` : ''}`,
      evidence: { ...withFits, sumEstimate: null, resolution: 'unresolved', stepsToResolve: steps },
    };
  }
  if (betaInterval.lower > 1 && (base.decadesSpanned >= 1 || exponentialResolved)) {
    return {
      verdict: 'SRD',
      reason: `power law with beta = ${powerLaw.beta.toFixed(3)}, interval [${betaInterval.lower.toFixed(3)}, ${betaInterval.upper.toFixed(3)}] above 1 ${base.decadesSpanned >= 1 ? `over ${base.decadesSpanned.toFixed(2)} decades of lag` : `and the norm at the noise floor by lag ${floorLag} (${fmt((floorLag as number) / tau)} decay lengths tau = ${fmt(tau)})`}: summable`,
      evidence: { ...withFits, sumEstimate: powTail(), resolution: 'resolved', stepsToResolve: null },
    };
  }
  const preferred = powerLawPreference === null || powerLawPreference >= minPreference;
  if (betaInterval.upper < 1 && base.decadesSpanned >= minDecades && preferred) {
    return {
      verdict: 'LRD',
      reason: `power law fits better (R^2 = ${powerLaw.r2.toFixed(3)} vs ${exponential.r2.toFixed(3)}) with beta = ${powerLaw.beta.toFixed(3)}, interval [${betaInterval.lower.toFixed(3)}, ${betaInterval.upper.toFixed(3)}] below 1, over lags ${fitLags[0]}..${kLast}`,
      evidence: { ...withFits, sumEstimate: Infinity, resolution: 'unresolved', stepsToResolve: null },
    };
  }
  const why =
    betaInterval.lower > 1
      ? `its interval [${betaInterval.lower.toFixed(3)}, ${betaInterval.upper.toFixed(3)}] lies above 1 over only ${base.decadesSpanned.toFixed(2)} decades and the exponential decay is not resolved (SRD needs one of them)`
      : betaInterval.upper >= 1
        ? `beta's interval [${betaInterval.lower.toFixed(3)}, ${betaInterval.upper.toFixed(3)}] contains 1`
        : base.decadesSpanned < minDecades
        ? `the fit range ${fitLags[0]}..${kLast} spans ${base.decadesSpanned.toFixed(2)} decades, fewer than ${minDecades}`
        : `it fits better in only ${(100 * (powerLawPreference ?? 0)).toFixed(0)}% of bootstrap replicates (fewer than ${(100 * minPreference).toFixed(0)}%)`;
  return {
    verdict: 'inconclusive',
    reason: `power law fits better (beta = ${powerLaw.beta.toFixed(3)}) but ${why}`,
    evidence: { ...withFits, sumEstimate: null, resolution: 'unresolved', stepsToResolve: null },
  };
}

/** Options of {@link correlationSums}: those of {@link crossCorrelationNorms} and {@link correlationVerdict}. */
export interface CorrelationSumsOptions extends Omit<CrossCorrelationOptions, 'bootstrap' | 'noiseFloor'>, CorrelationVerdictOptions {
  /** Bootstrap settings (default { replicates: 200, units: 16, seed: 0 }); false for none (OLS interval). */
  readonly bootstrap?: CorrelationBootstrapOptions | false;
}

/** Result of {@link correlationSums}. */
export interface CorrelationSums extends CorrelationVerdict {
  readonly norms: CrossCorrelationNorms;
}

/**
 * Correlation norms, partial sums S(K), noise floor, bootstrap, decay fits and the SRD / LRD
 * verdict in one call: {@link crossCorrelationNorms} (noise floor on, bootstrap 200 replicates
 * by default) followed by {@link correlationVerdict} (see its decision rule).
 *
 * Method: as in the two functions; the bootstrap interval for beta resamples sequences (16
 * groups when N >= 16) or blocks of lag products (a single or few long sequences).
 *
 * References: Belletti et al. (AISTATS 2018), Definition 1.1 (arXiv:1712.04985).
 *
 * @example
 * ```ts
 * const x = fgn(createRng(3), 16384, 0.8);
 * const out = correlationSums([seriesFromScalar(x)], { maxLag: 4096, lags: 'log' });
 * out.verdict; // 'LRD'
 * out.evidence.powerLaw?.beta; // 0.4418... (2 - 2H = 0.4; the sample mean biases it upward)
 * ```
 */
export function correlationSums(ensemble: readonly Series[], options: CorrelationSumsOptions): CorrelationSums {
  const bootstrap = options.bootstrap === undefined ? { replicates: 200, units: 16, seed: 0 } : options.bootstrap;
  const norms = crossCorrelationNormsFor('correlationSums', ensemble, { ...options, bootstrap, noiseFloor: true });
  return { ...verdictFor('correlationSums', norms, options), norms };
}
