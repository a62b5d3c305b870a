/**
 * Mutual information: the Gaussian channel of the paper's Theorem 1.2 (stated exactly),
 * Proposition 1.4 and its check, additivity over the blocks of factorized cells, the curve
 * against the channel count at equal parameters, and empirical estimators (Gaussian log-det
 * with bias correction, KSG) for I(h_t; h_{t+1}) of trajectories. Nats everywhere.
 *
 * Explicit re-exports only.
 *
 * @module
 */
export type { GaussianChannelSample, NoiseCovariance } from './gaussianChannel.js';
export {
  gaussianChannelMutualInformation,
  sampleGaussianChannel,
  singularValueChannelMutualInformation,
} from './gaussianChannel.js';
export type { Proposition14Check } from './proposition14.js';
export { proposition14Check, proposition14MutualInformation, singularValues } from './proposition14.js';
export type { BlockChannelInformation, BlockChannelOptions } from './blockChannel.js';
export { blockDiagonalChannelMI } from './blockChannel.js';
export type { GaussianMutualInformationEstimate, GaussianMutualInformationOptions } from './gaussianEstimator.js';
export { gaussianMutualInformation, logDetWishartBias } from './gaussianEstimator.js';
export type { KsgEstimate, KsgOptions } from './ksg.js';
export { ksgMutualInformation } from './ksg.js';
export type { StepEstimator, StepMutualInformation, StepMutualInformationOptions } from './stepInformation.js';
export { empiricalStepMutualInformation } from './stepInformation.js';
export type { CurveSeries, CurveWeights, MutualInformationCurve, MutualInformationCurveOptions } from './curve.js';
export { candidateRecurrentBlocks, haarOrthogonal, mutualInformationCurve } from './curve.js';
