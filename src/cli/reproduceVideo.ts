/**
 * `lrdkit reproduce video`: the paper's YouTube-8M experiment (section 3.2, Table 1) as a seeded
 * synthetic proxy (src/video/experiment.ts): baseline LSTM vs 4-block factorized small and big,
 * Hit@1 and PERR over seeds and video lengths, each trained LSTM audited. Writes DIR/results.json,
 * DIR/results.md, DIR/metrics.vl.json with its SVG and PNG renderings (atomically, once every
 * run has finished) and archives each run in DIR/finished/NAME/ as it finishes; `--plan` prints
 * the runs and an estimated time; committed results are not overwritten without --out.
 *
 * Exit status: 0 done; 1 a training run failed; 2 bad input (nothing written).
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { BackendUnavailableError, TRAINING_BACKENDS, ensureBackend } from '../train/backend.js';
import { formatDuration } from '../train/reproduce.js';
import { VIDEO_PLANS, type VideoPlan, type VideoPlanName, collectVideoResults, estimateVideoPlan, measureVideoTrainingRate, runTask, runVideoReproduction, runVideoRun, videoMetricsSpec, videoPlannedRuns, videoResultsMarkdown } from '../video/experiment.js';
import { videoClassifierParameters } from '../video/videoModel.js';
import { type ParsedArgs, UsageError, choiceOption, integerOption } from './args.js';
import { progress, writeFileAtomic } from './output.js';
import { didYouMean } from './suggest.js';

/** Where each plan's results go without --out. */
const DEFAULT_OUT: Readonly<Record<Exclude<VideoPlanName, 'tiny'>, string>> = {
  quick: join('reports', 'video'),
  standard: join('reports', 'video', 'standard'),
};

/** Audit seconds per run assumed by --plan (CPU seconds of one audit at the plan's settings, measured on the quick plan's runs). */
const AUDIT_SECONDS: Readonly<Record<VideoPlanName, number>> = { quick: 4, standard: 15, tiny: 1 };

export const REPRODUCE_VIDEO_HELP = `lrdkit reproduce video: the YouTube-8M experiment (section 3.2, Table 1) as a synthetic proxy.

Usage: lrdkit reproduce video [--quick|--standard] [--plan] [options]

Seeded multi-label videos whose class evidence sits in the first ${VIDEO_PLANS.quick.task.evidenceWindow} frames of many
uninformative ones. Baseline LSTM vs ${VIDEO_PLANS.quick.groups}-block factorized "small" (same width, about ${VIDEO_PLANS.quick.groups}x fewer
parameters) and "big" (equal parameters), for several video lengths and seeds: Hit@1 and PERR
(precision at equal recall rate, as YouTube-8M's eval_util.py) on held-out videos, and an lrdkit
audit of every trained LSTM. Each finished run is archived in DIR/finished/NAME/ and reused.

Options:
  --quick          quick plan (default): baseline width 32, lengths 24 and 200 frames,
                   3 seeds, 600 steps (about 8 minutes on 2 idle CPU cores)
  --standard       standard plan: baseline width 48, lengths 24, 64, 200 and 300 frames,
                   4 seeds, 1200 steps (under 3 hours on 2 CPU cores; see --plan)
  --plan           print the plan's runs (network, width, parameters, frames, seed) and the
                   estimated time from a few timed training steps; train nothing
  --out DIR        output folder (default ${DEFAULT_OUT.quick}; --standard: ${DEFAULT_OUT.standard}):
                   results.json, results.md, metrics.vl.json / .svg / .png, finished/;
                   results already in a plan's default folder are never overwritten: pass --out
  --jobs N         runs at a time, child processes (default 2)
  --backend B      auto | ${TRAINING_BACKENDS.join(' | ')} (default auto)
  --only NAME      train and archive one run of the plan (what the child processes do)
  --quiet          no progress on stderr
  -h, --help       this help

Exit status: 0 done; 1 a training run failed; 2 bad input.

Examples:
  lrdkit reproduce video --standard --plan
  lrdkit reproduce video --quick --out /tmp/video
  lrdkit audit reports/video/finished/lstm-g4-big-h64-T200-s1`;

/** Runs `lrdkit reproduce video` (args.positionals[0] is 'video'). */
export async function runReproduceVideo(args: ParsedArgs, version: string): Promise<number> {
  const o = args.options;
  const cmd = 'reproduce';
  if (args.positionals.length > 1) throw new UsageError(`lrdkit reproduce: unexpected argument "${args.positionals[1]}"`);
  if (o.full === true) throw new UsageError('lrdkit reproduce video: expected --quick or --standard, found --full (the video proxy has no full plan)');
  if (o.quick === true && o.standard === true) throw new UsageError('lrdkit reproduce video: --quick and --standard exclude each other, found both');
  if (o.runs !== undefined) throw new UsageError('lrdkit reproduce video: --runs is not an option of the video experiment (its runs are archived in DIR/finished)');
  const name = o.standard === true ? 'standard' : 'quick';
  const plan = VIDEO_PLANS[name];
  const out = typeof o.out === 'string' ? o.out : DEFAULT_OUT[name];
  const archive = join(out, 'finished');
  const jobs = integerOption(o, 'jobs', 2, 1, 64, cmd);
  const backend = choiceOption(o, 'backend', ['auto', ...TRAINING_BACKENDS] as const, 'auto', cmd);
  if (o.plan !== true && typeof o.only !== 'string' && typeof o.out !== 'string' && existsSync(join(out, 'results.json'))) {
    throw new UsageError(`lrdkit reproduce video: ${join(out, 'results.json')} exists (committed results are not overwritten by default); pass --out ${out} to overwrite them or --out DIR to write elsewhere`);
  }
  const log = progress(o.quiet === true);
  let selected: string;
  try {
    selected = (await ensureBackend(backend, o.plan === true || typeof o.only === 'string' ? undefined : log)).backend;
  } catch (e) {
    if (e instanceof BackendUnavailableError) throw new UsageError(`lrdkit reproduce: ${e.message}`);
    throw e;
  }
  if (o.plan === true) {
    process.stdout.write(`${await videoPlanText(plan, jobs, out)}\n`);
    return 0;
  }
  if (typeof o.only === 'string') {
    const run = videoPlannedRuns(plan).find((r) => r.name === o.only);
    if (!run) throw new UsageError(`lrdkit reproduce video: --only ${o.only} is not a run of the ${plan.name} plan${didYouMean(o.only, videoPlannedRuns(plan).map((r) => r.name))}`);
    await runVideoRun(plan, run, archive, selected, version, log);
    return 0;
  }
  const planFlag = `--${plan.name}`;
  try {
    await runVideoReproduction({
      plan,
      archive,
      jobs,
      backend: selected,
      version,
      childArguments: (run) => ['reproduce', 'video', planFlag, '--out', out, '--only', run.name, '--backend', selected, '--quiet'],
      onMessage: log,
    });
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    return 1;
  }
  const results = collectVideoResults(plan, archive, version);
  const command = `lrdkit reproduce video ${planFlag} --out ${out}`;
  const spec = videoMetricsSpec(results);
  const { renderSvg, renderPng } = await import('../report/render.js');
  const { svg } = await renderSvg(spec, 'metrics');
  const standardPlan = await videoPlanText(VIDEO_PLANS.standard, 2, DEFAULT_OUT.standard);
  writeFileAtomic(join(out, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileAtomic(join(out, 'metrics.vl.json'), `${JSON.stringify(spec)}\n`);
  writeFileAtomic(join(out, 'metrics.svg'), svg);
  writeFileAtomic(join(out, 'metrics.png'), renderPng(svg, { scale: 2 }).png);
  writeFileAtomic(join(out, 'results.md'), videoResultsMarkdown(results, command, standardPlan));
  process.stdout.write(`${results.summary}.\n${results.verdictAgainstMemory.summary}.\n`);
  return 0;
}

/** `--plan`: the runs and the estimated time from a few timed steps (stdout; nothing written). */
export async function videoPlanText(plan: VideoPlan, jobs: number, out: string): Promise<string> {
  const rate = await measureVideoTrainingRate(plan);
  const audit = AUDIT_SECONDS[plan.name];
  const now = estimateVideoPlan(plan, rate.flopsPerSecond, jobs, audit);
  const idle = estimateVideoPlan(plan, rate.flopsPerCpuSecond, jobs, audit);
  const t = plan.task;
  return [
    `lrdkit reproduce video --${plan.name}: ${plan.description}`,
    `${now.runs.length} runs into ${join(out, 'finished')}; ${t.featureDimension}-d frames, ${t.classes} classes, ${t.minLabels}-${t.maxLabels} labels, evidence in the first ${t.evidenceWindow} frames; batch ${plan.batchSize}, Adam lr ${plan.learningRate}, clip ${plan.clipNorm}, ${plan.testVideos} test videos`,
    '',
    '| run | network | width | parameters | frames | steps | seed | estimated |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...now.runs.map(({ run, seconds }) => `| ${run.name} | ${run.size === 'baseline' ? 'baseline LSTM' : `factorized g=${run.model.groups} ${run.size}`} | ${run.model.hiddenSize} | ${videoClassifierParameters(run.model).total} | ${runTask(plan, run).frames} | ${plan.steps} | ${run.seed} | ${formatDuration(seconds)} |`),
    '',
    `Estimated time: ${formatDuration(now.totalSeconds)} with ${jobs} job${jobs > 1 ? 's' : ''} at the machine's current load (${(rate.flopsPerSecond / 1e9).toFixed(2)} GFLOP/s per job, measured now from ${rate.secondsPerStep.toFixed(2)} s per step of ${rate.run.name}), ${formatDuration(idle.totalSeconds)} with a core per job (${(rate.flopsPerCpuSecond / 1e9).toFixed(2)} GFLOP per CPU second); ${audit} s of audit per run assumed. FLOPs per step: 3 x batch x T x the model's FLOPs per frame.`,
  ].join('\n');
}
