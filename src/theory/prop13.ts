/**
 * Proposition 1.3 of Belletti et al. (2018), "Decomposition of candidate generation", as an
 * empirical check on trajectories. See proofs/prop-1.3-candidate-noise.md.
 *
 * As written: if the input is bounded with ||x_t||_inf > beta > 0, Var(x_t | h_{s<=t}) > gamma,
 * and the d x d matrices W_x, W_h are full rank, then the candidate
 * tanh(W_x x_t + W_h h_t + b) = phi_t(h_t) + eps_t with eps_t orthogonal to the past states and
 * Var[eps_t | h_{s<=t}] > nu^2 > 0: every write adds noise on every channel.
 *
 * @module
 */
import type { DenseCell } from '../cells/factorized.js';
import type { GruCell } from '../cells/gru.js';
import type { LstmCell } from '../cells/lstm.js';
import { eigenvalues } from '../linalg/eigenvalues.js';
import type { Rng } from '../processes/prng.js';
import type { CheckResult } from './result.js';

/** The candidate vector of a step: GRU n, LSTM g (the paper's h~ and c~). */
export function candidate(cell: DenseCell, state: Float64Array, input: Float64Array): Float64Array {
  return cell.kind === 'gru' ? (cell as GruCell).gates(state, input).n : (cell as LstmCell).gates(state, input).g;
}

/** Conditional variance of the candidate given one state, over input draws. */
export interface CandidateVariance {
  /** min_i Var(candidate_i | state): the per-channel noise floor nu^2 at this state. */
  readonly minChannelVariance: number;
  /** Smallest eigenvalue of Cov(candidate | state): the floor of the matrix reading Var >= nu^2 I. */
  readonly minEigenvalue: number;
  /** The channel attaining the minimum. */
  readonly channel: number;
}

/**
 * Monte Carlo estimate of Cov(candidate | h) for a fixed state h over `draws` inputs
 * x ~ `sampleInput` (independent of h, so Var(x | h) = Var(x), the paper's gamma).
 */
export function candidateConditionalVariance(cell: DenseCell, state: Float64Array, sampleInput: () => Float64Array, draws: number): CandidateVariance {
  const h = cell.hiddenSize;
  const mean = new Float64Array(h);
  const samples: Float64Array[] = [];
  // Shifted by the first draw, so that a channel that does not depend on x has variance exactly 0.
  let shift: Float64Array | undefined;
  for (let m = 0; m < draws; m++) {
    const raw = candidate(cell, state, sampleInput());
    shift ??= Float64Array.from(raw);
    const c = raw.map((v, i) => v - (shift as Float64Array)[i]!);
    samples.push(c);
    for (let i = 0; i < h; i++) mean[i] = (mean[i] as number) + (c[i] as number) / draws;
  }
  const cov = Array.from({ length: h }, () => new Array<number>(h).fill(0));
  for (const c of samples) {
    for (let i = 0; i < h; i++) {
      const di = (c[i] as number) - (mean[i] as number);
      const row = cov[i] as number[];
      for (let j = 0; j < h; j++) row[j] = (row[j] as number) + (di * ((c[j] as number) - (mean[j] as number))) / (draws - 1);
    }
  }
  let minChannelVariance = Infinity, channel = 0;
  cov.forEach((row, i) => {
    if ((row[i] as number) < minChannelVariance) {
      minChannelVariance = row[i] as number;
      channel = i;
    }
  });
  const ev = eigenvalues(cov);
  return { minChannelVariance, minEigenvalue: Math.min(...ev.re), channel };
}

/**
 * Prop. 1.3 along a trajectory: at `states` visited states (after `burnIn` steps of input from
 * `sampleInput`), the per-channel conditional variance of the candidate is above `floor`.
 * Returns the smallest per-channel variance and eigenvalue seen; holds iff the former > floor.
 */
export function prop13(
  cell: DenseCell,
  rng: Rng,
  o: { burnIn: number; states: number; draws: number; floor: number; sampleInput: (r: Rng) => Float64Array },
): CheckResult & { readonly minChannelVariance: number; readonly minEigenvalue: number } {
  let state = cell.initialState();
  let minChannelVariance = Infinity, minEigenvalue = Infinity, worstChannel = -1;
  for (let s = 0; s < o.states; s++) {
    for (let t = 0; t < o.burnIn; t++) state = cell.step(state, o.sampleInput(rng));
    const v = candidateConditionalVariance(cell, state, () => o.sampleInput(rng), o.draws);
    if (v.minChannelVariance < minChannelVariance) {
      minChannelVariance = v.minChannelVariance;
      worstChannel = v.channel;
    }
    minEigenvalue = Math.min(minEigenvalue, v.minEigenvalue);
  }
  const margin = minChannelVariance - o.floor;
  return {
    holds: margin > 0,
    hypothesesHold: true,
    margin,
    witness: `${cell.kind} d=${cell.inputSize} h=${cell.hiddenSize}: min_i Var(candidate_i | h) = ${minChannelVariance.toExponential(3)} (channel ${worstChannel}), min eigenvalue of Cov(candidate | h) = ${minEigenvalue.toExponential(3)}, over ${o.states} states`,
    minChannelVariance,
    minEigenvalue,
  };
}
