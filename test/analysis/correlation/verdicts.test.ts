/**
 * The decision rule on processes it was not designed against (one sequence of n = 2^14 each,
 * maxLag n / 4, log lags, default bootstrap): ARFIMA(0, 0.3, 0) (LRD, beta = 1 - 2d = 0.4),
 * AR(1) with phi = 0.99 (SRD with a 100-step memory: may be inconclusive, never LRD), white
 * noise (SRD), ARFIMA(0, -0.3, 0) (antipersistent, |rho| ~ k^-1.6: summable, SRD).
 */
import { describe, expect, it } from 'vitest';
import { type DependenceVerdict, correlationSums } from '../../../src/analysis/correlation/index.js';
import { type Series, seriesFromScalar } from '../../../src/analysis/series.js';
import { ar1 } from '../../../src/processes/ar1.js';
import { arfima } from '../../../src/processes/arfima.js';
import { createRng } from '../../../src/processes/prng.js';

function count(make: (seed: number) => Float64Array, seeds = 20): Record<DependenceVerdict, number> {
  const counts: Record<DependenceVerdict, number> = { SRD: 0, LRD: 0, inconclusive: 0 };
  for (let seed = 1; seed <= seeds; seed++) {
    counts[correlationSums([seriesFromScalar(make(seed))], { maxLag: 4096, lags: 'log' }).verdict]++;
  }
  return counts;
}

describe('correlationSums verdicts on held-out known answers', () => {
  it('ARFIMA(0, 0.3, 0) is LRD on at least 19 of 20 seeds', () => {
    const c = count((seed) => arfima(createRng(seed), 16384, 0.3));
    expect(c.LRD, JSON.stringify(c)).toBeGreaterThanOrEqual(19);
  });

  it('AR(1) with phi = 0.99 is never LRD (20 seeds)', () => {
    const c = count((seed) => ar1(createRng(seed), 16384, 0.99));
    expect(c.LRD, JSON.stringify(c)).toBe(0);
  });

  it('white noise is SRD on 20 of 20 seeds, with the norm at the floor from the first lags', () => {
    const c = count((seed) => createRng(seed).normals(16384));
    expect(c.SRD, JSON.stringify(c)).toBe(20);
    const out = correlationSums([seriesFromScalar(createRng(99).normals(16384))], { maxLag: 4096, lags: 'log' });
    expect(out.evidence.floorLag).toBeLessThanOrEqual(4);
    // S(infinity) of white noise is ||Cor(0)|| = 1: the estimate stops at the floor.
    expect(out.evidence.sumEstimate).toBeGreaterThanOrEqual(1 - 1e-12);
    expect(out.evidence.sumEstimate).toBeLessThan(1.1);
  });

  it('antipersistent ARFIMA(0, -0.3, 0) is SRD on at least 19 of 20 seeds and never LRD', () => {
    const c = count((seed) => arfima(createRng(seed), 16384, -0.3));
    // Since the single-sequence floor is the 95% null quantile (issue 13), the fit range is
    // shorter: on seed 17 beta = 1.29 with interval [0.96, 1.63] now contains 1 (inconclusive).
    expect(c.SRD, JSON.stringify(c)).toBeGreaterThanOrEqual(19);
    expect(c.LRD, JSON.stringify(c)).toBe(0);
  });

  it('ensemble estimator (N = 200 sequences at t0 = 10): AR(1) phi = 0.9 is LRD on at most 1 of 20 seeds, white noise never', () => {
    // Cross-sectional estimates have errors that are coherent across lags (the same sample of
    // h_t0 enters every lag), and with ~1 decade of resolvable lags a single sample can look
    // power-law-like; the bootstrap preference rule keeps those inconclusive (measured: seeds
    // 1..20 give 0 LRD, seeds 21..40 give 1).
    let lrdAr = 0;
    let lrdWhite = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const rng = createRng(seed);
      const ar: Series[] = Array.from({ length: 200 }, (_, s) => seriesFromScalar(ar1(rng.fork(s), 300, 0.9)));
      const wn: Series[] = Array.from({ length: 200 }, (_, s) => seriesFromScalar(rng.fork(1000 + s).normals(300)));
      const opts = { maxLag: 250, estimator: 'ensemble', t0: 10, lags: 'log' } as const;
      if (correlationSums(ar, opts).verdict === 'LRD') lrdAr++;
      if (correlationSums(wn, opts).verdict === 'LRD') lrdWhite++;
    }
    expect(lrdAr).toBeLessThanOrEqual(1);
    expect(lrdWhite).toBe(0);
  });

  it('the evidence names the fit, the interval and the partial sums', () => {
    const out = correlationSums([seriesFromScalar(arfima(createRng(5), 16384, 0.3))], { maxLag: 4096, lags: 'log' });
    expect(out.verdict).toBe('LRD');
    const e = out.evidence;
    expect(e.powerLawFitsBetter).toBe(true);
    expect(e.powerLawPreference).toBeGreaterThanOrEqual(0.75);
    expect(e.betaInterval?.method).toBe('bootstrap');
    expect(e.betaInterval?.replicates).toBe(200);
    expect(e.betaInterval?.upper).toBeLessThan(1);
    expect(e.decadesSpanned).toBeGreaterThanOrEqual(1);
    expect(e.sumsFlatten).toBe(false);
    expect(e.sumEstimate).toBe(Infinity);
    expect(out.norms.bootstrap?.unitKind).toBe('blocks');
    expect(out.norms.noiseFloor?.method).toBe('bartlett');
    expect(out.reason).toContain('power law fits better');
  });
});
