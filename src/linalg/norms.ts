/**
 * Matrix norms: infinity norm, Frobenius norm, spectral norm.
 *
 * @module
 */
import { isDense } from './blockDiagonal.js';
import { type DenseMatrix, type Matrix, fromRows, gram, transpose } from './dense.js';
import { eigenvalues } from './eigenvalues.js';

function dense(m: Matrix | DenseMatrix, what: string): DenseMatrix {
  return isDense(m) ? m : fromRows(m, what);
}

/**
 * Infinity norm ||A||_inf = max_i sum_j |a_ij| (maximum absolute row sum), the operator norm
 * induced by the max-norm; the norm in which the paper's Lemma 1.2 bounds gate pre-activations.
 *
 * @example
 * infinityNorm([[1, -2], [3, 0.5]]); // 3.5
 */
export function infinityNorm(m: Matrix | DenseMatrix): number {
  const a = dense(m, 'infinityNorm: matrix');
  let best = 0;
  for (let i = 0; i < a.rows; i++) {
    let s = 0;
    for (let j = 0; j < a.cols; j++) s += Math.abs(a.data[i * a.cols + j] as number);
    if (s > best) best = s;
  }
  return best;
}

/**
 * Frobenius norm ||A||_F = sqrt(sum_ij a_ij^2), accumulated with scaling so that it neither
 * overflows nor underflows (LAPACK dlassq's idea).
 *
 * @example
 * frobeniusNorm([[3, 0], [0, 4]]); // 5
 */
export function frobeniusNorm(m: Matrix | DenseMatrix): number {
  const a = dense(m, 'frobeniusNorm: matrix');
  let scale = 0, ssq = 1;
  for (const v of a.data) {
    if (v === 0) continue;
    const av = Math.abs(v);
    if (scale < av) {
      ssq = 1 + ssq * (scale / av) ** 2;
      scale = av;
    } else {
      ssq += (av / scale) ** 2;
    }
  }
  return scale * Math.sqrt(ssq);
}

/**
 * Spectral norm ||A||_2 = sigma_max(A), the largest singular value.
 *
 * Method: sigma_max^2 is the largest eigenvalue of the Gram matrix A^T A (or A A^T, whichever
 * is smaller), computed by the backward-stable QR algorithm of {@link eigenvalues}; the
 * eigenvalue's absolute error is O(eps sigma_max^2), so sigma_max has relative error O(eps).
 * (Small singular values would lose accuracy this way; only the largest is returned.) The
 * matrix is pre-scaled by its largest entry so that squaring cannot overflow.
 *
 * @example
 * spectralNorm([[0, 2], [0, 0]]); // 2
 */
export function spectralNorm(m: Matrix | DenseMatrix): number {
  const a = dense(m, 'spectralNorm: matrix');
  let amax = 0;
  for (const v of a.data) if (Math.abs(v) > amax) amax = Math.abs(v);
  if (amax === 0 || a.rows === 0 || a.cols === 0) return 0;
  const scaled: DenseMatrix = { rows: a.rows, cols: a.cols, data: a.data.map((v) => v / amax) };
  const g = a.cols <= a.rows ? gram(scaled) : gram(transpose(scaled));
  const s = eigenvalues(g);
  let lmax = 0;
  for (const v of s.re) if (v > lmax) lmax = v;
  return amax * Math.sqrt(lmax);
}
