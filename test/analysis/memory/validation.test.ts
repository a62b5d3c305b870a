/**
 * Bad input gets one AnalysisInputError whose message names the function, the argument, what
 * was expected and what was found. Minimum lengths with the defaults: dfa 80 (20 s_min,
 * s_min = 4), gph 64 (bandwidth floor(n^0.5) >= 8), aggregatedVariance 200 (20 m_min), and so
 * memoryExponents 200 per sequence.
 */
import { describe, expect, it } from 'vitest';
import { AnalysisInputError } from '../../../src/analysis/errors.js';
import { dfaFgnFit } from '../../../src/analysis/memory/dfa.js';
import { aggregatedVariance, dfa, gph, memoryExponents } from '../../../src/analysis/memory/index.js';
import { createRng } from '../../../src/processes/index.js';

function expectError(f: () => unknown, pattern: RegExp): void {
  let caught: unknown;
  try {
    f();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(AnalysisInputError);
  expect((caught as Error).message).toMatch(pattern);
}

const noise = (n: number): Float64Array => createRng(n).normals(n);
const withNaN = (n: number, at: number): Float64Array => {
  const x = noise(n);
  x[at] = Number.NaN;
  return x;
};

describe('dfa input validation', () => {
  it('dfa(x) with n = 79 < 80 throws: too short for scales 4..n/10', () => {
    expectError(() => dfa(noise(79)), /^dfa: x has length 79, expected at least 80 \(20 s_min with s_min = 4/);
    expect(dfa(noise(80)).scales).toEqual([4, 5, 6, 7, 8]);
    expectError(() => dfa(noise(199), { minScale: 10 }), /^dfa: x has length 199, expected at least 200 \(20 s_min with s_min = 10/);
  });
  it('dfa(x) with an explicit maxScale needs n >= 8 s_min = 32', () => {
    expectError(() => dfa(noise(31), { maxScale: 7 }), /^dfa: x has length 31, expected at least 32/);
    expect(dfa(noise(32), { maxScale: 8 }).scales).toEqual([4, 5, 6, 7, 8]);
    expect(dfa(noise(80), { minScale: 10, maxScale: 20 }).scales).toEqual([10, 12, 14, 17, 20]);
  });
  it('dfa(x) with a NaN names the entry', () => {
    expectError(() => dfa(withNaN(500, 17)), /^dfa: x entry 17 is NaN, expected a finite number$/);
  });
  it('dfa(constant) throws: zero variance', () => {
    expectError(() => dfa(new Float64Array(500).fill(3)), /^dfa: x is constant \(all 500 values equal 3\), expected a series with positive variance$/);
  });
  it('dfa(x) rejects bad options: order, minScale, maxScale, scalesPerOctave, fit', () => {
    expectError(() => dfa(noise(500), { order: 0 }), /^dfa: options.order is 0, expected an integer in \[1, 5\]$/);
    expectError(() => dfa(noise(500), { minScale: 2 }), /^dfa: options.minScale is 2, expected an integer in \[3, /);
    expectError(() => dfa(noise(500), { maxScale: 200 }), /^dfa: options.maxScale is 200, expected an integer in \[5, 125\]$/);
    expectError(() => dfa(noise(500), { scalesPerOctave: 0 }), /^dfa: options.scalesPerOctave is 0, expected a number in \[1, 64\]$/);
    expectError(() => dfa(noise(500), { maxScale: 12, scalesPerOctave: 1 }), /^dfa: the scale grid \[4, 7, 12\] has 3 scales, expected at least 4/);
    expectError(() => dfa(noise(500), { fit: 'ols' as 'fgn' }), /^dfa: options.fit is "ols", expected 'fgn' or 'powerLaw'$/);
  });
  it('dfa(x) of a series constant on aligned blocks of 16 throws: F(16) = 0 (profile linear in every window)', () => {
    const rng = createRng(8);
    const levels = rng.normals(64);
    const x = Float64Array.from({ length: 1024 }, (_, t) => levels[Math.floor(t / 16)] as number);
    expectError(
      () => dfa(x, { minScale: 16, maxScale: 256, scalesPerOctave: 1 }),
      /^dfa: the fluctuation F\(16\) is .*, expected a positive number above the round-off level .* \(the profile is a polynomial of degree <= 1 in every window of size 16\)$/,
    );
  });
  it('dfaFgnFit rejects too few or repeated scales, scales below q + 2, a y of the wrong length or with NaN', () => {
    expectError(() => dfaFgnFit([4, 8], [0, 1]), /^dfaFgnFit: scales is an array of length 2, expected at least 3 distinct window sizes$/);
    expectError(() => dfaFgnFit([4, 8, 8], [0, 1, 2]), /^dfaFgnFit: scales is an array of length 3, expected at least 3 distinct/);
    expectError(() => dfaFgnFit([3, 8, 16], [0, 1, 2], 2), /^dfaFgnFit: scales\[0\] is 3, expected an integer in \[4, /);
    expectError(() => dfaFgnFit([4, 8, 16], [0, 1]), /^dfaFgnFit: y has length 2, expected 3 \(one value per scale\)$/);
    expectError(() => dfaFgnFit([4, 8, 16], [0, Number.NaN, 2]), /^dfaFgnFit: y\[1\] is NaN, expected a finite number$/);
  });
  it('dfa(x) rejects a non-array', () => {
    expectError(() => dfa('abc' as unknown as Float64Array), /^dfa: x is "abc", expected a Float64Array$/);
  });
});

describe('gph input validation', () => {
  it('gph(x) with n = 63 throws: bandwidth floor(n^0.5) = 7 < 8', () => {
    expectError(() => gph(noise(63)), /^gph: x has length 63, expected at least 64 \(bandwidth floor\(n\^0.5\) >= 8\)$/);
    expect(gph(noise(64)).bandwidth).toBe(8);
  });
  it('gph(x) with a NaN, constant x, or Infinity throws', () => {
    expectError(() => gph(withNaN(100, 0)), /^gph: x entry 0 is NaN, expected a finite number$/);
    expectError(() => gph(new Float64Array(100)), /^gph: x is constant \(all 100 values equal 0\)/);
    const x = noise(100);
    x[5] = Number.POSITIVE_INFINITY;
    expectError(() => gph(x), /^gph: x entry 5 is Infinity, expected a finite number$/);
  });
  it('gph(x) rejects bandwidth and bandwidthExponent out of range', () => {
    expectError(() => gph(noise(100), { bandwidth: 50 }), /^gph: options.bandwidth is 50, expected an integer in \[8, 49\]$/);
    expectError(() => gph(noise(100), { bandwidthExponent: 1 }), /^gph: options.bandwidthExponent is 1, expected a number in \(0, 1\)$/);
    expect(gph(noise(100), { bandwidth: 49 }).bandwidth).toBe(49);
  });
  it('gph(alternating +1 -1) throws: zero periodogram at the low Fourier frequencies', () => {
    const x = Float64Array.from({ length: 256 }, (_, t) => (t % 2 === 0 ? 1 : -1));
    expectError(() => gph(x), /^gph: the periodogram at Fourier frequency j = 1 .* is .*, expected a positive number above the round-off level/);
    // n = 300 goes through Bluestein: the zeros come out as round-off (~1e-30), still rejected.
    const y = Float64Array.from({ length: 300 }, (_, t) => 0.1 + (t % 2 === 0 ? 0.3 : -0.3));
    expectError(() => gph(y), /^gph: the periodogram at Fourier frequency j = 1 .* is .*, expected a positive number above the round-off level/);
  });
});

describe('aggregatedVariance input validation', () => {
  it('aggregatedVariance(x) with n = 199 throws: too short for blocks 10..n/10', () => {
    expectError(() => aggregatedVariance(noise(199)), /^aggregatedVariance: x has length 199, expected at least 200/);
  });
  it('aggregatedVariance rejects NaN, constant series and bad options', () => {
    expectError(() => aggregatedVariance(withNaN(400, 399)), /^aggregatedVariance: x entry 399 is NaN, expected a finite number$/);
    expectError(() => aggregatedVariance(new Float64Array(400).fill(-1)), /^aggregatedVariance: x is constant/);
    expectError(
      () => aggregatedVariance(noise(400), { biasCorrection: 'exact' as 'fgn' }),
      /^aggregatedVariance: options.biasCorrection is "exact", expected 'fgn' or 'none'$/,
    );
    expectError(() => aggregatedVariance(noise(400), { bootstrapReplicates: -1 }), /^aggregatedVariance: options.bootstrapReplicates is -1/);
    expectError(() => aggregatedVariance(noise(400), { bootstrapReplicates: 1 }), /^aggregatedVariance: options.bootstrapReplicates is 1, expected 0 \(no bootstrap\) or at least 2$/);
    expectError(() => aggregatedVariance(noise(400), { maxBlockSize: 41 }), /^aggregatedVariance: options.maxBlockSize is 41, expected an integer in \[11, 40\]$/);
  });
  it('aggregatedVariance(periodic with period dividing every block size) throws: all block means equal', () => {
    // Period 2 (+1, -1): every even block size has equal block means; use sizes {10, 20, 40, 80}.
    const x = Float64Array.from({ length: 800 }, (_, t) => (t % 2 === 0 ? 1 : -1));
    expectError(
      () => aggregatedVariance(x, { sizesPerOctave: 1, bootstrapReplicates: 0 }),
      /^aggregatedVariance: the variance of the 80 block means of size 10 is .*, expected a positive number above the round-off level/,
    );
    const y = Float64Array.from({ length: 800 }, (_, t) => 0.1 + (t % 2 === 0 ? 0.3 : -0.3)); // means equal up to round-off
    expectError(
      () => aggregatedVariance(y, { sizesPerOctave: 1, bootstrapReplicates: 0 }),
      /^aggregatedVariance: the variance of the 80 block means of size 10 is .*, expected a positive number above the round-off level/,
    );
  });
});

describe('memoryExponents input validation', () => {
  const series = (rows: number, cols: number, seed = 1) => ({ rows, cols, data: createRng(seed).normals(rows * cols) });
  it('memoryExponents([]) throws', () => {
    expectError(() => memoryExponents([]), /^memoryExponents: series is an empty array, expected at least one sequence$/);
  });
  it('memoryExponents with mismatched widths names the sequence', () => {
    expectError(() => memoryExponents([series(300, 3), series(300, 2)]), /^memoryExponents: series\[1\] has 2 channels, expected 3 \(as series\[0\]\)$/);
  });
  it('memoryExponents with a NaN names the sequence, step and channel', () => {
    const s = series(300, 3);
    s.data[3 * 7 + 2] = Number.NaN;
    expectError(() => memoryExponents([series(300, 3), s]), /^memoryExponents: series\[1\] entry \(t = 7, channel 2\) is NaN, expected a finite number$/);
  });
  it('memoryExponents of an all-constant series throws: zero total variance', () => {
    expectError(
      () => memoryExponents({ rows: 300, cols: 2, data: new Float64Array(600).fill(1) }),
      /^memoryExponents: series has zero variance in every channel/,
    );
  });
  it('memoryExponents with too many components, or a zero-variance one requested, throws', () => {
    expectError(() => memoryExponents(series(300, 2), { components: 3 }), /^memoryExponents: options.components is 3, expected an integer in \[1, 2\]/);
    const data = new Float64Array(600);
    const x = createRng(4).normals(300);
    for (let t = 0; t < 300; t++) data[2 * t] = x[t] as number;
    expectError(() => memoryExponents({ rows: 300, cols: 2, data }, { components: 2 }), /^memoryExponents: options.components is 2, expected at most 1/);
  });
  it('memoryExponents with a sequence too short for an estimator names the sequence and component', () => {
    expectError(
      () => memoryExponents([series(300, 2), series(70, 2, 2)], { aggregatedVariance: { bootstrapReplicates: 0 } }),
      /^memoryExponents: series\[1\], component 0: dfa: x has length 70, expected at least 80/,
    );
    // dfa needs 80 with the defaults, aggregatedVariance 200: a sequence of 150 fails in the latter.
    expectError(
      () => memoryExponents([series(300, 2), series(150, 2, 2)], { aggregatedVariance: { bootstrapReplicates: 0 } }),
      /^memoryExponents: series\[1\], component 0: aggregatedVariance: x has length 150, expected at least 200/,
    );
  });
});
