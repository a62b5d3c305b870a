/**
 * Internal (not re-exported): input checks shared by the correlation functions, each throwing
 * one {@link AnalysisInputError} that names the function, the argument, the expected and the
 * found value.
 *
 * @module
 */
import { AnalysisInputError } from '../errors.js';
import type { Series } from '../series.js';

/** Shape of a validated ensemble: N sequences of T steps and d channels. */
export interface EnsembleShape {
  readonly sequences: number;
  readonly length: number;
  readonly channels: number;
}

/**
 * Checks that `ensemble` is a non-empty array of T x d series of equal shape with finite
 * entries, and returns (N, T, d).
 */
export function validateEnsemble(ensemble: readonly Series[], fn: string): EnsembleShape {
  if (!Array.isArray(ensemble)) {
    throw new AnalysisInputError(`${fn}: ensemble is ${typeof ensemble}, expected an array of series (T x d matrices)`);
  }
  if (ensemble.length === 0) {
    throw new AnalysisInputError(`${fn}: ensemble is empty, expected at least 1 sequence`);
  }
  const first = ensemble[0] as Series;
  const T = first?.rows;
  const d = first?.cols;
  ensemble.forEach((s, i) => {
    if (s === null || typeof s !== 'object' || !(s.data instanceof Float64Array) || !Number.isSafeInteger(s.rows) || !Number.isSafeInteger(s.cols)) {
      throw new AnalysisInputError(`${fn}: ensemble[${i}] is not a series, expected { rows, cols, data: Float64Array }`);
    }
    if (s.data.length !== s.rows * s.cols) {
      throw new AnalysisInputError(
        `${fn}: ensemble[${i}].data has ${s.data.length} entries, expected rows * cols = ${s.rows} * ${s.cols} = ${s.rows * s.cols}`,
      );
    }
    if (s.cols !== d) {
      throw new AnalysisInputError(`${fn}: ensemble[${i}] has ${s.cols} channels, expected ${d} (as ensemble[0])`);
    }
    if (s.rows !== T) {
      throw new AnalysisInputError(`${fn}: ensemble[${i}] has ${s.rows} time steps, expected ${T} (as ensemble[0])`);
    }
  });
  if (d === 0) throw new AnalysisInputError(`${fn}: ensemble[0] has 0 channels, expected at least 1`);
  if (T === 0) throw new AnalysisInputError(`${fn}: ensemble[0] has 0 time steps, expected at least 2`);
  ensemble.forEach((s, i) => {
    const data = s.data;
    for (let e = 0; e < data.length; e++) {
      const v = data[e] as number;
      if (!Number.isFinite(v)) {
        const t = Math.floor(e / d);
        throw new AnalysisInputError(
          `${fn}: ensemble[${i}] value at t = ${t}, channel ${e - t * d} is ${v}, expected a finite number`,
        );
      }
    }
  });
  return { sequences: ensemble.length, length: T, channels: d };
}

/** Checks that `value` is an integer in [min, max]; `why` explains the upper limit. */
export function assertIntegerInRange(fn: string, name: string, value: unknown, min: number, max: number, why = ''): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new AnalysisInputError(`${fn}: ${name} is ${String(value)}, expected an integer in [${min}, ${max}]${why}`);
  }
  if (value < min) throw new AnalysisInputError(`${fn}: ${name} is ${value}, expected at least ${min}`);
  if (value > max) throw new AnalysisInputError(`${fn}: ${name} is ${value}, expected at most ${max}${why}`);
  return value;
}

/** Checks that `value` is a finite number in the open interval (lo, hi) (or closed where asked). */
export function assertNumberInRange(fn: string, name: string, value: unknown, lo: number, hi: number, closed = false): number {
  const ok = typeof value === 'number' && Number.isFinite(value) && (closed ? value >= lo && value <= hi : value > lo && value < hi);
  if (!ok) {
    const range = closed ? `[${lo}, ${hi}]` : `(${lo}, ${hi})`;
    throw new AnalysisInputError(`${fn}: ${name} is ${String(value)}, expected a number in ${range}`);
  }
  return value as number;
}
