/**
 * The copy-task model's loss written the plain way: per time step, per block, with ordinary
 * TF.js ops (tf.matMul on each block's weights, tf.sigmoid, tf.tanh, tf.gather on the
 * one-hot projection) and TF.js's own automatic differentiation. No custom gradient, no fused
 * kernel, no block strategy: the reference that src/train's hand-written backpropagation
 * through time is checked against.
 */
import * as tf from '@tensorflow/tfjs';
import type { SequenceModel, TokenBatch } from '../../src/train/model.js';

type T2 = tf.Tensor2D;

function variable(model: SequenceModel, name: string): tf.Tensor {
  const i = model.names.indexOf(name);
  if (i < 0) throw new Error(`reference: no variable ${name}`);
  return model.variables[i] as tf.Tensor;
}

/** Block b of a [g, r, c] weight as an r x c matrix. */
function block(w: tf.Tensor, b: number): T2 {
  const [, r, c] = w.shape as [number, number, number];
  return tf.slice(w, [b, 0, 0], [1, r, c]).reshape([r, c]);
}

/** One dense cell (block) over the sequence, inputs x_t [B, d] -> outputs h_t [B, h]. */
function cellSequence(kind: 'gru' | 'lstm', xs: T2[], kernel: T2, recurrent: T2, bias: T2, recurrentBias: T2 | null, inputScale?: T2[]): T2[] {
  const h = recurrent.shape[0];
  const B = (xs[0] as T2).shape[0];
  let state = tf.zeros([B, h]) as T2;
  let cell = tf.zeros([B, h]) as T2;
  const out: T2[] = [];
  xs.forEach((x, t) => {
    let xw = tf.matMul(x, kernel);
    if (inputScale) xw = tf.mul(xw, inputScale[t] as T2);
    const xp = tf.add(xw, bias);
    const hu = tf.matMul(state, recurrent);
    if (kind === 'gru') {
      const huc = tf.add(hu, recurrentBias as T2);
      const [xz, xr, xn] = tf.split(xp, 3, 1) as [T2, T2, T2];
      const [hz, hr, hn] = tf.split(huc, 3, 1) as [T2, T2, T2];
      const z = tf.sigmoid(tf.add(xz, hz));
      const r = tf.sigmoid(tf.add(xr, hr));
      const n = tf.tanh(tf.add(xn, tf.mul(r, hn)));
      state = tf.add(tf.mul(z, state), tf.mul(tf.sub(1, z), n)) as T2;
    } else {
      const [ai, af, ag, ao] = tf.split(tf.add(xp, hu), 4, 1) as [T2, T2, T2, T2];
      cell = tf.add(tf.mul(tf.sigmoid(af), cell), tf.mul(tf.sigmoid(ai), tf.tanh(ag))) as T2;
      state = tf.mul(tf.sigmoid(ao), tf.tanh(cell)) as T2;
    }
    out.push(state);
  });
  return out;
}

/** Layer outputs [B, H] per step for inputs [B, H] per step. */
function layer(model: SequenceModel, l: number, xs: T2[]): T2[] {
  const c = model.config, g = c.groups, H = c.hiddenSize, d = H / g;
  const p = `layer${l}`;
  const get = (n: string) => variable(model, `${p}/${n}`);
  const rb = (prefix: string, b: number) => (c.kind === 'gru' ? block(variable(model, `${prefix}/recurrent_bias`), b) : null);
  let scales: T2[][] | undefined;
  if (c.variant === 'context-switching') {
    const aux = `${p}/auxiliary`;
    const a = cellSequence(c.kind, xs, block(variable(model, `${aux}/kernel`), 0), block(variable(model, `${aux}/recurrent_kernel`), 0), block(variable(model, `${aux}/bias`), 0), rb(aux, 0));
    const masks = a.map((at) => tf.softmax(tf.add(tf.matMul(at, get('mask/kernel') as T2), get('mask/bias'))) as T2);
    scales = Array.from({ length: g }, (_, b) => masks.map((m) => tf.slice(m, [0, b], [m.shape[0], 1]) as T2));
  }
  const blocks = Array.from({ length: g }, (_, b) => {
    const xb = xs.map((x) => tf.slice(x, [0, b * d], [x.shape[0], d]) as T2);
    const maskIn = scales && (c.maskInput ?? true) ? scales[b] : undefined;
    let ys = cellSequence(c.kind, xb, block(get('kernel'), b), block(get('recurrent_kernel'), b), block(get('bias'), b), rb(p, b), maskIn);
    if (scales && (c.maskOutput ?? false)) ys = ys.map((y, t) => tf.mul(y, (scales as T2[][])[b]![t] as T2) as T2);
    return ys;
  });
  return xs.map((_, t) => (g === 1 ? (blocks[0]![t] as T2) : (tf.concat(blocks.map((bl) => bl[t] as T2), 1) as T2)));
}

/** The model's loss on a batch, computed step by step with plain ops (autodiff-friendly). */
export function referenceLoss(model: SequenceModel, batch: TokenBatch): tf.Scalar {
  const { steps: T, batch: B } = batch;
  const E = variable(model, 'embedding') as T2;
  let xs: T2[] = Array.from({ length: T }, (_, t) => tf.gather(E, tf.tensor1d(batch.inputs.subarray(t * B, (t + 1) * B), 'int32')) as T2);
  for (let l = 0; l < model.config.layers; l++) xs = layer(model, l, xs);
  const logits = tf.add(tf.matMul(tf.concat(xs, 0) as T2, variable(model, 'readout/kernel') as T2), variable(model, 'readout/bias')) as T2;
  const labels = tf.oneHot(tf.tensor1d(batch.targets, 'int32'), model.config.outputVocabulary);
  return tf.losses.softmaxCrossEntropy(labels, logits) as tf.Scalar;
}

/** The recurrent layers' outputs for real-valued inputs (T x B x H, flat), step by step. */
export function referenceLayerOutputs(model: SequenceModel, x: Float32Array, T: number, B: number): Float32Array[] {
  const H = model.config.hiddenSize;
  return tf.tidy(() => {
    let xs: T2[] = Array.from({ length: T }, (_, t) => tf.tensor2d(x.subarray(t * B * H, (t + 1) * B * H), [B, H]));
    const outs: tf.Tensor[] = [];
    for (let l = 0; l < model.config.layers; l++) {
      xs = layer(model, l, xs);
      outs.push(tf.concat(xs, 0));
    }
    return outs;
  }).map((t) => {
    const v = Float32Array.from(t.dataSync() as Float32Array);
    t.dispose();
    return v;
  });
}
