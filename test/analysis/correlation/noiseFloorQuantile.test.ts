/**
 * Noise floors are stated upper quantiles of their null (issue 13): where the true lagged
 * correlation is zero, the measured norm exceeds the floor at about the stated rate
 * (NOISE_FLOOR_QUANTILE = 0.95, so about 5% of lags), for one sequence (Bartlett floor, Monte
 * Carlo quantile) and for 32 (between-sequence null, mean + 2 sd of the pooled null norms), at
 * d = 8 to 256 channels.
 *
 * "True zero": white noise at every lag k >= 1; independent AR(1) channels at lags where
 * phi^k < 1e-3 (phi = 0.9: k >= 66; phi = 0.99: k >= 688), measured at the log-grid lags from 80
 * and 800 on.
 *
 * Tolerances: the exceedances pool 10 seeds x the grid lags; neighbouring lags are positively
 * correlated (persistent estimation noise), so the count is overdispersed against a binomial. A
 * floor that is the mean (the pre-issue-13 Bartlett floor: 19% for white noise, 31% for
 * AR(1) phi = 0.99) fails the upper bound of 12%; a rate below 0.5% where the floor is said to be
 * the 95% quantile fails the lower bound, except for the between-sequence floor of wide states
 * (d = 256: r = 64 components, 16 null pairs), which is conservative (measured 0 of 370) and is
 * checked for the upper bound only.
 */
import { describe, expect, it } from 'vitest';
import { crossCorrelationNorms } from '../../../src/analysis/correlation/index.js';
import { NOISE_FLOOR_QUANTILE } from '../../../src/analysis/correlation/timeAverageEngine.js';
import type { Series } from '../../../src/analysis/series.js';
import { ar1 } from '../../../src/processes/ar1.js';
import { createRng } from '../../../src/processes/prng.js';

function ensemble(N: number, T: number, d: number, seed: number, phi: number): Series[] {
  return Array.from({ length: N }, (_, s) => {
    const data = new Float64Array(T * d);
    for (let i = 0; i < d; i++) {
      const rng = createRng(seed).fork(s).fork(i);
      const x = phi === 0 ? rng.normals(T) : ar1(rng, T, phi);
      for (let t = 0; t < T; t++) data[t * d + i] = x[t] as number;
    }
    return { rows: T, cols: d, data };
  });
}

function exceedance(N: number, T: number, d: number, phi: number, minLag: number, seeds = 10): { rate: number; count: number; total: number } {
  let count = 0;
  let total = 0;
  for (let seed = 0; seed < seeds; seed++) {
    const r = crossCorrelationNorms(ensemble(N, T, d, seed, phi), { maxLag: Math.floor(T / 2), lags: 'log' });
    const floor = r.noiseFloor?.levels ?? [];
    r.lags.forEach((k, i) => {
      if (k < minLag) return;
      total++;
      if ((r.norms[i] as number) > (floor[i] as number)) count++;
    });
  }
  return { rate: count / total, count, total };
}

describe('noise floors are 95% upper quantiles of the null', () => {
  it('the stated quantile is 0.95', () => {
    expect(NOISE_FLOOR_QUANTILE).toBe(0.95);
  });

  const cases: [string, number, number, number, number, number, boolean][] = [
    // label, N, T, d, phi, first lag, two-sided
    ['1 sequence, white noise, d = 8', 1, 8192, 8, 0, 1, true],
    ['1 sequence, white noise, d = 256 (64 components)', 1, 4096, 256, 0, 1, true],
    ['1 sequence, AR(1) phi = 0.9, d = 8, lags >= 80', 1, 16384, 8, 0.9, 80, true],
    ['1 sequence, AR(1) phi = 0.99, d = 16, lags >= 800', 1, 16384, 16, 0.99, 800, true],
    ['32 sequences, white noise, d = 8', 32, 256, 8, 0, 1, true],
    ['32 sequences, AR(1) phi = 0.9, d = 8, lags >= 80', 32, 512, 8, 0.9, 80, true],
    ['32 sequences, white noise, d = 256 (64 components; conservative)', 32, 256, 256, 0, 1, false],
  ];
  for (const [label, N, T, d, phi, minLag, twoSided] of cases) {
    it(`${label}: the measured norm exceeds the floor at about 5% of the lags`, () => {
      const e = exceedance(N, T, d, phi, minLag, d > 32 ? 4 : 10);
      expect(e.rate, `${e.count}/${e.total}`).toBeLessThanOrEqual(0.12);
      if (twoSided) expect(e.rate, `${e.count}/${e.total}`).toBeGreaterThanOrEqual(0.005);
    });
  }
});
