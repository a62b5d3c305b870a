/**
 * The periodogram at the Fourier frequencies, for any series length (radix-2 FFT when n is a
 * power of two, Bluestein's chirp-z otherwise). Internal: used by {@link gph}; not re-exported.
 *
 * @module
 */
import { fft, nextPowerOfTwo } from '../../linalg/fft.js';

/**
 * The discrete Fourier transform X_j = sum_t x_t exp(-2 pi i j t / n), j = 0..n-1, of a real
 * series of any length n >= 1, returned as split real and imaginary parts.
 *
 * Method: n a power of two: radix-2 {@link fft}. Otherwise Bluestein: with
 * jt = (j^2 + t^2 - (j - t)^2) / 2, X_j = conj(w_j) sum_t (x_t conj(w_t)) w_{j-t},
 * w_k = exp(i pi k^2 / n), a linear convolution done by zero-padded FFTs of size
 * M = nextPowerOfTwo(2n - 1). The chirp angles use k^2 mod 2n in exact integer arithmetic so
 * they stay accurate for large k.
 *
 * References: L. I. Bluestein, "A linear filtering approach to the computation of discrete
 * Fourier transform", IEEE Trans. Audio Electroacoust. 18(4):451-455, 1970,
 * DOI 10.1109/TAU.1970.1162132.
 *
 * @example
 * ```ts
 * dft(Float64Array.from([1, 2, 3])); // re = [6, -1.5, -1.5], im = [0, 0.866..., -0.866...]
 * ```
 */
export function dft(x: Float64Array): { re: Float64Array; im: Float64Array } {
  const n = x.length;
  if (nextPowerOfTwo(n) === n) {
    const re = Float64Array.from(x);
    const im = new Float64Array(n);
    fft(re, im);
    return { re, im };
  }
  const m = nextPowerOfTwo(2 * n - 1);
  const chirpRe = new Float64Array(n);
  const chirpIm = new Float64Array(n);
  const twoN = 2 * n;
  for (let k = 0; k < n; k++) {
    // k^2 mod 2n exactly: in doubles while k^2 <= 2^53 - 1, with BigInt beyond.
    const k2 = k * k <= Number.MAX_SAFE_INTEGER ? (k * k) % twoN : Number((BigInt(k) * BigInt(k)) % BigInt(twoN));
    const angle = (Math.PI * k2) / n;
    chirpRe[k] = Math.cos(angle);
    chirpIm[k] = Math.sin(angle);
  }
  // a_t = x_t conj(w_t)
  const aRe = new Float64Array(m);
  const aIm = new Float64Array(m);
  for (let t = 0; t < n; t++) {
    const xt = x[t] as number;
    aRe[t] = xt * (chirpRe[t] as number);
    aIm[t] = -xt * (chirpIm[t] as number);
  }
  // b_k = w_k for k = -(n-1)..(n-1), wrapped
  const bRe = new Float64Array(m);
  const bIm = new Float64Array(m);
  for (let k = 0; k < n; k++) {
    bRe[k] = chirpRe[k] as number;
    bIm[k] = chirpIm[k] as number;
    if (k > 0) {
      bRe[m - k] = chirpRe[k] as number;
      bIm[m - k] = chirpIm[k] as number;
    }
  }
  fft(aRe, aIm);
  fft(bRe, bIm);
  for (let i = 0; i < m; i++) {
    const ar = aRe[i] as number;
    const ai = aIm[i] as number;
    const br = bRe[i] as number;
    const bi = bIm[i] as number;
    aRe[i] = ar * br - ai * bi;
    aIm[i] = ar * bi + ai * br;
  }
  // inverse FFT by conjugation: ifft(z) = conj(fft(conj(z))) / m
  for (let i = 0; i < m; i++) aIm[i] = -(aIm[i] as number);
  fft(aRe, aIm);
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const cr = (aRe[j] as number) / m;
    const ci = -(aIm[j] as number) / m;
    const wr = chirpRe[j] as number;
    const wi = chirpIm[j] as number;
    // X_j = conj(w_j) c_j
    re[j] = wr * cr + wi * ci;
    im[j] = wr * ci - wi * cr;
  }
  return { re, im };
}

/**
 * The periodogram I(lambda_j) = |sum_t (x_t - mean x) exp(-i lambda_j t)|^2 / (2 pi n) at the
 * Fourier frequencies lambda_j = 2 pi j / n, j = 1..m (index j - 1 of the result), m <= n - 1.
 * Its mean at frequency lambda is about the spectral density f(lambda), with
 * gamma(0) = integral over (-pi, pi] of f.
 *
 * References: P. J. Brockwell & R. A. Davis, Time Series: Theory and Methods, 2nd ed.,
 * Springer 1991, DOI 10.1007/978-1-4419-0320-4, section 10.1.
 *
 * @example
 * ```ts
 * periodogram(Float64Array.from([1, -1, 1, -1]), 2); // [0, 0.6366...] = [0, 16 / (8 pi)]
 * ```
 */
export function periodogram(x: Float64Array, m: number): Float64Array {
  const n = x.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i] as number;
  mean /= n;
  const centred = new Float64Array(n);
  for (let i = 0; i < n; i++) centred[i] = (x[i] as number) - mean;
  const { re, im } = dft(centred);
  const out = new Float64Array(m);
  const scale = 1 / (2 * Math.PI * n);
  for (let j = 1; j <= m; j++) out[j - 1] = ((re[j] as number) ** 2 + (im[j] as number) ** 2) * scale;
  return out;
}
