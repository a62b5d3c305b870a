/**
 * A k-d tree under the max-norm (Chebyshev distance) for the KSG estimator: exact k-th
 * nearest neighbour distances and exact strict range counts. Internal (not re-exported).
 *
 * Build: O(n log n) (median split on the widest coordinate by quickselect, leaves of at most
 * `leafSize` points, every node keeps its bounding box). Queries: O(log n + k) expected in
 * low dimension, degrading towards O(n) per query (O(n^2 d) overall) as the dimension grows
 * beyond ~10 (the curse of dimensionality of space-partitioning trees).
 *
 * References: J. L. Bentley, "Multidimensional binary search trees used for associative
 * searching", Commun. ACM 18(9):509-517, 1975, DOI 10.1145/361002.361007; J. H. Friedman,
 * J. L. Bentley & R. A. Finkel, "An algorithm for finding best matches in logarithmic
 * expected time", ACM Trans. Math. Softw. 3(3):209-226, 1977, DOI 10.1145/355744.355745.
 *
 * @module
 */

/**
 * Max-norm k-d tree over n points of dimension d (row-major copy, reordered).
 *
 * Method: see the module comment. References: Bentley (1975), DOI 10.1145/361002.361007.
 *
 * @example
 * const t = new MaxNormKdTree(Float64Array.from([0, 1, 3, 7]), 4, 1);
 * t.kthNeighbourDistance(0, 2); // 3 (neighbours of 0: 1 at distance 1, 3 at distance 3)
 * t.countStrictlyWithin(0, 3); // 1 (only the point 1 is strictly closer than 3)
 */
export class MaxNormKdTree {
  readonly n: number;
  readonly d: number;
  /** Points in tree order, n x d. */
  private readonly pts: Float64Array;
  /** Tree position -> original index. */
  private readonly perm: Int32Array;
  /** Original index -> tree position. */
  private readonly pos: Int32Array;
  private readonly start: number[] = [];
  private readonly end: number[] = [];
  private readonly left: number[] = [];
  private readonly right: number[] = [];
  private readonly lo: number[] = [];
  private readonly hi: number[] = [];
  private readonly leafSize: number;
  // k-NN scratch
  private best = new Float64Array(0);
  private bestCount = 0;

  constructor(points: Float64Array, n: number, d: number, leafSize = 12) {
    this.n = n;
    this.d = d;
    this.leafSize = leafSize;
    const idx = new Int32Array(n);
    for (let i = 0; i < n; i++) idx[i] = i;
    this.build(points, idx, 0, n);
    this.perm = idx;
    this.pts = new Float64Array(n * d);
    this.pos = new Int32Array(n);
    for (let p = 0; p < n; p++) {
      const o = idx[p] as number;
      this.pos[o] = p;
      for (let j = 0; j < d; j++) this.pts[p * d + j] = points[o * d + j] as number;
    }
  }

  private build(points: Float64Array, idx: Int32Array, s: number, e: number): number {
    const d = this.d;
    const node = this.start.length;
    this.start.push(s);
    this.end.push(e);
    this.left.push(-1);
    this.right.push(-1);
    let widest = -1, spread = 0;
    for (let j = 0; j < d; j++) {
      let mn = Infinity, mx = -Infinity;
      for (let p = s; p < e; p++) {
        const v = points[(idx[p] as number) * d + j] as number;
        if (v < mn) mn = v;
        if (v > mx) mx = v;
      }
      this.lo.push(mn);
      this.hi.push(mx);
      if (mx - mn > spread) {
        spread = mx - mn;
        widest = j;
      }
    }
    if (e - s <= this.leafSize || widest < 0) return node; // leaf (or all points identical)
    const mid = (s + e) >> 1;
    quickselect(points, d, widest, idx, s, e - 1, mid);
    this.left[node] = this.build(points, idx, s, mid);
    this.right[node] = this.build(points, idx, mid, e);
    return node;
  }

  /** Max-norm distance from point q (tree position) to node's box (0 inside). */
  private boxDistance(node: number, q: number): number {
    const d = this.d;
    let m = 0;
    for (let j = 0; j < d; j++) {
      const v = this.pts[q * d + j] as number;
      const a = (this.lo[node * d + j] as number) - v;
      const b = v - (this.hi[node * d + j] as number);
      const g = a > b ? a : b;
      if (g > m) m = g;
    }
    return m;
  }

  /** Largest max-norm distance from point q to any point of node's box. */
  private boxFarDistance(node: number, q: number): number {
    const d = this.d;
    let m = 0;
    for (let j = 0; j < d; j++) {
      const v = this.pts[q * d + j] as number;
      const a = Math.abs(v - (this.lo[node * d + j] as number));
      const b = Math.abs((this.hi[node * d + j] as number) - v);
      const g = a > b ? a : b;
      if (g > m) m = g;
    }
    return m;
  }

  private dist(p: number, q: number): number {
    const d = this.d;
    let m = 0;
    for (let j = 0; j < d; j++) {
      const g = Math.abs((this.pts[p * d + j] as number) - (this.pts[q * d + j] as number));
      if (g > m) m = g;
    }
    return m;
  }

  /**
   * Max-norm distance from point `i` (original index) to its k-th nearest other point
   * (the point itself excluded by index; duplicates count, at distance 0).
   */
  kthNeighbourDistance(i: number, k: number): number {
    if (this.best.length !== k) this.best = new Float64Array(k);
    this.bestCount = 0;
    this.knn(0, this.pos[i] as number, k);
    return this.best[k - 1] as number;
  }

  private knn(node: number, q: number, k: number): void {
    const best = this.best;
    const l = this.left[node] as number;
    if (l < 0) {
      const s = this.start[node] as number, e = this.end[node] as number;
      for (let p = s; p < e; p++) {
        if (p === q) continue;
        const dd = this.dist(p, q);
        if (this.bestCount < k) {
          let j = this.bestCount++;
          while (j > 0 && (best[j - 1] as number) > dd) {
            best[j] = best[j - 1] as number;
            j--;
          }
          best[j] = dd;
        } else if (dd < (best[k - 1] as number)) {
          let j = k - 1;
          while (j > 0 && (best[j - 1] as number) > dd) {
            best[j] = best[j - 1] as number;
            j--;
          }
          best[j] = dd;
        }
      }
      return;
    }
    const r = this.right[node] as number;
    const dl = this.boxDistance(l, q), dr = this.boxDistance(r, q);
    const [first, second, d1, d2] = dl <= dr ? [l, r, dl, dr] : [r, l, dr, dl];
    if (this.bestCount < k || d1 < (best[k - 1] as number)) this.knn(first, q, k);
    if (this.bestCount < k || d2 < (best[k - 1] as number)) this.knn(second, q, k);
  }

  /** Number of other points j != i with ||p_j - p_i||_max < r (strict). */
  countStrictlyWithin(i: number, r: number): number {
    if (!(r > 0)) return 0;
    return this.count(0, this.pos[i] as number, r) - 1; // the point itself is at distance 0 < r
  }

  private count(node: number, q: number, r: number): number {
    if (this.boxDistance(node, q) >= r) return 0;
    if (this.boxFarDistance(node, q) < r) return (this.end[node] as number) - (this.start[node] as number);
    const l = this.left[node] as number;
    if (l < 0) {
      let c = 0;
      const s = this.start[node] as number, e = this.end[node] as number;
      for (let p = s; p < e; p++) if (this.dist(p, q) < r) c++;
      return c;
    }
    return this.count(l, q, r) + this.count(this.right[node] as number, q, r);
  }

  /** Original index of tree position p (for tests). */
  originalIndex(p: number): number {
    return this.perm[p] as number;
  }
}

/** Rearranges idx[lo..hi] so that idx[kth] holds the point with the kth smallest coordinate `dim`. */
function quickselect(points: Float64Array, d: number, dim: number, idx: Int32Array, lo: number, hi: number, kth: number): void {
  const key = (p: number): number => points[(idx[p] as number) * d + dim] as number;
  while (hi > lo) {
    // median of three pivot
    const mid = (lo + hi) >> 1;
    const a = key(lo), b = key(mid), c = key(hi);
    const pivot = a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
    let i = lo, j = hi;
    while (i <= j) {
      while (key(i) < pivot) i++;
      while (key(j) > pivot) j--;
      if (i <= j) {
        const t = idx[i] as number;
        idx[i] = idx[j] as number;
        idx[j] = t;
        i++;
        j--;
      }
    }
    if (kth <= j) hi = j;
    else if (kth >= i) lo = i;
    else return;
  }
}
