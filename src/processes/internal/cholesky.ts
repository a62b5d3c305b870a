/**
 * Cholesky factor of a small symmetric positive semidefinite matrix (dense, number[][]).
 *
 * @module
 */

/**
 * The lower-triangular L with A = L L^T, for A symmetric positive semidefinite.
 *
 * Method: the column-by-column Cholesky-Banachiewicz recursion
 * L_jj = sqrt(A_jj - sum_{k<j} L_jk^2), L_ij = (A_ij - sum_{k<j} L_ik L_jk) / L_jj (i > j).
 * A pivot with |d| <= tol = 1e-12 * max_i A_ii * n is treated as an exact zero (semidefinite
 * A, e.g. noise in only some coordinates): its column is set to zero. A pivot below -tol,
 * or asymmetry beyond 1e-10 relative, throws an Error naming the pivot.
 *
 * References: G. H. Golub & C. F. Van Loan, Matrix Computations, 4th ed., Johns Hopkins 2013,
 * section 4.2.
 *
 * @example
 * ```ts
 * choleskyLower([[4, 2], [2, 5]]); // [[2, 0], [1, 2]]
 * ```
 */
export function choleskyLower(a: readonly (readonly number[])[], name = 'matrix'): number[][] {
  const n = a.length;
  let maxDiag = 0;
  for (let i = 0; i < n; i++) {
    const row = a[i];
    if (row === undefined || row.length !== n) {
      throw new RangeError(`${name} must be a square ${n}x${n} matrix`);
    }
    for (let j = 0; j < n; j++) {
      const v = row[j] ?? Number.NaN;
      if (!Number.isFinite(v)) throw new RangeError(`${name}[${i}][${j}] must be finite, got ${String(v)}`);
    }
    maxDiag = Math.max(maxDiag, Math.abs(row[i] ?? 0));
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      const aij = a[i]?.[j] ?? 0;
      const aji = a[j]?.[i] ?? 0;
      if (Math.abs(aij - aji) > 1e-10 * Math.max(maxDiag, Math.abs(aij), Math.abs(aji), Number.MIN_VALUE)) {
        throw new RangeError(`${name} must be symmetric: entry (${i},${j}) = ${aij} but (${j},${i}) = ${aji}`);
      }
    }
  }
  const tol = 1e-12 * maxDiag * Math.max(n, 1);
  const l: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let j = 0; j < n; j++) {
    const lj = l[j] as number[];
    let d = a[j]?.[j] ?? 0;
    for (let k = 0; k < j; k++) d -= (lj[k] ?? 0) ** 2;
    if (d < -tol) {
      throw new Error(`${name} is not positive semidefinite: Cholesky pivot ${j} is ${d}`);
    }
    if (d <= tol) {
      lj[j] = 0;
      continue; // column j of L stays zero
    }
    const ljj = Math.sqrt(d);
    lj[j] = ljj;
    for (let i = j + 1; i < n; i++) {
      const li = l[i] as number[];
      let s = a[i]?.[j] ?? 0;
      for (let k = 0; k < j; k++) s -= (li[k] ?? 0) * (lj[k] ?? 0);
      li[j] = s / ljj;
    }
  }
  return l;
}
