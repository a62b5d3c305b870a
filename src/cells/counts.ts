/**
 * Parameter and FLOP counts of dense and factorized cells, and the hidden widths that give a
 * factorized cell the same parameters or the same FLOPs as a dense one (the paper's "big"
 * variant; the "small" variant keeps the width and divides both by about g).
 *
 * @module
 */
import { type CellKind, CellShapeError } from './types.js';

/** Shape of a (possibly factorized) GRU or LSTM layer. */
export interface CellShape {
  kind: CellKind;
  inputSize: number;
  hiddenSize: number;
  /** Blocks g (default 1); must divide inputSize and hiddenSize. */
  groups?: number;
  /** Bias vectors per gate: 1 (Keras LSTM, Keras GRU reset_after=False) or 2 (PyTorch, Keras GRU reset_after=True). Default 2 for GRU, 1 for LSTM. */
  biasVectors?: 1 | 2;
}

/** Gates per cell: 3 for a GRU (z, r, n), 4 for an LSTM (i, f, g, o). */
export function gateCount(kind: CellKind): 3 | 4 {
  return kind === 'gru' ? 3 : 4;
}

function checkShape(s: CellShape): { g: number; k: number; b: number } {
  const g = s.groups ?? 1;
  if (!Number.isInteger(g) || g < 1 || s.inputSize % g !== 0 || s.hiddenSize % g !== 0) {
    throw new CellShapeError(`cell shape: groups = ${g} must be a positive integer dividing inputSize ${s.inputSize} and hiddenSize ${s.hiddenSize}`);
  }
  return { g, k: gateCount(s.kind), b: s.biasVectors ?? (s.kind === 'gru' ? 2 : 1) };
}

/**
 * Trainable parameters of a layer with g blocks of (d/g inputs, h/g units):
 * G (d h / g + h^2 / g + B h), G gates, B bias vectors per gate. For g = 1 this is
 * torch.nn.GRU's 3 (d h + h^2 + 2 h) and Keras LSTM's 4 (d h + h^2 + h).
 *
 * @example
 * parameterCount({ kind: 'gru', inputSize: 8, hiddenSize: 16 }); // 1248
 */
export function parameterCount(s: CellShape): number {
  const { g, k, b } = checkShape(s);
  const d = s.inputSize, h = s.hiddenSize;
  return k * ((d * h) / g + (h * h) / g + b * h);
}

/**
 * FLOPs of one step's matrix-vector products, 2 per multiply-add: 2 G (d h + h^2) / g. The
 * O(h) element-wise work (gates, bias additions) is not counted: it does not change with g,
 * and the paper's complexity statement (section 2.2.2) counts only the dense products.
 *
 * @example
 * flopsPerStep({ kind: 'lstm', inputSize: 8, hiddenSize: 16, groups: 4 }); // 768
 */
export function flopsPerStep(s: CellShape): number {
  const { g, k } = checkShape(s);
  return (2 * k * (s.inputSize * s.hiddenSize + s.hiddenSize * s.hiddenSize)) / g;
}

/** A width found by {@link matchedHiddenSize}. */
export interface MatchedWidth {
  readonly hiddenSize: number;
  readonly inputSize: number;
  readonly groups: number;
  readonly parameterCount: number;
  readonly flopsPerStep: number;
  /** The dense reference's counts. */
  readonly reference: { readonly parameterCount: number; readonly flopsPerStep: number };
  /** Matched quantity of the factorized cell over the dense one (<= 1, as close as the grid allows). */
  readonly ratio: number;
}

/**
 * The largest hidden width H (a multiple of g) at which a g-block factorized cell has at most
 * the parameters (`match: 'params'`) or FLOPs (`match: 'flops'`) of the given dense cell.
 *
 * With `inputTiedToHidden` the factorized layer's input width is H too (a layer in a stack
 * whose input is the previous layer's output); otherwise it keeps the dense input width
 * (which must then be divisible by g). Solved by an exact integer scan, no rounding of a
 * quadratic root. Asymptotically H ~ h sqrt(g) when both widths scale together: at equal
 * parameters the state grows by sqrt(g), not g.
 *
 * @example
 * matchedHiddenSize({ kind: 'gru', inputSize: 64, hiddenSize: 64 }, 4, 'params', { inputTiedToHidden: true }).hiddenSize; // 124
 */
export function matchedHiddenSize(
  dense: CellShape,
  groups: number,
  match: 'params' | 'flops',
  options: { inputTiedToHidden?: boolean } = {},
): MatchedWidth {
  if ((dense.groups ?? 1) !== 1) throw new CellShapeError(`matchedHiddenSize: the reference must be dense (groups 1), found ${dense.groups}`);
  const tied = options.inputTiedToHidden ?? false;
  const reference = { parameterCount: parameterCount(dense), flopsPerStep: flopsPerStep(dense) };
  if (!tied && dense.inputSize % groups !== 0) {
    throw new CellShapeError(`matchedHiddenSize: groups = ${groups} must divide the input width ${dense.inputSize} (or pass inputTiedToHidden)`);
  }
  const shape = (H: number): CellShape => ({ ...dense, hiddenSize: H, inputSize: tied ? H : dense.inputSize, groups });
  const cost = (H: number): number => (match === 'params' ? parameterCount(shape(H)) : flopsPerStep(shape(H)));
  const budget = match === 'params' ? reference.parameterCount : reference.flopsPerStep;
  let H = groups;
  if (cost(H) > budget) throw new CellShapeError(`matchedHiddenSize: even hiddenSize ${groups} exceeds the dense ${match} budget ${budget}`);
  while (cost(H + groups) <= budget) H += groups;
  const s = shape(H);
  return {
    hiddenSize: H,
    inputSize: s.inputSize,
    groups,
    parameterCount: parameterCount(s),
    flopsPerStep: flopsPerStep(s),
    reference,
    ratio: cost(H) / budget,
  };
}
