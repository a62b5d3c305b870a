/**
 * `lrdkit/cells`: GRU and LSTM cells in the Keras and PyTorch layouts, with analytic Jacobians;
 * factorized (block-diagonal) and context-switching cells; parameter and FLOP counts and the
 * widths that match a dense cell; seeded random cells.
 *
 * @example
 * ```ts
 * import { gruFromPytorch } from 'lrdkit/cells';
 * const cell = gruFromPytorch({ weightIh: [[1], [2], [3]], weightHh: [[0.5], [0.1], [0.2]] });
 * cell.step(new Float64Array([0.1]), new Float64Array([1])).length; // 1
 * ```
 *
 * @module lrdkit/cells
 */
export type { Cell, CellKind, CellVariant, GateSpec, GateWeights } from '../cells/types.js';
export { CellShapeError } from '../cells/types.js';
export { KERAS_GRU_GATE_ORDER, KERAS_LSTM_GATE_ORDER, PYTORCH_GRU_GATE_ORDER, PYTORCH_LSTM_GATE_ORDER } from '../cells/layouts.js';
export type { GruSpec, GruWeights } from '../cells/gru.js';
export { GruCell } from '../cells/gru.js';
export type { LstmSpec, LstmWeights } from '../cells/lstm.js';
export { LstmCell } from '../cells/lstm.js';
export type { KerasRecurrentWeights, PytorchRecurrentWeights } from '../cells/frameworks.js';
export { gruFromKeras, gruFromPytorch, lstmFromKeras, lstmFromPytorch, toKeras, toPytorch } from '../cells/frameworks.js';
export type { DenseCell } from '../cells/factorized.js';
export { FactorizedCell, factorize } from '../cells/factorized.js';
export type { ContextSwitchingSpec } from '../cells/contextSwitching.js';
export { ContextSwitchingCell } from '../cells/contextSwitching.js';
export type { CellShape, MatchedWidth } from '../cells/counts.js';
export { flopsPerStep, gateCount, matchedHiddenSize, parameterCount } from '../cells/counts.js';
export type { RandomCellOptions } from '../cells/random.js';
export { randomContextSwitchingCell, randomDenseCell, randomFactorizedCell } from '../cells/random.js';
export { sigmoid } from '../cells/activations.js';
