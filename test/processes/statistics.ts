/**
 * Test helpers: ensemble estimates of autocovariances with their standard errors.
 *
 * Each sequence s gives an unbiased estimate (known mean 0, divisor n - k)
 * g_s(k) = sum_{t=0}^{n-1-k} x_t x_{t+k} / (n - k); the sequences are independent, so the
 * ensemble mean is unbiased and its standard error is sd_s(g_s(k)) / sqrt(S) (CLT over S
 * independent sequences, whatever the dependence within a sequence).
 */

export interface EnsembleEstimate {
  readonly mean: Float64Array;
  readonly standardError: Float64Array;
}

/** Mean and standard error over the rows of per-sequence estimates (rows: sequences). */
export function ensemble(perSequence: readonly Float64Array[]): EnsembleEstimate {
  const count = perSequence.length;
  const width = perSequence[0]?.length ?? 0;
  const mean = new Float64Array(width);
  const standardError = new Float64Array(width);
  for (const row of perSequence) for (let j = 0; j < width; j++) mean[j] = (mean[j] ?? 0) + (row[j] ?? 0) / count;
  for (let j = 0; j < width; j++) {
    let ss = 0;
    for (const row of perSequence) ss += ((row[j] ?? 0) - (mean[j] ?? 0)) ** 2;
    standardError[j] = Math.sqrt(ss / (count - 1) / count);
  }
  return { mean, standardError };
}

/** The unbiased known-mean-zero autocovariance estimates at lags 0..maxLag of one sequence. */
export function sampleAutocovariance(x: Float64Array, maxLag: number): Float64Array {
  const n = x.length;
  const out = new Float64Array(maxLag + 1);
  for (let k = 0; k <= maxLag; k++) {
    let s = 0;
    for (let t = 0; t + k < n; t++) s += (x[t] ?? 0) * (x[t + k] ?? 0);
    out[k] = s / (n - k);
  }
  return out;
}

/** Ensemble autocovariance estimate of `count` sequences drawn by `draw(i)`. */
export function ensembleAutocovariance(
  count: number,
  maxLag: number,
  draw: (sequence: number) => Float64Array,
): EnsembleEstimate {
  const rows: Float64Array[] = [];
  for (let s = 0; s < count; s++) rows.push(sampleAutocovariance(draw(s), maxLag));
  return ensemble(rows);
}

/** Largest |estimate - exact| / standard error over all entries (the z-score to bound). */
export function maxZScore(estimate: EnsembleEstimate, exact: (j: number) => number): number {
  let worst = 0;
  for (let j = 0; j < estimate.mean.length; j++) {
    const z = Math.abs((estimate.mean[j] ?? 0) - exact(j)) / (estimate.standardError[j] ?? 0);
    worst = Math.max(worst, z);
  }
  return worst;
}
