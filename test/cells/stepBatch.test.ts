/**
 * Batched stepping: stepBatch equals N single steps bit for bit, its pre-activations equal
 * gatePreactivations bit for bit, and the tiled kernels equal the textbook loops bit for bit.
 */
import { describe, expect, it } from 'vitest';
import { gatePreactivations } from '../../src/analysis/gateSaturation.js';
import type { DenseCell } from '../../src/cells/factorized.js';
import { randomDenseCell, randomFactorizedCell } from '../../src/cells/random.js';
import type { Cell } from '../../src/cells/types.js';
import { CellShapeError } from '../../src/cells/types.js';
import { addTransposedProducts, matMulRows, matVecRows } from '../../src/linalg/internal/kernels.js';
import { createRng } from '../../src/processes/prng.js';

function sameBits(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

/** Steps n sequences for a few steps both ways; returns whether every state matched bit for bit. */
function batchMatchesSteps(cell: Cell, n: number, steps: number, seed: number): boolean {
  const rng = createRng(seed);
  const S = cell.stateSize, D = cell.inputSize;
  let states: Float64Array = new Float64Array(n * S).map(() => Math.tanh(rng.normal()));
  let singles: Float64Array[] = Array.from({ length: n }, (_, b) => states.slice(b * S, (b + 1) * S));
  for (let t = 0; t < steps; t++) {
    const inputs = rng.normals(n * D);
    states = cell.stepBatch!(states, inputs, n);
    singles = singles.map((s, b) => cell.step(s, inputs.slice(b * D, (b + 1) * D)));
    for (let b = 0; b < n; b++) if (!sameBits(states.subarray(b * S, (b + 1) * S), singles[b] as Float64Array)) return false;
  }
  return true;
}

describe('stepBatch', () => {
  const cases: [string, () => Cell][] = [
    ['GRU reset after', () => randomDenseCell(createRng(1), { kind: 'gru', inputSize: 7, hiddenSize: 13, scale: 1.2 })],
    ['GRU reset before', () => randomDenseCell(createRng(2), { kind: 'gru', inputSize: 5, hiddenSize: 11, resetAfter: false, scale: 1.2 })],
    ['GRU 64 x 64', () => randomDenseCell(createRng(3), { kind: 'gru', inputSize: 64, hiddenSize: 64 })],
    ['LSTM', () => randomDenseCell(createRng(4), { kind: 'lstm', inputSize: 6, hiddenSize: 10, scale: 1.2 })],
    ['factorized GRU', () => randomFactorizedCell(createRng(5), { kind: 'gru', inputSize: 12, hiddenSize: 20, groups: 4 })],
    ['factorized LSTM', () => randomFactorizedCell(createRng(6), { kind: 'lstm', inputSize: 8, hiddenSize: 12, groups: 4 })],
  ];
  for (const [name, make] of cases) {
    it(`${name}: row b of stepBatch is step(row b) bit for bit, for n = 1, 3, 4, 9`, () => {
      for (const n of [1, 3, 4, 9]) expect(batchMatchesSteps(make(), n, 6, 10 + n)).toBe(true);
    });
  }

  it('pre-activations are those of gatePreactivations bit for bit (GRU z, r; LSTM i, f, o; per block)', () => {
    for (const cell of [
      randomDenseCell(createRng(7), { kind: 'gru', inputSize: 5, hiddenSize: 9, scale: 1.5 }),
      randomDenseCell(createRng(8), { kind: 'lstm', inputSize: 5, hiddenSize: 9, scale: 1.5 }),
      randomFactorizedCell(createRng(9), { kind: 'lstm', inputSize: 6, hiddenSize: 9, groups: 3 }),
    ]) {
      const rng = createRng(3);
      const n = 5, S = cell.stateSize, D = cell.inputSize, H = cell.hiddenSize;
      const G = cell.kind === 'gru' ? 2 : 3;
      const states = new Float64Array(n * S).map(() => Math.tanh(rng.normal()));
      const inputs = rng.normals(n * D);
      const pre = new Float64Array(n * G * H);
      cell.stepBatch!(states, inputs, n, undefined, pre);
      const blocks: DenseCell[] = 'blocks' in cell ? [...(cell as { blocks: readonly DenseCell[] }).blocks] : [cell as DenseCell];
      for (let b = 0; b < n; b++) {
        const s = states.slice(b * S, (b + 1) * S), x = inputs.slice(b * D, (b + 1) * D);
        let off = 0;
        blocks.forEach((blk, k) => {
          const bs = 'blockState' in cell ? (cell as unknown as { blockState(s: Float64Array, k: number): Float64Array }).blockState(s, k) : s;
          const bx = 'blockInput' in cell ? (cell as unknown as { blockInput(x: Float64Array, k: number): Float64Array }).blockInput(x, k).slice() : x;
          const p = gatePreactivations(blk, bs, bx);
          const names = blk.kind === 'gru' ? ['z', 'r'] : ['i', 'f', 'o'];
          names.forEach((nm, g) => expect(sameBits(pre.subarray(b * G * H + off + g * blk.hiddenSize, b * G * H + off + (g + 1) * blk.hiddenSize), p[nm] as Float64Array)).toBe(true));
          off += G * blk.hiddenSize;
        });
      }
    }
  });

  it('rejects buffers of the wrong length and an aliased output', () => {
    const cell = randomDenseCell(createRng(1), { kind: 'gru', inputSize: 2, hiddenSize: 3 });
    expect(() => cell.stepBatch!(new Float64Array(5), new Float64Array(4), 2)).toThrow(CellShapeError);
    const s = new Float64Array(6);
    expect(() => cell.stepBatch!(s, new Float64Array(4), 2, s)).toThrow('out aliases states');
  });
});

describe('tiled kernels', () => {
  const rng = createRng(11);
  const naive = (w: Float64Array, rows: number, cols: number, x: Float64Array, xo: number, init: Float64Array | null): Float64Array => {
    const out = new Float64Array(rows);
    for (let i = 0; i < rows; i++) {
      let s = init ? (init[i] as number) : 0;
      for (let j = 0; j < cols; j++) s += (w[i * cols + j] as number) * (x[xo + j] as number);
      out[i] = s;
    }
    return out;
  };

  it('matVecRows and matMulRows equal the one-row loop bit for bit (any rows, cols, n; accumulate)', () => {
    for (const [rows, cols, n] of [[1, 1, 1], [5, 3, 2], [7, 9, 5], [13, 17, 8], [4, 4, 4]] as const) {
      const w = rng.normals(rows * cols), x = rng.normals(n * cols + 3), init = rng.normals(n * rows);
      for (const acc of [false, true]) {
        const out = acc ? init.slice() : new Float64Array(n * rows);
        matMulRows(w, rows, cols, x, cols, 3, n, out, rows, 0, acc);
        for (let b = 0; b < n; b++) expect(sameBits(out.subarray(b * rows, (b + 1) * rows), naive(w, rows, cols, x, 3 + b * cols, acc ? init.subarray(b * rows, (b + 1) * rows) : null))).toBe(true);
        const one = acc ? init.slice(0, rows) : new Float64Array(rows);
        matVecRows(w, 0, rows, cols, x, 3, one, 0, acc);
        expect(sameBits(one, naive(w, rows, cols, x, 3, acc ? init : null))).toBe(true);
      }
    }
  });

  it('addTransposedProducts equals sum_r a_ir b_jr in order (full, and the upper triangle)', () => {
    for (const [R, m, n] of [[1, 1, 1], [5, 7, 9], [64, 10, 10], [3, 13, 6]] as const) {
      const at = rng.normals(m * R + 2), bt = rng.normals(n * R + 1);
      const c = new Float64Array(m * n).fill(0.5);
      addTransposedProducts(at, 2, R, bt, 1, R, R, m, n, c, n, false);
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          let s = 0;
          for (let r = 0; r < R; r++) s += (at[2 + i * R + r] as number) * (bt[1 + j * R + r] as number);
          expect(Object.is(c[i * n + j], 0.5 + s)).toBe(true);
        }
      }
      if (m === n) {
        const u = new Float64Array(m * m);
        addTransposedProducts(at, 2, R, at, 2, R, R, m, m, u, m, true);
        for (let i = 0; i < m; i++) {
          for (let j = i; j < m; j++) {
            let s = 0;
            for (let r = 0; r < R; r++) s += (at[2 + i * R + r] as number) * (at[2 + j * R + r] as number);
            expect(Object.is(u[i * m + j], 0 + s)).toBe(true);
          }
        }
      }
    }
  });
});
