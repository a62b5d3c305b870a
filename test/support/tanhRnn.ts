/**
 * Test-only cells with known dynamics, for the Lyapunov and trajectory tests:
 *
 * - TanhRnnCell: h' = tanh(W h + U x + b), Jacobian diag(1 - h'^2) W (chaotic for a random
 *   W with gain g > 1 and small input; contracting for g < 1).
 * - LinearCell: s' = A s + B x, Jacobian A (Lyapunov exponents log |lambda_i(A)|).
 *
 * The Cell interface only knows the kinds 'gru' and 'lstm'; these cells report 'gru' as a
 * stand-in and have no gates (the analysis code does not branch on `kind` for them).
 */
import type { Cell } from '../../src/cells/types.js';
import { type DenseMatrix, type Matrix, toRows } from '../../src/linalg/dense.js';
import type { Rng } from '../../src/processes/prng.js';

abstract class SimpleCell implements Cell {
  readonly kind = 'gru' as const;
  readonly variant = 'dense' as const;
  readonly groups = 1;
  readonly hiddenSize: number;
  readonly stateSize: number;
  readonly parameterCount: number;
  readonly flopsPerStep: number;

  constructor(
    readonly inputSize: number,
    n: number,
    /** n x n row-major */
    protected readonly a: Float64Array,
    /** n x d row-major */
    protected readonly b: Float64Array,
    protected readonly bias: Float64Array,
  ) {
    this.hiddenSize = n;
    this.stateSize = n;
    this.parameterCount = n * n + n * inputSize + n;
    this.flopsPerStep = 2 * (n * n + n * inputSize);
  }

  initialState(): Float64Array {
    return new Float64Array(this.stateSize);
  }

  output(state: Float64Array): Float64Array {
    return Float64Array.from(state);
  }

  protected affine(state: Float64Array, input: Float64Array): Float64Array {
    const n = this.stateSize, d = this.inputSize;
    if (state.length !== n || input.length !== d) throw new Error(`SimpleCell: state ${state.length} (expected ${n}), input ${input.length} (expected ${d})`);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = this.bias[i] as number;
      for (let j = 0; j < n; j++) s += (this.a[i * n + j] as number) * (state[j] as number);
      for (let j = 0; j < d; j++) s += (this.b[i * d + j] as number) * (input[j] as number);
      out[i] = s;
    }
    return out;
  }

  abstract step(state: Float64Array, input: Float64Array): Float64Array;
  abstract jacobianDense(state: Float64Array, input: Float64Array): DenseMatrix;
  abstract inputJacobianDense(state: Float64Array, input: Float64Array): DenseMatrix;

  jacobian(state: Float64Array, input: Float64Array): Matrix {
    return toRows(this.jacobianDense(state, input));
  }

  inputJacobian(state: Float64Array, input: Float64Array): Matrix {
    return toRows(this.inputJacobianDense(state, input));
  }
}

/** s' = A s + B x + b. */
export class LinearCell extends SimpleCell {
  step(state: Float64Array, input: Float64Array): Float64Array {
    return this.affine(state, input);
  }

  jacobianDense(): DenseMatrix {
    return { rows: this.stateSize, cols: this.stateSize, data: Float64Array.from(this.a) };
  }

  inputJacobianDense(): DenseMatrix {
    return { rows: this.stateSize, cols: this.inputSize, data: Float64Array.from(this.b) };
  }
}

/** h' = tanh(W h + U x + b). */
export class TanhRnnCell extends SimpleCell {
  step(state: Float64Array, input: Float64Array): Float64Array {
    return this.affine(state, input).map(Math.tanh);
  }

  private scaled(m: Float64Array, cols: number, state: Float64Array, input: Float64Array): DenseMatrix {
    const n = this.stateSize;
    const next = this.step(state, input);
    const out = new Float64Array(n * cols);
    for (let i = 0; i < n; i++) {
      const g = 1 - (next[i] as number) ** 2;
      for (let j = 0; j < cols; j++) out[i * cols + j] = g * (m[i * cols + j] as number);
    }
    return { rows: n, cols, data: out };
  }

  jacobianDense(state: Float64Array, input: Float64Array): DenseMatrix {
    return this.scaled(this.a, this.stateSize, state, input);
  }

  inputJacobianDense(state: Float64Array, input: Float64Array): DenseMatrix {
    return this.scaled(this.b, this.inputSize, state, input);
  }
}

/**
 * A tanh RNN with W_ij ~ N(0, gain^2 / n), U_ij ~ N(0, inputScale^2 / d), b = 0: the
 * Sompolinsky-Crisanti-Sommers random network (chaotic for gain > 1 at small input).
 */
export function randomTanhRnn(rng: Rng, n: number, d: number, gain: number, inputScale: number): TanhRnnCell {
  const w = rng.normals(n * n).map((v) => (v * gain) / Math.sqrt(n));
  const u = rng.normals(n * d).map((v) => (v * inputScale) / Math.sqrt(d));
  return new TanhRnnCell(d, n, w, u, new Float64Array(n));
}

/** s' = A s + B x with A (n x n) and B (n x d) given row-major. */
export function linearCell(a: Float64Array, b: Float64Array, n: number, d: number): LinearCell {
  return new LinearCell(d, n, a, b, new Float64Array(n));
}
