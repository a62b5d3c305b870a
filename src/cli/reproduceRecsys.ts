/**
 * `lrdkit reproduce recsys`: the recommender experiment of section 3.3 at reduced scale
 * (src/recsys/experiment.ts). Writes DIR/results.json, DIR/results.md, DIR/audits/*.json (the
 * GRUs' audit documents, replicate 0), and the report (DIR/report.html, DIR/report.md,
 * DIR/figures/), all rendered in memory first and written atomically at the end.
 *
 * @module
 */
import { join } from 'node:path';
import { BackendUnavailableError, TRAINING_BACKENDS, ensureBackend } from '../train/backend.js';
import { type ParsedArgs, UsageError, choiceOption, integerOption } from './args.js';
import { progress, writeFileAtomic } from './output.js';

export const REPRODUCE_RECSYS_HELP = `lrdkit reproduce recsys: the paper's recommender experiment (section 3.3), at reduced scale.

Usage: lrdkit reproduce recsys [--quick|--full] [options]

Synthetic browsing histories with long range dependent modality switches. Models: baseline
(dense GRU), factorized and context-switching GRUs at equal recurrent parameters, and the
baseline with mixed-dimension item embeddings (Ginart et al. 2019). Measures MAP@20 and
recall@20 of the full softmax on the last 10% of time, against popularity and latent-state
oracle references; exact vs inverted-file dot-product serving; an lrdkit audit of every GRU.

Options:
  --quick          1200 users x 150 events, 2 replicates, 6 epochs (about 15 minutes on 2
                   cores) (default)
  --full           5000 users x 300 events, 5 replicates, 12 epochs (hours on 2 cores)
  --out DIR        output folder (default reports/recsys): results.json, results.md, audits/
                   (each GRU's audit.json), report.html, report.md, figures/
  --seed S         seed of the data and the models (default 1); same seed, same results
  --backend B      auto | ${TRAINING_BACKENDS.join(' | ')} (default auto)
  --quiet          no progress on stderr
  -h, --help       this help

Examples:
  lrdkit reproduce recsys --quick
  lrdkit reproduce recsys --quick --seed 2 --out results/recsys-seed2
  lrdkit reproduce recsys --full --backend tfjs-node`;

/** Runs `lrdkit reproduce recsys` (args.positionals[0] is 'recsys'). */
export async function runReproduceRecsys(args: ParsedArgs, version: string): Promise<number> {
  const o = args.options;
  const cmd = 'reproduce';
  if (args.positionals.length > 1) throw new UsageError(`lrdkit reproduce: unexpected argument "${args.positionals[1]}"`);
  if (o.quick === true && o.full === true) throw new UsageError('lrdkit reproduce: --quick and --full exclude each other, found both');
  const scale = o.full === true ? 'full' : 'quick';
  const out = typeof o.out === 'string' ? o.out : join('reports', 'recsys');
  const seed = integerOption(o, 'seed', 1, 0, 2 ** 31 - 1000, cmd);
  const backend = choiceOption(o, 'backend', ['auto', ...TRAINING_BACKENDS] as const, 'auto', cmd);
  const log = progress(o.quiet === true);
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
