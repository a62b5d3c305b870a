/**
 * The noise floor of lagged correlation norms: the level that ||Cor(k)||_2 would show if h_t and
 * h_{t+k} were independent, from null norms between independent sequences.
 *
 * @module
 */
import { AnalysisInputError } from '../errors.js';

/**
 * The noise-floor constant c of null norms nu_j, each an average over n_j pairs:
 * c = mean + 2 sd of nu_j sqrt(n_j), so that the floor of an estimate averaging n pairs is
 * c / sqrt(n).
 */
export function noiseFloorConstant(nullNorms: ArrayLike<number>, nullPairs: ArrayLike<number>): number {
  if (nullPairs.length !== nullNorms.length) {
    throw new AnalysisInputError(
      `noiseFloorFromNull: nullPairs has ${nullPairs.length} entries, expected ${nullNorms.length} (one per null norm)`,
    );
  }
  const scaled: number[] = [];
  for (let j = 0; j < nullNorms.length; j++) {
    const v = nullNorms[j] as number;
    const n = nullPairs[j] as number;
    if (!(n > 0) || !Number.isFinite(n)) throw new AnalysisInputError(`noiseFloorFromNull: nullPairs[${j}] is ${n}, expected a positive count`);
    if (!Number.isFinite(v) || v < 0) throw new AnalysisInputError(`noiseFloorFromNull: nullNorms[${j}] is ${v}, expected a finite norm >= 0`);
    scaled.push(v * Math.sqrt(n));
  }
  if (scaled.length === 0) throw new AnalysisInputError('noiseFloorFromNull: nullNorms is empty, expected at least 1 value');
  const mean = scaled.reduce((a, b) => a + b, 0) / scaled.length;
  const sd = scaled.length > 1 ? Math.sqrt(scaled.reduce((a, b) => a + (b - mean) ** 2, 0) / (scaled.length - 1)) : 0;
  return mean + 2 * sd;
}

/**
 * The noise floor of lagged correlation norms that average `pairs[k]` pairs each, from null norms
 * (norms of the same estimator between independent sequences, whose population value is 0)
 * that average `nullPairs[j]` pairs: floor = c / sqrt(pairs), c = mean + 2 sd of
 * nullNorms_j sqrt(nullPairs_j) over all j.
 *
 * Method: the null noise of a lagged correlation estimate scales as 1 / sqrt(pairs) and does
 * not otherwise depend on the lag (Bartlett: Var = (1 / n) sum_m rho_x(m) rho_y(m) for
 * independent x, y with n pairs), so all null draws are pooled. Pooling across the whole lag
 * range matters: null norms at neighbouring lags are strongly correlated for persistent
 * series, and a local window underestimates their spread. mean + 2 sd is 2.0 sd of the entry
 * noise for a scalar (mean |e| = 0.80 sigma, sd |e| = 0.60 sigma for e ~ N(0, sigma^2)), and
 * approaches the concentrated E||E||_2 ~ 2 sqrt(r) sigma of an r x r noise matrix (Bai-Yin) for
 * many channels.
 *
 * References: M. S. Bartlett, "Some aspects of the time-correlation problem in regard to tests
 * of significance", J. R. Stat. Soc. 98(3):536-543, 1935, DOI 10.2307/2342284; Z. D. Bai &
 * Y. Q. Yin, "Limit of the smallest eigenvalue of a large dimensional sample covariance
 * matrix", Ann. Probab. 21(3):1275-1294, 1993, DOI 10.1214/aop/1176989118.
 *
 * @example
 * ```ts
 * noiseFloorFromNull([0.01, 0.01], [10000, 10000], [10000, 2500]); // [0.01, 0.02] (sd 0; 4x fewer pairs)
 * ```
 */
export function noiseFloorFromNull(nullNorms: ArrayLike<number>, nullPairs: ArrayLike<number>, pairs: readonly number[]): number[] {
  const c = noiseFloorConstant(nullNorms, nullPairs);
  return pairs.map((n, k) => {
    if (!(n > 0)) throw new AnalysisInputError(`noiseFloorFromNull: pairs[${k}] is ${n}, expected a positive count`);
    return c / Math.sqrt(n);
  });
}
