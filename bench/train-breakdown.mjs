#!/usr/bin/env node
/**
 * Where a training step's time goes, dense against factorized g = 4 at equal parameters (issue
 * 15's last target: the factorized model no slower per step than the dense one). For the
 * issue's configuration (copy task, R = 32 so T = 198, batch 32, dense width 64, 2 layers; GRU
 * and LSTM) and each kernel set (wasm, and native where the addon is built), it times training
 * steps (CPU time of this process, median) and attributes the TF.js kernel time of profiled
 * steps (tf.profile, mean of 3) to the parts of the model:
 *
 *   recurrent layers   the whole-sequence kernels (forward and backpropagation through time)
 *   upper inputs       the input products x W + b of layers 2.. and their gradients
 *   readout            logits = h W_o + b_o and its gradients (the 2 H V_out multiply-adds)
 *   softmax, loss      softmax, cross-entropy and its gradient (V_out per row)
 *   embedding          the projected table's row gather and its segment-sum gradient, the
 *                      table product E W (V = 257 rows)
 *   optimizer          clipped RMSProp (one kernel)
 *   layout             transposes, reshapes, identities (the factorized blocks' [g, N, hb]
 *                      layout against the readout's [N, H])
 *   other              step CPU time not inside a kernel (JavaScript, dispatch, autodiff)
 *
 * Beside each part's time ratio (g = 4 / dense) it prints the ratio of the work the part does
 * per sequence step, from the sizes alone: products G H^2 / g multiply-adds per layer,
 * elementwise work H units per layer, readout H V_out, embedding rows G H. At equal parameters
 * the factorized model is wider (H = 100 GRU, 104 LSTM against 64: the projection and readout
 * hold most parameters), so its block products are cheaper (0.61x, 0.66x) and everything that
 * scales with H dearer (1.56x, 1.63x). Two predictions of the g = 4 step follow, each part at
 * the dense model's own time per unit of work: with the recurrent layers costing like their
 * products (the best case) and like their units.
 *
 *     npm run build && node bench/train-breakdown.mjs            (table on stdout)
 *     node bench/train-breakdown.mjs --write                     (bench/TRAIN-BREAKDOWN.md, train-breakdown-results.json)
 *     node bench/train-breakdown.mjs --kernels native --steps 12
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../dist/train/backend.js';
import { loadNativeAddon } from '../dist/train/internal/nativeAddon.js';
import { useTrainingKernels } from '../dist/train/internal/nativeKernels.js';
import { SequenceModel } from '../dist/train/model.js';
import { initialModelWeights, modelParameterCount } from '../dist/train/modelConfig.js';
import { savedSize } from '../dist/train/internal/wholeSequence.js';
import { matchedModelWidth } from '../dist/train/sizes.js';
import { createOptimizer, trainStep } from '../dist/train/trainer.js';
import { createRng } from '../dist/processes/prng.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const V = 257, V_OUT = 256, LAYERS = 2, WIDTH = 64, REPEATS = 32, BATCH = 32, GROUPS = 4, LR = 0.01, CLIP = 1;
const T = 6 * (REPEATS + 1), N = T * BATCH;

const argv = process.argv.slice(2);
const option = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : fallback;
};
const write = argv.includes('--write');
const timedSteps = Number(option('steps', 8));
const kernelsList = option('kernels', loadNativeAddon().addon ? 'wasm,native' : 'wasm').split(',');

const PARTS = ['recurrent layers', 'upper inputs', 'readout', 'softmax, loss', 'embedding', 'optimizer', 'layout', 'other'];
const same = (a, b) => a.length === b.length && a.every((d, i) => d === b[i]);

/** The part of the model a profiled kernel belongs to (config c: width H). */
function partOf(k, H) {
  const shapes = k.inputShapes.filter(Boolean);
  if (/^Lrdkit(Gru|Lstm)Sequence/.test(k.name)) return 'recurrent layers';
  if (k.name === 'LrdkitClippedRmsprop') return 'optimizer';
  if (k.name === 'Softmax' || k.name.startsWith('LrdkitCrossEntropy')) return 'softmax, loss';
  if (shapes.some((s) => s.includes(V))) return 'embedding';
  if (k.name === '_FusedMatMul') return 'readout';
  if (k.name === 'BatchMatMul') {
    const [a, b] = shapes;
    // The readout's gradients: dX = dlogits W^T, dW = X^T dlogits, db = 1^T dlogits (2-d operands).
    if ((same(a, [N, V_OUT]) && same(b, [H, V_OUT])) || (same(a, [N, H]) && same(b, [N, V_OUT])) || (same(a, [1, N]) && same(b, [N, V_OUT]))) return 'readout';
    return 'upper inputs';
  }
  if (['Transpose', 'Reshape', 'Identity'].includes(k.name)) return 'layout';
  return 'upper inputs'; // the upper layers' bias Add and its gradient's sum
}

/**
 * Work per sequence step of each part (the units the time ratios are compared with); the
 * recurrent layers' products and units also as the kernels in use run them, each block of hb
 * units padded to n (wholeSequence.ts paddedUnits: a multiple of 4, or of the native lane width).
 */
function work(model) {
  const G = model.kind === 'gru' ? 3 : 4, H = model.hiddenSize, g = model.groups, hb = H / g;
  const n = savedSize(model.kind, { g: 1, T: 1, B: 4, hb }) / (4 * (model.kind === 'gru' ? 4 : 6));
  return {
    products: LAYERS * G * H * H / g,
    units: LAYERS * H,
    paddedUnitsPerBlock: n,
    paddedProducts: LAYERS * g * G * n * n,
    paddedUnits: LAYERS * g * n,
    'upper inputs': (LAYERS - 1) * G * H * H / g,
    readout: H * V_OUT,
    'softmax, loss': V_OUT,
    embedding: G * H,
    optimizer: modelParameterCount(model),
  };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function measure(model) {
  const rng = createRng(20180409);
  const batch = { steps: T, batch: BATCH, inputs: Int32Array.from({ length: N }, () => rng.nextUint32() % V), targets: Int32Array.from({ length: N }, () => rng.nextUint32() % V_OUT) };
  const m = new SequenceModel(model, initialModelWeights(model, createRng(7))), opt = createOptimizer(LR);
  for (let i = 0; i < 2; i++) trainStep(m, opt, batch, CLIP);
  const steps = [];
  for (let i = 0; i < timedSteps; i++) {
    const c0 = process.cpuUsage();
    trainStep(m, opt, batch, CLIP);
    const c = process.cpuUsage(c0);
    steps.push((c.user + c.system) / 1000);
  }
  const parts = Object.fromEntries(PARTS.map((p) => [p, 0]));
  const profiles = 3;
  let profiledMs = 0;
  for (let r = 0; r < profiles; r++) {
    const c0 = process.cpuUsage();
    const p = await tf.profile(() => {
      trainStep(m, opt, batch, CLIP);
    });
    const c = process.cpuUsage(c0);
    profiledMs += (c.user + c.system) / 1000 / profiles;
    for (const k of p.kernels) {
      if (k.name === 'forward' || k.name.endsWith('__op')) continue; // op wrappers: their kernels are listed too
      parts[partOf(k, model.hiddenSize)] += (await k.kernelTimeMs) / profiles;
    }
  }
  m.dispose();
  opt.dispose();
  const stepMs = median(steps);
  // Outside the kernels: the profiled steps' own CPU time minus their kernels (the same steps).
  parts.other = Math.max(0, profiledMs - PARTS.slice(0, -1).reduce((s, p) => s + parts[p], 0));
  return { stepMs, steps, parts };
}

const selection = await selectBackend({ log: (l) => process.stderr.write(`bench:breakdown: ${l}\n`) });
const results = [];
const load = [loadavg()[0]];
for (const kernels of kernelsList) {
  useTrainingKernels(kernels);
  for (const kind of ['gru', 'lstm']) {
    const dense = { kind, variant: 'dense', groups: 1, hiddenSize: WIDTH, layers: LAYERS, inputVocabulary: V, outputVocabulary: V_OUT };
    const fact = { ...dense, variant: 'factorized', groups: GROUPS, hiddenSize: matchedModelWidth(dense, 'factorized', GROUPS, 'params').hiddenSize };
    // Alternating dense, factorized, factorized, dense: drift of a shared machine's load hits both alike.
    const d1 = await measure(dense), f1 = await measure(fact), f2 = await measure(fact), d2 = await measure(dense);
    const pool = (a, b) => ({ stepMs: median([...a.steps, ...b.steps]), parts: Object.fromEntries(PARTS.map((p) => [p, (a.parts[p] + b.parts[p]) / 2])) });
    results.push({ kernels, kind, dense: { model: dense, ...pool(d1, d2), work: work(dense) }, factorized: { model: fact, ...pool(f1, f2), work: work(fact) } });
    process.stderr.write(`bench:breakdown: ${kernels} ${kind} done\n`);
    load.push(loadavg()[0]);
  }
}
useTrainingKernels('wasm');

const f2 = (x) => x.toFixed(2);
const lines = [];
lines.push('# Where a training step goes: dense against factorized g = 4 at equal parameters', '');
const command = `node bench/train-breakdown.mjs ${argv.join(' ')}`.trim();
lines.push(`Generated by \`${command}\` (bench/train-breakdown.mjs; notes in TRAIN-NOTES.md).`, '');
lines.push(`${new Date().toISOString()}, ${cpus()[0]?.model ?? 'CPU'}, ${cpus().length} cores, ${selection.backend}; load average (1 min) ${load.map((x) => x.toFixed(2)).join(', ')}. Copy task, R = ${REPEATS} (T = ${T}), batch ${BATCH}, ${LAYERS} layers, dense width ${WIDTH}; step time = median CPU time of this process over ${2 * timedSteps} steps; parts = TF.js kernel time of 3 profiled steps (mean), "other" = step time minus the kernels.`, '');
for (const r of results) {
  const d = r.dense, f = r.factorized;
  const ratio = (p) => (p === 'recurrent layers'
    ? `${f2(f.work.products / d.work.products)} products, ${f2(f.work.units / d.work.units)} units; as run (hb ${f.model.hiddenSize / GROUPS} padded to ${f.work.paddedUnitsPerBlock}): ${f2(f.work.paddedProducts / d.work.paddedProducts)}, ${f2(f.work.paddedUnits / d.work.paddedUnits)}`
    : d.work[p] ? f2(f.work[p] / d.work[p]) : '');
  lines.push(`## ${r.kind.toUpperCase()}, ${r.kernels} kernels: dense ${f2(d.stepMs)} ms, g = 4 (width ${f.model.hiddenSize}) ${f2(f.stepMs)} ms per step: ${f2(d.stepMs / f.stepMs)}x the dense speed`, '');
  lines.push('| part | dense ms | g = 4 ms | time g4 / dense | work g4 / dense |', '| --- | ---: | ---: | ---: | ---: |');
  for (const p of PARTS) lines.push(`| ${p} | ${f2(d.parts[p])} | ${f2(f.parts[p])} | ${d.parts[p] > 0 ? f2(f.parts[p] / d.parts[p]) : ''} | ${ratio(p)} |`);
  // The target as a budget: the parts whose work the width fixes, at the dense model's time per
  // unit of work (layout and other as the dense's), leave the recurrent layers and the upper
  // inputs what remains of the dense step.
  const fixed = ['readout', 'softmax, loss', 'embedding', 'optimizer', 'layout', 'other'];
  const fixedMs = fixed.reduce((sum, p) => sum + d.parts[p] * (d.work[p] ? f.work[p] / d.work[p] : 1), 0);
  const denseCore = d.parts['recurrent layers'] + d.parts['upper inputs'], factCore = f.parts['recurrent layers'] + f.parts['upper inputs'];
  const denseTotal = PARTS.reduce((sum, p) => sum + d.parts[p], 0);
  r.budget = { fixedPartsAtDenseRateMs: fixedMs, denseCoreMs: denseCore, factorizedCoreMs: factCore, requiredCoreRatio: (denseTotal - fixedMs) / denseCore, measuredCoreRatio: factCore / denseCore };
  lines.push('', `For the g = 4 step to take no longer than the dense one (${f2(denseTotal)} ms in the profiled steps), with readout, softmax and loss, embedding and optimizer at the dense model's time per unit of work and layout and other as the dense's (${f2(fixedMs)} ms), the recurrent layers and upper inputs must take at most ${f2(r.budget.requiredCoreRatio)}x the dense model's (${f2(denseTotal - fixedMs)} ms of ${f2(denseCore)}); they take ${f2(r.budget.measuredCoreRatio)}x (${f2(factCore)} ms), doing ${f2(f.work.products / d.work.products)}x the multiply-adds and ${f2(f.work.units / d.work.units)}x the units (as run: ${f2(f.work.paddedProducts / d.work.paddedProducts)}x, ${f2(f.work.paddedUnits / d.work.paddedUnits)}x).`, '');
}
const text = lines.join('\n');
process.stdout.write(`${text}\n`);
if (write) {
  writeFileSync(join(HERE, 'TRAIN-BREAKDOWN.md'), `${text}\n`);
  writeFileSync(join(HERE, 'train-breakdown-results.json'), `${JSON.stringify({ date: new Date().toISOString(), command, load, results }, null, 1)}\n`);
}
