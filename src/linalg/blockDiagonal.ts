/**
 * Contiguous block-diagonal structure: detection, extraction and assembly.
 *
 * A square matrix A of order n is block diagonal with contiguous blocks
 * [s_0, s_1), [s_1, s_2), ..., [s_{g-1}, n) when every entry A[i][j] whose row and column
 * fall in different blocks is zero. Its spectrum is then the union of the blocks' spectra
 * (det(A - lambda I) = prod_b det(A_b - lambda I)), which turns one O(n^3) eigenproblem into
 * g problems of O((n/g)^3): the reason factorized cells are cheap to analyse.
 *
 * @module
 */
import { type DenseMatrix, type Matrix, MatrixShapeError, assertSquare, fromRows, principalSubmatrix } from './dense.js';

/** One diagonal block: rows and columns [start, start + size). */
export interface Block {
  readonly start: number;
  readonly size: number;
}

/**
 * The finest partition of a square matrix into contiguous diagonal blocks.
 *
 * Method: let reach(i) be the largest index j with |A[i][j]| > tol or |A[j][i]| > tol.
 * A block ends after index k exactly when max_{i <= k} reach(i) <= k, so one O(n^2) pass
 * over the entries and one O(n) scan find every boundary.
 *
 * @param a - square matrix
 * @param tol - entries with |a_ij| <= tol count as zero (default 0: exact structure)
 * @returns the blocks, in order, covering 0..n-1; one block of size n when there is no structure
 * @example
 * detectBlocks([[1, 2, 0], [3, 4, 0], [0, 0, 5]]); // [{ start: 0, size: 2 }, { start: 2, size: 1 }]
 */
export function detectBlocks(a: Matrix | DenseMatrix, tol = 0): Block[] {
  const m = isDense(a) ? a : fromRows(a);
  const n = assertSquare(m, 'detectBlocks');
  const reach = new Int32Array(n);
  for (let i = 0; i < n; i++) reach[i] = i;
  const d = m.data;
  for (let i = 0; i < n; i++) {
    const base = i * n;
    for (let j = 0; j < n; j++) {
      if (j !== i && Math.abs(d[base + j] as number) > tol) {
        // an entry linking i and j: both must lie in a block reaching max(i, j)
        const hi = i > j ? i : j;
        const lo = i > j ? j : i;
        if ((reach[lo] as number) < hi) reach[lo] = hi;
      }
    }
  }
  const blocks: Block[] = [];
  let start = 0;
  let end = -1;
  for (let k = 0; k < n; k++) {
    if ((reach[k] as number) > end) end = reach[k] as number;
    if (end === k) {
      blocks.push({ start, size: k - start + 1 });
      start = k + 1;
    }
  }
  return blocks;
}

/**
 * Whether `a` (rows x cols, not necessarily square) is block diagonal with `groups` equal
 * contiguous blocks of size (rows/groups) x (cols/groups), entries off the blocks being at
 * most `tol` in absolute value. The shape of every weight of a factorized cell with g groups.
 *
 * @returns false also when rows or cols is not divisible by groups
 * @example
 * isBlockDiagonal([[1, 0], [0, 2]], 2); // true
 */
export function isBlockDiagonal(a: Matrix | DenseMatrix, groups: number, tol = 0): boolean {
  const m = isDense(a) ? a : fromRows(a);
  if (!Number.isInteger(groups) || groups < 1 || m.rows % groups !== 0 || m.cols % groups !== 0) return false;
  const br = m.rows / groups, bc = m.cols / groups;
  for (let i = 0; i < m.rows; i++) {
    const g = Math.floor(i / br);
    for (let j = 0; j < m.cols; j++) {
      if (Math.floor(j / bc) !== g && Math.abs(m.data[i * m.cols + j] as number) > tol) return false;
    }
  }
  return true;
}

/** The diagonal blocks of a square matrix for a given partition, as dense matrices. */
export function extractBlocks(a: DenseMatrix, blocks: readonly Block[]): DenseMatrix[] {
  return blocks.map((b) => principalSubmatrix(a, b.start, b.size));
}

/**
 * Assembles a block-diagonal matrix from rectangular blocks (block b occupies the rows after
 * the previous blocks' rows and the columns after their columns).
 *
 * @example
 * blockDiagonal([[[1]], [[2, 3]]]); // [[1, 0, 0], [0, 2, 3]]
 */
export function blockDiagonal(blocks: readonly Matrix[]): Matrix {
  const rows = blocks.reduce((s, b) => s + b.length, 0);
  const cols = blocks.reduce((s, b) => s + (b.length === 0 ? 0 : (b[0] as number[]).length), 0);
  const out: Matrix = Array.from({ length: rows }, () => new Array<number>(cols).fill(0));
  let r0 = 0, c0 = 0;
  blocks.forEach((b, k) => {
    const bc = b.length === 0 ? 0 : (b[0] as number[]).length;
    b.forEach((row, i) => {
      if (row.length !== bc) throw new MatrixShapeError(`blockDiagonal: block ${k} row ${i} has ${row.length} entries, expected ${bc}`);
      const target = out[r0 + i] as number[];
      for (let j = 0; j < bc; j++) target[c0 + j] = row[j] as number;
    });
    r0 += b.length;
    c0 += bc;
  });
  return out;
}

/** Type guard separating the dense working format from nested arrays. */
export function isDense(a: Matrix | DenseMatrix): a is DenseMatrix {
  return !Array.isArray(a);
}
