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

function arnoldiCycle(op: LinearOperator, v0: Float64Array, kMax: number): CycleResult {
  const n = op.size;
  const basis: Float64Array[] = [Float64Array.from(v0)];
  // H is (k+1) x k, stored densely row-major with stride kMax.
  const H = new Float64Array((kMax + 1) * kMax);
  let k = 0;
  let beta = 0;
  while (k < kMax) {
    const w = new Float64Array(n);
    op.apply(basis[k] as Float64Array, w);
    const wNorm0 = Math.sqrt(dot(w, w));
    // Modified Gram–Schmidt, repeated once (DGKS "twice is enough").
    for (let pass = 0; pass < 2; pass++) {
      for (let j = 0; j <= k; j++) {
        const vj = basis[j] as Float64Array;
        const h = dot(vj, w);
        H[j * kMax + k] = (H[j * kMax + k] as number) + h;
        for (let i = 0; i < n; i++) w[i] = (w[i] as number) - h * (vj[i] as number);
      }
    }
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
