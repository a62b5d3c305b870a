/**
 * Property tests of the cells: analytic Jacobians against finite differences, and the
 * structural laws of factorized and context-switching cells (section 2.2 of the paper).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ContextSwitchingCell } from '../../src/cells/contextSwitching.js';
import { FactorizedCell, factorize } from '../../src/cells/factorized.js';
import { randomDenseCell, randomFactorizedCell } from '../../src/cells/random.js';
import type { Cell } from '../../src/cells/types.js';
import { eigenvalues, spectralRadius } from '../../src/linalg/eigenvalues.js';
import { createRng } from '../../src/processes/prng.js';
import { assertBlockDiagonal, relativeError } from '../support/assertions.js';
import { cellAtPointArbitrary, cellCaseArbitrary, vectorArbitrary } from '../support/cellArbitraries.js';

/**
 * Fourth-order central difference of F along coordinate j of `at`:
 * (8 (F(x+d) - F(x-d)) - (F(x+2d) - F(x-2d))) / (12 d). Truncation error O(d^4 F^(5)) and
 * rounding error O(eps |F| / d); with d = 1e-4 both are below 1e-9 for the cells here
 * (|F| <= ~10, derivatives bounded by products of weight row sums), so the stated bound
 * 1e-6 on the relative error leaves three orders of margin while any wrong term in an
 * analytic Jacobian shows up as an O(1e-2..1) error.
 */
function finiteDifferenceJacobian(f: (v: Float64Array) => Float64Array, at: Float64Array, rows: number): number[][] {
  const d = 1e-4;
  const out = Array.from({ length: rows }, () => new Array<number>(at.length).fill(0));
  for (let j = 0; j < at.length; j++) {
    const shifted = (t: number): Float64Array => {
      const v = Float64Array.from(at);
      v[j] = (v[j] as number) + t;
      return f(v);
    };
    const p1 = shifted(d), m1 = shifted(-d), p2 = shifted(2 * d), m2 = shifted(-2 * d);
    for (let i = 0; i < rows; i++) {
      (out[i] as number[])[j] = (8 * ((p1[i] as number) - (m1[i] as number)) - ((p2[i] as number) - (m2[i] as number))) / (12 * d);
    }
  }
  return out;
}

describe('analytic Jacobians', () => {
  it('jacobian(s, x) matches central finite differences to 1e-6 relative for every kind, variant and size', () => {
    fc.assert(
      fc.property(cellAtPointArbitrary(), ({ c, state, input }) => {
        const fd = finiteDifferenceJacobian((s) => c.cell.step(s, input), state, c.cell.stateSize);
        const err = relativeError(c.cell.jacobian(state, input), fd);
        if (!(err <= 1e-6)) throw new Error(`${c.description}: state Jacobian relative error ${err}`);
      }),
      { numRuns: 300 },
    );
  });

  it('inputJacobian(s, x) matches central finite differences to 1e-6 relative for every kind, variant and size', () => {
    fc.assert(
      fc.property(cellAtPointArbitrary(), ({ c, state, input }) => {
        const fd = finiteDifferenceJacobian((x) => c.cell.step(state, x), input, c.cell.stateSize);
        const err = relativeError(c.cell.inputJacobian(state, input), fd);
        if (!(err <= 1e-6)) throw new Error(`${c.description}: input Jacobian relative error ${err}`);
      }),
      { numRuns: 300 },
    );
  });

  it('a wrong Jacobian is caught: the finite-difference check rejects a transposed GRU Jacobian', () => {
    const cell = randomDenseCell(createRng(7), { kind: 'gru', inputSize: 3, hiddenSize: 5, scale: 1 });
    const s = Float64Array.from([0.1, -0.4, 0.3, 0.8, -0.2]), x = Float64Array.from([1, -1, 0.5]);
    const j = cell.jacobian(s, x);
    const transposed = j.map((row, i) => row.map((_, k) => (j[k] as number[])[i] as number));
    const fd = finiteDifferenceJacobian((v) => cell.step(v, x), s, 5);
    expect(relativeError(j, fd)).toBeLessThan(1e-9);
    expect(relativeError(transposed, fd)).toBeGreaterThan(1e-3);
  });
});

describe('factorized cells (eq. 14)', () => {
  const factorizedAtPoint = cellAtPointArbitrary(['factorized']);

  it('step equals g independent cells on g slices of input and state, exactly', () => {
    fc.assert(
      fc.property(factorizedAtPoint, ({ c, state, input }) => {
        const f = c.cell as FactorizedCell;
        const next = f.step(state, input);
        f.blocks.forEach((block, b) => {
          const alone = block.step(f.blockState(state, b), f.blockInput(input, b));
          const idx = f.blockStateIndices(b);
          idx.forEach((k, i) => {
            if (next[k] !== alone[i]) throw new Error(`${c.description}: block ${b} entry ${i}: ${next[k]} vs ${alone[i]}`);
          });
        });
      }),
    );
  });

  it('step and Jacobian equal those of the dense cell with block-diagonal weights (toDense), exactly', () => {
    fc.assert(
      fc.property(factorizedAtPoint, ({ c, state, input }) => {
        const f = c.cell as FactorizedCell;
        const dense = f.toDense();
        expect(Array.from(dense.step(state, input))).toEqual(Array.from(f.step(state, input)));
        expect(dense.jacobian(state, input)).toEqual(f.jacobian(state, input));
      }),
    );
  });

  it('the state Jacobian is block diagonal (each of the [h; c] quadrants for an LSTM)', () => {
    fc.assert(
      fc.property(factorizedAtPoint, ({ c, state, input }) => {
        const f = c.cell as FactorizedCell;
        const j = f.jacobian(state, input);
        const h = f.hiddenSize;
        if (f.kind === 'gru') {
          assertBlockDiagonal(j, f.groups, c.description);
        } else {
          for (const [r0, c0] of [[0, 0], [0, h], [h, 0], [h, h]] as const) {
            assertBlockDiagonal(j.slice(r0, r0 + h).map((row) => row.slice(c0, c0 + h)), f.groups, `${c.description} quadrant (${r0}, ${c0})`);
          }
        }
      }),
    );
  });

  it('the spectrum of the Jacobian is the union of the blocks\' spectra', () => {
    fc.assert(
      fc.property(factorizedAtPoint, ({ c, state, input }) => {
        const f = c.cell as FactorizedCell;
        const whole = spectralRadius(f.jacobian(state, input));
        const blocks = Math.max(...f.blockJacobians(state, input).map((b) => spectralRadius(b)));
        expect(Math.abs(whole - blocks)).toBeLessThanOrEqual(1e-12 * Math.max(1, blocks));
        const all = eigenvalues(f.jacobian(state, input));
        expect(all.re.length).toBe(f.stateSize);
      }),
    );
  });

  it('factorize(toDense(f), g) recovers f', () => {
    fc.assert(
      fc.property(factorizedAtPoint, ({ c, state, input }) => {
        const f = c.cell as FactorizedCell;
        const again = factorize(f.toDense(), f.groups);
        expect(Array.from(again.step(state, input))).toEqual(Array.from(f.step(state, input)));
      }),
    );
  });

  it('factorize rejects a dense cell whose weights are not block diagonal, naming the entry', () => {
    const dense = randomDenseCell(createRng(3), { kind: 'lstm', inputSize: 4, hiddenSize: 4 });
    expect(() => factorize(dense, 2)).toThrow(/gate i input weights entry \(0, 2\) = .* lies off the 2 diagonal blocks/);
  });

  it('has g times fewer parameters and FLOPs than the dense cell of equal width (up to biases)', () => {
    const rng = createRng(11);
    for (const kind of ['gru', 'lstm'] as const) {
      const f = randomFactorizedCell(rng, { kind, inputSize: 32, hiddenSize: 64, groups: 4 });
      const d = f.toDense();
      expect(d.flopsPerStep / f.flopsPerStep).toBe(4);
      const biases = (kind === 'gru' ? 3 : 4) * 2 * 64;
      expect((d.parameterCount - biases) / (f.parameterCount - biases)).toBe(4);
    }
  });
});

describe('context-switching cells (section 2.2.3)', () => {
  it('with a one-hot mask on block j, block j evolves exactly as the independent cell j and the output is its output', () => {
    fc.assert(
      fc.property(
        cellCaseArbitrary(['factorized']),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        (c, jRaw, auxHidden, steps, seed) => {
          const experts = c.cell as FactorizedCell;
          const g = experts.groups, j = jRaw % g;
          const rng = createRng(seed);
          const auxiliary = randomDenseCell(rng, { kind: 'gru', inputSize: experts.inputSize, hiddenSize: auxHidden });
          // V = 0 and a bias of 800 on j: softmax is exactly one-hot in float64 (exp(-800) = 0).
          const cs = new ContextSwitchingCell({
            experts,
            auxiliary,
            readout: { weight: Array.from({ length: g }, () => new Array<number>(auxHidden).fill(0)), bias: Array.from({ length: g }, (_, b) => (b === j ? 800 : 0)) },
            maskInput: true,
            maskOutput: true,
          });
          let s = cs.initialState();
          const block = experts.blocks[j]!;
          let sb = block.initialState();
          for (let t = 0; t < steps; t++) {
            const x = Float64Array.from({ length: experts.inputSize }, () => 2 * rng.uniform() - 1);
            s = cs.step(s, x);
            sb = block.step(sb, experts.blockInput(x, j));
            const out = cs.output(s);
            const bo = block.output(sb);
            const h0 = experts.blockStateIndices(j)[0]!;
            for (let i = 0; i < experts.hiddenSize; i++) {
              const expected = i >= h0 && i < h0 + block.hiddenSize ? (bo[i - h0] as number) : 0;
              if (out[i] !== expected) throw new Error(`${c.description} j=${j} t=${t}: output ${i} is ${out[i]}, expected ${expected}`);
            }
            const es = experts.blockState(s.subarray(0, experts.stateSize), j);
            expect(Array.from(es)).toEqual(Array.from(sb));
          }
        },
      ),
    );
  });

  it('the state Jacobian is block upper triangular: the auxiliary state does not depend on the experts', () => {
    fc.assert(
      fc.property(cellAtPointArbitrary(['context-switching']), ({ c, state, input }) => {
        const cs = c.cell as ContextSwitchingCell;
        const j = cs.jacobian(state, input);
        const e = cs.experts.stateSize;
        for (let i = e; i < cs.stateSize; i++) for (let k = 0; k < e; k++) expect((j[i] as number[])[k]).toBe(0);
        const whole = spectralRadius(j);
        const parts = Math.max(...cs.experts.blockJacobians(state.subarray(0, e), maskedInput(cs, state, input)).map((b) => spectralRadius(b)), spectralRadius(cs.auxiliary.jacobian(state.subarray(e), input)));
        expect(Math.abs(whole - parts)).toBeLessThanOrEqual(1e-9 * Math.max(1, parts));
      }),
    );
  });

  it('the mask is normalized: positive entries summing to 1', () => {
    fc.assert(
      fc.property(cellAtPointArbitrary(['context-switching']), ({ c, state }) => {
        const cs = c.cell as ContextSwitchingCell;
        const m = cs.mask(state.subarray(cs.experts.stateSize));
        expect(m.every((v) => v >= 0)).toBe(true);
        expect(Math.abs(m.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-15 * m.length);
      }),
    );
  });
});

function maskedInput(cs: ContextSwitchingCell, state: Float64Array, input: Float64Array): Float64Array {
  if (!cs.maskInput) return input;
  const m = cs.mask(cs.auxiliary.step(state.subarray(cs.experts.stateSize), input));
  const x = Float64Array.from(input);
  cs.experts.blocks.forEach((_, b) => {
    const slice = cs.experts.blockInput(x, b);
    for (let i = 0; i < slice.length; i++) slice[i] = (slice[i] as number) * (m[b] as number);
  });
  return x;
}

describe('cell validation', () => {
  const cell: Cell = randomDenseCell(createRng(1), { kind: 'lstm', inputSize: 3, hiddenSize: 4 });
  it('step rejects a state of the wrong length, naming expected and found', () => {
    expect(() => cell.step(new Float64Array(4), new Float64Array(3))).toThrow('LstmCell state [h; c]: expected length 8, found 4');
  });
  it('step rejects an input of the wrong length', () => {
    expect(() => cell.step(new Float64Array(8), new Float64Array(2))).toThrow('LstmCell input: expected length 3, found 2');
  });
  it('vectorArbitrary draws vectors of the requested length (support check)', () => {
    fc.assert(fc.property(vectorArbitrary(5, 1), (v) => v.length === 5));
  });
});

describe('gates(state, input)', () => {
  it('returns the gate values the step combines: GRU h\' = z h + (1 - z) n, LSTM c\' = f c + i g, h\' = o tanh(c\')', () => {
    fc.assert(
      fc.property(cellAtPointArbitrary(['dense']), ({ c, state, input }) => {
        const next = c.cell.step(state, input);
        const h = c.cell.hiddenSize;
        if (c.cell.kind === 'gru') {
          const { z, n } = (c.cell as import('../../src/cells/gru.js').GruCell).gates(state, input);
          for (let i = 0; i < h; i++) expect(next[i]).toBe(z[i]! * state[i]! + (1 - z[i]!) * n[i]!);
        } else {
          const g = (c.cell as import('../../src/cells/lstm.js').LstmCell).gates(state, input);
          for (let i = 0; i < h; i++) {
            const cNext = g.f[i]! * state[h + i]! + g.i[i]! * g.g[i]!;
            expect(next[h + i]).toBe(cNext);
            expect(next[i]).toBe(g.o[i]! * Math.tanh(cNext));
          }
        }
      }),
    );
  });
});
