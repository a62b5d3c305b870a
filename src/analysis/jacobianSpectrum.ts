/**
 * Spectral radius and spectral norm of the state Jacobian J_t = d s_{t+1} / d s_t along
 * driven trajectories (per block for factorized cells, per layer for stacks, the c -> c block
 * for LSTMs), and rho(U) of the recurrent matrix of every gate family.
 *
 * @module
 */
import { FactorizedCell } from '../cells/factorized.js';
import { GruCell } from '../cells/gru.js';
import type { Cell, GateWeights } from '../cells/types.js';
import type { DenseMatrix } from '../linalg/dense.js';
import { dominantEigenvalue, dominantEigenvalueThickRestart } from '../linalg/arnoldi.js';
import { eigenvalues, spectralRadius } from '../linalg/eigenvalues.js';
import { ConvergenceError } from '../linalg/errors.js';
import { largestSingularValueLanczos } from '../linalg/internal/lanczos.js';
import { spectralNorm } from '../linalg/norms.js';
import { AnalysisInputError } from './errors.js';
import { cellUnits, cellUnitsAt, isDenseCell } from './stackedCells.js';
import { type TrajectoryOptions, resolveTrajectory, visitTrajectories } from './trajectories.js';

/** rho(J_t) and ||J_t||_2 at the sampled steps. */
export interface JacobianSpectrumTrace {
  /** Steps t (0-based index into the inputs) at which J_t was evaluated. */
  readonly steps: number[];
  readonly spectralRadius: number[];
  readonly spectralNorm: number[];
}

/** Which visited states to evaluate: every `stride`-th step of each sequence, or `count` states evenly spread over all N x T. */
export type JacobianSampling = { readonly stride: number } | { readonly count: number };

/** A visited state at which J_t is evaluated: (s_t, x_t) of sequence `sequence` at recorded step `step`. */
export interface VisitedState {
  readonly sequence: number;
  readonly step: number;
  /** s_t (stateSize entries). */
  readonly state: Float64Array;
  /** x_t (inputSize entries). */
  readonly input: Float64Array;
}

/**
 * How rho(J) and ||J||_2 are computed: 'exact' = full eigenvalues (Hessenberg QR) and the
 * largest eigenvalue of the Gram matrix; 'iterative' = restarted Arnoldi for rho (single-vector
 * restarts up to order 512, thick restarts above; falling back to the full eigenvalues when it
 * does not converge) and Lanczos on J^T J for the norm (falling back to the Gram method), both
 * to a relative residual of 1e-10.
 */
export type JacobianSolver = 'exact' | 'iterative';

/** Options of {@link jacobianSpectrum}. */
export interface JacobianSpectrumOptions extends TrajectoryOptions {
  /** Default { stride: 1 } (every visited state). Ignored when `visited` is given. */
  sample?: JacobianSampling;
  /**
   * Precomputed visited states (e.g. recorded during another pass over the same trajectories):
   * J is evaluated at exactly these, in this order, and no trajectory is run; the trajectory
   * options then only describe the run in the report (input, sequences, steps, burnIn).
   */
  visited?: readonly VisitedState[];
  /** Default 'exact'. See {@link JacobianSolver}. */
  solver?: JacobianSolver;
}

/** Location and summary statistics of a sample of values. */
export interface DistributionSummary {
  readonly count: number;
  readonly mean: number;
  readonly min: number;
  readonly max: number;
  /** Empirical quantiles (linear interpolation between order statistics). */
  readonly q05: number;
  readonly q50: number;
  readonly q95: number;
}

/** rho and ||.||_2 of one unit's diagonal block of J_t at every sample. */
export interface UnitJacobianTrace {
  /** 'cell', 'block b', 'layer l', 'layer l / block b', 'expert b', 'auxiliary'. */
  readonly label: string;
  readonly spectralRadius: number[];
  readonly spectralNorm: number[];
}

/** The c -> c block diag(f_t) of an LSTM unit: rho = ||.||_2 = max_i f_i. */
export interface CellToCellTrace {
  readonly label: string;
  /** max_i f_t[i] at every sample (= rho = ||diag(f_t)||_2, f in (0, 1)). */
  readonly spectralRadius: number[];
}

/** rho(U_k) of one gate family's recurrent matrix in one unit. */
export interface RecurrentSpectralRadius {
  readonly label: string;
  /** 'z', 'r', 'n' (GRU), 'i', 'f', 'g', 'o' (LSTM). */
  readonly gate: string;
  readonly spectralRadius: number;
}

/** The result of {@link jacobianSpectrum}: plain data. */
export interface JacobianSpectrumReport {
  /** Sequence index of each sample. */
  readonly sequence: number[];
  /** Recorded step t of each sample (J_t evaluated at (s_t, x_t)). */
  readonly step: number[];
  /** rho(J_t) = max over units of rho(unit block) (exact: J is block triangular over the units). */
  readonly spectralRadius: number[];
  /** ||J_t||_2 of the full Jacobian (the max of the unit norms for dense and factorized cells). */
  readonly spectralNorm: number[];
  /** Per unit (block, layer, expert, auxiliary): the diagonal block's rho and ||.||_2. */
  readonly units: UnitJacobianTrace[];
  /** LSTM units only: the c -> c block diag(f_t). */
  readonly cellToCell: CellToCellTrace[];
  /** rho(U) per gate family and unit (constant along the trajectory). */
  readonly recurrent: RecurrentSpectralRadius[];
  readonly summary: { readonly spectralRadius: DistributionSummary; readonly spectralNorm: DistributionSummary };
  readonly sequences: number;
  readonly steps: number;
  readonly burnIn: number;
  readonly input: string;
}

/**
 * Summary of a sample: count, mean, min, max and the 5 %, 50 %, 95 % quantiles.
 *
 * Method: quantile q = x_(k) + (h - k)(x_(k+1) - x_(k)), h = q (n - 1), on the sorted sample
 * (Hyndman & Fan type 7, the default of R and numpy).
 *
 * References: R. J. Hyndman & Y. Fan, Sample quantiles in statistical packages, The American
 * Statistician 50(4) 1996, doi:10.1080/00031305.1996.10473566.
 *
 * @throws AnalysisInputError for an empty sample
 * @example
 * summarize([1, 2, 3, 4]); // { count: 4, mean: 2.5, min: 1, max: 4, q05: 1.15, q50: 2.5, q95: 3.85 }
 */
export function summarize(values: readonly number[]): DistributionSummary {
  if (values.length === 0) throw new AnalysisInputError('summarize: values has 0 entries, expected at least 1');
  const sorted = [...values].sort((a, b) => a - b);
  const q = (p: number): number => {
    const h = p * (sorted.length - 1);
    const k = Math.floor(h);
    const lo = sorted[k] as number, hi = sorted[Math.min(k + 1, sorted.length - 1)] as number;
    return lo + (h - k) * (hi - lo);
  };
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  return { count: values.length, mean, min: sorted[0] as number, max: sorted[sorted.length - 1] as number, q05: q(0.05), q50: q(0.5), q95: q(0.95) };
}

const GATES: Record<'gru' | 'lstm', readonly string[]> = { gru: ['z', 'r', 'n'], lstm: ['i', 'f', 'g', 'o'] };

/**
 * rho(U_k) of the recurrent matrix of every gate family k of every dense unit of a cell:
 * U_z, U_r, U_n for a GRU, U_i, U_f, U_g, U_o for an LSTM; per block of a factorized cell
 * (rho of the block-diagonal U is the max over blocks), per expert block and auxiliary net of
 * a context-switching cell, per layer (and block) of a stack.
 *
 * Method: full eigenvalues (balanced Hessenberg QR) of each h_b x h_b matrix U_k of each unit,
 * rho = max |lambda|. rho(U) < 1 is the condition of the paper's Propositions 1.1 and 1.2.
 *
 * References: R. Pascanu, T. Mikolov, Y. Bengio, On the difficulty of training recurrent
 * neural networks, ICML 2013, arXiv:1211.5063 (Prop. 1.1's source); F. Belletti, A. Beutel, S. Jain & E. Chi,
 * Factorized recurrent neural architectures for longer range dependence, AISTATS 2018, PMLR
 * vol. 84 (no DOI), section 1.4.2.
 *
 * @example
 * const gru = randomDenseCell(createRng(1), { kind: 'gru', inputSize: 4, hiddenSize: 16 });
 * recurrentSpectralRadii(gru).map((x) => [x.gate, x.spectralRadius]);
 * // [['z', 0.47976...], ['r', 0.56227...], ['n', 0.60899...]]
 */
export function recurrentSpectralRadii(cell: Cell): RecurrentSpectralRadius[] {
  return recurrentMatrices(cell).map(({ label, gate, matrix }) => ({ label, gate, spectralRadius: spectralRadius(matrix) }));
}

/**
 * The recurrent matrices U_k whose spectral radii {@link recurrentSpectralRadii} reports, in
 * its order (per dense unit, per gate family), so that they can be computed separately (e.g.
 * as items of the analysis engine's shared work) and given to {@link jacobianReport}.
 */
export function recurrentMatrices(cell: Cell): { readonly label: string; readonly gate: string; readonly matrix: DenseMatrix }[] {
  const out: { label: string; gate: string; matrix: DenseMatrix }[] = [];
  for (const u of cellUnits(cell)) {
    if (!isDenseCell(u.cell)) continue;
    const h = u.cell.hiddenSize;
    const weights = u.cell.weights as unknown as Record<string, GateWeights>;
    for (const gate of GATES[u.cell instanceof GruCell ? 'gru' : 'lstm']) {
      const w = weights[gate] as GateWeights;
      out.push({ label: u.label, gate, matrix: { rows: h, cols: h, data: w.recurrent } });
    }
  }
  return out;
}

/**
 * rho(J_t) and ||J_t||_2 of the state Jacobian at the visited states of driven trajectories
 * (all of them, every stride-th, or a stated count), with the per-unit blocks (factorized
 * blocks, stack layers, context-switching experts and auxiliary net), the LSTM c -> c block
 * diag(f_t), and rho(U) per gate family.
 *
 * Method: J_t = d F(s_t, x_t) / d s at the sampled (s_t, x_t) of {@link visitTrajectories}.
 * The cell's units (see `cellUnits`) are the diagonal blocks of J_t after a permutation of
 * the state, and J_t is block diagonal (factorized) or block triangular (context switching,
 * stacks) over them, so rho(J_t) = max_u rho(J_u) exactly, from g small eigenproblems.
 * ||J_t||_2 = max_u ||J_u||_2 for block-diagonal cells; otherwise from the full J_t (largest
 * eigenvalue of J^T J). For an LSTM unit, the c -> c block of J_u is diag(f_t) (dc'/dc = f),
 * so its rho and norm are max_i f_t[i]. With `count` samples, the visited states with global
 * index floor((k + 1/2) N T / count), k = 0..count-1, are taken; with `visited`, exactly the
 * given states (no run). Solver 'exact' (default): full eigenvalues and the Gram method per
 * block; 'iterative': restarted Arnoldi (rho; thick restarts for blocks of order > 512) and
 * Lanczos on J^T J (norm) per block of order > 32, each to a relative residual of 1e-10 with
 * the exact method as fallback when it does not converge (accuracy in tests: within 1e-9
 * relative of 'exact'; on GRU(256) Jacobians about 1e-11 for rho and 1e-14 for the norm; 6-8x
 * faster at order 256, 2x at order 112).
 *
 * References: Belletti et al., Factorized recurrent neural architectures for longer range
 * dependence, AISTATS 2018, PMLR vol. 84 (no DOI), section 1.2 (Lemma 1.1: rho(A_t) <= 1 - alpha);
 * G. H. Golub & C. F. Van Loan, Matrix Computations, 4th ed., 2013, sections 7.1, 7.5.
 *
 * @throws AnalysisInputError for bad trajectory options or sampling
 * @example
 * const cell = randomFactorizedCell(createRng(1), { kind: 'gru', inputSize: 8, hiddenSize: 32, groups: 4 });
 * const r = jacobianSpectrum(cell, { sequences: 2, steps: 200, seed: 1, sample: { stride: 10 } });
 * r.spectralRadius.length; // 40
 * r.units.map((u) => u.label); // ['block 0', 'block 1', 'block 2', 'block 3']
 * r.summary.spectralRadius; // { count: 40, mean: 0.72786..., min: 0.66104..., max: 0.82907..., ... }
 */
export function jacobianSpectrum(cellOrLayers: Cell | readonly Cell[], options: JacobianSpectrumOptions): JacobianSpectrumReport {
  const fn = 'jacobianSpectrum';
  const r = resolveTrajectory(cellOrLayers, options, fn);
  const cell = r.cell;
  const solver = options.solver ?? 'exact';
  if (solver !== 'exact' && solver !== 'iterative') throw new AnalysisInputError(`${fn}: solver is ${JSON.stringify(solver)}, expected 'exact' or 'iterative'`);
  let visited: readonly VisitedState[];
  let info: { sequences: number; steps: number; burnIn: number; input: string };
  const chunks: JacobianSpectraAt[] = [];
  if (options.visited !== undefined) {
    if (!Array.isArray(options.visited)) throw new AnalysisInputError(`${fn}: visited is ${typeof options.visited}, expected an array of { sequence, step, state, input }`);
    options.visited.forEach((v, k) => {
      if (!(v?.state instanceof Float64Array) || v.state.length !== cell.stateSize) throw new AnalysisInputError(`${fn}: visited[${k}].state has length ${v?.state ? v.state.length : 'none'}, expected ${cell.stateSize} (the cell's stateSize)`);
      if (!(v.input instanceof Float64Array) || v.input.length !== cell.inputSize) throw new AnalysisInputError(`${fn}: visited[${k}].input has length ${v.input ? v.input.length : 'none'}, expected ${cell.inputSize} (the cell's inputSize)`);
    });
    visited = options.visited;
    info = { sequences: r.sequences, steps: r.steps, burnIn: r.burnIn, input: r.process.description };
    chunks.push(jacobianSpectraAt(cell, visited, solver));
  } else {
    const take = sampleSelector(options.sample ?? { stride: 1 }, r.sequences, r.steps, fn);
    const list: VisitedState[] = [];
    let pending: VisitedState[] = [];
    // Evaluated in chunks as the run goes, so that the states are not all held at once.
    info = visitTrajectories(
      cell,
      options,
      {
        step({ sequence, t, state, input }) {
          if (!take(sequence, t)) return;
          const v = { sequence, step: t, state, input };
          list.push({ sequence, step: t, state: EMPTY, input: EMPTY });
          pending.push(v);
          if (pending.length === 64) {
            chunks.push(jacobianSpectraAt(cell, pending, solver));
            pending = [];
          }
        },
      },
      fn,
    );
    if (pending.length > 0) chunks.push(jacobianSpectraAt(cell, pending, solver));
    visited = list;
  }
  if (visited.length === 0) throw new AnalysisInputError(`${fn}: sampling selected no states, expected at least 1`);
  return jacobianReport(cell, visited, concatSpectra(chunks), info);
}

/**
 * The {@link JacobianSpectrumReport} of spectra computed at visited states (the assembly step
 * of {@link jacobianSpectrum}, shared with the analysis engine); `recurrent` (rho(U) per gate
 * family, {@link recurrentSpectralRadii}) is computed here unless given.
 */
export function jacobianReport(
  cell: Cell,
  visited: readonly { readonly sequence: number; readonly step: number }[],
  spectra: JacobianSpectraAt,
  info: { sequences: number; steps: number; burnIn: number; input: string },
  recurrent: RecurrentSpectralRadius[] = recurrentSpectralRadii(cell),
): JacobianSpectrumReport {
  const labels = cellUnits(cell).map((u) => u.label);
  const lstmUnits = cellUnits(cell).map((u, k) => ({ k, u })).filter(({ u }) => isDenseCell(u.cell) && u.cell.kind === 'lstm');
  const report = { sequence: visited.map((v) => v.sequence), step: visited.map((v) => v.step), spectralRadius: Array.from(spectra.spectralRadius), spectralNorm: Array.from(spectra.spectralNorm) };
  const U = labels.length;
  const units: UnitJacobianTrace[] = labels.map((label, k) => ({
    label,
    spectralRadius: Array.from({ length: visited.length }, (_, m) => spectra.unitRadius[m * U + k] as number),
    spectralNorm: Array.from({ length: visited.length }, (_, m) => spectra.unitNorm[m * U + k] as number),
  }));
  const L = lstmUnits.length;
  const cellToCell: CellToCellTrace[] = lstmUnits.map(({ u }, q) => ({ label: u.label, spectralRadius: Array.from({ length: visited.length }, (_, m) => spectra.forgetMax[m * L + q] as number) }));
  return {
    ...report,
    units,
    cellToCell,
    recurrent,
    summary: { spectralRadius: summarize(report.spectralRadius), spectralNorm: summarize(report.spectralNorm) },
    sequences: info.sequences,
    steps: info.steps,
    burnIn: info.burnIn,
    input: info.input,
  };
}

/** The sampling rule of {@link jacobianSpectrum} as a predicate on (sequence, step). */
export function sampleSelector(sample: JacobianSampling, sequences: number, steps: number, fn: string): (i: number, t: number) => boolean {
  const total = sequences * steps;
  if ('stride' in sample) {
    const stride = sample.stride;
    if (!Number.isSafeInteger(stride) || stride < 1) throw new AnalysisInputError(`${fn}: sample.stride is ${String(stride)}, expected an integer >= 1`);
    return (_i, t) => t % stride === 0;
  }
  const count = sample.count;
  if (!Number.isSafeInteger(count) || count < 1 || count > total) throw new AnalysisInputError(`${fn}: sample.count is ${String(count)}, expected an integer in 1..${total} (sequences x steps)`);
  const chosen = new Set<number>();
  for (let k = 0; k < count; k++) chosen.add(Math.floor(((k + 0.5) * total) / count));
  return (i, t) => chosen.has(i * steps + t);
}

/** Flat per-sample results of {@link jacobianSpectraAt} (sample-major: entry m * U + k for unit k). */
export interface JacobianSpectraAt {
  readonly spectralRadius: Float64Array;
  readonly spectralNorm: Float64Array;
  readonly unitRadius: Float64Array;
  readonly unitNorm: Float64Array;
  /** LSTM units only: max_i f_t[i] (sample-major, one entry per LSTM unit). */
  readonly forgetMax: Float64Array;
  /** Samples whose rho (Arnoldi) or norm (Lanczos) fell back to the exact method ('iterative' only). */
  readonly fallbacks: number;
}

const EMPTY = new Float64Array(0);

/** The samples of several {@link jacobianSpectraAt} results, in order. */
export function concatSpectra(parts: readonly JacobianSpectraAt[]): JacobianSpectraAt {
  const cat = (key: 'spectralRadius' | 'spectralNorm' | 'unitRadius' | 'unitNorm' | 'forgetMax'): Float64Array => {
    const out = new Float64Array(parts.reduce((acc, p) => acc + p[key].length, 0));
    let o = 0;
    for (const p of parts) {
      out.set(p[key], o);
      o += p[key].length;
    }
    return out;
  };
  return {
    spectralRadius: cat('spectralRadius'),
    spectralNorm: cat('spectralNorm'),
    unitRadius: cat('unitRadius'),
    unitNorm: cat('unitNorm'),
    forgetMax: cat('forgetMax'),
    fallbacks: parts.reduce((acc, p) => acc + p.fallbacks, 0),
  };
}

/** rho of one unit block by the chosen solver. */
function unitRadius(j: DenseMatrix, solver: JacobianSolver): { value: number; fallback: boolean } {
  if (solver === 'exact' || j.rows <= 32) return { value: spectralRadius(j), fallback: false };
  if (j.rows > THICK_RESTART_MIN_ORDER) {
    // Wide blocks (a random GRU(1024): |lambda_2| / |lambda_1| ~ 0.99): the thick restart keeps
    // the neighbouring Ritz vectors and converges in about 3 cycles of 70 products where the
    // single-vector restarts below failed at Krylov 40 and took 6-8 cycles of 80 (GRU(1024):
    // 1.3-1.6 s -> 0.6 s CPU per state, the same radii to 1e-11).
    try {
      return { value: dominantEigenvalueThickRestart(j, { ...THICK_RESTART, tolerance: 1e-10 }).modulus, fallback: false };
    } catch (e) {
      if (!(e instanceof ConvergenceError)) throw e;
      return { value: spectralRadius(j), fallback: true };
    }
  }
  // Krylov dimension 40 first, then (eigenvalues crowded near the spectral edge, as for random
  // weights) 80 and 160 with more restarts, before the dense O(n^3) eigensolver: an attempt
  // costs O(m n^2) per restart and saves the fallback that dominated the audit of wide layers
  // (GRU(512): 3 of 8 states fell back, 10.5 s -> 6.1 s for the 8, same radii to 8 digits).
  for (const [attempt, [krylovDimension, maxRestarts]] of RADIUS_ATTEMPTS.entries()) {
    if (attempt > 0 && krylovDimension >= j.rows) break; // the first attempt already spanned the space
    try {
      return { value: dominantEigenvalue(j, { krylovDimension, maxRestarts, tolerance: 1e-10 }).modulus, fallback: false };
    } catch (e) {
      if (!(e instanceof ConvergenceError)) throw e;
    }
  }
  return { value: spectralRadius(j), fallback: true };
}

/** (Krylov dimension, restarts) tried in order by the iterative spectral radius of blocks up to {@link THICK_RESTART_MIN_ORDER}. */
const RADIUS_ATTEMPTS: readonly (readonly [number, number])[] = [
  [40, 12],
  [80, 24],
  [160, 24],
];

/**
 * Blocks of larger order use the thick-restarted Arnoldi ({@link THICK_RESTART}). Measured
 * crossover on random GRU Jacobians (CPU s for the same states, single-vector attempts vs thick
 * restart): order 384 0.86 vs 1.46, 512 1.57 vs 1.45, 1024 5.5 vs 2.4; up to 512 the
 * single-vector attempts are kept (and with them the radii of every smaller model, bit for bit).
 */
const THICK_RESTART_MIN_ORDER = 512;
/** Basis size and kept Ritz vectors of the thick restart (Krylov 100 keeping 30: 3-4 cycles at order 1024). */
const THICK_RESTART = { krylovDimension: 100, keep: 30, maxRestarts: 40 } as const;

/** ||.||_2 of one block by the chosen solver. */
function blockNorm(j: DenseMatrix, solver: JacobianSolver): { value: number; fallback: boolean } {
  if (solver === 'exact' || j.rows <= 32) return { value: spectralNorm(j), fallback: false };
  // Up to 256 Lanczos steps (O(n^2) each), before the Gram method's O(n^3). One run: its
  // convergence checks (every 4 steps from 8) do not depend on the cap, so this gives the
  // numbers of the former 96-step run followed, when it failed, by a fresh 256-step run
  // (bit for bit), without the failed run's products.
  const top = largestSingularValueLanczos(j, 1e-10, Math.min(j.cols, 256));
  return top ? { value: top.value, fallback: false } : { value: spectralNorm(j), fallback: true };
}

/**
 * rho(J_t), ||J_t||_2, the per-unit values and the LSTM forget maxima at given visited states
 * (the computation behind {@link jacobianSpectrum}; independent per sample, so any split of
 * the samples gives the same numbers).
 *
 * Method: see {@link jacobianSpectrum}. Solver 'iterative' on blocks of order > 32:
 * rho by `dominantEigenvalue` (order <= 512: Krylov dimension 40 with at most 12 restarts,
 * then 80 and 160 with 24) or `dominantEigenvalueThickRestart` (order > 512: basis 100,
 * keeping 30 Ritz vectors, at most 40 cycles), relative residual 1e-10, full eigenvalues when
 * they do not converge; the norm by Lanczos on J^T J (relative residual 1e-10, at most 256
 * steps; otherwise the Gram method). Smaller blocks always use the exact methods.
 *
 * References: see {@link jacobianSpectrum}; Saad (2011), doi:10.1137/1.9781611970739, ch. 6;
 * Golub & Van Loan (2013), sections 10.1-10.3.
 *
 * @throws AnalysisInputError for states or inputs of the wrong length (via the cell)
 */
export function jacobianSpectraAt(cell: Cell, visited: readonly VisitedState[], solver: JacobianSolver = 'exact'): JacobianSpectraAt {
  const blockDiagonal = isDenseCell(cell) || cell instanceof FactorizedCell;
  const units = cellUnits(cell);
  const U = units.length;
  const lstmUnits = units.map((u, k) => ({ k, u })).filter(({ u }) => isDenseCell(u.cell) && u.cell.kind === 'lstm');
  const L = lstmUnits.length;
  const S = visited.length;
  const out = {
    spectralRadius: new Float64Array(S),
    spectralNorm: new Float64Array(S),
    unitRadius: new Float64Array(S * U),
    unitNorm: new Float64Array(S * U),
    forgetMax: new Float64Array(S * L),
    fallbacks: 0,
  };
  visited.forEach(({ state, input }, m) => {
    const at = cellUnitsAt(cell, state, input);
    const jac: DenseMatrix[] = at.map((u) => u.cell.jacobianDense(u.state, u.input));
    let rho = 0, norm = 0, fell = false;
    jac.forEach((j, k) => {
      const ur = unitRadius(j, solver), un = blockNorm(j, solver);
      fell = fell || ur.fallback || un.fallback;
      out.unitRadius[m * U + k] = ur.value;
      out.unitNorm[m * U + k] = un.value;
      rho = Math.max(rho, ur.value);
      norm = Math.max(norm, un.value);
    });
    if (!blockDiagonal) {
      const full = blockNorm(cell.jacobianDense(state, input), solver);
      fell = fell || full.fallback;
      norm = full.value;
    }
    lstmUnits.forEach(({ k }, q) => {
      const j = jac[k] as DenseMatrix;
      const h = j.rows / 2;
      let fmax = 0;
      for (let i = h; i < 2 * h; i++) fmax = Math.max(fmax, Math.abs(j.data[i * j.cols + i] as number));
      out.forgetMax[m * L + q] = fmax;
    });
    out.spectralRadius[m] = rho;
    out.spectralNorm[m] = norm;
    if (fell) out.fallbacks++;
  });
  return out;
}

/**
 * Drives `cell` from `initial` with `inputs` and evaluates rho(J_t) and ||J_t||_2 at every
 * `stride`-th visited state (the Jacobian of the step that reads inputs[t] from state s_t).
 * The single-sequence form of {@link jacobianSpectrum} for given inputs.
 *
 * Method: as {@link jacobianSpectrum}: rho(J) = max over the units' diagonal blocks (g small
 * eigenproblems for a factorized cell); ||J||_2 = max over blocks for block-diagonal cells,
 * else from the full Jacobian's Gram matrix.
 *
 * References: see {@link jacobianSpectrum}.
 *
 * @throws AnalysisInputError for stride < 1, an input of the wrong width or a NaN input
 * @example
 * jacobianSpectrumAlongTrajectory(cell, inputs, 10).spectralRadius; // [0.61, 0.58, ...]
 */
export function jacobianSpectrumAlongTrajectory(
  cell: Cell,
  inputs: readonly Float64Array[],
  stride = 1,
  initial: Float64Array = cell.initialState(),
): JacobianSpectrumTrace {
  if (!Number.isSafeInteger(stride) || stride < 1) throw new AnalysisInputError(`jacobianSpectrumAlongTrajectory: stride is ${String(stride)}, expected an integer >= 1`);
  if (inputs.length === 0) return { steps: [], spectralRadius: [], spectralNorm: [] };
  const r = jacobianSpectrum(cell, {
    sequences: 1,
    steps: inputs.length,
    input: { kind: 'file', sequences: [inputs as Float64Array[]], source: 'inputs' },
    initialState: initial,
    sample: { stride },
  });
  return { steps: r.step, spectralRadius: r.spectralRadius, spectralNorm: r.spectralNorm };
}

/** The eigenvalues of each unit's diagonal block of J_t at one visited state. */
export interface JacobianEigenvaluesAt {
  readonly sequence: number;
  readonly step: number;
  /** Per unit (see {@link UnitJacobianTrace} labels): eigenvalues lambda = re + i im, complex pairs adjacent. */
  readonly units: { readonly label: string; readonly re: number[]; readonly im: number[] }[];
}

/**
 * The full spectrum of J_t = d s_{t+1} / d s_t, unit block by unit block, at given visited
 * states: the points of the complex-plane figure (eigenvalues against the unit circle), whose
 * largest modulus is rho(J_t).
 *
 * Method: J_u = the unit's diagonal block of J_t (`cellUnitsAt`, as {@link jacobianSpectraAt});
 * all eigenvalues of each J_u by balanced Hessenberg QR ({@link eigenvalues}). The spectrum of
 * J_t is the union over units (exact: J_t is block diagonal or block triangular over them).
 * Cost O(sum_u h_u^3) per state.
 *
 * References: Golub & Van Loan, Matrix Computations (4th ed.), 2013, sections 7.4-7.5.
 *
 * @throws AnalysisInputError for states or inputs of the wrong length (via the cell)
 * @example
 * const cell = randomFactorizedCell(createRng(1), { kind: 'gru', inputSize: 4, hiddenSize: 8, groups: 2 });
 * const [at] = jacobianEigenvaluesAt(cell, [{ sequence: 0, step: 0, state: cell.initialState(), input: new Float64Array(4) }]);
 * at.units.map((u) => [u.label, u.re.length]); // [['block 0', 4], ['block 1', 4]]
 */
export function jacobianEigenvaluesAt(cell: Cell, visited: readonly VisitedState[]): JacobianEigenvaluesAt[] {
  const labels = cellUnits(cell).map((u) => u.label);
  return visited.map(({ sequence, step, state, input }) => ({
    sequence,
    step,
    units: cellUnitsAt(cell, state, input).map((u, k) => {
      const s = eigenvalues(u.cell.jacobianDense(u.state, u.input));
      return { label: labels[k] as string, re: Array.from(s.re), im: Array.from(s.im) };
    }),
  }));
}
