#!/usr/bin/env node
/**
 * Native training kernels of this checkout against another build's addon, in one process
 * (issue 15, factorized g = 4 at equal parameters against dense): the addon's functions are
 * dispatched to either .node file, alternating per configuration and round, and the other
 * build's block padding (roundUp(hb, 4)) is restored by setting the kernels' laneWidth to 4.
 * Per configuration (2-layer copy-task model, R = 32: T = 198, batch 32, random tokens): CPU ms
 * per optimisation step of this process (load-robust), wall ms, and wall ms inside the addon;
 * medians over 5 rounds of 3 steps after one untimed.
 *
 *     npm run native && npm run build
 *     node bench/train-native-versus-addon.mjs /work/main/native/build/lrdkit_kernels.node
 */
import { createRequire } from 'node:module';
const req = createRequire(import.meta.url);
const dist = new URL('../dist', import.meta.url).pathname;
const OTHER = process.argv[2];
if (!OTHER) {
  process.stderr.write('usage: node bench/train-native-versus-addon.mjs OTHER_BUILD/native/build/lrdkit_kernels.node\n');
  process.exit(2);
}
const tf = await import('@tensorflow/tfjs');
const { selectBackend } = await import(dist + '/train/backend.js');
const { SequenceModel } = await import(dist + '/train/model.js');
const { initialModelWeights } = await import(dist + '/train/modelConfig.js');
const { createOptimizer, trainStep } = await import(dist + '/train/trainer.js');
const { createRng } = await import(dist + '/processes/prng.js');
const { loadNativeAddon } = await import(dist + '/train/internal/nativeAddon.js');
const { useTrainingKernels } = await import(dist + '/train/internal/nativeKernels.js');
const { recurrentKernels } = await import(dist + '/train/internal/wholeSequence.js');
await selectBackend({ log: () => {} });
const addon = loadNativeAddon().addon;
const oldA = req(OTHER), newA = req(new URL('../native/build/lrdkit_kernels.node', import.meta.url).pathname);
const impls = { old: { ...oldA }, new: { ...newA } };
let which = 'new';
let inAddon = 0;
for (const name of Object.keys(impls.new)) {
  if (typeof impls.new[name] !== 'function' || name === 'isa' || name === 'isas' || name === 'useIsa') continue;
  addon[name] = (...a) => { const t0 = performance.now(); const r = impls[which][name](...a); inAddon += performance.now() - t0; return r; };
}
useTrainingKernels('native');
const steps = 3, res = {};
for (let round = 0; round < 5; round++)
for (const [kind, H, g] of [['gru', 64, 1], ['gru', 100, 4], ['lstm', 64, 1], ['lstm', 104, 4]])
for (const w of round % 2 ? ['new', 'old'] : ['old', 'new']) {
  which = w; recurrentKernels().laneWidth = w === 'old' ? 4 : 16;
  const T = 198, B = 32;
  const cfg = { kind, variant: g === 1 ? 'dense' : 'factorized', groups: g, hiddenSize: H, layers: 2, inputVocabulary: 257, outputVocabulary: 256 };
  const m = new SequenceModel(cfg, initialModelWeights(cfg, createRng(1)));
  const rng = createRng(2);
  const batch = { steps: T, batch: B, inputs: Int32Array.from({ length: T * B }, () => rng.nextUint32() % 257), targets: Int32Array.from({ length: T * B }, () => rng.nextUint32() % 256) };
  const opt = createOptimizer(0.01);
  trainStep(m, opt, batch, 1);
  inAddon = 0;
  const c0 = process.cpuUsage(), t0 = performance.now();
  for (let i = 0; i < steps; i++) trainStep(m, opt, batch, 1);
  const cu = process.cpuUsage(c0), wall = (performance.now() - t0) / steps;
  const key = `${kind} ${H} g${g}`;
  ((res[key] ??= { old: [], new: [] })[w]).push({ cpu: (cu.user + cu.system) / 1e3 / steps, wall, addon: inAddon / steps });
  m.dispose(); opt.dispose();
}
const med = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[s.length >> 1]; };
for (const [k, v] of Object.entries(res)) {
  const f = (w, q) => med(v[w].map((r) => r[q]));
  console.log(`${k}: other ${f('old', 'cpu').toFixed(1)} CPU ms/step (${f('old', 'wall').toFixed(1)} wall, ${f('old', 'addon').toFixed(1)} in the addon), branch ${f('new', 'cpu').toFixed(1)} (${f('new', 'wall').toFixed(1)}, ${f('new', 'addon').toFixed(1)}): ${(f('old', 'cpu') / f('new', 'cpu')).toFixed(2)}x per CPU s, addon ${(f('old', 'addon') / f('new', 'addon')).toFixed(2)}x`);
}
