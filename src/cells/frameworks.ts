/**
 * Converters between framework weight layouts (Keras, PyTorch) and lrdkit's canonical cells.
 * Gate orders come from ./layouts.ts; nothing here hard-codes an offset.
 *
 * @module
 */
import type { Matrix } from '../linalg/dense.js';
import { GruCell } from './gru.js';
import { KERAS_GRU_GATE_ORDER, KERAS_LSTM_GATE_ORDER, PYTORCH_GRU_GATE_ORDER, PYTORCH_LSTM_GATE_ORDER } from './layouts.js';
import { LstmCell } from './lstm.js';
import { nested } from './internal/weights.js';
import { CellShapeError, type GateSpec, type GateWeights } from './types.js';

/** Keras recurrent weights: kernel (d, G h), recurrent_kernel (h, G h), bias (G h) or (2, G h). */
export interface KerasRecurrentWeights {
  kernel: Matrix;
  recurrentKernel: Matrix;
  bias?: readonly number[] | Matrix;
}

/** PyTorch recurrent weights: weight_ih (G h, d), weight_hh (G h, h), bias_ih, bias_hh (G h). */
export interface PytorchRecurrentWeights {
  weightIh: Matrix;
  weightHh: Matrix;
  biasIh?: readonly number[];
  biasHh?: readonly number[];
}

function shapeOf(m: Matrix): string {
  return `${m.length} x ${m.length === 0 ? 0 : (m[0] as number[]).length}`;
}

/** Columns [k h, (k+1) h) of a (rows x G h) matrix, transposed to (h x rows). */
function columnBlockTransposed(m: Matrix, k: number, h: number): Matrix {
  return Array.from({ length: h }, (_, i) => m.map((row) => row[k * h + i] as number));
}

/** Rows [k h, (k+1) h) of a (G h x cols) matrix. */
function rowBlock(m: Matrix, k: number, h: number): Matrix {
  return m.slice(k * h, (k + 1) * h).map((r) => r.slice());
}

function kerasGates<G extends string>(
  w: KerasRecurrentWeights,
  order: readonly G[],
  twoBiases: boolean,
  what: string,
): { d: number; h: number; gates: Record<G, GateSpec> } {
  const G = order.length;
  const d = w.kernel.length;
  const gh = d > 0 ? (w.kernel[0] as number[]).length : (w.recurrentKernel[0] ?? []).length;
  if (gh % G !== 0) throw new CellShapeError(`${what}: kernel has ${gh} columns, expected a multiple of ${G} (gates ${order.join(', ')})`);
  const h = gh / G;
  if (w.recurrentKernel.length !== h || (w.recurrentKernel[0] ?? []).length !== gh) {
    throw new CellShapeError(`${what}: recurrent_kernel is ${shapeOf(w.recurrentKernel)}, expected ${h} x ${gh}`);
  }
  let inputBias: readonly number[] | undefined;
  let recurrentBias: readonly number[] | undefined;
  if (w.bias !== undefined) {
    const nestedBias = Array.isArray(w.bias[0]);
    if (twoBiases) {
      if (!nestedBias || w.bias.length !== 2) {
        throw new CellShapeError(`${what}: bias is ${nestedBias ? shapeOf(w.bias as Matrix) : `(${w.bias.length})`}, expected 2 x ${gh} (reset_after=True)`);
      }
      inputBias = (w.bias as Matrix)[0];
      recurrentBias = (w.bias as Matrix)[1];
    } else {
      if (nestedBias) throw new CellShapeError(`${what}: bias is ${shapeOf(w.bias as Matrix)}, expected a vector of length ${gh}`);
      inputBias = w.bias as readonly number[];
    }
    for (const [b, name] of [[inputBias, 'input bias'], [recurrentBias, 'recurrent bias']] as const) {
      if (b !== undefined && b.length !== gh) throw new CellShapeError(`${what}: ${name} has length ${b.length}, expected ${gh}`);
    }
  }
  const gates = {} as Record<G, GateSpec>;
  order.forEach((name, k) => {
    gates[name] = {
      input: columnBlockTransposed(w.kernel, k, h),
      recurrent: columnBlockTransposed(w.recurrentKernel, k, h),
      ...(inputBias ? { inputBias: inputBias.slice(k * h, (k + 1) * h) } : {}),
      ...(recurrentBias ? { recurrentBias: recurrentBias.slice(k * h, (k + 1) * h) } : {}),
    };
  });
  return { d, h, gates };
}

function pytorchGates<G extends string>(w: PytorchRecurrentWeights, order: readonly G[], what: string): { d: number; h: number; gates: Record<G, GateSpec> } {
  const G = order.length;
  const gh = w.weightIh.length;
  if (gh % G !== 0) throw new CellShapeError(`${what}: weight_ih has ${gh} rows, expected a multiple of ${G} (gates ${order.join(', ')})`);
  const h = gh / G;
  const d = gh > 0 ? (w.weightIh[0] as number[]).length : 0;
  if (w.weightHh.length !== gh || (w.weightHh[0] ?? []).length !== h) {
    throw new CellShapeError(`${what}: weight_hh is ${shapeOf(w.weightHh)}, expected ${gh} x ${h}`);
  }
  for (const [b, name] of [[w.biasIh, 'bias_ih'], [w.biasHh, 'bias_hh']] as const) {
    if (b !== undefined && b.length !== gh) throw new CellShapeError(`${what}: ${name} has length ${b.length}, expected ${gh}`);
  }
  const gates = {} as Record<G, GateSpec>;
  order.forEach((name, k) => {
    gates[name] = {
      input: rowBlock(w.weightIh, k, h),
      recurrent: rowBlock(w.weightHh, k, h),
      ...(w.biasIh ? { inputBias: w.biasIh.slice(k * h, (k + 1) * h) } : {}),
      ...(w.biasHh ? { recurrentBias: w.biasHh.slice(k * h, (k + 1) * h) } : {}),
    };
  });
  return { d, h, gates };
}

/**
 * A GRU from Keras weights (gate order {@link KERAS_GRU_GATE_ORDER}: z, r, h).
 * reset_after=True (TF2 default) expects bias of shape (2, 3h): row 0 input bias, row 1
 * recurrent bias; reset_after=False a bias vector of length 3h.
 */
export function gruFromKeras(w: KerasRecurrentWeights, options: { resetAfter: boolean }): GruCell {
  const { d, h, gates } = kerasGates(w, KERAS_GRU_GATE_ORDER, options.resetAfter, `Keras GRU (reset_after=${options.resetAfter ? 'True' : 'False'})`);
  return new GruCell({ inputSize: d, hiddenSize: h, resetAfter: options.resetAfter, biasVectors: options.resetAfter ? 2 : 1, ...gates });
}

/** A GRU from PyTorch weights (gate order {@link PYTORCH_GRU_GATE_ORDER}: r, z, n; reset after). */
export function gruFromPytorch(w: PytorchRecurrentWeights): GruCell {
  const { d, h, gates } = pytorchGates(w, PYTORCH_GRU_GATE_ORDER, 'PyTorch GRU');
  return new GruCell({ inputSize: d, hiddenSize: h, resetAfter: true, biasVectors: 2, ...gates });
}

/** An LSTM from Keras weights (gate order {@link KERAS_LSTM_GATE_ORDER}: i, f, c, o; one bias). */
export function lstmFromKeras(w: KerasRecurrentWeights): LstmCell {
  const { d, h, gates } = kerasGates(w, KERAS_LSTM_GATE_ORDER, false, 'Keras LSTM');
  return new LstmCell({ inputSize: d, hiddenSize: h, biasVectors: 1, ...gates });
}

/** An LSTM from PyTorch weights (gate order {@link PYTORCH_LSTM_GATE_ORDER}: i, f, g, o; two biases). */
export function lstmFromPytorch(w: PytorchRecurrentWeights): LstmCell {
  const { d, h, gates } = pytorchGates(w, PYTORCH_LSTM_GATE_ORDER, 'PyTorch LSTM');
  return new LstmCell({ inputSize: d, hiddenSize: h, biasVectors: 2, ...gates });
}

function gatesOf(cell: GruCell | LstmCell): Record<string, GateWeights> {
  return cell.weights as unknown as Record<string, GateWeights>;
}

/**
 * The cell's weights in the Keras layout. GRU: reset_after follows the cell, bias (2, 3h) for
 * reset_after=True and (3h) otherwise (recurrent biases folded into the single bias, exact for
 * the gates and for reset_after=False's candidate). LSTM: bias (4h) = input + recurrent bias.
 */
export function toKeras(cell: GruCell | LstmCell): { kernel: Matrix; recurrentKernel: Matrix; bias: number[] | Matrix } {
  const order: readonly string[] = cell.kind === 'gru' ? KERAS_GRU_GATE_ORDER : KERAS_LSTM_GATE_ORDER;
  const g = gatesOf(cell);
  const h = cell.hiddenSize, d = cell.inputSize;
  const kernel: Matrix = Array.from({ length: d }, () => []);
  const recurrentKernel: Matrix = Array.from({ length: h }, () => []);
  const b0: number[] = [], b1: number[] = [];
  for (const name of order) {
    const gw = g[name] as GateWeights;
    const wt = nested(gw.input, h, d), ut = nested(gw.recurrent, h, h);
    for (let j = 0; j < d; j++) for (let i = 0; i < h; i++) (kernel[j] as number[]).push((wt[i] as number[])[j] as number);
    for (let j = 0; j < h; j++) for (let i = 0; i < h; i++) (recurrentKernel[j] as number[]).push((ut[i] as number[])[j] as number);
    b0.push(...gw.inputBias);
    b1.push(...gw.recurrentBias);
  }
  const twoBiases = cell.kind === 'gru' && (cell as GruCell).weights.resetAfter;
  return { kernel, recurrentKernel, bias: twoBiases ? [b0, b1] : b0.map((v, i) => v + (b1[i] as number)) };
}

/** The cell's weights in the PyTorch layout (GRU must be reset_after; LSTM any). */
export function toPytorch(cell: GruCell | LstmCell): { weightIh: Matrix; weightHh: Matrix; biasIh: number[]; biasHh: number[] } {
  if (cell.kind === 'gru' && !(cell as GruCell).weights.resetAfter) {
    throw new CellShapeError('toPytorch: a GRU with reset_after=False has no PyTorch equivalent (PyTorch applies the reset gate after U_n h)');
  }
  const order: readonly string[] = cell.kind === 'gru' ? PYTORCH_GRU_GATE_ORDER : PYTORCH_LSTM_GATE_ORDER;
  const g = gatesOf(cell);
  const h = cell.hiddenSize, d = cell.inputSize;
  const out = { weightIh: [] as Matrix, weightHh: [] as Matrix, biasIh: [] as number[], biasHh: [] as number[] };
  for (const name of order) {
    const gw = g[name] as GateWeights;
    out.weightIh.push(...nested(gw.input, h, d));
    out.weightHh.push(...nested(gw.recurrent, h, h));
    out.biasIh.push(...gw.inputBias);
    out.biasHh.push(...gw.recurrentBias);
  }
  return out;
}
