/**
 * The dominant eigenvalue (largest modulus) of a large real matrix or linear operator by a
 * restarted Arnoldi iteration, with a residual-based convergence check.
 *
 * @module
 */
import { hashedUniformVector } from './internal/hashedVector.js';
import { isDense } from './blockDiagonal.js';
import { type DenseMatrix, type Matrix, assertSquare, fromRows, multiplyVector } from './dense.js';
import { ConvergenceError } from './errors.js';
import { eigenvalues } from './eigenvalues.js';
import { hessenbergEigenvaluesInPlace } from './internal/hessenbergQR.js';

/** A square linear operator given by its action y = A x. */
export interface LinearOperator {
  readonly size: number;
  apply(x: Float64Array, y: Float64Array): void;
}

/** Options of {@link dominantEigenvalue}. */
export interface ArnoldiOptions {
  /** Krylov subspace dimension per cycle (default min(n, 40)). */
  krylovDimension?: number;
  /** Maximum number of restarted cycles (default 60). */
  maxRestarts?: number;
  /** Relative residual ||A x - theta x|| / (|theta| ||x||) to reach (default 1e-10). */
  tolerance?: number;
  /** Seed of the deterministic starting vector (default 1). */
  seed?: number;
}

/** Result of {@link dominantEigenvalue}. */
export interface DominantEigenvalue {
  /** |theta|: the spectral radius estimate. */
  readonly modulus: number;
  readonly re: number;
  readonly im: number;
  /** Relative residual of the returned Ritz pair. */
  readonly residual: number;
  /** Restarted cycles used (1 = no restart). */
  readonly cycles: number;
}

/**
 * Dominant eigenvalue (largest |lambda|) of a square matrix or operator by explicitly
 * restarted Arnoldi (Saad 1980): build an orthonormal Krylov basis V_m of
 * span{v, Av, ..., A^{m-1} v} with modified Gram–Schmidt and one reorthogonalisation, take the
 * Ritz value theta of largest modulus of H_m = V_m^T A V_m, and restart from its Ritz vector
 * (real and imaginary parts summed for a complex pair) until the residual
 * ||A x - theta x|| = h_{m+1,m} |e_m^T y| is below tolerance * |theta| ||x||.
 *
 * Converges quickly when |lambda_1| is separated from the rest of the spectrum (e.g. the
 * Jacobian of a saturated gated cell); when it is not (eigenvalues spread around a circle, as
 * for random Gaussian matrices) it stops with a ConvergenceError rather than returning an
 * unverified number. A small residual certifies that theta is an eigenvalue of a matrix
 * within residual * |theta| of A, not that no larger eigenvalue exists: Krylov methods can
 * miss an eigenvalue whose eigenvector is orthogonal to the start vector, and for a highly
 * non-normal or defective A (a Jordan block of size m) eigenvalues of A + E differ from A's by
 * up to ||E||^(1/m), so the returned value is then only a pseudo-eigenvalue.
 *
 * References: Y. Saad, Variations on Arnoldi's method for computing eigenelements of large
 * unsymmetric matrices, Linear Algebra Appl. 34 (1980) 269-295,
 * doi:10.1016/0024-3795(80)90169-X; Y. Saad, Numerical Methods for Large Eigenvalue Problems,
 * 2nd ed., SIAM 2011, ch. 6.
 *
 * @throws ConvergenceError with the cycles run, the residual reached and the tolerance
 * @example
 * dominantEigenvalue([[2, 1], [0, 0.5]]).modulus; // 2
 */
export function dominantEigenvalue(m: Matrix | DenseMatrix | LinearOperator, options: ArnoldiOptions = {}): DominantEigenvalue {
  const op = toOperator(m);
  const n = op.size;
  if (n === 0) return { modulus: 0, re: 0, im: 0, residual: 0, cycles: 0 };
  const k = Math.max(1, Math.min(n, options.krylovDimension ?? 40));
  const maxRestarts = options.maxRestarts ?? 60;
  const tol = options.tolerance ?? 1e-10;
  let v: Float64Array = startVector(n, options.seed ?? 1);
  let last = { modulus: 0, re: 0, im: 0, residual: Infinity, cycles: 0 };
  for (let cycle = 1; cycle <= maxRestarts; cycle++) {
    const r = arnoldiCycle(op, v, k);
    last = { modulus: Math.hypot(r.re, r.im), re: r.re, im: r.im, residual: r.residual, cycles: cycle };
    if (r.residual <= tol || (last.modulus === 0 && r.residualAbs === 0)) return last;
    v = r.restart;
  }
  throw new ConvergenceError(
    `dominantEigenvalue: restarted Arnoldi (Krylov dimension ${k}, matrix order ${n}) did not converge in ` +
      `${maxRestarts} cycles: relative residual ${last.residual.toExponential(3)}, expected <= ${tol.toExponential(1)} ` +
      `(Ritz value ${last.re.toPrecision(6)}${last.im >= 0 ? '+' : '-'}${Math.abs(last.im).toPrecision(6)}i). ` +
      `Use spectralRadius (full eigendecomposition) or raise krylovDimension / maxRestarts.`,
    maxRestarts,
    last.residual,
    tol,
  );
}

/** Options of {@link dominantEigenvalueThickRestart}. */
export interface ThickRestartOptions {
  /** Largest basis size m per cycle (default min(n, 80)). */
  krylovDimension?: number;
  /** Ritz vectors kept at a restart (default floor(m / 2); a complex pair counts 2). */
  keep?: number;
  /** Maximum number of cycles (default 40). */
  maxRestarts?: number;
  /** Relative residual ||A x - theta x|| / (|theta| ||x||) to reach, checked explicitly (default 1e-10). */
  tolerance?: number;
  /** Seed of the deterministic starting vector (default 1, the start of {@link dominantEigenvalue}). */
  seed?: number;
}

/**
 * Dominant eigenvalue (largest |lambda|) of a square matrix or operator by a thick-restarted
 * Arnoldi iteration on a Krylov decomposition (Stewart's Krylov–Schur restart, with the
 * wanted invariant subspace spanned by Ritz vectors instead of Schur vectors): each cycle
 * extends A Q_k = Q_k S + q b^T to A Q_m = Q_m B_m + beta q_{m+1} e_m^T by Arnoldi steps
 * (modified Gram–Schmidt, one reorthogonalisation), takes the Ritz values of B_m, and keeps
 * the real and imaginary parts of the Ritz vectors of the `keep` largest in modulus
 * (orthonormalised: Y) as the next Q_k = Q_m Y, S = Y^T B_m Y, b = beta Y^T e_m. A restart thus
 * costs m - k products with A instead of m, and the kept vectors carry the neighbouring part
 * of the spectrum, so a dominant eigenvalue crowded by others (the Jacobian of a random GRU:
 * |lambda_2| / |lambda_1| ~ 0.99) converges in a few cycles where the single-vector restart of
 * {@link dominantEigenvalue} needs many. Convergence: the estimate beta |e_m^T y| <= tolerance
 * |theta|, then confirmed by the explicit residual ||A x - theta x|| of x = Q_m y (two more
 * products), which is the returned `residual`. The same caveats as {@link dominantEigenvalue}:
 * a small residual certifies an eigenvalue, not that none larger exists.
 *
 * References: G. W. Stewart, A Krylov–Schur algorithm for large eigenproblems, SIAM J. Matrix
 * Anal. Appl. 23(3) (2001) 601-614, doi:10.1137/S0895479800371529; Y. Saad, Numerical Methods
 * for Large Eigenvalue Problems, 2nd ed., SIAM 2011, doi:10.1137/1.9781611970739, ch. 6-7.
 *
 * @throws ConvergenceError with the cycles run, the residual reached and the tolerance
 * @example
 * dominantEigenvalueThickRestart([[2, 1], [0, 0.5]]).modulus; // 2
 */
export function dominantEigenvalueThickRestart(m: Matrix | DenseMatrix | LinearOperator, options: ThickRestartOptions = {}): DominantEigenvalue {
  const op = toOperator(m);
  const n = op.size;
  if (n === 0) return { modulus: 0, re: 0, im: 0, residual: 0, cycles: 0 };
  const mMax = Math.max(1, Math.min(n, options.krylovDimension ?? 80));
  const keep = Math.max(1, Math.min(mMax - 1, options.keep ?? Math.floor(mMax / 2)));
  const maxRestarts = options.maxRestarts ?? 40;
  const tol = options.tolerance ?? 1e-10;
  // B is the (mMax + 1) x mMax matrix of A Q_m = Q_{m+1} B (row-major, stride mMax).
  const B = new Float64Array((mMax + 1) * mMax);
  let basis: Float64Array[] = [startVector(n, options.seed ?? 1)];
  let k = 0;
  let last = { modulus: 0, re: 0, im: 0, residual: Infinity, cycles: 0 };
  for (let cycle = 1; cycle <= maxRestarts; cycle++) {
    // Extend the decomposition from k to (at most) mMax columns, checking the top Ritz pair
    // every CHECK_EVERY columns (an early exit when the dominant eigenvalue is well separated).
    let size = k;
    let beta = 0;
    while (size < mMax) {
      const { w, wNorm0 } = arnoldiColumn(op, basis, size, B, mMax);
      beta = Math.sqrt(dot(w, w));
      size++;
      if (beta <= 1e-14 * Math.max(wNorm0, 1e-300) || size === n) {
        beta = 0; // an invariant subspace (or the whole space): the Ritz values are eigenvalues
        break;
      }
      B[size * mMax + size - 1] = beta;
      for (let i = 0; i < n; i++) w[i] = (w[i] as number) / beta;
      basis[size] = w;
      if (size < mMax && (size - k) % CHECK_EVERY === 0) {
        const t = topRitzPair(B, mMax, size, beta);
        if (t.estimate <= tol * t.modulus) {
          const residual = explicitResidual(op, basis, size, t.y, t.re, t.im);
          if (residual <= tol) return { modulus: t.modulus, re: t.re, im: t.im, residual, cycles: cycle };
        }
      }
    }
    const { bm, ritz, order, re, im, modulus, y, estimate } = topRitzPair(B, mMax, size, beta);
    last = { modulus, re, im, residual: modulus > 0 ? estimate / modulus : estimate, cycles: cycle };
    if (last.residual <= tol || (modulus === 0 && estimate === 0)) {
      // Confirm with the explicit residual of x = Q_m y.
      const residual = explicitResidual(op, basis, size, y, re, im);
      last = { ...last, residual };
      if (residual <= tol || (modulus === 0 && residual === 0)) return last;
    }
    if (beta === 0) break;
    // Restart: Y = orthonormalised Re/Im parts of the kept Ritz vectors.
    const cols: Float64Array[] = [];
    for (const idx of order) {
      if (cols.length >= keep) break;
      const ti = ritz.im[idx] as number;
      if (ti < 0) continue; // the conjugate (im > 0) gives the same real subspace
      const v = idx === order[0] ? y : complexNullVector(bm, size, ritz.re[idx] as number, ti);
      cols.push(Float64Array.from(v.re));
      if (ti > 0) cols.push(Float64Array.from(v.im));
    }
    const Y = orthonormalColumns(cols);
    const p = Y.length;
    const next: Float64Array[] = [];
    for (const yc of Y) {
      const q = new Float64Array(n);
      for (let j = 0; j < size; j++) {
        const c = yc[j] as number;
        if (c === 0) continue;
        const vj = basis[j] as Float64Array;
        for (let i = 0; i < n; i++) q[i] = (q[i] as number) + c * (vj[i] as number);
      }
      next.push(q);
    }
    // S = Y^T B_m Y in the leading p x p block, b^T = beta e_m^T Y in row p; the rest zero.
    const BY = Y.map((yc) => {
      const out = new Float64Array(size);
      for (let i = 0; i < size; i++) {
        let s = 0;
        for (let j = 0; j < size; j++) s += (bm[i * size + j] as number) * (yc[j] as number);
        out[i] = s;
      }
      return out;
    });
    B.fill(0);
    for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) B[a * mMax + b] = dot(Y[a] as Float64Array, BY[b] as Float64Array);
    for (let b = 0; b < p; b++) B[p * mMax + b] = beta * ((Y[b] as Float64Array)[size - 1] as number);
    next.push(basis[size] as Float64Array);
    basis = next;
    k = p;
  }
  throw new ConvergenceError(
    `dominantEigenvalueThickRestart: thick-restarted Arnoldi (basis ${mMax}, keeping ${keep}, matrix order ${n}) did not converge in ` +
      `${maxRestarts} cycles: relative residual ${last.residual.toExponential(3)}, expected <= ${tol.toExponential(1)} ` +
      `(Ritz value ${last.re.toPrecision(6)}${last.im >= 0 ? '+' : '-'}${Math.abs(last.im).toPrecision(6)}i). ` +
      `Use spectralRadius (full eigendecomposition) or raise krylovDimension / maxRestarts.`,
    maxRestarts,
    last.residual,
    tol,
  );
}

/** Columns added between two checks of the top Ritz pair inside a cycle of {@link dominantEigenvalueThickRestart}. */
const CHECK_EVERY = 20;

/** The Ritz values of B_m (largest modulus first) and the top one's vector and residual estimate. */
interface TopRitz {
  readonly bm: Float64Array;
  readonly ritz: { readonly re: Float64Array; readonly im: Float64Array };
  readonly order: number[];
  readonly re: number;
  readonly im: number;
  readonly modulus: number;
  readonly y: { re: Float64Array; im: Float64Array };
  /** beta |e_m^T y|: the residual norm of the Ritz pair (y of unit norm). */
  readonly estimate: number;
}

/** Ritz values of the leading size x size block of B (stride mMax), sorted by modulus (complex pairs: im > 0 first), and the top pair. */
function topRitzPair(B: Float64Array, mMax: number, size: number, beta: number): TopRitz {
  const bm = new Float64Array(size * size);
  for (let i = 0; i < size; i++) for (let j = 0; j < size; j++) bm[i * size + j] = B[i * mMax + j] as number;
  const ritz = eigenvalues({ rows: size, cols: size, data: Float64Array.from(bm) });
  const order = Array.from({ length: size }, (_, i) => i).sort((a, b) => {
    const d = Math.hypot(ritz.re[b] as number, ritz.im[b] as number) - Math.hypot(ritz.re[a] as number, ritz.im[a] as number);
    return d !== 0 ? d : (ritz.im[b] as number) - (ritz.im[a] as number);
  });
  const first = order[0] as number;
  const re = ritz.re[first] as number, im = Math.abs(ritz.im[first] as number);
  const y = complexNullVector(bm, size, re, im);
  return { bm, ritz, order, re, im, modulus: Math.hypot(re, im), y, estimate: beta * Math.hypot(y.re[size - 1] as number, y.im[size - 1] as number) };
}

/** ||A x - theta x|| / (|theta| ||x||) for x = Q y, theta = re + i im (complex x = xr + i xi). */
function explicitResidual(op: LinearOperator, basis: readonly Float64Array[], size: number, y: { re: Float64Array; im: Float64Array }, re: number, im: number): number {
  const n = op.size;
  const xr = new Float64Array(n), xi = new Float64Array(n);
  for (let j = 0; j < size; j++) {
    const vj = basis[j] as Float64Array;
    const a = y.re[j] as number, b = y.im[j] as number;
    for (let i = 0; i < n; i++) {
      xr[i] = (xr[i] as number) + a * (vj[i] as number);
      xi[i] = (xi[i] as number) + b * (vj[i] as number);
    }
  }
  const ar = new Float64Array(n), ai = new Float64Array(n);
  op.apply(xr, ar);
  if (im !== 0) op.apply(xi, ai);
  let r = 0, x = 0;
  for (let i = 0; i < n; i++) {
    // (A - theta)(xr + i xi) = (A xr - re xr + im xi) + i (A xi - re xi - im xr)
    const dr = (ar[i] as number) - re * (xr[i] as number) + im * (xi[i] as number);
    const di = im !== 0 ? (ai[i] as number) - re * (xi[i] as number) - im * (xr[i] as number) : 0;
    r += dr * dr + di * di;
    x += (xr[i] as number) ** 2 + (im !== 0 ? (xi[i] as number) ** 2 : 0);
  }
  const modulus = Math.hypot(re, im);
  const rn = Math.sqrt(r), xn = Math.sqrt(x);
  return modulus > 0 ? rn / (modulus * xn) : rn / xn;
}

/** Orthonormal columns spanning the given ones (modified Gram–Schmidt twice; dependent columns dropped). */
function orthonormalColumns(cols: readonly Float64Array[]): Float64Array[] {
  const out: Float64Array[] = [];
  for (const c0 of cols) {
    const c = Float64Array.from(c0);
    const n0 = Math.sqrt(dot(c, c));
    for (let pass = 0; pass < 2; pass++) {
      for (const q of out) {
        const h = dot(q, c);
        for (let i = 0; i < c.length; i++) c[i] = (c[i] as number) - h * (q[i] as number);
      }
    }
    const nn = Math.sqrt(dot(c, c));
    if (!(nn > 1e-8 * n0)) continue;
    for (let i = 0; i < c.length; i++) c[i] = (c[i] as number) / nn;
    out.push(c);
  }
  return out;
}

function toOperator(m: Matrix | DenseMatrix | LinearOperator): LinearOperator {
  if (!Array.isArray(m) && 'apply' in m) return m;
  const a = isDense(m as Matrix | DenseMatrix) ? (m as DenseMatrix) : fromRows(m as Matrix, 'dominantEigenvalue: matrix');
  const n = assertSquare(a, 'dominantEigenvalue: matrix');
  return { size: n, apply: (x, y) => void multiplyVector(a, x, y) };
}

/** A deterministic unit vector with no special structure (splitmix32 hash of the index). */
function startVector(n: number, seed: number): Float64Array {
  return normalize(hashedUniformVector(n, (seed | 0) ^ 0x9e3779b9));
}

function normalize(v: Float64Array): Float64Array {
  let s = 0;
  for (const x of v) s += x * x;
  const inv = 1 / Math.sqrt(s);
  for (let i = 0; i < v.length; i++) v[i] = (v[i] as number) * inv;
  return v;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}

interface CycleResult {
  re: number;
  im: number;
  residual: number;
  residualAbs: number;
  restart: Float64Array;
}

/**
 * One Arnoldi step: w = A v_k orthogonalised against v_0..v_k by modified Gram–Schmidt,
 * repeated once (DGKS "twice is enough"), the coefficients added to column k of H (row-major,
 * row stride `stride`); returns w (not normalised) and ||A v_k||.
 */
function arnoldiColumn(op: LinearOperator, basis: readonly Float64Array[], k: number, H: Float64Array, stride: number): { w: Float64Array; wNorm0: number } {
  const n = op.size;
  const w = new Float64Array(n);
  op.apply(basis[k] as Float64Array, w);
  const wNorm0 = Math.sqrt(dot(w, w));
  for (let pass = 0; pass < 2; pass++) {
    for (let j = 0; j <= k; j++) {
      const vj = basis[j] as Float64Array;
      const h = dot(vj, w);
      H[j * stride + k] = (H[j * stride + k] as number) + h;
      for (let i = 0; i < n; i++) w[i] = (w[i] as number) - h * (vj[i] as number);
    }
  }
  return { w, wNorm0 };
}

function arnoldiCycle(op: LinearOperator, v0: Float64Array, kMax: number): CycleResult {
  const n = op.size;
  const basis: Float64Array[] = [Float64Array.from(v0)];
  // H is (k+1) x k, stored densely row-major with stride kMax.
  const H = new Float64Array((kMax + 1) * kMax);
  let k = 0;
  let beta = 0;
  while (k < kMax) {
    const { w, wNorm0 } = arnoldiColumn(op, basis, k, H, kMax);
    beta = Math.sqrt(dot(w, w));
    k++;
    if (beta <= 1e-14 * Math.max(wNorm0, 1e-300) || k === n) {
      // Invariant subspace (or the whole space): Ritz values are exact eigenvalues of A.
      beta = beta <= 1e-14 * Math.max(wNorm0, 1e-300) ? 0 : beta;
      if (k === n) beta = 0;
      break;
    }
    if (k < kMax) {
      H[k * kMax + k - 1] = beta;
      for (let i = 0; i < n; i++) w[i] = (w[i] as number) / beta;
      basis.push(w);
    }
  }
  // Ritz values of the leading k x k block.
  const hk = new Float64Array(k * k);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) hk[i * k + j] = H[i * kMax + j] as number;
  const ritz = hessenbergEigenvaluesInPlace(Float64Array.from(hk), k);
  let best = 0;
  for (let i = 1; i < k; i++) {
    const mi = Math.hypot(ritz.re[i] as number, ritz.im[i] as number);
    const mb = Math.hypot(ritz.re[best] as number, ritz.im[best] as number);
    if (mi > mb || (mi === mb && (ritz.im[i] as number) > (ritz.im[best] as number))) best = i;
  }
  const re = ritz.re[best] as number;
  const im = Math.abs(ritz.im[best] as number);
  // Ritz vector y of H_k for theta = re + i im, by inverse iteration on (H_k - theta I).
  const y = complexNullVector(hk, k, re, im);
  const last = Math.hypot(y.re[k - 1] as number, y.im[k - 1] as number);
  const residualAbs = beta * last;
  const modulus = Math.hypot(re, im);
  const residual = modulus > 0 ? residualAbs / modulus : residualAbs;
  // Restart vector: V (Re y + Im y).
  const restart = new Float64Array(n);
  for (let j = 0; j < k; j++) {
    const c = (y.re[j] as number) + (y.im[j] as number);
    const vj = basis[j] as Float64Array;
    for (let i = 0; i < n; i++) restart[i] = (restart[i] as number) + c * (vj[i] as number);
  }
  return { re, im, residual, residualAbs, restart: normalize(restart) };
}

/**
 * Unit vector y with (H - theta I) y ~ 0 for a Ritz value theta of the k x k matrix H, by two
 * steps of inverse iteration with complex Gaussian elimination (partial pivoting); a zero
 * pivot is replaced by eps * ||H|| as in LAPACK's dhsein.
 */
function complexNullVector(h: Float64Array, k: number, tr: number, ti: number): { re: Float64Array; im: Float64Array } {
  let hNorm = 0;
  for (const v of h) hNorm = Math.max(hNorm, Math.abs(v));
  const tiny = Math.max(hNorm, 1) * 2 ** -52;
  const ar = new Float64Array(k * k), ai = new Float64Array(k * k);
  for (let i = 0; i < k * k; i++) ar[i] = h[i] as number;
  for (let i = 0; i < k; i++) {
    ar[i * k + i] = (ar[i * k + i] as number) - tr;
    ai[i * k + i] = -ti;
  }
  // LU with partial pivoting (complex).
  const perm = new Int32Array(k);
  for (let i = 0; i < k; i++) perm[i] = i;
  for (let c = 0; c < k; c++) {
    let p = c, pm = -1;
    for (let r = c; r < k; r++) {
      const mg = Math.hypot(ar[r * k + c] as number, ai[r * k + c] as number);
      if (mg > pm) { pm = mg; p = r; }
    }
    if (p !== c) {
      for (let j = 0; j < k; j++) {
        const t1 = ar[c * k + j] as number; ar[c * k + j] = ar[p * k + j] as number; ar[p * k + j] = t1;
        const t2 = ai[c * k + j] as number; ai[c * k + j] = ai[p * k + j] as number; ai[p * k + j] = t2;
      }
      const t = perm[c] as number; perm[c] = perm[p] as number; perm[p] = t;
    }
    if (pm < tiny) { ar[c * k + c] = tiny; ai[c * k + c] = 0; }
    const pr = ar[c * k + c] as number, pi = ai[c * k + c] as number;
    const pd = pr * pr + pi * pi;
    for (let r = c + 1; r < k; r++) {
      const xr = ar[r * k + c] as number, xi = ai[r * k + c] as number;
      if (xr === 0 && xi === 0) continue;
      const fr = (xr * pr + xi * pi) / pd, fi = (xi * pr - xr * pi) / pd;
      ar[r * k + c] = fr; ai[r * k + c] = fi;
      for (let j = c + 1; j < k; j++) {
        const ur = ar[c * k + j] as number, ui = ai[c * k + j] as number;
        ar[r * k + j] = (ar[r * k + j] as number) - (fr * ur - fi * ui);
        ai[r * k + j] = (ai[r * k + j] as number) - (fr * ui + fi * ur);
      }
    }
  }
  let yr = new Float64Array(k).fill(1), yi = new Float64Array(k);
  for (let it = 0; it < 2; it++) {
    // forward substitution with unit L (rows permuted)
    const br = new Float64Array(k), bi = new Float64Array(k);
    for (let i = 0; i < k; i++) { br[i] = yr[perm[i] as number] as number; bi[i] = yi[perm[i] as number] as number; }
    for (let i = 0; i < k; i++) {
      let sr = br[i] as number, si = bi[i] as number;
      for (let j = 0; j < i; j++) {
        const lr = ar[i * k + j] as number, li = ai[i * k + j] as number;
        sr -= lr * (br[j] as number) - li * (bi[j] as number);
        si -= lr * (bi[j] as number) + li * (br[j] as number);
      }
      br[i] = sr; bi[i] = si;
    }
    for (let i = k - 1; i >= 0; i--) {
      let sr = br[i] as number, si = bi[i] as number;
      for (let j = i + 1; j < k; j++) {
        const ur = ar[i * k + j] as number, ui = ai[i * k + j] as number;
        sr -= ur * (br[j] as number) - ui * (bi[j] as number);
        si -= ur * (bi[j] as number) + ui * (br[j] as number);
      }
      const dr = ar[i * k + i] as number, di = ai[i * k + i] as number;
      const dd = dr * dr + di * di;
      br[i] = (sr * dr + si * di) / dd;
      bi[i] = (si * dr - sr * di) / dd;
    }
    let norm = 0;
    for (let i = 0; i < k; i++) norm += (br[i] as number) ** 2 + (bi[i] as number) ** 2;
    norm = Math.sqrt(norm);
    for (let i = 0; i < k; i++) { br[i] = (br[i] as number) / norm; bi[i] = (bi[i] as number) / norm; }
    yr = br; yi = bi;
  }
  return { re: yr, im: yi };
}
