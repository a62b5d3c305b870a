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
import { EVD, Matrix } from 'ml-matrix';
import { fft, ifft, nextPowerOfTwo } from '../../linalg/fft.js';
import { createRng } from '../../processes/prng.js';
import { AnalysisInputError } from '../errors.js';
import type { Series } from '../series.js';
import { logLagGrid } from './lagGrid.js';
import { spectralNormDense } from './lanczos.js';
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

/** y (T x r, row-major) = projected, centred series. Kernel: 4 time steps x 2 components of dot products. */
function project(series: Series, p: Projection, out: Float64Array): void {
  const T = series.rows;
  const d = series.cols;
  const x = series.data;
  const { r, mu } = p;
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
  re: Float64Array,
  im: Float64Array,
): void {
  const F = nfft / 2 + 1;
  for (let c = 0; c < r; c += 2) {
    const pair = c + 1 < r;
    re.fill(0);
    im.fill(0);
    for (let t = a; t < b && t < T; t++) {
      re[t] = y[t * r + c] as number;
      if (pair) im[t] = y[t * r + c + 1] as number;
    }
    fft(re, im);
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

/** Sequences whose half spectra are accumulated together (the A row of one frequency stays in cache). */
const BATCH = 8;

/**
 * A[f][p] += sum_b conj(Y_b,i(f)) Y_b,j(f) over the upper-triangle pairs p = (i <= j), for the
 * spectra Y_b at offsets[b] of (Yre, Yim) (layout [f * r + c] from each offset).
 */
function accumulateHermitian(
  Yre: Float64Array,
  Yim: Float64Array,
  offsets: readonly number[],
  r: number,
  F: number,
  Are: Float64Array,
  Aim: Float64Array,
): void {
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
  readonly lre: Float64Array;
  readonly lim: Float64Array;
  readonly lo: number;
  readonly rre: Float64Array;
  readonly rim: Float64Array;
  readonly ro: number;
}

/** A[f][i][j] += sum over terms of conj(L_i(f)) R_j(f), all ordered pairs. */
function accumulateOrdered(terms: readonly OrderedTerm[], r: number, F: number, Are: Float64Array, Aim: Float64Array): void {
  const r2 = r * r;
  for (let f = 0; f < F; f++) {
    for (const term of terms) {
      const { lre, lim, rre, rim } = term;
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
): void {
  const re = new Float64Array(nfft);
  const im = new Float64Array(nfft);
  const half = nfft / 2;
  for (let p = 0; p < count; p += 2) {
    const q = p + 1 < count ? p + 1 : -1;
    for (let f = 0; f <= half; f++) {
      const pr = Are[f * count + p] as number;
      const pi = Aim[f * count + p] as number;
      const qr = q >= 0 ? (Are[f * count + q] as number) : 0;
      const qi = q >= 0 ? (Aim[f * count + q] as number) : 0;
      re[f] = pr - qi;
      im[f] = pi + qr;
      if (f > 0 && f < half) {
        // Hermitian extension of each: A(nfft - f) = conj(A(f)).
        re[nfft - f] = pr + qi;
        im[nfft - f] = -pi + qr;
      }
    }
    ifft(re, im);
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
    const buf = new Float64Array(4 * d);
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
    for (let g = 0; g < n; g += stride) {
      const s = Math.floor(g / T);
      const t = g - s * T;
      const x = (ensemble[s] as Series).data;
      for (let i = 0; i < d; i++) buf[fill * d + i] = ((x[t * d + i] as number) - (mu[i] as number)) * (invSd[i] as number);
      fill++;
      pcaRows++;
      if (fill === 4) {
        flush(4);
        fill = 0;
      }
    }
    if (fill > 0) {
      buf.fill(0, fill * d);
      flush(fill);
    }
    const rows: number[][] = [];
    for (let i = 0; i < d; i++) {
      const row = new Array<number>(d);
      for (let j = 0; j < d; j++) row[j] = (i <= j ? (cov[i * d + j] as number) : (cov[j * d + i] as number)) / pcaRows;
      rows.push(row);
    }
    const evd = new EVD(new Matrix(rows), { assumeSymmetric: true });
    const values = evd.realEigenvalues;
    const vectors = evd.eigenvectorMatrix;
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
        for (let i = 0; i < d; i++) w[c * d + i] = vectors.get(i, col) * (invSd[i] as number);
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
  const lagSums = new Float64Array(S * r2);
  const diagSums = new Float64Array(r * (Kd + 1));
  const unitSums = wantBootstrap ? new Float64Array(G * L * r2) : null;
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
  const re = new Float64Array(nfft);
  const im = new Float64Array(nfft);
  const hermitianUnits = kind === 'sequence-groups';
  const batch = hermitianUnits ? BATCH : 1;
  const FR = F * r;
  const Yre = new Float64Array(batch * FR);
  const Yim = new Float64Array(batch * FR);
  const P = (r * (r + 1)) / 2;
  const Are = new Float64Array(F * (hermitianUnits ? P : r2));
  const Aim = new Float64Array(F * (hermitianUnits ? P : r2));
  const wantNull = req.noiseFloor && N >= 2;
  const M = wantNull ? (r <= 16 ? N : Math.min(N, NULL_MAX_PAIRS)) : 0;
  const Nre = wantNull ? new Float64Array(F * r2) : null;
  const Nim = wantNull ? new Float64Array(F * r2) : null;
  const prevRe = wantNull ? new Float64Array(FR) : null;
  const prevIm = wantNull ? new Float64Array(FR) : null;
  const firstRe = wantNull && M === N ? new Float64Array(FR) : null;
  const firstIm = wantNull && M === N ? new Float64Array(FR) : null;
  const pairI = new Int32Array(hermitianUnits ? P : r2);
  const pairJ = new Int32Array(hermitianUnits ? P : r2);
  if (hermitianUnits) {
    let p = 0;
    for (let i = 0; i < r; i++) for (let j = i; j < r; j++) (pairI[p] = i), (pairJ[p++] = j);
  } else {
    for (let i = 0; i < r; i++) for (let j = 0; j < r; j++) (pairI[i * r + j] = i), (pairJ[i * r + j] = j);
  }

  const sink = (u: number, hermitian: boolean) => (p: number, c: Float64Array): void => {
    const i = pairI[p] as number;
    const j = pairJ[p] as number;
    const ij = i * r + j;
    const ji = j * r + i;
    for (let slot = 0; slot < S; slot++) {
      const k = storeLags[slot] as number;
      lagSums[slot * r2 + ij] = (lagSums[slot * r2 + ij] as number) + (c[k] as number);
      if (hermitian && i !== j) lagSums[slot * r2 + ji] = (lagSums[slot * r2 + ji] as number) + (c[(nfft - k) % nfft] as number);
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
        firstRe.set(Yre.subarray(b * FR, (b + 1) * FR));
        firstIm.set(Yim.subarray(b * FR, (b + 1) * FR));
      }
      if (s === N - 1 && firstRe && firstIm) terms.push({ lre: Yre, lim: Yim, lo: b * FR, rre: firstRe, rim: firstIm, ro: 0 });
    }
    if (terms.length > 0) accumulateOrdered(terms, r, F, Nre, Nim);
    prevRe.set(Yre.subarray((count - 1) * FR, count * FR));
    prevIm.set(Yim.subarray((count - 1) * FR, count * FR));
  };

  // 4. Cross-spectra, unit by unit; whole sequences in batches of up to 8.
  if (hermitianUnits) {
    units.forEach((unit, u) => {
      Are.fill(0);
      Aim.fill(0);
      for (let b0 = 0; b0 < unit.segments.length; b0 += batch) {
        const segs = unit.segments.slice(b0, b0 + batch);
        segs.forEach((seg, b) => {
          project(ensemble[seg.s] as Series, proj, y);
          addTotals(u, 0, T);
          spectra(y, T, r, 0, T, nfft, Yre, Yim, b * FR, re, im);
        });
        accumulateHermitian(Yre, Yim, segs.map((_, b) => b * FR), r, F, Are, Aim);
        nullTerms((segs[0] as { s: number }).s, segs.length);
      }
      inverseAll(Are, Aim, P, F, nfft, sink(u, true));
      if (unitPairs) {
        for (let g = 0; g < L; g++) {
          const k = gridLags[g] as number;
          unitPairs[u * L + g] = unit.segments.reduce((acc, seg) => acc + segmentPairs(seg, T, k), 0);
        }
      }
    });
  } else {
    const Bre = new Float64Array(FR);
    const Bim = new Float64Array(FR);
    let u = 0;
    for (let s = 0; s < N; s++) {
      project(ensemble[s] as Series, proj, y);
      spectra(y, T, r, 0, T, nfft, Yre, Yim, 0, re, im);
      nullTerms(s, 1);
      while (u < G && (units[u] as Unit).segments[0]?.s === s) {
        const seg = (units[u] as Unit).segments[0] as { s: number; a: number; b: number };
        addTotals(u, seg.a, seg.b);
        spectra(y, T, r, seg.a, seg.b, nfft, Bre, Bim, 0, re, im);
        Are.fill(0);
        Aim.fill(0);
        accumulateOrdered([{ lre: Bre, lim: Bim, lo: 0, rre: Yre, rim: Yim, ro: 0 }], r, F, Are, Aim);
        inverseAll(Are, Aim, r2, F, nfft, sink(u, false));
        if (unitPairs) for (let g = 0; g < L; g++) unitPairs[u * L + g] = segmentPairs(seg, T, gridLags[g] as number);
        u++;
      }
    }
  }

  // 5. Normalise and take norms (lags in increasing order, warm-started).
  const pairs = new Float64Array(S);
  const mats = new Float64Array(S * r2);
  for (let slot = 0; slot < S; slot++) {
    const k = storeLags[slot] as number;
    const count = N * (T - k);
    pairs[slot] = count;
    for (let e = 0; e < r2; e++) mats[slot * r2 + e] = (lagSums[slot * r2 + e] as number) / count;
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
    inverseAll(Nre, Nim, r2, F, nfft, (p, c) => {
      for (let g = 0; g < NL; g++) nullSums[g * r2 + p] = c[nullLags[g] as number] as number;
    });
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
  if (wantBootstrap && unitSums && unitPairs && unitTotals && unitCounts) {
    const rng = createRng(req.seed);
    const weights = new Float64Array(G);
    const mat = new Float64Array(r2);
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
        mat.fill(0);
        let count = 0;
        // mat += sum over drawn units (in unit order) of w_u S_u(k), two units per pass over
        // mat (the same additions in the same order as one unit per pass).
        let pending = -1;
        for (let u = 0; u < G; u++) {
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
        if (pending >= 0) {
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

  return {
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

/**
 * Bartlett noise-floor constant c of a single sequence (floor(k) = c / sqrt(N (T - k))): for an
 * independent copy with the same autocorrelations, entry (i, j) of the lag-k null matrix has
 * variance v_ij(k) = l_i l_j (1 + 2 sum_{m=1}^{M_ij - 1} rho_i(m) rho_j(m)) / (N (T - k)), the sum
 * truncated at M_ij = min(M_i, M_j), M_i the first lag with |rho_i| <= 2 / sqrt(N T) (at most
 * Kd); the floor is max_i sqrt(sum_j v_ij) + max_j sqrt(sum_i v_ij) (= 2 sd for a scalar series).
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
      if (m >= 1 && (trunc[i] as number) === Kd + 1 && Math.abs(v) <= white) trunc[i] = m;
    }
  }
  let rowMax = 0;
  for (let i = 0; i < r; i++) {
    let row = 0;
    for (let j = 0; j < r; j++) {
      const Mij = Math.min(trunc[i] as number, trunc[j] as number);
      let s = 1;
      for (let m = 1; m < Mij; m++) s += 2 * (rho[i * (Kd + 1) + m] as number) * (rho[j * (Kd + 1) + m] as number);
      row += Math.max(s, 0) * (lag0[i] as number) * (lag0[j] as number);
    }
    rowMax = Math.max(rowMax, row);
  }
  return 2 * Math.sqrt(rowMax);
}
