#!/usr/bin/env node
/**
 * Would a second core pay for training? The upper bound of splitting the batch over two
 * threads: the same training step (2-layer dense GRU(64) copy-task model, R = 32, T = 198) as one
 * process with batch 32 against two concurrent processes with batch 16 each (no
 * synchronisation cost at all, which a real split would add), 4 timed steps after one untimed,
 * 3 rounds; sequences per second of wall clock, all processes together.
 *
 *     npm run build && node bench/train-split-batch.mjs
 */
import { spawn } from 'node:child_process';
const code = (B) => `
const { selectBackend } = await import('./dist/train/backend.js');
const { SequenceModel } = await import('./dist/train/model.js');
const { initialModelWeights } = await import('./dist/train/modelConfig.js');
const { createOptimizer, trainStep } = await import('./dist/train/trainer.js');
const { createRng } = await import('./dist/processes/prng.js');
await selectBackend({ log: () => {} });
const T = 198, B = ${B};
const cfg = { kind: 'gru', variant: 'dense', groups: 1, hiddenSize: 64, layers: 2, inputVocabulary: 257, outputVocabulary: 256 };
const m = new SequenceModel(cfg, initialModelWeights(cfg, createRng(1)));
const rng = createRng(2);
const batch = { steps: T, batch: B, inputs: Int32Array.from({ length: T * B }, () => rng.nextUint32() % 257), targets: Int32Array.from({ length: T * B }, () => rng.nextUint32() % 256) };
const opt = createOptimizer(0.01);
trainStep(m, opt, batch, 1);
process.stdout.write('ready\\n');
await new Promise((r) => process.stdin.once('data', r));
const t0 = performance.now();
for (let i = 0; i < 4; i++) trainStep(m, opt, batch, 1);
process.stdout.write(String((performance.now() - t0) / 1000) + '\\n');
process.exit(0);`;
async function run(procs, B) {
  const kids = Array.from({ length: procs }, () => spawn(process.execPath, ['--input-type=module', '-e', code(B)], { cwd: process.cwd(), stdio: ['pipe', 'pipe', 'inherit'] }));
  const lines = kids.map((k) => { const out = []; k.stdout.on('data', (d) => out.push(...d.toString().trim().split('\n'))); return out; });
  while (!lines.every((l) => l.includes('ready'))) await new Promise((r) => setTimeout(r, 50));
  const t0 = performance.now();
  kids.forEach((k) => k.stdin.write('go\n'));
  await Promise.all(kids.map((k) => new Promise((r) => k.on('close', r))));
  return (performance.now() - t0) / 1000;
}
for (let round = 0; round < 3; round++) {
  const one = await run(1, 32), two = await run(2, 16);
  console.log(`round ${round + 1}: 1 process x batch 32: ${(4 * 32 / one).toFixed(0)} seq/s; 2 processes x batch 16: ${(4 * 32 / two).toFixed(0)} seq/s (${(one / two).toFixed(2)}x)`);
}
