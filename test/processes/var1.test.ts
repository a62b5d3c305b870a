import { describe, expect, it } from 'vitest';
import { choleskyLower } from '../../src/processes/internal/cholesky.js';
import { var1, var1StationaryCovariance } from '../../src/processes/var1.js';
import { createRng } from '../../src/processes/prng.js';
import { ensemble, maxZScore } from './statistics.js';

type Matrix = number[][];

function mul(a: Matrix, b: Matrix): Matrix {
  return a.map((row) => (b[0] ?? []).map((_, j) => row.reduce((s, v, k) => s + v * (b[k]?.[j] ?? 0), 0)));
}
function tr(a: Matrix): Matrix {
  return (a[0] ?? []).map((_, j) => a.map((row) => row[j] ?? 0));
}
function maxAbs(a: Matrix): number {
  return Math.max(...a.flat().map(Math.abs));
}
function lyapunovResidual(A: Matrix, Q: Matrix, S: Matrix): number {
  const asat = mul(mul(A, S), tr(A));
  return maxAbs(S.map((row, i) => row.map((v, j) => v - (asat[i]?.[j] ?? 0) - (Q[i]?.[j] ?? 0)))) / maxAbs(S);
}

/** Independent reference: vec(Sigma) = (I - A (x) A)^{-1} vec(Q) by Gaussian elimination. */
function kroneckerLyapunov(A: Matrix, Q: Matrix): Matrix {
  const n = A.length;
  const N = n * n;
  const M: number[][] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const row = new Array<number>(N + 1).fill(0);
      for (let k = 0; k < n; k++) for (let l = 0; l < n; l++) row[k * n + l] = -(A[i]?.[k] ?? 0) * (A[j]?.[l] ?? 0);
      row[i * n + j] = (row[i * n + j] ?? 0) + 1;
      row[N] = Q[i]?.[j] ?? 0;
      M.push(row);
    }
  }
  for (let c = 0; c < N; c++) {
    let p = c;
    for (let r = c + 1; r < N; r++) if (Math.abs(M[r]?.[c] ?? 0) > Math.abs(M[p]?.[c] ?? 0)) p = r;
    [M[c], M[p]] = [M[p] as number[], M[c] as number[]];
    const pivot = M[c] as number[];
    for (let r = 0; r < N; r++) {
      if (r === c) continue;
      const row = M[r] as number[];
      const f = (row[c] ?? 0) / (pivot[c] ?? 1);
      for (let k = c; k <= N; k++) row[k] = (row[k] ?? 0) - f * (pivot[k] ?? 0);
    }
  }
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => {
    const row = M[i * n + j] as number[];
    return (row[N] ?? 0) / (row[i * n + j] ?? 1);
  }));
}

// A non-normal A (A A^T != A^T A) with rho(A) = 0.6 and a correlated Q.
const A: Matrix = [
  [0.6, 1.5],
  [0, 0.4],
];
const Q: Matrix = [
  [1, 0.3],
  [0.3, 0.5],
];

describe('var1StationaryCovariance', () => {
  it('var1StationaryCovariance(A, Q) satisfies Sigma = A Sigma A^T + Q to 1e-12 and matches the Kronecker solution', () => {
    const cases: [Matrix, Matrix][] = [
      [A, Q],
      [[[0.5]], [[1]]],
      [
        [
          [0.99, 2, 0],
          [0, 0.5, 3],
          [0, 0, -0.7],
        ],
        [
          [1, 0, 0],
          [0, 0, 0],
          [0, 0, 0.2],
        ],
      ],
    ];
    for (const [a, q] of cases) {
      const sigma = var1StationaryCovariance(a, q);
      // Relative to ||Sigma||_max; the doubling sum has round-off ~ (log2 of the number of
      // terms) eps ~ 1e-15, so 1e-12 is a safe bound.
      expect(lyapunovResidual(a, q, sigma)).toBeLessThan(1e-12);
      const reference = kroneckerLyapunov(a, q);
      const diff = maxAbs(sigma.map((row, i) => row.map((v, j) => v - (reference[i]?.[j] ?? 0))));
      // Gaussian elimination on I - A (x) A (condition ~ 1 / (1 - rho^2) ~ 50): error << 1e-11.
      expect(diff / maxAbs(sigma)).toBeLessThan(1e-11);
    }
    const s = var1StationaryCovariance([[0.5, 1], [0, 0.5]], [[1, 0], [0, 1]]);
    expect(s[0]?.[0]).toBeCloseTo(116 / 27, 13);
    expect(s[0]?.[1]).toBeCloseTo(8 / 9, 13);
    expect(s[1]?.[1]).toBeCloseTo(4 / 3, 13);
  });

  it('var1StationaryCovariance throws an error naming the spectral radius condition when rho(A) >= 1', () => {
    expect(() => var1StationaryCovariance([[1]], [[1]])).toThrow(/spectral radius rho\(A\) < 1/);
    expect(() => var1StationaryCovariance([[1.01]], [[1]])).toThrow(/spectral radius/);
    expect(() => var1StationaryCovariance([[0.5, 10], [0, -1]], [[1, 0], [0, 1]])).toThrow(/spectral radius/);
    expect(() => var1StationaryCovariance([[0, 2], [0.5, 0]], [[1, 0], [0, 1]])).toThrow(/spectral radius/); // rho = 1
    expect(() => var1StationaryCovariance([[0.5, 0]], [[1]])).toThrow(RangeError);
    expect(() => var1StationaryCovariance([[0.5]], [[1, 0], [0, 1]])).toThrow(RangeError);
  });
});

describe('var1', () => {
  it('var1(rng, steps, A, Q) with non-normal A has lag-0 covariance Sigma and lag-1 covariance A Sigma within 4 standard errors', () => {
    const sigma = var1StationaryCovariance(A, Q);
    const lag1 = mul(A, sigma); // E[x_{t+1} x_t^T] = A Sigma
    const base = createRng(4242);
    const rows: Float64Array[] = [];
    const steps = 400;
    for (let s = 0; s < 300; s++) {
      const xs = var1(base.fork(s), steps, A, Q);
      const row = new Float64Array(8);
      for (let t = 0; t < steps; t++) {
        const x = xs[t] as Float64Array;
        for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) row[2 * i + j] = (row[2 * i + j] ?? 0) + ((x[i] ?? 0) * (x[j] ?? 0)) / steps;
        if (t + 1 < steps) {
          const y = xs[t + 1] as Float64Array;
          for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) row[4 + 2 * i + j] = (row[4 + 2 * i + j] ?? 0) + ((y[i] ?? 0) * (x[j] ?? 0)) / (steps - 1);
        }
      }
      rows.push(row);
    }
    const expected = [...sigma.flat(), ...lag1.flat()];
    // 4 SE from the spread of 300 independent per-sequence estimates (known mean 0, unbiased
    // because every x_t is exactly stationary).
    expect(maxZScore(ensemble(rows), (j) => expected[j] ?? Number.NaN)).toBeLessThan(4);
  });

  it('var1(rng, steps, A) defaults to Q = I, accepts a singular Q, and is reproducible', () => {
    const xs = var1(createRng(1), 50, [[0.5, 1], [0, 0.5]]);
    expect(xs.length).toBe(50);
    expect(xs[0]?.length).toBe(2);
    expect(var1(createRng(1), 50, A, Q)).toEqual(var1(createRng(1), 50, A, Q));
    // Noise only in coordinate 0 and A upper triangular: coordinate 1 is identically 0.
    const singular = var1(createRng(2), 30, [[0.5, 1], [0, 0.5]], [[1, 0], [0, 0]]);
    expect(singular.every((x) => x[1] === 0)).toBe(true);
    expect(() => var1(createRng(1), 10, [[1.2]])).toThrow(/spectral radius/);
    expect(() => var1(createRng(1), 2.5, A)).toThrow(RangeError);
    expect(() => var1(createRng(1), 10, A, [[1, 2], [2, 1]])).toThrow(/not positive semidefinite/);
  });
});

describe('choleskyLower (internal)', () => {
  it('choleskyLower(A) gives lower-triangular L with L L^T = A, zero columns for semidefinite A, and rejects indefinite A', () => {
    expect(choleskyLower([[4, 2], [2, 5]])).toEqual([[2, 0], [1, 2]]);
    const a: Matrix = [
      [2, -1, 0.5],
      [-1, 3, 0.2],
      [0.5, 0.2, 1],
    ];
    const l = choleskyLower(a);
    expect(l[0]?.[1]).toBe(0);
    // Backward error of Cholesky is O(n eps ||A||): 1e-14 for this well-conditioned 3x3.
    expect(maxAbs(mul(l, tr(l)).map((row, i) => row.map((v, j) => v - (a[i]?.[j] ?? 0))))).toBeLessThan(1e-14);
    // Rank one: [[1, 2], [2, 4]] = v v^T with v = (1, 2).
    expect(choleskyLower([[1, 2], [2, 4]])).toEqual([[1, 0], [2, 0]]);
    expect(() => choleskyLower([[1, 2], [2, 1]])).toThrow(/not positive semidefinite: Cholesky pivot 1 is -3/);
    expect(() => choleskyLower([[1, 2], [0, 1]])).toThrow(/symmetric/);
  });
});
