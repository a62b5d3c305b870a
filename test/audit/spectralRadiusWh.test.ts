/**
 * rho(W_h) of the audit is taken from the analysis' rho(U_k) per gate family (no second dense
 * eigensolve of W_h per layer): the same number, bit for bit, as computing it from W_h.
 */
import { describe, expect, it } from 'vitest';
import { recurrentSpectralRadii } from '../../src/analysis/jacobianSpectrum.js';
import { spectralRadiusWh, spectralRadiusWhFromAnalysis } from '../../src/audit/auditDocument.js';
import { randomContextSwitchingCell, randomDenseCell, randomFactorizedCell } from '../../src/cells/random.js';
import { createRng } from '../../src/processes/prng.js';

describe('spectralRadiusWhFromAnalysis', () => {
  it('equals spectralRadiusWh bit for bit for dense and factorized GRUs and LSTMs, and falls back for context switching', () => {
    const cells = [
      randomDenseCell(createRng(1), { kind: 'gru', inputSize: 3, hiddenSize: 20 }),
      randomDenseCell(createRng(2), { kind: 'lstm', inputSize: 3, hiddenSize: 12 }),
      randomFactorizedCell(createRng(3), { kind: 'gru', inputSize: 6, hiddenSize: 24, groups: 3 }),
      randomFactorizedCell(createRng(4), { kind: 'lstm', inputSize: 4, hiddenSize: 16, groups: 2 }),
      randomContextSwitchingCell(createRng(5), { kind: 'gru', inputSize: 4, hiddenSize: 8, groups: 2, auxiliaryHiddenSize: 6 }),
    ];
    for (const cell of cells) {
      const direct = spectralRadiusWh(cell);
      expect(direct).toBeGreaterThan(0);
      expect(spectralRadiusWhFromAnalysis(cell, recurrentSpectralRadii(cell))).toBe(direct);
    }
  });
});
