/**
 * Reference values and laws of dfa, gph and aggregatedVariance: numpy re-computations of the
 * fluctuation function, periodogram and block variances on a deterministic series, the
 * Bluestein DFT against the direct sum, the exact fGn terms of the aggregated-variance
 * correction and of the DFA fluctuation function against explicit matrices, the fGn fit on
 * exact curves, and invariances (fast-check).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fgnSampleVarianceTerms } from '../../../src/analysis/memory/aggregatedVariance.js';
import { dfaFgnExpectedSquare, dfaFgnFit } from '../../../src/analysis/memory/dfa.js';
import { aggregatedVariance, dfa, dfaDefaultMinScale, gph } from '../../../src/analysis/memory/index.js';
import { dft, periodogram } from '../../../src/analysis/memory/periodogram.js';
import { fitLine, logSpacedIntegers } from '../../../src/analysis/memory/regression.js';
import { createRng, fbm, fgn, fgnAutocovariance } from '../../../src/processes/index.js';
import { relativeError } from '../../support/assertions.js';

/** x_t = sin(0.7 t) + cos(0.013 t^2) + 0.5 sin(0.05 t), t = 0..n-1: the same formula in numpy below. */
function deterministicSeries(n: number): Float64Array {
  const x = new Float64Array(n);
  for (let t = 0; t < n; t++) x[t] = Math.sin(0.7 * t) + Math.cos(0.013 * t * t) + 0.5 * Math.sin(0.05 * t);
  return x;
}

/*
 * Reference values: OPENBLAS_NUM_THREADS=1 /usr/bin/python3 (numpy 1.24), script:
 *
 *   import numpy as np
 *   n = 300
 *   t = np.arange(n, dtype=np.float64)
 *   x = np.sin(0.7 * t) + np.cos(0.013 * t * t) + 0.5 * np.sin(0.05 * t)
 *   def dfa_f(x, scales, order=1):   # forward + backward windows, F = sqrt(mean window mean square)
 *       y = np.cumsum(x - x.mean()); out = []
 *       for s in scales:
 *           k = len(y) // s; starts = [w * s for w in range(k)]
 *           if len(y) % s: starts += [len(y) - (w + 1) * s for w in range(k)]
 *           u = np.arange(s, dtype=np.float64); ms = []
 *           for a in starts:
 *               seg = y[a:a + s]; c = np.polyfit(u, seg, order)
 *               ms.append(np.mean((seg - np.polyval(c, u)) ** 2))
 *           out.append(np.sqrt(np.mean(ms)))
 *       return np.array(out)
 *   F = dfa_f(x, [10, 12, 14, 17, 20])
 *   X = np.fft.fft(x - x.mean()); I = np.abs(X) ** 2 / (2 * np.pi * n)
 *   m = int(np.floor(np.sqrt(n))); lam = 2 * np.pi * np.arange(1, m + 1) / n
 *   d = np.polyfit(-np.log(4 * np.sin(lam / 2) ** 2), np.log(I[1:m + 1]), 1)[0]
 *   sizes = [2, 3, 4, 5, 6, 7, 8, 9, 11, 13, 15, 18, 21, 25, 30]
 *   S2 = [np.var(x[:(n // s) * s].reshape(n // s, s).mean(axis=1), ddof=1) for s in sizes]
 *   H_av = 1 + np.polyfit(np.log(sizes), np.log(S2), 1)[0] / 2
 */
const NUMPY = {
  fluctuations: [1.0947166686030378, 1.3081586472502205, 1.2452723701808355, 1.3143109579082843, 1.4058659589074283],
  periodogram1to3: [0.45973552727275113, 2.8792239211136206, 0.3122859263089603],
  gphD: 0.4189213830087888,
  blockVariances: [
    0.9224322938387985, 0.7213170889551663, 0.5462137025827226, 0.4366890558676547, 0.3812264847148062,
    0.23851544251416745, 0.1940312530119552, 0.20069842692847664, 0.17472156308513015, 0.23544346121958393,
    0.19065076695599384, 0.15369484169923778, 0.1482107340927069, 0.15676615557061505, 0.1584083172489429,
  ],
  aggregatedHurst: 0.645869731817472,
};

// Tolerance 1e-12 relative: the same arithmetic in a different order (numpy polyfit/lstsq and
// pocketfft against Gram-Schmidt projections and Bluestein); observed agreement 1e-15.
const REFERENCE_TOL = 1e-12;

describe('reference values (numpy)', () => {
  const x = deterministicSeries(300);

  it('dfa(x, {minScale: 10, maxScale: 20, logBiasCorrection: false}).fluctuations equals numpy polyfit detrending', () => {
    const r = dfa(x, { minScale: 10, maxScale: 20, logBiasCorrection: false });
    expect(r.scales).toEqual([10, 12, 14, 17, 20]);
    expect(r.windowCounts).toEqual([30, 25, 42, 34, 15]); // 300 = 30 x 10 = 25 x 12 = 15 x 20: one pass
    expect(relativeError(r.fluctuations, NUMPY.fluctuations)).toBeLessThan(REFERENCE_TOL);
    const logF = NUMPY.fluctuations.map(Math.log);
    // fit 'fgn' (default): the fit of the numpy F(s) to the exact fGn curves; 'powerLaw': the OLS slope.
    expect(r.fit).toBe('fgn');
    expect(r.hurst).toBeCloseTo(dfaFgnFit(r.scales, logF).hurst, 10);
    const power = dfa(x, { minScale: 10, maxScale: 20, logBiasCorrection: false, fit: 'powerLaw' });
    expect(power.hurst).toBeCloseTo(fitLine(r.scales.map(Math.log), logF).slope, 12);
  });

  it('gph(x) at n = 300 (Bluestein DFT) equals numpy: m = 17, periodogram and d', () => {
    const r = gph(x);
    expect(r.bandwidth).toBe(17);
    expect(relativeError(r.periodogram.slice(0, 3), NUMPY.periodogram1to3)).toBeLessThan(REFERENCE_TOL);
    expect(Math.abs(r.d - NUMPY.gphD)).toBeLessThan(1e-12);
    expect(r.hurst).toBeCloseTo(NUMPY.gphD + 0.5, 12);
    expect(r.asymptoticStandardError).toBeCloseTo(Math.PI / Math.sqrt(24 * 17), 15);
  });

  it("aggregatedVariance(x, {biasCorrection: 'none'}) block variances and H equal numpy", () => {
    const r = aggregatedVariance(x, { minBlockSize: 2, maxBlockSize: 30, biasCorrection: 'none', bootstrapReplicates: 0 });
    expect(r.blockSizes).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 11, 13, 15, 18, 21, 25, 30]);
    expect(relativeError(r.variances, NUMPY.blockVariances)).toBeLessThan(REFERENCE_TOL);
    expect(Math.abs(r.hurst - NUMPY.aggregatedHurst)).toBeLessThan(1e-12);
    expect(Number.isNaN(r.standardError)).toBe(true);
  });
});

describe('periodogram internals', () => {
  for (const n of [1, 2, 7, 300, 1000, 1024]) {
    it(`dft(x) of length ${n} equals the direct O(n^2) sum to 1e-12 relative`, () => {
      const x = createRng(n).normals(n);
      const { re, im } = dft(x);
      let err = 0;
      let scale = 0;
      for (let j = 0; j < n; j++) {
        let r = 0;
        let i = 0;
        for (let t = 0; t < n; t++) {
          const angle = (2 * Math.PI * ((j * t) % n)) / n;
          r += (x[t] as number) * Math.cos(angle);
          i -= (x[t] as number) * Math.sin(angle);
        }
        err = Math.max(err, Math.abs(r - (re[j] as number)), Math.abs(i - (im[j] as number)));
        scale = Math.max(scale, Math.abs(r), Math.abs(i));
      }
      expect(err / Math.max(1, scale)).toBeLessThan(1e-12);
    });
  }

  it('periodogram([1, -1, 1, -1], 2) is [0, 16 / (8 pi)]', () => {
    const p = periodogram(Float64Array.from([1, -1, 1, -1]), 2);
    expect(p[0]).toBeCloseTo(0, 15);
    expect(p[1]).toBeCloseTo(16 / (8 * Math.PI), 15);
  });

  it('logSpacedIntegers(4, 32, 1) is [4, 8, 16, 32]; the DFA default s_min is max(2 (q + 1), round(n^(1/3) / 4))', () => {
    expect(logSpacedIntegers(4, 32, 1)).toEqual([4, 8, 16, 32]);
    expect(dfaDefaultMinScale(1)).toBe(4);
    expect(dfaDefaultMinScale(2)).toBe(6);
    expect(dfaDefaultMinScale(1, 1000)).toBe(4);
    expect(dfaDefaultMinScale(1, 5831)).toBe(4); // cbrt(5831) / 4 = 4.4999
    expect(dfaDefaultMinScale(1, 5832)).toBe(5); // cbrt(5832) = 18
    expect(dfaDefaultMinScale(1, 16384)).toBe(6);
    expect(dfaDefaultMinScale(1, 65536)).toBe(10);
    expect(dfaDefaultMinScale(3, 16384)).toBe(8);
  });
});

describe('fgnSampleVarianceTerms (the exact fGn bias of the sample variance)', () => {
  /** E S^2 and Var S^2 of k unit fGn values from explicit k x k matrices: tr(C G) / (k - 1), 2 tr((C G)^2) / (k - 1)^2. */
  function bruteForce(k: number, h: number): { logMeanFactor: number; jensen: number } {
    const g = Array.from({ length: k }, (_, i) => Array.from({ length: k }, (_, j) => fgnAutocovariance(i - j, h)));
    const cg = g.map((row) => {
      const colMeans = row.map((_, j) => g.reduce((a, r) => a + (r[j] as number), 0) / k);
      return row.map((v, j) => v - (colMeans[j] as number));
    });
    let tr = 0;
    let tr2 = 0;
    for (let i = 0; i < k; i++) {
      tr += (cg[i] as number[])[i] as number;
      for (let j = 0; j < k; j++) tr2 += ((cg[i] as number[])[j] as number) * ((cg[j] as number[])[i] as number);
    }
    return { logMeanFactor: Math.log(tr / (k - 1)), jensen: tr2 / (tr * tr) };
  }

  for (const h of [0.5, 0.7, 0.95]) {
    it(`matches explicit matrices for k in {2, 5, 17, 40} at H = ${h} to 1e-12`, () => {
      const ks = [2, 5, 17, 40];
      const terms = fgnSampleVarianceTerms(ks, h);
      ks.forEach((k, i) => {
        const ref = bruteForce(k, h);
        const t = terms[i] as { logMeanFactor: number; jensen: number };
        expect(Math.abs(t.logMeanFactor - ref.logMeanFactor)).toBeLessThan(1e-12);
        expect(Math.abs(t.jensen - ref.jensen)).toBeLessThan(1e-12 * Math.max(1, ref.jensen));
        if (h === 0.5) {
          expect(Math.abs(t.logMeanFactor)).toBeLessThan(1e-14);
          expect(t.jensen).toBeCloseTo(1 / (k - 1), 14);
        }
      });
    });
  }
});

describe('dfaFgnExpectedSquare (the exact DFA fluctuation function of fGn)', () => {
  /**
   * E F^2(s) from explicit s x s matrices: profile Y_j = x_1 + ... + x_j (j = 0..s-1, Y_0 = 0)
   * with Cov(Y_i, Y_j) = sum_{t <= i, u <= j} gamma(t - u) (fgnAutocovariance), residual
   * projector P = I - V (V^T V)^{-1} V^T for the Vandermonde V_jk = j^k (k <= q) (normal
   * equations, no orthonormal basis, no FFT), E F^2 = tr(P C) / s.
   */
  function bruteForce(s: number, h: number, q: number): number {
    const c = Array.from({ length: s }, (_, i) =>
      Array.from({ length: s }, (_, j) => {
        let sum = 0;
        for (let t = 1; t <= i; t++) for (let u = 1; u <= j; u++) sum += fgnAutocovariance(t - u, h);
        return sum;
      }),
    );
    const vand = Array.from({ length: s }, (_, j) => Array.from({ length: q + 1 }, (_, k) => (j / s) ** k));
    // G = V^T V and its inverse by Gauss-Jordan (q + 1 <= 4: tiny and well enough conditioned).
    const m = q + 1;
    const g = Array.from({ length: m }, (_, a) => Array.from({ length: 2 * m }, (_, b) => (b < m ? vand.reduce((acc, row) => acc + (row[a] as number) * (row[b] as number), 0) : b - m === a ? 1 : 0)));
    for (let col = 0; col < m; col++) {
      const pivot = (g[col] as number[])[col] as number;
      for (let b = 0; b < 2 * m; b++) (g[col] as number[])[b] = ((g[col] as number[])[b] as number) / pivot;
      for (let r = 0; r < m; r++) {
        if (r === col) continue;
        const f = (g[r] as number[])[col] as number;
        for (let b = 0; b < 2 * m; b++) (g[r] as number[])[b] = ((g[r] as number[])[b] as number) - f * ((g[col] as number[])[b] as number);
      }
    }
    let trace = 0;
    for (let i = 0; i < s; i++) {
      for (let j = 0; j < s; j++) {
        let proj = 0; // (V G^-1 V^T)_ij
        for (let a = 0; a < m; a++) for (let b = 0; b < m; b++) proj += ((vand[i] as number[])[a] as number) * ((g[a] as number[])[m + b] as number) * ((vand[j] as number[])[b] as number);
        trace += ((i === j ? 1 : 0) - proj) * ((c[j] as number[])[i] as number);
      }
    }
    return trace / s;
  }

  it('DFA-1 on white noise: (s^2 - 4) / (15 s) for s = 3..60 to 1e-12 relative', () => {
    for (let s = 3; s <= 60; s++) {
      expect(Math.abs(dfaFgnExpectedSquare(s, 0.5) / ((s * s - 4) / (15 * s)) - 1)).toBeLessThan(1e-12);
    }
  });

  for (const q of [1, 2, 3]) {
    it(`order ${q}: equals tr(P C) / s from explicit matrices for s in {${q + 2}, 7, 16, 33}, H in {0.2, 0.7, 0.95}, to 1e-9`, () => {
      for (const s of [q + 2, 7, 16, 33]) {
        for (const h of [0.2, 0.7, 0.95]) {
          const ref = bruteForce(s, h, q);
          expect(Math.abs(dfaFgnExpectedSquare(s, h, q) / ref - 1)).toBeLessThan(1e-9);
        }
      }
    });
  }

  it('mean F(s)^2 of dfa over 20 fGn samples (H = 0.8, n = 2^14) is the exact curve within 4 standard errors at every scale', () => {
    const runs = Array.from({ length: 20 }, (_, i) => dfa(fgn(createRng(1000 + i), 16384, 0.8)));
    const scales = (runs[0] as { scales: number[] }).scales;
    scales.forEach((s, i) => {
      const f2 = runs.map((r) => (r.fluctuations[i] as number) ** 2);
      const mean = f2.reduce((a, b) => a + b, 0) / f2.length;
      const sd = Math.sqrt(f2.reduce((a, b) => a + (b - mean) ** 2, 0) / (f2.length - 1));
      expect(Math.abs(mean - dfaFgnExpectedSquare(s, 0.8))).toBeLessThan((4 * sd) / Math.sqrt(f2.length));
    });
  });

  it('rejects s < q + 2 and H outside (0, 1)', () => {
    expect(() => dfaFgnExpectedSquare(2, 0.7)).toThrow(/^dfaFgnExpectedSquare: s is 2, expected an integer in \[3, /);
    expect(() => dfaFgnExpectedSquare(10, 1)).toThrow(/^dfaFgnExpectedSquare: hurst is 1, expected a number in \(0, 1\)$/);
    expect(() => dfaFgnExpectedSquare(10, 0.5, 6)).toThrow(/^dfaFgnExpectedSquare: order is 6, expected an integer in \[1, 5\]$/);
  });
});

describe('dfaFgnFit (the fit step of dfa)', () => {
  for (const q of [1, 2]) {
    it(`order ${q}: recovers H and the level from the exact curve, H in {0.05, 0.3, 0.5, 0.7, 0.9, 0.99}, to 1e-9`, () => {
      const scales = [q + 2, 5, 7, 10, 14, 20, 28, 40, 57, 80, 113, 160];
      for (const h of [0.05, 0.3, 0.5, 0.7, 0.9, 0.99]) {
        const y = scales.map((s) => -1.3 + 0.5 * Math.log(dfaFgnExpectedSquare(s, h, q)));
        const fit = dfaFgnFit(scales, y, q);
        expect(Math.abs(fit.hurst - h)).toBeLessThan(1e-9);
        expect(Math.abs(fit.intercept + 1.3)).toBeLessThan(1e-8);
        expect(fit.rss).toBeLessThan(1e-18);
      }
    });
  }

  it('the exact curve is not a power law at small s: an OLS slope on it is biased, the fit is not', () => {
    const scales = [4, 5, 6, 7, 8, 9, 11, 13, 16, 18, 22, 26, 31, 36, 43, 51, 60, 71, 84, 100];
    const y = scales.map((s) => 0.5 * Math.log(dfaFgnExpectedSquare(s, 0.5)));
    // DFA-1 on white noise from s = 4: E F^2 = (s^2 - 4) / (15 s) rises faster than s at small s.
    expect(fitLine(scales.map(Math.log), y).slope).toBeGreaterThan(0.52);
    expect(Math.abs(dfaFgnFit(scales, y).hurst - 0.5)).toBeLessThan(1e-9);
  });

  it('residual sum of squares at the fit is below that at H +- 1e-4 (a minimum), on real F(s)', () => {
    const r = dfa(fgn(createRng(21), 3000, 0.75), { logBiasCorrection: false });
    const y = r.fluctuations.map(Math.log);
    const fit = dfaFgnFit(r.scales, y);
    expect(fit.hurst).toBe(r.hurst);
    const rssAt = (h: number): number => {
      const m = r.scales.map((s) => 0.5 * Math.log(dfaFgnExpectedSquare(s, h)));
      const c = y.reduce((a, v, i) => a + v - (m[i] as number), 0) / y.length;
      return y.reduce((a, v, i) => a + (v - (m[i] as number) - c) ** 2, 0);
    };
    expect(Math.abs(rssAt(fit.hurst) - fit.rss)).toBeLessThan(1e-12);
    expect(rssAt(fit.hurst - 1e-4)).toBeGreaterThan(fit.rss);
    expect(rssAt(fit.hurst + 1e-4)).toBeGreaterThan(fit.rss);
  });
});

describe('laws', () => {
  it('dfa, gph and aggregatedVariance are invariant under x -> a x + b, a != 0 (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.double({ min: 1e-3, max: 1e3, noNaN: true }),
        fc.boolean(),
        fc.double({ min: -1e3, max: 1e3, noNaN: true }),
        (seed, scale, negative, shift) => {
          const x = fgn(createRng(seed), 400, 0.7);
          const a = negative ? -scale : scale;
          const y = x.map((v) => a * v + shift);
          const opts = { bootstrapReplicates: 0 } as const;
          // 1e-9: |b| / |a| up to 1e6 costs 6 of the 16 digits of a x + b (differences up to ~1e-10).
          expect(Math.abs(dfa(y).hurst - dfa(x).hurst)).toBeLessThan(1e-9);
          expect(Math.abs(gph(y).d - gph(x).d)).toBeLessThan(1e-9);
          expect(Math.abs(aggregatedVariance(y, opts).hurst - aggregatedVariance(x, opts).hurst)).toBeLessThan(1e-9);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('dfa of the fBm path (the cumulative sum) reads H + 1: the input must be the noise', () => {
    const path = fbm(createRng(11), 16384, 0.7).subarray(1);
    const r = dfa(Float64Array.from(path));
    expect(Math.abs(r.hurst - 1.7)).toBeLessThan(0.06);
  });

  it('dfa order 2 (s_min = 6) on fGn H = 0.8, n = 2^14: mean over 8 seeds within 0.03', () => {
    const est = Array.from({ length: 8 }, (_, i) => dfa(fgn(createRng(1000 + i), 16384, 0.8), { order: 2 }));
    expect(est[0]?.scales[0]).toBe(6);
    expect(est[0]?.order).toBe(2);
    const mean = est.reduce((a, r) => a + r.hurst, 0) / est.length;
    expect(Math.abs(mean - 0.8)).toBeLessThan(0.03);
  });

  it('the log bias correction raises H by the fit of Var(log F(s)) = kappa^2 s / n (exactly for the power law, to first order for fGn)', () => {
    const x = fgn(createRng(5), 4096, 0.8);
    const on = dfa(x, { fit: 'powerLaw' });
    const off = dfa(x, { fit: 'powerLaw', logBiasCorrection: false });
    const slope = fitLine(on.scales.map(Math.log), on.logFluctuationVariances).slope;
    expect(slope).toBeGreaterThan(0);
    expect(on.hurst - off.hurst).toBeCloseTo(slope, 12);
    expect(on.standardError).toBe(off.standardError);
    // fit 'fgn': dH = sum_s c_s v_s, c_s = g_s / sum g^2 with g = dm_s/dH centred (the linearisation the SE uses).
    const fgnOn = dfa(x);
    const fgnOff = dfa(x, { logBiasCorrection: false });
    const g = dfaFgnFit(fgnOff.scales, fgnOff.fluctuations.map(Math.log)).gradient;
    const gMean = g.reduce((a, b) => a + b, 0) / g.length;
    const gg = g.reduce((a, b) => a + (b - gMean) ** 2, 0);
    const predicted = fgnOn.logFluctuationVariances.reduce((a, v, i) => a + (((g[i] as number) - gMean) / gg) * v, 0);
    expect(predicted).toBeGreaterThan(0);
    expect(Math.abs(fgnOn.hurst - fgnOff.hurst - predicted)).toBeLessThan(0.05 * predicted);
  });

  it('the OLS regression SE of dfa is several times smaller than the modelled SE (neighbouring scales are correlated)', () => {
    const r = dfa(fgn(createRng(9), 16384, 0.7));
    expect(r.standardError / r.regressionStandardError).toBeGreaterThan(2);
  });

  it('aggregatedVariance bootstrap SE matches the spread of the estimator over seeds (fGn H = 0.8, n = 4096)', () => {
    // Spread: 60 independent samples (sd known to +-9 %); SE: mean over 6 samples of the
    // B = 50 bootstrap (each +-10 %); ratio asserted in [0.7, 1.4].
    const spread = Array.from({ length: 60 }, (_, i) => aggregatedVariance(fgn(createRng(4000 + i), 4096, 0.8), { bootstrapReplicates: 0 }).hurst);
    const mean = spread.reduce((a, b) => a + b, 0) / spread.length;
    const sd = Math.sqrt(spread.reduce((a, b) => a + (b - mean) ** 2, 0) / (spread.length - 1));
    const ses = Array.from({ length: 6 }, (_, i) => aggregatedVariance(fgn(createRng(4000 + i), 4096, 0.8), { seed: i }).standardError);
    const se = ses.reduce((a, b) => a + b, 0) / ses.length;
    console.log(`aggvar n=4096 H=0.8: sd over 60 seeds ${sd.toFixed(4)}, mean bootstrap SE ${se.toFixed(4)}`);
    expect(se / sd).toBeGreaterThan(0.7);
    expect(se / sd).toBeLessThan(1.4);
  });

  it('aggregatedVariance is deterministic: same input and seed, same standard error', () => {
    const x = fgn(createRng(3), 2048, 0.6);
    expect(aggregatedVariance(x).standardError).toBe(aggregatedVariance(x).standardError);
    expect(aggregatedVariance(x, { seed: 1 }).standardError).not.toBe(aggregatedVariance(x, { seed: 2 }).standardError);
  });
});
