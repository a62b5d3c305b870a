/**
 * Correlation sums and SRD / LRD verdicts: ||Cor(h_t, h_{t+k})||_2 per lag (fast projected
 * time-average estimator or exact ensemble estimator), partial sums S(K), noise floors, decay
 * fits and the verdict of the paper's Definition 1.1.
 *
 * @module
 */
export { crossCorrelationNorms, partialSumsOverLags, PCA_MAX_ROWS } from './crossCorrelationNorms.js';
export type {
  CorrelationBootstrap,
  CorrelationBootstrapOptions,
  CorrelationEstimator,
  CorrelationNoiseFloor,
  CrossCorrelationNorms,
  CrossCorrelationOptions,
} from './crossCorrelationNorms.js';
export { crossCorrelationMatrix } from './crossCorrelationMatrix.js';
export type { CrossCorrelationMatrixOptions } from './crossCorrelationMatrix.js';
export { RESOLUTION_DEFAULTS, VERDICT_RULE_VERSION, correlationSums, correlationVerdict, fmt } from './correlationVerdict.js';
export { NEAR_INTEGRATING_TOTAL_MEMORY, dependenceVerdict, stateRegime, verdictSentence } from './dependenceVerdict.js';
export type { DependenceAssessment, StateDynamics, StateRegime } from './dependenceVerdict.js';
export type {
  BetaInterval,
  CorrelationEvidence,
  CorrelationSums,
  CorrelationSumsOptions,
  CorrelationVerdict,
  CorrelationVerdictOptions,
  DependenceVerdict,
} from './correlationVerdict.js';
export { fitExponentialDecay, fitPowerLawDecay } from './decayFits.js';
export type { ExponentialDecayFit, PowerLawDecayFit } from './decayFits.js';
export { logLagGrid, LOG_GRID_DENSE, LOG_GRID_PER_DECADE } from './lagGrid.js';
export { noiseFloorFromNull } from './noiseFloor.js';
