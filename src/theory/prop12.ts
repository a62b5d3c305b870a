/**
 * Propositions 1.1-1.2 and Theorem 1.1 of Belletti et al. (2018) as executable checks. See
 * proofs/prop-1.2-vanishing-gradient-srd.md.
 *
 * Prop. 1.2 as written: "If the spectral radius of W_h is < 1 and the series (h_t) is of
 * constant variance then the RNN is SRD." Theorem 1.1 repeats it for the context (state) of a
 * GRU or LSTM. The proof's key step claims that the Jacobian D_{h_0} F_t of h_{t+1} with
 * respect to h_0 has spectral radius below lambda^t for some lambda < 1 "with the assumption
 * that the spectral radius of W_h is < 1".
 *
 * @module
 */
import { correlationVerdict, crossCorrelationNorms } from '../analysis/correlation/index.js';
import type { CorrelationNoiseFloor, CorrelationVerdict } from '../analysis/correlation/index.js';
import type { Series } from '../analysis/series.js';
import type { DenseCell } from '../cells/factorized.js';
import { createRng } from '../processes/prng.js';
import { candidateSpectralRadius } from './candidateMatrix.js';
import type { CheckResult } from './result.js';

/** Options of {@link stateCorrelationProfile}. */
export interface StateCorrelationOptions {
  /** Independent sequences N (the ensemble). */
  sequences: number;
  /** Steps discarded before t0 (the state's variance is then constant in t to sampling error). */
  burnIn: number;
  /** Lags K. */
  maxLag: number;
  seed: number;
  /** Standard deviation of the iid N(0, s^2) input (default 1). */
  inputStd?: number;
  /** 'gaussian' (default) or 'uniform' on [-inputStd, inputStd] (bounded, as Lemma 1.2 assumes). */
  inputDistribution?: 'gaussian' | 'uniform';
}

/** Ensemble estimates of ||Cor(h_t0, h_t0+k)||_2, their noise floor and the SRD / LRD verdict. */
export interface StateCorrelationProfile {
  readonly norms: number[];
  /** Noise floor per lag (null norms between independent sequences, src/analysis/correlation). */
  readonly floor: number[];
  readonly verdict: CorrelationVerdict;
}

/**
 * Drives N independent sequences of iid input (N(0, s^2), or uniform on [-s, s]) through
 * `cell` from the zero state, discards `burnIn` steps, records the hidden output for K + 1
 * steps, and applies the analysis engine's ensemble estimator at t0 = the first recorded step
 * (`crossCorrelationNorms` with estimator 'ensemble': Pearson correlations across sequences,
 * per-time means and variances, a noise floor from independent sequences) and its verdict
 * (`correlationVerdict`).
 */
export function stateCorrelationProfile(cell: DenseCell, o: StateCorrelationOptions): StateCorrelationProfile {
  const { sequences: N, burnIn, maxLag: K } = o;
  const std = o.inputStd ?? 1;
  const d = cell.hiddenSize;
  const rng = createRng(o.seed);
  const ensemble: Series[] = [];
  for (let s = 0; s < N; s++) {
    const r = rng.fork(s);
    let state = cell.initialState();
    const x = new Float64Array(cell.inputSize);
    const data = new Float64Array((K + 1) * d);
    for (let t = 0; t < burnIn + K + 1; t++) {
      for (let j = 0; j < x.length; j++) x[j] = o.inputDistribution === 'uniform' ? std * (2 * r.uniform() - 1) : std * r.normal();
      state = cell.step(state, x);
      if (t >= burnIn) data.set(cell.output(state), (t - burnIn) * d);
    }
    ensemble.push({ rows: K + 1, cols: d, data });
  }
  const res = crossCorrelationNorms(ensemble, { maxLag: K, estimator: 'ensemble', t0: 0 });
  return { norms: res.norms, floor: (res.noiseFloor as CorrelationNoiseFloor).levels, verdict: correlationVerdict(res) };
}

/**
 * Prop. 1.2 / Theorem 1.1 on one cell: hypothesis rho(W_h) < 1; conclusion (finite-sample
 * SRD evidence): the analysis engine's verdict on the ensemble correlations is not 'LRD', and
 * it is 'SRD' or the correlations have reached the noise floor within the window (mean of
 * ||Cor(h_t0, h_t0+k)||_2 over the last half of the lags at most 1.5 times the mean floor there
 * plus 0.02). Over a short window the verdict is often 'inconclusive' (an exponential mixture
 * and a power law are hard to tell apart over less than a decade); the floor criterion then
 * decides. margin = the floor allowance minus the observed tail mean.
 *
 * An 'LRD' verdict is replicated before it counts. The correlation verdict alone (without the
 * local Whittle check the audit adds) calls a power law over lags 1..10 when a few lags just
 * above the noise floor flatten the log-log tail: 3 of 1000 random cells of the as-written
 * property (400 sequences, 40 lags, seeds drawn as the test draws them) were called 'LRD', and
 * none of the 3 stayed 'LRD' on an independent ensemble (issue 16's CI failure; proofs/
 * prop-1.2-vanishing-gradient-srd.md). So when the first ensemble's verdict is 'LRD', a second,
 * independent ensemble of 4 N sequences (seed + 1, a noise floor half as high) is drawn, and its
 * profile decides; `screening` keeps the first one. A long-range dependent state would be
 * called 'LRD' again, with a longer fit range.
 */
export function prop12(
  cell: DenseCell,
  o: StateCorrelationOptions,
): CheckResult & { readonly rho: number; readonly profile: StateCorrelationProfile; readonly screening: StateCorrelationProfile | null } {
  const rho = candidateSpectralRadius(cell);
  const first = stateCorrelationProfile(cell, o);
  const replicated = first.verdict.verdict === 'LRD';
  const profile = replicated ? stateCorrelationProfile(cell, { ...o, sequences: 4 * o.sequences, seed: o.seed + 1 }) : first;
  const half = Math.floor(o.maxLag / 2);
  const mean = (v: number[]): number => v.slice(half).reduce((a, b) => a + b, 0) / (v.length - half);
  const tail = mean(profile.norms), floor = mean(profile.floor);
  const margin = 1.5 * floor + 0.02 - tail;
  const v = profile.verdict.verdict;
  const conclusion = v !== 'LRD' && (v === 'SRD' || margin >= 0);
  return {
    holds: rho >= 1 || conclusion,
    hypothesesHold: rho < 1,
    margin,
    witness: `${cell.kind} d=${cell.inputSize} h=${cell.hiddenSize}, rho(W_h) = ${rho.toPrecision(4)}; ${
      replicated ? `first ensemble (N = ${o.sequences}) called LRD (${first.verdict.reason}), replicated on N = ${4 * o.sequences}: ` : ''
    }mean ||Cor|| over lags ${half}..${o.maxLag} = ${tail.toPrecision(4)}, noise floor ${floor.toPrecision(4)}; verdict ${profile.verdict.verdict}: ${profile.verdict.reason}`,
    rho,
    profile,
    screening: replicated ? first : null,
  };
}
