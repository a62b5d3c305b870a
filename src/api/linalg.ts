/**
 * `lrdkit/linalg`: the dense linear algebra the analyses use: eigenvalues and spectral radius
 * (Hessenberg QR), the dominant eigenvalue by restarted Arnoldi, norms, SPD factorizations,
 * block-diagonal structure and the FFT.
 *
 * @example
 * ```ts
 * import { spectralRadius } from 'lrdkit/linalg';
 * spectralRadius([[0.5, 1], [0, -0.9]]); // 0.9
 * ```
 *
 * @module lrdkit/linalg
 */
export type { DenseMatrix, Matrix } from '../linalg/dense.js';
export { fromRows, toRows, MatrixShapeError } from '../linalg/dense.js';
export type { Block } from '../linalg/blockDiagonal.js';
export { blockDiagonal, detectBlocks, isBlockDiagonal } from '../linalg/blockDiagonal.js';
export type { Spectrum } from '../linalg/eigenvalues.js';
export { eigenvalues, spectralRadius } from '../linalg/eigenvalues.js';
export type { ArnoldiOptions, DominantEigenvalue, LinearOperator } from '../linalg/arnoldi.js';
export { dominantEigenvalue } from '../linalg/arnoldi.js';
export { frobeniusNorm, infinityNorm, spectralNorm } from '../linalg/norms.js';
export { cholesky, inverseSqrtSPD, logDetSPD } from '../linalg/spd.js';
export { ConvergenceError, NotPositiveDefiniteError } from '../linalg/errors.js';
export { fft, ifft, nextPowerOfTwo } from '../linalg/fft.js';
