/**
 * A multivariate fractionally integrated test process: x_a = (1 - L)^{-d_a} u_a, u iid
 * N(0, C C') across time, correlated across channels: the model of Shimotsu's (2007)
 * multivariate local Whittle estimator, with a different d in each channel (which lrdkit's
 * univariate ARFIMA sampler cannot correlate).
 */
import { fft, ifft, nextPowerOfTwo } from '../../src/linalg/fft.js';
import type { Rng } from '../../src/processes/index.js';
import type { Series } from '../../src/analysis/series.js';

const filterCache = new Map<string, { re: Float64Array; im: Float64Array }>();

/** FFT (size `size`) of psi_k = Gamma(k + d) / (Gamma(d) Gamma(k + 1)), k = 0..length-1 (psi_0 = 1, psi_k = psi_{k-1} (k - 1 + d) / k). */
function filterSpectrum(d: number, length: number, size: number): { re: Float64Array; im: Float64Array } {
  const key = `${d}:${length}:${size}`;
  const cached = filterCache.get(key);
  if (cached !== undefined) return cached;
  const re = new Float64Array(size);
  const im = new Float64Array(size);
  re[0] = 1;
  for (let k = 1; k < length; k++) re[k] = ((re[k - 1] as number) * (k - 1 + d)) / k;
  fft(re, im);
  const out = { re, im };
  filterCache.set(key, out);
  return out;
}

/**
 * n steps (rows) of x_t = sum_{k=0}^{t+B} psi_k(d_a) u_{t-k} per channel a, after a burn-in of
 * B = burnInFactor n steps (the type II process started B steps earlier: its difference from the
 * stationary process is a component at frequencies below 1 / B, mostly removed with the mean).
 * u_t = C z_t with z_t iid N(0, I) and C = `innovationFactor` (lower triangular, p x p rows).
 * Method: the convolution by the project's FFT (zero-padded, no wrap-around).
 */
export function fractionallyIntegratedVector(rng: Rng, n: number, ds: readonly number[], innovationFactor: readonly (readonly number[])[], burnInFactor = 4): Series {
  const p = ds.length;
  const length = n + burnInFactor * n;
  const size = nextPowerOfTwo(2 * length);
  const z = Array.from({ length: p }, () => rng.normals(length));
  const data = new Float64Array(n * p);
  for (let a = 0; a < p; a++) {
    const re = new Float64Array(size);
    const im = new Float64Array(size);
    const row = innovationFactor[a] as readonly number[];
    for (let t = 0; t < length; t++) {
      let s = 0;
      for (let b = 0; b <= a; b++) s += (row[b] ?? 0) * ((z[b] as Float64Array)[t] as number);
      re[t] = s;
    }
    fft(re, im);
    const psi = filterSpectrum(ds[a] as number, length, size);
    for (let i = 0; i < size; i++) {
      const xr = re[i] as number;
      const xi = im[i] as number;
      const pr = psi.re[i] as number;
      const pi = psi.im[i] as number;
      re[i] = xr * pr - xi * pi;
      im[i] = xr * pi + xi * pr;
    }
    ifft(re, im);
    for (let t = 0; t < n; t++) data[t * p + a] = re[length - n + t] as number;
  }
  return { rows: n, cols: p, data };
}

/** Lower Cholesky factor of the equicorrelation matrix (1 - rho) I + rho 1 1' (p x p rows). */
export function equicorrelationFactor(p: number, rho: number): number[][] {
  const c: number[][] = Array.from({ length: p }, (_, i) => Array.from({ length: p }, (__, j) => (i === j ? 1 : rho)));
  const l: number[][] = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  for (let i = 0; i < p; i++) {
    for (let j = 0; j <= i; j++) {
      let s = (c[i] as number[])[j] as number;
      for (let k = 0; k < j; k++) s -= ((l[i] as number[])[k] as number) * ((l[j] as number[])[k] as number);
      (l[i] as number[])[j] = i === j ? Math.sqrt(s) : s / ((l[j] as number[])[j] as number);
    }
  }
  return l;
}
