/**
 * Keras 2 HDF5 checkpoints (`model.save('model.h5')` in Keras 2 / tf.keras, and Keras 3's
 * legacy `.h5`) to lrdkit cells.
 *
 * Layout read (keras/src/legacy/saving/legacy_h5_format.py, tf-keras hdf5_format.py):
 *
 *     /                      attrs model_config (JSON), keras_version, backend
 *     /model_weights         attrs layer_names (chunked as layer_names0, 1, ... when long)
 *     /model_weights/<layer> attr weight_names, e.g. ['gru/gru_cell/kernel:0', ...]
 *     /model_weights/<layer>/<weight name>   one dataset per name (nested groups per '/')
 *
 * The config decides which layers are recurrent and how (see ./internal/kerasConfig.ts:
 * GRU, LSTM, RNN(GRUCell / LSTMCell / StackedRNNCells), Bidirectional; other recurrent layers
 * and non-tanh/sigmoid activations are refused). Weights are matched by name within each
 * layer's group (./internal/kerasWeights.ts) and their shapes checked against the config.
 *
 * Weights-only files (`model.save_weights('w.h5')`: the layer groups at the root, no
 * model_config) do not record layer classes or activations. They are refused unless
 * `allowWeightsOnly` is set; then a layer is read as a GRU when its recurrent_kernel is
 * (h, 3h), an LSTM when (h, 4h), reset_after from the bias shape ((2, 3h) or (3h)), and the
 * activations are assumed to be tanh / sigmoid (stated in the result's notes). A GRU without
 * bias is then ambiguous (reset_after unknown) and refused.
 *
 * HDF5 is parsed by h5wasm in a worker thread (./internal/hdf5.ts): damaged files give a
 * CheckpointError, never a crash or a hang (a time limit stops a read that does not finish).
 *
 * @module
 */
import { CheckpointError } from './errors.js';
import { parseCheckedJson } from './internal/checkedJson.js';
import { type H5File, type H5Object, groupAt, h5Tensor, joinPath, readHdf5, stringAttr, stringListAttr } from './internal/hdf5.js';
import { type CellPlan, type KerasModelPlan, type RecurrentLayerPlan, type SkippedLayer, planKerasModel } from './internal/kerasConfig.js';
import { type CellTensors, type KerasCheckpoint, assignNamedWeights, buildKerasCheckpoint, splitWeightName } from './internal/kerasWeights.js';
import type { RawTensor } from './internal/layers.js';
import { readKeras3WeightsOnly } from './kerasWeightsOnly.js';

export type { KerasCheckpoint } from './internal/kerasWeights.js';

/** Options of {@link readKerasH5}. */
export interface ReadKerasH5Options {
  /** Read a weights-only file by inferring GRU / LSTM from the shapes (default false: refused). */
  allowWeightsOnly?: boolean;
  /** Milliseconds before an HDF5 read that does not finish is stopped (default 30 s + 1 s per 10 MB). */
  timeoutMs?: number;
}

function parseModelConfig(text: string | undefined, file: string): unknown {
  if (text === undefined) return undefined;
  return parseCheckedJson(text, file, 'model_config');
}

/**
 * Reads the recurrent layers of a Keras HDF5 file held in memory.
 *
 * @param bytes - the file's bytes
 * @param file - its path, for messages
 * @throws CheckpointError naming the file, the part and what was expected and found: not
 *   HDF5 or damaged, no model_config (weights-only, unless allowed), unsupported layer or
 *   activation, missing or extra weights, wrong shapes, NaN or infinite weights
 * @example
 * const ckpt = await readKerasH5(readFileSync('model.h5'), 'model.h5');
 * ckpt.layerInfo.map((l) => l.name); // ['gru', 'gru_1']
 */
export async function readKerasH5(bytes: Uint8Array, file: string, options: ReadKerasH5Options = {}): Promise<KerasCheckpoint> {
  const h5 = await readHdf5(bytes, file, { skipTopLevel: ['optimizer_weights'], ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}) });
  const root = groupAt(h5, '/');
  if (!root) throw new CheckpointError(file, 'HDF5', 'expected a root group, found none');
  const configText = stringAttr(root.attrs, 'model_config');
  const kerasVersion = stringAttr(root.attrs, 'keras_version') ?? null;
  const backend = stringAttr(root.attrs, 'backend') ?? null;
  const config = parseModelConfig(configText, file);
  if (config === undefined) {
    if (stringListAttr(root.attrs, 'layer_names', file, 'HDF5 root') !== undefined) return readWeightsOnly(h5, file, options.allowWeightsOnly === true);
    if (groupAt(h5, '/layers') || groupAt(h5, '/_layer_checkpoint_dependencies')) {
      if (options.allowWeightsOnly === true && groupAt(h5, '/layers')) return readKeras3WeightsOnly(h5, file);
      throw new CheckpointError(file, 'HDF5 root', 'expected a full Keras model (attribute model_config), found a Keras 3 weights-only file (.weights.h5: variables under layers/<class>/vars, no layer configs); read the .keras model file instead');
    }
    throw new CheckpointError(file, 'HDF5 root', `expected a Keras model file (root attribute model_config and group model_weights), found neither (root children: ${root.children.slice(0, 8).join(', ') || 'none'})`);
  }
  const plan = planKerasModel(config, file, 'model_config');
  const weightsRoot = groupAt(h5, '/model_weights');
  if (!weightsRoot) throw new CheckpointError(file, 'model_weights', `expected the group model_weights (the model's weights), found none (root children: ${root.children.join(', ') || 'none'})`);
  return buildFromNamedGroups(h5, plan, '/model_weights', file, { kerasVersion, backend, notes: [] });
}

function layerGroupNames(h5: H5File, layerPath: string, layer: string, file: string): string[] {
  const g = groupAt(h5, layerPath);
  if (!g) {
    const parent = groupAt(h5, layerPath.slice(0, layerPath.lastIndexOf('/')) || '/');
    throw new CheckpointError(file, layerPath.slice(1), `expected the weights group of layer ${layer}, found none (groups: ${parent?.children.slice(0, 12).join(', ') ?? 'none'})`);
  }
  const names = stringListAttr(g.attrs, 'weight_names', file, `${layerPath.slice(1)} attribute weight_names`);
  if (names === undefined) throw new CheckpointError(file, layerPath.slice(1), `expected the attribute weight_names on the weights group of layer ${layer}, found none`);
  return names;
}

function buildFromNamedGroups(h5: H5File, plan: KerasModelPlan, base: string, file: string, meta: { kerasVersion: string | null; backend: string | null; notes: string[] }): KerasCheckpoint {
  const assigned = new Map<RecurrentLayerPlan, { names: string[]; vars: ReturnType<typeof assignNamedWeights> }>();
  const tensorsOf = (layer: RecurrentLayerPlan, i: number): CellTensors => {
    let a = assigned.get(layer);
    if (!a) {
      const layerPath = joinPath(base, layer.name);
      const names = layerGroupNames(h5, layerPath, layer.name, file);
      a = { names, vars: assignNamedWeights(layer, names, file, `${layerPath.slice(1)}`) };
      assigned.set(layer, a);
    }
    const vars = a.vars[i] as Map<string, number>;
    const layerPath = joinPath(base, layer.name);
    const get = (v: string): { name: string; tensor: RawTensor } | undefined => {
      const idx = vars.get(v);
      if (idx === undefined) return undefined;
      const wname = (a as { names: string[] }).names[idx] as string;
      const path = joinPath(layerPath, wname);
      return { name: path.slice(1), tensor: h5Tensor(h5, path, file, path.slice(1)) };
    };
    const kernel = get('kernel'), recurrentKernel = get('recurrent_kernel'), bias = get('bias');
    return { kernel: kernel as NonNullable<typeof kernel>, recurrentKernel: recurrentKernel as NonNullable<typeof kernel>, ...(bias ? { bias } : {}) };
  };
  return buildKerasCheckpoint(plan, tensorsOf, { path: file, format: 'keras-h5', kerasVersion: meta.kerasVersion, backend: meta.backend, notes: meta.notes, where: 'model_config' });
}

/** Weights-only Keras 2 file: refused, or read by shapes when allowed. */
function readWeightsOnly(h5: H5File, file: string, allow: boolean): KerasCheckpoint {
  const root = groupAt(h5, '/') as Extract<H5Object, { type: 'group' }>;
  if (!allow) {
    throw new CheckpointError(
      file,
      'HDF5 root',
      "expected a full Keras model (root attribute model_config), found a weights-only file (model.save_weights): it records neither the layer classes nor the activations; save the whole model with model.save('model.h5' or 'model.keras'), or pass allowWeightsOnly to infer GRU / LSTM from the shapes assuming tanh / sigmoid",
    );
  }
  const layerNames = stringListAttr(root.attrs, 'layer_names', file, 'HDF5 root attribute layer_names') ?? [];
  const recurrent: RecurrentLayerPlan[] = [];
  const skipped: SkippedLayer[] = [];
  const tensors = new Map<CellPlan, CellTensors>();
  let depth = 0;
  for (const layer of layerNames) {
    const layerPath = joinPath('/', layer);
    const names = layerGroupNames(h5, layerPath, layer, file);
    const groups = new Map<string, Map<string, string>>();
    for (const n of names) {
      const { cellKey, variable } = splitWeightName(n);
      let g = groups.get(cellKey);
      if (!g) groups.set(cellKey, (g = new Map()));
      g.set(variable, n);
    }
    const cells: CellPlan[] = [];
    let levels = 0;
    const dirCount = { forward: 0, backward: 0 };
    for (const [key, vars] of groups) {
      const rk = vars.get('recurrent_kernel');
      if (rk === undefined) continue;
      const rkPath = joinPath(layerPath, rk);
      const rkT = h5Tensor(h5, rkPath, file, rkPath.slice(1));
      const [rows, cols] = rkT.shape as [number, number];
      if (rkT.shape.length !== 2 || rows < 1 || (cols !== 3 * rows && cols !== 4 * rows)) {
        throw new CheckpointError(file, `tensor ${rkPath.slice(1)}`, `expected a GRU (h, 3h) or LSTM (h, 4h) recurrent kernel, found shape [${rkT.shape.join(', ')}] (cannot tell the layer kind without the model config)`);
      }
      const kind = cols === 3 * rows ? 'gru' : 'lstm';
      const tokens = key.split('/');
      const role = tokens.some((t) => t.startsWith('forward')) ? 'forward' : tokens.some((t) => t.startsWith('backward')) ? 'backward' : null;
      const k = role === null ? levels++ : dirCount[role]++;
      const plan: CellPlan = {
        name: key || layer,
        ownName: tokens[tokens.length - 1] ?? layer,
        kind,
        units: rows,
        resetAfter: kind === 'gru' ? null : false,
        useBias: vars.has('bias'),
        direction: role ?? 'forward',
        depth: depth + k,
        v3Path: '',
        role,
      };
      const get = (v: string): { name: string; tensor: RawTensor } | undefined => {
        const n = vars.get(v);
        if (n === undefined) return undefined;
        const p = joinPath(layerPath, n);
        return { name: p.slice(1), tensor: h5Tensor(h5, p, file, p.slice(1)) };
      };
      const kernel = get('kernel');
      if (!kernel) throw new CheckpointError(file, layerPath.slice(1), `expected a kernel next to ${rk}, found none`);
      const bias = get('bias');
      tensors.set(plan, { kernel, recurrentKernel: { name: rkPath.slice(1), tensor: rkT }, ...(bias ? { bias } : {}) });
      cells.push(plan);
    }
    if (cells.length === 0) {
      skipped.push({ name: layer, className: names.length === 0 ? 'no weights' : 'non-recurrent (weights only)' });
      continue;
    }
    // Report names like the config-based readers: the layer, or layer/<direction or cell layer>.
    const named = cells.map((c) => {
      const tokens = c.name.split('/');
      const part = c.role !== null ? tokens.find((t) => t.startsWith(c.role as string)) : c.ownName;
      const name = cells.length === 1 && c.role === null ? layer : `${layer}/${part ?? c.ownName}`;
      const renamed: CellPlan = { ...c, name };
      tensors.set(renamed, tensors.get(c) as CellTensors);
      return renamed;
    });
    recurrent.push({ name: layer, className: 'inferred from shapes', v3Name: layer, cells: named });
    depth += Math.max(levels, dirCount.forward, dirCount.backward);
  }
  const plan: KerasModelPlan = { modelClass: 'weights-only', modelName: null, recurrent, skipped };
  const notes = ['weights-only file: layer kinds inferred from the recurrent kernel shapes, reset_after from the bias shapes; activations assumed tanh / sigmoid (not recorded in the file)'];
  return buildKerasCheckpoint(plan, (layer, i) => tensors.get(layer.cells[i] as CellPlan) as CellTensors, {
    path: file,
    format: 'keras-h5',
    kerasVersion: stringAttr(root.attrs, 'keras_version') ?? null,
    backend: stringAttr(root.attrs, 'backend') ?? null,
    notes,
    where: 'HDF5 root',
  });
}
