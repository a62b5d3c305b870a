/**
 * The bootstrap intervals of the SRD/LRD verdict use the linear-interpolation quantile
 * (Hyndman & Fan 1996, type 7: h = (n - 1) p, x[floor h] + (h - floor h)(x[ceil h] - x[floor h]);
 * doi:10.1080/00031305.1996.10473566). correlationVerdict takes it from simple-statistics'
 * quantileSorted; this pins that quantileSorted is exactly that formula, bit for bit (the
 * verdicts and committed reports did not change when the hand-written copy was replaced).
 */
import fc from 'fast-check';
import { quantileSorted } from 'simple-statistics';
import { describe, expect, it } from 'vitest';

function type7(sorted: readonly number[], p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h), hi = Math.ceil(h);
  return (sorted[lo] as number) + (h - lo) * ((sorted[hi] as number) - (sorted[lo] as number));
}

describe("simple-statistics' quantileSorted is the type-7 quantile", () => {
  it('bit for bit on random ascending samples and probabilities (including 0, 1 and the interval ends 0.025, 0.975)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 300 }),
        fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(0, 1, 0.025, 0.975, 0.25, 0.75, 0.5)),
        (xs, p) => {
          const sorted = [...xs].sort((a, b) => a - b);
          expect(Object.is(quantileSorted(sorted, p), type7(sorted, p))).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('known values: [1, 2, 3, 4, 5] at p = 0.3 is 2.2 (R: quantile(1:5, 0.3) = 2.2)', () => {
    expect(quantileSorted([1, 2, 3, 4, 5], 0.3)).toBeCloseTo(2.2, 15);
    expect(quantileSorted([1, 2, 3, 4], 0.25)).toBe(1.75);
  });
});
