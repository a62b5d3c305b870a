/**
 * Helpers shared by the figure builders: the schema URL, the zoom parameter, the series
 * encodings and log-spaced subsampling of long lag grids.
 *
 * @module
 */
import type { LayerSeries } from '../series.js';

/** `$schema` of every emitted spec (Vega-Lite 6). */
export const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** One figure of a report: a stable id (file name), a title, a caption and its spec. */
export interface ReportFigure {
  /** File-name-safe id, e.g. 'correlation-norm' (figures/ID.svg, figures/ID.png). */
  readonly id: string;
  readonly title: string;
  /** What is plotted and how to read it (Markdown-free plain text). */
  readonly caption: string;
  readonly spec: import('vega-lite').TopLevelSpec;
}

/**
 * Interval selection bound to the scales of `encodings` (default x and y): drag to pan, wheel
 * to zoom, double-click to reset, in the HTML page.
 */
export function zoomParam(encodings: ('x' | 'y')[] = ['x', 'y']): { name: string; select: { type: 'interval'; encodings: ('x' | 'y')[] }; bind: 'scales' } {
  return { name: 'zoom', select: { type: 'interval', encodings }, bind: 'scales' };
}

/** strokeDash by series when there are several (one legend entry each), else none. */
export function dashBySeries(series: readonly LayerSeries[]): Record<string, unknown> {
  return series.length > 1 ? { strokeDash: { field: 'series', type: 'nominal', title: 'layer', sort: series.map((s) => s.series), legend: { symbolType: 'stroke', symbolStrokeColor: '#444444', symbolFillColor: '#444444', symbolStrokeWidth: 1.5 } } } : {};
}

/** shape by series when there are several, else none. */
export function shapeBySeries(series: readonly LayerSeries[]): Record<string, unknown> {
  return series.length > 1 ? { shape: { field: 'series', type: 'nominal', title: 'layer', sort: series.map((s) => s.series) } } : {};
}

/**
 * Indices of `xs` (increasing, positive) kept for a log-axis plot: every entry when there are
 * at most `maxPoints`, else the first entry at or above each of `maxPoints` log-spaced targets
 * between the first and last value (first and last always kept).
 *
 * @example
 * logSubsample([1, 2, 3, 4, 5, 6, 7, 8], 4); // [0, 1, 3, 7]
 */
export function logSubsample(xs: readonly number[], maxPoints: number): number[] {
  const n = xs.length;
  if (n <= maxPoints) return xs.map((_, i) => i);
  const lo = Math.log(xs[0] as number), hi = Math.log(xs[n - 1] as number);
  const keep = new Set<number>([0, n - 1]);
  let i = 0;
  for (let j = 0; j < maxPoints; j++) {
    const target = Math.exp(lo + ((hi - lo) * j) / (maxPoints - 1)) * (1 - 1e-12);
    while (i < n - 1 && (xs[i] as number) < target) i++;
    keep.add(i);
  }
  return [...keep].sort((a, b) => a - b);
}

/** `count` log-spaced values from a to b (a, b > 0), both ends included. */
export function logSpace(a: number, b: number, count: number): number[] {
  if (count <= 1 || a === b) return [a];
  const la = Math.log(a), lb = Math.log(b);
  return Array.from({ length: count }, (_, j) => Math.exp(la + ((lb - la) * j) / (count - 1)));
}

/** Rounds a plotted value to 6 significant digits (smaller, stable inline data). */
export function round6(x: number): number {
  return Number.isFinite(x) ? Number(x.toPrecision(6)) : x;
}
