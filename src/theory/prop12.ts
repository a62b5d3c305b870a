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
import type { DenseCell } from '../cells/factorized.js';
import { spectralNorm } from '../linalg/norms.js';
import { createRng } from '../processes/prng.js';
import type { Matrix } from '../linalg/dense.js';
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

/** Ensemble estimates of ||Cor(h_t0, h_t0+k)||_2 and of the same between independent sequences. */
export interface StateCorrelationProfile {
  readonly norms: number[];
  /** Noise floor: the same statistic with h_t0 and h_t0+k taken from different (independent) sequences. */
  readonly floor: number[];
}

/**
 * Ensemble estimator at a fixed time: drive N independent sequences of iid N(0, s^2) input
 * through `cell` from the zero state, discard `burnIn` steps, and estimate
 * Cor(h_t0, h_t0+k) = D_0^-1/2 C(k) D_k^-1/2 across sequences (C(k) the sample cross-covariance
 * of the hidden output, D the per-time sample variances), k = 0..K. The floor pairs sequence i
 * at t0 with sequence i+1 (mod N) at t0 + k: independent, so its expectation reflects only
 * sampling error (about sqrt(d / N) for d channels).
 */
export function stateCorrelationProfile(cell: DenseCell, o: StateCorrelationOptions): StateCorrelationProfile {
  const { sequences: N, burnIn, maxLag: K } = o;
  const std = o.inputStd ?? 1;
  const d = cell.hiddenSize;
  const rng = createRng(o.seed);
  // recorded[k][s * d + i]: channel i of sequence s at t0 + k
  const recorded = Array.from({ length: K + 1 }, () => new Float64Array(N * d));
  for (let s = 0; s < N; s++) {
    const r = rng.fork(s);
    let state = cell.initialState();
    const x = new Float64Array(cell.inputSize);
    for (let t = 0; t < burnIn + K + 1; t++) {
      for (let j = 0; j < x.length; j++) x[j] = o.inputDistribution === 'uniform' ? std * (2 * r.uniform() - 1) : std * r.normal();
      state = cell.step(state, x);
      if (t >= burnIn) (recorded[t - burnIn] as Float64Array).set(cell.output(state), s * d);
    }
  }
  const stats = recorded.map((m) => meanStd(m, N, d));
  const at = (k: number, shift: number): number => {
    const a = recorded[0] as Float64Array, b = recorded[k] as Float64Array;
    const sa = stats[0] as { mean: Float64Array; std: Float64Array }, sb = stats[k] as { mean: Float64Array; std: Float64Array };
    const c: Matrix = Array.from({ length: d }, () => new Array<number>(d).fill(0));
    for (let s = 0; s < N; s++) {
      const s2 = (s + shift) % N;
      for (let i = 0; i < d; i++) {
        const ai = ((a[s * d + i] as number) - (sa.mean[i] as number)) / ((sa.std[i] as number) || 1);
        const row = c[i] as number[];
        for (let j = 0; j < d; j++) row[j] = (row[j] as number) + (ai * ((b[s2 * d + j] as number) - (sb.mean[j] as number))) / ((sb.std[j] as number) || 1);
      }
    }
    return spectralNorm(c.map((row) => row.map((v) => v / (N - 1))));
  };
  const norms: number[] = [], floor: number[] = [];
  for (let k = 0; k <= K; k++) {
    norms.push(at(k, 0));
    floor.push(at(k, 1));
  }
  return { norms, floor };
}

function meanStd(m: Float64Array, n: number, d: number): { mean: Float64Array; std: Float64Array } {
  const mean = new Float64Array(d), std = new Float64Array(d);
  for (let s = 0; s < n; s++) for (let i = 0; i < d; i++) mean[i] = (mean[i] as number) + (m[s * d + i] as number) / n;
  for (let s = 0; s < n; s++) for (let i = 0; i < d; i++) std[i] = (std[i] as number) + ((m[s * d + i] as number) - (mean[i] as number)) ** 2 / (n - 1);
  for (let i = 0; i < d; i++) std[i] = Math.sqrt(std[i] as number);
  return { mean, std };
}

/**
 * Prop. 1.2 / Theorem 1.1 on one cell: hypothesis rho(W_h) < 1; conclusion (finite-sample
 * SRD evidence) that the correlations fall to the noise floor within the lag window, i.e. the
 * mean of ||Cor(h_t0, h_t0+k)||_2 over the last half of the lags is at most 1.5 times the mean
 * floor there plus 0.02 (so that S(K) grows no faster than the floor's own linear growth).
 * margin = that allowance minus the observed mean.
 */
export function prop12(cell: DenseCell, o: StateCorrelationOptions): CheckResult & { readonly rho: number; readonly profile: StateCorrelationProfile } {
  const rho = candidateSpectralRadius(cell);
  const profile = stateCorrelationProfile(cell, o);
  const half = Math.floor(o.maxLag / 2);
  const mean = (v: number[]): number => v.slice(half).reduce((a, b) => a + b, 0) / (v.length - half);
  const tail = mean(profile.norms), floor = mean(profile.floor);
  const margin = 1.5 * floor + 0.02 - tail;
  return {
    holds: rho >= 1 || margin >= 0,
    hypothesesHold: rho < 1,
    margin,
    witness: `${cell.kind} d=${cell.inputSize} h=${cell.hiddenSize}, rho(W_h) = ${rho.toPrecision(4)}; mean ||Cor|| over lags ${half}..${o.maxLag} = ${tail.toPrecision(4)}, noise floor ${floor.toPrecision(4)}`,
    rho,
    profile,
  };
}
