/**
 * Argument checks of the information functions, all throwing {@link AnalysisInputError} with
 * one message: function, argument, expected, found. Internal (not re-exported).
 *
 * @module
 */
import type { DenseMatrix } from '../../linalg/dense.js';
import { AnalysisInputError } from '../errors.js';
import type { Series } from '../series.js';

/**
 * Copies a nested-array matrix into a DenseMatrix after checking it is non-empty, rectangular and finite.
 *
 * @example
 * checkedMatrix([[1, 2]], 'f', 'W').cols; // 2; checkedMatrix([[1], [2, 3]], 'f', 'W') throws
 * // "f: W row 1 has 2 entries, expected 1 (as row 0)"
 */
export function checkedMatrix(m: unknown, fn: string, what: string): DenseMatrix {
  if (!Array.isArray(m) || m.length === 0) {
    throw new AnalysisInputError(`${fn}: ${what} is ${describe(m)}, expected a non-empty matrix (array of rows)`);
  }
  const first: unknown = m[0];
  if (!Array.isArray(first) || first.length === 0) {
    throw new AnalysisInputError(`${fn}: ${what} row 0 is ${describe(first)}, expected a non-empty array of numbers`);
  }
  const rows = m.length, cols = first.length;
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const row: unknown = m[i];
    if (!Array.isArray(row) || row.length !== cols) {
      throw new AnalysisInputError(
        `${fn}: ${what} row ${i} has ${Array.isArray(row) ? row.length : 'no'} entries, expected ${cols} (as row 0)`,
      );
    }
    for (let j = 0; j < cols; j++) {
      const v: unknown = row[j];
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new AnalysisInputError(`${fn}: ${what} entry (${i}, ${j}) is ${String(v)}, expected a finite number`);
      }
      data[i * cols + j] = v;
    }
  }
  return { rows, cols, data };
}

/**
 * Checks a Series (rows = samples, cols = dimension): consistent shape, finite entries.
 *
 * @example
 * checkSeries({ rows: 1, cols: 1, data: Float64Array.from([NaN]) }, 'f', 'x');
 * // throws "f: x entry (0, 0) is NaN, expected a finite number"
 */
export function checkSeries(s: unknown, fn: string, what: string): Series {
  const o = s as Partial<Series> | null | undefined;
  if (
    o === null ||
    typeof o !== 'object' ||
    !Number.isInteger(o.rows) ||
    !Number.isInteger(o.cols) ||
    !(o.data instanceof Float64Array)
  ) {
    throw new AnalysisInputError(`${fn}: ${what} is ${describe(s)}, expected a Series {rows, cols, data: Float64Array}`);
  }
  const series = o as Series;
  if (series.cols < 1) throw new AnalysisInputError(`${fn}: ${what} has ${series.cols} columns, expected at least 1`);
  if (series.data.length !== series.rows * series.cols) {
    throw new AnalysisInputError(
      `${fn}: ${what} data has length ${series.data.length}, expected rows * cols = ${series.rows} * ${series.cols} = ${series.rows * series.cols}`,
    );
  }
  for (let i = 0; i < series.data.length; i++) {
    const v = series.data[i] as number;
    if (!Number.isFinite(v)) {
      throw new AnalysisInputError(
        `${fn}: ${what} entry (${Math.floor(i / series.cols)}, ${i % series.cols}) is ${v}, expected a finite number`,
      );
    }
  }
  return series;
}

/**
 * Checks that two series have the same number of samples (rows).
 *
 * @example
 * checkPaired(x10, y9, 'f'); // throws "f: y has 9 samples (rows), expected 10 (as x)"
 */
export function checkPaired(x: Series, y: Series, fn: string): void {
  if (x.rows !== y.rows) {
    throw new AnalysisInputError(`${fn}: y has ${y.rows} samples (rows), expected ${x.rows} (as x)`);
  }
}

/**
 * Throws unless v is a finite number > 0 (or >= 0 when `allowZero`); returns v.
 *
 * @example
 * checkPositive(0, 'f', 'sigma'); // throws "f: sigma is 0, expected a finite number > 0"
 */
export function checkPositive(v: unknown, fn: string, what: string, allowZero = false): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || (allowZero ? v < 0 : v <= 0)) {
    throw new AnalysisInputError(
      `${fn}: ${what} is ${String(v)}, expected a finite number ${allowZero ? '>= 0' : '> 0'}`,
    );
  }
  return v;
}

/**
 * Throws unless v is an integer in [min, max]; returns v.
 *
 * @example
 * checkInteger(10, 'f', 'k', 1, 9); // throws "f: k is 10, expected an integer in [1, 9]"
 */
export function checkInteger(v: unknown, fn: string, what: string, min: number, max = Number.MAX_SAFE_INTEGER, why = ''): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer in [${min}, ${max}]`;
    throw new AnalysisInputError(`${fn}: ${what} is ${String(v)}, expected ${range}${why}`);
  }
  return v;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (typeof v === 'object') return 'an object';
  return String(v);
}
