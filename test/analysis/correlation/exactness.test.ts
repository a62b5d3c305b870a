/**
 * The fast estimator (projection + FFT + Lanczos) against the direct all-channel computation
 * (crossCorrelationMatrix, O(N T d^2) per lag, then an SVD per lag).
 */
import { Matrix, SVD } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { crossCorrelationMatrix, crossCorrelationNorms } from '../../../src/analysis/correlation/index.js';
import { type Series, seriesFromRows } from '../../../src/analysis/series.js';
import { createRng } from '../../../src/processes/prng.js';
import { var1 } from '../../../src/processes/var1.js';

/** Non-normal stable VAR(1) (rho = 0.8, ||A||_2 > 1). */
const A5 = [
  [0.8, 0.6, 0, 0, 0],
  [0, 0.5, 0.7, 0, 0],
  [0, 0, -0.3, 0.9, 0],
  [0, 0, 0, 0.6, 0.5],
  [0.2, 0, 0, 0, 0.1],
];

function varEnsemble(seed: number, N: number, T: number): Series[] {
  const rng = createRng(seed);
  return Array.from({ length: N }, (_, s) => seriesFromRows(var1(rng.fork(s), T, A5)));
}

function exactNorm(m: number[][]): number {
  return new SVD(new Matrix(m), { computeLeftSingularVectors: false, computeRightSingularVectors: false }).diagonal[0] as number;
}

function maxRelativeGap(a: readonly number[], b: readonly number[]): number {
  let worst = 0;
  a.forEach((v, i) => {
    worst = Math.max(worst, Math.abs(v - (b[i] as number)) / Math.max(1e-300, Math.abs(b[i] as number)));
  });
  return worst;
}

/**
 * Channels 0..3: one strong common white-noise factor (large lag-0 eigenvalue, no memory);
 * channels 4..7: independent AR(1), phi = 0.9 (small eigenvalues, all the memory). Projecting on
 * the leading component keeps none of the lagged correlation: the strict case of the bound.
 */
function hiddenMemory(seed: number, N: number, T: number): Series[] {
  const rng = createRng(seed);
  return Array.from({ length: N }, (_, s) => {
    const r = rng.fork(s);
    const data = new Float64Array(T * 8);
    const ar = new Float64Array(4);
    for (let t = 0; t < T; t++) {
      const common = 3 * r.normal();
      for (let i = 0; i < 4; i++) data[t * 8 + i] = common + r.normal();
      for (let i = 0; i < 4; i++) {
        ar[i] = 0.9 * (ar[i] as number) + r.normal();
        data[t * 8 + 4 + i] = ar[i] as number;
      }
    }
    return { rows: T, cols: 8, data };
  });
}

describe('crossCorrelationNorms against the direct all-channel estimator', () => {
  // Tolerance 1e-9 relative: the FFT route and the direct sums differ by round-off
  // (~1e-15 log2(nfft) relative to the largest products), and Lanczos runs to its full
  // dimension (d <= 5 steps), so the norm is exact up to the same round-off.
  it('time average with r = d equals ||crossCorrelationMatrix(k)||_2 at every lag (d = 5, N = 3, T = 400)', () => {
    const ens = varEnsemble(11, 3, 400);
    const res = crossCorrelationNorms(ens, { maxLag: 60, noiseFloor: false });
    expect(res.components).toBe(5);
    expect(res.basis).toBe('channels');
    const exact = res.lags.map((k) => exactNorm(crossCorrelationMatrix(ens, k)));
    expect(maxRelativeGap(res.norms, exact)).toBeLessThan(1e-9);
    expect(res.upperBounds).toEqual(res.norms);
    // Plain partial sums when every lag is computed.
    let s = 0;
    res.norms.forEach((v, i) => {
      s += v;
      expect(res.partialSums[i]).toBeCloseTo(s, 12);
    });
  });

  it('Lanczos norms of noise-like lag matrices (clustered singular values) are exact: white noise, d = 40, r = d', () => {
    const rng = createRng(15);
    const ens: Series[] = Array.from({ length: 3 }, () => ({ rows: 400, cols: 40, data: rng.normals(400 * 40) }));
    const res = crossCorrelationNorms(ens, { maxLag: 30, components: 40, noiseFloor: false });
    const exact = res.lags.map((k) => exactNorm(crossCorrelationMatrix(ens, k)));
    expect(maxRelativeGap(res.norms, exact)).toBeLessThan(1e-9);
  });

  it('the bootstrap unit plan (sequence groups or blocks) does not change the norms', () => {
    const few = varEnsemble(12, 3, 300); // N < units: blocks of lag products
    const plain = crossCorrelationNorms(few, { maxLag: 40, noiseFloor: false });
    const blocks = crossCorrelationNorms(few, { maxLag: 40, noiseFloor: false, bootstrap: { replicates: 5, units: 16 } });
    expect(blocks.bootstrap?.unitKind).toBe('blocks');
    expect(maxRelativeGap(blocks.norms, plain.norms)).toBeLessThan(1e-12);
    const many = varEnsemble(13, 20, 100); // N >= units: groups of sequences, batched spectra
    const plainMany = crossCorrelationNorms(many, { maxLag: 40, noiseFloor: false });
    const groups = crossCorrelationNorms(many, { maxLag: 40, noiseFloor: false, bootstrap: { replicates: 5, units: 8 } });
    expect(groups.bootstrap?.unitKind).toBe('sequence-groups');
    expect(maxRelativeGap(groups.norms, plainMany.norms)).toBeLessThan(1e-12);
    const exact = plainMany.lags.map((k) => exactNorm(crossCorrelationMatrix(many, k)));
    expect(maxRelativeGap(plainMany.norms, exact)).toBeLessThan(1e-9);
  });

  it("log lags give the same norms at those lags, and partial sums integrate them log-log", () => {
    const ens = varEnsemble(14, 4, 500);
    const all = crossCorrelationNorms(ens, { maxLag: 200, noiseFloor: false });
    const log = crossCorrelationNorms(ens, { maxLag: 200, lags: 'log', noiseFloor: false });
    expect(log.partialSumMethod).toBe('log-log-interpolated');
    expect(log.lags.length).toBeLessThan(60);
    log.lags.forEach((k, i) => expect(log.norms[i]).toBeCloseTo(all.norms[k] as number, 12));
    // Lags 0..10 are all on the grid: the sums agree exactly there.
    expect(log.partialSums[10]).toBeCloseTo(all.partialSums[10] as number, 12);
  });

  it('projection on r < d principal components is a lower bound, and upperBounds bound the exact norm (strict case)', () => {
    const ens = hiddenMemory(21, 4, 2000);
    const exact = Array.from({ length: 31 }, (_, k) => exactNorm(crossCorrelationMatrix(ens, k)));
    for (const r of [1, 4, 5, 8]) {
      const res = crossCorrelationNorms(ens, { maxLag: 30, components: r, noiseFloor: false });
      expect(res.components).toBe(r);
      res.norms.forEach((p, k) => {
        // Exact inequality for the estimate (V_r has orthonormal columns): slack is round-off only.
        expect(p).toBeLessThanOrEqual((exact[k] as number) * (1 + 1e-12));
        // A population bound; for the estimate it holds up to O(k / T) and sampling error, which
        // these data do not come near when r < 8 (the bound is loose there); r = 8 = d is exact,
        // bound = norm, so only round-off (1e-12) separates them.
        expect(res.upperBounds[k]).toBeGreaterThanOrEqual((exact[k] as number) * (1 - 1e-12));
      });
      if (r === 1) {
        // The leading component is the memoryless common factor: at lag 1 the projection sees
        // ~0 while the exact norm is ~0.9 (AR(1) channels); the bound is loose but valid.
        expect(res.norms[1]).toBeLessThan(0.05);
        expect(exact[1]).toBeGreaterThan(0.85);
        expect(res.varianceExplained).toBeGreaterThan(0.4);
      }
      if (r === 8) expect(maxRelativeGap(res.norms, exact)).toBeLessThan(1e-9);
      // Explained variance is trace(P(0)) / d exactly; with r >= 5 it includes one AR channel.
      if (r >= 5) expect(res.norms[1]).toBeGreaterThan(0.85);
    }
  });

  it('principal components from a strided subsample (N T > 16384) still give a lower bound (d = 40)', () => {
    const rng = createRng(31);
    const d = 40;
    const ens: Series[] = Array.from({ length: 6 }, (_, s) => {
      const r = rng.fork(s);
      const data = new Float64Array(2800 * d);
      let f = 0;
      for (let t = 0; t < 2800; t++) {
        f = 0.95 * f + r.normal();
        for (let i = 0; i < d; i++) data[t * d + i] = ((i % 5) + 1) * 0.3 * f + r.normal();
      }
      return { rows: 2800, cols: d, data };
    });
    const res = crossCorrelationNorms(ens, { maxLag: 10, components: 'auto', noiseFloor: false });
    expect(res.basis).toBe('principal-components');
    expect(res.pcaRows).toBeLessThanOrEqual(16384);
    expect(res.components).toBeLessThan(d);
    const exact = res.lags.map((k) => exactNorm(crossCorrelationMatrix(ens, k)));
    res.norms.forEach((p, k) => {
      expect(p).toBeLessThanOrEqual((exact[k] as number) * (1 + 1e-12));
      expect(res.upperBounds[k]).toBeGreaterThanOrEqual((exact[k] as number) * (1 - 1e-3));
    });
    // One strong factor: the projection recovers the exact norm to 1% at every lag.
    expect(maxRelativeGap(res.norms, exact)).toBeLessThan(1e-2);
  });

  it('the ensemble estimator equals the direct cross-sectional correlation (d <= N and d > N)', () => {
    const ens = varEnsemble(41, 40, 30);
    const res = crossCorrelationNorms(ens, { maxLag: 20, estimator: 'ensemble', t0: 5, noiseFloor: false });
    const exact = res.lags.map((k) => exactNorm(crossCorrelationMatrix(ens, k, { estimator: 'ensemble', t0: 5 })));
    expect(maxRelativeGap(res.norms, exact)).toBeLessThan(1e-9);
    // d = 12 > N = 6: the norm is found through N-vectors.
    const rng = createRng(42);
    const wide: Series[] = Array.from({ length: 6 }, () => ({ rows: 15, cols: 12, data: rng.normals(15 * 12) }));
    const w = crossCorrelationNorms(wide, { maxLag: 10, estimator: 'ensemble', noiseFloor: false });
    const wExact = w.lags.map((k) => exactNorm(crossCorrelationMatrix(wide, k, { estimator: 'ensemble' })));
    expect(maxRelativeGap(w.norms, wExact)).toBeLessThan(1e-9);
  });
});
