/**
 * The whole-sequence WebAssembly kernels (src/train/internal/wholeSequence.ts, recurrent.wat)
 * against independent references:
 *
 * - the committed binary is recurrent.wat compiled by wabt;
 * - their sigmoid and tanh against Math.exp / Math.tanh in float64;
 * - forward outputs and every gradient (d xp, dU, GRU dc) of a GRU and an LSTM layer, dense
 *   (g = 1) and factorized (g = 2), against the float64 src/cells cells (gruFromKeras /
 *   lstmFromKeras, the analysis reference) stepped over the same inputs and differentiated by
 *   central finite differences in float64. Sizes are small and deliberately not multiples of 4
 *   (hb = 3, B = 3), so the kernels' zero padding is exercised.
 *
 * The TF.js-level checks (the model's gradients against TF.js autodiff of the plain step, every
 * variant including context switching) are in gradients.test.ts.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { relativeError } from './helpers.js';
import { compiledWatBase64 } from '../support/compileWat.js';
import { gruFromKeras, lstmFromKeras } from '../../src/cells/frameworks.js';
import type { Cell } from '../../src/cells/types.js';
import { createRng } from '../../src/processes/prng.js';
import { gruSequenceBackward, gruSequenceForward, kernelActivation, lstmSequenceBackward, lstmSequenceForward } from '../../src/train/internal/wholeSequence.js';
import { RECURRENT_WASM_BASE64 } from '../../src/train/internal/wasm/recurrentWasm.js';
import { recurrentImplementations, restoreDefaultKernels } from './nativeSupport.js';

const WAT = fileURLToPath(new URL('../../src/train/internal/wasm/recurrent.wat', import.meta.url));

describe('recurrent.wat', () => {
  it('the committed recurrentWasm.ts is recurrent.wat compiled by wabt (run `npm run wasm` after editing the .wat)', async () => {
    expect(await compiledWatBase64(WAT)).toBe(RECURRENT_WASM_BASE64);
  });
});

afterAll(restoreDefaultKernels);

for (const impl of recurrentImplementations()) {
  describe(`${impl.label} activations`, () => {
    it('sigmoid and tanh within 4e-7 absolute of the float64 functions on [-100, 100] (float32 output)', () => {
      impl.install();
      // Tolerance: the float32 spacing near 1 is 6e-8 (1.2e-7 just below 1); Cephes' expf is within
      // 2 ulp, the division and 2 s - 1 add one rounding each, and tanh = 2 sigma(2x) - 1 doubles
      // sigma's absolute error: about 3 ulp of 1. A wrong coefficient or range reduction is off by 1e-3 or more.
      const x = Float32Array.from({ length: 20001 }, (_, i) => -100 + i / 100);
      const s = kernelActivation('sigmoid', x), t = kernelActivation('tanh', x);
      let es = 0, et = 0;
      x.forEach((v, i) => {
        es = Math.max(es, Math.abs((s[i] as number) - 1 / (1 + Math.exp(-v))));
        et = Math.max(et, Math.abs((t[i] as number) - Math.tanh(v)));
      });
      expect(es).toBeLessThan(4e-7);
      expect(et).toBeLessThan(4e-7);
    });
  });
}

const f32 = (x: number) => Math.fround(x);

interface Problem {
  readonly kind: 'gru' | 'lstm';
  readonly g: number;
  readonly T: number;
  readonly B: number;
  readonly hb: number;
  readonly xp: Float32Array;
  readonly u: Float32Array;
  readonly c: Float32Array;
  readonly dy: Float32Array;
}

function problem(kind: 'gru' | 'lstm', g: number, seed: number): Problem {
  const T = 5, B = 3, hb = 3, G = kind === 'gru' ? 3 : 4;
  const rng = createRng(seed);
  const draw = (n: number, scale: number) => Float32Array.from({ length: n }, () => f32(scale * (2 * rng.uniform() - 1)));
  return { kind, g, T, B, hb, xp: draw(g * T * B * G * hb, 1.5), u: draw(g * hb * G * hb, 0.8), c: draw(g * G * hb, 0.5), dy: draw(g * T * B * hb, 1) };
}

/** Block k of the layer as a src/cells cell reading xp directly (kernel = identity, input bias 0). */
function cellOf(p: Problem, u: Float64Array, c: Float64Array, k: number): Cell {
  const G = p.kind === 'gru' ? 3 : 4, w = G * p.hb;
  const kernel = Array.from({ length: w }, (_, i) => Array.from({ length: w }, (_, j) => (i === j ? 1 : 0)));
  const recurrentKernel = Array.from({ length: p.hb }, (_, i) => Array.from(u.subarray(k * p.hb * w + i * w, k * p.hb * w + (i + 1) * w)));
  if (p.kind === 'gru') return gruFromKeras({ kernel, recurrentKernel, bias: [new Array(w).fill(0), Array.from(c.subarray(k * w, (k + 1) * w))] }, { resetAfter: true });
  return lstmFromKeras({ kernel, recurrentKernel, bias: new Array(w).fill(0) });
}

/** Float64 outputs h [g, T, B, hb] of the src/cells cells. */
function referenceOutputs(p: Problem, xp: Float64Array, u: Float64Array, c: Float64Array): Float64Array {
  const G = p.kind === 'gru' ? 3 : 4, w = G * p.hb;
  const out = new Float64Array(p.g * p.T * p.B * p.hb);
  for (let k = 0; k < p.g; k++) {
    const cell = cellOf(p, u, c, k);
    for (let b = 0; b < p.B; b++) {
      let s = cell.initialState();
      for (let t = 0; t < p.T; t++) {
        const at = ((k * p.T + t) * p.B + b) * w;
        s = cell.step(s, xp.subarray(at, at + w));
        out.set(cell.output(s), ((k * p.T + t) * p.B + b) * p.hb);
      }
    }
  }
  return out;
}

/** L = sum dy . h in float64, and its central differences in every entry of xp, u, c. */
function finiteDifferences(p: Problem): { h: Float64Array; dxp: Float64Array; du: Float64Array; dc: Float64Array } {
  const xp = Float64Array.from(p.xp), u = Float64Array.from(p.u), c = Float64Array.from(p.c);
  const loss = () => referenceOutputs(p, xp, u, c).reduce((s, v, i) => s + v * (p.dy[i] as number), 0);
  const eps = 1e-6;
  const diff = (x: Float64Array) =>
    Float64Array.from(x, (v, i) => {
      x[i] = v + eps;
      const up = loss();
      x[i] = v - eps;
      const down = loss();
      x[i] = v;
      return (up - down) / (2 * eps);
    });
  return { h: referenceOutputs(p, xp, u, c), dxp: diff(xp), du: diff(u), dc: p.kind === 'gru' ? diff(c) : new Float64Array(0) };
}


// Tolerance 2e-6 relative to the largest entry: the kernels are float32 (unit roundoff 6e-8)
// with activations within 3 ulp; over T = 5 steps of products of length <= 12 the forward
// outputs and the gradients carry errors of a few 1e-7 relative (measured: 1.2e-7 to 2.5e-7). Central differences with step
// 1e-6 in float64 err by about eps^2 |f'''| ~ 1e-12 plus 1e-16 / 1e-6 ~ 1e-10 rounding: the
// bound is set by float32 alone. A wrong derivative term is off by 1e-2 or more.
const TOLERANCE = 2e-6;

for (const impl of recurrentImplementations()) describe(`${impl.label}: whole-sequence kernels equal the float64 src/cells equations and their finite-difference gradients`, () => {
  for (const kind of ['gru', 'lstm'] as const) {
    for (const g of [1, 2]) {
      it(`${kind} ${g === 1 ? 'dense' : `factorized g=${g}`} (hb 3, batch 3, T 5): h, d xp, dU${kind === 'gru' ? ', dc' : ''} within ${TOLERANCE}`, () => {
        impl.install();
        const p = problem(kind, g, (kind === 'gru' ? 10 : 20) + g);
        const sizes = { g, T: p.T, B: p.B, hb: p.hb };
        const fwd = kind === 'gru' ? gruSequenceForward(p.xp, p.u, p.c, sizes) : lstmSequenceForward(p.xp, p.u, sizes);
        const grads = kind === 'gru' ? gruSequenceBackward(p.dy, fwd, p.u, sizes) : lstmSequenceBackward(p.dy, fwd, p.u, sizes);
        const ref = finiteDifferences(p);
        expect(relativeError(fwd.h, ref.h), 'h').toBeLessThan(TOLERANCE);
        expect(relativeError(grads.dxp, ref.dxp), 'd xp').toBeLessThan(TOLERANCE);
        expect(relativeError(grads.du, ref.du), 'dU').toBeLessThan(TOLERANCE);
        if (kind === 'gru') expect(relativeError(grads.dc as Float32Array, ref.dc), 'dc').toBeLessThan(TOLERANCE);
        else expect(grads.dc).toBeNull();
      });
    }
  }

  it('the same inputs give the same bits on every call (no state kept between calls)', () => {
    impl.install();
    const p = problem('gru', 2, 7);
    const sizes = { g: 2, T: p.T, B: p.B, hb: p.hb };
    const run = () => {
      const fwd = gruSequenceForward(p.xp, p.u, p.c, sizes);
      return [fwd.h, ...Object.values(gruSequenceBackward(p.dy, fwd, p.u, sizes))] as Float32Array[];
    };
    const first = run();
    // A larger problem in between grows and dirties the module's memory.
    const big = problem('lstm', 2, 8);
    lstmSequenceBackward(big.dy, lstmSequenceForward(big.xp, big.u, { g: 2, T: big.T, B: big.B, hb: big.hb }), big.u, { g: 2, T: big.T, B: big.B, hb: big.hb });
    expect(run()).toEqual(first);
  });
});
