/**
 * The Gaussian-channel mutual information of the paper's Theorem 1.2, stated exactly:
 *
 *     X ~ N(0, I_n),  eps ~ N(0, Sigma) independent of X,  W in R^{m x n},  eta >= 0,
 *     Y = sqrt(eta) W X + eps  in R^m
 *
 *     I(X; Y) = 1/2 log det(I_m + eta Sigma^-1/2 W W^T Sigma^-1/2)
 *             = 1/2 log det(I_n + eta W^T Sigma^-1 W)
 *             = 1/2 sum_i log(1 + eta s_i^2),  s_i the singular values of Sigma^-1/2 W,
 *
 * in nats. Proof: Y is Gaussian with Cov Y = eta W W^T + Sigma and Cov(Y | X) = Sigma, so
 * I = h(Y) - h(Y | X) = 1/2 log det(eta W W^T + Sigma) - 1/2 log det Sigma; the two log-det
 * forms agree by Sylvester's identity det(I_m + A B) = det(I_n + B A).
 *
 * The paper (section 1.4.3) prints Y = eta W X + eps and
 * I = 1/2 log(I + eta Sigma^-1/2 W^T W Sigma^-1/2). Differences:
 * - with Y = eta W X the factor is eta^2, not eta: eta multiplies the signal covariance, so
 *   the signal is sqrt(eta) W X (equivalently Y = W X + eps with X ~ N(0, eta I_n));
 * - "log" of a matrix means log det;
 * - W^T W between the Sigma^-1/2 factors is the wrong Gram: det(I + eta Sigma^-1/2 W^T W
 *   Sigma^-1/2) = det(I + eta W Sigma^-1 W^T) is the information of the channel with W^T in
 *   place of W. It equals the right value when Sigma = sigma I (Sylvester), not for a general
 *   Sigma, and is not even defined for rectangular W (W^T W is n x n, Sigma is m x m);
 * - X's law is not stated: the formula is exact for X ~ N(0, I_n) and, for any other X with
 *   Cov X = I_n, an upper bound (the Gaussian maximises h(Y) at fixed covariance).
 *
 * @module
 */
import type { DenseMatrix } from '../../linalg/dense.js';
import type { Rng } from '../../processes/prng.js';
import { AnalysisInputError } from '../errors.js';
import type { Series } from '../series.js';
import { choleskyLowerOrNull, forwardSubstituteInPlace, logDetIdentityPlus } from './special.js';
import { checkInteger, checkPositive, checkedMatrix } from './validate.js';

/** Noise covariance of a Gaussian channel: a variance sigma (Sigma = sigma I) or a full SPD matrix. */
export type NoiseCovariance = number | number[][];

/**
 * Sigma^-1/2 W in the Cholesky sense: L^-1 W with Sigma = L L^T (same Gram W^T Sigma^-1 W as
 * the symmetric square root), after validating sigma (a variance or an SPD m x m matrix).
 * Exported for the sibling modules; not part of the public index.
 *
 * Method: W / sqrt(sigma), or forward substitution L B = W (Golub & Van Loan, Matrix
 * Computations, 4th ed., Johns Hopkins 2013, ISBN 978-1-4214-0794-4, Alg. 3.1.3 and 4.2.1).
 *
 * References: Cover & Thomas (2006), DOI 10.1002/047174882X, section 9.5 (whitening coloured noise).
 *
 * @example
 * whitenedChannel(fromRows([[2], [0]]), [[4, 0], [0, 1]], 'f').data; // Float64Array [1, 0]
 */
export function whitenedChannel(w: DenseMatrix, sigma: unknown, fn: string): DenseMatrix {
  const m = w.rows, n = w.cols;
  if (typeof sigma === 'number') {
    const s = checkPositive(sigma, fn, 'sigma (noise variance, Sigma = sigma I)');
    const out = new Float64Array(m * n);
    const f = 1 / Math.sqrt(s);
    for (let i = 0; i < m * n; i++) out[i] = (w.data[i] as number) * f;
    return { rows: m, cols: n, data: out };
  }
  const sig = checkedMatrix(sigma, fn, 'sigma (noise covariance)');
  if (sig.rows !== m || sig.cols !== m) {
    throw new AnalysisInputError(
      `${fn}: sigma is ${sig.rows} x ${sig.cols}, expected ${m} x ${m} (W has ${m} rows: Sigma is the covariance of Y)`,
    );
  }
  let amax = 0;
  for (const v of sig.data) amax = Math.max(amax, Math.abs(v));
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < i; j++) {
      const a = sig.data[i * m + j] as number, b = sig.data[j * m + i] as number;
      if (Math.abs(a - b) > 1e-12 * amax) {
        throw new AnalysisInputError(
          `${fn}: sigma is not symmetric: entry (${i}, ${j}) = ${a} but (${j}, ${i}) = ${b}, expected a symmetric positive definite covariance`,
        );
      }
    }
  }
  const l = choleskyLowerOrNull(sig.data, m);
  if (l === null) {
    throw new AnalysisInputError(
      `${fn}: sigma is singular or indefinite (a Cholesky pivot is <= 0), expected a symmetric positive definite ${m} x ${m} covariance`,
    );
  }
  const b = new Float64Array(w.data);
  forwardSubstituteInPlace(l, m, b, n);
  return { rows: m, cols: n, data: b };
}

/**
 * The smaller Gram matrix of B times `scale`: B^T B (n x n) if n <= m, else B B^T (m x m);
 * both have the same nonzero eigenvalues, so log det(I + G) is the same (Sylvester).
 *
 * Method: accumulated lower triangle, mirrored. References: Golub & Van Loan (2013),
 * ISBN 978-1-4214-0794-4, section 1.1 (Gram products); Sylvester's determinant identity.
 *
 * @example
 * smallerGram(fromRows([[1, 2]])).g; // Float64Array [5] (B B^T, 1 x 1)
 */
export function smallerGram(b: DenseMatrix, scale = 1): { g: Float64Array; k: number } {
  const m = b.rows, n = b.cols, d = b.data;
  if (n <= m) {
    const g = new Float64Array(n * n);
    for (let r = 0; r < m; r++) {
      for (let i = 0; i < n; i++) {
        const bi = (d[r * n + i] as number) * scale;
        if (bi === 0) continue;
        for (let j = 0; j <= i; j++) g[i * n + j] = (g[i * n + j] as number) + bi * (d[r * n + j] as number);
      }
    }
    for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) g[j * n + i] = g[i * n + j] as number;
    return { g, k: n };
  }
  const g = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let c = 0; c < n; c++) s += (d[i * n + c] as number) * (d[j * n + c] as number);
      g[i * m + j] = s * scale;
      g[j * m + i] = s * scale;
    }
  }
  return { g, k: m };
}

/**
 * Mutual information I(X; Y) in nats of the Gaussian channel Y = sqrt(eta) W X + eps with
 * X ~ N(0, I_n), eps ~ N(0, Sigma) independent, W an m x n matrix (Theorem 1.2 of Belletti et
 * al. 2018, corrected: see the module comment for the differences from the printed text).
 *
 * `sigma` is either a number, the noise variance (Sigma = sigma I_m, the paper's
 * diag(sigma, ..., sigma)), or a full m x m symmetric positive definite covariance. eta >= 0
 * is the signal power per input channel (eta = 0 gives 0).
 *
 * Method: B = L^-1 W with Sigma = L L^T (Cholesky; B = W / sqrt(sigma) for scalar sigma),
 * G = the smaller of B^T B and B B^T, and I = 1/2 log det(I + eta G) from a Cholesky
 * factorisation of I + eta G whose pivots are 1 + t_i, summed as 1/2 sum log1p(t_i), so the
 * result keeps its relative accuracy when eta ||B||^2 is tiny. Cost O(m^2 n + min(m, n)^3).
 *
 * References: T. M. Cover & J. A. Thomas, Elements of Information Theory, 2nd ed., Wiley
 * 2006, DOI 10.1002/047174882X, ch. 9 (Gaussian channels, parallel and coloured noise);
 * E. Telatar, "Capacity of multi-antenna Gaussian channels", Eur. Trans. Telecommun.
 * 10(6):585-595, 1999, DOI 10.1002/ett.4460100604; D. Guo, S. Shamai & S. Verdú, "Mutual
 * information and minimum mean-square error in Gaussian channels", IEEE Trans. Inf. Theory
 * 51(4):1261-1282, 2005, DOI 10.1109/TIT.2005.844072.
 *
 * @throws AnalysisInputError for an empty, ragged or non-finite W, eta < 0 or non-finite,
 *   sigma <= 0, a sigma matrix of the wrong size, not symmetric or not positive definite
 * @example
 * gaussianChannelMutualInformation([[1, 0], [0, 1]], 1, 1); // 0.6931471805599453 (= 2 * 1/2 log 2)
 * gaussianChannelMutualInformation([[2], [0]], 1, [[2, 0], [0, 1]]); // 0.5493061443340548 (= 1/2 log 3)
 */
export function gaussianChannelMutualInformation(W: number[][], eta: number, sigma: number | number[][]): number {
  const fn = 'gaussianChannelMutualInformation';
  const w = checkedMatrix(W, fn, 'W');
  const e = checkPositive(eta, fn, 'eta', true);
  const b = whitenedChannel(w, sigma, fn);
  if (e === 0) return 0;
  return channelInformationOfWhitened(b, e, fn);
}

/**
 * 1/2 log det(I + eta G), G the smaller Gram of the whitened channel B (internal).
 *
 * Method: {@link smallerGram} then the log1p Cholesky of special.ts. References: Cover &
 * Thomas (2006), DOI 10.1002/047174882X, ch. 9.
 *
 * @example
 * channelInformationOfWhitened(fromRows([[1, 0], [0, 1]]), 1, 'f'); // 0.6931471805599453
 */
export function channelInformationOfWhitened(b: DenseMatrix, eta: number, fn: string): number {
  const { g, k } = smallerGram(b, eta);
  const ld = logDetIdentityPlus(g, k);
  if (!Number.isFinite(ld)) {
    throw new AnalysisInputError(`${fn}: log det(I + eta W^T Sigma^-1 W) is ${ld}, expected a finite number (overflow in eta or W?)`);
  }
  return 0.5 * ld;
}

/**
 * Mutual information in nats of a Gaussian channel given the singular values s_i of W and an
 * isotropic noise variance sigma: sum_i 1/2 log(1 + eta s_i^2 / sigma). Equals
 * {@link gaussianChannelMutualInformation}(W, eta, sigma) (the channel decouples along the
 * singular vectors into independent scalar channels with SNR eta s_i^2 / sigma).
 *
 * Method: direct sum with log1p.
 *
 * References: Cover & Thomas (2006), DOI 10.1002/047174882X, section 9.4 (parallel Gaussian
 * channels); Telatar (1999), DOI 10.1002/ett.4460100604.
 *
 * @example
 * singularValueChannelMutualInformation([1, 1, 1], 1, 1); // 1.0397207708399179 (= 3/2 log 2)
 * singularValueChannelMutualInformation([2, 0], 1, 1); // 0.8047189562170501 (= 1/2 log 5)
 */
export function singularValueChannelMutualInformation(singularValues: readonly number[], eta: number, sigma: number): number {
  const fn = 'singularValueChannelMutualInformation';
  if (!Array.isArray(singularValues) || singularValues.length === 0) {
    throw new AnalysisInputError(`${fn}: singularValues has ${String((singularValues as unknown[] | undefined)?.length)} entries, expected a non-empty array`);
  }
  const e = checkPositive(eta, fn, 'eta', true);
  const s2 = checkPositive(sigma, fn, 'sigma (noise variance)');
  let sum = 0;
  singularValues.forEach((s, i) => {
    if (typeof s !== 'number' || !Number.isFinite(s) || s < 0) {
      throw new AnalysisInputError(`${fn}: singularValues entry ${i} is ${String(s)}, expected a finite number >= 0`);
    }
    sum += 0.5 * Math.log1p((e * s * s) / s2);
  });
  return sum;
}

/** Samples of a Gaussian channel: inputs x (n samples x W.cols) and outputs y (n x W.rows). */
export interface GaussianChannelSample {
  readonly x: Series;
  readonly y: Series;
}

/**
 * Draws `samples` independent pairs (X, Y) of the channel Y = sqrt(eta) W X + eps,
 * X ~ N(0, I_n), eps ~ N(0, Sigma): the Monte Carlo counterpart of
 * {@link gaussianChannelMutualInformation}.
 *
 * Method: per sample, x = n draws of rng.normal(), then z = m draws, eps = L z with
 * Sigma = L L^T (eps = sqrt(sigma) z for scalar sigma), y = sqrt(eta) W x + eps.
 *
 * References: Cover & Thomas (2006), DOI 10.1002/047174882X, ch. 9.
 *
 * @example
 * const { x, y } = sampleGaussianChannel([[1, 0], [0, 1]], 1, 1, 1000, createRng(1));
 * [x.rows, x.cols, y.cols]; // [1000, 2, 2]
 */
export function sampleGaussianChannel(
  W: number[][],
  eta: number,
  sigma: number | number[][],
  samples: number,
  rng: Rng,
): GaussianChannelSample {
  const fn = 'sampleGaussianChannel';
  const w = checkedMatrix(W, fn, 'W');
  const e = checkPositive(eta, fn, 'eta', true);
  checkInteger(samples, fn, 'samples', 1);
  const m = w.rows, n = w.cols;
  let l: Float64Array;
  if (typeof sigma === 'number') {
    const s = Math.sqrt(checkPositive(sigma, fn, 'sigma (noise variance)'));
    l = new Float64Array(m * m);
    for (let i = 0; i < m; i++) l[i * m + i] = s;
  } else {
    whitenedChannel(w, sigma, fn); // validates sigma
    const sig = checkedMatrix(sigma, fn, 'sigma');
    l = choleskyLowerOrNull(sig.data, m) as Float64Array;
  }
  const se = Math.sqrt(e);
  const xd = new Float64Array(samples * n), yd = new Float64Array(samples * m);
  const z = new Float64Array(m);
  for (let t = 0; t < samples; t++) {
    for (let j = 0; j < n; j++) xd[t * n + j] = rng.normal();
    for (let i = 0; i < m; i++) z[i] = rng.normal();
    for (let i = 0; i < m; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += (w.data[i * n + j] as number) * (xd[t * n + j] as number);
      let noise = 0;
      for (let c = 0; c <= i; c++) noise += (l[i * m + c] as number) * (z[c] as number);
      yd[t * m + i] = se * s + noise;
    }
  }
  return { x: { rows: samples, cols: n, data: xd }, y: { rows: samples, cols: m, data: yd } };
}
