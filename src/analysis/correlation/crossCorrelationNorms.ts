/**
 * Spectral norms of lagged cross-correlation matrices, ||Cor(h_t, h_{t+k})||_2, and their
 * partial sums S(K) = sum_{k=0..K} ||Cor(k)||_2, the quantity of the paper's Definition 1.1 of
 * short range dependence, with a noise floor and (optionally) bootstrap replicates.
 *
 * @module
 */
import { AnalysisInputError } from '../errors.js';
import type { Series } from '../series.js';
import { ensembleEngine } from './ensembleEngine.js';
import { logLagGrid } from './lagGrid.js';
import { noiseFloorConstant } from './noiseFloor.js';
import { timeAverageEngine } from './timeAverageEngine.js';
import { assertIntegerInRange, assertNumberInRange, validateEnsemble } from './validate.js';

/** Which estimator of Cor(h_t, h_{t+k}). */
export type CorrelationEstimator = 'time-average' | 'ensemble';

/** Bootstrap settings (resampling sequences, or blocks of sequences when there are few). */
export interface CorrelationBootstrapOptions {
  /** Bootstrap replicates (default 200). */
  readonly replicates?: number;
  /**
   * Resampling units for the time-average estimator (default 16): groups of whole sequences
   * when N >= units, otherwise each sequence cut into ceil(units / N) contiguous blocks (lag
   * products (t, t + k) belong to the block of t). The ensemble estimator always resamples the
   * N sequences.
   */
  readonly units?: number;
  /** Seed of the resampling (default 0). */
  readonly seed?: number;
}

/** Options of {@link crossCorrelationNorms}. */
export interface CrossCorrelationOptions {
  /** Largest lag K (time-average: at most T - 1; ensemble: at most T - 1 - t0). */
  readonly maxLag: number;
  /** 'all' (default): every lag 0..K; 'log': the {@link logLagGrid} of K. */
  readonly lags?: 'all' | 'log';
  /** 'time-average' (default, stationary runs) or 'ensemble' (across sequences at fixed t0). */
  readonly estimator?: CorrelationEstimator;
  /** Ensemble estimator: the reference time t0 (default 0). */
  readonly t0?: number;
  /**
   * Time-average estimator: number r of principal components of the lag-0 correlation to
   * project on, or 'auto' (default): all d channels when d <= 32, otherwise the smallest r
   * whose eigenvalues sum to varianceTarget of the trace, capped at maxComponents.
   */
  readonly components?: number | 'auto';
  /** Fraction of the lag-0 correlation trace that 'auto' components must explain (default 0.95). */
  readonly varianceTarget?: number;
  /** Cap on 'auto' components (default 64). */
  readonly maxComponents?: number;
  /** Compute the noise floor (default true). */
  readonly noiseFloor?: boolean;
  /** Bootstrap replicates of the norms on the log grid (default: none; see correlationSums). */
  readonly bootstrap?: CorrelationBootstrapOptions | false;
}

/** The noise floor of {@link CrossCorrelationNorms}: floor(k) = constant / sqrt(pairs(k)). */
export interface CorrelationNoiseFloor {
  /**
   * 'independent-sequences': null norms of the same estimator between sequence s and sequence
   * s + 1 (cyclically; time-average: all N pairs when r <= 16, else 16), at the log-grid lags
   * up to the largest lag the FFT holds without wrap-around (ensemble: up to T - 1 - t0), pooled
   * by {@link noiseFloorFromNull}. 'bartlett' (time-average with a single sequence): Bartlett's
   * variance for an independent copy (see {@link crossCorrelationNorms}).
   */
  readonly method: 'independent-sequences' | 'bartlett';
  /** Floor per entry of `lags`. */
  readonly levels: number[];
  /** c in floor(k) = c / sqrt(pairs(k)): the floor of a single pair. */
  readonly constant: number;
  /** Lags of the null norms ('independent-sequences' only). */
  readonly nullLags: number[] | null;
  /** Raw null norms ('independent-sequences' only). */
  readonly nullNorms: number[] | null;
  /** Pairs averaged by each null norm ('independent-sequences' only). */
  readonly nullPairs: number[] | null;
}

/** Bootstrap replicates of the norms at the log-grid lags. */
export interface CorrelationBootstrap {
  readonly lags: number[];
  /** norms[b][i]: replicate b at lags[i]. */
  readonly norms: number[][];
  readonly units: number;
  readonly unitKind: 'sequence-groups' | 'blocks' | 'sequences';
  readonly seed: number;
}

/** Result of {@link crossCorrelationNorms}. */
export interface CrossCorrelationNorms {
  readonly estimator: CorrelationEstimator;
  /** Ensemble estimator: the reference time; null for time-average. */
  readonly t0: number | null;
  readonly sequences: number;
  readonly length: number;
  readonly channels: number;
  readonly maxLag: number;
  /** The lags k at which norms were computed (increasing, from 0). */
  readonly lags: number[];
  /** ||Cor(k)||_2 per lag (time-average with r < d: the norm of the projected correlation, a lower bound). */
  readonly norms: number[];
  /** An upper bound on the all-channel norm per lag (equal to `norms` when r = d). */
  readonly upperBounds: number[];
  /** S(k) at each entry of `lags`; see partialSumMethod. */
  readonly partialSums: number[];
  /**
   * 'sum': S(K) = sum_{k=0..K} norms (all lags computed). 'log-log-interpolated': the norm at
   * skipped integer lags between computed neighbours k_a < k < k_b is interpolated as the power
   * law through them (linear in (log k, log norm); linear where a norm is 0 or k_a = 0), then
   * summed, which equals 'sum' where lags are consecutive.
   */
  readonly partialSumMethod: 'sum' | 'log-log-interpolated';
  /** Number of (t, t + k) pairs averaged per lag: N (T - k) (time-average) or N (ensemble). */
  readonly pairs: number[];
  /** Dimension of the correlation matrices whose norms were taken (r for time-average). */
  readonly components: number;
  readonly basis: 'channels' | 'principal-components' | 'cross-section';
  /** trace of the projected lag-0 correlation / number of varying channels (1 when r = d). */
  readonly varianceExplained: number;
  /** Largest eigenvalue lambda_1 of the lag-0 correlation matrix. */
  readonly leadingEigenvalue: number;
  /** lambda_{r+1}, the largest lag-0 eigenvalue left out (0 when r = d). */
  readonly tailEigenvalue: number;
  /** Time points used to estimate the principal components (0 when none were needed). */
  readonly pcaRows: number;
  /** Channels with zero variance (their correlations are taken as 0). */
  readonly constantChannels: number;
  readonly noiseFloor: CorrelationNoiseFloor | null;
  readonly bootstrap: CorrelationBootstrap | null;
  /**
   * Time average with N >= 2: share of the (projected) variance carried by a path common to all
   * sequences (0: none; 1: every sequence follows the same path), which a between-sequence null
   * keeps (so the floor rises with it); null otherwise. Absent in results made before issue 13.
   */
  readonly commonPathFraction?: number | null;
}

const FN = 'crossCorrelationNorms';

/** Most time points used for the principal components (a strided subsample beyond it). */
export const PCA_MAX_ROWS = 16384;

/**
 * Partial sums over the computed lags; see {@link CrossCorrelationNorms.partialSumMethod}.
 *
 * @example
 * ```ts
 * partialSumsOverLags([0, 1, 2], [1, 0.5, 0.25]); // [1, 1.5, 1.75]
 * partialSumsOverLags([0, 1, 4], [1, 1, 0.25]); // [1, 2, 3.0833...] = 2 + 1/2 + 1/3 + 1/4 (the power law k^-1 through (1, 1) and (4, 0.25))
 * ```
 */
export function partialSumsOverLags(lags: readonly number[], norms: readonly number[]): number[] {
  const out: number[] = [];
  let s = 0;
  for (let i = 0; i < lags.length; i++) {
    const k = lags[i] as number;
    const v = norms[i] as number;
    if (i === 0) {
      s = v;
      out.push(s);
      continue;
    }
    const ka = lags[i - 1] as number;
    const va = norms[i - 1] as number;
    const useLog = ka >= 1 && va > 0 && v > 0;
    for (let j = ka + 1; j < k; j++) {
      if (useLog) {
        const x = (Math.log(j) - Math.log(ka)) / (Math.log(k) - Math.log(ka));
        s += Math.exp(Math.log(va) + x * (Math.log(v) - Math.log(va)));
      } else {
        s += va + ((j - ka) / (k - ka)) * (v - va);
      }
    }
    s += v;
    out.push(s);
  }
  return out;
}

/**
 * ||Cor(h_t, h_{t+k})||_2 for k in 0..maxLag (all lags or a log grid), the partial sums S(K), a
 * noise floor and optional bootstrap replicates, for an ensemble of N sequences (T x d each).
 *
 * Method.
 * - Time average (stationary runs): mu and D = diag of the pooled lag-0 covariance (divisor
 *   N T); C(k) = sum_s sum_{t=0}^{T-k-1} (h_t - mu)(h_{t+k} - mu)^T / (N (T - k)) (divided by the
 *   number of pairs N (T - k)); Cor(k) = D^-1/2 C(k) D^-1/2.
 * - Scaling: with V_r the leading r eigenvectors of the lag-0 correlation R_0 (estimated from at
 *   most 16384 evenly strided time points), the series is projected to y_t = V_r^T D^-1/2 (h_t - mu)
 *   and P(k) = V_r^T Cor(k) V_r is computed for all lags at once: per sequence r zero-padded FFTs
 *   of length nfft = 2^ceil(log2(T + K)) (no circular wrap-around), cross-spectra
 *   sum_s conj(Y_i) Y_j for i <= j over half the spectrum, one inverse FFT per pair (two per
 *   complex transform) giving lags k and -k. ||P(k)||_2 is the top singular value by Lanczos on
 *   P^T P (warm-started from the previous lag). Cost O(N T d r + N r^2 nfft + r^2 nfft log nfft)
 *   instead of O(K N T d^2) for lag-by-lag products.
 * - Approximation (r < d): ||P(k)||_2 <= ||Cor(k)||_2 exactly (V_r has orthonormal columns), so
 *   `norms` are lower bounds; `upperBounds` = max(p, min(lambda_1, ||[[p, s], [s, l]]||_2)) with
 *   p = ||P(k)||_2, l = lambda_{r+1}, s = sqrt(lambda_1 lambda_{r+1}), from Cauchy-Schwarz,
 *   |a^T Cor(k) b| <= sqrt(a^T R_0 a b^T R_0 b), on the in-span and orthogonal parts of unit
 *   vectors a, b (a population bound, up to O(k / T) and sampling error for the estimate; the
 *   eigenvalues are those of the subsample). `varianceExplained` = trace(P(0)) / d (d counting
 *   varying channels only), exact.
 *   With r = d (default for d <= 32) the computation is exact: norms = upperBounds.
 * - Ensemble (non-stationary runs): at fixed t0, Cor(h_t0, h_{t0+k}) is the matrix of Pearson
 *   correlations across the N sequences with per-time means and variances:
 *   F_t0^T F_{t0+k} with F_t the centred cross-section scaled to unit column norms. Exact (no
 *   projection): the norm is found by Lanczos in the d-dimensional space, through N-vectors
 *   when N < d.
 * - Noise floor, floor(k) = c / sqrt(pairs(k)). N >= 2: null norms of the same estimator between
 *   independent sequences, sequence s at t against sequence s + 1 (mod N) at t + k
 *   (time-average: all N pairs when r <= 16, else the first 16), at the log-grid lags up to the
 *   largest lag the FFT holds without wrap-around, min(T - 1, nfft - T) (ensemble: T - 1 - t0),
 *   so beyond maxLag when possible; c = mean + 2 sd of null norm x sqrt(null pairs)
 *   ({@link noiseFloorFromNull}; 2 sd for a scalar). N = 1 (time-average):
 *   Bartlett's variance for an independent copy, v_ij(k) = l_i l_j (1 + 2 sum_{m=1}^{M-1}
 *   rho_i(m) rho_j(m)) / (T - k) for the projected components (variances l_i, autocorrelations
 *   rho_i, sum cut at the first lag M where |rho| <= 2 / sqrt(T)), floor =
 *   max_i sqrt(sum_j v_ij) + max_j sqrt(sum_i v_ij) (2 sd for a scalar; 2 sqrt(r / n) for white
 *   noise, the Bai-Yin edge), the autocorrelations taken up to min(T - 1, nfft - T).
 * - Bootstrap (optional), at the log-grid lags: time average: units (16 groups of whole
 *   sequences, or blocks of lag products when N < 16) are resampled with replacement,
 *   C*(k) = sum_u w_u S_u(k) / sum_u w_u n_u(k) - m* m*^T with per-unit lag sums S_u, pair counts
 *   n_u and the replicate's mean m* of y (recentred; D and V_r held fixed). Ensemble: the N
 *   sequences are resampled, C* = F_t0^T W F_{t0+k} - (F_t0^T w)(F_{t0+k}^T w)^T / N.
 * - Memory: about 16 (r(r+1)/2 + r^2) (nfft/2 + 1) bytes for the cross-spectra plus
 *   8 r^2 (K + 1) for the lag matrices (d = 256, r = 64, T = 2048, K = 1024: about 300 MB).
 *
 * References: Belletti, Beutel, Jain & Chi, "Factorized recurrent neural architectures for
 * longer range dependence", AISTATS 2018, Definition 1.1 (arXiv:1712.04985); P. J. Brockwell &
 * R. A. Davis, Time Series: Theory and Methods, 2nd ed., Springer 1991,
 * DOI 10.1007/978-1-4419-0320-4, sections 7.2 and 11.2 (sample cross-correlations, Bartlett's
 * formula); J. W. Cooley & J. W. Tukey (1965), DOI 10.1090/S0025-5718-1965-0178586-1; B. Efron &
 * R. Tibshirani, An Introduction to the Bootstrap, Chapman & Hall 1993,
 * DOI 10.1201/9780429246593; H. R. Kunsch, "The jackknife and the bootstrap for general
 * stationary observations", Ann. Statist. 17(3):1217-1241, 1989, DOI 10.1214/aos/1176347265.
 *
 * @example
 * ```ts
 * const x = ar1(createRng(1), 100000, 0.5);
 * const res = crossCorrelationNorms([seriesFromScalar(x)], { maxLag: 3 });
 * res.norms; // [1.0000000000000036, 0.5006..., 0.2491..., 0.1255...] (|rho(k)| = 0.5^k, sampling SD ~0.004)
 * res.partialSums; // [1.0000000000000036, 1.5006..., 1.7498..., 1.8753...]
 * ```
 */
export function crossCorrelationNorms(ensemble: readonly Series[], options: CrossCorrelationOptions): CrossCorrelationNorms {
  return crossCorrelationNormsFor(FN, ensemble, options);
}

/** {@link crossCorrelationNorms} with errors naming the calling function `fn` (internal). */
export function crossCorrelationNormsFor(
  fn: string,
  ensemble: readonly Series[],
  options: CrossCorrelationOptions,
): CrossCorrelationNorms {
  const shape = validateEnsemble(ensemble, fn);
  if (options === null || typeof options !== 'object') {
    throw new AnalysisInputError(`${fn}: options is ${String(options)}, expected an object with maxLag`);
  }
  const { sequences: N, length: T, channels: d } = shape;
  const estimator = options.estimator ?? 'time-average';
  if (estimator !== 'time-average' && estimator !== 'ensemble') {
    throw new AnalysisInputError(`${fn}: estimator is ${String(estimator)}, expected 'time-average' or 'ensemble'`);
  }
  const lagMode = options.lags ?? 'all';
  if (lagMode !== 'all' && lagMode !== 'log') {
    throw new AnalysisInputError(`${fn}: lags is ${String(lagMode)}, expected 'all' or 'log'`);
  }
  let t0 = 0;
  let maxLag: number;
  if (estimator === 'time-average') {
    if (T < 2) throw new AnalysisInputError(`${fn}: series length is ${T}, expected at least 2 time steps`);
    if (options.t0 !== undefined) {
      throw new AnalysisInputError(`${fn}: t0 is ${String(options.t0)}, expected undefined (t0 applies to the 'ensemble' estimator only)`);
    }
    maxLag = assertIntegerInRange(fn, 'maxLag', options.maxLag, 0, T - 1, ` (series length ${T} minus 1)`);
  } else {
    if (N < 3) {
      throw new AnalysisInputError(
        `${fn}: ensemble has ${N} sequence${N === 1 ? '' : 's'}, expected at least 3 for the 'ensemble' estimator (correlations across sequences)`,
      );
    }
    t0 = assertIntegerInRange(fn, 't0', options.t0 ?? 0, 0, T - 1, ` (series length ${T} minus 1)`);
    maxLag = assertIntegerInRange(fn, 'maxLag', options.maxLag, 0, T - 1 - t0, ` (series length ${T} minus 1 minus t0 = ${t0})`);
    if (typeof options.components === 'number' && options.components !== d) {
      throw new AnalysisInputError(
        `${fn}: components is ${options.components}, expected 'auto' or ${d} for the 'ensemble' estimator (it is exact and never projects)`,
      );
    }
  }
  const components = options.components ?? 'auto';
  if (components !== 'auto') assertIntegerInRange(fn, 'components', components, 1, d, ` (the number of channels)`);
  const varianceTarget = assertNumberInRange(fn, 'varianceTarget', options.varianceTarget ?? 0.95, 0, 1, true);
  const maxComponents = assertIntegerInRange(fn, 'maxComponents', options.maxComponents ?? 64, 1, Number.MAX_SAFE_INTEGER);
  const noiseFloor = options.noiseFloor ?? true;
  const boot = options.bootstrap === undefined || options.bootstrap === false ? null : options.bootstrap;
  const replicates = boot ? assertIntegerInRange(fn, 'bootstrap.replicates', boot.replicates ?? 200, 1, 100000) : 0;
  const units = boot ? assertIntegerInRange(fn, 'bootstrap.units', boot.units ?? 16, 2, 100000) : 0;
  const seed = boot ? assertIntegerInRange(fn, 'bootstrap.seed', boot.seed ?? 0, -Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER) : 0;

  const gridLags = logLagGrid(maxLag);
  const lags = lagMode === 'all' ? Array.from({ length: maxLag + 1 }, (_, k) => k) : gridLags.slice();
  const storeLags = lags; // the grid is a subset of every output lag set

  let norms: number[];
  let upperBounds: number[];
  let pairs: number[];
  let rComponents: number;
  let basis: CrossCorrelationNorms['basis'];
  let varianceExplained: number;
  let leadingEigenvalue: number;
  let tailEigenvalue: number;
  let pcaRows = 0;
  let constantChannels: number;
  let floor: CorrelationNoiseFloor | null = null;
  let bootstrap: CorrelationBootstrap | null = null;
  let commonPathFraction: number | null = null;

  if (estimator === 'time-average') {
    const res = timeAverageEngine({
      fn,
      ensemble,
      maxLag,
      storeLags,
      gridLags,
      components,
      varianceTarget,
      maxComponents,
      maxPcaRows: PCA_MAX_ROWS,
      bootstrapUnits: units,
      bootstrapReplicates: replicates,
      seed,
      noiseFloor,
    });
    norms = Array.from(res.norms);
    commonPathFraction = res.commonPathFraction;
    pairs = Array.from(res.pairs);
    rComponents = res.components;
    basis = res.basis;
    varianceExplained = res.varianceExplained;
    leadingEigenvalue = res.leadingEigenvalue;
    tailEigenvalue = res.tailEigenvalue;
    pcaRows = res.pcaRows;
    constantChannels = res.constantChannels;
    const l1 = leadingEigenvalue;
    const lt = tailEigenvalue;
    upperBounds = norms.map((p) => {
      if (lt === 0) return p;
      const bound = (p + lt) / 2 + Math.sqrt(((p - lt) / 2) ** 2 + l1 * lt);
      return Math.max(p, Math.min(l1, bound));
    });
    if (res.floorConstant !== null) {
      const c = res.floorConstant;
      floor = {
        method: res.nullNorms ? 'independent-sequences' : 'bartlett',
        levels: pairs.map((n) => c / Math.sqrt(n)),
        constant: c,
        nullLags: res.nullNorms ? res.nullLags : null,
        nullNorms: res.nullNorms ? Array.from(res.nullNorms) : null,
        nullPairs: res.nullPairs ? Array.from(res.nullPairs) : null,
      };
    }
    if (res.bootstrapNorms.length > 0) {
      bootstrap = {
        lags: gridLags,
        norms: res.bootstrapNorms.map((b) => Array.from(b)),
        units: res.bootstrapUnits,
        unitKind: res.bootstrapUnitKind === 'blocks' ? 'blocks' : 'sequence-groups',
        seed,
      };
    }
  } else {
    const res = ensembleEngine({ ensemble, t0, storeLags, gridLags, bootstrapReplicates: replicates, seed, noiseFloor });
    norms = Array.from(res.norms);
    upperBounds = norms.slice();
    pairs = lags.map(() => N);
    rComponents = d;
    basis = 'cross-section';
    varianceExplained = 1;
    leadingEigenvalue = norms[0] as number;
    tailEigenvalue = 0;
    constantChannels = res.constantChannels;
    if (res.nullNorms) {
      const nullPairs = res.nullLags.map(() => N);
      const c = noiseFloorConstant(res.nullNorms, nullPairs);
      floor = {
        method: 'independent-sequences',
        levels: pairs.map((n) => c / Math.sqrt(n)),
        constant: c,
        nullLags: res.nullLags,
        nullNorms: Array.from(res.nullNorms),
        nullPairs,
      };
    }
    if (res.bootstrapNorms.length > 0) {
      bootstrap = { lags: gridLags, norms: res.bootstrapNorms.map((b) => Array.from(b)), units: N, unitKind: 'sequences', seed };
    }
  }

  return {
    estimator,
    t0: estimator === 'ensemble' ? t0 : null,
    sequences: N,
    length: T,
    channels: d,
    maxLag,
    lags,
    norms,
    upperBounds,
    partialSums: partialSumsOverLags(lags, norms),
    partialSumMethod: lagMode === 'all' ? 'sum' : 'log-log-interpolated',
    pairs,
    components: rComponents,
    basis,
    varianceExplained,
    leadingEigenvalue,
    tailEigenvalue,
    pcaRows,
    constantChannels,
    noiseFloor: floor,
    bootstrap,
    commonPathFraction,
  };
}
