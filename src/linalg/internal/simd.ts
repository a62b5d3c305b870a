/**
 * The WebAssembly SIMD (f64x2) kernels of wasm/kernels.wat, instantiated once per thread, and
 * the linear memory they work in.
 *
 * The main kernel, {@link SimdKernels.gemm}, computes
 *
 *     C[p ldc + q] (=, or += when accum) sum_{s < K} S[p sp + s ss] V[s ldv + q]
 *
 * with every entry summed in the textbook order (s = 0, 1, ..., K - 1, separate rounded multiply
 * and add, from +0 or from C), so its results equal the plain-JS kernels of kernels.ts bit for
 * bit; it runs 3-5 times faster (about 8-12 G multiply-adds per second per core here, against
 * 2-3 for the register-tiled JS loops) because each instruction works on two lanes and the
 * loads are not bounds-checked. Node 20 has SIMD128 but not relaxed SIMD (no FMA), which keeps
 * the rounding of the scalar loops. The others (FFT butterflies, cross-spectra, plane
 * rotations, row-scaled updates, the GRU step's gates with two-lane ports of fdlibm's exp and
 * tanh) follow the same rule: vectorised across independent entries only, each entry computed
 * by the scalar code's operations in its order (see kernels.wat).
 *
 * Callers copy their operands into the module's memory through {@link WasmArena}: scratch
 * regions with stack discipline (mark / release) and resident copies of immutable data (cell
 * weights, transposed once) that stay between calls.
 *
 * The kernels are unavailable (and every caller runs its JS loops instead, with the same
 * results) when the engine lacks WebAssembly SIMD, when the environment variable
 * LRDKIT_SIMD is '0', or after {@link setSimdEnabled}(false).
 *
 * References: WebAssembly SIMD proposal (fixed-width 128-bit), W3C WebAssembly Core
 * Specification 2.0, section 4.3.2 (floating-point operations: IEEE 754 round to nearest,
 * no contraction).
 *
 * @internal
 */
import { KERNELS_WASM_BASE64 } from './wasm/kernelsWasm.js';

/** The parts of a WebAssembly.Memory used here (the project's lib settings do not type WebAssembly). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

/** The parts of the global WebAssembly object used here. */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: unknown };
}

/** The exports of kernels.wat. Pointers are byte offsets into `memory`, strides in float64 elements. */
export interface SimdKernels {
  readonly memory: WasmMemory;
  gemm(S: number, sp: number, ss: number, V: number, ldv: number, C: number, ldc: number, P: number, Q: number, K: number, accum: number, upper: number): void;
  /** For k < n: h = B[k]; B[k] = s A[k] + c h; A[k] = c A[k] - s h (pointers a, b). */
  rot(a: number, b: number, n: number, c: number, s: number): void;
  /** For k < n: V[k] = V[k] - (f E[k] + g D[k]) (pointers v, e, d). */
  rank2(v: number, e: number, d: number, n: number, f: number, g: number): void;
  /** Radix-2 FFT butterfly passes on bit-reversed split arrays (see simdFft.ts). */
  fft(re: number, im: number, n: number, tc: number, ts: number, sign: number): void;
  /** For k < n: X[k] = X[k] * s. */
  scale(x: number, n: number, s: number): void;
  /** out[i ldo + j] += coef[i] M[i cols + j] for rows with coef[i] != 0 (pointers out, coef, m). */
  scaledRows(out: number, ldo: number, coef: number, m: number, rows: number, cols: number): void;
  /** Hermitian cross-spectrum accumulation of nb sequences (see kernels.wat). */
  herm(are: number, aim: number, yre: number, yim: number, r: number, F: number, nb: number, ystride: number): void;
  /** One ordered cross-spectrum term over all component pairs (see kernels.wat). */
  cross(are: number, aim: number, lre: number, lim: number, rre: number, rim: number, r: number, F: number): void;
  /** out = sigmoid (which 0) or tanh (1) of x, pairwise, up to the first pair outside the domain; returns the count done. */
  vmath(x: number, out: number, n: number, which: number): number;
  /** The elementwise part of the batched GRU step, reset after (see kernels.wat); returns the number of units left to the caller, listed at exc. */
  gruGates(A: number, B: number, S: number, next: number, pre: number, bias: number, n: number, h: number, exc: number): number;
}

let loaded: SimdKernels | null | undefined;
let compiled: { wasm: WasmApi; module: object } | null = null;
let enabled = process.env.LRDKIT_SIMD !== '0';

/** A fresh instance (its own memory) of the compiled kernels, or null when unsupported. */
function load(): SimdKernels | null {
  const wasm = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
  if (!wasm) return null;
  try {
    if (!compiled) {
      const bytes = new Uint8Array(Buffer.from(KERNELS_WASM_BASE64, 'base64'));
      if (!wasm.validate(bytes)) return null;
      compiled = { wasm, module: new wasm.Module(bytes) };
    }
    const instance = new compiled.wasm.Instance(compiled.module, {});
    return instance.exports as unknown as SimdKernels;
  } catch {
    return null;
  }
}

/** A fresh instance of the kernels with its own memory, or null when unsupported (for tests of {@link WasmArena}). */
export function instantiateSimdKernels(): SimdKernels | null {
  return load();
}

/** True when this engine can run the SIMD kernels (whether or not they are enabled). */
export function simdSupported(): boolean {
  if (loaded === undefined) loaded = load();
  return loaded !== null;
}

/** The kernels, or null when unsupported or disabled (callers then run their JS loops). */
export function simdKernels(): SimdKernels | null {
  if (!enabled) return null;
  if (loaded === undefined) loaded = load();
  return loaded;
}

/**
 * Enables or disables the SIMD kernels on this thread (for tests and benchmarks comparing the
 * two paths; LRDKIT_SIMD=0 disables them in every thread). Returns the previous setting.
 */
export function setSimdEnabled(on: boolean): boolean {
  const previous = enabled;
  enabled = on;
  return previous;
}

/** Resident copies are kept while they fit in this many bytes; then all are dropped and re-uploaded on use. */
const RESIDENT_CAP_BYTES = 96 * 2 ** 20;
/**
 * When the outermost scratch scope is released with the scratch part of the memory (above the
 * resident copies) grown beyond this, or beyond the resident copies' own size when they are
 * larger, the arena is retired (its memory is freed with it) and the next {@link simdArena}
 * call starts a fresh instance: large temporary buffers do not stay allocated for the life of
 * the thread. The residents do not count: a retired arena takes them along, and weights that
 * alone exceed the limit (a GRU(2048)'s stacked copies are 201 MB) were re-transposed and
 * re-uploaded after every step (0.38 s of CPU per GRU(2048) step, 100x a GRU(1024) step, most
 * of it in growing fresh memories: the default GRU(2048) audit ran for over 46 CPU minutes).
 */
const RETIRE_BYTES = 128 * 2 ** 20;
const PAGE_BYTES = 65536;

interface ResidentEntry {
  generation: number;
  /** Float64 index in the memory. */
  index: number;
  readonly data: Float64Array;
}

/**
 * Allocation in the kernels' linear memory: resident copies at the bottom (bump-allocated,
 * dropped all at once when they outgrow {@link RESIDENT_CAP_BYTES}), scratch above them with
 * stack discipline. Indices are float64 element indices, 16-byte aligned.
 */
export class WasmArena {
  private view: Float64Array;
  private residentTop = 0;
  private top = 0;
  private live = 0;
  private generation = 0;
  private readonly residents = new WeakMap<object, ResidentEntry>();
  /** True once released with more than RETIRE_BYTES of memory: simdArena() then makes a new one. */
  retired = false;

  /**
   * @param limits - the scratch size that retires the arena (default {@link RETIRE_BYTES}; tests
   *   use small ones)
   */
  constructor(
    readonly kernels: SimdKernels,
    private readonly limits: { readonly retireBytes: number } = { retireBytes: RETIRE_BYTES },
  ) {
    this.view = new Float64Array(kernels.memory.buffer);
  }

  /** The memory as float64 (a fresh view after the memory grew). */
  get f64(): Float64Array {
    if (this.view.buffer !== this.kernels.memory.buffer || this.view.length === 0) this.view = new Float64Array(this.kernels.memory.buffer);
    return this.view;
  }

  private ensure(bytes: number): void {
    const have = this.kernels.memory.buffer.byteLength;
    if (bytes > have) this.kernels.memory.grow(Math.ceil((bytes - have) / PAGE_BYTES));
  }

  /** The current scratch top, to pass to {@link WasmArena.release}. */
  mark(): number {
    this.live++;
    return this.top;
  }

  /**
   * Frees every scratch region allocated since `mark`; the outermost release retires the arena
   * when the scratch high-water mark (memory above the residents) exceeds the retire limit and
   * the residents' size (see {@link RETIRE_BYTES}).
   */
  release(mark: number): void {
    this.live--;
    this.top = mark;
    if (this.live === 0 && this.kernels.memory.buffer.byteLength - this.residentTop > Math.max(this.limits.retireBytes, this.residentTop)) this.retired = true;
  }

  /** A scratch region of `count` float64 (contents undefined); returns its element index. */
  alloc(count: number): number {
    const start = (this.top + 15) & ~15;
    this.ensure(start + count * 8);
    this.top = start + count * 8;
    return start / 8;
  }

  /**
   * The element index of the resident copy of `build()` for `key` (built and uploaded on first
   * use, and again after the resident region was dropped). The data must not change while the
   * key lives. Inside a mark / release scope, a copy that is not resident yet is uploaded to
   * scratch instead (valid until that scope is released; uploaded again on the next call).
   */
  resident(key: object, build: () => Float64Array): number {
    let entry = this.residents.get(key);
    if (entry && entry.generation === this.generation) return entry.index;
    if (this.live > 0) {
      const data = entry ? entry.data : build();
      const index = this.alloc(data.length);
      this.f64.set(data, index);
      return index;
    }
    const data = entry ? entry.data : build();
    if (this.residentTop + data.length * 8 > RESIDENT_CAP_BYTES && this.residentTop > 0) {
      this.generation++;
      this.residentTop = 0;
    }
    const start = (this.residentTop + 15) & ~15;
    this.ensure(start + data.length * 8);
    this.f64.set(data, start / 8);
    this.residentTop = start + data.length * 8;
    this.top = this.residentTop;
    entry = { generation: this.generation, index: start / 8, data };
    this.residents.set(key, entry);
    return entry.index;
  }
}

let arenaInstance: WasmArena | null = null;

/** This thread's arena over the kernels' memory, or null when the kernels are unavailable or disabled. */
export function simdArena(): WasmArena | null {
  const k = simdKernels();
  if (!k) return null;
  if (arenaInstance && arenaInstance.retired) {
    const fresh = load();
    if (!fresh) return null;
    loaded = fresh;
    arenaInstance = new WasmArena(fresh);
  }
  if (!arenaInstance) arenaInstance = new WasmArena(loaded as SimdKernels);
  return arenaInstance;
}

/**
 * C = S V on element indices of the arena's memory (see {@link SimdKernels.gemm}):
 * C[c + p ldc + q] = sum_{s < K} S[sIdx + p sp + s ss] V[vIdx + s ldv + q], p < P, q < Q (q >= p
 * rounded down to even when `upper`), each sum in index order from 0 (`accumulate` false), from
 * C's value ('continue': the running sum of the JS kernels' accumulate = true), or from 0 and
 * then added to C ('add': c = c + sum, as addTransposedProducts).
 */
export function gemm(
  k: SimdKernels,
  sIdx: number,
  sp: number,
  ss: number,
  vIdx: number,
  ldv: number,
  cIdx: number,
  ldc: number,
  P: number,
  Q: number,
  K: number,
  accumulate: boolean | 'continue' | 'add',
  upper = false,
): void {
  if (P <= 0 || Q <= 0) return;
  const mode = accumulate === 'add' ? 2 : accumulate ? 1 : 0;
  k.gemm(sIdx * 8, sp, ss, vIdx * 8, ldv, cIdx * 8, ldc, P, Q, K, mode, upper ? 1 : 0);
}

/** The transpose of a rows x cols row-major matrix (cols x rows, row-major), for resident weights. */
export function transposed(a: Float64Array, rows: number, cols: number, out = new Float64Array(rows * cols), outOffset = 0, ldOut = rows): Float64Array {
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    for (let j = 0; j < cols; j++) out[outOffset + j * ldOut + i] = a[o + j] as number;
  }
  return out;
}
