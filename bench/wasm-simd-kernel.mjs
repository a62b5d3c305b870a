#!/usr/bin/env node
/**
 * Microbenchmark of the WebAssembly SIMD (f64x2) matrix kernel that lrdkit uses
 * (src/linalg/internal/wasm/kernels.wat, loaded by src/linalg/internal/simd.ts) against the
 * plain-JS register-tiled kernel it replaces (src/linalg/internal/kernels.ts matMulRows), on the
 * batched GRU step's product out[b][i] = sum_j W[i][j] x_b[j] (3 x 256 weight rows, 256
 * inputs, 32 sequences) and on the pooled moments' product G += U^T U (64 rows of 896). Checks
 * that both give the same bits (every dot product summed in index order).
 *
 *     npm run build && node bench/wasm-simd-kernel.mjs
 */
import { matMulRows } from '../dist/linalg/internal/kernels.js';
import { gemm, simdArena, transposed } from '../dist/linalg/internal/simd.js';

const arena = simdArena();
if (!arena) throw new Error('WebAssembly SIMD is not available in this Node');
const time = (f, reps) => {
  for (let w = 0; w < Math.max(3, reps / 10); w++) f();
  const t = performance.now();
  for (let r = 0; r < reps; r++) f();
  return (performance.now() - t) / reps;
};
const same = (a, b) => a.length === b.length && a.every((v, i) => Object.is(v, b[i]));

// 1. The GRU step's product: rows = 3h, cols = d, n sequences.
{
  const rows = 768, cols = 256, n = 32;
  const w = new Float64Array(rows * cols).map((_, k) => Math.sin(k) * 0.1);
  const x = new Float64Array(n * cols).map((_, k) => Math.cos(k * 0.37));
  const js = new Float64Array(n * rows);
  const m = arena.mark();
  const W = arena.alloc(rows * cols), X = arena.alloc(n * cols), O = arena.alloc(n * rows);
  arena.f64.set(transposed(w, rows, cols), W);
  arena.f64.set(x, X);
  const reps = 200;
  const tj = time(() => matMulRows(w, rows, cols, x, cols, 0, n, js, rows, 0, false), reps);
  const tw = time(() => gemm(arena.kernels, X, cols, 1, W, rows, O, rows, n, rows, cols, false), reps);
  const ok = same(arena.f64.subarray(O, O + n * rows), js);
  arena.release(m);
  const g = (ms) => ((rows * cols * n) / ms / 1e6).toFixed(2);
  console.log(`GRU step product ${rows} x ${cols} x ${n}: JS ${tj.toFixed(3)} ms (${g(tj)} GMAC/s), WASM SIMD ${tw.toFixed(3)} ms (${g(tw)} GMAC/s), ${(tj / tw).toFixed(2)}x, same bits: ${ok}`);
}

// 2. The pooled moments' product: G (k x k, upper) += U^T U over a block of R rows.
{
  const k = 896, R = 64;
  const u = new Float64Array(R * k).map((_, e) => Math.sin(e * 0.7));
  const m = arena.mark();
  const U = arena.alloc(R * k), G = arena.alloc(k * k);
  arena.f64.set(u, U);
  arena.f64.fill(0, G, G + k * k);
  const reps = 20;
  const tw = time(() => gemm(arena.kernels, U, 1, k, U, k, G, k, k, k, R, 'add', true), reps);
  arena.release(m);
  console.log(`moments product (${k} x ${k} upper, ${R} rows): WASM SIMD ${tw.toFixed(3)} ms (${((R * k * k) / 2 / tw / 1e6).toFixed(2)} GMAC/s)`);
}
