/**
 * Lemma 1.1 of Belletti et al. (2018), "Short Range Dependent recursion", as an executable
 * check, with the corrected statements. See proofs/lemma-1.1-srd-recursion.md.
 *
 * As written: let y_{t+1} = A_t y_t + eps_t in R^d with E[y_t eps_s^T] = 0 for s >= t. If for
 * some alpha > 0 the spectral radii rho(A_t) are all at most 1 - alpha, then (y_t) is SRD:
 * for some t, sum_h ||Cor(y_t, y_{t+h})||_2 < infinity (Definition 1.1).
 *
 * The proof bounds ||E[y_{t+1} y_0^T]|| by prod_s ||A_s||_2 and then uses
 * prod ||A_s||_2 <= (1 - alpha)^t, which needs the operator norms, not the spectral radii,
 * and it bounds covariances, not the correlations Definition 1.1 sums.
 *
 * @module
 */
import type { Matrix } from '../linalg/dense.js';
import { spectralRadius } from '../linalg/eigenvalues.js';
import { spectralNorm } from '../linalg/norms.js';
import { type LinearRecursion, linearRecursionCorrelations } from './linearRecursion.js';
import type { CheckResult } from './result.js';

/** An instance of the lemma: a periodic sequence A_0..A_{p-1}, noise Q, and alpha. */
export interface Lemma11Instance {
  /** A_t = matrices[t mod p]. */
  matrices: readonly Matrix[];
  /** Cov(eps_t) = Q for all t. */
  noise: Matrix;
  /** Cov(y_0) (default Q). */
  initialCovariance?: Matrix;
  /** The alpha of the hypothesis, in (0, 1). */
  alpha: number;
}

/**
 * Which hypothesis to test the conclusion under:
 * - 'spectral-radius': as written, rho(A_t) <= 1 - alpha for every t;
 * - 'operator-norm': the bound the proof uses, ||A_t||_2 <= 1 - alpha;
 * - 'product-norm': every product of `period` consecutive matrices has norm <= 1 - alpha
 *   (certifies a joint spectral radius below 1 for the periodic sequence).
 */
export type Lemma11Hypothesis = 'spectral-radius' | 'operator-norm' | 'product-norm';

/** The horizon over which partial sums are computed: long enough for (1 - alpha)^(K/2) ~ e^-30. */
export function lemma11Horizon(alpha: number): number {
  return Math.ceil(60 / alpha);
}

/** Relative flatness required of S(K) over its second half: S(K) - S(K/2) <= 1e-6 S(K/2). */
export const LEMMA11_FLATNESS = 1e-6;

function hypothesisValue(inst: Lemma11Instance, hyp: Lemma11Hypothesis): number {
  const p = inst.matrices.length;
  if (hyp === 'spectral-radius') return Math.max(...inst.matrices.map((a) => spectralRadius(a)));
  if (hyp === 'operator-norm') return Math.max(...inst.matrices.map((a) => spectralNorm(a)));
  // products A_{t+p-1} ... A_t over one period, for each phase t
  let worst = 0;
  for (let t = 0; t < p; t++) {
    let prod = inst.matrices[t] as Matrix;
    for (let k = 1; k < p; k++) prod = matMul(inst.matrices[(t + k) % p] as Matrix, prod);
    worst = Math.max(worst, spectralNorm(prod));
  }
  return worst;
}

function matMul(a: Matrix, b: Matrix): Matrix {
  return a.map((row) => (b[0] as number[]).map((_, j) => row.reduce((s, v, k) => s + v * ((b[k] as number[])[j] as number), 0)));
}

/**
 * Checks Lemma 1.1's conclusion (SRD) on one instance under the chosen hypothesis, from the
 * exact correlations ({@link linearRecursionCorrelations}) at t0 = 0 over the horizon
 * K = {@link lemma11Horizon}(alpha).
 *
 * Conclusion test: the partial sums S(K) = sum_{h<=K} ||Cor(y_0, y_h)||_2 are finite and flat,
 * S(K) - S(K/2) <= 1e-6 S(K/2). Geometric decay at rate 1 - alpha passes with orders of margin
 * ((1 - alpha)^(K/2) ~ 1e-13); correlations decaying like h^-1/2 (S ~ sqrt K) or not at all
 * (S ~ K) fail by orders of magnitude. margin = 1e-6 S(K/2) - (S(K) - S(K/2)).
 *
 * @example
 * lemma11({ matrices: [[[0.5]]], noise: [[1]], alpha: 0.5 }, 'spectral-radius').holds; // true
 */
export function lemma11(inst: Lemma11Instance, hypothesis: Lemma11Hypothesis): CheckResult & { readonly hypothesisValue: number; readonly partialSum: number; readonly lastNorm: number } {
  const value = hypothesisValue(inst, hypothesis);
  const hypothesesHold = value <= 1 - inst.alpha;
  const K = lemma11Horizon(inst.alpha);
  const rec: LinearRecursion = { matrices: inst.matrices, noise: inst.noise, ...(inst.initialCovariance ? { initialCovariance: inst.initialCovariance } : {}) };
  const prof = linearRecursionCorrelations(rec, 0, K);
  const half = prof.partialSums[Math.floor(K / 2)] as number;
  const full = prof.partialSums[K] as number;
  const finite = Number.isFinite(full) && Number.isFinite(half);
  const margin = finite ? LEMMA11_FLATNESS * half - (full - half) : -Infinity;
  const conclusion = margin >= 0;
  const lastNorm = prof.norms[K] as number;
  const witness =
    `${hypothesis} hypothesis: ${value.toPrecision(6)} ${hypothesesHold ? '<=' : '>'} 1 - alpha = ${(1 - inst.alpha).toPrecision(6)}; ` +
    `S(${Math.floor(K / 2)}) = ${half.toPrecision(6)}, S(${K}) = ${full.toPrecision(6)}, ||Cor(y_0, y_${K})||_2 = ${lastNorm.toPrecision(4)}` +
    (prof.minVariance <= 0 ? '; some variance is 0 (correlation undefined there)' : '');
  return { holds: !hypothesesHold || conclusion, hypothesesHold, margin, witness, hypothesisValue: value, partialSum: full, lastNorm };
}

/**
 * The corrected lemma's explicit bound: if ||A_t||_2 <= 1 - alpha and the noise covariance is
 * bounded below (Q >= q I, q > 0), then for every t and h
 *
 *     ||Cor(y_t, y_{t+h})||_2 <= ||Sigma_t||_2 / sqrt(min_i Var(y_{t,i}) min_i Var(y_{t+h,i})) (1 - alpha)^h,
 *
 * because Cor = D_t^-1/2 Sigma_t Phi^T D_{t+h}^-1/2 and ||Phi(t+h, t)||_2 <= (1 - alpha)^h; the
 * variances are at least q for t >= 1 and Sigma_t stays bounded, so the sum over h is finite.
 * Returns the smallest slack bound_h - ||Cor(y_t0, y_{t0+h})||_2 over h <= maxLag (>= 0 holds).
 */
export function lemma11CorrectedBoundMargin(inst: Lemma11Instance, t0: number, maxLag: number): number {
  const rec: LinearRecursion = { matrices: inst.matrices, noise: inst.noise, ...(inst.initialCovariance ? { initialCovariance: inst.initialCovariance } : {}) };
  // Variances and Sigma norms along the path, from the same exact propagation.
  const sig = covariancePath(rec, t0 + maxLag);
  const s0 = sig[t0] as Matrix;
  const prof = linearRecursionCorrelations(rec, t0, maxLag);
  const normS = spectralNorm(s0);
  const minVar = (m: Matrix): number => Math.min(...m.map((r, i) => r[i] as number));
  let margin = Infinity;
  for (let h = 0; h <= maxLag; h++) {
    const bound = (normS / Math.sqrt(minVar(s0) * minVar(sig[t0 + h] as Matrix))) * (1 - inst.alpha) ** h;
    margin = Math.min(margin, bound - (prof.norms[h] as number) + 1e-12 * bound);
  }
  return margin;
}

function covariancePath(rec: LinearRecursion, last: number): Matrix[] {
  const q = rec.noise as Matrix;
  let s = rec.initialCovariance ?? q;
  const out = [s];
  for (let t = 0; t < last; t++) {
    const a = (rec.matrices as readonly Matrix[])[t % (rec.matrices as readonly Matrix[]).length] as Matrix;
    s = matMul(matMul(a, s), a[0]!.map((_, j) => a.map((row) => row[j] as number))).map((row, i) => row.map((v, j) => v + ((q[i] as number[])[j] as number)));
    out.push(s);
  }
  return out;
}
