/**
 * Block-diagonal products, the heart of a factorized layer: g independent products
 * Y_b = X_b W_b on [g, M, K] x [g, K, N] tensors, never a masked dense matrix, so the FLOPs
 * really drop by g.
 *
 * Two strategies compute the same numbers:
 * - `batched`: one tf.matMul on the rank-3 tensors (one batched GEMM; what a native backend and
 *   the cpu backend do best);
 * - `perBlock`: g rank-2 tf.matMul calls on the unstacked blocks. On the wasm backend only
 *   rank-2 products without transposition reach XNNPACK's packed GEMM; its batched and
 *   transposed products fall back to a scalar loop 10 to 50 times slower, so there the
 *   g-call form wins despite its g dispatches.
 *
 * Products with a transposed operand are formed by an explicit tf.transpose followed by a plain
 * product, for the same reason. `blockMatMul` and `matMul2d` are differentiable (tf.customGrad)
 * with gradients built from the same fast products.
 *
 * With the native kernels (`--kernels native`, ./nativeKernels.ts) the wasm backend's products
 * run on the native gemm, which takes transposed and batched operands at full speed: then every
 * block product is one batched tf.matMul and the gradients pass the transposes as flags (no
 * copies, no unstacking). The default path is unchanged.
 *
 * @internal
 */
import * as tf from '@tensorflow/tfjs';
import { registerFusedKernels, unstackBlocks as unstackAxis0 } from './kernels.js';
import { nativeProductsActive } from './nativeKernels.js';

/** A differentiable op from a forward function returning its value and gradient (tf.customGrad). */
export function customOp<T extends tf.Tensor>(f: (...args: never[]) => { value: T; gradFunc: (dy: T, saved: tf.Tensor[]) => tf.Tensor | tf.Tensor[] }): (...inputs: tf.Tensor[]) => T {
  return tf.customGrad(f as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (...inputs: tf.Tensor[]) => T;
}

/** How g block products are evaluated. */
export type BlockStrategy = 'batched' | 'perBlock';

/** The faster strategy on the active backend for g blocks. */
export function defaultBlockStrategy(groups: number): BlockStrategy {
  return groups > 1 && tf.getBackend() === 'wasm' && !nativeProductsActive() ? 'perBlock' : 'batched';
}

/**
 * Y = X W blockwise: [g, M, K] x [g, K, N] -> [g, M, N] (no gradient of its own; for use inside
 * custom gradients). `wBlocks`, when given, are the g slices of `w` already unstacked (reused
 * across the steps of a sequence).
 */
export function blockProduct(x: tf.Tensor3D, w: tf.Tensor3D, strategy: BlockStrategy, wBlocks?: readonly tf.Tensor2D[]): tf.Tensor3D {
  const g = x.shape[0];
  if (g === 1) {
    const [, m, k] = x.shape;
    const n = w.shape[2];
    return tf.matMul(x.reshape([m, k]) as tf.Tensor2D, (wBlocks?.[0] ?? w.reshape([k, n])) as tf.Tensor2D).reshape([1, m, n]);
  }
  if (strategy === 'batched') return tf.matMul(x, w);
  const ws = wBlocks ?? (unstackAxis0(w) as tf.Tensor2D[]);
  const xs = unstackAxis0(x) as tf.Tensor2D[];
  return tf.stack(xs.map((xb, b) => tf.matMul(xb, ws[b] as tf.Tensor2D))) as tf.Tensor3D;
}

/** W's g blocks as rank-2 tensors, for {@link blockProduct}'s reuse across steps. */
export function unstackBlocks(w: tf.Tensor3D): tf.Tensor2D[] {
  return unstackAxis0(w) as tf.Tensor2D[];
}

/** The blocks transposed: [g, K, N] -> [g, N, K]. */
export function transposeBlocks(w: tf.Tensor3D): tf.Tensor3D {
  return tf.transpose(w, [0, 2, 1]);
}

/** X^T Y blockwise: [g, M, K] and [g, M, N] -> [g, K, N] (a weight gradient). */
export function blockProductTransposedLeft(x: tf.Tensor3D, y: tf.Tensor3D, strategy: BlockStrategy): tf.Tensor3D {
  return blockProduct(transposeBlocks(x), y, strategy);
}

/**
 * Differentiable block product X W ([g, M, K] x [g, K, N] -> [g, M, N]) with gradients
 * dX = dY W^T and dW = X^T dY, each formed by an explicit transpose and a plain product.
 */
export function blockMatMul(x: tf.Tensor3D, w: tf.Tensor3D, strategy: BlockStrategy = defaultBlockStrategy(x.shape[0])): tf.Tensor3D {
  const op = customOp((a: tf.Tensor3D, b: tf.Tensor3D, save: tf.GradSaveFunc) => {
    save([a, b]);
    return {
      value: blockProduct(a, b, strategy),
      gradFunc: (dy: tf.Tensor3D, saved: tf.Tensor[]) => {
        const [sa, sb] = saved as [tf.Tensor3D, tf.Tensor3D];
        if (nativeProductsActive()) return [tf.matMul(dy, sb, false, true), tf.matMul(sa, dy, true, false)];
        return [blockProduct(dy, transposeBlocks(sb), strategy), blockProductTransposedLeft(sa, dy, strategy)];
      },
    };
  });
  return op(x, w);
}

/**
 * P + b for blocks P [g, M, N] and row biases b [g, 1, N]: tf.add, except with the native
 * products, where the bias gradient sum_rows dY is formed as the product 1^T dY of a row of ones
 * (one native call) instead of TF.js's Sum over the middle axis (a transpose and a reduction on
 * wasm). The same sum either way, to float32 rounding.
 */
export function addRowBias(p: tf.Tensor3D, bias: tf.Tensor3D): tf.Tensor3D {
  if (!nativeProductsActive()) return tf.add(p, bias) as tf.Tensor3D;
  const op = customOp((a: tf.Tensor3D, b: tf.Tensor3D) => ({
    value: tf.add(a, b) as tf.Tensor3D,
    gradFunc: (dy: tf.Tensor3D) => [dy, tf.matMul(tf.ones([dy.shape[0], 1, dy.shape[1]]), dy)],
  }));
  return op(p, bias);
}

/**
 * X W + b as one fused product (the bias added while the product sums) with gradients dX = dY W^T,
 * dW = X^T dY (with the native products the transposes are flags, otherwise explicit
 * transposes and plain products) and db from `biasGradient` (a product with a row of ones).
 */
function fusedAffine<T extends tf.Tensor2D | tf.Tensor3D>(x: T, w: T, bias: tf.Tensor, biasGradient: (dy: T) => tf.Tensor): T {
  const swapLast = (t: tf.Tensor) => (t.rank === 2 ? tf.transpose(t) : tf.transpose(t, [0, 2, 1]));
  const op = customOp((a: T, b: T, c: tf.Tensor, save: tf.GradSaveFunc) => {
    save([a, b]);
    return {
      value: tf.fused.matMul({ a, b, bias: c }) as T,
      gradFunc: (dy: T, saved: tf.Tensor[]) => {
        const [sa, sb] = saved as [T, T];
        const db = biasGradient(dy);
        if (nativeProductsActive()) return [tf.matMul(dy, sb, false, true), tf.matMul(sa, dy, true, false), db];
        return [tf.matMul(dy, swapLast(sb)), tf.matMul(swapLast(sa), dy), db];
      },
    };
  });
  return op(x, w, bias);
}

/**
 * Differentiable block affine map X W + b ([g, M, K] x [g, K, N] + [g, 1, N]): with the native
 * products one fused product per block that adds the bias while it sums (no separate pass over
 * the [g, M, N] output; the native _FusedMatMul takes one bias row per block); otherwise
 * {@link blockMatMul} then {@link addRowBias}, the default path's operations.
 */
export function blockAffine(x: tf.Tensor3D, w: tf.Tensor3D, bias: tf.Tensor3D): tf.Tensor3D {
  if (!nativeProductsActive()) return addRowBias(blockMatMul(x, w), bias);
  return fusedAffine(x, w, bias, (dy) => tf.matMul(tf.ones([dy.shape[0], 1, dy.shape[1]]), dy));
}

/**
 * Differentiable rank-2 affine map X W (+ b) ([M, K] x [K, N] (+ [N])) with gradients
 * dX = dY W^T, dW = X^T dY (explicit transposes, plain products) and db = 1^T dY (a product with a
 * row of ones: tf.sum over rows transposes first on wasm). The bias
 * is added inside the product (tf.fused.matMul), not by a separate pass over the M x N output.
 */
export function matMul2d(x: tf.Tensor2D, w: tf.Tensor2D, bias?: tf.Tensor1D): tf.Tensor2D {
  if (bias) return fusedAffine(x, w, bias, (dy) => tf.matMul(tf.ones([1, dy.shape[0]]), dy).reshape([-1]));
  const op = customOp((a: tf.Tensor2D, b: tf.Tensor2D, save: tf.GradSaveFunc) => {
    save([a, b]);
    return {
      value: tf.matMul(a, b) as tf.Tensor2D,
      gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
        const [sa, sb] = saved as [tf.Tensor2D, tf.Tensor2D];
        if (nativeProductsActive()) return [tf.matMul(dy, sb, false, true), tf.matMul(sa, dy, true, false)];
        return [tf.matMul(dy, tf.transpose(sb)), tf.matMul(tf.transpose(sa), dy)];
      },
    };
  });
  return op(x, w);
}

/**
 * Mean softmax cross-entropy of integer targets, in nats: -(1/N) sum_i log softmax(logits_i)[y_i].
 * When `fused`: tf.softmax (XNNPACK's vectorised exp on wasm) and two kernels (the loss from
 * p[i, y_i], floored at 1e-37, i.e. capped at 85.2 nats per symbol; the gradient
 * dy (p - onehot(y)) / N); otherwise tf.losses.softmaxCrossEntropy on one-hot labels.
 *
 * @param targetsAsFloat - the targets as float32 (the kernels' input; exact below 2^24)
 */
export function softmaxCrossEntropy(logits: tf.Tensor2D, targets: tf.Tensor1D, targetsAsFloat: tf.Tensor1D, fused: boolean): tf.Scalar {
  if (!fused) return tf.losses.softmaxCrossEntropy(tf.oneHot(targets, logits.shape[1]), logits) as tf.Scalar;
  registerFusedKernels();
  const run = (name: string, inputs: Record<string, tf.Tensor>): tf.Tensor => {
    const out = tf.engine().runKernel(name, inputs as tf.NamedTensorMap, {}) as unknown;
    return (Array.isArray(out) ? out[0] : out) as tf.Tensor;
  };
  const op = customOp((lg: tf.Tensor2D, save: tf.GradSaveFunc) => {
    const p = tf.softmax(lg) as tf.Tensor2D;
    save([p, targetsAsFloat]);
    return {
      value: run('LrdkitCrossEntropy', { p, targets: targetsAsFloat }) as tf.Scalar,
      gradFunc: (dy: tf.Scalar, saved: tf.Tensor[]) => run('LrdkitCrossEntropyGrad', { p: saved[0] as tf.Tensor, targets: saved[1] as tf.Tensor, dy }),
    };
  });
  return op(logits);
}

/**
 * Rows of a block table by index: out[b, i, :] = table[b, ids[i], :] ([g, V, K] -> [g, N, K]),
 * the input projection of a one-hot input (one-hot(ids) E = rows of E). When `fused` the gather
 * and its gradient (a segment sum of the output gradient over equal ids) are the kernels
 * LrdkitGatherAxis1 and LrdkitSegmentSumAxis1 (the wasm backend's GatherV2 is a slow generic
 * loop and it has no UnsortedSegmentSum); otherwise tf.gather and TF.js's own gradient.
 *
 * @param idsAsFloat - the same ids as float32 (the kernel's input; exact below 2^24)
 */
export function gatherRows(table: tf.Tensor3D, ids: tf.Tensor1D, idsAsFloat: tf.Tensor1D, fused: boolean): tf.Tensor3D {
  if (!fused) return tf.gather(table, ids, 1) as tf.Tensor3D;
  registerFusedKernels();
  const numSegments = table.shape[1];
  const op = customOp((t: tf.Tensor3D, save: tf.GradSaveFunc) => {
    // Tensors a gradient reads must be saved: the forward scope's tensors are gone by then.
    save([idsAsFloat]);
    const gathered = tf.engine().runKernel('LrdkitGatherAxis1', { table: t, ids: idsAsFloat } as tf.NamedTensorMap, {}) as unknown;
    return {
      value: (Array.isArray(gathered) ? gathered[0] : gathered) as tf.Tensor3D,
      gradFunc: (dy: tf.Tensor3D, saved: tf.Tensor[]) => {
        const out = tf.engine().runKernel('LrdkitSegmentSumAxis1', { x: dy, ids: saved[0] as tf.Tensor } as tf.NamedTensorMap, { numSegments } as tf.NamedAttrMap) as unknown;
        return (Array.isArray(out) ? out[0] : out) as tf.Tensor3D;
      },
    };
  });
  return op(table);
}
