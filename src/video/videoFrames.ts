/**
 * A seeded synthetic stand-in for YouTube-8M's frame-level task (Abu-El-Haija et al. 2016; the
 * paper's section 3.2, Table 1): multi-label "videos" of T frame feature vectors (width F, 1 024
 * for YouTube-8M's visual features) whose class evidence sits in a few early frames among many
 * uninformative ones, so that a classifier reading the frames in order must carry the evidence
 * across the rest of the video.
 *
 *     prototypes   mu_c = z_c / ||z_c||,  z_c ~ N(0, I_F)            c = 0..C-1, one per class
 *     labels       k ~ Uniform{kMin..kMax} distinct classes per video, uniform over the C
 *     evidence     E frames per label at distinct positions drawn uniformly from [0, W)
 *     frames       x_t = n_t + s mu_c   at an evidence frame of label c,   x_t = n_t elsewhere
 *     noise        n_t ~ N(0, I_F) independent over t and videos
 *     length       T, or uniform on minFrames..T (training videos; frames past the end are noise)
 *
 * Frames at t >= W are pure noise whatever the labels: a model that forgets the first W frames
 * can do no better than the label prior. The reference levels of the metrics for such a
 * memoryless model ({@link memorylessReference}) follow from the uniform labels.
 *
 * Streams: the prototypes come from stream 1 of the task seed; each batch from the generator the
 * caller passes (the training runs use one stream per run, the held-out test set its own), so the
 * same seeds give the same bytes.
 *
 * References: S. Abu-El-Haija et al., "YouTube-8M: A Large-Scale Video Classification Benchmark",
 * arXiv:1609.08675, 2016 (1 024-d visual frame features at 1 frame per second, up to 300 frames,
 * 3.4 labels per video on average in the 2017 version).
 *
 * @module
 */
import { type Rng, createRng } from '../processes/prng.js';

/** The task's structure. */
export interface VideoTaskConfig {
  /** Width F of a frame's feature vector. */
  readonly featureDimension: number;
  /** Frames T per video (the longest video when minFrames is set). */
  readonly frames: number;
  /**
   * Shortest video (default: frames, every video T frames). With minFrames < frames each video's
   * length is uniform on minFrames..frames (YouTube-8M's videos run from 120 to 360 frames);
   * frames after a video's end are noise that a classifier must not read.
   */
  readonly minFrames?: number;
  /** Classes C. */
  readonly classes: number;
  /** Evidence window W: evidence only in frames 0..W-1. */
  readonly evidenceWindow: number;
  /** Fewest and most labels per video (inclusive). */
  readonly minLabels: number;
  readonly maxLabels: number;
  /** Evidence frames E per label. */
  readonly evidenceFramesPerLabel: number;
  /** Amplitude s of the class prototype added to an evidence frame (noise: unit variance per feature). */
  readonly evidenceStrength: number;
}

/** Bad task settings. */
export class VideoTaskError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VideoTaskError';
  }
}

/**
 * Checks a task config.
 *
 * @throws VideoTaskError naming the setting, the expected and the found value
 */
export function checkVideoTask(c: VideoTaskConfig): void {
  const int = (name: string, v: number, min: number) => {
    if (!Number.isSafeInteger(v) || v < min) throw new VideoTaskError(`video task: ${name} is ${String(v)}, expected an integer >= ${min}`);
  };
  int('featureDimension', c.featureDimension, 1);
  int('frames', c.frames, 1);
  if (c.minFrames !== undefined) {
    int('minFrames', c.minFrames, c.evidenceWindow);
    if (c.minFrames > c.frames) throw new VideoTaskError(`video task: minFrames is ${c.minFrames}, expected at most the ${c.frames} frames`);
  }
  int('classes', c.classes, 2);
  int('evidenceWindow', c.evidenceWindow, 1);
  int('minLabels', c.minLabels, 1);
  int('maxLabels', c.maxLabels, c.minLabels);
  int('evidenceFramesPerLabel', c.evidenceFramesPerLabel, 1);
  if (c.maxLabels > c.classes) throw new VideoTaskError(`video task: maxLabels is ${c.maxLabels}, expected at most the ${c.classes} classes`);
  if (c.evidenceWindow > c.frames) throw new VideoTaskError(`video task: evidenceWindow is ${c.evidenceWindow}, expected at most the ${c.frames} frames`);
  if (c.maxLabels * c.evidenceFramesPerLabel > c.evidenceWindow) {
    throw new VideoTaskError(`video task: ${c.maxLabels} labels x ${c.evidenceFramesPerLabel} evidence frames need ${c.maxLabels * c.evidenceFramesPerLabel} distinct positions, found an evidence window of ${c.evidenceWindow}`);
  }
  if (!Number.isFinite(c.evidenceStrength) || c.evidenceStrength < 0) throw new VideoTaskError(`video task: evidenceStrength is ${String(c.evidenceStrength)}, expected a finite number >= 0`);
}

/**
 * The C unit-norm class prototypes, C x F row-major (stream 1 of `taskSeed`).
 *
 * @example
 * videoClassPrototypes({ ...config, classes: 4, featureDimension: 8 }, 1).length; // 32
 */
export function videoClassPrototypes(c: VideoTaskConfig, taskSeed: number): Float32Array {
  checkVideoTask(c);
  const rng = createRng(taskSeed).fork(1);
  const F = c.featureDimension;
  const out = new Float32Array(c.classes * F);
  for (let k = 0; k < c.classes; k++) {
    const z = rng.normals(F);
    let norm = 0;
    for (let i = 0; i < F; i++) norm += (z[i] as number) ** 2;
    norm = Math.sqrt(norm);
    for (let i = 0; i < F; i++) out[k * F + i] = (z[i] as number) / norm;
  }
  return out;
}

/** A batch of videos. */
export interface VideoBatch {
  readonly frames: number;
  readonly batch: number;
  readonly featureDimension: number;
  readonly classes: number;
  /** Frame features, time-major: row t * batch + b is frame t of video b (T B x F, row-major). */
  readonly features: Float32Array;
  /** Length of each video (frames; the classifier reads its state at frame length - 1). */
  readonly lengths: Int32Array;
  /** Labels, batch x C: 1 where the class is a label of the video. */
  readonly labels: Uint8Array;
  /** Evidence, time-major T B: the class whose prototype frame t of video b carries, or -1. */
  readonly evidenceClass: Int16Array;
}

/** `count` distinct integers from 0..n-1 (partial Fisher-Yates), in draw order. */
function distinct(rng: Rng, n: number, count: number): number[] {
  const pool = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(rng.uniform() * (n - i));
    [pool[i], pool[j]] = [pool[j] as number, pool[i] as number];
  }
  return pool.slice(0, count);
}

/**
 * A batch of `batch` videos drawn from `rng` (see the module doc for the distribution).
 *
 * Method: per video, its length (when minFrames < frames), k, the labels and the evidence positions first, then the T frames' noise
 * in time order (rng.normals), the prototypes added at the evidence frames.
 *
 * @throws VideoTaskError for bad settings or prototypes of the wrong size
 */
export function sampleVideoBatch(rng: Rng, prototypes: Float32Array, c: VideoTaskConfig, batch: number): VideoBatch {
  checkVideoTask(c);
  const T = c.frames, F = c.featureDimension, C = c.classes, B = batch;
  if (!Number.isSafeInteger(B) || B < 1) throw new VideoTaskError(`sampleVideoBatch: batch is ${String(batch)}, expected an integer >= 1`);
  if (prototypes.length !== C * F) throw new VideoTaskError(`sampleVideoBatch: prototypes has ${prototypes.length} values, expected ${C} classes x ${F} features = ${C * F}`);
  const labels = new Uint8Array(B * C);
  const evidenceClass = new Int16Array(T * B).fill(-1);
  const lengths = new Int32Array(B).fill(T);
  const minFrames = c.minFrames ?? T;
  for (let b = 0; b < B; b++) {
    if (minFrames < T) lengths[b] = minFrames + Math.floor(rng.uniform() * (T - minFrames + 1));
    const k = c.minLabels + Math.floor(rng.uniform() * (c.maxLabels - c.minLabels + 1));
    const classes = distinct(rng, C, k);
    const positions = distinct(rng, c.evidenceWindow, k * c.evidenceFramesPerLabel);
    classes.forEach((cls, i) => {
      labels[b * C + cls] = 1;
      for (let e = 0; e < c.evidenceFramesPerLabel; e++) evidenceClass[(positions[i * c.evidenceFramesPerLabel + e] as number) * B + b] = cls;
    });
  }
  const features = new Float32Array(T * B * F);
  for (let row = 0; row < T * B; row++) {
    const noise = rng.normals(F);
    const cls = evidenceClass[row] as number;
    const off = row * F;
    if (cls < 0) features.set(noise, off);
    else for (let i = 0; i < F; i++) features[off + i] = (noise[i] as number) + c.evidenceStrength * (prototypes[cls * F + i] as number);
  }
  return { frames: T, batch: B, featureDimension: F, classes: C, features, lengths, labels, evidenceClass };
}

/**
 * Hit@1 and PERR of a model that has forgotten the evidence (it knows only the label prior):
 * with uniform labels every class is equally likely, so any ranking hits with probability
 * E[k] / C at rank 1 and has expected precision E[k] / C at every rank.
 *
 * @example
 * memorylessReference({ ...config, classes: 20, minLabels: 2, maxLabels: 4 }); // { hitAtOne: 0.15, perr: 0.15 }
 */
export function memorylessReference(c: VideoTaskConfig): { hitAtOne: number; perr: number } {
  const meanLabels = (c.minLabels + c.maxLabels) / 2;
  const p = meanLabels / c.classes;
  return { hitAtOne: p, perr: p };
}
