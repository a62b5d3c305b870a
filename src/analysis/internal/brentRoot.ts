/**
 * Brent's root finder on a bracketing interval: the one-dimensional solver behind the local
 * Whittle estimate (the root of the derivative of a strictly convex objective). Internal: not
 * re-exported from the package.
 *
 * @module
 */

/** Result of {@link brentRoot}. */
export interface BrentRoot {
  /** The root (or the end point of [lo, hi] where f has the sign of a minimiser on the boundary). */
  readonly x: number;
  /** f(x). */
  readonly fx: number;
  /** Function evaluations used. */
  readonly evaluations: number;
  /** True when f changed sign on [lo, hi] and the bracket shrank below the tolerance. */
  readonly bracketed: boolean;
}

/**
 * A root of a continuous increasing-through-zero function f on [lo, hi], to absolute tolerance
 * `tolerance` (plus 4 machine epsilons relative).
 *
 * Method: Brent's zeroin: keep a bracket [b, c] with f(b) f(c) <= 0; try inverse quadratic
 * interpolation (secant when only two points are distinct), accept the step when it falls
 * inside the bracket and shrinks faster than bisection would, otherwise bisect. When f does not
 * change sign (f(lo) > 0 or f(hi) < 0 for an increasing f, i.e. a derivative whose function is
 * minimised on the boundary), the end point where |f| is smaller is returned with
 * `bracketed: false`.
 *
 * References: R. P. Brent, Algorithms for Minimization without Derivatives, Prentice-Hall 1973,
 * chapter 4 (procedure zero); G. E. Forsythe, M. A. Malcolm & C. B. Moler, Computer Methods for
 * Mathematical Computations, Prentice-Hall 1977, section 7.2 (zeroin).
 *
 * @example
 * ```ts
 * brentRoot((x) => x * x - 2, 0, 2, 1e-14).x; // 1.4142135623730951
 * ```
 */
export function brentRoot(f: (x: number) => number, lo: number, hi: number, tolerance: number, maxEvaluations = 200): BrentRoot {
  let a = lo;
  let b = hi;
  let fa = f(a);
  let fb = f(b);
  let evaluations = 2;
  if (fa === 0) return { x: a, fx: fa, evaluations, bracketed: true };
  if (fb === 0) return { x: b, fx: fb, evaluations, bracketed: true };
  if ((fa > 0) === (fb > 0)) {
    return Math.abs(fa) < Math.abs(fb) ? { x: a, fx: fa, evaluations, bracketed: false } : { x: b, fx: fb, evaluations, bracketed: false };
  }
  let c = a;
  let fc = fa;
  let d = b - a;
  let e = d;
  for (;;) {
    if ((fb > 0) === (fc > 0)) {
      c = a;
      fc = fa;
      d = b - a;
      e = d;
    }
    if (Math.abs(fc) < Math.abs(fb)) {
      a = b;
      b = c;
      c = a;
      fa = fb;
      fb = fc;
      fc = fa;
    }
    const tol = 4 * Number.EPSILON * Math.abs(b) + tolerance / 2;
    const half = (c - b) / 2;
    if (Math.abs(half) <= tol || fb === 0 || evaluations >= maxEvaluations) {
      return { x: b, fx: fb, evaluations, bracketed: true };
    }
    if (Math.abs(e) >= tol && Math.abs(fa) > Math.abs(fb)) {
      // Interpolation: p / q is the step from b.
      let p: number;
      let q: number;
      const s = fb / fa;
      if (a === c) {
        p = 2 * half * s;
        q = 1 - s;
      } else {
        const qa = fa / fc;
        const r = fb / fc;
        p = s * (2 * half * qa * (qa - r) - (b - a) * (r - 1));
        q = (qa - 1) * (r - 1) * (s - 1);
      }
      if (p > 0) q = -q;
      else p = -p;
      if (2 * p < Math.min(3 * half * q - Math.abs(tol * q), Math.abs(e * q))) {
        e = d;
        d = p / q;
      } else {
        d = half;
        e = d;
      }
    } else {
      d = half;
      e = d;
    }
    a = b;
    fa = fb;
    b += Math.abs(d) > tol ? d : half > 0 ? tol : -tol;
    fb = f(b);
    evaluations++;
  }
}
