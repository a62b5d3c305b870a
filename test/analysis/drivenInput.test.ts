/**
 * drivenInputProcess: a layer driven through the layers below it sees exactly what the top
 * layer of the stacked network sees, so its trajectory is the stack's top layer bit for bit.
 */
import { describe, expect, it } from 'vitest';
import { randomContextSwitchingCell, randomDenseCell, randomFactorizedCell } from '../../src/cells/random.js';
import type { Cell } from '../../src/cells/types.js';
import { drivenInputProcess } from '../../src/analysis/drivenInput.js';
import { AnalysisInputError } from '../../src/analysis/errors.js';
import { inputProcess } from '../../src/analysis/inputs.js';
import { lyapunovSpectrum } from '../../src/analysis/lyapunov.js';
import { StackedCell } from '../../src/analysis/stackedCells.js';
import { visitTrajectories } from '../../src/analysis/trajectories.js';
import { createRng } from '../../src/processes/prng.js';

const stacks: [string, () => Cell[]][] = [
  ['GRU 3 -> 8 -> 6', () => [randomDenseCell(createRng(1), { kind: 'gru', inputSize: 3, hiddenSize: 8 }), randomDenseCell(createRng(2), { kind: 'gru', inputSize: 8, hiddenSize: 6 })]],
  [
    'LSTM 4 -> 6 (g = 2) -> 5 -> 7',
    () => [
      randomFactorizedCell(createRng(3), { kind: 'lstm', inputSize: 4, hiddenSize: 6, groups: 2 }),
      randomDenseCell(createRng(4), { kind: 'lstm', inputSize: 6, hiddenSize: 5 }),
      randomDenseCell(createRng(5), { kind: 'lstm', inputSize: 5, hiddenSize: 7 }),
    ],
  ],
  ['context-switching GRU 4 -> 6 -> GRU 4', () => [randomContextSwitchingCell(createRng(6), { kind: 'gru', inputSize: 4, hiddenSize: 6, groups: 2, auxiliaryHiddenSize: 3 }), randomDenseCell(createRng(7), { kind: 'gru', inputSize: 6, hiddenSize: 4 })]],
];

describe('drivenInputProcess', () => {
  for (const [name, make] of stacks) {
    it(`${name}: the driven top layer's outputs equal the stack's, bit for bit`, () => {
      const layers = make();
      const top = layers[layers.length - 1] as Cell;
      const base = inputProcess({ kind: 'ar1', phi: 0.7 }, (layers[0] as Cell).inputSize);
      const options = { sequences: 3, steps: 40, burnIn: 7, seed: 11 };
      const net = new StackedCell(layers);
      const offset = net.stateOffsets[layers.length - 1] as number;
      const stacked: number[][] = [];
      const driven: number[][] = [];
      visitTrajectories(net, { ...options, input: base }, { step: ({ next }) => void stacked.push([...next.subarray(offset)]) });
      visitTrajectories(top, { ...options, input: drivenInputProcess(base, layers.slice(0, -1)) }, { step: ({ next }) => void driven.push([...next]) });
      expect(driven).toHaveLength(3 * 40);
      expect(driven).toEqual(stacked);
    });
  }

  it("the stack's top Lyapunov exponent is the max of its layers' own exponents (block-triangular cocycle)", () => {
    const layers = (stacks[0] as [string, () => Cell[]])[1]();
    const base = inputProcess({ kind: 'gaussian' }, 3);
    const options = { steps: 3000, burnIn: 50, seed: 3 };
    const whole = lyapunovSpectrum(new StackedCell(layers), { ...options, input: base }, 1).lyapunovPerStep[0] as number;
    const lower = lyapunovSpectrum(layers[0] as Cell, { ...options, input: base }, 1).lyapunovPerStep[0] as number;
    const upper = lyapunovSpectrum(layers[1] as Cell, { ...options, input: drivenInputProcess(base, [layers[0] as Cell]) }, 1).lyapunovPerStep[0] as number;
    // Same trajectory, finite-time estimates of the same exponent: agree to the QR estimator's
    // finite-time error, far below the gap between the layers' exponents.
    expect(Math.abs(whole - Math.max(lower, upper))).toBeLessThan(0.02 * Math.abs(whole));
    expect(Math.abs(lower - upper)).toBeGreaterThan(0.05 * Math.abs(whole));
  });

  it('describes the drive, keeps the base sizes and refuses bad stacks', () => {
    const [a, b] = (stacks[0] as [string, () => Cell[]])[1]() as [Cell, Cell];
    const base = inputProcess({ kind: 'gaussian' }, 3);
    const p = drivenInputProcess(base, [a]);
    expect(p.dim).toBe(8);
    expect(p.sequenceCount).toBe(Infinity);
    expect(p.description).toBe('iid N(0, 1); 3 independent channels; through 1 layer below (GRU 3 -> 8)');
    expect(() => drivenInputProcess(base, [])).toThrow(new AnalysisInputError('drivenInputProcess: below has 0 layers, expected at least 1'));
    expect(() => drivenInputProcess(base, [b])).toThrow(new AnalysisInputError("drivenInputProcess: layer 0 has inputSize 8, expected 3 (the base input's width)"));
    expect(() => drivenInputProcess(base, [a, a])).toThrow(new AnalysisInputError("drivenInputProcess: layer 1 has inputSize 3, expected 8 (layer 0's hiddenSize)"));
  });

  it('names the layer, sequence and step when a layer diverges', () => {
    const wild = randomDenseCell(createRng(9), { kind: 'gru', inputSize: 2, hiddenSize: 3 });
    const bad = Object.create(wild) as Cell;
    let calls = 0;
    bad.step = (s, x) => (++calls === 5 ? new Float64Array(3).fill(Number.NaN) : wild.step(s, x));
    const p = drivenInputProcess(inputProcess({ kind: 'gaussian' }, 2), [bad]);
    const seq = p.sequence(0, 10, 1);
    for (let t = 0; t < 4; t++) seq.next();
    expect(() => seq.next()).toThrow('drivenInputProcess: state entry 0 of layer 0 (sequence 0, step 4) is NaN, expected a finite number (the layer diverged)');
  });
});
