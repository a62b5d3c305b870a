/** Propositions 1.1-1.2 / Theorem 1.1 for `lrdkit verify`. */
import fc from 'fast-check';
import { GruCell } from '../../cells/gru.js';
import { randomDenseCell } from '../../cells/random.js';
import { spectralRadius } from '../../linalg/eigenvalues.js';
import { createRng } from '../../processes/prng.js';
import { unitArbitrary } from '../arbitraries.js';
import { withCandidateSpectralRadius } from '../candidateMatrix.js';
import { gruContractionBound } from '../contraction.js';
import { prop12 } from '../prop12.js';
import { MarginTracker, type Statement, checkHolds } from '../statement.js';

const OPTIONS = { sequences: 400, burnIn: 100, maxLag: 40 };

export const prop12Statement: Statement = {
  id: 'prop-1.2',
  paper: 'Prop. 1.1, 1.2, Thm. 1.1',
  title: 'rho(W_h) < 1 and constant variance => the GRU/LSTM state is SRD',
  note: 'proofs/prop-1.2-vanishing-gradient-srd.md',
  test: 'test/theory/prop12.test.ts',
  run({ runs, seed }) {
    const mc = Math.max(3, Math.ceil(runs / 10));
    const asWritten = checkHolds(
      fc.record({ s: fc.integer({ min: 0, max: 2 ** 30 }), kind: fc.constantFrom('gru' as const, 'lstm' as const), u: unitArbitrary() }),
      ({ s, kind, u }) => prop12(withCandidateSpectralRadius(randomDenseCell(createRng(s), { kind, inputSize: 3, hiddenSize: 4 }), 0.99 * u), { ...OPTIONS, seed: s }).holds,
      mc,
      seed,
    );
    // The proof step "rho(D_{h0} F_t) < lambda^t because rho(W_h) < 1" fails: scalar GRU, U_z = 10, U_n = 0.5.
    const m = (v: number): number[][] => [[v]];
    const cell = new GruCell({ inputSize: 1, hiddenSize: 1, resetAfter: true, z: { input: m(0), recurrent: m(10) }, r: { input: m(0), recurrent: m(0) }, n: { input: m(0), recurrent: m(0.5) } });
    const rhoJ = spectralRadius(cell.jacobian(Float64Array.of(0.2), Float64Array.of(0)));
    const margins = new MarginTracker();
    let certified = 0;
    const corrected = checkHolds(
      fc.record({ s: fc.integer({ min: 0, max: 2 ** 30 }), resetAfter: fc.boolean(), u: unitArbitrary() }),
      ({ s, resetAfter, u }) => {
        const c = randomDenseCell(createRng(s), { kind: 'gru', inputSize: 3, hiddenSize: 4, resetAfter, scale: 0.05 + 0.3 * u }) as GruCell;
        if (gruContractionBound(c, 1) >= 1) return true;
        certified++;
        return margins.see(prop12(c, { ...OPTIONS, seed: s, inputDistribution: 'uniform' }).margin) >= 0;
      },
      mc,
      seed,
    );
    return {
      asWritten: asWritten.holds ? 'holds' : 'false',
      asWrittenDetail:
        `${asWritten.holds ? 'SRD evidence on' : 'failed on one of'} ${mc} random GRU/LSTM (d=3, h=4) with rho(W_h) < 1 (N = 400 sequences, 40 lags); ` +
        `but the proof step is false: a scalar GRU with rho(W_h) = 0.5 has rho(J) = ${rhoJ.toFixed(3)} > 1, and no bound on the correlation sum follows from rho(W_h)`,
      counterexample: `proof step: GRU U_z = 10, U_n = 0.5, h = 0.2: rho(dh'/dh) = ${rhoJ.toFixed(3)}`,
      corrected: 'GRU with a certified contraction sup ||dh\'/dh||_inf <= L < 1 over bounded inputs (computable from the weights) is SRD, ||Cov(h_0, h_k)|| <= C L^k',
      correctedVerdict: corrected.holds && certified > 0 ? 'holds' : 'fails',
      correctedDetail: corrected.report ?? (certified === 0 ? 'no sampled cell met the contraction hypothesis' : null),
      margin: margins.min,
      runs: 2 * mc,
    };
  },
};
