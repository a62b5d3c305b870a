/**
 * A computable upper bound on the backward error of an approximate eigenvalue of an upper
 * Hessenberg matrix: sigma_min(H - lambda I), the 2-norm distance from H to the nearest matrix
 * that has lambda as an exact eigenvalue.
 *
 * Method: any vector v != 0 gives sigma_min(H - lambda I) <= ||(H - lambda I) v|| / ||v||. The
 * vectors come from inverse iteration for the smallest singular value of M = H - lambda I
 * (complex for complex lambda): from a fixed start x, v1 = M^-1 x, then z = M^-H v1 and
 * v2 = M^-1 z, with one LU factorisation of the Hessenberg M (partial pivoting between adjacent
 * rows, O(n^2)); each residual is formed explicitly from H, so the bound holds whatever the
 * rounding errors of the solves were (its own rounding error is about n eps ||H|| ||v||). A zero
 * pivot is replaced by eps ||H||_F, as inverse iteration does (Golub & Van Loan 7.6.1). Cost:
 * about 6 n^2 complex multiply-adds per eigenvalue.
 *
 * References: N.J. Higham, Accuracy and Stability of Numerical Algorithms, 2nd ed., SIAM 2002
 * (the backward error of an approximate eigenpair is ||r|| / ||v||), doi:10.1137/1.9780898718027;
 * G.H. Golub, C.F. Van Loan, Matrix Computations, 4th ed., 7.6.1 (inverse iteration).
 *
 * @internal
 */

const EPS = 2 ** -52;

/**
 * Upper bound on sigma_min(H - (re + i im) I) for the upper Hessenberg `h` (n x n, row-major,
 * not modified): the smaller of two inverse-iteration residuals (module comment).
 *
 * @example
 * // H = [[2, 1], [0, 3]]: 2 is an exact eigenvalue; sigma_min(H - 2.5 I) = 0.20710678...
 * hessenbergEigenvalueResidual(Float64Array.of(2, 1, 0, 3), 2, 2, 0); // 5.9e-16 (the pivot eps ||H||_F)
 * hessenbergEigenvalueResidual(Float64Array.of(2, 1, 0, 3), 2, 2.5, 0); // 0.20720...
 */
export function hessenbergEigenvalueResidual(h: Float64Array, n: number, re: number, im: number): number {
  let fro = 0;
  for (const v of h) fro += v * v;
  fro = Math.sqrt(fro);
  const tiny = fro > 0 ? EPS * fro : Number.MIN_VALUE;
  // LU of M = H - lambda I in place on (ur, ui); multipliers (lr, li); swap[k]: rows k, k+1 exchanged.
  const ur = Float64Array.from(h);
  const ui = new Float64Array(n * n);
  for (let k = 0; k < n; k++) {
    ur[k * n + k] = (ur[k * n + k] as number) - re;
    ui[k * n + k] = -im;
  }
  const lr = new Float64Array(n), li = new Float64Array(n);
  const swap = new Uint8Array(n);
  for (let k = 0; k < n - 1; k++) {
    const a = k * n + k, b = (k + 1) * n + k;
    if (Math.hypot(ur[b] as number, ui[b] as number) > Math.hypot(ur[a] as number, ui[a] as number)) {
      swap[k] = 1;
      for (let j = k; j < n; j++) {
        const p = k * n + j, q = (k + 1) * n + j;
        const tr = ur[p] as number, ti = ui[p] as number;
        ur[p] = ur[q] as number; ui[p] = ui[q] as number;
        ur[q] = tr; ui[q] = ti;
      }
    }
    let pr = ur[a] as number, pi = ui[a] as number;
    if (pr === 0 && pi === 0) { pr = tiny; ur[a] = tiny; }
    // l = M[k+1][k] / M[k][k]
    const den = pr * pr + pi * pi;
    const br = ur[b] as number, bi = ui[b] as number;
    const mr = (br * pr + bi * pi) / den, mi = (bi * pr - br * pi) / den;
    lr[k] = mr; li[k] = mi;
    ur[b] = 0; ui[b] = 0;
    for (let j = k + 1; j < n; j++) {
      const p = k * n + j, q = (k + 1) * n + j;
      const xr = ur[p] as number, xi = ui[p] as number;
      ur[q] = (ur[q] as number) - (mr * xr - mi * xi);
      ui[q] = (ui[q] as number) - (mr * xi + mi * xr);
    }
  }
  const last = (n - 1) * n + n - 1;
  if (ur[last] === 0 && ui[last] === 0) ur[last] = tiny;

  /** x <- M^-1 x: the eliminations (swap, then subtract l_k x_k from x_{k+1}), then back substitution. */
  const solve = (xr: Float64Array, xi: Float64Array): void => {
    for (let k = 0; k < n - 1; k++) {
      if (swap[k]) {
        const tr = xr[k] as number, ti = xi[k] as number;
        xr[k] = xr[k + 1] as number; xi[k] = xi[k + 1] as number;
        xr[k + 1] = tr; xi[k + 1] = ti;
      }
      const ar = xr[k] as number, ai = xi[k] as number, mr = lr[k] as number, mi = li[k] as number;
      xr[k + 1] = (xr[k + 1] as number) - (mr * ar - mi * ai);
      xi[k + 1] = (xi[k + 1] as number) - (mr * ai + mi * ar);
    }
    for (let i = n - 1; i >= 0; i--) {
      let sr = xr[i] as number, si = xi[i] as number;
      for (let j = i + 1; j < n; j++) {
        const p = i * n + j, vr = xr[j] as number, vi = xi[j] as number;
        sr -= (ur[p] as number) * vr - (ui[p] as number) * vi;
        si -= (ur[p] as number) * vi + (ui[p] as number) * vr;
      }
      const dr = ur[i * n + i] as number, di = ui[i * n + i] as number, den = dr * dr + di * di;
      xr[i] = (sr * dr + si * di) / den;
      xi[i] = (si * dr - sr * di) / den;
    }
  };
  /** x <- M^-H x: U^H w = x (forward), then the transposed eliminations in reverse order. */
  const solveAdjoint = (xr: Float64Array, xi: Float64Array): void => {
    for (let i = 0; i < n; i++) {
      let sr = xr[i] as number, si = xi[i] as number;
      for (let j = 0; j < i; j++) {
        // conj(U[j][i]) * w_j
        const p = j * n + i, vr = xr[j] as number, vi = xi[j] as number;
        sr -= (ur[p] as number) * vr + (ui[p] as number) * vi;
        si -= (ur[p] as number) * vi - (ui[p] as number) * vr;
      }
      const dr = ur[i * n + i] as number, di = -(ui[i * n + i] as number), den = dr * dr + di * di;
      xr[i] = (sr * dr + si * di) / den;
      xi[i] = (si * dr - sr * di) / den;
    }
    for (let k = n - 2; k >= 0; k--) {
      // x_k -= conj(l_k) x_{k+1}, then undo the swap
      const ar = xr[k + 1] as number, ai = xi[k + 1] as number, mr = lr[k] as number, mi = -(li[k] as number);
      xr[k] = (xr[k] as number) - (mr * ar - mi * ai);
      xi[k] = (xi[k] as number) - (mr * ai + mi * ar);
      if (swap[k]) {
        const tr = xr[k] as number, ti = xi[k] as number;
        xr[k] = xr[k + 1] as number; xi[k] = xi[k + 1] as number;
        xr[k + 1] = tr; xi[k + 1] = ti;
      }
    }
  };
  /** Rescales x to a unit largest entry (so that the next solve cannot overflow); false if x is 0 or not finite. */
  const normalise = (xr: Float64Array, xi: Float64Array): boolean => {
    let m = 0;
    for (let i = 0; i < n; i++) m = Math.max(m, Math.abs(xr[i] as number), Math.abs(xi[i] as number));
    if (!(m > 0 && Number.isFinite(m))) return false;
    for (let i = 0; i < n; i++) { xr[i] = (xr[i] as number) / m; xi[i] = (xi[i] as number) / m; }
    return true;
  };
  /** ||(H - lambda I) v|| / ||v|| with the original H. */
  const residual = (vr: Float64Array, vi: Float64Array): number => {
    let rr2 = 0, vv2 = 0;
    for (let i = 0; i < n; i++) {
      let sr = -(re * (vr[i] as number) - im * (vi[i] as number));
      let si = -(re * (vi[i] as number) + im * (vr[i] as number));
      for (let j = Math.max(0, i - 1); j < n; j++) {
        const hij = h[i * n + j] as number;
        sr += hij * (vr[j] as number);
        si += hij * (vi[j] as number);
      }
      rr2 += sr * sr + si * si;
      vv2 += (vr[i] as number) ** 2 + (vi[i] as number) ** 2;
    }
    return Math.sqrt(rr2) / Math.sqrt(vv2);
  };

  // Fixed start with no special structure (a Weyl sequence), so no eigenvector is missed by symmetry.
  const vr = Float64Array.from({ length: n }, (_, i) => 0.5 + ((i * 0.6180339887498949) % 1));
  const vi = new Float64Array(n);
  let best = Infinity;
  solve(vr, vi);
  if (!normalise(vr, vi)) return best;
  best = Math.min(best, residual(vr, vi));
  solveAdjoint(vr, vi);
  if (!normalise(vr, vi)) return best;
  solve(vr, vi);
  if (!normalise(vr, vi)) return best;
  return Math.min(best, residual(vr, vi));
}
