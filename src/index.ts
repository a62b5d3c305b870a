/**
 * lrdkit: verify, by computation, the theory of "Factorized Recurrent Neural Architectures
 * for Longer Range Dependence" (Belletti, Beutel, Jain, Chi, AISTATS 2018) and audit GRU/LSTM
 * checkpoints for long range dependence.
 *
 * The top level is the first hour's API: read and audit a checkpoint, analyse a cell, build
 * cells, the spectral radius, and the verification of the paper's statements. Everything else
 * is in its area's subpath: `lrdkit/cells`, `lrdkit/analysis`, `lrdkit/checkpoints`,
 * `lrdkit/theory`, `lrdkit/report`, `lrdkit/train`, `lrdkit/recsys`, `lrdkit/linalg`,
 * `lrdkit/processes` (package.json "exports"; API reference: `npm run docs` -> docs/api/).
 *
 * @example
 * ```ts
 * import { auditCheckpointFile } from 'lrdkit';
 * const doc = await auditCheckpointFile('examples/gru2.safetensors');
 * doc.verdict.overall; // 'SRD', 'LRD' or 'inconclusive'
 * ```
 *
 * @module lrdkit
 */

// checkpoints and the audit
export { CheckpointError, readCheckpoint } from './checkpoints/index.js';
export type { Checkpoint, CheckpointFormat, LayerInfo } from './checkpoints/index.js';
export { AUDIT_RUN_DEFAULTS, auditCheckpointFile } from './audit/auditFile.js';
export type { AuditDocument, AuditOptions, LayerAudit } from './audit/auditDocument.js';

// analysis of one cell
export { analyzeCell } from './analysis/analyzeCell.js';
export type { AnalyzeCellOptions, CellAnalysis } from './analysis/analyzeCell.js';

// cells
export type { Cell, CellKind, CellVariant } from './cells/types.js';
export { GruCell } from './cells/gru.js';
export type { GruSpec, GruWeights } from './cells/gru.js';
export { LstmCell } from './cells/lstm.js';
export type { LstmSpec, LstmWeights } from './cells/lstm.js';
export { gruFromKeras, gruFromPytorch, lstmFromKeras, lstmFromPytorch } from './cells/frameworks.js';
export { FactorizedCell, factorize } from './cells/factorized.js';
export { ContextSwitchingCell } from './cells/contextSwitching.js';
export type { ContextSwitchingSpec } from './cells/contextSwitching.js';
export { randomContextSwitchingCell, randomDenseCell, randomFactorizedCell } from './cells/random.js';

// linear algebra
export { spectralRadius } from './linalg/eigenvalues.js';

// verification of the paper's statements (`lrdkit verify`)
export { STATEMENTS, formatVerification, runVerification, verificationJson, verificationJunit } from './theory/verify.js';
export type { VerificationReport } from './theory/verify.js';
export type { VerifyOptions } from './theory/statement.js';
