/**
 * localWhittle and multivariateLocalWhittle against an independent numpy/scipy transcription:
 * test/fixtures/generate_local_whittle.py -> test/fixtures/local_whittle.json, run with
 * `OPENBLAS_NUM_THREADS=1 /usr/bin/python3 test/fixtures/generate_local_whittle.py` (numpy 1.24,
 * scipy 1.10). The script generates the data (stored in the JSON), computes the periodogram by
 * numpy's FFT (univariate) and the Shimotsu DFT by an explicit complex exponential sum
 * (multivariate), the textbook objectives with explicit complex Lambda_j matrices and
 * slogdet, and minimises with scipy (brentq on R'; BFGS + finite-difference Newton polish),
 * then Omega, the covariance, the total memory and its p-value (scipy.stats.norm.sf).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type MultivariateLocalWhittleEstimate, localWhittle, multivariateLocalWhittle } from '../../../src/analysis/memory/index.js';
import { crossPeriodogram, shimotsuObjective } from '../../../src/analysis/memory/multivariateLocalWhittle.js';
import { standardNormalUpperTail } from '../../../src/analysis/internal/normalTail.js';
import type { Series } from '../../../src/analysis/series.js';
import { channel } from '../../../src/analysis/series.js';

interface UnivariateCase {
  name: string;
  sequences: number[][];
  bandwidth?: number;
  expected: { d: number; standardError: number; asymptoticStandardError: number; bandwidth: number; n: number; sequences: number };
}
interface MultivariateCase {
  name: string;
  ensemble: { rows: number; cols: number; data: number[] }[];
  bandwidth?: number;
  expected: Omit<MultivariateLocalWhittleEstimate, 'iterations' | 'converged'>;
}
interface Fixture {
  univariate: UnivariateCase[];
  multivariate: MultivariateCase[];
  objective: { case: number; bandwidth: number; d: number[]; value: number }[];
  normalTail: { z: number; upperTail: number }[];
}

const fixture = JSON.parse(readFileSync(new URL('../../fixtures/local_whittle.json', import.meta.url), 'utf8')) as Fixture;
const toSeries = (s: { rows: number; cols: number; data: number[] }): Series => ({ rows: s.rows, cols: s.cols, data: Float64Array.from(s.data) });
const maxAbsDiff = (a: readonly number[], b: readonly number[]): number => Math.max(...a.map((v, i) => Math.abs(v - (b[i] as number))));

/*
 * Tolerance on d: 1e-8 absolute (the issue asks for 1e-6). Both sides locate the minimiser to
 * about 1e-10 (TypeScript: Brent on R' to 1e-12, Newton steps below 1e-10; Python: brentq to
 * 1e-14, Newton polish to 1e-12 with finite-difference gradients accurate to about 1e-9 / the
 * curvature >= 2); the periodograms differ by round-off only (FFT / Bluestein vs numpy's FFT or
 * a direct O(nm) sum: relative 1e-13), which moves d-hat by about 1e-13 / curvature. Measured
 * agreement: d within 1.4e-10 (multivariate) and 1e-14 (univariate), covariances within 4e-11
 * relative. Covariances, SEs and p-values depend smoothly on d-hat and G-hat: relative 1e-7.
 */
const D_TOLERANCE = 1e-8;
const RELATIVE_TOLERANCE = 1e-7;

describe('localWhittle against numpy/scipy (generate_local_whittle.py)', () => {
  for (const c of fixture.univariate) {
    it(`localWhittle(${c.name}) equals the scipy brentq root of R'(d)`, () => {
      const got = localWhittle(c.sequences, c.bandwidth === undefined ? {} : { bandwidth: c.bandwidth });
      expect(Math.abs(got.d - c.expected.d)).toBeLessThan(D_TOLERANCE);
      expect(got.bandwidth).toBe(c.expected.bandwidth);
      expect(got.n).toBe(c.expected.n);
      expect(got.sequences).toBe(c.expected.sequences);
      expect(Math.abs(got.standardError / c.expected.standardError - 1)).toBeLessThan(1e-12);
      expect(Math.abs(got.asymptoticStandardError / c.expected.asymptoticStandardError - 1)).toBeLessThan(1e-14);
    });
  }
});

describe('multivariateLocalWhittle against numpy/scipy (generate_local_whittle.py)', () => {
  for (const c of fixture.multivariate) {
    it(`multivariateLocalWhittle(${c.name}) equals the scipy minimiser, Omega_m^-1 / (m N) and the total-memory test`, () => {
      const got = multivariateLocalWhittle(c.ensemble.map(toSeries), c.bandwidth === undefined ? {} : { bandwidth: c.bandwidth });
      const e = c.expected;
      expect(got.converged).toBe(true);
      expect(got.iterations).toBeGreaterThan(0);
      expect(got.iterations).toBeLessThan(20);
      expect(maxAbsDiff(got.d, e.d)).toBeLessThan(D_TOLERANCE);
      expect([got.bandwidth, got.n, got.sequences, got.channels]).toEqual([e.bandwidth, e.n, e.sequences, e.channels]);
      const scale = Math.max(...e.covariance.flat().map(Math.abs));
      expect(maxAbsDiff(got.covariance.flat(), e.covariance.flat()) / scale).toBeLessThan(RELATIVE_TOLERANCE);
      got.standardErrors.forEach((s, a) => expect(Math.abs(s / (e.standardErrors[a] as number) - 1)).toBeLessThan(RELATIVE_TOLERANCE));
      expect(Math.abs(got.totalMemory - e.totalMemory)).toBeLessThan(D_TOLERANCE);
      expect(Math.abs(got.totalMemoryStandardError / e.totalMemoryStandardError - 1)).toBeLessThan(RELATIVE_TOLERANCE);
      expect(Math.abs(got.totalMemoryZ - e.totalMemoryZ)).toBeLessThan(RELATIVE_TOLERANCE * Math.max(1, Math.abs(e.totalMemoryZ)));
      // p-values: relative where they are not tiny (the z error of 1e-7 |z| moves P by about z phi(z) 1e-7 |z|).
      expect(Math.abs(got.totalMemoryPValue - e.totalMemoryPValue)).toBeLessThan(1e-6 * Math.max(e.totalMemoryPValue, 1e-300) + 1e-300);
    });
  }

  it('multivariateLocalWhittle with one channel equals localWhittle on that channel', () => {
    const c = fixture.multivariate.find((x) => x.expected.channels === 1) as MultivariateCase;
    const ensemble = c.ensemble.map(toSeries);
    const multi = multivariateLocalWhittle(ensemble);
    const uni = localWhittle(ensemble.map((s) => channel(s, 0)));
    expect(Math.abs((multi.d[0] as number) - uni.d)).toBeLessThan(1e-10);
    expect(Math.abs((multi.standardErrors[0] as number) - uni.standardError)).toBeLessThan(1e-12);
  });

  it("shimotsuObjective(d) equals numpy's log det G-hat(d) - 2 sum d mean log lambda at fixed d", () => {
    // Tolerance 1e-10 absolute: R is a log-determinant of a well-conditioned 3 x 3 matrix built from
    // sums of O(m) terms; both sides are accurate to about 1e-13.
    for (const o of fixture.objective) {
      const c = fixture.multivariate[o.case] as MultivariateCase;
      const ensemble = c.ensemble.map(toSeries);
      const p = ensemble[0]!.cols;
      const pooled = crossPeriodogram(ensemble.map((s) => Array.from({ length: p }, (_, a) => channel(s, a))), p, o.bandwidth);
      const value = shimotsuObjective(pooled, Float64Array.from(o.d))?.value;
      expect(value).toBeDefined();
      expect(Math.abs((value as number) - o.value)).toBeLessThan(1e-10);
    }
  });
});

describe('standardNormalUpperTail against scipy.stats.norm.sf', () => {
  // 1e-12 relative for z >= 0, down to P = 1e-300 at z = 37 (measured at most 6.5e-13, at z = 3.5:
  // erfc = 1 - erf just below the switch to the continued fraction loses log10(1 / erfc(2.5)) = 3.4
  // digits; at z = 37, exp(-x^2) amplifies the rounding of x^2 = 684 to about 1e-13); 1e-15
  // absolute for z < 0, where P = 1 - tail rounds at 1.1e-16.
  it('standardNormalUpperTail(z) equals norm.sf(z) to 1e-12 relative for z >= 0 and 1e-15 absolute for z < 0', () => {
    for (const { z, upperTail } of fixture.normalTail) {
      const got = standardNormalUpperTail(z);
      expect(Math.abs(got - upperTail)).toBeLessThanOrEqual(z >= 0 ? 1e-12 * upperTail : 1e-15);
    }
  });
});
