/**
 * The paper's statements as executable checks, and the arbitraries behind them.
 *
 * @module
 */
export {
  anyMatrixArbitrary,
  blockDiagonalMatrixArbitrary,
  matrixSequenceArbitrary,
  nonNormalMatrixArbitrary,
  operatorNormBoundedArbitrary,
  realArbitrary,
  spdMatrixArbitrary,
  spectralRadiusBoundedArbitrary,
  squareMatrixArbitrary,
  unitArbitrary,
} from './arbitraries.js';
export type { CellCase } from './cellArbitraries.js';
export { cellAtPointArbitrary, cellCaseArbitrary, vectorArbitrary } from './cellArbitraries.js';
export type { CorrelationProfile, LinearRecursion, MatrixSequence } from './linearRecursion.js';
export { linearRecursionCorrelations } from './linearRecursion.js';
export type { Lemma11Hypothesis, Lemma11Instance } from './lemma11.js';
export { lemma11, lemma11CorrectedBoundMargin, lemma11Horizon } from './lemma11.js';
export { candidateRecurrent, candidateSpectralRadius, withCandidateSpectralRadius } from './candidateMatrix.js';
export { gruContractionBound } from './contraction.js';
export type { StateCorrelationOptions, StateCorrelationProfile } from './prop12.js';
export { prop12, stateCorrelationProfile } from './prop12.js';
export type { CandidateVariance } from './prop13.js';
export { candidate, candidateConditionalVariance, prop13 } from './prop13.js';
export type { CheckResult } from './result.js';
export type { Statement, StatementReport, Verdict, VerifyOptions } from './statement.js';
export type { VerificationReport } from './verify.js';
export { STATEMENTS, formatVerification, runVerification, verificationJson, verificationJunit } from './verify.js';
