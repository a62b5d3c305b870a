/**
 * Independent Gaussian white noise vectors.
 *
 * @module
 */

import type { Rng } from './prng.js';
import { assertNonnegativeFinite, assertNonnegativeInteger } from './internal/validate.js';

/**
 * `steps` independent vectors of length `dim` with independent N(0, std^2) entries:
 * autocovariance E[x_t x_{t+k}^T] = std^2 I if k = 0 and 0 otherwise (short memory).
 *
 * Method: x_t[i] = std * z, z = rng.normal(), drawn in time-major order (t, then i).
 *
 * References: P. J. Brockwell & R. A. Davis, Time Series: Theory and Methods, 2nd ed.,
 * Springer 1991, DOI 10.1007/978-1-4419-0320-4, chapter 1 (white noise).
 *
 * @example
 * ```ts
 * const xs = iidGaussian(createRng(1), 3, 2, 0.5);
 * xs.length; // 3
 * xs[0].length; // 2, entries N(0, 0.25)
 * ```
 */
export function iidGaussian(rng: Rng, steps: number, dim: number, std = 1): Float64Array[] {
  assertNonnegativeInteger('iidGaussian', 'steps', steps);
  assertNonnegativeInteger('iidGaussian', 'dim', dim);
  assertNonnegativeFinite('iidGaussian', 'std', std);
  const out: Float64Array[] = [];
  for (let t = 0; t < steps; t++) {
    const x = new Float64Array(dim);
    for (let i = 0; i < dim; i++) x[i] = std * rng.normal();
    out.push(x);
  }
  return out;
}
