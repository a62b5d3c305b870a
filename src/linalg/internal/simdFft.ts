/**
 * The radix-2 FFT of src/linalg/fft.ts through the WebAssembly SIMD kernel `fft` (wasm/kernels.wat):
 * the same twiddle values (Math.cos / Math.sin of 2 pi k / n), the same bit-reversal order and
 * the same butterfly arithmetic, so the same bits, two butterflies per instruction.
 *
 * The caller writes its input in bit-reversed order ({@link SimdFft.bitReversed}) into the
 * kernels' memory, runs {@link SimdFft.forward} or {@link SimdFft.inverse}, and reads the
 * result there.
 *
 * References: J. W. Cooley & J. W. Tukey, Math. Comp. 19:297-301, 1965,
 * doi:10.1090/S0025-5718-1965-0178586-1.
 *
 * @internal
 */
import type { WasmArena } from './simd.js';

interface Tables {
  /** cos and sin of 2 pi k / (2 h), k < h, stage by stage (h = 1, 2, 4, ..., n / 2). */
  readonly cos: Float64Array;
  readonly sin: Float64Array;
  readonly bitReversed: Uint32Array;
}

const tables = new Map<number, Tables>();

function tablesFor(n: number): Tables {
  const cached = tables.get(n);
  if (cached) return cached;
  // fft.ts's planFor: cos/sin[k] = Math.cos/sin(2 pi k / n), k < n/2, and the bit reversal.
  const half = n >>> 1;
  const c = new Float64Array(half);
  const s = new Float64Array(half);
  for (let k = 0; k < half; k++) {
    const angle = (2 * Math.PI * k) / n;
    c[k] = Math.cos(angle);
    s[k] = Math.sin(angle);
  }
  const bitReversed = new Uint32Array(n);
  let bits = 0;
  while (1 << bits < n) bits++;
  for (let i = 0; i < n; i++) {
    let r = 0;
    let x = i;
    for (let b = 0; b < bits; b++) {
      r = (r << 1) | (x & 1);
      x >>>= 1;
    }
    bitReversed[i] = r;
  }
  // Stage of half size h (stride n / (2 h)) reads cos[k stride], k < h: stored contiguously.
  const cos = new Float64Array(Math.max(0, n - 1));
  const sin = new Float64Array(Math.max(0, n - 1));
  for (let h = 1; h < n; h *= 2) {
    const stride = n / (2 * h);
    for (let k = 0; k < h; k++) {
      cos[h - 1 + k] = c[k * stride] as number;
      sin[h - 1 + k] = s[k * stride] as number;
    }
  }
  const t = { cos, sin, bitReversed };
  if (tables.size < 16) tables.set(n, t);
  return t;
}

/** A length-n FFT with its twiddles in the kernels' memory (allocated in the caller's scratch scope). */
export interface SimdFft {
  readonly n: number;
  /** Position of input element i: write x_i at re[bitReversed[i]], im[bitReversed[i]]. */
  readonly bitReversed: Uint32Array;
  /** fft.ts's fft on the arrays at element indices re, im (input in bit-reversed order). */
  forward(re: number, im: number): void;
  /** fft.ts's ifft (with the 1/n scaling) on the arrays at re, im (input in bit-reversed order). */
  inverse(re: number, im: number): void;
}

/**
 * Prepares a length-n FFT (n a power of two, >= 4) inside the caller's mark / release scope of
 * `arena` (its twiddle tables are scratch).
 */
export function simdFft(arena: WasmArena, n: number): SimdFft {
  const t = tablesFor(n);
  const tc = arena.alloc(n - 1), ts = arena.alloc(n - 1);
  arena.f64.set(t.cos, tc);
  arena.f64.set(t.sin, ts);
  const k = arena.kernels;
  const scale = 1 / n;
  return {
    n,
    bitReversed: t.bitReversed,
    forward(re, im) {
      k.fft(re * 8, im * 8, n, tc * 8, ts * 8, -1);
    },
    inverse(re, im) {
      k.fft(re * 8, im * 8, n, tc * 8, ts * 8, 1);
      k.scale(re * 8, n, scale);
      k.scale(im * 8, n, scale);
    },
  };
}
