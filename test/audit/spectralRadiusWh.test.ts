/**
 * rho(W_h) of the audit is taken from the analysis' rho(U_k) per gate family (no second dense
 * eigensolve of W_h per layer), and the information of the whole W_h from the analysis' channel
 * phase: the same numbers, bit for bit, as computing them again.
 */
import { describe, expect, it } from 'vitest';
import { recurrentSpectralRadii } from '../../src/analysis/jacobianSpectrum.js';
import { analyzeCell } from '../../src/analysis/analyzeCell.js';
import { perChannelCount, spectralRadiusWh, spectralRadiusWhFromAnalysis } from '../../src/audit/auditDocument.js';
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

describe('perChannelCount', () => {
  it("takes the k = h value from the analysis' channel information for a dense cell (the same number bit for bit) and computes every k otherwise", () => {
    const dense = randomDenseCell(createRng(6), { kind: 'gru', inputSize: 3, hiddenSize: 24 });
    const full = perChannelCount(dense);
    expect(full.map((p) => p.channels)).toEqual([1, 2, 4, 8, 16, 24]);
    const channel = analyzeCell(dense, { sequences: 2, steps: 300, burnIn: 10, jacobianStates: 2, lyapunovExponents: 1, bootstrapReplicates: 0, maxLag: 40, workers: 1 }).channel;
    expect(channel).not.toBeNull();
    expect(perChannelCount(dense, channel)).toEqual(full);
    // A factorized cell's channel information is a sum over blocks: not reused.
    const factorized = randomFactorizedCell(createRng(7), { kind: 'gru', inputSize: 4, hiddenSize: 16, groups: 2 });
    expect(perChannelCount(factorized, { mutualInformationNats: -1, proposition14Nats: 0, channels: 16, blocks: 2 })).toEqual(perChannelCount(factorized));
  });
});
