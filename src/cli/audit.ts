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
import { join } from 'node:path';
import { DEFAULT_MAX_STEPS } from '../audit/adaptiveHorizon.js';
import { auditCheckpoint, readingNotes } from '../audit/auditDocument.js';
import { checkAuditFits, checkAuditOptions, checkOutFolder, estimateAudit } from './auditPreflight.js';
import { formatSummaryMarkdown, formatVerdictTable } from '../audit/summary.js';
import { readCheckpoint } from '../checkpoints/index.js';
import { parseCheckedJson } from '../checkpoints/internal/checkedJson.js';
import { checkPath, readRegularFile } from '../checkpoints/internal/fileAccess.js';
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

export const AUDIT_HELP = `lrdkit audit CHECKPOINT [--layer NAME] [--input gaussian|ar1:PHI|fgn:H|FILE]
             [--sequences N] [--steps T | --max-steps M] [--burn-in B] [--max-lag K] [--jacobian-states S]
             [--lyapunov k] [--bootstrap R] [--seed S] [--require lrd|srd] [--out DIR]
             [--no-report] [--quiet]

CHECKPOINT: a TF.js layers model (directory or model.json), Keras .h5 / .keras / .weights.h5,
PyTorch .safetensors or torch.save .pt/.pth (state dict of nn.GRU / nn.LSTM), a TorchScript
archive, an ONNX model (LSTM / GRU nodes), an lrdkit checkpoint or a training run folder.
Writes DIR/audit.json (schemas/audit.schema.json), DIR/summary.md, DIR/timings.json and the
report: DIR/report.html (self-contained, opens offline), DIR/report.md and DIR/figures/
(Vega-Lite specs, SVG, PNG); --no-report skips the report (default DIR: ./lrdkit-audit). Exit 0: verdict as required; 1: not as required; 2: bad input.
A layer inconclusive for lack of record is rerun with doubled steps (and max lag) up to --max-steps
(default ${DEFAULT_MAX_STEPS}); every horizon tried is reported. --steps fixes the horizon exactly.
Defaults: --input gaussian --sequences ${AUDIT_DEFAULTS.sequences} --steps ${AUDIT_DEFAULTS.steps} --burn-in ${AUDIT_DEFAULTS.burnIn} --max-lag ${AUDIT_DEFAULTS.maxLag}
--jacobian-states ${AUDIT_DEFAULTS.jacobianStates} --lyapunov ${AUDIT_DEFAULTS.lyapunov} --bootstrap ${AUDIT_DEFAULTS.bootstrap} --seed ${AUDIT_DEFAULTS.seed}`;

/** CLI entry (async: readers may need WebAssembly). */
export async function runAudit(args: ParsedArgs, version: string): Promise<number> {
  const o = args.options;
  const cmd = 'audit';
  if (args.positionals.length !== 1) throw new UsageError(`lrdkit audit: expected one CHECKPOINT argument, found ${args.positionals.length}`);
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
  const out = typeof o.out === 'string' ? o.out : 'lrdkit-audit';
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
  const bytes = hashInput(checkpoint.source?.checkpoint ?? path);
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
  if (required === null) return 0;
  return document.verdict.overall === required.toUpperCase() ? 0 : 1;
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

/** The bytes the checkpoint's hash covers: the file, or model.json (+ shards) of a directory (read under the readers' file rules). */
function hashInput(path: string): Uint8Array {
  if (!checkPath(path, { allowDirectory: true }).isDirectory) return readRegularFile(path);
  const modelJsonPath = join(path, 'model.json');
  const modelJson = readRegularFile(modelJsonPath, { root: path });
  const parsed = parseCheckedJson(new TextDecoder().decode(modelJson), modelJsonPath, 'model.json') as { weightsManifest?: { paths: string[] }[] };
  const manifest = parsed.weightsManifest ?? [];
  return Buffer.concat([modelJson, ...manifest.flatMap((g) => g.paths.map((p) => readRegularFile(join(path, p), { file: modelJsonPath, where: `weight shard ${p}`, root: path })))]);
}
