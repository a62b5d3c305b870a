/**
 * The report's verdict table: one row per audited layer of every audit, with the audit's
 * label and the layer's variant and parameter count in front of the audit's own verdict
 * columns (src/audit/summary.ts), and one overall verdict per audit.
 *
 * @module
 */
import { VERDICT_COLUMNS, verdictRows } from '../audit/summary.js';
import type { ReportAudit } from './input.js';

/** Header and rows of the comparison table (plain text cells). */
export interface VerdictTable {
  readonly columns: string[];
  readonly rows: string[][];
  /** Per audit: its label, overall verdict and the rule that gave it. */
  readonly overall: { readonly audit: string; readonly verdict: string; readonly rule: string }[];
}

/** The verdict table of one or several audits. */
export function verdictTable(audits: readonly ReportAudit[]): VerdictTable {
  const columns = ['checkpoint', 'variant', 'layer parameters', ...VERDICT_COLUMNS];
  const rows = audits.flatMap((a) => {
    const base = verdictRows(a.document);
    return a.document.layers.map((l, i) => [a.label, l.variant, String(l.parameterCount), ...(base[i] as string[])]);
  });
  return { columns, rows, overall: audits.map((a) => ({ audit: a.label, verdict: a.document.verdict.overall, rule: a.document.verdict.rule })) };
}
