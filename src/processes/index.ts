/**
 * Seeded known-answer input processes: PRNG, white noise, AR(1)/VAR(1), fractional Gaussian
 * noise, ARFIMA(0, d, 0), and exact stationary Gaussian sampling (Davies-Harte, Hosking).
 *
 * @module
 */

export { Rng, createRng } from './prng.js';
export type { XoshiroState } from './prng.js';
export { iidGaussian } from './gaussianNoise.js';
export { ar1, ar1Autocovariance } from './ar1.js';
export type { Ar1Options } from './ar1.js';
export { var1, var1StationaryCovariance } from './var1.js';
export { hosking } from './hosking.js';
export type { AutocovarianceFunction } from './hosking.js';
export {
  DEFAULT_MAX_DOUBLINGS,
  EIGENVALUE_ROUNDOFF_TOLERANCE,
  gaussianFromAutocovariance,
  gaussianFromAutocovarianceWithInfo,
  stationaryGaussianSampler,
} from './circulantEmbedding.js';
export type {
  CirculantEmbeddingOptions,
  GaussianSampleWithInfo,
  GaussianSamplingMethod,
  StationaryGaussianSampler,
} from './circulantEmbedding.js';
export { fbm, fgn, fgnAutocovariance } from './fgn.js';
export { arfima, arfimaAutocovariance, arfimaAutocovariances } from './arfima.js';
export { arma, armaBurnIn, armaLargestRootModulus } from './arma.js';
