/**
 * The TF.js model of src/train/modelConfig.ts: one tf.Variable per parameter tensor, the
 * copy-task loss (differentiable with tf.variableGrads) and the recurrent layers' outputs.
 * Every recurrent layer computes exactly the equations of src/cells in the Keras layout (see
 * src/train/internal/sequence.ts for the recurrence and its backpropagation).
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import type { Cell } from '../cells/types.js';
import { blockAffine, blockMatMul, gatherRows, matMul2d, softmaxCrossEntropy } from './internal/blockOps.js';
import { registerFusedKernels } from './internal/kernels.js';
import { type ComputeOptions, defaultComputeOptions, recurrentSequence } from './internal/sequence.js';
import { type ModelConfig, ModelConfigError, type ModelWeights, auxiliaryWidth, cellsFromWeights, checkModelConfig, modelParameterCount, parameterShapes } from './modelConfig.js';

function gates(kind: ModelConfig['kind']): number {
  return kind === 'gru' ? 3 : 4;
}

let modelCounter = 0;

/** A batch of token sequences, time-major: entry t * batch + b is step t of sequence b. */
export interface TokenBatch {
  readonly steps: number;
  readonly batch: number;
  readonly inputs: Int32Array;
  readonly targets: Int32Array;
}

type LayerInput = { readonly ids: tf.Tensor1D; readonly idsAsFloat: tf.Tensor1D } | { readonly blocks: tf.Tensor3D };

/**
 * The TF.js model: one tf.Variable per entry of {@link parameterShapes} (float32), a loss for
 * token batches and the recurrent layers' outputs for real-valued inputs (for comparisons with
 * src/cells).
 */
export class SequenceModel {
  readonly config: ModelConfig;
  /** Variables in the order of {@link parameterShapes}. */
  readonly variables: readonly tf.Variable[];
  readonly names: readonly string[];
  readonly compute: ComputeOptions;
  private readonly byName: Map<string, tf.Variable>;

  constructor(config: ModelConfig, weights: ModelWeights, compute: ComputeOptions = defaultComputeOptions()) {
    checkModelConfig(config);
    this.config = config;
    this.compute = compute;
    if (compute.fused) registerFusedKernels();
    const id = ++modelCounter;
    const shapes = parameterShapes(config);
    this.names = shapes.map(([n]) => n);
    this.byName = new Map();
    this.variables = shapes.map(([name, shape]) => {
      const w = weights.get(name);
      if (!w || w.values.length !== shape.reduce((a, b) => a * b, 1)) {
        throw new ModelConfigError(`model weights: expected ${name} of shape [${shape.join(', ')}], found ${w ? `${w.values.length} values` : 'none'}`);
      }
      const v = tf.variable(tf.tensor(w.values, shape, 'float32'), true, `lrdkit${id}/${name}`);
      this.byName.set(name, v);
      return v;
    });
  }

  /** Trainable parameters. */
  get parameterCount(): number {
    return modelParameterCount(this.config);
  }

  private v(name: string): tf.Variable {
    const v = this.byName.get(name);
    if (!v) throw new ModelConfigError(`model: no variable ${name}`);
    return v;
  }

  /** Input pre-activations x W (+ bias) of a layer with `blocks` blocks: [blocks, N, G h]. */
  private inputProducts(input: LayerInput, kernel: tf.Variable, bias: tf.Variable | null, blocks: number): tf.Tensor3D {
    const k = kernel as unknown as tf.Tensor3D;
    if ('ids' in input) {
      // one-hot(s) E W = rows of (E W): project the V-row table once, then gather.
      const E = this.v('embedding') as unknown as tf.Tensor2D;
      const [V, d] = E.shape;
      const table = blocks === 1 ? (E.reshape([1, V, d]) as tf.Tensor3D) : (tf.transpose(E.reshape([V, blocks, d / blocks]), [1, 0, 2]) as tf.Tensor3D);
      const p = bias ? blockAffine(table, k, bias as unknown as tf.Tensor3D) : blockMatMul(table, k);
      return gatherRows(p, input.ids, input.idsAsFloat, this.compute.fused);
    }
    const x = toBlocks(input.blocks, blocks);
    return bias ? blockAffine(x, k, bias as unknown as tf.Tensor3D) : blockMatMul(x, k);
  }

  private layer(l: number, input: LayerInput, T: number, B: number, masks?: tf.Tensor2D[]): tf.Tensor3D {
    const c = this.config, p = `layer${l}`, G = gates(c.kind), g = c.groups, hb = c.hiddenSize / g;
    const rb = (prefix: string) => (c.kind === 'gru' ? (this.v(`${prefix}/recurrent_bias`) as unknown as tf.Tensor3D) : null);
    const run = (xp: tf.Tensor3D, prefix: string, blocks: number, h: number) =>
      recurrentSequence(c.kind, xp.reshape([blocks, T, B, G * h]), this.v(`${prefix}/recurrent_kernel`) as unknown as tf.Tensor3D, rb(prefix), this.compute).reshape([blocks, T * B, h]) as tf.Tensor3D;
    if (c.variant !== 'context-switching') {
      return run(this.inputProducts(input, this.v(`${p}/kernel`), this.v(`${p}/bias`), g), p, g, hb);
    }
    const ha = auxiliaryWidth(c);
    const aux = run(this.inputProducts(input, this.v(`${p}/auxiliary/kernel`), this.v(`${p}/auxiliary/bias`), 1), `${p}/auxiliary`, 1, ha);
    const logits = matMul2d(aux.reshape([T * B, ha]) as tf.Tensor2D, this.v(`${p}/mask/kernel`) as unknown as tf.Tensor2D, this.v(`${p}/mask/bias`) as unknown as tf.Tensor1D);
    const gate = tf.softmax(logits) as tf.Tensor2D; // [N, g]
    masks?.push(gate);
    const mask = tf.expandDims(tf.transpose(gate), 2) as tf.Tensor3D; // [g, N, 1]
    const maskInput = c.maskInput ?? true, maskOutput = c.maskOutput ?? false;
    const raw = this.inputProducts(input, this.v(`${p}/kernel`), null, g);
    const xp = tf.add(maskInput ? tf.mul(raw, mask) : raw, this.v(`${p}/bias`)) as tf.Tensor3D;
    const y = run(xp, p, g, hb);
    return maskOutput ? (tf.mul(y, mask) as tf.Tensor3D) : y;
  }

  private stack(input: LayerInput, T: number, B: number, keep?: tf.Tensor3D[], masks?: tf.Tensor2D[]): tf.Tensor3D {
    let x = input;
    let y: tf.Tensor3D | null = null;
    for (let l = 0; l < this.config.layers; l++) {
      y = this.layer(l, x, T, B, masks);
      keep?.push(y);
      x = { blocks: y };
    }
    return y as tf.Tensor3D;
  }

  /**
   * The mean cross-entropy of the batch's targets, in nats per output symbol (a scalar that
   * tf.variableGrads differentiates).
   */
  loss(batch: TokenBatch): tf.Scalar {
    const { steps: T, batch: B } = batch;
    const N = T * B;
    if (batch.inputs.length !== N || batch.targets.length !== N) {
      throw new ModelConfigError(`model.loss: expected ${N} inputs and targets (steps ${T} x batch ${B}), found ${batch.inputs.length} and ${batch.targets.length}`);
    }
    const ids = tf.tensor1d(batch.inputs, 'int32');
    const idsAsFloat = tf.tensor1d(Float32Array.from(batch.inputs), 'float32');
    const y = this.stack({ ids, idsAsFloat }, T, B);
    const logits = matMul2d(fromBlocks(y), this.v('readout/kernel') as unknown as tf.Tensor2D, this.v('readout/bias') as unknown as tf.Tensor1D);
    return softmaxCrossEntropy(logits, tf.tensor1d(batch.targets, 'int32'), tf.tensor1d(Float32Array.from(batch.targets), 'float32'), this.compute.fused);
  }

  /**
   * The recurrent layers' outputs for real-valued inputs x (T x B x H, time-major, flat):
   * one Float32Array per layer, T x B x H (row t * B + b). The projection is bypassed: x is the
   * first layer's input.
   */
  layerOutputs(x: Float32Array, steps: number, batch: number): Float32Array[] {
    const H = this.config.hiddenSize;
    if (x.length !== steps * batch * H) throw new ModelConfigError(`model.layerOutputs: expected ${steps} x ${batch} x ${H} inputs, found ${x.length} values`);
    return tf.tidy(() => {
      const kept: tf.Tensor3D[] = [];
      this.stack({ blocks: tf.tensor3d(x, [1, steps * batch, H]) }, steps, batch, kept);
      return kept.map((y) => fromBlocks(y));
    }).map((t) => {
      const v = t.dataSync() as Float32Array;
      t.dispose();
      return Float32Array.from(v);
    });
  }

  /**
   * The top recurrent layer's outputs for real-valued first-layer inputs x ([T B, H], row
   * t * B + b), differentiable (for models with their own input and output layers, e.g. the
   * recommender of src/recsys): [T B, H]. `gates`, when given, receives the experts' mask
   * softmax(V a + e) of every context-switching layer, [T B, g] (differentiable, for a gate
   * balancing loss).
   */
  recurrentOutputs(x: tf.Tensor2D, steps: number, batch: number, gates?: tf.Tensor2D[]): tf.Tensor2D {
    const H = this.config.hiddenSize, N = steps * batch;
    if (x.shape[0] !== N || x.shape[1] !== H) throw new ModelConfigError(`model.recurrentOutputs: expected inputs of shape [${N}, ${H}] (steps ${steps} x batch ${batch}, hiddenSize), found [${x.shape.join(', ')}]`);
    return fromBlocks(this.stack({ blocks: x.reshape([1, N, H]) as tf.Tensor3D }, steps, batch, undefined, gates));
  }

  /** The current weights (float32 copies). */
  weights(): ModelWeights {
    const out: ModelWeights = new Map();
    this.variables.forEach((v, i) => out.set(this.names[i] as string, { shape: v.shape, values: Float32Array.from(v.dataSync() as Float32Array) }));
    return out;
  }

  /** Overwrites the variables with `weights` (same names and shapes). */
  assign(weights: ModelWeights): void {
    this.variables.forEach((v, i) => {
      const name = this.names[i] as string;
      const w = weights.get(name);
      if (!w || w.values.length !== v.size) throw new ModelConfigError(`model.assign: expected ${name} with ${v.size} values, found ${w ? w.values.length : 'none'}`);
      tf.tidy(() => v.assign(tf.tensor(w.values, v.shape, 'float32')));
    });
  }

  /** The recurrent layers as src/cells cells. */
  cells(): Cell[] {
    return cellsFromWeights(this.config, this.weights());
  }

  /** Releases the variables. */
  dispose(): void {
    for (const v of this.variables) v.dispose();
  }
}

/** [g, N, k] blocks of a [N, g k] row matrix (blocks = 1: a reshape). */
export function toBlocks(x: tf.Tensor3D, blocks: number): tf.Tensor3D {
  const [gIn, N, k] = x.shape;
  if (gIn === blocks) return x;
  const full = fromBlocks(x);
  const d = gIn * k;
  if (blocks === 1) return full.reshape([1, N, d]);
  return tf.transpose(full.reshape([N, blocks, d / blocks]), [1, 0, 2]) as tf.Tensor3D;
}

/** The [N, g k] row matrix of [g, N, k] blocks. */
export function fromBlocks(x: tf.Tensor3D): tf.Tensor2D {
  const [g, N, k] = x.shape;
  if (g === 1) return x.reshape([N, k]);
  return tf.transpose(x, [1, 0, 2]).reshape([N, g * k]);
}
