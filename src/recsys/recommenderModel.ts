/**
 * The next-item candidate generator of section 3.3 in TF.js: item (+ page) embeddings -> a GRU
 * (dense, factorized with g blocks, or context-switching; src/train's recurrent layers) -> the
 * user vector u_t (the GRU's output) -> logits u_t . e_i + b_i over all items, trained with a
 * sampled softmax and evaluated with the full one.
 *
 *     e_t = [E_item(item_t), E_page(page_t)]          width D + P
 *     x_t = e_t W_in + b_in                            width H (dense: every block sees both fields)
 *     u_t = GRU(x_1..x_t)                             width H: the user vector
 *     o_t,i = u_t . W_i + b_i                          W: V x H output item embeddings
 *
 * The item embedding is a uniform V x D table or a mixed-dimension one (./mixedDimensionPlan.ts):
 * block b an n_b x d_b table and a d_b x D projection.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import type { CellVariant } from '../cells/types.js';
import type { Rng } from '../processes/prng.js';
import { gatherRows } from '../train/internal/blockOps.js';
import { SequenceModel } from '../train/model.js';
import { type ModelConfig, initialModelWeights, parameterShapes } from '../train/modelConfig.js';
import type { MixedDimensionPlan } from './mixedDimensionPlan.js';
import { RecsysInputError } from './errors.js';

/** Architecture of a {@link RecommenderModel}. */
export interface RecommenderConfig {
  readonly variant: CellVariant;
  /** Blocks g of a factorized or context-switching GRU (1 for dense). */
  readonly groups: number;
  /** GRU width H (divisible by groups). */
  readonly hiddenSize: number;
  /** Item embedding width D. */
  readonly itemDimension: number;
  /** Page embedding width P. */
  readonly pageDimension: number;
  readonly vocabulary: number;
  readonly pageVocabulary: number;
  /** Mixed-dimension item embedding (its baseDimension must equal itemDimension); uniform when absent. */
  readonly mixed?: MixedDimensionPlan;
  /** Context switching: the auxiliary cell's width (default 2 g). */
  readonly auxiliaryHiddenSize?: number;
  /**
   * Context switching: where the mask applies, the experts' input slices (default true) and/or
   * their output slices (default false): section 2.2.3 allows "input ... and/or output subspaces".
   */
  readonly maskInput?: boolean;
  readonly maskOutput?: boolean;
  /**
   * Context switching: weight w of the experts' load-balancing loss w CV(importance)^2 added to
   * the training loss (Shazeer et al. 2017, the mixture of experts section 2.2.3 builds on; see
   * {@link gateImportancePenalty}); default 0 (none).
   */
  readonly gateBalanceWeight?: number;
}

/**
 * The load-balancing ("importance") penalty of a mixture of experts: CV(I)^2 = var(I) / mean(I)^2
 * of the importance I_b = sum over rows of the gate values G[row, b] (rows with weight 0 count as
 * well: the gate is used at every step), the population variance over the g experts. It is 0 when
 * every expert gets the same total gate, and g - 1 when one expert gets all of it.
 *
 * References: N. Shazeer et al., Outrageously large neural networks: the sparsely-gated
 * mixture-of-experts layer, ICLR 2017, arXiv:1701.06538, section 4 (eq. 6, w_importance).
 *
 * @example
 * // two rows, g = 2: importance (1.5, 0.5), mean 1, variance 0.25
 * gateImportancePenalty(tf.tensor2d([[1, 0], [0.5, 0.5]])).dataSync()[0]; // 0.25
 */
export function gateImportancePenalty(gates: tf.Tensor2D): tf.Scalar {
  const importance = tf.sum(gates, 0);
  const { mean, variance } = tf.moments(importance);
  return tf.div(variance, tf.square(mean)) as tf.Scalar;
}

/** Parameter counts of a {@link RecommenderModel}, by part. */
export interface RecommenderParameters {
  readonly itemEmbedding: number;
  readonly pageEmbedding: number;
  /** The input projection (D + P) x H + H. */
  readonly inputProjection: number;
  readonly recurrent: number;
  readonly output: number;
  readonly total: number;
}

/** The recurrent core as src/train describes it (one GRU layer; its token projection and readout, over 2 symbols, are unused). */
export function recurrentConfig(c: RecommenderConfig): ModelConfig {
  return {
    kind: 'gru',
    variant: c.variant,
    groups: c.groups,
    hiddenSize: c.hiddenSize,
    layers: 1,
    inputVocabulary: 2,
    outputVocabulary: 2,
    ...(c.auxiliaryHiddenSize !== undefined ? { auxiliaryHiddenSize: c.auxiliaryHiddenSize } : {}),
    ...(c.maskInput !== undefined ? { maskInput: c.maskInput } : {}),
    ...(c.maskOutput !== undefined ? { maskOutput: c.maskOutput } : {}),
  };
}

/** Parameters by part: the recurrent layer's (src/train's count less its width-1 projection and readout), the embeddings', the output's. */
export function recommenderParameters(c: RecommenderConfig): RecommenderParameters {
  const H = c.hiddenSize, D = c.itemDimension, P = c.pageDimension;
  const itemEmbedding = c.mixed ? c.mixed.parameterCount : c.vocabulary * D;
  const pageEmbedding = c.pageVocabulary * P;
  const inputProjection = (D + P) * H + H;
  const recurrent = parameterShapes(recurrentConfig(c))
    .filter(([name]) => name.startsWith('layer'))
    .reduce((acc, [, shape]) => acc + shape.reduce((a, b) => a * b, 1), 0);
  const output = c.vocabulary * H + c.vocabulary;
  return { itemEmbedding, pageEmbedding, inputProjection, recurrent, output, total: itemEmbedding + pageEmbedding + inputProjection + recurrent + output };
}

function checkConfig(c: RecommenderConfig): void {
  const fn = 'RecommenderModel';
  for (const [name, v] of [['itemDimension', c.itemDimension], ['pageDimension', c.pageDimension], ['vocabulary', c.vocabulary], ['pageVocabulary', c.pageVocabulary]] as const) {
    if (!Number.isSafeInteger(v) || v < 1) throw new RecsysInputError(`${fn}: ${name} is ${String(v)}, expected an integer >= 1`);
  }
  const w = c.gateBalanceWeight ?? 0;
  if (!(Number.isFinite(w) && w >= 0)) throw new RecsysInputError(`${fn}: gateBalanceWeight is ${String(w)}, expected a number >= 0`);
  if (c.mixed && (c.mixed.baseDimension !== c.itemDimension || c.mixed.blockOf.length !== c.vocabulary)) {
    throw new RecsysInputError(`${fn}: the mixed-dimension plan has base ${c.mixed.baseDimension} over ${c.mixed.blockOf.length} items, expected ${c.itemDimension} over ${c.vocabulary}`);
  }
}

/** Uniform(-a, a) float32 values from `rng`. */
function uniformValues(rng: Rng, n: number, a: number): Float32Array {
  return Float32Array.from({ length: n }, () => (2 * rng.uniform() - 1) * a);
}

/** A batch of user histories (time-major, see ./userBatches.ts). */
export interface RecommenderBatch {
  readonly steps: number;
  readonly batch: number;
  readonly items: Int32Array;
  readonly pages: Int32Array;
  readonly targets: Int32Array;
  readonly weights: Float32Array;
}

const ids = (values: Int32Array): { ids: tf.Tensor1D; asFloat: tf.Tensor1D } => ({ ids: tf.tensor1d(values, 'int32'), asFloat: tf.tensor1d(Float32Array.from(values), 'float32') });

/** The TF.js recommender (see the module doc). */
export class RecommenderModel {
  readonly config: RecommenderConfig;
  readonly core: SequenceModel;
  readonly pageTable: tf.Variable;
  readonly inputKernel: tf.Variable;
  readonly inputBias: tf.Variable;
  readonly outputTable: tf.Variable;
  readonly outputBias: tf.Variable;
  /** Uniform: one [1, V, D] table; mixed: one [1, n_b, d_b] table and one [d_b, D] projection per block (no projection when d_b = D). */
  readonly itemTables: readonly tf.Variable[];
  readonly itemProjections: readonly (tf.Variable | null)[];
  /** The variables trained (the core's token projection and readout are unused and left out). */
  readonly trainable: readonly tf.Variable[];

  constructor(config: RecommenderConfig, rng: Rng) {
    checkConfig(config);
    this.config = config;
    const H = config.hiddenSize, D = config.itemDimension, P = config.pageDimension, V = config.vocabulary;
    this.core = new SequenceModel(recurrentConfig(config), initialModelWeights(recurrentConfig(config), rng));
    const a = 0.05;
    if (config.mixed) {
      this.itemTables = config.mixed.blocks.map((b) => tf.variable(tf.tensor3d(uniformValues(rng, b.items.length * b.dimension, a), [1, b.items.length, b.dimension]), true));
      this.itemProjections = config.mixed.blocks.map((b) => (b.dimension < D ? tf.variable(tf.tensor2d(uniformValues(rng, b.dimension * D, Math.sqrt(3 / b.dimension)), [b.dimension, D]), true) : null));
    } else {
      this.itemTables = [tf.variable(tf.tensor3d(uniformValues(rng, V * D, a), [1, V, D]), true)];
      this.itemProjections = [null];
    }
    this.pageTable = tf.variable(tf.tensor3d(uniformValues(rng, config.pageVocabulary * P, a), [1, config.pageVocabulary, P]), true);
    // Glorot-uniform, as Keras' Dense.
    this.inputKernel = tf.variable(tf.tensor2d(uniformValues(rng, (D + P) * H, Math.sqrt(6 / (D + P + H))), [D + P, H]), true);
    this.inputBias = tf.variable(tf.zeros([H]), true);
    this.outputTable = tf.variable(tf.tensor3d(uniformValues(rng, V * H, a), [1, V, H]), true);
    this.outputBias = tf.variable(tf.zeros([1, V, 1]), true);
    const recurrent = this.core.variables.filter((_, i) => (this.core.names[i] as string).startsWith('layer'));
    this.trainable = [...recurrent, ...this.itemTables, ...(this.itemProjections.filter((p) => p !== null) as tf.Variable[]), this.pageTable, this.inputKernel, this.inputBias, this.outputTable, this.outputBias];
  }

  get parameters(): RecommenderParameters {
    return recommenderParameters(this.config);
  }

  /** Item embeddings of `items`: [N, D]. */
  private itemEmbedding(items: Int32Array): tf.Tensor2D {
    const fused = this.core.compute.fused;
    const N = items.length, D = this.config.itemDimension;
    const plan = this.config.mixed;
    if (!plan) {
      const t = ids(items);
      return gatherRows(this.itemTables[0] as unknown as tf.Tensor3D, t.ids, t.asFloat, fused).reshape([N, D]);
    }
    let sum: tf.Tensor2D | null = null;
    plan.blocks.forEach((b, bi) => {
      const rows = new Int32Array(N);
      const mask = new Float32Array(N);
      let any = false;
      for (let k = 0; k < N; k++) {
        const item = items[k] as number;
        if (plan.blockOf[item] === bi) {
          rows[k] = plan.rowOf[item] as number;
          mask[k] = 1;
          any = true;
        }
      }
      if (!any) return;
      const t = ids(rows);
      let e = gatherRows(this.itemTables[bi] as unknown as tf.Tensor3D, t.ids, t.asFloat, fused).reshape([N, b.dimension]) as tf.Tensor2D;
      const proj = this.itemProjections[bi];
      if (proj) e = tf.matMul(e, proj as unknown as tf.Tensor2D);
      e = tf.mul(e, tf.tensor2d(mask, [N, 1])) as tf.Tensor2D;
      sum = sum === null ? e : (tf.add(sum, e) as tf.Tensor2D);
    });
    return sum ?? tf.zeros([N, D]);
  }

  /** User vectors u_t for every step of the batch: [T B, H] (row t B + b); `gates` receives the context-switching masks, [T B, g]. */
  userVectors(batch: RecommenderBatch, gates?: tf.Tensor2D[]): tf.Tensor2D {
    const N = batch.steps * batch.batch, P = this.config.pageDimension;
    if (batch.items.length !== N || batch.pages.length !== N) throw new RecsysInputError(`RecommenderModel: expected ${N} items and pages (steps ${batch.steps} x batch ${batch.batch}), found ${batch.items.length} and ${batch.pages.length}`);
    const p = ids(batch.pages);
    const page = gatherRows(this.pageTable as unknown as tf.Tensor3D, p.ids, p.asFloat, this.core.compute.fused).reshape([N, P]);
    const e = tf.concat([this.itemEmbedding(batch.items), page], 1) as tf.Tensor2D;
    const x = tf.add(tf.matMul(e, this.inputKernel as unknown as tf.Tensor2D), this.inputBias) as tf.Tensor2D;
    return this.core.recurrentOutputs(x, batch.steps, batch.batch, gates);
  }

  /**
   * The sampled softmax loss (nats per counted target): mean over targets with weight 1 of
   * -z_0 + log(exp(z_0) + sum_j exp(z_j)), z_0 = u . W_y + b_y - log(m q_y),
   * z_j = u . W_{s_j} + b_{s_j} - log(m q_{s_j}), the m candidates s shared by the batch, drawn
   * with replacement from q, accidental hits kept (./sampledSoftmax.ts: the consistent variant);
   * plus w CV(importance)^2 of every context-switching layer's gate when gateBalanceWeight w > 0
   * ({@link gateImportancePenalty}).
   */
  sampledLoss(batch: RecommenderBatch, samples: Int32Array, proposal: Float64Array): tf.Scalar {
    const N = batch.steps * batch.batch, H = this.config.hiddenSize, m = samples.length;
    const fused = this.core.compute.fused;
    const gates: tf.Tensor2D[] = [];
    const u = this.userVectors(batch, gates);
    const y = ids(batch.targets);
    const wy = gatherRows(this.outputTable as unknown as tf.Tensor3D, y.ids, y.asFloat, fused).reshape([N, H]);
    const by = gatherRows(this.outputBias as unknown as tf.Tensor3D, y.ids, y.asFloat, fused).reshape([N, 1]);
    const logQ = (list: Int32Array): Float32Array => Float32Array.from(list, (i) => Math.log(m * (proposal[i] as number)));
    const z0 = tf.sub(tf.add(tf.sum(tf.mul(u, wy), 1, true), by), tf.tensor2d(logQ(batch.targets), [N, 1]));
    const s = ids(samples);
    const ws = gatherRows(this.outputTable as unknown as tf.Tensor3D, s.ids, s.asFloat, fused).reshape([m, H]);
    const bs = gatherRows(this.outputBias as unknown as tf.Tensor3D, s.ids, s.asFloat, fused).reshape([1, m]);
    const zs = tf.sub(tf.add(tf.matMul(u, ws, false, true), bs), tf.tensor2d(logQ(samples), [1, m]));
    const z = tf.concat([z0, zs], 1);
    const perTarget = tf.sub(tf.logSumExp(z, 1), z0.reshape([N]));
    const w = tf.tensor1d(batch.weights);
    const counted = batch.weights.reduce((acc, v) => acc + v, 0);
    const loss = tf.div(tf.sum(tf.mul(perTarget, w)), Math.max(1, counted)) as tf.Scalar;
    const balance = this.config.gateBalanceWeight ?? 0;
    if (balance === 0 || gates.length === 0) return loss;
    return gates.reduce((acc, g) => tf.add(acc, tf.mul(balance, gateImportancePenalty(g))) as tf.Scalar, loss);
  }

  /** Full-softmax logits for user vectors: [N, V] = U W^T + b. */
  logits(u: tf.Tensor2D): tf.Tensor2D {
    const V = this.config.vocabulary, H = this.config.hiddenSize;
    return tf.add(tf.matMul(u, this.outputTable.reshape([V, H]), false, true), this.outputBias.reshape([1, V])) as tf.Tensor2D;
  }

  /** The output item embeddings and biases as float32 arrays (for serving). */
  outputItems(): { count: number; dim: number; vectors: Float32Array; bias: Float32Array } {
    return { count: this.config.vocabulary, dim: this.config.hiddenSize, vectors: this.outputTable.dataSync() as Float32Array, bias: this.outputBias.dataSync() as Float32Array };
  }

  dispose(): void {
    this.core.dispose();
    for (const v of this.trainable) if (!this.core.variables.includes(v)) v.dispose();
  }
}
