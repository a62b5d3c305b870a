/**
 * The block-diagonal context-switching cell of section 2.2.3: a factorized cell whose g
 * blocks ("experts") are gated by a small auxiliary recurrent network with g normalized
 * outputs, a recurrent mixture of experts.
 *
 * @module
 */
import { type DenseMatrix, type Matrix, toRows } from '../linalg/dense.js';
import type { DenseCell, FactorizedCell } from './factorized.js';
import { checkLength, flatMatrix, flatVector } from './internal/weights.js';
import { type Cell, type CellKind, CellShapeError } from './types.js';

/** Construction of a {@link ContextSwitchingCell}. */
export interface ContextSwitchingSpec {
  /** The g experts: a factorized cell. */
  experts: FactorizedCell;
  /** The auxiliary recurrent net; it reads the whole input x (inputSize = experts.inputSize). */
  auxiliary: DenseCell;
  /** Readout V (g x auxiliary.hiddenSize) and bias e (g): mask m = softmax(V h_aux + e). */
  readout: { weight: Matrix; bias?: readonly number[] };
  /** Scale each expert's input slice by its mask entry (default true). */
  maskInput?: boolean;
  /** Scale each expert's output slice by its mask entry (default false). */
  maskOutput?: boolean;
}

/**
 * Context-switching cell. The paper specifies: "We instantiate an auxiliary RNN with g
 * outputs. The outputs are normalized and applied as a mask to the g input subspaces and/or g
 * output subspaces." lrdkit makes the unstated choices explicit:
 *
 *     a'  = A(a, x)                                 auxiliary cell on the full input
 *     m   = softmax(V out(a') + e) in R^g           "normalized": entries > 0, sum 1
 *     x~_b = m_b x_b   (maskInput)                  input slice b of expert b
 *     s'_b = F_b(s_b, x~_b)                         experts as in the factorized cell
 *     y_b = m_b h_b    (maskOutput)                 output slice b; the carried state is unmasked
 *
 * State: [s; a] (experts' state, then the auxiliary state). The state Jacobian is block upper
 * triangular, [[dS'/dS, dS'/da], [0, dA/da]], so its spectrum is the union of the experts'
 * blocks and the auxiliary cell's; dS'/da = D S_m V P dA/da with D_b = (dF/dx~)_{:,b} x_b,
 * S_m = diag(m) - m m^T (softmax Jacobian) and P the selection of out(a') from a'.
 */
export class ContextSwitchingCell implements Cell {
  readonly kind: CellKind;
  readonly variant = 'context-switching' as const;
  readonly groups: number;
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly stateSize: number;
  readonly parameterCount: number;
  readonly flopsPerStep: number;
  readonly experts: FactorizedCell;
  readonly auxiliary: DenseCell;
  readonly maskInput: boolean;
  readonly maskOutput: boolean;
  private readonly readoutWeight: Float64Array;
  private readonly readoutBias: Float64Array;

  constructor(spec: ContextSwitchingSpec) {
    const { experts, auxiliary } = spec;
    if (auxiliary.inputSize !== experts.inputSize) {
      throw new CellShapeError(`ContextSwitchingCell: auxiliary inputSize is ${auxiliary.inputSize}, expected the experts' inputSize ${experts.inputSize}`);
    }
    this.kind = experts.kind;
    this.experts = experts;
    this.auxiliary = auxiliary;
    this.groups = experts.groups;
    this.inputSize = experts.inputSize;
    this.hiddenSize = experts.hiddenSize;
    this.stateSize = experts.stateSize + auxiliary.stateSize;
    this.maskInput = spec.maskInput ?? true;
    this.maskOutput = spec.maskOutput ?? false;
    const g = this.groups, ha = auxiliary.hiddenSize;
    this.readoutWeight = flatMatrix(spec.readout.weight, g, ha, 'ContextSwitchingCell readout weight');
    this.readoutBias = flatVector(spec.readout.bias, g, 'ContextSwitchingCell readout bias');
    this.parameterCount = experts.parameterCount + auxiliary.parameterCount + g * ha + g;
    this.flopsPerStep = experts.flopsPerStep + auxiliary.flopsPerStep + 2 * g * ha;
  }

  initialState(): Float64Array {
    return new Float64Array(this.stateSize);
  }

  /** The mask m = softmax(V out(a) + e) for an auxiliary state a. */
  mask(auxiliaryState: Float64Array): Float64Array {
    const g = this.groups, ha = this.auxiliary.hiddenSize;
    const z = new Float64Array(g);
    let zmax = -Infinity;
    for (let b = 0; b < g; b++) {
      let s = this.readoutBias[b] as number;
      for (let k = 0; k < ha; k++) s += (this.readoutWeight[b * ha + k] as number) * (auxiliaryState[k] as number);
      z[b] = s;
      if (s > zmax) zmax = s;
    }
    let sum = 0;
    for (let b = 0; b < g; b++) {
      z[b] = Math.exp((z[b] as number) - zmax);
      sum += z[b] as number;
    }
    for (let b = 0; b < g; b++) z[b] = (z[b] as number) / sum;
    return z;
  }

  output(state: Float64Array): Float64Array {
    checkLength(state, this.stateSize, 'ContextSwitchingCell.output state');
    const e = this.experts.stateSize;
    const h = this.experts.output(state.subarray(0, e));
    if (this.maskOutput) this.scaleSlices(h, this.mask(state.subarray(e)), 'hidden');
    return h;
  }

  step(state: Float64Array, input: Float64Array): Float64Array {
    const { e, aNext, xt } = this.prepare(state, input);
    const next = new Float64Array(this.stateSize);
    next.set(this.experts.step(state.subarray(0, e), xt), 0);
    next.set(aNext, e);
    return next;
  }

  jacobianDense(state: Float64Array, input: Float64Array): DenseMatrix {
    const { e, a, m, xt } = this.prepare(state, input);
    const n = this.stateSize, na = this.auxiliary.stateSize;
    const out = new Float64Array(n * n);
    const je = this.experts.jacobianDense(state.subarray(0, e), xt);
    for (let i = 0; i < e; i++) out.set(je.data.subarray(i * e, (i + 1) * e), i * n);
    const ja = this.auxiliary.jacobianDense(a, input);
    for (let i = 0; i < na; i++) out.set(ja.data.subarray(i * na, (i + 1) * na), (e + i) * n + e);
    if (this.maskInput) {
      const dm = this.maskSensitivity(m, ja); // g x na
      const D = this.inputMaskSensitivity(this.experts.inputJacobianDense(state.subarray(0, e), xt), input); // e x g
      const g = this.groups;
      for (let i = 0; i < e; i++) {
        for (let b = 0; b < g; b++) {
          const c = D[i * g + b] as number;
          if (c === 0) continue;
          for (let j = 0; j < na; j++) out[i * n + e + j] = (out[i * n + e + j] as number) + c * (dm[b * na + j] as number);
        }
      }
    }
    return { rows: n, cols: n, data: out };
  }

  inputJacobianDense(state: Float64Array, input: Float64Array): DenseMatrix {
    const { e, a, m, xt } = this.prepare(state, input);
    const n = this.stateSize, d = this.inputSize, na = this.auxiliary.stateSize;
    const out = new Float64Array(n * d);
    const ke = this.experts.inputJacobianDense(state.subarray(0, e), xt);
    for (let i = 0; i < e; i++) {
      for (let j = 0; j < d; j++) {
        out[i * d + j] = (ke.data[i * d + j] as number) * (this.maskInput ? (m[this.groupOfInput(j)] as number) : 1);
      }
    }
    const ka = this.auxiliary.inputJacobianDense(a, input);
    out.set(ka.data, e * d);
    if (this.maskInput) {
      const dm = this.maskSensitivity(m, ka); // g x d
      const D = this.inputMaskSensitivity(ke, input);
      const g = this.groups;
      for (let i = 0; i < e; i++) {
        for (let b = 0; b < g; b++) {
          const c = D[i * g + b] as number;
          if (c === 0) continue;
          for (let j = 0; j < d; j++) out[i * d + j] = (out[i * d + j] as number) + c * (dm[b * d + j] as number);
        }
      }
    }
    return { rows: n, cols: d, data: out };
  }

  jacobian(state: Float64Array, input: Float64Array): Matrix {
    return toRows(this.jacobianDense(state, input));
  }

  inputJacobian(state: Float64Array, input: Float64Array): Matrix {
    return toRows(this.inputJacobianDense(state, input));
  }

  private prepare(state: Float64Array, input: Float64Array) {
    checkLength(state, this.stateSize, 'ContextSwitchingCell state [experts; auxiliary]');
    checkLength(input, this.inputSize, 'ContextSwitchingCell input');
    const e = this.experts.stateSize;
    const a = state.subarray(e);
    const aNext = this.auxiliary.step(a, input);
    const m = this.mask(aNext);
    const xt = Float64Array.from(input);
    if (this.maskInput) this.scaleSlices(xt, m, 'input');
    return { e, a, aNext, m, xt };
  }

  /** d m / d(.) = S_m V P J for the Jacobian J of the auxiliary state (rows: aux state). */
  private maskSensitivity(m: Float64Array, j: DenseMatrix): Float64Array {
    const g = this.groups, ha = this.auxiliary.hiddenSize, cols = j.cols;
    const vj = new Float64Array(g * cols); // V P J
    for (let b = 0; b < g; b++) {
      for (let k = 0; k < ha; k++) {
        const v = this.readoutWeight[b * ha + k] as number;
        if (v === 0) continue;
        for (let c = 0; c < cols; c++) vj[b * cols + c] = (vj[b * cols + c] as number) + v * (j.data[k * cols + c] as number);
      }
    }
    const out = new Float64Array(g * cols);
    for (let c = 0; c < cols; c++) {
      let mv = 0;
      for (let b = 0; b < g; b++) mv += (m[b] as number) * (vj[b * cols + c] as number);
      for (let b = 0; b < g; b++) out[b * cols + c] = (m[b] as number) * ((vj[b * cols + c] as number) - mv);
    }
    return out;
  }

  /** D (experts' state x g) from ke = dF/dx~: column b = ke[:, slice b] x_b, the sensitivity to m_b. */
  private inputMaskSensitivity(ke: DenseMatrix, input: Float64Array): Float64Array {
    const e = this.experts.stateSize, g = this.groups, d = this.inputSize;
    const out = new Float64Array(e * g);
    for (let i = 0; i < e; i++) {
      for (let j = 0; j < d; j++) {
        const b = this.groupOfInput(j);
        out[i * g + b] = (out[i * g + b] as number) + (ke.data[i * d + j] as number) * (input[j] as number);
      }
    }
    return out;
  }

  private groupOfInput(j: number): number {
    let off = 0;
    for (let b = 0; b < this.groups; b++) {
      off += (this.experts.blocks[b] as DenseCell).inputSize;
      if (j < off) return b;
    }
    return this.groups - 1;
  }

  private scaleSlices(v: Float64Array, m: Float64Array, which: 'input' | 'hidden'): void {
    let off = 0;
    this.experts.blocks.forEach((blk, b) => {
      const size = which === 'input' ? blk.inputSize : blk.hiddenSize;
      for (let i = off; i < off + size; i++) v[i] = (v[i] as number) * (m[b] as number);
      off += size;
    });
  }
}
