/**
 * lrdkit's own checkpoint format: a TF.js layers model (model.json + one float32 shard,
 * `group1-shard1of1.bin`) whose `userDefinedMetadata.lrdkit` records the exact structure of
 * every cell, so that dense, factorized and context-switching cells come back as the same
 * classes with the same weights.
 *
 *     userDefinedMetadata.lrdkit = {
 *       version: 1,
 *       layers: [{ name, kind, variant: 'dense' | 'factorized' | 'context-switching', groups,
 *                  layout: 'keras', resetAfter, inputSize, hiddenSize, depth, direction,
 *                  blocks: [{ prefix, kind, inputSize, hiddenSize, resetAfter, biasVectors,
 *                             recurrentBias }],                     one per block (dense: one)
 *                  auxiliary?: { ...same fields... },               context switching
 *                  readout?: { prefix }, maskInput?, maskOutput? }],
 *       task?, seed?, ...                                           the caller's metadata
 *     }
 *
 * Tensors, in Keras layout (gate orders from src/cells/layouts.ts): each dense cell or block
 * with prefix P has P/kernel (d, G h), P/recurrent_kernel (h, G h), P/bias ((2, 3h) for a GRU
 * with reset_after, (G h) otherwise) and, when the cell has a non-zero recurrent bias that
 * the Keras layout has no place for (LSTM, GRU without reset_after), P/recurrent_bias (G h).
 * Prefixes: a dense layer `<name>`; factorized blocks `<name>/block_<b>` (each block's own
 * small weights, not a block-diagonal matrix, so unequal blocks and per-block settings are
 * kept); context switching `<name>/experts/block_<b>`, `<name>/auxiliary`, and the readout
 * `<name>/readout/kernel` (auxiliary hidden x g, Keras Dense layout) and `<name>/readout/bias`.
 *
 * The model topology describes dense layers as standard Keras GRU / LSTM layers, so plain TF.js
 * readers (including {@link readTfjsLayers}) read them, and factorized / context-switching
 * layers as the custom classes `lrdkit>FactorizedGRU`, `lrdkit>ContextSwitchingLSTM`, ... which
 * plain readers refuse (rather than misread). A dense cell with a separate recurrent bias on a
 * one-bias layout carries the extra `recurrent_bias` tensor, which plain readers also refuse.
 *
 * Storage is float32: writing a cell whose weights are not float32-representable stores them
 * rounded to nearest (Math.fround), and reading gives the rounded weights; the writer reports
 * whether every weight was representable (`exact`). For representable weights the round trip
 * is exact: same classes, same weights, bit-identical steps.
 *
 * Files are written atomically: shard first, then model.json, each to a temporary name renamed
 * when complete.
 *
 * @module
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ContextSwitchingCell } from '../cells/contextSwitching.js';
import { type DenseCell, FactorizedCell } from '../cells/factorized.js';
import { gruFromKeras, lstmFromKeras } from '../cells/frameworks.js';
import { GruCell } from '../cells/gru.js';
import { KERAS_GRU_GATE_ORDER, KERAS_LSTM_GATE_ORDER } from '../cells/layouts.js';
import { LstmCell } from '../cells/lstm.js';
import type { Cell, CellKind, CellVariant, GateWeights } from '../cells/types.js';
import { writeAtomic } from '../internal/writeAtomic.js';
import { CheckpointError } from './errors.js';
import { type RawTensor, matrixOf, vectorOf } from './internal/layers.js';
import type { KerasCheckpoint } from './internal/kerasWeights.js';
import { type TfjsArtifacts, readTfjsArtifacts, tfjsCheckpoint } from './tfjsLayers.js';
import type { Checkpoint, LayerInfo } from './types.js';

/** Version of the metadata this module writes and reads. */
export const LRDKIT_FORMAT_VERSION = 1;
/** The shard's file name. */
export const LRDKIT_SHARD = 'group1-shard1of1.bin';

/** One layer to write. */
export interface LrdkitLayer {
  /** Layer name: letters, digits, '_', '-', '.'; unique in the checkpoint. */
  readonly name: string;
  readonly cell: Cell;
  /** Position in the stack (default: the layer's index). */
  readonly depth?: number;
  /** Default 'forward'. */
  readonly direction?: 'forward' | 'backward';
}

/** Metadata stored with the layers (JSON values). */
export interface LrdkitMetadata {
  readonly task?: string;
  readonly seed?: number;
  readonly [key: string]: unknown;
}

/** A dense cell's (or block's) description in the metadata. */
export interface LrdkitBlockMeta {
  readonly prefix: string;
  readonly kind: CellKind;
  readonly inputSize: number;
  readonly hiddenSize: number;
  /** GRU: reset_after; LSTM: null. */
  readonly resetAfter: boolean | null;
  readonly biasVectors: 1 | 2;
  /** Whether a separate `recurrent_bias` tensor is stored. */
  readonly recurrentBias: boolean;
}

/** A layer's description in the metadata. */
export interface LrdkitLayerMeta {
  readonly name: string;
  readonly kind: CellKind;
  readonly variant: CellVariant;
  readonly groups: number;
  readonly layout: 'keras';
  readonly resetAfter: boolean | null;
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly depth: number;
  readonly direction: 'forward' | 'backward';
  readonly blocks: readonly LrdkitBlockMeta[];
  readonly auxiliary?: LrdkitBlockMeta;
  readonly readout?: { readonly prefix: string };
  readonly maskInput?: boolean;
  readonly maskOutput?: boolean;
}

/** The `userDefinedMetadata.lrdkit` object. */
export interface LrdkitMetadataRecord {
  readonly version: number;
  readonly layers: readonly LrdkitLayerMeta[];
  readonly [key: string]: unknown;
}

/** What {@link writeLrdkitCheckpoint} wrote. */
export interface LrdkitWriteResult {
  readonly modelJson: string;
  readonly shard: string;
  /** Bytes of the shard. */
  readonly bytes: number;
  /** Whether every weight was float32-representable (the round trip is then exact). */
  readonly exact: boolean;
}

/** A checkpoint read from lrdkit's format, with its metadata. */
export interface LrdkitCheckpoint extends Checkpoint {
  readonly format: 'lrdkit';
  /** The caller's metadata (task, seed, ...), without version and layers. */
  readonly metadata: Readonly<Record<string, unknown>>;
}

const NAME = /^[A-Za-z0-9_.-]+$/;

interface Pending {
  name: string;
  shape: number[];
  values: Float64Array | number[];
}

function gatesOf(cell: DenseCell): { order: readonly string[]; gates: GateWeights[] } {
  const order: readonly string[] = cell.kind === 'gru' ? KERAS_GRU_GATE_ORDER : KERAS_LSTM_GATE_ORDER;
  const w = cell.weights as unknown as Record<string, GateWeights>;
  return { order, gates: order.map((g) => w[g] as GateWeights) };
}

/** Keras-layout tensors of a dense cell under a prefix. */
function denseTensors(cell: DenseCell, prefix: string, out: Pending[]): LrdkitBlockMeta {
  const { gates } = gatesOf(cell);
  const G = gates.length, d = cell.inputSize, h = cell.hiddenSize;
  const kernel = new Float64Array(d * G * h);
  const recurrent = new Float64Array(h * G * h);
  const inputBias = new Float64Array(G * h);
  const recurrentBias = new Float64Array(G * h);
  gates.forEach((g, k) => {
    for (let i = 0; i < h; i++) {
      for (let j = 0; j < d; j++) kernel[j * G * h + k * h + i] = g.input[i * d + j] as number;
      for (let j = 0; j < h; j++) recurrent[j * G * h + k * h + i] = g.recurrent[i * h + j] as number;
      inputBias[k * h + i] = g.inputBias[i] as number;
      recurrentBias[k * h + i] = g.recurrentBias[i] as number;
    }
  });
  const resetAfter = cell.kind === 'gru' ? (cell as GruCell).weights.resetAfter : null;
  out.push({ name: `${prefix}/kernel`, shape: [d, G * h], values: kernel });
  out.push({ name: `${prefix}/recurrent_kernel`, shape: [h, G * h], values: recurrent });
  let separate = false;
  if (resetAfter === true) {
    const both = new Float64Array(2 * G * h);
    both.set(inputBias, 0);
    both.set(recurrentBias, G * h);
    out.push({ name: `${prefix}/bias`, shape: [2, G * h], values: both });
  } else {
    out.push({ name: `${prefix}/bias`, shape: [G * h], values: inputBias });
    separate = recurrentBias.some((v) => v !== 0);
    if (separate) out.push({ name: `${prefix}/recurrent_bias`, shape: [G * h], values: recurrentBias });
  }
  return { prefix, kind: cell.kind, inputSize: d, hiddenSize: h, resetAfter, biasVectors: cell.weights.biasVectors, recurrentBias: separate };
}

function isDense(cell: Cell): cell is DenseCell {
  return cell instanceof GruCell || cell instanceof LstmCell;
}

function kerasLayerConfig(meta: LrdkitLayerMeta, first: boolean): Record<string, unknown> {
  const common = {
    name: meta.name,
    trainable: true,
    dtype: 'float32',
    return_sequences: true,
    return_state: false,
    go_backwards: meta.direction === 'backward',
    stateful: false,
    unroll: false,
    units: meta.hiddenSize,
    activation: 'tanh',
    recurrent_activation: 'sigmoid',
    use_bias: true,
    ...(meta.kind === 'gru' ? { reset_after: meta.resetAfter } : {}),
    ...(first ? { batch_input_shape: [null, null, meta.inputSize] } : {}),
  };
  if (meta.variant === 'dense') return { class_name: meta.kind === 'gru' ? 'GRU' : 'LSTM', config: common };
  const cls = `${meta.variant === 'factorized' ? 'Factorized' : 'ContextSwitching'}${meta.kind === 'gru' ? 'GRU' : 'LSTM'}`;
  return { module: 'lrdkit', class_name: cls, registered_name: `lrdkit>${cls}`, config: { ...common, groups: meta.groups } };
}

/**
 * Writes cells as an lrdkit checkpoint (TF.js layers format with lrdkit metadata) into `dir`
 * (created if needed; an existing model.json and shard are replaced).
 *
 * @throws CheckpointError for duplicate or invalid layer names, cells of unknown classes, and
 *   weights beyond the float32 range
 * @example
 * writeLrdkitCheckpoint('runs/copy/model', [{ name: 'gru', cell }], { task: 'copy', seed: 7 });
 */
export function writeLrdkitCheckpoint(dir: string, layers: readonly LrdkitLayer[], metadata: LrdkitMetadata = {}): LrdkitWriteResult {
  if (layers.length === 0) throw new CheckpointError(dir, 'layers', 'expected at least one layer to write, found none');
  const seen = new Set<string>();
  const tensors: Pending[] = [];
  const metas: LrdkitLayerMeta[] = [];
  layers.forEach((layer, index) => {
    const { name, cell } = layer;
    if (!NAME.test(name)) throw new CheckpointError(dir, `layer ${JSON.stringify(name)}`, "expected a name of letters, digits, '_', '-', '.', found another");
    if (seen.has(name)) throw new CheckpointError(dir, `layer ${name}`, 'expected unique layer names, found this one twice');
    seen.add(name);
    const base = {
      name,
      kind: cell.kind,
      variant: cell.variant,
      groups: cell.groups,
      layout: 'keras' as const,
      inputSize: cell.inputSize,
      hiddenSize: cell.hiddenSize,
      depth: layer.depth ?? index,
      direction: layer.direction ?? ('forward' as const),
    };
    if (isDense(cell)) {
      const block = denseTensors(cell, name, tensors);
      metas.push({ ...base, resetAfter: block.resetAfter, blocks: [block] });
    } else if (cell instanceof FactorizedCell) {
      const blocks = cell.blocks.map((b, i) => denseTensors(b, `${name}/block_${i}`, tensors));
      metas.push({ ...base, resetAfter: blocks[0]?.resetAfter ?? null, blocks });
    } else if (cell instanceof ContextSwitchingCell) {
      const blocks = cell.experts.blocks.map((b, i) => denseTensors(b, `${name}/experts/block_${i}`, tensors));
      const auxiliary = denseTensors(cell.auxiliary, `${name}/auxiliary`, tensors);
      const g = cell.groups, ha = cell.auxiliary.hiddenSize;
      // Readout V (g x ha) as a Keras Dense kernel (ha, g), and its bias (g).
      const kernel = new Float64Array(ha * g);
      const { weight, bias } = readoutOf(cell);
      for (let b = 0; b < g; b++) for (let k = 0; k < ha; k++) kernel[k * g + b] = weight[b * ha + k] as number;
      tensors.push({ name: `${name}/readout/kernel`, shape: [ha, g], values: kernel });
      tensors.push({ name: `${name}/readout/bias`, shape: [g], values: bias });
      metas.push({ ...base, resetAfter: blocks[0]?.resetAfter ?? null, blocks, auxiliary, readout: { prefix: `${name}/readout` }, maskInput: cell.maskInput, maskOutput: cell.maskOutput });
    } else {
      throw new CheckpointError(dir, `layer ${name}`, `expected a GruCell, LstmCell, FactorizedCell or ContextSwitchingCell, found a ${(cell as object).constructor?.name ?? typeof cell} (variant ${cell.variant})`);
    }
  });
  // Float32 shard.
  const total = tensors.reduce((s, t) => s + t.values.length, 0);
  const shard = new Uint8Array(4 * total);
  const view = new DataView(shard.buffer);
  let at = 0;
  let exact = true;
  for (const t of tensors) {
    for (let i = 0; i < t.values.length; i++) {
      const v = t.values[i] as number;
      const f = Math.fround(v);
      if (!Number.isFinite(f)) throw new CheckpointError(dir, `tensor ${t.name}`, `expected weights within the float32 range, found ${v} at flat index ${i}`);
      if (f !== v) exact = false;
      view.setFloat32(at, f, true);
      at += 4;
    }
  }
  const { task, seed, ...rest } = metadata;
  const record: LrdkitMetadataRecord = { ...rest, version: LRDKIT_FORMAT_VERSION, layers: metas, ...(task !== undefined ? { task } : {}), ...(seed !== undefined ? { seed } : {}) };
  const modelJson = {
    format: 'layers-model',
    generatedBy: 'lrdkit',
    convertedBy: null,
    userDefinedMetadata: { lrdkit: record },
    modelTopology: {
      class_name: 'Sequential',
      config: { name: 'lrdkit', layers: metas.map((m, i) => kerasLayerConfig(m, i === 0)) },
      keras_version: `lrdkit ${LRDKIT_FORMAT_VERSION}`,
      backend: 'lrdkit',
    },
    weightsManifest: [{ paths: [LRDKIT_SHARD], weights: tensors.map((t) => ({ name: t.name, shape: t.shape, dtype: 'float32' })) }],
  };
  let jsonText: string;
  try {
    jsonText = JSON.stringify(modelJson);
  } catch (e) {
    throw new CheckpointError(dir, 'metadata', `expected JSON-serializable metadata, found a value JSON cannot hold (${(e as Error).message})`);
  }
  mkdirSync(dir, { recursive: true });
  const shardPath = join(dir, LRDKIT_SHARD);
  const jsonPath = join(dir, 'model.json');
  try {
    // The one atomic writer: unpredictable, exclusively created temporary names.
    writeAtomic(shardPath, shard);
    writeAtomic(jsonPath, jsonText);
  } catch (e) {
    throw new CheckpointError(dir, 'write', `expected to write model.json and ${LRDKIT_SHARD}, found an error (${(e as Error).message})`);
  }
  return { modelJson: jsonPath, shard: shardPath, bytes: shard.length, exact };
}

/**
 * The readout V (g x ha, row-major) and bias e of a context-switching cell. The cell has no
 * public accessor for them (softmax(V a + e) does not determine e), so its stored fields are
 * read; a change of their names in src/cells/contextSwitching.ts is caught here and by the
 * round-trip tests.
 */
function readoutOf(cell: ContextSwitchingCell): { weight: Float64Array; bias: Float64Array } {
  const fields = cell as unknown as { readoutWeight?: Float64Array; readoutBias?: Float64Array };
  if (!(fields.readoutWeight instanceof Float64Array) || !(fields.readoutBias instanceof Float64Array)) {
    throw new CheckpointError('(writer)', 'ContextSwitchingCell', 'expected the readout weights of the cell, found none');
  }
  return { weight: fields.readoutWeight, bias: fields.readoutBias };
}

// ------------------------------------------------------------------------------------------
// Reading

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function tensor(art: TfjsArtifacts, name: string): RawTensor {
  const w = art.weights.get(name);
  if (!w) throw new CheckpointError(art.file, `tensor ${name}`, 'expected this weight (named in the lrdkit metadata) in the weights manifest, found none');
  if (!w.data) throw new CheckpointError(art.file, `tensor ${name}`, `expected float32 weights, found ${w.unreadable ?? 'no data'}`);
  return { shape: w.shape, data: w.data };
}

function checkBlockMeta(v: unknown, file: string, where: string): LrdkitBlockMeta {
  const ok =
    isObject(v) &&
    typeof v.prefix === 'string' &&
    (v.kind === 'gru' || v.kind === 'lstm') &&
    Number.isInteger(v.inputSize) &&
    (v.inputSize as number) >= 0 &&
    Number.isInteger(v.hiddenSize) &&
    (v.hiddenSize as number) >= 1 &&
    (v.kind === 'lstm' ? v.resetAfter === null || v.resetAfter === undefined : typeof v.resetAfter === 'boolean') &&
    (v.biasVectors === 1 || v.biasVectors === 2) &&
    typeof v.recurrentBias === 'boolean';
  if (!ok) throw new CheckpointError(file, where, `expected {prefix, kind, inputSize, hiddenSize, resetAfter, biasVectors, recurrentBias}, found ${JSON.stringify(v)?.slice(0, 120)}`);
  return v as unknown as LrdkitBlockMeta;
}

/** Rebuilds a dense cell from its Keras-layout tensors and metadata; returns the tensor names read. */
function denseFrom(art: TfjsArtifacts, m: LrdkitBlockMeta, names: string[]): DenseCell {
  const file = art.file;
  const G = m.kind === 'gru' ? 3 : 4, d = m.inputSize, h = m.hiddenSize;
  const read = (suffix: string): RawTensor => {
    names.push(`${m.prefix}/${suffix}`);
    return tensor(art, `${m.prefix}/${suffix}`);
  };
  const kernel = matrixOf(read('kernel'), file, `${m.prefix}/kernel`, d, G * h);
  const recurrentKernel = matrixOf(read('recurrent_kernel'), file, `${m.prefix}/recurrent_kernel`, h, G * h);
  const resetAfter = m.kind === 'gru' && m.resetAfter === true;
  const bias = resetAfter ? matrixOf(read('bias'), file, `${m.prefix}/bias`, 2, G * h) : vectorOf(read('bias'), file, `${m.prefix}/bias`, G * h);
  const recurrentBias = m.recurrentBias ? vectorOf(read('recurrent_bias'), file, `${m.prefix}/recurrent_bias`, G * h) : undefined;
  try {
    const base = m.kind === 'gru' ? gruFromKeras({ kernel, recurrentKernel, bias }, { resetAfter }) : lstmFromKeras({ kernel, recurrentKernel, bias });
    const order = m.kind === 'gru' ? KERAS_GRU_GATE_ORDER : KERAS_LSTM_GATE_ORDER;
    const w = base.weights as unknown as Record<string, GateWeights>;
    const gates: Record<string, GateWeights> = {};
    order.forEach((g, k) => {
      const gw = w[g] as GateWeights;
      gates[g] = recurrentBias ? { ...gw, recurrentBias: Float64Array.from(recurrentBias.slice(k * h, (k + 1) * h)) } : gw;
    });
    if (m.kind === 'gru') return new GruCell({ inputSize: d, hiddenSize: h, resetAfter, biasVectors: m.biasVectors, z: gates.z as GateWeights, r: gates.r as GateWeights, n: gates.n as GateWeights });
    return new LstmCell({ inputSize: d, hiddenSize: h, biasVectors: m.biasVectors, i: gates.i as GateWeights, f: gates.f as GateWeights, g: gates.g as GateWeights, o: gates.o as GateWeights });
  } catch (e) {
    if (e instanceof CheckpointError) throw e;
    throw new CheckpointError(file, `tensors ${m.prefix}/*`, (e as Error).message);
  }
}

/** Rebuilds the checkpoint from parsed artifacts carrying lrdkit metadata. */
export function lrdkitFromArtifacts(art: TfjsArtifacts, record: unknown): LrdkitCheckpoint {
  const file = art.file;
  const where = 'model.json userDefinedMetadata.lrdkit';
  if (!isObject(record)) throw new CheckpointError(file, where, `expected an object, found ${JSON.stringify(record)?.slice(0, 60)}`);
  if (record.version !== LRDKIT_FORMAT_VERSION) throw new CheckpointError(file, `${where}.version`, `expected ${LRDKIT_FORMAT_VERSION}, found ${JSON.stringify(record.version)}`);
  if (!Array.isArray(record.layers) || record.layers.length === 0) throw new CheckpointError(file, `${where}.layers`, 'expected a non-empty list of layers, found none');
  const layers: Cell[] = [];
  const layerInfo: LayerInfo[] = [];
  (record.layers as unknown[]).forEach((raw, li) => {
    const lw = `${where}.layers[${li}]`;
    if (!isObject(raw) || typeof raw.name !== 'string' || !['dense', 'factorized', 'context-switching'].includes(raw.variant as string) || !Array.isArray(raw.blocks) || raw.blocks.length === 0) {
      throw new CheckpointError(file, lw, `expected {name, variant: 'dense' | 'factorized' | 'context-switching', blocks: [...]}, found ${JSON.stringify(raw)?.slice(0, 120)}`);
    }
    const blocksMeta = (raw.blocks as unknown[]).map((b, bi) => checkBlockMeta(b, file, `${lw}.blocks[${bi}]`));
    const names: string[] = [];
    const blocks = blocksMeta.map((b) => denseFrom(art, b, names));
    let cell: Cell;
    try {
      if (raw.variant === 'dense') {
        if (blocks.length !== 1) throw new CheckpointError(file, lw, `expected one block for a dense layer, found ${blocks.length}`);
        cell = blocks[0] as DenseCell;
      } else {
        const experts = new FactorizedCell(blocks);
        if (raw.variant === 'factorized') cell = experts;
        else {
          const auxiliary = denseFrom(art, checkBlockMeta(raw.auxiliary, file, `${lw}.auxiliary`), names);
          const prefix = isObject(raw.readout) && typeof raw.readout.prefix === 'string' ? raw.readout.prefix : `${raw.name}/readout`;
          const g = experts.groups, ha = auxiliary.hiddenSize;
          names.push(`${prefix}/kernel`, `${prefix}/bias`);
          const k = matrixOf(tensor(art, `${prefix}/kernel`), file, `${prefix}/kernel`, ha, g);
          const weight = Array.from({ length: g }, (_, b) => k.map((row) => row[b] as number));
          const bias = vectorOf(tensor(art, `${prefix}/bias`), file, `${prefix}/bias`, g);
          cell = new ContextSwitchingCell({ experts, auxiliary, readout: { weight, bias }, maskInput: raw.maskInput !== false, maskOutput: raw.maskOutput === true });
        }
      }
    } catch (e) {
      if (e instanceof CheckpointError) throw e;
      throw new CheckpointError(file, `layer ${raw.name}`, (e as Error).message);
    }
    layers.push(cell);
    layerInfo.push({
      name: raw.name,
      depth: Number.isInteger(raw.depth) ? (raw.depth as number) : li,
      direction: raw.direction === 'backward' ? 'backward' : 'forward',
      layout: 'lrdkit',
      tensors: names,
      detectedGroups: cell.groups,
    });
  });
  const { version: _v, layers: _l, ...metadata } = record;
  void _v;
  void _l;
  return { path: file, format: 'lrdkit', layers, layerInfo, metadata };
}

/**
 * Reads an lrdkit checkpoint (directory or model.json). Without lrdkit metadata the model is
 * read as a plain TF.js layers model ({@link readTfjsLayers}, format 'tfjs-layers').
 *
 * @throws CheckpointError naming the file, the part, and what was expected and found
 */
export async function readLrdkitCheckpoint(path: string): Promise<LrdkitCheckpoint | KerasCheckpoint> {
  const art = readTfjsArtifacts(path);
  const udm = art.modelJson.userDefinedMetadata;
  if (isObject(udm) && udm.lrdkit !== undefined) return lrdkitFromArtifacts(art, udm.lrdkit);
  return tfjsCheckpoint(art);
}
