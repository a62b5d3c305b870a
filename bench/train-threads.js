#!/usr/bin/env node
/**
 * Data-parallel training on 2 threads against 1, in the same process and the same run
 * (issue 15: "use both cores where it pays"): the copy-task training step (2 recurrent layers,
 * R = 32, T = 198, batch 32, clipped RMSProp) of the dense GRU(64) and of the factorized g = 4
 * GRU at equal parameters (width 100), one thread (SequenceModel + the fused optimizer on the
 * main thread: `lrdkit train`'s default) against `--threads 2` (DataParallelTrainer: 2 worker
 * threads of 16 sequences each, gradients averaged and RMSProp applied on the main thread).
 *
 * Rounds alternate the two (ABBA: the order flips every round) after one untimed step each, so
 * that a change of the machine's load hits both alike; each timed block is `--steps` steps on
 * fresh copy batches. Reported per block: sequences per second of wall clock (what a second
 * core can buy), sequences per CPU second of the process (all its threads: the price of the
 * split), the 1-minute load average when the block started and the cores the other processes kept
 * busy during it (/proc/stat; under Linux autogroup scheduling a second thread gains only from an
 * idle core, not from a larger share of a busy machine). Medians over the rounds.
 *
 * And, since a shared machine rarely has a core idle, a projection that load does not move much:
 * the block's critical path in CPU seconds per thread (/proc/self/task/TID/stat), the busiest
 * 2 threads of the 2-thread engine side by side and every other thread (the main thread's
 * gradient mean and RMSProp, V8's helpers) in series, against the whole CPU time of the 1-thread
 * block: the speedup 2 idle cores would give if memory bandwidth and caches did not differ
 * (an estimate, labelled as such; the kernel counts thread time in 10 ms ticks, hence 8 steps
 * per block by default: about 1 s of CPU per worker).
 *
 *     npm run build && nice -n 5 node bench/train-threads.js [--rounds 5] [--steps 8] [--kernels wasm|native] [--write]
 *
 * --write stores the rounds in bench/train-threads-results.json (with --kernels native:
 * bench/train-threads-results-native.json). --kernels native times both engines on the optional
 * native kernels (`npm run native`; every worker thread loads them too).
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '5' }, steps: { type: 'string', default: '8' }, write: { type: 'boolean', default: false }, only: { type: 'string' }, kernels: { type: 'string', default: 'wasm' } } });
const kernels = values.kernels;
const rounds = Number(values.rounds), steps = Number(values.steps);

const { selectBackend } = await import('../dist/train/backend.js');
const selection = await selectBackend({ requested: 'wasm' });
const installed = (await import('../dist/train/internal/nativeKernels.js')).useTrainingKernels(kernels);
const { SequenceModel } = await import('../dist/train/model.js');
const { initialModelWeights, modelParameterCount } = await import('../dist/train/modelConfig.js');
const { createOptimizer, trainStep } = await import('../dist/train/trainer.js');
const { DataParallelTrainer } = await import('../dist/train/dataParallel.js');
const { matchedModelWidth } = await import('../dist/train/sizes.js');
const { sampleCopyBatch } = await import('../dist/train/copyTask.js');
const { copyModelConfig } = await import('../dist/train/trainingConfig.js');
const { createRng } = await import('../dist/processes/prng.js');

const R = 32, B = 32;
const dense = copyModelConfig({ kind: 'gru', variant: 'dense', groups: 1, hiddenSize: 64 });
const g4 = copyModelConfig({ kind: 'gru', variant: 'factorized', groups: 4, hiddenSize: matchedModelWidth(dense, 'factorized', 4, 'params').hiddenSize });
const configs = [['gru64-R32-b32-dense', dense], [`gru64-R32-b32-g4 (width ${g4.hiddenSize})`, g4]].filter(([name]) => !values.only || name.includes(values.only));

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Machine-wide busy CPU seconds so far (all processes; /proc/stat, Linux), or NaN elsewhere. */
function machineBusySeconds() {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const [user, nice, system, idle, iowait, irq, softirq, steal] = cpu;
    return (user + nice + system + irq + softirq + steal) / 100; // USER_HZ = 100 on Linux
  } catch {
    return Number.NaN;
  }
}

/** CPU seconds of each thread of this process (/proc/self/task/TID/stat utime + stime), or an empty map elsewhere. */
function threadCpuSeconds() {
  const out = new Map();
  try {
    for (const tid of readdirSync('/proc/self/task')) {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(tid, (Number(fields[11]) + Number(fields[12])) / 100); // utime, stime (fields 14, 15), USER_HZ = 100
    }
  } catch {
    // not Linux: no projection
  }
  return out;
}

/**
 * The block's critical path in CPU seconds, as if every thread had a core of its own: the
 * `workers` busiest threads run side by side (the longest counts), everything else (the main
 * thread's optimizer and posting, the engine's helper threads) in series with them.
 */
function criticalPathSeconds(before, after, workers) {
  const deltas = [...after].map(([tid, s]) => s - (before.get(tid) ?? 0)).sort((a, b) => b - a);
  if (workers <= 1) return deltas.reduce((a, b) => a + b, 0);
  const parallel = deltas.slice(0, workers), serial = deltas.slice(workers);
  return Math.max(...parallel) + serial.reduce((a, b) => a + b, 0);
}

/** Times `steps` steps of `step` (an async function of a batch); returns wall and CPU seconds and the load average. */
async function block(step, rng, workers) {
  const batches = Array.from({ length: steps }, () => sampleCopyBatch(rng, B, R));
  const load = loadavg()[0];
  const busy0 = machineBusySeconds(), threads0 = threadCpuSeconds(), c0 = process.cpuUsage(), t0 = performance.now();
  for (const batch of batches) await step(batch);
  const wall = (performance.now() - t0) / 1000, c = process.cpuUsage(c0);
  const critical = criticalPathSeconds(threads0, threadCpuSeconds(), workers);
  const cpu = (c.user + c.system) / 1e6;
  // Cores the other processes kept busy meanwhile (a second thread can only use an idle core).
  const otherCores = Math.max(0, (machineBusySeconds() - busy0 - cpu) / wall);
  return { wallSeconds: wall, cpuSeconds: cpu, load, otherCores, criticalPathSeconds: critical, perWall: (steps * B) / wall, perCpu: (steps * B) / cpu, perCriticalPath: (steps * B) / critical };
}

const results = [];
for (const [name, config] of configs) {
  const weights = initialModelWeights(config, createRng(1).fork(1));
  const model = new SequenceModel(config, weights);
  const optimizer = createOptimizer(0.01);
  const one = async (batch) => trainStep(model, optimizer, batch, 1);
  const engine = await DataParallelTrainer.start({ config, backend: 'wasm', threads: 2, weights, slots: null, learningRate: 0.01, kernels });
  const two = (batch) => engine.step(batch, 1);
  const rng = createRng(2).fork(2);
  await one(sampleCopyBatch(rng, B, R));
  await two(sampleCopyBatch(rng, B, R));
  const rows = { 1: [], 2: [] };
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? [1, 2] : [2, 1];
    for (const threads of order) rows[threads].push(await block(threads === 1 ? one : two, rng, threads));
    const a = rows[1][r], b = rows[2][r];
    console.error(`${name} round ${r + 1}: projected ${(b.perCriticalPath / a.perCriticalPath).toFixed(2)}x; 1 thread ${a.perWall.toFixed(1)} seq/s wall (${a.perCpu.toFixed(0)} per CPU s, load ${a.load.toFixed(2)}, others ${a.otherCores.toFixed(2)} cores); 2 threads ${b.perWall.toFixed(1)} seq/s wall (${b.perCpu.toFixed(0)} per CPU s, load ${b.load.toFixed(2)}, others ${b.otherCores.toFixed(2)} cores): ${(b.perWall / a.perWall).toFixed(2)}x wall`);
  }
  await engine.dispose();
  optimizer.dispose();
  model.dispose();
  const summary = (xs) => ({ perWall: median(xs.map((x) => x.perWall)), perCpu: median(xs.map((x) => x.perCpu)), minWall: Math.min(...xs.map((x) => x.perWall)), maxWall: Math.max(...xs.map((x) => x.perWall)) });
  const s1 = summary(rows[1]), s2 = summary(rows[2]);
  const ratios = rows[1].map((a, i) => rows[2][i].perWall / a.perWall);
  const projected = rows[1].map((a, i) => rows[2][i].perCriticalPath / a.perCriticalPath);
  results.push({ name, parameters: modelParameterCount(config), hiddenSize: config.hiddenSize, one: s1, two: s2, wallRatioMedian: median(ratios), wallRatios: ratios, projectedRatioMedian: median(projected), projectedRatios: projected, rounds: rows });
}

const blocks = results.flatMap((r) => [...r.rounds[1], ...r.rounds[2]]);
const loads = blocks.map((x) => x.load), others = blocks.map((x) => x.otherCores);
console.log(`| | |\n| --- | --- |\n| date | ${new Date().toISOString()} |\n| CPU | ${cpus()[0]?.model ?? 'unknown'}, ${cpus().length} cores |\n| backend | ${selection.summary}; kernels ${kernels}${installed.isa ? ` (${installed.isa})` : ''} |\n| timing | ${rounds} rounds (ABBA) x ${steps} steps of batch ${B} at R = ${R} after 1 warm-up step each, medians |\n| load average (1 min) at the blocks | ${Math.min(...loads).toFixed(2)} to ${Math.max(...loads).toFixed(2)} |\n| cores busy with other processes during the blocks (/proc/stat) | ${Math.min(...others).toFixed(2)} to ${Math.max(...others).toFixed(2)} (median ${median(others).toFixed(2)}) |\n`);
console.log('| config | 1 thread seq/s wall (range) | 2 threads seq/s wall (range) | 2 / 1 wall (median of rounds) | 1 thread seq per CPU s | 2 threads seq per CPU s | 2 / 1 projected on 2 idle cores (critical path) |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const r of results) {
  console.log(`| ${r.name} | ${r.one.perWall.toFixed(1)} (${r.one.minWall.toFixed(0)}-${r.one.maxWall.toFixed(0)}) | ${r.two.perWall.toFixed(1)} (${r.two.minWall.toFixed(0)}-${r.two.maxWall.toFixed(0)}) | ${r.wallRatioMedian.toFixed(2)}x | ${r.one.perCpu.toFixed(0)} | ${r.two.perCpu.toFixed(0)} | ${r.projectedRatioMedian.toFixed(2)}x (${Math.min(...r.projectedRatios).toFixed(2)}-${Math.max(...r.projectedRatios).toFixed(2)}) |`);
}
if (values.write) writeFileSync(new URL(kernels === 'native' ? './train-threads-results-native.json' : './train-threads-results.json', import.meta.url), `${JSON.stringify({ date: new Date().toISOString(), kernels, kernelIsa: installed.isa, rounds, steps, batch: B, repeats: R, results }, null, 1)}\n`);
