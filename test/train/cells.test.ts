/**
 * The TF.js model computes exactly src/cells' equations: its recurrent layers' outputs equal
 * those of the cells read back from its lrdkit checkpoint (GruCell / LstmCell /
 * FactorizedCell / ContextSwitchingCell stepped in float64), and those of the plain step-by-step
 * TF.js formulation, for every kind and variant and for both dispatch paths (fused kernels on
 * wasm, plain ops).
 *
 * Tolerance: 1e-5 absolute on states bounded by 1. The TF.js side is float32 (unit roundoff
 * u = 2^-24 = 6.0e-8); a gate pre-activation sums d + h <= 32 products here, whose rounding error
 * is at most about (d + h) u times the sum of the terms' magnitudes (Higham's gamma_n bound;
 * here |w| <= 0.5 and |x|, |h| <= 3, so at most ~2e-5 in the worst case and ~sqrt(d + h) u ~ 5e-7
 * typically); sigmoid and tanh have slopes <= 1, and the float64 cells add nothing comparable.
 * Over the 9 steps compared the errors do not grow beyond the per-step level for these
 * contracting cells; the observed maximum is about 2e-7, so the bound has 50x margin while
 * still catching any equation or layout error (those give errors of order 1e-2 to 1).
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLrdkitCheckpoint, writeLrdkitCheckpoint } from '../../src/checkpoints/lrdkitFormat.js';
import type { Cell } from '../../src/cells/types.js';
import { createRng } from '../../src/processes/prng.js';
import { SequenceModel } from '../../src/train/model.js';
import { cellsFromWeights } from '../../src/train/modelConfig.js';
import { referenceLayerOutputs } from './autodiffReference.js';
import { VARIANTS, label, randomWeights, removeTempDirs, tempDir, useWasm } from './helpers.js';

const TOLERANCE = 1e-5;

beforeAll(async () => {
  await useWasm();
});
afterAll(removeTempDirs);

/** Each layer's outputs stepping the cells in float64, in the model's [T, B, H] order. */
function cellOutputs(cells: readonly Cell[], x: Float32Array, T: number, B: number, H: number): Float64Array[] {
  const outs = cells.map(() => new Float64Array(T * B * H));
  for (let b = 0; b < B; b++) {
    let inputs: Float64Array[] = Array.from({ length: T }, (_, t) => Float64Array.from(x.subarray((t * B + b) * H, (t * B + b + 1) * H)));
    cells.forEach((cell, l) => {
      let s = cell.initialState();
      inputs = inputs.map((xt, t) => {
        s = cell.step(s, xt);
        const y = cell.output(s);
        (outs[l] as Float64Array).set(y, (t * B + b) * H);
        return y;
      });
    });
  }
  return outs;
}

function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}

describe('SequenceModel.layerOutputs equals the src/cells cells of its checkpoint', () => {
  VARIANTS.forEach((config, k) => {
    it(`${label(config)}: TF.js (fused and plain ops) vs cells read back by readLrdkitCheckpoint, within ${TOLERANCE}`, async () => {
      const weights = randomWeights(config, createRng(100 + k));
      const dir = tempDir();
      writeLrdkitCheckpoint(dir, cellsFromWeights(config, weights).map((cell, l) => ({ name: `layer${l}`, cell })), { task: 'copy' });
      const read = await readLrdkitCheckpoint(dir);
      expect(read.format).toBe('lrdkit');
      expect(read.layers.map((c) => c.variant)).toEqual([config.variant, config.variant]);
      const T = 9, B = 3, H = config.hiddenSize;
      const rng = createRng(7 + k);
      const x = Float32Array.from({ length: T * B * H }, () => 2 * rng.uniform() - 1);
      const expected = cellOutputs(read.layers, x, T, B, H);
      for (const fused of [true, false]) {
        const model = new SequenceModel(config, weights, { fused });
        const got = model.layerOutputs(x, T, B);
        model.dispose();
        got.forEach((y, l) => expect(maxAbsDifference(y, expected[l] as Float64Array), `layer ${l}, ${fused ? 'fused' : 'plain ops'}`).toBeLessThan(TOLERANCE));
      }
      const reference = new SequenceModel(config, weights);
      referenceLayerOutputs(reference, x, T, B).forEach((y, l) => expect(maxAbsDifference(y, expected[l] as Float64Array), `layer ${l}, step-by-step reference`).toBeLessThan(TOLERANCE));
      reference.dispose();
    });
  });

  it('the fused kernels give the same outputs on the cpu backend as on wasm', async () => {
    const config = VARIANTS[1]!; // gru factorized
    const weights = randomWeights(config, createRng(5));
    const T = 6, B = 2, H = config.hiddenSize;
    const x = Float32Array.from({ length: T * B * H }, (_, i) => Math.sin(i));
    const onWasm = new SequenceModel(config, weights, { fused: true });
    const a = onWasm.layerOutputs(x, T, B);
    onWasm.dispose();
    await tf.setBackend('cpu');
    try {
      const onCpu = new SequenceModel(config, weights, { fused: true });
      const b = onCpu.layerOutputs(x, T, B);
      onCpu.dispose();
      a.forEach((y, l) => expect(maxAbsDifference(y, b[l] as Float32Array)).toBeLessThan(TOLERANCE));
    } finally {
      await tf.setBackend('wasm');
    }
  });
});
