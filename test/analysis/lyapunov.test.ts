/**
 * Lyapunov exponents: known answers for linear cells (log |eigenvalues of A|), the exact
 * identity sum of all exponents = mean log |det J_t|, and QR versus twin-trajectory
 * agreement for chaotic and contracting tanh RNNs, GRUs, LSTMs and stacks.
 */
import { describe, expect, it } from 'vitest';
import { randomDenseCell, randomFactorizedCell } from '../../src/cells/random.js';
import { lyapunovSpectrum, twinTrajectoryExponent } from '../../src/analysis/lyapunov.js';
import { visitTrajectories } from '../../src/analysis/trajectories.js';
import type { DenseMatrix } from '../../src/linalg/dense.js';
import { eigenvalues } from '../../src/linalg/eigenvalues.js';
import { createRng } from '../../src/processes/prng.js';
import { linearCell, randomTanhRnn } from '../support/tanhRnn.js';

/** log |det M| by Gaussian elimination with partial pivoting. */
function logAbsDet(m: DenseMatrix): number {
  const n = m.rows, a = Float64Array.from(m.data);
  let s = 0;
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r * n + c] as number) > Math.abs(a[p * n + c] as number)) p = r;
    if (p !== c) for (let j = 0; j < n; j++) [a[c * n + j], a[p * n + j]] = [a[p * n + j] as number, a[c * n + j] as number];
    const piv = a[c * n + c] as number;
    s += Math.log(Math.abs(piv));
    for (let r = c + 1; r < n; r++) {
      const f = (a[r * n + c] as number) / piv;
      for (let j = c; j < n; j++) a[r * n + j] = (a[r * n + j] as number) - f * (a[c * n + j] as number);
    }
  }
  return s;
}

/** Inverse by Gauss-Jordan with partial pivoting (small, well-conditioned test matrices). */
function inverse(m: Float64Array, n: number): Float64Array {
  const a = Float64Array.from(m), inv = new Float64Array(n * n);
  for (let i = 0; i < n; i++) inv[i * n + i] = 1;
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r * n + c] as number) > Math.abs(a[p * n + c] as number)) p = r;
    for (let j = 0; j < n; j++) {
      [a[c * n + j], a[p * n + j]] = [a[p * n + j] as number, a[c * n + j] as number];
      [inv[c * n + j], inv[p * n + j]] = [inv[p * n + j] as number, inv[c * n + j] as number];
    }
    const piv = a[c * n + c] as number;
    for (let j = 0; j < n; j++) {
      a[c * n + j] = (a[c * n + j] as number) / piv;
      inv[c * n + j] = (inv[c * n + j] as number) / piv;
    }
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = a[r * n + c] as number;
      for (let j = 0; j < n; j++) {
        a[r * n + j] = (a[r * n + j] as number) - f * (a[c * n + j] as number);
        inv[r * n + j] = (inv[r * n + j] as number) - f * (inv[c * n + j] as number);
      }
    }
  }
  return inv;
}

function matmul(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) for (let j = 0; j < n; j++) out[i * n + j] = (out[i * n + j] as number) + (a[i * n + k] as number) * (b[k * n + j] as number);
  return out;
}

describe('lyapunovSpectrum on linear cells', () => {
  it('lyapunovSpectrum(s\' = A s + B x) equals log |lambda_i(A)| to 1e-3 for a non-normal A with a complex pair', () => {
    // D = rotation block with modulus 0.95, then 0.8, -0.6, 0.3; A = V D V^-1 with a random V
    const n = 5, d = 2;
    const th = 0.7;
    const D = new Float64Array(n * n);
    D[0] = 0.95 * Math.cos(th);
    D[1] = -0.95 * Math.sin(th);
    D[n] = 0.95 * Math.sin(th);
    D[n + 1] = 0.95 * Math.cos(th);
    D[2 * n + 2] = 0.8;
    D[3 * n + 3] = -0.6;
    D[4 * n + 4] = 0.3;
    const rng = createRng(31);
    const V = rng.normals(n * n).map((v, i) => v * 0.5 + (i % (n + 1) === 0 ? 1 : 0));
    const A = matmul(matmul(V, D, n), inverse(V, n), n);
    const cell = linearCell(A, rng.normals(n * d), n, d);
    const eig = eigenvalues({ rows: n, cols: n, data: A });
    const expected = Array.from(eig.re, (re, i) => Math.log(Math.hypot(re, eig.im[i] as number))).sort((a, b) => b - a);
    expect(expected[0]).toBeCloseTo(Math.log(0.95), 10);
    const r = lyapunovSpectrum(cell, { steps: 20000, transient: 200, seed: 1 }, n);
    // error O(log cond(V) / T) ~ 1e-4 for T = 2e4
    r.lyapunovPerStep.forEach((l, i) => expect(Math.abs(l - (expected[i] as number))).toBeLessThan(1e-3));
    // top-2 subset: the same leading values
    const r2 = lyapunovSpectrum(cell, { steps: 20000, transient: 200, seed: 1 }, 2);
    r2.lyapunovPerStep.forEach((l, i) => expect(Math.abs(l - (expected[i] as number))).toBeLessThan(1e-3));
  });

  it('lyapunovSpectrum with renormEvery 5 equals renormEvery 1 (same products) to 1e-9', () => {
    const rng = createRng(4);
    const n = 4;
    const A = rng.normals(n * n).map((v) => v * 0.3);
    const cell = linearCell(A, rng.normals(n), n, 1);
    const a = lyapunovSpectrum(cell, { steps: 2000, transient: 100, seed: 2 }, 3);
    const b = lyapunovSpectrum(cell, { steps: 2000, transient: 100, seed: 2, renormEvery: 5 }, 3);
    a.lyapunovPerStep.forEach((l, i) => expect(Math.abs(l - (b.lyapunovPerStep[i] as number))).toBeLessThan(1e-9));
  });
});

describe('lyapunovSpectrum: sum of all exponents', () => {
  for (const kind of ['gru', 'lstm'] as const) {
    it(`sum of all ${kind} exponents equals the mean log |det J_t| over the averaged steps (exact identity, 1e-10)`, () => {
      const cell = randomDenseCell(createRng(12), { kind, inputSize: 3, hiddenSize: 4, scale: 1.2 });
      const o = { steps: 300, transient: 50, burnIn: 20, seed: 6, input: 'ar1:0.5' as const };
      const r = lyapunovSpectrum(cell, o, cell.stateSize);
      let s = 0;
      visitTrajectories(cell, { sequences: 1, steps: 350, burnIn: 20, seed: 6, input: 'ar1:0.5' }, {
        step: ({ t, state, input }) => {
          if (t >= 50) s += logAbsDet(cell.jacobianDense(state, input));
        },
      });
      expect(Math.abs(r.sumPerStep - s / 300)).toBeLessThan(1e-10 * Math.max(1, Math.abs(s / 300)));
    });
  }
});

describe('QR versus twin trajectories', () => {
  /** |a - b| / |b| <= 2 %: the two estimators agree far better (same trajectory; O(eps) bias). */
  const agree = (qr: number, twin: number): void => {
    expect(Math.abs(qr - twin)).toBeLessThan(0.02 * Math.abs(twin));
  };

  it('chaotic tanh RNN (gain 2.5): top exponent > 0.1 nats/step, QR within 2 % of the twin estimate', () => {
    const rnn = randomTanhRnn(createRng(2), 64, 4, 2.5, 0.5);
    const o = { steps: 4000, burnIn: 200, seed: 3 };
    const qr = lyapunovSpectrum(rnn, o, 3);
    const twin = twinTrajectoryExponent(rnn, o);
    expect(qr.lyapunovPerStep[0]).toBeGreaterThan(0.1);
    agree(qr.lyapunovPerStep[0] as number, twin.lyapunovPerStep);
    expect(qr.lyapunovPerStep[0]).toBeGreaterThanOrEqual(qr.lyapunovPerStep[1] as number);
    expect(qr.standardErrorPerStep[0]).toBeGreaterThan(0);
    expect(qr.standardErrorPerStep[0]).toBeLessThan(0.01);
  });

  it('contracting tanh RNN (gain 0.5): top exponent < -0.3 nats/step, QR within 2 % of the twin estimate', () => {
    const rnn = randomTanhRnn(createRng(2), 64, 4, 0.5, 0.5);
    const o = { steps: 3000, burnIn: 100, seed: 3, renormEvery: 2 };
    const qr = lyapunovSpectrum(rnn, o, 1);
    const twin = twinTrajectoryExponent(rnn, o);
    expect(qr.lyapunovPerStep[0]).toBeLessThan(-0.3);
    agree(qr.lyapunovPerStep[0] as number, twin.lyapunovPerStep);
  });

  for (const [name, make] of [
    ['GRU(32)', () => randomDenseCell(createRng(21), { kind: 'gru', inputSize: 8, hiddenSize: 32, scale: 0.5 })],
    ['GRU(24, resetAfter false, chaotic at scale 2.5)', () => randomDenseCell(createRng(22), { kind: 'gru', inputSize: 4, hiddenSize: 24, scale: 2.5, resetAfter: false })],
    ['LSTM(16)', () => randomDenseCell(createRng(23), { kind: 'lstm', inputSize: 4, hiddenSize: 16, scale: 0.6 })],
    ['factorized GRU(32, g=4)', () => randomFactorizedCell(createRng(24), { kind: 'gru', inputSize: 8, hiddenSize: 32, groups: 4 })],
  ] as const) {
    it(`${name}: QR top exponent within 2 % of the twin estimate`, () => {
      const cell = make();
      const o = { steps: 2000, burnIn: 100, seed: 8, input: 'ar1:0.7' };
      const qr = lyapunovSpectrum(cell, o, 2);
      const twin = twinTrajectoryExponent(cell, o);
      agree(qr.lyapunovPerStep[0] as number, twin.lyapunovPerStep);
    });
  }

  it('near-neutral GRU (top exponent ~ 0): QR and twin differ by less than one standard error', () => {
    // With lambda_1 ~ 0 and a small gap to lambda_2, the finite-time estimates differ by the
    // O(1 / (gap T)) alignment transient, so compare with the SE rather than relatively.
    const cell = randomDenseCell(createRng(22), { kind: 'gru', inputSize: 4, hiddenSize: 24, scale: 1.5, resetAfter: false });
    const o = { steps: 2000, burnIn: 100, seed: 8, input: 'ar1:0.7' };
    const qr = lyapunovSpectrum(cell, o, 1);
    const twin = twinTrajectoryExponent(cell, o);
    expect(Math.abs(qr.lyapunovPerStep[0] as number)).toBeLessThan(0.005);
    expect(Math.abs((qr.lyapunovPerStep[0] as number) - twin.lyapunovPerStep)).toBeLessThan(qr.standardErrorPerStep[0] as number);
  });

  it('stacked LSTM -> LSTM: QR top exponent within 2 % of the twin estimate', () => {
    const layers = [randomDenseCell(createRng(25), { kind: 'lstm', inputSize: 3, hiddenSize: 8 }), randomDenseCell(createRng(26), { kind: 'lstm', inputSize: 8, hiddenSize: 6 })];
    const o = { steps: 1500, burnIn: 50, seed: 4 };
    agree(lyapunovSpectrum(layers, o, 1).lyapunovPerStep[0] as number, twinTrajectoryExponent(layers, o).lyapunovPerStep);
  });

  it('the batch-means standard error covers the spread between independent input seeds (5 SE)', () => {
    const rnn = randomTanhRnn(createRng(2), 32, 4, 2, 0.5);
    const a = lyapunovSpectrum(rnn, { steps: 3000, burnIn: 100, seed: 1, batches: 20 }, 1);
    const b = lyapunovSpectrum(rnn, { steps: 3000, burnIn: 100, seed: 2, batches: 20 }, 1);
    const se = Math.hypot(a.standardErrorPerStep[0] as number, b.standardErrorPerStep[0] as number);
    expect(Math.abs((a.lyapunovPerStep[0] as number) - (b.lyapunovPerStep[0] as number))).toBeLessThan(5 * se);
    expect(a.batchMeans.length).toBe(20);
  });
});

describe('lyapunov argument checks', () => {
  const gru = randomDenseCell(createRng(1), { kind: 'gru', inputSize: 2, hiddenSize: 3 });
  it('one clear error each: k, steps, transient, renormEvery, batches, perturbation, NaN input', () => {
    expect(() => lyapunovSpectrum(gru, { steps: 10 }, 4)).toThrow(/lyapunovSpectrum: k is 4, expected an integer in 1..3 \(the cell's stateSize\)/);
    expect(() => lyapunovSpectrum(gru, { steps: 0 }, 1)).toThrow(/lyapunovSpectrum: steps is 0, expected an integer >= 1/);
    expect(() => lyapunovSpectrum(gru, { steps: 10, transient: -1 }, 1)).toThrow(/transient is -1, expected an integer >= 0/);
    expect(() => lyapunovSpectrum(gru, { steps: 10, renormEvery: 0 }, 1)).toThrow(/renormEvery is 0, expected an integer >= 1/);
    expect(() => lyapunovSpectrum(gru, { steps: 10, batches: 11 }, 1)).toThrow(/batches is 11, expected an integer in 1..10/);
    expect(() => lyapunovSpectrum(gru, { steps: 10, burnIn: -2 }, 1)).toThrow(/burnIn is -2, expected an integer >= 0/);
    expect(() => twinTrajectoryExponent(gru, { steps: 10, perturbation: 0 })).toThrow(/twinTrajectoryExponent: perturbation is 0, expected a positive finite number/);
    const bad = { kind: 'file' as const, sequences: [[Float64Array.of(0, 0), Float64Array.of(Number.POSITIVE_INFINITY, 0)]] };
    expect(() => lyapunovSpectrum(gru, { steps: 1, transient: 1, input: bad }, 1)).toThrow(/step 1 channel 0 is Infinity, expected a finite number/);
  });
});
