/**
 * One recurrent layer over the whole sequence in one call: the forward recurrence and the
 * backpropagation through time of a GRU (Keras, reset_after = true) or LSTM (Keras) layer of g
 * blocks, each block computed by the WebAssembly SIMD kernels of ./wasm/recurrent.wat (float32,
 * f32x4), and the four TF.js kernels that expose them (LrdkitGruSequence, LrdkitGruSequenceGrad,
 * LrdkitLstmSequence, LrdkitLstmSequenceGrad) for the wasm and cpu backends.
 *
 * Method. Block b's state only feeds block b, so the g blocks are g independent recurrences: for
 * each block the operands are copied into the module's memory (block width hb padded to a
 * multiple of 4 with zero weights, batch padded to a multiple of 4 with zero inputs; padded units
 * stay exactly 0 in the forward pass, padded rows receive zero output gradients, so neither
 * changes a real entry), the kernel runs all T steps (per step one product h U, then the gates,
 * 4 lanes at a time), and the results are copied back without the padding. The backward kernel
 * walks the steps in reverse (per step the gates' derivatives and one product dhu U^T) and forms
 * dU = sum_t h_{t-1}^T dhu_t as one product over the (T - 1) B rows, and the GRU's
 * dc = sum_t sum_b dhu_t. Equations: see recurrent.wat's header (those of src/cells).
 *
 * Per training step, a layer is two TF.js kernel calls (forward, gradient) instead of the
 * per-step kernels' ~10 T.
 *
 * Two implementations of the kernels, chosen per thread by {@link useRecurrentKernels}: the
 * WebAssembly module (default, always there) and the optional native addon's C twins
 * (native/kernels_body.h via ./nativeKernels.ts, `--kernels native`), which read and write the
 * same WebAssembly memory in the same layout, so everything in this file is shared. The
 * addon's portable path performs the module's operations in its order (the same bits on
 * x86-64); its AVX2/FMA path fuses multiply-adds (one rounding less) and differs by float32
 * rounding.
 *
 * @example
 * ```ts
 * // One GRU unit (g = 1, hb = 1), batch 1, T = 2 steps with xp = [z, r, n] = [0, 0, 1], U = 0, c = 0:
 * // z = 1/2, n = tanh 1 = 0.76159, h_1 = n / 2 = 0.38080, h_2 = n + (h_1 - n) / 2 = 0.57120
 * const { h } = gruSequenceForward(Float32Array.from([0, 0, 1, 0, 0, 1]), new Float32Array(3), new Float32Array(3), { g: 1, T: 2, B: 1, hb: 1 });
 * // h = Float32Array [0.38079703, 0.57119554]
 * ```
 *
 * @internal
 */
import type { WasmMemory } from '../../linalg/internal/simd.js';
import { RECURRENT_WASM_BASE64 } from './wasm/recurrentWasm.js';

interface RecurrentExports {
  readonly memory: WasmMemory;
  gemm(S: number, sp: number, ss: number, V: number, ldv: number, C: number, ldc: number, P: number, Q: number, K: number, accum: number, bias: number): void;
  sigmoid(src: number, dst: number, n: number): void;
  tanh(src: number, dst: number, n: number): void;
  padRows(flatRows: number, paddedRows: number, T: number, B: number, Bp: number, parts: number, hb: number, n: number, toPadded: number): void;
  // s: an offset into the memory, or (where savedInPlace) the block's part of the saved-activations tensor itself.
  gruForward(xp: number, u: number, c: number, h: number, s: number | Float32Array, hu: number, T: number, B: number, n: number): void;
  gruBackward(dy: number, h: number, s: number | Float32Array, ut: number, dxp: number, dhu: number, carry: number, du: number, dc: number, T: number, B: number, n: number): void;
  lstmForward(xp: number, u: number, h: number, s: number | Float32Array, hu: number, T: number, B: number, n: number): void;
  lstmBackward(dy: number, h: number, s: number | Float32Array, ut: number, dxp: number, carry: number, dcell: number, du: number, T: number, B: number, n: number): void;
  /**
   * Whether the four functions above take the saved activations as a Float32Array in place of
   * an offset (the native addon: the saved-activations tensor is written and read where it is,
   * without a copy through this memory); the WebAssembly module reads only its own memory.
   */
  readonly savedInPlace?: boolean;
  /**
   * Optional (the native addon has it, the WebAssembly module not): padRows between padded rows
   * at byte `padded` of this memory and flat rows of `array` from float `from` in one pass
   * (toPadded 1 also zeroes the padding), instead of a copy to a staging area and padRows.
   */
  padCopy?(padded: number, array: Float32Array, from: number, T: number, B: number, Bp: number, parts: number, hb: number, n: number, toPadded: number): void;
  /**
   * Optional: the floats per vector of the kernels' elementwise loops and product tiles (the
   * native addon's instruction set: 16 AVX-512, 8 AVX2; the WebAssembly module 4, the default).
   * Only a performance hint for {@link paddedUnits}: any multiple of 4 computes the same values.
   */
  readonly laneWidth?: number;
}

/** The recurrent kernels' functions after the memory: recurrent.wat's exports, or the native addon's bound to that memory. */
export type RecurrentKernelFunctions = Omit<RecurrentExports, 'memory'>;

let instance: RecurrentExports | null = null;
let active: RecurrentExports | null = null;

/** The WebAssembly kernels (instantiated once per thread). */
function wasmKernels(): RecurrentExports {
  if (!instance) {
    // The project's lib settings do not type WebAssembly; Node 20 runs SIMD128 (the wasm backend needs it too).
    const wasm = (globalThis as unknown as { WebAssembly: { Module: new (b: Uint8Array) => object; Instance: new (m: object, i: object) => { readonly exports: unknown } } }).WebAssembly;
    const bytes = new Uint8Array(Buffer.from(RECURRENT_WASM_BASE64, 'base64'));
    instance = new wasm.Instance(new wasm.Module(bytes), {}).exports as unknown as RecurrentExports;
  }
  return instance;
}

/** The kernels in use: the WebAssembly ones unless {@link useRecurrentKernels} installed others. */
export function recurrentKernels(): RecurrentExports {
  return active ?? wasmKernels();
}

/**
 * Chooses the implementation of the kernels' functions for this thread: `null` the WebAssembly
 * exports (the default), else a factory given the WebAssembly memory (where the operands stay
 * laid out as before) that returns functions with recurrent.wat's signatures and semantics, e.g.
 * the native addon's (./nativeKernels.ts).
 */
export function useRecurrentKernels(make: ((memory: WasmMemory) => RecurrentKernelFunctions) | null): void {
  const wasm = wasmKernels();
  active = make ? { ...make(wasm.memory), memory: wasm.memory } : null;
}

/** Sizes of a layer over a sequence: g blocks of hb units, T steps, batch B. */
export interface SequenceSizes {
  readonly g: number;
  readonly T: number;
  readonly B: number;
  readonly hb: number;
}

const roundUp4 = (x: number) => (x + 3) & ~3;

/**
 * The padded width n of a block of hb units in the kernels' memory: hb rounded up to 4, or to
 * the kernels' lane width L (./nativeKernels.ts) where that takes fewer vector passes per row
 * (the elementwise loops run L-wide, then 4-wide: n4 / L + (n4 mod L) / 4 passes against
 * roundUp(hb, L) / L) and widens by at most 25 % (the per-step product grows with n^2). With
 * 4-wide kernels (the WebAssembly module) always roundUp(hb, 4).
 *
 * @example paddedUnits(25) // 28 on the WebAssembly kernels, 32 on the native AVX-512 ones (4 passes against 2)
 */
function paddedUnits(hb: number): number {
  const n4 = roundUp4(hb), lanes = recurrentKernels().laneWidth ?? 4;
  if (lanes <= 4) return n4;
  const nLanes = Math.ceil(hb / lanes) * lanes;
  const passesN4 = Math.floor(n4 / lanes) + (n4 % lanes) / 4;
  return nLanes / lanes < passesN4 && nLanes * 4 <= n4 * 5 ? nLanes : n4;
}

/** Named float32 regions of the module's memory, 16-byte aligned, from byte 64 on (0 is "no bias"). */
function layout(regions: Record<string, number>): { at: Record<string, number>; view: Float32Array } {
  const k = recurrentKernels();
  const at: Record<string, number> = {};
  let next = 64;
  for (const [name, floats] of Object.entries(regions)) {
    at[name] = next;
    next += roundUp4(floats) * 4;
  }
  const have = k.memory.buffer.byteLength;
  if (next > have) k.memory.grow(Math.ceil((next - have) / 65536));
  return { at, view: new Float32Array(k.memory.buffer) };
}

/**
 * Copies `steps` x `B` rows of `parts` hb-wide parts (source row stride parts * hb, from float
 * `from`) into padded rows of `parts` n-wide parts at byte `to` (row t Bp + b), zeroing the
 * padding. Without padding one copy; else the rows are copied into this module's memory in one
 * piece at byte `stage` and padded there by the kernels' padRows.
 */
function padIn(view: Float32Array, to: number, src: Float32Array, from: number, steps: number, B: number, Bp: number, parts: number, hb: number, n: number, stage: number): void {
  const base = to >> 2, count = steps * B * parts * hb;
  if (B === Bp && hb === n) {
    view.set(src.subarray(from, from + count), base);
    return;
  }
  const k = recurrentKernels();
  if (k.padCopy) {
    k.padCopy(to, src, from, steps, B, Bp, parts, hb, n, 1);
    return;
  }
  view.fill(0, base, base + steps * Bp * parts * n);
  view.set(src.subarray(from, from + count), stage >> 2);
  k.padRows(stage, to, steps, B, Bp, parts, hb, n, 1);
}

/** The inverse of {@link padIn}: real rows and units of the padded region at byte `from` into dst (through `stage`). */
function padOut(dst: Float32Array, to: number, view: Float32Array, from: number, steps: number, B: number, Bp: number, parts: number, hb: number, n: number, stage: number): void {
  const base = from >> 2, count = steps * B * parts * hb;
  if (B === Bp && hb === n) {
    dst.set(view.subarray(base, base + count), to);
    return;
  }
  const k = recurrentKernels();
  if (k.padCopy) {
    k.padCopy(from, dst, to, steps, B, Bp, parts, hb, n, 0);
    return;
  }
  k.padRows(stage, from, steps, B, Bp, parts, hb, n, 0);
  dst.set(view.subarray(stage >> 2, (stage >> 2) + count), to);
}

/** Block k's recurrent kernel [hb, G hb] padded to [n, G n] at byte `to`, transposed when asked ([G n, n]). */
function weightIn(view: Float32Array, to: number, u: Float32Array, k: number, G: number, hb: number, n: number, transposed: boolean): void {
  const base = to >> 2, src = k * hb * G * hb;
  view.fill(0, base, base + n * G * n);
  for (let i = 0; i < hb; i++) {
    for (let q = 0; q < G; q++) {
      for (let j = 0; j < hb; j++) {
        const v = u[src + i * G * hb + q * hb + j] as number;
        if (transposed) view[base + (q * n + j) * n + i] = v;
        else view[base + i * G * n + q * n + j] = v;
      }
    }
  }
}

/** Saved activations per padded (step, row): GRU z, r, n, hn; LSTM i, f, g, o, c, tanh c. */
const SAVED_PARTS = { gru: 4, lstm: 6 } as const;
const GATES = { gru: 3, lstm: 4 } as const;

/** Float count of the saved activations of one block (padded layout, opaque outside this module). */
export function savedSize(kind: 'gru' | 'lstm', s: SequenceSizes): number {
  return s.T * roundUp4(s.B) * SAVED_PARTS[kind] * paddedUnits(s.hb);
}

/** Result of a forward pass: h_1 .. h_T [g, T, B, hb] and the activations the backward pass reads. */
export interface SequenceForward {
  readonly h: Float32Array;
  readonly saved: Float32Array;
}

function forward(kind: 'gru' | 'lstm', xp: Float32Array, u: Float32Array, c: Float32Array | null, sz: SequenceSizes, out?: SequenceForward): SequenceForward {
  const { g, T, B, hb } = sz;
  const G = GATES[kind], n = paddedUnits(hb), Bp = roundUp4(B), per = savedSize(kind, sz);
  const h = out?.h ?? new Float32Array(g * T * B * hb), saved = out?.saved ?? new Float32Array(g * per);
  const k = recurrentKernels();
  const inPlace = k.savedInPlace === true;
  const { at, view } = layout({ xp: T * Bp * G * n, u: n * G * n, c: G * n, h: T * Bp * n, s: inPlace ? 0 : per, hu: Bp * G * n, stage: T * B * G * hb });
  const stage = at.stage!;
  for (let blk = 0; blk < g; blk++) {
    padIn(view, at.xp!, xp, blk * T * B * G * hb, T, B, Bp, G, hb, n, stage);
    weightIn(view, at.u!, u, blk, G, hb, n, false);
    const s = inPlace ? saved.subarray(blk * per, (blk + 1) * per) : at.s!;
    if (kind === 'gru') {
      padIn(view, at.c!, c as Float32Array, blk * G * hb, 1, 1, 1, G, hb, n, stage);
      k.gruForward(at.xp!, at.u!, at.c!, at.h!, s, at.hu!, T, Bp, n);
    } else k.lstmForward(at.xp!, at.u!, at.h!, s, at.hu!, T, Bp, n);
    padOut(h, blk * T * B * hb, view, at.h!, T, B, Bp, 1, hb, n, stage);
    if (!inPlace) saved.set(view.subarray(at.s! >> 2, (at.s! >> 2) + per), blk * per);
  }
  return { h, saved };
}

/** Gradients of a layer: d xp [g, T, B, G hb], dU [g, hb, G hb] and (GRU) dc [g, G hb]. */
export interface SequenceGradients {
  readonly dxp: Float32Array;
  readonly du: Float32Array;
  readonly dc: Float32Array | null;
}

function backward(kind: 'gru' | 'lstm', dy: Float32Array, h: Float32Array, saved: Float32Array, u: Float32Array, sz: SequenceSizes, out?: SequenceGradients): SequenceGradients {
  const { g, T, B, hb } = sz;
  const G = GATES[kind], n = paddedUnits(hb), Bp = roundUp4(B), per = savedSize(kind, sz);
  const dxp = out?.dxp ?? new Float32Array(g * T * B * G * hb), du = out?.du ?? new Float32Array(g * hb * G * hb);
  const dc = kind === 'gru' ? (out?.dc ?? new Float32Array(g * G * hb)) : null;
  const k = recurrentKernels();
  const inPlace = k.savedInPlace === true;
  const { at, view } = layout({
    dy: T * Bp * n, h: T * Bp * n, s: inPlace ? 0 : per, ut: G * n * n, dxp: T * Bp * G * n,
    dhu: kind === 'gru' ? T * Bp * G * n : 0, carry: Bp * n, dcell: Bp * n, du: n * G * n, dc: G * n,
    stage: Math.max(T * B * G * hb, hb * G * hb),
  });
  const stage = at.stage!;
  for (let blk = 0; blk < g; blk++) {
    padIn(view, at.dy!, dy, blk * T * B * hb, T, B, Bp, 1, hb, n, stage);
    padIn(view, at.h!, h, blk * T * B * hb, T, B, Bp, 1, hb, n, stage);
    const s = inPlace ? saved.subarray(blk * per, (blk + 1) * per) : at.s!;
    if (!inPlace) view.set(saved.subarray(blk * per, (blk + 1) * per), at.s! >> 2);
    weightIn(view, at.ut!, u, blk, G, hb, n, true);
    if (kind === 'gru') {
      k.gruBackward(at.dy!, at.h!, s, at.ut!, at.dxp!, at.dhu!, at.carry!, at.du!, at.dc!, T, Bp, n);
      padOut(dc as Float32Array, blk * G * hb, view, at.dc!, 1, 1, 1, G, hb, n, stage);
    } else k.lstmBackward(at.dy!, at.h!, s, at.ut!, at.dxp!, at.carry!, at.dcell!, at.du!, T, Bp, n);
    padOut(dxp, blk * T * B * G * hb, view, at.dxp!, T, B, Bp, G, hb, n, stage);
    // dU rows i < hb of [n, G n]: row i as G parts of width n.
    padOut(du, blk * hb * G * hb, view, at.du!, 1, hb, n, G, hb, n, stage);
  }
  return { dxp, du, dc };
}

/**
 * GRU layer forward over the sequence from the zero state.
 *
 * @param xp - input pre-activations x_t W + b, [g, T, B, 3 hb] flat (gates z, r, n)
 * @param u - recurrent kernels [g, hb, 3 hb]; c - recurrent biases [g, 3 hb]
 * @returns h [g, T, B, hb] and the saved activations (for {@link gruSequenceBackward})
 */
export function gruSequenceForward(xp: Float32Array, u: Float32Array, c: Float32Array, sizes: SequenceSizes, out?: SequenceForward): SequenceForward {
  return forward('gru', xp, u, c, sizes, out);
}

/** GRU backpropagation through time: from dL/dh [g, T, B, hb], the forward's h and saved activations. */
export function gruSequenceBackward(dy: Float32Array, fwd: SequenceForward, u: Float32Array, sizes: SequenceSizes, out?: SequenceGradients): SequenceGradients {
  return backward('gru', dy, fwd.h, fwd.saved, u, sizes, out);
}

/** LSTM layer forward (Keras gates i, f, c, o; bias inside xp), [g, T, B, 4 hb] -> h [g, T, B, hb]. */
export function lstmSequenceForward(xp: Float32Array, u: Float32Array, sizes: SequenceSizes, out?: SequenceForward): SequenceForward {
  return forward('lstm', xp, u, null, sizes, out);
}

/** LSTM backpropagation through time (dc is null). */
export function lstmSequenceBackward(dy: Float32Array, fwd: SequenceForward, u: Float32Array, sizes: SequenceSizes, out?: SequenceGradients): SequenceGradients {
  return backward('lstm', dy, fwd.h, fwd.saved, u, sizes, out);
}

/** sigma and tanh of the kernels on a float32 array (for the accuracy tests). */
export function kernelActivation(which: 'sigmoid' | 'tanh', x: Float32Array): Float32Array {
  const k = recurrentKernels();
  const n = roundUp4(x.length);
  const { at, view } = layout({ x: n, y: n });
  view.fill(0, at.x! >> 2, (at.x! >> 2) + n);
  view.set(x, at.x! >> 2);
  k[which](at.x!, at.y!, n);
  return view.slice(at.y! >> 2, (at.y! >> 2) + x.length);
}
