/**
 * Jacobian figures: the spectral radius rho(J_t) of the state Jacobian
 * J_t = d s_{t+1} / d s_t at the sampled visited states (along the trajectories, and as a
 * histogram), and all eigenvalues of J_t in the complex plane against the unit circle,
 * coloured by block for factorized cells (the spectrum of a block-diagonal J_t is the union
 * of its blocks'). rho(J_t) < 1 everywhere makes the state map a local contraction (the
 * paper's Lemma 1.1 setting).
 *
 * @module
 */
import type { TopLevelSpec } from 'vega-lite';
import type { LayerSeries } from '../series.js';
import { BLOCK_COLORS, FIGURE_HEIGHT, FIGURE_WIDTH, REFERENCE_COLORS, REPORT_CONFIG, VARIANT_COLORS, variantColorScale } from '../theme.js';
import { VEGA_LITE_SCHEMA, round6, shapeBySeries, zoomParam } from './common.js';

/** Layers with a per-state rho trace (documents written before it was added have none). */
export function withJacobianTrace(series: readonly LayerSeries[]): LayerSeries[] {
  return series.filter((s) => s.layer.jacobian.trace !== undefined && s.layer.jacobian.trace.spectralRadius.length > 0);
}

/** Layers with Jacobian eigenvalues. */
export function withJacobianEigenvalues(series: readonly LayerSeries[]): LayerSeries[] {
  return series.filter((s) => (s.layer.jacobian.eigenvalues ?? []).some((e) => e.units.some((u) => u.re.length > 0)));
}

/** Rows per sampled state; `position` = sequence x steps + step: the state's place in the run. */
function traceRows(series: readonly LayerSeries[]): Record<string, unknown>[] {
  return series.flatMap((s) => {
    const t = s.layer.jacobian.trace;
    if (!t) return [];
    const T = s.steps;
    return t.spectralRadius.map((rho, m) => ({
      series: s.series,
      variant: s.variant,
      sequence: t.sequence[m],
      step: t.step[m],
      position: (t.sequence[m] as number) * T + (t.step[m] as number),
      rho: round6(rho),
      norm: round6(t.spectralNorm[m] as number),
    }));
  });
}

/**
 * The Vega-Lite spec of rho(J_t) (dimensionless) at every sampled visited state against its
 * position in the run, s T + t (steps: sequence s of T recorded steps, step t after burn-in),
 * so the N sequences are laid end to end; per series (colour: variant; shape: layer), with the
 * stability boundary rho = 1.
 */
export function jacobianRadiusTraceSpec(series: readonly LayerSeries[]): TopLevelSpec {
  const s = withJacobianTrace(series);
  const spec = {
    $schema: VEGA_LITE_SCHEMA,
    title: 'Spectral radius of the state Jacobian along the trajectories',
    config: REPORT_CONFIG,
    width: FIGURE_WIDTH,
    height: FIGURE_HEIGHT,
    layer: [
      {
        data: { values: traceRows(s) },
        mark: { type: 'line', point: { filled: true, size: 24 }, strokeWidth: 0.8, opacity: 0.85 },
        params: [zoomParam()],
        encoding: {
          x: { field: 'position', type: 'quantitative', title: 'position in the run, s T + t (steps)' },
          detail: { field: 'series', type: 'nominal' },
          y: { field: 'rho', type: 'quantitative', title: 'rho(J_t) (unitless)', scale: { zero: false } },
          color: { field: 'variant', type: 'nominal', title: 'cell', scale: variantColorScale(s.map((x) => x.variant)) },
          ...shapeBySeries(s),
          tooltip: [
            { field: 'series', type: 'nominal', title: 'layer' },
            { field: 'sequence', type: 'quantitative', title: 'sequence s' },
            { field: 'step', type: 'quantitative', title: 'step t' },
            { field: 'rho', type: 'quantitative', title: 'rho(J_t)', format: '.4f' },
            { field: 'norm', type: 'quantitative', title: '||J_t||_2', format: '.4f' },
          ],
        },
      },
      {
        mark: { type: 'rule', color: REFERENCE_COLORS.unit, strokeDash: [6, 4] },
        encoding: { y: { datum: 1 }, tooltip: { value: 'rho = 1: stability boundary' } },
      },
    ],
  };
  return spec as TopLevelSpec;
}

/**
 * The Vega-Lite spec of the histogram of rho(J_t) (dimensionless) over the sampled visited
 * states (count of states per bin), one row per series when there are several (the
 * stability boundary rho = 1 is drawn in {@link jacobianRadiusTraceSpec}).
 */
export function jacobianRadiusHistogramSpec(series: readonly LayerSeries[]): TopLevelSpec {
  const s = withJacobianTrace(series);
  const layers = [
    {
      mark: { type: 'bar', opacity: 0.85, binSpacing: 1 },
      params: [zoomParam(['x'])],
      encoding: {
        x: { field: 'rho', type: 'quantitative', bin: { maxbins: 30 }, title: 'rho(J_t) (unitless)' },
        y: { aggregate: 'count', type: 'quantitative', title: 'states (count)' },
        color: { field: 'variant', type: 'nominal', title: 'cell', scale: variantColorScale(s.map((x) => x.variant)) },
        tooltip: [
          { field: 'rho', type: 'quantitative', bin: { maxbins: 30 }, title: 'rho(J_t) bin' },
          { aggregate: 'count', type: 'quantitative', title: 'states' },
        ],
      },
    },
  ];
  const base = { $schema: VEGA_LITE_SCHEMA, title: 'Distribution of rho(J_t) over the visited states', config: REPORT_CONFIG, data: { values: traceRows(s) } };
  const spec =
    s.length > 1
      ? {
          ...base,
          // Row names above each panel, horizontal: rotated beside a 150 px panel they ran into
          // the next row's name and crowded the y-axis title.
          facet: { row: { field: 'series', type: 'nominal', title: null, sort: s.map((x) => x.series), header: { labelAngle: 0, labelOrient: 'top', labelAnchor: 'start', labelFontWeight: 'bold' } } },
          spec: { width: FIGURE_WIDTH, height: 150, layer: layers },
        }
      : { ...base, width: FIGURE_WIDTH, height: FIGURE_HEIGHT, layer: layers };
  return spec as TopLevelSpec;
}

/** Sort key of a unit label: 'cell', 'block b', 'expert b' by b, 'auxiliary' last. */
function unitOrder(label: string): number {
  if (label === 'cell') return -1;
  const m = /(\d+)$/.exec(label);
  if (m) return Number(m[1]) + (label.startsWith('expert') ? 10_000 : 0);
  return 1e9;
}

/** Colours of unit labels: the dense colour for 'cell', the block palette by index otherwise. */
export function unitColorScale(labels: Iterable<string>): { domain: string[]; range: string[] } {
  const domain = [...new Set(labels)].sort((a, b) => unitOrder(a) - unitOrder(b) || a.localeCompare(b));
  const range = domain.map((l) => {
    if (l === 'cell') return VARIANT_COLORS.dense;
    if (l === 'auxiliary') return REFERENCE_COLORS.noiseFloor;
    const m = /(\d+)$/.exec(l);
    return BLOCK_COLORS[(m ? Number(m[1]) : 0) % BLOCK_COLORS.length] as string;
  });
  return { domain, range };
}

/** Points of the unit circle per series (for the complex-plane figure). */
const CIRCLE_POINTS = 121;

/**
 * The Vega-Lite spec of the eigenvalues lambda of J_t (complex plane, real and imaginary
 * parts dimensionless) at the audit's few sampled states, coloured by unit block ('cell' for a
 * dense layer; 'block b' for a factorized one), with the unit circle |lambda| = 1; one panel
 * per series when there are several. Equal scales on both axes.
 */
export function jacobianEigenvalueSpec(series: readonly LayerSeries[]): TopLevelSpec {
  const s = withJacobianEigenvalues(series);
  const rows: Record<string, unknown>[] = [];
  let radius = 1;
  const labels: string[] = [];
  for (const x of s) {
    for (const e of x.layer.jacobian.eigenvalues ?? []) {
      for (const u of e.units) {
        labels.push(u.label);
        u.re.forEach((re, i) => {
          const im = u.im[i] as number;
          const modulus = Math.hypot(re, im);
          radius = Math.max(radius, modulus);
          rows.push({ kind: 'eigenvalue', series: x.series, unit: u.label, state: `sequence ${e.sequence}, step ${e.step}`, re: round6(re), im: round6(im), modulus: round6(modulus) });
        });
      }
    }
    for (let j = 0; j < CIRCLE_POINTS; j++) {
      const a = (2 * Math.PI * j) / (CIRCLE_POINTS - 1);
      rows.push({ kind: 'unit circle', series: x.series, order: j, re: round6(Math.cos(a)), im: round6(Math.sin(a)) });
    }
  }
  const r = Math.ceil(radius * 1.05 * 20) / 20;
  const x = { field: 're', type: 'quantitative', title: 'Re lambda (unitless)', scale: { domain: [-r, r] } };
  const y = { field: 'im', type: 'quantitative', title: 'Im lambda (unitless)', scale: { domain: [-r, r] } };
  const side = Math.round(FIGURE_HEIGHT * 1.15);
  const layers = [
    {
      transform: [{ filter: "datum.kind === 'unit circle'" }],
      mark: { type: 'line', color: REFERENCE_COLORS.unit, strokeWidth: 1, strokeDash: [4, 3] },
      encoding: { x, y, order: { field: 'order', type: 'quantitative' }, tooltip: { value: '|lambda| = 1: unit circle' } },
    },
    {
      transform: [{ filter: "datum.kind === 'eigenvalue'" }],
      mark: { type: 'point', filled: true, size: 22, opacity: 0.75 },
      params: [zoomParam()],
      encoding: {
        x,
        y,
        color: { field: 'unit', type: 'nominal', title: 'block', scale: unitColorScale(labels) },
        tooltip: [
          { field: 'series', type: 'nominal', title: 'layer' },
          { field: 'unit', type: 'nominal', title: 'block' },
          { field: 'state', type: 'nominal', title: 'visited state' },
          { field: 're', type: 'quantitative', title: 'Re', format: '.4f' },
          { field: 'im', type: 'quantitative', title: 'Im', format: '.4f' },
          { field: 'modulus', type: 'quantitative', title: '|lambda|', format: '.4f' },
        ],
      },
    },
  ];
  const base = { $schema: VEGA_LITE_SCHEMA, title: 'Eigenvalues of the state Jacobian J_t', config: REPORT_CONFIG, data: { values: rows } };
  const spec =
    s.length > 1
      ? { ...base, facet: { field: 'series', type: 'nominal', title: null, sort: s.map((z) => z.series) }, columns: 2, spec: { width: side, height: side, layer: layers } }
      : { ...base, width: side, height: side, layer: layers };
  return spec as TopLevelSpec;
}
