/**
 * The two parts of eigenvalues() that keep it backward stable on badly scaled matrices:
 * balancing as LAPACK 3.5's dgebal, and the residual certificate of a balanced eigenvalue.
 */
import { SingularValueDecomposition, Matrix as MlMatrix } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { hessenbergEigenvalueResidual } from '../../src/linalg/internal/eigenvalueResidual.js';
import { balanceInPlace, hessenbergInPlace } from '../../src/linalg/internal/hessenbergQR.js';

describe('balanceInPlace (LAPACK 3.5 dgebal scaling)', () => {
  it('returns the scaling factors and balanced matrix of scipy.linalg.lapack.dgebal (LAPACK 3.11), bit for bit', () => {
    // OPENBLAS_NUM_THREADS=1 /usr/bin/python3 (scipy 1.10.1, lapack.ilaver() = (3, 11, 0)):
    //   from scipy.linalg import lapack
    //   ba, lo, hi, sc, info = lapack.dgebal(np.array(A, dtype=float), permute=0, scale=1)
    // gives sc and ba as below. Powers of two only, so equality is exact.
    const cases: { a: number[]; d: number[]; b: number[] }[] = [
      { a: [1, 1024, 1 / 1024, 1], d: [64, 0.125], b: [1, 2, 0.5, 1] },
      {
        a: [1, 0, 1e-4, 1, 1, 1e-2, 1e4, 1e2, 1],
        d: [1.953125e-3, 0.125, 16],
        b: [1, 0, 0.8192, 0.015625, 1, 1.28, 1.220703125, 0.78125, 1],
      },
      // Tiny off-diagonal entries beside a dominant diagonal: the old EISPACK rule (1-norms
      // without the diagonal) scaled by 2^20 here; with the diagonal in the norms nothing moves.
      { a: [1, 2 ** -60, 2 ** -20, 1], d: [1, 1], b: [1, 2 ** -60, 2 ** -20, 1] },
    ];
    for (const { a, d, b } of cases) {
      const h = Float64Array.from(a);
      const scale = balanceInPlace(h, d.length);
      expect(Array.from(scale)).toEqual(d);
      expect(Array.from(h)).toEqual(b);
    }
  });

  it('is a similarity with the factors it returns (B_ij = A_ij d_j / d_i exactly) on a graded random matrix', () => {
    const n = 7;
    let s = 3;
    const rnd = (): number => (s = (s * 16807) % 2147483647) / 2147483647 - 0.5;
    const grade = Array.from({ length: n }, (_, i) => 2 ** (40 * (i - 3)));
    const a = Float64Array.from({ length: n * n }, (_, k) => (rnd() * (grade[Math.floor(k / n)] as number)) / (grade[k % n] as number));
    const b = Float64Array.from(a);
    const d = balanceInPlace(b, n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) expect(b[i * n + j]).toBe(((a[i * n + j] as number) * (d[j] as number)) / (d[i] as number));
    }
    // the grading 2^(40 (i - j)) is undone up to the radix: cond(D) within 2^-8 .. 2^8 of 2^240
    const cond = Math.max(...d) / Math.min(...d);
    expect(Math.abs(Math.log2(cond) - 240)).toBeLessThanOrEqual(8);
  });
});

describe('hessenbergEigenvalueResidual', () => {
  const sigmaMin = (h: Float64Array, n: number, re: number, im: number): number => {
    // sigma_min of the complex H - lambda I through its real 2n x 2n embedding (ml-matrix SVD)
    const e = Array.from({ length: 2 * n }, () => new Array<number>(2 * n).fill(0));
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const v = (h[i * n + j] as number) - (i === j ? re : 0);
        e[i]![j] = v;
        e[n + i]![n + j] = v;
      }
      e[i]![n + i] = im;
      e[n + i]![i] = -im;
    }
    const svd = new SingularValueDecomposition(new MlMatrix(e), { computeLeftSingularVectors: false, computeRightSingularVectors: false });
    return Math.min(...svd.diagonal);
  };

  it('is ~eps at an exact eigenvalue and sigma_min(H - lambda I) in closed form elsewhere (real and complex lambda)', () => {
    // H = [[2, 1], [0, 3]]: sigma_min(H - 2.5 I)^2 = (1.5 - sqrt(2)) / 2, i.e. 0.20710678...
    const h = Float64Array.of(2, 1, 0, 3);
    expect(hessenbergEigenvalueResidual(h, 2, 2, 0)).toBeLessThan(1e-15);
    const exact = Math.sqrt((1.5 - Math.SQRT2) / 2);
    expect(hessenbergEigenvalueResidual(h, 2, 2.5, 0)).toBeGreaterThanOrEqual(exact * (1 - 1e-12));
    expect(hessenbergEigenvalueResidual(h, 2, 2.5, 0)).toBeLessThan(exact * 1.01);
    // rotation generator [[0, -1], [1, 0]] (normal, eigenvalues +-i): sigma_min(H - 2i I) = |2i - i| = 1
    // (the other singular value is |-i - 2i| = 3: two inverse-iteration steps leave a 3^-4 part of it)
    const r = Float64Array.of(0, -1, 1, 0);
    expect(hessenbergEigenvalueResidual(r, 2, 0, 1)).toBeLessThan(1e-15);
    expect(hessenbergEigenvalueResidual(r, 2, 0, 2)).toBeGreaterThanOrEqual(1 - 1e-12);
    expect(hessenbergEigenvalueResidual(r, 2, 0, 2)).toBeLessThan(1.01);
  });

  it('bounds sigma_min(H - lambda I) from above and lies within 10x of it, on random Hessenberg matrices and shifts', () => {
    // The bound is a residual ||(H - lambda I) v|| / ||v||, so it can never be below sigma_min
    // (up to its rounding, ~n eps ||H||); two steps of inverse iteration for the smallest
    // singular value bring it close (worst ratio over these 200 fixed draws: 4.2).
    let s = 11;
    const rnd = (): number => (s = (s * 16807) % 2147483647) / 2147483647 - 0.5;
    let worstRatio = 0;
    for (let t = 0; t < 200; t++) {
      const n = 2 + (t % 9);
      const a = Float64Array.from({ length: n * n }, () => rnd());
      hessenbergInPlace(a, n);
      const re = 2 * rnd(), im = t % 2 === 0 ? 0 : rnd();
      const bound = hessenbergEigenvalueResidual(a, n, re, im);
      const exact = sigmaMin(a, n, re, im);
      expect(bound).toBeGreaterThanOrEqual(exact - 1e-14);
      worstRatio = Math.max(worstRatio, bound / exact);
    }
    expect(worstRatio).toBeLessThan(10);
  });
});
