/**
 * The fused optimizer (one LrdkitClippedRmsprop kernel call per step) computes exactly the
 * float32 numbers of the per-variable TF.js ops it replaces (global-norm clipping with tf.sum,
 * tf.addN, ..., then tf.train.rmsprop): same losses, parameters and RMSProp slots, bit for bit,
 * over hundreds of steps, on the wasm backend (tf.sum accumulates in float32) and the cpu backend
 * (float64); the state of either resumes in the other; a hand-computed step; one kernel call.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../src/processes/prng.js';
import { sampleCopyBatch } from '../../src/train/copyTask.js';
import { clippedRmspropStep, sumOfSquares } from '../../src/train/internal/clippedRmsprop.js';
import { SequenceModel } from '../../src/train/model.js';
import { type ModelConfig, initialModelWeights } from '../../src/train/modelConfig.js';
import { type TrainingOptimizer, createOptimizer } from '../../src/train/optimizer.js';
import { trainStep } from '../../src/train/trainer.js';
import { useWasm } from './helpers.js';

beforeAll(async () => {
  await useWasm();
});
afterAll(async () => {
  await tf.setBackend('wasm');
});

const CONFIGS: readonly ModelConfig[] = [
  { kind: 'gru', variant: 'factorized', groups: 2, hiddenSize: 6, layers: 2, inputVocabulary: 257, outputVocabulary: 256 },
  { kind: 'lstm', variant: 'dense', groups: 1, hiddenSize: 5, layers: 2, inputVocabulary: 257, outputVocabulary: 256 },
];

interface Trace {
  losses: number[];
  state: Float32Array[];
}

async function state(model: SequenceModel, optimizer: TrainingOptimizer): Promise<Float32Array[]> {
  const slots = await optimizer.getWeights();
  const out = [...model.variables, ...slots.slice(1).map((s) => s.tensor)].map((t) => Float32Array.from(t.dataSync() as Float32Array));
  out.push(Float32Array.of(optimizer.iterations));
  tf.dispose(slots[0]!.tensor);
  return out;
}

/** `steps` training steps from a fixed start; `switchAt`: the state moves to the other implementation there. */
async function train(config: ModelConfig, implementation: 'fused' | 'tfjs', steps: number, clipNorm: number | null, switchAt?: number): Promise<Trace> {
  const model = new SequenceModel(config, initialModelWeights(config, createRng(11).fork(1)));
  let optimizer = createOptimizer(0.05, implementation);
  const data = createRng(11).fork(2);
  const losses: number[] = [];
  for (let s = 0; s < steps; s++) {
    if (s === switchAt) {
      const saved = await optimizer.getWeights();
      const other = createOptimizer(0.05, implementation === 'fused' ? 'tfjs' : 'fused');
      await other.setWeights(saved);
      tf.dispose(saved[0]!.tensor);
      optimizer.dispose();
      optimizer = other;
    }
    losses.push(trainStep(model, optimizer, sampleCopyBatch(data, 3, 1), clipNorm));
  }
  const out = { losses, state: await state(model, optimizer) };
  optimizer.dispose();
  model.dispose();
  return out;
}

describe('fused clipped RMSProp = the TF.js ops, bit for bit', () => {
  for (const backend of ['wasm', 'cpu'] as const) {
    for (const config of CONFIGS) {
      // clip 0.3: the global gradient norms of these runs range over 0.25 to 1.4 (measured), so steps with and without clipping both occur.
      for (const clipNorm of [0.3, null]) {
        it(`${backend}: ${config.kind} ${config.variant}, 150 steps, clip ${clipNorm}`, async () => {
          await tf.setBackend(backend);
          const fused = await train(config, 'fused', 150, clipNorm);
          const ops = await train(config, 'tfjs', 150, clipNorm);
          expect(fused.losses).toEqual(ops.losses);
          expect(fused.state.length).toBe(ops.state.length);
          fused.state.forEach((a, i) => expect(a).toEqual(ops.state[i]));
          // the run learns (the state is not trivially equal): the loss fell below ln 256 = 5.545
          expect(Math.min(...fused.losses.slice(-20))).toBeLessThan(5.4);
        });
      }
    }
  }

  it('a state saved by either implementation resumes in the other, bit for bit', async () => {
    await tf.setBackend('wasm');
    const config = CONFIGS[0] as ModelConfig;
    const straight = await train(config, 'fused', 40, 0.3);
    expect(await train(config, 'fused', 40, 0.3, 17)).toEqual(straight); // fused -> tfjs at step 17
    expect(await train(config, 'tfjs', 40, 0.3, 23)).toEqual(straight); // tfjs -> fused at step 23
  });

  it('is one kernel call per step (the TF.js ops: 11 per variable and 4 more)', async () => {
    await tf.setBackend('wasm');
    const config = CONFIGS[1] as ModelConfig;
    const model = new SequenceModel(config, initialModelWeights(config, createRng(1).fork(1)));
    const vars = model.variables as tf.Variable[];
    const calls = async (implementation: 'fused' | 'tfjs') => {
      const optimizer = createOptimizer(0.01, implementation);
      const grads = vars.map((v) => tf.onesLike(v));
      optimizer.applyClippedGradients(vars, grads, 0.5); // the first call creates the slots
      const info = await tf.profile(() => optimizer.applyClippedGradients(vars, grads, 0.5));
      tf.dispose(grads);
      optimizer.dispose();
      return info.kernels.length;
    };
    expect(await calls('fused')).toBe(1);
    expect(await calls('tfjs')).toBeGreaterThan(9 * vars.length);
    model.dispose();
  });
});

describe('clippedRmspropStep', () => {
  it('computes a step by hand: w 1, g 2, clip 1 -> norm 2, g\' 1, m 0.1, q 0.01 / sqrt(0.1 + 1e-7)', () => {
    const w = Float32Array.of(1), m = Float32Array.of(0), q = Float32Array.of(0);
    const settings = { learningRate: 0.01, decay: 0.9, momentum: 0, epsilon: 1e-7, clipNorm: 1, sumInFloat64: false };
    expect(clippedRmspropStep([w], [Float32Array.of(2)], [m], [q], settings, [w], [m], [q])).toBe(2);
    const f = Math.fround;
    expect(m[0]).toBe(f(0.1)); // 0 * 0.9 + (1 * 1) * f(0.1)
    const qExpected = f(f(0.01) / f(Math.sqrt(f(f(0.1) + f(1e-7)))));
    expect(q[0]).toBe(qExpected);
    expect(q[0]).toBeCloseTo(0.01 / Math.sqrt(0.1), 6); // 0.0316227...
    expect(w[0]).toBe(f(1 - qExpected));
  });

  it('sums squares as the backends do: float32 running sum (wasm) or float64 rounded once (cpu)', () => {
    // 1 + 2^-24 per element rounds away in a float32 running sum of 1s but not in float64
    const x = Float32Array.from({ length: 4 }, (_, i) => (i === 0 ? 4096 : 2 ** -6));
    expect(sumOfSquares(x, false)).toBe(2 ** 24); // 2^24 + 2^-12 x 3 rounds back to 2^24 at each step
    expect(sumOfSquares(x, true)).toBe(Math.fround(2 ** 24 + 3 * 2 ** -12)); // = 2^24 too: one rounding
    const y = Float32Array.of(4096, 1, 1); // 2^24 + 1 + 1: float32 rounds each +1 away (ties to even), float64 keeps 2
    expect(sumOfSquares(y, false)).toBe(2 ** 24);
    expect(sumOfSquares(y, true)).toBe(2 ** 24 + 2);
  });
});
