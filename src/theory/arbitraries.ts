/**
 * fast-check arbitraries for the paper's objects, exported for other people's property
 * suites: matrices with a prescribed spectral radius or operator norm (normal and strongly
 * non-normal), block-diagonal matrices, sequences of non-commuting matrices, SPD covariances.
 * Generators are deliberately broad (sizes 1..6, entries up to +-10 before scaling, exact
 * zeros and near-defective triangular shapes included): a statement that needs a narrower
 * class says so in its hypothesis, never in its generator.
 *
 * @module
 */
import fc from 'fast-check';
import type { Matrix } from '../linalg/dense.js';
import { spectralRadius } from '../linalg/eigenvalues.js';
import { spectralNorm } from '../linalg/norms.js';
import { blockDiagonal } from '../linalg/blockDiagonal.js';

const GRID = 2 ** 20;

/**
 * A real in [-bound, bound] on a grid of 2^21 + 1 points, plus exact zeros (1 draw in 10).
 * fast-check's `double` concentrates on extreme magnitudes (subnormals, 1e-300): good for
 * kernels (see test/linalg), but a matrix of such entries is numerically zero, which would
 * hide every counterexample about products and sums of matrices.
 */
export function realArbitrary(bound: number): fc.Arbitrary<number> {
  return fc.oneof(
    { arbitrary: fc.integer({ min: -GRID, max: GRID }).map((i) => (i / GRID) * bound), weight: 9 },
    { arbitrary: fc.constant(0), weight: 1 },
  );
}

/** A real in [0, 1] on the same grid. */
export function unitArbitrary(): fc.Arbitrary<number> {
  return fc.integer({ min: 0, max: GRID }).map((i) => i / GRID);
}

const entry = realArbitrary;

/** An n x n matrix with entries in [-bound, bound]. */
export function squareMatrixArbitrary(n: number, bound = 1): fc.Arbitrary<Matrix> {
  return fc.array(fc.array(entry(bound), { minLength: n, maxLength: n }), { minLength: n, maxLength: n });
}

/**
 * A strongly non-normal n x n matrix: upper triangular with diagonal in [-1, 1] and
 * off-diagonal entries up to +-10 (departure from normality up to ~10 n), optionally plus a
 * small dense part so that it is not exactly triangular.
 */
export function nonNormalMatrixArbitrary(n: number): fc.Arbitrary<Matrix> {
  return fc
    .tuple(squareMatrixArbitrary(n, 10), squareMatrixArbitrary(n, 1), squareMatrixArbitrary(n, 0.05))
    .map(([upper, diag, dense]) =>
      upper.map((row, i) => row.map((v, j) => (j > i ? v : j === i ? ((diag[i] as number[])[j] as number) : 0) + ((dense[i] as number[])[j] as number))),
    );
}

/**
 * A matrix of any family: dense with entries in [-1, 1], strongly non-normal upper triangular,
 * or its transpose (lower triangular), so that sequences mix non-commuting shapes.
 */
export function anyMatrixArbitrary(n: number): fc.Arbitrary<Matrix> {
  const transpose = (m: Matrix): Matrix => m.map((row, i) => row.map((_, j) => (m[j] as number[])[i] as number));
  return fc.oneof(squareMatrixArbitrary(n, 1), nonNormalMatrixArbitrary(n), nonNormalMatrixArbitrary(n).map(transpose));
}

/** m * (target / current), computed as (v / current) * target so that tiny matrices do not overflow. */
function rescaled(m: Matrix, current: number, target: number): Matrix {
  return m.map((row) => row.map((v) => (v / current) * target));
}

/**
 * A matrix rescaled to spectral radius exactly `target` * (a draw in (0, 1]) below `rhoMax`
 * (matrices with spectral radius 0, e.g. nilpotent, are kept as they are: scaling cannot
 * change their radius).
 */
export function spectralRadiusBoundedArbitrary(n: number, rhoMax: number): fc.Arbitrary<Matrix> {
  return fc.tuple(anyMatrixArbitrary(n), unitArbitrary()).map(([m, u]) => {
    const rho = spectralRadius(m);
    return rho === 0 ? m : rescaled(m, rho, u * rhoMax);
  });
}

/** A matrix rescaled to operator norm ||A||_2 = u * normMax, u in [0, 1]. */
export function operatorNormBoundedArbitrary(n: number, normMax: number): fc.Arbitrary<Matrix> {
  return fc.tuple(anyMatrixArbitrary(n), unitArbitrary()).map(([m, u]) => {
    const s = spectralNorm(m);
    return s === 0 ? m : rescaled(m, s, u * normMax);
  });
}

/** An SPD matrix B B^T + floor I (floor > 0 bounds its eigenvalues below). */
export function spdMatrixArbitrary(n: number, floor: number): fc.Arbitrary<Matrix> {
  return squareMatrixArbitrary(n, 1).map((b) => b.map((row, i) => b.map((col, j) => row.reduce((s, v, k) => s + v * (col[k] as number), 0) + (i === j ? floor : 0))));
}

/** A block-diagonal matrix of 1..maxBlocks blocks of sizes 1..maxSize. */
export function blockDiagonalMatrixArbitrary(maxBlocks: number, maxSize: number): fc.Arbitrary<Matrix> {
  return fc.array(fc.integer({ min: 1, max: maxSize }).chain((s) => anyMatrixArbitrary(s)), { minLength: 1, maxLength: maxBlocks }).map((blocks) => blockDiagonal(blocks));
}

/** A periodic sequence of `period` matrices of order n, each drawn by `each`. */
export function matrixSequenceArbitrary(n: number, period: { min: number; max: number }, each: (n: number) => fc.Arbitrary<Matrix>): fc.Arbitrary<Matrix[]> {
  return fc.array(each(n), { minLength: period.min, maxLength: period.max });
}
