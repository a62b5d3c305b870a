/**
 * The frame-level video classifier of the Table 1 proxy (section 3.2) in TF.js: a linear frame
 * projection, a stack of LSTM layers (src/train's recurrent layers and whole-sequence kernels),
 * and a multi-label sigmoid readout of the last layer's final state, as YouTube-8M's LstmModel
 * classifies a video from the LSTM's final state:
 *
 *     p_t = x_t P + b_P                       frame projection, width H (g blocks: F/g -> H/g each)
 *     h_t = LSTM^(L)(...LSTM^(1)(p_1..p_t))   L layers, width H, dense or g blocks
 *     z   = h_T W_o + b_o                     C logits (h_T: the state at the video's last frame); probabilities sigmoid(z)
 *     loss = (1 / B) sum_b sum_c [max(z, 0) - z y + log(1 + e^-|z|)]   sigmoid cross-entropy (nats per video)
 *
 * A factorized model is block-diagonal from the frame to the final state (the projection and
 * every recurrent layer have g blocks, the paper's eq. 14 applied to the frame features as the
 * paper's factorized LSTM reads them); only the readout is dense.
 *
 * References: S. Abu-El-Haija et al., arXiv:1609.08675, 2016 (the LSTM baseline: its final state
 * classified, sigmoid cross-entropy); google/youtube-8m frame_level_models.py LstmModel (1 024
 * cells, 2 layers) and losses.py CrossEntropyLoss (summed over classes, averaged over videos).
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import type { CellVariant } from '../cells/types.js';
import type { Rng } from '../processes/prng.js';
import { blockMatMul, gatherRows, matMul2d } from '../train/internal/blockOps.js';
import { SequenceModel, fromBlocks, toBlocks } from '../train/model.js';
import { type ModelConfig, initialModelWeights, parameterShapes } from '../train/modelConfig.js';
import { VideoTaskError, type VideoBatch } from './videoFrames.js';

/** Architecture of a {@link VideoClassifier}. */
export interface VideoClassifierConfig {
  readonly variant: Extract<CellVariant, 'dense' | 'factorized'>;
  /** Blocks g (1 for dense); divides hiddenSize and featureDimension. */
  readonly groups: number;
  readonly hiddenSize: number;
  readonly layers: number;
  readonly featureDimension: number;
  readonly classes: number;
}

/** The recurrent core as src/train describes it (its token projection and readout, over 2 symbols, are unused). */
export function videoRecurrentConfig(c: VideoClassifierConfig): ModelConfig {
  return { kind: 'lstm', variant: c.variant, groups: c.groups, hiddenSize: c.hiddenSize, layers: c.layers, inputVocabulary: 2, outputVocabulary: 2 };
}

/** Parameters by part. */
export interface VideoClassifierParameters {
  readonly projection: number;
  readonly recurrent: number;
  readonly readout: number;
  readonly total: number;
}

/**
 * Parameter counts: projection F H / g + H, the recurrent layers (src/train's shapes), readout H C + C.
 *
 * @throws VideoTaskError when g does not divide H and F
 * @example
 * videoClassifierParameters({ variant: 'dense', groups: 1, hiddenSize: 32, layers: 1, featureDimension: 128, classes: 20 }).total;
 * // returns 4128 + 8320 + 660 = 13108
 */
export function videoClassifierParameters(c: VideoClassifierConfig): VideoClassifierParameters {
  checkClassifierConfig(c);
  const H = c.hiddenSize, F = c.featureDimension, g = c.groups;
  const projection = (F * H) / g + H;
  const recurrent = parameterShapes(videoRecurrentConfig(c))
    .filter(([name]) => name.startsWith('layer'))
    .reduce((acc, [, shape]) => acc + shape.reduce((a, b) => a * b, 1), 0);
  const readout = H * c.classes + c.classes;
  return { projection, recurrent, readout, total: projection + recurrent + readout };
}

/**
 * Multiply-add FLOPs (2 per multiply-add) of one frame of one video, forward: projection
 * 2 F H / g, LSTM layers 2 * 4 (H^2 + H^2) / g each (input and recurrent products); the readout
 * runs once per video and is left out.
 */
export function videoClassifierFlopsPerFrame(c: VideoClassifierConfig): number {
  const H = c.hiddenSize, F = c.featureDimension, g = c.groups;
  return (2 * F * H) / g + c.layers * ((2 * 4 * 2 * H * H) / g);
}

function checkClassifierConfig(c: VideoClassifierConfig): void {
  const int = (name: string, v: number) => {
    if (!Number.isSafeInteger(v) || v < 1) throw new VideoTaskError(`video classifier: ${name} is ${String(v)}, expected an integer >= 1`);
  };
  int('groups', c.groups);
  int('hiddenSize', c.hiddenSize);
  int('layers', c.layers);
  int('featureDimension', c.featureDimension);
  int('classes', c.classes);
  if (c.variant === 'dense' && c.groups !== 1) throw new VideoTaskError(`video classifier: a dense model has groups 1, found ${c.groups}`);
  if (c.hiddenSize % c.groups !== 0 || c.featureDimension % c.groups !== 0) {
    throw new VideoTaskError(`video classifier: groups ${c.groups} must divide hiddenSize ${c.hiddenSize} and featureDimension ${c.featureDimension}`);
  }
}

/**
 * The widest factorized classifier with `groups` blocks (width a multiple of g) whose total
 * parameters do not exceed the dense one's: the paper's "big" variant.
 *
 * @example
 * matchedVideoWidth({ variant: 'dense', groups: 1, hiddenSize: 32, layers: 1, featureDimension: 128, classes: 20 }, 4);
 * // returns the widest H with videoClassifierParameters(factorized H) <= 13108
 */
export function matchedVideoWidth(dense: VideoClassifierConfig, groups: number): number {
  const budget = videoClassifierParameters(dense).total;
  let H = groups;
  const fits = (h: number) => videoClassifierParameters({ ...dense, variant: 'factorized', groups, hiddenSize: h }).total <= budget;
  if (!fits(H)) throw new VideoTaskError(`matchedVideoWidth: even width ${groups} exceeds the dense model's ${budget} parameters`);
  while (fits(H + groups)) H += groups;
  return H;
}

/** Glorot-uniform float32 values for a fanIn x fanOut matrix. */
function glorot(rng: Rng, fanIn: number, fanOut: number, n: number): Float32Array {
  const a = Math.sqrt(6 / (fanIn + fanOut));
  return Float32Array.from({ length: n }, () => (2 * rng.uniform() - 1) * a);
}

/** The TF.js classifier (see the module doc). Weights: the core from stream 1 of `rng`'s draws first, then projection and readout. */
export class VideoClassifier {
  readonly config: VideoClassifierConfig;
  readonly core: SequenceModel;
  readonly projectionKernel: tf.Variable;
  readonly projectionBias: tf.Variable;
  readonly readoutKernel: tf.Variable;
  readonly readoutBias: tf.Variable;
  /** The variables trained (the core's token projection and readout are unused and left out). */
  readonly trainable: readonly tf.Variable[];

  constructor(config: VideoClassifierConfig, rng: Rng) {
    checkClassifierConfig(config);
    this.config = config;
    const H = config.hiddenSize, F = config.featureDimension, g = config.groups, C = config.classes;
    this.core = new SequenceModel(videoRecurrentConfig(config), initialModelWeights(videoRecurrentConfig(config), rng));
    const blocks: Float32Array[] = [];
    for (let b = 0; b < g; b++) blocks.push(glorot(rng, F / g, H / g, (F / g) * (H / g)));
    const kernel = new Float32Array(F * H / g);
    blocks.forEach((v, b) => kernel.set(v, b * v.length));
    this.projectionKernel = tf.variable(tf.tensor3d(kernel, [g, F / g, H / g]), true);
    this.projectionBias = tf.variable(tf.zeros([g, 1, H / g]), true);
    this.readoutKernel = tf.variable(tf.tensor2d(glorot(rng, H, C, H * C), [H, C]), true);
    this.readoutBias = tf.variable(tf.zeros([C]), true);
    const recurrent = this.core.variables.filter((_, i) => (this.core.names[i] as string).startsWith('layer'));
    this.trainable = [...recurrent, this.projectionKernel, this.projectionBias, this.readoutKernel, this.readoutBias];
  }

  get parameters(): VideoClassifierParameters {
    return videoClassifierParameters(this.config);
  }

  private check(batch: VideoBatch): void {
    if (batch.featureDimension !== this.config.featureDimension || batch.classes !== this.config.classes) {
      throw new VideoTaskError(`VideoClassifier: the batch has ${batch.featureDimension} features and ${batch.classes} classes, expected ${this.config.featureDimension} and ${this.config.classes}`);
    }
  }

  /** Logits of every video of the batch: [B, C]. */
  logits(batch: VideoBatch): tf.Tensor2D {
    this.check(batch);
    const { frames: T, batch: B } = batch;
    const x = tf.tensor3d(batch.features, [1, T * B, this.config.featureDimension]);
    const p = tf.add(blockMatMul(toBlocks(x, this.config.groups), this.projectionKernel as unknown as tf.Tensor3D), this.projectionBias) as tf.Tensor3D;
    const h = this.core.recurrentOutputs(fromBlocks(p), T, B);
    // The state at each video's last frame: row (length_b - 1) B + b.
    const rows = Int32Array.from(batch.lengths, (len, b) => (len - 1) * B + b);
    const last = gatherRows(h.reshape([1, T * B, this.config.hiddenSize]) as tf.Tensor3D, tf.tensor1d(rows, 'int32'), tf.tensor1d(Float32Array.from(rows), 'float32'), this.core.compute.fused).reshape([B, this.config.hiddenSize]) as tf.Tensor2D;
    return matMul2d(last, this.readoutKernel as unknown as tf.Tensor2D, this.readoutBias as unknown as tf.Tensor1D);
  }

  /** Sigmoid cross-entropy summed over classes, mean over videos (nats per video; differentiable). */
  loss(batch: VideoBatch): tf.Scalar {
    const z = this.logits(batch);
    const y = tf.tensor2d(Float32Array.from(batch.labels), [batch.batch, batch.classes]);
    const perEntry = tf.add(tf.sub(tf.relu(z), tf.mul(z, y)), tf.log1p(tf.exp(tf.neg(tf.abs(z)))));
    return tf.div(tf.sum(perEntry), batch.batch) as tf.Scalar;
  }

  /** Class probabilities sigmoid(z), B x C row-major. */
  probabilities(batch: VideoBatch): Float32Array {
    const t = tf.tidy(() => tf.sigmoid(this.logits(batch)));
    const out = Float32Array.from(t.dataSync() as Float32Array);
    t.dispose();
    return out;
  }

  dispose(): void {
    this.core.dispose();
    for (const v of [this.projectionKernel, this.projectionBias, this.readoutKernel, this.readoutBias]) v.dispose();
  }
}
