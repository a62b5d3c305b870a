/**
 * `lrdkit reproduce recsys`: the recommender experiment of section 3.3 at reduced scale
 * (src/recsys/experiment.ts). Writes DIR/results.json, DIR/results.md, DIR/audits/*.json (the
 * GRUs' audit documents, replicate 0), and the report (DIR/report.html, DIR/report.md,
 * DIR/figures/), all rendered in memory first and written atomically at the end.
 *
 * @module
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BackendUnavailableError, TRAINING_BACKENDS, ensureBackend } from '../train/backend.js';
import { type ParsedArgs, UsageError, choiceOption, integerOption } from './args.js';
import { progress, writeFileAtomic } from './output.js';

export const REPRODUCE_RECSYS_HELP = `lrdkit reproduce recsys: the paper's recommender experiment (section 3.3), at reduced scale.

Usage: lrdkit reproduce recsys [--quick|--full] [options]
       lrdkit reproduce recsys --ablations [--plan] [options]

Synthetic browsing histories with long range dependent modality switches. Models: baseline
(dense GRU), factorized and context-switching GRUs at equal recurrent parameters, and the
baseline with mixed-dimension item embeddings (Ginart et al. 2019). Measures MAP@20 and
recall@20 of the full softmax on the last 10% of time, against popularity and latent-state
oracle references; exact vs inverted-file dot-product serving; an lrdkit audit of every GRU.

Options:
  --quick          1200 users x 150 events, 2 replicates, 6 epochs (about 15 minutes on 2
                   cores) (default)
  --full           5000 users x 300 events, 5 replicates, 12 epochs (hours on 2 cores)
  --ablations      instead: why context switching does not add to factorization (issue 18):
                   context-signal strength in the generator, training steps x4, the experts'
                   mask on inputs / outputs, where the gate sends its mass and the experts'
                   load-balancing loss, MAP@20 around modality switches; 400 users x 120
                   events, 3 seeds, 63 runs (about 18 CPU-minutes); writes results.json and
                   results.md to reports/recsys/ablations (or --out); runs already in
                   DIR/results.json (same seed and scale) are taken over, not retrained
  --plan           with --ablations: print the runs and their cost, train nothing
  --out DIR        output folder (default reports/recsys): results.json, results.md, audits/
                   (each GRU's audit.json), report.html, report.md, figures/
  --seed S         seed of the data and the models (default 1); same seed, same results
  --backend B      auto | ${TRAINING_BACKENDS.join(' | ')} (default auto)
  --quiet          no progress on stderr
  -h, --help       this help

Examples:
  lrdkit reproduce recsys --quick
  lrdkit reproduce recsys --quick --seed 2 --out results/recsys-seed2
  lrdkit reproduce recsys --ablations --plan`;

/** Runs `lrdkit reproduce recsys` (args.positionals[0] is 'recsys'). */
export async function runReproduceRecsys(args: ParsedArgs, version: string): Promise<number> {
  const o = args.options;
  const cmd = 'reproduce';
  if (args.positionals.length > 1) throw new UsageError(`lrdkit reproduce: unexpected argument "${args.positionals[1]}"`);
  if (o.quick === true && o.full === true) throw new UsageError('lrdkit reproduce: --quick and --full exclude each other, found both');
  if (o.ablations === true && (o.quick === true || o.full === true)) throw new UsageError(`lrdkit reproduce: --ablations has its own scale, found it with --${o.quick === true ? 'quick' : 'full'}`);
  if (o.plan === true && o.ablations !== true) throw new UsageError('lrdkit reproduce: --plan for recsys goes with --ablations, found --plan alone');
  const scale = o.full === true ? 'full' : 'quick';
  const out = typeof o.out === 'string' ? o.out : o.ablations === true ? join('reports', 'recsys', 'ablations') : join('reports', 'recsys');
  const seed = integerOption(o, 'seed', 1, 0, 2 ** 31 - 1000, cmd);
  const backend = choiceOption(o, 'backend', ['auto', ...TRAINING_BACKENDS] as const, 'auto', cmd);
  const log = progress(o.quiet === true);
  if (o.ablations === true) return runAblations(out, seed, backend, o.plan === true, log);
  try {
    await ensureBackend(backend, log);
  } catch (e) {
    if (e instanceof BackendUnavailableError) throw new UsageError(`lrdkit reproduce: ${e.message}`);
    throw e;
  }
  const { runRecsysReproduction } = await import('../recsys/experiment.js');
  const { recsysFigures, recsysMarkdown } = await import('../recsys/recsysReport.js');
  const { renderReport, writeRenderedReport } = await import('../report/report.js');
  const results = await runRecsysReproduction({ scale, seed, version, onProgress: log });
  const command = `lrdkit reproduce recsys --${scale}${seed !== 1 ? ` --seed ${seed}` : ''}`;
  const audits = results.models.filter((m) => m.replicate === 0 && m.audit).map((m) => ({ label: m.label, document: (m.audit as NonNullable<typeof m.audit>).document }));
  const rendered = await renderReport(audits, { title: 'Recommender experiment (section 3.3): results and GRU audits', figures: recsysFigures(results), onProgress: log });
  const json = {
    ...results,
    models: results.models.map((m) => (m.audit ? { ...m, audit: { ...m.audit, document: `audits/${m.label}-${m.replicate}.json` } } : m)),
  };
  for (const m of results.models) {
    if (m.audit) writeFileAtomic(join(out, 'audits', `${m.label}-${m.replicate}.json`), `${JSON.stringify(m.audit.document, null, 2)}\n`);
  }
  writeFileAtomic(join(out, 'results.json'), `${JSON.stringify(json, null, 2)}\n`);
  writeFileAtomic(join(out, 'results.md'), recsysMarkdown(results, command));
  writeRenderedReport(rendered, out);
  process.stdout.write(recsysMarkdown(results, command).split('## Table 2 ordering')[1]?.split('## Serving')[0]?.trim() ?? '');
  process.stdout.write('\n');
  return 0;
}

/** `lrdkit reproduce recsys --ablations [--plan]` (src/recsys/ablations.ts). */
async function runAblations(out: string, seed: number, backend: Parameters<typeof ensureBackend>[0], planOnly: boolean, log: (line: string) => void): Promise<number> {
  const { RECSYS_ABLATION_SCALE, ablationJson, ablationMarkdown, ablationPlan, runRecsysAblations } = await import('../recsys/ablations.js');
  const command = `lrdkit reproduce recsys --ablations${seed !== 1 ? ` --seed ${seed}` : ''}`;
  const plan = ablationPlan(RECSYS_ABLATION_SCALE);
  if (planOnly) {
    const s = RECSYS_ABLATION_SCALE;
    const units = plan.reduce((a, r) => a + r.epochs / s.epochs, 0);
    process.stdout.write(`${command}: ${plan.length} training runs of ${s.users} users x ${s.length} events (${units} run-equivalents of ${s.epochs} epochs; about 11 CPU-seconds each on one core, so about ${Math.round((units * 11) / 60)} CPU-minutes); results to ${out}\n`);
    process.stdout.write('| arm | context | model | epochs | seeds |\n| --- | --- | --- | ---: | ---: |\n');
    const seen = new Map<string, number>();
    for (const r of plan) seen.set(`| ${r.arm} | ${r.context} | ${r.model} | ${r.epochs}`, (seen.get(`| ${r.arm} | ${r.context} | ${r.model} | ${r.epochs}`) ?? 0) + 1);
    for (const [row, n] of seen) process.stdout.write(`${row} | ${n} |\n`);
    return 0;
  }
  try {
    await ensureBackend(backend, log);
  } catch (e) {
    if (e instanceof BackendUnavailableError) throw new UsageError(`lrdkit reproduce: ${e.message}`);
    throw e;
  }
  const previousFile = join(out, 'results.json');
  let previous: import('../recsys/ablations.js').AblationResults | undefined;
  if (existsSync(previousFile)) {
    try {
      const json = JSON.parse(readFileSync(previousFile, 'utf8')) as { seed: number; scale: typeof RECSYS_ABLATION_SCALE; runs: import('../recsys/ablations.js').AblationRunResult[] };
      previous = { seed: json.seed, scale: json.scale, runs: json.runs };
    } catch (e) {
      throw new UsageError(`lrdkit reproduce: ${previousFile} is not an ablation results.json (${(e as Error).message}); remove it or choose another --out`);
    }
    if (!Array.isArray(previous.runs)) throw new UsageError(`lrdkit reproduce: ${previousFile} has no runs array, expected an ablation results.json; remove it or choose another --out`);
    log(`recsys ablations: taking over the runs of ${previousFile} with seed ${seed} and this scale`);
  }
  const results = runRecsysAblations({ scale: RECSYS_ABLATION_SCALE, seed, onProgress: log, runs: plan, ...(previous ? { previous } : {}) });
  writeFileAtomic(join(out, 'results.json'), `${JSON.stringify(ablationJson(results, command), null, 2)}\n`);
  writeFileAtomic(join(out, 'results.md'), ablationMarkdown(results, command));
  process.stdout.write(`${ablationMarkdown(results, command).split('## Paired differences')[1]?.trim() ?? ''}\n`);
  return 0;
}
