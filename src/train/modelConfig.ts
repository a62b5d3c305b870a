/**
 * The architecture of lrdkit's trainable sequence model, without TF.js (sizes, seeded
 * initialisation, conversion to and from src/cells): a one-hot input projection,
 * a stack of recurrent layers (dense, factorized with g blocks, or context-switching; GRU or
 * LSTM) and a softmax readout:
 *
 *     x_t = E^T onehot(s_t)                 input projection (a row of E, V x H)
 *     h^(1)_t, ..., h^(L)_t                 L recurrent layers, each reading the one below
 *     p_t = softmax(W_o^T h^(L)_t + b_o)    readout over the output alphabet
 *     loss = -(1 / (T B)) sum_{t, b} log p_t[y_t]      nats per output symbol
 *
 * Every recurrent layer computes exactly the equations of src/cells in the Keras layout (gate
 * orders from src/cells/layouts.ts): GRU with reset_after = true (two bias vectors), LSTM with
 * one bias; a factorized layer is g independent blocks on g contiguous slices of its input and
 * state (eq. 14 of the paper), stored as [g, ...] weight tensors and evaluated with block
 * products, never as masked dense matrices; a context-switching layer (section 2.2.3) adds an
 * auxiliary dense cell on the full input whose output, through softmax(V a + e), scales each
 * expert block's input slice (and optionally its output), as ContextSwitchingCell defines.
 *
 * Weights come from a seeded generator ({@link initialModelWeights}), never from TF.js's own
 * unseeded initialisers, so the same seed gives the same model on every backend. Keras'
 * initialisers are reproduced: Glorot-uniform kernels, orthogonal recurrent kernels, zero biases,
 * LSTM forget-gate bias 1.
 *
 * @module
 */
import { ContextSwitchingCell } from '../cells/contextSwitching.js';
import { type DenseCell, FactorizedCell } from '../cells/factorized.js';
import { gruFromKeras, lstmFromKeras, toKeras } from '../cells/frameworks.js';
import { GruCell } from '../cells/gru.js';
import { LstmCell } from '../cells/lstm.js';
import type { Cell, CellKind, CellVariant } from '../cells/types.js';
import type { Matrix } from '../linalg/dense.js';
import type { Rng } from '../processes/prng.js';

/** The architecture of a {@link SequenceModel}. */
export interface ModelConfig {
  readonly kind: CellKind;
  readonly variant: CellVariant;
  /** Blocks g per recurrent layer (1 for dense; must divide hiddenSize). */
  readonly groups: number;
  /** Width H of every recurrent layer (and of the input projection). */
  readonly hiddenSize: number;
  /** Number of stacked recurrent layers. */
  readonly layers: number;
  /** Input alphabet size V (one-hot inputs). */
  readonly inputVocabulary: number;
  /** Output alphabet size (softmax classes). */
  readonly outputVocabulary: number;
  /** Context switching: the auxiliary cell's width (default 2 g). */
  readonly auxiliaryHiddenSize?: number;
  /** Context switching: mask the experts' input slices (default true). */
  readonly maskInput?: boolean;
  /** Context switching: mask the experts' output slices (default false). */
  readonly maskOutput?: boolean;
}

/** A model's weights: named float32 tensors in a fixed order (see {@link parameterShapes}). */
export type ModelWeights = Map<string, { readonly shape: readonly number[]; readonly values: Float32Array }>;

/** Error for a model configuration that cannot be built (the CLI exits with status 2). */
export class ModelConfigError extends Error {
  override name = 'ModelConfigError';
}

function gates(kind: CellKind): number {
  return kind === 'gru' ? 3 : 4;
}

/** The auxiliary width of a context-switching config (default 2 g). */
export function auxiliaryWidth(c: ModelConfig): number {
  return c.auxiliaryHiddenSize ?? 2 * c.groups;
}

/** Throws {@link ModelConfigError} unless the configuration is buildable. */
export function checkModelConfig(c: ModelConfig): void {
  const int = (v: number, min: number) => Number.isInteger(v) && v >= min;
  if (c.kind !== 'gru' && c.kind !== 'lstm') throw new ModelConfigError(`model: kind is ${String(c.kind)}, expected gru or lstm`);
  if (!['dense', 'factorized', 'context-switching'].includes(c.variant)) throw new ModelConfigError(`model: variant is ${String(c.variant)}, expected dense, factorized or context-switching`);
  if (!int(c.groups, 1)) throw new ModelConfigError(`model: groups is ${c.groups}, expected an integer >= 1`);
  if (c.variant === 'dense' && c.groups !== 1) throw new ModelConfigError(`model: a dense model has groups 1, found ${c.groups}`);
  if (c.variant !== 'dense' && c.groups < 2) throw new ModelConfigError(`model: a ${c.variant} model needs groups >= 2, found ${c.groups}`);
  if (!int(c.hiddenSize, 1) || c.hiddenSize % c.groups !== 0) throw new ModelConfigError(`model: hiddenSize is ${c.hiddenSize}, expected a positive multiple of groups ${c.groups}`);
  if (!int(c.layers, 1)) throw new ModelConfigError(`model: layers is ${c.layers}, expected an integer >= 1`);
  if (!int(c.inputVocabulary, 2) || !int(c.outputVocabulary, 2)) throw new ModelConfigError(`model: vocabularies are ${c.inputVocabulary} (input) and ${c.outputVocabulary} (output), expected integers >= 2`);
  if (c.variant === 'context-switching' && !int(auxiliaryWidth(c), 1)) throw new ModelConfigError(`model: auxiliaryHiddenSize is ${String(c.auxiliaryHiddenSize)}, expected an integer >= 1`);
}

/**
 * The model's parameter tensors, in the order of {@link ModelWeights}, the optimizer's slots
 * and the training checkpoints. Per recurrent layer l (prefix `layer{l}`), with G gates, g
 * blocks of hb = H / g units and input width d = H:
 * `kernel` [g, d / g, G hb], `recurrent_kernel` [g, hb, G hb], `bias` [g, 1, G hb], GRU only
 * `recurrent_bias` [g, 1, G hb]; context switching adds `auxiliary/...` (the same four with
 * g = 1 and width ha) and the mask readout `mask/kernel` [ha, g], `mask/bias` [g].
 */
export function parameterShapes(c: ModelConfig): [string, number[]][] {
  checkModelConfig(c);
  const G = gates(c.kind), g = c.groups, H = c.hiddenSize, hb = H / g;
  const out: [string, number[]][] = [['embedding', [c.inputVocabulary, H]]];
  const cell = (p: string, blocks: number, d: number, h: number) => {
    out.push([`${p}/kernel`, [blocks, d, G * h]], [`${p}/recurrent_kernel`, [blocks, h, G * h]], [`${p}/bias`, [blocks, 1, G * h]]);
    if (c.kind === 'gru') out.push([`${p}/recurrent_bias`, [blocks, 1, G * h]]);
  };
  for (let l = 0; l < c.layers; l++) {
    cell(`layer${l}`, g, H / g, hb);
    if (c.variant === 'context-switching') {
      const ha = auxiliaryWidth(c);
      cell(`layer${l}/auxiliary`, 1, H, ha);
      out.push([`layer${l}/mask/kernel`, [ha, g]], [`layer${l}/mask/bias`, [g]]);
    }
  }
  out.push(['readout/kernel', [H, c.outputVocabulary]], ['readout/bias', [c.outputVocabulary]]);
  return out;
}

/** Trainable parameters of the whole model (projection, recurrent layers, readout). */
export function modelParameterCount(c: ModelConfig): number {
  return parameterShapes(c).reduce((s, [, shape]) => s + shape.reduce((a, b) => a * b, 1), 0);
}

/**
 * Multiply-add FLOPs (2 per multiply-add) of one time step of one sequence: the recurrent
 * layers' products (counts.ts flopsPerStep per block: 2 G (d h + h^2) / g), the context-switching
 * auxiliary cell and mask readout, and the output readout 2 H V_out. The input projection is a
 * row lookup and costs no multiply-adds.
 */
export function modelFlopsPerStep(c: ModelConfig): number {
  checkModelConfig(c);
  const G = gates(c.kind), g = c.groups, H = c.hiddenSize;
  let f = 0;
  for (let l = 0; l < c.layers; l++) {
    f += (2 * G * (H * H + H * H)) / g;
    if (c.variant === 'context-switching') {
      const ha = auxiliaryWidth(c);
      f += 2 * G * (H * ha + ha * ha) + 2 * ha * g;
    }
  }
  return f + 2 * H * c.outputVocabulary;
}

// ------------------------------------------------------------------------------------------
// Seeded initialisation (Keras' initialisers)

function glorotUniform(rng: Rng, fanIn: number, fanOut: number, n: number, out: Float32Array, offset: number): void {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  for (let i = 0; i < n; i++) out[offset + i] = (2 * rng.uniform() - 1) * limit;
}

/**
 * Keras' Orthogonal initialiser for a rows x cols kernel: a Gaussian matrix of shape
 * (max, min) with orthonormal columns by QR (modified Gram-Schmidt, which gives R a positive
 * diagonal, i.e. Keras' q * sign(diag(r))), transposed when rows < cols, so that the rows
 * (rows <= cols) or the columns (rows > cols) are orthonormal.
 */
function orthogonal(rng: Rng, rows: number, cols: number, out: Float32Array, offset: number): void {
  const m = Math.max(rows, cols), n = Math.min(rows, cols);
  const a = new Float64Array(m * n); // column-major: column j at j*m
  for (let i = 0; i < m * n; i++) a[i] = rng.normal();
  for (let j = 0; j < n; j++) {
    for (let k = 0; k < j; k++) {
      let dot = 0;
      for (let i = 0; i < m; i++) dot += a[k * m + i]! * a[j * m + i]!;
      for (let i = 0; i < m; i++) a[j * m + i] = a[j * m + i]! - dot * a[k * m + i]!;
    }
    let norm = 0;
    for (let i = 0; i < m; i++) norm += a[j * m + i]! ** 2;
    norm = Math.sqrt(norm);
    for (let i = 0; i < m; i++) a[j * m + i] = a[j * m + i]! / norm;
  }
  // q is m x n (column j = a[j*m ..]); the kernel is q (rows = m >= cols) or q^T (rows < cols).
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) out[offset + r * cols + c] = rows >= cols ? a[c * m + r]! : a[r * m + c]!;
  }
}

/**
 * Initial weights drawn from `rng` in the order of {@link parameterShapes}: Glorot-uniform
 * projection, kernels and readouts (fan-in and fan-out of each block's own matrix), orthogonal
 * recurrent kernels per block (Keras' (h, G h) kernel), zero biases except an LSTM's forget-gate
 * input bias, 1 (Keras unit_forget_bias).
 */
export function initialModelWeights(c: ModelConfig, rng: Rng): ModelWeights {
  const G = gates(c.kind);
  const out: ModelWeights = new Map();
  for (const [name, shape] of parameterShapes(c)) {
    const n = shape.reduce((a, b) => a * b, 1);
    const v = new Float32Array(n);
    const leaf = name.split('/').pop() as string;
    if (name === 'embedding' || name === 'readout/kernel' || leaf === 'kernel' && name.endsWith('mask/kernel')) {
      glorotUniform(rng, shape[0] as number, shape[1] as number, n, v, 0);
    } else if (leaf === 'kernel') {
      const [blocks, d, gh] = shape as [number, number, number];
      for (let b = 0; b < blocks; b++) glorotUniform(rng, d, gh, d * gh, v, b * d * gh);
    } else if (leaf === 'recurrent_kernel') {
      const [blocks, h, gh] = shape as [number, number, number];
      for (let b = 0; b < blocks; b++) orthogonal(rng, h, gh, v, b * h * gh);
    } else if (leaf === 'bias' && c.kind === 'lstm' && !name.startsWith('readout') && !name.endsWith('mask/bias')) {
      const [blocks, , gh] = shape as [number, number, number];
      const h = gh / G;
      for (let b = 0; b < blocks; b++) for (let j = 0; j < h; j++) v[b * gh + h + j] = 1;
    }
    out.set(name, { shape, values: v });
  }
  return out;
}

// ------------------------------------------------------------------------------------------
// Conversion to and from src/cells

function nestedFrom(values: Float32Array, offset: number, rows: number, cols: number): Matrix {
  return Array.from({ length: rows }, (_, i) => Array.from(values.subarray(offset + i * cols, offset + (i + 1) * cols)));
}

function denseCellFrom(w: ModelWeights, prefix: string, kind: CellKind, block: number): DenseCell {
  const get = (n: string) => {
    const t = w.get(`${prefix}/${n}`);
    if (!t) throw new ModelConfigError(`model weights: missing ${prefix}/${n}`);
    return t;
  };
  const k = get('kernel'), u = get('recurrent_kernel'), b = get('bias');
  const [, d, gh] = k.shape as [number, number, number];
  const h = (u.shape[1] as number);
  const kernel = nestedFrom(k.values, block * d * gh, d, gh);
  const recurrentKernel = nestedFrom(u.values, block * h * gh, h, gh);
  const bias = Array.from(b.values.subarray(block * gh, (block + 1) * gh));
  if (kind === 'gru') {
    const c = get('recurrent_bias');
    return gruFromKeras({ kernel, recurrentKernel, bias: [bias, Array.from(c.values.subarray(block * gh, (block + 1) * gh))] }, { resetAfter: true });
  }
  return lstmFromKeras({ kernel, recurrentKernel, bias });
}

/**
 * The recurrent layers as src/cells cells (float64 copies of the float32 weights): GruCell /
 * LstmCell, FactorizedCell of g blocks, or ContextSwitchingCell.
 */
export function cellsFromWeights(c: ModelConfig, w: ModelWeights): Cell[] {
  checkModelConfig(c);
  const cells: Cell[] = [];
  for (let l = 0; l < c.layers; l++) {
    const p = `layer${l}`;
    if (c.variant === 'dense') {
      cells.push(denseCellFrom(w, p, c.kind, 0));
      continue;
    }
    const experts = new FactorizedCell(Array.from({ length: c.groups }, (_, b) => denseCellFrom(w, p, c.kind, b)));
    if (c.variant === 'factorized') {
      cells.push(experts);
      continue;
    }
    const auxiliary = denseCellFrom(w, `${p}/auxiliary`, c.kind, 0);
    const mk = w.get(`${p}/mask/kernel`), mb = w.get(`${p}/mask/bias`);
    if (!mk || !mb) throw new ModelConfigError(`model weights: missing ${p}/mask/kernel or ${p}/mask/bias`);
    const ha = mk.shape[0] as number, g = c.groups;
    const weight = Array.from({ length: g }, (_, b) => Array.from({ length: ha }, (_, k) => mk.values[k * g + b] as number));
    cells.push(
      new ContextSwitchingCell({
        experts,
        auxiliary,
        readout: { weight, bias: Array.from(mb.values) },
        maskInput: c.maskInput ?? true,
        maskOutput: c.maskOutput ?? false,
      }),
    );
  }
  return cells;
}

function writeDense(cell: Cell, w: ModelWeights, prefix: string, block: number, kind: CellKind, where: string): void {
  if (!(cell instanceof GruCell || cell instanceof LstmCell) || cell.kind !== kind) {
    throw new ModelConfigError(`${where}: expected a dense ${kind} cell, found a ${cell.kind} ${cell.variant} cell`);
  }
  if (cell instanceof GruCell && !cell.weights.resetAfter) throw new ModelConfigError(`${where}: expected a GRU with reset_after = true, found reset_after = false`);
  const k = toKeras(cell);
  const put = (name: string, rows: Matrix | number[], offsetBlock: number) => {
    const t = w.get(`${prefix}/${name}`);
    if (!t) throw new ModelConfigError(`${where}: no tensor ${prefix}/${name} in this model`);
    const flat = (rows as unknown[]).flatMap((r) => (Array.isArray(r) ? (r as number[]) : [r as number]));
    const per = t.values.length / (t.shape[0] as number);
    if (flat.length !== per) throw new ModelConfigError(`${where}: ${prefix}/${name} expected ${per} values per block, found ${flat.length}`);
    t.values.set(flat, offsetBlock * per);
  };
  put('kernel', k.kernel, block);
  put('recurrent_kernel', k.recurrentKernel, block);
  if (kind === 'gru') {
    const [b0, b1] = k.bias as Matrix as [number[], number[]];
    put('bias', b0, block);
    put('recurrent_bias', b1, block);
  } else put('bias', k.bias as number[], block);
}

/**
 * Weights with the recurrent layers' gate weights replaced by those of `cells` (as read from a
 * checkpoint); every other tensor (projection, readout, context-switching mask readout) is taken
 * from `base`. The cells must have this model's structure.
 *
 * @throws ModelConfigError naming the layer and what differs
 */
export function weightsWithCells(c: ModelConfig, cells: readonly Cell[], base: ModelWeights): ModelWeights {
  checkModelConfig(c);
  if (cells.length !== c.layers) throw new ModelConfigError(`checkpoint: expected ${c.layers} recurrent layers, found ${cells.length}`);
  const w: ModelWeights = new Map([...base].map(([k, v]) => [k, { shape: v.shape, values: Float32Array.from(v.values) }]));
  cells.forEach((cell, l) => {
    const where = `checkpoint layer ${l}`;
    if (cell.variant !== c.variant || cell.groups !== c.groups || cell.hiddenSize !== c.hiddenSize || cell.inputSize !== c.hiddenSize) {
      throw new ModelConfigError(`${where}: expected a ${c.variant} ${c.kind} cell with ${c.groups} groups and width ${c.hiddenSize}, found a ${cell.variant} ${cell.kind} cell with ${cell.groups} groups, input ${cell.inputSize} and width ${cell.hiddenSize}`);
    }
    const p = `layer${l}`;
    if (cell instanceof GruCell || cell instanceof LstmCell) writeDense(cell, w, p, 0, c.kind, where);
    else if (cell instanceof FactorizedCell) cell.blocks.forEach((b, i) => writeDense(b, w, p, i, c.kind, `${where} block ${i}`));
    else if (cell instanceof ContextSwitchingCell) {
      cell.experts.blocks.forEach((b, i) => writeDense(b, w, p, i, c.kind, `${where} expert ${i}`));
      writeDense(cell.auxiliary, w, `${p}/auxiliary`, 0, c.kind, `${where} auxiliary`);
    }
  });
  return w;
}
