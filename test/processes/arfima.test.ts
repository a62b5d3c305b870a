import { describe, expect, it } from 'vitest';
import { arfima, arfimaAutocovariance, arfimaAutocovariances } from '../../src/processes/arfima.js';
import { stationaryGaussianSampler } from '../../src/processes/circulantEmbedding.js';
import { lnGamma } from '../../src/processes/internal/lnGamma.js';
import { createRng } from '../../src/processes/prng.js';
import { ensembleAutocovariance, maxZScore } from './statistics.js';

describe('arfima', () => {
  for (const d of [0.1, 0.3, -0.2]) {
    it(`arfima(rng, n, ${d}) has the exact ARFIMA(0,d,0) autocovariance at lags 0..10 within 4 standard errors`, () => {
      const base = createRng(700 + Math.round(100 * d));
      const exact = arfimaAutocovariances(10, d);
      const est = ensembleAutocovariance(200, 10, (s) => arfima(base.fork(s), 1024, d));
      // 4 SE from the spread of 200 independent per-sequence estimates (see fgn.test.ts).
      expect(maxZScore(est, (k) => exact[k] ?? Number.NaN)).toBeLessThan(4);
    });
  }

  it('arfima(rng, n, d) uses the exact Davies-Harte embedding for d in {-0.45, -0.2, 0.1, 0.3, 0.45}', () => {
    for (const d of [-0.45, -0.2, 0.1, 0.3, 0.45]) {
      const table = arfimaAutocovariances(4096, d);
      const sampler = stationaryGaussianSampler(1000, (k) => table[k] ?? Number.NaN);
      expect(sampler.method).toBe('davies-harte');
      expect(sampler.embeddingSize).toBe(2048);
    }
    expect(arfima(createRng(1), 1000, 0.3)).toEqual(arfima(createRng(1), 1000, 0.3));
  });

  it('arfimaAutocovariance(k, 0) equals the white-noise autocovariance sigma^2 [k = 0] exactly', () => {
    expect(arfimaAutocovariance(0, 0)).toBe(1);
    expect(arfimaAutocovariance(0, 0, 2)).toBe(4);
    for (const k of [1, 2, 3, 50, -4]) expect(arfimaAutocovariance(k, 0)).toBe(0);
    expect(Array.from(arfimaAutocovariances(3, 0, 3))).toEqual([9, 0, 0, 0]);
  });

  it('arfimaAutocovariances(maxLag, d, sigma) has gamma(0) = sigma^2 Gamma(1-2d)/Gamma(1-d)^2, the ratio recursion, and the Gamma-function closed form', () => {
    // gamma(0) at d = 1/4: Gamma(1/2) / Gamma(3/4)^2 with Gamma(1/2) = sqrt(pi) and
    // Gamma(3/4) = 1.2254167024651776451... (standard constant, 20 digits).
    const gamma0 = Math.sqrt(Math.PI) / 1.2254167024651776451 ** 2;
    const g = arfimaAutocovariances(200, 0.25, 1.5);
    expect(Math.abs((g[0] ?? 0) / (2.25 * gamma0) - 1)).toBeLessThan(1e-13);
    expect(g[1]).toBeCloseTo(((g[0] ?? 0) * 0.25) / 0.75, 14);
    // Closed form gamma(k) = gamma(0) Gamma(k + d) Gamma(1 - d) / (Gamma(k - d + 1) Gamma(d)),
    // written with 1 / Gamma(d) = d / Gamma(d + 1) so every lnGamma argument is positive.
    // Relative agreement 1e-11 (lnGamma of arguments up to 200 carries ~1e-13 absolute error).
    for (const d of [0.25, 0.4, -0.3]) {
      const table = arfimaAutocovariances(200, d);
      for (const k of [1, 7, 50, 200]) {
        const lnRatio = lnGamma(k + d) + lnGamma(1 - d) - lnGamma(k - d + 1) - lnGamma(d + 1);
        const reference = (table[0] ?? 0) * d * Math.exp(lnRatio);
        expect(Math.abs((table[k] ?? 0) / reference - 1)).toBeLessThan(1e-11);
        expect(arfimaAutocovariance(k, d)).toBe(table[k]);
        expect(arfimaAutocovariance(-k, d)).toBe(table[k]);
      }
    }
  });

  it('arfima and arfimaAutocovariance throw a RangeError for d outside (-0.5, 0.5) or a non-integer n', () => {
    const rng = createRng(1);
    for (const bad of [0.5, -0.5, 0.7, Number.NaN]) {
      expect(() => arfima(rng, 10, bad)).toThrow(RangeError);
      expect(() => arfimaAutocovariance(1, bad)).toThrow(/d must lie in the open interval \(-0\.5, 0\.5\)/);
      expect(() => arfimaAutocovariances(3, bad)).toThrow(RangeError);
    }
    expect(() => arfima(rng, 1.5, 0.2)).toThrow(/n must be a nonnegative integer, got 1\.5/);
    expect(() => arfimaAutocovariances(-1, 0.2)).toThrow(RangeError);
  });
});

describe('lnGamma (internal)', () => {
  it('lnGamma(x) matches ln of known Gamma values to 1e-14 absolute', () => {
    expect(lnGamma(1)).toBe(0);
    expect(lnGamma(2)).toBe(0);
    const known: [number, number][] = [
      [0.5, 0.5 * Math.log(Math.PI)],
      [5, Math.log(24)],
      [10, Math.log(362880)],
      [1.5, Math.log(Math.sqrt(Math.PI) / 2)],
      [0.25, Math.log(3.6256099082219083119)], // Gamma(1/4) to 20 digits
      [0.1, Math.log(9.5135076986687318397)], // Gamma(1/10)
    ];
    for (const [x, expected] of known) expect(Math.abs(lnGamma(x) - expected)).toBeLessThan(1e-14 * Math.max(1, Math.abs(expected)));
    expect(() => lnGamma(0)).toThrow(RangeError);
    expect(() => lnGamma(-1.5)).toThrow(RangeError);
  });
});
