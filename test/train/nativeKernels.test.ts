/**
 * The optional native training kernels (native/lrdkit_kernels.c, src/train/internal/nativeKernels.ts):
 *
 * - availability: where a C compiler runs, the addon must be built (`npm test` builds it first,
 *   CI's `npm ci` runs the postinstall build); where none does, asking for the native kernels
 *   fails with one message naming `npm run native`;
 * - the recurrent kernels against the WebAssembly ones at training sizes (the float64 and
 *   finite-difference checks of both are in wholeSequence.test.ts);
 * - bad operands throw instead of touching memory;
 * - TF.js's BatchMatMul / _FusedMatMul routed to the native gemm against float64 products and
 *   XNNPACK's, across transposes, batches and broadcasts;
 * - the row gather, segment sum and cross-entropy gradient in C: the JavaScript kernels' bits.
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../src/processes/prng.js';
import { NATIVE_ADDON_PATH, NativeKernelsUnavailableError, loadNativeAddon } from '../../src/train/internal/nativeAddon.js';
import { clippedRmspropStep } from '../../src/train/internal/clippedRmsprop.js';
import { registerFusedKernels, runFused } from '../../src/train/internal/kernels.js';
import { useTrainingKernels } from '../../src/train/internal/nativeKernels.js';
import { gruSequenceBackward, gruSequenceForward, lstmSequenceBackward, lstmSequenceForward } from '../../src/train/internal/wholeSequence.js';
import { useWasm, relativeError } from './helpers.js';
import { NATIVE_ADDON, compilerAvailable, recurrentImplementations, restoreDefaultKernels } from './nativeSupport.js';

beforeAll(async () => {
  await useWasm();
});

afterAll(() => {
  useTrainingKernels('wasm');
  restoreDefaultKernels();
});

describe('availability', () => {
  if (compilerAvailable()) {
    it('a C compiler runs here, so the addon is built and loads (else run `npm run native` and read its error)', () => {
      const loaded = loadNativeAddon();
      expect(loaded.addon, `${NATIVE_ADDON_PATH}: ${'reason' in loaded ? loaded.reason : ''}`).not.toBeNull();
      expect(loaded.addon!.isas()).toContain(loaded.addon!.isa());
      expect(loaded.addon!.isas()).toContain('portable');
    });
    if (process.platform === 'linux' && process.arch === 'x64') {
      it('the AVX2/FMA and AVX-512 paths are offered exactly when /proc/cpuinfo lists their flags, and the widest is the default', () => {
        const flags = new Set((/^flags\s*:(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? '').trim().split(/\s+/));
        const avx2 = flags.has('avx2') && flags.has('fma');
        const avx512 = avx2 && flags.has('avx512f') && flags.has('avx512vl');
        expect(NATIVE_ADDON!.isas().includes('avx2-fma')).toBe(avx2);
        expect(NATIVE_ADDON!.isas().includes('avx512')).toBe(avx512);
        expect(useTrainingKernels('native').isa).toBe(avx512 ? 'avx512' : avx2 ? 'avx2-fma' : 'portable');
        useTrainingKernels('wasm');
      });
    }
  } else {
    it('without a C compiler the addon is absent and --kernels native fails naming `npm run native`', () => {
      expect(NATIVE_ADDON).toBeNull();
      expect(() => useTrainingKernels('native')).toThrow(NativeKernelsUnavailableError);
      expect(() => useTrainingKernels('native')).toThrow(/npm run native/);
    });
  }
  it('--kernels wasm needs nothing and installs no instruction set', () => {
    expect(useTrainingKernels('wasm')).toEqual({ kernels: 'wasm', isa: null });
  });
});


function uniform(n: number, scale: number, rng: ReturnType<typeof createRng>): Float32Array {
  return Float32Array.from({ length: n }, () => scale * (2 * rng.uniform() - 1));
}

/** Every output of one layer's forward and backward pass, concatenated per tensor. */
function layerOutputs(kind: 'gru' | 'lstm', sizes: { g: number; T: number; B: number; hb: number }, seed: number): Float32Array[] {
  const G = kind === 'gru' ? 3 : 4, { g, T, B, hb } = sizes, rng = createRng(seed);
  const xp = uniform(g * T * B * G * hb, 1.5, rng), u = uniform(g * hb * G * hb, 0.3, rng), c = uniform(g * G * hb, 0.5, rng), dy = uniform(g * T * B * hb, 1, rng);
  const fwd = kind === 'gru' ? gruSequenceForward(xp, u, c, sizes) : lstmSequenceForward(xp, u, sizes);
  const grads = kind === 'gru' ? gruSequenceBackward(dy, fwd, u, sizes) : lstmSequenceBackward(dy, fwd, u, sizes);
  return [fwd.h, grads.dxp, grads.du, ...(grads.dc ? [grads.dc] : [])].map((a) => a.slice());
}

// Tolerance for the FMA path against the WebAssembly kernels: both are float32 with the same
// order of summation; a fused multiply-add rounds once where the WebAssembly rounds twice, so
// each product of length K <= 4 hb and each gate differs by a few units of 6e-8, which the
// recurrence over T steps and the weight gradients' sums over (T - 1) B rows carry to a few
// 1e-7 of the largest entry (measured 1e-7 to 5.4e-7). 2e-6 leaves room for other CPUs; a
// wrong index or gate is off by 1e-2 or more. The portable path has no FMA on x86-64 and
// performs the WebAssembly's operations in its order: there it must equal it bit for bit.
const FMA_TOLERANCE = 2e-6;

if (NATIVE_ADDON) {
  const addon = NATIVE_ADDON;
  const [wasm, ...natives] = recurrentImplementations();
  describe('native recurrent kernels against the WebAssembly kernels (training sizes, padding exercised)', () => {
    const cases = [
      { g: 1, T: 24, B: 32, hb: 64 },
      { g: 4, T: 11, B: 7, hb: 25 }, // padded to 32 units on AVX-512 (wholeSequence.ts paddedUnits), 28 elsewhere
      { g: 2, T: 9, B: 5, hb: 13 },
    ];
    for (const impl of natives) {
      for (const kind of ['gru', 'lstm'] as const) {
        for (const sizes of cases) {
          const exact = impl.isa === 'portable' && process.arch === 'x64';
          it(`${impl.label} ${kind} g=${sizes.g} hb=${sizes.hb} B=${sizes.B} T=${sizes.T}: ${exact ? 'bit for bit' : `within ${FMA_TOLERANCE}`}`, () => {
            wasm!.install();
            const want = layerOutputs(kind, sizes, 7);
            impl.install();
            const got = layerOutputs(kind, sizes, 7);
            restoreDefaultKernels();
            want.forEach((w, i) => {
              if (exact) expect(got[i], `output ${i}`).toEqual(w);
              else expect(relativeError(got[i] as Float32Array, w), `output ${i}`).toBeLessThan(FMA_TOLERANCE);
            });
          });
        }
      }
    }
  });

  describe('bad operands throw a RangeError naming the kernel and the operand, before any access', () => {
    it('an offset past the memory, a misaligned offset, sizes that are not multiples of 4', () => {
      const mem = new ArrayBuffer(4096);
      expect(() => addon.gemm(mem, 0, 16, 4, 0, 16, 1 << 20, 16, 4, 4, 4, 0, 0)).toThrow(/^lrdkit native gemm: operand C at byte 1048576/);
      expect(() => addon.gemm(mem, 2, 16, 4, 0, 16, 0, 16, 4, 4, 4, 0, 0)).toThrow(/operand S/);
      expect(() => addon.gruForward(mem, 0, 0, 0, 0, 0, 0, 2, 3, 4)).toThrow(/^lrdkit native gruForward: expected .* multiples of 4/);
      expect(() => addon.lstmForward(mem, 0, 0, 0, 0, 0, 100, 32, 64)).toThrow(RangeError);
      expect(() => addon.matmul(mem, 0, 0, 0, 0, 1, 100, 100, 100, 0, 0, 0, 0)).toThrow(/operand a/);
      expect(() => addon.padCopy(mem, 0, new Float32Array(8), 0, 2, 4, 4, 1, 4, 4, 1)).toThrow(/array must be a Float32Array of at least 32 elements/);
      expect(() => addon.padCopy(mem, 4000, new Float32Array(32), 0, 2, 4, 4, 1, 4, 4, 1)).toThrow(/^lrdkit native padCopy: operand padded at byte 4000/);
      // The saved activations given as an array in place of an offset must be long enough; other operands must be offsets.
      expect(() => addon.gruForward(mem, 0, 0, 0, 0, new Float32Array(10), 0, 1, 4, 4)).toThrow(/^lrdkit native gruForward: operand s is a Float32Array of 10 floats, expected at least 64/);
      expect(() => addon.gemm(mem, new Float32Array(64) as unknown as number, 16, 4, 0, 16, 0, 16, 4, 4, 4, 0, 0)).toThrow(/operand S/);
      // Argument counts other than the function's: an error, never a read past the arguments.
      const call = (f: unknown, ...args: unknown[]) => () => (f as (...x: unknown[]) => void)(...args);
      const v = new Float32Array(4);
      expect(call(addon.rmspropUpdate, v, v, v, v, v, v, v, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1)).toThrow(/expected 14 arguments, found 17/);
      expect(call(addon.gemm, mem, 0, 0)).toThrow(/^lrdkit native gemm: expected 13 arguments/);
      expect(call(addon.padCopy, mem, ...Array(20).fill(0))).toThrow(/expected 11 arguments/);
    });
  });

  describe('BatchMatMul and _FusedMatMul on the wasm backend through the native gemm', () => {
    const shapes: { a: number[]; b: number[]; ta: boolean; tb: boolean; bias?: boolean | 'perItem' }[] = [
      { a: [37, 29], b: [29, 23], ta: false, tb: false },
      { a: [29, 37], b: [29, 23], ta: true, tb: false },
      { a: [37, 29], b: [23, 29], ta: false, tb: true },
      { a: [29, 37], b: [23, 29], ta: true, tb: true },
      { a: [64, 48], b: [48, 256], ta: false, tb: false },
      { a: [3, 9, 17], b: [3, 17, 6], ta: false, tb: false },
      { a: [3, 17, 9], b: [17, 6], ta: true, tb: false },
      { a: [9, 17], b: [2, 3, 6, 17], ta: false, tb: true },
      { a: [37, 29], b: [29, 23], ta: false, tb: false, bias: true },
      { a: [29, 37], b: [23, 29], ta: true, tb: true, bias: true },
      // A factorized layer's block biases [g, 1, N]: one bias row per batch item.
      { a: [4, 33, 25], b: [4, 25, 75], ta: false, tb: false, bias: 'perItem' },
      { a: [3, 9, 17], b: [3, 17, 6], ta: false, tb: false, bias: 'perItem' },
    ];
    for (const [k, s] of shapes.entries()) {
      it(`[${s.a}]${s.ta ? '^T' : ''} x [${s.b}]${s.tb ? '^T' : ''}${s.bias === 'perItem' ? ' + a bias row per item' : s.bias ? ' + bias' : ''}: within the float32 bound of the float64 product, and near XNNPACK's`, () => {
        const rng = createRng(40 + k);
        const size = (sh: number[]) => sh.reduce((x, y) => x * y, 1);
        const av = uniform(size(s.a), 1, rng), bv = uniform(size(s.b), 1, rng);
        const N = s.tb ? (s.b.at(-2) as number) : (s.b.at(-1) as number);
        const items = size(s.a.length > s.b.length ? s.a.slice(0, -2) : s.b.slice(0, -2));
        const biasV = uniform(s.bias === 'perItem' ? items * N : N, 1, rng);
        const biasShape = s.bias === 'perItem' ? [...(s.a.length > s.b.length ? s.a : s.b).slice(0, -2), 1, N] : [N];
        // TF.js's own wasm _FusedMatMul takes a rank-1 bias only: its reference for a bias per item is the product plus tf.add.
        const run = (reference = false) => tf.tidy(() => {
          const a = tf.tensor(av, s.a), b = tf.tensor(bv, s.b);
          const y = reference && s.bias === 'perItem' ? tf.add(tf.matMul(a, b, s.ta, s.tb), tf.tensor(biasV, biasShape)) : s.bias ? tf.fused.matMul({ a, b, transposeA: s.ta, transposeB: s.tb, bias: tf.tensor(biasV, biasShape) }) : tf.matMul(a, b, s.ta, s.tb);
          return { shape: y.shape, values: y.dataSync() as Float32Array };
        });
        useTrainingKernels('wasm');
        const xnn = run(true);
        expect(useTrainingKernels('native').kernels).toBe('native');
        const nat = run();
        useTrainingKernels('wasm');
        expect(nat.shape).toEqual(xnn.shape);
        // The float64 product, entry by entry, and the classic float32 bound on a sum of K
        // products: |fl(sum) - sum| <= 1.01 K u sum |a b| (u = 2^-24), plus the bias's rounding.
        const M = s.ta ? (s.a.at(-1) as number) : (s.a.at(-2) as number), K = s.ta ? (s.a.at(-2) as number) : (s.a.at(-1) as number);
        const batchA = size(s.a.slice(0, -2)), batchB = size(s.b.slice(0, -2)), batch = Math.max(batchA, batchB);
        const u = 2 ** -24;
        for (let i = 0; i < batch; i++) {
          const oa = batchA === 1 ? 0 : i * M * K, ob = batchB === 1 ? 0 : i * K * N;
          for (let m = 0; m < M; m++) {
            for (let n = 0; n < N; n++) {
              let exact = s.bias ? (biasV[(s.bias === 'perItem' ? i * N : 0) + n] as number) : 0, magnitude = Math.abs(exact);
              for (let q = 0; q < K; q++) {
                const x = av[oa + (s.ta ? q * M + m : m * K + q)] as number, y = bv[ob + (s.tb ? n * K + q : q * N + n)] as number;
                exact += x * y;
                magnitude += Math.abs(x * y);
              }
              const got = nat.values[(i * M + m) * N + n] as number;
              expect(Math.abs(got - exact)).toBeLessThanOrEqual(1.01 * (K + 1) * u * magnitude + 1e-30);
            }
          }
        }
        // TF.js 4.22's wasm _FusedMatMul ignores the transposes when a bias is given (off by
        // order 1: tf.fused.matMul([4, 5]^T-shaped operands) against tf.matMul + tf.add; lrdkit's
        // models never ask for it), so XNNPACK is a second reference only where it is right.
        if (!(s.bias && (s.ta || s.tb))) expect(relativeError(nat.values, xnn.values)).toBeLessThan(1e-5);
      });
    }
  });

  describe('Softmax on the wasm backend through the addon', () => {
    for (const shape of [[37, 13], [6, 256], [2, 3, 7], [4, 1]]) {
      it(`[${shape}] over the last axis: each probability within (cols + 8 + |x - max|) 2^-24 relative of the float64 softmax`, () => {
        // Error budget per entry, in units u = 2^-24: x - max rounds to within |x - max| u
        // absolutely, which exp turns into |x - max| u relative; exp itself within 2 ulp
        // (Cephes), the product by 1 / sum and 1 / sum one rounding each, and the float32 sum of
        // cols terms at most (cols - 1) u relative. XNNPACK's softmax is held to the same bound.
        const rng = createRng(91 + shape.length);
        const size = shape.reduce((x, y) => x * y, 1), cols = shape.at(-1) as number;
        const x = uniform(size, 40, rng);
        const run = () => tf.tidy(() => tf.softmax(tf.tensor(x, shape)).dataSync() as Float32Array).slice();
        useTrainingKernels('wasm');
        const results: [string, Float32Array][] = [['XNNPACK', run()]];
        useTrainingKernels('native');
        for (const isa of addon.isas()) {
          addon.useIsa(isa);
          results.push([`native ${isa}`, run()]);
        }
        restoreDefaultKernels();
        useTrainingKernels('wasm');
        const u = 2 ** -24;
        for (const [who, got] of results) {
          let worst = 0;
          for (let r = 0; r < size / cols; r++) {
            const row = Array.from(x.subarray(r * cols, (r + 1) * cols));
            const m = Math.max(...row), e = row.map((v) => Math.exp(v - m)), sum = e.reduce((a, b) => a + b, 0);
            e.forEach((v, j) => {
              const p = v / sum, bound = (cols + 8 + Math.abs((row[j] as number) - m)) * u;
              worst = Math.max(worst, Math.abs((got[r * cols + j] as number) - p) / p / bound);
            });
          }
          expect(worst, `${who}, as a fraction of the bound`).toBeLessThanOrEqual(1);
        }
      });
    }
  });

  describe('the fused kernels around the layers in C give the JavaScript kernels\' bits', () => {
    it('LrdkitSegmentSumAxis1 (ids out of range and non-integers dropped), LrdkitGatherAxis1, LrdkitCrossEntropyGrad', () => {
      registerFusedKernels();
      const rng = createRng(77);
      const x = tf.tensor3d(uniform(3 * 50 * 7, 2, rng), [3, 50, 7]);
      const ids = tf.tensor1d(Float32Array.from({ length: 50 }, (_, i) => (i === 3 ? -1 : i === 8 ? 2.5 : i === 9 ? 60 : (rng.nextUint32() % 11))));
      const table = tf.tensor3d(uniform(3 * 11 * 7, 1, rng), [3, 11, 7]);
      const gatherIds = tf.tensor1d(Float32Array.from({ length: 50 }, () => rng.nextUint32() % 11));
      const logits = tf.tensor2d(uniform(40 * 13, 3, rng), [40, 13]);
      const p = tf.softmax(logits);
      const targets = tf.tensor1d(Float32Array.from({ length: 40 }, () => rng.nextUint32() % 13));
      const dy = tf.scalar(0.7);
      const all = () => [
        runFused('LrdkitSegmentSumAxis1', { x, ids }, { numSegments: 11 }),
        runFused('LrdkitGatherAxis1', { table, ids: gatherIds }),
        runFused('LrdkitCrossEntropyGrad', { p, targets, dy }),
      ].map(([t]) => Float32Array.from(t!.dataSync() as Float32Array));
      useTrainingKernels('wasm');
      const js = all();
      useTrainingKernels('native');
      const c = all();
      useTrainingKernels('wasm');
      expect(c).toEqual(js);
      expect(js[0]!.some((v) => v !== 0)).toBe(true);
    });

    it('the clipped RMSProp step (sums of squares in float32 and float64, clip on and off): the same bits', () => {
      const rng = createRng(78);
      const sizes = [1, 7, 300, 4096];
      for (const clipNorm of [0.5, 1e6, null]) {
        for (const sumInFloat64 of [false, true]) {
          const inputs = [0, 1, 2, 3].map((k) => sizes.map((n) => uniform(n, k === 1 ? 3 : 0.5, rng).map((v) => (k === 2 ? Math.abs(v) : v))));
          const settings = { learningRate: 0.01, decay: 0.9, momentum: 0.3, epsilon: 1e-7, clipNorm, sumInFloat64 };
          const step = () => {
            const outs = [0, 1, 2].map(() => sizes.map((n) => new Float32Array(n)));
            const norm = clippedRmspropStep(inputs[0]!, inputs[1]!, inputs[2]!, inputs[3]!, settings, outs[0]!, outs[1]!, outs[2]!);
            return { norm, outs };
          };
          useTrainingKernels('wasm');
          const js = step();
          useTrainingKernels('native');
          const c = step();
          useTrainingKernels('wasm');
          expect(c, `clip ${clipNorm}, float64 sum ${sumInFloat64}`).toEqual(js);
        }
      }
    });
  });
}
