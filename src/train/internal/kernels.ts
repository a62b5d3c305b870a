/**
 * lrdkit's fused TF.js kernels, registered for the backends whose tensors live in
 * JavaScript-visible memory: `wasm` (the WebAssembly heap) and `cpu` (Float32Arrays).
 *
 * - Whole-sequence recurrent layers: a GRU or LSTM layer of g blocks over all T steps, forward
 *   (LrdkitGruSequence, LrdkitLstmSequence: h and the saved activations) and backpropagation
 *   through time (LrdkitGruSequenceGrad, LrdkitLstmSequenceGrad), each one call into the
 *   WebAssembly SIMD kernels of ./wholeSequence.ts. A training step's recurrent work is then
 *   2 kernel calls per layer instead of ~10 T, which matters because at training sizes the
 *   per-op dispatch cost, not arithmetic, bounded throughput.
 * - The optimizer step (LrdkitClippedRmsprop): global-norm clipping and RMSProp of every
 *   variable in one call, bit-identical to the TF.js ops (./clippedRmsprop.ts).
 * - Around them: row gathers of the input projection and their segment-sum gradient, the
 *   cross-entropy and its gradient, unstacking of block weights.
 *
 * Every kernel is a pure function of its inputs (new output tensors, inputs untouched).
 *
 * With `--kernels native` (./nativeKernels.ts) the recurrent kernels run the addon's C code on
 * the same memory, and the row gather, its segment sum and the cross-entropy gradient run C
 * loops with the JavaScript's order and arithmetic (the same bits); the rest is unchanged.
 *
 * @internal
 */
import * as tf from '@tensorflow/tfjs';
import { clippedRmspropStep } from './clippedRmsprop.js';
import { nativeAddonInUse } from './nativeAddon.js';
import { type SequenceSizes, gruSequenceBackward, gruSequenceForward, lstmSequenceBackward, lstmSequenceForward, savedSize } from './wholeSequence.js';

type TensorInfo = tf.TensorInfo;
type Attrs = Record<string, unknown>;

/** A fused kernel: output shapes from input shapes, and the arithmetic on flat float32 views. */
interface FusedKernel {
  readonly name: string;
  /** Input names, in the order `compute` receives them, for the given attributes. */
  readonly inputs: (attrs: Attrs) => readonly string[];
  outputShapes(shapes: Record<string, readonly number[]>, attrs: Attrs): number[][];
  compute(ins: Float32Array[], outs: Float32Array[], shapes: Record<string, readonly number[]>, attrs: Attrs): void;
}

interface WasmBackendLike {
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array;
}

interface CpuBackendLike {
  data: { get(dataId: object): { values?: unknown } };
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): TensorInfo;
}

function size(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function dims(shapes: Record<string, readonly number[]>, name: string): { g: number; B: number; last: number } {
  const s = shapes[name] as readonly number[];
  return { g: s[0] as number, B: s[1] as number, last: s[2] as number };
}

// ------------------------------------------------------------------------------------------
// Whole-sequence recurrent layers (./wholeSequence.ts, WebAssembly SIMD): one call per layer
// and direction. xp [g, T, B, G hb], U [g, hb, G hb], GRU c [g, 1, G hb]; outputs h
// [g, T, B, hb] and the saved activations [g, savedSize / g] (an opaque padded layout).

function sequenceSizes(shapes: Record<string, readonly number[]>, name: string, G: number): SequenceSizes & { G: number } {
  const [g, T, B, W] = shapes[name] as [number, number, number, number];
  return { g, T, B, hb: W / G, G };
}

function recurrentForwardKernel(kind: 'gru' | 'lstm'): FusedKernel {
  const G = kind === 'gru' ? 3 : 4;
  return {
    name: kind === 'gru' ? 'LrdkitGruSequence' : 'LrdkitLstmSequence',
    inputs: () => (kind === 'gru' ? ['xp', 'u', 'c'] : ['xp', 'u']),
    outputShapes: (s) => {
      const z = sequenceSizes(s, 'xp', G);
      return [[z.g, z.T, z.B, z.hb], [z.g, savedSize(kind, z)]];
    },
    compute: ([xp, u, c], [h, saved], s) => {
      const z = sequenceSizes(s, 'xp', G);
      if (kind === 'gru') gruSequenceForward(xp!, u!, c!, z, { h: h!, saved: saved! });
      else lstmSequenceForward(xp!, u!, z, { h: h!, saved: saved! });
    },
  };
}

function recurrentGradientKernel(kind: 'gru' | 'lstm'): FusedKernel {
  const G = kind === 'gru' ? 3 : 4;
  return {
    name: kind === 'gru' ? 'LrdkitGruSequenceGrad' : 'LrdkitLstmSequenceGrad',
    inputs: () => ['dy', 'h', 'saved', 'u'],
    outputShapes: (s) => {
      const [g, T, B, hb] = s.dy as [number, number, number, number];
      const shapes = [[g, T, B, G * hb], [g, hb, G * hb]];
      return kind === 'gru' ? [...shapes, [g, 1, G * hb]] : shapes;
    },
    compute: ([dy, h, saved, u], [dxp, du, dc], s) => {
      const [g, T, B, hb] = s.dy as [number, number, number, number];
      const z = { g, T, B, hb };
      const out = { dxp: dxp!, du: du!, dc: dc ?? null };
      if (kind === 'gru') gruSequenceBackward(dy!, { h: h!, saved: saved! }, u!, z, out);
      else lstmSequenceBackward(dy!, { h: h!, saved: saved! }, u!, z, out);
    },
  };
}

const GRU_SEQUENCE = recurrentForwardKernel('gru');
const GRU_SEQUENCE_GRAD = recurrentGradientKernel('gru');
const LSTM_SEQUENCE = recurrentForwardKernel('lstm');
const LSTM_SEQUENCE_GRAD = recurrentGradientKernel('lstm');

// ------------------------------------------------------------------------------------------
// Row gather's gradient along axis 1.

/**
 * out[k, s, :] = sum over i with ids[i] = s of x[k, i, :]: the gradient of gathering rows of a
 * [g, V, K] table along axis 1 (ids as float32, exact below 2^24; ids outside [0, V) dropped).
 */
const SEGMENT_SUM_AXIS1: FusedKernel = {
  name: 'LrdkitSegmentSumAxis1',
  inputs: () => ['x', 'ids'],
  outputShapes: (s, attrs) => {
    const x = s.x as readonly number[];
    return [[x[0] as number, attrs.numSegments as number, x[2] as number]];
  },
  compute: ([x, ids], [out], s, attrs) => {
    const { g, B: n, last: k } = dims(s, 'x');
    const v = attrs.numSegments as number;
    const native = nativeAddonInUse();
    if (native) {
      native.segmentSumAxis1(x!, ids!, out!, g, n, v, k);
      return;
    }
    out!.fill(0);
    for (let blk = 0; blk < g; blk++) {
      for (let i = 0; i < n; i++) {
        const seg = ids![i]! | 0;
        if (!(seg >= 0 && seg < v) || seg !== ids![i]) continue;
        const src = (blk * n + i) * k, dst = (blk * v + seg) * k;
        for (let j = 0; j < k; j++) out![dst + j] = out![dst + j]! + x![src + j]!;
      }
    }
  },
};

/** out[k, i, :] = table[k, ids[i], :]: rows of a [g, V, K] table (ids as float32; an id outside [0, V) is an error). */
const GATHER_AXIS1: FusedKernel = {
  name: 'LrdkitGatherAxis1',
  inputs: () => ['table', 'ids'],
  outputShapes: (s) => {
    const t = s.table as readonly number[];
    return [[t[0] as number, (s.ids as readonly number[])[0] as number, t[2] as number]];
  },
  compute: ([table, ids], [out], s) => {
    const { g, B: v, last: k } = dims(s, 'table');
    const n = (s.ids as readonly number[])[0] as number;
    for (let i = 0; i < n; i++) {
      const id = ids![i]!;
      if (!(id >= 0 && id < v) || (id | 0) !== id) throw new Error(`LrdkitGatherAxis1: id ${id} at position ${i} is not an integer in [0, ${v})`);
    }
    const native = nativeAddonInUse();
    if (native) {
      native.gatherAxis1(table!, ids!, out!, g, v, n, k);
      return;
    }
    for (let blk = 0; blk < g; blk++) {
      for (let i = 0; i < n; i++) {
        const src = (blk * v + (ids![i]! | 0)) * k;
        out!.set(table!.subarray(src, src + k), (blk * n + i) * k);
      }
    }
  },
};

/**
 * The g slices of x [g, ...rest] along axis 0 as g tensors of shape rest, each copied once.
 * (The wasm backend's Unpack and SplitV copy the whole input once per output slice.)
 */
const UNSTACK_BLOCKS: FusedKernel = {
  name: 'LrdkitUnstackBlocks',
  inputs: () => ['x'],
  outputShapes: (s) => {
    const [g, ...rest] = s.x as readonly number[];
    return Array.from({ length: g as number }, () => [...rest]);
  },
  compute: ([x], outs) => {
    let at = 0;
    for (const o of outs) {
      o.set(x!.subarray(at, at + o.length));
      at += o.length;
    }
  },
};

/** Smallest probability whose logarithm the cross-entropy takes (a loss cap of 85.2 nats). */
export const CROSS_ENTROPY_PROBABILITY_FLOOR = 1e-37;

/**
 * Mean cross-entropy -(1/N) sum_i log p[i, y_i] of softmax probabilities p [N, V] (p[i, y_i]
 * floored at {@link CROSS_ENTROPY_PROBABILITY_FLOOR}); output shape [].
 */
const CROSS_ENTROPY: FusedKernel = {
  name: 'LrdkitCrossEntropy',
  inputs: () => ['p', 'targets'],
  outputShapes: () => [[]],
  compute: ([p, targets], [out], s) => {
    const [n, v] = s.p as [number, number];
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const y = targets![i]! | 0;
      if (!(y >= 0 && y < v) || y !== targets![i]) throw new Error(`LrdkitCrossEntropy: target ${y} at position ${i} is outside [0, ${v})`);
      sum -= Math.log(Math.max(p![i * v + y]!, CROSS_ENTROPY_PROBABILITY_FLOOR));
    }
    out![0] = sum / n;
  },
};

/** Gradient of the mean cross-entropy with respect to the logits: dy (p - onehot(y)) / N. */
const CROSS_ENTROPY_GRAD: FusedKernel = {
  name: 'LrdkitCrossEntropyGrad',
  inputs: () => ['p', 'targets', 'dy'],
  outputShapes: (s) => [[...(s.p as number[])]],
  compute: ([p, targets, dy], [out], s) => {
    const [n, v] = s.p as [number, number];
    const scale = dy![0]! / n;
    const native = nativeAddonInUse();
    if (native) {
      native.crossEntropyGrad(p!, targets!, out!, n, v, scale);
      return;
    }
    for (let i = 0; i < n; i++) {
      const o = i * v;
      for (let j = 0; j < v; j++) out![o + j] = scale * p![o + j]!;
      const y = targets![i]! | 0;
      out![o + y] = scale * (p![o + y]! - 1);
    }
  },
};

// ------------------------------------------------------------------------------------------
// Embedding gradient: UnsortedSegmentSum, missing from the wasm backend (tf.gather's gradient).

/**
 * out[s, ...] = sum over rows i with segmentIds[i] = s of x[i, ...] (rows with ids outside
 * [0, numSegments) are dropped, as in TensorFlow). Registered for wasm only when absent.
 */
function unsortedSegmentSumWasm(args: { inputs: Record<string, TensorInfo>; backend: unknown; attrs: Attrs }): TensorInfo {
  const backend = args.backend as WasmBackendLike;
  const x = args.inputs.x as TensorInfo, ids = args.inputs.segmentIds as TensorInfo;
  const numSegments = args.attrs.numSegments as number;
  if (x.dtype !== 'float32') throw new Error(`UnsortedSegmentSum (lrdkit, wasm): expected float32 x, found ${x.dtype}`);
  const rowSize = size(x.shape.slice(1));
  const rows = x.shape[0] as number;
  const out = backend.makeOutput([numSegments, ...x.shape.slice(1)], 'float32');
  const o = backend.typedArrayFromHeap(out);
  const xv = backend.typedArrayFromHeap(x);
  const iv = backend.typedArrayFromHeap(ids) as unknown as Int32Array;
  o.fill(0);
  for (let i = 0; i < rows; i++) {
    const s = iv[i] as number;
    if (s < 0 || s >= numSegments) continue;
    const src = i * rowSize, dst = s * rowSize;
    for (let j = 0; j < rowSize; j++) o[dst + j] = o[dst + j]! + xv[src + j]!;
  }
  return out;
}

// ------------------------------------------------------------------------------------------
// The optimizer step: global-norm clipping and RMSProp over all variables in one call.

/**
 * Inputs w0..w{n-1} (variables), g0.. (gradients), m0.. (mean squares), q0.. (moments); outputs
 * the n updated variables, then the n mean squares, then the n moments (./clippedRmsprop.ts, the
 * float32 arithmetic of the TF.js ops it replaces). Attributes: count n, learningRate, decay,
 * momentum, epsilon, clipNorm (null: none); the accumulator of the mirrored tf.sum follows the
 * backend the kernel runs on.
 */
function clippedRmspropKernel(sumInFloat64: boolean): FusedKernel {
  const names = (attrs: Attrs) => {
    const n = attrs.count as number;
    return ['w', 'g', 'm', 'q'].flatMap((p) => Array.from({ length: n }, (_, i) => `${p}${i}`));
  };
  return {
    name: 'LrdkitClippedRmsprop',
    inputs: names,
    outputShapes: (s, attrs) => {
      const n = attrs.count as number;
      const w = Array.from({ length: n }, (_, i) => [...(s[`w${i}`] as readonly number[])]);
      return [...w, ...w, ...w];
    },
    compute: (ins, outs, _s, attrs) => {
      const n = attrs.count as number;
      const part = (a: Float32Array[], k: number) => a.slice(k * n, (k + 1) * n);
      const settings = {
        learningRate: attrs.learningRate as number, decay: attrs.decay as number, momentum: attrs.momentum as number,
        epsilon: attrs.epsilon as number, clipNorm: attrs.clipNorm as number | null, sumInFloat64,
      };
      clippedRmspropStep(part(ins, 0), part(ins, 1), part(ins, 2), part(ins, 3), settings, part(outs, 0), part(outs, 1), part(outs, 2));
    },
  };
}

// ------------------------------------------------------------------------------------------
// Registration

const KERNELS: readonly FusedKernel[] = [GRU_SEQUENCE, GRU_SEQUENCE_GRAD, LSTM_SEQUENCE, LSTM_SEQUENCE_GRAD, SEGMENT_SUM_AXIS1, GATHER_AXIS1, UNSTACK_BLOCKS, CROSS_ENTROPY, CROSS_ENTROPY_GRAD];

/** Backends the fused kernels are registered for. */
export const FUSED_KERNEL_BACKENDS = ['wasm', 'cpu'] as const;

function inputOf(inputs: Record<string, TensorInfo>, name: string, kernel: string): TensorInfo {
  const t = inputs[name];
  if (!t) throw new Error(`${kernel}: missing input ${name}`);
  if (t.dtype !== 'float32') throw new Error(`${kernel}: input ${name} is ${t.dtype}, expected float32`);
  return t;
}

function wasmKernelFunc(k: FusedKernel) {
  return (args: { inputs: Record<string, TensorInfo>; backend: unknown; attrs: Attrs }): TensorInfo[] => {
    const backend = args.backend as WasmBackendLike;
    const names = k.inputs(args.attrs);
    const shapes: Record<string, readonly number[]> = {};
    for (const n of names) shapes[n] = inputOf(args.inputs, n, k.name).shape;
    // Allocate first: an allocation may grow the heap, detaching earlier views.
    const outs = k.outputShapes(shapes, args.attrs).map((s) => backend.makeOutput(s, 'float32'));
    const ins = names.map((n) => backend.typedArrayFromHeap(args.inputs[n] as TensorInfo));
    k.compute(ins, outs.map((o) => backend.typedArrayFromHeap(o)), shapes, args.attrs);
    return outs;
  };
}

function cpuKernelFunc(k: FusedKernel) {
  return (args: { inputs: Record<string, TensorInfo>; backend: unknown; attrs: Attrs }): TensorInfo[] => {
    const backend = args.backend as CpuBackendLike;
    const shapes: Record<string, readonly number[]> = {};
    const ins = k.inputs(args.attrs).map((n) => {
      const t = inputOf(args.inputs, n, k.name);
      shapes[n] = t.shape;
      const v = backend.data.get(t.dataId).values;
      if (!(v instanceof Float32Array)) throw new Error(`${k.name} (cpu): input ${n} is not float32 data`);
      return v;
    });
    const outShapes = k.outputShapes(shapes, args.attrs);
    const outs = outShapes.map((s) => new Float32Array(size(s)));
    k.compute(ins, outs, shapes, args.attrs);
    return outShapes.map((s, i) => backend.makeTensorInfo(s, 'float32', outs[i] as Float32Array));
  };
}

/**
 * Identity without a copy on the wasm backend: the output shares the input's memory (reference
 * counted, as the wasm backend's own Reshape and the cpu backend's Identity do) instead of the
 * wasm Identity's copy. TF.js never writes into a tensor's memory once it is made (every kernel,
 * lrdkit's included, writes new outputs; Variable.assign swaps the memory), so sharing gives the
 * same values. It matters because tf.customGrad clones every tensor a differentiable op saves
 * for its gradient through Identity: for the whole-sequence layers that is the saved activations,
 * 11 MB per layer and step of a GRU(100) g = 4 at T = 198 (7 % of its training step was this copy).
 */
function sharedIdentityWasm(fallback: tf.KernelFunc) {
  return (args: { inputs: Record<string, TensorInfo>; backend: unknown; attrs: Attrs }): TensorInfo => {
    const x = args.inputs.x as TensorInfo;
    if (x.dtype === 'string') return fallback(args as unknown as Parameters<tf.KernelFunc>[0]) as TensorInfo;
    (args.backend as { incRef(dataId: object): void }).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype } as TensorInfo;
  };
}

let registered = false;

/** Registers the fused kernels (and the wasm UnsortedSegmentSum and copy-free Identity) once per process. */
export function registerFusedKernels(): void {
  if (registered) return;
  registered = true;
  for (const k of KERNELS) {
    tf.registerKernel({ kernelName: k.name, backendName: 'wasm', kernelFunc: wasmKernelFunc(k) as unknown as tf.KernelFunc });
    tf.registerKernel({ kernelName: k.name, backendName: 'cpu', kernelFunc: cpuKernelFunc(k) as unknown as tf.KernelFunc });
  }
  // tf.sum accumulates in float32 on wasm, in float64 on cpu: one optimizer kernel for each.
  tf.registerKernel({ kernelName: 'LrdkitClippedRmsprop', backendName: 'wasm', kernelFunc: wasmKernelFunc(clippedRmspropKernel(false)) as unknown as tf.KernelFunc });
  tf.registerKernel({ kernelName: 'LrdkitClippedRmsprop', backendName: 'cpu', kernelFunc: cpuKernelFunc(clippedRmspropKernel(true)) as unknown as tf.KernelFunc });
  const identity = tf.getKernel('Identity', 'wasm');
  if (identity) {
    tf.unregisterKernel('Identity', 'wasm');
    tf.registerKernel({ kernelName: 'Identity', backendName: 'wasm', kernelFunc: sharedIdentityWasm(identity.kernelFunc) as unknown as tf.KernelFunc });
  }
  if (!tf.getKernel('UnsortedSegmentSum', 'wasm')) {
    tf.registerKernel({ kernelName: 'UnsortedSegmentSum', backendName: 'wasm', kernelFunc: unsortedSegmentSumWasm as unknown as tf.KernelFunc });
  }
}

/** Whether the fused kernels can run on the active backend. */
export function fusedKernelsAvailable(): boolean {
  return (FUSED_KERNEL_BACKENDS as readonly string[]).includes(tf.getBackend());
}

/**
 * The g slices of x [g, ...] along axis 0: the LrdkitUnstackBlocks kernel where the fused kernels
 * run (one copy per slice), tf.unstack elsewhere.
 */
export function unstackBlocks(x: tf.Tensor): tf.Tensor[] {
  if (x.shape[0] === 1) return [x.reshape(x.shape.slice(1))];
  if (!fusedKernelsAvailable()) return tf.unstack(x);
  registerFusedKernels();
  return runFused('LrdkitUnstackBlocks', { x });
}

/** Runs a fused kernel by name (after {@link registerFusedKernels}). */
export function runFused(name: string, inputs: Record<string, tf.Tensor>, attrs: Attrs = {}): tf.Tensor[] {
  const out = tf.engine().runKernel(name, inputs as tf.NamedTensorMap, attrs as tf.NamedAttrMap) as unknown;
  return Array.isArray(out) ? (out as tf.Tensor[]) : [out as tf.Tensor];
}
