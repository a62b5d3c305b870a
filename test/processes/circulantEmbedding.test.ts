import { describe, expect, it } from 'vitest';
import {
  gaussianFromAutocovariance,
  gaussianFromAutocovarianceWithInfo,
  stationaryGaussianSampler,
} from '../../src/processes/circulantEmbedding.js';
import { fgnAutocovariance } from '../../src/processes/fgn.js';
import { hosking } from '../../src/processes/hosking.js';
import { type Rng, createRng } from '../../src/processes/prng.js';
import { ensembleAutocovariance, maxZScore } from './statistics.js';

/**
 * gamma = (1, rho, 0, 0, ...) with rho = 0.55 > 1/2 is not an autocovariance on all of Z (the
 * MA(1) bound |rho| <= 1/2 fails), so every circulant embedding is indefinite: its eigenvalues
 * are 1 + 2 rho cos(2 pi j / M), the smallest 1 - 2 rho = -0.1 at j = M/2, at every size M.
 * The n x n Toeplitz matrix (tridiagonal) has eigenvalues 1 + 2 rho cos(pi j / (n + 1)),
 * all positive for n <= 6 (cos(pi / 7) = 0.901 < 1 / 1.1), so Hosking's method is exact there.
 */
const RHO = 0.55;
const indefinite = (k: number): number => (k === 0 ? 1 : k === 1 ? RHO : 0);

/**
 * The exact covariance of a sampler that is linear in its normal draws, x = B z: feed the
 * unit vectors e_i as the draws (a stub generator whose normal() returns 1 at call i and 0
 * otherwise), so x^(i) = B e_i and Cov(x) = B B^T = sum_i x^(i) x^(i)^T, with no sampling error.
 */
function exactCovariance(sample: (rng: Rng) => Float64Array): number[][] {
  let calls = 0;
  const counter = { normal: (): number => (calls++, 0) } as unknown as Rng;
  const n = sample(counter).length;
  const draws = calls;
  const cov = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < draws; i++) {
    let call = 0;
    const unit = { normal: (): number => (call++ === i ? 1 : 0) } as unknown as Rng;
    const x = sample(unit);
    for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) (cov[a] as number[])[b] = (cov[a]?.[b] ?? 0) + (x[a] ?? 0) * (x[b] ?? 0);
  }
  return cov;
}

/** max |Cov(x)_{ab} - gamma(|a - b|)| / gamma(0). */
function toeplitzError(cov: number[][], gamma: (k: number) => number): number {
  let worst = 0;
  cov.forEach((row, a) => row.forEach((v, b) => (worst = Math.max(worst, Math.abs(v - gamma(Math.abs(a - b)))))));
  return worst / gamma(0);
}

describe('gaussianFromAutocovariance', () => {
  it('gaussianFromAutocovariance(rng, n, gamma) is exactly Toeplitz(gamma)-distributed: the covariance of its linear map matches to 1e-13', () => {
    // Deterministic check of the Davies-Harte weights, including the real weights at frequencies
    // 0 and m (large for antipersistent H = 0.3 and for phi = -0.8); FFT round-off ~1e-16.
    const cases: [string, (k: number) => number][] = [
      ['fGn H = 0.3', (k) => fgnAutocovariance(k, 0.3)],
      ['fGn H = 0.9', (k) => fgnAutocovariance(k, 0.9)],
      ['AR(1) phi = -0.8', (k) => (-0.8) ** k / 0.36],
    ];
    for (const [, gamma] of cases) {
      for (const n of [1, 5, 8, 13]) {
        const sampler = stationaryGaussianSampler(n, gamma);
        expect(sampler.method).toBe('davies-harte');
        expect(toeplitzError(exactCovariance((rng) => sampler.sample(rng)), gamma)).toBeLessThan(1e-13);
      }
    }
  });

  it('hosking(rng, n, gamma) is exactly Toeplitz(gamma)-distributed: the covariance of its linear map matches to 1e-12', () => {
    for (const gamma of [(k: number) => fgnAutocovariance(k, 0.8), (k: number) => (-0.8) ** k / 0.36, indefinite]) {
      const n = gamma === indefinite ? 6 : 12;
      // Durbin-Levinson round-off grows with the condition of the Toeplitz matrix; 1e-12 is ample.
      expect(toeplitzError(exactCovariance((rng) => hosking(rng, n, gamma)), gamma)).toBeLessThan(1e-12);
    }
  });

  it('gaussianFromAutocovariance and hosking give the same fGn(H = 0.8) autocovariance at lags 0..10 within 4 standard errors', () => {
    const gamma = (k: number): number => fgnAutocovariance(k, 0.8);
    const base = createRng(11);
    const n = 64;
    const count = 2000;
    const dh = ensembleAutocovariance(count, 10, (s) => gaussianFromAutocovariance(base.fork(s), n, gamma));
    const hk = ensembleAutocovariance(count, 10, (s) => hosking(base.fork(count + s), n, gamma));
    // Each against the exact autocovariance, and against each other (independent ensembles: the
    // SE of the difference is sqrt(SE_1^2 + SE_2^2)); 4 SE as in fgn.test.ts.
    expect(maxZScore(dh, gamma)).toBeLessThan(4);
    expect(maxZScore(hk, gamma)).toBeLessThan(4);
    for (let k = 0; k <= 10; k++) {
      const se = Math.hypot(dh.standardError[k] ?? 0, hk.standardError[k] ?? 0);
      expect(Math.abs((dh.mean[k] ?? 0) - (hk.mean[k] ?? 0))).toBeLessThan(4 * se);
    }
  });

  it('gaussianFromAutocovarianceWithInfo reports Davies-Harte with embedding size 2 nextPowerOfTwo(n) for a valid autocovariance', () => {
    const info = gaussianFromAutocovarianceWithInfo(createRng(1), 1000, (k) => 0.5 ** k);
    expect(info.method).toBe('davies-harte');
    expect(info.embeddingSize).toBe(2048);
    expect(info.values.length).toBe(1000);
    // Circulant eigenvalues of 0.5^|k| are positive, bounded below by (1 - 0.5)/(1 + 0.5) = 1/3.
    expect(info.minEigenvalue).toBeGreaterThan(1 / 3 - 1e-9);
    expect(gaussianFromAutocovariance(createRng(1), 1000, (k) => 0.5 ** k)).toEqual(info.values);
  });

  it('gaussianFromAutocovariance falls back to Hosking when the embedding is indefinite at every size, and the sample has the requested autocovariance within 4 standard errors', () => {
    const info = gaussianFromAutocovarianceWithInfo(createRng(2), 6, indefinite);
    expect(info.method).toBe('hosking');
    // m = nextPowerOfTwo(6) = 8, size 16, doubled 4 times: 256.
    expect(info.embeddingSize).toBe(256);
    expect(info.minEigenvalue).toBeCloseTo(1 - 2 * RHO, 12);
    const sampler = stationaryGaussianSampler(6, indefinite);
    const base = createRng(3);
    const est = ensembleAutocovariance(20_000, 5, (s) => sampler.sample(base.fork(s)));
    expect(maxZScore(est, indefinite)).toBeLessThan(4);
  });

  it('gaussianFromAutocovariance with fallback: false throws naming the most negative eigenvalue and the embedding size', () => {
    const call = (): Float64Array => gaussianFromAutocovariance(createRng(1), 6, indefinite, { fallback: false });
    expect(call).toThrow(/most negative eigenvalue -0\.1\d*/);
    expect(call).toThrow(/embedding size 256/);
    expect(() => gaussianFromAutocovariance(createRng(1), 6, indefinite, { fallback: false, maxDoublings: 0 })).toThrow(
      /embedding size 16/,
    );
  });

  it('gaussianFromAutocovariance clips round-off negative eigenvalues: the singular cos(pi k / 2) covariance is sampled exactly', () => {
    // gamma(k) = cos(pi k / 2) is the covariance of a cos(pi t / 2) + b sin(pi t / 2): its circulant
    // eigenvalues are M/2 at j = M/4, 3M/4 and zero (up to round-off) elsewhere. Hosking fails on it
    // (singular), Davies-Harte must clip and succeed, and every sample satisfies x_{t+2} = -x_t.
    const gamma = (k: number): number => [1, 0, -1, 0][k % 4] ?? Number.NaN;
    const info = gaussianFromAutocovarianceWithInfo(createRng(4), 100, gamma);
    expect(info.method).toBe('davies-harte');
    for (let t = 0; t + 2 < 100; t++) {
      expect(Math.abs((info.values[t + 2] ?? 0) + (info.values[t] ?? 0))).toBeLessThan(1e-12);
    }
    expect(() => hosking(createRng(4), 100, gamma)).toThrow(/not positive definite/);
  });

  it('hosking throws naming the order when the Toeplitz matrix is not positive definite for n', () => {
    // rho = 0.6: positive definite only for n <= 4 (cos(pi / 5) = 0.809 < 1 / 1.2 < cos(pi / 6)).
    const gamma = (k: number): number => (k === 0 ? 1 : k === 1 ? 0.6 : 0);
    expect(hosking(createRng(1), 4, gamma).length).toBe(4);
    expect(() => hosking(createRng(1), 5, gamma)).toThrow(/not positive definite for n = 5.*order 4/);
  });

  it('gaussianFromAutocovariance validates n, the autocovariance values and the options', () => {
    const rng = createRng(1);
    expect(gaussianFromAutocovariance(rng, 0, (k) => 0.5 ** k).length).toBe(0);
    expect(() => gaussianFromAutocovariance(rng, 3.5, (k) => 0.5 ** k)).toThrow(/n must be a nonnegative integer, got 3\.5/);
    expect(() => gaussianFromAutocovariance(rng, 8, () => Number.NaN)).toThrow(/autocovariance\(0\) must be a finite number/);
    expect(() => gaussianFromAutocovariance(rng, 8, (k) => (k === 0 ? 0 : 0))).toThrow(/autocovariance\(0\) must be > 0/);
    expect(() => gaussianFromAutocovariance(rng, 8, (k) => 0.5 ** k, { maxDoublings: -1 })).toThrow(RangeError);
    expect(() => hosking(rng, -2, (k) => 0.5 ** k)).toThrow(RangeError);
  });
});
