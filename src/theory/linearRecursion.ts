/**
 * Exact second moments of the linear recursion of the paper's Lemma 1.1,
 *
 *     y_{t+1} = A_t y_t + eps_t,   E[eps_t] = 0,  Cov(eps_t) = Q_t,  E[y_t eps_s^T] = 0 (s >= t),
 *
 * started from Cov(y_0) = Sigma_0 with mean zero. No Monte Carlo: the covariances propagate as
 *
 *     Sigma_{t+1} = A_t Sigma_t A_t^T + Q_t,
 *     Cov(y_t, y_{t+h}) = E[y_t y_{t+h}^T] = Sigma_t Phi(t+h, t)^T,  Phi(t+h, t) = A_{t+h-1} ... A_t,
 *
 * and the cross-correlation is Cor(y_t, y_{t+h}) = D_t^{-1/2} Sigma_t Phi^T D_{t+h}^{-1/2} with
 * D_s = diag(Sigma_s). These are the quantities Definition 1.1 (SRD) sums.
 *
 * @module
 */
import { type DenseMatrix, type Matrix, fromRows, multiply, transpose } from '../linalg/dense.js';
import { spectralNorm } from '../linalg/norms.js';

/** A_t as a function of t (t = 0, 1, ...), or a periodic list A_0, ..., A_{p-1}. */
export type MatrixSequence = ((t: number) => Matrix) | readonly Matrix[];

/** Inputs of {@link linearRecursionCorrelations}. */
export interface LinearRecursion {
  matrices: MatrixSequence;
  /** Noise covariance Q (constant) or Q_t. */
  noise: Matrix | ((t: number) => Matrix);
  /** Cov(y_0) (default: Q). */
  initialCovariance?: Matrix;
}

/** ||Cor(y_t0, y_{t0+h})||_2 for h = 0..maxLag and their partial sums. */
export interface CorrelationProfile {
  readonly t0: number;
  readonly norms: number[];
  /** S(K) = sum_{h=0..K} norms[h]. */
  readonly partialSums: number[];
  /** min over h of the smallest variance min_i Var(y_{t0+h, i}) (0 means Cor is undefined). */
  readonly minVariance: number;
}

function matrixAt(seq: MatrixSequence, t: number): Matrix {
  if (typeof seq === 'function') return seq(t);
  return seq[t % seq.length] as Matrix;
}

function addInPlace(a: DenseMatrix, b: DenseMatrix): DenseMatrix {
  for (let i = 0; i < a.data.length; i++) a.data[i] = (a.data[i] as number) + (b.data[i] as number);
  return a;
}

function scaleRowsCols(m: DenseMatrix, left: Float64Array, right: Float64Array): DenseMatrix {
  const out = new Float64Array(m.data.length);
  for (let i = 0; i < m.rows; i++) for (let j = 0; j < m.cols; j++) out[i * m.cols + j] = (left[i] as number) * (m.data[i * m.cols + j] as number) * (right[j] as number);
  return { rows: m.rows, cols: m.cols, data: out };
}

function inverseSqrtDiagonal(s: DenseMatrix): { v: Float64Array; min: number } {
  const v = new Float64Array(s.rows);
  let min = Infinity;
  for (let i = 0; i < s.rows; i++) {
    const d = s.data[i * s.cols + i] as number;
    min = Math.min(min, d);
    v[i] = d > 0 ? 1 / Math.sqrt(d) : 0;
  }
  return { v, min };
}

/**
 * Exact ||Cor(y_t0, y_{t0+h})||_2, h = 0..maxLag, for the recursion y_{t+1} = A_t y_t + eps_t.
 *
 * Where a variance is zero (noise-free coordinates) the correlation of that coordinate is
 * undefined; it is set to 0 and `minVariance` reports 0 so that callers can tell.
 *
 * @example
 * linearRecursionCorrelations({ matrices: [[[0.5]]], noise: [[1]] }, 0, 3).norms; // [1, 0.5, 0.25, 0.125]
 */
export function linearRecursionCorrelations(rec: LinearRecursion, t0: number, maxLag: number): CorrelationProfile {
  const constantNoise = typeof rec.noise === 'function' ? undefined : fromRows(rec.noise, 'noise covariance');
  const q = (t: number): DenseMatrix => constantNoise ?? fromRows((rec.noise as (t: number) => Matrix)(t), 'noise covariance');
  // A periodic list is converted once, with its transposes.
  const periodic = typeof rec.matrices === 'function' ? undefined : rec.matrices.map((m, i) => fromRows(m, `A_${i}`));
  const periodicT = periodic?.map(transpose);
  const aAt = (t: number): DenseMatrix => (periodic ? (periodic[t % periodic.length] as DenseMatrix) : fromRows(matrixAt(rec.matrices, t), `A_${t}`));
  const aTAt = (t: number): DenseMatrix => (periodicT ? (periodicT[t % periodicT.length] as DenseMatrix) : transpose(aAt(t)));
  let sigma = fromRows(rec.initialCovariance ?? (typeof rec.noise === 'function' ? rec.noise(0) : rec.noise), 'initial covariance');
  for (let t = 0; t < t0; t++) sigma = addInPlace(multiply(multiply(aAt(t), sigma), aTAt(t)), q(t));
  const d0 = inverseSqrtDiagonal(sigma);
  let minVariance = d0.min;
  let p = sigma; // Sigma_t0 Phi(t0 + h, t0)^T
  const norms: number[] = [];
  const partialSums: number[] = [];
  let s = sigma;
  let sum = 0;
  for (let h = 0; h <= maxLag; h++) {
    const dh = inverseSqrtDiagonal(s);
    minVariance = Math.min(minVariance, dh.min);
    const n = spectralNorm(scaleRowsCols(p, d0.v, dh.v));
    norms.push(n);
    sum += n;
    partialSums.push(sum);
    const at = aTAt(t0 + h);
    p = multiply(p, at);
    s = addInPlace(multiply(multiply(aAt(t0 + h), s), at), q(t0 + h));
  }
  return { t0, norms, partialSums, minVariance };
}
