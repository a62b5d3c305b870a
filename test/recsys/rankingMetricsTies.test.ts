/**
 * MAP@20 with ties in the scores. averagePrecisionAtK takes a ranked list; the ranking of tied
 * scores is made upstream: evaluateRecommender ranks the full softmax with tf.topk and documents
 * "ties: lower index first", exactTopK (serving) the same. These tests pin that rule on both
 * CPU backends and the MAP@20 it gives on hand-computed cases.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { exactTopK } from '../../src/recsys/dotProductServing.js';
import { averagePrecisionAtK, meanAveragePrecisionAtK } from '../../src/recsys/rankingMetrics.js';
import { ensureBackend } from '../../src/train/backend.js';

/** Indices of the top k scores, best first, ties by lower index (the rule evaluateRecommender documents). */
function rankLowerIndexFirst(scores: readonly number[], k: number): number[] {
  return scores.map((s, i) => [s, i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]).slice(0, k).map(([, i]) => i);
}

// 30 items: items 0-9 score 3, items 10-29 score 1 except item 25 (score 2).
// Ranking (lower index first among ties): 0..9, 25, 10..24, 26.. : item 25 at rank 11,
// item 10 at rank 12, item 19 at rank 21 (beyond 20), item 18 at rank 20.
const scores = Array.from({ length: 30 }, (_, i) => (i < 10 ? 3 : i === 25 ? 2 : 1));

describe('MAP@20 with tied scores', () => {
  it('averagePrecisionAtK at k = 20 on a ranking with ties broken by the lower index (hand-computed)', () => {
    const ranked = rankLowerIndexFirst(scores, 20);
    expect(ranked.slice(9, 13)).toEqual([9, 25, 10, 11]);
    // One relevant item (next-item prediction): 1 / rank within 20, else 0.
    expect(averagePrecisionAtK(ranked, new Set([25]), 20)).toBe(1 / 11);
    expect(averagePrecisionAtK(ranked, new Set([10]), 20)).toBe(1 / 12);
    expect(averagePrecisionAtK(ranked, new Set([18]), 20)).toBe(1 / 20);
    expect(averagePrecisionAtK(ranked, new Set([19]), 20)).toBe(0); // tied with 18, but rank 21
    // Two relevant items tied with each other (3 and 7, ranks 4 and 8): (1/4 + 2/8) / 2.
    expect(averagePrecisionAtK(ranked, new Set([3, 7]), 20)).toBe((1 / 4 + 2 / 8) / 2);
    // MAP@20 over the four single-item queries: (1/11 + 1/12 + 1/20 + 0) / 4.
    expect(meanAveragePrecisionAtK([ranked, ranked, ranked, ranked], [new Set([25]), new Set([10]), new Set([18]), new Set([19])], 20)).toBeCloseTo((1 / 11 + 1 / 12 + 1 / 20) / 4, 15);
  });

  it('exactTopK (serving) breaks ties by the lower index', () => {
    // Items on one axis: logit = score (dimension 1, user vector [1]).
    const items = { count: 30, dim: 1, vectors: Float32Array.from(scores) };
    expect([...exactTopK([1], items, 20)]).toEqual(rankLowerIndexFirst(scores, 20));
  });

  describe.each(['cpu', 'wasm'] as const)('tf.topk on the %s backend (evaluateRecommender)', (backend) => {
    beforeAll(async () => {
      await ensureBackend(backend);
    });

    it('tf.topk ranks tied logits lower index first, so MAP@20 is the hand-computed value', () => {
      const logits = tf.tensor2d([scores, [...scores].reverse()], [2, 30]);
      const top = tf.topk(logits, 20);
      const ids = Array.from(top.indices.dataSync());
      tf.dispose([logits, top.values, top.indices]);
      expect(ids.slice(0, 20)).toEqual(rankLowerIndexFirst(scores, 20));
      expect(ids.slice(20)).toEqual(rankLowerIndexFirst([...scores].reverse(), 20));
    });
  });
});
