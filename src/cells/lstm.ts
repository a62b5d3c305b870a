/**
 * The long short-term memory cell (LSTM) in float64 with its analytic Jacobians.
 *
 * @module
 */
import { type DenseMatrix, type Matrix, toRows } from '../linalg/dense.js';
import { sigmoid } from './activations.js';
import { addDiagonal, addScaledRows } from './internal/rows.js';
import { matMulRows } from '../linalg/internal/kernels.js';
import { type WasmArena, gemm, simdArena, transposed } from '../linalg/internal/simd.js';
import { checkCellSize, checkLength, inputAffine, matVec, toGateWeights } from './internal/weights.js';
import { type Cell, CellShapeError, type GateSpec, type GateWeights } from './types.js';

/** An LSTM in canonical form: gates i (input), f (forget), g (candidate), o (output). */
export interface LstmSpec {
  inputSize: number;
  hiddenSize: number;
  /** Bias vectors per gate in the source layout, for parameter counting (Keras 1, PyTorch 2; default 1). */
  biasVectors?: 1 | 2;
  i: GateSpec;
  f: GateSpec;
  g: GateSpec;
  o: GateSpec;
}

/** Canonical LSTM weights as stored by {@link LstmCell}. */
export interface LstmWeights {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly biasVectors: 1 | 2;
  readonly i: GateWeights;
  readonly f: GateWeights;
  readonly g: GateWeights;
  readonly o: GateWeights;
}

const GATES = ['i', 'f', 'g', 'o'] as const;

/**
 * LSTM cell with state s = [h; c] in R^{2H} (h the output, c the memory cell), input x in R^D.
 *
 * Equations (Hochreiter & Schmidhuber 1997 with the forget gate of Gers et al. 2000; the
 * Keras and PyTorch cell):
 *
 *     i  = sigma(W_i x + b_i + U_i h + c_i)      input gate
 *     f  = sigma(W_f x + b_f + U_f h + c_f)      forget gate
 *     g  = tanh (W_g x + b_g + U_g h + c_g)      candidate (the paper's c~)
 *     o  = sigma(W_o x + b_o + U_o h + c_o)      output gate
 *     c' = f * c + i * g
 *     h' = o * tanh(c')
 *
 * The paper's eq. (7) writes c_t = f_t c~_t + i_t c_{t-1}, swapping the roles of f and i; the
 * standard cell is used here (see proofs/). With tau = tanh(c') and
 * dc'/dh = diag(c f (1-f)) U_f + diag(g i (1-i)) U_i + diag(i (1-g^2)) U_g, the state Jacobian
 * in the [h; c] ordering is
 *
 *     [ diag(tau o (1-o)) U_o + diag(o (1-tau^2)) dc'/dh    diag(o (1-tau^2) f) ]
 *     [ dc'/dh                                              diag(f)             ]
 *
 * and the input Jacobian replaces U_k by W_k (no c column).
 *
 * References: S. Hochreiter, J. Schmidhuber, Long short-term memory, Neural Computation 9(8)
 * 1997, doi:10.1162/neco.1997.9.8.1735; F.A. Gers, J. Schmidhuber, F. Cummins, Learning to
 * forget, Neural Computation 12(10) 2000, doi:10.1162/089976600300015015.
 */
export class LstmCell implements Cell {
  readonly kind = 'lstm' as const;
  readonly variant = 'dense' as const;
  readonly groups = 1;
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly stateSize: number;
  readonly parameterCount: number;
  readonly flopsPerStep: number;
  readonly weights: LstmWeights;

  constructor(spec: LstmSpec | LstmWeights) {
    const d = spec.inputSize, h = spec.hiddenSize;
    checkCellSize(d, h, 'LstmCell');
    const biasVectors = spec.biasVectors ?? 1;
    const gate = (g: GateSpec | GateWeights, name: string): GateWeights => toGateWeights(g, h, d, `LstmCell gate ${name}`);
    this.weights = { inputSize: d, hiddenSize: h, biasVectors, i: gate(spec.i, 'i'), f: gate(spec.f, 'f'), g: gate(spec.g, 'g'), o: gate(spec.o, 'o') };
    this.inputSize = d;
    this.hiddenSize = h;
    this.stateSize = 2 * h;
    this.parameterCount = 4 * (h * d + h * h + biasVectors * h);
    this.flopsPerStep = 2 * 4 * (h * d + h * h);
  }

  initialState(): Float64Array {
    return new Float64Array(this.stateSize);
  }

  output(state: Float64Array): Float64Array {
    checkLength(state, this.stateSize, 'LstmCell.output state');
    return state.slice(0, this.hiddenSize);
  }

  step(state: Float64Array, input: Float64Array): Float64Array {
    return this.forward(state, input).next;
  }

  /**
   * Steps n sequences at once: row b of the result is `step(states row b, inputs row b)`, bit
   * for bit (every dot product is summed in the order of {@link LstmCell.step}; the rows of the
   * weight matrices are only reused across the batch).
   *
   * @param states - n x 2 hiddenSize ([h; c] per row), row-major
   * @param inputs - n x inputSize, row-major
   * @param n - number of sequences (rows)
   * @param out - optional n x 2 hiddenSize result buffer (must not alias `states`)
   * @param preactivations - optional n x 3 hiddenSize buffer: row b receives the sigmoid gates'
   *   pre-activations [a_i | a_f | a_o] exactly as the step sums them (sigma(a) are its gates)
   * @returns `out` (or a new array) with the n next states
   * @throws CellShapeError for buffers of the wrong length
   */
  stepBatch(states: Float64Array, inputs: Float64Array, n: number, out?: Float64Array, preactivations?: Float64Array): Float64Array {
    const h = this.hiddenSize, d = this.inputSize, sz = 2 * h;
    if (!Number.isSafeInteger(n) || n < 0) throw new CellShapeError(`LstmCell.stepBatch: n is ${String(n)}, expected an integer >= 0`);
    checkLength(states, n * sz, 'LstmCell.stepBatch states (n x 2 hiddenSize)');
    checkLength(inputs, n * d, 'LstmCell.stepBatch inputs (n x inputSize)');
    const next = out ?? new Float64Array(n * sz);
    checkLength(next, n * sz, 'LstmCell.stepBatch out (n x 2 hiddenSize)');
    if (next === states) throw new CellShapeError('LstmCell.stepBatch: out aliases states, expected a separate buffer');
    if (preactivations) checkLength(preactivations, n * 3 * h, 'LstmCell.stepBatch preactivations (n x 3 hiddenSize)');
    const arena = n > 0 ? simdArena() : null;
    if (arena) {
      this.stepBatchSimd(arena, states, inputs, n, next, preactivations);
      return next;
    }
    const m = n * h;
    if (this.scratchBuffer.length < 4 * m) this.scratchBuffer = new Float64Array(4 * m);
    const buf = this.scratchBuffer;
    const pre = GATES.map((name, k) => {
      const gw = this.weights[name];
      const a = buf.subarray(k * m, (k + 1) * m);
      // (W x + b), then + U h term by term, then + c: the order of the step.
      matMulRows(gw.input, h, d, inputs, d, 0, n, a, h, 0, false);
      for (let b = 0; b < n; b++) for (let j = 0; j < h; j++) a[b * h + j] = (a[b * h + j] as number) + (gw.inputBias[j] as number);
      matMulRows(gw.recurrent, h, h, states, sz, 0, n, a, h, 0, true);
      for (let b = 0; b < n; b++) for (let j = 0; j < h; j++) a[b * h + j] = (a[b * h + j] as number) + (gw.recurrentBias[j] as number);
      return a;
    }) as [Float64Array, Float64Array, Float64Array, Float64Array];
    const [ai, af, ag, ao] = pre;
    for (let b = 0; b < n; b++) {
      const o = b * h, so = b * sz, p = 3 * b * h;
      for (let j = 0; j < h; j++) {
        if (preactivations) {
          preactivations[p + j] = ai[o + j] as number;
          preactivations[p + h + j] = af[o + j] as number;
          preactivations[p + 2 * h + j] = ao[o + j] as number;
        }
        const i = sigmoid(ai[o + j] as number);
        const f = sigmoid(af[o + j] as number);
        const g = Math.tanh(ag[o + j] as number);
        const og = sigmoid(ao[o + j] as number);
        const c = f * (states[so + h + j] as number) + i * g;
        next[so + h + j] = c;
        next[so + j] = og * Math.tanh(c);
      }
    }
    return next;
  }

  private scratchBuffer: Float64Array = new Float64Array(0);

  /** Keys of the resident (WebAssembly memory) copies of the stacked, transposed weights. */
  private readonly residentKeys = { all: {} };

  /**
   * Element indices of the resident stacked, transposed weights (see {@link LstmCell.stepBatchSimd}),
   * one block uploaded together: [W_i; W_f; W_g; W_o]^T (d x 4h) | [U_i; U_f; U_g; U_o]^T (h x 4h).
   */
  private residents(arena: WasmArena): { wi: number; wh: number } {
    const h = this.hiddenSize, d = this.inputSize, h4 = 4 * h;
    const w = this.weights;
    const at = arena.resident(this.residentKeys.all, () => {
      const out = new Float64Array((d + h) * h4);
      GATES.forEach((name, g) => {
        transposed(w[name].input, h, d, out, g * h, h4);
        transposed(w[name].recurrent, h, h, out, d * h4 + g * h, h4);
      });
      return out;
    });
    return { wi: at, wh: at + d * h4 };
  }


  /**
   * The four gates' pre-activations of {@link LstmCell.forward} (W x, + b, + U h continued, + c)
   * through the SIMD kernel for one state (the same sums, the same bits).
   */
  private preactivationsSimd(arena: WasmArena, state: Float64Array, input: Float64Array): [Float64Array, Float64Array, Float64Array, Float64Array] {
    const h = this.hiddenSize, d = this.inputSize, h4 = 4 * h;
    const w = this.weights;
    const { wi, wh } = this.residents(arena);
    const mark = arena.mark();
    try {
      const X = arena.alloc(d), S = arena.alloc(h), A = arena.alloc(h4);
      const f = arena.f64;
      f.set(input, X);
      f.set(state.subarray(0, h), S);
      gemm(arena.kernels, X, d, 1, wi, h4, A, h4, 1, h4, d, false);
      GATES.forEach((name, g) => {
        const bias = w[name].inputBias;
        for (let j = 0; j < h; j++) f[A + g * h + j] = (f[A + g * h + j] as number) + (bias[j] as number);
      });
      gemm(arena.kernels, S, h, 1, wh, h4, A, h4, 1, h4, h, true);
      return GATES.map((name, g) => {
        const bias = w[name].recurrentBias;
        const a = new Float64Array(h);
        for (let j = 0; j < h; j++) a[j] = (f[A + g * h + j] as number) + (bias[j] as number);
        return a;
      }) as [Float64Array, Float64Array, Float64Array, Float64Array];
    } finally {
      arena.release(mark);
    }
  }

  /**
   * stepBatch through the WebAssembly SIMD kernel (simd.ts): the same dot products in the same
   * order, so the same bits. Stacked weights [W_i; W_f; W_g; W_o]^T (d x 4h) and
   * [U_i; U_f; U_g; U_o]^T (h x 4h), transposed once and kept resident. Per step:
   * A = X [W]^T, A += b, A += H [U]^T (accumulated onto the same sums), A += c, then the
   * gates elementwise as in the JS path.
   */
  private stepBatchSimd(arena: WasmArena, states: Float64Array, inputs: Float64Array, n: number, next: Float64Array, preactivations: Float64Array | undefined): void {
    const h = this.hiddenSize, d = this.inputSize, sz = 2 * h, h4 = 4 * h;
    const w = this.weights;
    const { wi, wh } = this.residents(arena);
    const kernels = arena.kernels;
    const mark = arena.mark();
    try {
      const X = arena.alloc(n * d), S = arena.alloc(n * sz), A = arena.alloc(n * h4);
      const f = arena.f64;
      f.set(inputs.subarray(0, n * d), X);
      f.set(states.subarray(0, n * sz), S);
      gemm(kernels, X, d, 1, wi, h4, A, h4, n, h4, d, false);
      GATES.forEach((name, g) => {
        const bias = w[name].inputBias;
        for (let b = 0; b < n; b++) {
          const a = A + b * h4 + g * h;
          for (let j = 0; j < h; j++) f[a + j] = (f[a + j] as number) + (bias[j] as number);
        }
      });
      gemm(kernels, S, sz, 1, wh, h4, A, h4, n, h4, h, true);
      GATES.forEach((name, g) => {
        const bias = w[name].recurrentBias;
        for (let b = 0; b < n; b++) {
          const a = A + b * h4 + g * h;
          for (let j = 0; j < h; j++) f[a + j] = (f[a + j] as number) + (bias[j] as number);
        }
      });
      for (let b = 0; b < n; b++) {
        const a = A + b * h4, so = b * sz, p = 3 * b * h;
        for (let j = 0; j < h; j++) {
          const ai = f[a + j] as number, af = f[a + h + j] as number, ag = f[a + 2 * h + j] as number, ao = f[a + 3 * h + j] as number;
          if (preactivations) {
            preactivations[p + j] = ai;
            preactivations[p + h + j] = af;
            preactivations[p + 2 * h + j] = ao;
          }
          const i = sigmoid(ai);
          const fg = sigmoid(af);
          const g = Math.tanh(ag);
          const og = sigmoid(ao);
          const c = fg * (states[so + h + j] as number) + i * g;
          next[so + h + j] = c;
          next[so + j] = og * Math.tanh(c);
        }
      }
    } finally {
      arena.release(mark);
    }
  }

  /** Gate values of the step from (state, input): input i, forget f, candidate g, output o. */
  gates(state: Float64Array, input: Float64Array): { i: Float64Array; f: Float64Array; g: Float64Array; o: Float64Array } {
    const { i, f, g, o } = this.forward(state, input);
    return { i, f, g, o };
  }

  jacobian(state: Float64Array, input: Float64Array): Matrix {
    return toRows(this.jacobianDense(state, input));
  }

  inputJacobian(state: Float64Array, input: Float64Array): Matrix {
    return toRows(this.inputJacobianDense(state, input));
  }

  jacobianDense(state: Float64Array, input: Float64Array): DenseMatrix {
    const h = this.hiddenSize, n = 2 * h;
    const w = this.weights;
    const k = this.coefficients(state, input);
    const out = new Float64Array(n * n);
    // rows h..2h-1: dc'/dh, dc'/dc
    addScaledRows(out, n, h, 0, k.cf, w.f.recurrent, h, h);
    addScaledRows(out, n, h, 0, k.ci, w.i.recurrent, h, h);
    addScaledRows(out, n, h, 0, k.cg, w.g.recurrent, h, h);
    addDiagonal(out, n, h, h, k.f);
    // rows 0..h-1: dh'/dh = diag(tau o (1-o)) U_o + diag(o (1-tau^2)) dc'/dh; dh'/dc = diag(o (1-tau^2) f)
    addScaledRows(out, n, 0, 0, k.co, w.o.recurrent, h, h);
    for (let i = 0; i < h; i++) {
      const t = k.ot[i] as number;
      const src = (h + i) * n, dst = i * n;
      for (let j = 0; j < h; j++) out[dst + j] = (out[dst + j] as number) + t * (out[src + j] as number);
      out[dst + h + i] = t * (k.f[i] as number);
    }
    return { rows: n, cols: n, data: out };
  }

  inputJacobianDense(state: Float64Array, input: Float64Array): DenseMatrix {
    const h = this.hiddenSize, d = this.inputSize, n = 2 * h;
    const w = this.weights;
    const k = this.coefficients(state, input);
    const out = new Float64Array(n * d);
    addScaledRows(out, d, h, 0, k.cf, w.f.input, h, d);
    addScaledRows(out, d, h, 0, k.ci, w.i.input, h, d);
    addScaledRows(out, d, h, 0, k.cg, w.g.input, h, d);
    addScaledRows(out, d, 0, 0, k.co, w.o.input, h, d);
    for (let i = 0; i < h; i++) {
      const t = k.ot[i] as number;
      const src = (h + i) * d, dst = i * d;
      for (let j = 0; j < d; j++) out[dst + j] = (out[dst + j] as number) + t * (out[src + j] as number);
    }
    return { rows: n, cols: d, data: out };
  }

  /** Gate values and the row coefficients of the Jacobians (see the class comment). */
  private coefficients(state: Float64Array, input: Float64Array) {
    const h = this.hiddenSize;
    const fw = this.forward(state, input);
    const cf = new Float64Array(h), ci = new Float64Array(h), cg = new Float64Array(h), co = new Float64Array(h), ot = new Float64Array(h);
    for (let j = 0; j < h; j++) {
      const i = fw.i[j] as number, f = fw.f[j] as number, g = fw.g[j] as number, o = fw.o[j] as number;
      const c = state[h + j] as number, tau = fw.tau[j] as number;
      cf[j] = c * f * (1 - f);
      ci[j] = g * i * (1 - i);
      cg[j] = i * (1 - g * g);
      co[j] = tau * o * (1 - o);
      ot[j] = o * (1 - tau * tau);
    }
    return { f: fw.f, cf, ci, cg, co, ot };
  }

  private forward(state: Float64Array, input: Float64Array) {
    const h = this.hiddenSize, d = this.inputSize;
    checkLength(state, 2 * h, 'LstmCell state [h; c]');
    checkLength(input, d, 'LstmCell input');
    const arena = simdArena();
    const pre = arena ? this.preactivationsSimd(arena, state, input) : GATES.map((name) => {
      const gw = this.weights[name];
      const a = inputAffine(gw, h, d, input);
      matVec(gw.recurrent, h, h, state, 0, a, true);
      for (let j = 0; j < h; j++) a[j] = (a[j] as number) + (gw.recurrentBias[j] as number);
      return a;
    }) as [Float64Array, Float64Array, Float64Array, Float64Array];
    const [i, f, g, o] = pre;
    const tau = new Float64Array(h);
    const next = new Float64Array(2 * h);
    for (let j = 0; j < h; j++) {
      i[j] = sigmoid(i[j] as number);
      f[j] = sigmoid(f[j] as number);
      g[j] = Math.tanh(g[j] as number);
      o[j] = sigmoid(o[j] as number);
      const c = (f[j] as number) * (state[h + j] as number) + (i[j] as number) * (g[j] as number);
      tau[j] = Math.tanh(c);
      next[h + j] = c;
      next[j] = (o[j] as number) * (tau[j] as number);
    }
    return { i, f, g, o, tau, next };
  }
}
