#!/usr/bin/env node
/**
 * lrdkit benchmark suite: lrdkit (single-threaded JavaScript) against numpy / LAPACK
 * (OpenBLAS, forced single-threaded) on exactly the same data, in the same run.
 *
 *     npm run bench            (= npm run build && node bench/run.js)
 *     node bench/run.js --keep (keep the temporary exchange directory, for debugging)
 *
 * Flow: build every input in JS from lrdkit's seeded generator, time lrdkit, write the
 * inputs (and lrdkit's outputs, for the equal-work checks) as raw little-endian float64 files
 * plus a JSON manifest into a temporary directory, run bench/reference.py once in a
 * /usr/bin/python3 subprocess (OPENBLAS_NUM_THREADS=OMP_NUM_THREADS=MKL_NUM_THREADS=1), read
 * its timings back, check the answers agree, then print a table and write bench/results.json
 * and bench/RESULTS.md. See bench/README.md.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, endianness, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import * as lib from '../dist/index.js';
import * as eigMod from '../dist/linalg/eigenvalues.js';
import * as arnoldiMod from '../dist/linalg/arnoldi.js';
import * as randomMod from '../dist/cells/random.js';
import * as prngMod from '../dist/processes/prng.js';
import { balanceInPlace, hessenbergEigenvaluesInPlace, hessenbergInPlace } from '../dist/linalg/internal/hessenbergQR.js';

/** Prefer the public entry point; fall back to the compiled module while index.ts lacks the name. */
function pick(name, mod) {
  const f = lib[name] ?? mod[name];
  if (typeof f !== 'function') throw new Error(`bench: lrdkit export ${name} not found in dist/ (run npm run build)`);
  return f;
}
const spectralRadius = pick('spectralRadius', eigMod);
const dominantEigenvalue = pick('dominantEigenvalue', arnoldiMod);
const randomDenseCell = pick('randomDenseCell', randomMod);
const createRng = pick('createRng', prngMod);

const HERE = dirname(fileURLToPath(import.meta.url));
const PYTHON = '/usr/bin/python3';
const SEED = 20180409;
const RHO_RTOL = 1e-9;
const DOMINANT_RTOL = 1e-9;
const keep = process.argv.includes('--keep');

if (endianness() !== 'LE') throw new Error('bench: the float64 exchange files are little-endian; this machine is big-endian');

// ------------------------------------------------------------------------------------------
// Timing
// ------------------------------------------------------------------------------------------

let sink = 0; // results feed this so that no call can be optimised away

/**
 * Median and min per-call time (ms) of `fn`: `warmup` untimed calls (JIT), then `reps`
 * repetitions; a repetition runs `fn` `inner` times, inner chosen so that it lasts at least
 * `minRepMs` (timer resolution for microsecond calls).
 */
function timeCall(fn, { reps, warmup, minRepMs = 0 }) {
  for (let i = 0; i < warmup; i++) sink += num(fn());
  let t0 = performance.now();
  sink += num(fn());
  const one = performance.now() - t0;
  const inner = one >= minRepMs ? 1 : Math.max(1, Math.ceil(minRepMs / Math.max(one, 1e-6)));
  const samples = [];
  for (let r = 0; r < reps; r++) {
    t0 = performance.now();
    for (let i = 0; i < inner; i++) sink += num(fn());
    samples.push((performance.now() - t0) / inner);
  }
  return { medianMs: median(samples), minMs: Math.min(...samples), reps, inner, samplesMs: samples };
}

function num(v) {
  if (typeof v === 'number') return v;
  if (v && typeof v === 'object') {
    if ('modulus' in v) return v.modulus;
    if ('data' in v) return v.data[0];
    if (Array.isArray(v)) return v[0]?.[0] ?? v[0] ?? 0;
    if (v.length !== undefined) return v[0];
  }
  return 0;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

// ------------------------------------------------------------------------------------------
// Data exchange: raw little-endian float64 files + a JSON manifest
// ------------------------------------------------------------------------------------------

const work = mkdtempSync(join(tmpdir(), 'lrdkit-bench-'));
let fileCount = 0;

/** Writes a Float64Array to the exchange directory; returns its manifest entry. */
function writeArray(data, shape) {
  const expected = shape.reduce((a, b) => a * b, 1);
  if (data.length !== expected) throw new Error(`bench: array of ${data.length} values for shape ${shape}`);
  const file = `a${fileCount++}.f64le.bin`;
  writeFileSync(join(work, file), new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  return { file, shape };
}

// ------------------------------------------------------------------------------------------
// Inputs (all from lrdkit's seeded xoshiro128** generator)
// ------------------------------------------------------------------------------------------

/** n x n matrix, iid N(0, 1/n). */
function gaussianMatrix(rng, n) {
  const data = new Float64Array(n * n);
  const s = 1 / Math.sqrt(n);
  for (let i = 0; i < data.length; i++) data[i] = rng.normal() * s;
  return { rows: n, cols: n, data };
}

/** n x n block-diagonal matrix of g blocks of size b = n/g, each iid N(0, 1/b). */
function blockGaussianMatrix(rng, n, g) {
  const b = n / g;
  const data = new Float64Array(n * n);
  const s = 1 / Math.sqrt(b);
  for (let k = 0; k < g; k++) {
    for (let i = 0; i < b; i++) for (let j = 0; j < b; j++) data[(k * b + i) * n + k * b + j] = rng.normal() * s;
  }
  return { rows: n, cols: n, data };
}

/**
 * A = 0.5 G / sqrt(n) + 2 u u^T with G iid N(0, 1) and u a random unit vector: the bulk of the
 * spectrum lies in the disc of radius ~0.5, one real eigenvalue near 2 (well separated).
 */
function separatedMatrix(rng, n) {
  const a = gaussianMatrix(rng, n);
  for (let i = 0; i < a.data.length; i++) a.data[i] *= 0.5;
  const u = new Float64Array(n);
  let norm = 0;
  for (let i = 0; i < n; i++) { u[i] = rng.normal(); norm += u[i] * u[i]; }
  norm = Math.sqrt(norm);
  for (let i = 0; i < n; i++) u[i] /= norm;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a.data[i * n + j] += 2 * u[i] * u[j];
  return a;
}

function toNested(a) {
  const out = [];
  for (let i = 0; i < a.rows; i++) out.push(Array.from(a.data.subarray(i * a.cols, (i + 1) * a.cols)));
  return out;
}

function relDiff(a, b) {
  return Math.abs(a - b) / Math.abs(b);
}

// ------------------------------------------------------------------------------------------
// lrdkit side
// ------------------------------------------------------------------------------------------

const started = performance.now();
const log = (msg) => process.stderr.write(`${msg}\n`);
const rng = createRng(SEED);
const manifest = { seed: SEED, cases: [] };
const js = {};

log('lrdkit benchmarks (JavaScript, single thread)...');

// 1. Dense 512 x 512 spectral radius.
{
  const a = gaussianMatrix(rng, 512);
  const rho = spectralRadius(a);
  const t = timeCall(() => spectralRadius(a), { reps: 7, warmup: 2 });
  js.dense512 = { rho, t };
  // Phase profile of the same computation (one block of 512: copy, balance, Hessenberg, QR).
  const phase = { copy: [], balance: [], hessenberg: [], qr: [] };
  for (let r = 0; r < 5; r++) {
    let t0 = performance.now();
    const h = Float64Array.from(a.data);
    let t1 = performance.now();
    phase.copy.push(t1 - t0);
    t0 = t1; balanceInPlace(h, 512); t1 = performance.now(); phase.balance.push(t1 - t0);
    t0 = t1; hessenbergInPlace(h, 512); t1 = performance.now(); phase.hessenberg.push(t1 - t0);
    t0 = t1; const s = hessenbergEigenvaluesInPlace(h, 512); t1 = performance.now(); phase.qr.push(t1 - t0);
    sink += s.re[0];
  }
  js.dense512.phases = Object.fromEntries(Object.entries(phase).map(([k, v]) => [k, { medianMs: median(v), minMs: Math.min(...v) }]));
  manifest.cases.push({ id: 'dense512', type: 'eig', reps: 7, warmup: 2, phases: true, phaseReps: 5, arrays: { A: writeArray(a.data, [512, 512]) } });
  log(`  dense 512: ${t.medianMs.toFixed(1)} ms`);
}

// 2. Block-diagonal 512 x 512, g = 8 blocks of 64.
{
  const a = blockGaussianMatrix(rng, 512, 8);
  const rho = spectralRadius(a);
  const t = timeCall(() => spectralRadius(a), { reps: 15, warmup: 5, minRepMs: 20 });
  const nested = toNested(a);
  const tNested = timeCall(() => spectralRadius(nested), { reps: 15, warmup: 5, minRepMs: 20 });
  js.block512 = { rho, t, tNested };
  manifest.cases.push({ id: 'block512', type: 'eig', reps: 7, warmup: 2, blockSize: 64, repsPerBlock: 15, arrays: { A: writeArray(a.data, [512, 512]) } });
  log(`  block-diagonal 512 (g=8): ${t.medianMs.toFixed(2)} ms`);
}

// 3./4. Cells: one step + state Jacobian.
function cellCase(kind, d, h, reps) {
  const cell = randomDenseCell(rng, { kind, inputSize: d, hiddenSize: h });
  const n = cell.stateSize;
  const s = new Float64Array(n);
  for (let i = 0; i < h; i++) s[i] = 2 * rng.uniform() - 1; // h ~ U(-1, 1)
  for (let i = h; i < n; i++) s[i] = rng.normal(); // LSTM c ~ N(0, 1)
  const x = new Float64Array(d);
  for (let i = 0; i < d; i++) x[i] = rng.normal();
  const next = cell.step(s, x);
  const jac = cell.jacobianDense(s, x);
  const opts = { reps, warmup: 200, minRepMs: 20 };
  const tStepJac = timeCall(() => { const y = cell.step(s, x); return y[0] + cell.jacobianDense(s, x).data[0]; }, opts);
  const tStepJacNested = timeCall(() => { const y = cell.step(s, x); return y[0] + cell.jacobian(s, x)[0][0]; }, opts);
  const tStep = timeCall(() => cell.step(s, x), opts);
  const tJac = timeCall(() => cell.jacobianDense(s, x), opts);
  const arrays = { state: writeArray(s, [n]), input: writeArray(x, [d]), lrdkitNext: writeArray(next, [n]), lrdkitJacobian: writeArray(jac.data, [n, n]) };
  const gates = kind === 'gru' ? ['z', 'r', 'n'] : ['i', 'f', 'g', 'o'];
  for (const g of gates) {
    const w = cell.weights[g];
    arrays[`${g}.input`] = writeArray(w.input, [h, d]);
    arrays[`${g}.recurrent`] = writeArray(w.recurrent, [h, h]);
    arrays[`${g}.inputBias`] = writeArray(w.inputBias, [h]);
    arrays[`${g}.recurrentBias`] = writeArray(w.recurrentBias, [h]);
  }
  if (kind === 'gru' && !cell.weights.resetAfter) throw new Error('bench: the GRU reference implements reset_after=True only');
  return { js: { tStepJac, tStepJacNested, tStep, tJac, stateSize: n }, manifest: { type: 'cell', kind, reps, warmup: 50, arrays } };
}
{
  const c = cellCase('gru', 256, 256, 9);
  js.gru256 = c.js;
  manifest.cases.push({ id: 'gru256', ...c.manifest });
  log(`  GRU(256) step + jacobianDense: ${c.js.tStepJac.medianMs.toFixed(3)} ms`);
}
{
  const c = cellCase('lstm', 256, 256, 9);
  js.lstm256 = c.js;
  manifest.cases.push({ id: 'lstm256', ...c.manifest });
  log(`  LSTM(256) step + jacobianDense: ${c.js.tStepJac.medianMs.toFixed(3)} ms`);
}

// 5. 1024 x 1024 with a separated dominant eigenvalue: Arnoldi vs full QR.
{
  const a = separatedMatrix(rng, 1024);
  const dom = dominantEigenvalue(a);
  const tDom = timeCall(() => dominantEigenvalue(a), { reps: 7, warmup: 3, minRepMs: 20 });
  const rho = spectralRadius(a);
  const tFull = timeCall(() => spectralRadius(a), { reps: 5, warmup: 1 });
  js.dominant1024 = { dom, rho, tDom, tFull };
  manifest.cases.push({ id: 'dominant1024', type: 'eig', reps: 5, warmup: 1, arpack: true, repsArpack: 7, arrays: { A: writeArray(a.data, [1024, 1024]) } });
  log(`  1024 dominantEigenvalue: ${tDom.medianMs.toFixed(1)} ms (${dom.cycles} cycle(s)); spectralRadius: ${tFull.medianMs.toFixed(0)} ms`);
}
const jsSeconds = (performance.now() - started) / 1000;

// ------------------------------------------------------------------------------------------
// Reference side (one Python subprocess for all cases)
// ------------------------------------------------------------------------------------------

const manifestPath = join(work, 'manifest.json');
const outputPath = join(work, 'reference.json');
writeFileSync(manifestPath, JSON.stringify(manifest));
log(`numpy reference (${PYTHON}, single-threaded OpenBLAS)...`);
const pyStarted = performance.now();
const py = spawnSync(PYTHON, [join(HERE, 'reference.py'), manifestPath, outputPath], {
  env: { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' },
  stdio: ['ignore', 'inherit', 'inherit'],
  timeout: 10 * 60 * 1000,
});
if (py.error || py.status !== 0) {
  if (!keep) rmSync(work, { recursive: true, force: true });
  const why = py.error ? py.error.message : `exit status ${py.status}${py.signal ? `, signal ${py.signal}` : ''}`;
  throw new Error(
    `bench: the numpy reference failed (${why}). It needs Debian's python3 with numpy and scipy: ` +
      '`npm run setup:python` installs them.',
  );
}
const ref = JSON.parse(readFileSync(outputPath, 'utf8'));
const pySeconds = (performance.now() - pyStarted) / 1000;
if (keep) log(`exchange files kept in ${work}`);
else rmSync(work, { recursive: true, force: true });

// ------------------------------------------------------------------------------------------
// Checks: lrdkit and numpy computed the same thing
// ------------------------------------------------------------------------------------------

const checks = [];
function check(name, value, tol, detail) {
  const ok = value <= tol;
  checks.push({ name, value, tolerance: tol, ok, detail });
}
const rc = ref.cases;
check('dense 512: spectralRadius vs numpy, rel. diff', relDiff(js.dense512.rho, rc.dense512.rho), RHO_RTOL, `lrdkit ${js.dense512.rho}, numpy ${rc.dense512.rho}`);
check('block 512 g=8: spectralRadius vs numpy (full), rel. diff', relDiff(js.block512.rho, rc.block512.rho), RHO_RTOL, `lrdkit ${js.block512.rho}, numpy ${rc.block512.rho}`);
check('block 512 g=8: numpy full vs numpy per-block, rel. diff', relDiff(rc.block512.rhoPerBlock, rc.block512.rho), RHO_RTOL, `per block ${rc.block512.rhoPerBlock}`);
check('1024: spectralRadius vs numpy, rel. diff', relDiff(js.dominant1024.rho, rc.dominant1024.rho), RHO_RTOL, `lrdkit ${js.dominant1024.rho}, numpy ${rc.dominant1024.rho}`);
check('1024: dominantEigenvalue vs numpy rho, rel. diff', relDiff(js.dominant1024.dom.modulus, rc.dominant1024.rho), DOMINANT_RTOL,
  `lrdkit ${js.dominant1024.dom.modulus} (residual ${js.dominant1024.dom.residual.toExponential(2)}, ${js.dominant1024.dom.cycles} cycle(s)), numpy ${rc.dominant1024.rho}`);
check('GRU(256): numpy vs lrdkit next state, rel. diff', rc.gru256.relDiffNext, 1e-12, 'checked in reference.py too');
check('GRU(256): numpy vs lrdkit Jacobian, rel. diff', rc.gru256.relDiffJacobian, 1e-12, 'checked in reference.py too');
check('LSTM(256): numpy vs lrdkit next state, rel. diff', rc.lstm256.relDiffNext, 1e-12, 'checked in reference.py too');
check('LSTM(256): numpy vs lrdkit Jacobian, rel. diff', rc.lstm256.relDiffJacobian, 1e-12, 'checked in reference.py too');

// ------------------------------------------------------------------------------------------
// Results
// ------------------------------------------------------------------------------------------

const results = [];
/**
 * One row: ratio = lrdkit median / reference median. `target` is a bound on the ratio
 * (`ratio <= target`), or null for information-only rows.
 */
function row(name, description, lrdkit, reference, referenceName, target, targetText) {
  const ratio = lrdkit.medianMs / reference.medianMs;
  results.push({
    name,
    description,
    lrdkitMedianMs: lrdkit.medianMs,
    lrdkitMinMs: lrdkit.minMs,
    reference: referenceName,
    referenceMedianMs: reference.medianMs,
    referenceMinMs: reference.minMs,
    ratio,
    minRatio: lrdkit.minMs / reference.minMs,
    target: target === null ? null : { maxRatio: target, text: targetText },
    met: target === null ? null : ratio <= target,
    lrdkitReps: lrdkit.reps,
    referenceReps: reference.reps,
  });
}

row('dense512', 'spectralRadius, 512x512 dense iid N(0,1/n)', js.dense512.t, rc.dense512.eigvals,
  'numpy abs(eigvals(A)).max()', 3, 'dense eigenvalues within 3x of LAPACK');
row('block512g8-vs-lrdkit-dense', 'spectralRadius, 512x512 block-diagonal g=8 (64) vs the same call on the dense 512', js.block512.t, js.dense512.t,
  'lrdkit spectralRadius, dense 512', 1 / 20, 'block-diagonal (g=8) >= 20x faster than dense');
row('block512g8', 'spectralRadius, 512x512 block-diagonal g=8 (blocks detected)', js.block512.t, rc.block512.eigvals,
  'numpy eigvals on the full 512x512', null);
row('block512g8-per-block', 'spectralRadius, block-diagonal g=8 vs numpy per block', js.block512.t, rc.block512.eigvalsPerBlock,
  'numpy eigvals on each 64x64 block (pre-sliced)', null);
row('block512g8-nested', 'spectralRadius, block-diagonal g=8, number[][] input (includes fromRows copy)', js.block512.tNested, rc.block512.eigvals,
  'numpy eigvals on the full 512x512', null);
row('gru256-step+jacobianDense', 'GRU(256,256) cell.step + cell.jacobianDense', js.gru256.tStepJac, rc.gru256.stepJacobian,
  'numpy vectorized step + Jacobian', null);
row('gru256-step+jacobian', 'GRU(256,256) cell.step + cell.jacobian (nested arrays)', js.gru256.tStepJacNested, rc.gru256.stepJacobian,
  'numpy vectorized step + Jacobian', null);
row('lstm256-step+jacobianDense', 'LSTM(256,256) (state 512) cell.step + cell.jacobianDense', js.lstm256.tStepJac, rc.lstm256.stepJacobian,
  'numpy vectorized step + Jacobian', null);
row('dominant1024', 'dominantEigenvalue (Arnoldi), 1024x1024, well-separated dominant eigenvalue', js.dominant1024.tDom, rc.dominant1024.eigvals,
  'numpy eigvals on the full 1024x1024', null);
row('dominant1024-vs-lrdkit-full', 'dominantEigenvalue vs spectralRadius, 1024x1024', js.dominant1024.tDom, js.dominant1024.tFull,
  'lrdkit spectralRadius 1024', null);
if (rc.dominant1024.arpack) {
  row('dominant1024-vs-arpack', 'dominantEigenvalue vs ARPACK, 1024x1024', js.dominant1024.tDom, rc.dominant1024.arpack,
    'scipy.sparse.linalg.eigs(k=1, ncv=40)', null);
}
row('dense1024', 'spectralRadius, 1024x1024 (0.5 Ginibre + rank one)', js.dominant1024.tFull, rc.dominant1024.eigvals,
  'numpy abs(eigvals(A)).max()', null);

// Phase profile of the dense 512 case.
const lp = rc.dense512.phases;
const jp = js.dense512.phases;
const profile = {
  lrdkit: jp,
  lapack: lp ? { balance: lp.balance, hessenberg: lp.hessenberg, qrByDifference: lp.qrByDifference, dgeev: lp.dgeev } : null,
};

// ------------------------------------------------------------------------------------------
// Output
// ------------------------------------------------------------------------------------------

const f = (ms) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms >= 1 ? ms.toFixed(2) : ms.toFixed(3));
const fr = (r) => (r >= 10 ? r.toFixed(1) : r >= 0.1 ? r.toFixed(2) : r.toFixed(4));
const cpuModel = (() => {
  try {
    const m = readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.*)$/m);
    return m ? m[1].trim() : cpus()[0]?.model ?? 'unknown';
  } catch {
    return cpus()[0]?.model ?? 'unknown';
  }
})();
const meta = {
  date: new Date().toISOString(),
  node: process.version,
  v8: process.versions.v8,
  python: ref.meta.python,
  numpy: ref.meta.numpy,
  scipy: ref.meta.scipy,
  openblas: ref.meta.openblas?.config ?? null,
  openblasThreads: ref.meta.openblas?.threads ?? null,
  threadsEnv: ref.meta.threadsEnv,
  cpu: cpuModel,
  logicalCpus: cpus().length,
  platform: `${process.platform} ${process.arch}`,
  seed: SEED,
  seconds: { lrdkit: jsSeconds, reference: pySeconds, total: (performance.now() - started) / 1000 },
};

const header = ['benchmark', 'lrdkit ms (median / min)', 'reference', 'ref ms (median / min)', 'ratio', 'target', 'met'];
const lines = results.map((r) => [
  r.name,
  `${f(r.lrdkitMedianMs)} / ${f(r.lrdkitMinMs)}`,
  r.reference,
  `${f(r.referenceMedianMs)} / ${f(r.referenceMinMs)}`,
  fr(r.ratio),
  r.target ? `<= ${fr(r.target.maxRatio)} (${r.target.text})` : 'info',
  r.met === null ? '' : r.met ? 'yes' : 'NO',
]);
const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
const pad = (cells) => cells.map((c, i) => c.padEnd(widths[i])).join('  ');
console.log('');
console.log(`lrdkit benchmarks: ${meta.date}, node ${meta.node}, numpy ${meta.numpy}, ${meta.cpu} (${meta.logicalCpus} logical CPUs)`);
console.log('ratio = lrdkit median / reference median (lower is better for lrdkit).');
console.log('numpy runs single-threaded LAPACK/OpenBLAS (OPENBLAS_NUM_THREADS=OMP_NUM_THREADS=MKL_NUM_THREADS=1),');
console.log(`to compare fairly with single-threaded JavaScript${meta.openblas ? ` (${meta.openblas}, ${meta.openblasThreads} thread(s))` : ''}.`);
console.log('');
console.log(pad(header));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const l of lines) console.log(pad(l));
console.log('');
const speedup = js.dense512.t.medianMs / js.block512.t.medianMs;
console.log(`block-diagonal g=8 vs dense (lrdkit): ${speedup.toFixed(1)}x faster; numpy per-block eigvals ${f(rc.block512.eigvalsPerBlock.medianMs)} ms ` +
  `(slicing inside the loop ${f(rc.block512.eigvalsPerBlockSliced.medianMs)} ms), numpy full 512 ${f(rc.block512.eigvals.medianMs)} ms.`);
console.log(`cells: GRU step alone ${f(js.gru256.tStep.medianMs)} ms, jacobianDense alone ${f(js.gru256.tJac.medianMs)} ms (it recomputes the forward pass); ` +
  `LSTM step ${f(js.lstm256.tStep.medianMs)} ms, jacobianDense ${f(js.lstm256.tJac.medianMs)} ms, step + jacobian (nested) ${f(js.lstm256.tStepJacNested.medianMs)} ms.`);
console.log('');
console.log('dense 512 phase profile (ms, median):');
const phaseRows = [
  ['balance', jp.balance.medianMs, lp?.balance.medianMs],
  ['Hessenberg', jp.hessenberg.medianMs, lp?.hessenberg.medianMs],
  ['QR (eigenvalues only)', jp.qr.medianMs, lp?.qrByDifference.medianMs],
  ['total', jp.copy.medianMs + jp.balance.medianMs + jp.hessenberg.medianMs + jp.qr.medianMs, lp?.dgeev.medianMs],
];
for (const [name, a, b] of phaseRows) {
  console.log(`  ${name.padEnd(22)} lrdkit ${f(a).padStart(7)}   LAPACK ${b === undefined ? '   n/a' : f(b).padStart(7)}   ${b ? `ratio ${fr(a / b)}` : ''}`);
}
console.log('  (LAPACK: scipy.linalg.lapack dgebal, dgehrd; QR = dgeev(no vectors) - dgebal - dgehrd, i.e. dhseqr plus overhead)');
console.log('');
console.log('checks:');
for (const c of checks) console.log(`  ${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.value.toExponential(2)} (tolerance ${c.tolerance.toExponential(0)}) ${c.detail}`);
console.log('');
console.log(`time: lrdkit ${jsSeconds.toFixed(1)} s, numpy ${pySeconds.toFixed(1)} s, total ${meta.seconds.total.toFixed(1)} s`);

writeFileSync(join(HERE, 'results.json'), `${JSON.stringify({ meta, results, checks, profile, sink: Number.isFinite(sink) }, null, 2)}\n`);

const md = [];
md.push('# lrdkit benchmark results');
md.push('');
md.push('Generated by `npm run bench` (bench/run.js); machine-readable copy in `bench/results.json`. Overwritten on every run.');
md.push('');
md.push('| | |');
md.push('| --- | --- |');
md.push(`| date | ${meta.date} |`);
md.push(`| CPU | ${meta.cpu} (${meta.logicalCpus} logical CPUs) |`);
md.push(`| node | ${meta.node} (V8 ${meta.v8}) |`);
md.push(`| python / numpy / scipy | ${meta.python} / ${meta.numpy} / ${meta.scipy ?? 'n/a'} |`);
md.push(`| BLAS/LAPACK | ${meta.openblas ?? 'unknown'}, ${meta.openblasThreads ?? '?'} thread(s) |`);
md.push(`| run time | ${meta.seconds.total.toFixed(0)} s |`);
md.push('');
md.push('numpy runs single-threaded LAPACK/OpenBLAS (`OPENBLAS_NUM_THREADS=1`, `OMP_NUM_THREADS=1`, `MKL_NUM_THREADS=1`) ' +
  'so that it compares fairly with single-threaded JavaScript. ratio = lrdkit median time / reference median time (lower is better for lrdkit); ' +
  'both sides run on the same data, in the same run.');
md.push('');
md.push('## Targets');
md.push('');
md.push('| target | measured | met |');
md.push('| --- | --- | --- |');
for (const r of results.filter((x) => x.target)) {
  const measured = r.name === 'block512g8-vs-lrdkit-dense' ? `${(1 / r.ratio).toFixed(1)}x faster (ratio ${fr(r.ratio)})` : `ratio ${fr(r.ratio)}`;
  md.push(`| ${r.target.text} | ${measured} | ${r.met ? 'yes' : '**no**'} |`);
}
md.push('');
md.push('## All benchmarks');
md.push('');
md.push('| benchmark | what | lrdkit ms (median / min) | reference | reference ms (median / min) | ratio |');
md.push('| --- | --- | --- | --- | --- | --- |');
for (const r of results) {
  md.push(`| ${r.name} | ${r.description.replaceAll('|', '\\|')} | ${f(r.lrdkitMedianMs)} / ${f(r.lrdkitMinMs)} | ${r.reference} | ${f(r.referenceMedianMs)} / ${f(r.referenceMinMs)} | ${fr(r.ratio)} |`);
}
md.push('');
md.push(`Extra: numpy per-block eigvals with slicing inside the loop ${f(rc.block512.eigvalsPerBlockSliced.medianMs)} ms; ` +
  `GRU step alone ${f(js.gru256.tStep.medianMs)} ms, jacobianDense alone ${f(js.gru256.tJac.medianMs)} ms (recomputes the forward pass); ` +
  `LSTM step ${f(js.lstm256.tStep.medianMs)} ms, jacobianDense ${f(js.lstm256.tJac.medianMs)} ms.`);
md.push('');
md.push('## Dense 512 phase profile');
md.push('');
md.push('| phase | lrdkit ms | LAPACK ms | ratio |');
md.push('| --- | --- | --- | --- |');
for (const [name, a, b] of phaseRows) md.push(`| ${name} | ${f(a)} | ${b === undefined ? 'n/a' : f(b)} | ${b ? fr(a / b) : ''} |`);
md.push('');
md.push('LAPACK phases: `scipy.linalg.lapack.dgebal`, `dgehrd`; QR = `dgeev` (no eigenvectors) minus the two, i.e. `dhseqr` plus overhead. ' +
  'lrdkit phases: `balanceInPlace`, `hessenbergInPlace`, `hessenbergEigenvaluesInPlace` (src/linalg/internal/hessenbergQR.ts); the total includes the block copy.');
md.push('');
md.push('## Checks');
md.push('');
for (const c of checks) md.push(`- ${c.ok ? 'ok' : '**FAIL**'}: ${c.name} = ${c.value.toExponential(2)} (tolerance ${c.tolerance.toExponential(0)}); ${c.detail}`);
md.push('');
writeFileSync(join(HERE, 'RESULTS.md'), md.join('\n'));

const failed = checks.filter((c) => !c.ok);
if (failed.length > 0) {
  console.error(`bench: ${failed.length} check(s) FAILED: lrdkit and numpy disagree (see above)`);
  process.exitCode = 1;
}
