/**
 * The WebAssembly SIMD paths (src/linalg/internal/simd.ts) and the plain-JS fallbacks give the
 * same numbers bit for bit: batched cell steps, pooled pair moments, and the whole analysis of
 * dense and factorized cells (correlation sums, memory exponents, step information, Jacobian
 * spectra, Lyapunov exponents). The fallback runs when WebAssembly SIMD is unavailable
 * (setSimdEnabled(false) here).
 */
import { describe, expect, it } from 'vitest';
import { analyzeCell } from '../../src/analysis/analyzeCell.js';
import { correlationSums } from '../../src/analysis/correlation/index.js';
import { pairMomentsPart, pooledMean } from '../../src/analysis/information/pairMoments.js';
import type { Series } from '../../src/analysis/series.js';
import { randomDenseCell, randomFactorizedCell } from '../../src/cells/random.js';
import type { Cell } from '../../src/cells/types.js';
import { largestSingularValueLanczos } from '../../src/linalg/internal/lanczos.js';
import { setSimdEnabled, simdKernels } from '../../src/linalg/internal/simd.js';
import { jacobianSpectraAt } from '../../src/analysis/jacobianSpectrum.js';
import { createRng } from '../../src/processes/prng.js';

/** f() with the SIMD kernels, then with the JS fallback. */
function bothPaths<T>(f: () => T): [T, T] {
  expect(simdKernels()).not.toBeNull();
  const simd = f();
  const before = setSimdEnabled(false);
  try {
    return [simd, f()];
  } finally {
    setSimdEnabled(before);
  }
}

/** Deep structural equality that tells -0 from 0 and compares typed arrays entry by entry (NaN equals NaN). */
function sameBits(a: unknown, b: unknown, path = '$'): void {
  if (typeof a === 'number' && typeof b === 'number') {
    if (!Object.is(a, b)) throw new Error(`${path}: ${a} != ${b}`);
    return;
  }
  if (ArrayBuffer.isView(a) || Array.isArray(a)) {
    const x = a as ArrayLike<unknown>, y = b as ArrayLike<unknown>;
    if (x.length !== y.length) throw new Error(`${path}: length ${x.length} != ${y.length}`);
    for (let i = 0; i < x.length; i++) sameBits(x[i], y[i], `${path}[${i}]`);
    return;
  }
  if (a !== null && typeof a === 'object' && b !== null && typeof b === 'object') {
    const ka = Object.keys(a).sort(), kb = Object.keys(b).sort();
    expect(ka, path).toEqual(kb);
    for (const k of ka) sameBits((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`);
    return;
  }
  expect(a, path).toEqual(b);
}

describe('SIMD and JS paths give the same bits', () => {
  const cells: [string, () => Cell][] = [
    ['GRU reset after', () => randomDenseCell(createRng(1), { kind: 'gru', inputSize: 7, hiddenSize: 13, scale: 1.2 })],
    ['GRU reset before', () => randomDenseCell(createRng(2), { kind: 'gru', inputSize: 5, hiddenSize: 11, resetAfter: false, scale: 1.2 })],
    ['LSTM', () => randomDenseCell(createRng(4), { kind: 'lstm', inputSize: 6, hiddenSize: 10, scale: 1.2 })],
    ['factorized GRU', () => randomFactorizedCell(createRng(5), { kind: 'gru', inputSize: 12, hiddenSize: 20, groups: 4 })],
    ['factorized LSTM', () => randomFactorizedCell(createRng(6), { kind: 'lstm', inputSize: 8, hiddenSize: 12, groups: 4 })],
  ];
  for (const [name, make] of cells) {
    it(`${name}: stepBatch (states and gate pre-activations), n = 1, 5, 8`, () => {
      for (const n of [1, 5, 8]) {
        const run = (): Float64Array[] => {
          const cell = make();
          const rng = createRng(n);
          const G = cell.kind === 'gru' ? 2 : 3;
          let s: Float64Array = new Float64Array(n * cell.stateSize).map(() => Math.tanh(rng.normal()));
          const out: Float64Array[] = [];
          for (let t = 0; t < 4; t++) {
            const pre = new Float64Array(n * G * cell.hiddenSize);
            s = cell.stepBatch!(s, rng.normals(n * cell.inputSize), n, undefined, pre);
            out.push(s, pre);
          }
          return out;
        };
        const [a, b] = bothPaths(run);
        sameBits(a, b);
      }
    });
  }

  it('largestSingularValueLanczos (square and rectangular) and the iterative Jacobian spectra of a GRU(48) and an LSTM(40)', () => {
    const rng = createRng(30);
    for (const [rows, cols] of [[40, 40], [112, 60], [33, 70]] as const) {
      const data = rng.normals(rows * cols);
      const [a, b] = bothPaths(() => largestSingularValueLanczos({ rows, cols, data }, 1e-10));
      sameBits(a, b);
    }
    for (const cell of [randomDenseCell(createRng(31), { kind: 'gru', inputSize: 5, hiddenSize: 48 }), randomDenseCell(createRng(32), { kind: 'lstm', inputSize: 5, hiddenSize: 40 })]) {
      const samples = Array.from({ length: 4 }, (_, i) => ({ sequence: 0, step: i, state: rng.normals(cell.stateSize).map(Math.tanh), input: rng.normals(5) }));
      const [a, b] = bothPaths(() => jacobianSpectraAt(cell, samples, 'iterative'));
      sameBits(a, b);
    }
  });

  it('GRU stepBatch with saturated and overflowing gates (pre-activations beyond +-708, NaN inputs): the units left to the JS loop', () => {
    const cell = randomDenseCell(createRng(40), { kind: 'gru', inputSize: 6, hiddenSize: 10, scale: 300 });
    const rng = createRng(41);
    const n = 5;
    const states = new Float64Array(n * 10).map(() => Math.tanh(rng.normal()));
    const inputs = rng.normals(n * 6).map((v) => v * 10);
    inputs[7] = Number.NaN;
    const [a, b] = bothPaths(() => {
      const pre = new Float64Array(n * 20);
      return [cell.stepBatch!(states, inputs, n, undefined, pre), pre];
    });
    sameBits(a, b);
    expect(a[1]!.some((v) => Math.abs(v) > 708)).toBe(true);
    for (let r = 0; r < n; r++) sameBits(a[0]!.subarray(r * 10, (r + 1) * 10), cell.step(states.subarray(r * 10, (r + 1) * 10), inputs.subarray(r * 6, (r + 1) * 6)));
  });

  it('pairMomentsPart (all channels with cross moments, selected channels, projection, lag 3)', () => {
    const rng = createRng(10);
    const series: Series[] = Array.from({ length: 3 }, (_, s) => {
      const rows = 150 + 17 * s, cols = 9;
      return { rows, cols, data: rng.normals(rows * cols).map((v, e) => v + (e % cols)) };
    });
    for (const [lag, burnIn, channels, projection] of [
      [1, 0, null, null],
      [3, 5, Int32Array.from([8, 0, 2, 5, 1]), null],
      [2, 1, null, { rows: 5, matrix: rng.normals(45) }],
    ] as const) {
      const spec = { lag, burnIn, channels, projection, shift: pooledMean(series, channels, burnIn) };
      for (const cross of [true, false]) {
        const [a, b] = bothPaths(() => pairMomentsPart(series, spec, 0, 3, cross));
        sameBits(a, b);
      }
    }
  });

  it('correlationSums on principal components (40 channels: PCA sample, projection, bootstrap units of sequences and of blocks)', () => {
    const rng = createRng(20);
    for (const N of [8, 2]) {
      const series: Series[] = Array.from({ length: N }, () => {
        const rows = 300, cols = 40;
        const data = rng.normals(rows * cols);
        for (let t = 1; t < rows; t++) for (let i = 0; i < cols; i++) data[t * cols + i] = 0.8 * (data[(t - 1) * cols + i] as number) + (data[t * cols + i] as number) + 0.3 * (data[t * cols + ((i + 1) % cols)] as number);
        return { rows, cols, data };
      });
      const [a, b] = bothPaths(() => correlationSums(series, { maxLag: 80, bootstrap: { replicates: 6, units: 4, seed: 2 } }));
      expect(a.norms.components).toBeLessThan(40);
      sameBits(a, b);
    }
  });

  for (const [name, make] of [
    ['dense GRU(24)', () => randomDenseCell(createRng(11), { kind: 'gru', inputSize: 6, hiddenSize: 24 })],
    ['factorized GRU g = 3 (hidden 30, information on 10 PCs)', () => randomFactorizedCell(createRng(12), { kind: 'gru', inputSize: 6, hiddenSize: 30, groups: 3 })],
    ['dense LSTM(9)', () => randomDenseCell(createRng(13), { kind: 'lstm', inputSize: 4, hiddenSize: 9 })],
  ] as const) {
    it(`analyzeCell, ${name}: every number`, () => {
      const o = { sequences: 6, steps: 200, burnIn: 20, seed: 3, jacobianStates: 10, lyapunovExponents: 4, maxLag: 60, bootstrapReplicates: 8, workers: 1, informationComponents: 10 };
      const [a, b] = bothPaths(() => {
        const r = analyzeCell(make(), o);
        return { ...r, seconds: {} };
      });
      sameBits(a, b);
    });
  }
});
