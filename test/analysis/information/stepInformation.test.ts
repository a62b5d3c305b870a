/**
 * I(h_t; h_{t+1}) from trajectories: a VAR(1) whose step information is a Gaussian channel with
 * a closed form, and GRU/LSTM trajectories (smoke: both estimators run and agree in order of
 * magnitude).
 */
import { describe, expect, it } from 'vitest';
import { AnalysisInputError } from '../../../src/analysis/errors.js';
import { gaussianChannelMutualInformation } from '../../../src/analysis/information/gaussianChannel.js';
import { empiricalStepMutualInformation } from '../../../src/analysis/information/stepInformation.js';
import { type Series, seriesFromRows } from '../../../src/analysis/series.js';
import { randomDenseCell } from '../../../src/cells/random.js';
import { cholesky } from '../../../src/linalg/spd.js';
import { createRng } from '../../../src/processes/prng.js';
import { var1, var1StationaryCovariance } from '../../../src/processes/var1.js';

const matmul = (a: number[][], b: number[][]): number[][] => a.map((r) => (b[0] as number[]).map((_, j) => r.reduce((s, v, k) => s + v * (b[k] as number[])[j]!, 0)));

describe('empiricalStepMutualInformation on a VAR(1) h_{t+1} = A h_t + e_t', () => {
  // Stationary h_t ~ N(0, P), P = A P A^T + Q: h_{t+1} = A L_P z + e with z = L_P^-1 h_t ~ N(0, I),
  // so I(h_t; h_{t+1}) = gaussianChannelMutualInformation(A L_P, 1, Q) (Theorem 1.2 with
  // eta = 1, W = A L_P): the square root of P enters as W W^T = A P A^T, which is what the
  // W W^T form (not the paper's W^T W) requires.
  const A = [[0.5, 0.8, 0], [0, 0.6, 0.3], [0.2, 0, 0.4]];
  const Q = [[1, 0.3, 0], [0.3, 0.5, 0], [0, 0, 2]];
  const P = var1StationaryCovariance(A, Q);
  const exact = gaussianChannelMutualInformation(matmul(A, cholesky(P)), 1, Q);
  const rng = createRng(11);
  const states: Series[] = Array.from({ length: 10 }, (_, i) => seriesFromRows(var1(rng.fork(i), 10_000, A, Q)));

  it('empiricalStepMutualInformation(Gaussian) recovers the closed form within 2% from 10 x 10^4 steps', () => {
    // 99,990 pooled pairs; the iid SE (0.003 nats, ~0.5% here) understates the error of
    // serially dependent pairs (rho(A) ~ 0.8), hence 2% rather than a few SE.
    const r = empiricalStepMutualInformation(states, { estimators: ['gaussian'] });
    expect(r.pairs).toBe(10 * 9999);
    expect(r.ksg).toBeNull();
    const g = r.gaussian!;
    expect(Math.abs(g.mutualInformationNats / exact - 1)).toBeLessThan(0.02);
  });

  it('empiricalStepMutualInformation(KSG, 10^4 strided pairs) is within 10% of the closed form', () => {
    // KSG at n = 10^4 in 3 + 3 dims for I ~ 0.9 nats: its downward bias is a few per cent.
    const r = empiricalStepMutualInformation(states, { estimators: ['ksg'], maxKsgSamples: 10_000 });
    expect(r.ksg!.stride).toBe(10);
    expect(r.ksg!.samples).toBe(9999);
    expect(Math.abs(r.ksg!.mutualInformationNats / exact - 1)).toBeLessThan(0.1);
  });

  it('empiricalStepMutualInformation(lag 2) equals the channel with A^2 and noise A Q A^T + Q', () => {
    const A2 = matmul(A, A);
    const AQAt = matmul(matmul(A, Q), A.map((_, i) => A.map((r) => r[i] as number)));
    const exact2 = gaussianChannelMutualInformation(matmul(A2, cholesky(P)), 1, AQAt.map((r, i) => r.map((v, j) => v + (Q[i] as number[])[j]!)));
    const r = empiricalStepMutualInformation(states, { estimators: ['gaussian'], lag: 2, burnIn: 5 });
    expect(r.pairs).toBe(10 * (10_000 - 5 - 2));
    expect(Math.abs(r.gaussian!.mutualInformationNats / exact2 - 1)).toBeLessThan(0.03);
  });
});

describe('empiricalStepMutualInformation on recurrent cells', () => {
  const run = (kind: 'gru' | 'lstm', seed: number): Series[] => {
    const rng = createRng(seed);
    const cell = randomDenseCell(rng, { kind, inputSize: 4, hiddenSize: 4, scale: 1 });
    return Array.from({ length: 4 }, (_, s) => {
      const r = rng.fork(s);
      let state = cell.initialState();
      const rows: Float64Array[] = [];
      for (let t = 0; t < 1500; t++) {
        state = cell.step(state, r.normals(4));
        rows.push(state);
      }
      return seriesFromRows(rows);
    });
  };

  it('empiricalStepMutualInformation(GRU trajectories) gives positive, finite Gaussian and KSG estimates', () => {
    const r = empiricalStepMutualInformation(run('gru', 1), { burnIn: 100 });
    expect(r.dimension).toBe(4);
    expect(r.gaussian!.mutualInformationNats).toBeGreaterThan(0);
    expect(r.ksg!.mutualInformationNats).toBeGreaterThan(0);
    expect(Number.isFinite(r.gaussian!.standardErrorNats)).toBe(true);
  });

  it('empiricalStepMutualInformation(LSTM [h; c], channels = h) uses only the hidden half', () => {
    const states = run('lstm', 2);
    expect((states[0] as Series).cols).toBe(8);
    const r = empiricalStepMutualInformation(states, { burnIn: 100, channels: [0, 1, 2, 3], estimators: ['gaussian'] });
    expect(r.dimension).toBe(4);
    expect(r.gaussian!.dimensions).toEqual({ x: 4, y: 4 });
  });

  it('empiricalStepMutualInformation rejects bad input', () => {
    const s = run('gru', 3);
    expect(() => empiricalStepMutualInformation([])).toThrow(AnalysisInputError);
    expect(() => empiricalStepMutualInformation([])).toThrow(/empiricalStepMutualInformation: states has 0 sequences, expected at least one Series/);
    expect(() => empiricalStepMutualInformation([s[0] as Series, seriesFromRows([[1, 2]])])).toThrow(/states\[1\] has 2 channels, expected 4 \(as states\[0\]\)/);
    expect(() => empiricalStepMutualInformation(s, { channels: [4] })).toThrow(/options.channels\[0\] is 4, expected an integer in \[0, 3\]/);
    expect(() => empiricalStepMutualInformation(s, { lag: 0 })).toThrow(/options.lag is 0, expected an integer >= 1/);
    expect(() => empiricalStepMutualInformation([seriesFromRows([[1], [2]])], { lag: 2 })).toThrow(/give 0 pairs \(h_t, h_t\+2\) after burnIn 0, expected at least 2/);
  });
});
