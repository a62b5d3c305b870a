/**
 * Eigenvalues of a real square matrix: balancing, Householder reduction to upper Hessenberg
 * form, and the Francis double-shift QR iteration restricted to the active window (no Schur
 * vectors, so about 10 n^3 flops in all instead of 25 n^3).
 *
 * Method: balancing as LAPACK 3.5's dgebal ({@link balanceInPlace}), then the EISPACK routines
 * orthes and hqr (Wilkinson & Reinsch 1971), in the
 * form of JAMA's EigenvalueDecomposition (public domain, itself from EISPACK), rewritten on
 * one row-major Float64Array with row-wise inner loops, deflation tests as in LAPACK
 * dlahqr (|h_{l,l-1}| < eps (|h_{l-1,l-1}| + |h_{l,l}|), and the negligible h_{l,l-1} set to 0
 * so that a deflated window never grows back), Wilkinson's exceptional shift
 * after 10 and 30 stalled iterations, and a hard limit on iterations per eigenvalue.
 * A block still undeflated after {@link RELATIVE_DEFLATION_ITERATIONS} iterations is rescued:
 * exceptional shifts every 10 iterations (as dlahqr's KEXSH = 10), and the norm-wise deflation
 * test |h_{l,l-1}| <= eps ||H|| (a perturbation of H no larger than the rounding errors of the
 * Householder reduction, so the result stays backward stable, but a tiny eigenvalue of a graded
 * matrix is then only accurate to eps ||H|| absolute), up to dlahqr's limit of
 * 30 max(10, n) iterations. Two families of matrices need it (fast-check found both, test/linalg):
 * signed permutations times 2 (eigenvalues of equal modulus, where the standard shifts cycle) and
 * matrices with a cluster of eigenvalues near 1e-170 beside others near 1.
 *
 * References: J.H. Wilkinson, C. Reinsch, Handbook for Automatic Computation II, Linear
 * Algebra, Springer 1971, doi:10.1007/978-3-642-86940-2; G.H. Golub, C.F. Van Loan,
 * Matrix Computations, 4th ed., sections 7.4-7.5.
 *
 * @internal
 */
import { ConvergenceError } from '../errors.js';

const EPS = 2 ** -52;
/** Smallest normalised double (LAPACK dlamch('S')). */
const SAFE_MIN = 2 ** -1022;
/** Iterations without a deflation after which the rescue (exceptional shifts every 10 iterations, norm-wise deflation) starts. */
const RELATIVE_DEFLATION_ITERATIONS = 100;

/**
 * Balances `a` (n x n, row-major, modified in place) by a diagonal similarity B = D^-1 A D with
 * powers of 2 (exact in floating point, so the eigenvalues are unchanged) that makes the 2-norm
 * of each row of B close to that of its column, and returns the scaling factors d_i.
 *
 * Method: the scaling step of LAPACK dgebal as of LAPACK 3.5 (Osborne's iteration in the
 * Parlett-Reinsch form: sweep over i, multiply column i by f and row i by 1/f, f a power of 2,
 * while that reduces ||row_i|| + ||col_i|| by at least 5 %), with dgebal's guards against
 * overflow and underflow of the entries and of d_i (SFMIN1 = 2^-970, SFMAX1 = 2^970). The row
 * and column norms are 2-norms that INCLUDE the diagonal entry: the change of LAPACK 3.5
 * (Reference-LAPACK commit 78de161, 2013) proposed by James, Langou & Lowery. EISPACK balanc
 * (used here before) measured 1-norms without the diagonal, so a row whose off-diagonal entries
 * are tiny beside its diagonal kept being scaled by huge factors that reduce nothing that matters;
 * on sparse, badly scaled matrices it chose cond(D) up to 1e89, and the QR iteration's error
 * eps ||B||, mapped back to A, became D E D^-1, up to cond(D) eps ||B|| (fast-check found
 * backward errors 250 times 1e-12 ||A||_F). With the diagonal in the norms balancing stops once
 * the diagonal dominates a row and its column. It is not a guarantee (the stopping rule still
 * allows cond(D) ||B|| >> ||A||): eigenvalues.ts checks the backward error when it could be large.
 *
 * References: B.N. Parlett, C. Reinsch, Balancing a matrix for calculation of eigenvalues and
 * eigenvectors, Numer. Math. 13 (1969) 293-304, doi:10.1007/BF02165404; R. James, J. Langou,
 * B.R. Lowery, On matrix balancing and eigenvector computation, arXiv:1401.5766 (2014).
 *
 * @returns the scaling factors d_i (powers of 2; B_ij = A_ij d_j / d_i)
 * @example
 * const a = Float64Array.of(1, 1024, 1 / 1024, 1);
 * balanceInPlace(a, 2); // returns [64, 0.125]; a becomes [1, 2, 0.5, 1] (as LAPACK dgebal; balanced up to the radix 2)
 */
export function balanceInPlace(a: Float64Array, n: number): Float64Array {
  const RADIX = 2;
  const FACTOR = 0.95;
  const sfmin1 = SAFE_MIN / EPS; // dlamch('S') / dlamch('P'): 2^-970
  const sfmax1 = 1 / sfmin1;
  const sfmin2 = sfmin1 * RADIX;
  const sfmax2 = 1 / sfmin2;
  const scale = new Float64Array(n).fill(1);
  let noconv = true;
  while (noconv) {
    noconv = false;
    for (let i = 0; i < n; i++) {
      // 2-norms of column i and row i (diagonal included), and their largest entries, with a
      // running scale (as dnrm2) so that tiny entries neither underflow nor huge ones overflow.
      let ca = 0, ra = 0;
      for (let j = 0; j < n; j++) {
        const cj = Math.abs(a[j * n + i] as number), rj = Math.abs(a[i * n + j] as number);
        if (cj > ca) ca = cj;
        if (rj > ra) ra = rj;
      }
      if (ca === 0 || ra === 0) continue;
      let cs = 0, rs = 0;
      for (let j = 0; j < n; j++) {
        const cj = (a[j * n + i] as number) / ca, rj = (a[i * n + j] as number) / ra;
        cs += cj * cj;
        rs += rj * rj;
      }
      let c = ca * Math.sqrt(cs), r = ra * Math.sqrt(rs);
      if (c === 0 || r === 0) continue;
      let g = r / RADIX;
      let f = 1;
      const s = c + r;
      while (c < g && Math.max(f, c, ca) < sfmax2 && Math.min(r, g, ra) > sfmin2) {
        f *= RADIX; c *= RADIX; ca *= RADIX; r /= RADIX; g /= RADIX; ra /= RADIX;
      }
      g = c / RADIX;
      while (g >= r && Math.max(r, ra) < sfmax2 && Math.min(f, c, g, ca) > sfmin2) {
        f /= RADIX; c /= RADIX; g /= RADIX; ca /= RADIX; r *= RADIX; ra *= RADIX;
      }
      if (c + r >= FACTOR * s) continue;
      const di = scale[i] as number;
      if (f < 1 && di < 1 && f * di <= sfmin1) continue;
      if (f > 1 && di > 1 && di >= sfmax1 / f) continue;
      scale[i] = di * f;
      noconv = true;
      const gInv = 1 / f;
      for (let j = 0; j < n; j++) a[i * n + j] = (a[i * n + j] as number) * gInv;
      for (let j = 0; j < n; j++) a[j * n + i] = (a[j * n + i] as number) * f;
    }
  }
  return scale;
}

/**
 * Reduces `h` (n x n row-major, in place) to upper Hessenberg form by Householder
 * similarity transformations (EISPACK orthes) and zeroes the entries below the subdiagonal.
 */
export function hessenbergInPlace(h: Float64Array, n: number): void {
  const ort = new Float64Array(n);
  const f = new Float64Array(n);
  for (let m = 1; m < n - 1; m++) {
    let scale = 0;
    for (let i = m; i < n; i++) scale += Math.abs(h[i * n + m - 1] as number);
    if (scale === 0) continue;
    let hh = 0;
    for (let i = n - 1; i >= m; i--) {
      const v = (h[i * n + m - 1] as number) / scale;
      ort[i] = v;
      hh += v * v;
    }
    let g = Math.sqrt(hh);
    if ((ort[m] as number) > 0) g = -g;
    hh -= (ort[m] as number) * g;
    ort[m] = (ort[m] as number) - g;
    // Left: H <- (I - u u^T / hh) H on rows m..n-1, columns m..n-1.
    // f_j = sum_i u_i H[i][j], accumulated four rows at a time (one pass over f per 4 rows).
    f.fill(0, m, n);
    let i = m;
    for (; i + 3 < n; i += 4) {
      const u0 = ort[i] as number, u1 = ort[i + 1] as number, u2 = ort[i + 2] as number, u3 = ort[i + 3] as number;
      const b0 = i * n, b1 = b0 + n, b2 = b1 + n, b3 = b2 + n;
      for (let j = m; j < n; j++) {
        f[j] = (f[j] as number) + u0 * (h[b0 + j] as number) + u1 * (h[b1 + j] as number) + u2 * (h[b2 + j] as number) + u3 * (h[b3 + j] as number);
      }
    }
    for (; i < n; i++) {
      const ui = ort[i] as number;
      const base = i * n;
      for (let j = m; j < n; j++) f[j] = (f[j] as number) + ui * (h[base + j] as number);
    }
    for (let j = m; j < n; j++) f[j] = (f[j] as number) / hh;
    for (let r = m; r < n; r++) {
      const ui = ort[r] as number;
      if (ui === 0) continue;
      const base = r * n;
      for (let j = m; j < n; j++) h[base + j] = (h[base + j] as number) - ui * (f[j] as number);
    }
    // Right: H <- H (I - u u^T / hh) on rows 0..n-1, columns m..n-1, four rows at a time.
    let r = 0;
    for (; r + 3 < n; r += 4) {
      const b0 = r * n, b1 = b0 + n, b2 = b1 + n, b3 = b2 + n;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let j = m; j < n; j++) {
        const o = ort[j] as number;
        s0 += o * (h[b0 + j] as number);
        s1 += o * (h[b1 + j] as number);
        s2 += o * (h[b2 + j] as number);
        s3 += o * (h[b3 + j] as number);
      }
      s0 /= hh; s1 /= hh; s2 /= hh; s3 /= hh;
      for (let j = m; j < n; j++) {
        const o = ort[j] as number;
        h[b0 + j] = (h[b0 + j] as number) - s0 * o;
        h[b1 + j] = (h[b1 + j] as number) - s1 * o;
        h[b2 + j] = (h[b2 + j] as number) - s2 * o;
        h[b3 + j] = (h[b3 + j] as number) - s3 * o;
      }
    }
    for (; r < n; r++) {
      const base = r * n;
      let sum = 0;
      for (let j = m; j < n; j++) sum += (ort[j] as number) * (h[base + j] as number);
      sum /= hh;
      for (let j = m; j < n; j++) h[base + j] = (h[base + j] as number) - sum * (ort[j] as number);
    }
    h[m * n + m - 1] = scale * g;
    for (let i = m + 1; i < n; i++) h[i * n + m - 1] = 0;
  }
}

/**
 * Eigenvalues of an upper Hessenberg matrix (n x n row-major, destroyed) by the Francis
 * double-shift QR iteration (EISPACK hqr).
 *
 * @returns real and imaginary parts, complex pairs adjacent (positive imaginary part first)
 * @throws ConvergenceError when an eigenvalue does not deflate within 30 max(10, n) iterations
 */
export function hessenbergEigenvaluesInPlace(H: Float64Array, nn: number): { re: Float64Array; im: Float64Array } {
  const d = new Float64Array(nn);
  const e = new Float64Array(nn);
  let n = nn - 1;
  const low = 0;
  let exshift = 0;
  let p = 0, q = 0, r = 0, s = 0, z = 0, w: number, x: number, y: number;
  let norm = 0;
  for (let i = 0; i < nn; i++) {
    for (let j = Math.max(i - 1, 0); j < nn; j++) norm += Math.abs(H[i * nn + j] as number);
  }
  let iter = 0;
  const maxIterations = 30 * Math.max(10, nn); // LAPACK dlahqr's ITMAX
  const at = (i: number, j: number): number => H[i * nn + j] as number;
  while (n >= low) {
    // Look for a single small subdiagonal element.
    let l = n;
    while (l > low) {
      s = Math.abs(at(l - 1, l - 1)) + Math.abs(at(l, l));
      if (s === 0) s = norm;
      // LAPACK dlahqr: also deflate below smlnum = safmin (n / ulp), so exact zeros and
      // subnormal subdiagonals deflate even when the neighbouring diagonal is zero.
      // Rescue after a stall: the norm-wise test (backward stable, see the module comment).
      const rescue = iter >= RELATIVE_DEFLATION_ITERATIONS ? EPS * norm : 0;
      if (Math.abs(at(l, l - 1)) <= Math.max(EPS * s, SAFE_MIN * (nn / EPS), rescue)) break;
      l--;
    }
    // Set the negligible subdiagonal to zero, as LAPACK dlahqr does (H(L,L-1) = ZERO). EISPACK hqr
    // leaves it, and the QR steps on the window l..n update only rows l..n: if a later test (the
    // diagonal entries beside it change, or the rescue's norm-wise test lapses when iter resets)
    // no longer finds it negligible, the window grows back over rows 0..l-1 whose coupling to the
    // window was never updated, and the matrix iterated on is no longer similar to A. Found by the
    // fresh-seed pass: a pair +-2.3e-8 i for well-conditioned eigenvalues near 0, sigma_min(A -
    // lambda I) = 1.7e-9 ||A||_F (seed k = 1947; kept in test/linalg/properties.test.ts).
    if (l > low) H[l * nn + l - 1] = 0;
    if (l === n) {
      // One root found.
      d[n] = at(n, n) + exshift;
      e[n] = 0;
      n--;
      iter = 0;
    } else if (l === n - 1) {
      // Two roots found.
      w = at(n, n - 1) * at(n - 1, n);
      p = (at(n - 1, n - 1) - at(n, n)) / 2;
      q = p * p + w;
      z = Math.sqrt(Math.abs(q));
      x = at(n, n) + exshift;
      if (q >= 0) {
        z = p >= 0 ? p + z : p - z;
        d[n - 1] = x + z;
        d[n] = z !== 0 ? x - w / z : x + z;
        e[n - 1] = 0;
        e[n] = 0;
      } else {
        d[n - 1] = x + p;
        d[n] = x + p;
        e[n - 1] = z;
        e[n] = -z;
      }
      n -= 2;
      iter = 0;
    } else {
      // No convergence yet: form the shift.
      x = at(n, n);
      y = 0;
      w = 0;
      if (l < n) {
        y = at(n - 1, n - 1);
        w = at(n, n - 1) * at(n - 1, n);
      }
      if (iter === 10 || (iter > RELATIVE_DEFLATION_ITERATIONS && iter % 20 === 10)) {
        // Wilkinson's original ad hoc shift.
        exshift += x;
        for (let i = low; i <= n; i++) H[i * nn + i] = at(i, i) - x;
        s = Math.abs(at(n, n - 1)) + Math.abs(at(n - 1, n - 2));
        x = y = 0.75 * s;
        w = -0.4375 * s * s;
      }
      if (iter === 30 || (iter >= RELATIVE_DEFLATION_ITERATIONS && iter % 20 === 0)) {
        // MATLAB's ad hoc shift.
        s = (y - x) / 2;
        s = s * s + w;
        if (s > 0) {
          s = Math.sqrt(s);
          if (y < x) s = -s;
          s = x - w / ((y - x) / 2 + s);
          for (let i = low; i <= n; i++) H[i * nn + i] = at(i, i) - s;
          exshift += s;
          x = y = w = 0.964;
        }
      }
      iter++;
      if (iter > maxIterations) {
        const sub = Math.abs(at(n, n - 1));
        throw new ConvergenceError(
          `eigenvalues: the QR iteration did not deflate eigenvalue ${n + 1} of ${nn} within ` +
            `${maxIterations} iterations (subdiagonal |h| = ${sub.toExponential(3)}, ` +
            `needed below ${Math.max(EPS * (Math.abs(at(n - 1, n - 1)) + Math.abs(at(n, n))), EPS * norm).toExponential(3)})`,
          iter,
          sub,
          EPS,
        );
      }
      // Look for two consecutive small subdiagonal elements.
      let m = n - 2;
      while (m >= l) {
        z = at(m, m);
        r = x - z;
        s = y - z;
        p = (r * s - w) / at(m + 1, m) + at(m, m + 1);
        q = at(m + 1, m + 1) - z - r - s;
        r = at(m + 2, m + 1);
        s = Math.abs(p) + Math.abs(q) + Math.abs(r);
        p /= s;
        q /= s;
        r /= s;
        if (m === l) break;
        if (
          Math.abs(at(m, m - 1)) * (Math.abs(q) + Math.abs(r)) <
          EPS * (Math.abs(p) * (Math.abs(at(m - 1, m - 1)) + Math.abs(z) + Math.abs(at(m + 1, m + 1))))
        ) {
          break;
        }
        m--;
      }
      for (let i = m + 2; i <= n; i++) {
        H[i * nn + i - 2] = 0;
        if (i > m + 2) H[i * nn + i - 3] = 0;
      }
      // Double QR step on rows l..n and columns m..n (the active window only).
      for (let k = m; k <= n - 1; k++) {
        const notlast = k !== n - 1;
        if (k !== m) {
          p = at(k, k - 1);
          q = at(k + 1, k - 1);
          r = notlast ? at(k + 2, k - 1) : 0;
          x = Math.abs(p) + Math.abs(q) + Math.abs(r);
          if (x === 0) continue;
          p /= x;
          q /= x;
          r /= x;
        }
        s = Math.sqrt(p * p + q * q + r * r);
        if (p < 0) s = -s;
        if (s !== 0) {
          if (k !== m) H[k * nn + k - 1] = -s * x;
          else if (l !== m) H[k * nn + k - 1] = -at(k, k - 1);
          p += s;
          x = p / s;
          y = q / s;
          z = r / s;
          q /= p;
          r /= p;
          // Row modification.
          const rk = k * nn, rk1 = rk + nn, rk2 = rk1 + nn;
          if (notlast) {
            for (let j = k; j <= n; j++) {
              const t = (H[rk + j] as number) + q * (H[rk1 + j] as number) + r * (H[rk2 + j] as number);
              H[rk + j] = (H[rk + j] as number) - t * x;
              H[rk1 + j] = (H[rk1 + j] as number) - t * y;
              H[rk2 + j] = (H[rk2 + j] as number) - t * z;
            }
          } else {
            for (let j = k; j <= n; j++) {
              const t = (H[rk + j] as number) + q * (H[rk1 + j] as number);
              H[rk + j] = (H[rk + j] as number) - t * x;
              H[rk1 + j] = (H[rk1 + j] as number) - t * y;
            }
          }
          // Column modification.
          const iMax = Math.min(n, k + 3);
          for (let i = l; i <= iMax; i++) {
            const ri = i * nn + k;
            if (notlast) {
              const t = x * (H[ri] as number) + y * (H[ri + 1] as number) + z * (H[ri + 2] as number);
              H[ri] = (H[ri] as number) - t;
              H[ri + 1] = (H[ri + 1] as number) - t * q;
              H[ri + 2] = (H[ri + 2] as number) - t * r;
            } else {
              const t = x * (H[ri] as number) + y * (H[ri + 1] as number);
              H[ri] = (H[ri] as number) - t;
              H[ri + 1] = (H[ri + 1] as number) - t * q;
            }
          }
        }
      }
    }
  }
  return { re: d, im: e };
}
