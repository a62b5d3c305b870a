#!/usr/bin/env node
/**
 * The optimizer step alone (issue 15): CPU milliseconds and TF.js kernel calls of one clipped
 * RMSProp update of the copy-task models' variables, the fused kernel (LrdkitClippedRmsprop,
 * one call) against the TF.js ops it replaces (per-variable tf.sum/tf.square/tf.addN clipping and
 * tf.train.rmsprop), alternating in one process (rounds x updates; medians over the rounds), on
 * the wasm backend. The two give the same numbers bit for bit (test/train/optimizer.test.ts).
 *
 *     npm run build && nice -n 5 node bench/train-optimizer.mjs [rounds] [updates]
 */
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../dist/train/backend.js';
import { SequenceModel } from '../dist/train/model.js';
import { initialModelWeights, modelParameterCount } from '../dist/train/modelConfig.js';
import { createOptimizer } from '../dist/train/optimizer.js';
import { createRng } from '../dist/processes/prng.js';

const rounds = Number(process.argv[2] ?? 5), updates = Number(process.argv[3] ?? 20);
await selectBackend({ requested: 'wasm' });
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const models = [['gru', 'dense', 1, 64], ['gru', 'factorized', 4, 100], ['lstm', 'dense', 1, 64], ['lstm', 'factorized', 4, 104]];
for (const [kind, variant, groups, hiddenSize] of models) {
  const config = { kind, variant, groups, hiddenSize, layers: 2, inputVocabulary: 257, outputVocabulary: 256 };
  const model = new SequenceModel(config, initialModelWeights(config, createRng(1)));
  const vars = model.variables;
  const rng = createRng(2);
  const grads = vars.map((v) => tf.tensor(Float32Array.from({ length: v.size }, () => (rng.uniform() - 0.5) * 1e-2), v.shape));
  const result = {};
  for (const impl of ['tfjs', 'fused']) {
    const optimizer = createOptimizer(1e-4, impl);
    optimizer.applyClippedGradients(vars, grads, 1);
    const calls = (await tf.profile(() => optimizer.applyClippedGradients(vars, grads, 1))).kernels.length;
    result[impl] = { optimizer, calls, ms: [] };
  }
  for (let r = 0; r < rounds; r++) {
    for (const impl of ['tfjs', 'fused']) {
      const c0 = process.cpuUsage();
      for (let i = 0; i < updates; i++) result[impl].optimizer.applyClippedGradients(vars, grads, 1);
      const c = process.cpuUsage(c0);
      result[impl].ms.push((c.user + c.system) / 1e3 / updates);
    }
  }
  const t = median(result.tfjs.ms), f = median(result.fused.ms);
  console.log(`${kind} ${variant} g=${groups} h=${hiddenSize} (${modelParameterCount(config)} parameters, ${vars.length} variables): TF.js ops ${result.tfjs.calls} calls, ${t.toFixed(2)} ms CPU; fused ${result.fused.calls} call, ${f.toFixed(2)} ms CPU (${(t / f).toFixed(1)}x)`);
  for (const impl of ['tfjs', 'fused']) result[impl].optimizer.dispose();
  tf.dispose(grads);
  model.dispose();
}
