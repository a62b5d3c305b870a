/** mixedDimensionPlan: the documented example, invariants on random counts, and errors. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RecsysInputError } from '../../src/recsys/errors.js';
import { mixedDimensionPlan } from '../../src/recsys/mixedDimensionPlan.js';

describe('mixedDimensionPlan', () => {
  it('the documented example, by hand', () => {
    const plan = mixedDimensionPlan([100, 50, 10, 5, 1, 1, 0, 0], { blocks: 4, baseDimension: 16, temperature: 0.5 });
    // p_b / p_1 = 1, 15/150, 2/150, 0 -> 16 sqrt(ratio) = 16, 5.06, 1.85, 0 -> 16, 5, 2, 2 (min 2).
    expect(plan.blocks.map((b) => b.dimension)).toEqual([16, 5, 2, 2]);
    expect(plan.parameterCount).toBe(194);
    expect(plan.uniformParameterCount).toBe(128);
    expect([...plan.blocks[1]!.items]).toEqual([2, 3]);
    expect(plan.blockOf[3]).toBe(1);
    expect(plan.rowOf[3]).toBe(1);
  });

  it('every item in exactly one block; dimensions fall with popularity; temperature 0 is uniform', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 1000 }), { minLength: 4, maxLength: 300 }), fc.integer({ min: 1, max: 4 }), fc.double({ min: 0, max: 2, noNaN: true }), (counts, blocks, temperature) => {
        fc.pre(counts.some((c) => c > 0));
        const plan = mixedDimensionPlan(counts, { blocks, baseDimension: 24, temperature });
        const seen = new Int32Array(counts.length);
        plan.blocks.forEach((b, bi) => b.items.forEach((id, r) => {
          seen[id] = (seen[id] as number) + 1;
          expect(plan.blockOf[id]).toBe(bi);
          expect(plan.rowOf[id]).toBe(r);
        }));
        expect([...seen].every((c) => c === 1)).toBe(true);
        for (let b = 1; b < plan.blocks.length; b++) expect(plan.blocks[b]!.dimension).toBeLessThanOrEqual(plan.blocks[b - 1]!.dimension);
        expect(plan.blocks[0]!.dimension).toBe(24);
        const uniform = mixedDimensionPlan(counts, { blocks, baseDimension: 24, temperature: 0 });
        expect(uniform.parameterCount).toBe(uniform.uniformParameterCount);
      }),
      { numRuns: 100 },
    );
  });

  it('refuses bad counts and options', () => {
    expect(() => mixedDimensionPlan([0, 0], { blocks: 2 })).toThrow(new RecsysInputError('mixedDimensionPlan: every count is 0, expected a positive total'));
    expect(() => mixedDimensionPlan([1, 2], { blocks: 3 })).toThrow(new RecsysInputError('mixedDimensionPlan: blocks is 3, expected an integer in 1..2 (the items)'));
    expect(() => mixedDimensionPlan([1, -2], { blocks: 1 })).toThrow(new RecsysInputError('mixedDimensionPlan: counts[1] is -2, expected a finite number >= 0'));
  });
});
