/**
 * Training and evaluation of one {@link VideoClassifier} on the Table 1 proxy: Adam (the paper's
 * optimizer for this experiment) on fresh batches every step (no epochs: the generator is
 * unlimited, as YouTube-8M's millions of videos are for a model of this size), gradient norm
 * clipped, then Hit@1 and PERR of the probabilities on a held-out test set drawn from its own
 * stream.
 *
 * Streams: the class prototypes from the task seed (shared by every run of a plan), the weights
 * from stream 1 and the training batches from stream 2 of the run seed, the test set from stream
 * 3 of the task seed (the same test videos for every run), so that the same seeds give the same
 * numbers on the same backend.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { createRng } from '../processes/prng.js';
import { type VideoTaskConfig, VideoTaskError, sampleVideoBatch, videoClassPrototypes } from './videoFrames.js';
import { VideoClassifier, type VideoClassifierConfig } from './videoModel.js';
import { hitAtOne, precisionAtEqualRecallRate } from './videoMetrics.js';

/** Options of {@link trainVideoClassifier}. */
export interface TrainVideoOptions {
  readonly task: VideoTaskConfig;
  readonly taskSeed: number;
  readonly model: VideoClassifierConfig;
  readonly seed: number;
  readonly steps: number;
  readonly batchSize: number;
  readonly learningRate: number;
  /** Global gradient-norm clip. */
  readonly clipNorm: number;
  /** Held-out test videos (evaluated in batches of batchSize). */
  readonly testVideos: number;
  /** Called after every step. */
  readonly onStep?: (info: { step: number; steps: number; loss: number }) => void;
}

/** What {@link trainVideoClassifier} measured. */
export interface VideoRunMeasurement {
  /** Training loss per step (nats per video). */
  readonly losses: number[];
  readonly hitAtOne: number;
  readonly perr: number;
  /** Test loss (nats per video). */
  readonly testLoss: number;
  readonly trainSeconds: number;
  readonly trainCpuSeconds: number;
  /** The trained model (the caller disposes it). */
  readonly model: VideoClassifier;
}

function clipByGlobalNorm(grads: tf.Tensor[], clipNorm: number): tf.Tensor[] {
  const norm = tf.sqrt(tf.addN(grads.map((g) => tf.sum(tf.square(g)))));
  const scale = tf.minimum(tf.scalar(1), tf.div(tf.scalar(clipNorm), tf.maximum(norm, tf.scalar(1e-12))));
  return grads.map((g) => tf.mul(g, scale));
}

/**
 * Trains a classifier and evaluates it (see the module doc).
 *
 * @throws VideoTaskError for bad options or a diverged loss
 */
export function trainVideoClassifier(o: TrainVideoOptions): VideoRunMeasurement {
  const fn = 'trainVideoClassifier';
  for (const [name, v] of [['steps', o.steps], ['batchSize', o.batchSize], ['testVideos', o.testVideos]] as const) {
    if (!Number.isSafeInteger(v) || v < 1) throw new VideoTaskError(`${fn}: ${name} is ${String(v)}, expected an integer >= 1`);
  }
  const prototypes = videoClassPrototypes(o.task, o.taskSeed);
  const rng = createRng(o.seed);
  const model = new VideoClassifier(o.model, rng.fork(1));
  const data = rng.fork(2);
  const optimizer = tf.train.adam(o.learningRate);
  const vars = model.trainable as tf.Variable[];
  const losses: number[] = [];
  const t0 = performance.now(), c0 = process.cpuUsage();
  try {
    for (let step = 1; step <= o.steps; step++) {
      const batch = sampleVideoBatch(data, prototypes, o.task, o.batchSize);
      const lossTensor = tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => model.loss(batch), vars);
        const list = clipByGlobalNorm(vars.map((v) => grads[v.name] as tf.Tensor), o.clipNorm);
        optimizer.applyGradients(vars.map((v, i) => ({ name: v.name, tensor: list[i] as tf.Tensor })));
        return value;
      });
      const loss = (lossTensor.dataSync() as Float32Array)[0] as number;
      lossTensor.dispose();
      if (!Number.isFinite(loss)) throw new VideoTaskError(`${fn}: the loss became ${loss} at step ${step} (diverged; lower the learning rate)`);
      losses.push(loss);
      o.onStep?.({ step, steps: o.steps, loss });
    }
  } finally {
    optimizer.dispose();
  }
  const trainSeconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);
  const evaluation = evaluateVideoClassifier(model, o.task, o.taskSeed, o.testVideos, o.batchSize);
  return { losses, ...evaluation, trainSeconds, trainCpuSeconds: (cpu.user + cpu.system) / 1e6, model };
}

/**
 * Hit@1, PERR and the mean sigmoid cross-entropy of `model` on the held-out test videos (stream 3
 * of the task seed, drawn in batches of `batchSize`, the last batch shorter), every one T frames
 * long whatever task.minFrames says.
 */
export function evaluateVideoClassifier(model: VideoClassifier, task: VideoTaskConfig, taskSeed: number, testVideos: number, batchSize: number): { hitAtOne: number; perr: number; testLoss: number } {
  // Test videos all have the full length T (training videos may be shorter: task.minFrames).
  const { minFrames: _shortest, ...fixed } = task;
  const prototypes = videoClassPrototypes(fixed, taskSeed);
  const rng = createRng(taskSeed).fork(3);
  const C = task.classes;
  const scores = new Float32Array(testVideos * C), labels = new Uint8Array(testVideos * C);
  let lossSum = 0;
  for (let start = 0; start < testVideos; start += batchSize) {
    const n = Math.min(batchSize, testVideos - start);
    const batch = sampleVideoBatch(rng, prototypes, fixed, n);
    scores.set(model.probabilities(batch), start * C);
    labels.set(batch.labels, start * C);
    const l = tf.tidy(() => model.loss(batch));
    lossSum += ((l.dataSync() as Float32Array)[0] as number) * n;
    l.dispose();
  }
  return { hitAtOne: hitAtOne(scores, labels, C), perr: precisionAtEqualRecallRate(scores, labels, C), testLoss: lossSum / testVideos };
}
