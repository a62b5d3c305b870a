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
 * and returns every h_t. The backward pass walks the steps in reverse (the gates' derivatives and
 * one block product per step), and forms the weight gradients once for the whole sequence: dU = sum_t h_{t-1}^T dhu_t as a single [hb, T B] x [T B, G hb] product per block, and
 * dc = sum_t sum_batch dhu_t. These are exactly the gradients of the step equations (checked
 * against TF.js autodiff of the plain step in the tests).
 *
 * Two implementations of the same equations, equal to float32 rounding:
 * - fused (wasm and cpu backends): the whole recurrence is one kernel call forward and one
 *   backward (./wholeSequence.ts: WebAssembly SIMD, block by block, all steps inside);
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
   * The whole-sequence WebAssembly SIMD kernels, one call per layer and direction (wasm, cpu
   * backends), or plain TF.js ops on [g, B, ...] tensors with batched products (any backend).
   */
  readonly fused: boolean;
  /** Block products of the plain-ops path and the weight gradients; undefined: the backend's default. */
  readonly blockStrategy?: BlockStrategy;
}

/** The fastest options on the active backend. */
export function defaultComputeOptions(): ComputeOptions {
  registerFusedKernels();
  const fused = fusedKernelsAvailable();
  return { fused };
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
    if (kind === 'gru') return customOp((a: T4, uu: T3, cc: T3, save: tf.GradSaveFunc) => wholeSequence(kind, a, uu, cc, save))(xp, u, c as T3);
    return customOp((a: T4, uu: T3, save: tf.GradSaveFunc) => wholeSequence(kind, a, uu, null, save))(xp, u);
  }
  if (kind === 'gru') return customOp((a: T4, uu: T3, cc: T3, save: tf.GradSaveFunc) => opsGru(a, uu, cc, strategy, save))(xp, u, c as T3);
  return customOp((a: T4, uu: T3, save: tf.GradSaveFunc) => opsLstm(a, uu, strategy, save))(xp, u);
}

// ------------------------------------------------------------------------------------------
// Whole-sequence kernels (wasm and cpu backends): one call forward, one backward.

function wholeSequence(kind: CellKind, xp: T4, u: T3, c: T3 | null, save: tf.GradSaveFunc) {
  const name = kind === 'gru' ? 'LrdkitGruSequence' : 'LrdkitLstmSequence';
  const [h, saved] = runFused(name, c ? { xp, u, c } : { xp, u }) as [T4, tf.Tensor];
  save([h, saved, u]);
  return {
    value: h,
    gradFunc: (dy: T4, sv: tf.Tensor[]) => {
      const [hs, ss, us] = sv as [T4, tf.Tensor, T3];
      return runFused(`${name}Grad`, { dy, h: hs, saved: ss, u: us });
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
