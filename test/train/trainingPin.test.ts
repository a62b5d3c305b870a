/**
 * The default training path computes, bit for bit, the numbers of commit 3a7a4b3 (the code that
 * trained the committed standard reproduction): after a few steps of small GRU and LSTM models,
 * dense and factorized, with the global-norm clip active, inactive and absent, the SHA-256 of the
 * per-step losses, every parameter and every RMSProp slot equals the hash that commit's code
 * produced (test/fixtures/generate_training_pin.mjs, run on a build of 3a7a4b3; cases in
 * test/fixtures/training_pin_cases.mjs). Exact equality, no tolerance: a speed change that moves
 * any float32 result must be opt-in, and this test says so by failing.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../src/processes/prng.js';
import { sampleCopyBatch } from '../../src/train/copyTask.js';
import { SequenceModel } from '../../src/train/model.js';
import { type ModelConfig, initialModelWeights } from '../../src/train/modelConfig.js';
import { createOptimizer, trainStep } from '../../src/train/trainer.js';
// @ts-expect-error: a plain JavaScript module shared with the generator script
import { PIN_CASES } from '../fixtures/training_pin_cases.mjs';
import { useWasm } from './helpers.js';

interface PinCase {
  readonly kind: 'gru' | 'lstm';
  readonly variant: 'dense' | 'factorized';
  readonly groups: number;
  readonly hiddenSize: number;
  readonly repeats: number;
  readonly batch: number;
  readonly steps: number;
  readonly learningRate: number;
  readonly clipNorm: number | null;
  readonly seed: number;
}
interface PinnedCase extends PinCase {
  readonly losses: number[];
  readonly sha256: string;
}

const pinned = JSON.parse(readFileSync(new URL('../fixtures/training_pin.json', import.meta.url), 'utf8')) as { commit: string; cases: PinnedCase[] };

beforeAll(async () => {
  await useWasm();
});

async function run(c: PinCase): Promise<{ losses: number[]; sha256: string }> {
  const config: ModelConfig = { kind: c.kind, variant: c.variant, groups: c.groups, hiddenSize: c.hiddenSize, layers: 2, inputVocabulary: 257, outputVocabulary: 256 };
  const model = new SequenceModel(config, initialModelWeights(config, createRng(c.seed).fork(1)));
  const optimizer = createOptimizer(c.learningRate);
  const data = createRng(c.seed).fork(2);
  const losses: number[] = [];
  for (let s = 0; s < c.steps; s++) losses.push(trainStep(model, optimizer, sampleCopyBatch(data, c.batch, c.repeats), c.clipNorm));
  const hash = createHash('sha256');
  hash.update(new Uint8Array(Float32Array.from(losses).buffer));
  for (const v of model.variables) hash.update(new Uint8Array(Float32Array.from(v.dataSync() as Float32Array).buffer));
  for (const { tensor } of await optimizer.getWeights()) hash.update(new Uint8Array(Float32Array.from(tensor.dataSync() as Float32Array).buffer));
  optimizer.dispose();
  model.dispose();
  return { losses, sha256: hash.digest('hex') };
}

describe('the default training path is bit-identical to commit 3a7a4b3', () => {
  it('pins all the cases of the generator', () => {
    expect(pinned.commit).toBe('3a7a4b3');
    expect((PIN_CASES as PinCase[]).length).toBe(pinned.cases.length);
    expect(tf.getBackend()).toBe('wasm');
  });
  for (const c of pinned.cases) {
    it(`${c.kind} ${c.variant} g=${c.groups} width ${c.hiddenSize}, batch ${c.batch}, clip ${c.clipNorm}`, async () => {
      const got = await run(c);
      expect(got.losses).toEqual(c.losses);
      expect(got.sha256).toBe(c.sha256);
    });
  }
});

describe('training steps hold no tensors beyond the model and the optimizer state', () => {
  it('tf.memory() is the same after 2 and after 8 steps (the copy-free Identity shares memory by reference count)', () => {
    const config: ModelConfig = { kind: 'gru', variant: 'factorized', groups: 4, hiddenSize: 20, layers: 2, inputVocabulary: 257, outputVocabulary: 256 };
    const model = new SequenceModel(config, initialModelWeights(config, createRng(1).fork(1)));
    const optimizer = createOptimizer(0.01);
    const data = createRng(1).fork(2);
    const snapshot = () => {
      const m = tf.memory();
      return { tensors: m.numTensors, buffers: m.numDataBuffers, bytes: m.numBytes };
    };
    let after2 = snapshot();
    for (let s = 1; s <= 8; s++) {
      trainStep(model, optimizer, sampleCopyBatch(data, 6, 2), 1);
      if (s === 2) after2 = snapshot();
    }
    expect(snapshot()).toEqual(after2);
    optimizer.dispose();
    model.dispose();
  });
});
