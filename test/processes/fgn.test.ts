import { describe, expect, it } from 'vitest';
import { fbm, fgn, fgnAutocovariance } from '../../src/processes/fgn.js';
import { createRng } from '../../src/processes/prng.js';
import { ensemble, ensembleAutocovariance, maxZScore } from './statistics.js';

// Tolerance: 4 standard errors, the SE estimated from the spread of S independent per-sequence
// estimates. Each comparison then fails by chance with probability ~6e-5 (normal tails; S >= 200
// makes the t-correction negligible), ~3e-3 over the 44 lag/H comparisons of this file, while a
// wrong H or a biased sampler moves the mean by many SE (checked below).
const Z = 4;
const SEQUENCES = 200;
const N = 1024;
const MAX_LAG = 10;

describe('fgn', () => {
  for (const hurst of [0.3, 0.5, 0.7, 0.9]) {
    it(`fgn(rng, n, ${hurst}) has the exact fGn autocovariance at lags 0..10 within 4 standard errors`, () => {
      const base = createRng(1000 + Math.round(100 * hurst));
      const est = ensembleAutocovariance(SEQUENCES, MAX_LAG, (s) => fgn(base.fork(s), N, hurst));
      expect(maxZScore(est, (k) => fgnAutocovariance(k, hurst))).toBeLessThan(Z);
    });
  }

  it('fgn(rng, n, 0.7) estimates are far (> 10 SE) from the lag-1 autocovariance of H = 0.6 (the check has power)', () => {
    const base = createRng(77);
    const est = ensembleAutocovariance(SEQUENCES, 1, (s) => fgn(base.fork(s), N, 0.7));
    const z = Math.abs((est.mean[1] ?? 0) - fgnAutocovariance(1, 0.6)) / (est.standardError[1] ?? 1);
    expect(z).toBeGreaterThan(10);
  });

  for (const hurst of [0.3, 0.7, 0.9]) {
    it(`fbm(rng, n, ${hurst}, 2) ends at B_n with Var B_n = sigma^2 n^(2H) within 4 standard errors`, () => {
      const base = createRng(5000 + Math.round(100 * hurst));
      const n = 512;
      const sigma = 2;
      const rows: Float64Array[] = [];
      for (let s = 0; s < 1000; s++) {
        const path = fbm(base.fork(s), n, hurst, sigma);
        expect(path.length).toBe(n + 1);
        expect(path[0]).toBe(0);
        rows.push(Float64Array.of((path[n] ?? 0) ** 2));
      }
      // E[B_n^2] = Var(sum of n fGn values) = sigma^2 n^(2H) exactly; SE from the spread of B_n^2
      // (about sqrt(2/1000) = 4.5% relative, so 4 SE = 18% while n^(2H) changes by 3.5x per 0.1 in H).
      const est = ensemble(rows);
      expect(maxZScore(est, () => sigma * sigma * n ** (2 * hurst))).toBeLessThan(Z);
    });
  }

  it('fgn(rng, n, H) is reproducible from the seed and has the requested length', () => {
    expect(fgn(createRng(3), 1000, 0.8)).toEqual(fgn(createRng(3), 1000, 0.8));
    expect(fgn(createRng(3), 1000, 0.8).length).toBe(1000);
    expect(fgn(createRng(3), 0, 0.8).length).toBe(0);
    expect(fgn(createRng(3), 1, 0.8).length).toBe(1);
  });

  it('fgnAutocovariance(k, H) matches the closed form, is even in k, is exactly white at H = 1/2, and decays like H(2H-1)k^(2H-2)', () => {
    expect(fgnAutocovariance(0, 0.7, 3)).toBeCloseTo(9, 14);
    // (2^1.4 - 2) / 2 by the defining formula at k = 1.
    expect(fgnAutocovariance(1, 0.7)).toBeCloseTo((2 ** 1.4 - 2) / 2, 15);
    for (const k of [1, 2, 5, 40]) {
      expect(fgnAutocovariance(-k, 0.8)).toBe(fgnAutocovariance(k, 0.8));
      expect(fgnAutocovariance(k, 0.5)).toBe(0);
    }
    // At small lags the series form (k >= 4) and the defining formula agree to ~1e-13 relative
    // (the defining formula loses ~k^2 eps to cancellation).
    for (const hurst of [0.1, 0.3, 0.7, 0.95]) {
      for (const k of [4, 5, 8, 16]) {
        const a = 2 * hurst;
        const direct = 0.5 * ((k + 1) ** a - 2 * k ** a + (k - 1) ** a);
        expect(Math.abs(fgnAutocovariance(k, hurst) - direct)).toBeLessThan(1e-12 * Math.abs(direct));
      }
    }
    // Asymptotics: gamma(k) / (H(2H - 1) k^(2H-2)) = 1 + O(k^-2); at k = 1e4 within 1e-6.
    for (const hurst of [0.2, 0.7, 0.9]) {
      const k = 10_000;
      const ratio = fgnAutocovariance(k, hurst) / (hurst * (2 * hurst - 1) * k ** (2 * hurst - 2));
      expect(Math.abs(ratio - 1)).toBeLessThan(1e-6);
    }
  });

  it('fgn and fgnAutocovariance throw a RangeError for H outside (0, 1), a non-integer n or a non-integer lag', () => {
    const rng = createRng(1);
    for (const bad of [0, 1, -0.1, 1.2, Number.NaN]) {
      expect(() => fgn(rng, 10, bad)).toThrow(RangeError);
      expect(() => fgnAutocovariance(1, bad)).toThrow(/Hurst index H must lie in the open interval \(0, 1\)/);
    }
    expect(() => fgn(rng, 10.5, 0.7)).toThrow(/n must be a nonnegative integer, got 10\.5/);
    expect(() => fgn(rng, -1, 0.7)).toThrow(RangeError);
    expect(() => fbm(rng, 2.5, 0.7)).toThrow(RangeError);
    expect(() => fgnAutocovariance(1.5, 0.7)).toThrow(RangeError);
    expect(() => fgn(rng, 10, 0.7, -1)).toThrow(RangeError);
  });
});
