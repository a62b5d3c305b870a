/**
 * Eigendecomposition of a real symmetric matrix: Householder tridiagonalisation (tred2) and
 * the implicit QL method with eigenvector accumulation (tql2), on flat float64 storage.
 *
 * This is, operation for operation, the algorithm of ml-matrix's
 * `new EigenvalueDecomposition(A, { assumeSymmetric: true })` (JAMA's port of the EISPACK
 * routines), including its transposed storage of V, its `hypotenuse` and its final sort, so the
 * eigenvalues and eigenvectors are the same bits; it is several times faster because it works
 * on one Float64Array instead of an array of rows behind method calls, and its O(n^3) loops
 * (the QL sweeps' plane rotations of the eigenvector rows, the rank-one and rank-two updates
 * and the dot products of tred2) run through the WebAssembly SIMD kernels when they are
 * available: vectorised across independent entries only, each entry computed by the same
 * operations in the same order, so again the same bits. (tred2's loops are regrouped where
 * that changes no operation: its symmetric matrix-vector product first adds every row's
 * contributions to e, in row order, then forms each row's dot product; its back-accumulation
 * forms all the dot products of a step before the rank-one update, as none reads an updated
 * row.)
 *
 * Method (Wilkinson & Reinsch; Golub & Van Loan, sections 8.3 and 8.4): A = Q T Q^T with T
 * tridiagonal by n - 2 Householder reflections accumulated into Q (tred2); then QL iterations
 * with Wilkinson-like implicit shifts on T, each a sweep of Givens rotations applied to the
 * accumulated vectors, until every off-diagonal entry is below eps * max_l (|d_l| + |e_l|)
 * (tql2). Cost about (4/3 + 3 x) n^3 multiply-adds, x the average number of QL sweeps per
 * eigenvalue (about 1.5 to 2).
 *
 * References: J. H. Wilkinson, C. Reinsch, Handbook for Automatic Computation, Vol. II: Linear
 * Algebra, Springer 1971, contributions II/2 (tred2) and II/3 (tql2),
 * doi:10.1007/978-3-642-86940-2; G. H. Golub, C. F. Van Loan, Matrix Computations, 4th ed.,
 * Johns Hopkins 2013; JAMA (NIST), EigenvalueDecomposition.java; ml-matrix 6.15 (MIT).
 *
 * @internal
 */
import { type SimdKernels, gemm, simdArena } from './simd.js';

/** Eigenvalues (ascending) and unit eigenvectors of a symmetric matrix. */
export interface SymmetricEigen {
  readonly n: number;
  /** Eigenvalues in increasing order (as ml-matrix's realEigenvalues). */
  readonly values: Float64Array;
  /** Eigenvector of values[c] at vectors[c n .. c n + n) (row c; column c of ml-matrix's eigenvectorMatrix). */
  readonly vectors: Float64Array;
}

/** sqrt(a^2 + b^2) without destructive underflow or overflow (ml-matrix's hypotenuse). */
function hypotenuse(a: number, b: number): number {
  let r = 0;
  if (Math.abs(a) > Math.abs(b)) {
    r = b / a;
    return Math.abs(a) * Math.sqrt(1 + r * r);
  }
  if (b !== 0) {
    r = a / b;
    return Math.abs(b) * Math.sqrt(1 + r * r);
  }
  return 0;
}

/**
 * The eigendecomposition of the symmetric n x n matrix `a` (row-major; only its values are
 * read, the upper and lower triangles are assumed equal).
 *
 * @example
 * symmetricEigen(Float64Array.of(2, 1, 1, 2), 2).values; // returns Float64Array [1, 3]
 */
export function symmetricEigen(a: Float64Array, n: number): SymmetricEigen {
  const arena = n >= 16 ? simdArena() : null;
  const size = n * n + 4 * n + 2;
  const mark = arena ? arena.mark() : 0;
  try {
    const base = arena ? arena.alloc(size) : 0;
    const m = arena ? arena.f64 : new Float64Array(size);
    const w: Work = { m, n, V: base, D: base + n * n, E: base + n * n + n, G: base + n * n + 2 * n, NG: base + n * n + 3 * n, ONE: base + n * n + 4 * n, simd: arena ? arena.kernels : null };
    // m[V + r n + c] is ml-matrix's V.get(r, c) in its transposed storage: V.set(j, i, A(i, j)).
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) m[w.V + j * n + i] = a[i * n + j] as number;
    m.fill(0, w.D, w.ONE);
    tred2(w);
    tql2(w);
    return { n, values: m.slice(w.D, w.D + n), vectors: m.slice(w.V, w.V + n * n) };
  } finally {
    if (arena) arena.release(mark);
  }
}

/** The working storage: V (n x n), d, e, g, -g (n each) and a scalar slot at offsets of m (the SIMD kernels' memory or a plain array). */
interface Work {
  readonly m: Float64Array;
  readonly n: number;
  readonly V: number;
  readonly D: number;
  readonly E: number;
  readonly G: number;
  readonly NG: number;
  readonly ONE: number;
  readonly simd: SimdKernels | null;
}

function tred2(w: Work): void {
  const { m, n, V, D, E, G, NG, ONE, simd } = w;
  let f: number, g: number, h: number, hh: number, scale: number;
  for (let j = 0; j < n; j++) m[D + j] = m[V + j * n + n - 1] as number;
  for (let i = n - 1; i > 0; i--) {
    scale = 0;
    h = 0;
    for (let k = 0; k < i; k++) scale = scale + Math.abs(m[D + k] as number);
    if (scale === 0) {
      m[E + i] = m[D + i - 1] as number;
      for (let j = 0; j < i; j++) {
        m[D + j] = m[V + j * n + i - 1] as number;
        m[V + j * n + i] = 0;
        m[V + i * n + j] = 0;
      }
    } else {
      for (let k = 0; k < i; k++) {
        m[D + k] = (m[D + k] as number) / scale;
        h += (m[D + k] as number) * (m[D + k] as number);
      }
      f = m[D + i - 1] as number;
      g = Math.sqrt(h);
      if (f > 0) g = -g;
      m[E + i] = scale * g;
      h = h - f * g;
      m[D + i - 1] = f - g;
      for (let j = 0; j < i; j++) m[E + j] = 0;
      // e[k] += V(j, k) d[j] for k = j+1 .. i-1, rows j in order (the e updates of the loop below).
      for (let j = 0; j < i; j++) {
        const rj = V + j * n;
        f = m[D + j] as number;
        m[V + i * n + j] = f;
        const len = i - 1 - j;
        if (simd && len >= 8) {
          m[ONE] = f;
          gemm(simd, ONE, 1, 1, rj + j + 1, 1, E + j + 1, len, 1, len, 1, true);
        } else {
          for (let k = j + 1; k <= i - 1; k++) m[E + k] = (m[E + k] as number) + (m[rj + k] as number) * f;
        }
      }
      // g = e[j] + V(j, j) d[j] + sum_{k > j} V(j, k) d[k]; e[j] = g (e[j] has all rows' terms from above).
      for (let j = 0; j < i; j++) {
        const rj = V + j * n;
        f = m[D + j] as number;
        g = (m[E + j] as number) + (m[rj + j] as number) * f;
        for (let k = j + 1; k <= i - 1; k++) g += (m[rj + k] as number) * (m[D + k] as number);
        m[E + j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        m[E + j] = (m[E + j] as number) / h;
        f += (m[E + j] as number) * (m[D + j] as number);
      }
      hh = f / (h + h);
      for (let j = 0; j < i; j++) m[E + j] = (m[E + j] as number) - hh * (m[D + j] as number);
      for (let j = 0; j < i; j++) {
        const rj = V + j * n;
        f = m[D + j] as number;
        g = m[E + j] as number;
        if (simd && i - j >= 8) simd.rank2((rj + j) * 8, (E + j) * 8, (D + j) * 8, i - j, f, g);
        else for (let k = j; k <= i - 1; k++) m[rj + k] = (m[rj + k] as number) - (f * (m[E + k] as number) + g * (m[D + k] as number));
        m[D + j] = m[rj + i - 1] as number;
        m[rj + i] = 0;
      }
    }
    m[D + i] = h;
  }
  for (let i = 0; i < n - 1; i++) {
    const ri = V + i * n, ri1 = V + (i + 1) * n;
    m[ri + n - 1] = m[ri + i] as number;
    m[ri + i] = 1;
    h = m[D + i + 1] as number;
    if (h !== 0) {
      for (let k = 0; k <= i; k++) m[D + k] = (m[ri1 + k] as number) / h;
      const len = i + 1;
      if (simd && len >= 8) {
        // g_j = sum_k V(i+1, k) V(j, k) for all j <= i (no row j is read after its update), then
        // V(j, k) = V(j, k) + (-g_j) d[k] (= V(j, k) - g_j d[k] exactly).
        gemm(simd, V, n, 1, ri1, 1, G, 1, len, 1, len, false);
        for (let j = 0; j < len; j++) m[NG + j] = -(m[G + j] as number);
        gemm(simd, NG, 1, 1, D, 1, V, n, len, len, 1, true);
      } else {
        for (let j = 0; j <= i; j++) {
          const rj = V + j * n;
          g = 0;
          for (let k = 0; k <= i; k++) g += (m[ri1 + k] as number) * (m[rj + k] as number);
          for (let k = 0; k <= i; k++) m[rj + k] = (m[rj + k] as number) - g * (m[D + k] as number);
        }
      }
    }
    for (let k = 0; k <= i; k++) m[ri1 + k] = 0;
  }
  for (let j = 0; j < n; j++) {
    m[D + j] = m[V + j * n + n - 1] as number;
    m[V + j * n + n - 1] = 0;
  }
  m[V + (n - 1) * n + n - 1] = 1;
  m[E] = 0;
}

function tql2(w: Work): void {
  const { m, n, V, D, E, simd } = w;
  let g: number, h: number, p: number, r: number, dl1: number, c: number, c2: number, c3: number, el1: number, s: number, s2: number;
  for (let i = 1; i < n; i++) m[E + i - 1] = m[E + i] as number;
  m[E + n - 1] = 0;
  let f = 0;
  let tst1 = 0;
  const eps = Number.EPSILON;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(m[D + l] as number) + Math.abs(m[E + l] as number));
    let mm = l;
    while (mm < n) {
      if (Math.abs(m[E + mm] as number) <= eps * tst1) break;
      mm++;
    }
    if (mm > l) {
      do {
        g = m[D + l] as number;
        p = ((m[D + l + 1] as number) - g) / (2 * (m[E + l] as number));
        r = hypotenuse(p, 1);
        if (p < 0) r = -r;
        m[D + l] = (m[E + l] as number) / (p + r);
        m[D + l + 1] = (m[E + l] as number) * (p + r);
        dl1 = m[D + l + 1] as number;
        h = g - (m[D + l] as number);
        for (let i = l + 2; i < n; i++) m[D + i] = (m[D + i] as number) - h;
        f = f + h;
        p = m[D + mm] as number;
        c = 1;
        c2 = c;
        c3 = c;
        el1 = m[E + l + 1] as number;
        s = 0;
        s2 = 0;
        for (let i = mm - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * (m[E + i] as number);
          h = c * p;
          r = hypotenuse(p, m[E + i] as number);
          m[E + i + 1] = s * r;
          s = (m[E + i] as number) / r;
          c = p / r;
          p = c * (m[D + i] as number) - s * g;
          m[D + i + 1] = h + s * (c * g + s * (m[D + i] as number));
          // Rows i and i+1 of V: h = V(i+1, k); V(i+1, k) = s V(i, k) + c h; V(i, k) = c V(i, k) - s h.
          const a = V + i * n, b = V + (i + 1) * n;
          if (simd) simd.rot(a * 8, b * 8, n, c, s);
          else {
            for (let k = 0; k < n; k++) {
              const hk = m[b + k] as number;
              const x = m[a + k] as number;
              m[b + k] = s * x + c * hk;
              m[a + k] = c * x - s * hk;
            }
          }
        }
        p = (-s * s2 * c3 * el1 * (m[E + l] as number)) / dl1;
        m[E + l] = s * p;
        m[D + l] = c * p;
      } while (Math.abs(m[E + l] as number) > eps * tst1);
    }
    m[D + l] = (m[D + l] as number) + f;
    m[E + l] = 0;
  }
  for (let i = 0; i < n - 1; i++) {
    let k = i;
    p = m[D + i] as number;
    for (let j = i + 1; j < n; j++) {
      if ((m[D + j] as number) < p) {
        k = j;
        p = m[D + j] as number;
      }
    }
    if (k !== i) {
      m[D + k] = m[D + i] as number;
      m[D + i] = p;
      for (let j = 0; j < n; j++) {
        p = m[V + i * n + j] as number;
        m[V + i * n + j] = m[V + k * n + j] as number;
        m[V + k * n + j] = p;
      }
    }
  }
}
