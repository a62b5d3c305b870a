/**
 * The reproduction of the paper's copy-task experiment (section 3.1, Figures 1-3): dense versus
 * g-block factorized networks at equal parameters ("big") and at equal width ("small"), for
 * several repeat counts; the claim under test is that the factorized network's loss is below
 * the dense one's at equal parameters, by a gap that grows with the number of repeats.
 *
 * A plan lists the runs; each run is an ordinary `lrdkit train` run directory (run.json,
 * log.jsonl, checkpoint/), trained in child processes (`jobs` at a time) when the compiled CLI
 * is available, else in this process one after the other. Finished runs are reused and
 * unfinished ones resumed, so an interrupted reproduction continues where it stopped. The
 * results are read back from the run directories: per run the final loss (the mean batch loss
 * over the last 10 % of the steps, with its standard error over those steps), per repeat count
 * the gaps dense - big and dense - small, and a verdict.
 *
 * @module
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { LRDKIT_SHARD } from '../checkpoints/lrdkitFormat.js';
import { writeAtomic } from '../internal/writeAtomic.js';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CellKind } from '../cells/types.js';
import { type TrainingCurve, trainingLossSpec } from '../report/figures/trainingLoss.js';
import { copySequenceLength, copyTaskReferenceLosses, sampleCopyBatch } from './copyTask.js';
import { modelFlopsPerStep, modelParameterCount } from './modelConfig.js';
import { type LogEntry, RUN_FILE, findCheckpoint, readLog, readRunMetadata } from './runDirectory.js';
import { matchedModelWidth } from './sizes.js';
import { type CopyTrainingOptions, type TrainingKernels, copyModelConfig } from './trainingConfig.js';

/** The three networks of a comparison. */
export type ComparisonSize = 'dense' | 'big' | 'small';

/** The reproduction plans' names. */
export type ReproductionPlanName = 'quick' | 'standard' | 'long' | 'full';

/** A reproduction plan. */
export interface ReproductionPlan {
  readonly name: ReproductionPlanName;
  readonly cells: readonly CellKind[];
  /** Blocks of the factorized networks (the paper's Figures 2-3: 4). */
  readonly groups: number;
  /** Width of the dense network (and of the "small" factorized one). */
  readonly denseHiddenSize: number;
  readonly repeats: readonly number[];
  readonly steps: number;
  readonly batchSize: number;
  /** RMSProp learning rate of every cell without its own in {@link ReproductionPlan.learningRates}. */
  readonly learningRate: number;
  /**
   * Per-cell learning rates that replace `learningRate` (chosen on pilot runs: see the plan's
   * description); the runs of such a cell carry `-lr<rate>` in their names, so that a run
   * trained at another rate is never taken for one of them.
   */
  readonly learningRates?: Readonly<Partial<Record<CellKind, number>>>;
  readonly clipNorm: number;
  readonly layers: number;
  /** The first seed (the only one unless `seeds` lists more). */
  readonly seed: number;
  /** Seeds, one run per seed of every network (default [seed]); with more than one, run names end in -s<seed>. */
  readonly seeds?: readonly number[];
  /** Networks compared per repeat count (default dense, big, small). */
  readonly sizes?: readonly ComparisonSize[];
  /** What the plan is for and what it costs. */
  readonly description: string;
}

/** The standard plan (also the base of the long one). */
const STANDARD_PLAN: ReproductionPlan = {
  name: 'standard',
  cells: ['gru', 'lstm'],
  groups: 4,
  denseHiddenSize: 64,
  repeats: [4, 8, 16, 32],
  steps: 3000,
  batchSize: 32,
  learningRate: 0.01,
  // LSTM at 0.01 stayed on the ln 256 plateau at R >= 16 (R = 16: until step 2400 of 3000;
  // R = 32: all 3000), and at 0.001 and 0.003 (1500-step pilots); at 0.03 both the dense and the
  // factorized LSTM leave it by step 700 at R = 16 on a seed outside the plan (seed 100).
  // reports/copy-task/standard/NOTES.md has the pilot curves.
  learningRates: { lstm: 0.03 },
  clipNorm: 1,
  layers: 2,
  seed: 1,
  seeds: [1, 2, 3],
  sizes: ['dense', 'big'],
  description: 'GRU and LSTM, g = 4, dense width 64 vs factorized at equal parameters (width 100 GRU, 104 LSTM), repeats 4, 8, 16, 32, seeds 1, 2 and 3, 3000 steps of 32 sequences, learning rate 0.01 (GRU) and 0.03 (LSTM, from pilot runs): the grid of Figures 1-3 at reduced width and length (about 1 h 40 min with 2 jobs on 2 idle CPU cores)',
};

/**
 * The plans. `quick` (GRU, repeats 4, 8, 16, 1200 steps, dense width 64: about 500 CPU-seconds)
 * takes about 5 minutes with 2 jobs on 2 idle cores (wasm backend) and about 10 on a machine
 * shared with as much other work; `standard` (GRU and LSTM, repeats 4, 8, 16, 32, dense vs big,
 * 3 seeds, 3000 steps, dense width 64) is the paper's grid at a width and length that 2 CPU
 * cores finish in under 2 hours with the whole-sequence kernels (bench/TRAIN-NOTES.md: how the
 * width and the steps were chosen from pilot runs); `long` trains the standard plan's R = 32
 * runs 4 times longer (2 seeds); `full` (GRU and LSTM, repeats 4, 8, 16, 32,
 * 20 000 steps, dense width 128) takes days on a CPU and is meant for a GPU machine.
 * `lrdkit reproduce copy-task --plan` prints any plan's runs with a time estimate.
 */
export const REPRODUCTION_PLANS: Readonly<Record<ReproductionPlanName, ReproductionPlan>> = {
  quick: {
    name: 'quick',
    cells: ['gru'],
    groups: 4,
    denseHiddenSize: 64,
    repeats: [4, 8, 16],
    steps: 1200,
    batchSize: 32,
    learningRate: 0.01,
    clipNorm: 1,
    layers: 2,
    seed: 1,
    description: 'GRU, g = 4, dense width 64, repeats 4, 8, 16, 1200 steps of 32 sequences: a reduced-scale check of the direction of Figures 1 and 3 (about 5 minutes on 2 idle CPU cores)',
  },
  standard: STANDARD_PLAN,
  long: {
    ...STANDARD_PLAN,
    name: 'long',
    repeats: [32],
    steps: 4 * STANDARD_PLAN.steps,
    seeds: [1, 2],
    description: 'GRU and LSTM at R = 32 only, the standard plan\'s networks and learning rates trained 4 times longer (12 000 steps of 32 sequences), seeds 1 and 2: whether the standard plan\'s comparison at its longest repeat count changes with training (about 40 min with --kernels native and 2 jobs on 2 idle CPU cores, about 2 h 30 min with the default kernels)',
  },
  full: {
    name: 'full',
    cells: ['gru', 'lstm'],
    groups: 4,
    denseHiddenSize: 128,
    repeats: [4, 8, 16, 32],
    steps: 20000,
    batchSize: 32,
    learningRate: 0.01,
    clipNorm: 1,
    layers: 2,
    seed: 1,
    description: 'GRU and LSTM, g = 4, dense width 128, repeats 4, 8, 16, 32, 20 000 steps of 32 sequences: the scale of Figures 1-3 (a GPU machine or days of CPU)',
  },
};

/** One run of a plan. */
export interface PlannedRun {
  /** The run directory's name (under the runs folder). */
  readonly name: string;
  readonly cell: CellKind;
  readonly size: ComparisonSize;
  readonly repeats: number;
  readonly seed: number;
  /** `lrdkit train` options (out excluded). */
  readonly options: Omit<CopyTrainingOptions, 'out' | 'backend'>;
}

/** Seconds as "1 h 05 min", "12 min" or "40 s". */
export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const minutes = Math.round(seconds / 60);
  return minutes < 60 ? `${minutes} min` : `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** A plan's seeds (default: its one seed). */
export function planSeeds(plan: ReproductionPlan): readonly number[] {
  return plan.seeds ?? [plan.seed];
}

/** The learning rate of a plan's `cell` runs. */
export function planLearningRate(plan: ReproductionPlan, cell: CellKind): number {
  return plan.learningRates?.[cell] ?? plan.learningRate;
}

/** The plan's learning rates in words: "0.01" or "0.01 (GRU), 0.03 (LSTM)". */
export function describeLearningRates(plan: ReproductionPlan): string {
  if (!plan.learningRates || plan.cells.every((c) => planLearningRate(plan, c) === plan.learningRate)) return String(plan.learningRate);
  return plan.cells.map((c) => `${planLearningRate(plan, c)} (${c.toUpperCase()})`).join(', ');
}

/** A plan's compared networks (default: dense, big, small). */
export function planSizes(plan: ReproductionPlan): readonly ComparisonSize[] {
  return plan.sizes ?? ['dense', 'big', 'small'];
}

/**
 * The runs of a plan, in the order they are started: longest sequences first (to balance the
 * jobs), then seed by seed, so that a plan stopped part way has whole seeds of the long runs.
 */
export function plannedRuns(plan: ReproductionPlan): PlannedRun[] {
  const runs: PlannedRun[] = [];
  const repeatsDesc = [...plan.repeats].sort((a, b) => b - a);
  const seeds = planSeeds(plan), sizes = planSizes(plan);
  for (const repeats of repeatsDesc) {
    for (const seed of seeds) {
      const suffix = seeds.length > 1 ? `-s${seed}` : '';
      for (const cell of plan.cells) {
        const learningRate = planLearningRate(plan, cell);
        const lr = plan.learningRates?.[cell] !== undefined ? `-lr${learningRate}` : '';
        const dense = copyModelConfig({ kind: cell, variant: 'dense', groups: 1, hiddenSize: plan.denseHiddenSize, layers: plan.layers });
        const big = matchedModelWidth(dense, 'factorized', plan.groups, 'params');
        const common = { kind: cell, layers: plan.layers, repeats, steps: plan.steps, batchSize: plan.batchSize, learningRate, clipNorm: plan.clipNorm, seed, checkpointEvery: Math.max(100, Math.round(plan.steps / 10)) };
        const ref = { hiddenSize: plan.denseHiddenSize, parameters: big.reference.parameters };
        const all: PlannedRun[] = [
          { name: `${cell}-dense-h${plan.denseHiddenSize}-r${repeats}${lr}${suffix}`, cell, size: 'dense', repeats, seed, options: { ...common, variant: 'dense', groups: 1, hiddenSize: plan.denseHiddenSize, match: null, reference: null } },
          { name: `${cell}-factorized-g${plan.groups}-big-h${big.hiddenSize}-r${repeats}${lr}${suffix}`, cell, size: 'big', repeats, seed, options: { ...common, variant: 'factorized', groups: plan.groups, hiddenSize: big.hiddenSize, match: 'params', reference: ref } },
          { name: `${cell}-factorized-g${plan.groups}-small-h${plan.denseHiddenSize}-r${repeats}${lr}${suffix}`, cell, size: 'small', repeats, seed, options: { ...common, variant: 'factorized', groups: plan.groups, hiddenSize: plan.denseHiddenSize, match: null, reference: null } },
        ];
        runs.push(...all.filter((r) => sizes.includes(r.size)));
      }
    }
  }
  return runs;
}

/** Multiply-add FLOPs of one training step of a run: forward and backward (twice the forward) over T steps of the batch. */
export function runTrainingFlopsPerStep(run: PlannedRun): number {
  const o = run.options;
  const config = copyModelConfig({ kind: o.kind, variant: o.variant, groups: o.groups, hiddenSize: o.hiddenSize, layers: o.layers });
  return 3 * copySequenceLength(o.repeats) * (o.batchSize as number) * modelFlopsPerStep(config); // batchSize: set by plannedRuns
}

/**
 * Estimated wall-clock seconds of each run and of the plan, at `flopsPerSecond` effective
 * training FLOP/s per job (measured by {@link measureTrainingRate}) with `jobs` runs at a time
 * (longest first, each job taking the next run: the same schedule as {@link runReproduction}).
 */
export function estimatePlan(plan: ReproductionPlan, flopsPerSecond: number, jobs: number): { runs: { run: PlannedRun; seconds: number }[]; totalSeconds: number } {
  const runs = plannedRuns(plan).map((run) => ({ run, seconds: (run.options.steps * runTrainingFlopsPerStep(run)) / flopsPerSecond }));
  const lanes = new Array<number>(Math.max(1, jobs)).fill(0);
  for (const r of runs) {
    const i = lanes.indexOf(Math.min(...lanes));
    lanes[i] = (lanes[i] as number) + r.seconds;
  }
  return { runs, totalSeconds: Math.max(...lanes) };
}

/**
 * Effective training FLOP/s on this machine now: `steps` timed optimisation steps (after one
 * untimed) of the dense model of the plan's first cell at its largest repeat count (the runs
 * that dominate the plan's cost), FLOPs as {@link runTrainingFlopsPerStep}; per wall-clock
 * second (as loaded as the machine is now) and per CPU second of this process (what a job
 * with a core of its own would get). A calibration for {@link estimatePlan}.
 */
export async function measureTrainingRate(plan: ReproductionPlan, steps = 2, kernels: TrainingKernels = 'wasm'): Promise<{ flopsPerSecond: number; flopsPerCpuSecond: number; run: PlannedRun; secondsPerStep: number }> {
  const run = plannedRuns(plan).filter((r) => r.size === 'dense').sort((a, b) => b.repeats - a.repeats)[0] as PlannedRun;
  const { useTrainingKernels } = await import('./internal/nativeKernels.js');
  useTrainingKernels(kernels);
  const { SequenceModel } = await import('./model.js');
  const { createOptimizer, trainStep } = await import('./trainer.js');
  const { initialModelWeights } = await import('./modelConfig.js');
  const { createRng } = await import('../processes/prng.js');
  const o = run.options;
  const config = copyModelConfig({ kind: o.kind, variant: o.variant, groups: o.groups, hiddenSize: o.hiddenSize, layers: o.layers });
  const model = new SequenceModel(config, initialModelWeights(config, createRng(run.seed)));
  const optimizer = createOptimizer(plan.learningRate);
  const batch = sampleCopyBatch(createRng(run.seed + 1), plan.batchSize, o.repeats);
  trainStep(model, optimizer, batch, plan.clipNorm);
  const t0 = performance.now(), c0 = process.cpuUsage();
  for (let i = 0; i < steps; i++) trainStep(model, optimizer, batch, plan.clipNorm);
  const secondsPerStep = (performance.now() - t0) / 1000 / steps;
  const cpu = process.cpuUsage(c0);
  const cpuSecondsPerStep = (cpu.user + cpu.system) / 1e6 / steps;
  model.dispose();
  optimizer.dispose();
  useTrainingKernels('wasm');
  const flops = runTrainingFlopsPerStep(run);
  return { flopsPerSecond: flops / secondsPerStep, flopsPerCpuSecond: flops / cpuSecondsPerStep, run, secondsPerStep };
}

/** `lrdkit train` arguments for a planned run. */
export function trainArguments(run: PlannedRun, out: string, backend: string, resume: boolean, threads = 1, kernels: TrainingKernels = 'wasm'): string[] {
  const o = run.options;
  const args = ['train', '--task', 'copy', '--cell', o.kind, '--variant', o.variant, '--groups', String(o.groups), '--hidden', String(o.hiddenSize), '--layers', String(o.layers), '--repeats', String(o.repeats), '--steps', String(o.steps), '--batch', String(o.batchSize), '--lr', String(o.learningRate), '--clip', o.clipNorm === null || o.clipNorm === undefined ? 'none' : String(o.clipNorm), '--seed', String(o.seed), '--checkpoint-every', String(o.checkpointEvery), '--out', out, '--backend', backend, '--quiet'];
  // A resumed run keeps the thread count and kernels in its run.json (no --threads, --kernels).
  if (resume) return [...args, '--resume'];
  return [...args, ...(threads > 1 ? ['--threads', String(threads)] : []), ...(kernels === 'native' ? ['--kernels', 'native'] : [])];
}

/** A run's state on disk: finished, resumable (a checkpoint before the last step), or to start. */
export function runStatus(dir: string, steps: number): 'finished' | 'resume' | 'start' {
  if (!existsSync(join(dir, RUN_FILE))) return 'start';
  const log = readLog(dir);
  const ckpt = findCheckpoint(dir);
  if (!ckpt) return 'start';
  const last = log[log.length - 1];
  return last && last.step >= steps && findCheckpoint(dir) ? 'finished' : 'resume';
}

/** The compiled CLI next to this module (dist/cli/main.js), or null when running from sources. */
export function compiledCli(): string | null {
  const here = fileURLToPath(import.meta.url);
  if (!here.endsWith('.js')) return null;
  const main = fileURLToPath(new URL('../cli/main.js', import.meta.url));
  return existsSync(main) ? main : null;
}

/** Runs `lrdkit train` in a child process; resolves with its exit code and stderr. */
export function trainInChild(cli: string, args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString('utf8')).slice(-4000);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), stderr }));
  });
}

/** Options of {@link runReproduction}. */
export interface ReproductionOptions {
  readonly plan: ReproductionPlan;
  /** Folder of the run directories. */
  readonly runsDirectory: string;
  /** Parallel child processes (1: in this process). */
  readonly jobs: number;
  /** Data-parallel threads per run started by this call (default 1; a resumed run keeps its own count). */
  readonly threads?: number;
  /** Training kernels of the runs started by this call (default 'wasm'; a resumed run keeps its own). */
  readonly kernels?: TrainingKernels;
  /** Backend name passed to the runs ('auto' or one backend). */
  readonly backend: string;
  readonly version: string;
  /** Where finished runs are archived for committing ({@link archiveRun}); archived runs are not trained again. */
  readonly archiveDirectory?: string;
  readonly onMessage?: (m: string) => void;
}

/**
 * Trains (or reuses, or resumes) every run of the plan.
 *
 * @throws Error naming the run whose training failed, with its stderr
 */
export async function runReproduction(o: ReproductionOptions): Promise<void> {
  const runs = plannedRuns(o.plan);
  const say = o.onMessage ?? (() => undefined);
  const cli = o.jobs > 1 ? compiledCli() : null;
  const started = performance.now();
  let done = 0;
  // ETA: the FLOPs still to train over the rate of the runs trained by this call so far.
  const cost = (run: PlannedRun) => run.options.steps * runTrainingFlopsPerStep(run);
  const archived = (run: PlannedRun) => o.archiveDirectory !== undefined && archivedRunExists(o.archiveDirectory, run);
  let remainingFlops = runs.reduce((a, r) => a + (archived(r) || runStatus(join(o.runsDirectory, r.name), r.options.steps) === 'finished' ? 0 : cost(r)), 0);
  let trainedFlops = 0;
  const failures: string[] = [];
  const work = async (run: PlannedRun) => {
    const dir = join(o.runsDirectory, run.name);
    if (archived(run)) {
      done++;
      say(`reproduce: [${done}/${runs.length}] ${run.name}: archived in ${o.archiveDirectory}, reused`);
      return;
    }
    const status = runStatus(dir, run.options.steps);
    if (status === 'finished') {
      if (o.archiveDirectory) archiveRun(o.plan, run, o.runsDirectory, o.archiveDirectory);
      done++;
      say(`reproduce: [${done}/${runs.length}] ${run.name}: already trained, reused`);
      return;
    }
    const t0 = performance.now();
    if (cli) {
      const r = await trainInChild(cli, trainArguments(run, dir, o.backend, status === 'resume', o.threads ?? 1, o.kernels ?? 'wasm'));
      if (r.code !== 0) {
        failures.push(`${run.name} (exit ${r.code}): ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
        return;
      }
    } else {
      const { trainCopyTask } = await import('./trainer.js');
      const threads = status === 'resume' || (o.threads ?? 1) === 1 ? {} : { threads: o.threads };
      const kernels = status === 'resume' || (o.kernels ?? 'wasm') === 'wasm' ? {} : { kernels: o.kernels };
      await trainCopyTask({ ...run.options, out: dir, resume: status === 'resume', backend: o.backend, version: o.version, ...threads, ...kernels });
    }
    if (o.archiveDirectory) archiveRun(o.plan, run, o.runsDirectory, o.archiveDirectory);
    done++;
    const elapsed = (performance.now() - started) / 1000;
    trainedFlops += cost(run);
    remainingFlops -= cost(run);
    const eta = (elapsed * Math.max(0, remainingFlops)) / trainedFlops;
    say(`reproduce: [${done}/${runs.length}] ${run.name}: trained in ${((performance.now() - t0) / 1000).toFixed(0)} s (total ${elapsed.toFixed(0)} s; plan ETA ${formatDuration(eta)})`);
  };
  const queue = [...runs];
  const lanes = Array.from({ length: cli ? Math.max(1, o.jobs) : 1 }, async () => {
    for (let run = queue.shift(); run; run = queue.shift()) await work(run);
  });
  await Promise.all(lanes);
  if (failures.length > 0) throw new Error(`reproduce: ${failures.length} run(s) failed: ${failures.join('; ')}`);
}

/** One run's result. */
export interface RunResult {
  readonly name: string;
  readonly cell: CellKind;
  readonly size: ComparisonSize;
  readonly variant: 'dense' | 'factorized';
  readonly groups: number;
  readonly hiddenSize: number;
  readonly repeats: number;
  readonly seed: number;
  readonly sequenceLength: number;
  readonly parameters: number;
  readonly steps: number;
  /** RMSProp learning rate (absent in summaries archived before it was recorded, all at 0.01). */
  readonly learningRate?: number;
  /** Mean batch loss over the last 10 % of the steps, nats per output symbol. */
  readonly finalLossNats: number;
  /** Standard error of that mean over those steps. */
  readonly finalLossStandardError: number;
  /** Mean loss of the first 1 % of the steps (at least one). */
  readonly initialLossNats: number;
  readonly backend: string;
  /** The training kernels (run.json; absent in summaries archived before it was recorded, all 'wasm'). */
  readonly kernels?: string;
  readonly elapsedSeconds: number;
}

/**
 * Dense vs factorized at one repeat count. Losses are means over the seeds; with several seeds
 * a standard error is the one of the mean over seeds (sample standard deviation / sqrt(n)), the
 * gap's over the per-seed paired differences; with one seed, the run's own standard error over
 * its last steps (the gap's from both runs').
 */
export interface Comparison {
  readonly cell: CellKind;
  readonly repeats: number;
  /** Seeds averaged. */
  readonly seeds: number;
  /** The memoryless reference R / (R + 1) ln 256 (nats). */
  readonly memorylessNats: number;
  readonly denseLossNats: number;
  readonly denseLossStandardError: number;
  readonly bigLossNats: number;
  readonly bigLossStandardError: number;
  /** null when the plan has no small networks. */
  readonly smallLossNats: number | null;
  readonly smallLossStandardError: number | null;
  /** dense - big: positive when the factorized network at equal parameters is better. */
  readonly gapBigNats: number;
  /** dense - small (null without small networks). */
  readonly gapSmallNats: number | null;
  /** Standard error of gapBig. */
  readonly gapBigStandardError: number;
  /**
   * Whether the comparison says anything about memory: false when neither the dense nor the big
   * network's mean loss is below the memoryless level (both still on the plateau at ln 256 or
   * at best copying the visible first word: not trained long enough to compare). Such repeat
   * counts are left out of the verdict.
   */
  readonly informative: boolean;
}

/** Mean and standard error over seeds (n > 1), or the single value with its own standard error. */
function overSeeds(values: readonly number[], ownStandardErrors: readonly number[]): { mean: number; standardError: number } {
  const m = mean(values);
  if (values.length === 1) return { mean: m, standardError: ownStandardErrors[0] as number };
  const variance = values.reduce((a, x) => a + (x - m) ** 2, 0) / (values.length - 1);
  return { mean: m, standardError: Math.sqrt(variance / values.length) };
}

/** The reproduction's outcome (results.json). */
export interface ReproductionResults {
  readonly lrdkit: string;
  readonly experiment: 'copy-task';
  readonly plan: ReproductionPlan;
  readonly runs: readonly RunResult[];
  readonly comparisons: readonly Comparison[];
  readonly verdict: {
    /** Per cell: at every repeat count, factorized (big) below dense. */
    readonly factorizedBelowDenseAtEqualParameters: Readonly<Record<string, boolean>>;
    /** Per cell: the gap dense - big grows with the repeats (non-decreasing over the sorted repeat counts). */
    readonly gapGrowsWithRepeats: Readonly<Record<string, boolean>>;
    /** Both, for every cell. */
    readonly reproduces: boolean;
    readonly summary: string;
  };
  /** Loss curves, smoothed (moving mean over `smoothingSteps`) and sampled every `sampleEverySteps`. */
  readonly curves: readonly TrainingCurve[];
  readonly smoothingSteps: number;
  readonly sampleEverySteps: number;
}

function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** Mean and standard error of the last `fraction` of a log's losses. */
export function finalLoss(log: readonly LogEntry[], fraction = 0.1): { mean: number; standardError: number } {
  const n = Math.max(1, Math.min(log.length, Math.round(log.length * fraction)));
  const xs = log.slice(-n).map((e) => e.loss);
  const m = mean(xs);
  const variance = xs.length > 1 ? xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1) : 0;
  return { mean: m, standardError: Math.sqrt(variance / xs.length) };
}

/** A smoothed, sampled loss curve: the trailing mean over `window` steps at every `every`-th step. */
export function smoothCurve(log: readonly LogEntry[], window: number, every: number): { step: number; loss: number }[] {
  const out: { step: number; loss: number }[] = [];
  let sum = 0;
  for (let i = 0; i < log.length; i++) {
    sum += (log[i] as LogEntry).loss;
    if (i >= window) sum -= (log[i - window] as LogEntry).loss;
    const e = log[i] as LogEntry;
    if (e.step % every === 0 || i === log.length - 1) out.push({ step: e.step, loss: Math.round((sum / Math.min(i + 1, window)) * 1e5) / 1e5 });
  }
  return out;
}

/** The loss curves' smoothing window and sampling interval: 1/60 and 1/100 of the plan's steps. */
function curveSampling(plan: ReproductionPlan): { smoothingSteps: number; sampleEverySteps: number } {
  return { smoothingSteps: Math.max(1, Math.round(plan.steps / 60)), sampleEverySteps: Math.max(1, Math.round(plan.steps / 100)) };
}

/** A finished run's result and its smoothed loss curve (what the results need of a run). */
export interface RunSummary {
  readonly result: RunResult;
  readonly curve: TrainingCurve;
}

/**
 * A finished run's summary from its run directory.
 *
 * @throws Error naming the directory when the run is missing or unfinished
 */
export function readRunResult(plan: ReproductionPlan, run: PlannedRun, dir: string): RunSummary {
  const { smoothingSteps, sampleEverySteps } = curveSampling(plan);
  const log = readLog(dir);
  const last = log[log.length - 1];
  if (!last || last.step < plan.steps) throw new Error(`reproduce: ${dir}: expected ${plan.steps} logged steps, found ${last ? last.step : 0}`);
  const meta = readRunMetadata(dir);
  const f = finalLoss(log);
  const first = log.slice(0, Math.max(1, Math.round(log.length / 100))).map((e) => e.loss);
  const result: RunResult = {
    name: run.name,
    cell: run.cell,
    size: run.size,
    variant: run.size === 'dense' ? 'dense' : 'factorized',
    groups: meta.groups,
    hiddenSize: meta.hiddenSize,
    repeats: run.repeats,
    seed: run.seed,
    sequenceLength: copySequenceLength(run.repeats),
    parameters: modelParameterCount(copyModelConfig({ kind: run.cell, variant: run.options.variant, groups: meta.groups, hiddenSize: meta.hiddenSize, layers: meta.layers })),
    steps: last.step,
    learningRate: meta.learningRate,
    finalLossNats: f.mean,
    finalLossStandardError: f.standardError,
    initialLossNats: mean(first),
    backend: meta.backend,
    kernels: meta.kernels === 'native' ? `native (${meta.kernelIsa ?? 'isa not recorded'})` : 'wasm',
    elapsedSeconds: last.elapsedSeconds,
  };
  const sizeLabel = run.size === 'dense' ? `dense h=${meta.hiddenSize}` : `factorized g=${meta.groups} ${run.size} h=${meta.hiddenSize}`;
  const curve: TrainingCurve = {
    label: `${run.cell.toUpperCase()} ${sizeLabel}, R=${run.repeats}${planSeeds(plan).length > 1 ? `, seed ${run.seed}` : ''}`,
    variant: run.size === 'dense' ? 'dense' : 'factorized',
    size: run.size === 'small' ? 'small' : 'big',
    repeats: run.repeats,
    points: smoothCurve(log, smoothingSteps, sampleEverySteps),
  };
  return { result, curve };
}

/** File of an archived run's summary, under archiveDirectory/<run name>/. */
export const ARCHIVED_RUN_FILE = 'result.json';

/**
 * Archives a finished run for committing as a plan goes: archiveDirectory/<name>/result.json (its
 * {@link RunSummary}) and its trained recurrent layers (the lrdkit checkpoint's model.json and
 * shard, a few hundred kB; not the optimizer state), each file written atomically, the summary
 * last. A plan continued elsewhere from the committed archive skips these runs
 * ({@link archivedRunExists}) and {@link collectResults} reads them from it.
 */
export function archiveRun(plan: ReproductionPlan, run: PlannedRun, runsDirectory: string, archiveDirectory: string): void {
  const dir = join(runsDirectory, run.name), dest = join(archiveDirectory, run.name);
  const summary = readRunResult(plan, run, dir);
  const checkpoint = findCheckpoint(dir);
  if (!checkpoint) throw new Error(`reproduce: ${dir}: no checkpoint to archive`);
  mkdirSync(dest, { recursive: true });
  for (const f of ['model.json', LRDKIT_SHARD]) writeAtomic(join(dest, f), readFileSync(join(checkpoint, f)));
  writeAtomic(join(dest, ARCHIVED_RUN_FILE), `${JSON.stringify(summary)}\n`);
}

/**
 * Whether a run's summary is in the archive.
 *
 * @throws Error when the archived run was trained otherwise than the plan asks (steps, width,
 *   learning rate): a plan changed under an archive must not reuse its runs
 */
export function archivedRunExists(archiveDirectory: string, run: PlannedRun): boolean {
  const file = join(archiveDirectory, run.name, ARCHIVED_RUN_FILE);
  if (!existsSync(file)) return false;
  const r = (JSON.parse(readFileSync(file, 'utf8')) as RunSummary).result;
  const o = run.options;
  const archivedRate = r.learningRate ?? 0.01;
  const mismatch = [
    r.steps !== o.steps ? `steps ${r.steps}, the plan ${o.steps}` : null,
    r.hiddenSize !== o.hiddenSize ? `width ${r.hiddenSize}, the plan ${o.hiddenSize}` : null,
    archivedRate !== o.learningRate ? `learning rate ${archivedRate}, the plan ${o.learningRate}` : null,
  ].filter((m) => m !== null);
  if (mismatch.length > 0) throw new Error(`reproduce: ${file}: archived run trained otherwise than the plan asks (${mismatch.join('; ')}); move it away or use another --out`);
  return true;
}

/** An archived run's summary, or null when it is not archived. */
export function readArchivedRun(archiveDirectory: string, run: PlannedRun): RunSummary | null {
  if (!archivedRunExists(archiveDirectory, run)) return null;
  return JSON.parse(readFileSync(join(archiveDirectory, run.name, ARCHIVED_RUN_FILE), 'utf8')) as RunSummary;
}

/**
 * The results of a finished reproduction, read from the archive where a run is archived, else
 * from its run directory.
 *
 * @throws Error naming a run that is missing or unfinished
 */
export function collectResults(plan: ReproductionPlan, runsDirectory: string, version: string, archiveDirectory?: string): ReproductionResults {
  const { smoothingSteps, sampleEverySteps } = curveSampling(plan);
  const results: RunResult[] = [];
  const curves: TrainingCurve[] = [];
  for (const run of plannedRuns(plan)) {
    const archived = archiveDirectory ? readArchivedRun(archiveDirectory, run) : null;
    const { result, curve } = archived ?? readRunResult(plan, run, join(runsDirectory, run.name));
    results.push(result);
    curves.push(curve);
  }
  const comparisons: Comparison[] = [];
  const below: Record<string, boolean> = {};
  const grows: Record<string, boolean> = {};
  for (const cell of plan.cells) {
    const sorted = [...plan.repeats].sort((a, b) => a - b);
    for (const repeats of sorted) {
      // Runs of one size, in seed order (seeds pair the dense and factorized runs).
      const get = (size: ComparisonSize) => results.filter((r) => r.cell === cell && r.repeats === repeats && r.size === size).sort((x, y) => x.seed - y.seed);
      const stat = (rs: readonly RunResult[]) => overSeeds(rs.map((r) => r.finalLossNats), rs.map((r) => r.finalLossStandardError));
      const d = get('dense'), b = get('big'), s = get('small');
      const ds = stat(d), bs = stat(b), ss = s.length > 0 ? stat(s) : null;
      const gap = d.length > 1 ? overSeeds(d.map((r, i) => r.finalLossNats - (b[i] as RunResult).finalLossNats), []) : { mean: ds.mean - bs.mean, standardError: Math.hypot(ds.standardError, bs.standardError) };
      comparisons.push({
        cell,
        repeats,
        seeds: d.length,
        memorylessNats: copyTaskReferenceLosses(repeats).memorylessNats,
        denseLossNats: ds.mean,
        denseLossStandardError: ds.standardError,
        bigLossNats: bs.mean,
        bigLossStandardError: bs.standardError,
        smallLossNats: ss ? ss.mean : null,
        smallLossStandardError: ss ? ss.standardError : null,
        gapBigNats: gap.mean,
        gapSmallNats: ss ? ds.mean - ss.mean : null,
        gapBigStandardError: gap.standardError,
        informative: Math.min(ds.mean, bs.mean) < copyTaskReferenceLosses(repeats).memorylessNats,
      });
    }
    const mine = comparisons.filter((c) => c.cell === cell && c.informative);
    below[cell] = mine.length > 0 && mine.every((c) => c.gapBigNats > 0);
    grows[cell] = mine.length > 1 && mine.every((c, i) => i === 0 || c.gapBigNats >= (mine[i - 1] as Comparison).gapBigNats);
  }
  const reproduces = plan.cells.every((c) => below[c] && grows[c]);
  const partly = !reproduces && plan.cells.some((c) => below[c] || grows[c]);
  const parts = plan.cells.map((cell) => {
    const mine = comparisons.filter((c) => c.cell === cell && c.informative);
    const untrained = comparisons.filter((c) => c.cell === cell && !c.informative).map((c) => `R=${c.repeats}`);
    const skipped = untrained.length > 0 ? `; at ${untrained.join(', ')} neither network got below the memoryless loss, so those repeat counts compare nothing and are left out` : '';
    if (mine.length === 0) return `${cell.toUpperCase()}: neither network got below the memoryless loss at any repeat count: no comparison`;
    const gaps = mine.map((c) => `R=${c.repeats}: ${c.gapBigNats >= 0 ? '+' : ''}${c.gapBigNats.toFixed(3)}`).join(', ');
    return `${cell.toUpperCase()}: factorized (equal parameters) ${below[cell] ? 'below dense at every repeat count' : 'not below dense at every repeat count'}; gap dense - factorized ${grows[cell] ? 'grows' : 'does not grow'} with the repeats (${gaps} nats)${skipped}`;
  });
  const headline = reproduces ? 'The direction of the paper reproduces at this scale' : partly ? 'The direction of the paper reproduces only in part at this scale' : 'The direction of the paper does not reproduce at this scale';
  return {
    lrdkit: version,
    experiment: 'copy-task',
    plan,
    runs: results,
    comparisons,
    verdict: {
      factorizedBelowDenseAtEqualParameters: below,
      gapGrowsWithRepeats: grows,
      reproduces,
      summary: `${headline}. ${parts.join('. ')}.`,
    },
    curves,
    smoothingSteps,
    sampleEverySteps,
  };
}

/**
 * The loss curves of the figure: with one seed, the runs' curves; with several, one curve per
 * cell, network and repeat count, the mean over the seeds of the runs' smoothed curves at each
 * sampled step (the seeds' runs log the same steps). With several cells each curve names its
 * cell (one row of panels per cell, like the paper's separate GRU and LSTM figures).
 * `results.curves[i]` is the curve of `results.runs[i]`.
 */
export function figureCurves(results: ReproductionResults): TrainingCurve[] {
  const cells = new Set(results.runs.map((r) => r.cell));
  const withCell = (curve: TrainingCurve, cell: CellKind): TrainingCurve => (cells.size > 1 ? { ...curve, cell: cell.toUpperCase() } : curve);
  if (planSeeds(results.plan).length <= 1) return results.curves.map((c, i) => withCell(c, (results.runs[i] as RunResult).cell));
  const groups = new Map<string, { run: RunResult; curve: TrainingCurve }[]>();
  results.runs.forEach((run, i) => {
    const key = `${run.cell}/${run.size}/${run.repeats}`;
    groups.set(key, [...(groups.get(key) ?? []), { run, curve: results.curves[i] as TrainingCurve }]);
  });
  return [...groups.values()].map((members) => {
    const { run, curve } = members[0] as { run: RunResult; curve: TrainingCurve };
    const steps = curve.points.map((p) => p.step).filter((step) => members.every((m) => m.curve.points.some((p) => p.step === step)));
    const points = steps.map((step) => ({ step, loss: Math.round(mean(members.map((m) => (m.curve.points.find((p) => p.step === step) as { loss: number }).loss)) * 1e5) / 1e5 }));
    const sizeLabel = run.size === 'dense' ? `dense h=${run.hiddenSize}` : `factorized g=${run.groups} ${run.size} h=${run.hiddenSize}`;
    const label = `${run.cell.toUpperCase()} ${sizeLabel}, R=${run.repeats}, mean of seeds ${members.map((m) => m.run.seed).join(', ')}`;
    return withCell({ label, variant: curve.variant, size: curve.size ?? 'big', repeats: run.repeats, points }, run.cell);
  });
}

/** The Vega-Lite spec of the loss curves ({@link figureCurves}; src/report/figures/trainingLoss.ts). */
export function lossCurveSpec(results: ReproductionResults): object {
  const seeds = planSeeds(results.plan);
  const what = seeds.length > 1 ? `mean of ${seeds.length} seeds, each over ${results.smoothingSteps} steps` : `mean over ${results.smoothingSteps} steps`;
  return trainingLossSpec(figureCurves(results), { title: `Copy task: training loss (${results.plan.name} plan; ${what})` });
}

function fmt(x: number, digits = 3): string {
  return Number.isFinite(x) ? x.toFixed(digits) : String(x);
}

/**
 * With several seeds, a paragraph saying per cell at which repeat counts the gap dense - big is
 * more than twice its standard error over the seeds, and with which sign (with few seeds that
 * standard error is itself uncertain: a guide, not a test). Empty with one seed.
 */
function whereGapIsClear(r: ReproductionResults): string[] {
  const seeds = planSeeds(r.plan);
  if (seeds.length < 2) return [];
  const at = (cs: readonly Comparison[]) => (cs.length === 0 ? 'none' : cs.map((c) => `R=${c.repeats}`).join(', '));
  const parts = r.plan.cells.map((cell) => {
    const mine = r.comparisons.filter((c) => c.cell === cell && c.informative !== false);
    const untrained = r.comparisons.filter((c) => c.cell === cell && c.informative === false);
    const clear = (c: Comparison) => Math.abs(c.gapBigNats) > 2 * c.gapBigStandardError;
    return `${cell.toUpperCase()}: factorized clearly better (gap > 2 SE) at ${at(mine.filter((c) => clear(c) && c.gapBigNats > 0))}; dense clearly better at ${at(mine.filter((c) => clear(c) && c.gapBigNats < 0))}; within 2 SE at ${at(mine.filter((c) => !clear(c)))}${
      untrained.length > 0 ? `; neither below the memoryless loss at ${at(untrained)}` : ''
    }`;
  });
  return [`**Where.** ${parts.join('. ')}. (Standard errors over ${seeds.length} seeds: with so few seeds a guide, not a test.)`, ''];
}

/** The Markdown report: plan, table, verdict, how to regenerate. */
export function resultsMarkdown(r: ReproductionResults, command: string): string {
  const p = r.plan;
  const seeds = planSeeds(p), small = planSizes(p).includes('small');
  const multi = seeds.length > 1 || p.cells.length > 1;
  const lines = [
    `# Copy task (Belletti et al. 2018, section 3.1, Figures 1-3): ${p.name} plan`,
    '',
    `${p.description}. Batch ${p.batchSize}, RMSProp (learning rate ${describeLearningRates(p)}, decay 0.9, gradient norm clipped at ${p.clipNorm}), ${p.layers} stacked layers, ${seeds.length > 1 ? `seeds ${seeds.join(', ')}` : `seed ${p.seed}`}, backend ${[...new Set(r.runs.map((x) => x.backend))].join(', ')}, kernels ${[...new Set(r.runs.map((x) => x.kernels ?? 'wasm'))].join(', ')}.`,
    `"big": the widest ${p.groups}-block factorized model with at most the dense model's parameters (whole model: projection, recurrent layers, readout)${small ? `; "small": the dense width with ${p.groups} blocks` : ''}.`,
    seeds.length > 1
      ? `Loss: cross-entropy in nats per output symbol, per run the mean over the last 10 % of the steps; the table gives the mean over the ${seeds.length} seeds +- its standard error over the seeds (the gap's: over the per-seed differences). Reference levels: ln 256 = ${fmt(Math.log(256))} (guessing), R/(R+1) ln 256 (only the visible first word copied).`
      : `Loss: cross-entropy in nats per output symbol, the mean over the last 10 % of the steps (+- its standard error over those steps). Reference levels: ln 256 = ${fmt(Math.log(256))} (guessing), R/(R+1) ln 256 (only the visible first word copied).`,
    '',
    `| cell | repeats | T | memoryless | dense | factorized big |${small ? ' factorized small |' : ''} dense - big |${small ? ' dense - small |' : ''}`,
    `| --- | ---: | ---: | ---: | ---: | ---: |${small ? ' ---: |' : ''} ---: |${small ? ' ---: |' : ''}`,
    ...r.comparisons.map((c) => {
      const run = (size: ComparisonSize) => r.runs.find((x) => x.cell === c.cell && x.repeats === c.repeats && x.size === size) as RunResult;
      const cellText = (size: ComparisonSize, m: number, se: number) => `${fmt(m)} +- ${fmt(se)} (h=${run(size).hiddenSize}, ${run(size).parameters} params)`;
      const smallCells = small ? ` ${cellText('small', c.smallLossNats as number, c.smallLossStandardError as number)} |` : '';
      return `| ${c.cell.toUpperCase()} | ${c.repeats} | ${copySequenceLength(c.repeats)} | ${fmt(c.memorylessNats)} | ${cellText('dense', c.denseLossNats, c.denseLossStandardError)} | ${cellText('big', c.bigLossNats, c.bigLossStandardError)} |${smallCells} ${fmt(c.gapBigNats)} +- ${fmt(c.gapBigStandardError)}${c.informative === false ? ' (neither below memoryless)' : ''} |${small ? ` ${fmt(c.gapSmallNats as number)} |` : ''}`;
    }),
    '',
    `**Verdict.** ${r.verdict.summary}`,
    '',
    ...whereGapIsClear(r),
    multi
      ? `Figure: \`loss-curves.vl.json\` (Vega-Lite; one row of panels per cell, one panel per repeat count, colour = network, dashed = small; each curve the mean of the ${seeds.length} seeds' curves), rendered as \`loss-curves.svg\` and \`loss-curves.png\`:\n\n![loss curves](loss-curves.png)\n\nData: \`results.json\`. The trained dense and big factorized networks at the largest repeat count (seed ${seeds[0]}): ${p.cells.map((c, i) => (i === 0 ? '`dense/` and `factorized/`' : `\`${c}-dense/\` and \`${c}-factorized/\``) + ` (${c.toUpperCase()})`).join(', ')} (lrdkit checkpoints; \`lrdkit audit factorized\`).`
      : 'Figure: `loss-curves.vl.json` (Vega-Lite; one panel per repeat count, colour = variant, dashed = small), rendered as `loss-curves.svg` and `loss-curves.png`:\n\n![loss curves](loss-curves.png)\n\nData: `results.json`. The trained dense and big factorized networks at the largest repeat count: `dense/` and `factorized/` (lrdkit checkpoints; `lrdkit audit factorized`).',
    '',
    `Regenerate: \`${command}\` (finished runs under the runs folder are reused, unfinished ones resumed).`,
    '',
  ];
  return lines.join('\n');
}
