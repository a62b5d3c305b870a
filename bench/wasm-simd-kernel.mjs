#!/usr/bin/env node
/**
 * Prototype (not used by lrdkit): the batched GRU step's kernel, out[i][b] = sum_j W[i][j] x_b[j],
 * as a hand-assembled WebAssembly SIMD (f64x2) function, to measure what native-width SIMD
 * would buy over the plain-JS kernel (src/linalg/internal/kernels.ts, about 2.9 G
 * multiply-adds per second here). Sequences sit in the SIMD lanes (inputs transposed, x[j][b]),
 * and each lane adds w_ij x_b[j] for j = 0, 1, ... with a separate multiply and add, so every
 * dot product is summed exactly as the scalar loop sums it: the result is checked bit for bit.
 * Tiles: 3 weight rows x 8 sequences (12 f64x2 accumulators). Needs Node >= 16 (SIMD128).
 *
 *     node bench/wasm-simd-kernel.mjs
 */
const leb = (n) => { const o = []; do { let b = n & 0x7f; n >>>= 7; if (n) b |= 0x80; o.push(b); } while (n); return o; };
const sleb = (n) => { const o = []; for (;;) { const b = n & 0x7f; n >>= 7; if ((n === 0 && !(b & 0x40)) || (n === -1 && (b & 0x40))) { o.push(b); return o; } o.push(b | 0x80); } };
const str = (s) => [...leb(s.length), ...Buffer.from(s)];
const section = (id, bytes) => [id, ...leb(bytes.length), ...bytes];
const I32 = 0x7f, V128 = 0x7b;
const get = (l) => [0x20, ...leb(l)], set = (l) => [0x21, ...leb(l)], tee = (l) => [0x22, ...leb(l)];
const i32c = (v) => [0x41, ...sleb(v)];
const add = [0x6a], mul = [0x6c], ltu = [0x49];
const SIMD = (op) => [0xfd, ...leb(op)];
const v128load = (off) => [...SIMD(0x00), 4, ...leb(off)];
const v128store = (off) => [...SIMD(0x0b), 4, ...leb(off)];
const f64load = [0x2b, 3, 0];
const splat = SIMD(0x14), fadd = SIMD(0xf0), fmul = SIMD(0xf2);
const zero = [...SIMD(0x0c), ...new Array(16).fill(0)];
// params: 0 W, 1 XT, 2 OUT, 3 rows, 4 cols, 5 n ; locals: 6 i, 7 b, 8 j, 9 wp0, 10 wp1, 11 xp, 12 stride(n*8), 13 o0, then v128 locals 14..21 (acc), 22 w0, 23 w1
const R = 3, A = 4; // rows per tile, accumulators (pairs of sequences) per row
const accs = (r, a) => 14 + r * A + a;
const W0 = 14 + R * A;
const body = [];
const B = (...xs) => xs.forEach((x) => body.push(...x));
B(get(5), i32c(8), mul, set(12));
B(i32c(0), set(6));
B([0x02, 0x40], [0x03, 0x40]); // block loop over i
  B(get(6), get(3), ltu, [0x45], [0x0d, 1]); // if !(i < rows) break
  B(i32c(0), set(7));
  B([0x02, 0x40], [0x03, 0x40]); // loop over b
    B(get(7), get(5), ltu, [0x45], [0x0d, 1]);
    for (let r = 0; r < R; r++) for (let a = 0; a < A; a++) B(zero, set(accs(r, a)));
    B(get(0), get(6), get(4), mul, i32c(8), mul, add, set(9));        // wp0 = W + i*cols*8
    B(get(9), get(4), i32c(8), mul, add, set(10));                    // wp1 = wp0 + cols*8
    B(get(1), get(7), i32c(8), mul, add, set(11));                    // xp = XT + b*8
    B(i32c(0), set(8));
    B([0x02, 0x40], [0x03, 0x40]); // loop over j
      B(get(8), get(4), ltu, [0x45], [0x0d, 1]);
      for (let r = 0; r < R; r++) B(get(9), i32c(r * 8), get(4), mul, add, f64load, splat, set(W0 + r));
      for (let a = 0; a < A; a++) {
        // x = v128.load(xp + 16a); acc(r,a) += w_r * x  (reuse x via a local: v128 locals W0/W1 hold weights; load twice is fine)
        for (let r = 0; r < R; r++) B(get(accs(r, a)), get(W0 + r), get(11), v128load(16 * a), fmul, fadd, set(accs(r, a)));
      }
      B(get(9), i32c(8), add, set(9), get(11), get(12), add, set(11));
      B(get(8), i32c(1), add, set(8), [0x0c, 0]);
    B([0x0b, 0x0b]);
    for (let r = 0; r < R; r++) {
      B(get(2), get(6), i32c(r), add, get(5), mul, get(7), add, i32c(8), mul, add, set(13));
      for (let a = 0; a < A; a++) B(get(13), get(accs(r, a)), v128store(16 * a));
    }
    B(get(7), i32c(2 * A), add, set(7), [0x0c, 0]);
  B([0x0b, 0x0b]);
  B(get(6), i32c(R), add, set(6), [0x0c, 0]);
B([0x0b, 0x0b]);
B([0x0b]);
const locals = [2, 8, I32, R * A + R, V128];
const func = [...leb(locals[0]), ...leb(locals[1]), locals[2], ...leb(locals[3]), locals[4], ...body];
const mod = [0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
  ...section(1, [1, 0x60, 6, I32, I32, I32, I32, I32, I32, 0]),
  ...section(2, [1, ...str('e'), ...str('m'), 0x02, 0x00, ...leb(64)]),
  ...section(3, [1, 0]),
  ...section(7, [1, ...str('mm'), 0x00, 0]),
  ...section(10, [1, ...leb(func.length), ...func])];
const memory = new WebAssembly.Memory({ initial: 64 });
const { instance } = await WebAssembly.instantiate(new Uint8Array(mod), { e: { m: memory } });
const mm = instance.exports.mm;
const rows = 255, cols = 256, n = 64; // rows a multiple of R, n of 2 A (prototype: no edge handling)
const f = new Float64Array(memory.buffer);
const Wp = 0, Xp = rows * cols, Op = Xp + cols * n;
for (let k = 0; k < rows * cols; k++) f[Wp + k] = Math.sin(k) * 0.1;
for (let k = 0; k < cols * n; k++) f[Xp + k] = Math.cos(k * 0.37);
mm(Wp * 8, Xp * 8, Op * 8, rows, cols, n);
let same = true;
for (let i = 0; i < rows; i++) for (let b = 0; b < n; b++) { let s = 0; for (let j = 0; j < cols; j++) s += f[Wp + i * cols + j] * f[Xp + j * n + b]; if (!Object.is(s, f[Op + i * n + b])) same = false; }
for (let w = 0; w < 50; w++) mm(Wp * 8, Xp * 8, Op * 8, rows, cols, n);
const reps = 400, t = performance.now();
for (let w = 0; w < reps; w++) mm(Wp * 8, Xp * 8, Op * 8, rows, cols, n);
const dt = (performance.now() - t) / reps;
console.log('wasm simd', R, 'rows x', 2 * A, 'seqs:', dt.toFixed(3), 'ms', (rows * cols * n / dt / 1e6).toFixed(2), 'GMAC/s; bit-identical to the scalar loop:', same);

// The plain-JS kernel on the same product (row-major x_b, 3 rows x 4 sequences), for the ratio.
const { matMulRows } = await import('../dist/linalg/internal/kernels.js');
const Wj = f.slice(Wp, Wp + rows * cols);
const Xj = new Float64Array(n * cols);
for (let j = 0; j < cols; j++) for (let b = 0; b < n; b++) Xj[b * cols + j] = f[Xp + j * n + b];
const Oj = new Float64Array(n * rows);
matMulRows(Wj, rows, cols, Xj, cols, 0, n, Oj, rows, 0, false);
let sameJs = true;
for (let i = 0; i < rows; i++) for (let b = 0; b < n; b++) if (!Object.is(Oj[b * rows + i], f[Op + i * n + b])) sameJs = false;
for (let w = 0; w < 50; w++) matMulRows(Wj, rows, cols, Xj, cols, 0, n, Oj, rows, 0, false);
const tj = performance.now();
for (let w = 0; w < reps; w++) matMulRows(Wj, rows, cols, Xj, cols, 0, n, Oj, rows, 0, false);
const dj = (performance.now() - tj) / reps;
console.log('plain JS (matMulRows):', dj.toFixed(3), 'ms', (rows * cols * n / dj / 1e6).toFixed(2), 'GMAC/s; same bits as the WASM kernel:', sameJs, '; WASM speed-up', (dj / dt).toFixed(2) + 'x');
