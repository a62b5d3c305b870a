/**
 * Known answer: a stationary VAR(1) x_t = A x_{t-1} + e_t, Cov(e) = I, has
 * Cov(x_{t+k}, x_t) = A^k Sigma (Sigma = var1StationaryCovariance(A, I)), so
 * Cor(h_t, h_{t+k}) = D^-1/2 (A^k Sigma)^T D^-1/2 with D = diag(Sigma), and
 * ||Cor(k)||_2 = ||D^-1/2 A^k Sigma D^-1/2||_2.
 */
import { Matrix, SVD } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { crossCorrelationNorms } from '../../../src/analysis/correlation/index.js';
import { type Series, seriesFromRows } from '../../../src/analysis/series.js';
import { createRng } from '../../../src/processes/prng.js';
import { var1, var1StationaryCovariance } from '../../../src/processes/var1.js';

function matMul(a: number[][], b: number[][]): number[][] {
  return a.map((row) => (b[0] as number[]).map((_, j) => row.reduce((s, v, l) => s + v * ((b[l] as number[])[j] as number), 0)));
}

function trueNorms(A: number[][], K: number): number[] {
  const d = A.length;
  const sigma = var1StationaryCovariance(A, Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (i === j ? 1 : 0))));
  const inv = sigma.map((row, i) => 1 / Math.sqrt(row[i] as number));
  let ak = sigma; // A^k Sigma
  const out: number[] = [];
  for (let k = 0; k <= K; k++) {
    const cor = ak.map((row, i) => row.map((v, j) => v * (inv[i] as number) * (inv[j] as number)));
    out.push(new SVD(new Matrix(cor), { computeLeftSingularVectors: false, computeRightSingularVectors: false }).diagonal[0] as number);
    ak = matMul(A, ak);
  }
  return out;
}

function meanSd(xs: readonly number[]): [number, number] {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  const v = xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1);
  return [m, Math.sqrt(v)];
}

/** Non-normal (upper triangular plus a feedback entry), rho(A) < 1 < ||A||_2. */
const A4 = [
  [0.7, 0.8, 0, 0],
  [0, 0.5, 0.6, 0],
  [0, 0, 0.4, 0.9],
  [0.1, 0, 0, -0.5],
];
const A3 = [
  [0.9, -0.5, 0],
  [0, 0.6, 1.2],
  [0, 0, 0.3],
];

describe('crossCorrelationNorms on a VAR(1) with known cross-correlation matrices', () => {
  for (const [name, A] of [
    ['d = 4, non-normal with feedback', A4],
    ['d = 3, non-normal upper triangular', A3],
  ] as const) {
    it(`time average: ||Cor(k)||_2 within 4.5 replication SE of D^-1/2 A^k Sigma D^-1/2 at every lag (${name})`, () => {
      const K = 40;
      const truth = trueNorms(A as unknown as number[][], K);
      const R = 10;
      const reps: number[][] = [];
      const floors: number[][] = [];
      for (let rep = 0; rep < R; rep++) {
        const rng = createRng(1000 + rep);
        const ens: Series[] = Array.from({ length: 8 }, (_, s) => seriesFromRows(var1(rng.fork(s), 2500, A as unknown as number[][])));
        const res = crossCorrelationNorms(ens, { maxLag: K });
        reps.push(res.norms);
        floors.push(res.noiseFloor?.levels ?? []);
      }
      let checkedAbove = 0;
      for (let k = 0; k <= K; k++) {
        const [mean, sd] = meanSd(reps.map((r) => r[k] as number));
        const se = sd / Math.sqrt(R);
        const floor = meanSd(floors.map((f) => f[k] as number))[0];
        const t = truth[k] as number;
        if (t >= 3 * floor) {
          // Well above the noise, the norm's upward bias ~ sigma^2 d / (2 ||Cor||) is below
          // 0.5 SE here, so the mean of R = 10 replications is within 4.5 SE (4.5 sigma: a
          // two-sided 7e-6 tail per lag for a normal mean, 41 lags).
          expect(Math.abs(mean - t), `lag ${k}: mean ${mean}, truth ${t}, SE ${se}`).toBeLessThanOrEqual(4.5 * se);
          checkedAbove++;
        } else {
          // Near or below the noise floor the estimate is noise-dominated (biased up by
          // E||noise||): it must stay within the truth plus the noise floor.
          expect(mean, `lag ${k}`).toBeLessThanOrEqual(t + floor);
          expect(mean).toBeGreaterThanOrEqual(t - 4.5 * se);
        }
      }
      expect(checkedAbove).toBeGreaterThanOrEqual(8);
    });
  }

  it('ensemble estimator at t0 = 5: within 4.5 replication SE of the same truth (N = 400 sequences)', () => {
    const K = 12;
    const truth = trueNorms(A4, K);
    const reps: number[][] = [];
    for (let rep = 0; rep < 8; rep++) {
      const rng = createRng(2000 + rep);
      const ens: Series[] = Array.from({ length: 400 }, (_, s) => seriesFromRows(var1(rng.fork(s), 20, A4)));
      reps.push(crossCorrelationNorms(ens, { maxLag: K, estimator: 'ensemble', t0: 5, noiseFloor: false }).norms);
    }
    for (let k = 0; k <= K; k++) {
      const [mean, sd] = meanSd(reps.map((r) => r[k] as number));
      const t = truth[k] as number;
      if (t < 0.25) continue; // below ~5 entry SDs (1/sqrt(400)) the norm is noise-biased
      expect(Math.abs(mean - t), `lag ${k}: mean ${mean}, truth ${t}`).toBeLessThanOrEqual(4.5 * (sd / Math.sqrt(8)));
    }
  });
});
