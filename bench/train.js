#!/usr/bin/env node
/**
 * Training-throughput benchmark (issue 15): sequences per second of one optimisation step of
 * lrdkit's copy-task model (one-hot input projection over 257 symbols, 2 stacked recurrent
 * layers, softmax readout over 256 symbols, mean cross-entropy, global-norm clipping at 1,
 * RMSProp lr 0.01) on the backend in use, against PyTorch in the same run, both its fused
 * torch.nn.GRU / torch.nn.LSTM (one module per block) and a custom loop of the same
 * block-diagonal cell (bench/train_reference.py).
 *
 *     npm run bench:train                       (= npm run build && node bench/train.js)
 *     node bench/train.js --quick               (the headline configurations, 1 round: a smoke run)
 *     node bench/train.js --quick --rounds 3 --write   (the headline rows, written to TRAIN.md)
 *     node bench/train.js --grid full           (also batch 64: 48 configurations)
 *     node bench/train.js --rounds 3 --timed-steps 5 --torch-threads 1,2 --keep
 *     node bench/train.js --quick --kernels wasm   (without the native rows)
 *
 * Grid: GRU and LSTM, widths 64 and 128, R = 8 and 32 repeats (T = 6 (R + 1) = 54, 198),
 * batch 32 (and 64 with --grid full), dense and factorized g = 4, g = 8 at equal parameters
 * (the paper's "big": the widest g-block model whose parameters do not exceed the dense
 * model's, src/train/sizes.ts). Both sides start from the same weights and train on the same
 * random token batch; the first step's loss must agree (float32 rounding). Timing alternates:
 * each round times every lrdkit configuration, then runs the reference for all of them, so
 * that the load of a shared machine affects both sides alike; medians over the rounds.
 *
 * Also reported: TF.js kernel calls per training step (tf.profile of one step), achieved
 * GFLOP/s (3 x T x modelFlopsPerStep per sequence: forward, and backward at twice the forward)
 * against the float32 GEMM peak measured in the same run (torch.mm 512 x 512 per thread count,
 * and lrdkit's own WebAssembly SIMD gemm on 256 x 256 x 256).
 *
 * Kernels (--kernels, default wasm,native where the optional addon is built): every lrdkit
 * configuration is timed in each round with lrdkit's WebAssembly kernels (the default path)
 * and with the native addon (`lrdkit train --kernels native`: C recurrent kernels and products,
 * AVX2/FMA where the CPU has them), alternating, so both sit beside torch in the same run; the
 * native gemm's peak on 256 x 256 x 256 is measured too.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../dist/train/backend.js';
import { loadNativeAddon } from '../dist/train/internal/nativeAddon.js';
import { useTrainingKernels } from '../dist/train/internal/nativeKernels.js';
import { recurrentKernels } from '../dist/train/internal/wholeSequence.js';
import { SequenceModel } from '../dist/train/model.js';
import { initialModelWeights, modelFlopsPerStep, modelParameterCount, parameterShapes } from '../dist/train/modelConfig.js';
import { matchedModelWidth } from '../dist/train/sizes.js';
import { createOptimizer, trainStep } from '../dist/train/trainer.js';
import { createRng } from '../dist/processes/prng.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const PYTHON = '/usr/bin/python3';
const SEED = 20180409;
const V = 257, V_OUT = 256, LAYERS = 2, LR = 0.01, CLIP = 1;
/** The issue's reference point: dense GRU(64), R = 32, batch 32 with the per-step kernels (bench of issue 15's filing). */
const OLD_SEQUENCES_PER_SECOND = 152;

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(`--${name}`);
const option = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : fallback;
};
const quick = flag('quick');
const grid = option('grid', 'default');
const rounds = Number(option('rounds', quick ? 1 : 2));
const timedSteps = Number(option('timed-steps', quick ? 2 : 3));
const warmupSteps = 1;
const torchThreads = option('torch-threads', '1').split(',').map(Number);
const kernelsList = option('kernels', loadNativeAddon().addon ? 'wasm,native' : 'wasm').split(',');
const withNative = kernelsList.includes('native');
if (withNative && !loadNativeAddon().addon) {
  process.stderr.write(`bench:train: --kernels native: the native kernels are not built (${loadNativeAddon().reason}); run npm run native\n`);
  process.exit(2);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const configs = [];
for (const kind of ['gru', 'lstm']) {
  for (const width of quick ? [64] : [64, 128]) {
    for (const repeats of quick ? [32] : [8, 32]) {
      for (const batch of grid === 'full' ? [32, 64] : [32]) {
        const dense = { kind, variant: 'dense', groups: 1, hiddenSize: width, layers: LAYERS, inputVocabulary: V, outputVocabulary: V_OUT };
        for (const groups of [1, 4, 8]) {
          const model = groups === 1 ? dense : { ...dense, variant: 'factorized', groups, hiddenSize: matchedModelWidth(dense, 'factorized', groups, 'params').hiddenSize };
          const variant = groups === 1 ? 'dense' : `g${groups}`;
          configs.push({ name: `${kind}${width}-R${repeats}-b${batch}-${variant}`, kind, width, repeats, steps: 6 * (repeats + 1), batchSize: batch, variant, model });
        }
      }
    }
  }
}

/** GFLOP/s of the recurrent kernels' gemm in use (WebAssembly SIMD, or the native addon's) on n x n x n, best of `repeats`. */
function wasmGemmGflops(n = 256, repeats = 10) {
  const k = recurrentKernels();
  const bytes = 3 * n * n * 4 + 64;
  const have = k.memory.buffer.byteLength;
  if (bytes > have) k.memory.grow(Math.ceil((bytes - have) / 65536));
  const view = new Float32Array(k.memory.buffer);
  const A = 64, Bm = A + n * n * 4, C = Bm + n * n * 4;
  for (let i = 0; i < 2 * n * n; i++) view[A / 4 + i] = Math.sin(i);
  let best = Infinity;
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    k.gemm(A, n * 4, 4, Bm, n * 4, C, n * 4, n, n, n, 0, 0);
    best = Math.min(best, (performance.now() - t0) / 1000);
  }
  return (2 * n ** 3) / best / 1e9;
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
  const T = c.steps, B = c.batchSize;
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
  manifest.configs.push({ name: c.name, kind: c.kind, groups: c.model.groups, hiddenSize: c.model.hiddenSize, layers: LAYERS, steps: T, batch: B, inputVocabulary: V, learningRate: LR, clipNorm: CLIP, tensors, tokensOffset: tokenOffset });
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

// lrdkit: the first loss of fresh weights, then one model and optimizer per configuration kept across rounds.
for (const c of configs) {
  const fresh = new SequenceModel(c.model, c.weights);
  c.firstLoss = tf.tidy(() => fresh.loss(c.batch).dataSync()[0]);
  fresh.dispose();
  if (withNative) {
    useTrainingKernels('native');
    const n = new SequenceModel(c.model, c.weights);
    c.nativeFirstLoss = tf.tidy(() => n.loss(c.batch).dataSync()[0]);
    n.dispose();
    useTrainingKernels('wasm');
  }
  c.lrdkit = [];
  c.native = [];
  c.nativeCpu = [];
  c.torch = {};
}

/**
 * One timing block of configuration c on the installed kernels: a model and optimizer built for
 * it (not kept across rounds: 24 models' optimizer slots and saved activations would crowd the
 * wasm heap), warm-up steps, then `timedSteps` timed steps (wall and process CPU seconds), and
 * with `profile` the TF.js kernel calls of one more step.
 */
async function timeSteps(c, profile) {
  const model = new SequenceModel(c.model, c.weights), optimizer = createOptimizer(LR);
  for (let i = 0; i < warmupSteps; i++) trainStep(model, optimizer, c.batch, CLIP);
  const t0 = performance.now(), c0 = process.cpuUsage();
  for (let i = 0; i < timedSteps; i++) trainStep(model, optimizer, c.batch, CLIP);
  const wall = (performance.now() - t0) / 1000, cu = process.cpuUsage(c0);
  let kernelCalls = null;
  if (profile) {
    const p = await tf.profile(() => {
      trainStep(model, optimizer, c.batch, CLIP);
    });
    kernelCalls = p.kernels.filter((k) => k.name !== 'forward').length;
  }
  model.dispose();
  optimizer.dispose();
  return { wall, cpuSeconds: (cu.user + cu.system) / 1e6, kernelCalls };
}

let reference = null;
const load = [];
for (let round = 0; round < rounds; round++) {
  load.push(loadavg()[0]);
  for (const c of configs) {
    if (withNative) {
      // The native kernels, before or after the WebAssembly ones (alternating by round).
      const timeNative = async () => {
        useTrainingKernels('native');
        const { wall, cpuSeconds, kernelCalls } = await timeSteps(c, round === 0);
        if (round === 0) c.nativeKernelCalls = kernelCalls;
        c.native.push((timedSteps * c.batchSize) / wall);
        c.nativeCpu.push((timedSteps * c.batchSize) / cpuSeconds);
        useTrainingKernels('wasm');
        process.stderr.write(`bench:train: round ${round + 1}/${rounds} lrdkit native ${c.name}: ${((timedSteps * c.batchSize) / wall).toFixed(0)} seq/s\n`);
      };
      if (round % 2 === 0) c.afterWasm = timeNative;
      else await timeNative();
    }
    const { wall, cpuSeconds, kernelCalls } = await timeSteps(c, round === 0);
    c.lrdkit.push((timedSteps * c.batchSize) / wall);
    (c.lrdkitCpu ??= []).push((timedSteps * c.batchSize) / cpuSeconds);
    if (round === 0) c.kernelCalls = kernelCalls;
    process.stderr.write(`bench:train: round ${round + 1}/${rounds} lrdkit ${c.name}: ${((timedSteps * c.batchSize) / wall).toFixed(0)} seq/s\n`);
    await c.afterWasm?.();
    c.afterWasm = undefined;
  }
  load.push(loadavg()[0]);
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
    const key = `${x.style}${x.threads}`;
    (c.torch[key] ??= []).push({ sequencesPerSecond: x.sequencesPerSecond, sequencesPerCpuSecond: (timedSteps * c.batchSize) / x.cpuSeconds, firstLoss: x.firstLoss });
    process.stderr.write(`bench:train: round ${round + 1}/${rounds} torch ${x.style} (${x.threads} thread${x.threads > 1 ? 's' : ''}) ${c.name}: ${x.sequencesPerSecond.toFixed(0)} seq/s\n`);
  }
  (reference.peaks ??= []).push(reference.meta.gemmPeakGflops);
}
load.push(loadavg()[0]);
const wasmPeak = wasmGemmGflops();
let nativePeak = null, nativeIsa = null;
if (withNative) {
  nativeIsa = useTrainingKernels('native').isa;
  nativePeak = wasmGemmGflops();
  useTrainingKernels('wasm');
}
if (!flag('keep')) rmSync(dir, { recursive: true, force: true });

// Results.
const torchPeak = Object.fromEntries(torchThreads.map((n) => [n, Math.max(...reference.peaks.map((p) => p[String(n)]))]));
const peak1 = torchPeak[1] ?? Math.max(...Object.values(torchPeak));
const rows = configs.map((c) => {
  const lrdkit = median(c.lrdkit);
  const torch = Object.fromEntries(Object.entries(c.torch).map(([k, xs]) => [k, median(xs.map((x) => x.sequencesPerSecond))]));
  const torchCpu = Object.fromEntries(Object.entries(c.torch).map(([k, xs]) => [k, median(xs.map((x) => x.sequencesPerCpuSecond))]));
  const lrdkitCpu = median(c.lrdkitCpu);
  const firsts = Object.values(c.torch).map((xs) => xs[0].firstLoss);
  const flopsPerSequence = 3 * c.steps * modelFlopsPerStep(c.model);
  const gflops = (lrdkit * flopsPerSequence) / 1e9;
  return {
    name: c.name,
    kind: c.kind,
    width: c.width,
    repeats: c.repeats,
    steps: c.steps,
    batch: c.batchSize,
    variant: c.variant,
    hiddenSize: c.model.hiddenSize,
    parameters: modelParameterCount(c.model),
    kernelCalls: c.kernelCalls,
    lrdkitSequencesPerSecond: lrdkit,
    lrdkitRange: [Math.min(...c.lrdkit), Math.max(...c.lrdkit)],
    torchSequencesPerSecond: torch,
    ratioFused: lrdkit / torch[`fused${torchThreads[0]}`],
    ratioLoop: lrdkit / torch[`loop${torchThreads[0]}`],
    lrdkitSequencesPerCpuSecond: lrdkitCpu,
    torchSequencesPerCpuSecond: torchCpu,
    cpuRatioFused: lrdkitCpu / torchCpu[`fused${torchThreads[0]}`],
    cpuRatioLoop: lrdkitCpu / torchCpu[`loop${torchThreads[0]}`],
    gflopsPerCpuSecond: (lrdkitCpu * flopsPerSequence) / 1e9,
    mflopPerSequence: flopsPerSequence / 1e6,
    gflops,
    fractionOfPeak: gflops / peak1,
    firstLoss: { lrdkit: c.firstLoss, torch: firsts, relativeDifference: Math.max(...firsts.map((f) => Math.abs(c.firstLoss - f) / f), withNative ? Math.abs(c.nativeFirstLoss - c.firstLoss) / c.firstLoss : 0), ...(withNative ? { native: c.nativeFirstLoss } : {}) },
    ...(withNative ? (() => {
      const wall = median(c.native), cpu = median(c.nativeCpu);
      return { native: { kernelCalls: c.nativeKernelCalls, sequencesPerSecond: wall, range: [Math.min(...c.native), Math.max(...c.native)], sequencesPerCpuSecond: cpu, ratioFused: wall / torch[`fused${torchThreads[0]}`], cpuRatioFused: cpu / torchCpu[`fused${torchThreads[0]}`], cpuRatioLoop: cpu / torchCpu[`loop${torchThreads[0]}`], gflopsPerCpuSecond: (cpu * flopsPerSequence) / 1e9, fractionOfPeak: (cpu * flopsPerSequence) / 1e9 / peak1 } };
    })() : {}),
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
  gemmPeakGflops: { torch: torchPeak, lrdkitWasm: wasmPeak, ...(withNative ? { lrdkitNative: nativePeak } : {}) },
  kernels: kernelsList,
  nativeIsa,
  rounds,
  timedSteps,
  warmupSteps,
  torchThreads,
  loadAverage1min: load,
  command: `node bench/train.js ${argv.join(' ')}`.trim(),
};
const resultsFile = quick ? 'train-results-quick.json' : 'train-results.json';
writeFileSync(join(HERE, resultsFile), `${JSON.stringify({ meta, rows, firstLossesAgree: agree }, null, 2)}\n`);

const f0 = (x) => x.toFixed(0), f2 = (x) => x.toFixed(2), f1 = (x) => x.toFixed(1);
const t1 = torchThreads[0];
const md = [];
md.push('# Training-throughput benchmark');
md.push('');
md.push(`Generated by \`${meta.command}\` (bench/train.js, bench/train_reference.py); rewritten on every full run (and by --quick --write). The notes at the end are`);
md.push('hand-written (bench/TRAIN-NOTES.md) from the run they sit under.');
md.push('');
md.push('| | |');
md.push('| --- | --- |');
md.push(`| date | ${meta.date} |`);
md.push(`| CPU | ${meta.cpu}, ${meta.cpus} cores, ${meta.memoryGB} GB |`);
md.push(`| node / TF.js | ${meta.node} / ${meta.tfjs} |`);
md.push(`| lrdkit backend | ${meta.backend} (1 thread) |`);
md.push(`| python / torch | ${meta.reference.python} / ${meta.reference.torch}, OPENBLAS_NUM_THREADS=1, torch.set_num_threads(${torchThreads.join(', ')}) |`);
md.push(`| float32 GEMM peak, same run | torch.mm 512: ${Object.entries(torchPeak).map(([n, g]) => `${f1(g)} GFLOP/s (${n} thread${n === '1' ? '' : 's'})`).join(', ')}; lrdkit wasm gemm 256: ${f1(wasmPeak)} GFLOP/s${withNative ? `; lrdkit native gemm 256 (${nativeIsa}): ${f1(nativePeak)} GFLOP/s` : ''} |`);
md.push(`| lrdkit kernels | ${withNative ? `wasm (default) and native (${nativeIsa}; \`--kernels native\`), alternating per configuration and round` : 'wasm (the default)'} |`);
md.push(`| model | copy task: one-hot projection (257 symbols), ${LAYERS} recurrent layers, readout over 256; T = 6 (R + 1) |`);
md.push(`| timing | ${rounds} rounds x ${timedSteps} timed steps after ${warmupSteps} warm-up step, medians |`);
md.push(`| load average (1 min) during the rounds | ${load.map((x) => x.toFixed(2)).join(', ')} (2 cores, shared machine) |`);
md.push(`| same first-step loss | ${agree ? 'yes' : 'NO'} (max relative difference ${Math.max(...rows.map((r) => r.firstLoss.relativeDifference)).toExponential(1)}) |`);
md.push('');
md.push(`One optimisation step = forward, backpropagation through time, gradient clipping, RMSProp update. Sequences per second (higher is better), wall clock and per CPU second of the process (the load-robust measure on a shared machine: a process descheduled by other work accrues no CPU time); ratios = lrdkit / torch (${t1} thread${t1 > 1 ? 's' : ''}). g4 / g8: factorized at equal parameters (width in the second column). GFLOP/s: 3 T x modelFlopsPerStep per sequence, per CPU second; % peak: of torch.mm's 1-thread peak.`);
md.push('');
md.push('| config | width | params | kernel calls / step | lrdkit seq/s wall (range) | torch fused / loop, wall | lrdkit seq per CPU s | torch fused / loop, per CPU s | vs fused (CPU) | vs loop (CPU) | GFLOP per CPU s | % peak |');
md.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const r of rows) {
  md.push(`| ${r.name} | ${r.hiddenSize} | ${r.parameters} | ${r.kernelCalls} | ${f0(r.lrdkitSequencesPerSecond)} (${f0(r.lrdkitRange[0])}-${f0(r.lrdkitRange[1])}) | ${f0(r.torchSequencesPerSecond[`fused${t1}`])} / ${f0(r.torchSequencesPerSecond[`loop${t1}`])} | ${f0(r.lrdkitSequencesPerCpuSecond)} | ${f0(r.torchSequencesPerCpuSecond[`fused${t1}`])} / ${f0(r.torchSequencesPerCpuSecond[`loop${t1}`])} | ${f2(r.cpuRatioFused)}x | ${f2(r.cpuRatioLoop)}x | ${f1(r.gflopsPerCpuSecond)} | ${f0((100 * r.gflopsPerCpuSecond) / peak1)} |`);
}
md.push('');
if (withNative) {
  md.push(`The same configurations with \`--kernels native\` (the optional C addon, ${nativeIsa}), timed in the same rounds:`);
  md.push('');
  md.push('| config | width | kernel calls / step | native seq/s wall (range) | vs wasm, wall | native seq per CPU s | vs wasm, per CPU s | vs torch fused (CPU) | vs torch fused (wall) | vs loop (CPU) | GFLOP per CPU s | % peak |');
  md.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of rows) {
    const n = r.native;
    md.push(`| ${r.name} | ${r.hiddenSize} | ${n.kernelCalls} | ${f0(n.sequencesPerSecond)} (${f0(n.range[0])}-${f0(n.range[1])}) | ${f2(n.sequencesPerSecond / r.lrdkitSequencesPerSecond)}x | ${f0(n.sequencesPerCpuSecond)} | ${f2(n.sequencesPerCpuSecond / r.lrdkitSequencesPerCpuSecond)}x | ${f2(n.cpuRatioFused)}x | ${f2(n.ratioFused)}x | ${f2(n.cpuRatioLoop)}x | ${f1(n.gflopsPerCpuSecond)} | ${f0(100 * n.fractionOfPeak)} |`);
  }
  md.push('');
}
const find = (kind, width, R, B, variant) => rows.find((r) => r.kind === kind && r.width === width && r.repeats === R && r.batch === B && r.variant === variant);
const head = find('gru', 64, 32, 32, 'dense');
md.push('**Targets** (issue 15, GRU, width 64, R = 32, batch 32):');
md.push('');
if (head) {
  md.push(`- dense: ${f0(head.lrdkitSequencesPerSecond)} seq/s wall, ${f0(head.lrdkitSequencesPerCpuSecond)} per CPU second = ${f2(head.lrdkitSequencesPerCpuSecond / OLD_SEQUENCES_PER_SECOND)}x the per-step kernels' ${OLD_SEQUENCES_PER_SECOND} (a wall-clock number from another run and load; target 2x): ${head.lrdkitSequencesPerCpuSecond >= 2 * OLD_SEQUENCES_PER_SECOND ? 'met' : 'NOT met'} per CPU second; ${f1(head.gflopsPerCpuSecond)} GFLOP per CPU second, ${f0((100 * head.gflopsPerCpuSecond) / peak1)} % of the measured 1-thread GEMM peak;`);
  md.push(`- vs PyTorch fused nn.GRU in the same run: ${f2(head.cpuRatioFused)}x per CPU second, ${f2(head.ratioFused)}x wall (target 1.3x): ${head.cpuRatioFused >= 1.3 ? 'met' : 'NOT met'} per CPU second;`);
}
for (const kind of ['gru', 'lstm']) {
  const d = find(kind, 64, 32, 32, 'dense'), g4 = find(kind, 64, 32, 32, 'g4');
  if (d && g4) md.push(`- ${kind.toUpperCase()} factorized g = 4 at equal parameters (width ${g4.hiddenSize}) vs dense, per step: ${f2(g4.lrdkitSequencesPerCpuSecond / d.lrdkitSequencesPerCpuSecond)}x the dense speed per CPU second, ${f2(g4.lrdkitSequencesPerSecond / d.lrdkitSequencesPerSecond)}x wall (target >= 1): ${g4.lrdkitSequencesPerCpuSecond >= d.lrdkitSequencesPerCpuSecond ? 'met' : 'NOT met'} per CPU second.`);
}
if (withNative && head) {
  const n = head.native;
  md.push(`- with \`--kernels native\` (${nativeIsa}): dense ${f0(n.sequencesPerSecond)} seq/s wall, ${f0(n.sequencesPerCpuSecond)} per CPU second, ${f2(n.cpuRatioFused)}x torch fused per CPU second and ${f2(n.ratioFused)}x wall (target 1.3x): ${n.cpuRatioFused >= 1.3 ? 'met' : 'NOT met'} per CPU second, ${n.ratioFused >= 1.3 ? 'met' : 'NOT met'} wall; ${f1(n.gflopsPerCpuSecond)} GFLOP per CPU second, ${f0(100 * n.fractionOfPeak)} % of the 1-thread GEMM peak;`);
  for (const kind of ['gru', 'lstm']) {
    const d = find(kind, 64, 32, 32, 'dense'), g4 = find(kind, 64, 32, 32, 'g4');
    if (d && g4) md.push(`- with \`--kernels native\`, ${kind.toUpperCase()} g = 4 at equal parameters vs dense, per step: ${f2(g4.native.sequencesPerCpuSecond / d.native.sequencesPerCpuSecond)}x per CPU second, ${f2(g4.native.sequencesPerSecond / d.native.sequencesPerSecond)}x wall (target >= 1): ${g4.native.sequencesPerCpuSecond >= d.native.sequencesPerCpuSecond ? 'met' : 'NOT met'} per CPU second.`);
  }
}
md.push('');
let notes = '';
try {
  notes = readFileSync(join(HERE, 'TRAIN-NOTES.md'), 'utf8');
} catch {
  notes = '';
}
// A quick run writes TRAIN.md only with --write (the headline rows: what a loaded machine allows).
const writeMarkdown = !quick || flag('write');
if (notes && writeMarkdown) md.push(notes.trim(), '');
if (writeMarkdown) writeFileSync(join(HERE, 'TRAIN.md'), `${md.join('\n')}\n`);
process.stdout.write(`${md.join('\n')}\n`);
if (!agree) {
  process.stderr.write('bench:train: lrdkit and torch disagree on the first-step loss\n');
  process.exitCode = 1;
}
