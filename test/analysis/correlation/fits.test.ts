/**
 * Building blocks: decay fits, the log lag grid, partial sums over log lags, and the noise
 * floor's calibration on white noise.
 */
import { describe, expect, it } from 'vitest';
import {
  correlationVerdict,
  crossCorrelationNorms,
  fitExponentialDecay,
  fitPowerLawDecay,
  logLagGrid,
  noiseFloorFromNull,
  partialSumsOverLags,
} from '../../../src/analysis/correlation/index.js';
import { type Series, seriesFromScalar } from '../../../src/analysis/series.js';
import { createRng } from '../../../src/processes/prng.js';

describe('decay fits', () => {
  it('fitExponentialDecay recovers a and tau exactly from a noiseless exponential', () => {
    const lags = [1, 2, 3, 5, 8, 13];
    const fit = fitExponentialDecay(lags, lags.map((k) => 0.7 * Math.exp(-k / 4)));
    expect(fit.tau).toBeCloseTo(4, 12);
    expect(fit.amplitude).toBeCloseTo(0.7, 12);
    expect(fit.r2).toBeCloseTo(1, 12);
    expect(fit.rss).toBeLessThan(1e-24);
    expect(fitExponentialDecay([1, 2, 3], [0.5, 0.25, 0.125]).tau).toBeCloseTo(1 / Math.LN2, 12);
  });

  it('fitPowerLawDecay recovers a and beta exactly from a noiseless power law; the exponential fits it worse', () => {
    const lags = logLagGrid(1000).filter((k) => k >= 1);
    const norms = lags.map((k) => 0.3 * k ** -0.4);
    const p = fitPowerLawDecay(lags, norms);
    expect(p.beta).toBeCloseTo(0.4, 12);
    expect(p.amplitude).toBeCloseTo(0.3, 12);
    expect(p.betaStandardError).toBeLessThan(1e-10);
    expect(fitExponentialDecay(lags, norms).rss).toBeGreaterThan(1);
    expect(fitPowerLawDecay([1, 2, 4], [1, 0.5, 0.25]).beta).toBeCloseTo(1, 12);
  });

  it('a slope >= 0 means no exponential decay: tau = Infinity', () => {
    expect(fitExponentialDecay([1, 2, 3], [0.1, 0.1, 0.2]).tau).toBe(Infinity);
  });
});

describe('lag grid and partial sums', () => {
  it('logLagGrid(K) holds 0..10, then about 24 lags per decade, then K', () => {
    expect(logLagGrid(20)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 17, 19, 20]);
    expect(logLagGrid(3)).toEqual([0, 1, 2, 3]);
    const g = logLagGrid(10000);
    expect(g[g.length - 1]).toBe(10000);
    const perDecade = g.filter((k) => k >= 100 && k < 1000).length;
    expect(perDecade).toBeGreaterThanOrEqual(23);
    expect(perDecade).toBeLessThanOrEqual(25);
  });

  it('partialSumsOverLags integrates skipped lags along the power law through the neighbours', () => {
    expect(partialSumsOverLags([0, 1, 2], [1, 0.5, 0.25])).toEqual([1, 1.5, 1.75]);
    const s = partialSumsOverLags([0, 1, 4], [1, 1, 0.25]);
    expect(s[2]).toBeCloseTo(2 + 1 / 2 + 1 / 3 + 1 / 4, 12);
    // A pure power law is summed exactly from a log grid.
    const lags = logLagGrid(5000);
    const norms = lags.map((k) => (k === 0 ? 1 : k ** -0.7));
    let exact = 1;
    for (let k = 1; k <= 5000; k++) exact += k ** -0.7;
    expect((partialSumsOverLags(lags, norms).at(-1) as number) / exact - 1).toBeLessThan(1e-12);
  });
});

describe('noise floor', () => {
  it('noiseFloorFromNull scales a pooled level by 1 / sqrt(pairs)', () => {
    expect(noiseFloorFromNull([0.01, 0.01], [10000, 10000], [10000, 2500])).toEqual([0.01, 0.02]);
  });

  it('white noise: the independent-sequence floor sits at the Bai-Yin edge 2 sqrt(d / n) (d = 8), the Bartlett floor too', () => {
    // Tolerance: for an 8 x 8 matrix of iid N(0, 1/n) entries E||E||_2 is about 0.9 of the
    // asymptotic edge 2 sqrt(d / n) and its SD about 0.1 of it, so mean + 2 sd lies near 1.1
    // of the edge; [0.9, 1.3] allows for the pooled estimate's own spread.
    const d = 8;
    const N = 20;
    const T = 1000;
    const ens: Series[] = Array.from({ length: N }, (_, s) => ({ rows: T, cols: d, data: createRng(100 + s).normals(T * d) }));
    const res = crossCorrelationNorms(ens, { maxLag: 200, lags: 'log' });
    expect(res.noiseFloor?.method).toBe('independent-sequences');
    const edge = (k: number): number => 2 * Math.sqrt(d / (N * (T - k)));
    res.lags.forEach((k, i) => {
      const ratio = (res.noiseFloor?.levels[i] as number) / edge(k);
      expect(ratio).toBeGreaterThan(0.9);
      expect(ratio).toBeLessThan(1.3);
    });
    // At most a few lags k >= 1 of white noise exceed the floor, and the verdict is SRD.
    const above = res.lags.filter((k, i) => k >= 1 && (res.norms[i] as number) > (res.noiseFloor?.levels[i] as number));
    expect(above.length).toBeLessThanOrEqual(3);
    expect(correlationVerdict(res).verdict).toBe('SRD');
    // One sequence: the Bartlett floor 2 max_i sqrt(sum_j v_ij) = 2 sqrt(d / T) for white noise.
    const one = crossCorrelationNorms([ens[0] as Series], { maxLag: 200, lags: 'log' });
    expect(one.noiseFloor?.method).toBe('bartlett');
    one.lags.forEach((k, i) => {
      const ratio = (one.noiseFloor?.levels[i] as number) / (2 * Math.sqrt(d / (T - k)));
      expect(ratio).toBeGreaterThan(0.95);
      expect(ratio).toBeLessThan(1.1);
    });
  });

  it('the scalar floor is 2 sd of the lag-k autocorrelation of an independent copy (white noise: 2 / sqrt(n))', () => {
    const ens = Array.from({ length: 50 }, (_, s) => seriesFromScalar(createRng(500 + s).normals(2000)));
    const res = crossCorrelationNorms(ens, { maxLag: 100 });
    const expected = 2 / Math.sqrt(50 * 2000);
    // Pooled over ~70 null lags: the level's relative SE is about 10%.
    expect((res.noiseFloor?.levels[0] as number) / expected).toBeGreaterThan(0.8);
    expect((res.noiseFloor?.levels[0] as number) / expected).toBeLessThan(1.25);
  });
});
