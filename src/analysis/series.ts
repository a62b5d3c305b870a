/**
 * Multivariate time series as the analysis functions take them: one row-major matrix per
 * sequence, rows = time steps, columns = channels (a {@link DenseMatrix} with rows = T,
 * cols = d). An ensemble is an array of such sequences of equal width.
 *
 * @module
 */
import type { DenseMatrix } from '../linalg/dense.js';
import { AnalysisInputError } from './errors.js';

/** T x d series: entry (t, i) is channel i at time t, `data[t * cols + i]`. */
export type Series = DenseMatrix;

/** A series from T vectors of length d (copied). */
export function seriesFromRows(rows: readonly ArrayLike<number>[], fn = 'seriesFromRows'): Series {
  const t = rows.length;
  const d = t === 0 ? 0 : (rows[0] as ArrayLike<number>).length;
  const data = new Float64Array(t * d);
  rows.forEach((r, i) => {
    if (r.length !== d) throw new AnalysisInputError(`${fn}: row ${i} has length ${r.length}, expected ${d} (as row 0)`);
    for (let j = 0; j < d; j++) data[i * d + j] = r[j] as number;
  });
  return { rows: t, cols: d, data };
}

/** A scalar series as a T x 1 series (shares the buffer). */
export function seriesFromScalar(x: Float64Array): Series {
  return { rows: x.length, cols: 1, data: x };
}

/** Channel i of a series as a new Float64Array of length T. */
export function channel(s: Series, i: number): Float64Array {
  const out = new Float64Array(s.rows);
  for (let t = 0; t < s.rows; t++) out[t] = s.data[t * s.cols + i] as number;
  return out;
}
