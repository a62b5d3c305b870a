/**
 * Log-spaced lag grids for correlation decay fits and noise floors.
 *
 * @module
 */
import { AnalysisInputError } from '../errors.js';

/** Lags 0..LOG_GRID_DENSE are all on the grid; beyond it the spacing is geometric. */
export const LOG_GRID_DENSE = 10;
/** Grid points per decade of lag beyond {@link LOG_GRID_DENSE}. */
export const LOG_GRID_PER_DECADE = 24;

/**
 * The log-spaced lag grid of a correlation analysis up to maxLag: every lag 0..10, then lags
 * rounded from a geometric sequence with 24 points per decade (ratio 10^(1/24) = 1.1007), then
 * maxLag itself.
 *
 * Method: k_0..k_10 = 0..10; k_{j+1} = max(k_j + 1, round(k_j * 10^(1/24))) while below maxLag;
 * maxLag appended. Each decade of lags gets (about) the same number of points, so least-squares
 * fits in log k weight every decade equally.
 *
 * References: the log-binning of correlation functions in e.g. A. Clauset, C. R. Shalizi &
 * M. E. J. Newman, "Power-law distributions in empirical data", SIAM Review 51(4):661-703, 2009,
 * DOI 10.1137/070710111 (why equal weight per decade matters for power-law fits).
 *
 * @example
 * ```ts
 * logLagGrid(20); // [0, 1, 2, ..., 10, 11, 12, 13, 14, 15, 17, 19, 20]
 * ```
 */
export function logLagGrid(maxLag: number): number[] {
  if (!Number.isSafeInteger(maxLag) || maxLag < 0) {
    throw new AnalysisInputError(`logLagGrid: maxLag is ${String(maxLag)}, expected a nonnegative integer`);
  }
  const ratio = 10 ** (1 / LOG_GRID_PER_DECADE);
  const out: number[] = [];
  for (let k = 0; k <= Math.min(LOG_GRID_DENSE, maxLag); k++) out.push(k);
  let k = LOG_GRID_DENSE;
  while (true) {
    k = Math.max(k + 1, Math.round(k * ratio));
    if (k >= maxLag) break;
    out.push(k);
  }
  if ((out[out.length - 1] as number) !== maxLag) out.push(maxLag);
  return out;
}
