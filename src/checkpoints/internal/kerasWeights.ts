/**
 * Keras weights -> lrdkit cells, shared by the Keras 2 HDF5, Keras 3 `.keras` and TF.js
 * readers: assigning named weights (Keras 2 `weight_names`, TF.js manifest names) or Keras 3
 * `vars` datasets to the cells of a {@link KerasModelPlan}, checking shapes against the config,
 * resolving reset_after, and building the checkpoint.
 *
 * Named weights. Keras 2 names a variable `<layer>/<cell>/<var>:0` (TF2: `gru/gru_cell/kernel:0`,
 * `bidirectional/forward_gru/gru_cell_1/bias:0`, `rnn/stacked_rnn_cells/gru_cell_1/kernel:0`;
 * Keras 3's legacy .h5 writes the variable path, which may start with the model name); TF.js
 * drops `:0` (converter) or the cell part (tfjs-layers: `gru/kernel`). The last part is the
 * variable (kernel, recurrent_kernel, bias); the parts before it identify the cell. Names with
 * the same cell part form one cell's weights; cells are matched to the config in order of first
 * appearance (Keras' own order: forward before backward, stacked cells in order), and for a
 * Bidirectional by a `forward_` / `backward_` part when the names have one.
 *
 * @internal
 */
import type { Cell } from '../../cells/types.js';
import { CheckpointError } from '../errors.js';
import type { CheckpointFormat, LayerInfo } from '../types.js';
import type { CellPlan, KerasModelPlan, RecurrentLayerPlan, SkippedLayer } from './kerasConfig.js';
import { type RawTensor, buildLayerCell, matrixOf, vectorOf } from './layers.js';

/** A checkpoint read from a Keras model (Keras 2/3, TF.js layers), with what was skipped. */
export interface KerasCheckpoint {
  readonly path: string;
  readonly format: CheckpointFormat;
  readonly layers: Cell[];
  readonly layerInfo: LayerInfo[];
  /** Keras (or tfjs-layers) version that wrote the file, when recorded. */
  readonly kerasVersion: string | null;
  /** Keras backend, when recorded. */
  readonly backend: string | null;
  /** 'Sequential', 'Functional', 'Model', or 'weights-only'. */
  readonly modelClass: string;
  /** Non-recurrent layers that were not read. */
  readonly skippedLayers: readonly SkippedLayer[];
  /** Assumptions and remarks about the reading (e.g. reset_after inferred from a bias shape). */
  readonly notes: readonly string[];
}

/** One cell's tensors, with the names they were read under. */
export interface CellTensors {
  readonly kernel: { readonly name: string; readonly tensor: RawTensor };
  readonly recurrentKernel: { readonly name: string; readonly tensor: RawTensor };
  readonly bias?: { readonly name: string; readonly tensor: RawTensor };
}

const VARIABLES = ['kernel', 'recurrent_kernel', 'bias'] as const;
type Variable = (typeof VARIABLES)[number];

/** Splits a weight name into its cell part and variable (kernel / recurrent_kernel / bias). */
export function splitWeightName(name: string): { cellKey: string; variable: string; tokens: string[] } {
  const clean = name.replace(/:\d+$/, '');
  const tokens = clean.split('/').filter((t) => t.length > 0);
  const variable = tokens[tokens.length - 1] ?? '';
  return { cellKey: tokens.slice(0, -1).join('/'), variable, tokens };
}

/**
 * Assigns a recurrent layer's named weights to its cells. `names` are in file order.
 * Returns, per cell of the layer, the index in `names` of each variable.
 */
export function assignNamedWeights(layer: RecurrentLayerPlan, names: readonly string[], file: string, where: string): Map<Variable, number>[] {
  const groups: { key: string; tokens: string[]; vars: Map<Variable, number> }[] = [];
  names.forEach((name, i) => {
    const { cellKey, variable, tokens } = splitWeightName(name);
    if (!(VARIABLES as readonly string[]).includes(variable)) {
      throw new CheckpointError(file, `${where}: weight ${name}`, `expected a ${layer.className} variable named kernel, recurrent_kernel or bias, found '${variable}'`);
    }
    let g = groups.find((x) => x.key === cellKey);
    if (!g) groups.push((g = { key: cellKey, tokens: tokens.slice(0, -1), vars: new Map() }));
    if (g.vars.has(variable as Variable)) throw new CheckpointError(file, `${where}: weight ${name}`, `expected one ${variable} per cell, found it twice (also ${names[g.vars.get(variable as Variable) as number]})`);
    g.vars.set(variable as Variable, i);
  });
  const cells = layer.cells;
  if (groups.length !== cells.length) {
    const want = cells.map((c) => c.name).join(', ');
    throw new CheckpointError(
      file,
      where,
      `expected the weights of ${cells.length} cell${cells.length === 1 ? '' : 's'} (${want}) for ${layer.className} layer ${layer.name}, found ${groups.length === 0 ? 'no weights' : `${groups.length} group${groups.length === 1 ? '' : 's'} of weight names (${groups.map((g) => g.key || '(no prefix)').join(', ')})`}`,
    );
  }
  // Bidirectional: place groups by their forward_/backward_ name part when every group has one.
  let ordered = groups;
  if (cells.some((c) => c.role !== null)) {
    const dirOf = (g: (typeof groups)[number]): 'forward' | 'backward' | null => {
      if (g.tokens.some((t) => t.startsWith('forward'))) return 'forward';
      if (g.tokens.some((t) => t.startsWith('backward'))) return 'backward';
      return null;
    };
    if (groups.every((g) => dirOf(g) !== null)) {
      const fwd = groups.filter((g) => dirOf(g) === 'forward');
      const bwd = groups.filter((g) => dirOf(g) === 'backward');
      if (fwd.length !== bwd.length) throw new CheckpointError(file, where, `expected as many forward as backward weight groups in ${layer.name}, found ${fwd.length} and ${bwd.length}`);
      ordered = cells.map((c) => (c.role === 'backward' ? bwd : fwd).shift() as (typeof groups)[number]);
    } else {
      // Keras order: all forward weights, then all backward weights; cells alternate f, b per level.
      const half = groups.length / 2;
      ordered = cells.map((c, k) => (c.role === 'backward' ? groups[half + Math.floor(k / 2)] : groups[Math.floor(k / 2)]) as (typeof groups)[number]);
    }
  }
  return ordered.map((g, k) => {
    const cell = cells[k] as CellPlan;
    for (const v of ['kernel', 'recurrent_kernel'] as const) {
      if (!g.vars.has(v)) throw new CheckpointError(file, where, `expected a weight named ${g.key ? `${g.key}/` : ''}${v} for ${cell.name}, found none (names: ${[...g.vars.keys()].join(', ')})`);
    }
    if (cell.useBias && !g.vars.has('bias')) throw new CheckpointError(file, where, `expected a weight named ${g.key ? `${g.key}/` : ''}bias for ${cell.name} (use_bias=True), found none`);
    if (!cell.useBias && g.vars.has('bias')) throw new CheckpointError(file, where, `expected no bias for ${cell.name} (use_bias=False), found ${names[g.vars.get('bias') as number]}`);
    return g.vars;
  });
}

function shapeText(t: RawTensor): string {
  return `[${t.shape.join(', ')}]`;
}

/** Builds one cell from its tensors, checking shapes against the config and resolving reset_after. */
export function buildKerasCell(plan: CellPlan, t: CellTensors, file: string, notes: string[]): { cell: Cell; groups: number } {
  const G = plan.kind === 'gru' ? 3 : 4;
  const h = plan.units;
  const k = t.kernel.tensor;
  if (k.shape.length !== 2 || k.shape[1] !== G * h) {
    throw new CheckpointError(file, `tensor ${t.kernel.name}`, `expected shape [input, ${G * h}] (${plan.kind.toUpperCase()} kernel, units=${h}), found ${shapeText(k)}`);
  }
  const kernel = matrixOf(k, file, t.kernel.name, k.shape[0], G * h);
  const recurrentKernel = matrixOf(t.recurrentKernel.tensor, file, t.recurrentKernel.name, h, G * h);
  let resetAfter = plan.resetAfter ?? false;
  let bias: number[] | number[][] | undefined;
  if (t.bias) {
    const b = t.bias.tensor;
    if (plan.kind === 'gru') {
      if (plan.resetAfter === null) {
        if (b.shape.length === 2 && b.shape[0] === 2) resetAfter = true;
        else if (b.shape.length === 1) resetAfter = false;
        else throw new CheckpointError(file, `tensor ${t.bias.name}`, `expected shape [2, ${G * h}] (reset_after=True) or [${G * h}] (reset_after=False), found ${shapeText(b)}`);
        notes.push(`${plan.name}: the config does not record reset_after; the bias shape ${shapeText(b)} gives reset_after=${resetAfter ? 'True' : 'False'}`);
      }
      bias = resetAfter ? matrixOf(b, file, t.bias.name, 2, G * h) : vectorOf(b, file, t.bias.name, G * h);
    } else bias = vectorOf(b, file, t.bias.name, G * h);
  } else if (plan.kind === 'gru' && plan.resetAfter === null) {
    throw new CheckpointError(file, `layer ${plan.name}`, 'expected reset_after in the GRU config or a bias whose shape tells it, found neither (use_bias=False and no reset_after)');
  }
  return buildLayerCell({ kind: plan.kind, layout: 'keras', resetAfter, weights: { kernel, recurrentKernel, ...(bias !== undefined ? { bias } : {}) } }, file, plan.name);
}

/** Builds the checkpoint from the plan and a function giving each cell's tensors. */
export function buildKerasCheckpoint(
  plan: KerasModelPlan,
  tensorsOf: (layer: RecurrentLayerPlan, cellIndex: number) => CellTensors,
  meta: { path: string; format: CheckpointFormat; kerasVersion: string | null; backend: string | null; notes?: string[]; where: string },
): KerasCheckpoint {
  if (plan.recurrent.length === 0) {
    const skipped = plan.skipped.map((s) => `${s.name} (${s.className})`).join(', ');
    throw new CheckpointError(meta.path, meta.where, `expected at least one GRU or LSTM layer, found none (layers: ${skipped || 'none'})`);
  }
  const notes = [...(meta.notes ?? [])];
  const layers: Cell[] = [];
  const layerInfo: LayerInfo[] = [];
  for (const layer of plan.recurrent) {
    layer.cells.forEach((cellPlan, i) => {
      const t = tensorsOf(layer, i);
      const { cell, groups } = buildKerasCell(cellPlan, t, meta.path, notes);
      layers.push(cell);
      layerInfo.push({
        name: cellPlan.name,
        depth: cellPlan.depth,
        direction: cellPlan.direction,
        layout: 'keras',
        tensors: [t.kernel.name, t.recurrentKernel.name, ...(t.bias ? [t.bias.name] : [])],
        detectedGroups: groups,
      });
    });
  }
  return { path: meta.path, format: meta.format, layers, layerInfo, kerasVersion: meta.kerasVersion, backend: meta.backend, modelClass: plan.modelClass, skippedLayers: plan.skipped, notes };
}

/**
 * Keras 3 layout: a layer's weights are the datasets `0`, `1`, `2` (kernel, recurrent_kernel,
 * bias) of `<root>/<v3Name>/<cell.v3Path>/vars`, root `layers` (Keras 3) or
 * `_layer_checkpoint_dependencies` (tf.keras 2.13-2.15). `lookup(path)` returns the tensor at a
 * path ('layers/gru/cell/vars/0') or undefined; `listVars(prefix)` lists the `vars` groups
 * holding tensors below a prefix (used when the expected path is absent).
 */
export function v3CellTensors(
  layer: RecurrentLayerPlan,
  cellIndex: number,
  lookup: (path: string) => RawTensor | undefined,
  listVars: (prefix: string) => string[],
  file: string,
  where: string,
): CellTensors {
  const cell = layer.cells[cellIndex] as CellPlan;
  const roots = [`layers/${layer.v3Name}`, `_layer_checkpoint_dependencies/${layer.v3Name}`];
  let varsPath: string | undefined;
  for (const root of roots) {
    const p = `${root}/${cell.v3Path}/vars`;
    if (lookup(`${p}/0`) !== undefined) {
      varsPath = p;
      break;
    }
  }
  if (varsPath === undefined) {
    // Fallback: the `vars` groups with tensors under the layer's group, in path order,
    // matched to the cells in order (directions by forward/backward path parts).
    for (const root of roots) {
      let found = listVars(root).sort();
      if (found.length === 0) continue;
      if (cell.role !== null) {
        const dir = found.filter((p) => p.includes(cell.role === 'forward' ? 'forward' : 'backward'));
        if (dir.length * 2 === layer.cells.length) found = dir;
        const k = layer.cells.filter((c, j) => j < cellIndex && c.role === cell.role).length;
        if (found.length * 2 === layer.cells.length && found[k] !== undefined) varsPath = found[k];
      } else if (found.length === layer.cells.length) varsPath = found[cellIndex];
      if (varsPath !== undefined) break;
    }
  }
  if (varsPath === undefined) {
    throw new CheckpointError(file, where, `expected the weights of ${cell.name} at ${roots[0]}/${cell.v3Path}/vars/0 (Keras 3 layout: layer groups named by class, e.g. gru, gru_1), found none`);
  }
  const get = (i: number): { name: string; tensor: RawTensor } | undefined => {
    const name = `${varsPath}/${i}`;
    const tensor = lookup(name);
    return tensor === undefined ? undefined : { name, tensor };
  };
  const kernel = get(0);
  const recurrentKernel = get(1);
  if (!kernel || !recurrentKernel) throw new CheckpointError(file, where, `expected kernel and recurrent_kernel at ${varsPath}/0 and ${varsPath}/1 for ${cell.name}, found ${kernel ? 'no 1' : 'no 0'}`);
  const bias = get(2);
  if (cell.useBias && !bias) throw new CheckpointError(file, where, `expected the bias of ${cell.name} at ${varsPath}/2 (use_bias=True), found none`);
  if (lookup(`${varsPath}/3`) !== undefined || (!cell.useBias && bias)) {
    throw new CheckpointError(file, where, `expected ${cell.useBias ? 3 : 2} variables in ${varsPath} for ${cell.name}, found more`);
  }
  return { kernel, recurrentKernel, ...(bias ? { bias } : {}) };
}
