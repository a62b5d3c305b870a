/**
 * `lrdkit report AUDIT.json... [--out DIR] [--title T] [--label NAME]... [--training DIR]... [--quiet]`: reads
 * one or several audit documents (validated against schemas/audit.schema.json) and training
 * run folders, renders the figures (Vega-Lite specs, SVG, PNG), a self-contained HTML page and
 * a Markdown summary, and writes them into DIR only after everything has rendered. With
 * several audits the report is a side-by-side comparison with one verdict table. Prints the
 * files written. Exit 0, or 2 for bad input (one message: file, field, expected, found; no
 * output written).
 *
 * @module
 */
import { existsSync, statSync } from 'node:fs';
import { type ParsedArgs, UsageError } from './args.js';
import { progress } from './output.js';

export const REPORT_OPTIONS = {
  out: 'string',
  title: 'string',
  training: 'strings',
  label: 'strings',
  quiet: 'boolean',
} as const;

export const REPORT_HELP = `lrdkit report: figures, an HTML page and a Markdown summary from audit documents.

Usage: lrdkit report AUDIT.json... [options]

Reads audit documents (lrdkit audit's audit.json) and training run folders; several audits give
a side-by-side comparison with one verdict table. Rendering is deterministic: the same inputs
give the same files.

Options:
  --out DIR        output folder (default ./lrdkit-report): report.html (self-contained, opens
                   offline), report.md (PNGs and captions), figures/ID.svg, .png, .vl.json
  --title T        page title (default: the checkpoints' names)
  --label NAME     the name of each AUDIT.json in legends and tables, in order (default: the
                   checkpoint's file name); give one per AUDIT.json
  --training DIR   a training run folder (run.json + log.jsonl, as lrdkit train writes them):
                   adds its loss curve; repeat for several runs (may be given without audits)
  --quiet          no progress on stderr
  -h, --help       this help

Exit status: 0 done; 2 bad input (nothing written).

Examples:
  lrdkit report lrdkit-audit/gru2/audit.json
  lrdkit report dense/audit.json factorized/audit.json --label dense --label factorized --out compare
  lrdkit report --training runs/gru-dense --training runs/gru-factorized --title "Copy task"`;

/** CLI entry. */
export async function runReport(args: ParsedArgs, _version: string): Promise<number> {
  const o = args.options;
  const training = Array.isArray(o.training) ? o.training : [];
  if (args.positionals.length === 0 && training.length === 0) {
    throw new UsageError('lrdkit report: expected at least one AUDIT.json argument (or --training DIR), found none (see lrdkit report --help)');
  }
  const out = typeof o.out === 'string' ? o.out : 'lrdkit-report';
  const title = typeof o.title === 'string' ? o.title : undefined;
  if (title !== undefined && title.trim() === '') throw new UsageError('lrdkit report: --title expects a non-empty title, found ""');
  if (existsSync(out) && !statSync(out).isDirectory()) throw new UsageError(`lrdkit report: --out ${out}: expected a folder (or a new path), found a file`);
  const log = progress(o.quiet === true);
  const labels = Array.isArray(o.label) ? o.label : undefined;
  if (labels !== undefined && labels.length !== args.positionals.length) {
    throw new UsageError(`lrdkit report: --label expects one label per AUDIT.json (${args.positionals.length}), found ${labels.length}`);
  }
  // Loaded here, not at start-up: vega and resvg are only needed by this command.
  const { writeReport } = await import('../report/report.js');
  const report = await writeReport(args.positionals, out, { ...(title !== undefined ? { title } : {}), ...(labels !== undefined ? { labels } : {}), trainingDirs: training, onProgress: log });
  for (const w of report.warnings) log(`report: warning: ${w}`);
  process.stdout.write(`lrdkit report: ${report.title}: ${report.figures.length} figure(s) in ${out}/ (report.html, report.md, figures/)\n`);
  return 0;
}
