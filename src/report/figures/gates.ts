/**
 * Gate-value distributions with the Lemma 1.2 bound: for each sigmoid gate family (GRU z, 1-z,
 * r; LSTM i, f, o) the fraction of observed gate values per bin of [0, 1] (summed over a
 * layer's units), and the bound 1 - alpha_g that Lemma 1.2 gives every gate and 1 - gate value
 * from the weights and the input range. A memory gate (GRU z, LSTM f) bounded away from 1
 * forgets a stored value geometrically along the gated copy path.
 *
 * @module
 */
import type { TopLevelSpec } from 'vega-lite';
import type { LayerSeries } from '../series.js';
import { FIGURE_WIDTH, REFERENCE_COLORS, REPORT_CONFIG, variantColorScale } from '../theme.js';
import { VEGA_LITE_SCHEMA, round6, zoomParam } from './common.js';

/** Layers with gate histograms. */
export function withGateHistograms(series: readonly LayerSeries[]): LayerSeries[] {
  return series.filter((s) => (s.layer.gates.families ?? []).length > 0);
}

/** Between a panel's layer and gate in its name (its header shows them on two lines). */
const PANEL_SEPARATOR = ' | ';

/** Gate families in display order. */
const GATE_ORDER = ['z', '1-z', 'r', 'i', 'f', 'o'];

/**
 * The Vega-Lite spec of the gate-value histograms: one panel per series and gate family, three
 * to a row (a layer's z, 1-z, r or i, f, o side by side; a wrapped facet, so GRU and LSTM
 * layers in one report leave no empty panels); bars = fraction of the family's observed values
 * (dimensionless) per bin of the gate value (dimensionless, [0, 1]), coloured by variant;
 * dashed rule = the Lemma 1.2 bound 1 - alpha_g (the largest over the layer's units); dotted
 * rule = the observed maximum.
 */
export function gateDistributionSpec(series: readonly LayerSeries[]): TopLevelSpec {
  const s = withGateHistograms(series);
  const rows: Record<string, unknown>[] = [];
  const panels: string[] = [];
  for (const x of s) {
    const byGate = new Map<string, { counts: number[]; bound: number; max: number; min: number; memory: boolean }>();
    for (const f of x.layer.gates.families ?? []) {
      const acc = byGate.get(f.gate) ?? { counts: new Array<number>(f.histogram.length).fill(0), bound: 0, max: 0, min: 1, memory: f.memory };
      f.histogram.forEach((c, b) => {
        acc.counts[b] = (acc.counts[b] ?? 0) + c;
      });
      acc.bound = Math.max(acc.bound, f.lemma12Bound);
      acc.max = Math.max(acc.max, f.empiricalMax);
      acc.min = Math.min(acc.min, f.empiricalMin);
      byGate.set(f.gate, acc);
    }
    const ordered = [...byGate].sort(([a], [b]) => GATE_ORDER.indexOf(a) - GATE_ORDER.indexOf(b));
    for (const [gate, acc] of ordered) {
      const total = acc.counts.reduce((a, b) => a + b, 0);
      const bins = acc.counts.length;
      const label = `${gate}${acc.memory ? ' (memory)' : ''}`;
      const panel = s.length > 1 ? `${x.series}${PANEL_SEPARATOR}gate ${label}` : `gate ${label}`;
      panels.push(panel);
      acc.counts.forEach((c, b) => {
        rows.push({ kind: 'bin', panel, series: x.series, variant: x.variant, gate: label, start: round6(b / bins), end: round6((b + 1) / bins), fraction: total > 0 ? round6(c / total) : 0, count: c });
      });
      rows.push({ kind: 'bound', panel, series: x.series, gate: label, value: round6(acc.bound), what: 'Lemma 1.2 bound 1 - alpha_g' });
      rows.push({ kind: 'max', panel, series: x.series, gate: label, value: round6(acc.max), what: 'observed maximum' });
    }
  }
  const x = { type: 'quantitative', title: 'gate value (unitless)', scale: { domain: [0, 1] } };
  // The two reference lines get a legend of their own (dashed: the bound; dotted: the maximum).
  const REFERENCE_DASH = { field: 'what', type: 'nominal', title: 'reference line', scale: { domain: ['Lemma 1.2 bound 1 - alpha_g', 'observed maximum'], range: [[6, 3], [1, 2]] } };
  const spec = {
    $schema: VEGA_LITE_SCHEMA,
    title: 'Gate values and the Lemma 1.2 bound',
    config: REPORT_CONFIG,
    data: { values: rows },
    // header: the layer above the gate (two lines keep the panels narrow)
    facet: { field: 'panel', type: 'nominal', title: null, sort: panels, header: { labelExpr: `split(datum.value, '${PANEL_SEPARATOR}')` } },
    columns: 3,
    spec: {
      width: Math.round(FIGURE_WIDTH / 2),
      height: 150,
      layer: [
        {
          transform: [{ filter: "datum.kind === 'bin'" }],
          mark: { type: 'rect', opacity: 0.9 },
          params: [zoomParam()],
          encoding: {
            x: { ...x, field: 'start' },
            x2: { field: 'end' },
            y: { field: 'fraction', type: 'quantitative', title: 'fraction of values' },
            color: { field: 'variant', type: 'nominal', title: 'cell', scale: variantColorScale(s.map((z) => z.variant)) },
            tooltip: [
              { field: 'series', type: 'nominal', title: 'layer' },
              { field: 'gate', type: 'nominal' },
              { field: 'start', type: 'quantitative', title: 'bin from' },
              { field: 'end', type: 'quantitative', title: 'bin to' },
              { field: 'fraction', type: 'quantitative', format: '.4f' },
              { field: 'count', type: 'quantitative', title: 'values' },
            ],
          },
        },
        {
          transform: [{ filter: "datum.kind === 'bound'" }],
          mark: { type: 'rule', color: REFERENCE_COLORS.theory, strokeWidth: 1.5 },
          encoding: { x: { ...x, field: 'value' }, strokeDash: REFERENCE_DASH, tooltip: [{ field: 'what', type: 'nominal' }, { field: 'value', type: 'quantitative', format: '.6f' }] },
        },
        {
          transform: [{ filter: "datum.kind === 'max'" }],
          mark: { type: 'rule', color: REFERENCE_COLORS.unit, strokeWidth: 1.5 },
          encoding: { x: { ...x, field: 'value' }, strokeDash: REFERENCE_DASH, tooltip: [{ field: 'what', type: 'nominal' }, { field: 'value', type: 'quantitative', format: '.6f' }] },
        },
      ],
    },
    resolve: { scale: { y: 'independent' } },
  };
  return spec as TopLevelSpec;
}
