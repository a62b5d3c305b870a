/**
 * A certified bound on the state Jacobian of a GRU over a whole box of states and inputs: the
 * contraction constant that the corrected Proposition 1.2 needs (proofs/prop-1.2-...).
 *
 * @module
 */
import type { GruCell } from '../cells/gru.js';
import { sigmoid } from '../cells/activations.js';

function rowAbsSum(m: Float64Array, cols: number, i: number): number {
  let s = 0;
  for (let j = 0; j < cols; j++) s += Math.abs(m[i * cols + j] as number);
  return s;
}

/**
 * L = sup ||dh'/dh||_inf over states h in [-1, 1]^H (where a GRU started there stays, h' being a
 * convex combination of h and a tanh) and inputs with ||x||_inf <= inputBound.
 *
 * Method: row i of the Jacobian (see GruCell) is z_i e_i^T + a_i U_z[i] + delta_i (.. U_r, U_n ..),
 * with |h_i - n_i| <= 2, z(1 - z) <= 1/4 bounds on r(1 - r), 0 <= r <= 1, 1 - n^2 <= 1 and
 * |q_i| <= ||U_n[i]||_1 + |c_n,i|. Its absolute row sum is at most
 * T_i(z) = z + 2 z (1 - z) ||U_z[i]||_1 + (1 - z) K_i, with K_i = |q|_max ||U_r[i]||_1 / 4 + ||U_n[i]||_1
 * (reset after) or ||U_n[i]||_1 + sum_k |U_n[i,k]| ||U_r[k]||_1 / 4 (reset before), maximised over
 * z in [sigma(-p_i), sigma(p_i)], p_i the Lemma 1.2 bound on the update gate's pre-activation.
 * L < 1 makes h -> F(h, x) a contraction in the max-norm for every admissible input.
 */
export function gruContractionBound(cell: GruCell, inputBound: number): number {
  const { z, r, n, resetAfter } = cell.weights;
  const H = cell.hiddenSize, D = cell.inputSize;
  let worst = 0;
  for (let i = 0; i < H; i++) {
    const p = rowAbsSum(z.input, D, i) * inputBound + rowAbsSum(z.recurrent, H, i) + Math.abs((z.inputBias[i] as number) + (z.recurrentBias[i] as number));
    const zLo = sigmoid(-p), zHi = sigmoid(p);
    const uz = rowAbsSum(z.recurrent, H, i), un = rowAbsSum(n.recurrent, H, i);
    let k: number;
    if (resetAfter) {
      const qMax = un + Math.abs(n.recurrentBias[i] as number);
      k = (qMax * rowAbsSum(r.recurrent, H, i)) / 4 + un;
    } else {
      let s = 0;
      for (let m = 0; m < H; m++) s += (Math.abs(n.recurrent[i * H + m] as number) * rowAbsSum(r.recurrent, H, m)) / 4;
      k = un + s;
    }
    const T = (zz: number): number => zz + 2 * zz * (1 - zz) * uz + (1 - zz) * k;
    // T is a concave quadratic in z: its maximum on [zLo, zHi] is at an end or at the vertex.
    const a = -2 * uz, b = 1 + 2 * uz - k;
    const vertex = a < 0 ? -b / (2 * a) : zLo;
    const candidates = [zLo, zHi, Math.min(zHi, Math.max(zLo, vertex))];
    worst = Math.max(worst, ...candidates.map(T));
  }
  return worst;
}
