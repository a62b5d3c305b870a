/**
 * The training API of lrdkit (issue 5): TF.js models of the cells of src/cells, the copy task,
 * the training loop, run directories and checkpoints, and the copy-task reproduction.
 *
 * Everything exported here can be imported without loading TF.js: the functions that need it
 * (trainCopyTask, loadTrainingRuntime, selectBackend) import it when called, so that
 * `import ... from 'lrdkit/train'` stays fast (and the other areas do not load it).
 *
 * @module
 */
import type { CopyTrainingOptions, TrainResult } from './trainingConfig.js';

export type { BackendAttempt, BackendSelection, BackendSelectionOptions, TrainingBackend } from './backend.js';
export { BackendUnavailableError, TRAINING_BACKENDS, ensureBackend, gpuVisible, selectBackend, wasmBinaryDirectory } from './backend.js';
export {
  COPY_ALPHABET_SIZE,
  COPY_BLANK,
  COPY_INPUT_VOCABULARY,
  COPY_WORD_LENGTH,
  PAPER_REPEATS,
  copySequenceLength,
  copyTaskReferenceLosses,
  sampleCopyBatch,
} from './copyTask.js';
export type { ModelConfig, ModelWeights } from './modelConfig.js';
export {
  ModelConfigError,
  cellsFromWeights,
  checkModelConfig,
  initialModelWeights,
  modelFlopsPerStep,
  modelParameterCount,
  parameterShapes,
  weightsWithCells,
} from './modelConfig.js';
export type { MatchedModelWidth } from './sizes.js';
export { matchedModelWidth } from './sizes.js';
export type { CopyTrainingOptions, TrainResult } from './trainingConfig.js';
export { MAX_TRAINING_THREADS, RMSPROP, TRAIN_DEFAULTS, TrainingDivergedError, checkTrainingOptions, copyModelConfig, runMetadata } from './trainingConfig.js';
export type { DataParallelOptions, GradientPoolOptions, TrainingEngine } from './dataParallel.js';
export { DataParallelTrainer, GradientWorkerPool, TrainingWorkerError, meanOfParts, sliceBatch } from './dataParallel.js';
export type { LoadedCheckpoint, LogEntry, OptimizerSlots, RunMetadata, TrainingState } from './runDirectory.js';
export {
  CHECKPOINT_DIR,
  LOG_FILE,
  RUN_FILE,
  readLog,
  readRunMetadata,
  readTrainingCheckpoint,
  writeTrainingCheckpoint,
} from './runDirectory.js';
export type { Comparison, ComparisonSize, PlannedRun, ReproductionOptions, ReproductionPlan, ReproductionResults, RunResult } from './reproduce.js';
export { REPRODUCTION_PLANS, collectResults, finalLoss, lossCurveSpec, plannedRuns, resultsMarkdown, runReproduction } from './reproduce.js';
export type { ProgressState } from './progress.js';
export { ProgressBar, formatDuration, progressLine } from './progress.js';
export type { TokenBatch } from './model.js';
export type { ComputeOptions } from './internal/sequence.js';
export type { OptimizerWeights, TrainingOptimizer } from './optimizer.js';

/**
 * Trains a copy-task model into a run directory (see src/train/trainer.ts) on the active
 * TF.js backend (call {@link selectBackend} first). Loads TF.js on first use.
 *
 * @example
 * await selectBackend();
 * const r = await trainCopyTask({ kind: 'gru', variant: 'factorized', groups: 4, hiddenSize: 100,
 *   repeats: 4, steps: 1000, out: 'runs/gru-g4', backend: 'wasm' });
 * // r.finalLossNats: the last batch's cross-entropy, nats per output symbol
 */
export async function trainCopyTask(options: CopyTrainingOptions): Promise<TrainResult> {
  const { trainCopyTask: train } = await import('./trainer.js');
  return train(options);
}

/**
 * The TF.js side of training, loaded on demand: SequenceModel (the model's variables, loss and
 * layer outputs), createOptimizer and trainStep (one RMSProp step with gradient clipping), and
 * recurrentSequence (one layer over a sequence as a differentiable op).
 *
 * @example
 * const { SequenceModel, createOptimizer, trainStep } = await loadTrainingRuntime();
 */
export async function loadTrainingRuntime(): Promise<{
  SequenceModel: typeof import('./model.js').SequenceModel;
  createOptimizer: typeof import('./trainer.js').createOptimizer;
  trainStep: typeof import('./trainer.js').trainStep;
  recurrentSequence: typeof import('./internal/sequence.js').recurrentSequence;
  defaultComputeOptions: typeof import('./internal/sequence.js').defaultComputeOptions;
}> {
  const [model, trainer, sequence] = await Promise.all([import('./model.js'), import('./trainer.js'), import('./internal/sequence.js')]);
  return { SequenceModel: model.SequenceModel, createOptimizer: trainer.createOptimizer, trainStep: trainer.trainStep, recurrentSequence: sequence.recurrentSequence, defaultComputeOptions: sequence.defaultComputeOptions };
}
