/**
 * ONNX `LSTM` / `GRU` nodes to lrdkit cells, with the operator semantics of the ONNX operator
 * documentation (docs/Operators.md, github.com/onnx/onnx):
 *
 *     inputs      X, W [dirs, G h, d], R [dirs, G h, h], B [dirs, 2 G h] (Wb then Rb; zeros if
 *                 absent), sequence_lens, initial_h, initial_c (LSTM), P [dirs, 3h] (LSTM)
 *     gate order  LSTM i, o, f, c; GRU z, r, h (src/cells/layouts.ts ONNX_*_GATE_ORDER)
 *     GRU         linear_before_reset 1: h~ = tanh(W_h x + Wb_h + r * (R_h h + Rb_h)) (PyTorch);
 *                 0 (default): h~ = tanh(W_h x + Wb_h + R_h (r * h) + Rb_h); H' = (1 - z) h~ + z H
 *     direction   forward, reverse (one cell, audited as a backward layer), bidirectional (two
 *                 cells named `<node>/forward` and `<node>/reverse`)
 *     layout      0 or 1: only the layout of X and Y; the cell is the same
 *
 * Accepted only where lrdkit's cells are exact: default activations (LSTM Sigmoid, Tanh, Tanh;
 * GRU Sigmoid, Tanh, per direction; no activation_alpha / beta), no clip, input_forget 0, and
 * peepholes P absent or all zero. Everything else is a CheckpointError naming the node and the
 * attribute or tensor. `RNN` nodes are refused (lrdkit audits gated cells). sequence_lens,
 * initial_h and initial_c do not change the cell (the audit starts from its own states); they
 * are noted.
 *
 * @internal
 */
import { GruCell } from '../../cells/gru.js';
import { ONNX_GRU_GATE_ORDER, ONNX_LSTM_GATE_ORDER } from '../../cells/layouts.js';
import { LstmCell } from '../../cells/lstm.js';
import type { Cell, CellKind, GateWeights } from '../../cells/types.js';
import { CheckpointError } from '../errors.js';
import { checkFinite, detectGroups } from '../internal/layers.js';
import type { LayerInfo } from '../types.js';
import type { ConstTensor, OnnxScope } from './fold.js';
import { ATTRIBUTE_TYPE, type OnnxAttribute, type OnnxNode, int64, utf8 } from './proto.js';

/** Attributes of the LSTM / GRU operators (docs/Operators.md). */
const KNOWN_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  LSTM: ['activation_alpha', 'activation_beta', 'activations', 'clip', 'direction', 'hidden_size', 'input_forget', 'layout'],
  GRU: ['activation_alpha', 'activation_beta', 'activations', 'clip', 'direction', 'hidden_size', 'layout', 'linear_before_reset'],
};
const DEFAULT_ACTIVATIONS: Readonly<Record<string, readonly string[]>> = { LSTM: ['Sigmoid', 'Tanh', 'Tanh'], GRU: ['Sigmoid', 'Tanh'] };
/** Ops through which one recurrent node's output Y reaches the next one's X in a stack. */
export const STACK_PASS_THROUGH = ['Squeeze', 'Transpose', 'Reshape', 'Identity', 'Unsqueeze'] as const;

/** A recurrent node found in the graph, with its scope and path name. */
export interface RecurrentNode {
  readonly node: OnnxNode;
  readonly scope: OnnxScope;
  /** Path name, e.g. `If_25/else/LSTM_881`. */
  readonly name: string;
}

/** What one node becomes: a cell per direction. */
export interface NodeLayers {
  readonly cells: Cell[];
  readonly infos: Omit<LayerInfo, 'depth' | 'inputFrom'>[];
  /** Attributes read, for `lrdkit inspect`. */
  readonly attributes: { readonly kind: CellKind; readonly direction: string; readonly layout: number; readonly linearBeforeReset: number | null; readonly hiddenSize: number };
}

/**
 * The cells of one LSTM / GRU node.
 *
 * @throws CheckpointError naming the node and attribute or tensor for every refused construct
 */
export function recurrentNodeLayers(r: RecurrentNode): NodeLayers {
  const { node, scope, name } = r;
  const file = scope.context.file;
  const where = `node ${name} (${node.op_type})`;
  const fail = (detail: string): never => {
    throw new CheckpointError(file, where, detail);
  };
  if (node.op_type === 'RNN') fail('expected an LSTM or GRU node, found an RNN node (a plain tanh RNN): lrdkit audits gated recurrent cells only');
  const op = node.op_type as 'LSTM' | 'GRU';
  const kind: CellKind = op === 'LSTM' ? 'lstm' : 'gru';
  const attrs = new Map<string, OnnxAttribute>();
  for (const a of node.attribute) {
    if (!(KNOWN_ATTRIBUTES[op] as readonly string[]).includes(a.name)) fail(`expected only the ${op} attributes (${(KNOWN_ATTRIBUTES[op] as readonly string[]).join(', ')}), found attribute ${JSON.stringify(a.name)}`);
    attrs.set(a.name, a);
  }
  const intAttr = (n: string, dflt: number, allowed: readonly number[]): number => {
    const a = attrs.get(n);
    if (!a) return dflt;
    if (a.type !== ATTRIBUTE_TYPE.INT) fail(`attribute ${n}: expected an int, found attribute type ${a.type}`);
    const v = int64(a.i);
    if (!allowed.includes(v)) fail(`attribute ${n}: expected ${allowed.join(' or ')}, found ${v}${n === 'input_forget' ? ' (coupled input and forget gates are not implemented by lrdkit)' : ''}`);
    return v;
  };
  const directionText = attrs.has('direction') ? utf8((attrs.get('direction') as OnnxAttribute).s) : 'forward';
  if (!['forward', 'reverse', 'bidirectional'].includes(directionText)) fail(`attribute direction: expected forward, reverse or bidirectional, found ${JSON.stringify(directionText)}`);
  const dirs = directionText === 'bidirectional' ? 2 : 1;
  const layout = intAttr('layout', 0, [0, 1]);
  const linearBeforeReset = op === 'GRU' ? intAttr('linear_before_reset', 0, [0, 1]) : null;
  if (op === 'LSTM') intAttr('input_forget', 0, [0]);
  if (attrs.has('clip')) fail(`attribute clip: expected no cell clipping (lrdkit's cells do not clip pre-activations), found clip=${(attrs.get('clip') as OnnxAttribute).f}`);
  for (const n of ['activation_alpha', 'activation_beta']) {
    if (attrs.has(n)) fail(`attribute ${n}: expected none (the default activations take no parameters), found [${(attrs.get(n) as OnnxAttribute).floats.join(', ')}]`);
  }
  const defaults = DEFAULT_ACTIVATIONS[op] as readonly string[];
  if (attrs.has('activations')) {
    const given = (attrs.get('activations') as OnnxAttribute).strings.map(utf8);
    const expected = Array.from({ length: dirs }, () => defaults).flat();
    if (given.length !== expected.length || given.some((g, i) => g.toLowerCase() !== (expected[i] as string).toLowerCase())) {
      fail(`attribute activations: expected the defaults [${expected.join(', ')}] (lrdkit's cells use sigmoid gates and tanh), found [${given.join(', ')}]`);
    }
  }

  const tensor = (k: number, label: string): ConstTensor | undefined => {
    const n = node.input[k];
    if (n === undefined || n === '') return undefined;
    return scope.constant(n, `${where} input ${label} (${JSON.stringify(n)})`);
  };
  const G = op === 'LSTM' ? 4 : 3;
  const W = tensor(1, 'W') ?? fail('expected input W, found none');
  const R = tensor(2, 'R') ?? fail('expected input R, found none');
  const shapeOf = (t: ConstTensor): string => `[${t.dims.join(', ')}]`;
  if (R.dims.length !== 3 || R.dims[0] !== dirs || (R.dims[1] as number) !== G * (R.dims[2] as number) || (R.dims[2] as number) < 1) {
    fail(`input R: expected shape [${dirs}, ${G} h, h] (direction ${directionText}), found ${shapeOf(R)}`);
  }
  const h = R.dims[2] as number;
  if (attrs.has('hidden_size')) {
    const hs = int64((attrs.get('hidden_size') as OnnxAttribute).i);
    if (hs !== h) fail(`attribute hidden_size: expected ${h} (from R ${shapeOf(R)}), found ${hs}`);
  }
  if (W.dims.length !== 3 || W.dims[0] !== dirs || W.dims[1] !== G * h || (W.dims[2] as number) < 1) fail(`input W: expected shape [${dirs}, ${G * h}, input size], found ${shapeOf(W)}`);
  const d = W.dims[2] as number;
  const B = tensor(3, 'B');
  if (B && (B.dims.length !== 2 || B.dims[0] !== dirs || B.dims[1] !== 2 * G * h)) fail(`input B: expected shape [${dirs}, ${2 * G * h}], found ${shapeOf(B)}`);
  const notes: string[] = [];
  if (op === 'LSTM') {
    const P = tensor(7, 'P');
    if (P) {
      if (P.dims.length !== 2 || P.dims[0] !== dirs || P.dims[1] !== 3 * h) fail(`input P: expected shape [${dirs}, ${3 * h}], found ${shapeOf(P)}`);
      const nz = P.data.findIndex((v) => v !== 0);
      if (nz >= 0) fail(`input P (${JSON.stringify(node.input[7])}): expected no peephole weights (lrdkit's LSTM has no peepholes), found non-zero P (${P.data[nz]} at flat index ${nz})`);
      notes.push('peephole weights P are all zero (read as no peepholes)');
    }
  }
  for (const [k, label] of [[4, 'sequence_lens'], [5, 'initial_h'], [6, 'initial_c']] as const) {
    if (k === 6 && op !== 'LSTM') continue;
    const n = node.input[k];
    if (n !== undefined && n !== '') notes.push(`input ${label} does not change the cell (the audit drives it from its own states): ignored`);
  }
  if (B === undefined) notes.push('no input B: biases are zero');
  notes.push(op === 'GRU' ? `activations Sigmoid, Tanh (ONNX defaults${attrs.has('activations') ? ', as given' : ''})` : `activations Sigmoid, Tanh, Tanh (ONNX defaults${attrs.has('activations') ? ', as given' : ''})`);

  const cells: Cell[] = [];
  const infos: Omit<LayerInfo, 'depth' | 'inputFrom'>[] = [];
  const names = dirs === 2 ? ['forward', 'reverse'] : [directionText];
  const zeros = new Float64Array(h);
  for (let k = 0; k < dirs; k++) {
    const dirName = names[k] as string;
    const layerName = dirs === 2 ? `${name}/${dirName}` : name;
    const label = (t: string): string => `${t} of node ${name}${dirs === 2 ? ` (direction ${dirName})` : ''}`;
    const w = W.data.subarray(k * G * h * d, (k + 1) * G * h * d);
    const u = R.data.subarray(k * G * h * h, (k + 1) * G * h * h);
    const b = B ? B.data.subarray(k * 2 * G * h, (k + 1) * 2 * G * h) : undefined;
    checkFinite({ shape: [G * h, d], data: w }, file, label('W'));
    checkFinite({ shape: [G * h, h], data: u }, file, label('R'));
    if (b) checkFinite({ shape: [2 * G * h], data: b }, file, label('B'));
    // Gate q's rows are one contiguous block of W[k], R[k], Wb[k], Rb[k]: the cells keep views of the tensors (no copies).
    const gate = (q: number): GateWeights => ({
      input: w.subarray(q * h * d, (q + 1) * h * d),
      recurrent: u.subarray(q * h * h, (q + 1) * h * h),
      inputBias: b ? b.subarray(q * h, (q + 1) * h) : zeros,
      recurrentBias: b ? b.subarray((G + q) * h, (G + q + 1) * h) : zeros,
    });
    const gates = (order: readonly string[]): Record<string, GateWeights> => Object.fromEntries(order.map((g, q) => [g, gate(q)]));
    let dense: GruCell | LstmCell;
    try {
      dense = op === 'GRU'
        ? new GruCell({ inputSize: d, hiddenSize: h, resetAfter: linearBeforeReset === 1, biasVectors: 2, ...(gates(ONNX_GRU_GATE_ORDER) as Record<'z' | 'r' | 'n', GateWeights>) })
        : new LstmCell({ inputSize: d, hiddenSize: h, biasVectors: 2, ...(gates(ONNX_LSTM_GATE_ORDER) as Record<'i' | 'f' | 'g' | 'o', GateWeights>) });
    } catch (e) {
      throw new CheckpointError(file, `layer ${layerName}`, (e as Error).message);
    }
    const { cell, groups } = detectGroups(dense);
    cells.push(cell);
    infos.push({
      name: layerName,
      direction: dirName === 'reverse' ? 'backward' : 'forward',
      layout: 'onnx',
      tensors: [1, 2, 3, 7].map((i) => node.input[i]).filter((n): n is string => n !== undefined && n !== ''),
      detectedGroups: groups,
      inferred: notes,
    });
  }
  return { cells, infos, attributes: { kind, direction: directionText, layout, linearBeforeReset, hiddenSize: h } };
}
