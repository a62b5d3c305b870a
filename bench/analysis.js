#!/usr/bin/env node
/**
 * The analysis-engine benchmark (issue: "A dense GRU(256) and a factorized GRU (g = 8, equal
 * parameters), 64 sequences x 2048 steps: full analysis ... Report wall time and peak memory
 * on 2 cores, and the ratio against a NumPy/SciPy implementation of the same measures run in
 * the same session").
 *
 *     npm run bench:analysis            (= npm run build && node bench/analysis.js)
 *     node bench/analysis.js --quick    (16 x 512, 64 Jacobian states: a 1-minute smoke run)
 *     node bench/analysis.js --keep     (keep the temporary exchange directory)
 *     node bench/analysis.js --repeat 3 (3 alternating rounds, the fastest run of each side kept)
 *     node bench/analysis.js --workers 1 (lrdkit on the main thread only)
 *     node bench/analysis.js --cells dense (one cell only)
 *     node bench/analysis.js --report-only (rewrite ANALYSIS.md from analysis-results.json)
 *
 * Flow. The parent builds both cells from a fixed seed, writes their weights and the input
 * sequences (float64, little-endian) into a temporary directory, then for each cell starts a
 * child process (`--child <cell>`) that runs lrdkit's analyzeCell with the issue's sizes and
 * reports its phase times, peak RSS (process.resourceUsage().maxRSS) and results, and writes
 * what the reference needs to reproduce the same computations (the sampled state indices, the
 * Lyapunov start vectors, the DFA scales, the lag grids). It then runs
 * bench/analysis_reference.py (Debian /usr/bin/python3, numpy/scipy, OPENBLAS_NUM_THREADS=2:
 * both sides get the 2 cores) on the same weights and inputs, checks that the key numbers
 * agree, prints the table of times and ratios lrdkit / numpy, and writes
 * bench/analysis-results.json and bench/ANALYSIS.md.
 */
import { spawnSync } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, endianness, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { analyzeCell, randomDenseCell, randomFactorizedCell } from '../dist/index.js';
import { inputProcess, logLagGrid, mutualInformationCurve } from '../dist/api/analysis.js';
import { matchedHiddenSize } from '../dist/api/cells.js';
import { createRng } from '../dist/api/processes.js';
import { candidateRecurrentBlocks } from '../dist/analysis/information/curve.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const PYTHON = '/usr/bin/python3';
const SEED = 20180409;
const KERNELS = new URL('../dist/linalg/internal/kernels.js', import.meta.url).href;

/** A fixed CPU-bound load (the trajectories' batched kernel, 64 x 256 x 256, `reps` times); returns ms. */
const LOAD = `async function load(reps) {
  const { matMulRows } = await import(${JSON.stringify(KERNELS)});
  const w = new Float64Array(256 * 256).map((_, i) => Math.sin(i));
  const x = new Float64Array(64 * 256).map((_, i) => Math.cos(i));
  const out = new Float64Array(64 * 256);
  for (let r = 0; r < 100; r++) matMulRows(w, 256, 256, x, 256, 0, 64, out, 256, 0, false);
  const t = performance.now();
  for (let r = 0; r < reps; r++) matMulRows(w, 256, 256, x, 256, 0, 64, out, 256, 0, false);
  return performance.now() - t;
}`;

/**
 * Parallel efficiency of the 2 CPUs right now: the same load on one thread alone, then on two
 * threads at once; t_alone / t_pair is about 1 for two independent cores and 0.5 when the two
 * vCPUs share one physical core (hyperthread siblings, or a CPU quota on the host). Measured
 * before and after the runs because it changes over time on a shared host.
 */
async function parallelEfficiency(reps = 1200) {
  const run = () => new Promise((resolve, reject) => {
    const w = new Worker(`${LOAD}; load(${reps}).then((ms) => require('node:worker_threads').parentPort.postMessage(ms));`, { eval: true });
    w.once('message', (ms) => { resolve(ms); void w.terminate(); });
    w.once('error', reject);
  });
  const alone = await run();
  const pair = await Promise.all([run(), run()]);
  const worst = Math.max(...pair);
  return { aloneMs: Number(alone.toFixed(1)), pairMs: Number(worst.toFixed(1)), efficiency: Number((alone / worst).toFixed(2)) };
}

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(name);
const value = (name, dflt) => {
  const i = argv.indexOf(name);
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : dflt;
};
const quick = flag('--quick');
const repeat = Math.max(1, Math.floor(Number(value('--repeat', '1'))) || 1);
if (endianness() !== 'LE') throw new Error('bench: the float64 exchange files are little-endian; this machine is big-endian');

/** The issue's sizes (or the quick smoke-test sizes). */
const SIZES = quick
  ? { sequences: 16, steps: 512, burnIn: 64, jacobianStates: 64, lyapunovExponents: 16, maxLag: 256, bootstrapReplicates: 200, memoryComponents: 3 }
  : { sequences: 64, steps: 2048, burnIn: 256, jacobianStates: 256, lyapunovExponents: 16, maxLag: 1024, bootstrapReplicates: 200, memoryComponents: 3 };
const INPUT_SIZE = 256;
const DENSE_HIDDEN = 256;
const GROUPS = 8;
const CURVE_SIZES = [64, 128, 256, 512];
const PHASES = ['trajectories', 'moments', 'correlation', 'memory', 'stepInformation', 'jacobian', 'lyapunov', 'gates', 'channel'];

/** The two cells: the dense GRU(256) and the factorized GRU with g = 8 blocks and at most its parameters. */
function buildCell(name) {
  if (name === 'dense') return randomDenseCell(createRng(SEED), { kind: 'gru', inputSize: INPUT_SIZE, hiddenSize: DENSE_HIDDEN });
  const m = matchedHiddenSize({ kind: 'gru', inputSize: INPUT_SIZE, hiddenSize: DENSE_HIDDEN }, GROUPS, 'params', { inputTiedToHidden: false });
  return randomFactorizedCell(createRng(SEED + 1), { kind: 'gru', inputSize: INPUT_SIZE, hiddenSize: m.hiddenSize, groups: GROUPS });
}

function writeF64(dir, file, arrays) {
  const total = arrays.reduce((s, a) => s + a.length, 0);
  const out = new Float64Array(total);
  let o = 0;
  for (const a of arrays) {
    out.set(a, o);
    o += a.length;
  }
  writeFileSync(join(dir, file), new Uint8Array(out.buffer));
  return total;
}

/** Lyapunov transient of lyapunovSpectrum's default: max(100, floor(steps / 10)). */
const transientOf = (steps) => Math.max(100, Math.floor(steps / 10));

// ------------------------------------------------------------------------------------------
// Child: one cell's lrdkit analysis, in its own process (so peak RSS is that cell's).
// ------------------------------------------------------------------------------------------
if (flag('--child')) {
  const name = value('--child');
  const dir = value('--dir');
  const workers = Number(value('--workers', '2'));
  const cell = buildCell(name);
  const t0 = performance.now();
  let timing = null;
  const a = analyzeCell(cell, { ...SIZES, seed: SEED, input: 'gaussian', workers, onTiming: (t) => { timing = t; } });
  const wall = (performance.now() - t0) / 1000;
  const maxRssMB = process.resourceUsage().maxRSS / 1024;
  const N = SIZES.sequences, T = SIZES.steps;
  // What the reference needs to repeat the same computations.
  const total = N * T;
  const samples = [];
  for (let k = 0; k < SIZES.jacobianStates; k++) samples.push(Math.floor(((k + 0.5) * total) / SIZES.jacobianStates));
  const k = Math.min(SIZES.lyapunovExponents, cell.stateSize);
  // lyapunovSpectrum's start vectors: createRng(seed).fork(2^40 + sequence).normal(), n x k column-major.
  const q0 = createRng(SEED).fork(2 ** 40).normals(cell.stateSize * k);
  writeF64(dir, `q0-${name}.bin`, [q0]);
  const c0 = a.memory.components[0];
  const result = {
    cell: a.cell,
    options: a.options,
    seconds: { ...a.seconds, moments: timing.momentsSeconds },
    timing,
    wallSeconds: wall,
    maxRssMB,
    lyapunov: a.lyapunov ? { k, transient: a.lyapunov.transient, steps: a.lyapunov.steps, perStep: a.lyapunov.lyapunovPerStep } : null,
    jacobian: { samples: [...new Set(samples)].sort((x, y) => x - y), rhoMean: a.jacobian.summary.spectralRadius.mean, normMean: a.jacobian.summary.spectralNorm.mean, rhoMax: a.jacobian.summary.spectralRadius.max },
    correlation: {
      components: a.correlation.norms.components,
      lags: a.correlation.norms.lags,
      norms: a.correlation.norms.norms,
      gridLags: a.correlation.norms.bootstrap ? a.correlation.norms.bootstrap.lags : logLagGrid(SIZES.maxLag),
      nullLags: a.correlation.norms.noiseFloor?.nullLags ?? [],
      floorConstant: a.correlation.norms.noiseFloor?.constant ?? null,
      verdict: a.correlation.verdict,
      leadingEigenvalue: a.correlation.norms.leadingEigenvalue,
    },
    memory: {
      eigenvalues: a.memory.eigenvalues.slice(0, 5),
      components: a.memory.components.map((c) => ({ dfa: c.dfa.hurst, gph: c.gph.hurst, av: c.aggregatedVariance.hurst })),
      dfaScales: c0.details.dfa[0].scales,
      dfaFluctuations0: c0.details.dfa[0].fluctuations,
      avBlockSizes: c0.details.aggregatedVariance[0].blockSizes ?? null,
      gphBandwidth: c0.details.gph[0].bandwidth ?? null,
      gphHurst0: c0.details.gph.map((g) => g.hurst),
    },
    stepInformation: { nats: a.stepInformation.gaussian.mutualInformationNats, plugIn: a.stepInformation.gaussian.plugInNats, pairs: a.stepInformation.pairs, dimension: a.stepInformation.dimension, basis: a.stepInformation.basis ?? null },
    gates: a.gates.families.map((f) => ({ unit: f.unit, gate: f.gate, empiricalMax: f.empiricalMax, empiricalMin: f.empiricalMin, count: f.count })),
    channel: a.channel,
  };
  writeFileSync(join(dir, `lrdkit-${name}.json`), JSON.stringify(result));
  process.exit(0);
}

// ------------------------------------------------------------------------------------------
// Parent
// ------------------------------------------------------------------------------------------
if (flag('--report-only')) {
  // Rewrite bench/ANALYSIS.md from bench/analysis-results.json (e.g. after editing the notes).
  const saved = JSON.parse(readFileSync(join(HERE, 'analysis-results.json'), 'utf8'));
  writeFileSync(join(HERE, 'ANALYSIS.md'), markdown(saved.meta, saved.rows, saved.checks, saved.lrdkit, saved.numpy, saved.targets, Object.keys(saved.lrdkit)));
  process.exit(0);
}
const cellNames = value('--cells', 'dense,factorized').split(',');
const workers = Number(value('--workers', '2'));
const work = mkdtempSync(join(tmpdir(), 'lrdkit-analysis-'));
const log = (s) => process.stderr.write(`${s}\n`);
try {
  // Inputs: exactly the sequences analyzeCell reads (createRng(seed).fork(i), time-major), long
  // enough for the Lyapunov run of sequence 0 (burnIn + transient + steps).
  const N = SIZES.sequences, T = SIZES.steps;
  const L = Math.max(SIZES.burnIn + T, SIZES.burnIn + transientOf(T) + T);
  const proc = inputProcess({ kind: 'gaussian' }, INPUT_SIZE);
  const inputs = new Float64Array(N * L * INPUT_SIZE);
  for (let i = 0; i < N; i++) {
    const seq = proc.sequence(i, L, SEED);
    for (let t = 0; t < L; t++) inputs.set(seq.next(), (i * L + t) * INPUT_SIZE);
  }
  writeF64(work, 'inputs.bin', [inputs]);
  const cellsManifest = {};
  for (const name of cellNames) {
    const cell = buildCell(name);
    const blocks = name === 'dense' ? [cell] : cell.blocks;
    let hOff = 0, dOff = 0;
    cellsManifest[name] = {
      kind: 'gru',
      resetAfter: blocks[0].weights.resetAfter,
      inputSize: cell.inputSize,
      hiddenSize: cell.hiddenSize,
      parameterCount: cell.parameterCount,
      blocks: blocks.map((b, i) => {
        const file = `${name}-block${i}.bin`;
        writeF64(work, file, ['z', 'r', 'n'].flatMap((g) => [b.weights[g].input, b.weights[g].recurrent, b.weights[g].inputBias, b.weights[g].recurrentBias]));
        const entry = { file, inputSize: b.inputSize, hiddenSize: b.hiddenSize, inputOffset: dOff, hiddenOffset: hOff };
        hOff += b.hiddenSize;
        dOff += b.inputSize;
        return entry;
      }),
    };
  }
  // The MI curve: mutualInformationCurve's own draws (weights 'cell', input 256), and its W_h blocks for the reference.
  const t0 = performance.now();
  const curve = mutualInformationCurve({ hiddenSizes: CURVE_SIZES, groups: GROUPS, inputSize: INPUT_SIZE, seed: SEED });
  const curveSeconds = (performance.now() - t0) / 1000;
  const root = createRng(SEED);
  const curveBlocks = [];
  CURVE_SIZES.forEach((h, i) => {
    const m = matchedHiddenSize({ kind: 'gru', inputSize: INPUT_SIZE, hiddenSize: h }, GROUPS, 'params', { inputTiedToHidden: false });
    const dense = candidateRecurrentBlocks(randomDenseCell(root.fork(2 * i), { kind: 'gru', inputSize: INPUT_SIZE, hiddenSize: h }));
    const fact = candidateRecurrentBlocks(randomFactorizedCell(root.fork(2 * i + 1), { kind: 'gru', inputSize: m.inputSize, hiddenSize: m.hiddenSize, groups: GROUPS }));
    for (const [variant, blocks] of [['dense', dense], ['factorized', fact]]) {
      const file = `curve-${variant}-${h}.bin`;
      writeF64(work, file, blocks.map((b) => Float64Array.from(b.flat())));
      curveBlocks.push({ variant, hidden: variant === 'dense' ? h : m.hiddenSize, blockSize: blocks[0].length, blocks: blocks.length, file });
    }
  });
  const manifest = { seed: SEED, sizes: SIZES, inputLength: L, inputSize: INPUT_SIZE, cells: cellsManifest, curve: { groups: GROUPS, blocks: curveBlocks } };
  writeFileSync(join(work, 'manifest.json'), JSON.stringify(manifest));
  const efficiencyBefore = await parallelEfficiency();
  log(`parallel efficiency of the 2 CPUs (1 = two full cores, 0.5 = one core's worth): ${efficiencyBefore.efficiency}`);

  // Each cell: lrdkit (one child process) then the numpy/scipy reference (one python process),
  // back to back so that both see the same machine; `--repeat k` alternates k rounds and keeps
  // the fastest run of each side (the least disturbed by other jobs on a shared host).
  const lrd = {};
  const ref = { cells: {}, curve: null, meta: null };
  const runs = Object.fromEntries(cellNames.map((name) => [name, { lrdkit: [], numpy: [] }]));
  const runNumpy = (what) => {
    log(`numpy reference: ${what} (OPENBLAS_NUM_THREADS=2) ...`);
    const refOut = join(work, `reference-${what}.json`);
    const py = spawnSync(PYTHON, [join(HERE, 'analysis_reference.py'), join(work, 'manifest.json'), refOut, what], {
      env: { ...process.env, OPENBLAS_NUM_THREADS: '2', OMP_NUM_THREADS: '2', MKL_NUM_THREADS: '2' },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    if (py.status !== 0) throw new Error(`bench: the numpy reference failed on ${what} (status ${py.status}${py.error ? `, ${py.error.message}` : ''}); it needs Debian's python3 with numpy and scipy (npm run setup:python)`);
    const out = JSON.parse(readFileSync(refOut, 'utf8'));
    ref.meta = out.meta;
    return out.result;
  };
  for (let round = 0; round < repeat; round++) {
    for (const name of cellNames) {
      log(`lrdkit: ${name} cell (${N} x ${T}, workers ${workers})${repeat > 1 ? `, round ${round + 1} of ${repeat}` : ''} ...`);
      const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', name, '--dir', work, '--workers', String(workers), ...(quick ? ['--quick'] : [])], { stdio: ['ignore', 'inherit', 'inherit'] });
      if (r.status !== 0) throw new Error(`bench: the lrdkit child for ${name} failed (status ${r.status})`);
      const a = JSON.parse(readFileSync(join(work, `lrdkit-${name}.json`), 'utf8'));
      log(`  ${a.wallSeconds.toFixed(1)} s, peak RSS ${a.maxRssMB.toFixed(0)} MB`);
      runs[name].lrdkit.push(Number(a.wallSeconds.toFixed(2)));
      if (!lrd[name] || a.wallSeconds < lrd[name].wallSeconds) lrd[name] = a;
      const b = runNumpy(name);
      log(`  ${b.totalSeconds.toFixed(1)} s, peak RSS ${b.maxRssMB.toFixed(0)} MB`);
      runs[name].numpy.push(Number(b.totalSeconds.toFixed(2)));
      if (!ref.cells[name] || b.totalSeconds < ref.cells[name].totalSeconds) ref.cells[name] = b;
    }
  }
  ref.curve = runNumpy('curve');

  const efficiencyAfter = await parallelEfficiency();
  log(`parallel efficiency after the runs: ${efficiencyAfter.efficiency}`);

  // Agreement checks.
  const checks = [];
  const check = (cell, what, a, b, tol, kind = 'rel') => {
    const err = kind === 'rel' ? Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), 1e-300) : Math.abs(a - b);
    checks.push({ cell, what, lrdkit: a, numpy: b, error: err, tolerance: tol, kind, ok: err <= tol });
  };
  for (const name of cellNames) {
    const a = lrd[name], b = ref.cells[name];
    if (a.lyapunov) a.lyapunov.perStep.slice(0, 3).forEach((v, i) => check(name, `Lyapunov exponent ${i + 1} (nats/step)`, v, b.lyapunov.perStep[i], 1e-8, 'abs'));
    check(name, 'mean rho(J) over the sampled states', a.jacobian.rhoMean, b.jacobian.rhoMean, 1e-9);
    check(name, 'mean ||J||_2 over the sampled states', a.jacobian.normMean, b.jacobian.normMean, 1e-9);
    check(name, 'correlation components r', a.correlation.components, b.correlation.components, 0, 'abs');
    for (const k of [0, 1, 2, 16, 64, 256, SIZES.maxLag]) if (k <= SIZES.maxLag) check(name, `||Cor(${k})||_2 (leading PCs)`, a.correlation.norms[k], b.correlation.norms[k], 1e-7);
    check(name, 'noise-floor constant', a.correlation.floorConstant, b.correlation.floorConstant, 1e-7);
    check(name, 'step information I(h_t; h_t+1) (nats)', a.stepInformation.nats, b.stepInformation.nats, 1e-7);
    check(name, 'covariance eigenvalue 1 (memory PCA)', a.memory.eigenvalues[0], b.memory.eigenvalues[0], 1e-10);
    check(name, 'GPH H, component 1, sequence 1', a.memory.gphHurst0[0], b.memory.gphHurst0[0], 1e-7, 'abs');
    a.memory.dfaFluctuations0.forEach((f, i) => i % 6 === 0 && check(name, `DFA F(s = ${a.memory.dfaScales[i]}), component 1, sequence 1`, f, b.memory.dfaFluctuations0[i], 1e-7));
    const z = a.gates.find((g) => g.gate === 'z');
    check(name, 'gate z empirical max (first unit)', z.empiricalMax, b.gates.zMaxFirstUnit, 1e-12);
    if (a.channel) check(name, 'Gaussian-channel information of U_n (nats)', a.channel.mutualInformationNats, b.channel.nats, 1e-9);
  }
  curve.dense.mutualInformationNats.forEach((v, i) => check('curve', `MI curve dense h = ${CURVE_SIZES[i]}`, v, ref.curve.dense[i], 1e-9));
  curve.factorized.mutualInformationNats.forEach((v, i) => check('curve', `MI curve factorized H = ${curve.factorized.channels[i]}`, v, ref.curve.factorized[i], 1e-9));

  // Table.
  const rows = [];
  for (const name of cellNames) {
    const a = lrd[name], b = ref.cells[name];
    for (const p of PHASES) {
      const ls = a.seconds[p];
      const ns = b.seconds[p];
      if (ls === undefined && ns === undefined) continue;
      // numpy has no separate "moments" phase (its memory and stepInformation form the same products).
      rows.push({ cell: name, phase: p, lrdkit: ls ?? 0, numpy: ns ?? null, ratio: ns > 0 ? (ls ?? 0) / ns : null, helper: a.timing.helperPhases.includes(p) });
    }
    rows.push({ cell: name, phase: 'total (wall)', lrdkit: a.wallSeconds, numpy: b.totalSeconds, ratio: a.wallSeconds / b.totalSeconds, helper: false });
  }
  rows.push({ cell: 'curve', phase: 'MI curve', lrdkit: curveSeconds, numpy: ref.curve.seconds, ratio: curveSeconds / ref.curve.seconds, helper: false });
  const fmt = (x, d = 2) => (x === null || x === undefined ? '-' : x.toFixed(d));
  console.log(`\n${quick ? 'QUICK ' : ''}analysis benchmark: ${N} sequences x ${T} steps, ${SIZES.jacobianStates} Jacobian states, top-${SIZES.lyapunovExponents} Lyapunov, lags to ${SIZES.maxLag}`);
  console.log('cell        phase              lrdkit s   numpy s   lrdkit/numpy');
  for (const r of rows) console.log(`${r.cell.padEnd(11)} ${(r.phase + (r.helper ? (r.phase === 'jacobian' ? ' **' : ' *') : '')).padEnd(18)} ${fmt(r.lrdkit).padStart(8)} ${fmt(r.numpy).padStart(9)}   ${r.ratio === null ? '-' : `${fmt(r.ratio)}x`}`);
  console.log('* on the helper thread, concurrently with the main thread\'s phases; ** shared by both threads (compute seconds of both)');
  for (const name of cellNames) console.log(`${name}: lrdkit peak RSS ${lrd[name].maxRssMB.toFixed(0)} MB; numpy peak RSS ${ref.cells[name].maxRssMB.toFixed(0)} MB`);
  const bad = checks.filter((c) => !c.ok);
  console.log(`parallel efficiency of the 2 CPUs: ${efficiencyBefore.efficiency} before, ${efficiencyAfter.efficiency} after (1 = two cores, 0.5 = one core's worth)`);
  console.log(`agreement: ${checks.length - bad.length}/${checks.length} checks within tolerance`);
  for (const c of bad) console.log(`  DISAGREE ${c.cell} ${c.what}: lrdkit ${c.lrdkit} numpy ${c.numpy} (error ${c.error.toExponential(2)} > ${c.tolerance})`);

  const meta = {
    date: new Date().toISOString(),
    cpu: cpus()[0]?.model ?? 'unknown',
    cpus: cpus().length,
    memoryGB: Number((totalmem() / 2 ** 30).toFixed(1)),
    node: process.version,
    python: ref.meta.python,
    numpy: ref.meta.numpy,
    scipy: ref.meta.scipy,
    blas: ref.meta.blas,
    openblasThreads: ref.meta.threads,
    workers,
    quick,
    repeat,
    runs,
    sizes: SIZES,
    parallelEfficiency: { before: efficiencyBefore, after: efficiencyAfter },
  };
  const targets = Object.fromEntries(
    cellNames.map((name) => [name, { under60s: lrd[name].wallSeconds < 60, withinNumpy: lrd[name].wallSeconds <= ref.cells[name].totalSeconds }]),
  );
  // Only full runs (all cells, the issue's sizes) rewrite the committed results.
  if (!quick && cellNames.length === 2) {
    // Long arrays (all 1025 lag norms, sample indices, ...) are summarised to keep the file small.
    const slim = (_k, v) => (Array.isArray(v) && v.length > 64 ? `${v.length} values (omitted)` : v);
    writeFileSync(join(HERE, 'analysis-results.json'), `${JSON.stringify({ meta, rows, checks, targets, lrdkit: lrd, numpy: ref }, slim, 2)}\n`);
    writeFileSync(join(HERE, 'ANALYSIS.md'), markdown(meta, rows, checks, lrd, ref, targets, cellNames));
  }
  if (bad.length > 0) process.exitCode = 1;
} finally {
  if (!flag('--keep')) rmSync(work, { recursive: true, force: true });
  else log(`kept ${work}`);
}

function markdown(meta, rows, checks, lrd, ref, targets, names) {
  const fmt = (x, d = 2) => (x === null || x === undefined ? '-' : x.toFixed(d));
  const md = [];
  md.push('# Analysis-engine benchmark');
  md.push('');
  md.push('Generated by `npm run bench:analysis` (bench/analysis.js, bench/analysis_reference.py). Hand-written notes: the');
  md.push('"Where the time goes" section of bench/ANALYSIS-NOTES.md is appended below.');
  md.push('');
  md.push('| | |');
  md.push('| --- | --- |');
  md.push(`| date | ${meta.date} |`);
  md.push(`| CPU | ${meta.cpu}, ${meta.cpus} cores, ${meta.memoryGB} GB |`);
  md.push(`| node | ${meta.node} |`);
  md.push(`| python / numpy / scipy | ${meta.python} / ${meta.numpy} / ${meta.scipy} |`);
  md.push(`| BLAS | ${meta.blas}, OPENBLAS_NUM_THREADS=${meta.openblasThreads} |`);
  md.push(`| lrdkit threads | ${meta.workers}${meta.workers > 1 ? ' (main + helper thread)' : ''} |`);
  if (meta.runs) {
    const walls = names.map((n) => `${n}: lrdkit ${meta.runs[n].lrdkit.join(', ')} s; numpy ${meta.runs[n].numpy.join(', ')} s`).join('; ');
    md.push(`| runs | ${meta.repeat ?? 1} round${(meta.repeat ?? 1) > 1 ? 's' : ''}, each cell's lrdkit run followed by its numpy run; the fastest of each side is reported (${walls}) |`);
  }
  md.push(`| parallel efficiency of the 2 CPUs | ${meta.parallelEfficiency.before.efficiency} before, ${meta.parallelEfficiency.after.efficiency} after the runs (1 = two independent cores, 0.5 = the two vCPUs share one core) |`);
  md.push(`| sizes | ${meta.sizes.sequences} sequences x ${meta.sizes.steps} steps (burn-in ${meta.sizes.burnIn}), ${meta.sizes.jacobianStates} Jacobian states, top-${meta.sizes.lyapunovExponents} Lyapunov, lags 0..${meta.sizes.maxLag}, ${meta.sizes.bootstrapReplicates} bootstrap replicates, ${meta.sizes.memoryComponents} memory PCs |`);
  md.push('');
  for (const name of names) {
    const c = lrd[name].cell;
    md.push(`**${name}**: GRU, input ${c.inputSize}, hidden ${c.hiddenSize}, ${c.groups} block${c.groups > 1 ? 's' : ''}, ${c.parameterCount} parameters; lrdkit wall ${fmt(lrd[name].wallSeconds, 1)} s, peak RSS ${fmt(lrd[name].maxRssMB, 0)} MB; numpy ${fmt(ref.cells[name].totalSeconds, 1)} s, peak RSS ${fmt(ref.cells[name].maxRssMB, 0)} MB. Targets: under 60 s ${targets[name].under60s ? 'met' : 'NOT met'}; within 1x of numpy ${targets[name].withinNumpy ? 'met' : 'NOT met'} (ratio ${fmt(lrd[name].wallSeconds / ref.cells[name].totalSeconds)}).`);
    md.push('');
  }
  md.push('| cell | phase | lrdkit (s) | numpy (s) | lrdkit / numpy |');
  md.push('| --- | --- | ---: | ---: | ---: |');
  for (const r of rows) md.push(`| ${r.cell} | ${r.phase}${r.helper ? (r.phase === 'jacobian' ? ' (both threads)' : ' (helper thread)') : ''} | ${fmt(r.lrdkit)} | ${fmt(r.numpy)} | ${r.ratio === null ? '-' : `${fmt(r.ratio)}x`} |`);
  md.push('');
  md.push('The phase marked "helper thread" ran concurrently with memory, stepInformation and lyapunov on the main thread;');
  md.push('"both threads": the Jacobian samples were shared (chunks claimed by whichever thread was free), and the time shown is');
  md.push('the compute seconds of both threads together. So the lrdkit phases add up to more than its wall time; trajectories');
  md.push('and moments are split over both threads (wall time shown). "moments" is the pooled second-moment pass shared by');
  md.push('memory and stepInformation (numpy forms the same products inside its memory and stepInformation phases).');
  md.push('');
  md.push('Agreement (same weights, same inputs, same sampled states and start vectors):');
  md.push('');
  md.push('| cell | quantity | lrdkit | numpy | error | tolerance |');
  md.push('| --- | --- | ---: | ---: | ---: | ---: |');
  for (const c of checks) md.push(`| ${c.cell} | ${c.what} | ${c.lrdkit.toPrecision(10)} | ${c.numpy.toPrecision(10)} | ${c.error.toExponential(1)} (${c.kind}) | ${c.tolerance} ${c.ok ? '' : '**FAIL**'} |`);
  md.push('');
  try {
    md.push(readFileSync(join(HERE, 'ANALYSIS-NOTES.md'), 'utf8'));
  } catch {
    /* no notes */
  }
  return `${md.join('\n')}\n`;
}
