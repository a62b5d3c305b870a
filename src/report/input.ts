/**
 * The report's inputs, read and validated before anything is rendered: audit documents
 * (audit.json, checked against schemas/audit.schema.json) and training runs (a directory with
 * run.json and log.jsonl, as `lrdkit train` writes them).
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { AuditDocument } from '../audit/auditDocument.js';
import { ReportInputError } from './errors.js';
import type { TrainingCurve } from './figures/trainingLoss.js';

/** One audit document with the label the report shows for it. */
export interface ReportAudit {
  /** Short unique label: the checkpoint's file name, disambiguated when two audits share one. */
  readonly label: string;
  readonly document: AuditDocument;
}

let validator: ValidateFunction | null = null;

function auditValidator(): ValidateFunction {
  if (validator === null) {
    const schema = JSON.parse(readFileSync(new URL('../../schemas/audit.schema.json', import.meta.url), 'utf8')) as object;
    validator = new Ajv({ allErrors: false, strict: true }).compile(schema);
  }
  return validator;
}

/** The value at a JSON pointer (for "found ..." in messages). */
function at(doc: unknown, pointer: string): unknown {
  let v: unknown = doc;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  const s = JSON.stringify(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** One line for the first schema violation: field, expected, found. */
function schemaMessage(file: string, doc: unknown, e: ErrorObject): string {
  const field = e.instancePath === '' ? '(document)' : e.instancePath;
  switch (e.keyword) {
    case 'required':
      return `${file}: ${field === '(document)' ? '' : `${field}/`}${String((e.params as { missingProperty: string }).missingProperty)}: expected a value (required by schemas/audit.schema.json), found nothing`;
    case 'additionalProperties':
      return `${file}: ${e.instancePath}/${String((e.params as { additionalProperty: string }).additionalProperty)}: expected no such field (schemas/audit.schema.json), found one`;
    default:
      return `${file}: ${field}: expected a value that ${e.message ?? 'matches the schema'}${e.params && Object.keys(e.params).length > 0 ? ` (${JSON.stringify(e.params)})` : ''}, found ${describe(at(doc, e.instancePath))}`;
  }
}

/**
 * Parses and validates one audit document.
 *
 * @param text - the file's contents
 * @param file - the name used in error messages
 * @throws ReportInputError for invalid JSON or a document that does not match
 *   schemas/audit.schema.json (the first violation: field, expected, found)
 */
export function parseAuditDocument(text: string, file: string): AuditDocument {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new ReportInputError(`${file}: file: expected an audit document (JSON written by lrdkit audit), found invalid JSON (${(e as Error).message})`);
  }
  const validate = auditValidator();
  if (!validate(doc)) {
    const first = (validate.errors ?? [])[0];
    throw new ReportInputError(first ? schemaMessage(file, doc, first) : `${file}: file: expected an audit document matching schemas/audit.schema.json, found one that does not`);
  }
  return doc as AuditDocument;
}

/**
 * Reads audit.json files and labels them: the given labels, else the checkpoint's file name,
 * or, when several audits share one, the name of the folder holding each audit.json (then its
 * position).
 *
 * @param labels - one label per path, in order (optional)
 * @throws ReportInputError for a missing, unreadable or invalid file, or labels that are not
 *   one non-empty, unique label per path
 */
export function readAuditDocuments(paths: readonly string[], labels?: readonly string[]): ReportAudit[] {
  if (labels !== undefined) {
    if (labels.length !== paths.length) throw new ReportInputError(`report: labels: expected one label per audit.json (${paths.length}), found ${labels.length}`);
    const blank = labels.findIndex((l) => l.trim() === '');
    if (blank >= 0) throw new ReportInputError(`report: labels[${blank}]: expected a non-empty label, found ""`);
    const twice = labels.find((l, i) => labels.indexOf(l) !== i);
    if (twice !== undefined) throw new ReportInputError(`report: labels: expected unique labels, found ${JSON.stringify(twice)} twice`);
  }
  const docs = paths.map((path) => {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new ReportInputError(`${path}: file: expected a readable audit.json, found ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a directory' : (code ?? (e as Error).message)}`);
    }
    return { path, document: parseAuditDocument(text, path) };
  });
  const labelled = labelAudits(docs);
  return labels === undefined ? labelled : labelled.map((a, i) => ({ ...a, label: labels[i] as string }));
}

/** Unique labels for audits (see {@link readAuditDocuments}); `path` may be absent. */
export function labelAudits(docs: readonly { path?: string; document: AuditDocument }[]): ReportAudit[] {
  const base = docs.map((d) => d.document.checkpoint.file);
  const count = (xs: string[], x: string): number => xs.filter((y) => y === x).length;
  let labels = base.map((b, i) => {
    if (count(base, b) === 1) return b;
    const p = docs[i]?.path;
    return p === undefined ? b : `${b} (${basename(dirname(resolve(p)))})`;
  });
  labels = labels.map((l, i) => (count(labels, l) === 1 ? l : `${l} #${i + 1}`));
  return docs.map((d, i) => ({ label: labels[i] as string, document: d.document }));
}

const VARIANTS = ['dense', 'factorized', 'context-switching'] as const;

/** The fields of run.json the report uses (the file may hold more). */
export interface TrainingRunInfo {
  readonly task?: string;
  readonly cell?: string;
  readonly variant: TrainingCurve['variant'];
  readonly groups?: number;
  readonly hiddenSize?: number;
  readonly repeats?: number;
  readonly seed?: number;
  readonly size?: 'big' | 'small';
  readonly label?: string;
}

function optionalNumber(file: string, run: Record<string, unknown>, key: string): number | undefined {
  const v = run[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ReportInputError(`${file}: ${key}: expected a finite number, found ${describe(v)}`);
  return v;
}

function optionalString(file: string, run: Record<string, unknown>, key: string): string | undefined {
  const v = run[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new ReportInputError(`${file}: ${key}: expected a string, found ${describe(v)}`);
  return v;
}

/**
 * Parses run.json of a training run: `variant` is required ('dense', 'factorized' or
 * 'context-switching'); task, cell, groups, hiddenSize, repeats, seed, size ('big' | 'small')
 * and label are used when present; other fields are ignored.
 *
 * @throws ReportInputError naming the file and field
 */
export function parseTrainingRun(text: string, file: string): TrainingRunInfo {
  let run: unknown;
  try {
    run = JSON.parse(text);
  } catch (e) {
    throw new ReportInputError(`${file}: file: expected training run metadata (JSON written by lrdkit train), found invalid JSON (${(e as Error).message})`);
  }
  if (run === null || typeof run !== 'object' || Array.isArray(run)) throw new ReportInputError(`${file}: file: expected a JSON object, found ${describe(run)}`);
  const r = run as Record<string, unknown>;
  if (!(VARIANTS as readonly unknown[]).includes(r.variant)) throw new ReportInputError(`${file}: variant: expected one of ${VARIANTS.join(', ')}, found ${describe(r.variant)}`);
  const size = optionalString(file, r, 'size');
  if (size !== undefined && size !== 'big' && size !== 'small') throw new ReportInputError(`${file}: size: expected big or small, found ${describe(size)}`);
  const info: Record<string, unknown> = { variant: r.variant };
  for (const key of ['task', 'cell', 'label'] as const) {
    const v = optionalString(file, r, key);
    if (v !== undefined) info[key] = v;
  }
  for (const key of ['groups', 'hiddenSize', 'repeats', 'seed'] as const) {
    const v = optionalNumber(file, r, key);
    if (v !== undefined) info[key] = v;
  }
  if (size !== undefined) info.size = size;
  return info as unknown as TrainingRunInfo;
}

/**
 * Parses log.jsonl of a training run: one JSON object per line with a finite `step` (>= 0) and
 * `loss` (nats per output symbol; null or a non-finite value marks a diverged step and is
 * skipped by the figure); blank lines are ignored.
 *
 * @throws ReportInputError naming the file, line and field
 */
export function parseTrainingLog(text: string, file: string): { step: number; loss: number }[] {
  const points: { step: number; loss: number }[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch {
      throw new ReportInputError(`${file}: line ${i + 1}: expected one JSON object per line, found ${describe(line)}`);
    }
    if (row === null || typeof row !== 'object' || Array.isArray(row)) throw new ReportInputError(`${file}: line ${i + 1}: expected a JSON object, found ${describe(row)}`);
    const { step, loss } = row as Record<string, unknown>;
    if (typeof step !== 'number' || !Number.isFinite(step) || step < 0) throw new ReportInputError(`${file}: line ${i + 1}: step: expected a finite number >= 0, found ${describe(step)}`);
    if (loss === null) return;
    if (typeof loss !== 'number') throw new ReportInputError(`${file}: line ${i + 1}: loss: expected a number (nats per output symbol) or null, found ${describe(loss)}`);
    points.push({ step, loss });
  });
  if (points.length === 0) throw new ReportInputError(`${file}: file: expected at least one line with a step and a loss, found none`);
  return points;
}

/** The legend label of a run: run.json's `label`, else variant, groups, width, size and seed. */
export function trainingRunLabel(info: TrainingRunInfo, dir: string): string {
  if (info.label !== undefined) return info.label;
  const parts: string[] = [info.variant];
  if (info.groups !== undefined && info.groups > 1) parts.push(`g=${info.groups}`);
  if (info.hiddenSize !== undefined) parts.push(`h=${info.hiddenSize}`);
  if (info.size !== undefined) parts.push(info.size);
  if (info.seed !== undefined) parts.push(`seed ${info.seed}`);
  return parts.length > 1 ? parts.join(' ') : `${info.variant} (${basename(resolve(dir))})`;
}

/**
 * Reads a training run directory (DIR/run.json and DIR/log.jsonl) as a loss curve.
 *
 * @throws ReportInputError for a missing or invalid file
 */
export function readTrainingRun(dir: string): TrainingCurve {
  const read = (name: string): { file: string; text: string } => {
    const file = join(dir, name);
    try {
      return { file, text: readFileSync(file, 'utf8') };
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new ReportInputError(`${file}: file: expected a training run's ${name} (written by lrdkit train), found ${code === 'ENOENT' ? 'no such file' : (code ?? (e as Error).message)}`);
    }
  };
  const run = read('run.json');
  const info = parseTrainingRun(run.text, run.file);
  const log = read('log.jsonl');
  const points = parseTrainingLog(log.text, log.file);
  return {
    label: trainingRunLabel(info, dir),
    variant: info.variant,
    ...(info.size !== undefined ? { size: info.size } : {}),
    ...(info.repeats !== undefined ? { repeats: info.repeats } : {}),
    points,
  };
}
