/** Proposition 1.3 for `lrdkit verify`. */
import fc from 'fast-check';
import { LstmCell } from '../../cells/lstm.js';
import { randomDenseCell } from '../../cells/random.js';
import { createRng, type Rng } from '../../processes/prng.js';
import { unitArbitrary } from '../arbitraries.js';
import { prop13 } from '../prop13.js';
import { MarginTracker, type Statement, checkHolds } from '../statement.js';

const boundedInput = (d: number) => (r: Rng): Float64Array => Float64Array.from({ length: d }, () => (r.uniform() < 0.5 ? -1 : 1) * (0.5 + 0.5 * r.uniform()));

export const prop13Statement: Statement = {
  id: 'prop-1.3',
  paper: 'Prop. 1.3',
  title: 'every write adds noise on every channel: Var(candidate | h) > nu^2 > 0',
  note: 'proofs/prop-1.3-candidate-noise.md',
  test: 'test/theory/prop13.test.ts',
  run({ runs, seed }) {
    const mc = Math.max(3, Math.ceil(runs / 10));
    const margins = new MarginTracker();
    const square = checkHolds(
      fc.record({ s: fc.integer({ min: 0, max: 2 ** 30 }), kind: fc.constantFrom('gru' as const, 'lstm' as const), d: fc.integer({ min: 1, max: 5 }), u: unitArbitrary() }),
      ({ s, kind, d, u }) => {
        const cell = randomDenseCell(createRng(s), { kind, inputSize: d, hiddenSize: d, scale: 0.1 + 1.5 * u });
        return margins.see(prop13(cell, createRng(s + 1), { burnIn: 20, states: 5, draws: 200, floor: 0, sampleInput: boundedInput(d) }).margin) > 0;
      },
      mc,
      seed,
    );
    const g = { input: [[1], [0]], recurrent: [[0.3, 0.1], [0.2, 0.4]] };
    const other = { input: [[0.5], [0.5]], recurrent: [[0.1, 0], [0, 0.1]] };
    const zeroRow = prop13(new LstmCell({ inputSize: 1, hiddenSize: 2, i: other, f: other, o: other, g }), createRng(3), { burnIn: 10, states: 4, draws: 300, floor: 0, sampleInput: boundedInput(1) });
    const corrected = checkHolds(
      fc.record({ s: fc.integer({ min: 0, max: 2 ** 30 }), d: fc.integer({ min: 1, max: 3 }), h: fc.integer({ min: 1, max: 6 }) }),
      ({ s, d, h }) => {
        const cell = randomDenseCell(createRng(s), { kind: 'lstm', inputSize: d, hiddenSize: h });
        return margins.see(prop13(cell, createRng(s + 1), { burnIn: 10, states: 3, draws: 200, floor: 0, sampleInput: boundedInput(d) }).margin) > 0;
      },
      mc,
      seed,
    );
    return {
      asWritten: square.holds ? 'holds' : 'false',
      asWrittenDetail: `square full-rank W_x, W_h (the paper's d x d): positive floor on ${mc} random GRU/LSTM; the floor can be < 1e-30 under saturation. Outside the square case "full rank" is not enough: ${zeroRow.witness}`,
      counterexample: 'non-square W_x = [[1], [0]] (rank 1 = full column rank): channel 2 noise-free',
      corrected: 'any d, h: every row of the candidate input weights W_x nonzero => per-channel floor nu^2 > 0 (matrix floor needs rank W_x = h)',
      correctedVerdict: corrected.holds && square.holds ? 'holds' : 'fails',
      correctedDetail: corrected.report ?? square.report,
      margin: margins.min,
      runs: 2 * mc,
    };
  },
};
