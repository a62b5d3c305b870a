/**
 * Known-answer accuracy of the memory-exponent estimators over seeds: fGn (H known), white
 * noise, AR(1) (short memory) and ARFIMA(0, d, 0) (d known).
 *
 * Samples: fgn(createRng(1000 + s), n, H), s = 0..seeds-1 (the same samples as
 * bench/memory-exponents.py, which also runs a nolds-style DFA on them); the same seed with a
 * different H gives a strongly correlated sample (one Gaussian draw, different covariance), so
 * the rows for different H are not independent checks.
 *
 * Tolerances. The brief's requirement is |mean error| <= 0.05 over 20 seeds at n = 2^14 for DFA
 * and GPH (asserted as such); for DFA also |mean error| < 0.01 and RMSE <= 0.02 at n = 2^14
 * (the accuracy of the former power-law DFA from s = 10, kept or bettered by the fGn fit). The
 * measured numbers (20 seeds: DFA bias <= +0.001, RMSE 0.013-0.016; GPH bias <= 0.01, RMSE
 * 0.057-0.063) sit well inside; with 20 seeds the mean error has sd RMSE / sqrt(20) (0.003 for
 * DFA, 0.014 for GPH) and the RMSE itself is known to about +-16 % (1 / sqrt(2 * 20)), but the
 * samples are fixed, so the assertions are deterministic.
 */
import { describe, expect, it } from 'vitest';
import { aggregatedVariance, dfa, gph } from '../../../src/analysis/memory/index.js';
import { ar1, arfima, createRng, fgn } from '../../../src/processes/index.js';

interface Accuracy {
  bias: number;
  rmse: number;
  sd: number;
  meanSe: number;
}

function accuracy(estimates: readonly number[], truth: number, ses: readonly number[] = []): Accuracy {
  const n = estimates.length;
  const errors = estimates.map((e) => e - truth);
  const bias = errors.reduce((a, b) => a + b, 0) / n;
  const rmse = Math.sqrt(errors.reduce((a, b) => a + b * b, 0) / n);
  const sd = Math.sqrt(errors.reduce((a, b) => a + (b - bias) ** 2, 0) / (n - 1));
  const meanSe = ses.length > 0 ? ses.reduce((a, b) => a + b, 0) / ses.length : Number.NaN;
  return { bias, rmse, sd, meanSe };
}

function line(what: string, a: Accuracy): string {
  return `${what}: mean error ${a.bias >= 0 ? '+' : ''}${a.bias.toFixed(4)}, RMSE ${a.rmse.toFixed(4)}, sd ${a.sd.toFixed(4)}, mean SE ${a.meanSe.toFixed(4)}`;
}

const N_LONG = 16384;
const SEEDS = 20;
const HURSTS = [0.6, 0.7, 0.8, 0.9] as const;
const samples = new Map<number, Float64Array[]>();
function fgnSamples(hurst: number): Float64Array[] {
  let s = samples.get(hurst);
  if (s === undefined) {
    s = Array.from({ length: SEEDS }, (_, i) => fgn(createRng(1000 + i), N_LONG, hurst));
    samples.set(hurst, s);
  }
  return s;
}

describe('fGn, n = 2^14, 20 seeds', () => {
  for (const hurst of HURSTS) {
    it(`dfa(x).hurst is within 0.01 of H = ${hurst} on average, RMSE <= 0.02, SE calibrated`, () => {
      const results = fgnSamples(hurst).map((x) => dfa(x));
      const a = accuracy(
        results.map((r) => r.hurst),
        hurst,
        results.map((r) => r.standardError),
      );
      console.log(line(`dfa    n=2^14 H=${hurst}`, a));
      expect(Math.abs(a.bias)).toBeLessThanOrEqual(0.05); // the requirement
      expect(Math.abs(a.bias)).toBeLessThan(0.01); // measured <= 0.001 (former power-law fit: 0.002-0.004)
      expect(a.rmse).toBeLessThanOrEqual(0.02); // measured 0.013-0.016 (former: 0.015-0.021)
      // SE calibration: mean reported SE against the spread over seeds (sd known to +-16 %).
      expect(a.meanSe / a.sd).toBeGreaterThan(0.6);
      expect(a.meanSe / a.sd).toBeLessThan(1.7);
    });

    it(`gph(x).hurst is within 0.05 of H = ${hurst} on average (m = 128), RMSE near pi / sqrt(24 m)`, () => {
      const results = fgnSamples(hurst).map((x) => gph(x));
      const a = accuracy(
        results.map((r) => r.hurst),
        hurst,
        results.map((r) => r.standardError),
      );
      console.log(line(`gph    n=2^14 H=${hurst}`, a));
      expect(results[0]?.bandwidth).toBe(128);
      expect(Math.abs(a.bias)).toBeLessThanOrEqual(0.05); // the requirement; measured 0.004-0.010
      // RMSE: theory pi / sqrt(24 * 128) = 0.0567 (finite-m form 0.0606); +40 % Monte-Carlo margin.
      expect(a.rmse).toBeLessThanOrEqual(0.085);
      expect(a.meanSe / a.sd).toBeGreaterThan(0.6);
      expect(a.meanSe / a.sd).toBeLessThan(1.7);
    });

    it(`aggregatedVariance(x).hurst (fGn-corrected) is within 0.03 of H = ${hurst} on average`, () => {
      const est = fgnSamples(hurst).map((x) => aggregatedVariance(x, { bootstrapReplicates: 0 }).hurst);
      const a = accuracy(est, hurst);
      console.log(line(`aggvar n=2^14 H=${hurst}`, a));
      expect(Math.abs(a.bias)).toBeLessThanOrEqual(0.03); // measured -0.005 to -0.015
      expect(a.rmse).toBeLessThanOrEqual(0.08); // measured 0.046-0.060
    });
  }

  it('aggregatedVariance without the fGn correction is biased low at H = 0.9 (Taqqu et al.), the corrected one is not', () => {
    const xs = fgnSamples(0.9);
    const plain = accuracy(
      xs.map((x) => aggregatedVariance(x, { biasCorrection: 'none', bootstrapReplicates: 0 }).hurst),
      0.9,
    );
    const corrected = accuracy(
      xs.map((x) => aggregatedVariance(x, { bootstrapReplicates: 0 }).hurst),
      0.9,
    );
    console.log(line('aggvar n=2^14 H=0.9 plain', plain));
    expect(plain.bias).toBeLessThan(-0.04); // measured -0.07: E S^2 = Var (k - k^(2H-1)) / (k - 1)
    expect(Math.abs(corrected.bias)).toBeLessThan(Math.abs(plain.bias) / 3);
  });
});

describe('fGn, n = 1000 (the nolds comparison)', () => {
  it('dfa(x) at n = 1000, H = 0.7, 50 seeds: RMSE < 0.039, below the nolds-style 0.042 on the same samples (measured 0.035)', () => {
    // Reproduce: OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/memory-exponents.py --seeds 50 --long-seeds 0
    // (same generator and seeds 1000..1049): lrdkit DFA bias +0.003, RMSE 0.035; nolds 0.6
    // default DFA (scales 4..n/10 by factor 1.2, 50 % overlapping windows, least-squares fit)
    // bias +0.027, RMSE 0.042; the former lrdkit fit (power law from s = 10) RMSE 0.049. Over
    // 200 seeds (--seeds 200) and H = 0.5..0.9: lrdkit 0.031-0.038 against nolds-style 0.041-0.042.
    const xs = Array.from({ length: 50 }, (_, i) => fgn(createRng(1000 + i), 1000, 0.7));
    const results = xs.map((x) => dfa(x));
    const a = accuracy(
      results.map((r) => r.hurst),
      0.7,
      results.map((r) => r.standardError),
    );
    const g = accuracy(
      xs.map((x) => gph(x).hurst),
      0.7,
    );
    console.log(line('dfa    n=1000 H=0.7 (50 seeds)', a));
    console.log(line('gph    n=1000 H=0.7 (50 seeds)', g));
    expect(results[0]?.scales).toEqual([4, 5, 6, 7, 8, 9, 11, 13, 16, 18, 22, 26, 31, 36, 43, 51, 60, 71, 84, 100]);
    expect(Math.abs(a.bias)).toBeLessThanOrEqual(0.01); // measured +0.003 (nolds-style +0.027)
    expect(a.rmse).toBeLessThan(0.039); // nolds-style 0.042 on these samples
    expect(a.meanSe / a.sd).toBeGreaterThan(0.7);
    expect(a.meanSe / a.sd).toBeLessThan(1.6);
    // GPH at n = 1000 uses m = 31 frequencies: SE pi / sqrt(24 * 31) = 0.115.
    expect(Math.abs(g.bias)).toBeLessThanOrEqual(0.06);
    expect(g.rmse).toBeLessThanOrEqual(0.17);
  });
});

describe('short memory', () => {
  it('white noise: dfa and gph give H = 1/2 (|mean error| <= 0.02 and 0.04 over 20 seeds, n = 2^14)', () => {
    const xs = Array.from({ length: SEEDS }, (_, i) => createRng(3000 + i).normals(N_LONG));
    const d = accuracy(
      xs.map((x) => dfa(x).hurst),
      0.5,
    );
    const g = accuracy(
      xs.map((x) => gph(x).d),
      0,
    );
    console.log(line('dfa    white noise n=2^14', d));
    console.log(line('gph d  white noise n=2^14', g));
    expect(Math.abs(d.bias)).toBeLessThanOrEqual(0.02);
    expect(Math.abs(g.bias)).toBeLessThanOrEqual(0.04); // 3 x 0.057 / sqrt(20)
  });

  it('AR(1) phi = 0.5: GPH d is 0 within 3 SE of the mean; DFA reads H > 1/2 at finite n and approaches 1/2 as n grows', () => {
    // GPH: the short-memory factor f*(lambda) = 1 / |1 - phi e^{i lambda}|^2, log f* = c - 2 lambda^2 + ...
    // for phi = 0.5, adds a bias of about +2 lambda_m^2 / 9 = +0.0005 at n = 2^14 (lambda_m = 0.049): invisible.
    const xs = Array.from({ length: SEEDS }, (_, i) => ar1(createRng(7000 + i), N_LONG, 0.5));
    const results = xs.map((x) => gph(x));
    const g = accuracy(
      results.map((r) => r.d),
      0,
      results.map((r) => r.standardError),
    );
    console.log(line('gph d  AR(1) 0.5 n=2^14', g));
    expect(Math.abs(g.bias)).toBeLessThanOrEqual((3 * g.meanSe) / Math.sqrt(SEEDS));
    // DFA still sees the AR(1) transient (correlation 0.5 at lag 1 is that of fGn with H = 0.79):
    // measured mean H 0.654 (n = 2^12, s_min = 4), 0.584 (2^14, s_min = 6), 0.547 (2^16, s_min = 10);
    // the default s_min grows like n^(1/3), so the reading goes to 1/2 as n grows (with s_min = 4
    // fixed it would stay higher: 0.604 at 2^14, 0.579 at 2^16). nolds-style scales from 4: 0.619 at 2^14.
    const dfaMean = (n: number, seeds: number): number =>
      Array.from({ length: seeds }, (_, i) => dfa(ar1(createRng(7000 + i), n, 0.5)).hurst).reduce((a, b) => a + b, 0) / seeds;
    const h12 = dfaMean(4096, 10);
    const h14 = dfaMean(N_LONG, 10);
    const h16 = dfaMean(65536, 4);
    console.log(`dfa    AR(1) 0.5: mean H ${h12.toFixed(4)} (n=2^12), ${h14.toFixed(4)} (2^14), ${h16.toFixed(4)} (2^16)`);
    expect(h12).toBeGreaterThan(h14);
    expect(h14).toBeGreaterThan(h16);
    expect(h14).toBeGreaterThan(0.5);
    expect(h14).toBeLessThan(0.6);
    expect(h16).toBeLessThan(0.56);
  });
});

describe('ARFIMA(0, d, 0), n = 2^14, 20 seeds', () => {
  for (const d of [0.1, 0.3] as const) {
    it(`gph(x).d recovers d = ${d} within 2-3 SE (mean error within 3 SE / sqrt(20), RMS z-score in [0.6, 1.5])`, () => {
      const results = Array.from({ length: SEEDS }, (_, i) => gph(arfima(createRng(8000 + i), N_LONG, d)));
      const z = results.map((r) => (r.d - d) / r.standardError);
      const a = accuracy(
        results.map((r) => r.d),
        d,
        results.map((r) => r.standardError),
      );
      const rmsZ = Math.sqrt(z.reduce((s, v) => s + v * v, 0) / z.length);
      console.log(`${line(`gph d  ARFIMA d=${d}`, a)}, RMS z ${rmsZ.toFixed(3)}, max |z| ${Math.max(...z.map(Math.abs)).toFixed(2)}`);
      expect(Math.abs(a.bias)).toBeLessThanOrEqual((3 * a.meanSe) / Math.sqrt(SEEDS));
      expect(rmsZ).toBeGreaterThan(0.6);
      expect(rmsZ).toBeLessThan(1.5);
      expect(z.filter((v) => Math.abs(v) <= 2).length / z.length).toBeGreaterThanOrEqual(0.8);
      expect(Math.max(...z.map(Math.abs))).toBeLessThanOrEqual(3.5);
    });
  }
});
