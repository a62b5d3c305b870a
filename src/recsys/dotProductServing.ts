/**
 * Serving a candidate generator: the top K items by dot product between the user vector (the
 * last hidden layer) and the output item embeddings, exactly and with an approximate index.
 *
 * The softmax over items, p(i | u) proportional to exp(u . e_i + b_i), is monotone in the logit,
 * so its top K are the K largest dot products of [u, 1] with [e_i, b_i]: serving is maximum
 * inner product search (MIPS), not a softmax (Covington, Adams, Sargin, Deep neural networks
 * for YouTube recommendations, RecSys 2016, doi:10.1145/2959100.2959190, section 3.2).
 *
 * @module
 */
import { createRng } from '../processes/prng.js';
import { RecsysInputError } from './errors.js';

/** Item vectors for serving: `count` rows of `dim` floats, row-major, with optional biases. */
export interface ItemVectors {
  readonly count: number;
  readonly dim: number;
  readonly vectors: Float32Array | Float64Array;
  readonly bias?: Float32Array | Float64Array;
}

function checkItems(items: ItemVectors, fn: string): void {
  if (!Number.isSafeInteger(items.count) || items.count < 1 || !Number.isSafeInteger(items.dim) || items.dim < 1) {
    throw new RecsysInputError(`${fn}: items has count ${String(items.count)} and dim ${String(items.dim)}, expected positive integers`);
  }
  if (items.vectors.length !== items.count * items.dim) throw new RecsysInputError(`${fn}: items.vectors has length ${items.vectors.length}, expected count x dim = ${items.count * items.dim}`);
  if (items.bias !== undefined && items.bias.length !== items.count) throw new RecsysInputError(`${fn}: items.bias has length ${items.bias.length}, expected count = ${items.count}`);
}

function checkQuery(user: ArrayLike<number>, items: ItemVectors, k: number, fn: string): void {
  if (user.length !== items.dim) throw new RecsysInputError(`${fn}: the user vector has length ${user.length}, expected ${items.dim} (the items' dim)`);
  if (!Number.isSafeInteger(k) || k < 1) throw new RecsysInputError(`${fn}: k is ${String(k)}, expected an integer >= 1`);
}

/** Logit of item i: u . e_i + b_i, summed in index order (the order the tests' argmax uses). */
export function itemLogit(user: ArrayLike<number>, items: ItemVectors, i: number): number {
  const d = items.dim, v = items.vectors;
  let s = 0;
  for (let j = 0; j < d; j++) s += (user[j] as number) * (v[i * d + j] as number);
  return items.bias === undefined ? s : s + (items.bias[i] as number);
}

/**
 * Keeps the k best (score, index) pairs seen: larger score first, ties to the smaller index
 * (so that k = 1 is argmax with its first-index convention). A binary min-heap on the worst kept.
 */
class TopK {
  private readonly scores: Float64Array;
  private readonly ids: Int32Array;
  size = 0;
  constructor(private readonly k: number) {
    this.scores = new Float64Array(k);
    this.ids = new Int32Array(k);
  }
  /** a worse than b: lower score, or equal score and larger index. */
  private worse(sa: number, ia: number, sb: number, ib: number): boolean {
    return sa < sb || (sa === sb && ia > ib);
  }
  push(score: number, id: number): void {
    const s = this.scores, d = this.ids;
    if (this.size < this.k) {
      let c = this.size++;
      while (c > 0) {
        const p = (c - 1) >> 1;
        if (!this.worse(score, id, s[p] as number, d[p] as number)) break;
        s[c] = s[p] as number;
        d[c] = d[p] as number;
        c = p;
      }
      s[c] = score;
      d[c] = id;
      return;
    }
    if (!this.worse(s[0] as number, d[0] as number, score, id)) return;
    let c = 0;
    for (;;) {
      const l = 2 * c + 1, r = l + 1;
      let m = c;
      let ms = score, mi = id;
      if (l < this.k && this.worse(s[l] as number, d[l] as number, ms, mi)) {
        m = l;
        ms = s[l] as number;
        mi = d[l] as number;
      }
      if (r < this.k && this.worse(s[r] as number, d[r] as number, ms, mi)) m = r;
      if (m === c) break;
      s[c] = s[m] as number;
      d[c] = d[m] as number;
      c = m;
    }
    s[c] = score;
    d[c] = id;
  }
  /** Indices, best first. */
  result(): Int32Array {
    const order = Array.from({ length: this.size }, (_, i) => i).sort((a, b) =>
      this.worse(this.scores[a] as number, this.ids[a] as number, this.scores[b] as number, this.ids[b] as number) ? 1 : -1,
    );
    return Int32Array.from(order, (i) => this.ids[i] as number);
  }
}

/**
 * The k items with the largest logits u . e_i + b_i, best first (ties: smaller index first).
 *
 * Method: one pass over the items with a size-k min-heap, O(n d + n log k).
 *
 * @throws RecsysInputError for mismatched sizes or k < 1
 * @example
 * exactTopK([1, 0], { count: 3, dim: 2, vectors: new Float32Array([0, 1, 2, 0, 1, 5]) }, 2); // Int32Array [1, 2]
 */
export function exactTopK(user: ArrayLike<number>, items: ItemVectors, k: number): Int32Array {
  const fn = 'exactTopK';
  checkItems(items, fn);
  checkQuery(user, items, k, fn);
  const top = new TopK(Math.min(k, items.count));
  for (let i = 0; i < items.count; i++) top.push(itemLogit(user, items, i), i);
  return top.result();
}

/** An inverted-file index for approximate maximum inner product search (see {@link buildInvertedFileIndex}). */
export interface InvertedFileIndex {
  readonly items: ItemVectors;
  /** Centroids in the augmented space, lists x (dim + 2). */
  readonly centroids: Float64Array;
  readonly lists: number;
  /** Item ids of list c: members[offsets[c]..offsets[c+1]). */
  readonly members: Int32Array;
  readonly offsets: Int32Array;
  /** max_i ||[e_i, b_i]||, the augmentation's radius. */
  readonly radius: number;
}

/** Options of {@link buildInvertedFileIndex}. */
export interface InvertedFileOptions {
  /** Number of lists (k-means clusters), default round(sqrt(count)). */
  lists?: number;
  /** Lloyd iterations, default 20. */
  iterations?: number;
  seed?: number;
}

/** [e_i, b_i, sqrt(R^2 - ||[e_i, b_i]||^2)] for item i, written into `out`. */
function augmented(items: ItemVectors, i: number, radius: number, out: Float64Array): void {
  const d = items.dim;
  let norm2 = 0;
  for (let j = 0; j < d; j++) {
    const x = items.vectors[i * d + j] as number;
    out[j] = x;
    norm2 += x * x;
  }
  const b = items.bias === undefined ? 0 : (items.bias[i] as number);
  out[d] = b;
  norm2 += b * b;
  out[d + 1] = Math.sqrt(Math.max(0, radius * radius - norm2));
}

function squaredDistance(a: Float64Array, ao: number, b: Float64Array, bo: number, n: number): number {
  let s = 0;
  for (let j = 0; j < n; j++) {
    const t = (a[ao + j] as number) - (b[bo + j] as number);
    s += t * t;
  }
  return s;
}

/**
 * An inverted-file (IVF) index for maximum inner product search.
 *
 * Method: MIPS is reduced to nearest-neighbour search by augmenting each item to
 * x_i = [e_i, b_i, sqrt(R^2 - ||[e_i, b_i]||^2)] with R = max_i ||[e_i, b_i]|| and the query to
 * q = [u, 1, 0]: ||q - x_i||^2 = ||u||^2 + 1 + R^2 - 2 (u . e_i + b_i), so the nearest x_i
 * have the largest logits (Bachrach et al. 2014). The augmented items are clustered by k-means
 * (k-means++ seeding from `seed`, Lloyd iterations); a query scans the lists of its `probes`
 * nearest centroids exactly.
 *
 * References: Y. Bachrach et al., Speeding up the Xbox recommender system using a Euclidean
 * transformation for inner-product spaces, RecSys 2014, doi:10.1145/2645710.2645741;
 * H. Jegou, M. Douze, C. Schmid, Product quantization for nearest neighbor search, IEEE TPAMI
 * 33(1) 2011, doi:10.1109/TPAMI.2010.57 (inverted file); D. Arthur, S. Vassilvitskii,
 * k-means++, SODA 2007.
 *
 * @throws RecsysInputError for bad sizes or options
 */
export function buildInvertedFileIndex(items: ItemVectors, options: InvertedFileOptions = {}): InvertedFileIndex {
  const fn = 'buildInvertedFileIndex';
  checkItems(items, fn);
  const n = items.count, D = items.dim + 2;
  const lists = options.lists ?? Math.max(1, Math.round(Math.sqrt(n)));
  const iterations = options.iterations ?? 20;
  if (!Number.isSafeInteger(lists) || lists < 1 || lists > n) throw new RecsysInputError(`${fn}: lists is ${String(lists)}, expected an integer in 1..${n} (the item count)`);
  if (!Number.isSafeInteger(iterations) || iterations < 0) throw new RecsysInputError(`${fn}: iterations is ${String(iterations)}, expected an integer >= 0`);
  let radius = 0;
  const row = new Float64Array(D);
  for (let i = 0; i < n; i++) {
    augmented(items, i, 0, row);
    let s = 0;
    for (let j = 0; j <= items.dim; j++) s += (row[j] as number) ** 2;
    radius = Math.max(radius, Math.sqrt(s));
  }
  const x = new Float64Array(n * D);
  for (let i = 0; i < n; i++) {
    augmented(items, i, radius, row);
    x.set(row, i * D);
  }
  // k-means++ seeding.
  const rng = createRng(options.seed ?? 0);
  const centroids = new Float64Array(lists * D);
  const nearest = new Float64Array(n).fill(Infinity);
  let pick = Math.min(n - 1, Math.floor(rng.uniform() * n));
  for (let c = 0; c < lists; c++) {
    centroids.set(x.subarray(pick * D, pick * D + D), c * D);
    let total = 0;
    for (let i = 0; i < n; i++) {
      nearest[i] = Math.min(nearest[i] as number, squaredDistance(x, i * D, centroids, c * D, D));
      total += nearest[i] as number;
    }
    let u = rng.uniform() * total;
    pick = n - 1;
    for (let i = 0; i < n; i++) {
      u -= nearest[i] as number;
      if (u < 0) {
        pick = i;
        break;
      }
    }
  }
  const assign = new Int32Array(n);
  const assignAll = (): void => {
    for (let i = 0; i < n; i++) {
      let best = 0, bestD = Infinity;
      for (let c = 0; c < lists; c++) {
        const dist = squaredDistance(x, i * D, centroids, c * D, D);
        if (dist < bestD) {
          bestD = dist;
          best = c;
        }
      }
      assign[i] = best;
    }
  };
  for (let it = 0; it < iterations; it++) {
    assignAll();
    const sums = new Float64Array(lists * D);
    const counts = new Int32Array(lists);
    for (let i = 0; i < n; i++) {
      const c = assign[i] as number;
      counts[c] = (counts[c] as number) + 1;
      for (let j = 0; j < D; j++) sums[c * D + j] = (sums[c * D + j] as number) + (x[i * D + j] as number);
    }
    for (let c = 0; c < lists; c++) {
      const m = counts[c] as number;
      if (m > 0) for (let j = 0; j < D; j++) centroids[c * D + j] = (sums[c * D + j] as number) / m;
    }
  }
  assignAll();
  const offsets = new Int32Array(lists + 1);
  for (let i = 0; i < n; i++) offsets[(assign[i] as number) + 1] = (offsets[(assign[i] as number) + 1] as number) + 1;
  for (let c = 0; c < lists; c++) offsets[c + 1] = (offsets[c + 1] as number) + (offsets[c] as number);
  const fill = offsets.slice(0, lists);
  const members = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = assign[i] as number;
    members[fill[c] as number] = i;
    fill[c] = (fill[c] as number) + 1;
  }
  return { items, centroids, lists, members, offsets, radius };
}

/**
 * Approximate top k by dot product: the exact top k among the items of the `probes` lists whose
 * centroids are nearest to the augmented query [u, 1, 0] (all lists: the exact answer).
 *
 * @throws RecsysInputError for mismatched sizes, k < 1 or probes outside 1..lists
 */
export function invertedFileTopK(index: InvertedFileIndex, user: ArrayLike<number>, k: number, probes: number): Int32Array {
  const fn = 'invertedFileTopK';
  checkQuery(user, index.items, k, fn);
  if (!Number.isSafeInteger(probes) || probes < 1 || probes > index.lists) throw new RecsysInputError(`${fn}: probes is ${String(probes)}, expected an integer in 1..${index.lists} (the lists)`);
  const d = index.items.dim, D = d + 2;
  const q = new Float64Array(D);
  for (let j = 0; j < d; j++) q[j] = user[j] as number;
  q[d] = 1;
  const lists = new TopK(probes);
  for (let c = 0; c < index.lists; c++) lists.push(-squaredDistance(q, 0, index.centroids, c * D, D), c);
  const top = new TopK(Math.min(k, index.items.count));
  for (const c of lists.result()) {
    for (let m = index.offsets[c] as number; m < (index.offsets[c + 1] as number); m++) {
      const i = index.members[m] as number;
      top.push(itemLogit(user, index.items, i), i);
    }
  }
  return top.result();
}
