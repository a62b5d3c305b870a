/**
 * Proposition 1.3: every write adds noise on every channel. proofs/prop-1.3-candidate-noise.md.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LstmCell } from '../../src/cells/lstm.js';
import { randomDenseCell } from '../../src/cells/random.js';
import { createRng, type Rng } from '../../src/processes/prng.js';
import { prop13 } from '../../src/theory/prop13.js';
import { unitArbitrary } from '../../src/theory/arbitraries.js';

/** Bounded input with ||x||_inf >= 0.5 > 0 (beta) and Var(x) > 0 (gamma): entries +-(0.5 .. 1). */
const boundedInput = (d: number) => (r: Rng): Float64Array => Float64Array.from({ length: d }, () => (r.uniform() < 0.5 ? -1 : 1) * (0.5 + 0.5 * r.uniform()));

describe('Prop 1.3 as written (square full-rank W_x, W_h; bounded input with a variance floor)', () => {
  it('random square GRU and LSTM cells have a positive per-channel conditional variance of the candidate at every visited state', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 30 }), fc.constantFrom('gru' as const, 'lstm' as const), fc.integer({ min: 1, max: 5 }), unitArbitrary(), (seed, kind, d, u) => {
        const cell = randomDenseCell(createRng(seed), { kind, inputSize: d, hiddenSize: d, scale: 0.1 + 1.5 * u });
        const r = prop13(cell, createRng(seed + 1), { burnIn: 20, states: 5, draws: 200, floor: 0, sampleInput: boundedInput(d) });
        if (!r.holds) throw new Error(r.witness);
      }),
      { numRuns: 40 },
    );
  });

  it('the floor nu^2 is positive but can be astronomically small: a candidate bias of 20 saturates tanh (nu^2 < 1e-30)', () => {
    const m = (v: number): number[][] => [[v]];
    const gate = { input: m(0.1), recurrent: m(0.1) };
    const cell = new LstmCell({ inputSize: 1, hiddenSize: 1, i: gate, f: gate, o: gate, g: { input: m(1), recurrent: m(0.1), inputBias: [20] } });
    const r = prop13(cell, createRng(2), { burnIn: 5, states: 3, draws: 500, floor: 0, sampleInput: boundedInput(1) });
    expect(r.holds).toBe(true);
    expect(r.minChannelVariance).toBeGreaterThan(0);
    expect(r.minChannelVariance).toBeLessThan(1e-30);
  });
});

describe('Prop 1.3 beyond square weights', () => {
  it('counterexample: W_x of full column rank (h = 2 > d = 1) with a zero row leaves that channel noise-free (variance exactly 0)', () => {
    const g = { input: [[1], [0]], recurrent: [[0.3, 0.1], [0.2, 0.4]] };
    const other = { input: [[0.5], [0.5]], recurrent: [[0.1, 0], [0, 0.1]] };
    const cell = new LstmCell({ inputSize: 1, hiddenSize: 2, i: other, f: other, o: other, g });
    const r = prop13(cell, createRng(3), { burnIn: 10, states: 4, draws: 300, floor: 0, sampleInput: boundedInput(1) });
    expect(r.holds).toBe(false);
    expect(r.minChannelVariance).toBe(0);
  });

  it('corrected: with every row of the candidate input weights nonzero (any d, h), the per-channel floor is positive', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 30 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 6 }), (seed, d, h) => {
        const cell = randomDenseCell(createRng(seed), { kind: 'lstm', inputSize: d, hiddenSize: h });
        // uniform weights are nonzero almost surely; the check below makes the hypothesis explicit
        const w = (cell as LstmCell).weights.g.input;
        for (let i = 0; i < h; i++) if (w.subarray(i * d, (i + 1) * d).every((v) => v === 0)) return;
        const r = prop13(cell, createRng(seed + 1), { burnIn: 10, states: 3, draws: 200, floor: 0, sampleInput: boundedInput(d) });
        if (!r.holds) throw new Error(r.witness);
      }),
      { numRuns: 40 },
    );
  });
});
