/**
 * The report pipeline's stages in one place: render in memory ({@link renderReport}), then
 * write ({@link writeRenderedReport}); {@link writeReport} reads the inputs first, and
 * {@link writeAuditReport} serves `lrdkit audit`. See src/report/index.ts for the diagram.
 *
 * Deterministic: the same audit documents and options give the same bytes (SVG element ids are
 * renumbered per figure; PNGs load only the DejaVu font files; no dates).
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AuditDocument } from '../audit/auditDocument.js';
import { writeAtomic } from '../internal/writeAtomic.js';
import { ReportInputError } from './errors.js';
import type { ReportFigure } from './figures/common.js';
import { reportFigures } from './figures/index.js';
import type { TrainingCurve } from './figures/trainingLoss.js';
import { htmlPage } from './html.js';
import { type ReportAudit, labelAudits, readAuditDocuments, readTrainingRun } from './input.js';
import { markdownSummary } from './markdown.js';
import { renderPng, renderSvg } from './render.js';
import { layerSeries } from './series.js';
import { verdictTable } from './table.js';

/** Options of {@link renderReport}. */
export interface ReportOptions {
  /** Page and summary title (default: "lrdkit report: " and the audit labels). */
  title?: string;
  /** Training loss curves to add (figure 'training-loss'). */
  training?: readonly TrainingCurve[];
  /** Figures of the caller's own (e.g. an experiment's results), placed before the audit figures. */
  figures?: readonly ReportFigure[];
  /** Write report.html (default true). */
  html?: boolean;
  /** Write PNGs (default true; report.md embeds them). */
  png?: boolean;
  /** Write the SVGs (default true; they are rendered either way, as the PNGs' source). */
  svg?: boolean;
  /** Write the Vega-Lite specs as figures/ID.vl.json (default true). */
  specs?: boolean;
  /** PNG pixels per CSS pixel (default 2). */
  pngScale?: number;
  /** Called before each rendering step (progress on stderr). */
  onProgress?: (message: string) => void;
}

/**
 * A spec as JSON text: indented, except that each inline data row stays on one line (a
 * figure's rows would otherwise take several lines each).
 */
export function formatSpecJson(spec: unknown): string {
  const rows: string[] = [];
  const marked = JSON.stringify(
    spec,
    (key, value: unknown) => {
      if (key === 'values' && Array.isArray(value) && value.every((v) => v !== null && typeof v === 'object' && !Array.isArray(v))) {
        rows.push(`[${value.length === 0 ? '' : `\n${value.map((v) => `\u0000  ${JSON.stringify(v)}`).join(',\n')}\n\u0000`}]`);
        return `\u0000ROWS${rows.length - 1}\u0000`;
      }
      return value;
    },
    2,
  );
  // Restore each marked array, indented one level deeper than the key that holds it.
  return `${marked.replace(/^( *)(.*)"\\u0000ROWS(\d+)\\u0000"/gm, (_m, indent: string, lead: string, k: string) => `${indent}${lead}${(rows[Number(k)] as string).replace(/\u0000/g, indent)}`)}\n`;
}

/** One output file: path relative to the report folder, and its contents. */
export interface ReportFile {
  readonly path: string;
  readonly content: string | Uint8Array;
}

/** A report rendered in memory: its files (not yet written), figures and warnings. */
export interface RenderedReport {
  readonly title: string;
  readonly files: readonly ReportFile[];
  readonly figures: readonly ReportFigure[];
  /** Vega-Lite compiler warnings per figure, and a note when PNG fonts were not found. */
  readonly warnings: readonly string[];
}

const version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** The default title. */
export function defaultReportTitle(audits: readonly ReportAudit[], training: readonly TrainingCurve[]): string {
  if (audits.length === 0) return training.length > 0 ? 'lrdkit report: training runs' : 'lrdkit report';
  if (audits.length === 1) return `lrdkit report: ${(audits[0] as ReportAudit).label}`;
  return `lrdkit comparison: ${audits.map((a) => a.label).join(' vs ')}`;
}

/**
 * Renders a report in memory: figures (Vega-Lite specs), their SVGs and PNGs, report.html
 * and report.md. Nothing is written.
 *
 * Files: report.html, report.md, figures/ID.vl.json, figures/ID.svg, figures/ID.png.
 *
 * @param audits - labelled audit documents (see {@link readAuditDocuments}, {@link labelAudits})
 * @throws ReportInputError when there is nothing to report (no audits and no training curves)
 */
export async function renderReport(audits: readonly ReportAudit[], options: ReportOptions = {}): Promise<RenderedReport> {
  const training = options.training ?? [];
  const extra = options.figures ?? [];
  if (audits.length === 0 && training.length === 0 && extra.length === 0) throw new ReportInputError('report: input: expected at least one audit.json or training run, found none');
  const log = options.onProgress ?? (() => undefined);
  const title = options.title ?? defaultReportTitle(audits, training);
  const figures = [...extra, ...reportFigures(layerSeries(audits), training)];
  const files: ReportFile[] = [];
  const warnings: string[] = [];
  let fontsMissing = false;
  for (const f of figures) {
    log(`report: ${f.id}: SVG${options.png === false ? '' : ', PNG'}`);
    const { svg, warnings: w } = await renderSvg(f.spec, f.id);
    warnings.push(...w.map((m) => `${f.id}: ${m}`));
    if (options.specs !== false) files.push({ path: `figures/${f.id}.vl.json`, content: formatSpecJson(f.spec) });
    if (options.svg !== false) files.push({ path: `figures/${f.id}.svg`, content: svg });
    if (options.png !== false) {
      const { png, deterministicFonts } = renderPng(svg, { scale: options.pngScale ?? 2 });
      fontsMissing ||= !deterministicFonts;
      files.push({ path: `figures/${f.id}.png`, content: png });
    }
  }
  if (fontsMissing) warnings.push('PNG: the DejaVu fonts were not found (install fonts-dejavu-core or set LRDKIT_FONT_DIR); system fonts were used, so PNG bytes depend on this machine');
  const table = audits.length > 0 ? verdictTable(audits) : null;
  const trainingRuns = training.map((c) => c.label);
  const html = options.html !== false;
  const formats = { svg: options.svg !== false, png: options.png !== false, specs: options.specs !== false };
  if (html) {
    log('report: report.html');
    files.push({ path: 'report.html', content: htmlPage({ title, version, audits, table, figures, trainingRuns, formats }) });
  }
  files.push({ path: 'report.md', content: markdownSummary({ title, version, audits, table, figures, trainingRuns, html, formats }) });
  return { title, files, figures, warnings };
}

/**
 * Writes a rendered report into `dir` (created if needed), each file atomically.
 *
 * @returns the paths written
 */
export function writeRenderedReport(report: RenderedReport, dir: string): string[] {
  return report.files.map((f) => {
    const path = join(dir, f.path);
    writeAtomic(path, f.content);
    return path;
  });
}

/**
 * Reads audit.json files (labelled by `labels`, one per file, when given) and training run
 * folders, renders the report and writes it into `dir` only when everything has rendered (bad
 * input leaves nothing behind).
 *
 * @throws ReportInputError for unreadable or invalid input (file, field, expected, found)
 */
export async function writeReport(
  auditPaths: readonly string[],
  dir: string,
  options: Omit<ReportOptions, 'training'> & { trainingDirs?: readonly string[]; labels?: readonly string[] } = {},
): Promise<RenderedReport> {
  const audits = readAuditDocuments(auditPaths, options.labels);
  const training = (options.trainingDirs ?? []).map(readTrainingRun);
  const report = await renderReport(audits, { ...options, training });
  writeRenderedReport(report, dir);
  return report;
}

/** Options of {@link renderAuditReport} / {@link writeAuditReport}. */
export type AuditReportOptions = ReportOptions;

/** {@link renderReport} of one audit document held in memory (label: its checkpoint's file name). */
export function renderAuditReport(document: AuditDocument, options: AuditReportOptions = {}): Promise<RenderedReport> {
  return renderReport(labelAudits([{ document }]), options);
}

/**
 * Renders the report of one audit document and writes report.html, report.md and figures/
 * into `dir` (next to audit.json; summary.md and audit.json are not touched).
 *
 * For strictly no partial output, call {@link renderAuditReport} before writing anything else
 * and {@link writeRenderedReport} after.
 *
 * @returns the paths written
 */
export async function writeAuditReport(document: AuditDocument, dir: string, options: AuditReportOptions = {}): Promise<string[]> {
  return writeRenderedReport(await renderAuditReport(document, options), dir);
}
