/**
 * Gradients of the training model: the hand-written backpropagation through time
 * (src/train/internal/sequence.ts, fused kernels and plain ops) equals TF.js's automatic
 * differentiation of the plain step-by-step model, for every kind and variant; and the
 * gradient of a factorized layer equals the g independent cells' gradients side by side, the
 * gradient form of eq. (14): a block-diagonal cell is g cells.
 *
 * Tolerance: relative error 1e-4 per tensor (max |difference| / max |reference|). Both sides
 * are float32 and differ only in summation order (the weight gradient sums T B products in one
 * product here, step by step there), so each entry's error is of order n u |terms| with n = T B
 * <= 120 terms and u = 6e-8, i.e. ~1e-5 relative to the largest entry; a wrong term (a missing
 * gate derivative, a swapped gate) is off by order 1.
 *
 * With the optional native kernels (`--kernels native`, where the addon is built) the model's
 * gradients are checked against the same autodiff reference computed with the default kernels
 * (TF.js's XNNPACK products), so the reference shares no code with the native path; the FMA's
 * single rounding is far inside the same tolerance.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../src/processes/prng.js';
import { blockMatMul } from '../../src/train/internal/blockOps.js';
import { recurrentSequence } from '../../src/train/internal/sequence.js';
import { SequenceModel, type TokenBatch } from '../../src/train/model.js';
import { referenceLoss } from './autodiffReference.js';
import { useTrainingKernels } from '../../src/train/internal/nativeKernels.js';
import { VARIANTS, label, randomWeights, useWasm } from './helpers.js';
import { NATIVE_ADDON } from './nativeSupport.js';

const TOLERANCE = 1e-4;

beforeAll(async () => {
  await useWasm();
});

function relativeError(a: Float32Array, b: Float32Array): number {
  let d = 0, s = 0;
  for (let i = 0; i < a.length; i++) {
    d = Math.max(d, Math.abs((a[i] as number) - (b[i] as number)));
    s = Math.max(s, Math.abs(b[i] as number));
  }
  return d / Math.max(s, 1e-30);
}

function batchOf(config: { inputVocabulary: number; outputVocabulary: number }, T: number, B: number, seed: number): TokenBatch {
  const rng = createRng(seed);
  return {
    steps: T,
    batch: B,
    inputs: Int32Array.from({ length: T * B }, () => rng.nextUint32() % config.inputVocabulary),
    targets: Int32Array.from({ length: T * B }, () => rng.nextUint32() % config.outputVocabulary),
  };
}

function gradients(model: SequenceModel, f: () => tf.Scalar): { loss: number; grads: Float32Array[] } {
  const { value, grads } = tf.variableGrads(f, model.variables as tf.Variable[]);
  const out = { loss: value.dataSync()[0] as number, grads: model.variables.map((v) => Float32Array.from(grads[v.name]!.dataSync() as Float32Array)) };
  tf.dispose([value, ...Object.values(grads)]);
  return out;
}

describe('backpropagation through time equals TF.js autodiff of the step-by-step model', () => {
  VARIANTS.forEach((config, k) => {
    it(`${label(config)}: every parameter's gradient (fused kernels and plain ops) within ${TOLERANCE} relative`, () => {
      const weights = randomWeights(config, createRng(200 + k), 0.4);
      const batch = batchOf(config, 7, 3, 300 + k);
      const reference = new SequenceModel(config, weights);
      const ref = gradients(reference, () => referenceLoss(reference, batch));
      reference.dispose();
      for (const fused of [true, false]) {
        const model = new SequenceModel(config, weights, { fused });
        const got = gradients(model, () => model.loss(batch));
        expect(Math.abs(got.loss - ref.loss)).toBeLessThan(1e-5 * ref.loss);
        model.names.forEach((name, i) => {
          const g = ref.grads[i] as Float32Array;
          expect(Math.max(...g.map(Math.abs)), `${name}: a non-trivial reference gradient`).toBeGreaterThan(0);
          expect(relativeError(got.grads[i] as Float32Array, g), `${name} (${fused ? 'fused' : 'plain ops'})`).toBeLessThan(TOLERANCE);
        });
        model.dispose();
      }
    });
  });
});

if (NATIVE_ADDON) {
  describe('with the native kernels: backpropagation through time equals TF.js autodiff of the step-by-step model', () => {
    VARIANTS.forEach((config, k) => {
      it(`${label(config)}: every parameter's gradient within ${TOLERANCE} relative`, () => {
        const weights = randomWeights(config, createRng(200 + k), 0.4);
        const batch = batchOf(config, 7, 3, 300 + k);
        useTrainingKernels('wasm');
        const reference = new SequenceModel(config, weights);
        const ref = gradients(reference, () => referenceLoss(reference, batch));
        reference.dispose();
        useTrainingKernels('native');
        try {
          const model = new SequenceModel(config, weights);
          const got = gradients(model, () => model.loss(batch));
          expect(Math.abs(got.loss - ref.loss)).toBeLessThan(1e-5 * ref.loss);
          model.names.forEach((name, i) => {
            expect(relativeError(got.grads[i] as Float32Array, ref.grads[i] as Float32Array), name).toBeLessThan(TOLERANCE);
          });
          model.dispose();
        } finally {
          useTrainingKernels('wasm');
        }
      });
    });
  });
}

describe('a factorized layer is g independent cells, gradients included (eq. 14)', () => {
  for (const kind of ['gru', 'lstm'] as const) {
    for (const fused of [true, false]) {
      it(`${kind} g=4 (${fused ? 'fused kernels' : 'plain ops'}): d loss / d (W, U, b, c) of the block-diagonal layer = the 4 cells' gradients side by side`, () => {
        const g = 4, hb = 5, d = 3, T = 6, B = 2, G = kind === 'gru' ? 3 : 4;
        const rng = createRng(kind === 'gru' ? 11 : 12);
        const u = (shape: number[]) => tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.uniform() - 0.5), shape);
        const W = u([g, d, G * hb]), U = u([g, hb, G * hb]), b = u([g, 1, G * hb]), c = kind === 'gru' ? u([g, 1, G * hb]) : null;
        const X = u([g, T * B, d]); // block k reads its own slice of the input
        const C = u([g, T, B, hb]); // the loss is a fixed linear functional sum(C * Y)
        const options = { fused };
        const layer = (w: tf.Tensor3D, uu: tf.Tensor3D, bb: tf.Tensor3D, cc: tf.Tensor3D | null, x: tf.Tensor3D, coef: tf.Tensor) => {
          const blocks = w.shape[0];
          const xp = tf.add(blockMatMul(x, w), bb).reshape([blocks, T, B, G * hb]) as tf.Tensor4D;
          return tf.sum(tf.mul(recurrentSequence(kind, xp, uu, cc, options), coef)) as tf.Scalar;
        };
        const params = c ? [W, U, b, c] : [W, U, b];
        const whole = tf.grads((...p: tf.Tensor[]) => layer(p[0] as tf.Tensor3D, p[1] as tf.Tensor3D, p[2] as tf.Tensor3D, (p[3] ?? null) as tf.Tensor3D | null, X as tf.Tensor3D, C))(params);
        const block = (t: tf.Tensor, k: number) => tf.slice(t, [k, ...t.shape.slice(1).map(() => 0)], [1, ...t.shape.slice(1)]);
        const perCell = Array.from({ length: g }, (_, k) =>
          tf.grads((...p: tf.Tensor[]) => layer(p[0] as tf.Tensor3D, p[1] as tf.Tensor3D, p[2] as tf.Tensor3D, (p[3] ?? null) as tf.Tensor3D | null, block(X, k) as tf.Tensor3D, block(C, k)))(params.map((t) => block(t, k))),
        );
        params.forEach((_, i) => {
          const sideBySide = tf.concat(perCell.map((gk) => gk[i] as tf.Tensor), 0);
          expect(relativeError(whole[i]!.dataSync() as Float32Array, sideBySide.dataSync() as Float32Array), ['W', 'U', 'b', 'c'][i]).toBeLessThan(TOLERANCE);
        });
        // The loss itself is the sum of the g cells' losses.
        const total = layer(W as tf.Tensor3D, U as tf.Tensor3D, b as tf.Tensor3D, c as tf.Tensor3D | null, X as tf.Tensor3D, C).dataSync()[0] as number;
        const sum = perCell.reduce((s, _, k) => s + (layer(block(W, k) as tf.Tensor3D, block(U, k) as tf.Tensor3D, block(b, k) as tf.Tensor3D, c ? (block(c, k) as tf.Tensor3D) : null, block(X, k) as tf.Tensor3D, block(C, k)).dataSync()[0] as number), 0);
        expect(Math.abs(total - sum)).toBeLessThan(1e-5 * Math.max(1, Math.abs(sum)));
      });
    }
  }
});
