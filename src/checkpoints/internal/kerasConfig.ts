/**
 * Keras model configs -> which layers are recurrent, what their cells are, and where their
 * weights live. Shared by the Keras 2 HDF5, Keras 3 `.keras` and TF.js layers readers.
 *
 * Accepted model configs: `{class_name: 'Sequential' | 'Functional' | 'Model', config: {layers:
 * [...]}}` as written by Keras 2 (tf.keras, with or without the 2.13+ `module` /
 * `registered_name` keys), Keras 3 and tfjs-layers; Keras <= 2.2's Sequential whose `config` is
 * the layer list; and the TF.js converter's wrapper `{model_config: {...}, keras_version,
 * backend}`. Class names are the Python class names (`GRU`, `keras.layers.GRU` and the TF 1.13
 * aliases `UnifiedGRU` / `UnifiedLSTM` are normalised).
 *
 * Recurrent layers lrdkit reads:
 * - `GRU` (reset_after true or false; when the config does not say, the bias shape decides),
 *   `LSTM`;
 * - `RNN` wrapping `GRUCell` / `LSTMCell`, or `StackedRNNCells` of them (one lrdkit layer per
 *   cell, at successive depths);
 * - `Bidirectional` around any of these: two lrdkit layers per cell, directions 'forward' and
 *   'backward', at the same depth (`layer` is the forward layer; `backward_layer`, absent in
 *   Keras 2 configs unless given explicitly, defaults to a copy with go_backwards=True named
 *   `backward_<name>`, as Keras builds it).
 *
 * Policy (decided here, documented for users):
 * - Non-recurrent layers (InputLayer, Embedding, Dense, Dropout, ...) are skipped and listed.
 * - Any other recurrent layer (SimpleRNN, ConvLSTM1D/2D/3D, CuDNNGRU, CuDNNLSTM, RNN of another
 *   cell, a custom class whose name says GRU/LSTM/RNN, TimeDistributed or a nested model
 *   containing a recurrent layer) is a CheckpointError naming the layer and its class, even when
 *   supported layers exist: an audit that silently left out part of the recurrence would
 *   misreport the model's memory. The error comes before any weight is read.
 * - activation must be tanh and recurrent_activation sigmoid (lrdkit's cells implement exactly
 *   these); anything else is a CheckpointError. hard_sigmoid, the default of Keras < 2.3 (and
 *   of tfjs-layers), gets its own message since it is the likely case.
 *
 * @internal
 */
import type { CellKind } from '../../cells/types.js';
import { CheckpointError } from '../errors.js';
import { parseCheckedJson } from './checkedJson.js';

/** One recurrent cell of the model: one lrdkit layer. */
export interface CellPlan {
  /** Name reported in LayerInfo: `gru`, `bidirectional/forward_gru`, `rnn/gru_cell_1`. */
  readonly name: string;
  /** Name of the cell's own Keras layer (the direction layer or cell inside a wrapper). */
  readonly ownName: string;
  readonly kind: CellKind;
  readonly units: number;
  /** reset_after as configured (GRU), or null when the config does not say (LSTM: false). */
  readonly resetAfter: boolean | null;
  readonly useBias: boolean;
  readonly direction: 'forward' | 'backward';
  /** Position in the stack of recurrent levels (0 = first recurrent level). */
  readonly depth: number;
  /** Keras 3 weights path below the layer's group: `cell`, `forward_layer/cell`, `cell/cells/gru_cell_1`. */
  readonly v3Path: string;
  /** 'forward' / 'backward' for the directions of a Bidirectional, otherwise null. */
  readonly role: 'forward' | 'backward' | null;
}

/** One recurrent Keras layer (a GRU, an LSTM, an RNN or a Bidirectional). */
export interface RecurrentLayerPlan {
  /** The Keras layer name (`gru_1`, `bidirectional`). */
  readonly name: string;
  readonly className: string;
  /** Its group in Keras 3 (and tf.keras 2.13-2.15 `.keras`) weight files: snake_case class name with a per-class counter. */
  readonly v3Name: string;
  readonly cells: readonly CellPlan[];
}

/** A layer the readers skip. */
export interface SkippedLayer {
  readonly name: string;
  readonly className: string;
}

/** What a model config says about the recurrent layers. */
export interface KerasModelPlan {
  readonly modelClass: string;
  readonly modelName: string | null;
  readonly recurrent: readonly RecurrentLayerPlan[];
  readonly skipped: readonly SkippedLayer[];
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// Maps, not object literals: class names come from the file ('constructor', 'valueOf', ...).
const CLASS_ALIASES: ReadonlyMap<string, string> = new Map([
  ['UnifiedGRU', 'GRU'],
  ['UnifiedLSTM', 'LSTM'],
]);
const RECURRENT_LAYERS: ReadonlyMap<string, CellKind> = new Map([
  ['GRU', 'gru'],
  ['LSTM', 'lstm'],
]);
const RECURRENT_CELLS: ReadonlyMap<string, CellKind> = new Map([
  ['GRUCell', 'gru'],
  ['LSTMCell', 'lstm'],
]);
const MODEL_CLASSES = new Set(['Sequential', 'Functional', 'Model']);
/** Class names that look recurrent (checked after the supported ones). */
const RECURRENT_LOOKING = /(RNN|GRU|LSTM|Recurrent)/i;

/** keras.src.utils.naming.to_snake_case (the Keras 3 container names). */
export function toSnakeCase(name: string): string {
  let s = name.replace(/\W+/g, '');
  s = s.replace(/(.)([A-Z][a-z]+)/g, '$1_$2');
  s = s.replace(/([a-z])([A-Z])/g, '$1_$2');
  return s.toLowerCase();
}

/** The class name of a serialized object, without module path, aliases resolved. */
export function classNameOf(entry: unknown): string {
  if (!isObject(entry)) return '';
  const raw = typeof entry.class_name === 'string' ? entry.class_name : '';
  const short = raw.includes('.') ? (raw.split('.').pop() as string) : raw;
  return CLASS_ALIASES.get(short) ?? short;
}

/** Whether a serialized object is a user-registered class (registered_name 'Package>Name' etc.). */
function isCustom(entry: JsonObject): boolean {
  const reg = entry.registered_name;
  if (typeof reg !== 'string' || reg === '' || reg === entry.class_name || reg === 'Functional' || reg === 'Sequential') return false;
  // Built-ins registered under Keras' own package ('keras>GRU') are not custom.
  return !/^keras[.>]/.test(reg);
}

/** Whether a serialized object (or anything nested in its config) is a recurrent layer or cell. */
function containsRecurrent(v: unknown, depth = 0): boolean {
  if (depth > 64) return false;
  if (Array.isArray(v)) return v.some((x) => containsRecurrent(x, depth + 1));
  if (!isObject(v)) return false;
  const cls = classNameOf(v);
  if (cls && (RECURRENT_LAYERS.has(cls) || RECURRENT_CELLS.has(cls) || cls === 'Bidirectional' || RECURRENT_LOOKING.test(cls))) return true;
  return Object.values(v).some((x) => containsRecurrent(x, depth + 1));
}

function activationName(v: Json | undefined): string | null {
  if (v === undefined) return null;
  if (typeof v === 'string') {
    const base = v.includes('.') ? (v.split('.').pop() as string) : v;
    return base.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
  }
  if (isObject(v)) {
    if (typeof v.config === 'string') return activationName(v.config);
    if (isObject(v.config) && typeof v.config.name === 'string') return activationName(v.config.name);
    if (typeof v.registered_name === 'string') return activationName(v.registered_name);
    if (typeof v.class_name === 'string' && v.class_name !== 'function') return activationName(v.class_name);
  }
  return `${JSON.stringify(v)}`.slice(0, 60);
}

function checkActivations(cfg: JsonObject, file: string, where: string, cls: string): void {
  const act = cfg.activation === undefined ? 'tanh' : activationName(cfg.activation);
  if (act !== 'tanh') {
    throw new CheckpointError(file, where, `expected activation 'tanh' for ${cls} (lrdkit's cells implement tanh), found '${act}'`);
  }
  const rec = activationName(cfg.recurrent_activation);
  if (rec === null) {
    throw new CheckpointError(file, where, `expected recurrent_activation 'sigmoid' in the ${cls} config, found none (defaults differ: sigmoid in tf.keras and Keras 3, hard_sigmoid in Keras < 2.3 and tfjs-layers)`);
  }
  if (rec === 'hard_sigmoid') {
    throw new CheckpointError(
      file,
      where,
      `expected recurrent_activation 'sigmoid', found 'hard_sigmoid' (the default of Keras < 2.3 and of tfjs-layers): lrdkit's cells implement the logistic sigmoid only, and hard_sigmoid's gates saturate exactly at 0 and 1, which changes the memory analysis; retrain or convert with recurrent_activation='sigmoid'`,
    );
  }
  if (rec !== 'sigmoid') {
    throw new CheckpointError(file, where, `expected recurrent_activation 'sigmoid' for ${cls} (lrdkit's cells implement the logistic sigmoid), found '${rec}'`);
  }
}

interface Ctx {
  readonly file: string;
  readonly where: string;
}

interface RawCell {
  ownName: string;
  kind: CellKind;
  units: number;
  resetAfter: boolean | null;
  useBias: boolean;
  goBackwards: boolean;
  /** Path below the (sub)layer. */
  v3Path: string;
  /** Extra name part below the layer ('' for a plain GRU, the cell name inside a stacked RNN). */
  suffix: string;
}

/** The cells of a GRU / LSTM / RNN layer config (not Bidirectional). */
function cellsOfRnnLayer(entry: JsonObject, ctx: Ctx, label: string): RawCell[] {
  const cls = classNameOf(entry);
  const cfg = isObject(entry.config) ? entry.config : {};
  const name = typeof cfg.name === 'string' ? cfg.name : typeof entry.name === 'string' ? entry.name : label;
  const where = `${ctx.where}: layer ${name}`;
  const goBackwards = cfg.go_backwards === true;
  if (isCustom(entry)) {
    throw new CheckpointError(ctx.file, where, `expected a built-in Keras GRU or LSTM layer, found the custom class ${String(entry.registered_name)} (lrdkit cannot know its equations)`);
  }
  if (RECURRENT_LAYERS.has(cls)) {
    return [cellFromConfig(cfg, RECURRENT_LAYERS.get(cls) as CellKind, cls, name, ctx, where, goBackwards, 'cell', '')];
  }
  if (cls === 'RNN') {
    const cellEntry = cfg.cell;
    const cellList: Json[] | null = Array.isArray(cellEntry) ? cellEntry : isObject(cellEntry) && classNameOf(cellEntry) === 'StackedRNNCells' ? (isObject(cellEntry.config) && Array.isArray(cellEntry.config.cells) ? cellEntry.config.cells : []) : null;
    if (cellList !== null) {
      if (cellList.length === 0) throw new CheckpointError(ctx.file, where, 'expected StackedRNNCells with at least one cell, found none');
      const counters = new Map<string, number>();
      return cellList.map((c, k) => {
        const ccls = classNameOf(c);
        const snake = toSnakeCase(ccls);
        const n = counters.get(snake);
        counters.set(snake, n === undefined ? 0 : n + 1);
        const containerName = n === undefined ? snake : `${snake}_${n + 1}`;
        const raw = cellOfCellConfig(c, ctx, `${where} cell ${k}`, goBackwards, `cell/cells/${containerName}`);
        return { ...raw, suffix: raw.ownName };
      });
    }
    return [{ ...cellOfCellConfig(cellEntry, ctx, `${where} cell`, goBackwards, 'cell'), suffix: '' }];
  }
  throw new CheckpointError(ctx.file, where, `expected a GRU, LSTM or RNN(GRUCell / LSTMCell) layer, found class ${cls || 'without a class_name'} (lrdkit reads GRU and LSTM cells with tanh / sigmoid only)`);
}

function cellOfCellConfig(entry: Json | undefined, ctx: Ctx, where: string, goBackwards: boolean, v3Path: string): RawCell {
  const cls = classNameOf(entry);
  if (!isObject(entry) || !(RECURRENT_CELLS.has(cls)) || isCustom(entry)) {
    const shown = isObject(entry) && isCustom(entry) ? `the custom class ${String(entry.registered_name)}` : `class ${cls || 'without a class_name'}`;
    throw new CheckpointError(ctx.file, where, `expected an RNN cell of class GRUCell or LSTMCell, found ${shown} (unsupported recurrent cell)`);
  }
  const cfg = isObject(entry.config) ? entry.config : {};
  const ownName = typeof cfg.name === 'string' ? cfg.name : toSnakeCase(cls);
  return cellFromConfig(cfg, RECURRENT_CELLS.get(cls) as CellKind, cls, ownName, ctx, where, goBackwards, v3Path, '');
}

function cellFromConfig(cfg: JsonObject, kind: CellKind, cls: string, ownName: string, ctx: Ctx, where: string, goBackwards: boolean, v3Path: string, suffix: string): RawCell {
  const units = cfg.units;
  if (typeof units !== 'number' || !Number.isInteger(units) || units < 1) {
    throw new CheckpointError(ctx.file, where, `expected a positive integer 'units' in the ${cls} config, found ${JSON.stringify(units) ?? 'none'}`);
  }
  checkActivations(cfg, ctx.file, where, cls);
  let resetAfter: boolean | null = null;
  if (kind === 'gru') {
    if (cfg.reset_after === true || cfg.reset_after === false) resetAfter = cfg.reset_after;
    else if (cfg.reset_after !== undefined && cfg.reset_after !== null) {
      throw new CheckpointError(ctx.file, where, `expected reset_after true or false in the ${cls} config, found ${JSON.stringify(cfg.reset_after)}`);
    }
  } else resetAfter = false;
  const useBias = cfg.use_bias === undefined || cfg.use_bias === null ? true : cfg.use_bias === true;
  return { ownName, kind, units, resetAfter, useBias, goBackwards, v3Path, suffix };
}

/**
 * Reads a model config (already parsed JSON) into the plan of its recurrent layers.
 *
 * @param config - `{class_name, config}` (or the TF.js `{model_config}` wrapper, or a JSON string of either)
 * @param file - the file, for messages
 * @param where - the part of the file the config came from ('model_config', 'config.json', 'model.json modelTopology')
 * @throws CheckpointError for configs that are not Sequential / Functional models, unsupported
 *   recurrent layers and non-default activations
 */
export function planKerasModel(config: unknown, file: string, where: string): KerasModelPlan {
  let top: unknown = config;
  if (typeof top === 'string') {
    top = parseCheckedJson(top, file, where);
  }
  if (isObject(top) && top.model_config !== undefined && top.class_name === undefined) top = top.model_config;
  if (typeof top === 'string') return planKerasModel(top, file, where);
  if (!isObject(top)) throw new CheckpointError(file, where, `expected a model config object {class_name, config}, found ${top === null ? 'null' : typeof top}`);
  const modelClass = classNameOf(top);
  if (!MODEL_CLASSES.has(modelClass)) {
    throw new CheckpointError(
      file,
      where,
      `expected a Sequential or Functional model config, found class ${modelClass || 'without a class_name'}${modelClass ? ' (subclassed models do not record their layers: save a Sequential or Functional model, or export the recurrent layer inside one)' : ''}`,
    );
  }
  const body = top.config;
  const layers: Json[] | undefined = Array.isArray(body) ? body : isObject(body) && Array.isArray(body.layers) ? body.layers : undefined;
  if (!layers) throw new CheckpointError(file, where, `expected config.layers (a list of layer configs) in the ${modelClass} config, found ${isObject(body) ? 'no layers' : typeof body}`);
  const modelName = isObject(body) && typeof body.name === 'string' ? body.name : null;
  const ctx: Ctx = { file, where };
  const recurrent: RecurrentLayerPlan[] = [];
  const skipped: SkippedLayer[] = [];
  const counters = new Map<string, number>();
  let depth = 0;
  layers.forEach((entry, index) => {
    const cls = classNameOf(entry);
    if (!isObject(entry) || !cls) throw new CheckpointError(file, where, `expected layer ${index} of the ${modelClass} config to have a class_name, found ${JSON.stringify(entry)?.slice(0, 80)}`);
    const cfg = isObject(entry.config) ? entry.config : {};
    const name = typeof cfg.name === 'string' ? cfg.name : typeof entry.name === 'string' ? entry.name : `${toSnakeCase(cls)}_${index}`;
    const snake = toSnakeCase(cls);
    const n = counters.get(snake);
    counters.set(snake, n === undefined ? 0 : n + 1);
    const v3Name = n === undefined ? snake : `${snake}_${n + 1}`;
    const lwhere = `${where}: layer ${name}`;
    if (cls === 'Bidirectional') {
      if (isCustom(entry)) throw new CheckpointError(file, lwhere, `expected the built-in Bidirectional wrapper, found the custom class ${String(entry.registered_name)}`);
      const fwdEntry = cfg.layer;
      if (!isObject(fwdEntry)) throw new CheckpointError(file, lwhere, "expected the wrapped layer's config under 'layer' in the Bidirectional config, found none");
      const fwdCfg = isObject(fwdEntry.config) ? fwdEntry.config : {};
      const baseName = typeof fwdCfg.name === 'string' ? fwdCfg.name : 'layer';
      const fwdName = baseName.startsWith('forward_') ? baseName : `forward_${baseName}`;
      let bwdEntry: JsonObject;
      if (isObject(cfg.backward_layer)) bwdEntry = cfg.backward_layer;
      else {
        const stem = baseName.startsWith('forward_') ? baseName.slice('forward_'.length) : baseName;
        bwdEntry = { ...fwdEntry, config: { ...fwdCfg, name: `backward_${stem}`, go_backwards: !(fwdCfg.go_backwards === true) } };
      }
      const bwdCfg = isObject(bwdEntry.config) ? bwdEntry.config : {};
      const bwdName = typeof bwdCfg.name === 'string' ? bwdCfg.name : `backward_${baseName}`;
      const fwd = cellsOfRnnLayer(fwdEntry, { file, where: lwhere }, fwdName);
      const bwd = cellsOfRnnLayer(bwdEntry, { file, where: lwhere }, bwdName);
      if (fwd.length !== bwd.length) throw new CheckpointError(file, lwhere, `expected the forward and backward layers to have the same number of cells, found ${fwd.length} and ${bwd.length}`);
      const cells: CellPlan[] = [];
      fwd.forEach((c, k) => {
        cells.push(finish(c, `${name}/${fwdName}${c.suffix ? `/${c.suffix}` : ''}`, 'forward', 'forward', depth + k, `forward_layer/${c.v3Path}`));
        const b = bwd[k] as RawCell;
        cells.push(finish(b, `${name}/${bwdName}${b.suffix ? `/${b.suffix}` : ''}`, 'backward', 'backward', depth + k, `backward_layer/${b.v3Path}`));
      });
      recurrent.push({ name, className: cls, v3Name, cells });
      depth += fwd.length;
      return;
    }
    if (RECURRENT_LAYERS.has(cls) || cls === 'RNN') {
      const raw = cellsOfRnnLayer(entry, ctx, name);
      const cells = raw.map((c, k) => finish(c, c.suffix ? `${name}/${c.suffix}` : name, c.goBackwards ? 'backward' : 'forward', null, depth + k, c.v3Path));
      recurrent.push({ name, className: cls, v3Name, cells });
      depth += raw.length;
      return;
    }
    if (MODEL_CLASSES.has(cls)) {
      if (containsRecurrent(cfg)) throw new CheckpointError(file, lwhere, `expected recurrent layers at the top level of the model, found them inside the nested model ${name} (class ${cls}); lrdkit does not read nested models: save the inner model on its own`);
      skipped.push({ name, className: cls });
      return;
    }
    if (RECURRENT_LOOKING.test(cls) || containsRecurrent(cfg)) {
      const reg = typeof entry.registered_name === 'string' ? entry.registered_name : '';
      const inner = reg.startsWith('lrdkit>') ? ' (an lrdkit factorized or context-switching layer: read the checkpoint with readLrdkitCheckpoint)' : RECURRENT_LOOKING.test(cls) ? '' : ' (it wraps a recurrent layer)';
      throw new CheckpointError(
        file,
        lwhere,
        `expected only GRU, LSTM, RNN(GRUCell / LSTMCell) and Bidirectional recurrent layers, found the unsupported recurrent layer ${name} of class ${isCustom(entry) ? String(entry.registered_name) : cls}${inner}`,
      );
    }
    skipped.push({ name, className: cls });
  });
  return { modelClass, modelName, recurrent, skipped };
}

function finish(c: RawCell, name: string, direction: 'forward' | 'backward', role: 'forward' | 'backward' | null, depth: number, v3Path: string): CellPlan {
  return { name, ownName: c.ownName, kind: c.kind, units: c.units, resetAfter: c.resetAfter, useBias: c.useBias, direction, depth, v3Path, role };
}
