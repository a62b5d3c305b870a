/**
 * Gate statistics of a context-switching recommender (hand-computed cases), the load-balancing
 * penalty of Shazeer et al. (2017) and its wiring into the recommender's loss.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../src/processes/prng.js';
import { generateBrowsingHistories } from '../../src/recsys/browsingHistories.js';
import { RecsysInputError } from '../../src/recsys/errors.js';
import { gateStatistics, gateUsage } from '../../src/recsys/gateUsage.js';
import { RecommenderModel, type RecommenderConfig, gateImportancePenalty } from '../../src/recsys/recommenderModel.js';
import { drawCandidates, logUniformProposal, proposalCdf } from '../../src/recsys/sampledSoftmax.js';
import { timeSplit } from '../../src/recsys/timeSplit.js';
import { trainRecommender } from '../../src/recsys/trainRecommender.js';
import { userBatches } from '../../src/recsys/userBatches.js';
import { useWasm } from '../train/helpers.js';

beforeAll(async () => {
  await useWasm();
});

describe('gateStatistics', () => {
  it('a gate that picks expert m for modality m: means, shares, entropy, ln 2 of information', () => {
    const s = gateStatistics(Float64Array.from([0.9, 0.1, 0.2, 0.8]), Int32Array.from([0, 1]), 2, 2);
    expect(s.meanGateByModality).toEqual([[0.9, 0.1], [0.2, 0.8]]);
    expect(s.importanceShare[0]).toBeCloseTo(0.55, 15);
    expect(s.importanceShare[1]).toBeCloseTo(0.45, 15);
    const h = (p: number): number => -(p * Math.log(p) + (1 - p) * Math.log(1 - p));
    expect(s.meanEntropyNats).toBeCloseTo((h(0.9) + h(0.2)) / 2, 14); // (0.325083 + 0.500402) / 2
    expect(s.modalityInformationNats).toBeCloseTo(Math.log(2), 14);
  });

  it('a collapsed gate carries no information; a partly aligned one carries 0.5 ln(4/3) + 0.25 ln(2/3) + 0.25 ln 2', () => {
    const collapsed = gateStatistics(Float64Array.from([1, 0, 1, 0, 0.6, 0.4]), Int32Array.from([0, 1, 1]), 2, 2);
    expect(collapsed.modalityInformationNats).toBe(0);
    expect(collapsed.importanceShare[0]).toBeCloseTo(2.6 / 3, 15);
    // modalities 0 0 1 1, argmax experts 0 0 0 1: p(0,0) = 1/2, p(1,0) = p(1,1) = 1/4; p(m) = 1/2, p(b) = (3/4, 1/4).
    const partial = gateStatistics(Float64Array.from([1, 0, 1, 0, 1, 0, 0, 1]), Int32Array.from([0, 0, 1, 1]), 2, 2);
    expect(partial.modalityInformationNats).toBeCloseTo(0.5 * Math.log(4 / 3) + 0.25 * Math.log(2 / 3) + 0.25 * Math.log(2), 14);
    expect(partial.meanEntropyNats).toBe(0);
  });

  it('refuses sizes that disagree and modalities out of range', () => {
    expect(() => gateStatistics(new Float64Array(5), new Int32Array(2), 2, 2)).toThrow(new RecsysInputError('gateStatistics: 5 gate values for 2 modalities and g = 2, expected rows x g with rows >= 1'));
    expect(() => gateStatistics(Float64Array.from([1, 0]), Int32Array.from([3]), 2, 2)).toThrow(RecsysInputError);
  });
});

describe('gateImportancePenalty', () => {
  it('is CV^2 of the per-expert gate sums: 0.25 for (1.5, 0.5), 0 when balanced, g - 1 when collapsed', () => {
    expect(gateImportancePenalty(tf.tensor2d([[1, 0], [0.5, 0.5]])).dataSync()[0]).toBeCloseTo(0.25, 6);
    expect(gateImportancePenalty(tf.tensor2d([[0.25, 0.25, 0.25, 0.25], [0.5, 0, 0, 0.5], [0, 0.5, 0.5, 0]])).dataSync()[0]).toBeCloseTo(0, 6);
    // importance (N, 0, 0, 0): mean N / 4, variance 3 N^2 / 16: CV^2 = 3.
    expect(gateImportancePenalty(tf.tensor2d([[1, 0, 0, 0], [1, 0, 0, 0], [1, 0, 0, 0]])).dataSync()[0]).toBeCloseTo(3, 5);
  });
});

describe('the recommender with gate balancing', () => {
  const h = generateBrowsingHistories({ users: 12, length: 10, seed: 2, itemsPerTopic: 4, topicsPerModality: 2 });
  const split = timeSplit(h, 0.2);
  const config: RecommenderConfig = { variant: 'context-switching', groups: 2, hiddenSize: 8, itemDimension: 4, pageDimension: 2, vocabulary: h.vocabulary, pageVocabulary: h.pageVocabulary };

  it('adds w CV(importance)^2 of the batch\'s gates to the sampled-softmax loss (float32: 1e-5)', () => {
    const batch = userBatches(h, split, [0, 1, 2, 3], 4, 'train')[0]!;
    const q = logUniformProposal(h.vocabulary);
    const samples = drawCandidates(createRng(3), proposalCdf(q), 8);
    const plain = new RecommenderModel(config, createRng(1));
    const balanced = new RecommenderModel({ ...config, gateBalanceWeight: 0.5 }, createRng(1));
    const gates: tf.Tensor2D[] = [];
    balanced.userVectors(batch, gates);
    expect(gates).toHaveLength(1);
    expect(gates[0]!.shape).toEqual([batch.steps * batch.batch, 2]);
    const penalty = gateImportancePenalty(gates[0]!).dataSync()[0] as number;
    const l0 = plain.sampledLoss(batch, samples, q).dataSync()[0] as number;
    const l1 = balanced.sampledLoss(batch, samples, q).dataSync()[0] as number;
    expect(penalty).toBeGreaterThan(0);
    expect(l1 - l0).toBeCloseTo(0.5 * penalty, 5);
    expect(() => new RecommenderModel({ ...config, gateBalanceWeight: -1 }, createRng(1))).toThrow(new RecsysInputError('RecommenderModel: gateBalanceWeight is -1, expected a number >= 0'));
    // gateUsage reads the same gates: shares sum to 1; a dense model has none.
    const usage = gateUsage(balanced, h, split);
    expect(usage?.importanceShare.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(gateUsage(new RecommenderModel({ ...config, variant: 'dense', groups: 1 }, createRng(1)), h, split)).toBeNull();
  });

  it('the defect and its fix: trained without load balancing the gate collapses onto one expert; with w = 0.1 it spreads', () => {
    // Measured (wasm, this seed; seeds 1-3 in the issue-18 session): without balancing the largest expert share was
    // 0.83, 0.60, 0.82 and I(modality; expert) 0.22, 0.62, 0.06 nats; with w = 0.1: 0.27, 0.31, 0.34 and 0.47, 0.46, 0.54.
    // Bounds: balanced share 1 / g = 0.25; collapse > 0.5 (half the mass on one of 4 experts), spread < 0.4.
    const data = generateBrowsingHistories({ users: 80, length: 40, seed: 3, topicsPerModality: 4, itemsPerTopic: 10 });
    const s = timeSplit(data, 0.1);
    const share = (w: number): number => {
      const c: RecommenderConfig = { variant: 'context-switching', groups: 4, hiddenSize: 16, itemDimension: 8, pageDimension: 4, vocabulary: data.vocabulary, pageVocabulary: data.pageVocabulary, gateBalanceWeight: w };
      const r = trainRecommender(data, s, { config: c, epochs: 6, batchSize: 8, negatives: 50, learningRate: 0.02, seed: 1 });
      const g = gateUsage(r.model, data, s);
      r.model.dispose();
      return Math.max(...(g?.importanceShare ?? [Number.NaN]));
    };
    expect(share(0)).toBeGreaterThan(0.5);
    expect(share(0.1)).toBeLessThan(0.4);
  });
});
