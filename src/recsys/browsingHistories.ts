/**
 * A seeded generator of browsing histories with known long range structure, for the
 * recommender experiment of section 3.3 of Belletti et al. (AISTATS 2018).
 *
 * @module
 */
import { createRng, type Rng } from '../processes/prng.js';
import { RecsysInputError } from './errors.js';

/** Options of {@link generateBrowsingHistories}; every field has a default. */
export interface BrowsingHistoryOptions {
  /** Users (sequences), default 2000. */
  users?: number;
  /** Events per user, default 200 (at most 500, the paper's truncation). */
  length?: number;
  /** Latent modalities (work, leisure, news, shopping, ...), default 4. */
  modalities?: number;
  /** Topics per modality; each user prefers one topic per modality, default 8. */
  topicsPerModality?: number;
  /** Items per topic, default 40 (vocabulary = modalities x topics x itemsPerTopic). */
  itemsPerTopic?: number;
  /** Pages per modality, default 5 (pages = modalities x pagesPerModality). */
  pagesPerModality?: number;
  /**
   * Tail index alpha of the regime durations, P(D > x) = (x / minDuration)^-alpha, in (1, 2)
   * for long range dependence (default 1.4: H = (3 - alpha) / 2 = 0.8).
   */
  tailIndex?: number;
  /** Smallest regime duration in events (default 3). */
  minDuration?: number;
  /** Probability that an event's item comes from the user's preferred topic of the current modality (default 0.6). */
  topicAffinity?: number;
  /**
   * Probability that an event's item is a stray one from another modality (uniform among the
   * other M - 1, Zipf over that modality's items) while the regime, and so the page, stay
   * (default 0: every item reveals the current modality). It weakens the context signal that
   * items carry; (M - 1) / M makes an item's modality independent of the regime.
   */
  strayItemRate?: number;
  /** Zipf exponent s of item popularity, P(rank r) proportional to r^-s (default 1.1). */
  zipfExponent?: number;
  /** Probability that the page id is the modality's own page (else a uniformly random page), default 0.85. */
  pageFidelity?: number;
  /** Mean seconds between events within a regime (default 60) and at a regime switch (default 3600). */
  meanGapSeconds?: number;
  meanSwitchGapSeconds?: number;
  seed?: number;
}

/** The generated histories (event e of user u at index u * length + e) and the law that made them. */
export interface BrowsingHistories {
  readonly users: number;
  readonly length: number;
  /** Distinct items (the item vocabulary). */
  readonly vocabulary: number;
  /** Distinct pages (the page vocabulary). */
  readonly pageVocabulary: number;
  readonly modalities: number;
  /** Item id of every event, in 0..vocabulary-1. */
  readonly itemIds: Int32Array;
  /** Page id of every event, in 0..pageVocabulary-1. */
  readonly pageIds: Int32Array;
  /** Seconds since the data set's start. */
  readonly timestamps: Float64Array;
  /** The latent modality of every event (ground truth, not a model input). */
  readonly modality: Int32Array;
  /** Preferred topic of user u in modality m at u * modalities + m (ground truth). */
  readonly preferredTopic: Int32Array;
  /** Unconditional item frequencies (counts over all events). */
  readonly itemCounts: Int32Array;
  /** The resolved options. */
  readonly options: Required<BrowsingHistoryOptions>;
  /** H of the modality sequence predicted by theory, (3 - alpha) / 2 for alpha in (1, 2), else 1/2. */
  readonly theoreticalHurst: number;
}

const FN = 'generateBrowsingHistories';

function resolve(o: BrowsingHistoryOptions): Required<BrowsingHistoryOptions> {
  const r: Required<BrowsingHistoryOptions> = {
    users: o.users ?? 2000,
    length: o.length ?? 200,
    modalities: o.modalities ?? 4,
    topicsPerModality: o.topicsPerModality ?? 8,
    itemsPerTopic: o.itemsPerTopic ?? 40,
    pagesPerModality: o.pagesPerModality ?? 5,
    tailIndex: o.tailIndex ?? 1.4,
    minDuration: o.minDuration ?? 3,
    topicAffinity: o.topicAffinity ?? 0.6,
    strayItemRate: o.strayItemRate ?? 0,
    zipfExponent: o.zipfExponent ?? 1.1,
    pageFidelity: o.pageFidelity ?? 0.85,
    meanGapSeconds: o.meanGapSeconds ?? 60,
    meanSwitchGapSeconds: o.meanSwitchGapSeconds ?? 3600,
    seed: o.seed ?? 0,
  };
  const int = (name: keyof BrowsingHistoryOptions, min: number, max = Number.MAX_SAFE_INTEGER): void => {
    const v = r[name];
    if (!Number.isSafeInteger(v) || v < min || v > max) throw new RecsysInputError(`${FN}: ${name} is ${String(v)}, expected an integer in ${min}..${max}`);
  };
  const real = (name: keyof BrowsingHistoryOptions, lo: number, hi: number, open: boolean): void => {
    const v = r[name];
    if (typeof v !== 'number' || !Number.isFinite(v) || (open ? v <= lo || v >= hi : v < lo || v > hi)) {
      throw new RecsysInputError(`${FN}: ${name} is ${String(v)}, expected a number in ${open ? '(' : '['}${lo}, ${hi}${open ? ')' : ']'}`);
    }
  };
  int('users', 1);
  int('length', 2, 500);
  int('modalities', 2);
  int('topicsPerModality', 1);
  int('itemsPerTopic', 1);
  int('pagesPerModality', 1);
  real('tailIndex', 0, 10, true);
  int('minDuration', 1);
  real('topicAffinity', 0, 1, false);
  real('strayItemRate', 0, 1, false);
  real('zipfExponent', 0, 10, false);
  real('pageFidelity', 0, 1, false);
  real('meanGapSeconds', 0, Number.MAX_VALUE, true);
  real('meanSwitchGapSeconds', 0, Number.MAX_VALUE, true);
  int('seed', Number.MIN_SAFE_INTEGER);
  return r;
}

/** Cumulative Zipf weights r^-s, r = 1..n, normalised to end at 1. */
function zipfCdf(n: number, s: number): Float64Array {
  const c = new Float64Array(n);
  let acc = 0;
  for (let r = 0; r < n; r++) c[r] = acc += (r + 1) ** -s;
  for (let r = 0; r < n; r++) c[r] = (c[r] as number) / acc;
  return c;
}

/** Smallest index i with u < cdf[i] (binary search). */
function drawFromCdf(cdf: Float64Array, u: number): number {
  let lo = 0, hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (u < (cdf[mid] as number)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** A regime duration in events: ceil(minDuration U^(-1/alpha)), U uniform on (0, 1] (discrete Pareto). */
function regimeDuration(rng: Rng, minDuration: number, alpha: number): number {
  const u = 1 - rng.uniform();
  return Math.ceil(minDuration * u ** (-1 / alpha));
}

/**
 * Fills `out` with a modality renewal path: the first modality uniform, each next uniform among
 * the other M - 1, regime durations iid discrete Pareto ({@link regimeDuration}).
 */
export function modalitySequence(rng: Rng, modalities: number, minDuration: number, tailIndex: number, out: Int32Array): Int32Array {
  let m = Math.min(modalities - 1, Math.floor(rng.uniform() * modalities));
  let left = regimeDuration(rng, minDuration, tailIndex);
  for (let e = 0; e < out.length; e++) {
    if (left === 0) {
      const other = Math.min(modalities - 2, Math.floor(rng.uniform() * (modalities - 1)));
      m = other >= m ? other + 1 : other;
      left = regimeDuration(rng, minDuration, tailIndex);
    }
    left--;
    out[e] = m;
  }
  return out;
}

/**
 * Browsing histories whose latent modality sequence is long range dependent, with a fact worth
 * remembering from far back.
 *
 * Method (user u: modalities from `createRng(seed).fork(u).fork(0)`, the rest from `.fork(1)`):
 * - Catalogue: item i belongs to modality floor(i / (K n)) and topic floor(i / n) (K topics of n
 *   items per modality); within a topic, and within a modality, items have Zipf popularity
 *   P(rank r) proportional to r^-s, the ranks a fixed seeded permutation per topic.
 * - The user draws a preferred topic in every modality (uniform; the long range fact).
 * - Modalities follow a renewal process: the first uniform, each next uniform among the others;
 *   regime durations iid discrete Pareto, P(D > x) = (x / x_min)^-alpha. For 1 < alpha < 2 the
 *   durations have a finite mean and infinite variance, and the indicator of any modality is
 *   long range dependent with Hurst index H = (3 - alpha) / 2 (Taqqu, Willinger & Sherman 1997;
 *   Heath, Resnick & Samorodnitsky 1998).
 * - Each event: with probability r (strayItemRate, default 0) a stray item of another modality
 *   (uniform among the others, Zipf over its items); otherwise with probability p
 *   (topicAffinity) an item of the user's preferred topic of the current modality (Zipf within
 *   the topic), else an item of the modality (Zipf over the modality); the page is one of the modality's pages with probability pageFidelity, else any
 *   page; timestamps advance by Exp(meanGap) within a regime and Exp(meanSwitchGap) at a switch,
 *   from a user start time uniform in [0, length x meanGap).
 * So when a user comes back to a modality after a long excursion, the best next-item prediction
 * needs the topic seen in that modality, possibly hundreds of events earlier.
 *
 * References: M. S. Taqqu, W. Willinger, R. Sherman, Proof of a fundamental result in
 * self-similar traffic modeling, ACM SIGCOMM CCR 27(2) 1997, doi:10.1145/263876.263879;
 * D. Heath, S. Resnick, G. Samorodnitsky, Heavy tails and long range dependence in ON/OFF
 * processes and associated fluid models, Math. Oper. Res. 23(1) 1998, doi:10.1287/moor.23.1.145;
 * F. Belletti et al., Factorized recurrent neural architectures for longer range dependence,
 * AISTATS 2018, section 3.3.
 *
 * @throws RecsysInputError for an option outside its range
 * @example
 * const h = generateBrowsingHistories({ users: 10, length: 100, seed: 1 });
 * h.itemIds.length; // 1000
 * h.vocabulary; // 4 x 8 x 40 = 1280
 * h.theoreticalHurst; // 0.8
 */
export function generateBrowsingHistories(options: BrowsingHistoryOptions = {}): BrowsingHistories {
  const o = resolve(options);
  const M = o.modalities, K = o.topicsPerModality, n = o.itemsPerTopic, L = o.length;
  const perModality = K * n;
  const vocabulary = M * perModality;
  const pages = M * o.pagesPerModality;
  const catalogue = createRng(o.seed).fork(0x7fffffff);
  // Popularity ranks: a seeded permutation of each topic's items and of each modality's items.
  const permutation = (size: number): Int32Array => {
    const p = Int32Array.from({ length: size }, (_, i) => i);
    for (let i = size - 1; i > 0; i--) {
      const j = Math.floor(catalogue.uniform() * (i + 1));
      [p[i], p[j]] = [p[j] as number, p[i] as number];
    }
    return p;
  };
  const topicRanks = Array.from({ length: M * K }, () => permutation(n));
  const modalityRanks = Array.from({ length: M }, () => permutation(perModality));
  const topicCdf = zipfCdf(n, o.zipfExponent);
  const modalityCdf = zipfCdf(perModality, o.zipfExponent);

  const items = new Int32Array(o.users * L);
  const pageIds = new Int32Array(o.users * L);
  const timestamps = new Float64Array(o.users * L);
  const modality = new Int32Array(o.users * L);
  const preferredTopic = new Int32Array(o.users * M);
  const itemCounts = new Int32Array(vocabulary);
  const regimes = new Int32Array(L);
  for (let u = 0; u < o.users; u++) {
    const rng = createRng(o.seed).fork(u);
    modalitySequence(rng.fork(0), M, o.minDuration, o.tailIndex, regimes);
    const draw = rng.fork(1);
    for (let m = 0; m < M; m++) preferredTopic[u * M + m] = Math.min(K - 1, Math.floor(draw.uniform() * K));
    let time = draw.uniform() * L * o.meanGapSeconds;
    for (let e = 0; e < L; e++) {
      const m = regimes[e] as number;
      if (e > 0) time += -Math.log(1 - draw.uniform()) * (m !== regimes[e - 1] ? o.meanSwitchGapSeconds : o.meanGapSeconds);
      let item: number;
      // A stray item draws one uniform more; with the default rate 0 nothing is drawn, so the
      // histories of earlier versions are unchanged.
      if (o.strayItemRate > 0 && draw.uniform() < o.strayItemRate) {
        const other = Math.min(M - 2, Math.floor(draw.uniform() * (M - 1)));
        const s = other >= m ? other + 1 : other;
        item = s * perModality + ((modalityRanks[s] as Int32Array)[drawFromCdf(modalityCdf, draw.uniform())] as number);
      } else if (draw.uniform() < o.topicAffinity) {
        const topic = preferredTopic[u * M + m] as number;
        item = m * perModality + topic * n + ((topicRanks[m * K + topic] as Int32Array)[drawFromCdf(topicCdf, draw.uniform())] as number);
      } else {
        item = m * perModality + ((modalityRanks[m] as Int32Array)[drawFromCdf(modalityCdf, draw.uniform())] as number);
      }
      const page =
        draw.uniform() < o.pageFidelity
          ? m * o.pagesPerModality + Math.min(o.pagesPerModality - 1, Math.floor(draw.uniform() * o.pagesPerModality))
          : Math.min(pages - 1, Math.floor(draw.uniform() * pages));
      const k = u * L + e;
      items[k] = item;
      pageIds[k] = page;
      timestamps[k] = time;
      modality[k] = m;
      itemCounts[item] = (itemCounts[item] as number) + 1;
    }
  }
  const alpha = o.tailIndex;
  return {
    users: o.users,
    length: L,
    vocabulary,
    pageVocabulary: pages,
    modalities: M,
    itemIds: items,
    pageIds,
    timestamps,
    modality,
    preferredTopic,
    itemCounts,
    options: o,
    theoreticalHurst: alpha > 1 && alpha < 2 ? (3 - alpha) / 2 : 0.5,
  };
}
