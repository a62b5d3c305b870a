/**
 * TF.js layers models (`model.json` + binary weight shards) to lrdkit cells.
 *
 * model.json (tfjs-core io, ModelJSON):
 *
 *     { format: 'layers-model', generatedBy, convertedBy,
 *       modelTopology: {class_name, config, keras_version, backend}      (tfjs-layers save)
 *                    | {model_config: {...}, keras_version, backend},    (tensorflowjs converter)
 *       weightsManifest: [{ paths: ['group1-shard1of2.bin', ...],
 *                           weights: [{name, shape, dtype, quantization?}, ...] }, ...],
 *       userDefinedMetadata? }
 *
 * Each manifest group's shard files are concatenated in the order listed; its weights follow
 * each other in that byte stream, each taking (product of shape) x (bytes per element), and
 * the stream must be exactly as long as the weights need (a truncated or padded shard is a
 * CheckpointError). Recurrent weights must be float32; quantized weights (uint8 / uint16 /
 * float16 with scale and min) and other dtypes are refused when a recurrent layer needs them
 * and skipped otherwise.
 *
 * Weight names are matched to the config's layers by their first part, the layer name (a
 * leading model name, as Keras 3 variable paths have, is allowed): the converter writes Keras
 * 2 names without `:0` (`gru/gru_cell/kernel`, `bidirectional/forward_gru/gru_cell_1/bias`),
 * tfjs-layers writes `gru/kernel`; both work (./internal/kerasWeights.ts). Weights converted
 * from a Keras 3 `.keras` file are named by their path in model.weights.h5
 * (`layers/gru/cell/vars/0`) and read with the Keras 3 layout. A GRU with reset_after=True,
 * which tfjs-layers itself cannot load, is read like any other.
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { CheckpointError } from './errors.js';
import { parseCheckedJson } from './internal/checkedJson.js';
import { checkPath, readRegularFile } from './internal/fileAccess.js';
import { type RecurrentLayerPlan, planKerasModel } from './internal/kerasConfig.js';
import { type CellTensors, type KerasCheckpoint, assignNamedWeights, buildKerasCheckpoint, splitWeightName, v3CellTensors } from './internal/kerasWeights.js';
import type { RawTensor } from './internal/layers.js';
import type { CheckpointFormat } from './types.js';

export type { KerasCheckpoint } from './internal/kerasWeights.js';

/** One weight of a TF.js manifest. */
export interface TfjsWeight {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: string;
  /** Manifest group index. */
  readonly group: number;
  /** Byte offset in the group's concatenated shards. */
  readonly offset: number;
  readonly byteLength: number;
  /** The values, for float32 weights that are not quantized. */
  readonly data?: Float32Array;
  /** Why there are no values (quantized, other dtype). */
  readonly unreadable?: string;
}

/** A parsed TF.js layers model: model.json and its weights. */
export interface TfjsArtifacts {
  /** model.json's path (or a label), for messages. */
  readonly file: string;
  /** The parsed model.json. */
  readonly modelJson: Readonly<Record<string, unknown>>;
  /** Weights by name, in manifest order. */
  readonly weights: ReadonlyMap<string, TfjsWeight>;
}

// Maps, not object literals: dtype names come from the file ('constructor', ...).
const DTYPE_BYTES: ReadonlyMap<string, number> = new Map([
  ['float32', 4],
  ['int32', 4],
  ['bool', 1],
  ['float16', 2],
  ['complex64', 8],
]);
const QUANT_BYTES: ReadonlyMap<string, number> = new Map([
  ['uint8', 1],
  ['uint16', 2],
  ['float16', 2],
]);
const MAX_ELEMENTS = 2 ** 31;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Parses model.json and slices the weights out of the shards.
 *
 * @param modelJsonBytes - model.json's bytes or text
 * @param readShard - reads a shard given its path as listed in the manifest (relative to model.json's directory)
 * @param file - model.json's path, for messages
 * @param shardSize - a shard's size without reading it (when given, the group's shard sizes are
 *   checked against the manifest before any shard is read)
 */
export function parseTfjsArtifacts(modelJsonBytes: Uint8Array | string, readShard: (path: string) => Uint8Array, file: string, shardSize?: (path: string) => number): TfjsArtifacts {
  const text = typeof modelJsonBytes === 'string' ? modelJsonBytes : new TextDecoder('utf-8').decode(modelJsonBytes);
  const modelJson = parseCheckedJson(text, file, 'model.json');
  if (!isObject(modelJson)) throw new CheckpointError(file, 'model.json', `expected a JSON object, found ${Array.isArray(modelJson) ? 'an array' : typeof modelJson}`);
  if (modelJson.format !== undefined && modelJson.format !== null && modelJson.format !== 'layers-model') {
    throw new CheckpointError(
      file,
      'model.json format',
      `expected 'layers-model', found ${JSON.stringify(modelJson.format)}${modelJson.format === 'graph-model' ? ' (graph models do not record layers: convert with --output_format=tfjs_layers_model)' : ''}`,
    );
  }
  const manifest = modelJson.weightsManifest;
  if (!Array.isArray(manifest)) throw new CheckpointError(file, 'model.json weightsManifest', `expected a list of weight groups, found ${manifest === undefined ? 'none' : typeof manifest}`);
  const weights = new Map<string, TfjsWeight>();
  manifest.forEach((group, gi) => {
    const where = `model.json weightsManifest[${gi}]`;
    if (!isObject(group) || !Array.isArray(group.paths) || !Array.isArray(group.weights)) {
      throw new CheckpointError(file, where, 'expected {paths: [...], weights: [...]}, found something else');
    }
    const paths = group.paths as unknown[];
    if (!paths.every((p): p is string => typeof p === 'string' && p.length > 0)) throw new CheckpointError(file, `${where}.paths`, 'expected shard file names (strings), found another value');
    // Sizes first: the stream must hold exactly the listed weights.
    let offset = 0;
    const pending: Omit<TfjsWeight, 'data'>[] = [];
    (group.weights as unknown[]).forEach((w, wi) => {
      const wwhere = `${where}.weights[${wi}]`;
      if (!isObject(w) || typeof w.name !== 'string' || !Array.isArray(w.shape)) throw new CheckpointError(file, wwhere, 'expected {name, shape, dtype}, found something else');
      const name = w.name;
      const shape = w.shape as unknown[];
      if (!shape.every((d): d is number => typeof d === 'number' && Number.isInteger(d) && d >= 0)) {
        throw new CheckpointError(file, `tensor ${name}`, `expected a shape of non-negative integers, found ${JSON.stringify(shape).slice(0, 80)}`);
      }
      const count = shape.reduce((a, b) => a * b, 1);
      if (count > MAX_ELEMENTS) throw new CheckpointError(file, `tensor ${name}`, `expected at most ${MAX_ELEMENTS} elements, found shape [${shape.join(', ')}]`);
      if (typeof w.dtype !== 'string') throw new CheckpointError(file, `tensor ${name}`, `expected a dtype string (float32, int32, bool, float16, complex64), found ${w.dtype === undefined ? 'none' : JSON.stringify(w.dtype)?.slice(0, 40) ?? typeof w.dtype}`);
      const dtype = w.dtype;
      let bytes: number | undefined = DTYPE_BYTES.get(dtype);
      let unreadable: string | undefined;
      if (w.quantization !== undefined && w.quantization !== null) {
        const q = w.quantization;
        const qd = isObject(q) && typeof q.dtype === 'string' ? q.dtype : undefined;
        bytes = qd === undefined ? undefined : QUANT_BYTES.get(qd);
        if (bytes === undefined) throw new CheckpointError(file, `tensor ${name}`, `expected quantization dtype uint8, uint16 or float16, found ${JSON.stringify(isObject(q) ? q.dtype : q)}`);
        unreadable = `quantized to ${qd} (lrdkit reads float32 weights only: convert without --quantize_*)`;
      } else if (bytes === undefined) {
        throw new CheckpointError(file, `tensor ${name}`, `expected dtype float32 (or int32, bool, float16, complex64 for other layers), found ${JSON.stringify(w.dtype)}`);
      } else if (dtype !== 'float32') unreadable = `dtype ${dtype} (lrdkit reads float32 weights only)`;
      if (weights.has(name) || pending.some((p) => p.name === name)) throw new CheckpointError(file, `tensor ${name}`, 'expected unique weight names, found this name twice');
      pending.push({ name, shape, dtype, group: gi, offset, byteLength: count * bytes, ...(unreadable ? { unreadable } : {}) });
      offset += count * bytes;
    });
    const mismatch = (total: number): CheckpointError =>
      new CheckpointError(
        file,
        `weight shards ${paths.join(', ')}`,
        `expected ${offset} bytes (the sum of the group's ${pending.length} weights), found ${total}${total < offset ? ' (truncated or missing data)' : ' (extra data: the manifest does not describe the shards)'}`,
      );
    if (shardSize) {
      const declared = paths.reduce((s, p) => s + shardSize(p), 0);
      if (declared !== offset) throw mismatch(declared);
    }
    const shards = paths.map((p) => readShard(p));
    const total = shards.reduce((s, b) => s + b.length, 0);
    if (total !== offset) {
      throw new CheckpointError(
        file,
        `weight shards ${paths.join(', ')}`,
        `expected ${offset} bytes (the sum of the group's ${pending.length} weights), found ${total}${total < offset ? ' (truncated or missing data)' : ' (extra data: the manifest does not describe the shards)'}`,
      );
    }
    const stream = new Uint8Array(total);
    let at = 0;
    for (const s of shards) {
      stream.set(s, at);
      at += s.length;
    }
    const view = new DataView(stream.buffer);
    for (const p of pending) {
      if (p.unreadable !== undefined) {
        weights.set(p.name, p);
        continue;
      }
      const n = p.byteLength / 4;
      const data = new Float32Array(n);
      for (let i = 0; i < n; i++) data[i] = view.getFloat32(p.offset + 4 * i, true);
      weights.set(p.name, { ...p, data });
    }
  });
  return { file, modelJson, weights };
}

/** model.json's path for a directory or a model.json path; CheckpointError when absent. */
export function resolveModelJson(path: string): string {
  if (!existsSync(path)) throw new CheckpointError(path, 'path', 'expected a TF.js model directory or model.json, found nothing at this path');
  if (checkPath(path, { where: 'path', allowDirectory: true }).isDirectory) {
    const p = join(path, 'model.json');
    if (!existsSync(p)) throw new CheckpointError(path, 'directory', 'expected a TF.js layers model (model.json and weight shards) in this directory, found no model.json');
    return p;
  }
  return path;
}

/**
 * Reads model.json and its shards from disk. Shards must be regular files inside model.json's
 * directory (a symbolic link leaving it is refused, ./internal/fileAccess.ts), and their sizes
 * (stat) must add up to what the manifest declares before any of them is read.
 */
export function readTfjsArtifacts(path: string): TfjsArtifacts {
  const modelJson = resolveModelJson(path);
  const dir = dirname(modelJson);
  const bytes = readRegularFile(modelJson, { where: 'model.json' });
  const locate = (shard: string): string => {
    const full = resolve(dir, shard);
    const rel = relative(dir, full);
    if (isAbsolute(shard) || rel.startsWith('..') || isAbsolute(rel)) {
      throw new CheckpointError(modelJson, `weight shard ${shard}`, "expected a shard path inside model.json's directory, found one outside it");
    }
    if (!existsSync(full)) throw new CheckpointError(modelJson, `weight shard ${shard}`, `expected the shard file ${full}, found no such file`);
    return full;
  };
  const access = (shard: string) => ({ file: modelJson, where: `weight shard ${shard}`, root: dir });
  return parseTfjsArtifacts(
    bytes,
    (shard) => readRegularFile(locate(shard), access(shard)),
    modelJson,
    (shard) => checkPath(locate(shard), access(shard)).size,
  );
}

/** The tensor of a manifest weight, or a CheckpointError when it has no float32 values. */
function tensorOf(w: TfjsWeight, file: string): RawTensor {
  if (!w.data) throw new CheckpointError(file, `tensor ${w.name}`, `expected float32 weights, found ${w.unreadable ?? 'no data'}`);
  return { shape: w.shape, data: w.data };
}

/** Builds the checkpoint of a TF.js layers model from its parsed artifacts. */
export function tfjsCheckpoint(art: TfjsArtifacts, format: CheckpointFormat = 'tfjs-layers'): KerasCheckpoint {
  const { file, modelJson, weights } = art;
  const topology = modelJson.modelTopology;
  if (topology === undefined || topology === null) {
    throw new CheckpointError(file, 'model.json modelTopology', 'expected the model topology (layer configs), found none (a weights-only model.json does not say which layers are recurrent)');
  }
  const plan = planKerasModel(topology, file, 'model.json modelTopology');
  const topo = isObject(topology) ? topology : {};
  const kerasVersion = typeof topo.keras_version === 'string' ? topo.keras_version : null;
  const backend = typeof topo.backend === 'string' ? topo.backend : null;
  const names = [...weights.keys()];
  const meta = { path: file, format, kerasVersion, backend, where: 'model.json modelTopology' };
  if (names.some((n) => /^(layers|_layer_checkpoint_dependencies)\/.*\/vars\/\d+$/.test(n))) {
    const lookup = (p: string): RawTensor | undefined => {
      const w = weights.get(p.replace(/^\/+/, ''));
      return w ? tensorOf(w, file) : undefined;
    };
    const listVars = (prefix: string): string[] => {
      const out = new Set<string>();
      for (const n of names) if (n.startsWith(`${prefix}/`) && /\/vars\/\d+$/.test(n)) out.add(n.replace(/\/\d+$/, ''));
      return [...out];
    };
    return buildKerasCheckpoint(plan, (layer, i) => v3CellTensors(layer, i, lookup, listVars, file, 'model.json weightsManifest'), meta);
  }
  const layerNames = new Set([...plan.recurrent.map((l) => l.name), ...plan.skipped.map((s) => s.name)]);
  const owned = new Map<string, string[]>();
  for (const n of names) {
    const { tokens } = splitWeightName(n);
    let owner: string | undefined;
    if (tokens.length > 1 && layerNames.has(tokens[0] as string)) owner = tokens[0];
    else if (tokens.length > 2 && layerNames.has(tokens[1] as string)) owner = tokens[1];
    if (owner === undefined) continue;
    let list = owned.get(owner);
    if (!list) owned.set(owner, (list = []));
    list.push(n);
  }
  const assigned = new Map<RecurrentLayerPlan, { list: string[]; vars: ReturnType<typeof assignNamedWeights> }>();
  const tensorsOf = (layer: RecurrentLayerPlan, i: number): CellTensors => {
    let a = assigned.get(layer);
    if (!a) {
      const list = owned.get(layer.name) ?? [];
      if (list.length === 0) {
        throw new CheckpointError(
          file,
          'model.json weightsManifest',
          `expected weights named ${layer.name}/kernel (tfjs-layers) or ${layer.name}/<cell>/kernel (converter) for layer ${layer.name}, found none (names: ${names.slice(0, 8).join(', ')}${names.length > 8 ? ', ...' : ''})`,
        );
      }
      a = { list, vars: assignNamedWeights(layer, list, file, `model.json weightsManifest (layer ${layer.name})`) };
      assigned.set(layer, a);
    }
    const { list, vars } = a;
    const cellVars = vars[i] as Map<string, number>;
    const get = (v: string): { name: string; tensor: RawTensor } | undefined => {
      const idx = cellVars.get(v);
      if (idx === undefined) return undefined;
      const w = weights.get(list[idx] as string) as TfjsWeight;
      return { name: w.name, tensor: tensorOf(w, file) };
    };
    const kernel = get('kernel'), recurrentKernel = get('recurrent_kernel'), bias = get('bias');
    return { kernel: kernel as NonNullable<typeof kernel>, recurrentKernel: recurrentKernel as NonNullable<typeof kernel>, ...(bias ? { bias } : {}) };
  };
  return buildKerasCheckpoint(plan, tensorsOf, meta);
}

/**
 * Reads the recurrent layers of a TF.js layers model.
 *
 * @param path - the model directory (holding model.json) or model.json itself
 * @throws CheckpointError naming the file, the part and what was expected and found: no
 *   model.json, unparsable JSON, missing / truncated / oversized shards, quantized or non-float32
 *   recurrent weights, no topology, unsupported layer or activation, weight name missing, wrong
 *   shape, NaN or infinite weights
 * @example
 * const ckpt = await readTfjsLayers('runs/copy-task/model');
 * ckpt.layers[0].hiddenSize;
 */
export async function readTfjsLayers(path: string): Promise<KerasCheckpoint> {
  return tfjsCheckpoint(readTfjsArtifacts(path));
}
