/**
 * Ordinary least squares of y on x with an intercept, the fit every memory-exponent estimator
 * ends with (log F on log s, log I on the GPH regressor, log Var on log m). Internal: not
 * re-exported from the package.
 *
 * @module
 */

export { fitLine } from '../internal/fitLine.js';
export type { LineFit } from '../internal/fitLine.js';


/**
 * Distinct integers spaced evenly in log between lo and hi inclusive (lo <= hi), about
 * `perOctave` per doubling: round(lo * (hi / lo)^(i / (K - 1))), i = 0..K-1,
 * K = max(2, ceil(perOctave log2(hi / lo)) + 1), duplicates after rounding removed.
 *
 * @example
 * ```ts
 * logSpacedIntegers(4, 32, 1); // [4, 8, 16, 32]
 * ```
 */
export function logSpacedIntegers(lo: number, hi: number, perOctave: number): number[] {
  if (hi <= lo) return [lo];
  const count = Math.max(2, Math.ceil(perOctave * Math.log2(hi / lo) - 1e-9) + 1);
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const v = Math.round(lo * (hi / lo) ** (i / (count - 1)));
    if (out.length === 0 || v > (out[out.length - 1] as number)) out.push(v);
  }
  return out;
}
