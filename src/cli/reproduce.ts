/**
 * `lrdkit reproduce copy-task`: the paper's copy-task comparison (section 3.1, Figures 1-3):
 * dense vs factorized networks at equal parameters ("big") and equal width ("small") for each
 * repeat count; writes DIR/results.json, DIR/results.md (table and verdict) and
 * DIR/loss-curves.vl.json (Vega-Lite) with its SVG and PNG renderings, each atomically once every run has finished, copies
 * the trained recurrent layers of the dense and the big factorized network at the largest repeat
 * count (lrdkit checkpoints: model.json + shard) to DIR/dense/ and DIR/factorized/ (the first
 * cell; other cells to DIR/CELL-dense/ and DIR/CELL-factorized/), where `lrdkit audit` and
 * `npm run reports` find them (the run folders themselves are not committed), and audits each
 * of them (DIR/audits/FOLDER/audit.json and summary.md; the verdicts in results.json and
 * results.md).
 * Each finished run is archived as it finishes in DIR/finished/NAME/ (its summary and trained
 * layers), so that a long plan can be committed as it goes and continued elsewhere; `--plan`
 * prints a plan with a time estimate; results already in a plan's default folder are not
 * overwritten unless --out names it.
 *
 * Exit status: 0 done (whether or not the paper's direction reproduces: the verdict is in the
 * outputs); 1 a training run failed; 2 bad input (nothing written).
 *
 * @module
 */
import { chmodSync, constants, copyFileSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { temporaryFolderBeside } from '../internal/stagedFolder.js';
import { LRDKIT_SHARD } from '../checkpoints/lrdkitFormat.js';
import type { AuditOptions } from '../audit/auditDocument.js';
import type { ReproductionResults } from '../train/reproduce.js';
import { BackendUnavailableError, TRAINING_BACKENDS, ensureBackend } from '../train/backend.js';
import { copySequenceLength } from '../train/copyTask.js';
import { modelParameterCount } from '../train/modelConfig.js';
import { REPRODUCTION_PLANS, type ReproductionPlan, type ReproductionPlanName, collectResults, compiledCli, describeLearningRates, estimatePlan, formatDuration, lossCurveSpec, measureTrainingRate, plannedRuns, resultsMarkdown, runReproduction } from '../train/reproduce.js';
import { MAX_TRAINING_THREADS, TRAIN_DEFAULTS, type TrainingKernels, copyModelConfig } from '../train/trainingConfig.js';
import { type ParsedArgs, UsageError, choiceOption, integerOption } from './args.js';
import { kernelsOption } from './train.js';
import { REPRODUCE_RECSYS_HELP, runReproduceRecsys } from './reproduceRecsys.js';
import { REPRODUCE_VIDEO_HELP, runReproduceVideo } from './reproduceVideo.js';
import { progress, writeFileAtomic } from './output.js';
import { didYouMean } from './suggest.js';

/** `text` wrapped at `width` columns, continuation lines indented by `indent` spaces. */
function wrapLines(text: string, width: number, indent: number): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  lines.push(line);
  return lines.join(`\n${' '.repeat(indent)}`);
}

/** Where each plan's results go without --out (the quick plan's committed results live in reports/copy-task). */
const DEFAULT_OUT: Readonly<Record<ReproductionPlanName, string>> = {
  quick: join('reports', 'copy-task'),
  standard: join('reports', 'copy-task', 'standard'),
  long: join('reports', 'copy-task', 'long'),
  full: join('reports', 'copy-task', 'full'),
};

export const REPRODUCE_OPTIONS = {
  quick: 'boolean',
  standard: 'boolean',
  long: 'boolean',
  full: 'boolean',
  plan: 'boolean',
  ablations: 'boolean',
  out: 'string',
  runs: 'string',
  jobs: 'string',
  threads: 'string',
  kernels: 'string',
  backend: 'string',
  seed: 'string',
  only: 'string',
  quiet: 'boolean',
} as const;

export const REPRODUCE_COPY_TASK_HELP = `lrdkit reproduce copy-task: the paper's copy-task experiment (section 3.1, Figures 1-3).

Usage: lrdkit reproduce copy-task [--quick|--standard|--long|--full] [--plan] [options]

Dense vs ${REPRODUCTION_PLANS.quick.groups}-block factorized networks at equal parameters ("big") and equal width
("small": about ${REPRODUCTION_PLANS.quick.groups} times fewer parameters) for each repeat count, trained with
'lrdkit train' (N runs at a time in child processes). Finished runs in the runs folder are
reused and unfinished ones resumed; each finished run is also archived in DIR/finished/NAME/
(result.json, model.json + shard) for committing as the plan goes: a plan continued on another
machine from the committed archive skips those runs.

Options:
  --quick          ${wrapLines(`${REPRODUCTION_PLANS.quick.description} (default)`, 78, 19)}
  --standard       ${wrapLines(REPRODUCTION_PLANS.standard.description, 78, 19)}
  --long           ${wrapLines(REPRODUCTION_PLANS.long.description, 78, 19)}
  --full           ${wrapLines(REPRODUCTION_PLANS.full.description, 78, 19)}
  --plan           print the plan's runs (cell, network, width, parameters, repeats, steps,
                   seed) and the estimated time from a few timed training steps; train nothing
  --out DIR        output folder (default ${DEFAULT_OUT.quick}; --standard: ${DEFAULT_OUT.standard};
                   --long: ${DEFAULT_OUT.long}; --full: ${DEFAULT_OUT.full});
                   results already in a plan's default folder (committed results) are
                   never overwritten: pass --out. Writes
                   results.json (per run: final loss in nats per symbol with its standard
                   error; per repeat count: the gaps; the verdict), results.md (table),
                   loss-curves.vl.json / .svg / .png, the trained dense and big
                   factorized networks at the largest repeat count in DIR/dense/ and
                   DIR/factorized/ (first cell; others in DIR/CELL-dense/ and
                   DIR/CELL-factorized/; lrdkit checkpoints) and their audits
                   (DIR/audits/FOLDER/: audit.json, summary.md; verdicts in results.md)
  --runs DIR       training run folders (default DIR/runs; kept out of git)
  --jobs N         training runs at a time, child processes (default 2)
  --threads N      data-parallel threads per training run (default 1; lrdkit train --threads);
                   a run started earlier resumes on its own count
  --kernels K      wasm | native for the runs started (default wasm; lrdkit train --kernels,
                   native needs \`npm run native\`); a run started earlier keeps its own
  --backend B      auto | ${TRAINING_BACKENDS.join(' | ')} (default auto)
  --quiet          no progress on stderr
  -h, --help       this help

Exit status: 0 done (the verdict is in the outputs); 1 a training run failed; 2 bad input.

Examples:
  lrdkit reproduce copy-task --standard --plan
  lrdkit reproduce copy-task --quick --out /tmp/copy-task
  lrdkit audit reports/copy-task/factorized`;

export const REPRODUCE_HELP = `lrdkit reproduce: the paper's experiments, at reduced (--quick) or full (--full) scale.

Usage: lrdkit reproduce copy-task [--quick|--standard|--long|--full] [--plan] [options]
       lrdkit reproduce recsys [--quick|--full] [options]
       lrdkit reproduce video [--quick|--standard] [--plan] [options]

Experiments:
  copy-task   dense vs factorized GRU/LSTM on the copy task (section 3.1, Figures 1-3):
              results.json, results.md, loss-curve chart, trained checkpoints
  recsys      the recommender experiment (section 3.3): MAP@20, recall@20, serving, audits
  video       the YouTube-8M experiment (section 3.2, Table 1) as a synthetic proxy: Hit@1,
              PERR and audits of baseline vs factorized LSTMs over video lengths

Options: see 'lrdkit reproduce copy-task --help', 'lrdkit reproduce recsys --help' and
'lrdkit reproduce video --help'.

Examples:
  lrdkit reproduce copy-task --quick
  lrdkit reproduce recsys --quick
  lrdkit help reproduce recsys`;

/** The help of `lrdkit reproduce EXPERIMENT` (undefined: the overview). */
export function reproduceHelp(positionals: readonly string[]): string | undefined {
  if (positionals[0] === 'copy-task') return REPRODUCE_COPY_TASK_HELP;
  if (positionals[0] === 'recsys') return REPRODUCE_RECSYS_HELP;
  if (positionals[0] === 'video') return REPRODUCE_VIDEO_HELP;
  return undefined;
}

/** CLI entry. */
export async function runReproduce(args: ParsedArgs, version: string): Promise<number> {
  const o = args.options;
  const cmd = 'reproduce';
  const [experiment, ...extra] = args.positionals;
  if (experiment === 'recsys') return runReproduceRecsys(args, version);
  if (experiment === 'video') return runReproduceVideo(args, version);
  if (experiment !== 'copy-task') throw new UsageError(`lrdkit reproduce: expected the experiment copy-task, recsys or video, found ${experiment === undefined ? 'none (see lrdkit reproduce --help)' : `"${experiment}"${didYouMean(experiment, ['copy-task', 'recsys', 'video'])}`}`);
  if (extra.length > 0) throw new UsageError(`lrdkit reproduce: unexpected argument "${extra[0]}"`);
  const chosen = (['quick', 'standard', 'long', 'full'] as const).filter((n) => o[n] === true);
  if (chosen.length > 1) throw new UsageError(`lrdkit reproduce: ${chosen.map((n) => `--${n}`).join(' and ')} exclude each other, found ${chosen.length === 2 ? 'both' : `${chosen.length} of them`}`);
  const plan = REPRODUCTION_PLANS[chosen[0] ?? 'quick'];
  const out = typeof o.out === 'string' ? o.out : DEFAULT_OUT[plan.name];
  const runs = typeof o.runs === 'string' ? o.runs : join(out, 'runs');
  // Finished runs' summaries and trained layers, committed as the plan goes (the run folders are not).
  const archive = join(out, 'finished');
  const jobs = integerOption(o, 'jobs', 2, 1, 64, cmd);
  const threads = integerOption(o, 'threads', 1, 1, MAX_TRAINING_THREADS, cmd);
  const indivisible = plannedRuns(plan).find((r) => (r.options.batchSize ?? TRAIN_DEFAULTS.batchSize) % threads !== 0);
  if (indivisible) throw new UsageError(`lrdkit reproduce: --threads ${threads} does not divide the batch of ${indivisible.options.batchSize ?? TRAIN_DEFAULTS.batchSize} sequences of run ${indivisible.name}; expected a divisor of it`);
  const backend = choiceOption(o, 'backend', ['auto', ...TRAINING_BACKENDS] as const, 'auto', cmd);
  const kernels = kernelsOption(o, 'wasm', cmd);
  const log = progress(o.quiet === true);
  if (o.plan === true) return printPlan(plan, jobs, out, runs, backend, kernels, log);
  if (typeof o.out !== 'string' && existsSync(join(out, 'results.json'))) {
    throw new UsageError(`lrdkit reproduce: ${join(out, 'results.json')} exists (committed results are not overwritten by default); pass --out ${out} to overwrite them or --out DIR to write elsewhere`);
  }
  const children = jobs > 1 && compiledCli() !== null;
  // Selected (and logged) once here; the child processes are told to use the same backend.
  let selected: string;
  try {
    selected = (await ensureBackend(backend, log)).backend;
  } catch (e) {
    if (e instanceof BackendUnavailableError) throw new UsageError(`lrdkit reproduce: ${e.message}`);
    throw e;
  }
  const planned = plannedRuns(plan);
  log(`reproduce copy-task (${plan.name}): ${planned.length} runs of ${plan.steps} steps into ${runs}, ${children ? `${jobs} child processes` : 'in this process'}`);
  if (!existsSync(runs)) {
    mkdirSync(runs, { recursive: true });
    // Run directories (checkpoints, optimizer state) are regenerable and large: keep them out of git.
    writeFileSync(join(runs, '.gitignore'), '*\n');
  }
  try {
    await runReproduction({ plan, runsDirectory: runs, jobs, threads, kernels, backend: selected, version, archiveDirectory: archive, onMessage: log });
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    return 1;
  }
  const command = `lrdkit reproduce copy-task --${plan.name}${kernels === 'native' ? ' --kernels native' : ''} --out ${out}${typeof o.runs === 'string' ? ` --runs ${runs}` : ''}`;
  const results = await finishCopyTaskReproduction({ plan, runsDirectory: runs, archiveDirectory: archive, out, version, command, log });
  process.stdout.write(`${results.verdict.summary}\n`);
  return 0;
}

/**
 * `--plan`: the plan's runs and the estimated time, from a calibration of a few training steps
 * on the selected backend (stdout; nothing written).
 */
async function printPlan(plan: ReproductionPlan, jobs: number, out: string, runs: string, backend: Parameters<typeof ensureBackend>[0], kernels: TrainingKernels, log: (m: string) => void): Promise<number> {
  try {
    await ensureBackend(backend, log);
  } catch (e) {
    if (e instanceof BackendUnavailableError) throw new UsageError(`lrdkit reproduce: ${e.message}`);
    throw e;
  }
  const rate = await measureTrainingRate(plan, 2, kernels);
  const estimate = estimatePlan(plan, rate.flopsPerSecond, jobs);
  const unloaded = estimatePlan(plan, rate.flopsPerCpuSecond, jobs);
  const lines = [
    `lrdkit reproduce copy-task --${plan.name}: ${plan.description}`,
    `${estimate.runs.length} runs into ${runs}, results into ${out}; batch ${plan.batchSize}, ${plan.layers} layers, RMSProp lr ${describeLearningRates(plan)}, clip ${plan.clipNorm}`,
    '',
    '| run | cell | network | width | parameters | repeats | T | steps | seed | estimated |',
    '| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...estimate.runs.map(({ run, seconds }) => {
      const x = run.options;
      const params = modelParameterCount(copyModelConfig({ kind: x.kind, variant: x.variant, groups: x.groups, hiddenSize: x.hiddenSize, layers: x.layers }));
      return `| ${run.name} | ${run.cell} | ${run.size === 'dense' ? 'dense' : `factorized g=${x.groups} ${run.size}`} | ${x.hiddenSize} | ${params} | ${run.repeats} | ${copySequenceLength(run.repeats)} | ${x.steps} | ${run.seed} | ${formatDuration(seconds)} |`;
    }),
    '',
    `Estimated time: ${formatDuration(estimate.totalSeconds)} with ${jobs} job${jobs > 1 ? 's' : ''} at the machine's current load (${formatDuration(estimate.runs.reduce((a, r) => a + r.seconds, 0))} of training in all; ${(rate.flopsPerSecond / 1e9).toFixed(2)} GFLOP/s per job, measured now from ${rate.secondsPerStep.toFixed(2)} s per step of ${rate.run.name} on the ${kernels} kernels), ${formatDuration(unloaded.totalSeconds)} with a core per job (${(rate.flopsPerCpuSecond / 1e9).toFixed(2)} GFLOP per CPU second). FLOPs per step: 3 T x batch x the model's FLOPs per time step; the estimate scales the measured rate to every run (the table: at the current load).`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

/** One trained network copied out of the archive and audited (results.json `audits`, results.md). */
export interface TrainedNetworkAudit {
  readonly cell: string;
  readonly network: 'dense' | 'big';
  /** The run it comes from (archived under DIR/finished/). */
  readonly run: string;
  readonly repeats: number;
  readonly seed: number;
  /** Its lrdkit checkpoint, relative to DIR ('dense', 'factorized', 'lstm-dense', ...). */
  readonly folder: string;
  /** Its audit documents, relative to DIR (audits/FOLDER/audit.json and summary.md). */
  readonly audit: string;
  readonly overall: string;
  readonly layers: readonly { readonly name: string; readonly verdict: string; readonly sentence: string }[];
}

/** Options of {@link finishCopyTaskReproduction}. */
export interface FinishOptions {
  readonly plan: ReproductionPlan;
  readonly runsDirectory: string;
  readonly archiveDirectory: string;
  readonly out: string;
  readonly version: string;
  /** The command that regenerates the outputs (quoted in results.md). */
  readonly command: string;
  /** Overrides of the audit's default run (tests use small ones; default: `lrdkit audit`'s, seed 0). */
  readonly auditOptions?: Partial<AuditOptions>;
  readonly log?: (m: string) => void;
}

/**
 * The outputs of a reproduction whose runs have all finished (archived or in the runs folder):
 * collects the results, copies the trained dense and big factorized networks at the largest
 * repeat count (first seed) of every cell out of the archive (the first cell's to DIR/dense and
 * DIR/factorized, the others' to DIR/CELL-dense and DIR/CELL-factorized), audits each copy as
 * `lrdkit audit FOLDER --seed 0` does (documents in DIR/audits/FOLDER/: audit.json, summary.md),
 * and writes results.json (with the audits' verdicts), results.md (table, verdict, audits) and the
 * loss-curve figure (loss-curves.vl.json, .svg, .png), each file atomically.
 */
export async function finishCopyTaskReproduction(o: FinishOptions): Promise<ReproductionResults & { audits: TrainedNetworkAudit[] }> {
  const log = o.log ?? (() => undefined);
  const results = collectResults(o.plan, o.runsDirectory, o.version, o.archiveDirectory);
  const copies = copyTrainedCheckpoints(results, o.archiveDirectory, o.out);
  const { auditCheckpointFile, AUDIT_RUN_DEFAULTS } = await import('../audit/auditFile.js');
  const { formatSummaryMarkdown } = await import('../audit/summary.js');
  const audits: TrainedNetworkAudit[] = [];
  for (const c of copies) {
    log(`reproduce: auditing ${join(o.out, c.folder)} (${c.run})`);
    const doc = await auditCheckpointFile(join(o.out, c.folder), { ...AUDIT_RUN_DEFAULTS, ...o.auditOptions });
    const auditDir = join('audits', c.folder);
    writeFileAtomic(join(o.out, auditDir, 'audit.json'), `${JSON.stringify(doc, null, 2)}\n`);
    writeFileAtomic(join(o.out, auditDir, 'summary.md'), formatSummaryMarkdown(doc));
    audits.push({
      ...c,
      audit: auditDir,
      overall: doc.verdict.overall,
      layers: doc.layers.map((l) => ({ name: l.name, verdict: l.correlation.verdict, sentence: l.correlation.sentence ?? '' })),
    });
  }
  const full = { ...results, audits };
  writeFileAtomic(join(o.out, 'results.json'), `${JSON.stringify(full, null, 2)}\n`);
  // Compact: the spec carries every plotted point inline.
  const spec = lossCurveSpec(results);
  writeFileAtomic(join(o.out, 'loss-curves.vl.json'), `${JSON.stringify(spec)}\n`);
  // The figure itself, rendered as the reports are (deterministic SVG; PNG with the project's fonts).
  const { renderSvg, renderPng } = await import('../report/render.js');
  const { svg } = await renderSvg(spec as import('vega-lite').TopLevelSpec, 'loss-curves');
  writeFileAtomic(join(o.out, 'loss-curves.svg'), svg);
  writeFileAtomic(join(o.out, 'loss-curves.png'), renderPng(svg, { scale: 2 }).png);
  writeFileAtomic(join(o.out, 'results.md'), `${resultsMarkdown(results, o.command)}${auditsMarkdown(audits)}`);
  return full;
}

/** The results.md section on the audits of the trained networks (empty without audits). */
export function auditsMarkdown(audits: readonly TrainedNetworkAudit[]): string {
  if (audits.length === 0) return '';
  const layerNames = [...new Set(audits.flatMap((a) => a.layers.map((l) => l.name)))];
  const lines = [
    '',
    '## Audits of the trained networks',
    '',
    `\`lrdkit audit FOLDER --seed 0\` (default run) of the trained dense and big factorized networks at the largest repeat count, seed ${[...new Set(audits.map((a) => a.seed))].join(', ')}; documents in \`audits/FOLDER/\` (audit.json, summary.md). SRD: the state's correlation with its past dies out fast enough to sum to a finite total; LRD: it decays like a power law too slowly to sum; inconclusive: the record cannot tell.`,
    '',
    `| cell | network | repeats | folder | overall | ${layerNames.join(' | ')} |`,
    `| --- | --- | ---: | --- | --- | ${layerNames.map(() => '---').join(' | ')} |`,
    ...audits.map((a) => `| ${a.cell.toUpperCase()} | ${a.network === 'dense' ? 'dense' : 'factorized (big)'} | ${a.repeats} | \`${a.folder}/\` | ${a.overall} | ${layerNames.map((n) => a.layers.find((l) => l.name === n)?.verdict ?? '-').join(' | ')} |`),
    '',
    ...audits.flatMap((a) => a.layers.filter((l) => l.sentence !== '').map((l) => `- ${a.cell.toUpperCase()} ${a.network === 'dense' ? 'dense' : 'factorized'}, ${l.name}: ${l.sentence}`)),
    '',
  ];
  return lines.join('\n');
}

/**
 * Copies the archived lrdkit checkpoint files (model.json and its shard) of the dense and the big
 * factorized run at the largest repeat count (first seed) of every cell out of the archive: the
 * plan's first cell to out/dense and out/factorized (where `npm run reports` looks), the others to
 * out/CELL-dense and out/CELL-factorized, each replaced whole (copied to a temporary folder,
 * renamed). Returns what was copied, in order.
 */
export function copyTrainedCheckpoints(results: ReproductionResults, archive: string, out: string): Omit<TrainedNetworkAudit, 'audit' | 'overall' | 'layers'>[] {
  const maxR = Math.max(...results.runs.map((r) => r.repeats));
  const firstSeed = Math.min(...results.runs.map((r) => r.seed));
  const copied: Omit<TrainedNetworkAudit, 'audit' | 'overall' | 'layers'>[] = [];
  results.plan.cells.forEach((cell, i) => {
    for (const [size, target] of [['dense', 'dense'], ['big', 'factorized']] as const) {
      const run = results.runs.find((r) => r.cell === cell && r.repeats === maxR && r.size === size && r.seed === firstSeed);
      if (!run) continue;
      const folder = i === 0 ? target : `${cell}-${target}`;
      const from = join(archive, run.name);
      const dest = join(out, folder);
      mkdirSync(out, { recursive: true });
      const tmp = temporaryFolderBeside(dest); // unpredictable, created fresh (never a planted link)
      try {
        for (const f of ['model.json', LRDKIT_SHARD]) copyFileSync(join(from, f), join(tmp, f), constants.COPYFILE_EXCL);
        chmodSync(tmp, 0o755);
      } catch (e) {
        rmSync(tmp, { recursive: true, force: true });
        throw e;
      }
      rmSync(dest, { recursive: true, force: true });
      renameSync(tmp, dest);
      copied.push({ cell, network: size, run: run.name, repeats: run.repeats, seed: run.seed, folder });
    }
  });
  return copied;
}
