/**
 * The optional native CPU kernels for training (`lrdkit train --kernels native`): a Node-API
 * addon compiled at install time from native/lrdkit_kernels.c by scripts/build-native.mjs with
 * the system C compiler, playing the part @tensorflow/tfjs-node plays for TF.js. Without it
 * (no compiler, or a failed build) lrdkit trains on its WebAssembly kernels, which are always
 * there; asking for `native` then fails with one message naming how to build it.
 *
 * What `native` changes, and nothing else:
 * - the whole-sequence recurrent kernels (./wholeSequence.ts) call the addon's C twins of
 *   recurrent.wat's exports on the same WebAssembly memory, with the same layout and equations;
 * - TF.js's BatchMatMul and _FusedMatMul (linear activation) on the wasm backend (the input
 *   products of the upper layers, the readout and their gradients) run the addon's gemm on the
 *   wasm heap instead of XNNPACK, and its Softmax over the last axis the addon's (the gates' exp);
 * - the row gather, segment sum and cross-entropy gradient of ./kernels.ts run C loops.
 *
 * Method. The addon picks at load time the widest instruction set the CPU runs (avx512:
 * 16-wide vectors, avx2-fma: 8-wide, both with fused multiply-add; else portable C), recorded
 * in the run's metadata. Products are register-tiled (4 rows x 3 vectors), summed in increasing k like the
 * WebAssembly gemm; FMA rounds each product-sum once instead of twice, so results differ from
 * the wasm kernels by float32 rounding (relative 1e-6 level, tested), and the default `wasm`
 * path, which reproduces the committed results bit for bit, is untouched. Each call is
 * single-threaded with fixed blocking: same input, machine and instruction set, same bytes.
 *
 * @example
 * ```ts
 * const { kernels, isa } = useTrainingKernels('native'); // throws NativeKernelsUnavailableError without the addon
 * // kernels === 'native', isa === 'avx512' on this project's AMD EPYC (AVX-512), 'avx2-fma' on a CPU with AVX2 and FMA only
 * ```
 *
 * @internal
 */
import * as tf from '@tensorflow/tfjs';
import type { WasmMemory } from '../../linalg/internal/simd.js';
import type { TrainingKernels } from '../trainingConfig.js';
import { type NativeAddon, nativeAddon, setNativeAddonInUse } from './nativeAddon.js';
import { type RecurrentKernelFunctions, useRecurrentKernels } from './wholeSequence.js';

/** The addon's recurrent kernels bound to a WebAssembly memory (its buffer is read on every call: memory.grow detaches it). */
export function nativeRecurrentKernels(addon: NativeAddon): (memory: WasmMemory) => RecurrentKernelFunctions {
  return (memory) => ({
    gemm: (...a) => addon.gemm(memory.buffer, ...a),
    sigmoid: (...a) => addon.sigmoid(memory.buffer, ...a),
    tanh: (...a) => addon.tanh(memory.buffer, ...a),
    padRows: (...a) => addon.padRows(memory.buffer, ...a),
    padCopy: (...a) => addon.padCopy(memory.buffer, ...a),
    savedInPlace: true,
    // The instruction set chosen when the kernels are installed (a later useIsa computes the same values).
    laneWidth: addon.isa() === 'avx512' ? 16 : addon.isa() === 'avx2-fma' ? 8 : 4,
    gruForward: (...a) => addon.gruForward(memory.buffer, ...a),
    gruBackward: (...a) => addon.gruBackward(memory.buffer, ...a),
    lstmForward: (...a) => addon.lstmForward(memory.buffer, ...a),
    lstmBackward: (...a) => addon.lstmBackward(memory.buffer, ...a),
  });
}

// ------------------------------------------------------------------------------------------
// BatchMatMul and _FusedMatMul on the wasm backend's heap.

type TensorInfo = tf.TensorInfo;
type KernelArgs = { inputs: Record<string, TensorInfo | undefined>; backend: unknown; attrs: Record<string, unknown> };

interface WasmHeapBackend {
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array;
}

/** The product's sizes, or null where the native kernel does not apply (then TF.js's own runs). */
function productSizes(a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean): { batch: number; M: number; N: number; K: number; strideA: number; strideB: number; outShape: number[] } | null {
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || a.shape.length < 2 || b.shape.length < 2) return null;
  const ra = a.shape.length, rb = b.shape.length;
  const M = (transposeA ? a.shape[ra - 1] : a.shape[ra - 2]) as number, K = (transposeA ? a.shape[ra - 2] : a.shape[ra - 1]) as number;
  const kb = (transposeB ? b.shape[rb - 1] : b.shape[rb - 2]) as number, N = (transposeB ? b.shape[rb - 2] : b.shape[rb - 1]) as number;
  if (K !== kb) return null;
  const outerA = a.shape.slice(0, -2), outerB = b.shape.slice(0, -2);
  const batchA = outerA.reduce((x, y) => x * y, 1), batchB = outerB.reduce((x, y) => x * y, 1);
  // Equal outer shapes, or one side a single matrix; other broadcasts go to TF.js.
  let outer: number[];
  if (outerA.length === outerB.length && outerA.every((d, i) => d === outerB[i])) outer = [...outerA];
  else if (batchB === 1 && outerB.every((d) => d === 1) && outerB.length <= outerA.length) outer = [...outerA];
  else if (batchA === 1 && outerA.every((d) => d === 1) && outerA.length <= outerB.length) outer = [...outerB];
  else return null;
  const batch = Math.max(batchA, batchB);
  return { batch, M, N, K, strideA: batchA === 1 ? 0 : M * K, strideB: batchB === 1 ? 0 : K * N, outShape: [...outer, M, N] };
}

/**
 * How a fused product's bias broadcasts, where the native gemm can add it while it sums: one row
 * [N] for every output row (`shared`), or one row per batch item, shape [...batch, 1, N]
 * (`perItem`: a factorized layer's block biases [g, 1, G hb]); null otherwise (TF.js's kernel).
 */
function biasLayout(bias: TensorInfo, z: { batch: number; N: number; outShape: number[] }): 'shared' | 'perItem' | null {
  if (bias.dtype !== 'float32' || bias.shape[bias.shape.length - 1] !== z.N) return null;
  const size = bias.shape.reduce((x, y) => x * y, 1);
  if (size === z.N) return 'shared';
  const outer = z.outShape.slice(0, -2), r = bias.shape.length;
  if (size === z.batch * z.N && r === outer.length + 2 && bias.shape[r - 2] === 1 && outer.every((d, i) => bias.shape[i] === d)) return 'perItem';
  return null;
}

function nativeMatMulKernel(addon: NativeAddon, fallback: tf.KernelFunc, fused: boolean) {
  return (args: KernelArgs): TensorInfo => {
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    const transposeA = Boolean(args.attrs.transposeA), transposeB = Boolean(args.attrs.transposeB);
    const z = productSizes(a, b, transposeA, transposeB);
    const bias = fused ? args.inputs.bias : undefined;
    const biasKind = bias && z ? biasLayout(bias, z) : null;
    const unsupported = fused && ((args.attrs.activation ?? 'linear') !== 'linear' || args.inputs.preluActivationWeights || (bias && !biasKind));
    if (!z || unsupported) return fallback(args as unknown as Parameters<tf.KernelFunc>[0]) as TensorInfo;
    const backend = args.backend as WasmHeapBackend;
    const out = backend.makeOutput(z.outShape, 'float32');
    // Views after the allocation: it may grow the heap.
    const o = backend.typedArrayFromHeap(out), av = backend.typedArrayFromHeap(a), bv = backend.typedArrayFromHeap(b);
    const biasAt = bias ? backend.typedArrayFromHeap(bias).byteOffset : 0;
    const mem = o.buffer instanceof ArrayBuffer ? o.buffer : new Uint8Array(o.buffer);
    const tA = transposeA ? 1 : 0, tB = transposeB ? 1 : 0;
    if (biasKind === 'perItem') {
      // One bias row per batch item (a factorized layer's block biases): one call per item.
      for (let i = 0; i < z.batch; i++) {
        addon.matmul(mem, av.byteOffset + 4 * i * z.strideA, bv.byteOffset + 4 * i * z.strideB, o.byteOffset + 4 * i * z.M * z.N, biasAt + 4 * i * z.N, 1, z.M, z.N, z.K, tA, tB, 0, 0);
      }
    } else addon.matmul(mem, av.byteOffset, bv.byteOffset, o.byteOffset, biasAt, z.batch, z.M, z.N, z.K, tA, tB, z.strideA, z.strideB);
    return out;
  };
}

/** Softmax over the last axis (the readout's probabilities) with the addon's exp; other axes go to TF.js. */
function nativeSoftmaxKernel(addon: NativeAddon, fallback: tf.KernelFunc) {
  return (args: KernelArgs): TensorInfo => {
    const logits = args.inputs.logits as TensorInfo;
    const rank = logits.shape.length, dim = args.attrs.dim as number;
    if (logits.dtype !== 'float32' || rank < 1 || (dim !== -1 && dim !== rank - 1)) return fallback(args as unknown as Parameters<tf.KernelFunc>[0]) as TensorInfo;
    const backend = args.backend as WasmHeapBackend;
    const out = backend.makeOutput([...logits.shape], 'float32');
    const cols = logits.shape[rank - 1] as number, total = logits.shape.reduce((x, y) => x * y, 1);
    if (total > 0) addon.softmax(backend.typedArrayFromHeap(logits), backend.typedArrayFromHeap(out), total / cols, cols);
    return out;
  };
}

const PRODUCT_KERNELS = ['BatchMatMul', '_FusedMatMul', 'Softmax'] as const;
let tfjsProducts: Map<string, tf.KernelFunc> | null = null;

function routeProducts(addon: NativeAddon | null): void {
  if (addon) {
    if (!tfjsProducts) {
      const originals = new Map<string, tf.KernelFunc>();
      for (const name of PRODUCT_KERNELS) {
        const k = tf.getKernel(name, 'wasm');
        if (k) originals.set(name, k.kernelFunc);
      }
      tfjsProducts = originals;
    }
    for (const [name, fallback] of tfjsProducts) {
      tf.unregisterKernel(name, 'wasm');
      const kernelFunc = name === 'Softmax' ? nativeSoftmaxKernel(addon, fallback) : nativeMatMulKernel(addon, fallback, name === '_FusedMatMul');
      tf.registerKernel({ kernelName: name, backendName: 'wasm', kernelFunc: kernelFunc as unknown as tf.KernelFunc });
    }
  } else if (tfjsProducts) {
    for (const [name, kernelFunc] of tfjsProducts) {
      tf.unregisterKernel(name, 'wasm');
      tf.registerKernel({ kernelName: name, backendName: 'wasm', kernelFunc });
    }
    tfjsProducts = null;
  }
}

/** Whether TF.js's products on the wasm backend run on the native gemm (./blockOps.ts then passes transposes as flags). */
export function nativeProductsActive(): boolean {
  return tfjsProducts !== null && tf.getBackend() === 'wasm';
}

/** What {@link useTrainingKernels} installed. */
export interface TrainingKernelsInUse {
  readonly kernels: TrainingKernels;
  /** The addon's instruction set; null for wasm. */
  readonly isa: string | null;
}

/**
 * Installs the training kernels for this thread: `wasm` (the default; lrdkit's WebAssembly
 * recurrent kernels and TF.js's own products) or `native` (the addon's recurrent kernels and
 * products). Call after the TF.js backend is selected (the products are rerouted on the wasm
 * backend's registry, which loads with the backend).
 *
 * @throws NativeKernelsUnavailableError for `native` without the addon
 */
export function useTrainingKernels(kernels: TrainingKernels): TrainingKernelsInUse {
  if (kernels === 'wasm') {
    useRecurrentKernels(null);
    routeProducts(null);
    setNativeAddonInUse(null);
    return { kernels, isa: null };
  }
  const addon = nativeAddon();
  useRecurrentKernels(nativeRecurrentKernels(addon));
  routeProducts(addon);
  setNativeAddonInUse(addon);
  return { kernels, isa: addon.isa() };
}
