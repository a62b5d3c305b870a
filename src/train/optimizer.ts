/**
 * The optimizer of the training runs: the gradient rescaled to a global norm of at most `clip`
 * (Pascanu et al. 2013), then RMSProp (Tieleman & Hinton 2012) with TF.js tf.train.rmsprop's
 * formula and {@link RMSPROP}'s hyper-parameters:
 *
 *     g <- g min(1, clip / max(||g||, 1e-12));   m <- rho m + (1 - rho) g^2;   q <- mu q + lr g / sqrt(m + eps);   w <- w - q
 *
 * Two implementations of the same float32 arithmetic, bit for bit:
 * - `fused` (wasm and cpu backends, the default there): one kernel call for the whole step
 *   (LrdkitClippedRmsprop, ./internal/clippedRmsprop.ts) instead of about 230 TF.js calls;
 * - `tfjs` (any backend): the per-variable TF.js ops (tf.sum, tf.square, tf.addN, ... and
 *   tf.train.rmsprop), what every run before the fused kernel computed.
 *
 * Both keep the same state (iteration count, mean squares `VAR/rms` and moments `VAR/momentum` per
 * variable, in the variables' order) and read and write it in tf.train.rmsprop's getWeights
 * format, so checkpoints of either resume in either.
 *
 * References: T. Tieleman & G. Hinton, Lecture 6.5 - RMSProp, COURSERA: Neural Networks for
 * Machine Learning, 2012; R. Pascanu, T. Mikolov, Y. Bengio, "On the difficulty of training
 * recurrent neural networks", ICML 2013.
 *
 * @example
 * ```ts
 * const optimizer = createOptimizer(0.01);          // fused on the wasm backend
 * optimizer.applyClippedGradients(model.variables, grads, 1);
 * optimizer.iterations;                              // 1
 * ```
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { fusedKernelsAvailable, registerFusedKernels, runFused } from './internal/kernels.js';
import { RMSPROP } from './trainingConfig.js';

/** The optimizer state in tf.train.rmsprop's getWeights order: 'iter', n mean squares, n moments. */
export type OptimizerWeights = { name: string; tensor: tf.Tensor }[];

/** A clipped-RMSProp optimizer (see the module comment). */
export interface TrainingOptimizer {
  /** 'fused' (one kernel call per step) or 'tfjs' (the per-variable TF.js ops). */
  readonly implementation: 'fused' | 'tfjs';
  /** Updates done (restored by {@link setWeights}). */
  readonly iterations: number;
  /** One update of `variables` with `gradients` (same order), clipped to global norm `clipNorm` (null: not clipped). */
  applyClippedGradients(variables: readonly tf.Variable[], gradients: readonly tf.Tensor[], clipNorm: number | null): void;
  /** The state (new tensors for 'iter'; the caller disposes the 'iter' tensor). */
  getWeights(): Promise<OptimizerWeights>;
  /** Restores a state written by {@link getWeights} of either implementation (the tensors are copied). */
  setWeights(weights: OptimizerWeights): Promise<void>;
  dispose(): void;
}

function clipByGlobalNorm(grads: readonly tf.Tensor[], clipNorm: number): tf.Tensor[] {
  const norm = tf.sqrt(tf.addN(grads.map((g) => tf.sum(tf.square(g)))));
  const scale = tf.minimum(tf.scalar(1), tf.div(tf.scalar(clipNorm), tf.maximum(norm, tf.scalar(1e-12))));
  return grads.map((g) => tf.mul(g, scale));
}

/** The per-variable TF.js ops: the clipping above, then tf.train.rmsprop. */
class TfjsClippedRmsprop implements TrainingOptimizer {
  readonly implementation = 'tfjs';
  private readonly inner: tf.RMSPropOptimizer;

  constructor(learningRate: number) {
    this.inner = tf.train.rmsprop(learningRate, RMSPROP.decay, RMSPROP.momentum, RMSPROP.epsilon);
  }

  get iterations(): number {
    return this.inner.iterations;
  }

  applyClippedGradients(variables: readonly tf.Variable[], gradients: readonly tf.Tensor[], clipNorm: number | null): void {
    tf.tidy(() => {
      const list = clipNorm === null ? gradients : clipByGlobalNorm(gradients, clipNorm);
      this.inner.applyGradients(variables.map((v, i) => ({ name: v.name, tensor: list[i] as tf.Tensor })));
    });
  }

  getWeights(): Promise<OptimizerWeights> {
    return this.inner.getWeights();
  }

  async setWeights(weights: OptimizerWeights): Promise<void> {
    await this.inner.setWeights(weights.map(({ name, tensor }) => ({ name, tensor: tensor.clone() })));
  }

  dispose(): void {
    this.inner.dispose();
  }
}

/** One LrdkitClippedRmsprop kernel call per step; the slots are plain (non-trainable) variables. */
class FusedClippedRmsprop implements TrainingOptimizer {
  readonly implementation = 'fused';
  private count = 0;
  private meanSquares: tf.Variable[] = [];
  private moments: tf.Variable[] = [];
  private slotNames: string[] = [];

  constructor(private readonly learningRate: number) {
    registerFusedKernels();
  }

  get iterations(): number {
    return this.count;
  }

  applyClippedGradients(variables: readonly tf.Variable[], gradients: readonly tf.Tensor[], clipNorm: number | null): void {
    const n = variables.length;
    if (gradients.length !== n) throw new Error(`optimizer: expected ${n} gradients, found ${gradients.length}`);
    if (this.meanSquares.length === 0) {
      // tf.train.rmsprop's lazily created zero slots, named after the variables.
      this.meanSquares = variables.map((v) => tf.tidy(() => tf.zerosLike(v).variable(false)));
      this.moments = variables.map((v) => tf.tidy(() => tf.zerosLike(v).variable(false)));
      this.slotNames = variables.map((v) => v.name);
    } else if (this.meanSquares.length !== n) {
      throw new Error(`optimizer: its state has ${this.meanSquares.length} variables, the update ${n}`);
    }
    tf.tidy(() => {
      const inputs: Record<string, tf.Tensor> = {};
      for (let i = 0; i < n; i++) {
        inputs[`w${i}`] = variables[i] as tf.Tensor;
        inputs[`g${i}`] = gradients[i] as tf.Tensor;
        inputs[`m${i}`] = this.meanSquares[i] as tf.Tensor;
        inputs[`q${i}`] = this.moments[i] as tf.Tensor;
      }
      const out = runFused('LrdkitClippedRmsprop', inputs, { count: n, learningRate: this.learningRate, ...RMSPROP, clipNorm });
      for (let i = 0; i < n; i++) {
        (this.meanSquares[i] as tf.Variable).assign(out[n + i] as tf.Tensor);
        (this.moments[i] as tf.Variable).assign(out[2 * n + i] as tf.Tensor);
        (variables[i] as tf.Variable).assign(out[i] as tf.Tensor);
      }
    });
    this.count++;
  }

  async getWeights(): Promise<OptimizerWeights> {
    return [
      { name: 'iter', tensor: tf.scalar(this.count, 'int32') },
      ...this.meanSquares.map((m, i) => ({ name: `${this.slotNames[i]}/rms`, tensor: m as tf.Tensor })),
      ...this.moments.map((q, i) => ({ name: `${this.slotNames[i]}/momentum`, tensor: q as tf.Tensor })),
    ];
  }

  async setWeights(weights: OptimizerWeights): Promise<void> {
    const [iter, ...slots] = weights;
    if (!iter || slots.length % 2 !== 0) throw new Error(`optimizer: expected 'iter' and 2 n slots, found ${weights.length} tensors`);
    const n = slots.length / 2;
    this.count = (await iter.tensor.data())[0] as number;
    this.disposeSlots();
    this.meanSquares = slots.slice(0, n).map(({ tensor }) => tf.tidy(() => tensor.clone().variable(false)));
    this.moments = slots.slice(n).map(({ tensor }) => tf.tidy(() => tensor.clone().variable(false)));
    this.slotNames = slots.slice(0, n).map(({ name }) => name.replace(/\/rms$/, ''));
  }

  private disposeSlots(): void {
    tf.dispose([...this.meanSquares, ...this.moments]);
    this.meanSquares = [];
    this.moments = [];
  }

  dispose(): void {
    this.disposeSlots();
  }
}

/**
 * The optimizer of a training run: `fused` where the fused kernels run (wasm, cpu), else the
 * TF.js ops; `implementation` forces one ('fused' throws on a backend without the kernels).
 */
export function createOptimizer(learningRate: number, implementation?: 'fused' | 'tfjs'): TrainingOptimizer {
  registerFusedKernels();
  const which = implementation ?? (fusedKernelsAvailable() ? 'fused' : 'tfjs');
  if (which === 'fused' && !fusedKernelsAvailable()) throw new Error(`optimizer: the fused optimizer kernel runs on the wasm and cpu backends, not ${tf.getBackend()}`);
  return which === 'fused' ? new FusedClippedRmsprop(learningRate) : new TfjsClippedRmsprop(learningRate);
}
