/**
 * Correlation figures: ||Cor(h_t, h_{t+k})||_2 against the lag k on log-log axes with the
 * noise floor and the fitted exponential and power-law decays, and the partial sums
 * S(K) = sum_{k=0..K} ||Cor(h_t, h_{t+k})||_2 (finite limit: short range dependence, SRD;
 * divergence: long range dependence, LRD; Belletti et al. 2018, Definition 1.1).
 *
 * @module
 */
import type { TopLevelSpec } from 'vega-lite';
import type { LayerSeries } from '../series.js';
import { FIGURE_HEIGHT, FIGURE_WIDTH, REFERENCE_COLORS, REPORT_CONFIG, variantColorScale } from '../theme.js';
import { VEGA_LITE_SCHEMA, dashBySeries, logSpace, logSubsample, round6, zoomParam } from './common.js';

/** Plotted lags per series at most (log-spaced subsample of the audit's lag grid). */
const MAX_PLOTTED_LAGS = 120;
/** Points per fitted curve. */
const FIT_POINTS = 32;

const REFERENCE_DOMAIN = ['noise floor', 'exponential fit', 'power-law fit'];
const REFERENCE_RANGE = [REFERENCE_COLORS.noiseFloor, REFERENCE_COLORS.exponentialFit, REFERENCE_COLORS.powerLawFit];

/** Positive lags k >= 1 of a layer, subsampled on a log grid: their indices. */
function plottedLagIndices(lags: readonly number[]): number[] {
  const first = lags.findIndex((k) => k >= 1);
  if (first < 0) return [];
  return logSubsample(lags.slice(first), MAX_PLOTTED_LAGS).map((i) => i + first);
}

/**
 * The Vega-Lite spec of ||Cor(h_t, h_{t+k})||_2 (dimensionless; at most the channel count) against the lag k
 * (steps), log-log, for every series: measured norms coloured by variant, the estimator's
 * noise floor (independent sequences) and the fitted decays a e^{s k} and a k^-beta drawn on
 * their fit range. Lag 0 (norm 1) and zero norms are left out (log axes).
 */
export function correlationNormSpec(series: readonly LayerSeries[]): TopLevelSpec {
  const measured: Record<string, unknown>[] = [];
  const reference: Record<string, unknown>[] = [];
  for (const s of series) {
    const c = s.layer.correlation;
    for (const i of plottedLagIndices(c.lags)) {
      const lag = c.lags[i] as number, norm = c.norm[i] as number, floor = c.noiseFloor[i];
      if (norm > 0) measured.push({ series: s.series, variant: s.variant, lag, norm: round6(norm), floor: floor === undefined ? null : round6(floor) });
      if (floor !== undefined && floor > 0) reference.push({ series: s.series, curve: 'noise floor', lag, norm: round6(floor) });
    }
    const fits = c.fits;
    if (fits?.range) {
      const [k0, k1] = fits.range;
      for (const k of logSpace(k0, k1, FIT_POINTS)) {
        if (fits.exponential) {
          const v = fits.exponential.amplitude * Math.exp(fits.exponential.slopePerLag * k);
          if (v > 0 && Number.isFinite(v)) reference.push({ series: s.series, curve: 'exponential fit', lag: round6(k), norm: round6(v) });
        }
        if (fits.powerLaw) {
          const v = fits.powerLaw.amplitude * k ** -fits.powerLaw.exponent;
          if (v > 0 && Number.isFinite(v)) reference.push({ series: s.series, curve: 'power-law fit', lag: round6(k), norm: round6(v) });
        }
      }
    }
  }
  const x = { field: 'lag', type: 'quantitative', title: 'lag k (steps)', scale: { type: 'log' } };
  const y = { field: 'norm', type: 'quantitative', title: '||Cor(h_t, h_t+k)||_2 (unitless)', scale: { type: 'log' } };
  const spec = {
    $schema: VEGA_LITE_SCHEMA,
    title: 'Correlation norm against lag',
    config: REPORT_CONFIG,
    width: FIGURE_WIDTH,
    height: FIGURE_HEIGHT,
    layer: [
      {
        data: { values: reference },
        mark: { type: 'line', strokeWidth: 1.2, clip: true },
        encoding: {
          x,
          y,
          color: { field: 'curve', type: 'nominal', title: 'reference', scale: { domain: REFERENCE_DOMAIN, range: REFERENCE_RANGE } },
          detail: { field: 'series', type: 'nominal' },
          ...dashBySeries(series),
          tooltip: [
            { field: 'series', type: 'nominal', title: 'layer' },
            { field: 'curve', type: 'nominal' },
            { field: 'lag', type: 'quantitative', title: 'lag (steps)' },
            { field: 'norm', type: 'quantitative', title: 'value', format: '.3e' },
          ],
        },
      },
      {
        data: { values: measured },
        mark: { type: 'line', point: { filled: true, size: 14 }, strokeWidth: 1.5, clip: true },
        params: [zoomParam()],
        encoding: {
          x,
          y,
          color: { field: 'variant', type: 'nominal', title: 'cell', scale: variantColorScale(series.map((s) => s.variant)) },
          ...dashBySeries(series),
          detail: { field: 'series', type: 'nominal' },
          tooltip: [
            { field: 'series', type: 'nominal', title: 'layer' },
            { field: 'variant', type: 'nominal', title: 'cell' },
            { field: 'lag', type: 'quantitative', title: 'lag (steps)' },
            { field: 'norm', type: 'quantitative', title: '||Cor||_2', format: '.3e' },
            { field: 'floor', type: 'quantitative', title: 'noise floor', format: '.3e' },
          ],
        },
      },
    ],
    resolve: { scale: { color: 'independent' } },
  };
  return spec as TopLevelSpec;
}

/**
 * The Vega-Lite spec of the partial sums S(K) = sum_{k=0..K} ||Cor(h_t, h_{t+k})||_2
 * (dimensionless) against K (steps, log axis) per series, with each SRD verdict's estimate
 * of S(infinity) (the measured sum plus the fitted tail) as a horizontal rule.
 */
export function partialSumSpec(series: readonly LayerSeries[]): TopLevelSpec {
  const rows: Record<string, unknown>[] = [];
  const limits: Record<string, unknown>[] = [];
  for (const s of series) {
    const c = s.layer.correlation;
    for (const i of plottedLagIndices(c.lags)) rows.push({ series: s.series, variant: s.variant, lag: c.lags[i] as number, sum: round6(c.partialSum[i] as number) });
    const est = c.evidence.sumEstimate;
    if (est !== null && Number.isFinite(est)) limits.push({ series: s.series, variant: s.variant, sum: round6(est), verdict: c.verdict });
  }
  const color = { field: 'variant', type: 'nominal', title: 'cell', scale: variantColorScale(series.map((s) => s.variant)) };
  const spec = {
    $schema: VEGA_LITE_SCHEMA,
    title: 'Partial sums S(K) of the correlation norms',
    config: REPORT_CONFIG,
    width: FIGURE_WIDTH,
    height: FIGURE_HEIGHT,
    layer: [
      {
        data: { values: rows },
        mark: { type: 'line', strokeWidth: 1.5, clip: true },
        params: [zoomParam()],
        encoding: {
          x: { field: 'lag', type: 'quantitative', title: 'largest lag K (steps)', scale: { type: 'log' } },
          y: { field: 'sum', type: 'quantitative', title: 'S(K) (unitless)' },
          color,
          ...dashBySeries(series),
          detail: { field: 'series', type: 'nominal' },
          tooltip: [
            { field: 'series', type: 'nominal', title: 'layer' },
            { field: 'lag', type: 'quantitative', title: 'K (steps)' },
            { field: 'sum', type: 'quantitative', title: 'S(K)', format: '.4f' },
          ],
        },
      },
      {
        data: { values: limits },
        mark: { type: 'rule', strokeDash: [2, 3], strokeWidth: 1.2, opacity: 0.8 },
        encoding: {
          y: { field: 'sum', type: 'quantitative' },
          color,
          tooltip: [
            { field: 'series', type: 'nominal', title: 'layer' },
            { field: 'verdict', type: 'nominal' },
            { field: 'sum', type: 'quantitative', title: 'estimated S(infinity)', format: '.4f' },
          ],
        },
      },
    ],
  };
  return spec as TopLevelSpec;
}
