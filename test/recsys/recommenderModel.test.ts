/**
 * The TF.js recommender: its sampled softmax is the reference one (./sampledSoftmax.ts) on the
 * logits it computes, the mixed-dimension lookup is E_b[row] P_b, parameter counts add up, and
 * a short training run learns (beats ranking by popularity) reproducibly.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../src/processes/prng.js';
import { generateBrowsingHistories } from '../../src/recsys/browsingHistories.js';
import { matchedRecommenderWidth, popularityMap } from '../../src/recsys/experiment.js';
import { mixedDimensionPlan } from '../../src/recsys/mixedDimensionPlan.js';
import { ContextSwitchingCell } from '../../src/cells/contextSwitching.js';
import { RecommenderModel, type RecommenderConfig, recommenderParameters } from '../../src/recsys/recommenderModel.js';
import { sampledSoftmax } from '../../src/recsys/sampledSoftmax.js';
import { timeSplit } from '../../src/recsys/timeSplit.js';
import { itemProposal, trainRecommender, trainingCounts } from '../../src/recsys/trainRecommender.js';
import { userBatches } from '../../src/recsys/userBatches.js';
import { useWasm } from '../train/helpers.js';

beforeAll(async () => {
  await useWasm();
});

const h = generateBrowsingHistories({ users: 24, length: 12, seed: 5, itemsPerTopic: 4, topicsPerModality: 2 });
const split = timeSplit(h, 0.2);
const config: RecommenderConfig = { variant: 'factorized', groups: 2, hiddenSize: 8, itemDimension: 4, pageDimension: 2, vocabulary: h.vocabulary, pageVocabulary: h.pageVocabulary };

describe('RecommenderModel', () => {
  it('sampledLoss equals the reference sampled softmax on the model\'s own logits, and so is its gradient with respect to the output item embeddings and biases (float32: 1e-4, 1e-5)', () => {
    const model = new RecommenderModel(config, createRng(1));
    const batch = userBatches(h, split, [0, 1, 2], 3, 'train')[0]!;
    const q = itemProposal(trainingCounts(h, split), 'log-uniform');
    const samples = Int32Array.from([3, 7, 3, 0, 11]);
    const loss = tf.tidy(() => model.sampledLoss(batch, samples, q).dataSync()[0] as number);
    const { u, logits } = tf.tidy(() => {
      const uu = model.userVectors(batch);
      return { u: uu.arraySync() as number[][], logits: model.logits(uu).arraySync() as number[][] };
    });
    let expected = 0;
    const gradLogits: Float64Array[] = [];
    batch.weights.forEach((w, r) => {
      const res = sampledSoftmax(logits[r] as number[], batch.targets[r] as number, samples, q);
      gradLogits.push(res.gradient.map((g) => (g * w) / batch.counted));
      expected += (w * res.loss) / batch.counted;
    });
    // float32 logits of magnitude ~0.1-1 and a log-sum-exp over 6 terms: 1e-5 relative is ample; 1e-4 absolute.
    expect(Math.abs(loss - expected)).toBeLessThan(1e-4);
    // d loss / d W_i = sum_r (d loss / d o_ri) u_r and d loss / d b_i = sum_r d loss / d o_ri, through the
    // model's own graph (gathers with their custom segment-sum gradients included).
    const grads = tf.variableGrads(() => model.sampledLoss(batch, samples, q), [model.outputTable, model.outputBias]);
    const gW = grads.grads[model.outputTable.name]!.reshape([h.vocabulary, config.hiddenSize]).arraySync() as number[][];
    const gb = grads.grads[model.outputBias.name]!.reshape([h.vocabulary]).arraySync() as number[];
    for (let i = 0; i < h.vocabulary; i++) {
      let bias = 0;
      const row = new Float64Array(config.hiddenSize);
      gradLogits.forEach((g, r) => {
        bias += g[i] as number;
        for (let j = 0; j < config.hiddenSize; j++) row[j] = (row[j] as number) + (g[i] as number) * (u[r] as number[])[j]!;
      });
      expect(Math.abs(bias - (gb[i] as number))).toBeLessThan(1e-5);
      row.forEach((v, j) => expect(Math.abs(v - (gW[i] as number[])[j]!)).toBeLessThan(1e-5));
    }
    tf.dispose([grads.value, ...Object.values(grads.grads)]);
    model.dispose();
  });

  it('mixed-dimension lookup: e(i) = E_b[row(i)] P_b, and parameters add up', () => {
    const counts = trainingCounts(h, split);
    const mixed = mixedDimensionPlan(counts, { blocks: 3, baseDimension: 4, temperature: 1 });
    const model = new RecommenderModel({ ...config, mixed }, createRng(2));
    const items = Int32Array.from({ length: h.vocabulary }, (_, i) => i);
    const got = tf.tidy(() => (model as unknown as { itemEmbedding(x: Int32Array): tf.Tensor2D }).itemEmbedding(items).arraySync() as number[][]);
    for (const i of [0, 5, h.vocabulary - 1]) {
      const b = mixed.blockOf[i]!, row = mixed.rowOf[i]!;
      const E = (model.itemTables[b] as tf.Variable).arraySync() as number[][][];
      const P = model.itemProjections[b] ? ((model.itemProjections[b] as tf.Variable).arraySync() as number[][]) : null;
      const e = (E[0] as number[][])[row] as number[];
      const want = P ? Array.from({ length: 4 }, (_, j) => e.reduce((acc, v, k) => acc + v * (P[k] as number[])[j]!, 0)) : e;
      want.forEach((v, j) => expect(Math.abs(v - (got[i] as number[])[j]!)).toBeLessThan(1e-6));
    }
    const p = recommenderParameters({ ...config, mixed });
    expect(p.itemEmbedding).toBe(mixed.parameterCount);
    const trainable = model.trainable.reduce((acc, v) => acc + v.size, 0);
    expect(trainable).toBe(p.total);
    model.dispose();
  });

  it('equal recurrent parameters: the matched factorized and context-switching widths fit the baseline budget and the next width up does not', () => {
    const base: RecommenderConfig = { ...config, variant: 'dense', groups: 1, hiddenSize: 64, itemDimension: 32, pageDimension: 8 };
    const budget = recommenderParameters(base).inputProjection + recommenderParameters(base).recurrent;
    for (const variant of ['factorized', 'context-switching'] as const) {
      const H = matchedRecommenderWidth(base, variant, 4);
      const cost = (w: number): number => {
        const p = recommenderParameters({ ...base, variant, groups: 4, hiddenSize: w });
        return p.inputProjection + p.recurrent;
      };
      expect(cost(H)).toBeLessThanOrEqual(budget);
      expect(cost(H + 4)).toBeGreaterThan(budget);
      expect(H).toBeGreaterThan(64);
    }
  });

  it('a short run learns (MAP@20 above ranking by popularity) and the same seed gives the same numbers', () => {
    const data = generateBrowsingHistories({ users: 160, length: 40, seed: 3, topicsPerModality: 4, itemsPerTopic: 10 });
    const s = timeSplit(data, 0.1);
    const c: RecommenderConfig = { variant: 'dense', groups: 1, hiddenSize: 16, itemDimension: 8, pageDimension: 4, vocabulary: data.vocabulary, pageVocabulary: data.pageVocabulary };
    const run = () => trainRecommender(data, s, { config: c, epochs: 8, batchSize: 8, negatives: 50, learningRate: 0.02, seed: 9 });
    const a = run();
    const b = run();
    expect(b.epochLoss).toEqual(a.epochLoss);
    expect(b.map).toBe(a.map);
    expect(a.epochLoss[7]).toBeLessThan(a.epochLoss[0] as number);
    expect(a.map).toBeGreaterThan(popularityMap(data, trainingCounts(data, s), s.testTarget));
    // The per-target AP@20: a number in [0, 1] exactly at the test targets (NaN elsewhere), whose mean is the MAP.
    let sum = 0, n = 0;
    a.averagePrecision.forEach((ap, k) => {
      if (s.testTarget[k] === 1) {
        expect(ap).toBeGreaterThanOrEqual(0);
        expect(ap).toBeLessThanOrEqual(1);
        sum += ap;
        n++;
      } else expect(ap).toBeNaN();
    });
    expect(n).toBe(a.testTargets);
    expect(sum / n).toBeCloseTo(a.map, 12);
    a.model.dispose();
    b.model.dispose();
  });

  it('a context-switching recommender masks where its config says (input and/or output, section 2.2.3)', () => {
    const cs: RecommenderConfig = { ...config, variant: 'context-switching' };
    for (const [maskInput, maskOutput] of [[true, false], [false, true], [true, true]] as const) {
      const model = new RecommenderModel({ ...cs, maskInput, maskOutput }, createRng(2));
      const cell = model.core.cells()[0];
      expect(cell).toBeInstanceOf(ContextSwitchingCell);
      expect([(cell as ContextSwitchingCell).maskInput, (cell as ContextSwitchingCell).maskOutput]).toEqual([maskInput, maskOutput]);
      model.dispose();
    }
    // Unset: the reproduction's choice, the input mask only.
    const plain = new RecommenderModel(cs, createRng(2));
    expect([(plain.core.cells()[0] as ContextSwitchingCell).maskInput, (plain.core.cells()[0] as ContextSwitchingCell).maskOutput]).toEqual([true, false]);
    plain.dispose();
  });
});
