/**
 * Gate nonlinearities in float64.
 *
 * @module
 */

/**
 * Logistic sigmoid sigma(x) = 1 / (1 + exp(-x)), evaluated without overflow for large |x|
 * (for x < 0 as exp(x) / (1 + exp(x))).
 *
 * @example
 * sigmoid(0); // 0.5
 */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** Hyperbolic tangent (Math.tanh; correctly saturates to +-1). */
export const tanh: (x: number) => number = Math.tanh;
