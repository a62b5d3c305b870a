/**
 * symmetricEigen is ml-matrix's symmetric EigenvalueDecomposition (tred2 + tql2), bit for bit,
 * with and without the SIMD kernels; and it is an eigendecomposition.
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { setSimdEnabled } from '../../src/linalg/internal/simd.js';
import { symmetricEigen } from '../../src/linalg/internal/symmetricEigen.js';
import { createRng } from '../../src/processes/prng.js';

function symmetric(n: number, seed: number, kind: 'gram' | 'sparse' | 'repeated'): Float64Array {
  const rng = createRng(seed);
  const a = new Float64Array(n * n);
  if (kind === 'repeated') {
    // Q diag(1, 1, 1, 2, 2, 3, ...) Q^T with exactly repeated eigenvalues, plus an exact zero block row.
    for (let i = 0; i < n; i++) a[i * n + i] = 1 + Math.floor(i / 3);
    a[0] = 0;
    return a;
  }
  const r = Math.max(1, Math.floor(n / 3));
  const b = rng.normals(n * r);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = 0; k < r; k++) s += (b[i * r + k] as number) * (b[j * r + k] as number);
      if (kind === 'sparse' && (i + j) % 3 === 0) s = 0;
      a[i * n + j] = s;
      a[j * n + i] = s;
    }
  }
  return a;
}

function mlMatrix(a: Float64Array, n: number): { values: number[]; vectors: Matrix } {
  const rows = Array.from({ length: n }, (_, i) => Array.from(a.subarray(i * n, (i + 1) * n)));
  const evd = new EigenvalueDecomposition(new Matrix(rows), { assumeSymmetric: true });
  return { values: evd.realEigenvalues, vectors: evd.eigenvectorMatrix };
}

describe('symmetricEigen', () => {
  for (const simd of [true, false]) {
    it(`equals ml-matrix's EigenvalueDecomposition(assumeSymmetric) bit for bit (${simd ? 'SIMD kernels' : 'plain JS'}; n = 1 .. 97, Gram, sparse, repeated eigenvalues)`, () => {
      const before = setSimdEnabled(simd);
      try {
        let seed = 1;
        for (const n of [1, 2, 3, 8, 16, 17, 40, 97]) {
          for (const kind of ['gram', 'sparse', 'repeated'] as const) {
            const a = symmetric(n, seed++, kind);
            const got = symmetricEigen(a, n);
            const want = mlMatrix(a, n);
            for (let c = 0; c < n; c++) {
              if (!Object.is(got.values[c], want.values[c])) throw new Error(`n=${n} ${kind}: eigenvalue ${c} ${got.values[c]} != ${want.values[c]}`);
              for (let i = 0; i < n; i++) {
                if (!Object.is(got.vectors[c * n + i], want.vectors.get(i, c))) throw new Error(`n=${n} ${kind}: vector ${c} entry ${i} ${got.vectors[c * n + i]} != ${want.vectors.get(i, c)}`);
              }
            }
          }
        }
      } finally {
        setSimdEnabled(before);
      }
    });
  }

  it('A v = lambda v and V^T V = I to 1e-12 (n = 120)', () => {
    const n = 120;
    const a = symmetric(n, 99, 'gram');
    const { values, vectors } = symmetricEigen(a, n);
    const scale = Math.max(...Array.from(values, Math.abs));
    for (let c = 0; c < n; c += 7) {
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let j = 0; j < n; j++) s += (a[i * n + j] as number) * (vectors[c * n + j] as number);
        expect(Math.abs(s - (values[c] as number) * (vectors[c * n + i] as number))).toBeLessThan(1e-12 * scale);
      }
      for (let e = 0; e < n; e += 11) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += (vectors[c * n + i] as number) * (vectors[e * n + i] as number);
        expect(Math.abs(dot - (c === e ? 1 : 0))).toBeLessThan(1e-12);
      }
    }
    for (let c = 1; c < n; c++) expect(values[c]).toBeGreaterThanOrEqual(values[c - 1] as number);
  });
});
