/**
 * src/linalg/internal/lanczos.ts: one Lanczos recurrence, two stopping rules. The
 * stalled-Ritz-value rule (spectralNormDense, the correlation norms) and the certified-residual
 * rule (largestSingularValueLanczos, the Jacobian spectra) find the same sigma_max as the
 * exact Gram-matrix method (spectralNorm: QR eigenvalues of A^T A), and the warm start of the
 * first rule does not change its answer.
 */
import { describe, expect, it } from 'vitest';
import { largestSingularValueLanczos, spectralNormDense } from '../../src/linalg/internal/lanczos.js';
import { spectralNorm } from '../../src/linalg/norms.js';
import { createRng } from '../../src/processes/prng.js';

const relative = (a: number, b: number): number => Math.abs(a - b) / b;

describe('one Lanczos module, two stopping rules', () => {
  it('known answers: diag(3, 1) has sigma_max 3 under both rules (1e-15 relative: a 2-step run, exact up to round-off)', () => {
    const data = Float64Array.from([3, 0, 0, 1]);
    expect(relative(spectralNormDense(data, 0, 2, 2).norm, 3)).toBeLessThan(1e-15);
    expect(relative(largestSingularValueLanczos({ rows: 2, cols: 2, data })?.value ?? NaN, 3)).toBeLessThan(1e-15);
  });

  it('stalled-value and certified-residual rules agree with the exact Gram-matrix sigma_max on random matrices (square, tall, wide)', () => {
    const rng = createRng(17);
    for (const [rows, cols] of [[40, 40], [112, 60], [33, 70], [8, 3]] as const) {
      const data = rng.normals(rows * cols);
      const exact = spectralNorm({ rows, cols, data });
      // Certified rule with tol 1e-10: |sigma - sigma_max| / sigma_max <= tol / 2 (the residual
      // bound of a symmetric Ritz pair, halved by the square root); 1e-10 leaves room for the
      // O(eps) error of the reference.
      const certified = largestSingularValueLanczos({ rows, cols, data }, 1e-10);
      expect(certified, `${rows}x${cols}`).not.toBeNull();
      expect(relative(certified?.value ?? NaN, exact), `${rows}x${cols} certified`).toBeLessThan(1e-10);
      expect(certified?.residual ?? NaN).toBeLessThanOrEqual(1e-10);
      // Stall rule (theta unchanged to 1e-13 relative for two steps; at most n = cols steps, then
      // exact up to round-off): the same 1e-10, with the same reference error margin.
      const stalled = spectralNormDense(data, 0, rows, cols);
      expect(relative(stalled.norm, exact), `${rows}x${cols} stalled`).toBeLessThan(1e-10);
      // A warm start (the top right singular vector just found) gives the same sigma_max.
      expect(relative(spectralNormDense(data, 0, rows, cols, stalled.vector).norm, exact), `${rows}x${cols} warm`).toBeLessThan(1e-10);
    }
  });

  it('the certified rule returns null when maxSteps is too few to certify (5 steps of a 60-column Gaussian matrix)', () => {
    const rng = createRng(18);
    const data = rng.normals(112 * 60);
    expect(largestSingularValueLanczos({ rows: 112, cols: 60, data }, 1e-10, 5)).toBeNull();
  });
});
