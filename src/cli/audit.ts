/**
 * `lrdkit audit CHECKPOINT`: reads a GRU/LSTM checkpoint (TF.js layers, Keras .h5 / .keras,
 * PyTorch safetensors / torch.save, lrdkit's own), audits every recurrent layer for long range
 * dependence and writes DIR/audit.json, DIR/summary.md, DIR/timings.json and the report (HTML,
 * figures) into a fresh temporary folder renamed into place only after every layer has been
 * analysed and every file written (src/internal/stagedFolder.ts: a failure or a SIGINT leaves
 * the previous folder or none, never a partial one). Options, --out and the audit's memory are
 * checked before any work (./auditPreflight.ts). Prints the
 * verdict table. Exit 0 (verdict as required, or none required), 1 (not as required), 2 (bad
 * input).
 *
 * @module
 */
import { basename, dirname, join } from 'node:path';
import { DEFAULT_MAX_STEPS } from '../audit/adaptiveHorizon.js';
import { auditCheckpoint, readingNotes } from '../audit/auditDocument.js';
import { checkpointBytes } from '../audit/auditFile.js';
import { checkAuditFits, checkAuditOptions, checkOutFolder, estimateAudit } from './auditPreflight.js';
import { formatSummaryMarkdown, formatVerdictTable } from '../audit/summary.js';
import { readCheckpoint } from '../checkpoints/index.js';
import { readRegularFile } from '../checkpoints/internal/fileAccess.js';
import { parseInputSpec } from '../analysis/inputs.js';
import { StagedFolder } from '../internal/stagedFolder.js';
import { type ParsedArgs, UsageError, choiceOption, integerOption } from './args.js';
import { progress } from './output.js';

export const AUDIT_OPTIONS = {
  layer: 'string',
  input: 'string',
  sequences: 'string',
  steps: 'string',
  'max-steps': 'string',
  'burn-in': 'string',
  'max-lag': 'string',
  'jacobian-states': 'string',
  lyapunov: 'string',
  bootstrap: 'string',
  seed: 'string',
  require: 'string',
  out: 'string',
  'no-report': 'boolean',
  quiet: 'boolean',
} as const;

/** Defaults: sized so that a 2-layer GRU(256) audit finishes in about a minute on 2 cores. */
export const AUDIT_DEFAULTS = { sequences: 32, steps: 1024, burnIn: 256, maxLag: 512, jacobianStates: 64, lyapunov: 8, bootstrap: 100, seed: 0 } as const;

export const AUDIT_HELP = `lrdkit audit: audit every recurrent layer of a GRU/LSTM checkpoint for long range dependence.

Usage: lrdkit audit CHECKPOINT [options]

CHECKPOINT is an ONNX model (LSTM / GRU nodes, also inside If / Loop / Scan), a TorchScript
archive, a PyTorch .safetensors or torch.save .pt/.pth file (state dict of nn.GRU / nn.LSTM), a
Keras .h5 / .keras / .weights.h5 file, a TF.js layers model (folder or model.json), an lrdkit
checkpoint folder or an 'lrdkit train' run folder ('lrdkit layers CHECKPOINT' lists what is
read). Each layer is driven with the input below (through the layers beneath it) and its
state's autocorrelation is classified SRD (short range: correlations die out geometrically),
LRD (long range: they decay like a power law) or inconclusive (the record cannot tell), with
Jacobian spectra, Lyapunov exponents and memory exponents beside it.

Options:
  --out DIR              output folder (default ./lrdkit-audit/NAME, NAME = the checkpoint's
                         file name without extension): audit.json (schemas/audit.schema.json),
                         summary.md, timings.json, report.html, report.md, figures/
  --layer NAME           audit only this recurrent layer (default: every layer)
  --input SPEC           the input sequence driving the network (default gaussian):
                           gaussian       iid N(0, 1) per channel and step
                           ar1:PHI        AR(1) per channel, |PHI| < 1 (e.g. ar1:0.9)
                           fgn:H          fractional Gaussian noise, Hurst 0 < H < 1
                           FILE           .json: [[[x per channel] per step] per sequence];
                                          .csv: one row per step, one column per channel,
                                          optional header, a 'sequence' column or blank
                                          lines separating sequences
  --sequences N          input sequences (default ${AUDIT_DEFAULTS.sequences})
  --steps T              recorded steps per sequence (default ${AUDIT_DEFAULTS.steps}); fixes the horizon
  --max-steps M          longest horizon of the adaptive audit (default ${DEFAULT_MAX_STEPS}): a layer
                         inconclusive for lack of record is rerun with doubled steps (and max lag)
                         up to M; every horizon tried is reported. Ignored when --steps is given
  --burn-in B            steps run and discarded before recording (default ${AUDIT_DEFAULTS.burnIn})
  --max-lag K            largest autocorrelation lag, in steps (default ${AUDIT_DEFAULTS.maxLag}, at most T - 1)
  --jacobian-states S    visited states at which the state Jacobian J_t's spectral radius and
                         norm are computed (default ${AUDIT_DEFAULTS.jacobianStates})
  --lyapunov k           leading Lyapunov exponents, in nats per step (default ${AUDIT_DEFAULTS.lyapunov}; 0 skips)
  --bootstrap R          bootstrap replicates for the verdict's confidence intervals
                         (default ${AUDIT_DEFAULTS.bootstrap}; 0 skips them)
  --seed S               random seed of the input and the bootstrap (default ${AUDIT_DEFAULTS.seed}); same seed,
                         same bytes
  --require lrd|srd      exit 1 unless the overall verdict is this one (for CI gates)
  --no-report            write audit.json, summary.md and timings.json only (no HTML, figures)
  --quiet                no progress on stderr
  -h, --help             this help

Exit status: 0 done (and the verdict as required); 1 not as required; 2 bad input (nothing written).

Examples:
  lrdkit audit examples/gru2.safetensors
  lrdkit audit model.h5 --layer gru_1 --input fgn:0.8 --out audits/gru_1
  lrdkit audit reports/copy-task/factorized --require srd --no-report --quiet`;

/** The default output folder: ./lrdkit-audit/NAME, NAME the checkpoint's name without extension. */
export function defaultAuditFolder(checkpointPath: string): string {
  const trimmed = checkpointPath.replace(/[\\/]+$/, '');
  const file = basename(trimmed) === 'model.json' ? basename(dirname(trimmed)) : basename(trimmed);
  const name = file.replace(/(\.weights)?\.(safetensors|keras|h5|hdf5|pt|pth|jit|onnx|bin|json)$/i, '');
  return join('lrdkit-audit', name === '' || name === '.' || name === '..' ? 'checkpoint' : name);
}

/** CLI entry (async: readers may need WebAssembly). */
export async function runAudit(args: ParsedArgs, version: string): Promise<number> {
  const o = args.options;
  const cmd = 'audit';
  if (args.positionals.length !== 1) throw new UsageError(`lrdkit audit: expected one CHECKPOINT argument, found ${args.positionals.length === 0 ? 'none' : `${args.positionals.length} (${args.positionals.join(' ')})`} (see lrdkit audit --help)`);
  const path = args.positionals[0] as string;
  const steps = integerOption(o, 'steps', AUDIT_DEFAULTS.steps, 16, 10_000_000, cmd);
  // --steps fixes the horizon; otherwise it may double up to --max-steps.
  const maxSteps = o.steps !== undefined ? steps : integerOption(o, 'max-steps', Math.max(DEFAULT_MAX_STEPS, steps), steps, 10_000_000, cmd);
  const options = {
    sequences: integerOption(o, 'sequences', AUDIT_DEFAULTS.sequences, 2, 1_000_000, cmd),
    steps,
    burnIn: integerOption(o, 'burn-in', AUDIT_DEFAULTS.burnIn, 0, 10_000_000, cmd),
    maxLag: integerOption(o, 'max-lag', Math.min(AUDIT_DEFAULTS.maxLag, steps - 1), 1, steps - 1, cmd),
    seed: integerOption(o, 'seed', AUDIT_DEFAULTS.seed, 0, 2 ** 31 - 1, cmd),
    input: typeof o.input === 'string' ? o.input : 'gaussian',
    jacobianStates: integerOption(o, 'jacobian-states', AUDIT_DEFAULTS.jacobianStates, 1, 1_000_000, cmd),
    lyapunovExponents: integerOption(o, 'lyapunov', AUDIT_DEFAULTS.lyapunov, 0, 4096, cmd),
    bootstrapReplicates: integerOption(o, 'bootstrap', AUDIT_DEFAULTS.bootstrap, 0, 100_000, cmd),
    maxSteps,
    ...(typeof o.layer === 'string' ? { layer: o.layer } : {}),
  };
  const required = o.require === undefined ? null : choiceOption(o, 'require', ['lrd', 'srd'] as const, 'lrd', cmd);
  const out = typeof o.out === 'string' ? o.out : defaultAuditFolder(path);
  const noReport = o['no-report'] === true;
  // Validates the input spec (and a file's contents) before any work; a file must be a regular one.
  parseInputSpec(options.input, { readFile: (p) => new TextDecoder().decode(readRegularFile(p, { where: '--input' })) });
  checkAuditOptions(options);
  checkOutFolder(out, path);
  const log = progress(o.quiet === true);
  const checkpoint = await readCheckpoint(path);
  if (options.layer !== undefined && !checkpoint.layerInfo.some((l) => l.name === options.layer)) {
    throw new UsageError(`lrdkit audit: --layer ${options.layer}: no such recurrent layer in ${path} (layers: ${checkpoint.layerInfo.map((l) => l.name).join(', ')})`);
  }
  log(`audit: ${path}: ${checkpoint.format}, ${checkpoint.layers.length} recurrent layer(s): ${checkpoint.layerInfo.map((l) => `${l.name} (${checkpoint.layers[checkpoint.layerInfo.indexOf(l)]?.kind} ${checkpoint.layers[checkpoint.layerInfo.indexOf(l)]?.hiddenSize})`).join(', ')}`);
  for (const note of readingNotes(checkpoint)) log(`audit: note: ${note}`);
  const estimate = estimateAudit(checkpoint, options);
  // Memory is checked at the longest horizon the adaptive doubling may reach.
  checkAuditFits(options.maxSteps > options.steps ? estimateAudit(checkpoint, { ...options, steps: options.maxSteps }) : estimate, path);
  if (estimate.seconds > 120) {
    log(`audit: this audit should take about ${Math.round(estimate.seconds / 60)} min on 2 cores (estimate); to make it smaller: --layer NAME (one layer), --sequences ${Math.max(2, options.sequences >> 1)}, --steps ${Math.max(options.maxLag + 1, options.steps >> 1)}, --jacobian-states ${Math.max(1, options.jacobianStates >> 2)}, --bootstrap 0`);
  }
  const bytes = checkpointBytes(checkpoint.source?.checkpoint ?? path);
  const { document, timings } = auditCheckpoint(checkpoint, bytes, { ...options, onProgress: log, expectedSeconds: estimate.seconds }, version);
  // The report (figures, HTML page) is rendered before anything is written: a failure leaves no
  // partial output. Loaded lazily so that other commands do not load vega.
  const report = noReport ? null : await import('../report/report.js');
  const rendered = report ? await report.renderAuditReport(document, { onProgress: log }) : null;
  checkOutFolder(out, path); // again: the folder may have changed during the analysis
  const writeFailed = (e: unknown): unknown =>
    typeof (e as NodeJS.ErrnoException)?.code === 'string' ? new UsageError(`lrdkit audit: --out ${out}: writing the audit failed (${(e as NodeJS.ErrnoException).code}: ${(e as Error).message.split('\n')[0]})`) : e;
  let staged: StagedFolder;
  try {
    staged = StagedFolder.create(out);
  } catch (e) {
    throw writeFailed(e);
  }
  try {
    const files: [string, string | Uint8Array][] = [
      ['audit.json', `${JSON.stringify(document, null, 2)}\n`],
      ['summary.md', formatSummaryMarkdown(document)],
      ['timings.json', `${JSON.stringify({ seconds: timings }, null, 2)}\n`],
      ...(rendered ? rendered.files.map((f): [string, string | Uint8Array] => [f.path, f.content]) : []),
    ];
    for (const [name, content] of files) {
      staged.write(name, content);
      await writePoint(); // a SIGINT can land here: the staged folder is then removed
    }
    staged.commit();
  } catch (e) {
    staged.discard();
    throw writeFailed(e);
  }
  process.stdout.write(formatVerdictTable(document));
  process.stdout.write(`wrote ${out}/: audit.json, summary.md, timings.json${rendered ? ', report.html, report.md, figures/' : ''}\n`);
  if (required === null) return 0;
  const unmet = requirementFailures(document, required);
  for (const line of unmet) process.stderr.write(`${line}\n`);
  return unmet.length === 0 ? 0 : 1;
}

/**
 * Why `--require lrd|srd` is not met, one line per reason (empty when it is): for srd, each
 * layer whose verdict is not SRD; for lrd, that no layer is LRD, with each layer's verdict.
 */
export function requirementFailures(document: { layers: readonly { name: string; correlation: { verdict: string } }[]; verdict: { overall: string } }, required: 'lrd' | 'srd'): string[] {
  const want = required.toUpperCase();
  if (document.verdict.overall === want) return [];
  const layers = document.layers.map((l) => `${l.name}: ${l.correlation.verdict}`).join(', ');
  if (required === 'lrd') return [`lrdkit audit: --require lrd not met: no layer is LRD (${layers})`];
  return document.layers.filter((l) => l.correlation.verdict !== 'SRD').map((l) => `lrdkit audit: --require srd not met: layer ${l.name} is ${l.correlation.verdict}, expected SRD`);
}

/**
 * Lets signals in between two files of the write phase (an event-loop turn). For tests, the
 * environment variable LRDKIT_TEST_WRITE_PAUSE_MS makes each pause that long, so that a
 * signal sent at a random time lands inside the write phase.
 */
async function writePoint(): Promise<void> {
  const ms = Number(process.env.LRDKIT_TEST_WRITE_PAUSE_MS ?? 0);
  await new Promise((resolve) => (ms > 0 ? setTimeout(resolve, ms) : setImmediate(resolve)));
}

