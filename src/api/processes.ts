/**
 * `lrdkit/processes`: seeded random numbers (xoshiro128**) and the reference processes with
 * known memory: i.i.d. Gaussian, AR(1), VAR(1), ARMA, fractional Gaussian noise and Brownian
 * motion, ARFIMA, and stationary Gaussian series from any autocovariance.
 *
 * @example
 * ```ts
 * import { createRng, fgn } from 'lrdkit/processes';
 * fgn(createRng(1), 1024, 0.8).length; // 1024
 * ```
 *
 * @module lrdkit/processes
 */
export {
  Rng,
  createRng,
  iidGaussian,
  ar1,
  ar1Autocovariance,
  var1,
  var1StationaryCovariance,
  hosking,
  gaussianFromAutocovariance,
  gaussianFromAutocovarianceWithInfo,
  stationaryGaussianSampler,
  fgn,
  fgnAutocovariance,
  fbm,
  arfima,
  arfimaAutocovariance,
  arfimaAutocovariances,
  arma,
  armaLargestRootModulus,
} from '../processes/index.js';
export type {
  Ar1Options,
  AutocovarianceFunction,
  CirculantEmbeddingOptions,
  GaussianSampleWithInfo,
  GaussianSamplingMethod,
  StationaryGaussianSampler,
  XoshiroState,
} from '../processes/index.js';
