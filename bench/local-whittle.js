#!/usr/bin/env node
/**
 * Timing of the local Whittle estimators at the audit's sizes (issue #13, item 4: "fast enough
 * for 16 channels x 32 sequences x 1024 steps and 16 channels x 65536 steps").
 *
 *     npm run build && nice -n 5 node bench/local-whittle.js
 *     npm run build && nice -n 5 node bench/local-whittle.js --separation
 *
 * For each size it runs multivariateLocalWhittle and localWhittle (channel 0) `--repeat` times
 * (default 5) on seeded AR(1)-filtered Gaussian data, and reports the fastest wall time, the
 * process CPU time of that run, and the ratio to the floor measured in the same run: the p N
 * DFTs the estimator cannot avoid (periodogram.ts's dft on each channel of each sequence).
 * Only ratios are comparable across machines and loads.
 *
 * --separation instead prints the total memory (mean d, SE, z) of 16-channel processes mixed by
 * a random orthogonal matrix, one seed, at both sizes and bandwidths floor(n^0.65) and
 * floor(n^0.5): how far the short-range bias of the local Whittle estimator (AR(1) with
 * phi = 0.5, 0.9: truth d = 0) is from the long-memory truths (fGn H = 0.6, ARFIMA d = 0.1, 0.25),
 * the input a decision rule on the total-memory test has to respect.
 */
import { performance } from 'node:perf_hooks';
import { localWhittle, multivariateLocalWhittle } from '../dist/analysis/memory/index.js';
import { dft } from '../dist/analysis/memory/periodogram.js';
import { ar1, arfima, createRng, fgn } from '../dist/processes/index.js';

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

if (process.argv.includes('--separation')) {
  separation();
  process.exit(0);
}

function separation() {
  const orthogonal = (rng, p) => {
    const q = [];
    for (let i = 0; i < p; i++) {
      let v = Array.from({ length: p }, () => rng.normal());
      for (const u of q) {
        const d = v.reduce((s, x, k) => s + x * u[k], 0);
        v = v.map((x, k) => x - d * u[k]);
      }
      const norm = Math.hypot(...v);
      q.push(v.map((x) => x / norm));
    }
    return q;
  };
  const mixed = (rng, sequences, n, p, generate) => {
    const q = orthogonal(rng, p);
    return Array.from({ length: sequences }, () => {
      const columns = Array.from({ length: p }, () => generate(rng, n));
      const data = new Float64Array(n * p);
      for (let t = 0; t < n; t++) for (let i = 0; i < p; i++) for (let a = 0; a < p; a++) data[t * p + i] += q[i][a] * columns[a][t];
      return { rows: n, cols: p, data };
    });
  };
  const families = [
    ['iid', (rng, n) => rng.normals(n)],
    ['AR(1) phi = 0.5', (rng, n) => ar1(rng, n, 0.5)],
    ['AR(1) phi = 0.9', (rng, n) => ar1(rng, n, 0.9)],
    ['fGn H = 0.6', (rng, n) => fgn(rng, n, 0.6)],
    ['ARFIMA d = 0.1', (rng, n) => arfima(rng, n, 0.1)],
    ['ARFIMA d = 0.25', (rng, n) => arfima(rng, n, 0.25)],
  ];
  console.log('| process (16 channels, orthogonal mix) | size | mean d, m = n^0.65 (SE, z) | mean d, m = n^0.5 (SE, z) |');
  console.log('|---|---|---|---|');
  for (const [name, generate] of families) {
    for (const [sequences, n] of [
      [32, 1024],
      [1, 65536],
    ]) {
      const cells = [0.65, 0.5].map((alpha) => {
        const e = multivariateLocalWhittle(mixed(createRng(3), sequences, n, 16, generate), { bandwidth: Math.floor(n ** alpha + 1e-9) });
        return `${e.totalMemory.toFixed(3)} (${e.totalMemoryStandardError.toFixed(4)}, ${e.totalMemoryZ.toFixed(1)})`;
      });
      console.log(`| ${name} | ${sequences} x ${n} | ${cells[0]} | ${cells[1]} |`);
    }
  }
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
