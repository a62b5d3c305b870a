#!/usr/bin/env node
/**
 * The native recurrent kernels of one layer (forward and backward over T = 198, batch 32, the
 * issue-15 R = 32 size) at the padded widths the training path uses: dense n = 64 once, and a
 * factorized g = 4 layer as 4 blocks of n = 28 (hb = 25 rounded up to 4) with another build's
 * addon, with this checkout's, and at n = 32 (this checkout's paddedUnits on AVX-512); then
 * padCopy of the g = 4 forward's input rows. Best of 25 calls (best of 50 for padCopy), so
 * short enough to be read on a loaded machine; the operands are in cache (training's are not).
 *
 *     npm run native
 *     node bench/native-layer-kernels.mjs /work/main/native/build/lrdkit_kernels.node
 */
import { createRequire } from 'node:module';
const req = createRequire(import.meta.url);
if (!process.argv[2]) {
  process.stderr.write('usage: node bench/native-layer-kernels.mjs OTHER_BUILD/native/build/lrdkit_kernels.node\n');
  process.exit(2);
}
const oldA = req(process.argv[2]), newA = req(new URL('../native/build/lrdkit_kernels.node', import.meta.url).pathname);
const mem = new ArrayBuffer(256 << 20), f = new Float32Array(mem);
for (let i = 0; i < f.length; i += 7) f[i] = Math.sin(i) * 0.3;
const T = 198, B = 32;
const run = (a, kind, n, dir) => {
  const G = kind === 'gru' ? 3 : 4, P = kind === 'gru' ? 4 : 6;
  let at = 64; const r = (fl) => { const o = at; at += fl * 4 + 64; return o; };
  const xp = r(T * B * G * n), u = r(n * G * n), c = r(G * n), h = r(T * B * n), s = r(T * B * P * n), hu = r(B * G * n), dy = r(T * B * n), dxp = r(T * B * G * n), dhu = r(T * B * G * n), carry = r(B * n), dcell = r(B * n), du = r(n * G * n), dc = r(G * n);
  f.fill(0, u / 4, u / 4 + n * G * n);
  if (kind === 'gru') dir ? a.gruBackward(mem, dy, h, s, u, dxp, dhu, carry, du, dc, T, B, n) : a.gruForward(mem, xp, u, c, h, s, hu, T, B, n);
  else dir ? a.lstmBackward(mem, dy, h, s, u, dxp, carry, dcell, du, T, B, n) : a.lstmForward(mem, xp, u, h, s, hu, T, B, n);
};
const time = (fn, reps = 25) => { let best = Infinity; for (let i = 0; i < reps; i++) { const t0 = performance.now(); fn(); best = Math.min(best, performance.now() - t0); } return best; };
for (const kind of ['gru', 'lstm']) {
  const dense = [0, 1].map((d) => time(() => run(newA, kind, 64, d)));
  const old28 = [0, 1].map((d) => 4 * time(() => run(oldA, kind, 28, d)));
  const new28 = [0, 1].map((d) => 4 * time(() => run(newA, kind, 28, d)));
  const new32 = [0, 1].map((d) => 4 * time(() => run(newA, kind, 32, d)));
  const fmt = (x) => `${x[0].toFixed(2)} + ${x[1].toFixed(2)} = ${(x[0] + x[1]).toFixed(2)} ms`;
  console.log(`${kind} one layer, T=198, B=32, forward + backward, best of 25: dense n=64 ${fmt(dense)}; g=4 x n=28 other ${fmt(old28)}, branch tiles ${fmt(new28)}, branch n=32 ${fmt(new32)}`);
}
// padCopy: GRU g = 4 forward's xp in (T B rows of 3 x 25 -> 3 x 28 or 32)
const arr = new Float32Array(T * B * 3 * 25).fill(1);
for (const [label, a, n] of [['other n=28', oldA, 28], ['branch n=28', newA, 28], ['branch n=32', newA, 32]]) {
  const tin = time(() => a.padCopy(mem, 64, arr, 0, T, B, B, 3, 25, n, 1), 50), tout = time(() => a.padCopy(mem, 64, arr, 0, T, B, B, 3, 25, n, 0), 50);
  console.log(`padCopy [198 x 32 rows, 3 parts of 25] ${label}: in ${(tin * 1e3).toFixed(0)} us, out ${(tout * 1e3).toFixed(0)} us`);
}
