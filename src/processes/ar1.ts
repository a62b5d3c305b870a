/**
 * Scalar autoregressive process of order one, AR(1): the canonical short-memory process,
 * with geometrically decaying autocovariance.
 *
 * @module
 */

import type { Rng } from './prng.js';
import {
  assertFinite,
  assertInteger,
  assertNonnegativeFinite,
  assertNonnegativeInteger,
} from './internal/validate.js';

export { var1, var1StationaryCovariance } from './var1.js';

/** How an AR(1) path starts when it is not drawn from the stationary law. */
export interface Ar1Options {
  /**
   * Deterministic starting value: x_0 = initial when there is no burn-in, otherwise the value
   * the burn-in starts from. Allows |phi| >= 1 (e.g. a random walk with phi = 1).
   */
  readonly initial?: number;
  /**
   * Steps run and discarded before x_0 is recorded, starting from `initial` (default 0) or,
   * when |phi| < 1 and no `initial` is given, from the stationary law. Allows |phi| >= 1.
   */
  readonly burnIn?: number;
}

function assertStationaryPhi(where: string, phi: number): void {
  assertFinite(where, 'phi', phi);
  if (Math.abs(phi) >= 1) {
    throw new RangeError(
      `${where}: |phi| must be < 1 for a stationary AR(1), got phi = ${phi}` +
        (where === 'ar1' ? ' (pass options.initial or options.burnIn to simulate a nonstationary path)' : ''),
    );
  }
}

/**
 * The autocovariance of the stationary AR(1) x_t = phi x_{t-1} + sigma e_t, e_t iid N(0, 1).
 *
 * Method: gamma(k) = sigma^2 phi^|k| / (1 - phi^2), |phi| < 1, k an integer.
 *
 * References: P. J. Brockwell & R. A. Davis, Time Series: Theory and Methods, 2nd ed.,
 * Springer 1991, DOI 10.1007/978-1-4419-0320-4, section 3.1 (causal AR(1)).
 *
 * @example
 * ```ts
 * ar1Autocovariance(0, 0.5); // 1.3333333333333333 = 1 / (1 - 0.25)
 * ar1Autocovariance(2, 0.5, 2); // 1.3333333333333333 = 4 * 0.25 / 0.75
 * ```
 */
export function ar1Autocovariance(k: number, phi: number, sigma = 1): number {
  assertInteger('ar1Autocovariance', 'k', k);
  assertStationaryPhi('ar1Autocovariance', phi);
  assertNonnegativeFinite('ar1Autocovariance', 'sigma', sigma);
  return (sigma * sigma * phi ** Math.abs(k)) / (1 - phi * phi);
}

/**
 * A path x_0, ..., x_{steps-1} of the AR(1) x_t = phi x_{t-1} + sigma e_t, e_t iid N(0, 1),
 * stationary from t = 0 (x_0 ~ N(0, sigma^2 / (1 - phi^2))) unless `options` says otherwise.
 *
 * Method: x_0 = sqrt(sigma^2 / (1 - phi^2)) z_0 (exact stationary start, so every x_t has the
 * stationary law and autocovariance {@link ar1Autocovariance}); then the recursion. With
 * `options.initial` the path starts at x_0 = initial; with `options.burnIn` = b the recursion
 * first runs b discarded steps. Either of those allows |phi| >= 1; otherwise |phi| >= 1 throws.
 *
 * References: Brockwell & Davis (1991), section 3.1, DOI 10.1007/978-1-4419-0320-4.
 *
 * @example
 * ```ts
 * const x = ar1(createRng(1), 1000, 0.9); // Float64Array(1000), Var x_t = 1 / 0.19 = 5.263...
 * const walk = ar1(createRng(1), 10, 1, 1, { initial: 0 }); // random walk from 0
 * ```
 */
export function ar1(rng: Rng, steps: number, phi: number, sigma = 1, options: Ar1Options = {}): Float64Array {
  assertNonnegativeInteger('ar1', 'steps', steps);
  assertFinite('ar1', 'phi', phi);
  assertNonnegativeFinite('ar1', 'sigma', sigma);
  const { initial, burnIn } = options;
  if (initial !== undefined) assertFinite('ar1', 'options.initial', initial);
  if (burnIn !== undefined) assertNonnegativeInteger('ar1', 'options.burnIn', burnIn);
  if (initial === undefined && burnIn === undefined) assertStationaryPhi('ar1', phi);

  const out = new Float64Array(steps);
  if (steps === 0) return out;
  let x: number;
  if (initial !== undefined) {
    x = initial;
  } else if (Math.abs(phi) < 1) {
    x = Math.sqrt((sigma * sigma) / (1 - phi * phi)) * rng.normal();
  } else {
    x = 0;
  }
  for (let b = 0; b < (burnIn ?? 0); b++) x = phi * x + sigma * rng.normal();
  out[0] = x;
  for (let t = 1; t < steps; t++) {
    x = phi * x + sigma * rng.normal();
    out[t] = x;
  }
  return out;
}
