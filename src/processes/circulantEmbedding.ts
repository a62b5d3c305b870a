/**
 * Exact simulation of stationary Gaussian sequences by circulant embedding (Davies-Harte),
 * with Hosking's method as the fallback when the embedding is not nonnegative definite.
 *
 * @module
 */

import { fft, nextPowerOfTwo } from '../linalg/fft.js';
import type { Rng } from './prng.js';
import { type AutocovarianceFunction, hoskingFromAutocovariances, tabulateAutocovariance } from './hosking.js';
import { assertNonnegativeInteger } from './internal/validate.js';

/** Relative threshold below which negative circulant eigenvalues count as round-off. */
export const EIGENVALUE_ROUNDOFF_TOLERANCE = 1e-10;

/** Default number of times the half-size m is doubled before giving up on the embedding. */
export const DEFAULT_MAX_DOUBLINGS = 4;

/** Options of {@link gaussianFromAutocovariance}. */
export interface CirculantEmbeddingOptions {
  /**
   * When the embedding stays indefinite after all doublings: true (default) samples by Hosking's
   * exact O(n^2) method instead; false throws an Error naming the most negative eigenvalue.
   */
  readonly fallback?: boolean;
  /** How many times m may be doubled after m = nextPowerOfTwo(n) (default 4, so m <= 16 m_0). */
  readonly maxDoublings?: number;
}

/** How a sample was drawn. */
export type GaussianSamplingMethod = 'davies-harte' | 'hosking';

/** A prepared sampler for one (n, autocovariance) pair: the eigenvalue work is done once. */
export interface StationaryGaussianSampler {
  /** Sequence length n. */
  readonly n: number;
  readonly method: GaussianSamplingMethod;
  /**
   * Size 2m of the circulant used (method 'davies-harte'), or of the largest one tried
   * before falling back (method 'hosking'); 0 when n = 0.
   */
  readonly embeddingSize: number;
  /** Smallest eigenvalue of that circulant before clipping (negative means indefinite). */
  readonly minEigenvalue: number;
  /** One exact sample x_0..x_{n-1}. */
  sample(rng: Rng): Float64Array;
}

/** A sample together with how it was drawn. */
export interface GaussianSampleWithInfo {
  readonly values: Float64Array;
  readonly method: GaussianSamplingMethod;
  readonly embeddingSize: number;
  readonly minEigenvalue: number;
}

interface EmbeddingAttempt {
  readonly size: number;
  readonly eigenvalues: Float64Array;
  readonly minEigenvalue: number;
  readonly maxEigenvalue: number;
  readonly ok: boolean;
}

/** Eigenvalues of the circulant with first row (g_0..g_m, g_{m-1}..g_1), size 2m. */
function tryEmbedding(gammas: Float64Array, m: number): EmbeddingAttempt {
  const size = 2 * m;
  const re = new Float64Array(size);
  const im = new Float64Array(size);
  for (let k = 0; k <= m; k++) re[k] = gammas[k] ?? 0;
  for (let k = 1; k < m; k++) re[size - k] = gammas[k] ?? 0;
  fft(re, im); // c is real and symmetric, so the eigenvalues are real: re
  let minEigenvalue = Infinity;
  let maxEigenvalue = -Infinity;
  for (let j = 0; j < size; j++) {
    const lambda = re[j] ?? 0;
    if (lambda < minEigenvalue) minEigenvalue = lambda;
    if (lambda > maxEigenvalue) maxEigenvalue = lambda;
  }
  const ok = maxEigenvalue > 0 && minEigenvalue >= -EIGENVALUE_ROUNDOFF_TOLERANCE * maxEigenvalue;
  return { size, eigenvalues: re, minEigenvalue, maxEigenvalue, ok };
}

/** Grow the tabulated autocovariance to at least `count` lags. */
function extendTable(
  table: Float64Array,
  autocovariance: AutocovarianceFunction,
  count: number,
): Float64Array {
  if (table.length >= count) return table;
  const grown = new Float64Array(count);
  grown.set(table);
  for (let k = table.length; k < count; k++) {
    const g = autocovariance(k);
    if (typeof g !== 'number' || !Number.isFinite(g)) {
      throw new RangeError(`gaussianFromAutocovariance: autocovariance(${k}) must be a finite number, got ${String(g)}`);
    }
    grown[k] = g;
  }
  return grown;
}

/**
 * Prepare exact sampling of the zero-mean stationary Gaussian sequence of length n with
 * autocovariance(k) (called for integer lags 0..m, m up to 2^maxDoublings nextPowerOfTwo(n)).
 * The returned sampler reuses the circulant eigenvalues for every sample; see
 * {@link gaussianFromAutocovariance} for the method.
 *
 * @example
 * ```ts
 * const sampler = stationaryGaussianSampler(1024, (k) => fgnAutocovariance(k, 0.7));
 * sampler.method; // 'davies-harte'
 * sampler.embeddingSize; // 2048
 * const x = sampler.sample(createRng(1)); // Float64Array(1024)
 * ```
 */
export function stationaryGaussianSampler(
  n: number,
  autocovariance: AutocovarianceFunction,
  options: CirculantEmbeddingOptions = {},
): StationaryGaussianSampler {
  assertNonnegativeInteger('gaussianFromAutocovariance', 'n', n);
  const maxDoublings = options.maxDoublings ?? DEFAULT_MAX_DOUBLINGS;
  assertNonnegativeInteger('gaussianFromAutocovariance', 'options.maxDoublings', maxDoublings);
  const fallback = options.fallback ?? true;
  if (n === 0) {
    return { n, method: 'davies-harte', embeddingSize: 0, minEigenvalue: 0, sample: () => new Float64Array(0) };
  }
  const m0 = nextPowerOfTwo(n);
  let gammas = tabulateAutocovariance('gaussianFromAutocovariance', autocovariance, m0 + 1);
  const tried: string[] = [];
  let attempt: EmbeddingAttempt | undefined;
  for (let doubling = 0, m = m0; doubling <= maxDoublings; doubling++, m *= 2) {
    gammas = extendTable(gammas, autocovariance, m + 1);
    attempt = tryEmbedding(gammas, m);
    tried.push(`${attempt.size}: ${attempt.minEigenvalue}`);
    if (attempt.ok) break;
  }
  if (attempt === undefined) throw new Error('unreachable: no embedding attempted');
  if (attempt.ok) {
    const size = attempt.size;
    const m = size / 2;
    // Weights sqrt(lambda_j / (2m)), with round-off negatives clipped to 0.
    const weights = new Float64Array(size);
    for (let j = 0; j < size; j++) weights[j] = Math.sqrt(Math.max(attempt.eigenvalues[j] ?? 0, 0) / size);
    const sample = (rng: Rng): Float64Array => {
      const re = new Float64Array(size);
      const im = new Float64Array(size);
      re[0] = (weights[0] ?? 0) * rng.normal();
      re[m] = (weights[m] ?? 0) * rng.normal();
      for (let j = 1; j < m; j++) {
        const w = (weights[j] ?? 0) * Math.SQRT1_2;
        const a = w * rng.normal();
        const b = w * rng.normal();
        re[j] = a;
        im[j] = b;
        re[size - j] = a;
        im[size - j] = -b;
      }
      fft(re, im); // Hermitian weights: the transform is real (im is round-off)
      return re.slice(0, n);
    };
    return { n, method: 'davies-harte', embeddingSize: size, minEigenvalue: attempt.minEigenvalue, sample };
  }
  if (!fallback) {
    throw new Error(
      `gaussianFromAutocovariance: the circulant embedding is not nonnegative definite: most negative ` +
        `eigenvalue ${attempt.minEigenvalue} (largest ${attempt.maxEigenvalue}) at embedding size ` +
        `${attempt.size}, after ${maxDoublings} doublings (size: most negative eigenvalue = ${tried.join(', ')}); ` +
        `leave options.fallback unset (or true) to sample by Hosking's exact method instead`,
    );
  }
  const table = gammas;
  return {
    n,
    method: 'hosking',
    embeddingSize: attempt.size,
    minEigenvalue: attempt.minEigenvalue,
    sample: (rng: Rng): Float64Array => hoskingFromAutocovariances(rng, n, table),
  };
}

/**
 * An exact sample x_0, ..., x_{n-1} of the zero-mean stationary Gaussian sequence with
 * E[x_t x_{t+k}] = autocovariance(k), together with how it was drawn.
 *
 * Method (Davies-Harte): let m = nextPowerOfTwo(n) (m >= n) and embed the n x n Toeplitz
 * covariance in the symmetric circulant C of size M = 2m with first row
 * c = (gamma(0), ..., gamma(m), gamma(m-1), ..., gamma(1)). Its eigenvalues are
 * lambda = FFT(c) (real). Eigenvalues with lambda >= -1e-10 max(lambda) are round-off and
 * clipped to 0; a genuinely negative one makes the embedding fail, m is doubled (up to
 * options.maxDoublings = 4 times) and, if it still fails, Hosking's Durbin-Levinson method is
 * used (or, with options.fallback === false, an Error names the most negative eigenvalue and
 * the embedding size). With C = F diag(lambda) F^* / M (F the DFT matrix), draw Hermitian
 * weights W_0 = sqrt(lambda_0 / M) z_0, W_m = sqrt(lambda_m / M) z_m (real),
 * W_j = sqrt(lambda_j / (2M)) (a_j + i b_j) and W_{M-j} = conj(W_j) for 0 < j < m, all z, a, b
 * iid N(0, 1). Then E[W W^*] = diag(lambda) / M (the pair W_j, W_{M-j} is uncorrelated because
 * E[(a + ib)^2] = 0), and X = F W is real because W is Hermitian, so
 * Cov(X) = F E[W W^*] F^* = F diag(lambda) F^* / M = C and x = X_{0..n-1} has covariance
 * gamma(|s - t|) exactly. Cost O(M log M) per sample and M normal draws.
 *
 * References: R. B. Davies & D. S. Harte, "Tests for Hurst effect", Biometrika 74(1):95-101,
 * 1987, DOI 10.1093/biomet/74.1.95; A. T. A. Wood & G. Chan, "Simulation of stationary Gaussian
 * processes in [0, 1]^d", J. Comput. Graph. Stat. 3(4):409-432, 1994, DOI 10.2307/1390903;
 * C. R. Dietrich & G. N. Newsam, "Fast and exact simulation of stationary Gaussian processes
 * through circulant embedding of the covariance matrix", SIAM J. Sci. Comput. 18(4):1088-1107,
 * 1997, DOI 10.1137/S1064827592240555.
 *
 * @example
 * ```ts
 * const r = gaussianFromAutocovarianceWithInfo(createRng(1), 1000, (k) => 0.5 ** k);
 * r.method; // 'davies-harte'
 * r.embeddingSize; // 2048
 * r.values.length; // 1000
 * ```
 */
export function gaussianFromAutocovarianceWithInfo(
  rng: Rng,
  n: number,
  autocovariance: AutocovarianceFunction,
  options: CirculantEmbeddingOptions = {},
): GaussianSampleWithInfo {
  const sampler = stationaryGaussianSampler(n, autocovariance, options);
  return {
    values: sampler.sample(rng),
    method: sampler.method,
    embeddingSize: sampler.embeddingSize,
    minEigenvalue: sampler.minEigenvalue,
  };
}

/**
 * An exact sample x_0, ..., x_{n-1} of the zero-mean stationary Gaussian sequence with
 * E[x_t x_{t+k}] = autocovariance(k): the values of {@link gaussianFromAutocovarianceWithInfo}
 * (Davies-Harte circulant embedding, Hosking fallback).
 *
 * @example
 * ```ts
 * const x = gaussianFromAutocovariance(createRng(1), 1000, (k) => 0.5 ** k);
 * // Float64Array(1000) with E[x_t x_{t+k}] = 0.5^|k|
 * ```
 */
export function gaussianFromAutocovariance(
  rng: Rng,
  n: number,
  autocovariance: AutocovarianceFunction,
  options: CirculantEmbeddingOptions = {},
): Float64Array {
  return gaussianFromAutocovarianceWithInfo(rng, n, autocovariance, options).values;
}
