/**
 * The d x d lagged cross-correlation matrix Cor(h_t, h_{t+k}) of an ensemble, computed directly
 * (all channels, no projection): the reference for the fast estimator of
 * {@link crossCorrelationNorms}, and the right tool when d is small.
 *
 * @module
 */
import { AnalysisInputError } from '../errors.js';
import type { Series } from '../series.js';
import type { CorrelationEstimator } from './crossCorrelationNorms.js';
import { assertIntegerInRange, validateEnsemble } from './validate.js';

/** Options of {@link crossCorrelationMatrix}. */
export interface CrossCorrelationMatrixOptions {
  /** 'time-average' (default) or 'ensemble'. */
  readonly estimator?: CorrelationEstimator;
  /** Ensemble estimator: reference time t0 (default 0). */
  readonly t0?: number;
}

const FN = 'crossCorrelationMatrix';

/**
 * Cor(h_t, h_{t+k}) as a d x d matrix (row i, column j: channel i at t, channel j at t + k),
 * estimated directly in O(N T d^2).
 *
 * Method: time average: mu and D = diag of the pooled lag-0 covariance (divisor N T);
 * C(k) = sum_s sum_{t=0}^{T-k-1} (h_t - mu)(h_{t+k} - mu)^T / (N (T - k));
 * Cor(k) = D^-1/2 C(k) D^-1/2. Ensemble: at fixed t0, Pearson correlations across the N
 * sequences of channel i at t0 and channel j at t0 + k (per-time means and variances). Channels
 * with zero variance get zero rows / columns.
 *
 * References: Brockwell & Davis, Time Series: Theory and Methods, 2nd ed., Springer 1991,
 * DOI 10.1007/978-1-4419-0320-4, section 11.2 (sample cross-correlation).
 *
 * @example
 * ```ts
 * // a quarter turn per step: h_{t+2} = -h_t
 * const s = seriesFromRows([[1, 0], [0, 1], [-1, 0], [0, -1], [1, 0], [0, 1], [-1, 0], [0, -1]]);
 * crossCorrelationMatrix([s], 2); // [[-0.9999999999999998, 0], [0, -0.9999999999999998]]
 * crossCorrelationMatrix([s], 1); // [[0, 1.1428...], [-0.8571..., 0]] (8/7 and -6/7: end effects of 7 pairs)
 * ```
 */
export function crossCorrelationMatrix(
  ensemble: readonly Series[],
  lag: number,
  options: CrossCorrelationMatrixOptions = {},
): number[][] {
  const { sequences: N, length: T, channels: d } = validateEnsemble(ensemble, FN);
  const estimator = options.estimator ?? 'time-average';
  if (estimator !== 'time-average' && estimator !== 'ensemble') {
    throw new AnalysisInputError(`${FN}: estimator is ${String(estimator)}, expected 'time-average' or 'ensemble'`);
  }
  const out: number[][] = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  if (estimator === 'time-average') {
    const k = assertIntegerInRange(FN, 'lag', lag, 0, T - 1, ` (series length ${T} minus 1)`);
    const mu = new Float64Array(d);
    for (const s of ensemble) for (let t = 0; t < T; t++) for (let i = 0; i < d; i++) mu[i] = (mu[i] as number) + (s.data[t * d + i] as number);
    for (let i = 0; i < d; i++) mu[i] = (mu[i] as number) / (N * T);
    const v = new Float64Array(d);
    for (const s of ensemble) {
      for (let t = 0; t < T; t++) for (let i = 0; i < d; i++) v[i] = (v[i] as number) + ((s.data[t * d + i] as number) - (mu[i] as number)) ** 2;
    }
    const inv = Array.from(v, (x) => (x > 0 ? 1 / Math.sqrt(x / (N * T)) : 0));
    const c = new Float64Array(d * d);
    for (const s of ensemble) {
      for (let t = 0; t + k < T; t++) {
        for (let i = 0; i < d; i++) {
          const a = (s.data[t * d + i] as number) - (mu[i] as number);
          for (let j = 0; j < d; j++) c[i * d + j] = (c[i * d + j] as number) + a * ((s.data[(t + k) * d + j] as number) - (mu[j] as number));
        }
      }
    }
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) (out[i] as number[])[j] = ((c[i * d + j] as number) / (N * (T - k))) * (inv[i] as number) * (inv[j] as number);
    }
    return out;
  }
  if (N < 3) {
    throw new AnalysisInputError(`${FN}: ensemble has ${N} sequences, expected at least 3 for the 'ensemble' estimator`);
  }
  const t0 = assertIntegerInRange(FN, 't0', options.t0 ?? 0, 0, T - 1, ` (series length ${T} minus 1)`);
  const k = assertIntegerInRange(FN, 'lag', lag, 0, T - 1 - t0, ` (series length ${T} minus 1 minus t0 = ${t0})`);
  const centred = (t: number): Float64Array => {
    const f = new Float64Array(N * d);
    for (let i = 0; i < d; i++) {
      let m = 0;
      for (let s = 0; s < N; s++) m += (ensemble[s] as Series).data[t * d + i] as number;
      m /= N;
      let ss = 0;
      for (let s = 0; s < N; s++) {
        const x = ((ensemble[s] as Series).data[t * d + i] as number) - m;
        f[s * d + i] = x;
        ss += x * x;
      }
      const nrm = Math.sqrt(ss);
      for (let s = 0; s < N; s++) f[s * d + i] = nrm > 0 ? (f[s * d + i] as number) / nrm : 0;
    }
    return f;
  };
  const a = centred(t0);
  const b = centred(t0 + k);
  for (let s = 0; s < N; s++) {
    for (let i = 0; i < d; i++) {
      const x = a[s * d + i] as number;
      for (let j = 0; j < d; j++) (out[i] as number[])[j] = ((out[i] as number[])[j] as number) + x * (b[s * d + j] as number);
    }
  }
  return out;
}
