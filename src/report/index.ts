/**
 * Reports: audit documents (and training logs) to Vega-Lite figures, static SVG and PNG, one
 * self-contained interactive HTML page and a Markdown summary.
 *
 * ```
 *  audit.json ...                                   DIR/run.json + DIR/log.jsonl ...
 *    │ readAuditDocuments: parse, validate             │ readTrainingRun (--training DIR)
 *    │ (schemas/audit.schema.json), label              │
 *    v                                                 v
 *  layerSeries: one series per audited layer ──> reportFigures ──> Vega-Lite specs (theme.ts:
 *                                                                  one colour per variant)
 *        ┌──────────────────────────────────────────────────┬──────────────┤
 *        v                                                  v              v
 *  renderSvg: vega View (renderer 'none')      renderPng: resvg +     htmlPage: vega, vega-lite,
 *  -> SVG, ids made stable                     DejaVu font files      vega-embed inlined; tooltips,
 *        │                                     -> PNG                 zoom; opens from file://
 *        v                                          v                      v
 *  figures/ID.svg, figures/ID.vl.json        figures/ID.png ───> markdownSummary -> report.md
 *                                                                (PNGs, captions, verdict table)
 *  renderReport renders all of it in memory; writeRenderedReport then writes each file atomically,
 *  so bad input or a failed render leaves nothing behind.
 * ```
 *
 * @module
 */
export { ReportInputError } from './errors.js';
export type { ReportFigure } from './figures/common.js';
export { correlationNormSpec, partialSumSpec } from './figures/correlation.js';
export { gateDistributionSpec } from './figures/gates.js';
export { reportFigures } from './figures/index.js';
export { informationChannelsSpec } from './figures/information.js';
export { jacobianEigenvalueSpec, jacobianRadiusHistogramSpec, jacobianRadiusTraceSpec } from './figures/jacobian.js';
export { lyapunovSpectrumSpec } from './figures/lyapunov.js';
export type { TrainingCurve } from './figures/trainingLoss.js';
export { trainingLossSpec } from './figures/trainingLoss.js';
export { htmlPage } from './html.js';
export type { ReportAudit, TrainingRunInfo } from './input.js';
export { labelAudits, parseAuditDocument, parseTrainingLog, parseTrainingRun, readAuditDocuments, readTrainingRun } from './input.js';
export { markdownSummary } from './markdown.js';
export { findReportFonts, renderPng, renderSvg, stableSvgIds } from './render.js';
export type { AuditReportOptions, RenderedReport, ReportFile, ReportOptions } from './report.js';
export { renderAuditReport, renderReport, writeAuditReport, writeRenderedReport, writeReport } from './report.js';
export type { LayerSeries } from './series.js';
export { layerSeries } from './series.js';
export type { VerdictTable } from './table.js';
export { verdictTable } from './table.js';
export type { ReportVariant } from './theme.js';
export { BLOCK_COLORS, REFERENCE_COLORS, REPORT_CONFIG, REPORT_FONT, VARIANT_COLORS, variantColorScale } from './theme.js';
