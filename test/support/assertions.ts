/**
 * Reusable law helpers for lrdkit's tests (fast-check style: each throws with the location
 * and the numbers when the law fails).
 */
import type { Matrix } from '../../src/linalg/dense.js';

/** max_ij |a_ij - b_ij| / max(1, max_ij |b_ij|): relative error against a reference b. */
export function relativeError(a: ArrayLike<number> | Matrix, b: ArrayLike<number> | Matrix): number {
  const fa = flatten(a), fb = flatten(b);
  if (fa.length !== fb.length) throw new Error(`relativeError: lengths differ, ${fa.length} vs ${fb.length}`);
  let err = 0, scale = 0;
  for (let i = 0; i < fa.length; i++) {
    err = Math.max(err, Math.abs((fa[i] as number) - (fb[i] as number)));
    scale = Math.max(scale, Math.abs(fb[i] as number));
  }
  return err / Math.max(1, scale);
}

/** Throws unless relativeError(a, b) <= tol, naming what was compared. */
export function assertClose(a: ArrayLike<number> | Matrix, b: ArrayLike<number> | Matrix, tol: number, what: string): void {
  const e = relativeError(a, b);
  if (!(e <= tol)) throw new Error(`${what}: relative error ${e.toExponential(3)} exceeds ${tol.toExponential(1)}`);
}

/** Throws unless `m` (rows x cols) is zero outside `groups` equal contiguous diagonal blocks. */
export function assertBlockDiagonal(m: Matrix, groups: number, what: string): void {
  const rows = m.length, cols = (m[0] ?? []).length;
  const br = rows / groups, bc = cols / groups;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      if (Math.floor(i / br) !== Math.floor(j / bc) && (m[i] as number[])[j] !== 0) {
        throw new Error(`${what}: entry (${i}, ${j}) = ${(m[i] as number[])[j]} lies off the ${groups} diagonal blocks`);
      }
    }
  }
}

function flatten(a: ArrayLike<number> | Matrix): number[] {
  if (Array.isArray(a) && Array.isArray(a[0])) return (a as Matrix).flat();
  return Array.from(a as ArrayLike<number>);
}
