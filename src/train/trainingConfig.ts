/**
 * The configuration of a copy-task training run, without TF.js: options, defaults, their
 * validation, the model they describe and the run.json they produce.
 *
 * @module
 */
import type { CellKind, CellVariant } from '../cells/types.js';
import { COPY_ALPHABET_SIZE, COPY_INPUT_VOCABULARY, copySequenceLength } from './copyTask.js';
import type { ComputeOptions } from './internal/sequence.js';
import { type ModelConfig, ModelConfigError, auxiliaryWidth, modelFlopsPerStep, modelParameterCount } from './modelConfig.js';
import type { ProgressState } from './progress.js';
import type { LogEntry, RunMetadata } from './runDirectory.js';

/** RMSProp's fixed hyper-parameters (TF.js defaults, epsilon fixed so that it does not depend on the backend). */
export const RMSPROP = { decay: 0.9, momentum: 0, epsilon: 1e-7 } as const;

/** The most data-parallel training threads (src/train/dataParallel.ts) a run may ask for. */
export const MAX_TRAINING_THREADS = 64;

/** Which kernels train: lrdkit's WebAssembly ones (default) or the optional native addon (src/train/internal/nativeKernels.ts). */
export type TrainingKernels = 'wasm' | 'native';

/** The accepted values of `--kernels`. */
export const TRAINING_KERNELS: readonly TrainingKernels[] = ['wasm', 'native'];

/** Defaults of {@link trainCopyTask}. */
export const TRAIN_DEFAULTS = { layers: 2, batchSize: 32, learningRate: 0.01, seed: 0, clipNorm: 1, checkpointEvery: 100 } as const;

/** A copy-task training run. */
export interface CopyTrainingOptions {
  readonly kind: CellKind;
  readonly variant: CellVariant;
  readonly groups: number;
  readonly hiddenSize: number;
  /** Stacked recurrent layers (default 2, the paper's). */
  readonly layers?: number;
  readonly repeats: number;
  /** Total optimisation steps (a resumed run continues up to it). */
  readonly steps: number;
  readonly batchSize?: number;
  readonly learningRate?: number;
  readonly seed?: number;
  /** Global gradient-norm clip (null: none; default 1). */
  readonly clipNorm?: number | null;
  readonly auxiliaryHiddenSize?: number;
  /** Steps between checkpoints (default 100); the last step always writes one. */
  readonly checkpointEvery?: number;
  /** Recorded in run.json: how the width was chosen and the dense reference. */
  readonly match?: 'params' | 'flops' | null;
  readonly reference?: { readonly hiddenSize: number; readonly parameters: number } | null;
  /** The run directory. */
  readonly out: string;
  /** Continue the run in `out` from its checkpoint. */
  readonly resume?: boolean;
  /** The backend name recorded in run.json (the active TF.js backend is used). */
  readonly backend: string;
  /** lrdkit's version, recorded in run.json. */
  readonly version?: string;
  readonly compute?: ComputeOptions;
  /**
   * Data-parallel threads (default 1: the single-thread path, unchanged). N > 1 splits every
   * batch into N equal slices computed by N worker threads (src/train/dataParallel.ts): equal to
   * one thread to float32 rounding, not bit for bit; recorded in run.json. A resume without it
   * uses the recorded count.
   */
  readonly threads?: number;
  /**
   * The training kernels: 'wasm' (default; lrdkit's WebAssembly kernels and TF.js's products,
   * the committed results' arithmetic) or 'native' (the optional C addon, `npm run native`;
   * src/train/internal/nativeKernels.ts). Recorded in run.json when native; a resume without it
   * uses the recorded kernels.
   */
  readonly kernels?: TrainingKernels;
  /** Called after every step (throwing aborts the run without a checkpoint, like a crash). */
  readonly onProgress?: (p: ProgressState) => void;
  /** Notes for the user (resume, checkpoints). */
  readonly onMessage?: (m: string) => void;
  /** Polled after every step: true finishes with a checkpoint at the current step. */
  readonly shouldStop?: () => boolean;
}

/** The model configuration of a copy-task run. */
export function copyModelConfig(o: Pick<CopyTrainingOptions, 'kind' | 'variant' | 'groups' | 'hiddenSize' | 'layers' | 'auxiliaryHiddenSize'>): ModelConfig {
  return {
    kind: o.kind,
    variant: o.variant,
    groups: o.groups,
    hiddenSize: o.hiddenSize,
    layers: o.layers ?? TRAIN_DEFAULTS.layers,
    inputVocabulary: COPY_INPUT_VOCABULARY,
    outputVocabulary: COPY_ALPHABET_SIZE,
    ...(o.variant === 'context-switching' ? { auxiliaryHiddenSize: o.auxiliaryHiddenSize ?? 2 * o.groups } : {}),
  };
}

function positiveInteger(v: number, what: string): void {
  if (!Number.isInteger(v) || v < 1) throw new ModelConfigError(`train: ${what} is ${String(v)}, expected an integer >= 1`);
}

/** run.json for these options. */
export function runMetadata(o: CopyTrainingOptions): RunMetadata {
  const config = copyModelConfig(o);
  return {
    task: 'copy',
    cell: o.kind,
    variant: o.variant,
    groups: o.groups,
    hiddenSize: o.hiddenSize,
    layers: config.layers,
    repeats: o.repeats,
    seed: o.seed ?? TRAIN_DEFAULTS.seed,
    backend: o.backend,
    steps: o.steps,
    batchSize: o.batchSize ?? TRAIN_DEFAULTS.batchSize,
    learningRate: o.learningRate ?? TRAIN_DEFAULTS.learningRate,
    parameters: modelParameterCount(config),
    match: o.match ?? null,
    reference: o.reference ?? null,
    ...(o.variant === 'dense' ? {} : { size: o.match ? ('big' as const) : ('small' as const) }),
    sequenceLength: copySequenceLength(o.repeats),
    inputVocabulary: config.inputVocabulary,
    outputVocabulary: config.outputVocabulary,
    auxiliaryHiddenSize: o.variant === 'context-switching' ? auxiliaryWidth(config) : null,
    flopsPerStep: modelFlopsPerStep(config),
    optimizer: { name: 'rmsprop', ...RMSPROP, clipNorm: o.clipNorm === undefined ? TRAIN_DEFAULTS.clipNorm : o.clipNorm },
    checkpointEvery: o.checkpointEvery ?? TRAIN_DEFAULTS.checkpointEvery,
    lrdkit: o.version ?? 'unknown',
    // Only N > 1 is written, so that the default run.json is the one earlier versions wrote.
    ...(o.threads !== undefined && o.threads > 1 ? { threads: o.threads } : {}),
    // Likewise only the native kernels are written (with the instruction set, see trainCopyTask).
    ...(o.kernels === 'native' ? { kernels: 'native' as const } : {}),
  };
}

/** Throws unless the options describe a trainable run (before anything is written). */
export function checkTrainingOptions(o: CopyTrainingOptions): void {
  positiveInteger(o.steps, 'steps');
  positiveInteger(o.repeats, 'repeats');
  positiveInteger(o.batchSize ?? TRAIN_DEFAULTS.batchSize, 'batchSize');
  positiveInteger(o.checkpointEvery ?? TRAIN_DEFAULTS.checkpointEvery, 'checkpointEvery');
  if (o.threads !== undefined) {
    positiveInteger(o.threads, 'threads');
    if (o.threads > MAX_TRAINING_THREADS) throw new ModelConfigError(`train: threads is ${o.threads}, expected at most ${MAX_TRAINING_THREADS}`);
    const B = o.batchSize ?? TRAIN_DEFAULTS.batchSize;
    if (B % o.threads !== 0) throw new ModelConfigError(`train: batchSize ${B} is not divisible by threads ${o.threads}; expected a batch that splits into ${o.threads} equal slices`);
  }
  const lr = o.learningRate ?? TRAIN_DEFAULTS.learningRate;
  if (!(lr > 0 && Number.isFinite(lr))) throw new ModelConfigError(`train: learningRate is ${lr}, expected a positive number`);
  const clip = o.clipNorm === undefined ? TRAIN_DEFAULTS.clipNorm : o.clipNorm;
  if (clip !== null && !(clip > 0 && Number.isFinite(clip))) throw new ModelConfigError(`train: clipNorm is ${clip}, expected a positive number or none`);
  const seed = o.seed ?? TRAIN_DEFAULTS.seed;
  if (!Number.isSafeInteger(seed)) throw new ModelConfigError(`train: seed is ${seed}, expected a safe integer`);
  modelParameterCount(copyModelConfig(o)); // validates the architecture
}

/** What trainCopyTask did. */
export interface TrainResult {
  readonly runDirectory: string;
  /** Steps finished in total (including earlier sessions of a resumed run). */
  readonly step: number;
  /** Whether the run stopped early on request (a checkpoint was written at `step`). */
  readonly interrupted: boolean;
  /** The whole log (earlier sessions included). */
  readonly log: readonly LogEntry[];
  readonly finalLossNats: number;
  readonly parameters: number;
  readonly elapsedSeconds: number;
}

/** The training diverged (a non-finite loss): the CLI exits with status 1. */
export class TrainingDivergedError extends Error {
  override name = 'TrainingDivergedError';
}
