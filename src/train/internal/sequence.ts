/**
 * A whole recurrent layer over a sequence as one differentiable TF.js op with hand-written
 * backpropagation through time (tf.customGrad), for GRU (Keras, reset_after = true) and LSTM
 * (Keras) cells with g blocks (g = 1: dense).
 *
 * Inputs are the input pre-activations of every step, XP = x W + b, computed outside in one
 * (block) product for all steps; the op runs the recurrence
 *
 *     GRU:  hu = h U + c;  z = sigma(xp_z + hu_z);  r = sigma(xp_r + hu_r)
 *           n = tanh(xp_n + r hu_n);  h' = z h + (1 - z) n
 *     LSTM: a = xp + h U;  i, f, o = sigma(a_i, a_f, a_o);  g = tanh(a_g)
 *           c' = f c + i g;  h' = o tanh(c')
 *
 * from the zero state, block by block (U is [g, hb, G hb]: block b's state only feeds block b),
 * and returns every h_t. The backward pass walks the steps in reverse with one fused element-wise
 * kernel and one block product per step, and forms the weight gradients once for the whole
 * sequence: dU = sum_t h_{t-1}^T dhu_t as a single [hb, T B] x [T B, G hb] product per block, and
 * dc = sum_t sum_batch dhu_t. These are exactly the gradients of the step equations (checked
 * against TF.js autodiff of the plain step in the tests).
 *
 * Two implementations of the same equations, equal to float32 rounding:
 * - fused (wasm and cpu backends): the state is kept as a list of g [B, hb] tensors, each step
 *   is g rank-2 products h_b U_b (XNNPACK's packed GEMM on wasm) and three fused element-wise
 *   kernels (./kernels.ts) around two tf.sigmoid calls; nothing is sliced or stacked per step;
 * - plain ops (any backend, e.g. tfjs-node): [g, B, ...] tensors, one batched product per step
 *   and ordinary element-wise ops.
 *
 * @internal
 */
import * as tf from '@tensorflow/tfjs';
import type { CellKind } from '../../cells/types.js';
import { type BlockStrategy, blockProduct, blockProductTransposedLeft, customOp, transposeBlocks, unstackBlocks } from './blockOps.js';
import { fusedKernelsAvailable, registerFusedKernels, runFused } from './kernels.js';

/** How a layer's arithmetic is dispatched (same equations either way). */
export interface ComputeOptions {
  /**
   * Fused element-wise kernels with per-block state lists and g rank-2 products per step
   * (wasm, cpu), or plain TF.js ops on [g, B, ...] tensors with batched products (any backend).
   */
  readonly fused: boolean;
  /** Evaluate tanh as 2 sigma(2a) - 1 (fused kernels only; the wasm tanh is slow). */
  readonly tanhViaSigmoid: boolean;
  /** Block products of the plain-ops path and the weight gradients; undefined: the backend's default. */
  readonly blockStrategy?: BlockStrategy;
}

/** The fastest options on the active backend. */
export function defaultComputeOptions(): ComputeOptions {
  registerFusedKernels();
  const fused = fusedKernelsAvailable();
  return { fused, tanhViaSigmoid: fused && tf.getBackend() === 'wasm' };
}

function strategyFor(groups: number, options: ComputeOptions): BlockStrategy {
  return options.blockStrategy ?? (groups > 1 && tf.getBackend() === 'wasm' ? 'perBlock' : 'batched');
}

type T2 = tf.Tensor2D;
type T3 = tf.Tensor3D;
type T4 = tf.Tensor4D;

function checkShapes(kind: CellKind, xp: T4, u: T3, c: T3 | null): void {
  const G = kind === 'gru' ? 3 : 4;
  const [g, , , width] = xp.shape;
  const [ug, hb, un] = u.shape;
  if (ug !== g || un !== G * hb || width !== G * hb) {
    throw new Error(`recurrentSequence(${kind}): expected xp [g, T, B, ${G} hb] and U [g, hb, ${G} hb] with the same g and hb, found xp [${xp.shape.join(', ')}] and U [${u.shape.join(', ')}]`);
  }
  if (c && (c.shape[0] !== g || c.shape[1] !== 1 || c.shape[2] !== G * hb)) {
    throw new Error(`recurrentSequence(${kind}): expected the recurrent bias [${g}, 1, ${G * hb}], found [${c.shape.join(', ')}]`);
  }
}

/**
 * Runs a GRU or LSTM layer of g blocks over a sequence from the zero state.
 *
 * @param kind - 'gru' (Keras reset_after = true; `c` is the recurrent bias) or 'lstm' (`c` null)
 * @param xp - input pre-activations x_t W + b of every step, [g, T, B, G hb], Keras gate order
 * @param u - recurrent kernels, [g, hb, G hb] (block b: the Keras recurrent_kernel of block b)
 * @param c - GRU recurrent bias [g, 1, 3 hb]; null for an LSTM
 * @param options - dispatch (see {@link defaultComputeOptions})
 * @returns h_1 .. h_T as [g, T, B, hb]; differentiable in xp, u and c
 */
export function recurrentSequence(kind: CellKind, xp: T4, u: T3, c: T3 | null, options: ComputeOptions): T4 {
  checkShapes(kind, xp, u, c);
  const strategy = strategyFor(xp.shape[0], options);
  if (kind === 'gru' && !c) throw new Error('recurrentSequence(gru): expected the recurrent bias c, found null');
  if (kind === 'lstm' && c) throw new Error('recurrentSequence(lstm): the Keras LSTM has no recurrent bias, found one');
  if (options.fused) {
    registerFusedKernels();
    const via = options.tanhViaSigmoid;
    if (kind === 'gru') return customOp((a: T4, uu: T3, cc: T3, save: tf.GradSaveFunc) => fusedGru(a, uu, cc, via, save))(xp, u, c as T3);
    return customOp((a: T4, uu: T3, save: tf.GradSaveFunc) => fusedLstm(a, uu, via, save))(xp, u);
  }
  if (kind === 'gru') return customOp((a: T4, uu: T3, cc: T3, save: tf.GradSaveFunc) => opsGru(a, uu, cc, strategy, save))(xp, u, c as T3);
  return customOp((a: T4, uu: T3, save: tf.GradSaveFunc) => opsLstm(a, uu, strategy, save))(xp, u);
}

// ------------------------------------------------------------------------------------------
// Fused kernels, per-block lists

/** The g blocks of a [g, r, c] weight as rank-2 tensors. */
function blocksOf(w: T3): T2[] {
  return unstackBlocks(w);
}

/** Block b's tensors of every step, concatenated along the batch axis: [T B, k]. */
function blockRows(perStep: readonly (readonly T2[])[], b: number): T2 {
  return tf.concat(perStep.map((ts) => ts[b] as T2), 0) as T2;
}

/**
 * Weight and bias gradients from per-block lists over steps: dW_b = sum_t x_{t,b}^T dy_{t,b}
 * (one [k, T B] x [T B, m] product per block, the transpose explicit) and, when asked,
 * db_b = sum_t sum_rows dy_{t,b}.
 */
function blockGradients(x: readonly (readonly T2[])[], dy: readonly (readonly T2[])[], g: number, withBias: boolean): { dW: T3; db: T3 | null } {
  const dWs: T2[] = [];
  const dbs: T2[] = [];
  // Column sums as a product with a row of ones: a plain GEMM (XNNPACK on wasm), where tf.sum over
  // axis 0 transposes first.
  const rows = dy.length * (dy[0] as readonly T2[])[0]!.shape[0];
  const ones = withBias ? (tf.ones([1, rows]) as T2) : null;
  for (let b = 0; b < g; b++) {
    const d = blockRows(dy, b);
    dWs.push(tf.matMul(tf.transpose(blockRows(x, b)), d));
    if (ones) dbs.push(tf.matMul(ones, d));
  }
  const dW = (g === 1 ? dWs[0]!.expandDims(0) : tf.stack(dWs)) as T3;
  const db = withBias ? ((g === 1 ? dbs[0]!.expandDims(0) : tf.stack(dbs)) as T3) : null;
  return { dW, db };
}

function runOne(name: string, inputs: Record<string, tf.Tensor>, attrs: Record<string, unknown>): tf.Tensor[] {
  return runFused(name, inputs, attrs);
}

function named(prefix: string, ts: readonly tf.Tensor[]): Record<string, tf.Tensor> {
  const out: Record<string, tf.Tensor> = {};
  ts.forEach((t, k) => (out[`${prefix}${k}`] = t));
  return out;
}

function fusedGru(xp: T4, u: T3, c: T3, via: boolean, save: tf.GradSaveFunc) {
  const [g, T, B, width] = xp.shape;
  const hb = width / 3;
  const scale = via ? 2 : 1;
  const squash = via ? tf.sigmoid : tf.tanh;
  const us = blocksOf(u);
  const zeroH = tf.zeros([B, hb]) as T2, zeroHU = tf.zeros([B, width]) as T2;
  const zeroHs = Array.from({ length: g }, () => zeroH), zeroHUs = Array.from({ length: g }, () => zeroHU);
  let h: T2[] = zeroHs;
  const hs: T2[][] = [];
  const saved: tf.Tensor[] = [];
  for (let t = 0; t < T; t++) {
    const hu = t === 0 ? zeroHUs : h.map((hk, k) => tf.matMul(hk, us[k] as T2));
    const [azr] = runOne('LrdkitGruPreZR', { xp, c, ...named('hu', hu) }, { g, t });
    const zr = tf.sigmoid(azr as tf.Tensor);
    const [an, q] = runOne('LrdkitGruPreN', { xp, c, zr, ...named('hu', hu) }, { g, t, scale });
    const s = squash(an as tf.Tensor);
    h = runOne('LrdkitGruUpdate', { s, zr, ...named('h', h) }, { g, viaSigmoid: via }) as T2[];
    hs.push(h);
    saved.push(zr, s, q as tf.Tensor);
  }
  save([u, zeroH, ...hs.flat(), ...saved]);
  const order: T2[] = [];
  for (let k = 0; k < g; k++) for (let t = 0; t < T; t++) order.push(hs[t]![k] as T2);
  return {
    value: tf.stack(order).reshape([g, T, B, hb]) as T4,
    gradFunc: (dy: T4, sv: tf.Tensor[]) => {
      const uu = sv[0] as T3, zero = sv[1] as T2;
      const H: T2[][] = Array.from({ length: T }, (_, t) => sv.slice(2 + t * g, 2 + (t + 1) * g) as T2[]);
      const S = sv.slice(2 + T * g);
      const uTs = blocksOf(transposeBlocks(uu));
      const zeros = Array.from({ length: g }, () => zero);
      const dxps: tf.Tensor[] = new Array(T);
      const dhus: T2[][] = new Array(T);
      let dhd: tf.Tensor = tf.zeros([g, B, hb]);
      let dhr: T2[] = zeros;
      for (let t = T - 1; t >= 0; t--) {
        const [zr, s, q] = S.slice(3 * t, 3 * t + 3) as [tf.Tensor, tf.Tensor, tf.Tensor];
        const hp = t === 0 ? zeros : (H[t - 1] as T2[]);
        const out = runOne('LrdkitGruBackward', { dy, dhd, zr, s, q, ...named('dhr', dhr), ...named('hp', hp) }, { g, t, viaSigmoid: via });
        dxps[t] = out[0] as tf.Tensor;
        dhus[t] = out.slice(1, 1 + g) as T2[];
        dhd = out[1 + g] as tf.Tensor;
        if (t > 0) dhr = (dhus[t] as T2[]).map((d, k) => tf.matMul(d, uTs[k] as T2));
      }
      const dXP = tf.stack(dxps, 1) as T4;
      const { dW: dU, db: dc } = blockGradients([zeros, ...H.slice(0, T - 1)], dhus, g, true);
      return [dXP, dU, dc as T3];
    },
  };
}

function fusedLstm(xp: T4, u: T3, via: boolean, save: tf.GradSaveFunc) {
  const [g, T, B, width] = xp.shape;
  const hb = width / 4;
  const scale = via ? 2 : 1;
  const us = blocksOf(u);
  const zeroH = tf.zeros([B, hb]) as T2, zeroHU = tf.zeros([B, width]) as T2;
  const zeroHs = Array.from({ length: g }, () => zeroH), zeroHUs = Array.from({ length: g }, () => zeroHU);
  const zeroC = tf.zeros([g, B, hb]);
  let h: T2[] = zeroHs;
  let c: tf.Tensor = zeroC;
  const hs: T2[][] = [];
  const saved: tf.Tensor[] = [];
  for (let t = 0; t < T; t++) {
    const hu = t === 0 ? zeroHUs : h.map((hk, k) => tf.matMul(hk, us[k] as T2));
    let act: tf.Tensor;
    if (via) {
      const [a] = runOne('LrdkitLstmPre', { xp, ...named('hu', hu) }, { g, t, scale });
      act = tf.sigmoid(a as tf.Tensor);
    } else {
      const [a] = runOne('LrdkitLstmPre', { xp, ...named('hu', hu) }, { g, t, scale: 1 });
      const [aif, ag, ao] = tf.split(a as tf.Tensor, [2 * hb, hb, hb], 2);
      act = tf.concat([tf.sigmoid(aif as tf.Tensor), tf.tanh(ag as tf.Tensor), tf.sigmoid(ao as tf.Tensor)], 2);
    }
    const [cn, cs] = runOne('LrdkitLstmCell', { act, cp: c }, { viaSigmoid: via, scale });
    const st = via ? tf.sigmoid(cs as tf.Tensor) : tf.tanh(cs as tf.Tensor);
    h = runOne('LrdkitLstmOutput', { act, st }, { viaSigmoid: via }) as T2[];
    saved.push(act, st, c);
    c = cn as tf.Tensor;
    hs.push(h);
  }
  save([u, zeroH, ...hs.flat(), ...saved]);
  const order: T2[] = [];
  for (let k = 0; k < g; k++) for (let t = 0; t < T; t++) order.push(hs[t]![k] as T2);
  return {
    value: tf.stack(order).reshape([g, T, B, hb]) as T4,
    gradFunc: (dy: T4, sv: tf.Tensor[]) => {
      const uu = sv[0] as T3, zero = sv[1] as T2;
      const H: T2[][] = Array.from({ length: T }, (_, t) => sv.slice(2 + t * g, 2 + (t + 1) * g) as T2[]);
      const S = sv.slice(2 + T * g);
      const uTs = blocksOf(transposeBlocks(uu));
      const zeros = Array.from({ length: g }, () => zero);
      const dpres: tf.Tensor[] = new Array(T);
      const dpreBlocks: T2[][] = new Array(T);
      let dc: tf.Tensor = tf.zeros([g, B, hb]);
      let dhr: T2[] = zeros;
      for (let t = T - 1; t >= 0; t--) {
        const [act, st, cp] = S.slice(3 * t, 3 * t + 3) as [tf.Tensor, tf.Tensor, tf.Tensor];
        const out = runOne('LrdkitLstmBackward', { dy, dc, act, st, cp, ...named('dhr', dhr) }, { g, t, viaSigmoid: via });
        dpres[t] = out[0] as tf.Tensor;
        dpreBlocks[t] = out.slice(1, 1 + g) as T2[];
        dc = out[1 + g] as tf.Tensor;
        if (t > 0) dhr = (dpreBlocks[t] as T2[]).map((d, k) => tf.matMul(d, uTs[k] as T2));
      }
      const dXP = tf.stack(dpres, 1) as T4;
      const { dW: dU } = blockGradients([zeros, ...H.slice(0, T - 1)], dpreBlocks, g, false);
      return [dXP, dU];
    },
  };
}

// ------------------------------------------------------------------------------------------
// Plain TF.js ops on [g, B, ...] tensors (any backend)

/** Step t of a whole-sequence tensor [g, T, B, W] as [g, B, W]. */
function stepOf(all: T4, t: number): T3 {
  const [g, , B, W] = all.shape;
  return tf.slice(all, [0, t, 0, 0], [g, 1, B, W]).reshape([g, B, W]);
}

function opsGru(xp: T4, u: T3, c: T3, strategy: BlockStrategy, save: tf.GradSaveFunc) {
  const [g, T, B, width] = xp.shape;
  const hb = width / 3;
  const zero = tf.zeros([g, B, hb]) as T3;
  let h = zero;
  const hs: T3[] = [];
  const saved: T3[] = [];
  for (let t = 0; t < T; t++) {
    const hu = t === 0 ? (tf.zeros([g, B, width]) as T3) : blockProduct(h, u, strategy);
    const [hzr, hn] = tf.split(tf.add(hu, c), [2 * hb, hb], 2) as [T3, T3];
    const [xzr, xn] = tf.split(stepOf(xp, t), [2 * hb, hb], 2) as [T3, T3];
    const zr = tf.sigmoid(tf.add(xzr, hzr)) as T3;
    const [z, r] = tf.split(zr, 2, 2) as [T3, T3];
    const n = tf.tanh(tf.add(xn, tf.mul(r, hn))) as T3;
    h = tf.add(n, tf.mul(z, tf.sub(h, n))) as T3;
    hs.push(h);
    saved.push(z, r, n, hn);
  }
  save([u, zero, ...hs, ...saved]);
  return {
    value: tf.stack(hs, 1) as T4,
    gradFunc: (dyAll: T4, sv: tf.Tensor[]) => {
      const uu = sv[0] as T3, z0 = sv[1] as T3;
      const H = sv.slice(2, 2 + T) as T3[];
      const S = sv.slice(2 + T) as T3[];
      const uT = transposeBlocks(uu);
      const dxps: T3[] = new Array(T);
      const dhus: T3[] = new Array(T);
      let dhd = z0, dhr = z0;
      for (let t = T - 1; t >= 0; t--) {
        const [z, r, n, hn] = S.slice(4 * t, 4 * t + 4) as [T3, T3, T3, T3];
        const hPrev = t === 0 ? z0 : (H[t - 1] as T3);
        const dh = tf.add(tf.add(stepOf(dyAll, t), dhd), dhr);
        const dan = tf.mul(tf.mul(dh, tf.sub(1, z)), tf.sub(1, tf.square(n)));
        const daz = tf.mul(tf.mul(dh, tf.sub(hPrev, n)), tf.mul(z, tf.sub(1, z)));
        const dar = tf.mul(tf.mul(dan, hn), tf.mul(r, tf.sub(1, r)));
        dxps[t] = tf.concat([daz, dar, dan], 2) as T3;
        dhus[t] = tf.concat([daz, dar, tf.mul(dan, r)], 2) as T3;
        dhd = tf.mul(dh, z) as T3;
        if (t > 0) dhr = blockProduct(dhus[t] as T3, uT, strategy);
      }
      const dXP = tf.stack(dxps, 1) as T4;
      const dHU = (tf.stack(dhus, 1) as T4).reshape([g, T * B, width]) as T3;
      const hPrev = (tf.stack([z0, ...H.slice(0, T - 1)], 1) as T4).reshape([g, T * B, hb]) as T3;
      return [dXP, blockProductTransposedLeft(hPrev, dHU, strategy), tf.sum(dHU, 1, true) as T3];
    },
  };
}

function opsLstm(xp: T4, u: T3, strategy: BlockStrategy, save: tf.GradSaveFunc) {
  const [g, T, B, width] = xp.shape;
  const hb = width / 4;
  const zero = tf.zeros([g, B, hb]) as T3;
  let h = zero, c = zero;
  const hs: T3[] = [];
  const saved: T3[] = [];
  for (let t = 0; t < T; t++) {
    const hu = t === 0 ? (tf.zeros([g, B, width]) as T3) : blockProduct(h, u, strategy);
    const [ai, af, ag, ao] = tf.split(tf.add(stepOf(xp, t), hu), 4, 2) as [T3, T3, T3, T3];
    const i = tf.sigmoid(ai) as T3, f = tf.sigmoid(af) as T3, gg = tf.tanh(ag) as T3, o = tf.sigmoid(ao) as T3;
    const cPrev = c;
    c = tf.add(tf.mul(f, c), tf.mul(i, gg)) as T3;
    const tau = tf.tanh(c) as T3;
    h = tf.mul(o, tau) as T3;
    hs.push(h);
    saved.push(i, f, gg, o, tau, cPrev);
  }
  save([u, zero, ...hs, ...saved]);
  return {
    value: tf.stack(hs, 1) as T4,
    gradFunc: (dyAll: T4, sv: tf.Tensor[]) => {
      const uu = sv[0] as T3, z0 = sv[1] as T3;
      const H = sv.slice(2, 2 + T) as T3[];
      const S = sv.slice(2 + T) as T3[];
      const uT = transposeBlocks(uu);
      const dpres: T3[] = new Array(T);
      let dhr = z0, dc = z0;
      for (let t = T - 1; t >= 0; t--) {
        const [i, f, gg, o, tau, cPrev] = S.slice(6 * t, 6 * t + 6) as [T3, T3, T3, T3, T3, T3];
        const dh = tf.add(stepOf(dyAll, t), dhr);
        const dct = tf.add(dc, tf.mul(tf.mul(dh, o), tf.sub(1, tf.square(tau))));
        const dai = tf.mul(tf.mul(dct, gg), tf.mul(i, tf.sub(1, i)));
        const daf = tf.mul(tf.mul(dct, cPrev), tf.mul(f, tf.sub(1, f)));
        const dag = tf.mul(tf.mul(dct, i), tf.sub(1, tf.square(gg)));
        const dao = tf.mul(tf.mul(dh, tau), tf.mul(o, tf.sub(1, o)));
        dpres[t] = tf.concat([dai, daf, dag, dao], 2) as T3;
        dc = tf.mul(dct, f) as T3;
        if (t > 0) dhr = blockProduct(dpres[t] as T3, uT, strategy);
      }
      const dXP = tf.stack(dpres, 1) as T4;
      const dPre = dXP.reshape([g, T * B, width]) as T3;
      const hPrev = (tf.stack([z0, ...H.slice(0, T - 1)], 1) as T4).reshape([g, T * B, hb]) as T3;
      return [dXP, blockProductTransposedLeft(hPrev, dPre, strategy)];
    },
  };
}
