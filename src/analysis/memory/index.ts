/**
 * Memory exponents (Hurst H, d = H - 1/2) with standard errors: detrended fluctuation analysis,
 * the GPH log-periodogram regression, aggregated variance, and their application to the
 * leading principal components of a multivariate state series.
 *
 * Explicit re-exports only; regression.ts, periodogram.ts and validate.ts are internal.
 *
 * @module
 */
export { DFA_MIN_SCALES, dfa, dfaDefaultMinScale } from './dfa.js';
export type { DfaOptions, DfaResult } from './dfa.js';
export { GPH_DEFAULT_BANDWIDTH_EXPONENT, GPH_MIN_BANDWIDTH, gph } from './gph.js';
export type { GphOptions, GphResult } from './gph.js';
export {
  AGGREGATED_VARIANCE_DEFAULT_MIN_BLOCK,
  AGGREGATED_VARIANCE_MIN_SIZES,
  aggregatedVariance,
} from './aggregatedVariance.js';
export type { AggregatedVarianceOptions, AggregatedVarianceResult } from './aggregatedVariance.js';
export { ZERO_VARIANCE_RELATIVE, memoryExponents } from './memoryExponents.js';
export type { CombinedHurst, ComponentMemory, MemoryExponentsOptions, MemoryExponentsResult } from './memoryExponents.js';
export {
  LOCAL_WHITTLE_BANDWIDTH_EXPONENT,
  LOCAL_WHITTLE_D_RANGE,
  LOCAL_WHITTLE_MIN_BANDWIDTH,
  localWhittle,
  localWhittleDefaultBandwidth,
} from './localWhittle.js';
export type { LocalWhittleEstimate, LocalWhittleOptions } from './localWhittle.js';
export { multivariateLocalWhittle } from './multivariateLocalWhittle.js';
export type { MultivariateLocalWhittleEstimate, MultivariateLocalWhittleOptions } from './multivariateLocalWhittle.js';
