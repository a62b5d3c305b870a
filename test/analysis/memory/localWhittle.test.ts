/**
 * Laws of localWhittle and multivariateLocalWhittle: known answers (white noise, ARFIMA, random
 * walk), coverage of the 95% intervals over 200 seeded replicates, invariances (scale, shift,
 * channel permutation, sequence order), the analytic gradient and Hessian of Shimotsu's
 * objective against finite differences, and bad input. Costs: the coverage blocks simulate
 * 200 x 2048 (univariate), 200 x 4 x 512 (pooled) and 2 x 200 x 3 x 2048 (multivariate) steps
 * (modest n keeps them to a few seconds); no wall-clock limits.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AnalysisInputError } from '../../../src/analysis/errors.js';
import {
  LOCAL_WHITTLE_MIN_BANDWIDTH,
  localWhittle,
  localWhittleDefaultBandwidth,
  multivariateLocalWhittle,
} from '../../../src/analysis/memory/index.js';
import { crossPeriodogram, shimotsuObjective } from '../../../src/analysis/memory/multivariateLocalWhittle.js';
import { type Series, channel } from '../../../src/analysis/series.js';
import { type Rng, arfima, createRng } from '../../../src/processes/index.js';
import { equicorrelationFactor, fractionalCrossCovariances, stationaryFractionalVectorPair } from '../../support/fractionalVector.js';

/** Independent ARFIMA(0, d_a, 0) channels (lrdkit's exact sampler), n rows. */
function independentArfima(rng: Rng, n: number, ds: readonly number[]): Series {
  const p = ds.length;
  const columns = ds.map((d) => arfima(rng, n, d));
  const data = new Float64Array(n * p);
  for (let t = 0; t < n; t++) for (let a = 0; a < p; a++) data[t * p + a] = (columns[a] as Float64Array)[t] as number;
  return { rows: n, cols: p, data };
}

/** A copy of s with each channel a mapped to scale[a] x + shift[a] and the channels reordered: new channel k = old perm[k]. */
function transformChannels(s: Series, scale: readonly number[], shift: readonly number[], perm: readonly number[]): Series {
  const p = s.cols;
  const data = new Float64Array(s.data.length);
  for (let t = 0; t < s.rows; t++) {
    for (let k = 0; k < p; k++) {
      const a = perm[k] as number;
      data[t * p + k] = (scale[a] as number) * (s.data[t * p + a] as number) + (shift[a] as number);
    }
  }
  return { rows: s.rows, cols: p, data };
}

const randomWalk = (rng: Rng, n: number): Float64Array => {
  const x = new Float64Array(n);
  let s = 0;
  for (let t = 0; t < n; t++) {
    s += rng.normal();
    x[t] = s;
  }
  return x;
};

describe('localWhittle known answers', () => {
  it('localWhittleDefaultBandwidth(n) = floor(n^0.65): 90 at 1024, 548 at 16384, 1351 at 65536; capped at (n - 1) / 2', () => {
    expect([localWhittleDefaultBandwidth(1024), localWhittleDefaultBandwidth(16384), localWhittleDefaultBandwidth(65536)]).toEqual([90, 548, 1351]);
    expect(localWhittleDefaultBandwidth(25)).toBe(8);
    expect(localWhittleDefaultBandwidth(4)).toBe(1);
  });

  // Tolerance 3 SE: the estimate is asymptotically normal with that SE (Robinson 1995), and each
  // case is one fixed seed (white noise here is at -2.6 SE, ARFIMA within 0.4 SE).
  it('localWhittle(white noise, n = 4096) is within 3 SE of 0', () => {
    const e = localWhittle([createRng(13).normals(4096)]);
    expect(e.bandwidth).toBe(222);
    expect(Math.abs(e.d)).toBeLessThan(3 * e.standardError);
  });

  for (const d of [0.25, 0.4]) {
    it(`localWhittle(ARFIMA(0, ${d}, 0), n = 16384) is within 3 SE of ${d}`, () => {
      const e = localWhittle([arfima(createRng(14), 16384, d)]);
      expect(Math.abs(e.d - d)).toBeLessThan(3 * e.standardError);
      expect(e.asymptoticStandardError).toBeCloseTo(1 / (2 * Math.sqrt(548)), 15);
    });
  }

  // At d = 1 the limit is not normal (Phillips & Shimotsu 2004) but the estimate is consistent for 1.
  it('localWhittle(random walk, n = 4096) is within 0.1 of 1', () => {
    const e = localWhittle([randomWalk(createRng(15), 4096)]);
    expect(Math.abs(e.d - 1)).toBeLessThan(0.1);
  });

  it('localWhittle pools N sequences: SE shrinks by sqrt(N) and the estimate of 32 x 1024 ARFIMA(0, 0.3, 0) is within 3 SE', () => {
    const rng = createRng(21);
    const sequences = Array.from({ length: 32 }, () => arfima(rng, 1024, 0.3));
    const pooled = localWhittle(sequences);
    const one = localWhittle([sequences[0] as Float64Array]);
    expect(pooled.sequences).toBe(32);
    expect(pooled.standardError).toBeCloseTo(one.standardError / Math.sqrt(32), 15);
    expect(Math.abs(pooled.d - 0.3)).toBeLessThan(3 * pooled.standardError);
  });
});

describe('multivariateLocalWhittle known answers', () => {
  it('multivariateLocalWhittle(3 independent ARFIMA channels, d = 0.1, 0.25, 0.4, n = 16384) is within 3 SE per channel; total memory significant', () => {
    const e = multivariateLocalWhittle([independentArfima(createRng(16), 16384, [0.1, 0.25, 0.4])]);
    expect(e.converged).toBe(true);
    [0.1, 0.25, 0.4].forEach((d, a) => expect(Math.abs((e.d[a] as number) - d)).toBeLessThan(3 * (e.standardErrors[a] as number)));
    expect(e.totalMemoryPValue).toBeLessThan(1e-20);
  });

  it('multivariateLocalWhittle(16-channel white noise, 32 x 1024): total memory not significant (|z| < 3)', () => {
    const rng = createRng(17);
    const e = multivariateLocalWhittle(Array.from({ length: 32 }, () => ({ rows: 1024, cols: 16, data: rng.normals(1024 * 16) })));
    expect(e.converged).toBe(true);
    expect(Math.abs(e.totalMemoryZ)).toBeLessThan(3);
    expect(e.totalMemoryPValue).toBeGreaterThan(0.00135);
  });

  it('multivariateLocalWhittle(16 ARFIMA(0, 0.25, 0) channels, 32 x 1024): total memory within 3 SE of 0.25, p-value < 1e-10', () => {
    const rng = createRng(18);
    const e = multivariateLocalWhittle(Array.from({ length: 32 }, () => independentArfima(rng, 1024, new Array<number>(16).fill(0.25))));
    expect(e.converged).toBe(true);
    expect(Math.abs(e.totalMemory - 0.25)).toBeLessThan(3 * e.totalMemoryStandardError);
    expect(e.totalMemoryPValue).toBeLessThan(1e-10);
  });

  it('multivariateLocalWhittle(random walk and white noise channels) reads d near 1 and near 0', () => {
    const rng = createRng(19);
    const n = 4096;
    const rw = randomWalk(rng, n);
    const wn = rng.normals(n);
    const data = new Float64Array(2 * n);
    for (let t = 0; t < n; t++) {
      data[2 * t] = rw[t] as number;
      data[2 * t + 1] = wn[t] as number;
    }
    const e = multivariateLocalWhittle([{ rows: n, cols: 2, data }]);
    expect(Math.abs((e.d[0] as number) - 1)).toBeLessThan(0.1);
    expect(Math.abs(e.d[1] as number)).toBeLessThan(3 * (e.standardErrors[1] as number));
  });
});

describe('coverage of the 95% intervals (200 seeded replicates each; target 90-99%)', () => {
  // Measured (these seeds): univariate 0.925, pooled 0.96, independent channels 0.92, 0.915,
  // 0.96 and total memory 0.93. With the asymptotic SE 1 / (2 sqrt(m N)) instead of the finite-m
  // one the first two would be 0.895 and 0.90 (n = 2048, m = 142; n = 512, m = 57). Binomial SD
  // of a rate near 0.93 over 200 replicates: 0.018.
  const Z95 = 1.959963984540054;

  it('localWhittle(ARFIMA(0, 0.25, 0), n = 2048): d +- 1.96 SE covers 0.25 in 90-99% of 200 replicates', () => {
    const rng = createRng(101);
    let covered = 0;
    for (let r = 0; r < 200; r++) {
      const e = localWhittle([arfima(rng, 2048, 0.25)]);
      if (Math.abs(e.d - 0.25) <= Z95 * e.standardError) covered++;
    }
    expect(covered / 200).toBeGreaterThanOrEqual(0.9);
    expect(covered / 200).toBeLessThanOrEqual(0.99);
  });

  it('localWhittle(4 sequences of ARFIMA(0, 0.4, 0), n = 512): pooled interval covers 0.4 in 90-99% of 200 replicates', () => {
    const rng = createRng(102);
    let covered = 0;
    for (let r = 0; r < 200; r++) {
      const e = localWhittle(Array.from({ length: 4 }, () => arfima(rng, 512, 0.4)));
      if (Math.abs(e.d - 0.4) <= Z95 * e.standardError) covered++;
    }
    expect(covered / 200).toBeGreaterThanOrEqual(0.9);
    expect(covered / 200).toBeLessThanOrEqual(0.99);
  });

  /** Per-channel and total-memory 95% coverage over 200 samples, each in [0.90, 0.99]. */
  function expectMultivariateCoverage(samples: Iterable<Series>, ds: readonly number[]): void {
    const covered = ds.map(() => 0);
    let totalCovered = 0;
    let count = 0;
    const totalTruth = ds.reduce((a, b) => a + b, 0) / ds.length;
    for (const s of samples) {
      const e = multivariateLocalWhittle([s]);
      expect(e.converged).toBe(true);
      ds.forEach((d, a) => {
        if (Math.abs((e.d[a] as number) - d) <= Z95 * (e.standardErrors[a] as number)) covered[a] = (covered[a] as number) + 1;
      });
      if (Math.abs(e.totalMemory - totalTruth) <= Z95 * e.totalMemoryStandardError) totalCovered++;
      count++;
    }
    expect(count).toBe(200);
    for (const rate of [...covered, totalCovered].map((c) => c / count)) {
      expect(rate).toBeGreaterThanOrEqual(0.9);
      expect(rate).toBeLessThanOrEqual(0.99);
    }
  }

  it('multivariateLocalWhittle(3 independent ARFIMA channels, d = 0.1, 0.25, 0.4, n = 2048): per-channel and total-memory intervals cover in 90-99%', () => {
    const rng = createRng(103);
    const ds = [0.1, 0.25, 0.4];
    expectMultivariateCoverage(
      (function* () {
        for (let r = 0; r < 200; r++) yield independentArfima(rng, 2048, ds);
      })(),
      ds,
    );
  });

  // The phase term at work: with innovation correlation 0.9 the cross-spectral phase carries most
  // of the information (Omega_m's (pi^2 / 4)(K - I) part): SEs 0.027 against 0.045 for
  // independent channels. Measured: 0.95, 0.935, 0.93, total 0.94. The conjugated cross-periodogram
  // (numpy's e^{-i t lambda} FFT without conjugation) gives 0, 0.12, 0.21 and total 0.045 here.
  it('multivariateLocalWhittle(3 FI channels, d = 0.1, 0.25, 0.4, innovation correlation 0.9, n = 2048, exact): intervals cover in 90-99%', () => {
    const rng = createRng(104);
    const ds = [0.1, 0.25, 0.4];
    const factor = equicorrelationFactor(3, 0.9);
    expectMultivariateCoverage(
      (function* () {
        for (let r = 0; r < 100; r++) yield* stationaryFractionalVectorPair(rng, 2048, ds, factor);
      })(),
      ds,
    );
  });
});

describe('stationaryFractionalVectorPair (the test process above)', () => {
  // 2000 pairs of n = 64: each sample covariance averages 4000 products at one time point; with
  // variances <= 2.1 its SD is <= 2.1 sqrt(2 / 4000) = 0.047, so 0.15 is > 3 SD.
  it('has the cross-covariances gamma_ab(h) of (1 - L)^{-d_a} u_a at lags 0..2', () => {
    const ds = [0.1, 0.25, 0.4];
    const factor = equicorrelationFactor(3, 0.9);
    const sigma = factor.map((ri) => factor.map((rj) => ri.reduce((s, v, k) => s + v * ((rj[k] as number | undefined) ?? 0), 0)));
    const gamma = fractionalCrossCovariances(ds, sigma, 2);
    const rng = createRng(61);
    const sums = new Float64Array(27);
    const pairs = 2000;
    for (let r = 0; r < pairs; r++) {
      for (const s of stationaryFractionalVectorPair(rng, 64, ds, factor)) {
        for (let h = 0; h <= 2; h++) {
          for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) sums[h * 9 + a * 3 + b] = (sums[h * 9 + a * 3 + b] as number) + (s.data[(30 + h) * 3 + a] as number) * (s.data[30 * 3 + b] as number);
        }
      }
    }
    sums.forEach((v, i) => expect(Math.abs(v / (2 * pairs) - (gamma[i] as number))).toBeLessThan(0.15));
    // gamma_aa(h) is the ARFIMA(0, d, 0) autocovariance: Gamma(1 - 2d) / Gamma(1 - d)^2 at lag 0 (scipy: gamma(0.2) / gamma(0.6)**2 = 2.0700983252962852 for d = 0.4).
    expect(gamma[2 * 3 + 2]! / sigma[2]![2]!).toBeCloseTo(2.0700983252962852, 10);
  });
});

describe('invariances', () => {
  const base = stationaryFractionalVectorPair(createRng(31), 1024, [0.05, 0.3, 0.45], equicorrelationFactor(3, 0.6))[0];
  const reference = multivariateLocalWhittle([base]);

  // Tolerance 1e-8: scaling by c multiplies G-hat's rows and columns by c (log det shifts by a
  // constant) and a shift is removed with the mean; both sides converge to 1e-10.
  it('multivariateLocalWhittle is unchanged by scaling (|c| in [1e-3, 1e3], either sign) and shifting each channel', () => {
    const scale = fc.double({ min: 1e-3, max: 1e3, noNaN: true }).chain((v) => fc.constantFrom(v, -v));
    fc.assert(
      fc.property(fc.tuple(scale, scale, scale), fc.tuple(fc.double({ min: -1e3, max: 1e3, noNaN: true }), fc.double({ min: -1e3, max: 1e3, noNaN: true }), fc.double({ min: -1e3, max: 1e3, noNaN: true })), (c, s) => {
        const e = multivariateLocalWhittle([transformChannels(base, c, s, [0, 1, 2])]);
        e.d.forEach((v, a) => expect(Math.abs(v - (reference.d[a] as number))).toBeLessThan(1e-8));
        e.standardErrors.forEach((v, a) => expect(Math.abs(v / (reference.standardErrors[a] as number) - 1)).toBeLessThan(1e-7));
      }),
      { numRuns: 25 },
    );
  });

  it('multivariateLocalWhittle permutes d, SEs and covariance with the channels', () => {
    fc.assert(
      fc.property(fc.constantFrom([0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]), (perm) => {
        const e = multivariateLocalWhittle([transformChannels(base, [1, 1, 1], [0, 0, 0], perm)]);
        perm.forEach((a, k) => {
          expect(Math.abs((e.d[k] as number) - (reference.d[a] as number))).toBeLessThan(1e-8);
          perm.forEach((b, l) => expect(Math.abs((e.covariance[k]![l] as number) / (reference.covariance[a]![b] as number) - 1)).toBeLessThan(1e-7));
        });
      }),
    );
  });

  // A common scale (not one per sequence: the pooled periodogram weights sequences by their scale).
  it('localWhittle is unchanged by a common scale and per-sequence shifts, and pooled estimates by the order of the sequences', () => {
    const rng = createRng(32);
    const sequences = Array.from({ length: 3 }, () => arfima(rng, 700, 0.3));
    const e = localWhittle(sequences);
    const scaled = localWhittle(sequences.map((x, k) => x.map((v) => -7.5 * v + 100 * k)));
    const reordered = localWhittle([sequences[2]!, sequences[0]!, sequences[1]!]);
    expect(Math.abs(scaled.d - e.d)).toBeLessThan(1e-10);
    expect(Math.abs(reordered.d - e.d)).toBeLessThan(1e-12);
  });

  it('multivariateLocalWhittle on one channel equals localWhittle on it', () => {
    const x = channel(base, 1);
    const multi = multivariateLocalWhittle([{ rows: x.length, cols: 1, data: x }]);
    const uni = localWhittle([x]);
    expect(Math.abs((multi.d[0] as number) - uni.d)).toBeLessThan(1e-10);
    expect((multi.standardErrors[0] as number) / uni.standardError).toBeCloseTo(1, 12);
  });
});

describe("shimotsuObjective's analytic derivatives", () => {
  // Central differences with h = 1e-5: truncation h^2 R''' / 6 ~ 1e-10 and round-off eps |R| / h
  // ~ 1e-11, so agreement to 1e-7 (relative to the largest entry) has a wide margin.
  it('the gradient and Hessian of R(d) equal central differences of R and of the gradient', () => {
    const s = stationaryFractionalVectorPair(createRng(41), 2000, [0.1, 0.3, 0.45, -0.1], equicorrelationFactor(4, 0.5))[0];
    const p = s.cols;
    const pooled = crossPeriodogram([Array.from({ length: p }, (_, a) => channel(s, a))], p, 120);
    const h = 1e-5;
    for (const d of [[0, 0, 0, 0], [0.1, 0.3, 0.45, -0.1], [0.6, -0.3, 0.2, 1.1]]) {
      const at = shimotsuObjective(pooled, Float64Array.from(d));
      expect(at).toBeDefined();
      const o = at!;
      const scaleG = Math.max(1, ...Array.from(o.gradient, Math.abs));
      const scaleH = Math.max(...Array.from(o.hessian, Math.abs));
      for (let c = 0; c < p; c++) {
        const plus = Float64Array.from(d);
        const minus = Float64Array.from(d);
        plus[c] = (plus[c] as number) + h;
        minus[c] = (minus[c] as number) - h;
        const op = shimotsuObjective(pooled, plus)!;
        const om = shimotsuObjective(pooled, minus)!;
        expect(Math.abs((op.value - om.value) / (2 * h) - (o.gradient[c] as number)) / scaleG).toBeLessThan(1e-7);
        for (let e = 0; e < p; e++) {
          const fd = ((op.gradient[e] as number) - (om.gradient[e] as number)) / (2 * h);
          expect(Math.abs(fd - (o.hessian[e * p + c] as number)) / scaleH).toBeLessThan(1e-7);
        }
      }
    }
  });
});

describe('bad input', () => {
  const good = createRng(51).normals(256);
  const series = (rows: number, cols: number, data?: Float64Array): Series => ({ rows, cols, data: data ?? createRng(52).normals(rows * cols) });
  const cases: [string, () => unknown, RegExp][] = [
    ['no sequences', () => localWhittle([]), /localWhittle: sequences is an array of length 0, expected a non-empty array/],
    ['not an array', () => localWhittle('x' as unknown as number[][]), /localWhittle: sequences is "x", expected a non-empty array/],
    ['too short', () => localWhittle([good.subarray(0, 10)]), /localWhittle: sequences\[0\] has length 10, expected at least 17/],
    ['unequal lengths', () => localWhittle([good, good.subarray(0, 100)]), /localWhittle: sequences\[1\] has length 100, expected 256 \(the length of sequences\[0\]\)/],
    ['NaN', () => localWhittle([Float64Array.from(good, (v, i) => (i === 7 ? Number.NaN : v))]), /localWhittle: sequences\[0\] entry 7 is NaN, expected a finite number/],
    ['constant', () => localWhittle([good, new Float64Array(256).fill(2)]), /localWhittle: sequences\[1\] is constant \(all 256 values equal 2\)/],
    ['bandwidth too large', () => localWhittle([good], { bandwidth: 128 }), /localWhittle: options.bandwidth is 128, expected an integer in \[8, 127\]/],
    ['bandwidth not an integer', () => localWhittle([good], { bandwidth: 10.5 }), /localWhittle: options.bandwidth is 10.5, expected an integer in \[8, 127\]/],
    ['bandwidth too small', () => localWhittle([good], { bandwidth: LOCAL_WHITTLE_MIN_BANDWIDTH - 1 }), /expected an integer in \[8, 127\]/],
    ['no low-frequency power', () => localWhittle([Float64Array.from({ length: 256 }, (_, t) => (t % 2 === 0 ? 1 : -1))]), /localWhittle: the sequences have no power at the first 36 Fourier frequencies/],
    ['empty ensemble', () => multivariateLocalWhittle([]), /multivariateLocalWhittle: ensemble is an array of length 0, expected a non-empty array of series/],
    ['not a series', () => multivariateLocalWhittle([{ rows: 2, cols: 2, data: new Float64Array(3) }]), /multivariateLocalWhittle: ensemble\[0\] is a object, expected a series \{rows, cols, data: Float64Array\(rows \* cols\)\}/],
    ['shape mismatch', () => multivariateLocalWhittle([series(256, 3), series(256, 2)]), /multivariateLocalWhittle: ensemble\[1\] is 256 x 2, expected 256 x 3/],
    ['constant channel', () => multivariateLocalWhittle([series(256, 2, Float64Array.from({ length: 512 }, (_, i) => (i % 2 === 1 ? 5 : i)))]), /multivariateLocalWhittle: ensemble\[0\] channel 1 is constant \(all 256 values equal 5\)/],
    ['NaN in a channel', () => multivariateLocalWhittle([series(256, 2, Float64Array.from(createRng(53).normals(512), (v, i) => (i === 11 ? Infinity : v)))]), /multivariateLocalWhittle: ensemble\[0\] channel 1 entry 5 is Infinity/],
    ['bandwidth out of range', () => multivariateLocalWhittle([series(256, 2)], { bandwidth: 200 }), /multivariateLocalWhittle: options.bandwidth is 200, expected an integer in \[8, 127\]/],
    [
      'duplicated channel',
      () => {
        const x = createRng(54).normals(512);
        const data = new Float64Array(1024);
        for (let t = 0; t < 512; t++) {
          data[2 * t] = x[t] as number;
          data[2 * t + 1] = 3 * (x[t] as number);
        }
        return multivariateLocalWhittle([series(512, 2, data)]);
      },
      /multivariateLocalWhittle: G-hat is not positive definite at the univariate estimates: the 2 channels are linearly dependent/,
    ],
  ];
  for (const [what, call, message] of cases) {
    it(`throws AnalysisInputError naming the problem: ${what}`, () => {
      expect(call).toThrow(AnalysisInputError);
      expect(call).toThrow(message);
    });
  }
});
