/**
 * Input checks shared by the memory-exponent estimators. Internal: not re-exported.
 *
 * @module
 */
import { AnalysisInputError } from '../errors.js';

/**
 * Throws {@link AnalysisInputError} unless `x` is a Float64Array (or array of numbers) of at
 * least `minLength` finite values that are not all equal. Messages name the function, the
 * argument, what was expected and what was found.
 */
export function checkScalarSeries(x: unknown, fn: string, minLength: number, why: string): Float64Array {
  if (!(x instanceof Float64Array) && !Array.isArray(x)) {
    throw new AnalysisInputError(`${fn}: x is ${describe(x)}, expected a Float64Array`);
  }
  const v = x instanceof Float64Array ? x : Float64Array.from(x as number[]);
  if (v.length < minLength) {
    throw new AnalysisInputError(`${fn}: x has length ${v.length}, expected at least ${minLength} (${why})`);
  }
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < v.length; i++) {
    const e = v[i] as number;
    if (!Number.isFinite(e)) throw new AnalysisInputError(`${fn}: x entry ${i} is ${e}, expected a finite number`);
    if (e < lo) lo = e;
    if (e > hi) hi = e;
  }
  if (hi === lo) {
    throw new AnalysisInputError(
      `${fn}: x is constant (all ${v.length} values equal ${lo}), expected a series with positive variance`,
    );
  }
  return v;
}

/** Throws unless `value` is an integer in [lo, hi]; `name` is the option's name. */
export function checkInteger(value: unknown, fn: string, name: string, lo: number, hi: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < lo || value > hi) {
    throw new AnalysisInputError(`${fn}: ${name} is ${describe(value)}, expected an integer in [${lo}, ${hi}]`);
  }
  return value;
}

/** Throws unless `value` is a finite number in the open interval (lo, hi). */
export function checkOpenInterval(value: unknown, fn: string, name: string, lo: number, hi: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= lo || value >= hi) {
    throw new AnalysisInputError(`${fn}: ${name} is ${describe(value)}, expected a number in (${lo}, ${hi})`);
  }
  return value;
}

/** A short description of a value for error messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}`;
  return `a ${typeof value}`;
}
