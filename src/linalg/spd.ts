/**
 * Symmetric positive definite matrices: Cholesky factor, log-determinant, inverse square
 * root. These carry the Gaussian-channel mutual information of the paper's Theorem 1.2,
 * I = 1/2 logdet(I + eta Sigma^-1/2 W^T W Sigma^-1/2), in nats.
 *
 * @module
 */
import { EigenvalueDecomposition, Matrix as MlMatrix } from 'ml-matrix';
import { isDense } from './blockDiagonal.js';
import { type DenseMatrix, type Matrix, assertSquare, fromRows, toRows } from './dense.js';
import { NotPositiveDefiniteError } from './errors.js';

function symmetricInput(m: Matrix | DenseMatrix, what: string): DenseMatrix {
  const a = isDense(m) ? m : fromRows(m, what);
  const n = assertSquare(a, what);
  let amax = 0;
  for (const v of a.data) if (Math.abs(v) > amax) amax = Math.abs(v);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      const x = a.data[i * n + j] as number, y = a.data[j * n + i] as number;
      if (Math.abs(x - y) > 1e-12 * amax) {
        throw new NotPositiveDefiniteError(
          `${what}: expected a symmetric matrix, found entry (${i}, ${j}) = ${x} but (${j}, ${i}) = ${y}`,
        );
      }
    }
  }
  return a;
}

/**
 * Lower-triangular Cholesky factor L with A = L L^T.
 *
 * Method: the row-oriented Cholesky–Banachiewicz recurrence
 * l_ij = (a_ij - sum_{k<j} l_ik l_jk) / l_jj, l_ii = sqrt(a_ii - sum_{k<i} l_ik^2).
 * Golub & Van Loan, Matrix Computations, 4th ed., Algorithm 4.2.1.
 *
 * @throws NotPositiveDefiniteError naming the pivot that was not positive
 * @example
 * cholesky([[4, 2], [2, 3]]); // [[2, 0], [1, 1.414...]]
 */
export function cholesky(m: Matrix | DenseMatrix): Matrix {
  return toRows(choleskyDense(symmetricInput(m, 'cholesky: matrix')));
}

function choleskyDense(a: DenseMatrix): DenseMatrix {
  const n = a.rows;
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a.data[i * n + j] as number;
      for (let k = 0; k < j; k++) s -= (l[i * n + k] as number) * (l[j * n + k] as number);
      if (i === j) {
        if (!(s > 0)) {
          throw new NotPositiveDefiniteError(
            `cholesky: matrix is not positive definite: pivot ${i} is ${s}, expected > 0`,
          );
        }
        l[i * n + i] = Math.sqrt(s);
      } else {
        l[i * n + j] = s / (l[j * n + j] as number);
      }
    }
  }
  return { rows: n, cols: n, data: l };
}

/**
 * log det(A) of a symmetric positive definite matrix, in natural log.
 *
 * Method: log det A = 2 sum_i log l_ii with L the Cholesky factor (no overflow for large n,
 * unlike forming det A).
 *
 * @example
 * logDetSPD([[2, 0], [0, 3]]); // 1.791759... (= log 6)
 */
export function logDetSPD(m: Matrix | DenseMatrix): number {
  const l = choleskyDense(symmetricInput(m, 'logDetSPD: matrix'));
  const n = l.rows;
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.log(l.data[i * n + i] as number);
  return 2 * s;
}

/**
 * Inverse square root A^(-1/2) of a symmetric positive definite matrix: the unique SPD
 * matrix S with S A S = I.
 *
 * Method: symmetric eigendecomposition A = V diag(lambda) V^T (Householder tridiagonalisation
 * and implicit QL, ml-matrix's EISPACK tred2/tql2), then S = V diag(lambda^-1/2) V^T,
 * symmetrised. Eigenvalues at or below 0 are rejected.
 *
 * @throws NotPositiveDefiniteError naming the smallest eigenvalue
 * @example
 * inverseSqrtSPD([[4, 0], [0, 9]]); // [[0.5, 0], [0, 0.333...]]
 */
export function inverseSqrtSPD(m: Matrix | DenseMatrix): Matrix {
  const a = symmetricInput(m, 'inverseSqrtSPD: matrix');
  const n = a.rows;
  const evd = new EigenvalueDecomposition(new MlMatrix(toRows(a)), { assumeSymmetric: true });
  const lambda = evd.realEigenvalues;
  const v = evd.eigenvectorMatrix;
  const lmin = Math.min(...lambda);
  if (!(lmin > 0)) {
    throw new NotPositiveDefiniteError(
      `inverseSqrtSPD: matrix is not positive definite: smallest eigenvalue ${lmin}, expected > 0`,
    );
  }
  const out: Matrix = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let k = 0; k < n; k++) {
    const w = 1 / Math.sqrt(lambda[k] as number);
    for (let i = 0; i < n; i++) {
      const vik = v.get(i, k) * w;
      const row = out[i] as number[];
      for (let j = 0; j < n; j++) row[j] = (row[j] as number) + vik * v.get(j, k);
    }
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      const s = ((out[i] as number[])[j]! + (out[j] as number[])[i]!) / 2;
      (out[i] as number[])[j] = s;
      (out[j] as number[])[i] = s;
    }
  }
  return out;
}
