/**
 * Training loss curves (the copy task's Fig. 1-3 of Belletti et al. 2018): the training loss
 * in nats per output symbol against the training step, one line per run, coloured by cell
 * variant (dense / factorized / context-switching, the report theme's colours), dashed for
 * the "small" variant (the dense width in g blocks: about g times fewer parameters and FLOPs)
 * and solid for the "big" one (the widest g-block model within the dense model's parameters), one column per number of repeats when the curves differ in it (the copy task's
 * sequence repeats), and one row per recurrent cell (GRU, LSTM) when the curves differ in it.
 *
 * @module
 */
import type { TopLevelSpec } from 'vega-lite';
import { FIGURE_HEIGHT, FIGURE_WIDTH, REPORT_CONFIG, variantColorScale } from '../theme.js';

/** One training run's loss curve. */
export interface TrainingCurve {
  /** The run's name in the legend and tooltip (e.g. "factorized g=8 big, seed 1"). */
  label: string;
  /** Which cell family was trained: sets the colour. */
  variant: 'dense' | 'factorized' | 'context-switching';
  /** The paper's "big" (equal parameters, solid) or "small" (equal width: about g times fewer parameters, dashed) variant. */
  size?: 'big' | 'small';
  /** The copy task's number of repeats; curves with different repeats go to separate columns. */
  repeats?: number;
  /** The recurrent cell ("GRU", "LSTM"); curves of different cells go to separate rows. */
  cell?: string;
  /** The loss in nats per output symbol (mean cross-entropy) at each training step. */
  points: { step: number; loss: number }[];
}

/** One row of the figure's inline data. */
interface LossRow {
  label: string;
  variant: string;
  size: string;
  repeats: string;
  step: number;
  lossNats: number;
  cell?: string;
}

/**
 * The Vega-Lite spec of training loss curves.
 *
 * Non-finite losses (a diverged run) are dropped from the plotted rows, since Vega-Lite data
 * must be JSON. With a single distinct `repeats` (or none) and at most one `cell` the figure is
 * one panel; with several repeats, one column per repeats value on a shared loss axis; with
 * several cells, one row per cell. Interval selection bound to
 * the scales gives zoom and pan in the HTML page; tooltips give run, step and loss.
 *
 * @param curves - the runs to draw (may be empty: the figure then has no lines)
 * @param options - `title`: the figure title (default "Training loss")
 * @returns a Vega-Lite top-level spec with inline data
 * @example
 * trainingLossSpec([{ label: 'dense', variant: 'dense', points: [{ step: 0, loss: 2.3 }] }]);
 * // returns a spec whose data.values is [{ label: 'dense', variant: 'dense', step: 0, lossNats: 2.3, ... }]
 */
export function trainingLossSpec(curves: TrainingCurve[], options: { title?: string } = {}): TopLevelSpec {
  const rows: LossRow[] = [];
  for (const curve of curves) {
    for (const point of curve.points) {
      if (!Number.isFinite(point.step) || !Number.isFinite(point.loss)) continue;
      rows.push({
        label: curve.label,
        variant: curve.variant,
        size: curve.size ?? 'big',
        repeats: curve.repeats === undefined ? 'n/a' : String(curve.repeats),
        step: point.step,
        lossNats: point.loss,
        ...(curve.cell === undefined ? {} : { cell: curve.cell }),
      });
    }
  }
  const repeatsValues = [...new Set(curves.map((c) => c.repeats))]
    .filter((r): r is number => r !== undefined)
    .sort((a, b) => a - b);
  const cellValues = [...new Set(curves.map((c) => c.cell))].filter((c): c is string => c !== undefined).sort();
  const byCell = cellValues.length > 1;
  const faceted = repeatsValues.length > 1 || byCell;
  const title = options.title ?? 'Training loss';
  const encoding = {
    x: { field: 'step', type: 'quantitative' as const, title: 'training step (updates)' },
    y: { field: 'lossNats', type: 'quantitative' as const, title: 'loss (nats per output symbol)' },
    // With a row per cell (GRU, LSTM) the colour legend names the network, not the cell.
    color: { field: 'variant', type: 'nominal' as const, title: byCell ? 'network' : 'cell', scale: variantColorScale(curves.map((c) => c.variant)) },
    strokeDash: {
      field: 'size',
      type: 'nominal' as const,
      title: 'size (big: equal parameters; small: equal width)',
      scale: { domain: ['big', 'small'], range: [[1, 0], [6, 3]] },
    },
    detail: { field: 'label', type: 'nominal' as const },
    tooltip: [
      { field: 'label', type: 'nominal' as const, title: 'run' },
      { field: 'repeats', type: 'nominal' as const, title: 'repeats' },
      { field: 'step', type: 'quantitative' as const, title: 'step' },
      { field: 'lossNats', type: 'quantitative' as const, title: 'loss (nats/symbol)', format: '.4f' },
    ],
  };
  const params = [{ name: 'zoom', select: { type: 'interval' as const, encodings: ['x' as const, 'y' as const] }, bind: 'scales' as const }];
  if (!faceted) {
    return {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      title,
      config: REPORT_CONFIG,
      width: FIGURE_WIDTH,
      height: FIGURE_HEIGHT,
      data: { values: rows },
      mark: { type: 'line', strokeWidth: 1.5, clip: true },
      params,
      encoding,
    };
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    config: REPORT_CONFIG,
    data: { values: rows },
    facet: {
      ...(repeatsValues.length > 1
        ? {
            column: {
              field: 'repeats',
              type: 'ordinal' as const,
              title: null,
              sort: repeatsValues.map(String),
              header: { labelExpr: "'repeats = ' + datum.value" },
            },
          }
        : {}),
      ...(byCell ? { row: { field: 'cell', type: 'nominal' as const, title: null, sort: cellValues } } : {}),
    },
    spec: {
      width: Math.round(FIGURE_WIDTH / Math.min(Math.max(1, repeatsValues.length), 3)) + 60,
      height: FIGURE_HEIGHT,
      mark: { type: 'line', strokeWidth: 1.5, clip: true },
      params,
      encoding,
    },
  };
}
