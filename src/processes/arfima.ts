/**
 * ARFIMA(0, d, 0): fractionally integrated white noise, long-range dependent for 0 < d < 1/2
 * (autocovariance ~ C k^(2d-1)) and antipersistent for -1/2 < d < 0.
 *
 * @module
 */

import type { Rng } from './prng.js';
import { type StationaryGaussianSampler, stationaryGaussianSampler } from './circulantEmbedding.js';
import { lnGamma } from './internal/lnGamma.js';
import { assertInteger, assertNonnegativeFinite, assertNonnegativeInteger } from './internal/validate.js';

/** The sampler of the last (n, d, sigma) requested: repeated draws reuse its eigenvalues. */
let lastSampler: { readonly key: string; readonly sampler: StationaryGaussianSampler } | undefined;

function assertD(where: string, d: number): void {
  if (typeof d !== 'number' || !Number.isFinite(d) || d <= -0.5 || d >= 0.5) {
    throw new RangeError(
      `${where}: the fractional difference order d must lie in the open interval (-0.5, 0.5), got ${String(d)}`,
    );
  }
}

/** gamma(0) = sigma^2 Gamma(1 - 2d) / Gamma(1 - d)^2, via ln Gamma. */
function arfimaVariance(d: number, sigma: number): number {
  return sigma * sigma * Math.exp(lnGamma(1 - 2 * d) - 2 * lnGamma(1 - d));
}

/**
 * The autocovariances gamma(0), ..., gamma(maxLag) of ARFIMA(0, d, 0),
 * (1 - B)^d x_t = sigma e_t, e_t iid N(0, 1), d in (-1/2, 1/2).
 *
 * Method: gamma(0) = sigma^2 Gamma(1 - 2d) / Gamma(1 - d)^2 (Lanczos ln Gamma), then the
 * iterative ratio gamma(k) = gamma(k - 1) (k - 1 + d) / (k - d), k = 1..maxLag, so that
 * gamma(k) = gamma(0) Gamma(k + d) Gamma(1 - d) / (Gamma(k - d + 1) Gamma(d)) without
 * overflow. d = 0 gives white noise: gamma = (sigma^2, 0, 0, ...).
 *
 * References: J. R. M. Hosking, "Fractional differencing", Biometrika 68(1):165-176, 1981,
 * DOI 10.1093/biomet/68.1.165; C. W. J. Granger & R. Joyeux, "An introduction to long-memory
 * time series models and fractional differencing", J. Time Ser. Anal. 1(1):15-29, 1980,
 * DOI 10.1111/j.1467-9892.1980.tb00297.x; Brockwell & Davis (1991), section 13.2.
 *
 * @example
 * ```ts
 * arfimaAutocovariances(2, 0.25);
 * // Float64Array [1.1803405990160944, 0.39344686633869813, 0.2810334759562129]
 * // gamma(0) = Gamma(0.5) / Gamma(0.75)^2, gamma(1) = gamma(0) d / (1 - d) = gamma(0) / 3
 * ```
 */
export function arfimaAutocovariances(maxLag: number, d: number, sigma = 1): Float64Array {
  assertNonnegativeInteger('arfimaAutocovariances', 'maxLag', maxLag);
  assertD('arfimaAutocovariances', d);
  assertNonnegativeFinite('arfimaAutocovariances', 'sigma', sigma);
  const out = new Float64Array(maxLag + 1);
  let g = arfimaVariance(d, sigma);
  out[0] = g;
  for (let k = 1; k <= maxLag; k++) {
    g = (g * (k - 1 + d)) / (k - d);
    out[k] = g;
  }
  return out;
}

/**
 * The lag-k autocovariance of ARFIMA(0, d, 0) (see {@link arfimaAutocovariances}); evaluates
 * the ratio recursion up to |k|, O(|k|).
 *
 * @example
 * ```ts
 * arfimaAutocovariance(0, 0); // 1 (white noise)
 * arfimaAutocovariance(1, 0.25); // 0.39344686633869813
 * ```
 */
export function arfimaAutocovariance(k: number, d: number, sigma = 1): number {
  assertInteger('arfimaAutocovariance', 'k', k);
  assertD('arfimaAutocovariance', d);
  assertNonnegativeFinite('arfimaAutocovariance', 'sigma', sigma);
  const lag = Math.abs(k);
  let g = arfimaVariance(d, sigma);
  for (let j = 1; j <= lag; j++) g = (g * (j - 1 + d)) / (j - d);
  return g;
}

/**
 * An exact sample of n consecutive values of the stationary ARFIMA(0, d, 0) process with
 * innovation standard deviation sigma, d in (-1/2, 1/2) (otherwise a RangeError).
 *
 * Method: Davies-Harte circulant embedding of the autocovariances (tabulated iteratively by
 * the ratio recursion, extended lazily when the embedding size doubles), with Hosking's exact
 * method as the fallback; see {@link stationaryGaussianSampler}. The eigenvalues of the last
 * (n, d, sigma) are cached, so repeated calls cost one FFT each.
 *
 * References: Hosking (1981), DOI 10.1093/biomet/68.1.165; P. F. Craigmile, J. Time Ser. Anal.
 * 24(5):505-511, 2003, DOI 10.1111/1467-9892.00318 (the Davies-Harte embedding is nonnegative
 * when all autocorrelations at nonzero lags are <= 0, i.e. d <= 0 here; for d > 0 it is checked
 * at run time).
 *
 * @example
 * ```ts
 * const x = arfima(createRng(1), 1024, 0.3); // Float64Array(1024), Var x_t = Gamma(0.4) / Gamma(0.7)^2 = 1.3165...
 * ```
 */
export function arfima(rng: Rng, n: number, d: number, sigma = 1): Float64Array {
  assertNonnegativeInteger('arfima', 'n', n);
  assertD('arfima', d);
  assertNonnegativeFinite('arfima', 'sigma', sigma);
  if (sigma === 0) return new Float64Array(n);
  const key = `${n}:${d}:${sigma}`;
  if (lastSampler?.key !== key) {
    let table = arfimaAutocovariances(Math.max(n, 1), d, sigma);
    const autocovariance = (k: number): number => {
      if (k >= table.length) {
        // Grow geometrically; the recursion restarts from the last tabulated lag.
        const grown = new Float64Array(Math.max(k + 1, 2 * table.length));
        grown.set(table);
        let g = table[table.length - 1] ?? 0;
        for (let j = table.length; j < grown.length; j++) {
          g = (g * (j - 1 + d)) / (j - d);
          grown[j] = g;
        }
        table = grown;
      }
      return table[k] ?? 0;
    };
    lastSampler = { key, sampler: stationaryGaussianSampler(n, autocovariance) };
  }
  return lastSampler.sampler.sample(rng);
}
