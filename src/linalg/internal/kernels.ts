/**
 * Register-tiled matrix-vector and matrix-matrix kernels in plain JavaScript.
 *
 * Every output entry is one dot product summed in the textbook order: s = init, then
 * s += w_ij x_j for j = 0, 1, ..., cols - 1 (init = 0, or the output's previous value when
 * accumulating). Tiling only changes which dot products run side by side (several rows of W,
 * several right-hand sides), never the order of the additions inside one of them, so the
 * results are bit-for-bit those of the naive loops. The speed-up comes from instruction-level
 * parallelism (independent accumulators) and from reading each weight once per tile instead
 * of once per right-hand side.
 *
 * @internal
 */

/**
 * out[outOffset + i] (=, or += when accumulate) sum_j w[wOffset + i cols + j] x[xOffset + j]
 * for i < rows (row-major w), four rows at a time.
 */
export function matVecRows(
  w: Float64Array,
  wOffset: number,
  rows: number,
  cols: number,
  x: Float64Array,
  xOffset: number,
  out: Float64Array,
  outOffset: number,
  accumulate: boolean,
): void {
  let i = 0;
  for (; i + 4 <= rows; i += 4) {
    const r0 = wOffset + i * cols;
    const r1 = r0 + cols;
    const r2 = r1 + cols;
    const r3 = r2 + cols;
    const o = outOffset + i;
    let s0 = accumulate ? (out[o] as number) : 0;
    let s1 = accumulate ? (out[o + 1] as number) : 0;
    let s2 = accumulate ? (out[o + 2] as number) : 0;
    let s3 = accumulate ? (out[o + 3] as number) : 0;
    for (let j = 0; j < cols; j++) {
      const v = x[xOffset + j] as number;
      s0 += (w[r0 + j] as number) * v;
      s1 += (w[r1 + j] as number) * v;
      s2 += (w[r2 + j] as number) * v;
      s3 += (w[r3 + j] as number) * v;
    }
    out[o] = s0;
    out[o + 1] = s1;
    out[o + 2] = s2;
    out[o + 3] = s3;
  }
  for (; i < rows; i++) {
    const r0 = wOffset + i * cols;
    const o = outOffset + i;
    let s = accumulate ? (out[o] as number) : 0;
    for (let j = 0; j < cols; j++) s += (w[r0 + j] as number) * (x[xOffset + j] as number);
    out[o] = s;
  }
}

/**
 * Batched rows: for b < n and i < rows,
 * out[outOffset + b outStride + i] (=, or += when accumulate) sum_j w[i cols + j] x[xOffset + b xStride + j].
 *
 * Tiles of 3 rows x 4 right-hand sides (12 independent accumulators, each weight loaded once
 * per 4 sequences); n = 1 falls back to {@link matVecRows}.
 */
export function matMulRows(
  w: Float64Array,
  rows: number,
  cols: number,
  x: Float64Array,
  xStride: number,
  xOffset: number,
  n: number,
  out: Float64Array,
  outStride: number,
  outOffset: number,
  accumulate: boolean,
): void {
  if (n === 1) {
    matVecRows(w, 0, rows, cols, x, xOffset, out, outOffset, accumulate);
    return;
  }
  let b = 0;
  for (; b + 4 <= n; b += 4) {
    const x0 = xOffset + b * xStride;
    const x1 = x0 + xStride;
    const x2 = x1 + xStride;
    const x3 = x2 + xStride;
    const o0 = outOffset + b * outStride;
    const o1 = o0 + outStride;
    const o2 = o1 + outStride;
    const o3 = o2 + outStride;
    let i = 0;
    for (; i + 3 <= rows; i += 3) {
      const r0 = i * cols;
      const r1 = r0 + cols;
      const r2 = r1 + cols;
      let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
      let c0 = 0, c1 = 0, c2 = 0, c3 = 0;
      let e0 = 0, e1 = 0, e2 = 0, e3 = 0;
      if (accumulate) {
        a0 = out[o0 + i] as number;
        a1 = out[o1 + i] as number;
        a2 = out[o2 + i] as number;
        a3 = out[o3 + i] as number;
        c0 = out[o0 + i + 1] as number;
        c1 = out[o1 + i + 1] as number;
        c2 = out[o2 + i + 1] as number;
        c3 = out[o3 + i + 1] as number;
        e0 = out[o0 + i + 2] as number;
        e1 = out[o1 + i + 2] as number;
        e2 = out[o2 + i + 2] as number;
        e3 = out[o3 + i + 2] as number;
      }
      for (let j = 0; j < cols; j++) {
        const y0 = x[x0 + j] as number;
        const y1 = x[x1 + j] as number;
        const y2 = x[x2 + j] as number;
        const y3 = x[x3 + j] as number;
        const u = w[r0 + j] as number;
        a0 += u * y0;
        a1 += u * y1;
        a2 += u * y2;
        a3 += u * y3;
        const v = w[r1 + j] as number;
        c0 += v * y0;
        c1 += v * y1;
        c2 += v * y2;
        c3 += v * y3;
        const q = w[r2 + j] as number;
        e0 += q * y0;
        e1 += q * y1;
        e2 += q * y2;
        e3 += q * y3;
      }
      out[o0 + i] = a0;
      out[o1 + i] = a1;
      out[o2 + i] = a2;
      out[o3 + i] = a3;
      out[o0 + i + 1] = c0;
      out[o1 + i + 1] = c1;
      out[o2 + i + 1] = c2;
      out[o3 + i + 1] = c3;
      out[o0 + i + 2] = e0;
      out[o1 + i + 2] = e1;
      out[o2 + i + 2] = e2;
      out[o3 + i + 2] = e3;
    }
    for (; i < rows; i++) {
      const r0 = i * cols;
      let a0 = accumulate ? (out[o0 + i] as number) : 0;
      let a1 = accumulate ? (out[o1 + i] as number) : 0;
      let a2 = accumulate ? (out[o2 + i] as number) : 0;
      let a3 = accumulate ? (out[o3 + i] as number) : 0;
      for (let j = 0; j < cols; j++) {
        const u = w[r0 + j] as number;
        a0 += u * (x[x0 + j] as number);
        a1 += u * (x[x1 + j] as number);
        a2 += u * (x[x2 + j] as number);
        a3 += u * (x[x3 + j] as number);
      }
      out[o0 + i] = a0;
      out[o1 + i] = a1;
      out[o2 + i] = a2;
      out[o3 + i] = a3;
    }
  }
  for (; b < n; b++) matVecRows(w, 0, rows, cols, x, xOffset + b * xStride, out, outOffset + b * outStride, accumulate);
}

/**
 * C[i ldc + j] += sum_{r < R} at[aOff + i lda + r] bt[bOff + j ldb + r] for i < m and j < n: the
 * product of two blocks of R rows given transposed (column i of the first block is
 * at[aOff + i lda .. + R)), added to C. With `upper`, tiles lying entirely below the diagonal
 * (j < i) are skipped (for a symmetric result A^T A; entries below the diagonal are then partly
 * accumulated and must be ignored). Tiles of 3 x 4 entries, each a dot product over r in index
 * order.
 */
export function addTransposedProducts(
  at: Float64Array,
  aOff: number,
  lda: number,
  bt: Float64Array,
  bOff: number,
  ldb: number,
  R: number,
  m: number,
  n: number,
  c: Float64Array,
  ldc: number,
  upper: boolean,
): void {
  const n4 = n - (n % 4);
  for (let i = 0; i < m; i += 3) {
    const rows = Math.min(3, m - i);
    const a0 = aOff + i * lda;
    const a1 = rows > 1 ? a0 + lda : a0;
    const a2 = rows > 2 ? a0 + 2 * lda : a0;
    const c0 = i * ldc;
    const c1 = c0 + ldc;
    const c2 = c1 + ldc;
    const jStart = upper ? i - (i % 4) : 0;
    for (let j = jStart; j < n4; j += 4) {
      const b0 = bOff + j * ldb;
      const b1 = b0 + ldb;
      const b2 = b1 + ldb;
      const b3 = b2 + ldb;
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0;
      let s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      let s20 = 0, s21 = 0, s22 = 0, s23 = 0;
      for (let r = 0; r < R; r++) {
        const y0 = bt[b0 + r] as number;
        const y1 = bt[b1 + r] as number;
        const y2 = bt[b2 + r] as number;
        const y3 = bt[b3 + r] as number;
        const x0 = at[a0 + r] as number;
        s00 += x0 * y0;
        s01 += x0 * y1;
        s02 += x0 * y2;
        s03 += x0 * y3;
        const x1 = at[a1 + r] as number;
        s10 += x1 * y0;
        s11 += x1 * y1;
        s12 += x1 * y2;
        s13 += x1 * y3;
        const x2 = at[a2 + r] as number;
        s20 += x2 * y0;
        s21 += x2 * y1;
        s22 += x2 * y2;
        s23 += x2 * y3;
      }
      c[c0 + j] = (c[c0 + j] as number) + s00;
      c[c0 + j + 1] = (c[c0 + j + 1] as number) + s01;
      c[c0 + j + 2] = (c[c0 + j + 2] as number) + s02;
      c[c0 + j + 3] = (c[c0 + j + 3] as number) + s03;
      if (rows > 1) {
        c[c1 + j] = (c[c1 + j] as number) + s10;
        c[c1 + j + 1] = (c[c1 + j + 1] as number) + s11;
        c[c1 + j + 2] = (c[c1 + j + 2] as number) + s12;
        c[c1 + j + 3] = (c[c1 + j + 3] as number) + s13;
      }
      if (rows > 2) {
        c[c2 + j] = (c[c2 + j] as number) + s20;
        c[c2 + j + 1] = (c[c2 + j + 1] as number) + s21;
        c[c2 + j + 2] = (c[c2 + j + 2] as number) + s22;
        c[c2 + j + 3] = (c[c2 + j + 3] as number) + s23;
      }
    }
    for (let q = 0; q < rows; q++) {
      const aq = a0 + q * lda;
      const cq = c0 + q * ldc;
      for (let j = Math.max(n4, jStart); j < n; j++) {
        const bj = bOff + j * ldb;
        let s = 0;
        for (let r = 0; r < R; r++) s += (at[aq + r] as number) * (bt[bj + r] as number);
        c[cq + j] = (c[cq + j] as number) + s;
      }
    }
  }
}
