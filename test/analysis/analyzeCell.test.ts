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

describe('analyzeCell progress inside the long phases', () => {
  it('reports the trajectories, Lyapunov and Jacobian phases with a percentage and a phase ETA; progress changes no number', () => {
    const cell = randomDenseCell(createRng(4), { kind: 'gru', inputSize: 3, hiddenSize: 12 });
    const o = { sequences: 4, steps: 300, burnIn: 20, seed: 2, jacobianStates: 24, eigenvalueStates: 2, lyapunovExponents: 3, maxLag: 60, bootstrapReplicates: 0, workers: 1 };
    const messages: string[] = [];
    // Interval 0: every progress update is reported (the CLI uses 10 s), so the test needs no clock.
    const a = analyzeCell(cell, { ...o, progressIntervalMs: 0, onPhase: (m) => messages.push(m) });
    const b = analyzeCell(cell, o);
    expect(JSON.stringify({ ...a, seconds: null })).toBe(JSON.stringify({ ...b, seconds: null }));
    const within = (phase: string): number[] =>
      messages.filter((m) => m.startsWith(`${phase} `)).map((m) => {
        const match = new RegExp(`^${phase} (\\d+)%(, phase ETA \\d+ s)?$`).exec(m);
        if (!match) throw new Error(`unexpected progress message: ${m}`);
        return Number(match[1]);
      });
    // Lyapunov: 300 + 100 transient tangent steps, a report every 32: 12 updates, increasing.
    const lyap = within('lyapunov');
    expect(lyap).toHaveLength(Math.floor(400 / 32));
    expect(lyap).toEqual([...lyap].sort((x, y) => x - y));
    expect(lyap[0]).toBe(Math.round((100 * 32) / 400));
    expect(messages.some((m) => /^lyapunov \d+%, phase ETA \d+ s$/.test(m))).toBe(true);
    // Trajectories: one batch of 4 sequences, a report every 16 steps: 1 in the 20 burn-in
    // steps, 18 in the 300 recorded ones.
    const recorded = Array.from({ length: 18 }, (_, k) => Math.round((100 * (20 + 16 * (k + 1))) / 320));
    expect(within('trajectories')).toEqual([Math.round((100 * 16) / 320), ...recorded]);
    // Jacobian: 2 eigenvalue states, the 3 gate matrices U_z, U_r, U_n, then 3 chunks of 8
    // samples: each claimed item reported.
    expect(within('jacobian')).toEqual([0, 1, 2, 3, 4, 5, 6, 7].map((c) => Math.round((100 * c) / 8)));
    expect(messages.filter((m) => !/%/.test(m))).toEqual(['trajectories', 'moments', 'correlation', 'memory', 'localWhittle', 'stepInformation', 'lyapunov', 'jacobian', 'stepInformation', 'gates', 'channel']);
  });
});
