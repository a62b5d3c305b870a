/**
 * Sampled softmax for extreme multiclass classification (next item among a large catalogue):
 * proposal distributions, the loss and its gradient on one draw, and the exact expectation of
 * that gradient over draws (to measure its bias against the full softmax).
 *
 * @module
 */
import type { Rng } from '../processes/prng.js';
import { RecsysInputError } from './errors.js';

/**
 * The log-uniform (Zipfian) proposal over ids sorted by decreasing frequency:
 * q(i) = log((i + 2) / (i + 1)) / log(V + 1), i = 0..V-1 (sums to 1 exactly in real arithmetic).
 *
 * References: TensorFlow `tf.random.log_uniform_candidate_sampler`; S. Jean, K. Cho,
 * R. Memisevic, Y. Bengio, On using very large target vocabulary for neural machine
 * translation, ACL 2015, arXiv:1412.2007.
 *
 * @example
 * logUniformProposal(3); // [log 2, log 1.5, log (4/3)] / log 4 = [0.5, 0.2925, 0.2075]
 */
export function logUniformProposal(vocabulary: number): Float64Array {
  if (!Number.isSafeInteger(vocabulary) || vocabulary < 1) throw new RecsysInputError(`logUniformProposal: vocabulary is ${String(vocabulary)}, expected an integer >= 1`);
  const z = Math.log(vocabulary + 1);
  return Float64Array.from({ length: vocabulary }, (_, i) => Math.log((i + 2) / (i + 1)) / z);
}

/**
 * The unigram proposal q(i) proportional to (count_i + smoothing)^power (power 0.75 is word2vec's).
 *
 * @example
 * unigramProposal([3, 1, 0], 1, 0); // [0.75, 0.25, 0]
 */
export function unigramProposal(counts: ArrayLike<number>, power = 1, smoothing = 1): Float64Array {
  const fn = 'unigramProposal';
  if (counts.length < 1) throw new RecsysInputError(`${fn}: counts is empty, expected at least one item`);
  if (!(power >= 0) || !(smoothing >= 0)) throw new RecsysInputError(`${fn}: power is ${power} and smoothing ${smoothing}, expected numbers >= 0`);
  const w = Float64Array.from({ length: counts.length }, (_, i) => {
    const c = counts[i] as number;
    if (!Number.isFinite(c) || c < 0) throw new RecsysInputError(`${fn}: counts[${i}] is ${c}, expected a finite number >= 0`);
    return (c + smoothing) ** power;
  });
  const total = w.reduce((a, b) => a + b, 0);
  if (!(total > 0)) throw new RecsysInputError(`${fn}: every weight is 0, expected a positive total (use smoothing > 0)`);
  return w.map((x) => x / total);
}

/** Cumulative sums of q (last entry forced to 1). */
export function proposalCdf(q: Float64Array): Float64Array {
  const c = new Float64Array(q.length);
  let acc = 0;
  for (let i = 0; i < q.length; i++) c[i] = acc += q[i] as number;
  c[q.length - 1] = 1;
  return c;
}

/** m ids drawn iid (with replacement) from the proposal with cumulative sums `cdf`. */
export function drawCandidates(rng: Rng, cdf: Float64Array, m: number, out = new Int32Array(m)): Int32Array {
  for (let s = 0; s < m; s++) {
    const u = rng.uniform();
    let lo = 0, hi = cdf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (u < (cdf[mid] as number)) hi = mid;
      else lo = mid + 1;
    }
    out[s] = lo;
  }
  return out;
}

/** Options of {@link sampledSoftmax}. */
export interface SampledSoftmaxOptions {
  /** Subtract log(m q_i) from every candidate's logit (the sampling correction), default true. */
  correction?: boolean;
  /**
   * Drop sampled candidates equal to the target ("accidental hits"), default false. TensorFlow
   * removes them by default (it samples without replacement); with sampling with replacement,
   * as here, removing them makes the estimator inconsistent (its bias does not vanish as m
   * grows: proofs/sampled-softmax-bias.md), so lrdkit keeps them.
   */
  removeAccidentalHits?: boolean;
}

/** The sampled softmax loss of one draw and its gradient with respect to all V logits. */
export interface SampledSoftmaxResult {
  /** -log of the target's share among the candidates, nats. */
  readonly loss: number;
  /** d loss / d o_i for i = 0..V-1 (zero outside the candidates). */
  readonly gradient: Float64Array;
}

/**
 * Sampled softmax on one draw of candidates.
 *
 * Method: candidates c_0 = y (the target), c_j = s_j (j = 1..m, iid from q, with replacement);
 * logits z_j = o_{c_j} - log(m q_{c_j}) with the correction (m q_i is the expected number of
 * times i is drawn), o_{c_j} without; an accidental hit (s_j = y) gets z_j = -inf when removed.
 * loss = -z_0 + log sum_j exp(z_j); d loss / d o_i = sum_{j: c_j = i} softmax(z)_j - [i = y].
 * Summed in candidate order; log-sum-exp shifted by the largest z.
 *
 * The full softmax gradient is p - e_y with p = softmax(o). The sampled gradient is a biased
 * estimate of it for every finite m (see proofs/sampled-softmax-bias.md and
 * {@link expectedSampledSoftmaxGradient}); with the correction and accidental hits kept the
 * bias vanishes as m grows (the sampled normaliser sum_j exp(o_{s_j}) / (m q_{s_j}) tends to
 * Z = sum_i exp(o_i) by the law of large numbers).
 *
 * References: S. Jean, K. Cho, R. Memisevic, Y. Bengio, ACL 2015, arXiv:1412.2007; Y. Bengio,
 * J.-S. Senecal, Adaptive importance sampling to accelerate training of a neural probabilistic
 * language model, IEEE Trans. Neural Networks 19(4) 2008, doi:10.1109/TNN.2007.912312;
 * G. Blanc, S. Rendle, Adaptive sampled softmax with kernel based sampling, ICML 2018,
 * arXiv:1712.00527.
 *
 * @throws RecsysInputError for a target or sample outside 0..V-1, a proposal of the wrong length,
 *   a zero proposal probability on a candidate, or non-finite logits
 */
export function sampledSoftmax(logits: ArrayLike<number>, target: number, samples: ArrayLike<number>, q: ArrayLike<number>, options: SampledSoftmaxOptions = {}): SampledSoftmaxResult {
  const fn = 'sampledSoftmax';
  const V = logits.length;
  const correction = options.correction ?? true;
  const removeHits = options.removeAccidentalHits ?? false;
  if (q.length !== V) throw new RecsysInputError(`${fn}: the proposal has ${q.length} entries, expected ${V} (the logits)`);
  const m = samples.length;
  const ids = [target, ...Array.from({ length: m }, (_, j) => samples[j] as number)];
  const z = new Float64Array(m + 1);
  ids.forEach((i, j) => {
    if (!Number.isSafeInteger(i) || i < 0 || i >= V) throw new RecsysInputError(`${fn}: ${j === 0 ? 'target' : `sample ${j - 1}`} is ${String(i)}, expected an id in 0..${V - 1}`);
    const o = logits[i] as number;
    if (!Number.isFinite(o)) throw new RecsysInputError(`${fn}: logit ${i} is ${o}, expected a finite number`);
    const qi = q[i] as number;
    if (correction && !(qi > 0)) throw new RecsysInputError(`${fn}: proposal q[${i}] is ${qi}, expected > 0 for a candidate`);
    z[j] = j > 0 && removeHits && i === target ? -Infinity : correction ? o - Math.log(m * qi) : o;
  });
  let max = -Infinity;
  for (const v of z) max = Math.max(max, v);
  let sum = 0;
  for (const v of z) sum += Math.exp(v - max);
  const logNorm = max + Math.log(sum);
  const gradient = new Float64Array(V);
  ids.forEach((i, j) => {
    gradient[i] = (gradient[i] as number) + Math.exp((z[j] as number) - logNorm);
  });
  gradient[target] = (gradient[target] as number) - 1;
  return { loss: logNorm - (z[0] as number), gradient };
}

/** The full softmax cross-entropy gradient p - e_y with respect to the logits. */
export function fullSoftmaxGradient(logits: ArrayLike<number>, target: number): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i] as number);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += Math.exp((logits[i] as number) - max);
  const g = Float64Array.from({ length: logits.length }, (_, i) => Math.exp((logits[i] as number) - max) / sum);
  g[target] = (g[target] as number) - 1;
  return g;
}

/**
 * E over the m iid draws from q of {@link sampledSoftmax}'s gradient, computed exactly by
 * enumerating all V^m ordered draws with their probabilities prod_j q(s_j).
 *
 * @throws RecsysInputError when V^m exceeds 2^22 draws
 */
export function expectedSampledSoftmaxGradient(logits: ArrayLike<number>, target: number, q: ArrayLike<number>, m: number, options: SampledSoftmaxOptions = {}): Float64Array {
  const V = logits.length;
  if (!Number.isSafeInteger(m) || m < 1) throw new RecsysInputError(`expectedSampledSoftmaxGradient: m is ${String(m)}, expected an integer >= 1`);
  if (V ** m > 2 ** 22) throw new RecsysInputError(`expectedSampledSoftmaxGradient: V^m = ${V}^${m} draws, expected at most 2^22 (use a smaller vocabulary or m)`);
  const expected = new Float64Array(V);
  const s = new Int32Array(m);
  const total = V ** m;
  for (let code = 0; code < total; code++) {
    let c = code, p = 1;
    for (let j = 0; j < m; j++) {
      s[j] = c % V;
      c = Math.floor(c / V);
      p *= q[s[j] as number] as number;
    }
    if (p === 0) continue;
    const g = sampledSoftmax(logits, target, s, q, options).gradient;
    for (let i = 0; i < V; i++) expected[i] = (expected[i] as number) + p * (g[i] as number);
  }
  return expected;
}
