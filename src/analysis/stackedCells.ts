/**
 * Multi-layer recurrent networks as one {@link Cell} (layer l + 1 reads layer l's output at
 * the same step), the output Jacobian d out / d s of every cell, and the decomposition of a
 * cell into the dense GRU/LSTM units whose Jacobians are the diagonal blocks of its own.
 *
 * @module
 */
import { ContextSwitchingCell } from '../cells/contextSwitching.js';
import { type DenseCell, FactorizedCell } from '../cells/factorized.js';
import { GruCell } from '../cells/gru.js';
import { LstmCell } from '../cells/lstm.js';
import type { Cell, CellKind, CellVariant } from '../cells/types.js';
import { type DenseMatrix, type Matrix, multiply, toRows } from '../linalg/dense.js';
import { AnalysisInputError } from './errors.js';

/**
 * A stack of L recurrent cells: layer 1 reads the input x, layer l + 1 reads the output of
 * layer l after its update at the same step (the usual multi-layer GRU/LSTM):
 *
 *     s_1' = F_1(s_1, x),   x_{l+1} = out_l(s_l'),   s_{l+1}' = F_{l+1}(s_{l+1}, x_{l+1})
 *
 * State s = [s_1; ...; s_L] (each layer's own layout), output out_L(s_L). The state Jacobian
 * is block lower triangular (chain rule):
 *
 *     d s_l' / d s_l = J_l   (the layer's own Jacobian at (s_l, x_l))
 *     d s_l' / d s_m = K_l P_{l-1} (d s_{l-1}' / d s_m)     for m < l
 *
 * with K_l = d F_l / d x (input Jacobian) and P_l = d out_l / d s_l' (a selection matrix, or
 * the masked readout of a context-switching layer); so its spectrum is the union of the
 * layers' spectra. `groups` is 1 (the Jacobian is not block diagonal), `kind` is the layers'
 * common kind (layers of different kinds are refused), `variant` is the layers' common
 * variant or 'dense' when they differ (see `layers`).
 *
 * References: R. Pascanu, C. Gulcehre, K. Cho, Y. Bengio, How to construct deep recurrent
 * neural networks, ICLR 2014, arXiv:1312.6026; A. Graves, A. Mohamed, G. Hinton, Speech
 * recognition with deep recurrent neural networks, ICASSP 2013, doi:10.1109/ICASSP.2013.6638947.
 *
 * @example
 * const net = new StackedCell([gru16x32, gru32x32]); // inputSize 16, stateSize 64, hiddenSize 32
 * net.output(net.step(net.initialState(), x)).length; // 32
 */
export class StackedCell implements Cell {
  readonly kind: CellKind;
  readonly variant: CellVariant;
  readonly groups = 1;
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly stateSize: number;
  readonly parameterCount: number;
  readonly flopsPerStep: number;
  readonly layers: readonly Cell[];
  /** Offset of layer l's state in the stacked state (length L + 1, last = stateSize). */
  readonly stateOffsets: readonly number[];

  constructor(layers: readonly Cell[]) {
    const first = layers[0];
    if (!first) throw new AnalysisInputError('StackedCell: layers has 0 cells, expected at least 1');
    layers.forEach((layer, l) => {
      if (layer.kind !== first.kind) throw new AnalysisInputError(`StackedCell: layer ${l} is a ${layer.kind}, expected ${first.kind} like layer 0`);
      if (l > 0) {
        const prev = layers[l - 1] as Cell;
        if (layer.inputSize !== prev.hiddenSize) throw new AnalysisInputError(`StackedCell: layer ${l} has inputSize ${layer.inputSize}, expected ${prev.hiddenSize} (layer ${l - 1}'s hiddenSize)`);
      }
    });
    this.layers = layers;
    this.kind = first.kind;
    this.variant = layers.every((c) => c.variant === first.variant) ? first.variant : 'dense';
    this.inputSize = first.inputSize;
    this.hiddenSize = (layers[layers.length - 1] as Cell).hiddenSize;
    const offsets = [0];
    for (const c of layers) offsets.push((offsets[offsets.length - 1] as number) + c.stateSize);
    this.stateOffsets = offsets;
    this.stateSize = offsets[layers.length] as number;
    this.parameterCount = layers.reduce((s, c) => s + c.parameterCount, 0);
    this.flopsPerStep = layers.reduce((s, c) => s + c.flopsPerStep, 0);
  }

  initialState(): Float64Array {
    const s = new Float64Array(this.stateSize);
    this.layers.forEach((c, l) => s.set(c.initialState(), this.stateOffsets[l] as number));
    return s;
  }

  /** Layer l's state (a copy) from the stacked state. */
  layerState(state: Float64Array, l: number): Float64Array {
    this.checkState(state);
    const o = this.stateOffsets[l];
    if (o === undefined || l >= this.layers.length) throw new AnalysisInputError(`StackedCell.layerState: layer is ${l}, expected 0..${this.layers.length - 1}`);
    return state.slice(o, this.stateOffsets[l + 1] as number);
  }

  output(state: Float64Array): Float64Array {
    const last = this.layers.length - 1;
    return (this.layers[last] as Cell).output(this.layerState(state, last));
  }

  /** The input each layer reads at this step: x_1 = x, x_{l+1} = out_l(F_l(s_l, x_l)). */
  layerInputs(state: Float64Array, input: Float64Array): Float64Array[] {
    return this.forward(state, input).inputs;
  }

  step(state: Float64Array, input: Float64Array): Float64Array {
    return this.forward(state, input).next;
  }

  /** Each layer's own state Jacobian J_l at (s_l, x_l): the diagonal blocks of {@link StackedCell.jacobianDense}. */
  layerJacobians(state: Float64Array, input: Float64Array): DenseMatrix[] {
    const { inputs } = this.forward(state, input);
    return this.layers.map((c, l) => c.jacobianDense(this.layerState(state, l), inputs[l] as Float64Array));
  }

  jacobianDense(state: Float64Array, input: Float64Array): DenseMatrix {
    return this.chain(state, input, 'state');
  }

  inputJacobianDense(state: Float64Array, input: Float64Array): DenseMatrix {
    return this.chain(state, input, 'input');
  }

  jacobian(state: Float64Array, input: Float64Array): Matrix {
    return toRows(this.jacobianDense(state, input));
  }

  inputJacobian(state: Float64Array, input: Float64Array): Matrix {
    return toRows(this.inputJacobianDense(state, input));
  }

  private checkState(state: Float64Array): void {
    if (!(state instanceof Float64Array) || state.length !== this.stateSize) {
      throw new AnalysisInputError(`StackedCell: state has length ${state ? state.length : 'none'}, expected ${this.stateSize} (sum of the layers' stateSize)`);
    }
  }

  private forward(state: Float64Array, input: Float64Array): { next: Float64Array; inputs: Float64Array[]; nexts: Float64Array[] } {
    this.checkState(state);
    if (!(input instanceof Float64Array) || input.length !== this.inputSize) {
      throw new AnalysisInputError(`StackedCell: input has length ${input ? input.length : 'none'}, expected ${this.inputSize} (layer 0's inputSize)`);
    }
    const next = new Float64Array(this.stateSize);
    const inputs: Float64Array[] = [];
    const nexts: Float64Array[] = [];
    let x = input;
    this.layers.forEach((c, l) => {
      inputs.push(x);
      const o = this.stateOffsets[l] as number;
      const sl = c.step(state.slice(o, this.stateOffsets[l + 1] as number), x);
      nexts.push(sl);
      next.set(sl, o);
      x = c.output(sl);
    });
    return { next, inputs, nexts };
  }

  /**
   * d s' / d s (which = 'state', N x N) or d s' / d x (which = 'input', N x d) by the chain
   * rule, row block by row block: R_1 = J_1 (resp. K_1); R_l = K_l G_{l-1} (+ J_l on the
   * diagonal) with G_l = P_l R_l = d x_{l+1} / d(s or x).
   */
  private chain(state: Float64Array, input: Float64Array, which: 'state' | 'input'): DenseMatrix {
    const { inputs, nexts } = this.forward(state, input);
    const n = this.stateSize;
    const cols = which === 'state' ? n : this.inputSize;
    const out = new Float64Array(n * cols);
    let g: DenseMatrix | undefined; // d x_l / d(var), rows = layer l's inputSize
    this.layers.forEach((c, l) => {
      const o = this.stateOffsets[l] as number, nl = c.stateSize;
      const sl = state.subarray(o, o + nl);
      const xl = inputs[l] as Float64Array;
      // rows of this layer: K_l g (through the input), plus J_l on the diagonal (state case)
      const rows = new Float64Array(nl * cols);
      if (l === 0 && which === 'input') {
        rows.set(c.inputJacobianDense(sl, xl).data);
      } else if (g !== undefined) {
        rows.set(multiply(c.inputJacobianDense(sl, xl), g).data);
      }
      if (which === 'state') {
        const jl = c.jacobianDense(sl, xl);
        for (let i = 0; i < nl; i++) {
          for (let j = 0; j < nl; j++) rows[i * cols + o + j] = (rows[i * cols + o + j] as number) + (jl.data[i * nl + j] as number);
        }
      }
      out.set(rows, o * cols);
      if (l + 1 < this.layers.length) g = multiply(outputJacobianDense(c, nexts[l] as Float64Array), { rows: nl, cols, data: rows });
    });
    return { rows: n, cols, data: out };
  }
}

/**
 * The output Jacobian d out(s) / d s (hiddenSize x stateSize) of a cell at state s.
 *
 * Method: for GRU, LSTM, factorized cells and context-switching cells without output mask,
 * out(s) is the first hiddenSize entries of s (the Cell contract), so the Jacobian is the
 * selection [I 0]. For a context-switching cell with maskOutput, y_i = m_b(i) h_i with
 * m = softmax(V out(a) + e) of the auxiliary state a, so dy_i/dh_i = m_b and
 * dy_i/da_k = h_i (S_m V)_{b k} for k < auxiliary hiddenSize, S_m = diag(m) - m m^T. For a
 * {@link StackedCell}, the last layer's output Jacobian placed at its state offset. A cell
 * that has its own `outputJacobianDense(state)` method is asked first.
 *
 * References: C. M. Bishop, Pattern Recognition and Machine Learning, Springer 2006,
 * section 4.3.4 (softmax derivative), ISBN 978-0-387-31073-2; doi:10.1007/978-0-387-45528-0.
 *
 * @throws AnalysisInputError for a state of the wrong length, or a masked context-switching
 *   cell whose readout weights cannot be read
 * @example
 * outputJacobianDense(lstm, s).data; // 2 x 4 for hiddenSize 2: [1, 0, 0, 0, 0, 1, 0, 0]
 */
export function outputJacobianDense(cell: Cell, state: Float64Array): DenseMatrix {
  const fn = 'outputJacobianDense';
  if (!(state instanceof Float64Array) || state.length !== cell.stateSize) {
    throw new AnalysisInputError(`${fn}: state has length ${state ? state.length : 'none'}, expected ${cell.stateSize} (the cell's stateSize)`);
  }
  const own = (cell as unknown as { outputJacobianDense?: (s: Float64Array) => DenseMatrix }).outputJacobianDense;
  if (typeof own === 'function') return own.call(cell, state);
  const h = cell.hiddenSize, n = cell.stateSize;
  const out = new Float64Array(h * n);
  if (cell instanceof StackedCell) {
    const last = cell.layers.length - 1;
    const o = cell.stateOffsets[last] as number;
    const layer = cell.layers[last] as Cell;
    const p = outputJacobianDense(layer, cell.layerState(state, last));
    for (let i = 0; i < h; i++) out.set(p.data.subarray(i * p.cols, (i + 1) * p.cols), i * n + o);
    return { rows: h, cols: n, data: out };
  }
  if (cell instanceof ContextSwitchingCell && cell.maskOutput) {
    const e = cell.experts.stateSize, g = cell.groups, ha = cell.auxiliary.hiddenSize;
    const v = (cell as unknown as { readoutWeight?: unknown }).readoutWeight;
    if (!(v instanceof Float64Array) || v.length !== g * ha) {
      throw new AnalysisInputError(`${fn}: context-switching cell readout weights are not readable, expected a ${g} x ${ha} Float64Array (give the cell an outputJacobianDense method)`);
    }
    const a = state.subarray(e);
    const m = cell.mask(a);
    // S_m V: row b = m_b (V_b - sum_c m_c V_c)
    const mv = new Float64Array(ha);
    for (let c = 0; c < g; c++) for (let k = 0; k < ha; k++) mv[k] = (mv[k] as number) + (m[c] as number) * (v[c * ha + k] as number);
    let i = 0;
    cell.experts.blocks.forEach((blk, b) => {
      const mb = m[b] as number;
      for (let r = 0; r < blk.hiddenSize; r++, i++) {
        const hi = state[i] as number;
        out[i * n + i] = mb;
        for (let k = 0; k < ha; k++) out[i * n + e + k] = hi * mb * ((v[b * ha + k] as number) - (mv[k] as number));
      }
    });
    return { rows: h, cols: n, data: out };
  }
  for (let i = 0; i < h; i++) out[i * n + i] = 1;
  return { rows: h, cols: n, data: out };
}

/** A dense GRU or LSTM inside a cell (a block, a layer, an expert block, the auxiliary net). */
export interface CellUnit<C extends Cell = Cell> {
  /** Where it sits: 'cell', 'block 2', 'layer 1 / block 0', 'auxiliary', ... */
  readonly label: string;
  readonly cell: C;
}

/** A unit with the state it holds and the input it reads at one step. */
export interface CellUnitAt<C extends Cell = Cell> extends CellUnit<C> {
  readonly state: Float64Array;
  readonly input: Float64Array;
}

/**
 * The units of a cell: the dense GRU/LSTM sub-cells whose state Jacobians are the diagonal
 * blocks of the cell's (after a permutation of the state), so that the spectrum of the cell's
 * Jacobian is the union of the units' spectra.
 *
 * Method: a dense cell is one unit; a factorized cell's g blocks (block diagonal Jacobian);
 * a context-switching cell's expert blocks and its auxiliary net (block upper triangular);
 * a {@link StackedCell}'s layers' units, labelled by layer (block lower triangular). Any other
 * cell is one unit (its Jacobian taken whole).
 *
 * References: G. H. Golub & C. F. Van Loan, Matrix Computations, 4th ed., Johns Hopkins 2013,
 * section 7.1 (spectra of block triangular matrices), ISBN 978-1-4214-0794-4.
 *
 * @example
 * cellUnits(new StackedCell([gru, factorizedGru4])).map((u) => u.label);
 * // ['layer 0', 'layer 1 / block 0', 'layer 1 / block 1', 'layer 1 / block 2', 'layer 1 / block 3']
 */
export function cellUnits(cell: Cell): CellUnit[] {
  if (cell instanceof GruCell || cell instanceof LstmCell) return [{ label: 'cell', cell }];
  if (cell instanceof FactorizedCell) return cell.blocks.map((b, i) => ({ label: `block ${i}`, cell: b }));
  if (cell instanceof ContextSwitchingCell) {
    return [...cell.experts.blocks.map((b, i) => ({ label: `expert ${i}`, cell: b as Cell })), { label: 'auxiliary', cell: cell.auxiliary }];
  }
  if (cell instanceof StackedCell) {
    return cell.layers.flatMap((layer, l) =>
      cellUnits(layer).map((u) => ({ label: u.label === 'cell' ? `layer ${l}` : `layer ${l} / ${u.label}`, cell: u.cell })),
    );
  }
  return [{ label: 'cell', cell }];
}

/**
 * The units of {@link cellUnits} with the state each holds and the input each reads when the
 * cell steps from `state` with `input` (a context-switching expert reads its masked input
 * slice m_b x_b; a layer of a stack reads the previous layer's new output).
 *
 * Method: as {@link cellUnits}; the mask of a context-switching cell is m =
 * softmax(V out(a') + e) with a' the auxiliary net's next state, as in its step.
 *
 * References: see {@link cellUnits}.
 *
 * @example
 * cellUnitsAt(factorizedGru4, s, x)[2].input; // x's third slice
 */
export function cellUnitsAt(cell: Cell, state: Float64Array, input: Float64Array): CellUnitAt[] {
  if (cell instanceof GruCell || cell instanceof LstmCell) return [{ label: 'cell', cell, state, input }];
  if (cell instanceof FactorizedCell) {
    return cell.blocks.map((b, i) => ({ label: `block ${i}`, cell: b, state: cell.blockState(state, i), input: cell.blockInput(input, i).slice() }));
  }
  if (cell instanceof ContextSwitchingCell) {
    const e = cell.experts.stateSize;
    const s = state.slice(0, e), a = state.slice(e);
    let xt = input;
    if (cell.maskInput) {
      const m = cell.mask(cell.auxiliary.step(a, input));
      xt = Float64Array.from(input);
      let off = 0;
      cell.experts.blocks.forEach((blk, b) => {
        for (let j = off; j < off + blk.inputSize; j++) xt[j] = (xt[j] as number) * (m[b] as number);
        off += blk.inputSize;
      });
    }
    return [
      ...cell.experts.blocks.map((b, i) => ({ label: `expert ${i}`, cell: b as Cell, state: cell.experts.blockState(s, i), input: cell.experts.blockInput(xt, i).slice() })),
      { label: 'auxiliary', cell: cell.auxiliary, state: a, input },
    ];
  }
  if (cell instanceof StackedCell) {
    const inputs = cell.layerInputs(state, input);
    return cell.layers.flatMap((layer, l) =>
      cellUnitsAt(layer, cell.layerState(state, l), inputs[l] as Float64Array).map((u) => ({ ...u, label: u.label === 'cell' ? `layer ${l}` : `layer ${l} / ${u.label}` })),
    );
  }
  return [{ label: 'cell', cell, state, input }];
}

/**
 * True for the dense GRU/LSTM cells whose gate weights can be read (the units that Lemma 1.2
 * and the rho(U) report apply to).
 *
 * Method: `instanceof GruCell || instanceof LstmCell`.
 *
 * References: see {@link cellUnits}.
 *
 * @example
 * isDenseCell(randomDenseCell(createRng(1), { kind: 'gru', inputSize: 2, hiddenSize: 3 })); // true
 * isDenseCell(new StackedCell([gru])); // false
 */
export function isDenseCell(cell: Cell): cell is DenseCell {
  return cell instanceof GruCell || cell instanceof LstmCell;
}
