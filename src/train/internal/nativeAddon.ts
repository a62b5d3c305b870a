/**
 * Loading the optional native kernel addon (native/build/lrdkit_kernels.node, built by
 * scripts/build-native.mjs), without TF.js: the CLI checks `--kernels native` with it before
 * anything starts. What the addon computes and how it is used: ./nativeKernels.ts.
 *
 * @example
 * ```ts
 * const l = loadNativeAddon();
 * // l.addon?.isa() === 'avx512' on an x86-64 CPU with AVX-512 (F, VL), 'avx2-fma' with AVX2 and FMA only; l.addon === null and l.reason says why without it
 * ```
 *
 * @internal
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The addon's exports (native/lrdkit_kernels.c); offsets in bytes into `mem`. */
export interface NativeAddon {
  gemm(mem: ArrayBufferLike | ArrayBufferView, S: number, sp: number, ss: number, V: number, ldv: number, C: number, ldc: number, P: number, Q: number, K: number, accum: number, bias: number): void;
  sigmoid(mem: ArrayBufferLike | ArrayBufferView, src: number, dst: number, n: number): void;
  tanh(mem: ArrayBufferLike | ArrayBufferView, src: number, dst: number, n: number): void;
  padRows(mem: ArrayBufferLike | ArrayBufferView, flatRows: number, paddedRows: number, T: number, B: number, Bp: number, parts: number, hb: number, n: number, toPadded: number): void;
  /** s (the saved activations) may be a Float32Array in place of an offset: then it is read and written there. */
  gruForward(mem: ArrayBufferLike | ArrayBufferView, xp: number, u: number, c: number, h: number, s: number | Float32Array, hu: number, T: number, B: number, n: number): void;
  gruBackward(mem: ArrayBufferLike | ArrayBufferView, dy: number, h: number, s: number | Float32Array, ut: number, dxp: number, dhu: number, carry: number, du: number, dc: number, T: number, B: number, n: number): void;
  lstmForward(mem: ArrayBufferLike | ArrayBufferView, xp: number, u: number, h: number, s: number | Float32Array, hu: number, T: number, B: number, n: number): void;
  lstmBackward(mem: ArrayBufferLike | ArrayBufferView, dy: number, h: number, s: number | Float32Array, ut: number, dxp: number, carry: number, dcell: number, du: number, T: number, B: number, n: number): void;
  /** C [batch, M, N] = op(A) op(B) (+ bias [N]); strides per batch item in floats (0: broadcast). */
  matmul(mem: ArrayBufferLike | ArrayBufferView, a: number, b: number, c: number, bias: number, batch: number, M: number, N: number, K: number, transposeA: number, transposeB: number, strideA: number, strideB: number): void;
  /** padRows between the kernels' memory (padded rows at byte `padded`) and a Float32Array (flat rows from float `from`), one pass. */
  padCopy(mem: ArrayBufferLike, padded: number, array: Float32Array, from: number, T: number, B: number, Bp: number, parts: number, hb: number, n: number, toPadded: number): void;
  /** out = row-wise softmax of x [rows, cols] (the gates' exp, sum in a fixed order). */
  softmax(x: Float32Array, out: Float32Array, rows: number, cols: number): void;
  /** out [g, v, k] = segment sums of x [g, n, k] by ids [n] (./kernels.ts's LrdkitSegmentSumAxis1, the same bits). */
  segmentSumAxis1(x: Float32Array, ids: Float32Array, out: Float32Array, g: number, n: number, v: number, k: number): void;
  /** out [g, n, k] = rows ids of table [g, v, k] (LrdkitGatherAxis1). */
  gatherAxis1(table: Float32Array, ids: Float32Array, out: Float32Array, g: number, v: number, n: number, k: number): void;
  /** out = scale (p - onehot(targets)) in float64 rounded to float32 (LrdkitCrossEntropyGrad, the same bits). */
  crossEntropyGrad(p: Float32Array, targets: Float32Array, out: Float32Array, n: number, v: number, scale: number): void;
  /** Sum of x_j^2 with float32 squares, accumulated in float32 or in float64 rounded once (./clippedRmsprop.ts's sumOfSquares). */
  sumOfSquares(x: Float32Array, inFloat64: boolean): number;
  /** One clipped RMSProp update of a variable in float32, as ./clippedRmsprop.ts's loop (the constants float32 values). */
  rmspropUpdate(w: Float32Array, g: Float32Array, m: Float32Array, q: Float32Array, wOut: Float32Array, mOut: Float32Array, qOut: Float32Array,
    clipping: number, scale: number, rho: number, oneMinusRho: number, mu: number, lr: number, eps: number): void;
  /** The instruction set in use ('avx512', 'avx2-fma' or 'portable'). */
  isa(): string;
  /** The instruction sets this CPU and build run. */
  isas(): string[];
  /** Switches the instruction set (for tests and benchmarks); returns it. */
  useIsa(name: string): string;
}

/** `--kernels native` was asked for but the addon is not built or does not load (the CLI exits 2). */
export class NativeKernelsUnavailableError extends Error {
  override name = 'NativeKernelsUnavailableError';
}

/** The package root (this file is src/train/internal/ or dist/train/internal/). */
const PACKAGE_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** Where scripts/build-native.mjs writes the addon. */
export const NATIVE_ADDON_PATH = join(PACKAGE_ROOT, 'native', 'build', 'lrdkit_kernels.node');

/** How to get the addon, for messages. */
export const NATIVE_BUILD_HINT = 'build them with `npm run native` (needs a C compiler: cc or gcc, and Node-API headers)';

let loaded: { addon: NativeAddon } | { addon: null; reason: string } | null = null;

/**
 * The addon, loaded once per thread, or why it is unavailable. The environment variable
 * LRDKIT_NATIVE_ADDON names another file to load instead of {@link NATIVE_ADDON_PATH} (tests use
 * a missing file to see the failure where the addon is built).
 */
export function loadNativeAddon(): { addon: NativeAddon } | { addon: null; reason: string } {
  if (loaded) return loaded;
  const path = process.env.LRDKIT_NATIVE_ADDON || NATIVE_ADDON_PATH;
  if (!existsSync(path)) loaded = { addon: null, reason: `${path} does not exist` };
  else {
    try {
      loaded = { addon: createRequire(import.meta.url)(path) as NativeAddon };
    } catch (e) {
      loaded = { addon: null, reason: `${path} failed to load (${e instanceof Error ? e.message.split('\n')[0] : String(e)})` };
    }
  }
  return loaded;
}

let addonInUse: NativeAddon | null = null;

/**
 * The addon while `native` kernels are installed on this thread (./nativeKernels.ts sets it):
 * ./kernels.ts then runs its row gather, segment sum and cross-entropy gradient, and
 * ./clippedRmsprop.ts its sums of squares and update, in C with the same loops and arithmetic
 * (the same bits); null otherwise.
 */
export function nativeAddonInUse(): NativeAddon | null {
  return addonInUse;
}

/** Records the addon in use (./nativeKernels.ts's useTrainingKernels). */
export function setNativeAddonInUse(addon: NativeAddon | null): void {
  addonInUse = addon;
}

/** The addon, or {@link NativeKernelsUnavailableError} naming why and how to build it. */
export function nativeAddon(): NativeAddon {
  const l = loadNativeAddon();
  if (!l.addon) throw new NativeKernelsUnavailableError(`--kernels native: the native kernels are not available (${l.reason}); ${NATIVE_BUILD_HINT}, or train with --kernels wasm`);
  return l.addon;
}
