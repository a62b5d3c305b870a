/**
 * The analysis engine: measures of long range dependence on cells and their trajectories, in
 * float64, no tfjs. Definitions: ../shared/DESIGN.md "Measures".
 *
 * @module
 */
export { AnalysisInputError } from './errors.js';
export type { AnalysisTiming, AnalyzeCellOptions, CellAnalysis, ChannelInformation } from './analyzeCell.js';
export { analyzeCell } from './analyzeCell.js';
export type { Series } from './series.js';
export { channel, seriesFromRows, seriesFromScalar } from './series.js';
export type { InputProcess, InputSequence, InputSpec, ParseInputSpecOptions } from './inputs.js';
export { inputProcess, parseInputSpec, parseSequencesText } from './inputs.js';
export { drivenInputProcess } from './drivenInput.js';
export type { RunTrajectoriesOptions, TrajectoryOptions, TrajectoryRunInfo, TrajectoryStep, TrajectoryVisitor, VisitTrajectoriesOptions } from './trajectories.js';
export { runTrajectories, visitTrajectories } from './trajectories.js';
export type { CellUnit, CellUnitAt } from './stackedCells.js';
export { StackedCell, cellUnits, outputJacobianDense } from './stackedCells.js';
export type {
  CellToCellTrace,
  DistributionSummary,
  JacobianEigenvaluesAt,
  JacobianSampling,
  JacobianSolver,
  JacobianSpectrumOptions,
  JacobianSpectrumReport,
  JacobianSpectrumTrace,
  RecurrentSpectralRadius,
  UnitJacobianTrace,
  VisitedState,
} from './jacobianSpectrum.js';
export { jacobianEigenvaluesAt, jacobianSpectrum, jacobianSpectrumAlongTrajectory, recurrentSpectralRadii } from './jacobianSpectrum.js';
export type { LyapunovOptions, LyapunovSpectrum, TwinTrajectoryExponent } from './lyapunov.js';
export { lyapunovSpectrum, twinTrajectoryExponent } from './lyapunov.js';
export type {
  GateFamilySaturation,
  GateInputBounds,
  GateSaturationOptions,
  GateSaturationReport,
  Lemma12Bound,
  Lemma12RowBounds,
  MemoryHorizons,
  UnitGateBound,
} from './gateSaturation.js';
export { gateSaturation, lemma12CellBounds, lemma12GateBound, memoryHorizonSteps } from './gateSaturation.js';
export type {
  BlockChannelInformation,
  CurveSeries,
  CurveWeights,
  GaussianMutualInformationEstimate,
  KsgEstimate,
  MutualInformationCurve,
  MutualInformationCurveOptions,
  NoiseCovariance,
  Proposition14Check,
  StepMutualInformation,
  StepMutualInformationOptions,
} from './information/index.js';
export {
  blockDiagonalChannelMI,
  empiricalStepMutualInformation,
  gaussianChannelMutualInformation,
  gaussianMutualInformation,
  ksgMutualInformation,
  mutualInformationCurve,
  proposition14Check,
  proposition14MutualInformation,
  sampleGaussianChannel,
  singularValueChannelMutualInformation,
} from './information/index.js';
export type { AggregatedVarianceResult, DfaResult, GphResult, MemoryExponentsOptions, MemoryExponentsResult } from './memory/index.js';
export { aggregatedVariance, dfa, gph, memoryExponents } from './memory/index.js';
export type {
  BetaInterval,
  CorrelationBootstrap,
  CorrelationBootstrapOptions,
  CorrelationEstimator,
  CorrelationEvidence,
  CorrelationNoiseFloor,
  CorrelationSums,
  CorrelationSumsOptions,
  CorrelationVerdict,
  CorrelationVerdictOptions,
  CrossCorrelationNorms,
  CrossCorrelationOptions,
  DependenceAssessment,
  DependenceVerdict,
  ExponentialDecayFit,
  PowerLawDecayFit,
  StateDynamics,
  StateRegime,
} from './correlation/index.js';
export {
  RESOLUTION_DEFAULTS,
  VERDICT_RULE_VERSION,
  correlationSums,
  correlationVerdict,
  dependenceVerdict,
  stateRegime,
  crossCorrelationMatrix,
  crossCorrelationNorms,
  fitExponentialDecay,
  fitPowerLawDecay,
  logLagGrid,
  partialSumsOverLags,
} from './correlation/index.js';
export type { StateMemory } from './stateMemory.js';
export { STABILITY_BANDWIDTH_EXPONENT, STABILITY_LEVEL, STATE_MEMORY_COMPONENTS, bandwidthStability, stateMemory } from './stateMemory.js';
export type { CalibrationFamily, CalibrationRow, CalibrationSizeName, CalibrationTruth } from './calibration/verdictCalibrationSet.js';
export { CALIBRATION_FAMILIES, CALIBRATION_SIZES, calibrationEnsemble, calibrationRun } from './calibration/verdictCalibrationSet.js';
