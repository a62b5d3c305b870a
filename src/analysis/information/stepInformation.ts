/**
 * Empirical one-step mutual information I(h_t; h_{t+lag}) of recurrent-state trajectories,
 * by the Gaussian log-det estimator and by KSG: the measured counterpart of the paper's
 * I(h_{t+1}, h_t) (section 1.4.3).
 *
 * @module
 */
import { AnalysisInputError } from '../errors.js';
import type { Series } from '../series.js';
import { type GaussianMutualInformationEstimate, gaussianMutualInformationFromCovariance } from './gaussianEstimator.js';
import { type KsgEstimate, type KsgOptions, ksgMutualInformation } from './ksg.js';
import { type PairMomentsSpec, pairCovariance, pairMomentsPart, pooledMean } from './pairMoments.js';
import { checkInteger, checkSeries } from './validate.js';

/** Which estimators {@link empiricalStepMutualInformation} runs. */
export type StepEstimator = 'gaussian' | 'ksg';

/** Options of {@link empiricalStepMutualInformation}. */
export interface StepMutualInformationOptions {
  /** Pairs (h_t, h_{t+lag}); default 1. */
  lag?: number;
  /** Steps dropped at the start of every sequence (transient from the initial state); default 0. */
  burnIn?: number;
  /** Columns of the state to use (default all), e.g. the h half [0, hiddenSize) of an LSTM's [h; c]. */
  channels?: readonly number[];
  /** Estimators to run; default both. */
  estimators?: readonly StepEstimator[];
  /** KSG neighbours; default 3. */
  k?: number;
  /** KSG runs on at most this many pairs, an evenly strided subsample (default 10000). */
  maxKsgSamples?: number;
  /** Passed to ksgMutualInformation. */
  ksg?: KsgOptions;
  /** Passed to gaussianMutualInformation (default true). */
  biasCorrection?: boolean;
}

/** What {@link empiricalStepMutualInformation} returns (nats). */
export interface StepMutualInformation {
  /** Number of pooled pairs (h_t, h_{t+lag}). */
  readonly pairs: number;
  readonly lag: number;
  /** Width of h used (channels.length or the series width). */
  readonly dimension: number;
  /** Gaussian log-det estimate (bias-corrected); null when not requested. Its SE assumes independent pairs. */
  readonly gaussian: GaussianMutualInformationEstimate | null;
  /** KSG estimate on `samples` pairs taken every `stride`-th pooled pair; null when not requested. */
  readonly ksg: (KsgEstimate & { readonly stride: number }) | null;
  /**
   * Set when the estimate was taken on the leading principal components of the pooled
   * covariance of h instead of on the channels (analyzeCell for wide states): it is then the
   * information between the projections, a lower bound on the channels' Gaussian information.
   */
  readonly basis?: { readonly kind: 'principal-components'; readonly components: number; readonly varianceExplained: number };
}

/**
 * I(h_t; h_{t+lag}) in nats from one or more state trajectories, pooling the pairs
 * (h_t, h_{t+lag}) for t = burnIn .. T - 1 - lag of every sequence.
 *
 * Method: X (rows h_t) and Y (rows h_{t+lag}) from the selected channels; Gaussian: the
 * estimate of `gaussianMutualInformation(X, Y)` (bias-corrected log-det estimator), with the
 * joint sample covariance of the pairs accumulated from blocked moments of the series
 * (sum h_t h_t^T over all rows, corrected by the first and last `lag` rows of each sequence,
 * and sum h_t h_{t+lag}^T, about a shift at the pooled mean) instead of from materialised pair
 * matrices: the same covariance up to rounding, at 3/4 of the multiply-adds and about 4x the
 * speed of rank-one updates; KSG:
 * `ksgMutualInformation` (estimator 1, k neighbours) on every s-th pair,
 * s = ceil(pairs / maxKsgSamples). Pooling assumes the pairs share one joint law (a
 * stationary regime: choose burnIn past the transient). Consecutive pairs are dependent, so
 * the Gaussian estimator's standard error is a lower bound on the real one.
 *
 * References: Kraskov, Stögbauer & Grassberger, Phys. Rev. E 69:066138, 2004, DOI
 * 10.1103/PhysRevE.69.066138; Cai, Liang & Zhou, J. Multivariate Anal. 137:161-172, 2015,
 * DOI 10.1016/j.jmva.2015.02.003; Belletti et al., AISTATS 2018, section 1.4.3.
 *
 * @throws AnalysisInputError for no sequences, sequences of different widths, a channel out
 *   of range, lag < 1, or too few pairs for the estimators
 * @example
 * // AR(1) h_{t+1} = 0.8 h_t + e_t, e_t ~ N(0, 1): I = -1/2 log(1 - 0.8^2) = 0.5108...
 * const r = empiricalStepMutualInformation([seriesFromScalar(path)], { estimators: ['gaussian'] });
 * r.gaussian?.mutualInformationNats; // 0.5026... for a 10^4-step path from createRng(3) (SE ~0.01)
 */
export function empiricalStepMutualInformation(
  states: readonly Series[],
  options: StepMutualInformationOptions = {},
): StepMutualInformation {
  const fn = 'empiricalStepMutualInformation';
  if (!Array.isArray(states) || states.length === 0) {
    throw new AnalysisInputError(`${fn}: states has ${Array.isArray(states) ? 0 : 'no'} sequences, expected at least one Series`);
  }
  states.forEach((s, i) => checkSeries(s, fn, `states[${i}]`));
  const width = (states[0] as Series).cols;
  states.forEach((s, i) => {
    if (s.cols !== width) throw new AnalysisInputError(`${fn}: states[${i}] has ${s.cols} channels, expected ${width} (as states[0])`);
  });
  const lag = checkInteger(options.lag ?? 1, fn, 'options.lag', 1);
  const burnIn = checkInteger(options.burnIn ?? 0, fn, 'options.burnIn', 0);
  const channels = options.channels ?? Array.from({ length: width }, (_, i) => i);
  if (channels.length === 0) throw new AnalysisInputError(`${fn}: options.channels is empty, expected at least one channel index`);
  channels.forEach((c, i) => checkInteger(c, fn, `options.channels[${i}]`, 0, width - 1));
  const estimators = options.estimators ?? ['gaussian', 'ksg'];
  const d = channels.length;
  let pairs = 0;
  for (const s of states) pairs += Math.max(0, s.rows - burnIn - lag);
  if (pairs < 2) {
    throw new AnalysisInputError(
      `${fn}: the sequences give ${pairs} pairs (h_t, h_t+${lag}) after burnIn ${burnIn}, expected at least 2 (sequence lengths ${states.map((s) => s.rows).join(', ')})`,
    );
  }
  const allChannels = channels.length === width && channels.every((c, i) => c === i);
  const sel = allChannels ? null : Int32Array.from(channels);
  let gaussian: GaussianMutualInformationEstimate | null = null;
  if (estimators.includes('gaussian')) {
    // The joint covariance of the pairs from blocked moments (no pair matrix is built).
    const spec: PairMomentsSpec = { lag, burnIn, channels: sel, projection: null, shift: pooledMean(states, sel, burnIn) };
    const moments = pairMomentsPart(states, spec, 0, states.length);
    const { cov, n } = pairCovariance(moments);
    gaussian = gaussianMutualInformationFromCovariance(cov, d, d, n, { biasCorrection: options.biasCorrection ?? true }, 'gaussianMutualInformation');
  }
  let ksg: (KsgEstimate & { stride: number }) | null = null;
  if (estimators.includes('ksg')) {
    const maxSamples = checkInteger(options.maxKsgSamples ?? 10000, fn, 'options.maxKsgSamples', 2);
    const stride = Math.ceil(pairs / maxSamples);
    const m = Math.ceil(pairs / stride);
    const xs = new Float64Array(m * d), ys = new Float64Array(m * d);
    // Pooled pair r = (sequence, t) in order; every stride-th is kept.
    let r = 0, i = 0;
    for (const s of states) {
      for (let t = burnIn; t + lag < s.rows; t++, r++) {
        if (r % stride !== 0) continue;
        for (let j = 0; j < d; j++) {
          const c = channels[j] as number;
          xs[i * d + j] = s.data[t * width + c] as number;
          ys[i * d + j] = s.data[(t + lag) * width + c] as number;
        }
        i++;
      }
    }
    const est = ksgMutualInformation({ rows: m, cols: d, data: xs }, { rows: m, cols: d, data: ys }, options.k ?? 3, options.ksg ?? {});
    ksg = { ...est, stride };
  }
  return { pairs, lag, dimension: d, gaussian, ksg };
}
