/**
 * fast-check arbitraries for cells of every kind (GRU reset after/before, LSTM), variant
 * (dense, factorized, context-switching) and size, with weight scales from gentle (PyTorch's
 * 1/sqrt(h)) to saturating (|w| up to 3), and for the states and inputs to evaluate them at.
 * Exported for other people's property suites.
 *
 * @module
 */
import fc from 'fast-check';
import { randomContextSwitchingCell, randomDenseCell, randomFactorizedCell } from '../cells/random.js';
import type { Cell, CellKind, CellVariant } from '../cells/types.js';
import { createRng } from '../processes/prng.js';

export interface CellCase {
  cell: Cell;
  description: string;
  seed: number;
}

/** Description of a random cell; `build` makes it deterministically from the seed. */
export const cellCaseArbitrary = (variants: readonly CellVariant[] = ['dense', 'factorized', 'context-switching']): fc.Arbitrary<CellCase> =>
  fc
    .record({
      seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
      kind: fc.constantFrom<CellKind>('gru', 'lstm'),
      variant: fc.constantFrom(...variants),
      resetAfter: fc.boolean(),
      groups: fc.integer({ min: 1, max: 4 }),
      blockInput: fc.integer({ min: 1, max: 4 }),
      blockHidden: fc.integer({ min: 1, max: 5 }),
      auxiliaryHidden: fc.integer({ min: 1, max: 4 }),
      scale: fc.oneof(fc.constant(undefined), fc.double({ min: 0.05, max: 3, noNaN: true })),
      maskInput: fc.boolean(),
      maskOutput: fc.boolean(),
    })
    .map((p) => {
      const rng = createRng(p.seed);
      const base = { kind: p.kind, resetAfter: p.resetAfter, ...(p.scale !== undefined ? { scale: p.scale } : {}) };
      const groups = p.variant === 'dense' ? 1 : p.groups;
      const d = groups * p.blockInput, h = groups * p.blockHidden;
      const cell =
        p.variant === 'dense'
          ? randomDenseCell(rng, { ...base, inputSize: d, hiddenSize: h })
          : p.variant === 'factorized'
            ? randomFactorizedCell(rng, { ...base, inputSize: d, hiddenSize: h, groups })
            : randomContextSwitchingCell(rng, { ...base, inputSize: d, hiddenSize: h, groups, auxiliaryHiddenSize: p.auxiliaryHidden, maskInput: p.maskInput, maskOutput: p.maskOutput });
      const description = `${p.variant} ${p.kind}${p.kind === 'gru' ? ` resetAfter=${p.resetAfter}` : ''} d=${d} h=${h} g=${groups} scale=${p.scale ?? 'default'} seed=${p.seed}`;
      return { cell, description, seed: p.seed };
    });

/** A vector of the given length with entries in [-bound, bound]. */
export const vectorArbitrary = (length: number, bound: number): fc.Arbitrary<Float64Array> =>
  fc.array(fc.double({ min: -bound, max: bound, noNaN: true }), { minLength: length, maxLength: length }).map((a) => Float64Array.from(a));

/** A cell together with a state and an input at which to evaluate it. */
export const cellAtPointArbitrary = (variants?: readonly CellVariant[]): fc.Arbitrary<{ c: CellCase; state: Float64Array; input: Float64Array }> =>
  cellCaseArbitrary(variants).chain((c) =>
    fc.record({
      c: fc.constant(c),
      // |h| < 1 as on a trajectory; the LSTM memory c and the context net state may be larger.
      state: vectorArbitrary(c.cell.stateSize, 2),
      input: vectorArbitrary(c.cell.inputSize, 3),
    }),
  );
