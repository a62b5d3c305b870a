/**
 * Vector autoregression of order one, VAR(1), and its stationary covariance (discrete
 * Lyapunov equation). The linear-RNN analogue of AR(1): short memory whenever rho(A) < 1.
 *
 * @module
 */

import type { Rng } from './prng.js';
import { choleskyLower } from './internal/cholesky.js';
import { assertSquareMatrix, identity, matMul, matVec, maxAbs, transpose } from './internal/matrix.js';
import { assertNonnegativeInteger } from './internal/validate.js';

/** Doublings after which A^(2^k) must have vanished; 2^64 steps exceed any double-precision rho < 1. */
const MAX_DOUBLINGS = 64;

/**
 * The stationary covariance Sigma of the VAR(1) x_t = A x_{t-1} + e_t, Cov(e_t) = Q, i.e. the
 * solution of the discrete Lyapunov equation Sigma = A Sigma A^T + Q, which exists (and is
 * unique) when the spectral radius rho(A) < 1: Sigma = sum_{j>=0} A^j Q (A^j)^T.
 *
 * Method: Smith's doubling algorithm: S_0 = Q, A_0 = A; S_{k+1} = S_k + A_k S_k A_k^T,
 * A_{k+1} = A_k^2, so S_k sums the first 2^k terms of the series and converges quadratically.
 * It stops when ||A_k||_F^2 <= 1e-20 (the remaining tail A_k Sigma A_k^T is then below
 * round-off) and the last increment is below 1e-16 ||S||_max. If A_k overflows, or has not
 * vanished after 64 doublings, rho(A) >= 1 and an Error naming the spectral condition is thrown.
 * The result is symmetrised, (S + S^T) / 2.
 *
 * References: R. A. Smith, "Matrix equation XA + BX = C", SIAM J. Appl. Math. 16(1):198-201,
 * 1968, DOI 10.1137/0116017; T. Penzl, "A cyclic low-rank Smith method for large sparse
 * Lyapunov equations", SIAM J. Sci. Comput. 21(4):1401-1418, 2000, DOI 10.1137/S1064827598347666.
 *
 * @example
 * ```ts
 * var1StationaryCovariance([[0.5]], [[1]]); // [[1.3333333333333333]] = 1 / (1 - 0.25)
 * var1StationaryCovariance([[0.5, 1], [0, 0.5]], [[1, 0], [0, 1]]);
 * // [[4.296296296296296, 0.8888888888888888], [0.8888888888888888, 1.3333333333333333]]
 * // = [[116/27, 8/9], [8/9, 4/3]]
 * ```
 */
export function var1StationaryCovariance(
  A: readonly (readonly number[])[],
  Q: readonly (readonly number[])[],
): number[][] {
  const n = assertSquareMatrix('var1StationaryCovariance', 'A', A);
  const nq = assertSquareMatrix('var1StationaryCovariance', 'Q', Q);
  if (nq !== n) {
    throw new RangeError(`var1StationaryCovariance: Q must be ${n}x${n} like A, got ${nq}x${nq}`);
  }
  let s = Q.map((row) => [...row]);
  let ak = A.map((row) => [...row]);
  for (let k = 0; k < MAX_DOUBLINGS; k++) {
    const increment = matMul(matMul(ak, s), transpose(ak));
    const next = s.map((row, i) => row.map((v, j) => v + (increment[i]?.[j] ?? 0)));
    ak = matMul(ak, ak);
    const akMax = maxAbs(ak);
    const nextMax = maxAbs(next);
    if (!Number.isFinite(akMax) || !Number.isFinite(nextMax)) break;
    let akFrobSq = 0;
    for (const row of ak) for (const v of row) akFrobSq += v * v;
    const incMax = maxAbs(increment);
    s = next;
    if (akFrobSq <= 1e-20 && incMax <= 1e-16 * nextMax) {
      return s.map((row, i) => row.map((v, j) => 0.5 * (v + (s[j]?.[i] ?? 0))));
    }
  }
  throw new Error(
    'var1StationaryCovariance: the doubling iteration for Sigma = A Sigma A^T + Q did not converge ' +
      `(A^(2^k) did not vanish within ${MAX_DOUBLINGS} doublings): a stationary VAR(1) needs ` +
      'spectral radius rho(A) < 1, and here rho(A) >= 1',
  );
}

/**
 * A stationary path x_0, ..., x_{steps-1} (each a Float64Array of length d) of the VAR(1)
 * x_t = A x_{t-1} + e_t, e_t iid N(0, Q), Q = noiseCov (default the identity).
 *
 * Method: Sigma = {@link var1StationaryCovariance}(A, Q); x_0 = L_Sigma z_0 with
 * Sigma = L_Sigma L_Sigma^T, so x_0 ~ N(0, Sigma) and the path is stationary from t = 0:
 * Cov(x_t) = Sigma and Cov(x_{t+k}, x_t) = A^k Sigma; then x_t = A x_{t-1} + L_Q z_t.
 * Cholesky factors accept semidefinite (singular) Q and Sigma. rho(A) >= 1 throws.
 *
 * References: H. Lütkepohl, New Introduction to Multiple Time Series Analysis, Springer 2005,
 * DOI 10.1007/978-3-540-27752-1, chapter 2 (stable VAR(1): Gamma_y(h) = A^h Gamma_y(0)).
 *
 * @example
 * ```ts
 * const xs = var1(createRng(1), 500, [[0.5, 1], [0, 0.5]]);
 * xs.length; // 500, each Float64Array(2) with covariance var1StationaryCovariance(A, I)
 * ```
 */
export function var1(
  rng: Rng,
  steps: number,
  A: readonly (readonly number[])[],
  noiseCov?: readonly (readonly number[])[],
): Float64Array[] {
  assertNonnegativeInteger('var1', 'steps', steps);
  const d = assertSquareMatrix('var1', 'A', A);
  const q = noiseCov ?? identity(d);
  const dq = assertSquareMatrix('var1', 'noiseCov', q);
  if (dq !== d) throw new RangeError(`var1: noiseCov must be ${d}x${d} like A, got ${dq}x${dq}`);
  const sigma = var1StationaryCovariance(A, q);
  const noiseFactor = choleskyLower(q, 'var1 noiseCov');
  const stationaryFactor = choleskyLower(sigma, 'var1 stationary covariance');
  const out: Float64Array[] = [];
  if (steps === 0) return out;
  let x = matVec(stationaryFactor, rng.normals(d));
  out.push(x);
  for (let t = 1; t < steps; t++) {
    const ax = matVec(A, x);
    const e = matVec(noiseFactor, rng.normals(d));
    const next = new Float64Array(d);
    for (let i = 0; i < d; i++) next[i] = (ax[i] ?? 0) + (e[i] ?? 0);
    out.push(next);
    x = next;
  }
  return out;
}
