/**
 * The whole optimizer step of the training runs in one pass over flat float32 arrays: the
 * gradient's global norm, its clipping, and the RMSProp update of every variable, computed with
 * exactly the float32 operations, in exactly the order, of the TF.js ops it replaces (the
 * per-variable clipping of src/train/optimizer.ts's TF.js path followed by tf.train.rmsprop), so
 * that the result is bit for bit the same (pinned by test/train/trainingPin.test.ts against
 * commit 3a7a4b3, and compared with the TF.js ops over hundreds of steps on both backends in
 * test/train/optimizer.test.ts).
 *
 * Method. With every quantity rounded to float32 after each operation (Math.fround of a
 * double-precision +, -, *, / or sqrt of float32 operands is the correctly rounded float32
 * result, which is what the backends' kernels return):
 *
 *     s_i   = sum_j g_ij^2                  (tf.sum(tf.square(g_i)): wasm accumulates in float32,
 *                                            element order; cpu in float64, rounded once)
 *     norm  = sqrt(s_1 + ... + s_n)         (tf.addN in variable order, float32)
 *     scale = min(1, clip / max(norm, 1e-12))
 *     g'    = g scale                       (no clipping: g' = g)
 *     m    <- m rho + g'^2 (1 - rho)
 *     q    <- q mu + (g' lr) / sqrt(m + eps)
 *     w    <- w - q
 *
 * (rho the decay, mu the momentum, q the "moments" slot: tf.train.rmsprop's formula as written,
 * node_modules/@tensorflow/tfjs-core/dist/optimizers/rmsprop_optimizer.js, non-centered.) One call
 * replaces the 2 n + 4 clipping ops and 9 n RMSProp ops of TF.js (about 230 kernel calls for the
 * copy-task models' 14 to 24 variables).
 *
 * References: T. Tieleman & G. Hinton, Lecture 6.5 - RMSProp, COURSERA, 2012; R. Pascanu,
 * T. Mikolov, Y. Bengio, "On the difficulty of training recurrent neural networks", ICML 2013.
 *
 * @example
 * ```ts
 * // one variable w = [1], gradient [2], clip 1: norm 2, scale 1/2, g' = 1; m = 0.1, q = 0.01 / sqrt(0.1 + 1e-7)
 * const w = Float32Array.of(1), m = Float32Array.of(0), q = Float32Array.of(0);
 * clippedRmspropStep([w], [Float32Array.of(2)], [m], [q], { learningRate: 0.01, decay: 0.9, momentum: 0, epsilon: 1e-7, clipNorm: 1, sumInFloat64: false }, [w], [m], [q]);
 * // w = [0.9683772], m = [0.1], q = [0.03162276]   (returns the norm, 2)
 * ```
 *
 * With `--kernels native` the sums of squares and the per-variable update run in the addon
 * (native/lrdkit_kernels.c: the same float32 operations in the same order, no fused
 * multiply-add), giving the same bits.
 *
 * @internal
 */
import { nativeAddonInUse } from './nativeAddon.js';

const f = Math.fround;

/** Hyper-parameters of one step, and how the backend being mirrored sums a tensor. */
export interface ClippedRmspropSettings {
  readonly learningRate: number;
  readonly decay: number;
  readonly momentum: number;
  readonly epsilon: number;
  /** Global-norm clip; null: the gradient is used as is. */
  readonly clipNorm: number | null;
  /** tf.sum's accumulator: float64 rounded once (TF.js cpu backend) or float32 (wasm backend). */
  readonly sumInFloat64: boolean;
}

/** sum_j x_j^2 as tf.sum(tf.square(x)) computes it (see {@link ClippedRmspropSettings.sumInFloat64}). */
export function sumOfSquares(x: Float32Array, sumInFloat64: boolean): number {
  const native = nativeAddonInUse();
  if (native) return native.sumOfSquares(x, sumInFloat64);
  let s = 0;
  if (sumInFloat64) {
    for (let j = 0; j < x.length; j++) s += f(x[j]! * x[j]!);
    return f(s);
  }
  for (let j = 0; j < x.length; j++) s = f(s + f(x[j]! * x[j]!));
  return s;
}

/**
 * The global norm of the gradients, clipped, and one RMSProp update of every variable. Inputs
 * (w, g, m, q per variable) are read; outputs (w', m', q' per variable, each the size of its
 * input) are written and may be the input arrays themselves.
 *
 * @returns the global norm of the unclipped gradient (float32; NaN when clipNorm is null)
 */
export function clippedRmspropStep(
  w: readonly Float32Array[], g: readonly Float32Array[], m: readonly Float32Array[], q: readonly Float32Array[],
  settings: ClippedRmspropSettings,
  wOut: readonly Float32Array[], mOut: readonly Float32Array[], qOut: readonly Float32Array[],
): number {
  const n = w.length;
  let norm = Number.NaN, scale = 1;
  const clipping = settings.clipNorm !== null;
  if (clipping) {
    let total = 0;
    for (let i = 0; i < n; i++) total = f(total + sumOfSquares(g[i]!, settings.sumInFloat64));
    norm = f(Math.sqrt(total));
    scale = Math.min(1, f(f(settings.clipNorm as number) / Math.max(norm, f(1e-12))));
  }
  const rho = f(settings.decay), oneMinusRho = f(1 - settings.decay), mu = f(settings.momentum), lr = f(settings.learningRate), eps = f(settings.epsilon);
  const native = nativeAddonInUse();
  for (let i = 0; i < n; i++) {
    const wi = w[i]!, gi = g[i]!, mi = m[i]!, qi = q[i]!, wo = wOut[i]!, mo = mOut[i]!, qo = qOut[i]!;
    if (native) {
      native.rmspropUpdate(wi, gi, mi, qi, wo, mo, qo, clipping ? 1 : 0, scale, rho, oneMinusRho, mu, lr, eps);
      continue;
    }
    for (let j = 0; j < wi.length; j++) {
      const gj = clipping ? f(gi[j]! * scale) : gi[j]!;
      const mj = f(f(mi[j]! * rho) + f(f(gj * gj) * oneMinusRho));
      const qj = f(f(qi[j]! * mu) + f(f(gj * lr) / f(Math.sqrt(f(mj + eps)))));
      mo[j] = mj;
      qo[j] = qj;
      wo[j] = f(wi[j]! - qj);
    }
  }
  return norm;
}
