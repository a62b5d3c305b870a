/**
 * Parameter and FLOP counts, and the paper's statements about them (section 2.2.2,
 * section 3.2 / Table 1). See proofs/factorized-parameter-parity.md.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { flopsPerStep, matchedHiddenSize, parameterCount } from '../../src/cells/counts.js';
import { randomDenseCell, randomFactorizedCell } from '../../src/cells/random.js';
import { createRng } from '../../src/processes/prng.js';

describe('parameterCount and flopsPerStep', () => {
  it('match the weights a cell actually stores, for dense and factorized GRU/LSTM', () => {
    fc.assert(
      fc.property(fc.constantFrom('gru' as const, 'lstm' as const), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 5 }), (kind, g, db, hb) => {
        const d = g * db, h = g * hb;
        const cell = g === 1 ? randomDenseCell(createRng(1), { kind, inputSize: d, hiddenSize: h }) : randomFactorizedCell(createRng(1), { kind, inputSize: d, hiddenSize: h, groups: g });
        expect(cell.parameterCount).toBe(parameterCount({ kind, inputSize: d, hiddenSize: h, groups: g, biasVectors: 2 }));
        expect(cell.flopsPerStep).toBe(flopsPerStep({ kind, inputSize: d, hiddenSize: h, groups: g }));
      }),
    );
  });

  it('match torch.nn.GRU / nn.LSTM and Keras parameter counts', () => {
    // torch.nn.GRU(10, 20): 3*(20*10 + 20*20 + 2*20) = 1920; nn.LSTM(10, 20): 2560.
    expect(parameterCount({ kind: 'gru', inputSize: 10, hiddenSize: 20, biasVectors: 2 })).toBe(1920);
    expect(parameterCount({ kind: 'lstm', inputSize: 10, hiddenSize: 20, biasVectors: 2 })).toBe(2560);
    // keras.layers.LSTM(20) on 10 inputs: 4*(10*20 + 20*20 + 20) = 2480; GRU(20, reset_after=False): 1860.
    expect(parameterCount({ kind: 'lstm', inputSize: 10, hiddenSize: 20 })).toBe(2480);
    expect(parameterCount({ kind: 'gru', inputSize: 10, hiddenSize: 20, biasVectors: 1 })).toBe(1860);
  });

  it('section 2.2.2: g blocks divide the weight count and the FLOPs by exactly g (biases are not divided)', () => {
    fc.assert(
      fc.property(fc.constantFrom('gru' as const, 'lstm' as const), fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 16 }), fc.integer({ min: 1, max: 16 }), (kind, g, db, hb) => {
        const d = g * db, h = g * hb, gates = kind === 'gru' ? 3 : 4;
        const biases = gates * 2 * h;
        const dense = parameterCount({ kind, inputSize: d, hiddenSize: h, biasVectors: 2 }) - biases;
        const fact = parameterCount({ kind, inputSize: d, hiddenSize: h, groups: g, biasVectors: 2 }) - biases;
        expect(dense).toBe(g * fact);
        expect(flopsPerStep({ kind, inputSize: d, hiddenSize: h })).toBe(g * flopsPerStep({ kind, inputSize: d, hiddenSize: h, groups: g }));
      }),
    );
  });
});

describe('matchedHiddenSize', () => {
  it('returns the largest multiple of g within the budget', () => {
    fc.assert(
      fc.property(fc.constantFrom('gru' as const, 'lstm' as const), fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 64 }), fc.integer({ min: 1, max: 256 }), fc.constantFrom('params' as const, 'flops' as const), fc.boolean(), (kind, g, dIn, h, match, tied) => {
        const d = g * dIn;
        const cost = (H: number): number => {
          const s = { kind, inputSize: tied ? H : d, hiddenSize: H, groups: g };
          return match === 'params' ? parameterCount(s) : flopsPerStep(s);
        };
        const dense = { kind, inputSize: d, hiddenSize: h };
        const budget = match === 'params' ? parameterCount(dense) : flopsPerStep(dense);
        if (cost(g) > budget) {
          // no g-block cell fits: a clear error, not a width over budget
          expect(() => matchedHiddenSize(dense, g, match, { inputTiedToHidden: tied })).toThrow(/exceeds the dense/);
          return;
        }
        const r = matchedHiddenSize(dense, g, match, { inputTiedToHidden: tied });
        expect(r.hiddenSize % g).toBe(0);
        expect(cost(r.hiddenSize)).toBeLessThanOrEqual(budget);
        expect(cost(r.hiddenSize + g)).toBeGreaterThan(budget);
        expect(r.ratio).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('counterexample to "same parameters, memory g times as big" (section 3.2): with the input tied to the width (a stacked layer), g = 8 gives about sqrt(8) = 2.8x, not 8x', () => {
    const r = matchedHiddenSize({ kind: 'lstm', inputSize: 1024, hiddenSize: 1024 }, 8, 'params', { inputTiedToHidden: true });
    expect(r.hiddenSize / 1024).toBeGreaterThan(2.7);
    expect(r.hiddenSize / 1024).toBeLessThan(Math.sqrt(8) + 0.01);
    expect(r.hiddenSize).toBeLessThan(8 * 1024);
  });

  it('corrected statement: at equal parameters H/h lies between sqrt(g) (input tied) and g (input width dominating), approaching each limit', () => {
    for (const g of [2, 4, 8]) {
      const tied = matchedHiddenSize({ kind: 'gru', inputSize: 512, hiddenSize: 512 }, g, 'params', { inputTiedToHidden: true });
      expect(Math.abs(tied.hiddenSize / 512 - Math.sqrt(g))).toBeLessThan(0.02 * Math.sqrt(g));
      const wide = matchedHiddenSize({ kind: 'gru', inputSize: 65536, hiddenSize: 64 }, g, 'params');
      expect(wide.hiddenSize / 64).toBeGreaterThan(0.9 * g);
      expect(wide.hiddenSize / 64).toBeLessThanOrEqual(g);
    }
  });
});
