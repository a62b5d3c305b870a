/**
 * analyzeCell: every measure on one set of seeded trajectories, deterministic, validated.
 */
import { describe, expect, it } from 'vitest';
import { analyzeCell } from '../../src/analysis/analyzeCell.js';
import { AnalysisInputError } from '../../src/analysis/errors.js';
import { randomDenseCell, randomFactorizedCell } from '../../src/cells/random.js';
import { createRng } from '../../src/processes/prng.js';

const small = { sequences: 6, steps: 256, burnIn: 32, jacobianStates: 8, lyapunovExponents: 4, maxLag: 64, bootstrapReplicates: 20 };

describe('analyzeCell', () => {
  it('returns every measure for a dense GRU, and the same numbers for the same seed', () => {
    const cell = randomDenseCell(createRng(1), { kind: 'gru', inputSize: 4, hiddenSize: 8 });
    const a = analyzeCell(cell, { ...small, seed: 3 });
    const b = analyzeCell(cell, { ...small, seed: 3 });
    const strip = (x: typeof a): string => JSON.stringify({ ...x, seconds: null });
    expect(strip(a)).toBe(strip(b));
    expect(['SRD', 'LRD', 'inconclusive']).toContain(a.correlation.verdict);
    expect(a.lyapunov?.lyapunovPerStep).toHaveLength(4);
    expect(a.lyapunov!.lyapunovPerStep[0]!).toBeLessThan(0); // a PyTorch-initialised GRU(8) contracts
    expect(a.jacobian.spectralRadius.length).toBe(8);
    expect(a.channel?.blocks).toBe(1);
    expect(a.channel!.mutualInformationNats).toBeGreaterThan(0);
    expect(Object.keys(a.seconds)).toEqual(['trajectories', 'correlation', 'memory', 'localWhittle', 'stepInformation', 'jacobian', 'lyapunov', 'gates', 'channel']);
  });

  it('analyses a factorized LSTM block by block (channel information summed over g blocks)', () => {
    const cell = randomFactorizedCell(createRng(2), { kind: 'lstm', inputSize: 4, hiddenSize: 8, groups: 4 });
    const a = analyzeCell(cell, small);
    expect(a.channel?.blocks).toBe(4);
    expect(a.cell.groups).toBe(4);
    expect(a.jacobian.units.length).toBeGreaterThan(0);
  });

  it('rejects a lag window as long as the series, naming the values', () => {
    const cell = randomDenseCell(createRng(1), { kind: 'gru', inputSize: 2, hiddenSize: 2 });
    expect(() => analyzeCell(cell, { ...small, maxLag: 256 })).toThrow(AnalysisInputError);
    expect(() => analyzeCell(cell, { ...small, maxLag: 256 })).toThrow('analyzeCell: maxLag is 256, expected 1 <= maxLag < steps = 256');
  });
});
