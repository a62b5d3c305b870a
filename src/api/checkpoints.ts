/**
 * `lrdkit/checkpoints`: read GRU/LSTM checkpoints (TF.js layers, Keras .h5 / .keras, PyTorch
 * safetensors / torch.save, lrdkit's own format) into cells, write lrdkit checkpoints, and
 * audit a checkpoint for long range dependence (the document `lrdkit audit` writes).
 *
 * @example
 * ```ts
 * import { readCheckpoint, auditCheckpoint } from 'lrdkit/checkpoints';
 * const ck = await readCheckpoint('examples/gru2.safetensors');
 * ck.layers.length; // 2
 * ```
 *
 * @module lrdkit/checkpoints
 */
export { CHECKPOINT_FORMATS, CheckpointError, readCheckpoint } from '../checkpoints/index.js';
export type { Checkpoint, CheckpointFormat, CheckpointFormatModule, LayerInfo } from '../checkpoints/index.js';
export { readLrdkitCheckpoint, writeLrdkitCheckpoint } from '../checkpoints/lrdkitFormat.js';
export { AUDIT_SCHEMA_ID, auditCheckpoint } from '../audit/auditDocument.js';
export type { AuditDocument, AuditOptions, LayerAudit } from '../audit/auditDocument.js';
export { AUDIT_RUN_DEFAULTS, auditCheckpointFile, checkpointBytes } from '../audit/auditFile.js';
