/**
 * Row-scaled accumulation, the building block of every analytic cell Jacobian:
 * out[rowOffset + i][colOffset + j] += coef_i * M[i][j], i.e. out_block += diag(coef) M.
 *
 * @internal
 */
export function addScaledRows(
  out: Float64Array,
  outCols: number,
  rowOffset: number,
  colOffset: number,
  coef: Float64Array,
  m: Float64Array,
  rows: number,
  cols: number,
): void {
  for (let i = 0; i < rows; i++) {
    const c = coef[i] as number;
    if (c === 0) continue;
    const o = (rowOffset + i) * outCols + colOffset;
    const b = i * cols;
    for (let j = 0; j < cols; j++) out[o + j] = (out[o + j] as number) + c * (m[b + j] as number);
  }
}

/** out[rowOffset + i][colOffset + i] += d_i (a diagonal block). */
export function addDiagonal(out: Float64Array, outCols: number, rowOffset: number, colOffset: number, d: Float64Array): void {
  for (let i = 0; i < d.length; i++) {
    const o = (rowOffset + i) * outCols + colOffset + i;
    out[o] = (out[o] as number) + (d[i] as number);
  }
}

/** The product a diag(s) b for a (r x k), b (k x c) row-major: the reset-before-candidate term. */
export function productThroughDiagonal(a: Float64Array, s: Float64Array, b: Float64Array, r: number, k: number, c: number): Float64Array {
  const out = new Float64Array(r * c);
  for (let i = 0; i < r; i++) {
    const o = i * c;
    for (let m = 0; m < k; m++) {
      const w = (a[i * k + m] as number) * (s[m] as number);
      if (w === 0) continue;
      const bm = m * c;
      for (let j = 0; j < c; j++) out[o + j] = (out[o + j] as number) + w * (b[bm + j] as number);
    }
  }
  return out;
}
