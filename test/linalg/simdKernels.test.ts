/**
 * The WebAssembly SIMD kernels: the committed binary is the compiled .wat source, and gemm sums
 * every entry exactly as the textbook scalar loop does (bit for bit), for every tile edge.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compiledWatBase64 } from '../support/compileWat.js';
import { WasmArena, gemm, instantiateSimdKernels, setSimdEnabled, simdArena, simdKernels, simdSupported } from '../../src/linalg/internal/simd.js';
import { KERNELS_WASM_BASE64 } from '../../src/linalg/internal/wasm/kernelsWasm.js';
import { simdFft } from '../../src/linalg/internal/simdFft.js';
import { fft, ifft } from '../../src/linalg/fft.js';
import { sigmoid } from '../../src/cells/activations.js';
import { createRng } from '../../src/processes/prng.js';

const WAT = fileURLToPath(new URL('../../src/linalg/internal/wasm/kernels.wat', import.meta.url));

function sameBits(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

describe('SIMD kernels (kernels.wat)', () => {
  it('the committed kernelsWasm.ts is kernels.wat compiled by wabt (run `npm run wasm` after editing the .wat)', async () => {
    expect(await compiledWatBase64(WAT)).toBe(KERNELS_WASM_BASE64);
  });

  it('Node 20 runs them (WebAssembly SIMD128)', () => {
    expect(simdSupported()).toBe(true);
    expect(simdKernels()).not.toBeNull();
  });

  it('gemm(S, V) equals the scalar loop bit for bit for every tile edge, from 0, continuing from C and added to C, strided S, upper triangle', () => {
    const kernels = simdKernels();
    if (!kernels) throw new Error('SIMD kernels unavailable');
    const arena = new WasmArena(kernels);
    const rng = createRng(42);
    const shapes: [number, number, number][] = [];
    for (const P of [1, 2, 3, 4, 5, 7, 8, 9]) for (const Q of [1, 2, 3, 4, 5, 6, 7, 9, 13]) for (const K of [0, 1, 3, 17]) shapes.push([P, Q, K]);
    // Several column blocks of 64 (and the upper triangle across them).
    for (const [P, Q] of [[70, 130], [13, 67], [66, 64]] as const) shapes.push([P, Q, 5]);
    for (const [P, Q, K] of shapes) {
      {
        {
          for (const [sp, ss] of [[K + 2, 1], [1, P + 1]] as const) {
            for (const accumulate of [false, true, 'add'] as const) {
              for (const upper of [false, true]) {
                const ldv = Q + 3, ldc = Q + 1;
                const sLen = Math.max(1, (P - 1) * sp + (K - 1) * ss + 1);
                const S = rng.normals(sLen).map((v, i) => (i % 7 === 3 ? -0 : v));
                const V = rng.normals(Math.max(1, K * ldv));
                const C0 = rng.normals(P * ldc);
                const m = arena.mark();
                const s = arena.alloc(S.length), v = arena.alloc(V.length), c = arena.alloc(C0.length);
                arena.f64.set(S, s);
                arena.f64.set(V, v);
                arena.f64.set(C0, c);
                gemm(kernels, s, sp, ss, v, ldv, c, ldc, P, Q, K, accumulate, upper);
                const got = arena.f64.slice(c, c + C0.length);
                arena.release(m);
                const want = Float64Array.from(C0);
                for (let p = 0; p < P; p++) {
                  for (let q = upper ? p & ~1 : 0; q < Q; q++) {
                    let acc = accumulate === true ? (C0[p * ldc + q] as number) : 0;
                    for (let k = 0; k < K; k++) acc += (S[p * sp + k * ss] as number) * (V[k * ldv + q] as number);
                    want[p * ldc + q] = accumulate === 'add' ? (C0[p * ldc + q] as number) + acc : acc;
                  }
                }
                // Entries left of the diagonal in a 4-row strip (upper) may be written: compare the rest.
                for (let p = 0; p < P; p++) {
                  for (let q = 0; q < Q; q++) {
                    if (upper && q < p) continue;
                    if (!Object.is(got[p * ldc + q], want[p * ldc + q])) {
                      throw new Error(`gemm P=${P} Q=${Q} K=${K} sp=${sp} ss=${ss} accum=${accumulate} upper=${upper}: entry (${p}, ${q}) ${got[p * ldc + q]} != ${want[p * ldc + q]}`);
                    }
                  }
                }
                // Padding columns q >= Q are untouched.
                for (let p = 0; p < P; p++) for (let q = Q; q < ldc; q++) expect(Object.is(got[p * ldc + q], C0[p * ldc + q])).toBe(true);
              }
            }
          }
        }
      }
    }
  });

  it('simdFft forward and inverse equal fft.ts fft / ifft bit for bit (n = 4 .. 4096, signed zeros)', () => {
    const arena = simdArena();
    if (!arena) throw new Error('SIMD kernels unavailable');
    const rng = createRng(7);
    for (let n = 4; n <= 4096; n *= 2) {
      for (const inverse of [false, true]) {
        const re = rng.normals(n).map((v, i) => (i % 5 === 0 ? 0 : i % 7 === 0 ? -0 : v));
        const im = rng.normals(n).map((v, i) => (i % 3 === 0 ? -0 : v));
        const wantRe = Float64Array.from(re), wantIm = Float64Array.from(im);
        (inverse ? ifft : fft)(wantRe, wantIm);
        const mark = arena.mark();
        try {
          const plan = simdFft(arena, n);
          const R = arena.alloc(n), I = arena.alloc(n);
          const f = arena.f64;
          for (let i = 0; i < n; i++) {
            f[R + (plan.bitReversed[i] as number)] = re[i] as number;
            f[I + (plan.bitReversed[i] as number)] = im[i] as number;
          }
          if (inverse) plan.inverse(R, I);
          else plan.forward(R, I);
          expect(sameBits(f.subarray(R, R + n), wantRe), `n = ${n} re`).toBe(true);
          expect(sameBits(f.subarray(I, I + n), wantIm), `n = ${n} im`).toBe(true);
        } finally {
          arena.release(mark);
        }
      }
    }
  });

  it('the two-lane sigmoid and tanh equal activations.ts sigmoid and Math.tanh bit for bit (fdlibm branches, 2 x 10^6 arguments from 1e-20 to 700)', () => {
    const arena = simdArena();
    if (!arena) throw new Error('SIMD kernels unavailable');
    const rng = createRng(11);
    const n = 1 << 18;
    // Magnitudes around every branch point of e_exp.c / s_expm1.c / s_tanh.c (2^-54, 2^-28,
    // ln2 / 2, 3 ln2 / 2, 1, 56 ln2 / 2, 22), and special values.
    const scales = [1e-20, 1e-9, 3e-8, 1e-5, 0.01, 0.2, 0.34, 0.35, 0.5, 1, 1.03, 1.05, 2, 5, 10, 19, 20, 22, 30, 40, 100, 350];
    const special = [0, -0, 1, -1, 0.5 * Math.LN2, -0.5 * Math.LN2, 1.5 * Math.LN2, -1.5 * Math.LN2, 22, -22, 2 ** -28, -(2 ** -28), 707.9, -707.9, 0.25, -0.25, 0.5, 2 ** -54, 19.4, 20.5];
    for (let round = 0; round < 8; round++) {
      const m = arena.mark();
      try {
        const X = arena.alloc(n), O = arena.alloc(n);
        const f = arena.f64;
        for (let i = 0; i < n; i++) f[X + i] = (rng.uniform() * 2 - 1) * (scales[(i + round) % scales.length] as number) * (1 + rng.uniform());
        if (round === 0) special.forEach((v, i) => (f[X + i] = v));
        for (const [which, ref] of [[0, sigmoid], [1, Math.tanh]] as const) {
          expect(arena.kernels.vmath(X * 8, O * 8, n, which)).toBe(n);
          const g = arena.f64;
          for (let i = 0; i < n; i++) {
            if (!Object.is(g[O + i], ref(g[X + i] as number))) throw new Error(`${which ? 'tanh' : 'sigmoid'}(${g[X + i]}) = ${g[O + i]}, expected ${ref(g[X + i] as number)}`);
          }
        }
      } finally {
        arena.release(m);
      }
    }
  });

  it('the arena grows its memory and keeps resident copies; inside a scratch scope a new copy goes to scratch', () => {
    const arena = simdArena();
    if (!arena) throw new Error('SIMD kernels unavailable');
    const key = {};
    const data = Float64Array.from({ length: 1000 }, (_, i) => i / 7);
    let builds = 0;
    const a = arena.resident(key, () => (builds++, data));
    const m = arena.mark();
    const big = arena.alloc(3_000_000); // 24 MB: grows the memory
    arena.f64[big + 2_999_999] = 1;
    arena.release(m);
    expect(arena.resident(key, () => (builds++, data))).toBe(a);
    expect(builds).toBe(1);
    expect(sameBits(arena.f64.subarray(a, a + 1000), data)).toBe(true);
    // Inside a scratch scope a new key is uploaded to scratch (not kept).
    const m2 = arena.mark();
    const other = {};
    const s = arena.resident(other, () => (builds++, data));
    expect(sameBits(arena.f64.subarray(s, s + 1000), data)).toBe(true);
    arena.release(m2);
    expect(builds).toBe(2);
  });

  it('an arena released with more than 128 MB of memory is retired: the next one is fresh and re-uploads its residents', () => {
    const arena = simdArena();
    if (!arena) throw new Error('SIMD kernels unavailable');
    const key = {};
    const data = Float64Array.from({ length: 100 }, (_, i) => i);
    arena.resident(key, () => data);
    const m = arena.mark();
    arena.alloc(20_000_000); // 160 MB
    arena.release(m);
    expect(arena.retired).toBe(true);
    const next = simdArena();
    expect(next).not.toBe(arena);
    let builds = 0;
    const at = next!.resident(key, () => (builds++, data));
    expect(builds).toBe(1);
    expect(sameBits(next!.f64.subarray(at, at + 100), data)).toBe(true);
    expect(simdArena()).toBe(next);
  });

  it('residents larger than the retire limit do not retire the arena (no re-upload after every call); scratch above both does', () => {
    // The GRU(2048) case at 1/100 scale: its stacked weights (201 MB) alone exceeded the
    // 128 MiB limit, so every step's release retired the arena and the next step re-uploaded
    // them. Limit 1 MiB here, residents 2 MiB: scratch scopes of 0.5 MiB leave the arena (and the
    // one upload) in place; one of 3 MiB (more than the residents) retires it.
    const kernels = instantiateSimdKernels();
    if (!kernels) throw new Error('SIMD kernels unavailable');
    const arena = new WasmArena(kernels, { retireBytes: 2 ** 20 });
    const key = {};
    const data = Float64Array.from({ length: 2 ** 18 }, (_, i) => i / 3);
    let builds = 0;
    const at = arena.resident(key, () => (builds++, data));
    for (let call = 0; call < 3; call++) {
      const m = arena.mark();
      arena.alloc(2 ** 16);
      arena.release(m);
      expect(arena.retired).toBe(false);
      expect(arena.resident(key, () => (builds++, data))).toBe(at);
    }
    expect(builds).toBe(1);
    expect(kernels.memory.buffer.byteLength).toBeGreaterThan(2 ** 20);
    expect(sameBits(arena.f64.subarray(at, at + data.length), data)).toBe(true);
    const m = arena.mark();
    arena.alloc(3 * 2 ** 17);
    arena.release(m);
    expect(arena.retired).toBe(true);
  });

  it('setSimdEnabled(false) disables them on this thread (callers fall back to their JS loops)', () => {
    const before = setSimdEnabled(false);
    try {
      expect(simdKernels()).toBeNull();
      expect(simdArena()).toBeNull();
    } finally {
      setSimdEnabled(before);
    }
    expect(simdKernels()).not.toBeNull();
  });
});
