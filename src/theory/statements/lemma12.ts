/** Lemma 1.2 (sigmoid gates are bounded away from 1) for `lrdkit verify`. */
import fc from 'fast-check';
import { lemma12GateBound } from '../../analysis/gateSaturation.js';
import type { GruCell } from '../../cells/gru.js';
import type { LstmCell } from '../../cells/lstm.js';
import type { GateWeights } from '../../cells/types.js';
import { cellCaseArbitrary } from '../cellArbitraries.js';
import { realArbitrary, unitArbitrary } from '../arbitraries.js';
import { MarginTracker, type Statement, checkHolds } from '../statement.js';

/** The sigmoid gates of a dense cell: GRU z, r; LSTM i, f, o. */
const SIGMOID_GATES = { gru: ['z', 'r'], lstm: ['i', 'f', 'o'] } as const;

export const lemma12Statement: Statement = {
  id: 'lemma-1.2',
  paper: 'Lemma 1.2',
  title: 'bounded inputs and states => every sigmoid gate <= 1 - alpha_g, alpha_g > 0 explicit',
  note: 'proofs/lemma-1.2-gate-bound.md',
  test: 'test/analysis/gateSaturation.test.ts',
  run({ runs, seed }) {
    const margins = new MarginTracker();
    let tightest = Infinity, loosest = 0;
    const result = checkHolds(
      cellCaseArbitrary(['dense']).chain((c) =>
        fc.record({
          c: fc.constant(c),
          bound: unitArbitrary().map((u) => 0.1 + 5 * u),
          xs: fc.array(fc.array(realArbitrary(1), { minLength: c.cell.inputSize, maxLength: c.cell.inputSize }), { minLength: 1, maxLength: 5 }),
          hs: fc.array(fc.array(realArbitrary(1), { minLength: c.cell.hiddenSize, maxLength: c.cell.hiddenSize }), { minLength: 1, maxLength: 5 }),
        }),
      ),
      ({ c, bound, xs, hs }) => {
        const cell = c.cell as GruCell | LstmCell;
        const weights = cell.weights as unknown as Record<string, GateWeights>;
        let ok = true;
        for (const name of SIGMOID_GATES[cell.kind]) {
          const g = lemma12GateBound(weights[name] as GateWeights, { inputInf: bound, stateInf: 1 });
          let max = 0;
          xs.forEach((xr, k) => {
            const x = Float64Array.from(xr, (v) => v * bound);
            const hr = hs[k % hs.length] as number[];
            const state = new Float64Array(cell.stateSize);
            state.set(hr);
            const values = (cell.gates(state, x) as unknown as Record<string, Float64Array>)[name] as Float64Array;
            for (const v of values) max = Math.max(max, v, 1 - v);
          });
          const m = margins.see(g.bound - max);
          tightest = Math.min(tightest, g.bound - max);
          loosest = Math.max(loosest, g.bound - max);
          if (m < 0) ok = false;
        }
        return ok;
      },
      runs,
      seed,
    );
    return {
      asWritten: result.holds ? 'holds' : 'false',
      asWrittenDetail: `alpha_g = 1 / (1 + e^p), p = ||W_x||_inf B_x + ||W_h||_inf B_h + ||b||_inf; over ${runs} random GRU/LSTM cells and inputs the slack 1 - alpha_g - max(gate, 1 - gate) ranged over [${tightest.toExponential(2)}, ${loosest.toExponential(2)}] (the bound is attained only when every input sits at its bound with the signs of a row)`,
      counterexample: null,
      corrected: 'as written, with alpha_g = sigma(-p) explicit (row-wise p_i tighter); the bound says nothing about how close to 1 - alpha_g a trained gate comes',
      correctedVerdict: result.holds ? 'holds' : 'fails',
      correctedDetail: result.report,
      margin: margins.min,
      runs,
    };
  },
};
