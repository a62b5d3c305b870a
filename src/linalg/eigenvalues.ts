/**
 * Eigenvalues and spectral radius of real square matrices.
 *
 * @module
 */
import { type Block, detectBlocks, isDense } from './blockDiagonal.js';
import { type DenseMatrix, type Matrix, assertSquare, fromRows } from './dense.js';
import { hessenbergEigenvalueResidual } from './internal/eigenvalueResidual.js';
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
 * blocks'), and each block is balanced (LAPACK 3.5's dgebal criterion), reduced to Hessenberg
 * form by Householder reflections and iterated with the Francis double-shift QR algorithm
 * (EISPACK orthes/hqr). Backward stable in A's norm: each computed eigenvalue is exact for a
 * matrix within O(eps ||A||) of A, so well-conditioned eigenvalues are accurate to
 * O(eps ||A|| kappa) and an eigenvalue of a Jordan block of size m only to O((eps ||A||)^(1/m)).
 * Balancing alone does not guarantee that (its diagonal similarity D multiplies the QR
 * iteration's error by up to cond(D)); when the bound cond(D) ||B|| / ||A|| exceeds max(4, n),
 * each balanced eigenvalue is certified by an inverse-iteration residual in A's Hessenberg form,
 * and the unbalanced eigenvalues are returned if one fails (see balancedOrCertifiedSpectrum).
 *
 * References: Golub & Van Loan, Matrix Computations (4th ed.), 7.4-7.6; Wilkinson & Reinsch,
 * Handbook for Automatic Computation II (1971); R. James, J. Langou, B.R. Lowery, On matrix
 * balancing and eigenvector computation, arXiv:1401.5766 (2014).
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
  // works on normal numbers) and once after it (in hessenbergSpectrum): balancing a graded
  // matrix can shrink every entry by a large factor. Example: a 3-cycle with entries 0.87,
  // 1.5e-265 and 7.2e-233 has eigenvalues of modulus 2.1e-166 (the cube root of their product);
  // balanced, every entry is near 1e-166, whose squares underflow, and the QR iteration stalled
  // there (found by the fresh-seed pass; kept in test/linalg/properties.test.ts).
  const before = scaleToUnitMax(h);
  if (before === undefined) return { re: new Float64Array(size), im: new Float64Array(size) };
  return scaledSpectrum(balancedOrCertifiedSpectrum(h, size), before);
}

/**
 * Largest backward-error amplification cond(D) ||D^-1 A D||_F / ||A||_F of balancing that is
 * accepted without a check, for an n x n block (see {@link balancedOrCertifiedSpectrum}).
 * Balancing's own use case (A = D B D^-1 with B well scaled) gives about 1 to 3 for graded 3 x 3
 * matrices and 8 to 34 for dense graded ones of order 16 to 1 024; the check costs about as much
 * as the eigenvalues again, so it is kept for amplifications beyond n.
 */
const unitAmplification = (n: number): number => Math.max(4, n);
/**
 * Backward error certified for a balanced spectrum, relative to ||A||_F, per unit of n: the
 * balanced eigenvalues are kept when each is an exact eigenvalue of a matrix within
 * 16 n eps ||A||_F of A (about the backward error of the QR iteration itself).
 */
const CERTIFIED_BACKWARD_ERROR_PER_N = 16 * 2 ** -52;

/**
 * Eigenvalues of the block `h` (size x size, largest entry about 1; destroyed): balanced when
 * balancing provably keeps them backward stable in A's norm, else balanced if a residual
 * certificate says so, else unbalanced.
 *
 * Method: balancing B = D^-1 A D is exact, but the QR iteration's backward error E (about
 * eps ||B||) on B is D E D^-1 on A, whose norm is up to cond(D) ||E||: the eigenvalues are exact
 * for a matrix within about eps kappa ||A|| of A, kappa = cond(D) ||B||_F / ||A||_F (James,
 * Langou & Lowery 2014 show balanced spectra whose backward error grows so). kappa <= max(4, n):
 * keep the balanced spectrum. Otherwise A is also reduced to Hessenberg form H_A = Q^T A Q
 * (backward stable in A's norm), and each balanced eigenvalue lambda gets the upper bound
 * ||(H_A - lambda I) v|| / ||v|| >= sigma_min(A - lambda I) - O(eps ||A||) from inverse iteration
 * ({@link hessenbergEigenvalueResidual}); if every bound is at most 16 n eps ||A||_F the balanced
 * spectrum is returned (it keeps balancing's accuracy for graded matrices), else the eigenvalues
 * of H_A (the unbalanced QR iteration, backward stable in A's norm).
 */
function balancedOrCertifiedSpectrum(h: Float64Array, size: number): Spectrum {
  const original = Float64Array.from(h);
  const d = balanceInPlace(h, size);
  let dMin = Infinity, dMax = 0;
  for (const v of d) {
    if (v < dMin) dMin = v;
    if (v > dMax) dMax = v;
  }
  const normA = frobenius(original);
  if ((dMax / dMin) * frobenius(h) <= unitAmplification(size) * normA) return hessenbergSpectrum(h, size);
  const balanced = hessenbergSpectrum(h, size);
  hessenbergInPlace(original, size);
  const tolerance = CERTIFIED_BACKWARD_ERROR_PER_N * size * normA;
  let certified = true;
  for (let k = 0; k < size && certified; k++) {
    const im = balanced.im[k] as number;
    if (im < 0) continue; // the conjugate of a certified eigenvalue has the same residual (H_A is real)
    certified = hessenbergEigenvalueResidual(original, size, balanced.re[k] as number, im) <= tolerance;
  }
  return certified ? balanced : hessenbergEigenvaluesInPlace(original, size);
}

/** Eigenvalues of a (balanced) block: scaled to a unit largest entry, Hessenberg reduction, QR, scaling undone. */
function hessenbergSpectrum(h: Float64Array, size: number): Spectrum {
  const e = scaleToUnitMax(h) as number;
  hessenbergInPlace(h, size);
  return scaledSpectrum(hessenbergEigenvaluesInPlace(h, size), e);
}

/** Multiplies a spectrum in place by 2^e (|e| <= 1000, so the factor is representable and exact). */
function scaledSpectrum(s: Spectrum, e: number): Spectrum {
  if (e === 0) return s;
  const up = 2 ** e;
  for (let i = 0; i < s.re.length; i++) {
    s.re[i] = (s.re[i] as number) * up;
    s.im[i] = (s.im[i] as number) * up;
  }
  return s;
}

/** Frobenius norm, scaled by the largest entry so that tiny entries (1e-166 after balancing a graded matrix) do not underflow. */
function frobenius(h: Float64Array): number {
  let amax = 0;
  for (const v of h) if (Math.abs(v) > amax) amax = Math.abs(v);
  if (amax === 0) return 0;
  let sum = 0;
  for (const v of h) sum += (v / amax) ** 2;
  return amax * Math.sqrt(sum);
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
