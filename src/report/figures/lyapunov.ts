/**
 * The Lyapunov spectrum: the top exponents lambda_1 >= lambda_2 >= ... (nats per step) of each
 * audited layer's driven dynamics (QR re-orthonormalisation), with +/- 2 standard errors.
 * lambda_1 < 0: nearby trajectories converge, perturbations are forgotten at rate e^{lambda_1}
 * per step.
 *
 * @module
 */
import type { TopLevelSpec } from 'vega-lite';
import type { LayerSeries } from '../series.js';
import { FIGURE_HEIGHT, FIGURE_WIDTH, REFERENCE_COLORS, REPORT_CONFIG, variantColorScale } from '../theme.js';
import { VEGA_LITE_SCHEMA, dashBySeries, round6, zoomParam } from './common.js';

/** Layers with at least one exponent. */
export function withLyapunov(series: readonly LayerSeries[]): LayerSeries[] {
  return series.filter((s) => s.layer.lyapunov.exponents.length > 0);
}

/**
 * The Vega-Lite spec of the Lyapunov spectrum: exponent lambda_i (nats/step) against its
 * index i, points and lines per series coloured by variant, error bars lambda_i +/- 2 SE, and
 * the zero line.
 */
export function lyapunovSpectrumSpec(series: readonly LayerSeries[]): TopLevelSpec {
  const s = withLyapunov(series);
  const rows = s.flatMap((x) =>
    x.layer.lyapunov.exponents.map((e, i) => {
      const se = x.layer.lyapunov.standardErrors[i] ?? 0;
      return { series: x.series, variant: x.variant, index: i + 1, exponent: round6(e), lo: round6(e - 2 * se), hi: round6(e + 2 * se), se: round6(se) };
    }),
  );
  const color = { field: 'variant', type: 'nominal', title: 'cell', scale: variantColorScale(s.map((x) => x.variant)) };
  const x = { field: 'index', type: 'quantitative', title: 'exponent index i', scale: { zero: false, nice: false, padding: 12 }, axis: { tickMinStep: 1, format: 'd' } };
  const spec = {
    $schema: VEGA_LITE_SCHEMA,
    title: 'Lyapunov spectrum',
    config: REPORT_CONFIG,
    width: FIGURE_WIDTH,
    height: FIGURE_HEIGHT,
    data: { values: rows },
    layer: [
      {
        mark: { type: 'rule', color: REFERENCE_COLORS.theory, strokeDash: [4, 3] },
        encoding: { y: { datum: 0 }, tooltip: { value: 'lambda = 0' } },
      },
      {
        mark: { type: 'rule', strokeWidth: 1.2 },
        encoding: { x, y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' }, color, detail: { field: 'series', type: 'nominal' } },
      },
      {
        mark: { type: 'line', point: { filled: true, size: 36 }, strokeWidth: 1.5 },
        params: [zoomParam()],
        encoding: {
          x,
          y: { field: 'exponent', type: 'quantitative', title: 'lambda_i (nats/step)' },
          color,
          ...dashBySeries(s),
          detail: { field: 'series', type: 'nominal' },
          tooltip: [
            { field: 'series', type: 'nominal', title: 'layer' },
            { field: 'index', type: 'quantitative', title: 'i' },
            { field: 'exponent', type: 'quantitative', title: 'lambda_i (nats/step)', format: '.4f' },
            { field: 'se', type: 'quantitative', title: 'standard error', format: '.2e' },
          ],
        },
      },
    ],
  };
  return spec as TopLevelSpec;
}
