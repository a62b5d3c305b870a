/**
 * Deterministic start vectors for the Krylov methods (Arnoldi, Lanczos): entries with no special
 * structure, from a splitmix32-style hash of the index.
 *
 * @internal
 */

/**
 * n values in [-0.5, 0.5): x_i = hash(s_i) / 2^32 - 0.5 with s_i = state + (i + 1) * 0x9e3779b9
 * (32-bit wrap-around) and the splitmix32 finaliser as the hash. Not normalised: each caller
 * normalises in its own (bit-pinned) way.
 *
 * References: S. Vigna, "Further scramblings of Marsaglia's xorshift generators", J. Comput.
 * Appl. Math. 315:175-181, 2017, DOI 10.1016/j.cam.2016.11.006 (the splitmix finaliser).
 *
 * @example
 * ```ts
 * hashedUniformVector(2, 0).length; // 2
 * ```
 */
export function hashedUniformVector(n: number, state: number): Float64Array {
  const v = new Float64Array(n);
  let s = state | 0;
  for (let i = 0; i < n; i++) {
    s = (s + 0x9e3779b9) | 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    z ^= z >>> 16;
    v[i] = (z >>> 0) / 4294967296 - 0.5;
  }
  return v;
}
