/**
 * Jacobian spectra along trajectories: rho(J_t) from the units' blocks equals rho of the full
 * Jacobian (factorized, context-switching, stacked cells), the LSTM c -> c block is diag(f),
 * rho(U) per gate family, sampling, and the single-sequence form used by `lrdkit inspect`.
 */
import { describe, expect, it } from 'vitest';
import { sigmoid } from '../../src/cells/activations.js';
import { FactorizedCell } from '../../src/cells/factorized.js';
import { GruCell } from '../../src/cells/gru.js';
import { LstmCell } from '../../src/cells/lstm.js';
import { randomContextSwitchingCell, randomDenseCell, randomFactorizedCell } from '../../src/cells/random.js';
import type { Cell } from '../../src/cells/types.js';
import { gatePreactivations } from '../../src/analysis/gateSaturation.js';
import { jacobianSpectrum, jacobianSpectrumAlongTrajectory, recurrentSpectralRadii, summarize } from '../../src/analysis/jacobianSpectrum.js';
import { StackedCell } from '../../src/analysis/stackedCells.js';
import { runTrajectories } from '../../src/analysis/trajectories.js';
import { spectralRadius } from '../../src/linalg/eigenvalues.js';
import { spectralNorm } from '../../src/linalg/norms.js';
import { iidGaussian } from '../../src/processes/gaussianNoise.js';
import { createRng } from '../../src/processes/prng.js';

/** The visited states s_t (before step t) of sequence 0 and its inputs, by direct replay. */
function replay(cell: Cell, inputs: Float64Array[]): Float64Array[] {
  const states: Float64Array[] = [];
  let s = cell.initialState();
  for (const x of inputs) {
    states.push(s);
    s = cell.step(s, x);
  }
  return states;
}

describe('jacobianSpectrum', () => {
  const rng = createRng(77);
  const cells: [string, Cell][] = [
    ['dense gru', randomDenseCell(rng, { kind: 'gru', inputSize: 3, hiddenSize: 6, scale: 1.5 })],
    ['factorized lstm g=3', randomFactorizedCell(rng, { kind: 'lstm', inputSize: 3, hiddenSize: 6, groups: 3, scale: 1.5 })],
    ['context-switching gru', randomContextSwitchingCell(rng, { kind: 'gru', inputSize: 4, hiddenSize: 4, groups: 2, auxiliaryHiddenSize: 3, scale: 1.5, maskOutput: true })],
    ['stack lstm -> lstm', new StackedCell([randomDenseCell(rng, { kind: 'lstm', inputSize: 3, hiddenSize: 4, scale: 1.5 }), randomDenseCell(rng, { kind: 'lstm', inputSize: 4, hiddenSize: 3, scale: 1.5 })])],
  ];

  for (const [name, cell] of cells) {
    it(`jacobianSpectrum(${name}) gives rho(J_t) and ||J_t||_2 of the full Jacobian at every visited state`, () => {
      const inputs = iidGaussian(createRng(5), 40, cell.inputSize);
      const r = jacobianSpectrum(cell, { sequences: 1, steps: 40, input: { kind: 'file', sequences: [inputs] } });
      const states = replay(cell, inputs);
      expect(r.step).toEqual(Array.from({ length: 40 }, (_, t) => t));
      r.step.forEach((t, k) => {
        const j = cell.jacobianDense(states[t] as Float64Array, inputs[t] as Float64Array);
        const rho = spectralRadius(j), norm = spectralNorm(j);
        // same matrices up to the permutation to units: eigenvalues agree to rounding (1e-10 relative)
        expect(Math.abs((r.spectralRadius[k] as number) - rho)).toBeLessThan(1e-10 * Math.max(1, rho));
        expect(Math.abs((r.spectralNorm[k] as number) - norm)).toBeLessThan(1e-10 * Math.max(1, norm));
        expect(Math.max(...r.units.map((u) => u.spectralRadius[k] as number))).toBe(r.spectralRadius[k]);
      });
      expect(r.summary.spectralRadius.count).toBe(40);
      expect(r.summary.spectralRadius.max).toBe(Math.max(...r.spectralRadius));
    });
  }

  it('jacobianSpectrum(factorized) reports one unit per block and rho(U) per gate and block', () => {
    const cell = cells[1]?.[1] as FactorizedCell;
    const r = jacobianSpectrum(cell, { sequences: 2, steps: 10, seed: 3 });
    expect(r.units.map((u) => u.label)).toEqual(['block 0', 'block 1', 'block 2']);
    expect(r.recurrent.length).toBe(12);
    const dense = cell.toDense() as LstmCell;
    for (const gate of ['i', 'f', 'g', 'o'] as const) {
      const perBlock = r.recurrent.filter((x) => x.gate === gate).map((x) => x.spectralRadius);
      const h = dense.hiddenSize;
      const full = spectralRadius({ rows: h, cols: h, data: dense.weights[gate].recurrent });
      expect(Math.abs(Math.max(...perBlock) - full)).toBeLessThan(1e-12);
    }
  });

  it('recurrentSpectralRadii(gru) lists rho(U_z), rho(U_r), rho(U_n); per layer for stacks', () => {
    const gru = cells[0]?.[1] as GruCell;
    const h = gru.hiddenSize;
    expect(recurrentSpectralRadii(gru)).toEqual((['z', 'r', 'n'] as const).map((g) => ({ label: 'cell', gate: g, spectralRadius: spectralRadius({ rows: h, cols: h, data: gru.weights[g].recurrent }) })));
    const stack = cells[3]?.[1] as StackedCell;
    expect(recurrentSpectralRadii(stack).map((x) => `${x.label}:${x.gate}`)).toEqual(['layer 0:i', 'layer 0:f', 'layer 0:g', 'layer 0:o', 'layer 1:i', 'layer 1:f', 'layer 1:g', 'layer 1:o']);
  });

  it('the c -> c block of an LSTM Jacobian is diag(f_t), and cellToCell reports max_i f_t[i]', () => {
    const lstm = randomDenseCell(createRng(9), { kind: 'lstm', inputSize: 2, hiddenSize: 5, scale: 2 }) as LstmCell;
    const inputs = iidGaussian(createRng(6), 30, 2);
    const states = replay(lstm, inputs);
    const r = jacobianSpectrum(lstm, { sequences: 1, steps: 30, input: { kind: 'file', sequences: [inputs] } });
    expect(r.cellToCell.map((c) => c.label)).toEqual(['cell']);
    states.forEach((s, t) => {
      const j = lstm.jacobianDense(s, inputs[t] as Float64Array);
      const f = (gatePreactivations(lstm, s, inputs[t] as Float64Array).f as Float64Array).map(sigmoid);
      for (let i = 0; i < 5; i++) {
        for (let k = 0; k < 5; k++) {
          const v = j.data[(5 + i) * 10 + 5 + k] as number;
          if (i === k) expect(Math.abs(v - (f[i] as number))).toBeLessThan(1e-15);
          else expect(v).toBe(0);
        }
      }
      expect(r.cellToCell[0]?.spectralRadius[t]).toBeCloseTo(Math.max(...f), 15);
    });
  });

  it('jacobianSpectrum samples every stride-th step or a stated count', () => {
    const cell = cells[0]?.[1] as Cell;
    const a = jacobianSpectrum(cell, { sequences: 2, steps: 50, seed: 1, sample: { stride: 10 } });
    expect(a.sequence).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
    expect(a.step).toEqual([0, 10, 20, 30, 40, 0, 10, 20, 30, 40]);
    const b = jacobianSpectrum(cell, { sequences: 2, steps: 50, seed: 1, sample: { count: 4 } });
    expect(b.sequence.map((i, k) => i * 50 + (b.step[k] as number))).toEqual([12, 37, 62, 87]);
    expect(() => jacobianSpectrum(cell, { sequences: 1, steps: 5, sample: { stride: 0 } })).toThrow(/jacobianSpectrum: sample.stride is 0, expected an integer >= 1/);
    expect(() => jacobianSpectrum(cell, { sequences: 1, steps: 5, sample: { count: 6 } })).toThrow(/sample.count is 6, expected an integer in 1..5/);
  });

  it('jacobianSpectrumAlongTrajectory(cell, inputs, stride) equals jacobianSpectrum on the same inputs', () => {
    const cell = cells[1]?.[1] as Cell;
    const inputs = iidGaussian(createRng(2), 25, cell.inputSize);
    const t = jacobianSpectrumAlongTrajectory(cell, inputs, 5);
    const states = runTrajectories(cell, { sequences: 1, steps: 25, input: { kind: 'file', sequences: [inputs] } });
    expect(states[0]?.rows).toBe(25);
    expect(t.steps).toEqual([0, 5, 10, 15, 20]);
    const r = jacobianSpectrum(cell, { sequences: 1, steps: 25, input: { kind: 'file', sequences: [inputs] }, sample: { stride: 5 } });
    expect(t.spectralRadius).toEqual(r.spectralRadius);
    expect(t.spectralNorm).toEqual(r.spectralNorm);
    expect(() => jacobianSpectrumAlongTrajectory(cell, inputs, 0)).toThrow(/stride is 0/);
  });

  it('summarize([1, 2, 3, 4]) gives mean 2.5 and type-7 quantiles', () => {
    const s = summarize([4, 1, 3, 2]);
    expect(s).toEqual({ count: 4, mean: 2.5, min: 1, max: 4, q05: 1.15, q50: 2.5, q95: expect.closeTo(3.85, 12) });
    expect(() => summarize([])).toThrow(/summarize: values has 0 entries/);
  });

  it('jacobianSpectrum of a dense GRU matches GruCell instanceof checks (one unit, no cellToCell)', () => {
    const r = jacobianSpectrum(cells[0]?.[1] as Cell, { sequences: 1, steps: 3 });
    expect(r.units.map((u) => u.label)).toEqual(['cell']);
    expect(r.cellToCell).toEqual([]);
    expect(cells[0]?.[1]).toBeInstanceOf(GruCell);
  });
});
