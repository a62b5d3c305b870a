/**
 * The unit every figure plots: one audited layer of one audit, with the label the legends show
 * and the variant that sets its colour.
 *
 * @module
 */
import type { LayerAudit } from '../audit/auditDocument.js';
import type { ReportAudit } from './input.js';
import { type ReportVariant, reportVariant } from './theme.js';

/** One audited layer as a figure series. */
export interface LayerSeries {
  /** Legend label, unique within a report: the layer name (one audit) or audit label and layer. */
  readonly series: string;
  /** The audit's label (see {@link ReportAudit}). */
  readonly audit: string;
  readonly variant: ReportVariant;
  readonly layer: LayerAudit;
  /** Recorded steps per sequence T of the audit's run (run.steps). */
  readonly steps: number;
}

/**
 * Every layer of every audit as a series. One audit: labels are the layer names (with
 * "(backward)" for the backward direction); several: the audit label, followed by the layer
 * name when that audit has more than one layer.
 */
export function layerSeries(audits: readonly ReportAudit[]): LayerSeries[] {
  return audits.flatMap((a) =>
    a.document.layers.map((layer) => {
      const name = `${layer.name}${layer.direction === 'backward' ? ' (backward)' : ''}`;
      const series = audits.length === 1 ? name : a.document.layers.length === 1 ? a.label : `${a.label} ${name}`;
      return { series, audit: a.label, variant: reportVariant(layer.variant), layer, steps: a.document.run.steps };
    }),
  );
}
