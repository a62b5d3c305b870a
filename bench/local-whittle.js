#!/usr/bin/env node
/**
 * Timing of the local Whittle estimators at the audit's sizes (issue #13, item 4: "fast enough
 * for 16 channels x 32 sequences x 1024 steps and 16 channels x 65536 steps").
 *
 *     npm run build && nice -n 5 node bench/local-whittle.js
 *
 * For each size it runs multivariateLocalWhittle and localWhittle (channel 0) `--repeat` times
 * (default 5) on seeded AR(1)-filtered Gaussian data, and reports the fastest wall time, the
 * process CPU time of that run, and the ratio to the floor measured in the same run: the p N
 * DFTs the estimator cannot avoid (periodogram.ts's dft on each channel of each sequence).
 * Only ratios are comparable across machines and loads.
 */
import { performance } from 'node:perf_hooks';
import { localWhittle, multivariateLocalWhittle } from '../dist/analysis/memory/index.js';
import { dft } from '../dist/analysis/memory/periodogram.js';
import { createRng } from '../dist/processes/index.js';

const repeatFlag = process.argv.indexOf('--repeat');
const repeat = repeatFlag >= 0 ? Number(process.argv[repeatFlag + 1]) : 5;

function ensemble(seed, sequences, n, p) {
  const rng = createRng(seed);
  return Array.from({ length: sequences }, () => {
    const data = rng.normals(n * p);
    for (let t = 1; t < n; t++) for (let a = 0; a < p; a++) data[t * p + a] += 0.5 * data[(t - 1) * p + a];
    return { rows: n, cols: p, data };
  });
}

function fastest(fn) {
  let best = { wallMs: Infinity, cpuMs: Infinity, result: undefined };
  for (let r = 0; r < repeat; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const result = fn();
    const wallMs = performance.now() - t0;
    const c = process.cpuUsage(c0);
    if (wallMs < best.wallMs) best = { wallMs, cpuMs: (c.user + c.system) / 1000, result };
  }
  return best;
}

const rows = [];
for (const [sequences, n, p] of [
  [32, 1024, 16],
  [1, 65536, 16],
]) {
  const ens = ensemble(1, sequences, n, p);
  const channels = ens.map((s) => Float64Array.from({ length: n }, (_, t) => s.data[t * p]));
  const floor = fastest(() => {
    for (const s of ens) for (let a = 0; a < p; a++) dft(Float64Array.from({ length: n }, (_, t) => s.data[t * p + a]));
  });
  const multi = fastest(() => multivariateLocalWhittle(ens));
  const uni = fastest(() => localWhittle(channels));
  rows.push({ size: `${p} ch x ${sequences} seq x ${n}`, floor, multi, uni });
}
console.log('| size | multivariate wall ms (cpu) | iterations | univariate wall ms (cpu) | p N DFTs wall ms | multivariate / DFTs |');
console.log('|---|---|---|---|---|---|');
for (const r of rows) {
  console.log(
    `| ${r.size} | ${r.multi.wallMs.toFixed(1)} (${r.multi.cpuMs.toFixed(1)}) | ${r.multi.result.iterations} | ${r.uni.wallMs.toFixed(1)} (${r.uni.cpuMs.toFixed(1)}) | ${r.floor.wallMs.toFixed(1)} | ${(r.multi.wallMs / r.floor.wallMs).toFixed(2)} |`,
  );
}
