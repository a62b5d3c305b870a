/**
 * Minimal dense matrix helpers on number[][] for the small matrices of VAR(1) models.
 *
 * @module
 */

/** A square matrix of finite numbers, checked; returns its size. */
export function assertSquareMatrix(where: string, name: string, m: readonly (readonly number[])[]): number {
  const n = m.length;
  if (n === 0) throw new RangeError(`${where}: ${name} must be a nonempty square matrix`);
  for (let i = 0; i < n; i++) {
    const row = m[i];
    if (row === undefined || row.length !== n) {
      throw new RangeError(`${where}: ${name} must be square (${n}x${n}); row ${i} has length ${row?.length ?? 0}`);
    }
    for (let j = 0; j < n; j++) {
      const v = row[j];
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new RangeError(`${where}: ${name}[${i}][${j}] must be a finite number, got ${String(v)}`);
      }
    }
  }
  return n;
}

/** C = A B for square n x n matrices. */
export function matMul(a: readonly (readonly number[])[], b: readonly (readonly number[])[]): number[][] {
  const n = a.length;
  const c: number[][] = [];
  for (let i = 0; i < n; i++) {
    const ai = a[i] ?? [];
    const row = new Array<number>(n).fill(0);
    for (let k = 0; k < n; k++) {
      const aik = ai[k] ?? 0;
      if (aik === 0) continue;
      const bk = b[k] ?? [];
      for (let j = 0; j < n; j++) row[j] = (row[j] ?? 0) + aik * (bk[j] ?? 0);
    }
    c.push(row);
  }
  return c;
}

/** A^T. */
export function transpose(a: readonly (readonly number[])[]): number[][] {
  const n = a.length;
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => a[j]?.[i] ?? 0));
}

/** max_ij |A_ij|. */
export function maxAbs(a: readonly (readonly number[])[]): number {
  let m = 0;
  for (const row of a) for (const v of row) m = Math.max(m, Math.abs(v));
  return m;
}

/** The n x n identity. */
export function identity(n: number): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
}

/** y = M x for a square M given as number[][] and x a Float64Array. */
export function matVec(m: readonly (readonly number[])[], x: Float64Array): Float64Array {
  const n = m.length;
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const row = m[i] ?? [];
    let s = 0;
    for (let j = 0; j < n; j++) s += (row[j] ?? 0) * (x[j] ?? 0);
    y[i] = s;
  }
  return y;
}
