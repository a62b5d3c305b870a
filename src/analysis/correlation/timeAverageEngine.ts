/**
 * Internal (not re-exported): the time-average cross-correlation engine behind
 * {@link crossCorrelationNorms}: standardisation, principal-component projection, all r x r
 * lagged cross-covariances at once by zero-padded FFT, spectral norms per lag, the
 * independent-sequence null, the Bartlett floor of a single sequence, and per-unit lag sums for
 * the bootstrap.
 *
 * Cost for N sequences of T steps, d channels, r components, maxLag K, nfft = 2^ceil(log2(T + K)):
 * O(N T d r) projection, O(N r nfft log nfft) forward FFTs, O(N r^2 nfft / 4) cross-spectrum
 * accumulation (Hermitian pairs, half spectrum), O(r^2 nfft log nfft / 2) inverse FFTs per
 * bootstrap unit, O(L r^2 s) Lanczos norms for L lags and s (usually < 10) warm-started steps,
 * plus O(m d^2) for the principal components from m <= 16384 subsampled time points.
 *
 * @module
 */
import { fft, ifft, nextPowerOfTwo } from '../../linalg/fft.js';
import { type WasmArena, gemm, simdArena } from '../../linalg/internal/simd.js';
import { type SimdFft, simdFft } from '../../linalg/internal/simdFft.js';
import { symmetricEigen } from '../../linalg/internal/symmetricEigen.js';
import { createRng } from '../../processes/prng.js';
import { AnalysisInputError } from '../errors.js';
import type { Series } from '../series.js';
import { logLagGrid } from './lagGrid.js';
import { spectralNormDense } from '../../linalg/internal/lanczos.js';
import { noiseFloorConstant } from './noiseFloor.js';

/** What {@link timeAverageEngine} is asked to compute. */
export interface TimeAverageRequest {
  readonly fn: string;
  readonly ensemble: readonly Series[];
  readonly maxLag: number;
  /** Sorted distinct lags in [0, maxLag] whose r x r matrices and norms are needed. */
  readonly storeLags: readonly number[];
  /** Sorted distinct lags, a subset of storeLags: null norms and bootstrap norms are computed there. */
  readonly gridLags: readonly number[];
  readonly components: number | 'auto';
  readonly varianceTarget: number;
  readonly maxComponents: number;
  /** The most time points used to estimate the principal components. */
  readonly maxPcaRows: number;
  /** Number of bootstrap units (0 or 1: no bootstrap). */
  readonly bootstrapUnits: number;
  readonly bootstrapReplicates: number;
  readonly seed: number;
  /** Compute the noise floor (null norms for N >= 2, Bartlett for N = 1). */
  readonly noiseFloor: boolean;
}

/** Results of {@link timeAverageEngine}. */
export interface TimeAverageResult {
  readonly components: number;
  readonly basis: 'channels' | 'principal-components';
  readonly varianceExplained: number;
  /** Largest eigenvalue of the lag-0 correlation (from the PCA sample, or exact for the channel basis). */
  readonly leadingEigenvalue: number;
  /** Largest lag-0 correlation eigenvalue left out of the projection (0 when r = d). */
  readonly tailEigenvalue: number;
  readonly constantChannels: number;
  readonly pcaRows: number;
  /** ||P(k)||_2 per store lag. */
  readonly norms: Float64Array;
  /** Number of (t, t + k) pairs per store lag, N (T - k). */
  readonly pairs: Float64Array;
  /** Lags of the null norms: the log grid up to min(T - 1, nfft - T) (beyond maxLag when possible). */
  readonly nullLags: number[];
  /** Independent-sequence null norms at nullLags (N >= 2), from `nullSequencePairs` pairs. */
  readonly nullNorms: Float64Array | null;
  /** Pairs (t, t + k) averaged by each null norm: nullSequencePairs (T - k). */
  readonly nullPairs: Float64Array | null;
  readonly nullSequencePairs: number;
  /** Noise floor constant c: floor(k) = c / sqrt(N (T - k)) (null pooled, or Bartlett for N = 1). */
  readonly floorConstant: number | null;
  /** Bootstrap norms, replicate x grid lag. */
  readonly bootstrapNorms: Float64Array[];
  readonly bootstrapUnits: number;
  readonly bootstrapUnitKind: 'sequence-groups' | 'blocks' | 'none';
  /**
   * Share of the projected variance carried by a path common to all sequences (N >= 2; null for
   * one sequence): with ybar_t the cross-sectional mean of the projected series and V its
   * variance over t (trace), (N V - tr P(0)) / ((N - 1) tr P(0)), clipped to [0, 1]. About 0 for
   * independent stationary sequences (E[N V] = tr P(0)), 1 when every sequence follows the same path.
   */
  readonly commonPathFraction: number | null;
}

/** Sequence pairs used for the null when r > 16 (all N pairs when r <= 16). */
export const NULL_MAX_PAIRS = 16;

interface Unit {
  /** (sequence, start, end) segments; whole sequences are [0, T). */
  readonly segments: { s: number; a: number; b: number }[];
}

/** Projection y_t = W^T (h_t - mu), W = D^-1/2 V_r stored transposed (wt[c * d + i] = W[i][c]). */
interface Projection {
  readonly r: number;
  readonly identity: boolean;
  readonly wt: Float64Array;
  readonly invSd: Float64Array;
  readonly mu: Float64Array;
}

/** Rows of the series centred and projected per call of the SIMD kernel. */
const PROJECT_ROWS = 64;

/**
 * y (T x r, row-major) = projected, centred series: y_t[c] = sum_i (x_t[i] - mu_i) wt[c][i], each
 * sum in index order from 0. Kernel: the SIMD gemm on blocks of 64 centred rows against W
 * (d x r, copied into the kernels' memory once per engine call, `simd.w`), or in plain JS 4
 * time steps x 2 components of dot products (the same bits).
 */
function project(series: Series, p: Projection, out: Float64Array, simd: SimdProjection | null): void {
  const T = series.rows;
  const d = series.cols;
  const x = series.data;
  const { r, mu } = p;
  if (simd && !p.identity) {
    const { arena, w } = simd;
    const mark = arena.mark();
    try {
      const C = arena.alloc(PROJECT_ROWS * d), Y = arena.alloc(PROJECT_ROWS * r);
      const f = arena.f64;
      for (let t = 0; t < T; t += PROJECT_ROWS) {
        const R = Math.min(PROJECT_ROWS, T - t);
        for (let q = 0; q < R; q++) {
          const o = (t + q) * d, co = C + q * d;
          for (let i = 0; i < d; i++) f[co + i] = (x[o + i] as number) - (mu[i] as number);
        }
        gemm(arena.kernels, C, d, 1, w, r, Y, r, R, r, d, false);
        out.set(f.subarray(Y, Y + R * r), t * r);
      }
    } finally {
      arena.release(mark);
    }
    return;
  }
  if (p.identity) {
    const inv = p.invSd;
    for (let t = 0; t < T; t++) {
      const o = t * d;
      for (let i = 0; i < d; i++) out[o + i] = ((x[o + i] as number) - (mu[i] as number)) * (inv[i] as number);
    }
    return;
  }
  const wt = p.wt;
  const c = new Float64Array(4 * d);
  for (let t = 0; t < T; t += 4) {
    const rows = Math.min(4, T - t);
    c.fill(0);
    for (let q = 0; q < rows; q++) {
      const o = (t + q) * d;
      for (let i = 0; i < d; i++) c[q * d + i] = (x[o + i] as number) - (mu[i] as number);
    }
    for (let k = 0; k < r; k += 2) {
      const two = k + 1 < r;
      const w0 = k * d;
      const w1 = two ? w0 + d : w0;
      let a0 = 0;
      let a1 = 0;
      let a2 = 0;
      let a3 = 0;
      let b0 = 0;
      let b1 = 0;
      let b2 = 0;
      let b3 = 0;
      for (let i = 0; i < d; i++) {
        const u = wt[w0 + i] as number;
        const v = wt[w1 + i] as number;
        const x0 = c[i] as number;
        const x1 = c[d + i] as number;
        const x2 = c[2 * d + i] as number;
        const x3 = c[3 * d + i] as number;
        a0 += x0 * u;
        a1 += x1 * u;
        a2 += x2 * u;
        a3 += x3 * u;
        b0 += x0 * v;
        b1 += x1 * v;
        b2 += x2 * v;
        b3 += x3 * v;
      }
      const y = t * r + k;
      out[y] = a0;
      if (rows > 1) out[y + r] = a1;
      if (rows > 2) out[y + 2 * r] = a2;
      if (rows > 3) out[y + 3 * r] = a3;
      if (two) {
        out[y + 1] = b0;
        if (rows > 1) out[y + r + 1] = b1;
        if (rows > 2) out[y + 2 * r + 1] = b2;
        if (rows > 3) out[y + 3 * r + 1] = b3;
      }
    }
  }
}

/** The projection matrix resident in the SIMD kernels' memory for one engine call (W = wt^T, d x r). */
interface SimdProjection {
  readonly arena: WasmArena;
  readonly w: number;
}

/** Rows of the PCA sample accumulated per call of the SIMD kernel. */
const PCA_BLOCK = 64;

/** A length-nfft FFT in the SIMD kernels' memory and its work arrays. */
interface FftWork {
  readonly plan: SimdFft;
  readonly RE: number;
  readonly IM: number;
  /** Views of the work arrays (fresh ones: other scratch allocations may grow the memory in between). */
  readonly re: Float64Array;
  readonly im: Float64Array;
}

/**
 * Runs `body` with the SIMD FFT of length nfft (fft.ts's transform bit for bit; see simdFft.ts),
 * or with null when the kernels are unavailable (the callers then use fft.ts).
 */
function withFft<T>(nfft: number, body: (w: FftWork | null) => T): T {
  const arena = nfft >= 4 ? simdArena() : null;
  if (!arena) return body(null);
  const mark = arena.mark();
  try {
    const plan = simdFft(arena, nfft);
    const RE = arena.alloc(nfft), IM = arena.alloc(nfft);
    return body({
      plan,
      RE,
      IM,
      get re() {
        return arena.f64.subarray(RE, RE + nfft);
      },
      get im() {
        return arena.f64.subarray(IM, IM + nfft);
      },
    });
  } finally {
    arena.release(mark);
  }
}

/** Half spectra (f = 0..nfft/2) of the r columns of y (T x r), zero outside rows [a, b). */
function spectra(
  y: Float64Array,
  T: number,
  r: number,
  a: number,
  b: number,
  nfft: number,
  outRe: Float64Array,
  outIm: Float64Array,
  outOffset: number,
  work: Float64Array,
  workIm: Float64Array,
  simd: FftWork | null,
): void {
  const F = nfft / 2 + 1;
  const re = simd ? simd.re : work;
  const im = simd ? simd.im : workIm;
  for (let c = 0; c < r; c += 2) {
    const pair = c + 1 < r;
    re.fill(0);
    im.fill(0);
    if (simd) {
      // Input in bit-reversed order, then the SIMD butterflies (fft's result, bit for bit).
      const br = simd.plan.bitReversed;
      for (let t = a; t < b && t < T; t++) {
        re[br[t] as number] = y[t * r + c] as number;
        if (pair) im[br[t] as number] = y[t * r + c + 1] as number;
      }
      simd.plan.forward(simd.RE, simd.IM);
    } else {
      for (let t = a; t < b && t < T; t++) {
        re[t] = y[t * r + c] as number;
        if (pair) im[t] = y[t * r + c + 1] as number;
      }
      fft(re, im);
    }
    for (let f = 0; f < F; f++) {
      const g = f === 0 ? 0 : nfft - f;
      const zr = re[f] as number;
      const zi = im[f] as number;
      const wr = re[g] as number;
      const wi = im[g] as number;
      const o = outOffset + f * r + c;
      outRe[o] = 0.5 * (zr + wr);
      outIm[o] = 0.5 * (zi - wi);
      if (pair) {
        outRe[o + 1] = 0.5 * (zi + wi);
        outIm[o + 1] = 0.5 * (wr - zr);
      }
    }
  }
}

/**
 * A float64 work buffer of the engine: a plain array, or a region of the SIMD kernels' memory
 * (then the accumulation kernels run there). `view` is a fresh view: take it after any other
 * scratch allocation (which may grow, and so detach, the kernels' memory).
 */
class Buf {
  readonly at: number;
  private readonly js: Float64Array | null;
  /** A zero-filled buffer, or (`zero` false) one whose entries are all written before they are read. */
  constructor(
    readonly length: number,
    private readonly arena: WasmArena | null,
    zero = true,
  ) {
    this.at = arena ? arena.alloc(length) : -1;
    this.js = arena ? null : new Float64Array(length);
    if (arena && zero) arena.f64.fill(0, this.at, this.at + length);
  }
  get view(): Float64Array {
    return this.js ?? (this.arena as WasmArena).f64.subarray(this.at, this.at + this.length);
  }
}

/** Sequences whose half spectra are accumulated together (the A row of one frequency stays in cache). */
const BATCH = 8;

/**
 * A[f][p] += sum_b conj(Y_b,i(f)) Y_b,j(f) over the upper-triangle pairs p = (i <= j), for the
 * spectra Y_b at offsets[b] of (Yre, Yim) (layout [f * r + c] from each offset).
 */
function accumulateHermitian(
  yre: Buf,
  yim: Buf,
  offsets: readonly number[],
  r: number,
  F: number,
  are: Buf,
  aim: Buf,
  simd: WasmArena | null,
): void {
  if (simd) {
    // Batch slots b at offsets b F r (as filled by the engine): the kernel's operations are these.
    const FR = F * r;
    if (offsets.every((o, b) => o === b * FR)) {
      simd.kernels.herm(are.at * 8, aim.at * 8, yre.at * 8, yim.at * 8, r, F, offsets.length, FR);
      return;
    }
  }
  const Yre = yre.view, Yim = yim.view, Are = are.view, Aim = aim.view;
  const P = (r * (r + 1)) / 2;
  for (let f = 0; f < F; f++) {
    for (const off of offsets) {
      const yo = off + f * r;
      let idx = f * P;
      for (let i = 0; i < r; i++) {
        const ar = Yre[yo + i] as number;
        const ai = Yim[yo + i] as number;
        for (let j = i; j < r; j++) {
          const br = Yre[yo + j] as number;
          const bi = Yim[yo + j] as number;
          Are[idx] = (Are[idx] as number) + ar * br + ai * bi;
          Aim[idx] = (Aim[idx] as number) + ar * bi - ai * br;
          idx++;
        }
      }
    }
  }
}

/** One ordered cross-spectrum term conj(L_i) R_j: buffers and offsets of L and R. */
interface OrderedTerm {
  readonly lre: Buf;
  readonly lim: Buf;
  readonly lo: number;
  readonly rre: Buf;
  readonly rim: Buf;
  readonly ro: number;
}

/**
 * A[f][i][j] += sum over terms of conj(L_i(f)) R_j(f), all ordered pairs. With the SIMD kernel,
 * one term at a time over all f: each entry still receives the terms in their order.
 */
function accumulateOrdered(terms: readonly OrderedTerm[], r: number, F: number, are: Buf, aim: Buf, simd: WasmArena | null): void {
  if (simd) {
    for (const t of terms) simd.kernels.cross(are.at * 8, aim.at * 8, (t.lre.at + t.lo) * 8, (t.lim.at + t.lo) * 8, (t.rre.at + t.ro) * 8, (t.rim.at + t.ro) * 8, r, F);
    return;
  }
  const Are = are.view, Aim = aim.view;
  const r2 = r * r;
  for (let f = 0; f < F; f++) {
    for (const term of terms) {
      const lre = term.lre.view, lim = term.lim.view, rre = term.rre.view, rim = term.rim.view;
      const lo = term.lo + f * r;
      const ro = term.ro + f * r;
      let idx = f * r2;
      for (let i = 0; i < r; i++) {
        const ar = lre[lo + i] as number;
        const ai = lim[lo + i] as number;
        for (let j = 0; j < r; j++) {
          const br = rre[ro + j] as number;
          const bi = rim[ro + j] as number;
          Are[idx] = (Are[idx] as number) + ar * br + ai * bi;
          Aim[idx] = (Aim[idx] as number) + ar * bi - ai * br;
          idx++;
        }
      }
    }
  }
}

/**
 * Inverse transforms of the half spectra A[f][p] (p < count, stride count per frequency), two
 * real correlation sequences per complex IFFT; calls onPair(p, c) with c the circular
 * correlation (length nfft, c[k] = lag k, c[nfft - k] = lag -k).
 */
function inverseAll(
  Are: Float64Array,
  Aim: Float64Array,
  count: number,
  F: number,
  nfft: number,
  onPair: (p: number, c: Float64Array) => void,
  simd: FftWork | null,
): void {
  const re = simd ? simd.re : new Float64Array(nfft);
  const im = simd ? simd.im : new Float64Array(nfft);
  // With the SIMD FFT, entry f is written at its bit-reversed position (every position is written).
  const pos = simd ? simd.plan.bitReversed : null;
  const half = nfft / 2;
  for (let p = 0; p < count; p += 2) {
    const q = p + 1 < count ? p + 1 : -1;
    for (let f = 0; f <= half; f++) {
      const pr = Are[f * count + p] as number;
      const pi = Aim[f * count + p] as number;
      const qr = q >= 0 ? (Are[f * count + q] as number) : 0;
      const qi = q >= 0 ? (Aim[f * count + q] as number) : 0;
      const at = pos ? (pos[f] as number) : f;
      re[at] = pr - qi;
      im[at] = pi + qr;
      if (f > 0 && f < half) {
        // Hermitian extension of each: A(nfft - f) = conj(A(f)).
        const mirror = pos ? (pos[nfft - f] as number) : nfft - f;
        re[mirror] = pr + qi;
        im[mirror] = -pi + qr;
      }
    }
    if (simd) simd.plan.inverse(simd.RE, simd.IM);
    else ifft(re, im);
    onPair(p, re);
    if (q >= 0) onPair(q, im);
  }
}

function chooseUnits(N: number, T: number, requested: number): { units: Unit[]; kind: 'sequence-groups' | 'blocks' } {
  const all = Array.from({ length: N }, (_, s) => ({ s, a: 0, b: T }));
  if (requested <= 1) return { units: [{ segments: all }], kind: 'sequence-groups' };
  if (N >= requested) {
    const units: Unit[] = [];
    for (let g = 0; g < requested; g++) {
      const lo = Math.floor((g * N) / requested);
      const hi = Math.floor(((g + 1) * N) / requested);
      units.push({ segments: all.slice(lo, hi) });
    }
    return { units, kind: 'sequence-groups' };
  }
  const perSeq = Math.min(T, Math.ceil(requested / N));
  const len = Math.ceil(T / perSeq);
  const units: Unit[] = [];
  for (let s = 0; s < N; s++) {
    for (let a = 0; a < T; a += len) units.push({ segments: [{ s, a, b: Math.min(T, a + len) }] });
  }
  return { units, kind: 'blocks' };
}

function segmentPairs(seg: { a: number; b: number }, T: number, k: number): number {
  return Math.max(0, Math.min(seg.b, T - k) - seg.a);
}

/**
 * Computes the time-average correlation norms; see the module doc and
 * {@link crossCorrelationNorms} for the estimator.
 */
export function timeAverageEngine(req: TimeAverageRequest): TimeAverageResult {
  const arena = simdArena();
  const mark = arena ? arena.mark() : 0;
  try {
    return engine(req, arena);
  } finally {
    if (arena) arena.release(mark);
  }
}

function engine(req: TimeAverageRequest, bufArena: WasmArena | null): TimeAverageResult {
  const { fn, ensemble, maxLag: K, storeLags, gridLags } = req;
  const N = ensemble.length;
  const first = ensemble[0] as Series;
  const T = first.rows;
  const d = first.cols;
  const n = N * T;

  // 1. Pooled mean and variance per channel (divisor N T).
  const mu = new Float64Array(d);
  for (const s of ensemble) {
    const x = s.data;
    for (let t = 0; t < T; t++) for (let i = 0; i < d; i++) mu[i] = (mu[i] as number) + (x[t * d + i] as number);
  }
  for (let i = 0; i < d; i++) mu[i] = (mu[i] as number) / n;
  const variance = new Float64Array(d);
  for (const s of ensemble) {
    const x = s.data;
    for (let t = 0; t < T; t++) {
      for (let i = 0; i < d; i++) {
        const c = (x[t * d + i] as number) - (mu[i] as number);
        variance[i] = (variance[i] as number) + c * c;
      }
    }
  }
  let maxSd = 0;
  for (let i = 0; i < d; i++) {
    variance[i] = (variance[i] as number) / n;
    maxSd = Math.max(maxSd, Math.sqrt(variance[i] as number));
  }
  const invSd = new Float64Array(d);
  let constantChannels = 0;
  for (let i = 0; i < d; i++) {
    const sd = Math.sqrt(variance[i] as number);
    if (sd <= 1e-13 * (Math.abs(mu[i] as number) + maxSd) || sd === 0) constantChannels++;
    else invSd[i] = 1 / sd;
  }
  if (constantChannels === d) {
    throw new AnalysisInputError(`${fn}: every channel is constant (zero variance), expected at least one varying channel`);
  }
  const active = d - constantChannels;

  // 2. Basis: channels (r = d) or leading principal components of the lag-0 correlation.
  let r: number;
  let identity: boolean;
  let w = new Float64Array(0);
  let leadingEigenvalue = Number.NaN;
  let tailEigenvalue = 0;
  let pcaRows = 0;
  const autoChannels = req.components === 'auto' && d <= 32;
  if (req.components === d || autoChannels) {
    r = d;
    identity = true;
  } else {
    const stride = Math.max(1, Math.ceil(n / req.maxPcaRows));
    const cov = new Float64Array(d * d);
    const arena = simdArena();
    const buf = new Float64Array((arena ? PCA_BLOCK : 4) * d);
    let fill = 0;
    const flush = (rows: number): void => {
      for (let i = 0; i < d; i++) {
        const a0 = buf[i] as number;
        const a1 = rows > 1 ? (buf[d + i] as number) : 0;
        const a2 = rows > 2 ? (buf[2 * d + i] as number) : 0;
        const a3 = rows > 3 ? (buf[3 * d + i] as number) : 0;
        const row = i * d;
        for (let j = i; j < d; j++) {
          cov[row + j] =
            (cov[row + j] as number) +
            a0 * (buf[j] as number) +
            a1 * (buf[d + j] as number) +
            a2 * (buf[2 * d + j] as number) +
            a3 * (buf[3 * d + j] as number);
        }
      }
    };
    // cov[i][j] += z_i z_j, row after row (flush adds four rows' products in row order; the
    // SIMD kernel continues each sum over a block of rows in the same order: the same bits, as
    // zero padding rows add exact zeros).
    const simdCov = arena ? { arena, mark: arena.mark() } : null;
    try {
      const C = simdCov ? simdCov.arena.alloc(d * d) : -1;
      const B = simdCov ? simdCov.arena.alloc(PCA_BLOCK * d) : -1;
      if (simdCov) simdCov.arena.f64.fill(0, C, C + d * d);
      const flushBlock = (rows: number): void => {
        if (simdCov) {
          const f = simdCov.arena.f64;
          f.set(buf.subarray(0, rows * d), B);
          gemm(simdCov.arena.kernels, B, 1, d, B, d, C, d, d, d, rows, true, true);
        } else {
          if (rows < 4) buf.fill(0, rows * d);
          flush(rows);
        }
      };
      const blockRows = simdCov ? PCA_BLOCK : 4;
      for (let g = 0; g < n; g += stride) {
        const s = Math.floor(g / T);
        const t = g - s * T;
        const x = (ensemble[s] as Series).data;
        for (let i = 0; i < d; i++) buf[fill * d + i] = ((x[t * d + i] as number) - (mu[i] as number)) * (invSd[i] as number);
        fill++;
        pcaRows++;
        if (fill === blockRows) {
          flushBlock(fill);
          fill = 0;
        }
      }
      if (fill > 0) flushBlock(fill);
      if (simdCov) cov.set(simdCov.arena.f64.subarray(C, C + d * d));
    } finally {
      if (simdCov) simdCov.arena.release(simdCov.mark);
    }
    const corr = new Float64Array(d * d);
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) corr[i * d + j] = (i <= j ? (cov[i * d + j] as number) : (cov[j * d + i] as number)) / pcaRows;
    }
    // ml-matrix's symmetric EVD, bit for bit (symmetricEigen); vector c is row c of `vectors`.
    const evd = symmetricEigen(corr, d);
    const values = Array.from(evd.values);
    const vectors = evd.vectors;
    const order = values.map((_, i) => i).sort((p, q) => (values[q] as number) - (values[p] as number));
    const sorted = order.map((i) => Math.max(0, values[i] as number));
    const total = sorted.reduce((acc, v) => acc + v, 0);
    if (typeof req.components === 'number') {
      r = req.components;
    } else {
      let cum = 0;
      r = 0;
      while (r < d && cum < req.varianceTarget * total) cum += sorted[r++] as number;
      r = Math.max(1, Math.min(r, req.maxComponents, d));
    }
    leadingEigenvalue = sorted[0] as number;
    if (r >= d) {
      r = d;
      identity = true;
      tailEigenvalue = 0;
    } else {
      identity = false;
      tailEigenvalue = sorted[r] as number;
      w = new Float64Array(r * d);
      for (let c = 0; c < r; c++) {
        const col = order[c] as number;
        for (let i = 0; i < d; i++) w[c * d + i] = (vectors[col * d + i] as number) * (invSd[i] as number);
      }
    }
  }
  const proj: Projection = { r, identity, wt: w, invSd, mu };
  const r2 = r * r;

  // 3. Units, FFT size, buffers.
  const nfft = nextPowerOfTwo(T + K);
  const F = nfft / 2 + 1;
  /** Largest lag free of circular wrap-around: diagonal autocorrelations and nulls go this far. */
  const Kd = Math.min(T - 1, nfft - T);
  const nullLags = logLagGrid(Kd);
  const wantBootstrap = req.bootstrapUnits >= 2 && req.bootstrapReplicates > 0;
  const { units, kind } = chooseUnits(N, T, wantBootstrap ? req.bootstrapUnits : 1);
  const G = units.length;
  const S = storeLags.length;
  const L = gridLags.length;
  /** Lag sums, entry-major: lagSums[e S + slot] for matrix entry e = i r + j at storeLags[slot] (contiguous per pair). */
  const lagSums = new Float64Array(S * r2);
  const diagSums = new Float64Array(r * (Kd + 1));
  const unitSumsBuf = wantBootstrap ? new Buf(G * L * r2, bufArena, false) : null;
  const unitPairs = wantBootstrap ? new Float64Array(G * L) : null;
  /** Per-unit sums of y over the unit's time points, and their counts (for recentring replicates). */
  const unitTotals = wantBootstrap ? new Float64Array(G * r) : null;
  const unitCounts = wantBootstrap ? new Float64Array(G) : null;
  const y = new Float64Array(T * r);
  const addTotals = (u: number, a: number, b: number): void => {
    if (!unitTotals || !unitCounts) return;
    for (let t = a; t < b; t++) for (let c = 0; c < r; c++) unitTotals[u * r + c] = (unitTotals[u * r + c] as number) + (y[t * r + c] as number);
    unitCounts[u] = (unitCounts[u] as number) + (b - a);
  };
  // Sum over sequences of the projected series (the common path), when N >= 2.
  const pathSum = N >= 2 ? new Float64Array(T * r) : null;
  const addPath = (): void => {
    if (pathSum) for (let p = 0; p < T * r; p++) pathSum[p] = (pathSum[p] as number) + (y[p] as number);
  };
  const re = new Float64Array(nfft);
  const im = new Float64Array(nfft);
  const hermitianUnits = kind === 'sequence-groups';
  const batch = hermitianUnits ? BATCH : 1;
  const FR = F * r;
  const P = (r * (r + 1)) / 2;
  const wantNull = req.noiseFloor && N >= 2;
  const M = wantNull ? (r <= 16 ? N : Math.min(N, NULL_MAX_PAIRS)) : 0;
  // The spectra and cross-spectrum buffers live in the SIMD kernels' memory when they are
  // available (bufArena: in the scope opened by timeAverageEngine); otherwise plain arrays.
  const Yre = new Buf(batch * FR, bufArena, false);
  const Yim = new Buf(batch * FR, bufArena, false);
  const Are = new Buf(F * (hermitianUnits ? P : r2), bufArena, false);
  const Aim = new Buf(F * (hermitianUnits ? P : r2), bufArena, false);
  const Nre = wantNull ? new Buf(F * r2, bufArena) : null;
  const Nim = wantNull ? new Buf(F * r2, bufArena) : null;
  const prevRe = wantNull ? new Buf(FR, bufArena) : null;
  const prevIm = wantNull ? new Buf(FR, bufArena) : null;
  const firstRe = wantNull && M === N ? new Buf(FR, bufArena) : null;
  const firstIm = wantNull && M === N ? new Buf(FR, bufArena) : null;
  const pairI = new Int32Array(hermitianUnits ? P : r2);
  const pairJ = new Int32Array(hermitianUnits ? P : r2);
  if (hermitianUnits) {
    let p = 0;
    for (let i = 0; i < r; i++) for (let j = i; j < r; j++) (pairI[p] = i), (pairJ[p++] = j);
  } else {
    for (let i = 0; i < r; i++) for (let j = 0; j < r; j++) (pairI[i * r + j] = i), (pairJ[i * r + j] = j);
  }

  const sink = (u: number, hermitian: boolean): ((p: number, c: Float64Array) => void) => {
    const unitSums = unitSumsBuf ? unitSumsBuf.view : null;
    return (p, c) => {
      const i = pairI[p] as number;
      const j = pairJ[p] as number;
      const ij = i * r + j;
      const ji = j * r + i;
      const oij = ij * S;
      for (let slot = 0; slot < S; slot++) lagSums[oij + slot] = (lagSums[oij + slot] as number) + (c[storeLags[slot] as number] as number);
      if (hermitian && i !== j) {
        const oji = ji * S;
        for (let slot = 0; slot < S; slot++) lagSums[oji + slot] = (lagSums[oji + slot] as number) + (c[(nfft - (storeLags[slot] as number)) % nfft] as number);
      }
      if (i === j) for (let k = 0; k <= Kd; k++) diagSums[i * (Kd + 1) + k] = (diagSums[i * (Kd + 1) + k] as number) + (c[k] as number);
      if (unitSums) {
        for (let g = 0; g < L; g++) {
          const k = gridLags[g] as number;
          const base = (u * L + g) * r2;
          unitSums[base + ij] = c[k] as number;
          if (hermitian && i !== j) unitSums[base + ji] = c[(nfft - k) % nfft] as number;
        }
      }
    };
  };

  /**
   * Null terms for the sequences s0 .. s0 + count - 1 whose spectra sit in batch slots 0..count-1:
   * conj(Y_{s-1}) Y_s for s - 1 < M, and conj(Y_{N-1}) Y_0 when all N pairs are used.
   */
  const nullTerms = (s0: number, count: number): void => {
    if (!wantNull || !Nre || !Nim || !prevRe || !prevIm) return;
    const terms: OrderedTerm[] = [];
    for (let b = 0; b < count; b++) {
      const s = s0 + b;
      if (s >= 1 && s - 1 < M) {
        terms.push(
          b === 0
            ? { lre: prevRe, lim: prevIm, lo: 0, rre: Yre, rim: Yim, ro: 0 }
            : { lre: Yre, lim: Yim, lo: (b - 1) * FR, rre: Yre, rim: Yim, ro: b * FR },
        );
      }
      if (s === 0 && firstRe && firstIm) {
        firstRe.view.set(Yre.view.subarray(b * FR, (b + 1) * FR));
        firstIm.view.set(Yim.view.subarray(b * FR, (b + 1) * FR));
      }
      if (s === N - 1 && firstRe && firstIm) terms.push({ lre: Yre, lim: Yim, lo: b * FR, rre: firstRe, rim: firstIm, ro: 0 });
    }
    if (terms.length > 0) accumulateOrdered(terms, r, F, Nre, Nim, bufArena);
    prevRe.view.set(Yre.view.subarray((count - 1) * FR, count * FR));
    prevIm.view.set(Yim.view.subarray((count - 1) * FR, count * FR));
  };

  // 4. Cross-spectra, unit by unit; whole sequences in batches of up to 8. The projection
  // matrix W = wt^T (d x r) sits in the SIMD kernels' memory for the whole pass.
  const projArena = identity ? null : simdArena();
  const projMark = projArena ? projArena.mark() : 0;
  let simdProj: SimdProjection | null = null;
  try {
    withFft(nfft, (fw) => {
      if (projArena) {
        const wIdx = projArena.alloc(d * r);
        const f = projArena.f64;
        for (let c = 0; c < r; c++) for (let i = 0; i < d; i++) f[wIdx + i * r + c] = w[c * d + i] as number;
        simdProj = { arena: projArena, w: wIdx };
      }
      if (hermitianUnits) {
        units.forEach((unit, u) => {
          Are.view.fill(0);
          Aim.view.fill(0);
          for (let b0 = 0; b0 < unit.segments.length; b0 += batch) {
            const segs = unit.segments.slice(b0, b0 + batch);
            segs.forEach((seg, b) => {
              project(ensemble[seg.s] as Series, proj, y, simdProj);
              addPath();
              addTotals(u, 0, T);
              spectra(y, T, r, 0, T, nfft, Yre.view, Yim.view, b * FR, re, im, fw);
            });
            accumulateHermitian(Yre, Yim, segs.map((_, b) => b * FR), r, F, Are, Aim, bufArena);
            nullTerms((segs[0] as { s: number }).s, segs.length);
          }
          inverseAll(Are.view, Aim.view, P, F, nfft, sink(u, true), fw);
          if (unitPairs) {
            for (let g = 0; g < L; g++) {
              const k = gridLags[g] as number;
              unitPairs[u * L + g] = unit.segments.reduce((acc, seg) => acc + segmentPairs(seg, T, k), 0);
            }
          }
        });
      } else {
        const Bre = new Buf(FR, bufArena);
        const Bim = new Buf(FR, bufArena);
        let u = 0;
        for (let s = 0; s < N; s++) {
          project(ensemble[s] as Series, proj, y, simdProj);
          addPath();
          spectra(y, T, r, 0, T, nfft, Yre.view, Yim.view, 0, re, im, fw);
          nullTerms(s, 1);
          while (u < G && (units[u] as Unit).segments[0]?.s === s) {
            const seg = (units[u] as Unit).segments[0] as { s: number; a: number; b: number };
            addTotals(u, seg.a, seg.b);
            spectra(y, T, r, seg.a, seg.b, nfft, Bre.view, Bim.view, 0, re, im, fw);
            Are.view.fill(0);
            Aim.view.fill(0);
            accumulateOrdered([{ lre: Bre, lim: Bim, lo: 0, rre: Yre, rim: Yim, ro: 0 }], r, F, Are, Aim, bufArena);
            inverseAll(Are.view, Aim.view, r2, F, nfft, sink(u, false), fw);
            if (unitPairs) for (let g = 0; g < L; g++) unitPairs[u * L + g] = segmentPairs(seg, T, gridLags[g] as number);
            u++;
          }
        }
      }
    });
  } finally {
    if (projArena) projArena.release(projMark);
  }

  // 5. Normalise and take norms (lags in increasing order, warm-started).
  const pairs = new Float64Array(S);
  const mats = new Float64Array(S * r2);
  for (let slot = 0; slot < S; slot++) {
    const k = storeLags[slot] as number;
    const count = N * (T - k);
    pairs[slot] = count;
    for (let e = 0; e < r2; e++) mats[slot * r2 + e] = (lagSums[e * S + slot] as number) / count;
  }
  const norms = new Float64Array(S);
  const vectors: Float64Array[] = new Array<Float64Array>(S);
  let warm: Float64Array | undefined;
  for (let slot = 0; slot < S; slot++) {
    const res = spectralNormDense(mats, slot * r2, r, r, warm);
    norms[slot] = res.norm;
    vectors[slot] = res.vector;
    warm = res.vector;
  }
  let varianceExplained = 1;
  const slot0 = storeLags.indexOf(0);
  const lag0 = new Float64Array(r);
  for (let c = 0; c < r; c++) lag0[c] = (diagSums[c * (Kd + 1)] as number) / n;
  if (!identity) varianceExplained = lag0.reduce((acc, v) => acc + v, 0) / active;
  if (identity) leadingEigenvalue = slot0 >= 0 ? (norms[slot0] as number) : spectralNormDense(mats, 0, r, r).norm;
  const gridSlot = gridLags.map((k) => storeLags.indexOf(k));

  // 6. Null norms (N >= 2) or Bartlett floor (N = 1).
  let nullNorms: Float64Array | null = null;
  let nullPairs: Float64Array | null = null;
  let floorConstant: number | null = null;
  if (wantNull && Nre && Nim) {
    const NL = nullLags.length;
    const nullSums = new Float64Array(NL * r2);
    withFft(nfft, (fw) =>
      inverseAll(
        Nre.view,
        Nim.view,
        r2,
        F,
        nfft,
        (p, c) => {
          for (let g = 0; g < NL; g++) nullSums[g * r2 + p] = c[nullLags[g] as number] as number;
        },
        fw,
      ),
    );
    nullNorms = new Float64Array(NL);
    nullPairs = new Float64Array(NL);
    let warmNull: Float64Array | undefined;
    for (let g = 0; g < NL; g++) {
      const k = nullLags[g] as number;
      const count = M * (T - k);
      nullPairs[g] = count;
      for (let e = 0; e < r2; e++) nullSums[g * r2 + e] = (nullSums[g * r2 + e] as number) / count;
      const res = spectralNormDense(nullSums, g * r2, r, r, warmNull);
      nullNorms[g] = res.norm;
      warmNull = res.vector;
    }
    floorConstant = noiseFloorConstant(nullNorms, nullPairs);
  } else if (req.noiseFloor) {
    floorConstant = bartlettConstant(diagSums, lag0, r, Kd, N, T);
  }

  // 7. Bootstrap over units (scaling and basis held fixed, mean re-estimated per replicate).
  const bootstrapNorms: Float64Array[] = [];
  if (wantBootstrap && unitSumsBuf && unitPairs && unitTotals && unitCounts) {
    const rng = createRng(req.seed);
    const weights = new Float64Array(G);
    // With the SIMD kernels, mat and the unit sums sit in their memory and mat += w_u S_u(k) is
    // one kernel call per unit (the same additions, unit by unit, in unit order).
    const matBuf = new Buf(r2, bufArena);
    const weightBuf = new Buf(1, bufArena);
    const mean = new Float64Array(r);
    for (let b = 0; b < req.bootstrapReplicates; b++) {
      weights.fill(0);
      for (let draw = 0; draw < G; draw++) {
        const u = Math.min(G - 1, Math.floor(rng.uniform() * G));
        weights[u] = (weights[u] as number) + 1;
      }
      mean.fill(0);
      let total = 0;
      for (let u = 0; u < G; u++) {
        const wu = weights[u] as number;
        if (wu === 0) continue;
        total += wu * (unitCounts[u] as number);
        for (let c = 0; c < r; c++) mean[c] = (mean[c] as number) + wu * (unitTotals[u * r + c] as number);
      }
      for (let c = 0; c < r; c++) mean[c] = (mean[c] as number) / total;
      const out = new Float64Array(L);
      for (let g = 0; g < L; g++) {
        let mat = matBuf.view;
        mat.fill(0);
        let count = 0;
        if (bufArena) {
          const f = bufArena.f64;
          for (let u = 0; u < G; u++) {
            const wu = weights[u] as number;
            if (wu === 0) continue;
            count += wu * (unitPairs[u * L + g] as number);
            f[weightBuf.at] = wu;
            gemm(bufArena.kernels, weightBuf.at, 0, 0, unitSumsBuf.at + (u * L + g) * r2, 0, matBuf.at, 0, 1, r2, 1, true);
          }
          mat = matBuf.view;
        }
        const unitSums = bufArena ? null : unitSumsBuf.view;
        // mat += sum over drawn units (in unit order) of w_u S_u(k), two units per pass over
        // mat (the same additions in the same order as one unit per pass).
        let pending = -1;
        for (let u = 0; u < G && unitSums; u++) {
          const wu = weights[u] as number;
          if (wu === 0) continue;
          count += wu * (unitPairs[u * L + g] as number);
          if (pending < 0) {
            pending = u;
            continue;
          }
          const wp = weights[pending] as number;
          const bp = (pending * L + g) * r2;
          const bu = (u * L + g) * r2;
          for (let e = 0; e < r2; e++) mat[e] = (mat[e] as number) + wp * (unitSums[bp + e] as number) + wu * (unitSums[bu + e] as number);
          pending = -1;
        }
        if (pending >= 0 && unitSums) {
          const wp = weights[pending] as number;
          const bp = (pending * L + g) * r2;
          for (let e = 0; e < r2; e++) mat[e] = (mat[e] as number) + wp * (unitSums[bp + e] as number);
        }
        if (count === 0) {
          out[g] = Number.NaN;
          continue;
        }
        for (let i = 0; i < r; i++) {
          for (let j = 0; j < r; j++) mat[i * r + j] = (mat[i * r + j] as number) / count - (mean[i] as number) * (mean[j] as number);
        }
        out[g] = spectralNormDense(mat, 0, r, r, vectors[gridSlot[g] as number]).norm;
      }
      bootstrapNorms.push(out);
    }
  }

  let commonPathFraction: number | null = null;
  if (pathSum) {
    let v = 0;
    for (let c = 0; c < r; c++) {
      let m = 0;
      for (let t = 0; t < T; t++) m += (pathSum[t * r + c] as number) / N;
      m /= T;
      for (let t = 0; t < T; t++) v += ((pathSum[t * r + c] as number) / N - m) ** 2;
    }
    v /= T;
    const total = lag0.reduce((acc, x) => acc + x, 0);
    commonPathFraction = total > 0 ? Math.min(1, Math.max(0, (N * v - total) / ((N - 1) * total))) : 0;
  }

  return {
    commonPathFraction,
    components: r,
    basis: identity ? 'channels' : 'principal-components',
    varianceExplained,
    leadingEigenvalue,
    tailEigenvalue,
    constantChannels,
    pcaRows,
    norms,
    pairs,
    nullLags,
    nullNorms,
    nullPairs,
    nullSequencePairs: M,
    floorConstant,
    bootstrapNorms,
    bootstrapUnits: wantBootstrap ? G : 0,
    bootstrapUnitKind: wantBootstrap ? kind : 'none',
  };
}

/** Upper quantile of the null that every noise floor states (floor = this quantile of the null norm). */
export const NOISE_FLOOR_QUANTILE = 0.95;

/** Monte Carlo draws behind the Bartlett floor's quantile. */
export const BARTLETT_DRAWS = 200;
/** Most samples per Monte Carlo null draw (beyond it the null matrix is Gaussian to within the quantile's own noise). */
export const BARTLETT_MAX_SAMPLES = 1024;

/**
 * Bartlett noise-floor constant c of a single sequence (floor(k) = c / sqrt(N (T - k))): for an
 * independent copy with the same autocorrelations, entry (i, j) of the lag-k null matrix has
 * variance v_ij(k) = l_i l_j (1 + 2 sum_{m=1}^{M_ij - 1} rho_i(m) rho_j(m)) / (N (T - k)), the sum
 * truncated at M_ij = min(M_i, M_j), M_i the first lag with |rho_i| <= 2 / sqrt(N T) (at most
 * Kd; the first lag with rho_i <= 0). c is the {@link NOISE_FLOOR_QUANTILE} (0.95) quantile of
 * ||E||_2 over {@link BARTLETT_DRAWS} draws (fixed seed: same input, same floor) of the null
 * matrix of two independent m-sample Gaussian series, E = S (A^T B / sqrt(m)) S with A, B m x r
 * iid N(0, 1), S = diag(sqrt(l_i) s_ii^(1/4)) (entry variances l_i l_j sqrt(s_ii s_jj) >= Bartlett's,
 * by Cauchy-Schwarz), m = the effective sample size n / max_i s_ii (at least r; beyond
 * {@link BARTLETT_MAX_SAMPLES} the entries are drawn as independent Gaussians, the m -> infinity limit). The product form matters: with few effective samples
 * (AR(1) phi = 0.99, 16 channels, n = 16384: m = 164) the norm of A^T B / m exceeds the
 * Gaussian-entry value 2 sqrt(r / m), which a true zero exceeded at 31% of far lags; with
 * the product form, at the stated rate (test/analysis/correlation/noiseFloorQuantile.test.ts).
 * (Before issue 13 the floor was max_i sqrt(sum_j w_ij) + max_j sqrt(sum_i w_ij), about the
 * mean norm: exceeded at up to a fifth of the lags of white noise.)
 */
function bartlettConstant(diagSums: Float64Array, lag0: Float64Array, r: number, Kd: number, N: number, T: number): number {
  const rho = new Float64Array(r * (Kd + 1));
  const trunc = new Int32Array(r);
  const white = 2 / Math.sqrt(N * T);
  for (let i = 0; i < r; i++) {
    const c0 = (diagSums[i * (Kd + 1)] as number) / (N * T);
    trunc[i] = Kd + 1;
    for (let m = 0; m <= Kd; m++) {
      const v = c0 > 0 ? (diagSums[i * (Kd + 1) + m] as number) / (N * (T - m)) / c0 : 0;
      rho[i * (Kd + 1) + m] = v;
      if (m >= 1 && (trunc[i] as number) === Kd + 1 && v <= 0) trunc[i] = m;
    }
  }
  // Effective sample size of the most persistent component: the null matrix behaves like
  // A^T B / m for m-sample Gaussian A, B (whose norm exceeds the Gaussian-entry limit by a
  // factor that grows with r / m), scaled so that entry (i, j) has variance
  // l_i l_j sqrt(s_ii s_jj) / n >= v_ij (Cauchy-Schwarz on Bartlett's sum).
  const selfSum = new Float64Array(r);
  for (let i = 0; i < r; i++) {
    let s = 1;
    for (let m = 1; m < (trunc[i] as number); m++) s += 2 * (rho[i * (Kd + 1) + m] as number) ** 2;
    selfSum[i] = Math.max(s, 1);
  }
  const n = N * T;
  const mTrue = Math.max(r, Math.floor(n / Math.max(...selfSum)));
  // Beyond BARTLETT_MAX_SAMPLES the product is Gaussian to the accuracy that matters: draw the
  // entries directly (m = 0 below).
  const mEffective = mTrue > BARTLETT_MAX_SAMPLES ? 0 : mTrue;
  const scale = new Float64Array(r);
  for (let i = 0; i < r; i++) scale[i] = Math.sqrt(Math.max(lag0[i] as number, 0) * Math.sqrt(selfSum[i] as number));
  const rng = createRng(0x5eed_f100);
  const A = new Float64Array(mEffective * r);
  const B = new Float64Array(mEffective * r);
  const e = new Float64Array(r * r);
  const norms: number[] = [];
  for (let b = 0; b < BARTLETT_DRAWS; b++) {
    if (mEffective === 0) {
      for (let i = 0; i < r; i++) for (let j = 0; j < r; j++) e[i * r + j] = rng.normal() * (scale[i] as number) * (scale[j] as number);
      norms.push(spectralNormDense(e, 0, r, r).norm);
      continue;
    }
    for (let p = 0; p < A.length; p++) A[p] = rng.normal();
    for (let p = 0; p < B.length; p++) B[p] = rng.normal();
    e.fill(0);
    for (let t = 0; t < mEffective; t++) {
      for (let i = 0; i < r; i++) {
        const ai = A[t * r + i] as number;
        for (let j = 0; j < r; j++) e[i * r + j] = (e[i * r + j] as number) + ai * (B[t * r + j] as number);
      }
    }
    for (let i = 0; i < r; i++) for (let j = 0; j < r; j++) e[i * r + j] = ((e[i * r + j] as number) * (scale[i] as number) * (scale[j] as number)) / Math.sqrt(mEffective);
    norms.push(spectralNormDense(e, 0, r, r).norm);
  }
  norms.sort((a, b) => a - b);
  const h = (norms.length - 1) * NOISE_FLOOR_QUANTILE;
  const lo = Math.floor(h);
  return (norms[lo] as number) + (h - lo) * ((norms[Math.min(lo + 1, norms.length - 1)] as number) - (norms[lo] as number));
}
