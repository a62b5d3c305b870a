/**
 * Shape-checked conversion of user weights to the cells' flat storage, and the affine maps
 * every gate evaluates.
 *
 * @internal
 */
import type { Matrix } from '../../linalg/dense.js';
import { matVecRows } from '../../linalg/internal/kernels.js';
import { CellShapeError, type GateSpec, type GateWeights } from '../types.js';

/** Flattens a rows x cols nested matrix, checking shape and finiteness. */
export function flatMatrix(m: Matrix, rows: number, cols: number, what: string): Float64Array {
  if (!Array.isArray(m) || m.length !== rows) {
    throw new CellShapeError(`${what}: expected ${rows} x ${cols}, found ${Array.isArray(m) ? m.length : typeof m} rows`);
  }
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const row = m[i];
    if (!row || row.length !== cols) {
      throw new CellShapeError(`${what}: expected ${rows} x ${cols}, found row ${i} of length ${row ? row.length : 0}`);
    }
    for (let j = 0; j < cols; j++) {
      const v = row[j] as number;
      if (!Number.isFinite(v)) throw new CellShapeError(`${what}: entry (${i}, ${j}) is ${v}, expected a finite number`);
      out[i * cols + j] = v;
    }
  }
  return out;
}

/** Copies a vector of the given length, checking finiteness; undefined gives zeros. */
export function flatVector(v: readonly number[] | Float64Array | undefined, length: number, what: string): Float64Array {
  if (v === undefined) return new Float64Array(length);
  if (v.length !== length) throw new CellShapeError(`${what}: expected length ${length}, found ${v.length}`);
  const out = Float64Array.from(v);
  out.forEach((x, i) => {
    if (!Number.isFinite(x)) throw new CellShapeError(`${what}: entry ${i} is ${x}, expected a finite number`);
  });
  return out;
}

/** Throws unless a state or input vector has the expected length. */
export function checkLength(v: Float64Array, length: number, what: string): void {
  if (!v || v.length !== length) {
    throw new CellShapeError(`${what}: expected length ${length}, found ${v ? v.length : 'no vector'}`);
  }
}

/** out_i = sum_j W_ij x_j (+ out_i when accumulate), W rows x cols row-major. */
export function matVec(w: Float64Array, rows: number, cols: number, x: Float64Array, xOffset: number, out: Float64Array, accumulate: boolean): void {
  // Four rows at a time; each sum keeps the order above (bit-identical to the one-row loop).
  matVecRows(w, 0, rows, cols, x, xOffset, out, 0, accumulate);
}

/** Input part W x + b of a gate's pre-activation. */
export function inputAffine(g: GateWeights, h: number, d: number, x: Float64Array): Float64Array {
  const out = new Float64Array(h);
  matVec(g.input, h, d, x, 0, out, false);
  for (let i = 0; i < h; i++) out[i] = (out[i] as number) + (g.inputBias[i] as number);
  return out;
}

/** Recurrent part U v + c of a gate's pre-activation, v read from `state` at `offset`. */
export function recurrentAffine(g: GateWeights, h: number, state: Float64Array, offset: number): Float64Array {
  const out = new Float64Array(h);
  matVec(g.recurrent, h, h, state, offset, out, false);
  for (let i = 0; i < h; i++) out[i] = (out[i] as number) + (g.recurrentBias[i] as number);
  return out;
}

/** Builds canonical gate weights from nested matrices (shapes checked). */
export function gateWeights(
  input: Matrix,
  recurrent: Matrix,
  inputBias: readonly number[] | undefined,
  recurrentBias: readonly number[] | undefined,
  h: number,
  d: number,
  what: string,
): GateWeights {
  return {
    input: flatMatrix(input, h, d, `${what} input weights`),
    recurrent: flatMatrix(recurrent, h, h, `${what} recurrent weights`),
    inputBias: flatVector(inputBias, h, `${what} input bias`),
    recurrentBias: flatVector(recurrentBias, h, `${what} recurrent bias`),
  };
}

/** Nested-array view of a row-major flat matrix. */
export function nested(w: Float64Array, rows: number, cols: number): Matrix {
  return Array.from({ length: rows }, (_, i) => Array.from(w.subarray(i * cols, (i + 1) * cols)));
}

/** Throws unless d >= 0 and h >= 1 are integers. */
export function checkCellSize(d: number, h: number, what: string): void {
  if (!Number.isInteger(d) || d < 0 || !Number.isInteger(h) || h < 1) {
    throw new CellShapeError(`${what}: expected integer inputSize >= 0 and hiddenSize >= 1, found ${d} and ${h}`);
  }
}

/** Canonical gate weights from either a user spec (copied, shape-checked) or stored weights (shared). */
export function toGateWeights(g: GateSpec | GateWeights, h: number, d: number, what: string): GateWeights {
  if (g.input instanceof Float64Array) return g as GateWeights;
  const s = g as GateSpec;
  return gateWeights(s.input, s.recurrent, s.inputBias, s.recurrentBias, h, d, what);
}
