/**
 * Internal (not re-exported): first and second moments of the pooled pairs (u_t, u_{t+lag}) of
 * an ensemble of series, without materialising the pairs, by blocked cross-product kernels.
 *
 * With u_t = P (h_t - c) (P a channel selection or a projection, c a shift close to the mean),
 * the rows t = burnIn .. T-1 of every sequence give
 *
 *     G   = sum_t u_t u_t^T            (all rows),   s = sum_t u_t
 *     Sxy = sum_t u_t u_{t+lag}^T      (t = burnIn .. T-1-lag)
 *
 * and, from the first and last `lag` rows of each sequence, the x-block sum_t u_t u_t^T =
 * G - (last rows) and the y-block G - (first rows). The joint sample covariance of the pairs
 * [x; y] = [u_t; u_{t+lag}] (divisor n - 1, centred with the pair means) follows exactly in
 * real arithmetic, and to rounding in floating point (the shift keeps the centring
 * corrections small). Cost: (d^2 / 2 + d^2) per row instead of (2d)^2 / 2 for the joint
 * covariance of materialised pairs, at about 3 GMAC/s (register-tiled kernel) instead of
 * about 0.5 (rank-one updates).
 *
 * The sums are additive over sequences: {@link pairMomentsPart} computes them for a range of
 * sequences (one task of a worker) and {@link addPairMoments} combines parts in a fixed order,
 * so that the result does not depend on how many threads computed the parts.
 *
 * @module
 */
import { addTransposedProducts, matMulRows } from '../../linalg/internal/kernels.js';
import { type WasmArena, gemm, simdArena, transposed } from '../../linalg/internal/simd.js';
import type { Series } from '../series.js';

/** What is accumulated: which rows and which (projected) columns. */
export interface PairMomentsSpec {
  readonly lag: number;
  readonly burnIn: number;
  /** Columns of the series used (null: all). */
  readonly channels: Int32Array | null;
  /** Optional projection (r x w, row-major, w = channels.length or the series width) applied after the shift. */
  readonly projection: { readonly matrix: Float64Array; readonly rows: number } | null;
  /** Shift c subtracted from the selected columns (length w). */
  readonly shift: Float64Array;
}

/** Additive moments of one range of sequences (width k = projection rows or selected columns). */
export interface PairMoments {
  readonly width: number;
  /** Rows t = burnIn .. T - 1 summed into g and s. */
  rows: number;
  /** Pairs (t, t + lag). */
  pairs: number;
  /** k x k, symmetric (sum over all rows of u u^T). */
  readonly g: Float64Array;
  /** k x k: sum over pairs of u_t u_{t+lag}^T. */
  readonly sxy: Float64Array;
  /** Sum of u over all rows. */
  readonly s: Float64Array;
  /** Sums over the first `lag` rows (from burnIn) of u and u u^T (symmetric). */
  readonly headSum: Float64Array;
  readonly headOuter: Float64Array;
  /** Sums over the last `lag` rows of u and u u^T (symmetric). */
  readonly tailSum: Float64Array;
  readonly tailOuter: Float64Array;
}

/** Rows per block of the kernel (the transposed block of w columns stays in L1/L2). */
const BLOCK = 64;

/** Empty moments of width k. */
export function emptyPairMoments(k: number): PairMoments {
  return {
    width: k,
    rows: 0,
    pairs: 0,
    g: new Float64Array(k * k),
    sxy: new Float64Array(k * k),
    s: new Float64Array(k),
    headSum: new Float64Array(k),
    headOuter: new Float64Array(k * k),
    tailSum: new Float64Array(k),
    tailOuter: new Float64Array(k * k),
  };
}

/** a += b, entry by entry (fixed order: the caller adds parts in sequence order). */
export function addPairMoments(a: PairMoments, b: PairMoments): void {
  a.rows += b.rows;
  a.pairs += b.pairs;
  const add = (x: Float64Array, y: Float64Array): void => {
    for (let i = 0; i < x.length; i++) x[i] = (x[i] as number) + (y[i] as number);
  };
  add(a.g, b.g);
  add(a.sxy, b.sxy);
  add(a.s, b.s);
  add(a.headSum, b.headSum);
  add(a.headOuter, b.headOuter);
  add(a.tailSum, b.tailSum);
  add(a.tailOuter, b.tailOuter);
}

/**
 * Moments of the sequences [from, to) of `series` (each T x width, row-major).
 *
 * Method: per block of up to 64 consecutive rows a, the rows [a, a + 64 + lag) are shifted,
 * projected once (u = P (h - c)) and stored transposed; G += U U^T over the block's rows
 * (upper tiles) and, unless `cross` is false, Sxy += U V^T with V the same columns shifted by
 * `lag` (pairs whose later row lies in the sequence), by {@link addTransposedProducts}.
 */
export function pairMomentsPart(series: readonly Series[], spec: PairMomentsSpec, from: number, to: number, cross = true): PairMoments {
  const arena = simdArena();
  const out = arena ? pairMomentsSimd(arena, series, spec, from, to, cross) : pairMomentsJs(series, spec, from, to, cross);
  // Mirror the upper triangles (the kernels leave partial sums below the diagonal).
  for (const a of [out.g, out.headOuter, out.tailOuter]) mirrorUpper(a, out.width);
  return out;
}

/** a[j][i] = a[i][j] for j > i (k x k, row-major). */
function mirrorUpper(a: Float64Array, k: number): void {
  for (let i = 0; i < k; i++) for (let j = i + 1; j < k; j++) a[j * k + i] = a[i * k + j] as number;
}

/** {@link pairMomentsPart} by the plain-JS kernels (transposed blocks, addTransposedProducts). */
function pairMomentsJs(series: readonly Series[], spec: PairMomentsSpec, from: number, to: number, cross: boolean): PairMoments {
  const first = series[from] ?? series[0];
  const width = first ? first.cols : 0;
  const sel = spec.channels;
  const w = sel ? sel.length : width;
  const proj = spec.projection;
  const k = proj ? proj.rows : w;
  const out = emptyPairMoments(k);
  const lag = spec.lag;
  const span = BLOCK + lag;
  const shifted = new Float64Array(span * w);
  const projected = proj ? new Float64Array(span * k) : shifted;
  const ut = new Float64Array(k * span);
  const c = spec.shift;
  /** Rows [a, a + R) of x into ut (k x R, row stride R). */
  const block = (x: Float64Array, a: number, R: number): void => {
    for (let r = 0; r < R; r++) {
      const o = (a + r) * width;
      const so = r * w;
      if (sel) for (let i = 0; i < w; i++) shifted[so + i] = (x[o + (sel[i] as number)] as number) - (c[i] as number);
      else for (let i = 0; i < w; i++) shifted[so + i] = (x[o + i] as number) - (c[i] as number);
    }
    if (proj) matMulRows(proj.matrix, k, w, shifted, w, 0, R, projected, k, 0, false);
    for (let r = 0; r < R; r++) for (let i = 0; i < k; i++) ut[i * R + r] = projected[r * k + i] as number;
  };
  const rowSums = (R: number, sum: Float64Array, outer: Float64Array): void => {
    for (let i = 0; i < k; i++) {
      let acc = 0;
      for (let r = 0; r < R; r++) acc += ut[i * R + r] as number;
      sum[i] = (sum[i] as number) + acc;
    }
    addTransposedProducts(ut, 0, R, ut, 0, R, R, k, k, outer, k, true);
  };
  for (let sIdx = from; sIdx < to; sIdx++) {
    const sr = series[sIdx] as Series;
    const x = sr.data;
    const T = sr.rows;
    const start = spec.burnIn;
    if (T - start <= 0) continue;
    out.rows += T - start;
    out.pairs += Math.max(0, T - start - lag);
    for (let a = start; a < T; a += BLOCK) {
      const R = Math.min(BLOCK, T - a);
      // Pairs (t, t + lag) with t in [a, a + P): their later rows end at a + P + lag <= T.
      const P = cross ? Math.max(0, Math.min(R, T - lag - a)) : 0;
      const L = P > 0 ? Math.max(R, P + lag) : R;
      block(x, a, L);
      addTransposedProducts(ut, 0, L, ut, 0, L, R, k, k, out.g, k, true);
      for (let i = 0; i < k; i++) {
        let acc = 0;
        for (let r = 0; r < R; r++) acc += ut[i * L + r] as number;
        out.s[i] = (out.s[i] as number) + acc;
      }
      if (P > 0) addTransposedProducts(ut, 0, L, ut, lag, L, P, k, k, out.sxy, k, false);
    }
    const m = Math.min(lag, T - start);
    if (m > 0) {
      for (let a = start; a < start + m; a += BLOCK) {
        const R = Math.min(BLOCK, start + m - a);
        block(x, a, R);
        rowSums(R, out.headSum, out.headOuter);
      }
      for (let a = T - m; a < T; a += BLOCK) {
        const R = Math.min(BLOCK, T - a);
        block(x, a, R);
        rowSums(R, out.tailSum, out.tailOuter);
      }
    }
  }
  return out;
}

/**
 * {@link pairMomentsPart} through the WebAssembly SIMD kernel: the same sums in the same order
 * (each block's products summed from 0 over its rows, then added to the running totals), so the
 * same bits. The projected block stays row-major (L x k) in the kernels' memory: G += U^T U
 * (upper) is gemm with S = V = U (S read down a column), Sxy += U^T V with V = U shifted by lag
 * rows, the projection is gemm with the projection matrix transposed once.
 */
function pairMomentsSimd(arena: WasmArena, series: readonly Series[], spec: PairMomentsSpec, from: number, to: number, cross: boolean): PairMoments {
  const first = series[from] ?? series[0];
  const width = first ? first.cols : 0;
  const sel = spec.channels;
  const w = sel ? sel.length : width;
  const proj = spec.projection;
  const k = proj ? proj.rows : w;
  const out = emptyPairMoments(k);
  const lag = spec.lag;
  const span = BLOCK + lag;
  const c = spec.shift;
  const kernels = arena.kernels;
  const mark = arena.mark();
  try {
    const kk = k * k;
    const G = arena.alloc(kk), SXY = arena.alloc(kk), HO = arena.alloc(kk), TO = arena.alloc(kk);
    const SH = arena.alloc(span * w);
    const U = proj ? arena.alloc(span * k) : SH;
    const PT = proj ? arena.alloc(w * k) : -1;
    const f = arena.f64;
    f.fill(0, G, G + kk);
    f.fill(0, SXY, SXY + kk);
    f.fill(0, HO, HO + kk);
    f.fill(0, TO, TO + kk);
    if (proj) f.set(transposed(proj.matrix, k, w), PT);
    /** Rows [a, a + R) of x, shifted (and projected), into U (R x k, row-major). */
    const block = (x: Float64Array, a: number, R: number): void => {
      for (let r = 0; r < R; r++) {
        const o = (a + r) * width;
        const so = SH + r * w;
        if (sel) for (let i = 0; i < w; i++) f[so + i] = (x[o + (sel[i] as number)] as number) - (c[i] as number);
        else for (let i = 0; i < w; i++) f[so + i] = (x[o + i] as number) - (c[i] as number);
      }
      if (proj) gemm(kernels, SH, w, 1, PT, k, U, k, R, k, w, false);
    };
    /** sum[i] += sum_{r < R} U[r][i] (the row sums, each from 0 in row order). */
    const columnSums = (R: number, sum: Float64Array): void => {
      for (let i = 0; i < k; i++) {
        let acc = 0;
        for (let r = 0; r < R; r++) acc += f[U + r * k + i] as number;
        sum[i] = (sum[i] as number) + acc;
      }
    };
    for (let sIdx = from; sIdx < to; sIdx++) {
      const sr = series[sIdx] as Series;
      const x = sr.data;
      const T = sr.rows;
      const start = spec.burnIn;
      if (T - start <= 0) continue;
      out.rows += T - start;
      out.pairs += Math.max(0, T - start - lag);
      for (let a = start; a < T; a += BLOCK) {
        const R = Math.min(BLOCK, T - a);
        const P = cross ? Math.max(0, Math.min(R, T - lag - a)) : 0;
        const L = P > 0 ? Math.max(R, P + lag) : R;
        block(x, a, L);
        gemm(kernels, U, 1, k, U, k, G, k, k, k, R, 'add', true);
        columnSums(R, out.s);
        if (P > 0) gemm(kernels, U, 1, k, U + lag * k, k, SXY, k, k, k, P, 'add', false);
      }
      const m = Math.min(lag, T - start);
      if (m > 0) {
        for (let a = start; a < start + m; a += BLOCK) {
          const R = Math.min(BLOCK, start + m - a);
          block(x, a, R);
          columnSums(R, out.headSum);
          gemm(kernels, U, 1, k, U, k, HO, k, k, k, R, 'add', true);
        }
        for (let a = T - m; a < T; a += BLOCK) {
          const R = Math.min(BLOCK, T - a);
          block(x, a, R);
          columnSums(R, out.tailSum);
          gemm(kernels, U, 1, k, U, k, TO, k, k, k, R, 'add', true);
        }
      }
    }
    out.g.set(f.subarray(G, G + kk));
    out.sxy.set(f.subarray(SXY, SXY + kk));
    out.headOuter.set(f.subarray(HO, HO + kk));
    out.tailOuter.set(f.subarray(TO, TO + kk));
  } finally {
    arena.release(mark);
  }
  return out;
}

/**
 * The joint sample covariance (2k x 2k, row-major, divisor n - 1) of the pairs [x; y] =
 * [u_t; u_{t+lag}] from total moments, and the number of pairs n.
 */
export function pairCovariance(m: PairMoments): { cov: Float64Array; n: number } {
  const k = m.width;
  const K = 2 * k;
  const n = m.pairs;
  const cov = new Float64Array(K * K);
  const sx = new Float64Array(k);
  const sy = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    sx[i] = (m.s[i] as number) - (m.tailSum[i] as number);
    sy[i] = (m.s[i] as number) - (m.headSum[i] as number);
  }
  const up = (a: Float64Array, i: number, j: number): number => (i <= j ? (a[i * k + j] as number) : (a[j * k + i] as number));
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const gij = up(m.g, i, j);
      const xx = (gij - up(m.tailOuter, i, j) - ((sx[i] as number) * (sx[j] as number)) / n) / (n - 1);
      const yy = (gij - up(m.headOuter, i, j) - ((sy[i] as number) * (sy[j] as number)) / n) / (n - 1);
      const xy = ((m.sxy[i * k + j] as number) - ((sx[i] as number) * (sy[j] as number)) / n) / (n - 1);
      cov[i * K + j] = xx;
      cov[(k + i) * K + k + j] = yy;
      cov[i * K + k + j] = xy;
      cov[(k + j) * K + i] = xy;
    }
  }
  return { cov, n };
}

/** Pooled mean of the selected columns over rows burnIn .. T - 1 (a shift for {@link pairMomentsPart}). */
export function pooledMean(series: readonly Series[], channels: Int32Array | null, burnIn: number): Float64Array {
  const width = (series[0] as Series).cols;
  const w = channels ? channels.length : width;
  const mean = new Float64Array(w);
  let count = 0;
  for (const s of series) {
    for (let t = burnIn; t < s.rows; t++) {
      const o = t * width;
      if (channels) for (let i = 0; i < w; i++) mean[i] = (mean[i] as number) + (s.data[o + (channels[i] as number)] as number);
      else for (let i = 0; i < w; i++) mean[i] = (mean[i] as number) + (s.data[o + i] as number);
      count++;
    }
  }
  if (count > 0) for (let i = 0; i < w; i++) mean[i] = (mean[i] as number) / count;
  return mean;
}
