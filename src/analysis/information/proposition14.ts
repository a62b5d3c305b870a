/**
 * Proposition 1.4 of Belletti et al. (2018): "Assuming that x_t ~ N(0, diag(sigma, ...,
 * sigma)), W_h is full rank with d_h representation dimensions,
 * I(h_t, tanh(W_x x_t + W_h h_t + b)) = d_h/2 log(1 + eta/sigma)."
 *
 * Through Theorem 1.2 (as corrected in `gaussianChannel.ts`) the right-hand side is the
 * information of the channel Y = sqrt(eta) W X + eps, X ~ N(0, I), eps ~ N(0, sigma I), which
 * is sum_i 1/2 log(1 + eta s_i^2 / sigma) over the singular values s_i of W. It equals
 * d_h/2 log(1 + eta/sigma) exactly when every s_i = 1 (W^T W = I: W orthogonal), not merely
 * when W is full rank. By concavity of log (Jensen), when mean_i s_i^2 = ||W||_F^2 / d_h <= 1
 * the proposition's value is an upper bound, with equality iff all s_i are equal to 1. The
 * proposition also needs the noise W_x x_t to be isotropic (W_x orthogonal up to scale: its
 * covariance is sigma W_x W_x^T) and the signal W_h h_t to have covariance eta I; pass
 * Sigma = sigma W_x W_x^T and W = W_h P^(1/2) (P = Cov h_t) to
 * `gaussianChannelMutualInformation` for the general Gaussian case.
 *
 * @module
 */
import { Matrix as MlMatrix, SingularValueDecomposition } from 'ml-matrix';
import { AnalysisInputError } from '../errors.js';
import { channelInformationOfWhitened, whitenedChannel } from './gaussianChannel.js';
import { checkInteger, checkPositive, checkedMatrix } from './validate.js';

/**
 * The right-hand side of Proposition 1.4: d_h/2 log(1 + eta/sigma) nats, linear in the
 * channel count d_h.
 *
 * Method: (d_h / 2) log1p(eta / sigma).
 *
 * References: F. Belletti, A. Beutel, S. Jain & E. Chi, "Factorized recurrent neural
 * architectures for longer range dependence", AISTATS 2018, PMLR vol. 84 (no DOI), section
 * 1.4.3; Cover & Thomas (2006),
 * DOI 10.1002/047174882X, eq. (9.68) (parallel channels with equal SNR).
 *
 * @example
 * proposition14MutualInformation(4, 1, 1); // 1.3862943611198906 (= 2 log 2)
 */
export function proposition14MutualInformation(channels: number, eta: number, sigma: number): number {
  const fn = 'proposition14MutualInformation';
  checkInteger(channels, fn, 'channels', 1);
  const e = checkPositive(eta, fn, 'eta', true);
  const s = checkPositive(sigma, fn, 'sigma (noise variance)');
  return 0.5 * channels * Math.log1p(e / s);
}

/** Singular values of a matrix, descending (ml-matrix's one-sided Jacobi/Golub–Kahan SVD). */
export function singularValues(W: number[][]): number[] {
  const w = checkedMatrix(W, 'singularValues', 'W');
  const rows: number[][] = [];
  for (let i = 0; i < w.rows; i++) rows.push(Array.from(w.data.subarray(i * w.cols, (i + 1) * w.cols)));
  const svd = new SingularValueDecomposition(new MlMatrix(rows), {
    computeLeftSingularVectors: false,
    computeRightSingularVectors: false,
    autoTranspose: true,
  });
  return svd.diagonal.slice().sort((a, b) => b - a);
}

/** What {@link proposition14Check} found. */
export interface Proposition14Check {
  /** true when the proposition's value equals the exact one within `tolerance` (relative). */
  readonly holds: boolean;
  /** Exact I = 1/2 log det(I + eta/sigma W^T W), nats (Theorem 1.2, corrected). */
  readonly exactNats: number;
  /** d_h/2 log(1 + eta/sigma) with d_h = W.rows, nats. */
  readonly propositionNats: number;
  /** propositionNats - exactNats (positive: the proposition overstates the information). */
  readonly gapNats: number;
  /** gapNats / exactNats (Infinity when exactNats = 0 < propositionNats). */
  readonly relativeGap: number;
  /** Singular values of W, descending: the proposition needs all of them equal to 1. */
  readonly singularValues: readonly number[];
  /** max_i |s_i - 1| over the d_h channels (missing singular values of a wide/tall W count as 0). */
  readonly orthogonalityDefect: number;
  /** ||W||_F^2 / d_h: when <= 1 the proposition is an upper bound (Jensen). */
  readonly meanSquaredSingularValue: number;
}

/**
 * Checks Proposition 1.4 for a given recurrent matrix W (d_h x n) and isotropic noise
 * variance sigma: compares d_h/2 log(1 + eta/sigma) with the exact Gaussian-channel
 * information 1/2 log det(I + eta/sigma W^T W) of Theorem 1.2.
 *
 * Assumptions quoted from the paper: x_t ~ N(0, diag(sigma, ..., sigma)); W_h full rank with
 * d_h representation dimensions. Made explicit here: Y = sqrt(eta) W X + eps with X ~ N(0, I)
 * and eps ~ N(0, sigma I); the equality needs W^T W = I (all singular values 1), full rank
 * is not enough.
 *
 * Method: exact value by `gaussianChannelMutualInformation`'s log1p-Cholesky path, singular
 * values by ml-matrix's SVD, holds = |gap| <= tolerance * max(exact, proposition).
 *
 * References: Belletti et al., AISTATS 2018, section 1.4.3 (Theorem 1.2, Proposition 1.4);
 * Cover & Thomas (2006), DOI 10.1002/047174882X, section 9.4.
 *
 * @example
 * proposition14Check([[0, 1], [1, 0]], 1, 1).holds; // true (a permutation is orthogonal)
 * proposition14Check([[2, 0], [0, 0.5]], 1, 1).gapNats; // -0.2231435513142097
 * //  = log 2 - 1/2 (log 5 + log 1.25): here the proposition understates (mean s^2 = 2.125 > 1)
 */
export function proposition14Check(W: number[][], eta: number, sigma: number, tolerance = 1e-12): Proposition14Check {
  const fn = 'proposition14Check';
  const w = checkedMatrix(W, fn, 'W');
  const e = checkPositive(eta, fn, 'eta', true);
  if (typeof sigma !== 'number') {
    throw new AnalysisInputError(`${fn}: sigma is ${typeof sigma}, expected a number (the proposition assumes Sigma = sigma I)`);
  }
  const b = whitenedChannel(w, sigma, fn);
  checkPositive(tolerance, fn, 'tolerance', true);
  const exactNats = e === 0 ? 0 : channelInformationOfWhitened(b, e, fn);
  const dh = w.rows;
  const propositionNats = 0.5 * dh * Math.log1p(e / sigma);
  const sv = singularValues(W);
  let defect = 0;
  for (let i = 0; i < dh; i++) defect = Math.max(defect, Math.abs((sv[i] ?? 0) - 1));
  let fro = 0;
  for (const v of w.data) fro += v * v;
  const gapNats = propositionNats - exactNats;
  const relativeGap = exactNats > 0 ? gapNats / exactNats : gapNats === 0 ? 0 : Number.POSITIVE_INFINITY;
  return {
    holds: Math.abs(gapNats) <= tolerance * Math.max(exactNats, propositionNats, Number.MIN_VALUE),
    exactNats,
    propositionNats,
    gapNats,
    relativeGap,
    singularValues: sv,
    orthogonalityDefect: defect,
    meanSquaredSingularValue: fro / dh,
  };
}
