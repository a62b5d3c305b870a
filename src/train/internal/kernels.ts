/**
 * Fused element-wise kernels of the GRU and LSTM steps, registered as TF.js kernels for the
 * backends whose tensors live in JavaScript-visible memory: `wasm` (the WebAssembly heap) and
 * `cpu` (Float32Arrays). One kernel call replaces the five to twenty element-wise TF.js ops of
 * a step's gate algebra, which matters because at training sizes (batch 64, blocks of 16 units)
 * the per-op dispatch cost, not arithmetic, bounds throughput.
 *
 * The kernels do no transcendental work: sigmoids stay TF.js ops (XNNPACK's vectorised sigmoid on
 * wasm), and tanh is evaluated as tanh(a) = 2 sigma(2a) - 1 (the kernels receive sigma(2a) and
 * apply the affine map), because the wasm backend's tanh is a scalar libm loop about ten times
 * slower than its sigmoid. Every kernel is a pure function of its inputs (new output tensors,
 * inputs untouched), evaluated in float64 and rounded to float32 on store.
 *
 * Shapes: states and per-unit quantities are [g, B, hb] (g blocks, batch B, hb units per block);
 * pre-activations are [g, B, G hb] with the gates in Keras order (GRU z, r, n; LSTM i, f, c, o)
 * as contiguous hb-wide slices of each row; the GRU recurrent bias is [g, 1, 3 hb]. The input
 * pre-activations `xp` [g, T, B, G hb] and the output gradients `dy` [g, T, B, hb] of the whole
 * sequence are passed whole with the step index `t` as an attribute and read in place: slicing
 * them per step (tf.unstack) costs the wasm backend more than the whole recurrence.
 *
 * @internal
 */
import * as tf from '@tensorflow/tfjs';

type TensorInfo = tf.TensorInfo;
type Attrs = Record<string, unknown>;

/** A fused kernel: output shapes from input shapes, and the arithmetic on flat float32 views. */
interface FusedKernel {
  readonly name: string;
  /** Input names, in the order `compute` receives them, for the given attributes. */
  readonly inputs: (attrs: Attrs) => readonly string[];
  outputShapes(shapes: Record<string, readonly number[]>, attrs: Attrs): number[][];
  compute(ins: Float32Array[], outs: Float32Array[], shapes: Record<string, readonly number[]>, attrs: Attrs): void;
}

interface WasmBackendLike {
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array;
}

interface CpuBackendLike {
  data: { get(dataId: object): { values?: unknown } };
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): TensorInfo;
}

function size(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function dims(shapes: Record<string, readonly number[]>, name: string): { g: number; B: number; last: number } {
  const s = shapes[name] as readonly number[];
  return { g: s[0] as number, B: s[1] as number, last: s[2] as number };
}

/** Shape of a whole-sequence tensor [g, T, B, W] and the flat offset of its step t. */
function sequence(shapes: Record<string, readonly number[]>, name: string, attrs: Attrs): { g: number; T: number; B: number; W: number; t: number } {
  const s = shapes[name] as readonly number[];
  const t = attrs.t as number;
  const T = s[1] as number;
  if (s.length !== 4 || !Number.isInteger(t) || t < 0 || t >= T) throw new Error(`lrdkit kernel: ${name} must be [g, T, B, W] with 0 <= t < T, found [${s.join(', ')}] and t = ${String(t)}`);
  return { g: s[0] as number, T, B: s[2] as number, W: s[3] as number, t };
}

// ------------------------------------------------------------------------------------------
// GRU (reset_after = true), Keras gate order z, r, n.
//
// Per-block lists: the recurrent products hu_k = h_k U_k [B, 3 hb], the states h_k [B, hb] and
// the recurrent gradients are separate tensors per block k (inputs `hu0`, `hu1`, ...), because
// the block products are g rank-2 tf.matMul calls (XNNPACK's fast path on wasm) and splitting or
// stacking [g, ...] tensors every step would cost more than the products.

const list = (name: string, g: number): string[] => Array.from({ length: g }, (_, k) => `${name}${k}`);

/** a_zr = xp_zr + hu_zr + c_zr: the update and reset gates' pre-activations, [g, B, 2 hb]. */
const GRU_PRE_ZR: FusedKernel = {
  name: 'LrdkitGruPreZR',
  inputs: (a) => ['xp', 'c', ...list('hu', a.g as number)],
  outputShapes: (s, a) => {
    const { g, B, W } = sequence(s, 'xp', a);
    return [[g, B, (2 * W) / 3]];
  },
  compute: ([xp, c, ...hu], [out], s, a) => {
    const { g, T, B, W: last, t } = sequence(s, 'xp', a);
    const hb = last / 3, w = 2 * hb;
    for (let k = 0; k < g; k++) {
      const cb = k * last, huk = hu[k]!;
      for (let b = 0; b < B; b++) {
        const rh = b * last, rx = ((k * T + t) * B + b) * last, ro = (k * B + b) * w;
        for (let j = 0; j < w; j++) out![ro + j] = xp![rx + j]! + huk[rh + j]! + c![cb + j]!;
      }
    }
  },
};

/**
 * The candidate's pre-activation a_n = xp_n + r (hu_n + c_n), times `scale` (2 when tanh is
 * taken as 2 sigma(2a) - 1), and q = hu_n + c_n, kept for the backward pass; both [g, B, hb].
 */
const GRU_PRE_N: FusedKernel = {
  name: 'LrdkitGruPreN',
  inputs: (a) => ['xp', 'c', 'zr', ...list('hu', a.g as number)],
  outputShapes: (s, a) => {
    const { g, B, W } = sequence(s, 'xp', a);
    return [[g, B, W / 3], [g, B, W / 3]];
  },
  compute: ([xp, c, zr, ...hu], [an, q], s, attrs) => {
    const { g, T, B, W: last, t } = sequence(s, 'xp', attrs);
    const hb = last / 3, scale = attrs.scale as number;
    for (let k = 0; k < g; k++) {
      const cb = k * last + 2 * hb, huk = hu[k]!;
      for (let b = 0; b < B; b++) {
        const row = k * B + b, rh = b * last + 2 * hb, rx = ((k * T + t) * B + b) * last + 2 * hb, rz = row * 2 * hb + hb, ro = row * hb;
        for (let j = 0; j < hb; j++) {
          const qq = huk[rh + j]! + c![cb + j]!;
          q![ro + j] = qq;
          an![ro + j] = scale * (xp![rx + j]! + zr![rz + j]! * qq);
        }
      }
    }
  },
};

/** h'_k = n + z (h_k - n) per block, with n = 2 s - 1 (viaSigmoid) or n = s; outputs h'_0 .. h'_{g-1}. */
const GRU_UPDATE: FusedKernel = {
  name: 'LrdkitGruUpdate',
  inputs: (a) => ['s', 'zr', ...list('h', a.g as number)],
  outputShapes: (s, a) => list('h', a.g as number).map((n) => [...(s[n] as number[])]),
  compute: ([sn, zr, ...h], out, s, attrs) => {
    const { g, B, last: hb } = dims(s, 's');
    const via = attrs.viaSigmoid === true;
    for (let k = 0; k < g; k++) {
      const hk = h[k]!, ok = out[k]!;
      for (let b = 0; b < B; b++) {
        const o = b * hb, row = (k * B + b) * hb, oz = (k * B + b) * 2 * hb;
        for (let j = 0; j < hb; j++) {
          const n = via ? 2 * sn![row + j]! - 1 : sn![row + j]!;
          ok[o + j] = n + zr![oz + j]! * (hk[o + j]! - n);
        }
      }
    }
  },
};

/**
 * One step of GRU backpropagation through time. With dh = dy + dhd + dhr (the output's gradient,
 * the direct path z * dh' of step t+1 and its recurrent path dhu_{t+1} U^T, per block):
 *
 *     dn = dh (1 - z),  dz = dh (h_prev - n)
 *     da_n = dn (1 - n^2),  da_z = dz z (1 - z),  da_r = da_n q r (1 - r)
 *     dxp = [da_z, da_r, da_n]          (input pre-activations, bias b included)   [g, B, 3 hb]
 *     dhu_k = [da_z, da_r, da_n r]      (recurrent products U h + c), per block    [B, 3 hb]
 *     dhd' = dh z                       (direct path to h_prev)                    [g, B, hb]
 */
const GRU_BACKWARD: FusedKernel = {
  name: 'LrdkitGruBackward',
  inputs: (a) => ['dy', 'dhd', 'zr', 's', 'q', ...list('dhr', a.g as number), ...list('hp', a.g as number)],
  outputShapes: (s, a) => {
    const { g, B, W: hb } = sequence(s, 'dy', a);
    return [[g, B, 3 * hb], ...list('dhu', g).map(() => [B, 3 * hb]), [g, B, hb]];
  },
  compute: (ins, outs, s, attrs) => {
    const { g, T, B, W: hb, t } = sequence(s, 'dy', attrs);
    const [dy, dhd, zr, sn, q] = ins as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array];
    const dhr = ins.slice(5, 5 + g), hp = ins.slice(5 + g, 5 + 2 * g);
    const dxp = outs[0]!, dhu = outs.slice(1, 1 + g), dho = outs[1 + g]!;
    const via = attrs.viaSigmoid === true;
    for (let k = 0; k < g; k++) {
      const dhrk = dhr[k]!, hpk = hp[k]!, dhuk = dhu[k]!;
      for (let b = 0; b < B; b++) {
        const row = k * B + b, o = row * hb, ob = b * hb, oz = row * 2 * hb, o3 = row * 3 * hb, ob3 = b * 3 * hb;
        const oy = ((k * T + t) * B + b) * hb;
        for (let j = 0; j < hb; j++) {
          const dh = dy[oy + j]! + dhd[o + j]! + dhrk[ob + j]!;
          const z = zr[oz + j]!, r = zr[oz + hb + j]!;
          const n = via ? 2 * sn[o + j]! - 1 : sn[o + j]!;
          const dan = dh * (1 - z) * (1 - n * n);
          const daz = dh * (hpk[ob + j]! - n) * z * (1 - z);
          const dar = dan * q[o + j]! * r * (1 - r);
          dxp[o3 + j] = daz;
          dxp[o3 + hb + j] = dar;
          dxp[o3 + 2 * hb + j] = dan;
          dhuk[ob3 + j] = daz;
          dhuk[ob3 + hb + j] = dar;
          dhuk[ob3 + 2 * hb + j] = dan * r;
          dho[o + j] = dh * z;
        }
      }
    }
  },
};

// ------------------------------------------------------------------------------------------
// LSTM, Keras gate order i, f, c (candidate, lrdkit's g), o; one bias (inside xp).

/** a = xp + hu [g, B, 4 hb], the candidate's slice times `scale` (2 for tanh as 2 sigma(2a) - 1). */
const LSTM_PRE: FusedKernel = {
  name: 'LrdkitLstmPre',
  inputs: (a) => ['xp', ...list('hu', a.g as number)],
  outputShapes: (s, a) => {
    const { g, B, W } = sequence(s, 'xp', a);
    return [[g, B, W]];
  },
  compute: ([xp, ...hu], [out], s, attrs) => {
    const { g, T, B, W: last, t } = sequence(s, 'xp', attrs);
    const hb = last / 4, scale = attrs.scale as number;
    for (let k = 0; k < g; k++) {
      const huk = hu[k]!;
      for (let b = 0; b < B; b++) {
        const o = (k * B + b) * last, oh = b * last, ox = ((k * T + t) * B + b) * last;
        for (let j = 0; j < last; j++) {
          const v = xp![ox + j]! + huk[oh + j]!;
          out![o + j] = j >= 2 * hb && j < 3 * hb ? scale * v : v;
        }
      }
    }
  },
};

/** c' = f c + i g [g, B, hb] (g = 2 s_g - 1 when viaSigmoid), and scale c' (the argument of the next squashing). */
const LSTM_CELL: FusedKernel = {
  name: 'LrdkitLstmCell',
  inputs: () => ['act', 'cp'],
  outputShapes: (s) => [[...(s.cp as number[])], [...(s.cp as number[])]],
  compute: ([act, cp], [c, cs], s, attrs) => {
    const { g, B, last: hb } = dims(s, 'cp');
    const via = attrs.viaSigmoid === true, scale = attrs.scale as number;
    const rows = g * B;
    for (let row = 0; row < rows; row++) {
      const o = row * hb, a = row * 4 * hb;
      for (let j = 0; j < hb; j++) {
        const gg = via ? 2 * act![a + 2 * hb + j]! - 1 : act![a + 2 * hb + j]!;
        const cn = act![a + hb + j]! * cp![o + j]! + act![a + j]! * gg;
        c![o + j] = cn;
        cs![o + j] = scale * cn;
      }
    }
  },
};

/** h'_k = o tanh(c') per block (tanh(c') = 2 s - 1 when viaSigmoid, else s); outputs h'_0 .. h'_{g-1}. */
const LSTM_OUTPUT: FusedKernel = {
  name: 'LrdkitLstmOutput',
  inputs: () => ['act', 'st'],
  outputShapes: (s) => {
    const { g, B, last: hb } = dims(s, 'st');
    return Array.from({ length: g }, () => [B, hb]);
  },
  compute: ([act, st], h, s, attrs) => {
    const { g, B, last: hb } = dims(s, 'st');
    const via = attrs.viaSigmoid === true;
    for (let k = 0; k < g; k++) {
      const hk = h[k]!;
      for (let b = 0; b < B; b++) {
        const row = k * B + b, o = row * hb, a = row * 4 * hb + 3 * hb, ob = b * hb;
        for (let j = 0; j < hb; j++) hk[ob + j] = act![a + j]! * (via ? 2 * st![o + j]! - 1 : st![o + j]!);
      }
    }
  },
};

/**
 * One step of LSTM backpropagation through time. With dh = dy + dhr and dc the carried cell
 * gradient, tau = tanh(c'):
 *
 *     do = dh tau,  dct = dc + dh o (1 - tau^2)
 *     da_i = dct g i (1 - i),  da_f = dct c_prev f (1 - f),  da_g = dct i (1 - g^2),  da_o = do o (1 - o)
 *     dpre = [da_i, da_f, da_g, da_o]   [g, B, 4 hb], and per block dpre_k [B, 4 hb]
 *     dc_prev = dct f                   [g, B, hb]
 */
const LSTM_BACKWARD: FusedKernel = {
  name: 'LrdkitLstmBackward',
  inputs: (a) => ['dy', 'dc', 'act', 'st', 'cp', ...list('dhr', a.g as number)],
  outputShapes: (s, a) => {
    const { g, B, W: hb } = sequence(s, 'dy', a);
    return [[g, B, 4 * hb], ...list('dpre', g).map(() => [B, 4 * hb]), [g, B, hb]];
  },
  compute: (ins, outs, s, attrs) => {
    const { g, T, B, W: hb, t } = sequence(s, 'dy', attrs);
    const [dy, dc, act, st, cp] = ins as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array];
    const dhr = ins.slice(5, 5 + g);
    const dpre = outs[0]!, dpreBlocks = outs.slice(1, 1 + g), dcp = outs[1 + g]!;
    const via = attrs.viaSigmoid === true;
    for (let k = 0; k < g; k++) {
      const dhrk = dhr[k]!, dpk = dpreBlocks[k]!;
      for (let b = 0; b < B; b++) {
        const row = k * B + b, o = row * hb, a = row * 4 * hb, ob = b * hb, ob4 = b * 4 * hb;
        const oy = ((k * T + t) * B + b) * hb;
        for (let j = 0; j < hb; j++) {
          const i = act[a + j]!, f = act[a + hb + j]!, o_ = act[a + 3 * hb + j]!;
          const gg = via ? 2 * act[a + 2 * hb + j]! - 1 : act[a + 2 * hb + j]!;
          const tau = via ? 2 * st[o + j]! - 1 : st[o + j]!;
          const dh = dy[oy + j]! + dhrk[ob + j]!;
          const dct = dc[o + j]! + dh * o_ * (1 - tau * tau);
          const dai = dct * gg * i * (1 - i);
          const daf = dct * cp[o + j]! * f * (1 - f);
          const dag = dct * i * (1 - gg * gg);
          const dao = dh * tau * o_ * (1 - o_);
          dpre[a + j] = dai;
          dpre[a + hb + j] = daf;
          dpre[a + 2 * hb + j] = dag;
          dpre[a + 3 * hb + j] = dao;
          dpk[ob4 + j] = dai;
          dpk[ob4 + hb + j] = daf;
          dpk[ob4 + 2 * hb + j] = dag;
          dpk[ob4 + 3 * hb + j] = dao;
          dcp[o + j] = dct * f;
        }
      }
    }
  },
};

// ------------------------------------------------------------------------------------------
// Row gather's gradient along axis 1.

/**
 * out[k, s, :] = sum over i with ids[i] = s of x[k, i, :]: the gradient of gathering rows of a
 * [g, V, K] table along axis 1 (ids as float32, exact below 2^24; ids outside [0, V) dropped).
 */
const SEGMENT_SUM_AXIS1: FusedKernel = {
  name: 'LrdkitSegmentSumAxis1',
  inputs: () => ['x', 'ids'],
  outputShapes: (s, attrs) => {
    const x = s.x as readonly number[];
    return [[x[0] as number, attrs.numSegments as number, x[2] as number]];
  },
  compute: ([x, ids], [out], s, attrs) => {
    const { g, B: n, last: k } = dims(s, 'x');
    const v = attrs.numSegments as number;
    out!.fill(0);
    for (let blk = 0; blk < g; blk++) {
      for (let i = 0; i < n; i++) {
        const seg = ids![i]! | 0;
        if (!(seg >= 0 && seg < v) || seg !== ids![i]) continue;
        const src = (blk * n + i) * k, dst = (blk * v + seg) * k;
        for (let j = 0; j < k; j++) out![dst + j] = out![dst + j]! + x![src + j]!;
      }
    }
  },
};

/** out[k, i, :] = table[k, ids[i], :]: rows of a [g, V, K] table (ids as float32; an id outside [0, V) is an error). */
const GATHER_AXIS1: FusedKernel = {
  name: 'LrdkitGatherAxis1',
  inputs: () => ['table', 'ids'],
  outputShapes: (s) => {
    const t = s.table as readonly number[];
    return [[t[0] as number, (s.ids as readonly number[])[0] as number, t[2] as number]];
  },
  compute: ([table, ids], [out], s) => {
    const { g, B: v, last: k } = dims(s, 'table');
    const n = (s.ids as readonly number[])[0] as number;
    for (let i = 0; i < n; i++) {
      const id = ids![i]!;
      if (!(id >= 0 && id < v) || (id | 0) !== id) throw new Error(`LrdkitGatherAxis1: id ${id} at position ${i} is not an integer in [0, ${v})`);
    }
    for (let blk = 0; blk < g; blk++) {
      for (let i = 0; i < n; i++) {
        const src = (blk * v + (ids![i]! | 0)) * k, dst = (blk * n + i) * k;
        for (let j = 0; j < k; j++) out![dst + j] = table![src + j]!;
      }
    }
  },
};

/**
 * The g slices of x [g, ...rest] along axis 0 as g tensors of shape rest, each copied once.
 * (The wasm backend's Unpack and SplitV copy the whole input once per output slice.)
 */
const UNSTACK_BLOCKS: FusedKernel = {
  name: 'LrdkitUnstackBlocks',
  inputs: () => ['x'],
  outputShapes: (s) => {
    const [g, ...rest] = s.x as readonly number[];
    return Array.from({ length: g as number }, () => [...rest]);
  },
  compute: ([x], outs) => {
    let at = 0;
    for (const o of outs) {
      o.set(x!.subarray(at, at + o.length));
      at += o.length;
    }
  },
};

/** Smallest probability whose logarithm the cross-entropy takes (a loss cap of 85.2 nats). */
export const CROSS_ENTROPY_PROBABILITY_FLOOR = 1e-37;

/**
 * Mean cross-entropy -(1/N) sum_i log p[i, y_i] of softmax probabilities p [N, V] (p[i, y_i]
 * floored at {@link CROSS_ENTROPY_PROBABILITY_FLOOR}); output shape [].
 */
const CROSS_ENTROPY: FusedKernel = {
  name: 'LrdkitCrossEntropy',
  inputs: () => ['p', 'targets'],
  outputShapes: () => [[]],
  compute: ([p, targets], [out], s) => {
    const [n, v] = s.p as [number, number];
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const y = targets![i]! | 0;
      if (!(y >= 0 && y < v) || y !== targets![i]) throw new Error(`LrdkitCrossEntropy: target ${y} at position ${i} is outside [0, ${v})`);
      sum -= Math.log(Math.max(p![i * v + y]!, CROSS_ENTROPY_PROBABILITY_FLOOR));
    }
    out![0] = sum / n;
  },
};

/** Gradient of the mean cross-entropy with respect to the logits: dy (p - onehot(y)) / N. */
const CROSS_ENTROPY_GRAD: FusedKernel = {
  name: 'LrdkitCrossEntropyGrad',
  inputs: () => ['p', 'targets', 'dy'],
  outputShapes: (s) => [[...(s.p as number[])]],
  compute: ([p, targets, dy], [out], s) => {
    const [n, v] = s.p as [number, number];
    const scale = dy![0]! / n;
    for (let i = 0; i < n; i++) {
      const o = i * v;
      for (let j = 0; j < v; j++) out![o + j] = scale * p![o + j]!;
      const y = targets![i]! | 0;
      out![o + y] = scale * (p![o + y]! - 1);
    }
  },
};

// ------------------------------------------------------------------------------------------
// Embedding gradient: UnsortedSegmentSum, missing from the wasm backend (tf.gather's gradient).

/**
 * out[s, ...] = sum over rows i with segmentIds[i] = s of x[i, ...] (rows with ids outside
 * [0, numSegments) are dropped, as in TensorFlow). Registered for wasm only when absent.
 */
function unsortedSegmentSumWasm(args: { inputs: Record<string, TensorInfo>; backend: unknown; attrs: Attrs }): TensorInfo {
  const backend = args.backend as WasmBackendLike;
  const x = args.inputs.x as TensorInfo, ids = args.inputs.segmentIds as TensorInfo;
  const numSegments = args.attrs.numSegments as number;
  if (x.dtype !== 'float32') throw new Error(`UnsortedSegmentSum (lrdkit, wasm): expected float32 x, found ${x.dtype}`);
  const rowSize = size(x.shape.slice(1));
  const rows = x.shape[0] as number;
  const out = backend.makeOutput([numSegments, ...x.shape.slice(1)], 'float32');
  const o = backend.typedArrayFromHeap(out);
  const xv = backend.typedArrayFromHeap(x);
  const iv = backend.typedArrayFromHeap(ids) as unknown as Int32Array;
  o.fill(0);
  for (let i = 0; i < rows; i++) {
    const s = iv[i] as number;
    if (s < 0 || s >= numSegments) continue;
    const src = i * rowSize, dst = s * rowSize;
    for (let j = 0; j < rowSize; j++) o[dst + j] = o[dst + j]! + xv[src + j]!;
  }
  return out;
}

// ------------------------------------------------------------------------------------------
// Registration

const KERNELS: readonly FusedKernel[] = [GRU_PRE_ZR, GRU_PRE_N, GRU_UPDATE, GRU_BACKWARD, LSTM_PRE, LSTM_CELL, LSTM_OUTPUT, LSTM_BACKWARD, SEGMENT_SUM_AXIS1, GATHER_AXIS1, UNSTACK_BLOCKS, CROSS_ENTROPY, CROSS_ENTROPY_GRAD];

/** Backends the fused kernels are registered for. */
export const FUSED_KERNEL_BACKENDS = ['wasm', 'cpu'] as const;

function inputOf(inputs: Record<string, TensorInfo>, name: string, kernel: string): TensorInfo {
  const t = inputs[name];
  if (!t) throw new Error(`${kernel}: missing input ${name}`);
  if (t.dtype !== 'float32') throw new Error(`${kernel}: input ${name} is ${t.dtype}, expected float32`);
  return t;
}

function wasmKernelFunc(k: FusedKernel) {
  return (args: { inputs: Record<string, TensorInfo>; backend: unknown; attrs: Attrs }): TensorInfo[] => {
    const backend = args.backend as WasmBackendLike;
    const names = k.inputs(args.attrs);
    const shapes: Record<string, readonly number[]> = {};
    for (const n of names) shapes[n] = inputOf(args.inputs, n, k.name).shape;
    // Allocate first: an allocation may grow the heap, detaching earlier views.
    const outs = k.outputShapes(shapes, args.attrs).map((s) => backend.makeOutput(s, 'float32'));
    const ins = names.map((n) => backend.typedArrayFromHeap(args.inputs[n] as TensorInfo));
    k.compute(ins, outs.map((o) => backend.typedArrayFromHeap(o)), shapes, args.attrs);
    return outs;
  };
}

function cpuKernelFunc(k: FusedKernel) {
  return (args: { inputs: Record<string, TensorInfo>; backend: unknown; attrs: Attrs }): TensorInfo[] => {
    const backend = args.backend as CpuBackendLike;
    const shapes: Record<string, readonly number[]> = {};
    const ins = k.inputs(args.attrs).map((n) => {
      const t = inputOf(args.inputs, n, k.name);
      shapes[n] = t.shape;
      const v = backend.data.get(t.dataId).values;
      if (!(v instanceof Float32Array)) throw new Error(`${k.name} (cpu): input ${n} is not float32 data`);
      return v;
    });
    const outShapes = k.outputShapes(shapes, args.attrs);
    const outs = outShapes.map((s) => new Float32Array(size(s)));
    k.compute(ins, outs, shapes, args.attrs);
    return outShapes.map((s, i) => backend.makeTensorInfo(s, 'float32', outs[i] as Float32Array));
  };
}

let registered = false;

/** Registers the fused kernels (and the wasm UnsortedSegmentSum) once per process. */
export function registerFusedKernels(): void {
  if (registered) return;
  registered = true;
  for (const k of KERNELS) {
    tf.registerKernel({ kernelName: k.name, backendName: 'wasm', kernelFunc: wasmKernelFunc(k) as unknown as tf.KernelFunc });
    tf.registerKernel({ kernelName: k.name, backendName: 'cpu', kernelFunc: cpuKernelFunc(k) as unknown as tf.KernelFunc });
  }
  if (!tf.getKernel('UnsortedSegmentSum', 'wasm')) {
    tf.registerKernel({ kernelName: 'UnsortedSegmentSum', backendName: 'wasm', kernelFunc: unsortedSegmentSumWasm as unknown as tf.KernelFunc });
  }
}

/** Whether the fused kernels can run on the active backend. */
export function fusedKernelsAvailable(): boolean {
  return (FUSED_KERNEL_BACKENDS as readonly string[]).includes(tf.getBackend());
}

/**
 * The g slices of x [g, ...] along axis 0: the LrdkitUnstackBlocks kernel where the fused kernels
 * run (one copy per slice), tf.unstack elsewhere.
 */
export function unstackBlocks(x: tf.Tensor): tf.Tensor[] {
  if (x.shape[0] === 1) return [x.reshape(x.shape.slice(1))];
  if (!fusedKernelsAvailable()) return tf.unstack(x);
  registerFusedKernels();
  return runFused('LrdkitUnstackBlocks', { x });
}

/** Runs a fused kernel by name (after {@link registerFusedKernels}). */
export function runFused(name: string, inputs: Record<string, tf.Tensor>, attrs: Attrs = {}): tf.Tensor[] {
  const out = tf.engine().runKernel(name, inputs as tf.NamedTensorMap, attrs as tf.NamedAttrMap) as unknown;
  return Array.isArray(out) ? (out as tf.Tensor[]) : [out as tf.Tensor];
}
