/**
 * Mutual information against channel count: the Gaussian-channel information
 * I = 1/2 log det(I + W^T W) (nats, eta = sigma = 1; the paper's Theorem 1.2, corrected) of the
 * leading k x k principal sub-block of each layer's candidate recurrent matrix W_h, for k on a
 * doubling grid (blocks in order for factorized cells), coloured dense / factorized /
 * context-switching, against Proposition 1.4's line k/2 log 2 (exact for orthogonal W_h).
 *
 * @module
 */
import type { TopLevelSpec } from 'vega-lite';
import type { LayerSeries } from '../series.js';
import { FIGURE_HEIGHT, FIGURE_WIDTH, REFERENCE_COLORS, REPORT_CONFIG, variantColorScale } from '../theme.js';
import { VEGA_LITE_SCHEMA, dashBySeries, round6, zoomParam } from './common.js';

/** The label of Proposition 1.4's line in the legend. */
export const PROPOSITION_14_LABEL = 'Prop. 1.4: k/2 log 2';

/**
 * The Vega-Lite spec of I(k) (nats) against the channel count k (log2 axis; I on a log axis),
 * per series, with Proposition 1.4's k/2 log(1 + eta/sigma) = k/2 log 2 nats as a dashed line.
 * Non-positive values are left out (log axis).
 */
export function informationChannelsSpec(series: readonly LayerSeries[]): TopLevelSpec {
  const rows = series.flatMap((s) =>
    s.layer.mutualInformation.perChannelCount.filter((p) => p.nats > 0).map((p) => ({ series: s.series, variant: s.variant, channels: p.channels, nats: round6(p.nats), natsPerChannel: round6(p.nats / p.channels) })),
  );
  const maxChannels = Math.max(1, ...series.map((s) => s.layer.hiddenSize));
  const grid: number[] = [];
  for (let k = 1; k < maxChannels; k *= 2) grid.push(k);
  grid.push(maxChannels);
  const line = grid.map((k) => ({ curve: PROPOSITION_14_LABEL, channels: k, nats: round6((k / 2) * Math.LN2) }));
  const x = { field: 'channels', type: 'quantitative', title: 'channels k (count)', scale: { type: 'log', base: 2 }, axis: { values: grid, format: 'd' } };
  const y = { field: 'nats', type: 'quantitative', title: 'information I (nats)', scale: { type: 'log' } };
  const spec = {
    $schema: VEGA_LITE_SCHEMA,
    title: 'Gaussian-channel information against channel count',
    config: REPORT_CONFIG,
    width: FIGURE_WIDTH,
    height: FIGURE_HEIGHT,
    layer: [
      {
        data: { values: line },
        mark: { type: 'line', strokeDash: [6, 4], strokeWidth: 1.2 },
        encoding: {
          x,
          y,
          color: { field: 'curve', type: 'nominal', title: 'theory', scale: { domain: [PROPOSITION_14_LABEL], range: [REFERENCE_COLORS.theory] } },
          tooltip: [
            { field: 'curve', type: 'nominal' },
            { field: 'channels', type: 'quantitative', title: 'k' },
            { field: 'nats', type: 'quantitative', title: 'I (nats)', format: '.4f' },
          ],
        },
      },
      {
        data: { values: rows },
        mark: { type: 'line', point: { filled: true, size: 36 }, strokeWidth: 1.5 },
        params: [zoomParam()],
        encoding: {
          x,
          y,
          color: { field: 'variant', type: 'nominal', title: 'cell', scale: variantColorScale(series.map((s) => s.variant)) },
          ...dashBySeries(series),
          detail: { field: 'series', type: 'nominal' },
          tooltip: [
            { field: 'series', type: 'nominal', title: 'layer' },
            { field: 'channels', type: 'quantitative', title: 'k (channels)' },
            { field: 'nats', type: 'quantitative', title: 'I (nats)', format: '.4f' },
            { field: 'natsPerChannel', type: 'quantitative', title: 'nats per channel', format: '.4f' },
          ],
        },
      },
    ],
    resolve: { scale: { color: 'independent' } },
  };
  return spec as TopLevelSpec;
}
