/**
 * Internal (not re-exported): the ensemble (cross-sectional) cross-correlation engine behind
 * {@link crossCorrelationNorms}: at a fixed time t0, Cor(h_t0, h_{t0+k}) across the N sequences,
 * with per-time means and variances; no stationarity assumed, no projection needed (the
 * correlation matrix has rank <= N - 1, and its norm is found in whichever of the d- or
 * N-dimensional spaces is smaller).
 *
 * @module
 */
import { createRng } from '../../processes/prng.js';
import type { Series } from '../series.js';
import { logLagGrid } from './lagGrid.js';
import { type SymmetricOperator, largestEigenvaluePSD, spectralNormDense } from '../../linalg/internal/lanczos.js';

/** What {@link ensembleEngine} is asked to compute. */
export interface EnsembleRequest {
  readonly ensemble: readonly Series[];
  readonly t0: number;
  readonly storeLags: readonly number[];
  readonly gridLags: readonly number[];
  readonly bootstrapReplicates: number;
  readonly seed: number;
  readonly noiseFloor: boolean;
}

/** Results of {@link ensembleEngine}. */
export interface EnsembleResult {
  readonly norms: Float64Array;
  /** Lags of the null norms: the log grid up to T - 1 - t0. */
  readonly nullLags: number[];
  readonly nullNorms: Float64Array | null;
  readonly bootstrapNorms: Float64Array[];
  /** Channels with zero variance across sequences at t0 (their correlations are set to 0). */
  readonly constantChannels: number;
}

/**
 * Standardised cross-section at time t: F[s][i] = (h_{s,t,i} - mean_s) / sqrt(sum_s (.)^2), so that
 * F_t0^T F_t is the matrix of Pearson correlations across sequences (any divisor cancels).
 * Channels with zero spread at t get a zero column.
 */
function crossSection(ensemble: readonly Series[], t: number): { f: Float64Array; constant: number } {
  const N = ensemble.length;
  const d = (ensemble[0] as Series).cols;
  const f = new Float64Array(N * d);
  let constant = 0;
  for (let i = 0; i < d; i++) {
    let mean = 0;
    for (let s = 0; s < N; s++) mean += (ensemble[s] as Series).data[t * d + i] as number;
    mean /= N;
    let ss = 0;
    let scale = 0;
    for (let s = 0; s < N; s++) {
      const c = ((ensemble[s] as Series).data[t * d + i] as number) - mean;
      f[s * d + i] = c;
      ss += c * c;
      scale = Math.max(scale, Math.abs(mean));
    }
    const norm = Math.sqrt(ss);
    if (norm === 0 || norm <= 1e-13 * Math.sqrt(N) * scale) {
      constant++;
      for (let s = 0; s < N; s++) f[s * d + i] = 0;
    } else {
      for (let s = 0; s < N; s++) f[s * d + i] = (f[s * d + i] as number) / norm;
    }
  }
  return { f, constant };
}

/**
 * ||C||_2 for C = F0^T W X - (F0^T w)(X^T w)^T / N with W = diag(weights) (bootstrap: the
 * replicate's cross-sectional means re-estimated), or C = F0^T X' (weights null), with X's rows
 * taken cyclically shifted by `shift` (the null pairs sequence s with sequence s + shift).
 */
function crossNorm(
  f0: Float64Array,
  x: Float64Array,
  N: number,
  d: number,
  weights: Float64Array | null,
  shift: number,
  start: Float64Array | undefined,
): { norm: number; vector: Float64Array } {
  const row = (s: number): number => (shift === 0 ? s : (s + shift) % N);
  // Weighted column sums for recentring (bootstrap only).
  let a: Float64Array | null = null;
  let b: Float64Array | null = null;
  if (weights) {
    a = new Float64Array(d);
    b = new Float64Array(d);
    for (let s = 0; s < N; s++) {
      const ws = weights[s] as number;
      if (ws === 0) continue;
      const xs = row(s) * d;
      for (let i = 0; i < d; i++) {
        a[i] = (a[i] as number) + ws * (f0[s * d + i] as number);
        b[i] = (b[i] as number) + ws * (x[xs + i] as number);
      }
    }
  }
  if (d <= N) {
    const c = new Float64Array(d * d);
    for (let s = 0; s < N; s++) {
      const ws = weights ? (weights[s] as number) : 1;
      if (ws === 0) continue;
      const xs = row(s) * d;
      for (let i = 0; i < d; i++) {
        const v = ws * (f0[s * d + i] as number);
        if (v === 0) continue;
        for (let j = 0; j < d; j++) c[i * d + j] = (c[i * d + j] as number) + v * (x[xs + j] as number);
      }
    }
    if (a && b) {
      for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) c[i * d + j] = (c[i * d + j] as number) - ((a[i] as number) * (b[j] as number)) / N;
    }
    return spectralNormDense(c, 0, d, d, start);
  }
  const u = new Float64Array(N);
  const z = new Float64Array(d);
  const op: SymmetricOperator = {
    n: d,
    apply(v, out) {
      // z = C v = F0^T W (X v) - a (b . v) / N
      let bv = 0;
      if (b) for (let j = 0; j < d; j++) bv += (b[j] as number) * (v[j] as number);
      for (let s = 0; s < N; s++) {
        let acc = 0;
        const xs = row(s) * d;
        for (let j = 0; j < d; j++) acc += (x[xs + j] as number) * (v[j] as number);
        u[s] = weights ? acc * (weights[s] as number) : acc;
      }
      z.fill(0);
      for (let s = 0; s < N; s++) {
        const us = u[s] as number;
        if (us === 0) continue;
        for (let i = 0; i < d; i++) z[i] = (z[i] as number) + us * (f0[s * d + i] as number);
      }
      if (a) for (let i = 0; i < d; i++) z[i] = (z[i] as number) - ((a[i] as number) * bv) / N;
      // out = C^T z = X^T W (F0 z) - b (a . z) / N
      let az = 0;
      if (a) for (let i = 0; i < d; i++) az += (a[i] as number) * (z[i] as number);
      for (let s = 0; s < N; s++) {
        let acc = 0;
        for (let i = 0; i < d; i++) acc += (f0[s * d + i] as number) * (z[i] as number);
        u[s] = weights ? acc * (weights[s] as number) : acc;
      }
      out.fill(0);
      for (let s = 0; s < N; s++) {
        const us = u[s] as number;
        if (us === 0) continue;
        const xs = row(s) * d;
        for (let j = 0; j < d; j++) out[j] = (out[j] as number) + us * (x[xs + j] as number);
      }
      if (b) for (let j = 0; j < d; j++) out[j] = (out[j] as number) - ((b[j] as number) * az) / N;
    },
  };
  const top = largestEigenvaluePSD(op, start, Math.min(d, N + 3));
  return { norm: Math.sqrt(top.value), vector: top.vector };
}

/** Computes the ensemble correlation norms; see {@link crossCorrelationNorms}. */
export function ensembleEngine(req: EnsembleRequest): EnsembleResult {
  const { ensemble, t0, storeLags, gridLags } = req;
  const N = ensemble.length;
  const d = (ensemble[0] as Series).cols;
  const base = crossSection(ensemble, t0);
  const f0 = base.f;
  const sections = new Map<number, Float64Array>();
  const section = (k: number): Float64Array => {
    let s = sections.get(k);
    if (!s) {
      s = k === 0 ? f0 : crossSection(ensemble, t0 + k).f;
      sections.set(k, s);
    }
    return s;
  };
  const gridSet = new Set(gridLags);
  const norms = new Float64Array(storeLags.length);
  const vectors = new Map<number, Float64Array>();
  let warm: Float64Array | undefined;
  storeLags.forEach((k, slot) => {
    const x = section(k);
    const res = crossNorm(f0, x, N, d, null, 0, warm);
    norms[slot] = res.norm;
    warm = res.vector;
    if (gridSet.has(k)) vectors.set(k, res.vector);
    else sections.delete(k);
  });
  let nullNorms: Float64Array | null = null;
  const T = (ensemble[0] as Series).rows;
  const nullLags = logLagGrid(T - 1 - t0);
  if (req.noiseFloor) {
    const out = new Float64Array(nullLags.length);
    let warmNull: Float64Array | undefined;
    nullLags.forEach((k, g) => {
      const x = sections.get(k) ?? crossSection(ensemble, t0 + k).f;
      const res = crossNorm(f0, x, N, d, null, 1, warmNull);
      out[g] = res.norm;
      warmNull = res.vector;
    });
    nullNorms = out;
  }
  const bootstrapNorms: Float64Array[] = [];
  if (req.bootstrapReplicates > 0) {
    const rng = createRng(req.seed);
    const weights = new Float64Array(N);
    for (let b = 0; b < req.bootstrapReplicates; b++) {
      weights.fill(0);
      for (let draw = 0; draw < N; draw++) {
        const s = Math.min(N - 1, Math.floor(rng.uniform() * N));
        weights[s] = (weights[s] as number) + 1;
      }
      const out = new Float64Array(gridLags.length);
      gridLags.forEach((k, g) => {
        out[g] = crossNorm(f0, section(k), N, d, weights, 0, vectors.get(k)).norm;
      });
      bootstrapNorms.push(out);
    }
  }
  return { norms, nullLags, nullNorms, bootstrapNorms, constantChannels: base.constant };
}
