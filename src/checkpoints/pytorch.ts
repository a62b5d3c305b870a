/**
 * PyTorch state dicts to lrdkit cells: finds the nn.GRU / nn.LSTM (and nn.GRUCell /
 * nn.LSTMCell) parameters among a state dict's tensors, whatever module they sit in, and builds
 * one cell per layer and direction in the PyTorch layout (gate orders
 * {@link PYTORCH_GRU_GATE_ORDER} [r, z, n] and {@link PYTORCH_LSTM_GATE_ORDER} [i, f, g, o]).
 *
 * Parameter names (PyTorch's, with any module prefix such as `rnn.` or `encoder.rnn.`):
 *
 *     nn.GRU / nn.LSTM          <prefix>weight_ih_l{k}[_reverse]   (G h, d_k)
 *                               <prefix>weight_hh_l{k}[_reverse]   (G h, h)
 *                               <prefix>bias_ih_l{k}[_reverse]     (G h)
 *                               <prefix>bias_hh_l{k}[_reverse]     (G h)
 *     nn.GRUCell / nn.LSTMCell  <prefix>weight_ih, weight_hh, bias_ih, bias_hh
 *
 * G = 3 (GRU) or 4 (LSTM) is read from weight_hh's shape (G h rows for h columns), which is
 * never ambiguous; G = 1 (nn.RNN) and LSTMs with projections (proj_size, weight_hr_l{k}) are
 * refused with a CheckpointError. Modules built with bias=False have neither bias: their
 * biases are zero (a module with only one of the two is refused as corrupted).
 *
 * @module
 */
import { PYTORCH_GRU_GATE_ORDER, PYTORCH_LSTM_GATE_ORDER } from '../cells/layouts.js';
import type { Cell, CellKind } from '../cells/types.js';
import { CheckpointError } from './errors.js';
import { type RawTensor, buildLayerCell, matrixOf, vectorOf } from './internal/layers.js';
import { looksLikeZip } from './internal/zip.js';
import { readSafetensors } from './safetensors.js';
import { readTorchZip } from './torchZip.js';
import type { Checkpoint, LayerInfo } from './types.js';

const PARAM = /^((?:.*\.)?)(weight_ih|weight_hh|bias_ih|bias_hh|weight_hr)(?:_l(\d+)(_reverse)?)?$/;

type Param = 'weight_ih' | 'weight_hh' | 'bias_ih' | 'bias_hh' | 'weight_hr';

interface Group {
  prefix: string;
  /** Layer index for nn.GRU / nn.LSTM; undefined for nn.GRUCell / nn.LSTMCell. */
  k: number | undefined;
  reverse: boolean;
  params: Map<Param, string>;
}

function shapeText(t: RawTensor): string {
  return `[${t.shape.join(', ')}]`;
}

/**
 * The recurrent layers of a PyTorch state dict as lrdkit cells.
 *
 * Layers are ordered by module prefix (string order), then layer index k, forward before
 * backward. Each gets a {@link LayerInfo}: name `${prefix}l${k}` (plus `_reverse` for the
 * backward direction of a bidirectional layer; `${prefix without the dot}` or `cell` for an
 * nn.GRUCell / nn.LSTMCell), depth k (0 for a cell module), direction, layout 'pytorch', the
 * tensor names read, and the block-diagonal groups detected (g > 1 gives a FactorizedCell).
 * Tensors that belong to no recurrent layer (heads, embeddings, buffers) are ignored.
 *
 * @param tensors - the state dict, e.g. from {@link readSafetensors} or {@link readTorchZip}
 * @param file - the file the tensors came from, for error messages
 * @throws CheckpointError when no recurrent layer is found, a layer misses weight_ih or
 *   weight_hh or has only one bias, weight_hh is not (3h, h) or (4h, h), a stack has gaps in k,
 *   mixes GRU and LSTM layers, is bidirectional in some layers only, or a layer's input width
 *   does not match the layer below, and for NaN / infinite weights
 * @example
 * const { layers, layerInfo } = pytorchLayers(readSafetensors(bytes, 'gru.safetensors'), 'gru.safetensors');
 * layerInfo.map((l) => l.name); // ['l0', 'l1']
 */
export function pytorchLayers(tensors: Map<string, RawTensor>, file: string): { layers: Cell[]; layerInfo: LayerInfo[] } {
  const groups = new Map<string, Group>();
  for (const name of tensors.keys()) {
    const m = PARAM.exec(name);
    if (!m) continue;
    const prefix = m[1] as string, param = m[2] as Param;
    const k = m[3] === undefined ? undefined : Number(m[3]);
    const reverse = m[4] !== undefined;
    const id = `${prefix}\u0000${k ?? 'cell'}\u0000${reverse ? 'b' : 'f'}`;
    let g = groups.get(id);
    if (!g) groups.set(id, (g = { prefix, k, reverse, params: new Map() }));
    g.params.set(param, name);
  }
  if (groups.size === 0) {
    const names = [...tensors.keys()];
    throw new CheckpointError(file, 'state dict', `expected nn.GRU/nn.LSTM parameters (weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0, with any module prefix), found: ${names.slice(0, 8).join(', ') || 'no tensors'}${names.length > 8 ? `, ... (${names.length} tensors)` : ''}`);
  }
  const ordered = [...groups.values()].sort((a, b) =>
    a.prefix < b.prefix ? -1 : a.prefix > b.prefix ? 1 : (a.k ?? -1) - (b.k ?? -1) || Number(a.reverse) - Number(b.reverse));

  const layerName = (g: Group): string =>
    g.k === undefined ? (g.prefix.replace(/\.$/, '') || 'cell') : `${g.prefix}l${g.k}${g.reverse ? '_reverse' : ''}`;
  const tensorName = (g: Group, p: Param): string => `${g.prefix}${p}${g.k === undefined ? '' : `_l${g.k}${g.reverse ? '_reverse' : ''}`}`;

  checkStacks(ordered, tensors, file, tensorName);

  const layers: Cell[] = [];
  const layerInfo: LayerInfo[] = [];
  for (const g of ordered) {
    const name = layerName(g);
    const hr = g.params.get('weight_hr');
    if (hr !== undefined) throw new CheckpointError(file, `tensor ${hr}`, 'expected an nn.LSTM without projections, found weight_hr (proj_size > 0 is not supported)');
    const wihName = g.params.get('weight_ih') ?? tensorName(g, 'weight_ih');
    const whhName = g.params.get('weight_hh') ?? tensorName(g, 'weight_hh');
    for (const [p, n] of [['weight_ih', wihName], ['weight_hh', whhName]] as const) {
      if (!g.params.has(p)) {
        const present = [...g.params.values()].join(', ');
        throw new CheckpointError(file, `layer ${name}`, `expected tensor ${n} alongside ${present}, found none`);
      }
    }
    const whh = tensors.get(whhName) as RawTensor;
    const { kind, h } = kindOf(whh, whhName, file);
    const G = kind === 'gru' ? PYTORCH_GRU_GATE_ORDER.length : PYTORCH_LSTM_GATE_ORDER.length;
    const weightIh = matrixOf(tensors.get(wihName) as RawTensor, file, wihName, G * h);
    const weightHh = matrixOf(whh, file, whhName, G * h, h);
    const bih = g.params.get('bias_ih'), bhh = g.params.get('bias_hh');
    if ((bih === undefined) !== (bhh === undefined)) {
      const [has, lacks] = bih === undefined ? [bhh, tensorName(g, 'bias_ih')] : [bih, tensorName(g, 'bias_hh')];
      throw new CheckpointError(file, `layer ${name}`, `expected both biases or neither (bias=False), found ${has} without ${lacks}`);
    }
    const biases = bih !== undefined && bhh !== undefined
      ? { biasIh: vectorOf(tensors.get(bih) as RawTensor, file, bih, G * h), biasHh: vectorOf(tensors.get(bhh) as RawTensor, file, bhh, G * h) }
      : {};
    const { cell, groups: detected } = buildLayerCell({ kind, layout: 'pytorch', weights: { weightIh, weightHh, ...biases } }, file, name);
    layers.push(cell);
    layerInfo.push({
      name,
      depth: g.k ?? 0,
      direction: g.reverse ? 'backward' : 'forward',
      layout: 'pytorch',
      tensors: [wihName, whhName, ...(bih !== undefined && bhh !== undefined ? [bih, bhh] : [])],
      detectedGroups: detected,
    });
  }
  return { layers, layerInfo };
}

/** GRU or LSTM from weight_hh's shape (G h, h). */
function kindOf(t: RawTensor, name: string, file: string): { kind: CellKind; h: number } {
  const [rows, cols] = t.shape as [number, number];
  if (t.shape.length === 2 && cols >= 1 && (rows === 3 * cols || rows === 4 * cols)) return { kind: rows === 3 * cols ? 'gru' : 'lstm', h: cols };
  const hint = t.shape.length === 2 && cols >= 1 && rows === cols ? ' (an nn.RNN layer? only GRU and LSTM are supported)' : '';
  throw new CheckpointError(file, `tensor ${name}`, `expected shape [3h, h] (GRU) or [4h, h] (LSTM), found ${shapeText(t)}${hint}`);
}

/** Stack-level consistency of nn.GRU / nn.LSTM modules: layers 0..K-1, one kind, directions, widths. */
function checkStacks(ordered: Group[], tensors: Map<string, RawTensor>, file: string, tensorName: (g: Group, p: Param) => string): void {
  const byPrefix = new Map<string, Group[]>();
  for (const g of ordered) {
    if (g.k === undefined) continue;
    let list = byPrefix.get(g.prefix);
    if (!list) byPrefix.set(g.prefix, (list = []));
    list.push(g);
  }
  for (const [prefix, list] of byPrefix) {
    const module = prefix.replace(/\.$/, '') || '(top level)';
    const ks = [...new Set(list.map((g) => g.k as number))];
    ks.forEach((k, i) => {
      if (k !== i) throw new CheckpointError(file, `module ${module}`, `expected layers l0..l${ks.length - 1} without gaps, found ${ks.map((x) => `l${x}`).join(', ')}`);
    });
    const bidirectional = list.some((g) => g.reverse);
    if (bidirectional) {
      for (const k of ks) {
        if (!list.some((g) => g.k === k && g.reverse)) throw new CheckpointError(file, `module ${module}`, `expected a _reverse direction for every layer of a bidirectional module, found none for l${k}`);
      }
    }
    // Kinds and widths, only where the shapes are readable (the per-layer checks report the rest).
    let below: { kind: CellKind; h: number } | undefined;
    for (const k of ks) {
      for (const g of list.filter((x) => x.k === k)) {
        const whh = tensors.get(g.params.get('weight_hh') ?? '');
        const wih = tensors.get(g.params.get('weight_ih') ?? '');
        if (!whh || whh.shape.length !== 2) continue;
        const [rows, h] = whh.shape as [number, number];
        if (h < 1 || (rows !== 3 * h && rows !== 4 * h)) continue;
        const kind: CellKind = rows === 3 * h ? 'gru' : 'lstm';
        if (below && below.kind !== kind && k > 0) {
          throw new CheckpointError(file, `tensor ${tensorName(g, 'weight_hh')}`, `expected an ${below.kind.toUpperCase()} layer like the rest of module ${module}, found ${kind.toUpperCase()} shape [${rows}, ${h}]`);
        }
        if (below && k > 0 && wih && wih.shape.length === 2) {
          const expected = below.h * (bidirectional ? 2 : 1);
          if (wih.shape[1] !== expected) {
            throw new CheckpointError(file, `tensor ${tensorName(g, 'weight_ih')}`, `expected ${expected} columns (the output width of layer l${k - 1}${bidirectional ? ', both directions' : ''}), found ${wih.shape[1]}`);
          }
        }
      }
      const first = list.find((x) => x.k === k);
      const whh = first && tensors.get(first.params.get('weight_hh') ?? '');
      if (whh && whh.shape.length === 2) {
        const [rows, h] = whh.shape as [number, number];
        if (h >= 1 && (rows === 3 * h || rows === 4 * h)) below = { kind: rows === 3 * h ? 'gru' : 'lstm', h };
      }
    }
  }
}

/**
 * Reads a PyTorch checkpoint: a torch.save zip archive (detected by its PK signature) or a
 * safetensors file, then {@link pytorchLayers}.
 *
 * @param bytes - the whole file
 * @param file - its name (kept as `path`), used in error messages
 */
export function readPytorchCheckpoint(bytes: Uint8Array, file: string): Checkpoint {
  const zip = looksLikeZip(bytes);
  const tensors = zip ? readTorchZip(bytes, file) : readSafetensors(bytes, file);
  const { layers, layerInfo } = pytorchLayers(tensors, file);
  return { path: file, format: zip ? 'torch-zip' : 'safetensors', layers, layerInfo };
}
