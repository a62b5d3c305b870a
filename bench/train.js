#!/usr/bin/env node
/**
 * Training-throughput benchmark (issue 5): sequences per second of one optimisation step of
 * lrdkit's TF.js model, GRU(128), batch 64, T = 50, dense and g = 8 blocks, on the backend in
 * use, against PyTorch running the same block-diagonal model with a custom loop
 * (bench/train_reference.py) in the same session.
 *
 *     npm run bench:train          (= npm run build && node bench/train.js)
 *     node bench/train.js --quick  (1 round, 5 timed steps: a smoke run)
 *     node bench/train.js --rounds 5 --timed-steps 20 --keep
 *
 * Flow. The model is the copy-task model of `lrdkit train` (one-hot input projection over 257
 * symbols, L GRU layers of width 128, softmax readout over 256 symbols, mean cross-entropy,
 * global-norm clipping at 1, RMSProp lr 0.01), for L = 1 ("GRU(128)", the headline) and L = 2
 * (the copy-task training configuration). Both sides start from the same weights (lrdkit's
 * seeded initialisation, written to a temporary directory) and train on the same token batch
 * (random symbols, T = 50, B = 64); the first step's loss must agree (float32 rounding).
 * Timing alternates: each round times every lrdkit configuration, then runs the reference for
 * every configuration and torch thread count (2, the issue's setting, and 1), so that the load
 * of a shared machine affects both sides alike; the table reports medians over the rounds.
 * Wall-clock throughput is the measure; CPU time per step is reported too (torch with 2
 * threads may use 2 cores, lrdkit's wasm backend uses 1).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../dist/train/backend.js';
import { SequenceModel } from '../dist/train/model.js';
import { initialModelWeights, parameterShapes, modelParameterCount } from '../dist/train/modelConfig.js';
import { createOptimizer, trainStep } from '../dist/train/trainer.js';
import { createRng } from '../dist/processes/prng.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const PYTHON = '/usr/bin/python3';
const SEED = 20180409;
const T = 50, B = 64, H = 128, V = 257, V_OUT = 256, LR = 0.01, CLIP = 1;

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(`--${name}`);
const value = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? Number(argv[i + 1]) : fallback;
};
const quick = flag('quick');
const rounds = value('rounds', quick ? 1 : 3);
const timedSteps = value('timed-steps', quick ? 5 : 10);
const warmupSteps = 3;
const torchThreads = [2, 1];

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const configs = [];
for (const layers of [1, 2]) {
  for (const groups of [1, 8]) {
    configs.push({
      name: `gru${H}-${groups === 1 ? 'dense' : `g${groups}`}-${layers}layer${layers > 1 ? 's' : ''}`,
      model: { kind: 'gru', variant: groups === 1 ? 'dense' : 'factorized', groups, hiddenSize: H, layers, inputVocabulary: V, outputVocabulary: V_OUT },
    });
  }
}

const selection = await selectBackend({ log: (l) => process.stderr.write(`bench:train: ${l}\n`) });
const dir = mkdtempSync(join(tmpdir(), 'lrdkit-bench-train-'));

// Weights and tokens for both sides.
const weightChunks = [], tokenChunks = [];
let weightOffset = 0, tokenOffset = 0;
const manifest = { weightsFile: 'weights.bin', tokensFile: 'tokens.bin', warmupSteps, timedSteps, torchThreads, configs: [] };
configs.forEach((c, k) => {
  c.weights = initialModelWeights(c.model, createRng(SEED).fork(10 + k));
  const rng = createRng(SEED).fork(100 + k);
  c.batch = {
    steps: T,
    batch: B,
    inputs: Int32Array.from({ length: T * B }, () => rng.nextUint32() % V),
    targets: Int32Array.from({ length: T * B }, () => rng.nextUint32() % V_OUT),
  };
  const tensors = parameterShapes(c.model).map(([name, shape]) => {
    const w = c.weights.get(name);
    weightChunks.push(w.values);
    const t = { name, shape, offset: weightOffset };
    weightOffset += w.values.length;
    return t;
  });
  tokenChunks.push(c.batch.inputs, c.batch.targets);
  manifest.configs.push({ name: c.name, groups: c.model.groups, hiddenSize: H, layers: c.model.layers, steps: T, batch: B, inputVocabulary: V, learningRate: LR, clipNorm: CLIP, tensors, tokensOffset: tokenOffset });
  tokenOffset += 2 * T * B;
});
const concat = (chunks, Ctor) => {
  const out = new Ctor(chunks.reduce((s, c) => s + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
};
writeFileSync(join(dir, 'weights.bin'), new Uint8Array(concat(weightChunks, Float32Array).buffer));
writeFileSync(join(dir, 'tokens.bin'), new Uint8Array(concat(tokenChunks, Int32Array).buffer));
writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));

// lrdkit: one model and optimizer per configuration, kept across rounds.
for (const c of configs) {
  const fresh = new SequenceModel(c.model, c.weights);
  c.firstLoss = tf.tidy(() => fresh.loss(c.batch).dataSync()[0]);
  fresh.dispose();
  c.trained = new SequenceModel(c.model, c.weights);
  c.optimizer = createOptimizer(LR);
  for (let i = 0; i < warmupSteps; i++) trainStep(c.trained, c.optimizer, c.batch, CLIP);
  c.lrdkit = [];
  c.torch = Object.fromEntries(torchThreads.map((n) => [n, []]));
}

let reference = null;
const load = [];
for (let round = 0; round < rounds; round++) {
  load.push(loadavg()[0]);
  for (const c of configs) {
    const t0 = performance.now(), c0 = process.cpuUsage();
    for (let i = 0; i < timedSteps; i++) trainStep(c.trained, c.optimizer, c.batch, CLIP);
    const wall = (performance.now() - t0) / 1000, cu = process.cpuUsage(c0);
    c.lrdkit.push({ sequencesPerSecond: (timedSteps * B) / wall, cpuSecondsPerStep: (cu.user + cu.system) / 1e6 / timedSteps });
    process.stderr.write(`bench:train: round ${round + 1}/${rounds} lrdkit ${c.name}: ${((timedSteps * B) / wall).toFixed(0)} seq/s\n`);
  }
  const out = join(dir, `reference-${round}.json`);
  const r = spawnSync(PYTHON, [join(HERE, 'train_reference.py'), join(dir, 'manifest.json'), out], {
    env: { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' },
    encoding: 'utf8',
  });
  if (r.status !== 0) {
    process.stderr.write(`bench:train: the reference failed (exit ${r.status}):\n${r.stderr}\n`);
    process.exit(1);
  }
  reference = JSON.parse(readFileSync(out, 'utf8'));
  for (const x of reference.results) {
    const c = configs.find((k) => k.name === x.config);
    c.torch[x.threads].push({ sequencesPerSecond: x.sequencesPerSecond, cpuSecondsPerStep: x.cpuSeconds / timedSteps, firstLoss: x.firstLoss });
    process.stderr.write(`bench:train: round ${round + 1}/${rounds} torch(${x.threads} threads) ${c.name}: ${x.sequencesPerSecond.toFixed(0)} seq/s\n`);
  }
}
load.push(loadavg()[0]);

// What limits it: kernel dispatches and kernel time in one g = 8 step (tf.profile).
const g8 = configs.find((c) => c.model.groups === 8 && c.model.layers === 1);
const profile = await tf.profile(() => {
  trainStep(g8.trained, g8.optimizer, g8.batch, CLIP);
});
const kernels = new Map();
for (const k of profile.kernels) {
  if (k.name === 'forward') continue; // tf.customGrad's wrapper: its kernels are listed themselves
  const e = kernels.get(k.name) ?? { calls: 0, ms: 0 };
  e.calls++;
  e.ms += k.kernelTimeMs;
  kernels.set(k.name, e);
}
const kernelMs = [...kernels.values()].reduce((s, e) => s + e.ms, 0);
const kernelCalls = [...kernels.values()].reduce((s, e) => s + e.calls, 0);
const t0 = performance.now();
for (let i = 0; i < timedSteps; i++) trainStep(g8.trained, g8.optimizer, g8.batch, CLIP);
const stepMs = (performance.now() - t0) / timedSteps;

for (const c of configs) {
  c.trained.dispose();
  c.optimizer.dispose();
}
if (!flag('keep')) rmSync(dir, { recursive: true, force: true });

// Results.
const rows = configs.map((c) => {
  const torchBy = Object.fromEntries(torchThreads.map((n) => [n, median(c.torch[n].map((x) => x.sequencesPerSecond))]));
  const lrdkit = median(c.lrdkit.map((x) => x.sequencesPerSecond));
  const torchFirst = c.torch[torchThreads[0]][0].firstLoss;
  return {
    name: c.name,
    groups: c.model.groups,
    layers: c.model.layers,
    parameters: modelParameterCount(c.model),
    lrdkitSequencesPerSecond: lrdkit,
    lrdkitRange: [Math.min(...c.lrdkit.map((x) => x.sequencesPerSecond)), Math.max(...c.lrdkit.map((x) => x.sequencesPerSecond))],
    lrdkitCpuSecondsPerStep: median(c.lrdkit.map((x) => x.cpuSecondsPerStep)),
    torchSequencesPerSecond: torchBy,
    torchCpuSecondsPerStep: Object.fromEntries(torchThreads.map((n) => [n, median(c.torch[n].map((x) => x.cpuSecondsPerStep))])),
    ratio: Object.fromEntries(torchThreads.map((n) => [n, lrdkit / torchBy[n]])),
    ratioBestTorch: lrdkit / Math.max(...Object.values(torchBy)),
    firstLoss: { lrdkit: c.firstLoss, torch: torchFirst, relativeDifference: Math.abs(c.firstLoss - torchFirst) / torchFirst },
  };
});
const agree = rows.every((r) => r.firstLoss.relativeDifference < 1e-5);
const meta = {
  date: new Date().toISOString(),
  cpu: cpus()[0]?.model ?? 'unknown',
  cpus: cpus().length,
  memoryGB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
  node: process.version,
  tfjs: tf.version.tfjs,
  backend: selection.summary,
  reference: reference.meta,
  rounds,
  timedSteps,
  warmupSteps,
  loadAverage1min: load,
  sizes: `GRU width ${H}, batch ${B}, T = ${T}, input alphabet ${V}, output alphabet ${V_OUT}`,
};
const profileSummary = {
  config: g8.name,
  kernelCalls,
  kernelMilliseconds: kernelMs,
  stepMilliseconds: stepMs,
  top: [...kernels].sort((a, b) => b[1].ms - a[1].ms).slice(0, 12).map(([name, e]) => ({ name, calls: e.calls, ms: Math.round(e.ms * 100) / 100 })),
};
writeFileSync(join(HERE, 'train-results.json'), `${JSON.stringify({ meta, rows, firstLossesAgree: agree, profile: profileSummary }, null, 2)}\n`);

const f0 = (x) => x.toFixed(0), f2 = (x) => x.toFixed(2);
const md = [];
md.push('# Training-throughput benchmark');
md.push('');
md.push('Generated by `npm run bench:train` (bench/train.js, bench/train_reference.py); rewritten on every run. The notes at the end are');
md.push('hand-written from the profile of the run they sit under.');
md.push('');
md.push('| | |');
md.push('| --- | --- |');
md.push(`| date | ${meta.date} |`);
md.push(`| CPU | ${meta.cpu}, ${meta.cpus} cores, ${meta.memoryGB} GB |`);
md.push(`| node / TF.js | ${meta.node} / ${meta.tfjs} |`);
md.push(`| lrdkit backend | ${meta.backend} (1 thread) |`);
md.push(`| python / torch | ${meta.reference.python} / ${meta.reference.torch}, OPENBLAS_NUM_THREADS=1, torch.set_num_threads(2) and (1) |`);
md.push(`| sizes | ${meta.sizes}; ${rounds} rounds x ${timedSteps} timed steps after ${warmupSteps} warm-up steps, medians |`);
md.push(`| load average (1 min) during the rounds | ${load.map((x) => x.toFixed(2)).join(', ')} (2 cores, shared machine) |`);
md.push(`| same first-step loss | ${agree ? 'yes' : 'NO'} (max relative difference ${Math.max(...rows.map((r) => r.firstLoss.relativeDifference)).toExponential(1)}) |`);
md.push('');
md.push('One optimisation step = forward, backpropagation through time, gradient clipping, RMSProp update. Sequences per second, wall clock (higher is better); ratio = lrdkit / torch.');
md.push('');
md.push('| model | params | lrdkit seq/s (range) | torch 2 threads | torch 1 thread | ratio vs 2 threads | ratio vs 1 thread | CPU s/step lrdkit / torch(2) / torch(1) |');
md.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
for (const r of rows) {
  md.push(`| ${r.name} | ${r.parameters} | ${f0(r.lrdkitSequencesPerSecond)} (${f0(r.lrdkitRange[0])}-${f0(r.lrdkitRange[1])}) | ${f0(r.torchSequencesPerSecond[2])} | ${f0(r.torchSequencesPerSecond[1])} | ${f2(r.ratio[2])}x | ${f2(r.ratio[1])}x | ${f2(r.lrdkitCpuSecondsPerStep)} / ${f2(r.torchCpuSecondsPerStep[2])} / ${f2(r.torchCpuSecondsPerStep[1])} |`);
}
md.push('');
const head = rows.find((r) => r.groups === 8 && r.layers === 1);
md.push(`**Target** (issue 5): at least 1x the torch custom loop for g = 8. GRU(128) g = 8: ${f2(head.ratio[2])}x torch with 2 threads, ${f2(head.ratio[1])}x torch with 1 thread: ${head.ratioBestTorch >= 1 ? 'met' : 'NOT met'} against the faster of the two.`);
md.push('');
md.push(`**Profile** (${profileSummary.config}, one step, tf.profile): ${kernelCalls} kernel calls, ${f0(kernelMs)} ms inside kernels, ${f0(stepMs)} ms per step unprofiled. Largest:`);
md.push('');
md.push('| kernel | calls | ms |');
md.push('| --- | ---: | ---: |');
for (const k of profileSummary.top) md.push(`| ${k.name} | ${k.calls} | ${k.ms.toFixed(2)} |`);
md.push('');
let notes = '';
try {
  notes = readFileSync(join(HERE, 'TRAIN-NOTES.md'), 'utf8');
} catch {
  notes = '';
}
if (notes) md.push(notes.trim(), '');
writeFileSync(join(HERE, 'TRAIN.md'), `${md.join('\n')}\n`);
process.stdout.write(`${md.join('\n')}\n`);
if (!agree) {
  process.stderr.write('bench:train: lrdkit and torch disagree on the first-step loss\n');
  process.exitCode = 1;
}
