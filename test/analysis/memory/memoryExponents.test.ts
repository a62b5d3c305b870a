/**
 * memoryExponents on multichannel series with known memory: independent fGn channels with
 * distinct H and variances, mixed by a rotation, so that the principal components are the
 * channels (up to sign) and the leading one carries the largest H.
 */
import { describe, expect, it } from 'vitest';
import { memoryExponents } from '../../../src/analysis/memory/index.js';
import type { Series } from '../../../src/analysis/series.js';
import { createRng, fgn } from '../../../src/processes/index.js';

/** Rotation R = R_z(0.7) R_x(0.4) (orthogonal): h_t = R diag(sd) s_t, s independent unit fGn channels. */
const ROTATION: readonly (readonly number[])[] = (() => {
  const a = 0.7;
  const b = 0.4;
  const rz = [
    [Math.cos(a), -Math.sin(a), 0],
    [Math.sin(a), Math.cos(a), 0],
    [0, 0, 1],
  ];
  const rx = [
    [1, 0, 0],
    [0, Math.cos(b), -Math.sin(b)],
    [0, Math.sin(b), Math.cos(b)],
  ];
  return rz.map((row) => [0, 1, 2].map((j) => row.reduce((acc, v, k) => acc + v * ((rx[k] as number[])[j] as number), 0)));
})();

const HURSTS = [0.9, 0.6, 0.5] as const;
const SDS = [3, 1.5, 1] as const;

function mixedSeries(seed: number, n: number): Series {
  const rng = createRng(seed);
  const sources = HURSTS.map((h, c) => fgn(rng.fork(c), n, h));
  const data = new Float64Array(n * 3);
  for (let t = 0; t < n; t++) {
    for (let i = 0; i < 3; i++) {
      let v = 0;
      for (let c = 0; c < 3; c++) v += ((ROTATION[i] as number[])[c] as number) * (SDS[c] as number) * ((sources[c] as Float64Array)[t] as number);
      data[t * 3 + i] = v + 10 * i; // channel offsets: the pooled mean must be removed
    }
  }
  return { rows: n, cols: 3, data };
}

describe('memoryExponents', () => {
  it('memoryExponents(3 rotated fGn channels, H = 0.9 / 0.6 / 0.5, sd 3 / 1.5 / 1) recovers the leading component and its H = 0.9', () => {
    const r = memoryExponents(mixedSeries(1, 16384));
    expect(r.channels).toBe(3);
    expect(r.sequences).toBe(1);
    expect(r.components).toHaveLength(3);
    const [c0, c1, c2] = r.components as [(typeof r.components)[0], (typeof r.components)[0], (typeof r.components)[0]];
    // Leading eigenvector = first rotation column up to sign: |cos| > 0.99.
    const cos = Math.abs(c0.loadings.reduce((acc, v, i) => acc + v * ((ROTATION[i] as number[])[0] as number), 0));
    expect(cos).toBeGreaterThan(0.99);
    // Explained variance 9 / 12.25 = 0.735; the H = 0.9 channel's sample variance is itself noisy
    // (the sample mean absorbs (n)^(2H-2) = 0.14 of it on average), so +-0.08.
    expect(Math.abs(c0.explainedVarianceRatio - 9 / 12.25)).toBeLessThan(0.08);
    expect(c0.explainedVarianceRatio + c1.explainedVarianceRatio + c2.explainedVarianceRatio).toBeCloseTo(1, 12);
    expect(r.eigenvalues[0]).toBeGreaterThanOrEqual(r.eigenvalues[1] as number);
    // H of the leading component: DFA and aggregated variance within 3 SE (and 0.1); GPH (SE 0.06) within 3 SE.
    console.log(
      `leading PC: DFA ${c0.dfa.hurst.toFixed(4)} +- ${c0.dfa.standardError.toFixed(4)}, GPH ${c0.gph.hurst.toFixed(4)} +- ${c0.gph.standardError.toFixed(4)}, AV ${c0.aggregatedVariance.hurst.toFixed(4)} +- ${c0.aggregatedVariance.standardError.toFixed(4)}; PC2 DFA ${c1.dfa.hurst.toFixed(4)}, PC3 DFA ${c2.dfa.hurst.toFixed(4)}; explained ${c0.explainedVarianceRatio.toFixed(4)}`,
    );
    for (const est of [c0.dfa, c0.gph, c0.aggregatedVariance]) {
      expect(Math.abs(est.hurst - 0.9)).toBeLessThan(Math.max(3 * est.standardError, 0.03));
      expect(Math.abs(est.hurst - 0.9)).toBeLessThan(0.18);
    }
    expect(Math.abs(c0.dfa.hurst - 0.9)).toBeLessThan(0.1);
    // The other two: H = 0.6 and 0.5 by DFA (SE about 0.02).
    expect(Math.abs(c1.dfa.hurst - 0.6)).toBeLessThan(0.07);
    expect(Math.abs(c2.dfa.hurst - 0.5)).toBeLessThan(0.07);
    expect(c0.gph.d).toBeCloseTo(c0.gph.hurst - 0.5, 15);
    expect(Number.isNaN(c0.dfa.spreadStandardError)).toBe(true);
    // Sign convention: the largest-magnitude loading is positive.
    const big = c0.loadings.reduce((bi, v, i, a) => (Math.abs(v) > Math.abs(a[bi] as number) ? i : bi), 0);
    expect(c0.loadings[big]).toBeGreaterThan(0);
  });

  it('memoryExponents(ensemble of 4 sequences) pools the covariance and averages the per-sequence H with SE sqrt(sum SE^2) / N', () => {
    const seqs = [11, 12, 13, 14].map((s) => mixedSeries(s, 4096));
    const r = memoryExponents(seqs, { components: 1, aggregatedVariance: { bootstrapReplicates: 0 } });
    expect(r.sequences).toBe(4);
    expect(r.timeSteps).toBe(4 * 4096);
    expect(r.components).toHaveLength(1);
    const c0 = r.components[0] as (typeof r.components)[0];
    expect(c0.dfa.perSequence).toHaveLength(4);
    const mean = c0.dfa.perSequence.reduce((a, b) => a + b, 0) / 4;
    expect(c0.dfa.hurst).toBeCloseTo(mean, 14);
    const se = Math.sqrt(c0.details.dfa.reduce((a, d) => a + d.standardError ** 2, 0)) / 4;
    expect(c0.dfa.standardError).toBeCloseTo(se, 14);
    expect(c0.dfa.spreadStandardError).toBeGreaterThan(0);
    expect(Math.abs(c0.dfa.hurst - 0.9)).toBeLessThan(Math.max(3 * c0.dfa.standardError, 0.05));
    expect(Number.isNaN(c0.aggregatedVariance.standardError)).toBe(true); // bootstrap skipped
  });

  it('memoryExponents drops zero-variance components by default and analyses only the positive ones', () => {
    const n = 2048;
    const x = fgn(createRng(2), n, 0.7);
    const data = new Float64Array(n * 3);
    for (let t = 0; t < n; t++) {
      data[t * 3] = x[t] as number;
      data[t * 3 + 1] = 2 * (x[t] as number); // collinear with channel 0
      data[t * 3 + 2] = 5; // constant
    }
    const r = memoryExponents({ rows: n, cols: 3, data }, { aggregatedVariance: { bootstrapReplicates: 0 } });
    expect(r.components).toHaveLength(1);
    expect(r.components[0]?.explainedVarianceRatio).toBeCloseTo(1, 12);
    const l = r.components[0]?.loadings as number[];
    expect(l[0]).toBeCloseTo(1 / Math.sqrt(5), 12);
    expect(l[1]).toBeCloseTo(2 / Math.sqrt(5), 12);
    expect(Math.abs(l[2] as number)).toBeLessThan(1e-12);
  });
});
