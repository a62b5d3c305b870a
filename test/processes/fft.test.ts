import { describe, expect, it } from 'vitest';
import { fft, ifft, nextPowerOfTwo } from '../../src/linalg/fft.js';
import { Rng } from '../../src/processes/prng.js';

/** O(n^2) DFT with the angle reduced mod n first, so the reference itself is accurate. */
function naiveDft(re: Float64Array, im: Float64Array): [Float64Array, Float64Array] {
  const n = re.length;
  const outRe = new Float64Array(n);
  const outIm = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let sr = 0;
    let si = 0;
    for (let k = 0; k < n; k++) {
      const angle = (-2 * Math.PI * ((j * k) % n)) / n;
      const c = Math.cos(angle);
      const s = Math.sin(angle);
      sr += (re[k] ?? 0) * c - (im[k] ?? 0) * s;
      si += (re[k] ?? 0) * s + (im[k] ?? 0) * c;
    }
    outRe[j] = sr;
    outIm[j] = si;
  }
  return [outRe, outIm];
}

function maxAbsDiff(a: Float64Array, b: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] ?? 0) - (b[i] ?? 0)));
  return m;
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (const v of a) m = Math.max(m, Math.abs(v));
  return m;
}

describe('fft', () => {
  it('fft(re, im) equals the naive O(n^2) DFT to 1e-12 relative for n = 1..1024 on random input', () => {
    const rng = new Rng(1);
    for (let n = 1; n <= 1024; n *= 2) {
      const re = rng.normals(n);
      const im = rng.normals(n);
      const [expRe, expIm] = naiveDft(re, im);
      fft(re, im);
      const scale = Math.max(maxAbs(expRe), maxAbs(expIm));
      // Radix-2 error grows like eps log2(n); 1e-12 leaves a wide margin over ~1e-15.
      expect(maxAbsDiff(re, expRe) / scale).toBeLessThan(1e-12);
      expect(maxAbsDiff(im, expIm) / scale).toBeLessThan(1e-12);
    }
  });

  it('fft([1, 2, 3, 4]) is [10, -2 + 2i, -2, -2 - 2i]', () => {
    const re = Float64Array.from([1, 2, 3, 4]);
    const im = new Float64Array(4);
    fft(re, im);
    const expected = [10, -2, -2, -2];
    const expectedIm = [0, 2, 0, -2];
    for (let i = 0; i < 4; i++) {
      expect(re[i]).toBeCloseTo(expected[i] ?? 0, 14);
      expect(im[i]).toBeCloseTo(expectedIm[i] ?? 0, 14);
    }
  });

  it('ifft(fft(x)) returns x to 1e-14 relative, and ifft scales by 1/n', () => {
    const rng = new Rng(2);
    for (const n of [1, 2, 8, 256, 4096]) {
      const re0 = rng.normals(n);
      const im0 = rng.normals(n);
      const re = re0.slice();
      const im = im0.slice();
      fft(re, im);
      ifft(re, im);
      const scale = Math.max(maxAbs(re0), maxAbs(im0));
      expect(maxAbsDiff(re, re0) / scale).toBeLessThan(1e-14);
      expect(maxAbsDiff(im, im0) / scale).toBeLessThan(1e-14);
    }
    const re = Float64Array.from([8, 0, 0, 0, 0, 0, 0, 0]);
    const im = new Float64Array(8);
    ifft(re, im); // the spectrum 8 at frequency 0 only is the constant signal 8 / 8 = 1
    expect(Array.from(re)).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
  });

  it('fft(re, im) throws a RangeError for lengths that are not powers of two or that differ', () => {
    expect(() => fft(new Float64Array(6), new Float64Array(6))).toThrow(/power of two, got 6/);
    expect(() => fft(new Float64Array(0), new Float64Array(0))).toThrow(RangeError);
    expect(() => ifft(new Float64Array(4), new Float64Array(8))).toThrow(/same length/);
  });

  it('nextPowerOfTwo(n) is the smallest power of two >= n', () => {
    expect([0, 1, 2, 3, 5, 1000, 1024, 1025, 2 ** 40 + 1].map(nextPowerOfTwo)).toEqual([
      1, 1, 2, 4, 8, 1024, 1024, 2048, 2 ** 41,
    ]);
    expect(() => nextPowerOfTwo(-1)).toThrow(RangeError);
    expect(() => nextPowerOfTwo(2.5)).toThrow(RangeError);
  });
});
