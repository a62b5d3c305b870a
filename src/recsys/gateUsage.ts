/**
 * Whether a context-switching recommender's gate dispatches its experts by context (section
 * 2.2.3: "each subspace ... dedicated to a particular modality of the input"): how the gate's
 * mass spreads over the experts, and how much the chosen expert says about the modality.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import type { BrowsingHistories } from './browsingHistories.js';
import { RecsysInputError } from './errors.js';
import type { RecommenderModel } from './recommenderModel.js';
import type { TimeSplit } from './timeSplit.js';
import { userBatches } from './userBatches.js';

/** Statistics of gate values against the latent modality (see {@link gateStatistics}). */
export interface GateStatistics {
  /** Mean gate vector over the steps of each modality: modalities x g. */
  readonly meanGateByModality: readonly (readonly number[])[];
  /** Share of the total gate mass per expert (sums to 1). */
  readonly importanceShare: readonly number[];
  /** Mean entropy of the gate vector, nats (0: one expert; ln g: uniform). */
  readonly meanEntropyNats: number;
  /** Mutual information between the modality and the expert of largest gate, nats (at most ln min(M, g)). */
  readonly modalityInformationNats: number;
}

/**
 * Gate statistics of `rows` gate vectors (row r: gates[r g .. r g + g - 1], entries >= 0 summing
 * to 1) against the modality of each row.
 *
 * Method: means and entropies by direct sums; the mutual information of the empirical joint
 * distribution of (modality, argmax expert; ties to the lower index),
 * I = sum p(m, b) ln(p(m, b) / (p(m) p(b))).
 *
 * @throws RecsysInputError for sizes that disagree or a modality out of range
 * @example
 * // g = 2, modalities 0 1: the gate picks expert m for modality m
 * gateStatistics(Float64Array.from([0.9, 0.1, 0.2, 0.8]), Int32Array.from([0, 1]), 2, 2);
 * // importanceShare [0.55, 0.45], modalityInformationNats ln 2 = 0.693
 */
export function gateStatistics(gates: ArrayLike<number>, modality: ArrayLike<number>, modalities: number, g: number): GateStatistics {
  const rows = modality.length;
  if (!Number.isSafeInteger(g) || g < 1 || gates.length !== rows * g || rows === 0) {
    throw new RecsysInputError(`gateStatistics: ${gates.length} gate values for ${rows} modalities and g = ${g}, expected rows x g with rows >= 1`);
  }
  const sums = Array.from({ length: modalities }, () => new Float64Array(g));
  const counts = new Float64Array(modalities);
  const joint = Array.from({ length: modalities }, () => new Float64Array(g));
  const total = new Float64Array(g);
  let entropy = 0;
  for (let r = 0; r < rows; r++) {
    const m = modality[r] as number;
    if (!Number.isSafeInteger(m) || m < 0 || m >= modalities) throw new RecsysInputError(`gateStatistics: modality[${r}] is ${m}, expected an integer in 0..${modalities - 1}`);
    let best = 0;
    for (let b = 0; b < g; b++) {
      const v = gates[r * g + b] as number;
      (sums[m] as Float64Array)[b]! += v;
      total[b] = (total[b] as number) + v;
      if (v > 0) entropy -= v * Math.log(v);
      if (v > (gates[r * g + best] as number)) best = b;
    }
    counts[m] = (counts[m] as number) + 1;
    (joint[m] as Float64Array)[best]! += 1;
  }
  const mass = total.reduce((a, b) => a + b, 0);
  const pB = new Float64Array(g);
  for (let m = 0; m < modalities; m++) for (let b = 0; b < g; b++) pB[b] = (pB[b] as number) + ((joint[m] as Float64Array)[b] as number) / rows;
  let information = 0;
  for (let m = 0; m < modalities; m++) {
    const pM = (counts[m] as number) / rows;
    for (let b = 0; b < g; b++) {
      const p = ((joint[m] as Float64Array)[b] as number) / rows;
      if (p > 0) information += p * Math.log(p / (pM * (pB[b] as number)));
    }
  }
  return {
    meanGateByModality: sums.map((s, m) => Array.from(s, (v) => ((counts[m] as number) > 0 ? v / (counts[m] as number) : Number.NaN))),
    importanceShare: Array.from(total, (v) => v / mass),
    meanEntropyNats: entropy / rows,
    modalityInformationNats: Math.max(0, information),
  };
}

/**
 * {@link gateStatistics} of a context-switching recommender on the first `users` users' whole
 * histories (every step, its input event's modality); null for a model without a gate.
 */
export function gateUsage(model: RecommenderModel, h: BrowsingHistories, split: TimeSplit, users = 64): GateStatistics | null {
  if (model.config.variant !== 'context-switching') return null;
  const order = Int32Array.from({ length: Math.min(users, h.users) }, (_, i) => i);
  const gates: number[] = [];
  const modality: number[] = [];
  for (const batch of userBatches(h, split, order, 32, 'test')) {
    const values = tf.tidy(() => {
      const kept: tf.Tensor2D[] = [];
      model.userVectors(batch, kept);
      return (kept[0] as tf.Tensor2D).clone();
    });
    const v = values.dataSync() as Float32Array;
    values.dispose();
    for (let r = 0; r < batch.steps * batch.batch; r++) {
      const t = Math.floor(r / batch.batch), u = batch.users[r % batch.batch] as number;
      modality.push(h.modality[u * h.length + t] as number);
    }
    for (const x of v) gates.push(x);
  }
  return gateStatistics(gates, modality, h.modalities, model.config.groups);
}
