/**
 * Internal: the analysis engine's memory exponents from the pooled second moments it has
 * already accumulated (so that the O(N T d^2) covariance is formed once, by the blocked
 * kernel, for both the memory exponents and the step information).
 *
 * {@link memoryFromComponents} returns what `memoryExponents(series, { components: k,
 * aggregatedVariance: { bootstrapReplicates: 0 } })` returns, to rounding: the same pooled
 * covariance (divisor N T), the same symmetric eigendecomposition (ml-matrix's algorithm, bit
 * for bit, in symmetricEigen), the same sign convention and projections
 * z_t = v^T (h_t - mean); memoryExponents is then run on the k
 * projected series (its own PCA of k nearly uncorrelated series returns them unchanged up to
 * rounding) and the full-space eigenvalues, variances and loadings are put back.
 *
 * @module
 */
import { gemm, simdArena } from '../linalg/internal/simd.js';
import { symmetricEigen } from '../linalg/internal/symmetricEigen.js';
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
 * cov = (G - s s^T / n) / n), and their symmetric eigendecomposition (symmetricEigen: the
 * same bits as ml-matrix's, which memoryExponents uses).
 */
export function covarianceComponents(m: PairMoments, shift: Float64Array): CovarianceComponents {
  const d = m.width;
  const n = m.rows;
  const mean = new Float64Array(d);
  for (let i = 0; i < d; i++) mean[i] = (shift[i] as number) + (m.s[i] as number) / n;
  const cov = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      const g = i <= j ? (m.g[i * d + j] as number) : (m.g[j * d + i] as number);
      cov[i * d + j] = (g - ((m.s[i] as number) * (m.s[j] as number)) / n) / n;
    }
  }
  const evd = symmetricEigen(cov, d);
  const values = Array.from(evd.values);
  const order = values.map((_, i) => i).sort((a, b) => (values[b] as number) - (values[a] as number));
  const eigenvalues = order.map((i) => Math.max(0, values[i] as number));
  let trace = 0;
  for (let i = 0; i < d; i++) trace += cov[i * d + i] as number;
  const unit = order.map((col) => {
    const v = evd.vectors.slice(col * d, (col + 1) * d);
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
  const projected: Series[] = projectOnComponents(series, pca, k);
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

/** Rows centred and projected per call of the SIMD kernel. */
const PROJECT_ROWS = 64;

/**
 * z_t[c] = sum_i v_c[i] (h_t[i] - mean_i) for the k leading components, each sum from 0 in index
 * order: in plain JS, or (the same sums) by the SIMD kernel on blocks of 64 centred rows against
 * V (d x k).
 */
export function projectOnComponents(series: readonly Series[], pca: CovarianceComponents, k: number): Series[] {
  const d = pca.channels;
  const arena = simdArena();
  if (!arena) {
    return series.map((s) => {
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
  }
  const mark = arena.mark();
  try {
    const V = arena.alloc(d * k), C = arena.alloc(PROJECT_ROWS * d), Z = arena.alloc(PROJECT_ROWS * k);
    const f = arena.f64;
    for (let c = 0; c < k; c++) {
      const v = pca.vectors[c] as Float64Array;
      for (let i = 0; i < d; i++) f[V + i * k + c] = v[i] as number;
    }
    const mean = pca.mean;
    return series.map((s) => {
      const z = new Float64Array(s.rows * k);
      for (let t = 0; t < s.rows; t += PROJECT_ROWS) {
        const R = Math.min(PROJECT_ROWS, s.rows - t);
        for (let q = 0; q < R; q++) {
          const o = (t + q) * d, co = C + q * d;
          for (let i = 0; i < d; i++) f[co + i] = (s.data[o + i] as number) - (mean[i] as number);
        }
        gemm(arena.kernels, C, d, 1, V, k, Z, k, R, k, d, false);
        z.set(f.subarray(Z, Z + R * k), t * k);
      }
      return { rows: s.rows, cols: k, data: z };
    });
  } finally {
    arena.release(mark);
  }
}
