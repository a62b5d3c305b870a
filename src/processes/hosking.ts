/**
 * Hosking's exact simulation of a stationary Gaussian sequence (Durbin-Levinson recursion).
 *
 * @module
 */

import type { Rng } from './prng.js';
import { assertNonnegativeInteger } from './internal/validate.js';

/** An autocovariance: gamma(lag) for integer lags >= 0 (gamma(-k) = gamma(k) is implied). */
export type AutocovarianceFunction = (lag: number) => number;

/**
 * gamma(0), ..., gamma(count - 1) tabulated into a Float64Array; throws a RangeError if a value
 * is not finite or gamma(0) <= 0. Internal to the samplers (not re-exported from the index).
 *
 * @example
 * ```ts
 * tabulateAutocovariance('demo', (k) => 0.5 ** k, 3); // Float64Array [1, 0.5, 0.25]
 * ```
 */
export function tabulateAutocovariance(
  where: string,
  autocovariance: AutocovarianceFunction,
  count: number,
): Float64Array {
  const gammas = new Float64Array(count);
  for (let k = 0; k < count; k++) {
    const g = autocovariance(k);
    if (typeof g !== 'number' || !Number.isFinite(g)) {
      throw new RangeError(`${where}: autocovariance(${k}) must be a finite number, got ${String(g)}`);
    }
    gammas[k] = g;
  }
  if (count > 0 && !((gammas[0] ?? 0) > 0)) {
    throw new RangeError(`${where}: autocovariance(0) must be > 0, got ${gammas[0]}`);
  }
  return gammas;
}

/**
 * {@link hosking} on tabulated autocovariances gamma(0..n-1) (array length >= n); the
 * circulant-embedding fallback calls it. Internal (not re-exported from the index).
 *
 * @example
 * ```ts
 * hoskingFromAutocovariances(createRng(1), 3, Float64Array.of(1, 0.5, 0.25)); // Float64Array(3)
 * ```
 */
export function hoskingFromAutocovariances(rng: Rng, n: number, gammas: Float64Array): Float64Array {
  const x = new Float64Array(n);
  if (n === 0) return x;
  const gamma0 = gammas[0] ?? 0;
  let v = gamma0;
  x[0] = Math.sqrt(v) * rng.normal();
  // phi[j] = phi_{t,j}, j = 1..t (index 0 unused); prev holds phi_{t-1, .}.
  let phi = new Float64Array(n);
  let prev = new Float64Array(n);
  for (let t = 1; t < n; t++) {
    let num = gammas[t] ?? 0;
    for (let j = 1; j < t; j++) num -= (prev[j] ?? 0) * (gammas[t - j] ?? 0);
    const reflection = num / v;
    phi[t] = reflection;
    for (let j = 1; j < t; j++) phi[j] = (prev[j] ?? 0) - reflection * (prev[t - j] ?? 0);
    v *= 1 - reflection * reflection;
    if (!(v > 0)) {
      throw new Error(
        `hosking: the autocovariance is not positive definite for n = ${n}: the Durbin-Levinson ` +
          `innovation variance at order ${t} is ${v} (partial autocorrelation ${reflection})`,
      );
    }
    let mean = 0;
    for (let j = 1; j <= t; j++) mean += (phi[j] ?? 0) * (x[t - j] ?? 0);
    x[t] = mean + Math.sqrt(v) * rng.normal();
    const swap = prev;
    prev = phi;
    phi = swap;
  }
  return x;
}

/**
 * An exact sample x_0, ..., x_{n-1} of the zero-mean stationary Gaussian sequence with
 * autocovariance E[x_t x_{t+k}] = autocovariance(k), in O(n^2) time and O(n) memory.
 *
 * Method: sequential conditioning. x_0 = sqrt(v_0) z_0, v_0 = gamma(0); for t >= 1 the
 * Durbin-Levinson recursion gives the one-step predictor coefficients and innovation variance
 * phi_{t,t} = (gamma(t) - sum_{j=1}^{t-1} phi_{t-1,j} gamma(t-j)) / v_{t-1},
 * phi_{t,j} = phi_{t-1,j} - phi_{t,t} phi_{t-1,t-j}, v_t = v_{t-1} (1 - phi_{t,t}^2),
 * and x_t = sum_{j=1}^t phi_{t,j} x_{t-j} + sqrt(v_t) z_t. Exact for any positive definite
 * Toeplitz covariance; if v_t <= 0 the sequence is not positive definite for this n and an
 * Error naming the order and v_t is thrown.
 *
 * References: J. R. M. Hosking, "Modeling persistence in hydrological time series using
 * fractional differencing", Water Resources Research 20(12):1898-1908, 1984,
 * DOI 10.1029/WR020i012p01898; J. Durbin, "The fitting of time-series models",
 * Rev. Int. Stat. Inst. 28(3):233-244, 1960, DOI 10.2307/1401322.
 *
 * @example
 * ```ts
 * const x = hosking(createRng(1), 256, (k) => fgnAutocovariance(k, 0.8));
 * // Float64Array(256): exact fGn with H = 0.8
 * ```
 */
export function hosking(rng: Rng, n: number, autocovariance: AutocovarianceFunction): Float64Array {
  assertNonnegativeInteger('hosking', 'n', n);
  const gammas = tabulateAutocovariance('hosking', autocovariance, n);
  return hoskingFromAutocovariances(rng, n, gammas);
}
