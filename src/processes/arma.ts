/**
 * Autoregressive moving-average processes ARMA(p, q): short memory with several time scales
 * (and, for p >= 2 with complex roots, oscillating autocorrelations).
 *
 * @module
 */

import type { Rng } from './prng.js';
import { assertFinite, assertNonnegativeFinite, assertNonnegativeInteger } from './internal/validate.js';

/** Burn-in of {@link arma}: steps discarded so that the start-up transient is below round-off. */
export function armaBurnIn(ar: readonly number[]): number {
  const root = armaLargestRootModulus(ar);
  if (root === 0) return 0;
  // root^b <= 1e-16.
  return Math.ceil(Math.log(1e-16) / Math.log(root)) + ar.length;
}

/**
 * The largest modulus of the roots of z^p - a_1 z^(p-1) - ... - a_p (the inverse roots of the AR
 * polynomial): the process is stationary and causal when it is below 1. The slowest time scale of
 * the autocorrelation is -1 / log(modulus) steps.
 *
 * Method: the spectral radius of the companion matrix C by repeated squaring (Gelfand's formula,
 * rho(C) = lim ||C^(2^k)||_F^(2^-k), 50 squarings with the scale carried in logarithms).
 *
 * @example
 * ```ts
 * armaLargestRootModulus([1.4, -0.45]); // 0.9 (roots 0.9 and 0.5)
 * ```
 */
export function armaLargestRootModulus(ar: readonly number[]): number {
  const p = ar.length;
  if (p === 0) return 0;
  const frobenius = (m: number[][]): number => Math.sqrt(m.reduce((acc, row) => acc + row.reduce((a, v) => a + v * v, 0), 0));
  let m: number[][] = Array.from({ length: p }, (_, i) => Array.from({ length: p }, (_, j) => (i === 0 ? (ar[j] as number) : j === i - 1 ? 1 : 0)));
  // L = log ||C^(2^k)||_F, m = C^(2^k) / e^L.
  let L = Math.log(frobenius(m));
  if (!Number.isFinite(L)) return 0;
  m = m.map((row) => row.map((v) => v / Math.exp(L)));
  let estimate = Math.exp(L);
  for (let k = 1; k <= 50; k++) {
    const sq = m.map((row) => row.map((_, j) => row.reduce((acc, v, q) => acc + v * ((m[q] as number[])[j] as number), 0)));
    const f = frobenius(sq);
    if (f === 0) return 0;
    L = 2 * L + Math.log(f);
    m = sq.map((row) => row.map((v) => v / f));
    estimate = Math.exp(L / 2 ** k);
  }
  return estimate;
}

/**
 * A path x_0, ..., x_{steps-1} of the ARMA(p, q) process
 * x_t = a_1 x_{t-1} + ... + a_p x_{t-p} + e_t + b_1 e_{t-1} + ... + b_q e_{t-q}, e_t iid N(0, sigma^2),
 * started from zeros and run for {@link armaBurnIn}(ar) discarded steps (the start-up transient
 * decays as modulus^t, so it is below 1e-16 of the stationary scale when recording starts).
 * Throws a RangeError when the AR part is not stationary (largest root modulus >= 1).
 *
 * References: P. J. Brockwell & R. A. Davis, Time Series: Theory and Methods, 2nd ed., Springer
 * 1991, DOI 10.1007/978-1-4419-0320-4, chapter 3 (causal ARMA processes).
 *
 * @example
 * ```ts
 * const x = arma(createRng(1), 1000, [1.4, -0.45], [0.4]); // Float64Array(1000); slowest time scale -1/log 0.9 = 9.5 steps
 * ```
 */
export function arma(rng: Rng, steps: number, ar: readonly number[], ma: readonly number[], sigma = 1): Float64Array {
  assertNonnegativeInteger('arma', 'steps', steps);
  ar.forEach((v, i) => assertFinite('arma', `ar[${i}]`, v));
  ma.forEach((v, i) => assertFinite('arma', `ma[${i}]`, v));
  assertNonnegativeFinite('arma', 'sigma', sigma);
  const modulus = armaLargestRootModulus(ar);
  if (!(modulus < 1)) throw new RangeError(`arma: ar = [${ar.join(', ')}] has a root of modulus ${modulus}, expected < 1 (stationary)`);
  const p = ar.length;
  const q = ma.length;
  const burn = armaBurnIn(ar) + q;
  const xs = new Float64Array(p);
  const es = new Float64Array(q);
  const out = new Float64Array(steps);
  for (let t = 0; t < burn + steps; t++) {
    const e = sigma * rng.normal();
    let x = e;
    for (let i = 0; i < p; i++) x += (ar[i] as number) * (xs[i] as number);
    for (let j = 0; j < q; j++) x += (ma[j] as number) * (es[j] as number);
    for (let i = p - 1; i > 0; i--) xs[i] = xs[i - 1] as number;
    if (p > 0) xs[0] = x;
    for (let j = q - 1; j > 0; j--) es[j] = es[j - 1] as number;
    if (q > 0) es[0] = e;
    if (t >= burn) out[t - burn] = x;
  }
  return out;
}
