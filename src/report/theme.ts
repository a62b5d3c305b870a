/**
 * The reports' one theme: colours per cell variant, the reference-line colours, fonts and
 * figure sizes shared by every Vega-Lite spec of src/report, so that dense, factorized and
 * context-switching cells get the same colour in every figure of every report.
 *
 * @module
 */
import type { Config } from 'vega-lite';

/** The three cell variants a figure can colour by. */
export type ReportVariant = 'dense' | 'factorized' | 'context-switching';

/** Variants in legend order. */
export const REPORT_VARIANTS: readonly ReportVariant[] = ['dense', 'factorized', 'context-switching'];

/**
 * One colour per variant (Tableau 10 blue, orange, green: distinguishable under the common
 * colour-vision deficiencies and in greyscale by lightness).
 */
export const VARIANT_COLORS: Readonly<Record<ReportVariant, string>> = {
  dense: '#4c78a8',
  factorized: '#f58518',
  'context-switching': '#54a24b',
};

/** Colours of reference marks: noise floors, theoretical lines and bounds, the unit circle. */
export const REFERENCE_COLORS = {
  /** Noise floor of an estimator (independent-sequence baseline). */
  noiseFloor: '#9d9d9d',
  /** A theoretical line (Prop 1.4) or a bound (Lemma 1.2), drawn dashed. */
  theory: '#222222',
  /** The unit circle / the value 1 (stability boundary). */
  unit: '#b22222',
  /** Fitted curves (exponential, power law). */
  exponentialFit: '#e45756',
  powerLawFit: '#72b7b2',
} as const;

/**
 * Categorical palette for the blocks of a factorized cell (block b gets entry b mod 10):
 * Tableau 10 without the dense blue, so a dense layer's 'cell' points are never confused with
 * a block.
 */
export const BLOCK_COLORS: readonly string[] = [
  '#e45756', '#f58518', '#eeca3b', '#b279a2', '#72b7b2', '#9d755d', '#ff9da6', '#54a24b', '#bab0ac', '#17becf',
];

/** The font family every figure uses; the PNG renderer loads exactly these DejaVu files. */
export const REPORT_FONT = 'DejaVu Sans';

/** Default single-panel width and height, in CSS pixels. */
export const FIGURE_WIDTH = 420;
export const FIGURE_HEIGHT = 260;

/** The Vega-Lite `config` of every report spec (fonts, sizes, background). */
export const REPORT_CONFIG: Config = {
  font: REPORT_FONT,
  background: 'white',
  padding: 8,
  view: { continuousWidth: FIGURE_WIDTH, continuousHeight: FIGURE_HEIGHT, stroke: '#dddddd' },
  axis: { labelFontSize: 11, titleFontSize: 12, gridColor: '#eeeeee' },
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 340 },
  title: { fontSize: 14, anchor: 'start' },
  header: { labelFontSize: 12, titleFontSize: 12 },
};

/**
 * A Vega-Lite `scale` mapping variant names to {@link VARIANT_COLORS}: the variants present
 * (in legend order) when given, all three otherwise. The colour of a variant never depends on
 * which others are present.
 */
export function variantColorScale(present?: Iterable<string>): { domain: string[]; range: string[] } {
  const have = present === undefined ? null : new Set(present);
  const domain = REPORT_VARIANTS.filter((v) => have === null || have.has(v));
  return { domain: [...domain], range: domain.map((v) => VARIANT_COLORS[v]) };
}

/** `variant` as a {@link ReportVariant} ('dense' for anything unknown, which the schema rules out). */
export function reportVariant(variant: string): ReportVariant {
  return (REPORT_VARIANTS as readonly string[]).includes(variant) ? (variant as ReportVariant) : 'dense';
}
