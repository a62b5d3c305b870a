/**
 * The Table 1 proxy (section 3.2, YouTube-8M): the baseline LSTM against 4-block factorized
 * LSTMs at equal width ("small": about 4 times fewer parameters) and at equal parameters
 * ("big"), on the seeded synthetic videos of ./videoFrames.ts, measured by Hit@1 and PERR on
 * held-out videos, over several seeds and over video lengths (the distance the evidence must be
 * carried), with an lrdkit audit of every trained network's LSTM.
 *
 * A plan lists the runs; each run trains one classifier (./trainVideo.ts), writes its recurrent
 * layers as an lrdkit checkpoint, audits them, and archives the outcome in
 * archive/<run name>/ (result.json, model.json + shard): the results are read back from the
 * archive, so a plan stopped part way continues with the runs not archived yet. Runs go to
 * `jobs` child processes (`lrdkit reproduce video --only NAME`) when the compiled CLI is
 * available.
 *
 * @module
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { LRDKIT_SHARD } from '../checkpoints/lrdkitFormat.js';
import { writeAtomic } from '../internal/writeAtomic.js';
import { ARCHIVED_RUN_FILE, formatDuration } from '../train/reproduce.js';
import { VEGA_LITE_SCHEMA } from '../report/figures/common.js';
import { FIGURE_HEIGHT, FIGURE_WIDTH, REPORT_CONFIG } from '../report/theme.js';
import { type VideoTaskConfig, memorylessReference } from './videoFrames.js';
import { type VideoClassifierConfig, matchedVideoWidth, videoClassifierFlopsPerFrame, videoClassifierParameters } from './videoModel.js';

/** The compared networks: the baseline and the paper's two factorized variants. */
export type VideoModelSize = 'baseline' | 'small' | 'big';

/** Plan names. */
export type VideoPlanName = 'quick' | 'standard' | 'tiny';

/** A plan of the Table 1 proxy. */
export interface VideoPlan {
  readonly name: VideoPlanName;
  /** The task, without its length (one value of `frames` per comparison). */
  readonly task: Omit<VideoTaskConfig, 'frames'>;
  /** Video lengths T compared (frames). */
  readonly frames: readonly number[];
  /** Seed of the class prototypes and of the test videos (shared by every run). */
  readonly taskSeed: number;
  /** Seeds of the runs (weights and training batches). */
  readonly seeds: readonly number[];
  /** Blocks of the factorized networks (Table 1: 4). */
  readonly groups: number;
  /** Width of the baseline (and of "small"). */
  readonly baselineHiddenSize: number;
  readonly layers: number;
  readonly steps: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly clipNorm: number;
  readonly testVideos: number;
  /** Audit of each trained LSTM (lrdkit audit settings). */
  readonly audit: { readonly sequences: number; readonly steps: number; readonly maxLag: number };
  readonly description: string;
}

const TASK: Omit<VideoTaskConfig, 'frames'> = {
  featureDimension: 128,
  // Training videos run from 10 frames to T (test videos are all T long): at a fixed T of 24 or
  // more, no network moved off the memoryless loss in 450 pilot steps (the gradient through T
  // forget gates of about sigma(1) = 0.73 is e^-0.3T at initialisation); the short videos give
  // the networks a foothold, as YouTube-8M's lengths (120 to 360 frames) vary too.
  minFrames: 10,
  classes: 20,
  evidenceWindow: 8,
  minLabels: 2,
  maxLabels: 4,
  evidenceFramesPerLabel: 2,
  evidenceStrength: 8,
};

/**
 * The plans. Frame features are 128-d, not YouTube-8M's 1 024: at 1 024 the frame projection
 * costs 8 times more and dominates every model's FLOPs (2 F H per frame against 16 H^2 for the
 * LSTM at H = 32), which would leave the quick plan a few hundred steps per run on 2 cores;
 * the class evidence lives in a 20-dimensional subspace either way. `tiny` is the tests'.
 */
export const VIDEO_PLANS: Readonly<Record<VideoPlanName, VideoPlan>> = {
  quick: {
    name: 'quick',
    task: TASK,
    frames: [24, 200],
    taskSeed: 1,
    seeds: [1, 2, 3],
    groups: 4,
    baselineHiddenSize: 32,
    layers: 1,
    steps: 600,
    batchSize: 32,
    learningRate: 0.01,
    clipNorm: 1,
    testVideos: 512,
    audit: { sequences: 16, steps: 512, maxLag: 256 },
    description: 'LSTM baseline width 32 vs 4-block factorized small (width 32) and big (equal parameters), videos of 24 and 200 frames, 3 seeds, 600 Adam steps of 32 videos: a reduced-scale check of the direction of Table 1 (about 8 minutes on 2 idle CPU cores)',
  },
  standard: {
    name: 'standard',
    task: TASK,
    frames: [24, 64, 200, 300],
    taskSeed: 1,
    seeds: [1, 2, 3, 4],
    groups: 4,
    baselineHiddenSize: 48,
    layers: 1,
    steps: 1200,
    batchSize: 32,
    learningRate: 0.01,
    clipNorm: 1,
    testVideos: 1024,
    audit: { sequences: 32, steps: 1024, maxLag: 512 },
    description: 'LSTM baseline width 48 vs 4-block factorized small (width 48) and big (equal parameters), videos of 24, 64, 200 and 300 frames, 4 seeds, 1200 Adam steps of 32 videos (under 3 hours on 2 CPU cores)',
  },
  tiny: {
    name: 'tiny',
    task: { ...TASK, featureDimension: 16, classes: 6, evidenceWindow: 4, minFrames: 4, minLabels: 1, maxLabels: 2, evidenceFramesPerLabel: 1 },
    frames: [6],
    taskSeed: 1,
    seeds: [1, 2],
    groups: 4,
    baselineHiddenSize: 8,
    layers: 1,
    steps: 3,
    batchSize: 4,
    learningRate: 0.01,
    clipNorm: 1,
    testVideos: 8,
    audit: { sequences: 4, steps: 256, maxLag: 32 },
    description: 'the wiring test: 6 frames, 2 seeds, 3 steps (seconds)',
  },
};

/** One run of a plan. */
export interface VideoPlannedRun {
  readonly name: string;
  readonly size: VideoModelSize;
  readonly frames: number;
  readonly seed: number;
  readonly model: VideoClassifierConfig;
}

/** The baseline's classifier config in a plan. */
export function baselineConfig(plan: VideoPlan): VideoClassifierConfig {
  return { variant: 'dense', groups: 1, hiddenSize: plan.baselineHiddenSize, layers: plan.layers, featureDimension: plan.task.featureDimension, classes: plan.task.classes };
}

/** The runs, longest videos first (to balance the jobs), then seed by seed, baseline, big, small. */
export function videoPlannedRuns(plan: VideoPlan): VideoPlannedRun[] {
  const base = baselineConfig(plan);
  const big: VideoClassifierConfig = { ...base, variant: 'factorized', groups: plan.groups, hiddenSize: matchedVideoWidth(base, plan.groups) };
  const small: VideoClassifierConfig = { ...base, variant: 'factorized', groups: plan.groups };
  const runs: VideoPlannedRun[] = [];
  for (const T of [...plan.frames].sort((a, b) => b - a)) {
    for (const seed of plan.seeds) {
      for (const [size, model] of [['baseline', base], ['big', big], ['small', small]] as const) {
        const tag = size === 'baseline' ? `lstm-h${model.hiddenSize}` : `lstm-g${plan.groups}-${size}-h${model.hiddenSize}`;
        runs.push({ name: `${tag}-T${T}-s${seed}`, size, frames: T, seed, model });
      }
    }
  }
  return runs;
}

/** The task of a run (the plan's task at the run's length). */
export function runTask(plan: VideoPlan, run: VideoPlannedRun): VideoTaskConfig {
  return { ...plan.task, frames: run.frames };
}

/** Multiply-add FLOPs of a run's training: forward and backward (3 x forward) over T frames of every video of every step. */
export function videoRunTrainingFlops(plan: VideoPlan, run: VideoPlannedRun): number {
  return 3 * plan.steps * plan.batchSize * run.frames * videoClassifierFlopsPerFrame(run.model);
}

/** Estimated seconds per run and for the plan with `jobs` at a time (longest first, each job taking the next run), at `flopsPerSecond` per job plus `auditSeconds` per run. */
export function estimateVideoPlan(plan: VideoPlan, flopsPerSecond: number, jobs: number, auditSeconds: number): { runs: { run: VideoPlannedRun; seconds: number }[]; totalSeconds: number } {
  const runs = videoPlannedRuns(plan).map((run) => ({ run, seconds: videoRunTrainingFlops(plan, run) / flopsPerSecond + auditSeconds }));
  const lanes = new Array<number>(Math.max(1, jobs)).fill(0);
  for (const r of runs) {
    const i = lanes.indexOf(Math.min(...lanes));
    lanes[i] = (lanes[i] as number) + r.seconds;
  }
  return { runs, totalSeconds: Math.max(...lanes) };
}

/** The audit of a run's LSTM (layer 0). */
export interface VideoRunAudit {
  readonly verdict: string;
  readonly sentence: string;
  readonly exponentialDecayLength: number | null;
  readonly spectralRadiusWh: number;
  readonly lyapunov1: number;
  readonly certifiedHorizonSteps: number;
}

/** A finished run (archive/<name>/result.json). */
export interface VideoRunResult {
  readonly name: string;
  readonly size: VideoModelSize;
  readonly variant: 'dense' | 'factorized';
  readonly groups: number;
  readonly hiddenSize: number;
  readonly parameters: number;
  readonly frames: number;
  readonly seed: number;
  readonly steps: number;
  readonly hitAtOne: number;
  readonly perr: number;
  readonly testLossNats: number;
  /** Mean training loss over the first and the last 10 % of the steps (nats per video). */
  readonly initialLossNats: number;
  readonly finalLossNats: number;
  readonly trainSeconds: number;
  readonly trainCpuSeconds: number;
  readonly backend: string;
  readonly audit: VideoRunAudit;
}

/** Trains, audits and archives one run (archive/<name>/: model.json + shard, then result.json). */
export async function runVideoRun(plan: VideoPlan, run: VideoPlannedRun, archive: string, backend: string, version: string, say: (m: string) => void = () => undefined): Promise<VideoRunResult> {
  const { trainVideoClassifier } = await import('./trainVideo.js');
  const { writeLrdkitCheckpoint } = await import('../checkpoints/lrdkitFormat.js');
  const { readCheckpoint } = await import('../checkpoints/index.js');
  const { auditCheckpoint } = await import('../audit/auditDocument.js');
  const task = runTask(plan, run);
  const m = trainVideoClassifier({ task, taskSeed: plan.taskSeed, model: run.model, seed: run.seed, steps: plan.steps, batchSize: plan.batchSize, learningRate: plan.learningRate, clipNorm: plan.clipNorm, testVideos: plan.testVideos });
  const dest = join(archive, run.name);
  const tmp = join(archive, `.${run.name}.tmp-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  try {
    const cells = m.model.core.cells();
    writeLrdkitCheckpoint(tmp, cells.map((cell, depth) => ({ name: `lstm${depth}`, cell, depth })), { seed: run.seed, task: 'video' });
    const ck = await readCheckpoint(tmp);
    const { document } = auditCheckpoint(ck, new Uint8Array(), { ...plan.audit, burnIn: 128, seed: run.seed, input: 'gaussian', jacobianStates: 16, lyapunovExponents: 4, bootstrapReplicates: 50 }, version);
    const layer = document.layers[0];
    if (!layer) throw new Error(`reproduce video: ${run.name}: the audit found no layer`);
    const n = Math.max(1, Math.round(m.losses.length / 10));
    const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const result: VideoRunResult = {
      name: run.name,
      size: run.size,
      variant: run.model.variant,
      groups: run.model.groups,
      hiddenSize: run.model.hiddenSize,
      parameters: videoClassifierParameters(run.model).total,
      frames: run.frames,
      seed: run.seed,
      steps: plan.steps,
      hitAtOne: m.hitAtOne,
      perr: m.perr,
      testLossNats: m.testLoss,
      initialLossNats: avg(m.losses.slice(0, n)),
      finalLossNats: avg(m.losses.slice(-n)),
      trainSeconds: Math.round(m.trainSeconds * 10) / 10,
      trainCpuSeconds: Math.round(m.trainCpuSeconds * 10) / 10,
      backend,
      audit: {
        verdict: layer.correlation.verdict,
        sentence: layer.correlation.sentence ?? layer.correlation.reason,
        exponentialDecayLength: layer.correlation.evidence.exponentialDecayLength,
        spectralRadiusWh: layer.spectralRadiusWh,
        lyapunov1: layer.lyapunov.exponents[0] ?? Number.NaN,
        certifiedHorizonSteps: layer.gates.certifiedHorizonSteps,
      },
    };
    mkdirSync(dest, { recursive: true });
    for (const f of ['model.json', LRDKIT_SHARD]) writeAtomic(join(dest, f), readFileSync(join(tmp, f)));
    writeAtomic(join(dest, ARCHIVED_RUN_FILE), `${JSON.stringify(result, null, 2)}\n`);
    say(`video: ${run.name}: Hit@1 ${result.hitAtOne.toFixed(3)}, PERR ${result.perr.toFixed(3)}, audit ${result.audit.verdict} (${result.trainSeconds.toFixed(0)} s)`);
    return result;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
    m.model.dispose();
  }
}

/** An archived run's result, or null. */
export function readArchivedVideoRun(archive: string, run: VideoPlannedRun): VideoRunResult | null {
  const f = join(archive, run.name, ARCHIVED_RUN_FILE);
  return existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as VideoRunResult) : null;
}

/** Mean and standard error over seeds (0 for a single seed). */
export function meanAndStandardError(xs: readonly number[]): { mean: number; standardError: number } {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  if (xs.length < 2) return { mean: m, standardError: 0 };
  const variance = xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1);
  return { mean: m, standardError: Math.sqrt(variance / xs.length) };
}

/** One network at one length, over the seeds. */
export interface VideoComparisonRow {
  readonly size: VideoModelSize;
  readonly frames: number;
  readonly hiddenSize: number;
  readonly parameters: number;
  readonly seeds: number;
  readonly hitAtOne: { mean: number; standardError: number };
  readonly perr: { mean: number; standardError: number };
  /** Audit verdicts over the seeds, e.g. { SRD: 2, inconclusive: 1 }. */
  readonly verdicts: Readonly<Record<string, number>>;
  /** Median exponential decay length of the audited state (steps; null when none was fitted). */
  readonly medianDecayLengthSteps: number | null;
  /** Whether the network remembers: Hit@1 above the memoryless level by more than 2 standard errors (and 0.05). */
  readonly remembers: boolean;
}

/** results.json. */
export interface VideoResults {
  readonly lrdkit: string;
  readonly experiment: 'video';
  readonly plan: VideoPlan;
  readonly memoryless: { readonly hitAtOne: number; readonly perr: number };
  readonly runs: readonly VideoRunResult[];
  readonly rows: readonly VideoComparisonRow[];
  /** Does the LRD verdict predict which networks remember? Counts over the rows (network x length). */
  readonly verdictAgainstMemory: { readonly lrdAndRemembers: number; readonly lrdAndForgets: number; readonly notLrdAndRemembers: number; readonly notLrdAndForgets: number; readonly summary: string };
  readonly summary: string;
}

function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/**
 * The results of a finished plan, from the archive.
 *
 * @throws Error naming a run that is not archived
 */
export function collectVideoResults(plan: VideoPlan, archive: string, version: string): VideoResults {
  const runs = videoPlannedRuns(plan).map((run) => {
    const r = readArchivedVideoRun(archive, run);
    if (!r) throw new Error(`reproduce video: ${join(archive, run.name, ARCHIVED_RUN_FILE)}: expected a finished run, found none`);
    return r;
  });
  const memoryless = memorylessReference({ ...plan.task, frames: 1 });
  const rows: VideoComparisonRow[] = [];
  for (const T of [...plan.frames].sort((a, b) => a - b)) {
    for (const size of ['baseline', 'small', 'big'] as const) {
      const mine = runs.filter((r) => r.frames === T && r.size === size).sort((a, b) => a.seed - b.seed);
      const first = mine[0] as VideoRunResult;
      const hit = meanAndStandardError(mine.map((r) => r.hitAtOne));
      const verdicts: Record<string, number> = {};
      for (const r of mine) verdicts[r.audit.verdict] = (verdicts[r.audit.verdict] ?? 0) + 1;
      rows.push({
        size,
        frames: T,
        hiddenSize: first.hiddenSize,
        parameters: first.parameters,
        seeds: mine.length,
        hitAtOne: hit,
        perr: meanAndStandardError(mine.map((r) => r.perr)),
        verdicts,
        medianDecayLengthSteps: median(mine.map((r) => r.audit.exponentialDecayLength).filter((x): x is number => x !== null && Number.isFinite(x))),
        remembers: hit.mean - memoryless.hitAtOne > Math.max(0.05, 2 * hit.standardError),
      });
    }
  }
  const isLrd = (row: VideoComparisonRow) => (row.verdicts.LRD ?? 0) * 2 > row.seeds;
  const count = (lrd: boolean, rem: boolean) => rows.filter((r) => isLrd(r) === lrd && r.remembers === rem).length;
  const v = { lrdAndRemembers: count(true, true), lrdAndForgets: count(true, false), notLrdAndRemembers: count(false, true), notLrdAndForgets: count(false, false) };
  const agree = v.lrdAndRemembers + v.notLrdAndForgets;
  const constant = v.lrdAndRemembers + v.lrdAndForgets === 0 || v.notLrdAndRemembers + v.notLrdAndForgets === 0;
  const remembering = v.lrdAndRemembers + v.notLrdAndRemembers;
  const verdictSummary = `The LRD verdict (majority over seeds) agrees with "remembers" in ${agree} of ${rows.length} network-length cells (LRD and remembers ${v.lrdAndRemembers}, LRD and forgets ${v.lrdAndForgets}, not LRD and remembers ${v.notLrdAndRemembers}, not LRD and forgets ${v.notLrdAndForgets})${constant && remembering > 0 && remembering < rows.length ? `. Every cell got the same answer (${v.lrdAndRemembers + v.lrdAndForgets === 0 ? 'not LRD' : 'LRD'}), so the verdict does not tell the networks that remember from those that forget here; note that the audit drives each cell with Gaussian noise of its input width, not with the projected frames the classifier read` : ''}`;
  const order = (x: VideoComparisonRow, y: VideoComparisonRow) => {
    const gap = x.hitAtOne.mean - y.hitAtOne.mean, se = 2 * Math.hypot(x.hitAtOne.standardError, y.hitAtOne.standardError);
    return gap > se ? 'above' : -gap > se ? 'below' : 'within 2 standard errors of';
  };
  const perLength = [...plan.frames].sort((a, b) => a - b).map((T) => {
    const at = (size: VideoModelSize) => rows.find((r) => r.frames === T && r.size === size) as VideoComparisonRow;
    const b = at('baseline'), big = at('big'), small = at('small');
    return `at ${T} frames, Hit@1 baseline ${b.hitAtOne.mean.toFixed(3)}, small ${small.hitAtOne.mean.toFixed(3)}, big ${big.hitAtOne.mean.toFixed(3)}: big ${order(big, b)} the baseline, small ${order(small, b)} it`;
  });
  const summary = `Memoryless Hit@1 ${memoryless.hitAtOne.toFixed(3)}; ${perLength.join('; ')} (Table 1: baseline 0.645 < small 0.719 < big 0.809)`;
  return { lrdkit: version, experiment: 'video', plan, memoryless, runs, rows, verdictAgainstMemory: { ...v, summary: verdictSummary }, summary };
}

const SIZE_LABEL: Readonly<Record<VideoModelSize, string>> = { baseline: 'baseline LSTM', small: 'factorized small', big: 'factorized big' };

/** The chart: Hit@1 and PERR (mean +- standard error over seeds) against the video length, one line per network. */
export function videoMetricsSpec(r: VideoResults): TopLevelSpec {
  const values = r.rows.flatMap((row) => [
    { network: SIZE_LABEL[row.size], metric: 'Hit@1', frames: row.frames, value: row.hitAtOne.mean, low: row.hitAtOne.mean - row.hitAtOne.standardError, high: row.hitAtOne.mean + row.hitAtOne.standardError },
    { network: SIZE_LABEL[row.size], metric: 'PERR', frames: row.frames, value: row.perr.mean, low: row.perr.mean - row.perr.standardError, high: row.perr.mean + row.perr.standardError },
  ]);
  const memoryless = [{ metric: 'Hit@1', value: r.memoryless.hitAtOne }, { metric: 'PERR', value: r.memoryless.perr }];
  const x = { field: 'frames', type: 'quantitative' as const, title: 'frames per video (T)', scale: { type: 'log' as const, domain: [Math.min(...r.plan.frames) / 1.25, Math.max(...r.plan.frames) * 1.25], nice: false } };
  const color = { field: 'network', type: 'nominal', title: 'network', scale: { domain: Object.values(SIZE_LABEL), range: ['#1f77b4', '#ff7f0e', '#d62728'] } } as const;
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: { text: `Table 1 proxy (${r.plan.name} plan): held-out Hit@1 and PERR against video length`, subtitle: `mean +- standard error over ${r.plan.seeds.length} seeds; dashed grey: the memoryless level` },
    config: REPORT_CONFIG,
    data: { values: [...values.map((v) => ({ ...v, kind: 'model' })), ...r.plan.frames.flatMap((T) => memoryless.map((m) => ({ network: 'memoryless', metric: m.metric, frames: T, value: m.value, low: m.value, high: m.value, kind: 'memoryless' })))] },
    facet: { column: { field: 'metric', type: 'nominal', title: null } },
    spec: {
      width: FIGURE_WIDTH / 2,
      height: FIGURE_HEIGHT,
      layer: [
        { transform: [{ filter: "datum.kind === 'memoryless'" }], mark: { type: 'line', color: '#999999', strokeDash: [4, 4] }, encoding: { x, y: { field: 'value', type: 'quantitative', title: 'held-out metric' } } },
        { transform: [{ filter: "datum.kind === 'model'" }], mark: { type: 'line', point: true }, encoding: { x, y: { field: 'value', type: 'quantitative', title: 'held-out metric', scale: { domain: [0, 1] } }, color, tooltip: [{ field: 'network' }, { field: 'frames' }, { field: 'value', format: '.3f' }] } },
        { transform: [{ filter: "datum.kind === 'model'" }], mark: { type: 'errorbar' }, encoding: { x, y: { field: 'low', type: 'quantitative', title: 'held-out metric' }, y2: { field: 'high' }, color } },
      ],
    },
  } as TopLevelSpec;
}

const f3 = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : String(x));

/** The parameter budget lines of the Markdown. */
function sizesText(plan: VideoPlan): string {
  const runs = videoPlannedRuns(plan).filter((r) => r.frames === plan.frames[0] && r.seed === plan.seeds[0]);
  return runs.map((r) => {
    const p = videoClassifierParameters(r.model);
    return `${SIZE_LABEL[r.size]}: width ${r.model.hiddenSize}${r.model.groups > 1 ? ` in ${r.model.groups} blocks` : ''}, ${p.total} parameters (projection ${p.projection}, LSTM ${p.recurrent}, readout ${p.readout})`;
  }).join('; ');
}

/** results.md: plan, table with the audits, what the proxy can and cannot say, how to regenerate. */
export function videoResultsMarkdown(r: VideoResults, command: string, planText: string): string {
  const p = r.plan, t = p.task;
  const verdictText = (v: Readonly<Record<string, number>>) => Object.entries(v).sort().map(([k, n]) => `${k} ${n}`).join(', ');
  return [
    `# Table 1 proxy (Belletti et al. 2018, section 3.2, YouTube-8M): ${p.name} plan`,
    '',
    '## What the paper measures',
    '',
    'Table 1 reports two per-video test metrics of frame-level classifiers on YouTube-8M (Abu-El-Haija et al. 2016, arXiv:1609.08675): the baseline is the benchmark\'s 2-layer LSTM (the starter code\'s LstmModel: 1 024 cells per layer on the frame features, its final state classified), Hit@1 0.645 and PERR 0.573 (the numbers of the benchmark paper); a 4-factorized LSTM "small" (block-diagonal operators of the same width: "4 times as few parameters ... and the same amount of memory") 0.719 / 0.604; and a 4-factorized "big" (the same number of parameters as the baseline, a larger memory) 0.809 / 0.641. The text of section 3.2 says g = 8 and "8 times as few parameters" while the table says 4-Factorized; the paper gives no widths, no training length and no seeds or error bars. Sizes by our count from the starter code\'s defaults (2 layers of 1 024 cells): the baseline\'s LSTM layers have 4 (1 024 x 1 024 + 1 024 x 1 024 + 1 024) = 8.39 M parameters each on the 1 024-d visual features, 16.8 M in all (17.3 M with the 128 audio features); "small" (4 blocks, same width) a quarter of that, 4.2 M; "big" the same 16.8 M at about twice the width (2 048 cells in 4 blocks: sqrt(g) = 2 times the width for the same parameters). Hit@1: the fraction of videos whose top-scored class is one of their labels. PERR (precision at equal recall rate): per video with k labels, the precision of its k top-scored classes, averaged over videos (google/youtube-8m eval_util.py, calculate_hit_at_one and calculate_precision_at_equal_recall_rate; src/video/videoMetrics.ts, ties by lower class index).',
    '',
    '## The proxy',
    '',
    `${p.description}. Videos (src/video/videoFrames.ts): ${t.featureDimension}-d frame features of unit-variance Gaussian noise; ${t.classes} classes, ${t.minLabels} to ${t.maxLabels} labels per video (uniform); each label adds its unit-norm class prototype times ${t.evidenceStrength} to ${t.evidenceFramesPerLabel} frames drawn among the first ${t.evidenceWindow}; every later frame is pure noise. Training videos run from ${t.minFrames ?? 'T'} to T frames (uniform; the classifier reads each at its own last frame), test videos are all T frames long: at a fixed length of 24 or more no network moved off the memoryless loss in 450 pilot steps, since the gradient through T forget gates near sigma(1) = 0.73 is about e^-0.3T at initialisation; the short videos give a foothold, as YouTube-8M\'s lengths vary (120 to 360 frames). Networks (src/video/videoModel.ts): a linear frame projection, ${p.layers} LSTM layer${p.layers > 1 ? 's' : ''}, a sigmoid readout of the final state; the factorized ones are block-diagonal from the frame to the state. ${sizesText(p)}. Adam (learning rate ${p.learningRate}, gradient norm clipped at ${p.clipNorm}), ${p.steps} steps of ${p.batchSize} fresh videos, sigmoid cross-entropy; metrics on ${p.testVideos} held-out videos (the same for every run); seeds ${p.seeds.join(', ')} (weights and batches), task seed ${p.taskSeed}. Memoryless level (a model that forgot the first ${t.evidenceWindow} frames, labels uniform): Hit@1 = PERR = E[k] / C = ${f3(r.memoryless.hitAtOne)}. "Remembers": Hit@1 above that level by more than 0.05 and 2 standard errors.`,
    '',
    '## Results',
    '',
    'Mean +- standard error over the seeds. Audit: `lrdkit audit` of the trained LSTM (Gaussian input, ' + `${p.audit.sequences} sequences x ${p.audit.steps} steps, max lag ${p.audit.maxLag}` + '), the verdicts over the seeds and the median fitted exponential decay length of the state\'s correlation (steps).',
    '',
    '| frames T | network | width | parameters | Hit@1 | PERR | remembers | audit verdicts | decay length (steps) |',
    '| ---: | --- | ---: | ---: | ---: | ---: | --- | --- | ---: |',
    ...r.rows.map((row) => `| ${row.frames} | ${SIZE_LABEL[row.size]} | ${row.hiddenSize} | ${row.parameters} | ${f3(row.hitAtOne.mean)} +- ${f3(row.hitAtOne.standardError)} | ${f3(row.perr.mean)} +- ${f3(row.perr.standardError)} | ${row.remembers ? 'yes' : 'no'} | ${verdictText(row.verdicts)} | ${row.medianDecayLengthSteps === null ? '-' : row.medianDecayLengthSteps.toFixed(1)} |`),
    '',
    `**Table 1's direction.** ${r.summary}.`,
    '',
    `**Does the LRD verdict predict which model remembers?** ${r.verdictAgainstMemory.summary}.`,
    '',
    'Figure: `metrics.vl.json` (Vega-Lite), rendered as `metrics.svg` and `metrics.png`:',
    '',
    '![Hit@1 and PERR against video length](metrics.png)',
    '',
    'Data: `results.json`; every run\'s result and trained LSTM: `finished/NAME/` (result.json, lrdkit checkpoint: `lrdkit audit reports/video/finished/NAME`).',
    '',
    '## What the proxy can and cannot say about YouTube-8M',
    '',
    '- It can say whether, with the evidence for the labels placed only at the start of a long sequence of uninformative frames, a 4-block factorized LSTM (at equal width or equal parameters) carries it to the end better than a dense one trained the same way, and whether lrdkit\'s audit of the trained cells tells the networks that carry it from those that do not. That is the mechanism section 3.2 invokes ("frames located at the beginning of the video inform the classification decision").',
    '- It cannot reproduce Table 1\'s numbers or say that the gain there came from memory: YouTube-8M\'s evidence is spread over the whole video (the benchmark\'s standard baselines classify the average of all frames), its 4 716 labels are very unevenly frequent, its frames are correlated CNN features, and its models are 1 024 wide on 1 024 + 128 features trained for days. Here the labels are uniform, the noise is white, the widths are ' + `${p.baselineHiddenSize} and the features ${t.featureDimension}-d` + ', and the training is minutes. Absolute Hit@1 and PERR here say nothing about the real data set; only the ordering of the networks and its dependence on the video length are the proxy\'s.',
    '- The evidence sits in the first frames by construction, and the label prior is flat, so "remembers" has one meaning here (Hit@1 above E[k] / C); on the real data a model can score well without remembering anything from the start.',
    '',
    '## The standard plan (not run here)',
    '',
    '`lrdkit reproduce video --standard --plan` printed, on this machine while it was loaded by other training jobs:',
    '',
    '```',
    planText.trim(),
    '```',
    '',
    `This plan's ${r.runs.length} runs used ${Math.round(r.runs.reduce((a, x) => a + x.trainCpuSeconds, 0))} CPU seconds of training in all (process.cpuUsage of each run; ${Math.round(r.runs.reduce((a, x) => a + x.trainSeconds, 0))} s of wall clock on the loaded machine).`,
    '',
    `Regenerate: \`${command}\` (finished runs in finished/ are reused).`,
    '',
  ].join('\n');
}



/** Options of {@link runVideoReproduction}. */
export interface VideoReproductionOptions {
  readonly plan: VideoPlan;
  /** Where finished runs are archived (DIR/finished). */
  readonly archive: string;
  /** Runs at a time in child processes (1: in this process). */
  readonly jobs: number;
  readonly backend: string;
  readonly version: string;
  /** The child's arguments for one run (`reproduce video --PLAN --out DIR --only NAME ...`); null: train in this process. */
  readonly childArguments: ((run: VideoPlannedRun) => string[]) | null;
  readonly onMessage?: (m: string) => void;
}

/**
 * Trains every run of the plan not archived yet, `jobs` at a time in child processes when
 * `childArguments` is given (the compiled CLI), else one after the other in this process.
 *
 * @throws Error naming the runs that failed, with the end of their stderr
 */
export async function runVideoReproduction(o: VideoReproductionOptions): Promise<void> {
  const { compiledCli, trainInChild } = await import('../train/reproduce.js');
  const runs = videoPlannedRuns(o.plan);
  const say = o.onMessage ?? (() => undefined);
  const cli = o.jobs > 1 && o.childArguments ? compiledCli() : null;
  const todo = runs.filter((r) => readArchivedVideoRun(o.archive, r) === null);
  say(`reproduce video (${o.plan.name}): ${runs.length} runs, ${runs.length - todo.length} archived, ${todo.length} to train, ${cli ? `${o.jobs} child processes` : 'in this process'}`);
  const started = performance.now();
  const cost = (run: VideoPlannedRun) => videoRunTrainingFlops(o.plan, run);
  let remaining = todo.reduce((a, r) => a + cost(r), 0), trained = 0, done = 0;
  const failures: string[] = [];
  const work = async (run: VideoPlannedRun) => {
    const t0 = performance.now();
    if (cli && o.childArguments) {
      const r = await trainInChild(cli, o.childArguments(run));
      if (r.code !== 0) {
        failures.push(`${run.name} (exit ${r.code}): ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
        return;
      }
    } else {
      await runVideoRun(o.plan, run, o.archive, o.backend, o.version);
    }
    done++;
    trained += cost(run);
    remaining -= cost(run);
    const elapsed = (performance.now() - started) / 1000;
    const r = readArchivedVideoRun(o.archive, run);
    const what = r ? `Hit@1 ${r.hitAtOne.toFixed(3)}, PERR ${r.perr.toFixed(3)}, audit ${r.audit.verdict}` : 'finished';
    say(`reproduce video: [${done}/${todo.length}] ${run.name}: ${what} (${((performance.now() - t0) / 1000).toFixed(0)} s; plan ETA ${formatDuration((elapsed * Math.max(0, remaining)) / trained)})`);
  };
  const queue = [...todo];
  await Promise.all(Array.from({ length: cli ? Math.max(1, o.jobs) : 1 }, async () => {
    for (let run = queue.shift(); run; run = queue.shift()) await work(run);
  }));
  if (failures.length > 0) throw new Error(`reproduce video: ${failures.length} run(s) failed: ${failures.join('; ')}`);
}

/**
 * Effective training FLOP/s now: `steps` timed steps (after one untimed) of the baseline at the
 * plan's longest videos, per wall-clock second and per CPU second of this process.
 */
export async function measureVideoTrainingRate(plan: VideoPlan, steps = 2): Promise<{ flopsPerSecond: number; flopsPerCpuSecond: number; secondsPerStep: number; run: VideoPlannedRun }> {
  const { trainVideoClassifier } = await import('./trainVideo.js');
  const run = videoPlannedRuns(plan).find((r) => r.size === 'baseline') as VideoPlannedRun;
  const one = { task: runTask(plan, run), taskSeed: plan.taskSeed, model: run.model, seed: run.seed, batchSize: plan.batchSize, learningRate: plan.learningRate, clipNorm: plan.clipNorm, testVideos: 1 };
  trainVideoClassifier({ ...one, steps: 1 }).model.dispose();
  const t0 = performance.now(), c0 = process.cpuUsage();
  trainVideoClassifier({ ...one, steps }).model.dispose();
  const seconds = (performance.now() - t0) / 1000, cpu = process.cpuUsage(c0);
  const flops = (videoRunTrainingFlops(plan, run) / plan.steps) * steps;
  return { flopsPerSecond: flops / seconds, flopsPerCpuSecond: flops / ((cpu.user + cpu.system) / 1e6), secondsPerStep: seconds / steps, run };
}
