/**
 * Internal: the analysis engine's memory exponents from the pooled second moments it has
 * already accumulated (so that the O(N T d^2) covariance is formed once, by the blocked
 * kernel, for both the memory exponents and the step information).
 *
 * {@link memoryFromComponents} returns what `memoryExponents(series, { components: k,
 * aggregatedVariance: { bootstrapReplicates: 0 } })` returns, to rounding: the same pooled
 * covariance (divisor N T), the same symmetric eigendecomposition (ml-matrix), the same sign
 * convention and projections z_t = v^T (h_t - mean); memoryExponents is then run on the k
 * projected series (its own PCA of k nearly uncorrelated series returns them unchanged up to
 * rounding) and the full-space eigenvalues, variances and loadings are put back.
 *
 * @module
 */
import { EigenvalueDecomposition, Matrix as MlMatrix } from 'ml-matrix';
import type { PairMoments } from './information/pairMoments.js';
import { type MemoryExponentsResult, ZERO_VARIANCE_RELATIVE, memoryExponents } from './memory/memoryExponents.js';
import type { Series } from './series.js';

/** Eigen-decomposition of the pooled covariance (divisor: number of rows). */
export interface CovarianceComponents {
  readonly channels: number;
  readonly rows: number;
  readonly mean: Float64Array;
  /** Eigenvalues, decreasing, clipped at 0. */
  readonly eigenvalues: number[];
  /** Unit eigenvectors in the same order, sign: largest-magnitude entry positive. */
  readonly vectors: Float64Array[];
  readonly trace: number;
}

/**
 * The pooled mean and covariance from moments about a shift c (mean = c + s / n,
 * cov = (G - s s^T / n) / n), and their symmetric eigendecomposition (ml-matrix, as
 * memoryExponents).
 */
export function covarianceComponents(m: PairMoments, shift: Float64Array): CovarianceComponents {
  const d = m.width;
  const n = m.rows;
  const mean = new Float64Array(d);
  for (let i = 0; i < d; i++) mean[i] = (shift[i] as number) + (m.s[i] as number) / n;
  const rows: number[][] = [];
  for (let i = 0; i < d; i++) {
    const row = new Array<number>(d);
    for (let j = 0; j < d; j++) {
      const g = i <= j ? (m.g[i * d + j] as number) : (m.g[j * d + i] as number);
      row[j] = (g - ((m.s[i] as number) * (m.s[j] as number)) / n) / n;
    }
    rows.push(row);
  }
  const evd = new EigenvalueDecomposition(new MlMatrix(rows), { assumeSymmetric: true });
  const values = evd.realEigenvalues;
  const vectors = evd.eigenvectorMatrix;
  const order = values.map((_, i) => i).sort((a, b) => (values[b] as number) - (values[a] as number));
  const eigenvalues = order.map((i) => Math.max(0, values[i] as number));
  const trace = rows.reduce((acc, r, i) => acc + (r[i] as number), 0);
  const unit = order.map((col) => {
    const v = new Float64Array(d);
    for (let i = 0; i < d; i++) v[i] = vectors.get(i, col);
    let big = 0;
    for (let i = 1; i < d; i++) if (Math.abs(v[i] as number) > Math.abs(v[big] as number)) big = i;
    if ((v[big] as number) < 0) for (let i = 0; i < d; i++) v[i] = -(v[i] as number);
    return v;
  });
  return { channels: d, rows: n, mean, eigenvalues, vectors: unit, trace };
}

/**
 * memoryExponents(series, { components: k, aggregatedVariance: { bootstrapReplicates: 0 } })
 * from the covariance components (see the module comment); falls back to calling it on the
 * series when k exceeds the components of positive variance (so that it throws its own error).
 */
export function memoryFromComponents(series: readonly Series[], pca: CovarianceComponents, k: number): MemoryExponentsResult {
  const options = { components: k, aggregatedVariance: { bootstrapReplicates: 0 } };
  const positive = pca.eigenvalues.filter((l) => l > ZERO_VARIANCE_RELATIVE * pca.trace).length;
  if (!(pca.trace > 0) || k > positive || k < 1 || !Number.isInteger(k)) return memoryExponents(series as Series[], options);
  const d = pca.channels;
  const projected: Series[] = series.map((s) => {
    const z = new Float64Array(s.rows * k);
    for (let c = 0; c < k; c++) {
      const v = pca.vectors[c] as Float64Array;
      for (let t = 0; t < s.rows; t++) {
        let acc = 0;
        const o = t * d;
        for (let i = 0; i < d; i++) acc += (v[i] as number) * ((s.data[o + i] as number) - (pca.mean[i] as number));
        z[t * k + c] = acc;
      }
    }
    return { rows: s.rows, cols: k, data: z };
  });
  const inner = memoryExponents(projected, options);
  return {
    channels: d,
    sequences: inner.sequences,
    timeSteps: inner.timeSteps,
    eigenvalues: pca.eigenvalues,
    totalVariance: pca.trace,
    components: inner.components.map((c, i) => ({
      ...c,
      variance: pca.eigenvalues[i] as number,
      explainedVarianceRatio: (pca.eigenvalues[i] as number) / pca.trace,
      loadings: Array.from(pca.vectors[i] as Float64Array),
    })),
  };
}
