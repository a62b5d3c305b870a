/**
 * The one error type of the analysis functions: bad input (a lag longer than the series, a
 * singular covariance, NaN, mismatched shapes). Messages follow one grammar: the function,
 * the argument, what was expected, what was found, e.g.
 * `correlationSums: maxLag is 4096, expected at most 2047 (series length 2048 minus 1)`.
 *
 * @module
 */
export class AnalysisInputError extends Error {
  override name = 'AnalysisInputError';
}

/** Throws AnalysisInputError unless every value is finite, naming the first offender. */
export function assertFinite(values: ArrayLike<number>, fn: string, what: string): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (!Number.isFinite(v)) throw new AnalysisInputError(`${fn}: ${what} entry ${i} is ${v}, expected a finite number`);
  }
}
