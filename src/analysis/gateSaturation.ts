/**
 * Gate saturation and the paper's Lemma 1.2 ("Sigmoid gate induces short memory"): the
 * explicit alpha_g with ||sigma(W_x x + W_h h + b)||_inf <= 1 - alpha_g from the weights and
 * the bounds on x and h, the empirical distribution of the gate values along trajectories,
 * how tight the bound is, and the memory horizon it certifies for the gated copy path.
 *
 * @module
 */
import { sigmoid } from '../cells/activations.js';
import { matVecRows } from '../linalg/internal/kernels.js';
import type { DenseCell } from '../cells/factorized.js';
import { GruCell } from '../cells/gru.js';
import type { Cell, GateSpec, GateWeights } from '../cells/types.js';
import { AnalysisInputError } from './errors.js';
import { asCell, resolveTrajectory, type TrajectoryOptions, visitTrajectories } from './trajectories.js';
import { cellUnits, cellUnitsAt, isDenseCell, StackedCell } from './stackedCells.js';

/** Bounds on the gate's inputs: ||x||_inf <= inputInf and ||h||_inf <= stateInf at every step. */
export interface GateInputBounds {
  readonly inputInf: number;
  readonly stateInf: number;
}

/** Row-wise (per unit i) version of the bound. */
export interface Lemma12RowBounds {
  /** p_i = sum_j |W_ij| inputInf + sum_j |U_ij| stateInf + |b_i + c_i| (rounded up, see lemma12GateBound). */
  readonly maxPreactivation: number[];
  /** alpha_i = sigma(-p_i) = 1 / (1 + e^{p_i}). */
  readonly alpha: number[];
  /** sigma(p_i) = 1 - alpha_i: bounds both gate_i and 1 - gate_i. */
  readonly bound: number[];
  /** sigma(beta_i + R_i) with beta_i = b_i + c_i, R_i = p_i - |beta_i|: the signed (tighter) bound on gate_i. */
  readonly upper: number[];
  /** sigma(beta_i - R_i): gate_i >= lower_i, so 1 - gate_i <= 1 - lower_i. */
  readonly lower: number[];
  /** beta_i + R_i (rounded up): a_i <= upperPreactivation_i. */
  readonly upperPreactivation: number[];
  /** beta_i - R_i (rounded down): a_i >= lowerPreactivation_i. */
  readonly lowerPreactivation: number[];
}

/** The explicit Lemma 1.2 bound of one gate. */
export interface Lemma12Bound {
  /** alpha_g = sigma(-p) = 1 / (1 + e^p) > 0. */
  readonly alpha: number;
  /** p = ||W||_inf inputInf + ||U||_inf stateInf + ||b + c||_inf (rounded up, see lemma12GateBound). */
  readonly maxPreactivation: number;
  /** sigma(p) = 1 - alpha_g: every gate value and every 1 - gate value is at most this. */
  readonly bound: number;
  readonly rowwise: Lemma12RowBounds;
}

/** A gate's weights, flat (GateWeights, as cells store them) or nested (GateSpec). */
export type GateWeightsLike = GateWeights | GateSpec;

const U_ROUND = 2 ** -53;

function flatGate(gate: GateWeightsLike, fn: string): { h: number; d: number; w: Float64Array; u: Float64Array; b: Float64Array; c: Float64Array } {
  if (gate === null || typeof gate !== 'object') throw new AnalysisInputError(`${fn}: gate is ${String(gate)}, expected { input, recurrent, inputBias, recurrentBias }`);
  const flat = (m: unknown, name: string): { data: Float64Array; rows: number; cols: number } => {
    if (m instanceof Float64Array) return { data: m, rows: -1, cols: -1 };
    if (Array.isArray(m)) {
      const rows = m.length, cols = rows === 0 ? 0 : (m[0] as unknown[]).length;
      const data = new Float64Array(rows * cols);
      m.forEach((row: unknown, i) => {
        if (!Array.isArray(row) || row.length !== cols) throw new AnalysisInputError(`${fn}: gate.${name} row ${i} has length ${Array.isArray(row) ? row.length : 'none'}, expected ${cols} (as row 0)`);
        row.forEach((v: unknown, j) => {
          data[i * cols + j] = v as number;
        });
      });
      return { data, rows, cols };
    }
    throw new AnalysisInputError(`${fn}: gate.${name} is ${typeof m}, expected a Float64Array (row-major) or nested rows`);
  };
  const W = flat(gate.input, 'input'), U = flat(gate.recurrent, 'recurrent');
  const vec = (v: unknown, name: string, h: number): Float64Array => {
    if (v === undefined) return new Float64Array(h);
    const a = v instanceof Float64Array ? v : Array.isArray(v) ? Float64Array.from(v as number[]) : undefined;
    if (!a || a.length !== h) throw new AnalysisInputError(`${fn}: gate.${name} has length ${a ? a.length : typeof v}, expected ${h} (the gate's hidden size)`);
    return a;
  };
  let h: number;
  if (U.rows >= 0) h = U.rows;
  else {
    h = Math.round(Math.sqrt(U.data.length));
    if (h * h !== U.data.length) throw new AnalysisInputError(`${fn}: gate.recurrent has ${U.data.length} entries, expected a square number (hidden x hidden)`);
  }
  if (U.rows >= 0 && U.cols !== h) throw new AnalysisInputError(`${fn}: gate.recurrent is ${U.rows} x ${U.cols}, expected square`);
  if (h < 1) throw new AnalysisInputError(`${fn}: gate.recurrent is empty, expected hidden size >= 1`);
  const d = W.rows >= 0 ? W.cols : W.data.length / h;
  if ((W.rows >= 0 && W.rows !== h) || !Number.isInteger(d)) throw new AnalysisInputError(`${fn}: gate.input has ${W.data.length} entries, expected ${h} x inputSize (hidden ${h} rows)`);
  const b = vec((gate as { inputBias?: unknown }).inputBias, 'inputBias', h), c = vec((gate as { recurrentBias?: unknown }).recurrentBias, 'recurrentBias', h);
  for (const [arr, name] of [[W.data, 'input'], [U.data, 'recurrent'], [b, 'inputBias'], [c, 'recurrentBias']] as const) {
    for (let i = 0; i < arr.length; i++) {
      if (!Number.isFinite(arr[i] as number)) throw new AnalysisInputError(`${fn}: gate.${name} entry ${i} is ${arr[i]}, expected a finite number`);
    }
  }
  return { h, d, w: W.data, u: U.data, b, c };
}

function checkBound(v: unknown, fn: string, name: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new AnalysisInputError(`${fn}: bounds.${name} is ${String(v)}, expected a finite number >= 0`);
  return v;
}

/**
 * Lemma 1.2 of Belletti et al. (2018), made explicit. Statement: "If the operators W_x, W_h
 * and the bias vector b take finite values and the input processes (x_t) and (h_t) are
 * bounded then there exists alpha_g > 0 such that ||sigma(W_x x_t + W_h h_t + b)||_inf <=
 * 1 - alpha_g." Given ||x||_inf <= inputInf and ||h||_inf <= stateInf, returns that alpha_g.
 *
 * Method: every pre-activation a_i = sum_j W_ij x_j + sum_j U_ij h_j + b_i + c_i satisfies
 * |a_i| <= p_i = sum_j |W_ij| inputInf + sum_j |U_ij| stateInf + |b_i + c_i| <= p =
 * ||W||_inf inputInf + ||U||_inf stateInf + ||b + c||_inf. sigma is increasing and
 * sigma(-a) = 1 - sigma(a), so sigma(a_i) and 1 - sigma(a_i) lie in [sigma(-p), sigma(p)]:
 * gate <= sigma(p) = 1 - alpha_g with alpha_g = sigma(-p) = 1 / (1 + e^p). Row-wise, the same
 * with p_i (alpha_i = sigma(-p_i)), and the signed bounds sigma(beta_i - R_i) <= gate_i <=
 * sigma(beta_i + R_i), beta_i = b_i + c_i, R_i = p_i - |beta_i|. So that the bound also holds
 * for gates computed in floating point, each p_i (and beta_i +- R_i) is raised by
 * 2 gamma_m S_i, gamma_m = m u / (1 - m u), u = 2^-53, m = inputSize + hiddenSize + 2,
 * S_i = sum_j |W_ij| inputInf + sum_j |U_ij| stateInf + |b_i| + |c_i| (the standard error
 * bound of a sum of m terms), a relative change of about 1e-14.
 *
 * References: F. Belletti, A. Beutel, S. Jain & E. Chi, Factorized recurrent neural
 * architectures for longer range dependence, AISTATS 2018, PMLR vol. 84 (no DOI), section
 * 1.4.1, Lemma 1.2; N. J. Higham, Accuracy and Stability of Numerical Algorithms, 2nd ed.,
 * SIAM 2002, doi:10.1137/1.9780898718027, section 3.1 (gamma_m).
 *
 * @throws AnalysisInputError for mis-shaped or non-finite weights, or negative/non-finite bounds
 * @example
 * // W = [[1, -2]], U = [[0.5]], b = [0.25], c = [0]; |x| <= 1, |h| <= 1
 * const g = lemma12GateBound({ input: [[1, -2]], recurrent: [[0.5]], inputBias: [0.25] }, { inputInf: 1, stateInf: 1 });
 * g.maxPreactivation; // 3.75 (= 3 + 0.5 + 0.25, up to 1e-14)
 * g.alpha; // 0.0229773... = 1 / (1 + e^3.75)
 * g.bound; // 0.9770226... = sigma(3.75)
 */
export function lemma12GateBound(gate: GateWeightsLike, bounds: GateInputBounds): Lemma12Bound {
  const fn = 'lemma12GateBound';
  const xB = checkBound(bounds?.inputInf, fn, 'inputInf');
  const hB = checkBound(bounds?.stateInf, fn, 'stateInf');
  const { h, d, w, u, b, c } = flatGate(gate, fn);
  const m = d + h + 2;
  const gamma = (m * U_ROUND) / (1 - m * U_ROUND);
  let wInf = 0, uInf = 0, bInf = 0, sMax = 0;
  const p: number[] = [], alpha: number[] = [], bound: number[] = [], upper: number[] = [], lower: number[] = [];
  const upperPre: number[] = [], lowerPre: number[] = [];
  for (let i = 0; i < h; i++) {
    let sw = 0, su = 0;
    for (let j = 0; j < d; j++) sw += Math.abs(w[i * d + j] as number);
    for (let j = 0; j < h; j++) su += Math.abs(u[i * h + j] as number);
    const beta = (b[i] as number) + (c[i] as number);
    const R = sw * xB + su * hB;
    const slack = 2 * gamma * (R + Math.abs(b[i] as number) + Math.abs(c[i] as number));
    sMax = Math.max(sMax, slack);
    wInf = Math.max(wInf, sw);
    uInf = Math.max(uInf, su);
    bInf = Math.max(bInf, Math.abs(beta));
    const pi = R + Math.abs(beta) + slack;
    p.push(pi);
    alpha.push(sigmoid(-pi));
    bound.push(sigmoid(pi));
    upperPre.push(beta + R + slack);
    lowerPre.push(beta - R - slack);
    upper.push(sigmoid(beta + R + slack));
    lower.push(sigmoid(beta - R - slack));
  }
  const pg = wInf * xB + uInf * hB + bInf + sMax;
  return { alpha: sigmoid(-pg), maxPreactivation: pg, bound: sigmoid(pg), rowwise: { maxPreactivation: p, alpha, bound, upper, lower, upperPreactivation: upperPre, lowerPreactivation: lowerPre } };
}

/**
 * The smallest number of steps t >= 1 with (1 - alpha)^t <= 1/2: after that many consecutive
 * multiplications by gate values at most 1 - alpha, a stored value retains at most half of
 * its weight.
 *
 * Method: t = ceil(ln 2 / -log1p(-alpha)) (log1p keeps full accuracy when 1 - alpha rounds
 * to 1), corrected by one step if rounding put it off the defining inequality (below 2^52);
 * 1 for alpha >= 1/2; Infinity for alpha = 0.
 *
 * References: Belletti et al. (2018), AISTATS, PMLR vol. 84 (no DOI), Lemmas 1.1-1.2 (the
 * contraction (1 - alpha)^t).
 *
 * @throws AnalysisInputError for alpha outside [0, 1]
 * @example
 * memoryHorizonSteps(0.5); // 1
 * memoryHorizonSteps(0.01); // 69 (0.99^68 = 0.5050, 0.99^69 = 0.4998)
 */
export function memoryHorizonSteps(alpha: number): number {
  if (typeof alpha !== 'number' || !(alpha >= 0 && alpha <= 1)) throw new AnalysisInputError(`memoryHorizonSteps: alpha is ${String(alpha)}, expected a number in [0, 1]`);
  if (alpha === 0) return Infinity;
  if (alpha >= 0.5) return 1;
  const l = Math.log1p(-alpha); // < 0
  let t = Math.max(1, Math.ceil(Math.LN2 / -l));
  if (!(t < 2 ** 52)) return t; // beyond integer resolution (or Infinity): no correction possible
  const halfOrLess = (s: number): boolean => s * l <= -Math.LN2;
  while (t > 1 && halfOrLess(t - 1)) t--;
  while (!halfOrLess(t)) t++;
  return t;
}

/**
 * The sigmoid gates' pre-activations a = W x + b + U h + c of a dense cell at (state, input):
 * z and r for a GRU (h = state), i, f and o for an LSTM (h = the first hiddenSize entries of
 * the state [h; c]). sigma(a) are the gate values of the cell's step from that state.
 *
 * Method: the affine maps of the cell equations (see GruCell, LstmCell), summed in exactly the
 * order of the cells' step (GRU: (W x + b) + (U h + c); LSTM: the terms of U h added one by one
 * to W x + b, then c), so that sigma(a) are the step's gate values bit for bit.
 *
 * References: K. Cho et al., EMNLP 2014, doi:10.3115/v1/D14-1179 (GRU); S. Hochreiter &
 * J. Schmidhuber, Neural Computation 9(8) 1997, doi:10.1162/neco.1997.9.8.1735 (LSTM).
 *
 * @throws AnalysisInputError for a state or input of the wrong length
 * @example
 * const a = gatePreactivations(gru, h, x);
 * sigmoid(a.z[0]); // the update gate of unit 0: the weight of h[0] in h'[0]
 */
export function gatePreactivations(cell: DenseCell, state: Float64Array, input: Float64Array): Record<string, Float64Array> {
  const fn = 'gatePreactivations';
  const H = cell.hiddenSize, D = cell.inputSize;
  if (!(state instanceof Float64Array) || state.length !== cell.stateSize) throw new AnalysisInputError(`${fn}: state has length ${state ? state.length : 'none'}, expected ${cell.stateSize} (the cell's stateSize)`);
  if (!(input instanceof Float64Array) || input.length !== D) throw new AnalysisInputError(`${fn}: input has length ${input ? input.length : 'none'}, expected ${D} (the cell's inputSize)`);
  const names = cell instanceof GruCell ? ['z', 'r'] : ['i', 'f', 'o'];
  const weights = cell.weights as unknown as Record<string, GateWeights>;
  const out: Record<string, Float64Array> = {};
  const gru = cell instanceof GruCell;
  const r = new Float64Array(H);
  for (const name of names) {
    const g = weights[name] as GateWeights;
    const a = new Float64Array(H);
    matVecRows(g.input, 0, H, D, input, 0, a, 0, false);
    for (let i = 0; i < H; i++) a[i] = (a[i] as number) + (g.inputBias[i] as number);
    if (gru) {
      // GRU step: (W x + b) + (U h + c).
      matVecRows(g.recurrent, 0, H, H, state, 0, r, 0, false);
      for (let i = 0; i < H; i++) a[i] = (a[i] as number) + ((r[i] as number) + (g.recurrentBias[i] as number));
    } else {
      // LSTM step: ((W x + b) + U h, term by term) + c.
      matVecRows(g.recurrent, 0, H, H, state, 0, a, 0, true);
      for (let i = 0; i < H; i++) a[i] = (a[i] as number) + (g.recurrentBias[i] as number);
    }
    out[name] = a;
  }
  return out;
}

/** The Lemma 1.2 bound of one gate family of one unit, with the bounds it assumed. */
export interface UnitGateBound {
  readonly unit: string;
  /** 'z', 'r' (GRU); 'i', 'f', 'o' (LSTM). */
  readonly gate: string;
  readonly inputInf: number;
  readonly stateInf: number;
  readonly bound: Lemma12Bound;
}

/**
 * {@link lemma12GateBound} for every sigmoid gate (GRU z, r; LSTM i, f, o) of every dense
 * unit of a cell (blocks, layers, experts, auxiliary net), with the input and state bounds
 * each unit sees.
 *
 * Method: |h_t| <= H := max(1, ||h_0||_inf) for every GRU and LSTM unit (GRU: h' = z h +
 * (1 - z) n is a convex combination of h and n in [-1, 1]; LSTM: h' = o tanh(c') in (-1, 1)).
 * Units reading the cell input get inputInf; a context-switching expert reads m_b x_b with
 * m_b in (0, 1), so inputInf too; layer l >= 1 of a stack reads layer l-1's output, bounded
 * by H (times a mask entry < 1 for a masked context-switching layer).
 *
 * References: Belletti et al. (2018), AISTATS, PMLR vol. 84 (no DOI), Lemma 1.2.
 *
 * @throws AnalysisInputError for a cell with units that are not GRU/LSTM, or bad bounds
 * @example
 * const gru = randomDenseCell(createRng(1), { kind: 'gru', inputSize: 4, hiddenSize: 16 });
 * lemma12CellBounds(gru, { inputInf: 3 }).map((b) => [b.gate, b.bound.alpha]);
 * // [['z', 0.0059087...], ['r', 0.0038256...]]
 */
export function lemma12CellBounds(cellOrLayers: Cell | readonly Cell[], bounds: { inputInf: number; stateInf?: number; initialState?: Float64Array }): UnitGateBound[] {
  const fn = 'lemma12CellBounds';
  const cell = asCell(cellOrLayers);
  const xB = checkBound(bounds?.inputInf, fn, 'inputInf');
  const hB = bounds.stateInf !== undefined ? checkBound(bounds.stateInf, fn, 'stateInf') : hiddenBound(cell, bounds.initialState ?? cell.initialState(), fn);
  const units = cellUnits(cell);
  const inputBounds = unitInputBounds(cell, xB, hB);
  const out: UnitGateBound[] = [];
  units.forEach((u, k) => {
    if (!isDenseCell(u.cell)) throw new AnalysisInputError(`${fn}: unit '${u.label}' is a ${u.cell.constructor.name}, expected a GRU or LSTM cell (the lemma needs sigmoid gates)`);
    const weights = u.cell.weights as unknown as Record<string, GateWeights>;
    for (const gate of u.cell instanceof GruCell ? ['z', 'r'] : ['i', 'f', 'o']) {
      out.push({ unit: u.label, gate, inputInf: inputBounds[k] as number, stateInf: hB, bound: lemma12GateBound(weights[gate] as GateWeights, { inputInf: inputBounds[k] as number, stateInf: hB }) });
    }
  });
  return out;
}

function unitInputBounds(cell: Cell, inputInf: number, stateInf: number): number[] {
  if (cell instanceof StackedCell) return cell.layers.flatMap((layer, l) => unitInputBounds(layer, l === 0 ? inputInf : stateInf, stateInf));
  return cellUnits(cell).map(() => inputInf);
}

/** max(1, ||h_0||_inf) over the units' hidden parts of a state (the lemma's state bound, see lemma12CellBounds). */
export function hiddenBound(cell: Cell, state: Float64Array, fn: string): number {
  if (!(state instanceof Float64Array) || state.length !== cell.stateSize) throw new AnalysisInputError(`${fn}: initialState has length ${state ? state.length : 'none'}, expected ${cell.stateSize}`);
  let m = 1;
  for (const u of cellUnitsAt(cell, state, new Float64Array(cell.inputSize))) {
    for (let i = 0; i < u.cell.hiddenSize; i++) m = Math.max(m, Math.abs(u.state[i] as number));
  }
  return m;
}

/** Options of {@link gateSaturation}. */
export interface GateSaturationOptions extends TrajectoryOptions {
  /** Histogram bins on [0, 1] (default 20). */
  bins?: number;
  /** Input bound for the lemma (default: the observed max |x_t| of the recorded steps). */
  inputInf?: number;
}

/** Certified memory horizons (steps) of a memory gate: see {@link memoryHorizonSteps}. */
export interface MemoryHorizons {
  /** From the lemma's global alpha_g. */
  readonly lemma12: number;
  /** From the signed row-wise bound max_i sigma(beta_i + R_i). */
  readonly rowwise: number;
  /** From the observed max gate value on the run. */
  readonly empirical: number;
}

/** Saturation of one gate family ('z', '1-z', 'r', 'i', 'f', 'o') of one unit. */
export interface GateFamilySaturation {
  readonly unit: string;
  readonly gate: string;
  /** True for the weight on the old memory: GRU z, LSTM f. */
  readonly memory: boolean;
  /** Gate values observed (units x steps x sequences). */
  readonly count: number;
  readonly empiricalMax: number;
  readonly empiricalMin: number;
  /** Counts on `bins` equal bins of [0, 1]. */
  readonly histogram: number[];
  readonly inputInf: number;
  readonly stateInf: number;
  /** The lemma's global bound (same for gate and 1 - gate). */
  readonly lemma12: { readonly alpha: number; readonly maxPreactivation: number; readonly bound: number };
  /** Row-wise: max_i sigma(p_i) and the signed max_i of the family's per-row upper bounds. */
  readonly rowwise: { readonly alpha: number; readonly bound: number; readonly signedBound: number };
  /** bound - empiricalMax (>= 0): for the global, row-wise and signed row-wise bounds, and the smallest per-row gap. */
  readonly tightness: { readonly lemma12: number; readonly rowwise: number; readonly signed: number; readonly tightestRow: number };
  /** Memory gates only. */
  readonly horizon?: MemoryHorizons;
}

/** The result of {@link gateSaturation}. */
export interface GateSaturationReport {
  readonly families: GateFamilySaturation[];
  /** Input bound used (options.inputInf or the observed max). */
  readonly inputInf: number;
  readonly observedInputInf: number;
  /** Hidden-state bound used: max(1, ||h_0||_inf). */
  readonly stateInf: number;
  /** Observed max |h| of the units along the recorded steps. */
  readonly observedStateInf: number;
  /** True when the observed inputs and states respect the bounds the lemma was given. */
  readonly assumptionsHold: boolean;
  readonly bins: number;
  readonly sequences: number;
  readonly steps: number;
  readonly burnIn: number;
  readonly input: string;
  /** What the horizons certify, in words. */
  readonly certifies: string;
}

const CERTIFIES =
  'horizon = smallest t >= 1 with g^t <= 1/2, g the max of the memory gate (GRU z, the weight of h in h\' = z h + (1 - z) n; LSTM f, the weight of c in c\' = f c + i g). ' +
  'Certified: the weight of a stored value after t steps along the gated copy path alone (the product of t gate values) is at most g^t, so at most 1/2 after the horizon; ' +
  'information can still persist through the candidate path (n, g), which the lemma does not bound. lemma12: g = 1 - alpha_g from the weights and bounds; rowwise: the signed per-unit bound; empirical: the observed max (valid on this run only).';

/** Running statistics of one gate family of one unit (plain data: partial results merge exactly). */
export interface GateTracker {
  readonly unit: string;
  readonly gate: string;
  readonly memory: boolean;
  /** Per-row max and min of the pre-activation. */
  readonly maxA: Float64Array;
  readonly minA: Float64Array;
  count: number;
  /** Histograms of sigma(a) and of 1 - sigma(a) = sigma(-a). */
  readonly hist: Float64Array;
  readonly histC: Float64Array;
}

/**
 * Gate statistics accumulated along trajectories (internal to {@link gateSaturation} and the
 * analysis engine's shared pass): one tracker per sigmoid gate family per unit, and the
 * observed max |h| and |x|. Every field is a max, a min or a count, so partial statistics of
 * disjoint sets of steps merge exactly ({@link mergeGateStatistics}).
 */
export interface GateStatistics {
  readonly bins: number;
  /** trackers[k]: the unit k's families in gate order (GRU z, r; LSTM i, f, o). */
  readonly trackers: GateTracker[][];
  observedStateInf: number;
  observedInputInf: number;
}

/** Empty {@link GateStatistics} for a cell's units (all must be dense GRU/LSTM cells). */
export function createGateStatistics(cell: Cell, bins: number, fn: string): GateStatistics {
  if (!Number.isSafeInteger(bins) || bins < 1) throw new AnalysisInputError(`${fn}: bins is ${String(bins)}, expected an integer >= 1`);
  const units = cellUnits(cell);
  units.forEach((u) => {
    if (!isDenseCell(u.cell)) throw new AnalysisInputError(`${fn}: unit '${u.label}' is a ${u.cell.constructor.name}, expected a GRU or LSTM cell (the lemma needs sigmoid gates)`);
  });
  const trackers = units.map((u) => {
    const dc = u.cell as DenseCell;
    const gates = dc instanceof GruCell ? ['z', 'r'] : ['i', 'f', 'o'];
    return gates.map((gate) => ({
      unit: u.label,
      gate,
      memory: gate === 'z' || gate === 'f',
      maxA: new Float64Array(dc.hiddenSize).fill(-Infinity),
      minA: new Float64Array(dc.hiddenSize).fill(Infinity),
      count: 0,
      hist: new Float64Array(bins),
      histC: new Float64Array(bins),
    }));
  });
  return { bins, trackers, observedStateInf: 0, observedInputInf: 0 };
}

/**
 * Adds one step's pre-activations of unit k: gate family g (in tracker order), row i is
 * pre[offset + g h + i], h the unit's hidden size.
 */
export function observeGates(stats: GateStatistics, k: number, pre: Float64Array, offset: number): void {
  const bins = stats.bins;
  const list = stats.trackers[k] as GateTracker[];
  for (let g = 0; g < list.length; g++) {
    const t = list[g] as GateTracker;
    const h = t.maxA.length;
    const base = offset + g * h;
    const maxA = t.maxA, minA = t.minA, hist = t.hist, histC = t.histC;
    for (let i = 0; i < h; i++) {
      const ai = pre[base + i] as number;
      if (ai > (maxA[i] as number)) maxA[i] = ai;
      if (ai < (minA[i] as number)) minA[i] = ai;
      const hb = Math.min(bins - 1, Math.max(0, Math.floor(sigmoid(ai) * bins)));
      const hc = Math.min(bins - 1, Math.max(0, Math.floor(sigmoid(-ai) * bins)));
      hist[hb] = (hist[hb] as number) + 1;
      histC[hc] = (histC[hc] as number) + 1;
    }
    t.count += h;
  }
}

/** a <- a merged with b (max, min, sums of counts: exact in any order). */
export function mergeGateStatistics(a: GateStatistics, b: GateStatistics): void {
  a.observedStateInf = Math.max(a.observedStateInf, b.observedStateInf);
  a.observedInputInf = Math.max(a.observedInputInf, b.observedInputInf);
  a.trackers.forEach((list, k) =>
    list.forEach((t, g) => {
      const o = (b.trackers[k] as GateTracker[])[g] as GateTracker;
      for (let i = 0; i < t.maxA.length; i++) {
        if ((o.maxA[i] as number) > (t.maxA[i] as number)) t.maxA[i] = o.maxA[i] as number;
        if ((o.minA[i] as number) < (t.minA[i] as number)) t.minA[i] = o.minA[i] as number;
      }
      for (let q = 0; q < t.hist.length; q++) {
        t.hist[q] = (t.hist[q] as number) + (o.hist[q] as number);
        t.histC[q] = (t.histC[q] as number) + (o.histC[q] as number);
      }
      t.count += o.count;
    }),
  );
}

/** max(observedStateInf, |h| of every unit's hidden part of `state`). */
export function observeHiddenState(stats: GateStatistics, cell: Cell, state: Float64Array): void {
  let m = stats.observedStateInf;
  for (const u of cellUnitsAt(cell, state, new Float64Array(cell.inputSize))) {
    for (let i = 0; i < u.cell.hiddenSize; i++) m = Math.max(m, Math.abs(u.state[i] as number));
  }
  stats.observedStateInf = m;
}

/**
 * The empirical distribution of the sigmoid gate values along driven trajectories (histogram,
 * min, max per gate family and unit: GRU z, 1 - z, r; LSTM i, f, o), against the Lemma 1.2
 * bound, its tightness, and the memory horizons certified by the bound and by the observed max.
 *
 * Method: {@link visitTrajectories} streams the recorded steps; at each, every unit's gate
 * pre-activations ({@link gatePreactivations}) update per-row max/min and the histograms
 * (values, not stored). Bounds: {@link lemma12CellBounds} with inputInf = options.inputInf or
 * the observed max |x_t| (the lemma's bounded-input assumption holds on the run by
 * construction) and stateInf = max(1, ||h_0||_inf). The empirical max of a gate is
 * sigma(max a) and of 1 - gate sigma(-min a) (no cancellation near 1). Horizons by
 * {@link memoryHorizonSteps} with alpha = 1 - g for g = the lemma bound, the signed row-wise
 * bound, and the empirical max (empirical <= rowwise <= lemma12 horizon).
 *
 * References: Belletti et al. (2018), AISTATS, PMLR vol. 84 (no DOI), Lemmas 1.1-1.2;
 * F. A. Gers, J. Schmidhuber, F. Cummins, Learning to forget, Neural Computation 12(10) 2000,
 * doi:10.1162/089976600300015015.
 *
 * @throws AnalysisInputError for bad trajectory options, bins < 1, or a cell without GRU/LSTM units
 * @example
 * const gru = randomDenseCell(createRng(1), { kind: 'gru', inputSize: 4, hiddenSize: 16 });
 * const r = gateSaturation(gru, { sequences: 4, steps: 500, burnIn: 50, seed: 1, input: 'gaussian' });
 * r.inputInf; // 3.7625... (observed max |x|)
 * const z = r.families[0]; // gate 'z', unit 'cell'
 * z.empiricalMax; // 0.86210...; z.lemma12.bound = 0.99665..., z.tightness.lemma12 = 0.13454...
 * z.horizon; // { lemma12: 207, rowwise: 131, empirical: 5 }
 */
export function gateSaturation(cellOrLayers: Cell | readonly Cell[], options: GateSaturationOptions): GateSaturationReport {
  const fn = 'gateSaturation';
  const bins = options.bins ?? 20;
  if (!Number.isSafeInteger(bins) || bins < 1) throw new AnalysisInputError(`${fn}: bins is ${String(bins)}, expected an integer >= 1`);
  if (options.inputInf !== undefined) checkBound(options.inputInf, fn, 'inputInf');
  const r = resolveTrajectory(cellOrLayers, options, fn);
  const cell = r.cell;
  const stats = createGateStatistics(cell, bins, fn);
  const stateInf = hiddenBound(cell, r.initialState, fn);
  const info = visitTrajectories(
    cell,
    options,
    {
      step({ state, input }) {
        cellUnitsAt(cell, state, input).forEach((u, k) => {
          const dc = u.cell as DenseCell;
          for (let i = 0; i < dc.hiddenSize; i++) stats.observedStateInf = Math.max(stats.observedStateInf, Math.abs(u.state[i] as number));
          const pre = gatePreactivations(dc, u.state, u.input);
          const names = dc instanceof GruCell ? ['z', 'r'] : ['i', 'f', 'o'];
          const flat = new Float64Array(names.length * dc.hiddenSize);
          names.forEach((name, g) => flat.set(pre[name] as Float64Array, g * dc.hiddenSize));
          observeGates(stats, k, flat, 0);
        });
      },
      endSequence(_i, s) {
        observeHiddenState(stats, cell, s);
      },
    },
    fn,
  );
  stats.observedInputInf = info.inputInf;
  return gateSaturationReport(cell, stats, { ...(options.inputInf !== undefined ? { inputInf: options.inputInf } : {}), stateInf, sequences: info.sequences, steps: info.steps, burnIn: info.burnIn, input: info.input });
}

/**
 * The {@link GateSaturationReport} of accumulated {@link GateStatistics} (the second half of
 * {@link gateSaturation}, shared with the analysis engine's single trajectory pass).
 *
 * Method: as {@link gateSaturation}: inputInf = the given bound or the observed max |x|.
 *
 * @throws AnalysisInputError for a cell without GRU/LSTM units
 */
export function gateSaturationReport(
  cell: Cell,
  stats: GateStatistics,
  run: { inputInf?: number; stateInf: number; sequences: number; steps: number; burnIn: number; input: string },
): GateSaturationReport {
  const { bins, observedStateInf } = stats;
  const stateInf = run.stateInf;
  const inputInf = run.inputInf ?? stats.observedInputInf;
  const bounds = lemma12CellBounds(cell, { inputInf, stateInf });
  const families: GateFamilySaturation[] = [];
  stats.trackers.flat().forEach((t) => {
    const b = bounds.find((x) => x.unit === t.unit && x.gate === t.gate) as UnitGateBound;
    const lb = b.bound;
    const rowBound = Math.max(...lb.rowwise.bound);
    const rowAlpha = Math.min(...lb.rowwise.alpha);
    const lemma12 = { alpha: lb.alpha, maxPreactivation: lb.maxPreactivation, bound: lb.bound };
    const family = (gate: string, complement: boolean): GateFamilySaturation => {
      const aMax = Math.max(...t.maxA), aMin = Math.min(...t.minA);
      const empiricalMax = complement ? sigmoid(-aMin) : sigmoid(aMax);
      const empiricalMin = complement ? sigmoid(-aMax) : sigmoid(aMin);
      const signedRows = complement ? lb.rowwise.lower.map((l) => 1 - l) : lb.rowwise.upper;
      const signedBound = Math.max(...signedRows);
      let tightestRow = Infinity;
      for (let i = 0; i < signedRows.length; i++) {
        const emp = complement ? sigmoid(-(t.minA[i] as number)) : sigmoid(t.maxA[i] as number);
        tightestRow = Math.min(tightestRow, (signedRows[i] as number) - emp);
      }
      const out: GateFamilySaturation = {
        unit: t.unit,
        gate,
        memory: t.memory && !complement,
        count: t.count,
        empiricalMax,
        empiricalMin,
        histogram: Array.from(complement ? t.histC : t.hist),
        inputInf: b.inputInf,
        stateInf: b.stateInf,
        lemma12,
        rowwise: { alpha: rowAlpha, bound: rowBound, signedBound },
        tightness: { lemma12: lb.bound - empiricalMax, rowwise: rowBound - empiricalMax, signed: signedBound - empiricalMax, tightestRow },
      };
      if (!out.memory) return out;
      // alphas without cancellation: 1 - sigma(a) = sigma(-a)
      const maxSignedPre = Math.max(...lb.rowwise.upperPreactivation);
      return {
        ...out,
        horizon: {
          lemma12: memoryHorizonSteps(lb.alpha),
          rowwise: memoryHorizonSteps(sigmoid(-maxSignedPre)),
          empirical: memoryHorizonSteps(sigmoid(-aMax)),
        },
      };
    };
    families.push(family(t.gate, false));
    if (t.gate === 'z') families.push(family('1-z', true));
  });
  return {
    families,
    inputInf,
    observedInputInf: stats.observedInputInf,
    stateInf,
    observedStateInf,
    assumptionsHold: stats.observedInputInf <= inputInf && observedStateInf <= stateInf,
    bins,
    sequences: run.sequences,
    steps: run.steps,
    burnIn: run.burnIn,
    input: run.input,
    certifies: CERTIFIES,
  };
}
