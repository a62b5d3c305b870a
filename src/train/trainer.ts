/**
 * The training loop of the copy task: seeded, reproducible, checkpointed and resumable.
 *
 * Per step s = 1..S: draw a fresh batch from the data generator (no train/test split: every
 * sample is new, as in the paper), evaluate the mean cross-entropy and its gradient with
 * tf.variableGrads (backpropagation through time in src/train/internal/sequence.ts), optionally
 * rescale the gradient to a global norm of at most `clipNorm`, and apply RMSProp (Tieleman &
 * Hinton 2012, TF.js tf.train.rmsprop's formula; src/train/optimizer.ts, one fused kernel call on
 * the wasm and cpu backends):
 *
 *     m <- rho m + (1 - rho) g^2;   w <- w - lr g / sqrt(m + eps)     (rho 0.9, eps 1e-7, no momentum)
 *
 * Reproducibility: the weights come from the seeded generator (stream 1 of the seed), the
 * batches from stream 2, and nothing else is random, so the same seed on the same backend gives
 * the same loss curve. Resuming restores the weights (the recurrent layers from the lrdkit
 * checkpoint, bit for bit), the RMSProp slots and iteration count, and the data generator's
 * state, and drops the log lines after the checkpoint: the resumed run's losses are those of an
 * uninterrupted run. A stop request (SIGINT in the CLI) finishes the current step and writes a
 * checkpoint before returning, so no finished step is lost; after a crash, the steps since the
 * last periodic checkpoint are recomputed (to the same values).
 *
 * Threads: by default a step runs on the calling thread ({@link trainStep}). With `threads` N > 1
 * (opt-in) N worker threads compute the gradients of N slices of each batch and the optimizer
 * runs on the calling thread (src/train/dataParallel.ts): the same seed and N give the same
 * bytes, equal to one thread's to float32 rounding; N is recorded in run.json and a resumed run
 * keeps it.
 *
 * References: T. Tieleman & G. Hinton, Lecture 6.5 - RMSProp, COURSERA: Neural Networks for
 * Machine Learning, 2012; R. Pascanu, T. Mikolov, Y. Bengio, "On the difficulty of training
 * recurrent neural networks", ICML 2013 (gradient norm clipping).
 *
 * @module
 */
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { CheckpointError } from '../checkpoints/errors.js';
import { Rng, createRng } from '../processes/prng.js';
import { sampleCopyBatch } from './copyTask.js';
import type { TrainingBackend } from './backend.js';
import { DataParallelTrainer, type TrainingEngine } from './dataParallel.js';
import { useTrainingKernels } from './internal/nativeKernels.js';
import { type ComputeOptions, defaultComputeOptions } from './internal/sequence.js';
import { SequenceModel, type TokenBatch } from './model.js';
import { type ModelConfig, ModelConfigError, type ModelWeights, cellsFromWeights, initialModelWeights } from './modelConfig.js';
import { type TrainingOptimizer, createOptimizer } from './optimizer.js';
import { type CopyTrainingOptions, type TrainResult, TrainingDivergedError, checkTrainingOptions, copyModelConfig, runMetadata } from './trainingConfig.js';
import {
  LOG_FILE,
  type LogEntry,
  type OptimizerSlots,
  RUN_FILE,
  appendLogEntry,
  readRunMetadata,
  readTrainingCheckpoint,
  truncateLog,
  writeRunMetadata,
  writeTrainingCheckpoint,
} from './runDirectory.js';

/** The fields of run.json a resumed run must agree with (steps may grow). */
const RESUME_KEYS = ['task', 'cell', 'variant', 'groups', 'hiddenSize', 'layers', 'repeats', 'seed', 'batchSize', 'learningRate', 'auxiliaryHiddenSize', 'checkpointEvery'] as const;

export { createOptimizer } from './optimizer.js';

/**
 * One optimisation step: the batch's loss and its gradient (tf.variableGrads), the gradient
 * rescaled to a global norm of at most `clipNorm` (null: not clipped), one RMSProp update of
 * every variable in the model's order. Returns the loss before the update (nats per symbol).
 */
export function trainStep(model: SequenceModel, optimizer: TrainingOptimizer, batch: TokenBatch, clipNorm: number | null): number {
  const vars = model.variables as tf.Variable[];
  const lossTensor = tf.tidy(() => {
    const { value, grads } = tf.variableGrads(() => model.loss(batch), vars);
    optimizer.applyClippedGradients(vars, vars.map((v) => grads[v.name] as tf.Tensor), clipNorm);
    return value;
  });
  const loss = (lossTensor.dataSync() as Float32Array)[0] as number;
  lossTensor.dispose();
  return loss;
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Trains a copy-task model in `options.out` (see src/train/runDirectory.ts for the layout), on
 * the active TF.js backend.
 *
 * @throws ModelConfigError for options that describe no trainable model; CheckpointError when
 *   `out` holds another run (without `resume`) or an unreadable or mismatching checkpoint;
 *   TrainingDivergedError when the loss becomes NaN or infinite
 */
export async function trainCopyTask(options: CopyTrainingOptions): Promise<TrainResult> {
  checkTrainingOptions(options);
  const dir = options.out;
  const config = copyModelConfig(options);
  const previous = options.resume ? readRunMetadata(dir) : null;
  // A resumed run keeps its thread count unless one is given (then it must be the same).
  const threads = options.threads ?? previous?.threads ?? 1;
  // Likewise the kernels (native: the addon's instruction set is recorded beside them).
  const kernels = options.kernels ?? previous?.kernels ?? 'wasm';
  if (kernels === 'native' && options.backend !== 'wasm' && options.backend !== 'cpu') {
    throw new ModelConfigError(`train: kernels native run on the wasm or cpu backend (lrdkit's fused kernels), found backend ${options.backend}; expected --backend wasm or --kernels wasm`);
  }
  if (previous && (previous.kernels ?? 'wasm') !== kernels) {
    throw new CheckpointError(join(dir, RUN_FILE), 'kernels', `expected ${kernels} (the resumed run's setting), found ${previous.kernels ?? 'wasm'}: a run resumes on the kernels it started with (their float32 rounding differs)`);
  }
  const installed = useTrainingKernels(kernels);
  const meta = { ...runMetadata({ ...options, threads, kernels }), ...(installed.isa ? { kernelIsa: installed.isa } : {}) };
  const clipNorm = meta.optimizer.clipNorm;
  const B = meta.batchSize;
  const say = options.onMessage ?? (() => undefined);

  let weights;
  let dataRng: Rng;
  let step0 = 0, elapsed0 = 0;
  let slots: OptimizerSlots | null = null;
  let log: LogEntry[] = [];
  if (previous) {
    for (const k of RESUME_KEYS) {
      if (JSON.stringify(previous[k] ?? null) !== JSON.stringify(meta[k] ?? null)) {
        throw new CheckpointError(join(dir, RUN_FILE), k, `expected ${JSON.stringify(meta[k])} (the resumed run's setting), found ${JSON.stringify(previous[k])}`);
      }
    }
    if ((previous.threads ?? 1) !== threads) {
      throw new CheckpointError(join(dir, RUN_FILE), 'threads', `expected ${threads} (the resumed run's setting), found ${previous.threads ?? 1}: a run resumes on the thread count it started with (the batch's float32 sums depend on it)`);
    }
    if (previous.kernelIsa !== meta.kernelIsa) say(`note: the run started on the native kernels' ${previous.kernelIsa ?? '?'} path and resumes on ${meta.kernelIsa ?? '?'}; its curve may differ from an uninterrupted run in the last float32 digits`);
    if (previous.backend !== meta.backend) say(`note: the run started on backend ${previous.backend} and resumes on ${meta.backend}; its curve may differ from an uninterrupted ${previous.backend} run in the last float32 digits`);
    const ckpt = await readTrainingCheckpoint(dir, config);
    weights = ckpt.weights;
    dataRng = Rng.fromState(ckpt.rngState);
    step0 = ckpt.step;
    if (options.steps < step0) {
      throw new ModelConfigError(`steps ${options.steps} is fewer than the ${step0} steps already done in ${dir}; expected --steps of at least ${step0} to resume (or a new --out for a shorter run)`);
    }
    elapsed0 = ckpt.elapsedSeconds;
    slots = ckpt.optimizer;
  } else {
    if (existsSync(join(dir, RUN_FILE))) throw new CheckpointError(join(dir, RUN_FILE), 'run.json', 'expected a new run directory, found an existing run (pass --resume to continue it, or choose another --out)');
    if (existsSync(dir) && readdirSync(dir).length > 0) throw new CheckpointError(dir, 'directory', `expected an empty or new directory for a new run, found ${readdirSync(dir).length} entries`);
    weights = initialModelWeights(config, createRng(meta.seed).fork(1));
    dataRng = createRng(meta.seed).fork(2);
  }

  // Started before anything is written: a thread that cannot start leaves no partial run.
  const engine: TrainingEngine = threads === 1
    ? await singleThreadEngine(config, weights, options.compute ?? defaultComputeOptions(), meta.learningRate, slots)
    : await DataParallelTrainer.start({ config, backend: meta.backend as TrainingBackend, threads, weights, slots, learningRate: meta.learningRate, compute: options.compute ?? null, kernels });
  try {
    if (previous) {
      log = truncateLog(dir, step0);
      writeRunMetadata(dir, { ...meta, backend: previous.backend, ...(previous.kernelIsa ? { kernelIsa: previous.kernelIsa } : {}), steps: Math.max(options.steps, previous.steps) });
      say(`resuming ${dir} from step ${step0} (checkpoint), ${options.steps - step0} steps to go${threads > 1 ? ` on ${threads} threads` : ''}`);
    } else {
      mkdirSync(dir, { recursive: true });
      writeRunMetadata(dir, meta);
      truncateLog(dir, 0);
      if (threads > 1) say(`data-parallel: ${threads} threads of ${B / threads} sequences per step`);
    }
    const checkpoint = async (step: number, elapsedSeconds: number) => {
      const state = { step, elapsedSeconds, rngState: dataRng.state(), optimizer: await engine.slots() };
      const current = engine.weights();
      writeTrainingCheckpoint(dir, config, current, cellsFromWeights(config, current), state, {
        seed: meta.seed,
        repeats: meta.repeats,
        kind: config.kind,
        variant: config.variant,
        groups: config.groups,
        hiddenSize: config.hiddenSize,
        layers: config.layers,
        training: { batchSize: B, learningRate: meta.learningRate, backend: meta.backend, parameters: meta.parameters, steps: meta.steps, ...(threads > 1 ? { threads } : {}) },
      });
    };

    const start = performance.now();
    let interrupted = false;
    let lastLoss = log.length > 0 ? (log[log.length - 1] as LogEntry).loss : Number.NaN;
    let recentSeconds = 0, recentSteps = 0;
    for (let step = step0 + 1; step <= options.steps; step++) {
      const t0 = performance.now();
      const batch = sampleCopyBatch(dataRng, B, meta.repeats);
      const loss = await engine.step(batch, clipNorm);
      if (!Number.isFinite(loss)) throw new TrainingDivergedError(`train: the loss became ${loss} at step ${step} (${dir}); the last checkpoint is kept; try a smaller --lr or --clip`);
      const seconds = (performance.now() - t0) / 1000;
      const elapsedSeconds = elapsed0 + (performance.now() - start) / 1000;
      const entry: LogEntry = { step, loss, elapsedSeconds: Math.round(elapsedSeconds * 1000) / 1000, sequencesPerSecond: Math.round((B / seconds) * 10) / 10 };
      appendLogEntry(dir, entry);
      log.push(entry);
      lastLoss = loss;
      recentSeconds = recentSteps >= 20 ? recentSeconds * (19 / 20) + seconds : recentSeconds + seconds;
      recentSteps = Math.min(20, recentSteps + 1);
      const secondsPerStep = recentSeconds / recentSteps;
      options.onProgress?.({ step, totalSteps: options.steps, lossNats: loss, sequencesPerSecond: B / secondsPerStep, elapsedSeconds, secondsPerStep });
      const stop = options.shouldStop?.() === true;
      if (step % meta.checkpointEvery === 0 || step === options.steps || stop) await checkpoint(step, elapsedSeconds);
      if (stop && step < options.steps) {
        interrupted = true;
        say(`stopped at step ${step}; checkpoint written; continue with --resume`);
        break;
      }
      await yieldToEventLoop();
    }
    const last = log[log.length - 1];
    return {
      runDirectory: dir,
      step: last ? last.step : step0,
      interrupted,
      log,
      finalLossNats: lastLoss,
      parameters: meta.parameters,
      elapsedSeconds: last ? last.elapsedSeconds : elapsed0,
    };
  } finally {
    await engine.dispose();
    if (kernels !== 'wasm') useTrainingKernels('wasm');
  }
}

/**
 * The engine of one thread (the default): the model's variables and the optimizer of
 * {@link createOptimizer} on the active backend, one {@link trainStep} per step.
 */
async function singleThreadEngine(config: ModelConfig, weights: ModelWeights, compute: ComputeOptions, learningRate: number, slots: OptimizerSlots | null): Promise<TrainingEngine> {
  const model = new SequenceModel(config, weights, compute);
  const optimizer = createOptimizer(learningRate);
  const vars = model.variables as tf.Variable[];
  const dispose = async () => {
    optimizer.dispose();
    model.dispose();
  };
  try {
    if (slots) {
      const s = slots;
      const named = [
        { name: 'iter', tensor: tf.scalar(s.iterations, 'int32') as tf.Tensor },
        ...vars.map((v, i) => ({ name: `${v.name}/rms`, tensor: tf.tensor(s.meanSquares[i] as Float32Array, v.shape) })),
        ...vars.map((v, i) => ({ name: `${v.name}/momentum`, tensor: tf.tensor(s.moments[i] as Float32Array, v.shape) })),
      ];
      await optimizer.setWeights(named);
      tf.dispose(named.map((n) => n.tensor)); // the optimizer's slot variables keep the data
    }
  } catch (e) {
    await dispose();
    throw e;
  }
  return {
    step: async (batch, clipNorm) => trainStep(model, optimizer, batch, clipNorm),
    weights: () => model.weights(),
    slots: async () => {
      const w = await optimizer.getWeights();
      const [iter, ...rest] = w;
      const n = vars.length;
      if (rest.length !== 2 * n) throw new Error(`train: expected ${2 * n} RMSProp slots, found ${rest.length}`);
      const data = (t: tf.Tensor) => Float32Array.from(t.dataSync() as Float32Array);
      const state: OptimizerSlots = { iterations: (iter as { name: string; tensor: tf.Tensor }).tensor.dataSync()[0] as number, meanSquares: rest.slice(0, n).map((x) => data(x.tensor)), moments: rest.slice(n).map((x) => data(x.tensor)) };
      tf.dispose((iter as { name: string; tensor: tf.Tensor }).tensor);
      return state;
    },
    dispose,
  };
}

/** The run directory's files (for messages). */
export const RUN_FILES = { run: RUN_FILE, log: LOG_FILE } as const;
