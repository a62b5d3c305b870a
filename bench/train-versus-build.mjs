#!/usr/bin/env node
/**
 * Training speed of this checkout against another build of lrdkit, in the same run (issue 15:
 * the whole-sequence kernels against the per-step kernels of commit 4fcde86): for each
 * configuration (2-layer copy-task model, random tokens), child processes of either build
 * alternate (2 rounds), each timing 3 optimisation steps after one untimed; reported per CPU
 * second of the child (load-robust) and per wall-clock second, medians over the rounds.
 *
 *     git archive 4fcde86 src tsconfig.json tsconfig.build.json package.json | tar -x -C /tmp/old
 *     ln -s "$PWD/node_modules" /tmp/old/node_modules && (cd /tmp/old && npx tsc -p tsconfig.build.json)
 *     npm run build && node bench/train-versus-build.mjs /tmp/old/dist
 */
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OLD = process.argv[2] ? resolve(process.argv[2]) : undefined;
if (!OLD) {
  process.stderr.write('usage: node bench/train-versus-build.mjs OTHER_DIST_FOLDER\n');
  process.exit(2);
}
const child = (dist, args) => {
  const r = spawnSync(process.execPath, ['-e', `
    const dist = ${JSON.stringify(dist)};
    const tf = await import('@tensorflow/tfjs');
    const { selectBackend } = await import(dist + '/train/backend.js');
    const { SequenceModel } = await import(dist + '/train/model.js');
    const { initialModelWeights } = await import(dist + '/train/modelConfig.js');
    const { createOptimizer, trainStep } = await import(dist + '/train/trainer.js');
    const { createRng } = await import(dist + '/processes/prng.js');
    await selectBackend({ log: () => {} });
    const [kind, H, g, T, B, n] = ${JSON.stringify(args)};
    const cfg = { kind, variant: g === 1 ? 'dense' : 'factorized', groups: g, hiddenSize: H, layers: 2, inputVocabulary: 257, outputVocabulary: 256 };
    const m = new SequenceModel(cfg, initialModelWeights(cfg, createRng(1)));
    const rng = createRng(2);
    const batch = { steps: T, batch: B, inputs: Int32Array.from({ length: T * B }, () => rng.nextUint32() % 257), targets: Int32Array.from({ length: T * B }, () => rng.nextUint32() % 256) };
    const opt = createOptimizer(0.01);
    trainStep(m, opt, batch, 1);
    const t0 = performance.now(), c0 = process.cpuUsage();
    for (let i = 0; i < n; i++) trainStep(m, opt, batch, 1);
    const c = process.cpuUsage(c0);
    console.log(JSON.stringify({ wall: (performance.now() - t0) / 1000 / n, cpu: (c.user + c.system) / 1e6 / n }));
  `], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').at(-1));
};
const cfgs = [['gru', 64, 1, 198, 32], ['gru', 100, 4, 198, 32], ['lstm', 64, 1, 198, 32], ['gru', 128, 1, 54, 64]];
for (const c of cfgs) {
  const rows = [];
  for (let round = 0; round < 2; round++) {
    rows.push(['old', child(OLD, [...c, 3])], ['new', child(join(ROOT, 'dist'), [...c, 3])]);
  }
  const med = (tag, k) => { const xs = rows.filter((r) => r[0] === tag).map((r) => r[1][k]).sort((a, b) => a - b); return (xs[0] + xs[1]) / 2; };
  const B = c[4];
  console.log(`${c.join(' ')}: old ${(B / med('old', 'cpu')).toFixed(0)} seq/CPU-s (${(B / med('old', 'wall')).toFixed(0)} wall), new ${(B / med('new', 'cpu')).toFixed(0)} seq/CPU-s (${(B / med('new', 'wall')).toFixed(0)} wall): ${(med('old', 'cpu') / med('new', 'cpu')).toFixed(2)}x per CPU s, ${(med('old', 'wall') / med('new', 'wall')).toFixed(2)}x wall`);
}
