/**
 * Eigenvalues and spectral radius of real square matrices.
 *
 * @module
 */
import { type Block, detectBlocks, isDense } from './blockDiagonal.js';
import { type DenseMatrix, type Matrix, assertSquare, fromRows } from './dense.js';
import { balanceInPlace, hessenbergEigenvaluesInPlace, hessenbergInPlace } from './internal/hessenbergQR.js';

/** Eigenvalues as parallel arrays of real and imaginary parts. */
export interface Spectrum {
  readonly re: Float64Array;
  readonly im: Float64Array;
}

/**
 * All eigenvalues of a real square matrix.
 *
 * Method: the matrix is split into its finest contiguous diagonal blocks
 * ({@link detectBlocks}; the spectrum of a block-diagonal matrix is the union of its
 * blocks'), and each block is balanced, reduced to Hessenberg form by Householder
 * reflections and iterated with the Francis double-shift QR algorithm (EISPACK
 * balanc/orthes/hqr). Backward stable: each computed eigenvalue is exact for a matrix within
 * O(eps ||A||) of A, so well-conditioned eigenvalues are accurate to O(eps ||A|| kappa) and an
 * eigenvalue of a Jordan block of size m only to O((eps ||A||)^(1/m)).
 *
 * References: Golub & Van Loan, Matrix Computations (4th ed.), 7.4-7.5; Wilkinson & Reinsch,
 * Handbook for Automatic Computation II (1971).
 *
 * @param m - square matrix (nested rows or dense)
 * @returns eigenvalues in block order; complex pairs adjacent
 * @throws MatrixShapeError for a non-square or non-finite matrix; ConvergenceError if QR stalls
 * @example
 * eigenvalues([[0, -1], [1, 0]]); // { re: [0, 0], im: [1, -1] }
 */
export function eigenvalues(m: Matrix | DenseMatrix): Spectrum {
  const a = isDense(m) ? m : fromRows(m, 'eigenvalues: matrix');
  assertSquare(a, "eigenvalues: matrix");
  return eigenvaluesOfBlocks(a, detectBlocks(a));
}

/** Eigenvalues of `a` for a given block partition (exactness requires a true partition). */
export function eigenvaluesOfBlocks(a: DenseMatrix, blocks: readonly Block[]): Spectrum {
  const n = a.rows;
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  for (const { start, size } of blocks) {
    const s = eigenvaluesOfBlock(a, start, size);
    re.set(s.re, start);
    im.set(s.im, start);
  }
  return { re, im };
}

function eigenvaluesOfBlock(a: DenseMatrix, start: number, size: number): Spectrum {
  const n = a.cols;
  if (size === 1) {
    return { re: Float64Array.of(a.data[start * n + start] as number), im: new Float64Array(1) };
  }
  const h = new Float64Array(size * size);
  for (let i = 0; i < size; i++) h.set(a.data.subarray((start + i) * n + start, (start + i) * n + start + size), i * size);
  // Scale by a power of two (exact) so that the largest entry is about 1: the QR shifts square
  // entries, and for matrices with entries near 1e-200 (or 1e200) those squares would
  // underflow (overflow) and stall the iteration. Once before balancing (so that balancing
  // works on normal numbers) and once after it: balancing a graded matrix can shrink every
  // entry by a large factor. Example: a 3-cycle with entries 0.87, 1.5e-265 and 7.2e-233 has
  // eigenvalues of modulus 2.1e-166 (the cube root of their product); balanced, every entry is
  // near 1e-166, whose squares underflow, and the QR iteration stalled there (found by the
  // fresh-seed pass; kept in test/linalg/properties.test.ts).
  const before = scaleToUnitMax(h);
  if (before === undefined) return { re: new Float64Array(size), im: new Float64Array(size) };
  balanceInPlace(h, size);
  const after = scaleToUnitMax(h) as number;
  hessenbergInPlace(h, size);
  const s = hessenbergEigenvaluesInPlace(h, size);
  // Undo the scalings in reverse order, one power of two at a time (each factor is representable).
  for (const e of [after, before]) {
    if (e === 0) continue;
    const up = 2 ** e;
    for (let i = 0; i < size; i++) {
      s.re[i] = (s.re[i] as number) * up;
      s.im[i] = (s.im[i] as number) * up;
    }
  }
  return s;
}

/**
 * Multiplies `h` in place by 2^-e, e = round(log2 max |h_ij|) clamped to [-1000, 1000], so that
 * its largest entry lies in [0.7, 1.5) (exact: a power of two). Returns e, or undefined for a
 * zero matrix.
 */
function scaleToUnitMax(h: Float64Array): number | undefined {
  let amax = 0;
  for (const v of h) if (Math.abs(v) > amax) amax = Math.abs(v);
  if (amax === 0) return undefined;
  const e = Math.max(-1000, Math.min(1000, Math.round(Math.log2(amax))));
  if (e !== 0) {
    const down = 2 ** -e;
    for (let i = 0; i < h.length; i++) h[i] = (h[i] as number) * down;
  }
  return e;
}

/** max_i |lambda_i| over a spectrum (hypot, so no overflow for huge entries). */
export function maxModulus(s: Spectrum): number {
  let best = 0;
  for (let i = 0; i < s.re.length; i++) {
    const v = Math.hypot(s.re[i] as number, s.im[i] as number);
    if (v > best) best = v;
  }
  return best;
}

/**
 * Spectral radius rho(A) = max |lambda_i(A)| of a real square matrix, from the full
 * eigenvalue computation of {@link eigenvalues} (block-diagonal structure exploited).
 *
 * rho(W_h) < 1 is the condition of the paper's Proposition 1.1 (vanishing gradients) and
 * Proposition 1.2 (short range dependence).
 *
 * @param m - square matrix, row-major
 * @example
 * spectralRadius([[0.5, 1], [0, -0.9]]); // 0.9
 */
export function spectralRadius(m: Matrix | DenseMatrix): number {
  return maxModulus(eigenvalues(m));
}
