/**
 * Ranking metrics against hand-computed values, and serving: exact top K equals the order of
 * the full softmax, the inverted-file index equals it when every list is probed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RecsysInputError } from '../../src/recsys/errors.js';
import { averagePrecisionAtK, meanAveragePrecisionAtK, recallAtK } from '../../src/recsys/rankingMetrics.js';
import { buildInvertedFileIndex, exactTopK, invertedFileTopK, itemLogit, type ItemVectors } from '../../src/recsys/dotProductServing.js';
import { fullSoftmaxGradient } from '../../src/recsys/sampledSoftmax.js';
import { createRng } from '../../src/processes/prng.js';

describe('ranking metrics', () => {
  it('AP@k and MAP@k equal hand-computed values on a toy ranking', () => {
    // ranking 7 3 9 1 5, relevant {3, 1, 4}: hits at ranks 2 and 4.
    const ranked = [7, 3, 9, 1, 5];
    const rel = new Set([3, 1, 4]);
    expect(averagePrecisionAtK(ranked, rel, 1)).toBe(0);
    expect(averagePrecisionAtK(ranked, rel, 2)).toBeCloseTo((1 / 2) / 2, 15); // P(2) = 1/2, min(2, 3) = 2
    expect(averagePrecisionAtK(ranked, rel, 5)).toBeCloseTo((1 / 2 + 2 / 4) / 3, 15);
    // One relevant item: 1 / rank within k, else 0.
    expect(averagePrecisionAtK([4, 8, 2], new Set([2]), 20)).toBeCloseTo(1 / 3, 15);
    expect(averagePrecisionAtK([4, 8, 2], new Set([2]), 2)).toBe(0);
    // A duplicate in the ranking counts once.
    expect(averagePrecisionAtK([3, 3, 1], new Set([3, 1]), 3)).toBeCloseTo((1 + 2 / 3) / 2, 15);
    expect(meanAveragePrecisionAtK([[1, 2], [2, 1]], [new Set([1]), new Set([1])], 20)).toBeCloseTo(0.75, 15);
    expect(recallAtK(ranked, rel, 4)).toBeCloseTo(2 / 3, 15);
    expect(recallAtK(ranked, rel, 1)).toBe(0);
  });

  it('refuses k < 1, empty relevant sets and mismatched lists', () => {
    expect(() => averagePrecisionAtK([1], new Set([1]), 0)).toThrow(new RecsysInputError('averagePrecisionAtK: k is 0, expected an integer >= 1'));
    expect(() => recallAtK([1], new Set(), 3)).toThrow(new RecsysInputError('recallAtK: relevant is empty, expected at least one relevant item'));
    expect(() => meanAveragePrecisionAtK([[1]], [], 3)).toThrow(RecsysInputError);
  });
});

function randomItems(seed: number, count: number, dim: number, withBias: boolean): ItemVectors {
  const rng = createRng(seed);
  const vectors = Float32Array.from({ length: count * dim }, () => rng.normal() * (0.2 + rng.uniform()));
  return withBias ? { count, dim, vectors, bias: Float32Array.from({ length: count }, () => rng.normal()) } : { count, dim, vectors };
}

describe('dot-product serving', () => {
  it('exact top K is the full softmax ranking: its first item is the argmax of the softmax, and the K logits are the K largest, in order', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e6 }), fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 30 }), fc.boolean(), (seed, count, dim, k, withBias) => {
        const items = randomItems(seed, count, dim, withBias);
        const rng = createRng(seed + 1);
        const user = Array.from({ length: dim }, () => rng.normal());
        const logits = Array.from({ length: count }, (_, i) => itemLogit(user, items, i));
        const p = fullSoftmaxGradient(logits, 0).map((g, i) => (i === 0 ? g + 1 : g));
        let argmax = 0;
        for (let i = 1; i < count; i++) if ((p[i] as number) > (p[argmax] as number)) argmax = i;
        const top = exactTopK(user, items, k);
        expect(top.length).toBe(Math.min(k, count));
        expect(top[0]).toBe(logits.indexOf(Math.max(...logits)));
        expect(logits[top[0] as number]).toBe(logits[argmax]);
        const sorted = [...logits].sort((a, b) => b - a);
        expect([...top].map((i) => logits[i])).toEqual(sorted.slice(0, top.length));
      }),
      { numRuns: 60 },
    );
  });

  it('ties go to the smaller index (the argmax convention)', () => {
    const items: ItemVectors = { count: 4, dim: 1, vectors: new Float32Array([1, 2, 2, 1]) };
    expect([...exactTopK([1], items, 3)]).toEqual([1, 2, 0]);
  });

  it('the inverted-file index probing every list equals exact search; fewer probes trade recall for work', () => {
    const items = randomItems(3, 2000, 16, true);
    const index = buildInvertedFileIndex(items, { lists: 40, seed: 1 });
    expect(index.offsets[40]).toBe(2000);
    const recallAt = (probes: number): number => {
      const rng = createRng(9);
      let recall = 0;
      const queries = 50;
      for (let q = 0; q < queries; q++) {
        const user = Array.from({ length: 16 }, () => rng.normal());
        const exact = exactTopK(user, items, 20);
        if (probes === 40) expect([...invertedFileTopK(index, user, 20, probes)]).toEqual([...exact]);
        const approx = new Set(invertedFileTopK(index, user, 20, probes));
        recall += [...exact].filter((i) => approx.has(i)).length / 20;
      }
      return recall / queries;
    };
    // p of 40 lists scan about p / 40 of the items. Measured recall@20 on these unclustered
    // Gaussian items: 0.44 (4 probes), 0.70 (8), 0.90 (16): four times what a random p / 40 of
    // the items would give at 4 probes; the bounds leave room for other seeds' k-means.
    const r = [4, 8, 16, 40].map(recallAt);
    expect(r[0]).toBeGreaterThan(0.3);
    expect(r[1]).toBeGreaterThan(r[0] as number);
    expect(r[2]).toBeGreaterThan(r[1] as number);
    expect(r[3]).toBe(1);
  });

  it('refuses mismatched sizes', () => {
    const items = randomItems(1, 5, 3, false);
    expect(() => exactTopK([1, 2], items, 2)).toThrow(new RecsysInputError('exactTopK: the user vector has length 2, expected 3 (the items\' dim)'));
    expect(() => exactTopK([1, 2, 3], { ...items, count: 6 }, 2)).toThrow(new RecsysInputError('exactTopK: items.vectors has length 15, expected count x dim = 18'));
    expect(() => buildInvertedFileIndex(items, { lists: 6 })).toThrow(new RecsysInputError('buildInvertedFileIndex: lists is 6, expected an integer in 1..5 (the item count)'));
    expect(() => invertedFileTopK(buildInvertedFileIndex(items, { lists: 2 }), [1, 2, 3], 2, 3)).toThrow(RecsysInputError);
  });
});
