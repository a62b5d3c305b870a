/**
 * An independent check of the hand-derived GRU and LSTM Jacobian formulas: for scalar cells
 * (input 1, hidden 1) the update equations are written out as expressions, mathjs
 * differentiates them symbolically (`derivative`), and the derivatives are evaluated at
 * random states and inputs and compared with `cell.jacobian` (d next / d state) and
 * `cell.inputJacobian` (d next / d input). The equations are the frameworks' documented ones:
 * PyTorch nn.GRU / nn.LSTM (https://pytorch.org/docs/stable/generated/torch.nn.GRU.html,
 * torch.nn.LSTM.html) and Keras GRU with reset_after True and False.
 *
 * Tolerance 1e-12 absolute: both sides are float64 evaluations of the same closed forms of
 * magnitude <= ~10 (weights in [-2, 2]); they differ only by the order of operations.
 */
import fc from 'fast-check';
import { derivative, parse } from 'mathjs';
import { describe, expect, it } from 'vitest';
import { gruFromKeras, gruFromPytorch, lstmFromPytorch } from '../../src/cells/frameworks.js';
import type { Cell } from '../../src/cells/types.js';

const sigma = (e: string): string => `(1 / (1 + exp(-(${e}))))`;

/**
 * The update equations (one expression per next-state entry, in the parameters and the
 * variables) differentiated once by mathjs with respect to each state variable and the input.
 */
function symbolicCell(next: string[], stateVars: string[]) {
  const compiled = next.map((expr) => ({
    value: parse(expr).compile(),
    byState: stateVars.map((v) => derivative(expr, v, { simplify: false }).compile()),
    byInput: derivative(expr, 'x', { simplify: false }).compile(),
  }));
  return { compiled, stateVars };
}

function expectJacobians(cell: Cell, sym: ReturnType<typeof symbolicCell>, params: Record<string, number>, state: number[], x: number): void {
  const at: Record<string, number> = { ...params, x, ...Object.fromEntries(sym.stateVars.map((v, i) => [v, state[i] as number])) };
  const J = cell.jacobian(new Float64Array(state), new Float64Array([x]));
  const Jx = cell.inputJacobian(new Float64Array(state), new Float64Array([x]));
  const next = cell.step(new Float64Array(state), new Float64Array([x]));
  sym.compiled.forEach((e, i) => {
    // The value itself first: the expressions are the cell's equations.
    expect(Math.abs((e.value.evaluate(at) as number) - (next[i] as number))).toBeLessThan(1e-12);
    e.byState.forEach((d, j) => expect(Math.abs(((J[i] as number[])[j] as number) - (d.evaluate(at) as number)), `d ${i} / d ${sym.stateVars[j]}`).toBeLessThan(1e-12));
    expect(Math.abs(((Jx[i] as number[])[0] as number) - (e.byInput.evaluate(at) as number)), `d ${i} / d x`).toBeLessThan(1e-12);
  });
}

const weight = fc.double({ min: -2, max: 2, noNaN: true });
const weights = (n: number) => fc.array(weight, { minLength: n, maxLength: n });
const point = fc.record({ h: fc.double({ min: -1, max: 1, noNaN: true }), c: fc.double({ min: -3, max: 3, noNaN: true }), x: fc.double({ min: -3, max: 3, noNaN: true }) });
const named = (names: string[], w: number[]): Record<string, number> => Object.fromEntries(names.map((n, i) => [n, w[i] as number]));

const PYTORCH_GRU_PARAMS = ['wir', 'wiz', 'win', 'whr', 'whz', 'whn', 'bir', 'biz', 'bin', 'bhr', 'bhz', 'bhn'];
const pytorchGru = symbolicCell(
  [`(1 - ${sigma('wiz * x + biz + whz * h + bhz')}) * tanh(win * x + bin + ${sigma('wir * x + bir + whr * h + bhr')} * (whn * h + bhn)) + ${sigma('wiz * x + biz + whz * h + bhz')} * h`],
  ['h'],
);
const KERAS_GRU_PARAMS = ['kz', 'kr', 'kh', 'uz', 'ur', 'uh', 'bz', 'br', 'bh', 'rz', 'rr', 'rh'];
const kerasGru = (resetAfter: boolean) => {
  const z = sigma('kz * x + bz + uz * h + rz'), r = sigma('kr * x + br + ur * h + rr');
  const n = resetAfter ? `tanh(kh * x + bh + ${r} * (uh * h + rh))` : `tanh(kh * x + bh + uh * (${r} * h))`;
  return symbolicCell([`${z} * h + (1 - ${z}) * ${n}`], ['h']);
};
const PYTORCH_LSTM_PARAMS = ['wii', 'wif', 'wig', 'wio', 'whi', 'whf', 'whg', 'who', 'bii', 'bif', 'big', 'bio', 'bhi', 'bhf', 'bhg', 'bho'];
const pytorchLstm = (() => {
  const i = sigma('wii * x + whi * h + bii + bhi'), f = sigma('wif * x + whf * h + bif + bhf');
  const g = 'tanh(wig * x + whg * h + big + bhg)', o = sigma('wio * x + who * h + bio + bho');
  const cNext = `(${f} * c + ${i} * ${g})`;
  return symbolicCell([`${o} * tanh(${cNext})`, cNext], ['h', 'c']);
})();

describe('scalar cells: analytic Jacobians equal mathjs symbolic derivatives of the update equations', () => {
  it("PyTorch GRU: r, z = sigma(W_i x + b_i + W_h h + b_h), n = tanh(W_in x + b_in + r (W_hn h + b_hn)), h' = (1 - z) n + z h", () => {
    fc.assert(
      fc.property(weights(12), point, (w, p) => {
        const cell = gruFromPytorch({ weightIh: [[w[0]!], [w[1]!], [w[2]!]], weightHh: [[w[3]!], [w[4]!], [w[5]!]], biasIh: [w[6]!, w[7]!, w[8]!], biasHh: [w[9]!, w[10]!, w[11]!] });
        expectJacobians(cell, pytorchGru, named(PYTORCH_GRU_PARAMS, w), [p.h], p.x);
      }),
    );
  });

  for (const resetAfter of [true, false]) {
    it(`Keras GRU (reset_after=${resetAfter ? 'True' : 'False'}): gate order z, r, h; the candidate resets ${resetAfter ? 'U h + b_h' : 'h before U'}`, () => {
      const sym = kerasGru(resetAfter);
      fc.assert(
        fc.property(weights(12), point, (w, p) => {
          const bias = resetAfter ? [[w[6]!, w[7]!, w[8]!], [w[9]!, w[10]!, w[11]!]] : [w[6]!, w[7]!, w[8]!];
          const cell = gruFromKeras({ kernel: [[w[0]!, w[1]!, w[2]!]], recurrentKernel: [[w[3]!, w[4]!, w[5]!]], bias }, { resetAfter });
          // reset_after=False has one bias vector: the recurrent biases are zero.
          const params = named(KERAS_GRU_PARAMS, resetAfter ? w : [...w.slice(0, 9), 0, 0, 0]);
          expectJacobians(cell, sym, params, [p.h], p.x);
        }),
      );
    });
  }

  it("PyTorch LSTM, state [h; c]: i, f, o = sigma(.), g = tanh(.), c' = f c + i g, h' = o tanh(c')", () => {
    fc.assert(
      fc.property(weights(16), point, (w, p) => {
        const cell = lstmFromPytorch({ weightIh: [[w[0]!], [w[1]!], [w[2]!], [w[3]!]], weightHh: [[w[4]!], [w[5]!], [w[6]!], [w[7]!]], biasIh: w.slice(8, 12), biasHh: w.slice(12, 16) });
        expectJacobians(cell, pytorchLstm, named(PYTORCH_LSTM_PARAMS, w), [p.h, p.c], p.x);
      }),
    );
  });
});
