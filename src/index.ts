/**
 * lrdkit: verify, by computation, the theory of "Factorized Recurrent Neural Architectures
 * for Longer Range Dependence" (Belletti, Beutel, Jain, Chi, AISTATS 2018) and audit GRU/LSTM
 * checkpoints for long range dependence.
 *
 * Explicit re-exports only: every public name is listed here.
 *
 * @module lrdkit
 */

// linalg
export type { DenseMatrix, Matrix } from './linalg/dense.js';
export { fromRows, toRows, MatrixShapeError } from './linalg/dense.js';
export type { Block } from './linalg/blockDiagonal.js';
export { blockDiagonal, detectBlocks, isBlockDiagonal } from './linalg/blockDiagonal.js';
export type { Spectrum } from './linalg/eigenvalues.js';
export { eigenvalues, spectralRadius } from './linalg/eigenvalues.js';
export type { ArnoldiOptions, DominantEigenvalue, LinearOperator } from './linalg/arnoldi.js';
export { dominantEigenvalue } from './linalg/arnoldi.js';
export { frobeniusNorm, infinityNorm, spectralNorm } from './linalg/norms.js';
export { cholesky, inverseSqrtSPD, logDetSPD } from './linalg/spd.js';
export { ConvergenceError, NotPositiveDefiniteError } from './linalg/errors.js';
export { fft, ifft, nextPowerOfTwo } from './linalg/fft.js';

// cells (the same names as the lrdkit/cells subpath)
export * from './api/cells.js';

// processes
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
} from './processes/index.js';
export type {
  Ar1Options,
  AutocovarianceFunction,
  CirculantEmbeddingOptions,
  GaussianSampleWithInfo,
  GaussianSamplingMethod,
  StationaryGaussianSampler,
  XoshiroState,
} from './processes/index.js';

// analysis
export * from './analysis/index.js';

// theory
export * from './theory/index.js';

// checkpoints
export { CHECKPOINT_FORMATS, CheckpointError, readCheckpoint } from './checkpoints/index.js';
export type { Checkpoint, CheckpointFormat, CheckpointFormatModule, LayerInfo } from './checkpoints/index.js';
export { readLrdkitCheckpoint, writeLrdkitCheckpoint } from './checkpoints/lrdkitFormat.js';

// audit
export { AUDIT_SCHEMA_ID, auditCheckpoint } from './audit/auditDocument.js';
export type { AuditDocument, AuditOptions, LayerAudit } from './audit/auditDocument.js';

// report
export {
  ReportInputError,
  readAuditDocuments,
  readTrainingRun,
  labelAudits,
  reportFigures,
  trainingLossSpec,
  correlationNormSpec,
  partialSumSpec,
  jacobianRadiusTraceSpec,
  jacobianRadiusHistogramSpec,
  jacobianEigenvalueSpec,
  lyapunovSpectrumSpec,
  informationChannelsSpec,
  gateDistributionSpec,
  layerSeries,
  renderSvg,
  renderPng,
  renderReport,
  renderAuditReport,
  writeRenderedReport,
  writeReport,
  writeAuditReport,
  verdictTable,
  VARIANT_COLORS,
  REPORT_CONFIG,
} from './report/index.js';
export type { AuditReportOptions, LayerSeries, RenderedReport, ReportAudit, ReportFigure, ReportFile, ReportOptions, ReportVariant, TrainingCurve, VerdictTable } from './report/index.js';

// train (TF.js is loaded only when a training function is called)
export * from './train/index.js';
