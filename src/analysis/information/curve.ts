/**
 * The Gaussian-channel information of the recurrent candidate matrix W_h as the channel count
 * grows, for dense and factorized cells at equal parameter counts: the computation behind the
 * paper's argument "more channels for the same parameters" (sections 1.4.3 and 2.2).
 *
 * @module
 */
import { type CellShape, matchedHiddenSize, parameterCount } from '../../cells/counts.js';
import { FactorizedCell } from '../../cells/factorized.js';
import { GruCell } from '../../cells/gru.js';
import { LstmCell } from '../../cells/lstm.js';
import { randomDenseCell, randomFactorizedCell } from '../../cells/random.js';
import type { CellKind } from '../../cells/types.js';
import { type Rng, createRng } from '../../processes/prng.js';
import { AnalysisInputError } from '../errors.js';
import { blockDiagonalChannelMI } from './blockChannel.js';
import { checkInteger, checkPositive } from './validate.js';

/**
 * The recurrent matrix of the candidate (the paper's W_h) of a cell, as its diagonal blocks:
 * GRU gate n (U_n), LSTM gate g (U_g); one block for a dense cell, g blocks for a factorized
 * one (its W_h is diag(blocks)).
 *
 * Method: copies `cell.weights.n.recurrent` (GRU) or `cell.weights.g.recurrent` (LSTM), stored
 * row-major hidden x hidden, into nested arrays, block by block.
 *
 * References: Belletti et al., AISTATS 2018, eqs. (7)-(13) (candidate generation
 * tanh(W_x x_t + W_h h_t + b)) and section 2.2.1 (factorized cells).
 *
 * @example
 * candidateRecurrentBlocks(randomFactorizedCell(createRng(1), { kind: 'gru', inputSize: 4, hiddenSize: 4, groups: 2 })).length; // 2 (each 2 x 2)
 */
export function candidateRecurrentBlocks(cell: GruCell | LstmCell | FactorizedCell): number[][][] {
  const fn = 'candidateRecurrentBlocks';
  const one = (c: GruCell | LstmCell): number[][] => {
    const u = c instanceof GruCell ? c.weights.n.recurrent : c.weights.g.recurrent;
    const h = c.hiddenSize;
    return Array.from({ length: h }, (_, i) => Array.from(u.subarray(i * h, (i + 1) * h)));
  };
  if (cell instanceof FactorizedCell) return cell.blocks.map(one);
  if (cell instanceof GruCell || cell instanceof LstmCell) return [one(cell)];
  throw new AnalysisInputError(`${fn}: cell is ${String((cell as { variant?: string } | null)?.variant)}, expected a GruCell, LstmCell or FactorizedCell`);
}

/** How {@link mutualInformationCurve} draws W_h. */
export type CurveWeights = 'cell' | 'orthogonal' | 'gaussian';

/** Options of {@link mutualInformationCurve}. */
export interface MutualInformationCurveOptions {
  /** Dense widths h; each gets a factorized partner of equal parameters. */
  hiddenSizes: readonly number[];
  /** Blocks g of the factorized cells. */
  groups: number;
  /** Signal power eta (default 1). */
  eta?: number;
  /** Noise variance sigma, Sigma = sigma I (default 1). */
  sigma?: number;
  /** Cell family for the parameter count (default 'gru'). */
  kind?: CellKind;
  /**
   * Where W_h comes from (default 'cell'): 'cell' = the candidate recurrent matrix of
   * randomDenseCell / randomFactorizedCell (PyTorch's uniform(-1/sqrt(h), 1/sqrt(h)) per block);
   * 'orthogonal' = Haar-random orthogonal blocks (Proposition 1.4 then holds exactly);
   * 'gaussian' = iid N(0, 1/b) entries in b x b blocks (mean squared singular value 1, spread
   * by Marchenko–Pastur). Ignored when `matrix` is given.
   */
  weights?: CurveWeights;
  /**
   * Given weights: returns the diagonal blocks of W_h (one block for 'dense') of a cell of
   * the given width and block count, e.g. from trained checkpoints via
   * {@link candidateRecurrentBlocks}.
   */
  matrix?: (variant: 'dense' | 'factorized', hiddenSize: number, groups: number, rng: Rng) => number[][][];
  /** Input width; default: tied to the hidden width (a layer in a stack). */
  inputSize?: number;
  /** Seed of the random weights (default 0). */
  seed?: number;
}

/** One line of the curve (arrays indexed like hiddenSizes). */
export interface CurveSeries {
  /** Channel count H (hidden width). */
  readonly channels: number[];
  /** Trainable parameters of the cell (cells/counts.ts). */
  readonly parameters: number[];
  /** I = 1/2 log det(I + eta/sigma W_h^T W_h), nats (Theorem 1.2, corrected). */
  readonly mutualInformationNats: number[];
  /** Proposition 1.4's H/2 log(1 + eta/sigma), nats (linear in H). */
  readonly proposition14Nats: number[];
  /** mutualInformationNats / channels. */
  readonly natsPerChannel: number[];
}

/** What {@link mutualInformationCurve} returns: plain data for plotting. */
export interface MutualInformationCurve {
  readonly kind: CellKind;
  readonly groups: number;
  readonly eta: number;
  readonly sigma: number;
  readonly weights: CurveWeights | 'given';
  readonly dense: CurveSeries;
  readonly factorized: CurveSeries;
}

/**
 * Gaussian-channel information of W_h against the channel count, for dense cells of widths
 * h and factorized cells (g blocks) of the same parameter budget, with Proposition 1.4's
 * line H/2 log(1 + eta/sigma) for both.
 *
 * Method: for each dense width h: H = matchedHiddenSize({kind, inputSize, hiddenSize: h}, g,
 * 'params').hiddenSize (the largest multiple of g whose factorized cell has at most the dense
 * parameters; about h sqrt(g) when the input is tied to the hidden width); draw the dense
 * W_h (h x h) and the g blocks (H/g x H/g) of the factorized one; I_dense =
 * gaussianChannelMutualInformation(W_h, eta, sigma); I_factorized = sum over blocks
 * (blockDiagonalChannelMI, additivity). Independent generators rng.fork(2i) / rng.fork(2i+1)
 * per width, so a point does not depend on the other widths.
 *
 * References: Belletti et al., AISTATS 2018, Theorem 1.2, Proposition 1.4, section 2.2;
 * Cover & Thomas (2006), DOI 10.1002/047174882X, section 9.4; F. Mezzadri, "How to generate
 * random matrices from the classical compact groups", Notices AMS 54(5):592-604, 2007
 * (arXiv:math-ph/0609050; Haar orthogonal by QR with positive diag(R)).
 *
 * @throws AnalysisInputError for empty or non-integer widths, groups < 1, eta < 0,
 *   sigma <= 0, or widths for which no factorized width fits the budget
 * @example
 * const c = mutualInformationCurve({ hiddenSizes: [8, 16], groups: 4, weights: 'orthogonal' });
 * c.factorized.channels; // [12, 28]: more channels at equal parameters
 * c.dense.mutualInformationNats; // [2.772588722239781, 5.545177444479563] (= H/2 log 2)
 */
export function mutualInformationCurve(options: MutualInformationCurveOptions): MutualInformationCurve {
  const fn = 'mutualInformationCurve';
  const o = options;
  if (!Array.isArray(o.hiddenSizes) || o.hiddenSizes.length === 0) {
    throw new AnalysisInputError(`${fn}: hiddenSizes has ${Array.isArray(o.hiddenSizes) ? 0 : 'no'} entries, expected at least one width`);
  }
  const g = checkInteger(o.groups, fn, 'groups', 1);
  const eta = checkPositive(o.eta ?? 1, fn, 'eta', true);
  const sigma = checkPositive(o.sigma ?? 1, fn, 'sigma (noise variance)');
  const kind: CellKind = o.kind ?? 'gru';
  const weights: CurveWeights = o.weights ?? 'cell';
  const root = createRng(checkInteger(o.seed ?? 0, fn, 'seed', Number.MIN_SAFE_INTEGER));
  const dense: CurveSeries = { channels: [], parameters: [], mutualInformationNats: [], proposition14Nats: [], natsPerChannel: [] };
  const factorized: CurveSeries = { channels: [], parameters: [], mutualInformationNats: [], proposition14Nats: [], natsPerChannel: [] };
  o.hiddenSizes.forEach((h, i) => {
    checkInteger(h, fn, `hiddenSizes[${i}]`, 1);
    const shape: CellShape = { kind, inputSize: o.inputSize ?? h, hiddenSize: h };
    let matched;
    try {
      matched = matchedHiddenSize(shape, g, 'params', { inputTiedToHidden: o.inputSize === undefined });
    } catch (err) {
      throw new AnalysisInputError(`${fn}: hiddenSizes[${i}] = ${h} with groups ${g}: ${(err as Error).message}`);
    }
    const H = matched.hiddenSize;
    const rd = root.fork(2 * i), rf = root.fork(2 * i + 1);
    const denseBlocks = o.matrix ? o.matrix('dense', h, 1, rd) : drawBlocks(weights, kind, shape.inputSize, h, 1, rd);
    const factBlocks = o.matrix ? o.matrix('factorized', H, g, rf) : drawBlocks(weights, kind, matched.inputSize, H, g, rf);
    const push = (s: CurveSeries, channels: number, params: number, blocks: number[][][]): void => {
      const mi = blockDiagonalChannelMI(blocks, eta, sigma, { assemble: false }).totalNats;
      s.channels.push(channels);
      s.parameters.push(params);
      s.mutualInformationNats.push(mi);
      s.proposition14Nats.push(0.5 * channels * Math.log1p(eta / sigma));
      s.natsPerChannel.push(mi / channels);
    };
    push(dense, h, parameterCount(shape), denseBlocks);
    push(factorized, H, matched.parameterCount, factBlocks);
  });
  return { kind, groups: g, eta, sigma, weights: o.matrix ? 'given' : weights, dense, factorized };
}

function drawBlocks(weights: CurveWeights, kind: CellKind, inputSize: number, hidden: number, groups: number, rng: Rng): number[][][] {
  const b = hidden / groups;
  if (weights === 'cell') {
    const cell =
      groups === 1
        ? randomDenseCell(rng, { kind, inputSize, hiddenSize: hidden })
        : randomFactorizedCell(rng, { kind, inputSize, hiddenSize: hidden, groups });
    return candidateRecurrentBlocks(cell);
  }
  const blocks: number[][][] = [];
  for (let k = 0; k < groups; k++) blocks.push(weights === 'orthogonal' ? haarOrthogonal(b, rng) : gaussianMatrix(b, rng));
  return blocks;
}

function gaussianMatrix(b: number, rng: Rng): number[][] {
  const s = 1 / Math.sqrt(b);
  return Array.from({ length: b }, () => Array.from({ length: b }, () => s * rng.normal()));
}

/**
 * A Haar-distributed b x b orthogonal matrix: Q of the QR factorisation of a matrix of iid
 * N(0, 1) entries with positive diag(R) (modified Gram–Schmidt on the columns, twice for
 * orthogonality to working precision).
 *
 * Method: v_j = z_j - sum_{i<j} (q_i . z_j) q_i (two passes), q_j = v_j / ||v_j||; Q = [q_1 .. q_b].
 *
 * References: F. Mezzadri, Notices AMS 54(5):592-604, 2007 (no DOI; arXiv:math-ph/0609050).
 *
 * @example
 * const q = haarOrthogonal(3, createRng(1)); // q^T q = I to ~1e-16
 */
export function haarOrthogonal(b: number, rng: Rng): number[][] {
  checkInteger(b, 'haarOrthogonal', 'size', 1);
  const cols: Float64Array[] = [];
  for (let j = 0; j < b; j++) {
    const v = rng.normals(b);
    for (let pass = 0; pass < 2; pass++) {
      for (const c of cols) {
        let dot = 0;
        for (let i = 0; i < b; i++) dot += (c[i] as number) * (v[i] as number);
        for (let i = 0; i < b; i++) v[i] = (v[i] as number) - dot * (c[i] as number);
      }
    }
    let nrm = 0;
    for (let i = 0; i < b; i++) nrm += (v[i] as number) ** 2;
    nrm = Math.sqrt(nrm);
    for (let i = 0; i < b; i++) v[i] = (v[i] as number) / nrm;
    cols.push(v);
  }
  return Array.from({ length: b }, (_, i) => cols.map((c) => c[i] as number));
}
