/**
 * The input a layer of a stacked network actually sees: a base input process passed through
 * the layers below it, step by step.
 *
 * @module
 */
import type { Cell } from '../cells/types.js';
import { AnalysisInputError } from './errors.js';
import type { InputProcess, InputSequence } from './inputs.js';

const FN = 'drivenInputProcess';

/**
 * The outputs of the layers `below` (layer 1 first) driven by `base`: sequence i is
 *
 *     s_1' = F_1(s_1, x_t),   x_2 = out_1(s_1'),   ...,   y_t = out_L(s_L')
 *
 * with every s_l starting from its layer's initial state at the sequence's first step, so
 * that a cell driven by y runs exactly the top layer of the stacked network [below..., cell]
 * on the base input (same states bit for bit as {@link StackedCell}'s top layer: each layer's
 * step is called on the same arguments in the same order).
 *
 * This is how the audit analyses layer l of a stack: its own state h_l, Jacobian
 * d s_l' / d s_l (the diagonal block of the stack's block-lower-triangular Jacobian, whose
 * spectrum is the union of the blocks'), and Lyapunov exponents of its own cocycle along the
 * driven trajectory (for a block-triangular cocycle, the stack's exponents are the union of
 * the diagonal blocks' exponents).
 *
 * Method: one generator per sequence of the base process (so sequence i is reproducible on
 * its own); each draw steps every layer once (L cell steps per input vector).
 *
 * References: R. Pascanu, C. Gulcehre, K. Cho, Y. Bengio, How to construct deep recurrent
 * neural networks, ICLR 2014, arXiv:1312.6026 (stacked RNNs); L. Arnold, Random Dynamical
 * Systems, Springer 1998, doi:10.1007/978-3-662-12878-7 (triangular cocycles, section 3.4).
 *
 * @throws AnalysisInputError when `below` is empty, a layer's inputSize differs from the width
 *   it reads, or a state becomes non-finite
 * @example
 * const x = inputProcess({ kind: 'gaussian' }, 64);
 * const y = drivenInputProcess(x, [gru64to256]);
 * y.dim; // 256
 * y.sequence(0, 100, 7).next(); // gru64to256's output after its first step
 */
export function drivenInputProcess(base: InputProcess, below: readonly Cell[]): InputProcess {
  const first = below[0];
  if (first === undefined) throw new AnalysisInputError(`${FN}: below has 0 layers, expected at least 1`);
  let width = base.dim;
  below.forEach((c, l) => {
    if (c.inputSize !== width) throw new AnalysisInputError(`${FN}: layer ${l} has inputSize ${c.inputSize}, expected ${width} (${l === 0 ? "the base input's width" : `layer ${l - 1}'s hiddenSize`})`);
    width = c.hiddenSize;
  });
  const shape = [base.dim, ...below.map((c) => c.hiddenSize)].join(' -> ');
  return {
    spec: base.spec,
    dim: width,
    description: `${base.description}; through ${below.length} layer${below.length === 1 ? '' : 's'} below (${first.kind.toUpperCase()} ${shape})`,
    sequenceCount: base.sequenceCount,
    maxLength: base.maxLength,
    sequence(index: number, length: number, seed: number): InputSequence {
      const seq = base.sequence(index, length, seed);
      const states = below.map((c) => c.initialState());
      let t = 0;
      return {
        next(): Float64Array {
          let x = seq.next();
          below.forEach((c, l) => {
            const s = c.step(states[l] as Float64Array, x);
            for (let k = 0; k < s.length; k++) {
              if (!Number.isFinite(s[k] as number)) throw new AnalysisInputError(`${FN}: state entry ${k} of layer ${l} (sequence ${index}, step ${t}) is ${s[k]}, expected a finite number (the layer diverged)`);
            }
            states[l] = s;
            x = c.output(s);
          });
          t++;
          return x;
        },
      };
    },
  };
}
