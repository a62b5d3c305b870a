/**
 * Additivity of the Gaussian-channel information over the blocks of a factorized W, linearity
 * in the channel count for orthogonal W, and the dense vs factorized curve at equal parameters.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AnalysisInputError } from '../../../src/analysis/errors.js';
import { blockDiagonalChannelMI } from '../../../src/analysis/information/blockChannel.js';
import { candidateRecurrentBlocks, haarOrthogonal, mutualInformationCurve } from '../../../src/analysis/information/curve.js';
import { gaussianChannelMutualInformation } from '../../../src/analysis/information/gaussianChannel.js';
import { proposition14MutualInformation } from '../../../src/analysis/information/proposition14.js';
import { matchedHiddenSize, parameterCount } from '../../../src/cells/counts.js';
import type { GruCell } from '../../../src/cells/gru.js';
import type { LstmCell } from '../../../src/cells/lstm.js';
import { randomDenseCell, randomFactorizedCell } from '../../../src/cells/random.js';
import { type Rng, createRng } from '../../../src/processes/prng.js';

const gaussianMatrix = (rng: Rng, m: number, n: number): number[][] =>
  Array.from({ length: m }, () => Array.from({ length: n }, () => rng.normal() / Math.sqrt(n)));
const randomSpd = (rng: Rng, m: number): number[][] => {
  const a = gaussianMatrix(rng, m, m);
  return a.map((_, i) => a.map((__, j) => (a[i] as number[]).reduce((s, v, k) => s + v * (a[j] as number[])[k]!, 0) + (i === j ? 0.3 : 0)));
};

describe('blockDiagonalChannelMI', () => {
  const blocksArb = fc
    .record({
      shapes: fc.array(fc.tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 })), { minLength: 1, maxLength: 5 }),
      seed: fc.integer({ min: 0, max: 1_000_000 }),
      eta: fc.double({ min: 1e-2, max: 1e2, noNaN: true }),
      colored: fc.boolean(),
    })
    .map(({ shapes, seed, eta, colored }) => {
      const rng = createRng(seed);
      const blocks = shapes.map(([m, n]) => gaussianMatrix(rng, m, n));
      const sigma = colored ? shapes.map(([m]) => randomSpd(rng, m)) : 0.5;
      return { blocks, sigma, eta };
    });

  it('blockDiagonalChannelMI(blocks, eta, diag(Sigma_b)) equals the information of the assembled channel and the sum of the blocks', () => {
    // 1e-11 relative: the assembled computation factorises a block-diagonal Gram matrix, whose
    // Cholesky factor is block-diagonal with the blocks' factors up to rounding.
    fc.assert(
      fc.property(blocksArb, ({ blocks, sigma, eta }) => {
        const r = blockDiagonalChannelMI(blocks, eta, sigma);
        const sum = blocks.reduce((s, w, i) => s + gaussianChannelMutualInformation(w, eta, typeof sigma === 'number' ? sigma : (sigma[i] as number[][])), 0);
        expect(Math.abs(r.totalNats - sum)).toBeLessThanOrEqual(1e-12 * Math.max(1, sum));
        expect(Math.abs((r.assembledNats as number) - r.totalNats)).toBeLessThanOrEqual(1e-11 * Math.max(1, r.totalNats));
        expect(r.blockNats.length).toBe(blocks.length);
      }),
    );
  });

  it('blockDiagonalChannelMI of g orthogonal blocks is linear in the channel count: H/2 log(1 + eta/sigma)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.double({ min: 1e-2, max: 1e2, noNaN: true }),
        (sizes, seed, eta) => {
          const rng = createRng(seed);
          const blocks = sizes.map((b, i) => haarOrthogonal(b, rng.fork(i)));
          const H = sizes.reduce((a, b) => a + b, 0);
          const r = blockDiagonalChannelMI(blocks, eta, 0.4, { assemble: false });
          expect(r.assembledNats).toBeNull();
          expect(Math.abs(r.totalNats - proposition14MutualInformation(H, eta, 0.4))).toBeLessThanOrEqual(1e-12 * r.totalNats);
          r.blockNats.forEach((v, i) => expect(Math.abs(v / (sizes[i] as number) - 0.5 * Math.log1p(eta / 0.4))).toBeLessThan(1e-13));
        },
      ),
    );
  });

  it('blockDiagonalChannelMI rejects a sigma list that does not match the blocks', () => {
    expect(() => blockDiagonalChannelMI([[[1]], [[1]]], 1, [[[1]]])).toThrow(AnalysisInputError);
    expect(() => blockDiagonalChannelMI([[[1]], [[1]]], 1, [[[1]]])).toThrow(/blockDiagonalChannelMI: sigma has 1 block covariances, expected a number or 2/);
    expect(() => blockDiagonalChannelMI([], 1, 1)).toThrow(/blocks has 0 entries, expected at least one block matrix/);
    expect(() => blockDiagonalChannelMI([[[1, 2]], [[1]]], 1, [[[1]], [[1, 0], [0, 1]]])).toThrow(/sigma is 2 x 2, expected 1 x 1/);
  });
});

describe('candidateRecurrentBlocks', () => {
  it('candidateRecurrentBlocks(GRU) is U_n, (LSTM) is U_g, (factorized) the g diagonal blocks', () => {
    const rng = createRng(1);
    const gru = randomDenseCell(rng, { kind: 'gru', inputSize: 3, hiddenSize: 4 });
    const [u] = candidateRecurrentBlocks(gru);
    expect((u as number[][])[1]![2]).toBe((gru as GruCell).weights.n.recurrent[1 * 4 + 2]);
    const lstm = randomDenseCell(rng, { kind: 'lstm', inputSize: 3, hiddenSize: 4 });
    expect(candidateRecurrentBlocks(lstm)[0]![3]![0]).toBe((lstm as LstmCell).weights.g.recurrent[3 * 4]);
    const fact = randomFactorizedCell(rng, { kind: 'gru', inputSize: 6, hiddenSize: 6, groups: 3 });
    const blocks = candidateRecurrentBlocks(fact);
    expect(blocks.map((b) => [b.length, (b[0] as number[]).length])).toEqual([[2, 2], [2, 2], [2, 2]]);
  });
});

describe('mutualInformationCurve (dense vs factorized at equal parameters)', () => {
  it('mutualInformationCurve(orthogonal) lies exactly on the Prop 1.4 line for both variants, and factorized has more channels', () => {
    const c = mutualInformationCurve({ hiddenSizes: [8, 16, 32, 64], groups: 4, weights: 'orthogonal', eta: 1, sigma: 1, seed: 3 });
    expect(c.factorized.channels).toEqual([12, 28, 60, 124]);
    for (const s of [c.dense, c.factorized]) {
      s.mutualInformationNats.forEach((v, i) => expect(Math.abs(v - (s.proposition14Nats[i] as number))).toBeLessThan(1e-12 * v));
      s.natsPerChannel.forEach((v) => expect(v).toBeCloseTo(0.5 * Math.log(2), 13));
    }
    for (let i = 0; i < 4; i++) {
      expect(c.factorized.parameters[i]).toBeLessThanOrEqual(c.dense.parameters[i] as number);
      expect(c.factorized.mutualInformationNats[i]).toBeGreaterThan(c.dense.mutualInformationNats[i] as number);
    }
  });

  it('mutualInformationCurve uses matchedHiddenSize / parameterCount of cells/counts.ts', () => {
    const c = mutualInformationCurve({ hiddenSizes: [20], groups: 2, kind: 'lstm', inputSize: 10, weights: 'gaussian' });
    const m = matchedHiddenSize({ kind: 'lstm', inputSize: 10, hiddenSize: 20 }, 2, 'params');
    expect(c.factorized.channels[0]).toBe(m.hiddenSize);
    expect(c.factorized.parameters[0]).toBe(m.parameterCount);
    expect(c.dense.parameters[0]).toBe(parameterCount({ kind: 'lstm', inputSize: 10, hiddenSize: 20 }));
  });

  it('mutualInformationCurve(cell) stays far below the Prop 1.4 line (PyTorch init: ~0.13 nats per channel vs 0.35) and gains from factorizing', () => {
    // Observed (seed 0, g = 4, eta = sigma = 1): dense 16.7 nats at h = 128, factorized 32.7 nats at H = 252.
    const c = mutualInformationCurve({ hiddenSizes: [16, 64, 128], groups: 4 });
    for (const s of [c.dense, c.factorized]) {
      s.natsPerChannel.forEach((v) => {
        expect(v).toBeGreaterThan(0.1);
        expect(v).toBeLessThan(0.16);
      });
    }
    c.factorized.mutualInformationNats.forEach((v, i) => expect(v).toBeGreaterThan(1.5 * (c.dense.mutualInformationNats[i] as number)));
  });

  it('mutualInformationCurve(given matrix) evaluates user weights and reports weights "given"', () => {
    const c = mutualInformationCurve({
      hiddenSizes: [4],
      groups: 2,
      matrix: (variant, H, g) => Array.from({ length: g }, () => Array.from({ length: H / g }, (_, i) => Array.from({ length: H / g }, (__, j) => (i === j ? 2 : 0)))),
    });
    expect(c.weights).toBe('given');
    expect(c.dense.mutualInformationNats[0]).toBeCloseTo(2 * Math.log(5), 13); // 4 channels, 1/2 log(1 + 4)
  });

  it('mutualInformationCurve rejects bad widths and groups', () => {
    expect(() => mutualInformationCurve({ hiddenSizes: [], groups: 2 })).toThrow(/mutualInformationCurve: hiddenSizes has 0 entries/);
    expect(() => mutualInformationCurve({ hiddenSizes: [4.5], groups: 2 })).toThrow(/hiddenSizes\[0\] is 4.5, expected an integer >= 1/);
    expect(() => mutualInformationCurve({ hiddenSizes: [4], groups: 0 })).toThrow(/groups is 0, expected an integer >= 1/);
    expect(() => mutualInformationCurve({ hiddenSizes: [4], groups: 3, inputSize: 4 })).toThrow(AnalysisInputError);
  });
});
