/**
 * Lyapunov exponents of a cell driven by an input process (a random dynamical system
 * s_{t+1} = F(s_t, x_t)): the top-k spectrum by QR re-orthonormalisation of tangent vectors,
 * and the top exponent from the divergence of twin trajectories as an independent check.
 * Units: nats per step.
 *
 * @module
 */
import { FactorizedCell } from '../cells/factorized.js';
import type { Cell } from '../cells/types.js';
import { matMulRows } from '../linalg/internal/kernels.js';
import { gemm, simdArena } from '../linalg/internal/simd.js';
import type { DenseMatrix } from '../linalg/dense.js';
import { createRng } from '../processes/prng.js';
import { AnalysisInputError } from './errors.js';
import { type TrajectoryOptions, resolveTrajectory, visitTrajectories } from './trajectories.js';

/** Fork stream of the QR method's initial tangent vectors (sequence i uses this + i). */
const TANGENT_STREAM = 2 ** 40;
/** Fork stream of the twin method's initial perturbation direction (sequence i uses this + i). */
const TWIN_STREAM = 2 ** 41;

/** Options shared by {@link lyapunovSpectrum} and {@link twinTrajectoryExponent}. */
export interface LyapunovOptions extends Omit<TrajectoryOptions, 'sequences' | 'steps'> {
  /** Steps averaged per sequence, after the transient (integer >= 1). */
  steps: number;
  /** Independent sequences, each with its own transient (default 1). */
  sequences?: number;
  /**
   * Steps the tangent vectors (or the twin) are propagated before averaging starts, so that
   * they align with the leading Lyapunov directions (default max(100, floor(steps / 10))).
   * The state burn-in `burnIn` (default 0) runs before it, without tangent vectors.
   */
  transient?: number;
  /** Re-orthonormalise (renormalise the twin) every this many steps (default 1). */
  renormEvery?: number;
  /** Batches per sequence for the standard error (integer >= 1 and <= steps, default 10). */
  batches?: number;
  /**
   * Called every {@link LYAPUNOV_PROGRESS_STEPS} tangent steps with the fraction of them done
   * (over all sequences, transient included), for progress; it does not change the result.
   */
  onProgress?: (fraction: number) => void;
}

/** Tangent steps between two calls of {@link LyapunovOptions.onProgress}. */
export const LYAPUNOV_PROGRESS_STEPS = 32;

/** The result of {@link lyapunovSpectrum}. */
export interface LyapunovSpectrum {
  /** lambda_1 >= ... >= lambda_k (in QR order; finite-time estimates may cross), nats per step. */
  readonly lyapunovPerStep: number[];
  /** Standard error of each exponent from the batch means: sd(batch means) / sqrt(#batches). */
  readonly standardErrorPerStep: number[];
  /** batchMeans[b][i]: exponent i over batch b (batches of all sequences in order). */
  readonly batchMeans: number[][];
  /** Sum of the k exponents (the growth rate of k-volumes; all n: mean log |det J_t|). */
  readonly sumPerStep: number;
  readonly k: number;
  readonly stateSize: number;
  readonly sequences: number;
  readonly steps: number;
  readonly transient: number;
  readonly burnIn: number;
  readonly renormEvery: number;
  readonly input: string;
}

/** The result of {@link twinTrajectoryExponent}. */
export interface TwinTrajectoryExponent {
  /** Top Lyapunov exponent estimate, nats per step. */
  readonly lyapunovPerStep: number;
  readonly standardErrorPerStep: number;
  readonly batchMeans: number[];
  /** Euclidean size of the perturbation after each renormalisation. */
  readonly perturbation: number;
  readonly sequences: number;
  readonly steps: number;
  readonly transient: number;
  readonly burnIn: number;
  readonly renormEvery: number;
  readonly input: string;
}

interface Resolved {
  transient: number;
  renormEvery: number;
  batches: number;
}

function resolveLyapunov(cellOrLayers: Cell | readonly Cell[], o: LyapunovOptions, fn: string) {
  if (o === null || typeof o !== 'object') throw new AnalysisInputError(`${fn}: options is ${String(o)}, expected an object with steps`);
  const int = (v: unknown, name: string, min: number, max = Infinity): number => {
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) {
      throw new AnalysisInputError(`${fn}: ${name} is ${String(v)}, expected an integer ${max === Infinity ? `>= ${min}` : `in ${min}..${max}`}`);
    }
    return v;
  };
  const steps = int(o.steps, 'steps', 1);
  const transient = int(o.transient ?? Math.max(100, Math.floor(steps / 10)), 'transient', 0);
  const renormEvery = int(o.renormEvery ?? 1, 'renormEvery', 1);
  const batches = int(o.batches ?? Math.min(10, steps), 'batches', 1, steps);
  const traj = { ...o, sequences: o.sequences ?? 1, steps: transient + steps };
  const r = resolveTrajectory(cellOrLayers, traj, fn);
  const extra: Resolved = { transient, renormEvery, batches };
  return { r, traj, extra, steps };
}

/** Window bookkeeping: QR (renormalisation) points and the batch each averaged window falls in. */
function windowPlan(transient: number, steps: number, m: number, batches: number) {
  const total = transient + steps;
  /** True when a QR/renormalisation happens after step t (0-based over transient + steps). */
  const isPoint = (t: number): boolean => (t < transient ? (t + 1) % m === 0 || t === transient - 1 : (t - transient + 1) % m === 0 || t === total - 1);
  const batchOf = (t: number): number => Math.min(batches - 1, Math.floor(((t - transient) * batches) / steps));
  return { isPoint, batchOf };
}

function meanAndStandardError(batchMeans: number[]): { se: number } {
  const n = batchMeans.length;
  if (n < 2) return { se: Number.NaN };
  const mean = batchMeans.reduce((s, v) => s + v, 0) / n;
  const v = batchMeans.reduce((s, x) => s + (x - mean) * (x - mean), 0) / (n - 1);
  return { se: Math.sqrt(v / n) };
}

/**
 * Y = J Q for column-major Q (k columns of length n): y_c[i] = sum_j J_ij q_c[j], each sum in
 * index order, three rows of J against four columns at a time (matMulRows).
 */
function applyJacobian(j: DenseMatrix, q: Float64Array, y: Float64Array, n: number, k: number): void {
  if (!jacobianTimesSimd(j.data, n, q, y, n, null, k)) matMulRows(j.data, n, n, q, n, 0, k, y, n, 0, false);
}

/**
 * Y = J Q (or the rows idx of Y = J_b Q_b for a block) by the SIMD kernel, lanes over the k
 * columns: J and Q's rows as an m x k matrix are copied into the kernels' memory and
 * Y (m x k) = J Q, entry (i, c) = sum_j J_ij q_c[j] from 0 in index order (the JS kernel's
 * sums, the same bits).
 * Returns false when the kernels are unavailable.
 */
function jacobianTimesSimd(jdata: Float64Array, m: number, q: Float64Array, y: Float64Array, n: number, idx: Int32Array | null, k: number): boolean {
  const arena = simdArena();
  if (!arena) return false;
  const mark = arena.mark();
  try {
    const J = arena.alloc(m * m), QT = arena.alloc(m * k), YT = arena.alloc(m * k);
    const f = arena.f64;
    f.set(jdata.subarray(0, m * m), J);
    for (let c = 0; c < k; c++) for (let l = 0; l < m; l++) f[QT + l * k + c] = q[c * n + (idx ? (idx[l] as number) : l)] as number;
    gemm(arena.kernels, J, m, 1, QT, k, YT, k, m, k, m, false);
    for (let c = 0; c < k; c++) for (let i = 0; i < m; i++) y[c * n + (idx ? (idx[i] as number) : i)] = f[YT + i * k + c] as number;
  } finally {
    arena.release(mark);
  }
  return true;
}

/**
 * Y = J Q for a block-diagonal J given by its blocks (block b acting on the state entries
 * idx_b, increasing): the rows of Q of each block are gathered, multiplied by J_b and
 * scattered back. Bit-identical to {@link applyJacobian} on the assembled J (the skipped terms
 * are exact zeros added to the running sums, and each block's terms keep their order).
 */
function applyBlockJacobians(blocks: readonly DenseMatrix[], indices: readonly Int32Array[], q: Float64Array, y: Float64Array, n: number, k: number, buf: { qb: Float64Array; yb: Float64Array }): void {
  blocks.forEach((jb, b) => {
    const idx = indices[b] as Int32Array;
    const m = idx.length;
    if (jacobianTimesSimd(jb.data, m, q, y, n, idx, k)) return;
    if (buf.qb.length < k * m) {
      buf.qb = new Float64Array(k * m);
      buf.yb = new Float64Array(k * m);
    }
    const qb = buf.qb, yb = buf.yb;
    for (let c = 0; c < k; c++) for (let l = 0; l < m; l++) qb[c * m + l] = q[c * n + (idx[l] as number)] as number;
    matMulRows(jb.data, m, m, qb, m, 0, k, yb, m, 0, false);
    for (let c = 0; c < k; c++) for (let i = 0; i < m; i++) y[c * n + (idx[i] as number)] = yb[c * m + i] as number;
  });
}

/**
 * In-place QR of the column-major n x k matrix y by modified Gram-Schmidt with one full
 * re-orthogonalisation ("twice is enough"); y becomes Q, logs[c] = log R_cc (>= -Infinity).
 * A column that vanishes (R_cc = 0) is replaced by a unit vector orthogonal to the others.
 */
function orthonormalize(y: Float64Array, n: number, k: number, logs: Float64Array, fn: string): void {
  for (let c = 0; c < k; c++) {
    const co = c * n;
    // Two passes of r = q_p . y_c, y_c -= r q_p over p < c. Each update is fused with the next
    // projection's dot product (entry i is updated, then read by the dot): the same operations
    // in the same order, one pass over y_c instead of two.
    let prev = -1;
    let r = 0;
    for (let pass = 0; pass < 2; pass++) {
      for (let p = 0; p < c; p++) {
        const po = p * n;
        let acc = 0;
        if (prev < 0) {
          for (let i = 0; i < n; i++) acc += (y[po + i] as number) * (y[co + i] as number);
        } else {
          for (let i = 0; i < n; i++) {
            const v = (y[co + i] as number) - r * (y[prev + i] as number);
            y[co + i] = v;
            acc += (y[po + i] as number) * v;
          }
        }
        prev = po;
        r = acc;
      }
    }
    if (prev >= 0) for (let i = 0; i < n; i++) y[co + i] = (y[co + i] as number) - r * (y[prev + i] as number);
    let norm = 0;
    let amax = 0;
    for (let i = 0; i < n; i++) amax = Math.max(amax, Math.abs(y[co + i] as number));
    if (!Number.isFinite(amax)) throw new AnalysisInputError(`${fn}: tangent vector ${c} overflowed (${amax}), expected finite growth between re-orthonormalisations (lower renormEvery)`);
    if (amax > 0) {
      for (let i = 0; i < n; i++) norm += ((y[co + i] as number) / amax) ** 2;
      norm = amax * Math.sqrt(norm);
    }
    logs[c] = Math.log(norm);
    if (norm > 0) {
      for (let i = 0; i < n; i++) y[co + i] = (y[co + i] as number) / norm;
    } else {
      // R_cc = 0: the tangent map annihilated the direction; continue with any unit vector orthogonal to q_0..q_{c-1}.
      for (let e = 0; e < n; e++) {
        y.fill(0, co, co + n);
        y[co + e] = 1;
        for (let pass = 0; pass < 2; pass++) {
          for (let p = 0; p < c; p++) {
            const po = p * n;
            const r = y[po + e] as number;
            for (let i = 0; i < n; i++) y[co + i] = (y[co + i] as number) - r * (y[po + i] as number);
          }
        }
        let nn = 0;
        for (let i = 0; i < n; i++) nn += (y[co + i] as number) ** 2;
        if (nn > 0.25) {
          nn = Math.sqrt(nn);
          for (let i = 0; i < n; i++) y[co + i] = (y[co + i] as number) / nn;
          break;
        }
      }
    }
  }
}

/**
 * The top-k Lyapunov exponents (nats per step) of a cell driven by an input process, by QR
 * re-orthonormalisation of k tangent vectors propagated by the state Jacobian along the
 * trajectory, with a transient discarded and standard errors from batch means.
 *
 * Method: Q_0 = orthonormalised Gaussian n x k matrix; along the trajectory (after the state
 * burn-in), Y = J_t Q_t with J_t = d F(s_t, x_t) / d s; every `renormEvery` steps Y = Q R
 * (modified Gram-Schmidt, re-orthogonalised), Q_{t+1} = Q. After the transient,
 * lambda_i = (1 / (N T)) sum over windows of log R_ii (Oseledets' theorem: the limit exists
 * and is the i-th exponent for almost every start). Batch means over B equal batches of each
 * sequence give SE = sd / sqrt(N B) (batch means method; accurate when batches are longer
 * than the correlation time of log R_ii). For a constant linear map s' = A s + B x the
 * exponents are log |lambda_i(A)|; sum_i lambda_i (k = n) = mean log |det J_t|.
 *
 * References: G. Benettin, L. Galgani, A. Giorgilli, J.-M. Strelcyn, Lyapunov characteristic
 * exponents for smooth dynamical systems and for Hamiltonian systems; a method for computing
 * all of them, Meccanica 15 1980, doi:10.1007/BF02128236; J.-P. Eckmann & D. Ruelle, Ergodic
 * theory of chaos and strange attractors, Rev. Mod. Phys. 57 1985,
 * doi:10.1103/RevModPhys.57.617; V. I. Oseledets, A multiplicative ergodic theorem, Trans.
 * Moscow Math. Soc. 19 1968; L. Arnold, Random Dynamical Systems, Springer 1998,
 * doi:10.1007/978-3-662-12878-7 (driven systems).
 *
 * @throws AnalysisInputError for bad options, k outside 1..stateSize, or overflowing tangents
 * @example
 * const r = lyapunovSpectrum(linear, { steps: 20000, seed: 1 }, 2); // A with |eig| 0.9, 0.5
 * r.lyapunovPerStep; // ~ [-0.10536, -0.69315] = [log 0.9, log 0.5] (error ~ 1e-4 at 2e4 steps)
 */
export function lyapunovSpectrum(cellOrLayers: Cell | readonly Cell[], options: LyapunovOptions, k: number): LyapunovSpectrum {
  const fn = 'lyapunovSpectrum';
  const { r, traj, extra, steps } = resolveLyapunov(cellOrLayers, options, fn);
  const cell = r.cell;
  const n = cell.stateSize;
  if (typeof k !== 'number' || !Number.isSafeInteger(k) || k < 1 || k > n) throw new AnalysisInputError(`${fn}: k is ${String(k)}, expected an integer in 1..${n} (the cell's stateSize)`);
  const { transient, renormEvery, batches } = extra;
  const onProgress = typeof options.onProgress === 'function' ? options.onProgress : null;
  const plan = windowPlan(transient, steps, renormEvery, batches);
  const nb = r.sequences * batches;
  const batchLog = Array.from({ length: nb }, () => new Float64Array(k));
  const batchSteps = new Float64Array(nb);
  const total = new Float64Array(k);
  let q = new Float64Array(n * k), y = new Float64Array(n * k);
  const logs = new Float64Array(k);
  let window = 0;
  // Factorized cells: J is block diagonal, applied block by block (g small products, not n^2 k).
  const blockIndices = cell instanceof FactorizedCell ? cell.blocks.map((_, b) => cell.blockStateIndices(b)) : null;
  const blockBuf = { qb: new Float64Array(0), yb: new Float64Array(0) };
  const info = visitTrajectories(
    cell,
    traj,
    {
      beginSequence(i) {
        const rng = createRng(r.seed).fork(TANGENT_STREAM + i);
        for (let m = 0; m < n * k; m++) q[m] = rng.normal();
        orthonormalize(q, n, k, logs, fn);
        window = 0;
      },
      step({ sequence, t, state, input }) {
        if (blockIndices) applyBlockJacobians((cell as FactorizedCell).blockJacobians(state, input), blockIndices, q, y, n, k, blockBuf);
        else applyJacobian(cell.jacobianDense(state, input), q, y, n, k);
        [q, y] = [y, q];
        window++;
        if (onProgress && (t + 1) % LYAPUNOV_PROGRESS_STEPS === 0) onProgress((sequence * traj.steps + t + 1) / (r.sequences * traj.steps));
        if (!plan.isPoint(t)) return;
        orthonormalize(q, n, k, logs, fn);
        if (t >= transient) {
          const b = sequence * batches + plan.batchOf(t);
          const bl = batchLog[b] as Float64Array;
          for (let c = 0; c < k; c++) {
            bl[c] = (bl[c] as number) + (logs[c] as number);
            total[c] = (total[c] as number) + (logs[c] as number);
          }
          batchSteps[b] = (batchSteps[b] as number) + window;
        }
        window = 0;
      },
    },
    fn,
  );
  const averaged = r.sequences * steps;
  const batchMeans: number[][] = [];
  for (let b = 0; b < nb; b++) if ((batchSteps[b] as number) > 0) batchMeans.push(Array.from(batchLog[b] as Float64Array, (v) => v / (batchSteps[b] as number)));
  const lyapunovPerStep = Array.from(total, (v) => v / averaged);
  const standardErrorPerStep = lyapunovPerStep.map((_, c) => meanAndStandardError(batchMeans.map((m) => m[c] as number)).se);
  return {
    lyapunovPerStep,
    standardErrorPerStep,
    batchMeans,
    sumPerStep: lyapunovPerStep.reduce((s, v) => s + v, 0),
    k,
    stateSize: n,
    sequences: r.sequences,
    steps,
    transient,
    burnIn: r.burnIn,
    renormEvery,
    input: info.input,
  };
}

/**
 * The top Lyapunov exponent (nats per step) from the divergence of two nearby trajectories
 * driven by the same inputs, renormalised to a fixed separation: an estimate independent of
 * the Jacobian code, to check {@link lyapunovSpectrum}.
 *
 * Method: twin u_0 = s_0 + eps v (v a seeded random unit vector, eps = `perturbation`,
 * default 1e-8); both s and u step with the same x_t; every `renormEvery` steps,
 * d = ||u - s||_2, accumulate log(d / eps) and reset u = s + eps (u - s) / d. After the
 * transient, lambda_1 = sum log(d / eps) / (N T). The finite separation biases the estimate by
 * O(eps) (the second-order term of F), and rounding of u - s adds O(u_round |s| / eps) = O(1e-8)
 * relative noise per step. SE from batch means as in {@link lyapunovSpectrum}. A separation that
 * rounds to exactly 0 gives log 0 = -Infinity (a contraction below float resolution).
 *
 * References: G. Benettin, L. Galgani, J.-M. Strelcyn, Kolmogorov entropy and numerical
 * experiments, Phys. Rev. A 14 1976, doi:10.1103/PhysRevA.14.2338; A. Wolf, J. B. Swift,
 * H. L. Swinney, J. A. Vastano, Determining Lyapunov exponents from a time series, Physica D 16
 * 1985, doi:10.1016/0167-2789(85)90011-9.
 *
 * @throws AnalysisInputError for bad options or a perturbation that is not a positive finite number
 * @example
 * const gru = randomDenseCell(createRng(1), { kind: 'gru', inputSize: 4, hiddenSize: 32, scale: 2.5 }); // chaotic
 * twinTrajectoryExponent(gru, { steps: 5000, seed: 1 }).lyapunovPerStep; // 0.335819082...
 * lyapunovSpectrum(gru, { steps: 5000, seed: 1 }, 2).lyapunovPerStep; // [0.335819085..., 0.240152...]
 */
export function twinTrajectoryExponent(cellOrLayers: Cell | readonly Cell[], options: LyapunovOptions & { perturbation?: number }): TwinTrajectoryExponent {
  const fn = 'twinTrajectoryExponent';
  const eps = options.perturbation ?? 1e-8;
  if (typeof eps !== 'number' || !Number.isFinite(eps) || eps <= 0) throw new AnalysisInputError(`${fn}: perturbation is ${String(eps)}, expected a positive finite number`);
  const { r, traj, extra, steps } = resolveLyapunov(cellOrLayers, options, fn);
  const cell = r.cell;
  const n = cell.stateSize;
  const { transient, renormEvery, batches } = extra;
  const plan = windowPlan(transient, steps, renormEvery, batches);
  const nb = r.sequences * batches;
  const batchLog = new Float64Array(nb);
  const batchSteps = new Float64Array(nb);
  let total = 0;
  let u: Float64Array = new Float64Array(n);
  let window = 0;
  const randomDirection = (i: number, draw: number): Float64Array => {
    const rng = createRng(r.seed).fork(TWIN_STREAM + i).fork(draw);
    const v = rng.normals(n);
    const norm = Math.hypot(...v);
    return v.map((x) => x / norm);
  };
  let draws = 0;
  const info = visitTrajectories(
    cell,
    traj,
    {
      beginSequence(i, s) {
        draws = 0;
        const v = randomDirection(i, draws++);
        u = s.map((x, m) => x + eps * (v[m] as number));
        window = 0;
      },
      step({ sequence, t, input, next }) {
        u = cell.step(u, input);
        window++;
        if (!plan.isPoint(t)) return;
        let amax = 0;
        for (let m = 0; m < n; m++) amax = Math.max(amax, Math.abs((u[m] as number) - (next[m] as number)));
        let d = 0;
        if (amax > 0) {
          for (let m = 0; m < n; m++) d += (((u[m] as number) - (next[m] as number)) / amax) ** 2;
          d = amax * Math.sqrt(d);
        }
        if (!Number.isFinite(d)) throw new AnalysisInputError(`${fn}: twin separation is ${d} at sequence ${sequence} step ${t}, expected a finite number`);
        const lg = Math.log(d / eps);
        if (d > 0) {
          for (let m = 0; m < n; m++) u[m] = (next[m] as number) + (eps * ((u[m] as number) - (next[m] as number))) / d;
        } else {
          const v = randomDirection(sequence, draws++);
          for (let m = 0; m < n; m++) u[m] = (next[m] as number) + eps * (v[m] as number);
        }
        if (t >= transient) {
          const b = sequence * batches + plan.batchOf(t);
          batchLog[b] = (batchLog[b] as number) + lg;
          batchSteps[b] = (batchSteps[b] as number) + window;
          total += lg;
        }
        window = 0;
      },
    },
    fn,
  );
  const batchMeans: number[] = [];
  for (let b = 0; b < nb; b++) if ((batchSteps[b] as number) > 0) batchMeans.push((batchLog[b] as number) / (batchSteps[b] as number));
  return {
    lyapunovPerStep: total / (r.sequences * steps),
    standardErrorPerStep: meanAndStandardError(batchMeans).se,
    batchMeans,
    perturbation: eps,
    sequences: r.sequences,
    steps,
    transient,
    burnIn: r.burnIn,
    renormEvery,
    input: info.input,
  };
}
