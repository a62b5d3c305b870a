/**
 * The cell contract shared by every recurrent cell of lrdkit (dense, factorized,
 * context-switching; GRU and LSTM).
 *
 * @module
 */
import type { DenseMatrix, Matrix } from '../linalg/dense.js';

/** Equation family of a cell. */
export type CellKind = 'gru' | 'lstm';
/** Structure of a cell's weights. */
export type CellVariant = 'dense' | 'factorized' | 'context-switching';

/**
 * A recurrent cell s' = F(s, x) in float64.
 *
 * The state s is h for a GRU and the concatenation [h; c] for an LSTM (so `stateSize` is
 * `hiddenSize` or `2 * hiddenSize`); a context-switching cell appends the state of its
 * auxiliary network.
 */
export interface Cell {
  readonly kind: CellKind;
  readonly variant: CellVariant;
  /** Number of independent blocks g (1 for a dense cell). */
  readonly groups: number;
  readonly inputSize: number;
  /** Width of the output h. */
  readonly hiddenSize: number;
  /** Length of the state vector. */
  readonly stateSize: number;
  /** Trainable parameters, counted in the layout the weights came from (bias vectors included). */
  readonly parameterCount: number;
  /** Floating-point operations of one step's matrix-vector products (2 per multiply-add). */
  readonly flopsPerStep: number;
  /** The zero state. */
  initialState(): Float64Array;
  /** Next state F(s, x). */
  step(state: Float64Array, input: Float64Array): Float64Array;
  /** The output h read from a state (the first `hiddenSize` entries, masked for context switching). */
  output(state: Float64Array): Float64Array;
  /** d F(s, x) / d s, stateSize x stateSize, row-major (row i: d s'_i / d s). */
  jacobian(state: Float64Array, input: Float64Array): Matrix;
  /** d F(s, x) / d x, stateSize x inputSize, row-major. */
  inputJacobian(state: Float64Array, input: Float64Array): Matrix;
  /** {@link Cell.jacobian} in the dense working format (no copy to nested arrays). */
  jacobianDense(state: Float64Array, input: Float64Array): DenseMatrix;
  /** {@link Cell.inputJacobian} in the dense working format. */
  inputJacobianDense(state: Float64Array, input: Float64Array): DenseMatrix;
  /**
   * Optional: n steps at once, states n x stateSize and inputs n x inputSize row-major; row b
   * of the result equals `step(states row b, inputs row b)` bit for bit. Dense and factorized
   * GRU/LSTM cells implement it (`preactivations` receives their sigmoid gates' pre-activations,
   * see GruCell.stepBatch).
   */
  stepBatch?(states: Float64Array, inputs: Float64Array, n: number, out?: Float64Array, preactivations?: Float64Array): Float64Array;
}

/**
 * Weights of one gate in canonical orientation: pre-activation
 * a = W x + b + U h + c, with W (hiddenSize x inputSize) and U (hiddenSize x hiddenSize)
 * row-major, b the input bias and c the recurrent bias (zero where the layout has one bias).
 */
export interface GateWeights {
  readonly input: Float64Array;
  readonly recurrent: Float64Array;
  readonly inputBias: Float64Array;
  readonly recurrentBias: Float64Array;
}

/** One gate's weights as users supply them (W: hidden x input, U: hidden x hidden, row-major). */
export interface GateSpec {
  input: Matrix;
  recurrent: Matrix;
  inputBias?: readonly number[];
  recurrentBias?: readonly number[];
}

/** Error for weights or vectors whose shape or values do not fit the cell. */
export class CellShapeError extends Error {
  override name = 'CellShapeError';
}
