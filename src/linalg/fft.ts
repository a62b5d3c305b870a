/**
 * In-place radix-2 complex fast Fourier transform on split real/imaginary Float64Arrays.
 *
 * @module
 */

interface FftPlan {
  /** cos(2 pi k / n), k = 0..n/2-1. */
  readonly cos: Float64Array;
  /** sin(2 pi k / n), k = 0..n/2-1. */
  readonly sin: Float64Array;
  /** Bit-reversal permutation of 0..n-1. */
  readonly bitReversed: Uint32Array;
}

/** Twiddles and bit-reversal tables, computed once per transform size. */
const planCache = new Map<number, FftPlan>();

function isPowerOfTwo(n: number): boolean {
  if (!Number.isSafeInteger(n) || n < 1) return false;
  let m = n;
  while (m > 1) {
    if (m % 2 !== 0) return false;
    m /= 2;
  }
  return true;
}

function planFor(n: number): FftPlan {
  const cached = planCache.get(n);
  if (cached !== undefined) return cached;
  const half = n >>> 1;
  const cos = new Float64Array(half);
  const sin = new Float64Array(half);
  // Each twiddle straight from Math.cos/Math.sin (no recurrence), so twiddle error is ~1 ulp.
  for (let k = 0; k < half; k++) {
    const angle = (2 * Math.PI * k) / n;
    cos[k] = Math.cos(angle);
    sin[k] = Math.sin(angle);
  }
  const bitReversed = new Uint32Array(n);
  let bits = 0;
  while (1 << bits < n) bits++;
  for (let i = 0; i < n; i++) {
    let r = 0;
    let x = i;
    for (let b = 0; b < bits; b++) {
      r = (r << 1) | (x & 1);
      x >>>= 1;
    }
    bitReversed[i] = r;
  }
  const plan: FftPlan = { cos, sin, bitReversed };
  planCache.set(n, plan);
  return plan;
}

function checkInput(re: Float64Array, im: Float64Array, name: string): void {
  if (re.length !== im.length) {
    throw new RangeError(`${name}: re and im must have the same length, got ${re.length} and ${im.length}`);
  }
  if (!isPowerOfTwo(re.length)) {
    throw new RangeError(`${name}: length must be a power of two, got ${re.length}`);
  }
  if (re.length > 2 ** 30) {
    throw new RangeError(`${name}: length ${re.length} exceeds the supported maximum 2^30`);
  }
}

/** Iterative Cooley-Tukey butterflies with twiddle exp(sign * 2 pi i k / n). */
function transform(re: Float64Array, im: Float64Array, sign: 1 | -1): void {
  const n = re.length;
  if (n === 1) return;
  const { cos, sin, bitReversed } = planFor(n);
  for (let i = 0; i < n; i++) {
    const j = bitReversed[i] ?? i;
    if (j > i) {
      const tr = re[i] ?? 0;
      re[i] = re[j] ?? 0;
      re[j] = tr;
      const ti = im[i] ?? 0;
      im[i] = im[j] ?? 0;
      im[j] = ti;
    }
  }
  for (let size = 2; size <= n; size *= 2) {
    const halfSize = size >>> 1;
    const stride = n / size;
    for (let start = 0; start < n; start += size) {
      for (let k = 0; k < halfSize; k++) {
        const wr = cos[k * stride] ?? 1;
        const wi = sign * (sin[k * stride] ?? 0);
        const a = start + k;
        const b = a + halfSize;
        const br = re[b] ?? 0;
        const bi = im[b] ?? 0;
        const tr = wr * br - wi * bi;
        const ti = wr * bi + wi * br;
        const ar = re[a] ?? 0;
        const ai = im[a] ?? 0;
        re[b] = ar - tr;
        im[b] = ai - ti;
        re[a] = ar + tr;
        im[a] = ai + ti;
      }
    }
  }
}

/**
 * Forward discrete Fourier transform, in place.
 *
 * Method: X_j = sum_{k=0}^{n-1} x_k exp(-2 pi i j k / n), by the iterative radix-2
 * Cooley-Tukey algorithm (bit-reversal permutation, then log2(n) butterfly passes), O(n log n).
 * Twiddle factors and the permutation are cached per size. n must be a power of two
 * (1 <= n <= 2^30); otherwise a RangeError is thrown.
 *
 * References: J. W. Cooley & J. W. Tukey, "An algorithm for the machine calculation of
 * complex Fourier series", Math. Comp. 19:297-301, 1965, DOI 10.1090/S0025-5718-1965-0178586-1.
 *
 * @example
 * ```ts
 * const re = Float64Array.from([1, 2, 3, 4]);
 * const im = new Float64Array(4);
 * fft(re, im); // re = [10, -2, -2, -2], im = [0, 2, 0, -2] (up to round-off ~1e-16)
 * ```
 */
export function fft(re: Float64Array, im: Float64Array): void {
  checkInput(re, im, 'fft');
  transform(re, im, -1);
}

/**
 * Inverse discrete Fourier transform, in place, with 1/n scaling, so ifft(fft(x)) = x.
 *
 * Method: x_k = (1/n) sum_{j=0}^{n-1} X_j exp(+2 pi i j k / n), radix-2 as in {@link fft}.
 *
 * @example
 * ```ts
 * const re = Float64Array.from([10, -2, -2, -2]);
 * const im = Float64Array.from([0, 2, 0, -2]);
 * ifft(re, im); // re = [1, 2, 3, 4], im = [0, 0, 0, 0]
 * ```
 */
export function ifft(re: Float64Array, im: Float64Array): void {
  checkInput(re, im, 'ifft');
  transform(re, im, 1);
  const scale = 1 / re.length;
  for (let i = 0; i < re.length; i++) {
    re[i] = (re[i] ?? 0) * scale;
    im[i] = (im[i] ?? 0) * scale;
  }
}

/**
 * The smallest power of two that is >= n (n a nonnegative safe integer); nextPowerOfTwo(0) = 1.
 *
 * @example
 * ```ts
 * nextPowerOfTwo(1000); // 1024
 * nextPowerOfTwo(1024); // 1024
 * ```
 */
export function nextPowerOfTwo(n: number): number {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new RangeError(`nextPowerOfTwo(n) needs a nonnegative safe integer, got ${String(n)}`);
  }
  let p = 1;
  while (p < n) p *= 2;
  return p;
}
