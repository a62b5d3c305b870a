/**
 * Fractional Gaussian noise (fGn) and fractional Brownian motion (fBm): the reference
 * long-range-dependent process, with autocovariance ~ H(2H - 1) k^(2H-2) as k -> infinity.
 *
 * @module
 */

import type { Rng } from './prng.js';
import { type StationaryGaussianSampler, stationaryGaussianSampler } from './circulantEmbedding.js';
import { assertInteger, assertNonnegativeFinite, assertNonnegativeInteger } from './internal/validate.js';

/** The sampler of the last (n, H, sigma) requested: repeated draws reuse its eigenvalues. */
let lastSampler: { readonly key: string; readonly sampler: StationaryGaussianSampler } | undefined;

function fgnSampler(n: number, hurst: number, sigma: number): StationaryGaussianSampler {
  const key = `${n}:${hurst}:${sigma}`;
  if (lastSampler?.key === key) return lastSampler.sampler;
  const sampler = stationaryGaussianSampler(n, (k) => fgnAutocovariance(k, hurst, sigma));
  lastSampler = { key, sampler };
  return sampler;
}

/** Lags from which the series form of the fGn autocovariance is used (no cancellation). */
const SERIES_FROM_LAG = 4;

function assertHurst(where: string, hurst: number): void {
  if (typeof hurst !== 'number' || !Number.isFinite(hurst) || hurst <= 0 || hurst >= 1) {
    throw new RangeError(`${where}: the Hurst index H must lie in the open interval (0, 1), got ${String(hurst)}`);
  }
}

/**
 * The autocovariance of fractional Gaussian noise with Hurst index H and variance sigma^2.
 *
 * Method: gamma(k) = sigma^2 / 2 (|k+1|^(2H) - 2|k|^(2H) + |k-1|^(2H)). For |k| >= 4 the
 * equivalent cancellation-free series gamma(k) = sigma^2 k^(2H) sum_{j>=1} C(2H, 2j) k^(-2j)
 * (binomial coefficients, terms shrinking by at least 1/16 per step) is summed instead, so the
 * result keeps full relative accuracy at large lags. gamma(0) = sigma^2; H = 1/2 is white noise.
 *
 * References: B. B. Mandelbrot & J. W. Van Ness, "Fractional Brownian motions, fractional
 * noises and applications", SIAM Review 10(4):422-437, 1968, DOI 10.1137/1010093;
 * J. Beran, Statistics for Long-Memory Processes, Chapman & Hall 1994, section 2.3.
 *
 * @example
 * ```ts
 * fgnAutocovariance(0, 0.7); // 1
 * fgnAutocovariance(1, 0.7); // 0.3195079107728942 = (2^1.4 - 2) / 2
 * fgnAutocovariance(3, 0.5); // 0
 * ```
 */
export function fgnAutocovariance(k: number, hurst: number, sigma = 1): number {
  assertInteger('fgnAutocovariance', 'k', k);
  assertHurst('fgnAutocovariance', hurst);
  assertNonnegativeFinite('fgnAutocovariance', 'sigma', sigma);
  const lag = Math.abs(k);
  const twoH = 2 * hurst;
  const variance = sigma * sigma;
  if (lag < SERIES_FROM_LAG) {
    return (variance / 2) * ((lag + 1) ** twoH - 2 * lag ** twoH + Math.abs(lag - 1) ** twoH);
  }
  const inverseSquare = 1 / (lag * lag);
  let binomial = 1; // C(2H, i), built up by C(a, i+1) = C(a, i) (a - i) / (i + 1)
  let power = 1; // k^(-2j)
  let sum = 0;
  for (let j = 1; j <= 200; j++) {
    const i = 2 * j - 2;
    binomial = (binomial * (twoH - i)) / (i + 1);
    binomial = (binomial * (twoH - i - 1)) / (i + 2);
    power *= inverseSquare;
    const term = binomial * power;
    sum += term;
    if (Math.abs(term) <= 1e-17 * Math.abs(sum)) break;
  }
  return variance * lag ** twoH * sum;
}

/**
 * An exact sample of n consecutive values of fractional Gaussian noise with Hurst index
 * H in (0, 1) and variance sigma^2 (H outside (0, 1) throws a RangeError).
 *
 * Method: Davies-Harte circulant embedding of {@link fgnAutocovariance} via
 * {@link stationaryGaussianSampler}. Every eigenvalue of the embedding is checked at run time;
 * for fGn it is nonnegative (proved by Craigmile 2003 for H <= 1/2, where all correlations at
 * nonzero lags are <= 0, and observed for H > 1/2), so the sample is exact. Hosking's method
 * remains the fallback. The eigenvalues of the last (n, H, sigma) are cached, so repeated calls
 * (one per sequence) cost one FFT of size 2 nextPowerOfTwo(n) each.
 *
 * References: Davies & Harte (1987), DOI 10.1093/biomet/74.1.95; P. F. Craigmile, "Simulating
 * a class of stationary Gaussian processes using the Davies-Harte algorithm, with application
 * to long memory processes", J. Time Ser. Anal. 24(5):505-511, 2003, DOI 10.1111/1467-9892.00318.
 *
 * @example
 * ```ts
 * const x = fgn(createRng(1), 1024, 0.8); // Float64Array(1024), Var(sum x) = 1024^1.6
 * ```
 */
export function fgn(rng: Rng, n: number, hurst: number, sigma = 1): Float64Array {
  assertNonnegativeInteger('fgn', 'n', n);
  assertHurst('fgn', hurst);
  assertNonnegativeFinite('fgn', 'sigma', sigma);
  if (sigma === 0) return new Float64Array(n);
  return fgnSampler(n, hurst, sigma).sample(rng);
}

/**
 * Fractional Brownian motion B_0 = 0, B_1, ..., B_n at integer times: the cumulative sum of
 * {@link fgn}(rng, n, H, sigma), length n + 1, with Var(B_t) = sigma^2 t^(2H).
 *
 * Method: B_0 = 0, B_t = B_{t-1} + x_{t-1} for t = 1..n, x exact fGn.
 *
 * References: Mandelbrot & Van Ness (1968), DOI 10.1137/1010093.
 *
 * @example
 * ```ts
 * const b = fbm(createRng(1), 1024, 0.3); // Float64Array(1025), b[0] = 0
 * ```
 */
export function fbm(rng: Rng, n: number, hurst: number, sigma = 1): Float64Array {
  const increments = fgn(rng, n, hurst, sigma);
  const path = new Float64Array(n + 1);
  for (let t = 1; t <= n; t++) path[t] = (path[t - 1] ?? 0) + (increments[t - 1] ?? 0);
  return path;
}
