/**
 * From framework tensors to lrdkit cells, shared by every reader: layout conversion (gate
 * orders from src/cells/layouts.ts), finiteness and shape checks reported as
 * CheckpointError, and detection of block-diagonal (factorized) structure.
 *
 * @internal
 */
import { type DenseCell, type FactorizedCell, factorize } from '../../cells/factorized.js';
import { type KerasRecurrentWeights, type PytorchRecurrentWeights, gruFromKeras, gruFromPytorch, lstmFromKeras, lstmFromPytorch } from '../../cells/frameworks.js';
import type { Cell, CellKind } from '../../cells/types.js';
import { CheckpointError } from '../errors.js';

/** A flat float32/float64 tensor with its shape, as read from a file. */
export interface RawTensor {
  readonly shape: readonly number[];
  readonly data: Float32Array | Float64Array;
}

/** Nested rows of a 2-D tensor, checking the shape. */
export function matrixOf(t: RawTensor, file: string, name: string, rows?: number, cols?: number): number[][] {
  if (t.shape.length !== 2 || (rows !== undefined && t.shape[0] !== rows) || (cols !== undefined && t.shape[1] !== cols)) {
    throw new CheckpointError(file, `tensor ${name}`, `expected shape [${rows ?? 'rows'}, ${cols ?? 'cols'}], found [${t.shape.join(', ')}]`);
  }
  const [r, c] = t.shape as [number, number];
  checkLength(t, file, name);
  checkFinite(t, file, name);
  return Array.from({ length: r }, (_, i) => Array.from(t.data.subarray(i * c, (i + 1) * c)));
}

/** A 1-D tensor as an array, checking the length. */
export function vectorOf(t: RawTensor, file: string, name: string, length?: number): number[] {
  if (t.shape.length !== 1 || (length !== undefined && t.shape[0] !== length)) {
    throw new CheckpointError(file, `tensor ${name}`, `expected shape [${length ?? 'n'}], found [${t.shape.join(', ')}]`);
  }
  checkLength(t, file, name);
  checkFinite(t, file, name);
  return Array.from(t.data);
}

/** Throws CheckpointError unless the tensor holds exactly prod(shape) values (sizes come from the file). */
export function checkLength(t: RawTensor, file: string, name: string): void {
  const count = t.shape.reduce((p, s) => p * s, 1);
  if (count !== t.data.length) throw new CheckpointError(file, `tensor ${name}`, `expected ${count} values for shape [${t.shape.join(', ')}], found ${t.data.length}`);
}

/** Throws CheckpointError at the first NaN or infinite entry. */
export function checkFinite(t: RawTensor, file: string, name: string): void {
  for (let i = 0; i < t.data.length; i++) {
    const v = t.data[i] as number;
    if (!Number.isFinite(v)) throw new CheckpointError(file, `tensor ${name}`, `expected finite weights, found ${v} at flat index ${i}`);
  }
}

/**
 * The largest g > 1 dividing both widths such that every weight of the cell is block diagonal
 * with g equal contiguous blocks (exact zeros off the blocks), or 1.
 */
export function detectGroups(cell: DenseCell): { cell: Cell; groups: number } {
  const d = cell.inputSize, h = cell.hiddenSize;
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  const limit = gcd(d, h);
  for (let g = limit; g > 1; g--) {
    if (limit % g !== 0) continue;
    try {
      const f: FactorizedCell = factorize(cell, g);
      return { cell: f, groups: g };
    } catch {
      // not block diagonal with g blocks: try fewer
    }
  }
  return { cell, groups: 1 };
}

/** What a reader knows about one recurrent layer's weights. */
export type LayerWeights =
  | { kind: CellKind; layout: 'keras'; resetAfter: boolean; weights: KerasRecurrentWeights }
  | { kind: CellKind; layout: 'pytorch'; weights: PytorchRecurrentWeights };

/**
 * Builds the cell for one layer, turning the cells' shape errors into CheckpointErrors that name
 * the file and layer, and factorizing when the weights are block diagonal.
 */
export function buildLayerCell(w: LayerWeights, file: string, layer: string): { cell: Cell; groups: number } {
  let dense: DenseCell;
  try {
    if (w.layout === 'keras') dense = w.kind === 'gru' ? gruFromKeras(w.weights, { resetAfter: w.resetAfter }) : lstmFromKeras(w.weights);
    else dense = w.kind === 'gru' ? gruFromPytorch(w.weights) : lstmFromPytorch(w.weights);
  } catch (e) {
    throw new CheckpointError(file, `layer ${layer}`, (e as Error).message);
  }
  if (dense.inputSize < 1 || dense.hiddenSize < 1) {
    throw new CheckpointError(file, `layer ${layer}`, `expected an input width and a hidden size of at least 1, found input ${dense.inputSize}, hidden ${dense.hiddenSize} (an input matrix with no columns drives nothing)`);
  }
  return detectGroups(dense);
}
