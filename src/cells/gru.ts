/**
 * The gated recurrent unit (GRU) in float64 with its analytic Jacobians.
 *
 * @module
 */
import { type DenseMatrix, type Matrix, toRows } from '../linalg/dense.js';
import { sigmoid } from './activations.js';
import { addDiagonal, addScaledRows, productThroughDiagonal } from './internal/rows.js';
import { matMulRows } from '../linalg/internal/kernels.js';
import { type WasmArena, gemm, simdArena, transposed } from '../linalg/internal/simd.js';
import { checkCellSize, checkLength, inputAffine, matVec, recurrentAffine, toGateWeights } from './internal/weights.js';
import { type Cell, CellShapeError, type GateSpec, type GateWeights } from './types.js';

export type { GateSpec } from './types.js';

/** A GRU in canonical form: gates z (update), r (reset), n (candidate). */
export interface GruSpec {
  inputSize: number;
  hiddenSize: number;
  /** true: r multiplies (U_n h + c_n) (Keras TF2 default, PyTorch); false: U_n (r * h). */
  resetAfter: boolean;
  /** Bias vectors per gate in the source layout, for parameter counting (default 2 if resetAfter, else 1). */
  biasVectors?: 1 | 2;
  z: GateSpec;
  r: GateSpec;
  n: GateSpec;
}

/** Canonical GRU weights as stored by {@link GruCell}. */
export interface GruWeights {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly resetAfter: boolean;
  readonly biasVectors: 1 | 2;
  readonly z: GateWeights;
  readonly r: GateWeights;
  readonly n: GateWeights;
}

interface GruForward {
  z: Float64Array;
  r: Float64Array;
  n: Float64Array;
  /** reset_after: U_n h + c_n; reset_before: unused (empty). */
  q: Float64Array;
  next: Float64Array;
}

/**
 * GRU cell, state h in R^H, input x in R^D.
 *
 * Equations (Cho et al. 2014 with the Keras/PyTorch convention that z weighs the old state):
 *
 *     z  = sigma(W_z x + b_z + U_z h + c_z)                 update gate
 *     r  = sigma(W_r x + b_r + U_r h + c_r)                 reset gate
 *     n  = tanh(W_n x + b_n + r * (U_n h + c_n))            resetAfter = true  (Keras TF2, PyTorch)
 *     n  = tanh(W_n x + b_n + U_n (r * h) + c_n)            resetAfter = false (Keras 1/2 option)
 *     h' = z * h + (1 - z) * n
 *
 * The paper's eqs. (10)-(13) write u = 1 - z and, in (12), h_t where h_{t-1} is meant (see
 * proofs/). Jacobian with respect to the state, with a = (h - n) z (1 - z),
 * delta = (1 - z)(1 - n^2), s = h r (1 - r):
 *
 *     dh'/dh = diag(z) + diag(a) U_z + diag(delta q r (1 - r)) U_r + diag(delta r) U_n      (after)
 *     dh'/dh = diag(z) + diag(a) U_z + diag(delta) (U_n diag(r) + U_n diag(s) U_r)         (before)
 *
 * and with respect to the input
 *
 *     dh'/dx = diag(a) W_z + diag(delta q r (1 - r)) W_r + diag(delta) W_n                  (after)
 *     dh'/dx = diag(a) W_z + diag(delta) (W_n + U_n diag(s) W_r)                             (before)
 *
 * References: K. Cho et al., Learning phrase representations using RNN encoder-decoder,
 * EMNLP 2014, doi:10.3115/v1/D14-1179; Keras GRUCell; torch.nn.GRUCell documentation.
 */
export class GruCell implements Cell {
  readonly kind = 'gru' as const;
  readonly variant = 'dense' as const;
  readonly groups = 1;
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly stateSize: number;
  readonly parameterCount: number;
  readonly flopsPerStep: number;
  readonly weights: GruWeights;

  constructor(spec: GruSpec | GruWeights) {
    const d = spec.inputSize, h = spec.hiddenSize;
    checkCellSize(d, h, 'GruCell');
    const biasVectors = spec.biasVectors ?? (spec.resetAfter ? 2 : 1);
    const gate = (g: GateSpec | GateWeights, name: string): GateWeights => toGateWeights(g, h, d, `GruCell gate ${name}`);
    this.weights = { inputSize: d, hiddenSize: h, resetAfter: spec.resetAfter, biasVectors, z: gate(spec.z, 'z'), r: gate(spec.r, 'r'), n: gate(spec.n, 'n') };
    this.inputSize = d;
    this.hiddenSize = h;
    this.stateSize = h;
    this.parameterCount = 3 * (h * d + h * h + biasVectors * h);
    this.flopsPerStep = 2 * 3 * (h * d + h * h);
  }

  initialState(): Float64Array {
    return new Float64Array(this.stateSize);
  }

  output(state: Float64Array): Float64Array {
    checkLength(state, this.stateSize, 'GruCell.output state');
    return Float64Array.from(state);
  }

  step(state: Float64Array, input: Float64Array): Float64Array {
    return this.forward(state, input).next;
  }

  /**
   * Steps n sequences at once: row b of the result is `step(states row b, inputs row b)`, bit
   * for bit (every dot product is summed in the order of {@link GruCell.step}; the rows of the
   * weight matrices are only reused across the batch).
   *
   * @param states - n x hiddenSize, row-major
   * @param inputs - n x inputSize, row-major
   * @param n - number of sequences (rows)
   * @param out - optional n x hiddenSize result buffer (must not alias `states`)
   * @param preactivations - optional n x 2 hiddenSize buffer: row b receives the sigmoid gates'
   *   pre-activations [a_z | a_r], a = W x + b + U h + c summed as in the step (sigma(a) are the
   *   step's z and r exactly)
   * @returns `out` (or a new array) with the n next states
   * @throws CellShapeError for buffers of the wrong length
   */
  stepBatch(states: Float64Array, inputs: Float64Array, n: number, out?: Float64Array, preactivations?: Float64Array): Float64Array {
    const h = this.hiddenSize, d = this.inputSize;
    if (!Number.isSafeInteger(n) || n < 0) throw new CellShapeError(`GruCell.stepBatch: n is ${String(n)}, expected an integer >= 0`);
    checkLength(states, n * h, 'GruCell.stepBatch states (n x hiddenSize)');
    checkLength(inputs, n * d, 'GruCell.stepBatch inputs (n x inputSize)');
    const next = out ?? new Float64Array(n * h);
    checkLength(next, n * h, 'GruCell.stepBatch out (n x hiddenSize)');
    if (next === states) throw new CellShapeError('GruCell.stepBatch: out aliases states, expected a separate buffer');
    if (preactivations) checkLength(preactivations, n * 2 * h, 'GruCell.stepBatch preactivations (n x 2 hiddenSize)');
    const arena = n > 0 ? simdArena() : null;
    if (arena) {
      this.stepBatchSimd(arena, states, inputs, n, next, preactivations);
      return next;
    }
    const { z: wz, r: wr, n: wn, resetAfter } = this.weights;
    const m = n * h;
    const buf = this.scratch(6 * m);
    const zi = buf.subarray(0, m), ri = buf.subarray(m, 2 * m), ni = buf.subarray(2 * m, 3 * m);
    const zh = buf.subarray(3 * m, 4 * m), rh = buf.subarray(4 * m, 5 * m), q = buf.subarray(5 * m, 6 * m);
    // Input parts W x + b, recurrent parts U h + c (as inputAffine / recurrentAffine).
    matMulRows(wz.input, h, d, inputs, d, 0, n, zi, h, 0, false);
    matMulRows(wr.input, h, d, inputs, d, 0, n, ri, h, 0, false);
    matMulRows(wn.input, h, d, inputs, d, 0, n, ni, h, 0, false);
    matMulRows(wz.recurrent, h, h, states, h, 0, n, zh, h, 0, false);
    matMulRows(wr.recurrent, h, h, states, h, 0, n, rh, h, 0, false);
    for (let b = 0; b < n; b++) {
      const o = b * h, p = 2 * b * h;
      for (let i = 0; i < h; i++) {
        const az = ((zi[o + i] as number) + (wz.inputBias[i] as number)) + ((zh[o + i] as number) + (wz.recurrentBias[i] as number));
        const ar = ((ri[o + i] as number) + (wr.inputBias[i] as number)) + ((rh[o + i] as number) + (wr.recurrentBias[i] as number));
        if (preactivations) {
          preactivations[p + i] = az;
          preactivations[p + h + i] = ar;
        }
        zi[o + i] = sigmoid(az);
        ri[o + i] = sigmoid(ar);
        ni[o + i] = (ni[o + i] as number) + (wn.inputBias[i] as number);
      }
    }
    if (resetAfter) {
      matMulRows(wn.recurrent, h, h, states, h, 0, n, q, h, 0, false);
      for (let b = 0; b < n; b++) {
        const o = b * h;
        for (let i = 0; i < h; i++) ni[o + i] = (ni[o + i] as number) + (ri[o + i] as number) * ((q[o + i] as number) + (wn.recurrentBias[i] as number));
      }
    } else {
      for (let e = 0; e < m; e++) rh[e] = (ri[e] as number) * (states[e] as number);
      matMulRows(wn.recurrent, h, h, rh, h, 0, n, ni, h, 0, true);
      for (let b = 0; b < n; b++) {
        const o = b * h;
        for (let i = 0; i < h; i++) ni[o + i] = (ni[o + i] as number) + (wn.recurrentBias[i] as number);
      }
    }
    for (let e = 0; e < m; e++) {
      const nn = Math.tanh(ni[e] as number);
      const zz = zi[e] as number;
      next[e] = zz * (states[e] as number) + (1 - zz) * nn;
    }
    return next;
  }

  /** Keys of the resident (WebAssembly memory) copies of the stacked, transposed weights. */
  private readonly residentKeys = { all: {} };

  /**
   * stepBatch through the WebAssembly SIMD kernel (simd.ts): the same dot products in the same
   * order, so the same bits. Stacked weights, transposed once and kept resident:
   * [W_z; W_r; W_n]^T (d x 3h) and [U_z; U_r; U_n]^T (h x 3h; reset before: [U_z; U_r]^T and
   * U_n^T). Per step: A = X [W]^T and B = H [U]^T (n x 3h each, one kernel call apiece), then
   * the gates elementwise as in the JS path.
   */
  /** Element indices of the resident stacked, transposed weights (see {@link GruCell.stepBatchSimd}). */
  private residents(arena: WasmArena): { wi: number; wh: number; wc: number; bias: number; rows: number } {
    // One resident block (uploaded together, so that no later upload can drop a part in use):
    // [W_z; W_r; W_n]^T (d x 3h) | [U_z; U_r; U_n]^T or [U_z; U_r]^T (h x 3h or 2h) | U_n^T (reset
    // before) | [b_z | c_z | b_r | c_r | b_n | c_n] | [U_z; U_r; U_n] row-major (the Jacobian's rows).
    const h = this.hiddenSize, d = this.inputSize;
    const { z: wz, r: wr, n: wn, resetAfter } = this.weights;
    const hr = resetAfter ? 3 * h : 2 * h;
    const sizes = [d * 3 * h, h * hr, resetAfter ? 0 : h * h, 6 * h, 3 * h * h];
    const offsets = sizes.map((_, k) => sizes.slice(0, k).reduce((acc, v) => acc + v, 0));
    const at = arena.resident(this.residentKeys.all, () => {
      const out = new Float64Array(sizes.reduce((acc, v) => acc + v, 0));
      const stack = (mats: readonly Float64Array[], cols: number, offset: number): void => {
        mats.forEach((w, g) => transposed(w, h, cols, out, offset + g * h, h * mats.length));
      };
      stack([wz.input, wr.input, wn.input], d, offsets[0] as number);
      stack(resetAfter ? [wz.recurrent, wr.recurrent, wn.recurrent] : [wz.recurrent, wr.recurrent], h, offsets[1] as number);
      if (!resetAfter) stack([wn.recurrent], h, offsets[2] as number);
      [wz.inputBias, wz.recurrentBias, wr.inputBias, wr.recurrentBias, wn.inputBias, wn.recurrentBias].forEach((v, g) => out.set(v, (offsets[3] as number) + g * h));
      [wz.recurrent, wr.recurrent, wn.recurrent].forEach((u, g) => out.set(u, (offsets[4] as number) + g * h * h));
      return out;
    });
    return { wi: at + (offsets[0] as number), wh: at + (offsets[1] as number), wc: resetAfter ? -1 : at + (offsets[2] as number), bias: at + (offsets[3] as number), rows: at + (offsets[4] as number) };
  }


  /**
   * {@link GruCell.forward} through the SIMD kernel: W x and U h as two products against the
   * resident stacked weights (one vector), then the gates exactly as the JS path (the same bits).
   */
  private forwardSimd(arena: WasmArena, state: Float64Array, input: Float64Array): GruForward {
    const h = this.hiddenSize, d = this.inputSize;
    const { z: wz, r: wr, n: wn, resetAfter } = this.weights;
    const h3 = 3 * h;
    const hr = resetAfter ? h3 : 2 * h;
    const { wi, wh, wc } = this.residents(arena);
    const kernels = arena.kernels;
    const mark = arena.mark();
    try {
      const X = arena.alloc(d), S = arena.alloc(h), A = arena.alloc(h3), B = arena.alloc(hr);
      const f = arena.f64;
      f.set(input, X);
      f.set(state, S);
      gemm(kernels, X, d, 1, wi, h3, A, h3, 1, h3, d, false);
      gemm(kernels, S, h, 1, wh, hr, B, hr, 1, hr, h, false);
      const z = new Float64Array(h), r = new Float64Array(h), n = new Float64Array(h), next = new Float64Array(h);
      let q: Float64Array = new Float64Array(0);
      for (let i = 0; i < h; i++) {
        // inputAffine (W x + b) + recurrentAffine (U h + c), as forward.
        z[i] = sigmoid(((f[A + i] as number) + (wz.inputBias[i] as number)) + ((f[B + i] as number) + (wz.recurrentBias[i] as number)));
        r[i] = sigmoid(((f[A + h + i] as number) + (wr.inputBias[i] as number)) + ((f[B + h + i] as number) + (wr.recurrentBias[i] as number)));
        n[i] = (f[A + 2 * h + i] as number) + (wn.inputBias[i] as number);
      }
      if (resetAfter) {
        q = new Float64Array(h);
        for (let i = 0; i < h; i++) {
          q[i] = (f[B + 2 * h + i] as number) + (wn.recurrentBias[i] as number);
          n[i] = (n[i] as number) + (r[i] as number) * (q[i] as number);
        }
      } else {
        // n = (W_n x + b_n) + U_n (r * h), the sum continued from W_n x + b_n; then + c_n.
        for (let i = 0; i < h; i++) {
          f[A + 2 * h + i] = n[i] as number;
          f[S + i] = (r[i] as number) * (state[i] as number);
        }
        gemm(kernels, S, h, 1, wc, h, A + 2 * h, h, 1, h, h, true);
        for (let i = 0; i < h; i++) n[i] = (f[A + 2 * h + i] as number) + (wn.recurrentBias[i] as number);
      }
      for (let i = 0; i < h; i++) {
        n[i] = Math.tanh(n[i] as number);
        const zi = z[i] as number;
        next[i] = zi * (state[i] as number) + (1 - zi) * (n[i] as number);
      }
      return { z, r, n, q, next };
    } finally {
      arena.release(mark);
    }
  }

  private stepBatchSimd(arena: WasmArena, states: Float64Array, inputs: Float64Array, n: number, next: Float64Array, preactivations: Float64Array | undefined): void {
    const h = this.hiddenSize, d = this.inputSize;
    const { z: wz, r: wr, n: wn, resetAfter } = this.weights;
    const h3 = 3 * h;
    const hr = resetAfter ? h3 : 2 * h;
    const { wi, wh, wc } = this.residents(arena);
    const kernels = arena.kernels;
    const mark = arena.mark();
    try {
      const X = arena.alloc(n * d), S = arena.alloc(n * h), A = arena.alloc(n * h3), B = arena.alloc(n * hr);
      const f = arena.f64;
      f.set(inputs.subarray(0, n * d), X);
      f.set(states.subarray(0, n * h), S);
      gemm(kernels, X, d, 1, wi, h3, A, h3, n, h3, d, false);
      gemm(kernels, S, h, 1, wh, hr, B, hr, n, hr, h, false);
      const bz = wz.inputBias, cz = wz.recurrentBias, br = wr.inputBias, cr = wr.recurrentBias, bn = wn.inputBias, cn = wn.recurrentBias;
      if (resetAfter) {
        this.gatesSimd(arena, A, B, S, states, n, next, preactivations);
        return;
      }
      for (let b = 0; b < n; b++) {
        const a = A + b * h3, q = B + b * hr, p = 2 * b * h, o = b * h;
        for (let i = 0; i < h; i++) {
          const az = ((f[a + i] as number) + (bz[i] as number)) + ((f[q + i] as number) + (cz[i] as number));
          const ar = ((f[a + h + i] as number) + (br[i] as number)) + ((f[q + h + i] as number) + (cr[i] as number));
          if (preactivations) {
            preactivations[p + i] = az;
            preactivations[p + h + i] = ar;
          }
          const r = sigmoid(ar);
          f[a + i] = sigmoid(az);
          const an = (f[a + 2 * h + i] as number) + (bn[i] as number);
          if (resetAfter) f[a + 2 * h + i] = an + r * ((f[q + 2 * h + i] as number) + (cn[i] as number));
          else {
            f[a + 2 * h + i] = an;
            f[S + o + i] = r * (states[o + i] as number);
          }
        }
      }
      if (!resetAfter) {
        // n += U_n (r * h), accumulated onto W_n x + b_n; then + c_n.
        gemm(kernels, S, h, 1, wc, h, A + 2 * h, h3, n, h, h, true);
        for (let b = 0; b < n; b++) {
          const a = A + b * h3 + 2 * h;
          for (let i = 0; i < h; i++) f[a + i] = (f[a + i] as number) + (cn[i] as number);
        }
      }
      for (let b = 0; b < n; b++) {
        const a = A + b * h3, o = b * h;
        for (let i = 0; i < h; i++) {
          const nn = Math.tanh(f[a + 2 * h + i] as number);
          const zz = f[a + i] as number;
          next[o + i] = zz * (states[o + i] as number) + (1 - zz) * nn;
        }
      }
    } finally {
      arena.release(mark);
    }
  }

  /**
   * The elementwise part of the batched step (reset after) by the SIMD kernel gruGates: two
   * units per instruction, with sigmoid and tanh evaluated by the kernels' two-lane ports of
   * the fdlibm functions behind V8's Math.exp and Math.tanh (the same bits; see kernels.wat).
   * Units whose arguments fall outside those ports' domains (NaN, infinities, |a| >= 708: not
   * met by a stable cell) are recomputed here by the JS loop. A and B (n x 3h) hold W x and
   * U h, S the states (all in the kernels' memory, in the caller's scratch scope).
   */
  private gatesSimd(arena: WasmArena, A: number, B: number, S: number, states: Float64Array, n: number, next: Float64Array, preactivations: Float64Array | undefined): void {
    const h = this.hiddenSize, h3 = 3 * h;
    const { z: wz, r: wr, n: wn } = this.weights;
    const { bias } = this.residents(arena);
    const NEXT = arena.alloc(n * h), PRE = preactivations ? arena.alloc(2 * n * h) : 0;
    const EXC = arena.alloc(Math.ceil((n * h) / 2) + 1);
    const count = arena.kernels.gruGates(A * 8, B * 8, S * 8, NEXT * 8, PRE * 8, bias * 8, n, h, EXC * 8);
    const f = arena.f64;
    next.set(f.subarray(NEXT, NEXT + n * h));
    if (preactivations) preactivations.set(f.subarray(PRE, PRE + 2 * n * h));
    if (count === 0) return;
    const exc = new Int32Array(f.buffer, EXC * 8, count).slice();
    const bz = wz.inputBias, cz = wz.recurrentBias, br = wr.inputBias, cr = wr.recurrentBias, bn = wn.inputBias, cn = wn.recurrentBias;
    for (const e of exc) {
      const b = Math.floor(e / h);
      for (let i = e - b * h; i < Math.min(h, e - b * h + 2); i++) {
        // The JS loop of stepBatch for unit i of row b.
        const a = A + b * h3, q = B + b * h3, o = b * h, p = 2 * b * h;
        const az = ((f[a + i] as number) + (bz[i] as number)) + ((f[q + i] as number) + (cz[i] as number));
        const ar = ((f[a + h + i] as number) + (br[i] as number)) + ((f[q + h + i] as number) + (cr[i] as number));
        if (preactivations) {
          preactivations[p + i] = az;
          preactivations[p + h + i] = ar;
        }
        const r = sigmoid(ar);
        const zz = sigmoid(az);
        const an = (f[a + 2 * h + i] as number) + (bn[i] as number);
        const nn = Math.tanh(an + r * ((f[q + 2 * h + i] as number) + (cn[i] as number)));
        next[o + i] = zz * (states[o + i] as number) + (1 - zz) * nn;
      }
    }
  }

  private scratchBuffer: Float64Array = new Float64Array(0);

  private scratch(size: number): Float64Array {
    if (this.scratchBuffer.length < size) this.scratchBuffer = new Float64Array(size);
    return this.scratchBuffer;
  }

  /** Gate values of the step from (state, input): update z, reset r, candidate n. */
  gates(state: Float64Array, input: Float64Array): { z: Float64Array; r: Float64Array; n: Float64Array } {
    const { z, r, n } = this.forward(state, input);
    return { z, r, n };
  }

  jacobian(state: Float64Array, input: Float64Array): Matrix {
    return toRows(this.jacobianDense(state, input));
  }

  inputJacobian(state: Float64Array, input: Float64Array): Matrix {
    return toRows(this.inputJacobianDense(state, input));
  }

  jacobianDense(state: Float64Array, input: Float64Array): DenseMatrix {
    const h = this.hiddenSize;
    const { z: wz, r: wr, n: wn, resetAfter } = this.weights;
    const f = this.forward(state, input);
    const coef = this.coefficients(state, f);
    const arena = resetAfter ? simdArena() : null;
    if (arena) {
      // The same row-scaled additions in the same order, through the SIMD kernel (the same bits).
      const u = this.residents(arena).rows;
      const mark = arena.mark();
      try {
        const J = arena.alloc(h * h), C = arena.alloc(3 * h);
        const m = arena.f64;
        m.fill(0, J, J + h * h);
        for (let i = 0; i < h; i++) m[J + i * h + i] = (m[J + i * h + i] as number) + (f.z[i] as number);
        m.set(coef.a, C);
        m.set(coef.b, C + h);
        m.set(coef.c, C + 2 * h);
        for (let g = 0; g < 3; g++) arena.kernels.scaledRows(J * 8, h, (C + g * h) * 8, (u + g * h * h) * 8, h, h);
        return { rows: h, cols: h, data: m.slice(J, J + h * h) };
      } finally {
        arena.release(mark);
      }
    }
    const out = new Float64Array(h * h);
    addDiagonal(out, h, 0, 0, f.z);
    addScaledRows(out, h, 0, 0, coef.a, wz.recurrent, h, h);
    if (resetAfter) {
      addScaledRows(out, h, 0, 0, coef.b, wr.recurrent, h, h);
      addScaledRows(out, h, 0, 0, coef.c, wn.recurrent, h, h);
    } else {
      // diag(delta) (U_n diag(r) + U_n diag(s) U_r)
      const unr = productThroughDiagonal(wn.recurrent, coef.s, wr.recurrent, h, h, h);
      for (let i = 0; i < h; i++) {
        const dl = coef.delta[i] as number;
        if (dl === 0) continue;
        for (let j = 0; j < h; j++) {
          out[i * h + j] = (out[i * h + j] as number) + dl * ((wn.recurrent[i * h + j] as number) * (f.r[j] as number) + (unr[i * h + j] as number));
        }
      }
    }
    return { rows: h, cols: h, data: out };
  }

  inputJacobianDense(state: Float64Array, input: Float64Array): DenseMatrix {
    const h = this.hiddenSize, d = this.inputSize;
    const { z: wz, r: wr, n: wn, resetAfter } = this.weights;
    const f = this.forward(state, input);
    const coef = this.coefficients(state, f);
    const out = new Float64Array(h * d);
    addScaledRows(out, d, 0, 0, coef.a, wz.input, h, d);
    if (resetAfter) {
      addScaledRows(out, d, 0, 0, coef.b, wr.input, h, d);
      addScaledRows(out, d, 0, 0, coef.delta, wn.input, h, d);
    } else {
      addScaledRows(out, d, 0, 0, coef.delta, wn.input, h, d);
      const unw = productThroughDiagonal(wn.recurrent, coef.s, wr.input, h, h, d);
      addScaledRows(out, d, 0, 0, coef.delta, unw, h, d);
    }
    return { rows: h, cols: d, data: out };
  }

  /** Row coefficients of the Jacobians (see the class comment). */
  private coefficients(state: Float64Array, f: GruForward) {
    const h = this.hiddenSize;
    const a = new Float64Array(h), b = new Float64Array(h), c = new Float64Array(h);
    const delta = new Float64Array(h), s = new Float64Array(h);
    for (let i = 0; i < h; i++) {
      const z = f.z[i] as number, r = f.r[i] as number, n = f.n[i] as number, hi = state[i] as number;
      a[i] = (hi - n) * z * (1 - z);
      delta[i] = (1 - z) * (1 - n * n);
      const dr = r * (1 - r);
      if (this.weights.resetAfter) {
        b[i] = (delta[i] as number) * (f.q[i] as number) * dr;
        c[i] = (delta[i] as number) * r;
      } else {
        s[i] = hi * dr;
      }
    }
    return { a, b, c, delta, s };
  }

  private forward(state: Float64Array, input: Float64Array): GruForward {
    const h = this.hiddenSize, d = this.inputSize;
    checkLength(state, h, 'GruCell state');
    checkLength(input, d, 'GruCell input');
    const arena = simdArena();
    if (arena) return this.forwardSimd(arena, state, input);
    const { z: wz, r: wr, n: wn, resetAfter } = this.weights;
    const z = inputAffine(wz, h, d, input);
    const r = inputAffine(wr, h, d, input);
    const an = inputAffine(wn, h, d, input);
    const rz = recurrentAffine(wz, h, state, 0);
    const rr = recurrentAffine(wr, h, state, 0);
    for (let i = 0; i < h; i++) {
      z[i] = sigmoid((z[i] as number) + (rz[i] as number));
      r[i] = sigmoid((r[i] as number) + (rr[i] as number));
    }
    let q: Float64Array = new Float64Array(0);
    if (resetAfter) {
      q = recurrentAffine(wn, h, state, 0);
      for (let i = 0; i < h; i++) an[i] = (an[i] as number) + (r[i] as number) * (q[i] as number);
    } else {
      const rh = new Float64Array(h);
      for (let i = 0; i < h; i++) rh[i] = (r[i] as number) * (state[i] as number);
      matVec(wn.recurrent, h, h, rh, 0, an, true);
      for (let i = 0; i < h; i++) an[i] = (an[i] as number) + (wn.recurrentBias[i] as number);
    }
    const n = an;
    const next = new Float64Array(h);
    for (let i = 0; i < h; i++) {
      n[i] = Math.tanh(n[i] as number);
      const zi = z[i] as number;
      next[i] = zi * (state[i] as number) + (1 - zi) * (n[i] as number);
    }
    return { z, r, n, q, next };
  }
}
