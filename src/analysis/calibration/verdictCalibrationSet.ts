/**
 * The labelled processes on which the SRD / LRD verdict is calibrated (issue 13): 16 channels,
 * each an independent draw of a scalar process (or a 16-dimensional VAR(1) / GRU state), mixed
 * by a random orthogonal matrix, at the audit's default size (32 sequences x 1024 steps) and as
 * one long sequence (1 x 2^16).
 *
 * @module
 */
import { GruCell } from '../../cells/gru.js';
import { spectralRadius } from '../../linalg/eigenvalues.js';
import { ar1 } from '../../processes/ar1.js';
import { arfima } from '../../processes/arfima.js';
import { arma } from '../../processes/arma.js';
import { fgn } from '../../processes/fgn.js';
import { type Rng, createRng } from '../../processes/prng.js';
import { var1 } from '../../processes/var1.js';
import { type DependenceVerdict, correlationSums } from '../correlation/correlationVerdict.js';
import { type StateRegime, dependenceVerdict } from '../correlation/dependenceVerdict.js';
import { AnalysisInputError } from '../errors.js';
import { stateMemory } from '../stateMemory.js';
import type { Series } from '../series.js';
import { runTrajectories } from '../trajectories.js';

/** What a family's verdict should be: summable correlations, non-summable, or beyond the record. */
export type CalibrationTruth = 'SRD' | 'LRD' | 'unresolvable';

/** One labelled family of the calibration set. */
export interface CalibrationFamily {
  readonly id: string;
  readonly truth: CalibrationTruth;
  /** What the process is, in words. */
  readonly description: string;
  /** Families whose truth depends on the size: 'unresolvable' at these sizes (the other size uses `truth`). */
  readonly unresolvableAt?: readonly CalibrationSizeName[];
}

/** The two sizes of the calibration: the audit's default and one long sequence. */
export const CALIBRATION_SIZES = {
  default: { sequences: 32, steps: 1024, maxLag: 512 },
  long: { sequences: 1, steps: 65536, maxLag: 4096 },
} as const;

export type CalibrationSizeName = keyof typeof CALIBRATION_SIZES;

/** Channels of every calibration ensemble. */
export const CALIBRATION_CHANNELS = 16;

/** ARMA(2, 1) of the set: AR roots 0.9 and 0.5, MA coefficient 0.4 (slowest time scale 9.5 steps). */
export const CALIBRATION_ARMA = { ar: [1.4, -0.45], ma: [0.4] } as const;

/** The families, in table order. */
export const CALIBRATION_FAMILIES: readonly CalibrationFamily[] = [
  { id: 'iid', truth: 'SRD', description: 'white noise' },
  { id: 'ar1-0.5', truth: 'SRD', description: 'AR(1) phi = 0.5' },
  { id: 'ar1-0.9', truth: 'SRD', description: 'AR(1) phi = 0.9' },
  { id: 'ar1-0.99', truth: 'SRD', description: 'AR(1) phi = 0.99 (time scale 100 steps)' },
  { id: 'var1-0.95', truth: 'SRD', description: 'VAR(1), random non-normal A with spectral radius 0.95' },
  { id: 'arma21', truth: 'SRD', description: 'ARMA(2,1), AR roots 0.9 and 0.5, MA 0.4' },
  { id: 'ar1-sum', truth: 'SRD', description: 'sum of AR(1)s phi = 0.5, 0.9, 0.99 (unit variance each; slowest time scale 100 steps)' },
  { id: 'fgn-0.6', truth: 'LRD', description: 'fGn H = 0.6' },
  { id: 'fgn-0.7', truth: 'LRD', description: 'fGn H = 0.7' },
  { id: 'fgn-0.8', truth: 'LRD', description: 'fGn H = 0.8' },
  { id: 'fgn-0.9', truth: 'LRD', description: 'fGn H = 0.9' },
  { id: 'arfima-0.1', truth: 'LRD', description: 'ARFIMA(0, d, 0) d = 0.1' },
  { id: 'arfima-0.25', truth: 'LRD', description: 'ARFIMA(0, d, 0) d = 0.25' },
  { id: 'arfima-0.4', truth: 'LRD', description: 'ARFIMA(0, d, 0) d = 0.4' },
  { id: 'ar1-0.999', truth: 'SRD', unresolvableAt: ['default'], description: 'AR(1) phi = 0.999 (time scale 1000 steps)' },
  { id: 'random-walk', truth: 'unresolvable', description: 'random walk (from 0 after the burn-in)' },
  { id: 'gru-saturated', truth: 'unresolvable', description: 'GRU(16), update-gate bias +12 (h_t ~ h_{t-1}), Gaussian input' },
];

/** The truth of a family at a size. */
export function calibrationTruth(family: CalibrationFamily, size: CalibrationSizeName): CalibrationTruth {
  return family.unresolvableAt?.includes(size) ? 'unresolvable' : family.truth;
}

/** A random d x d orthogonal matrix (Gram-Schmidt of a Gaussian matrix), rows as arrays. */
export function randomOrthogonal(rng: Rng, d: number): number[][] {
  const q: number[][] = [];
  for (let i = 0; i < d; i++) {
    const v = Array.from(rng.normals(d));
    for (let pass = 0; pass < 2; pass++) {
      for (const u of q) {
        const dot = u.reduce((acc, x, j) => acc + x * (v[j] as number), 0);
        for (let j = 0; j < d; j++) v[j] = (v[j] as number) - dot * (u[j] as number);
      }
    }
    const n = Math.sqrt(v.reduce((acc, x) => acc + x * x, 0));
    q.push(v.map((x) => x / n));
  }
  return q;
}

/** Scalar path of a family (channels drawn independently). */
function scalarPath(id: string, rng: Rng, steps: number): Float64Array {
  const unit = (x: Float64Array, variance: number): Float64Array => x.map((v) => v / Math.sqrt(variance));
  switch (id) {
    case 'iid':
      return rng.normals(steps);
    case 'ar1-0.5':
      return ar1(rng, steps, 0.5);
    case 'ar1-0.9':
      return ar1(rng, steps, 0.9);
    case 'ar1-0.99':
      return ar1(rng, steps, 0.99);
    case 'ar1-0.999':
      return ar1(rng, steps, 0.999);
    case 'arma21':
      return arma(rng, steps, CALIBRATION_ARMA.ar, CALIBRATION_ARMA.ma);
    case 'ar1-sum': {
      const out = new Float64Array(steps);
      for (const phi of [0.5, 0.9, 0.99]) {
        const x = unit(ar1(rng, steps, phi), 1 / (1 - phi * phi));
        for (let t = 0; t < steps; t++) out[t] = (out[t] as number) + (x[t] as number);
      }
      return out;
    }
    case 'random-walk':
      return ar1(rng, steps, 1, 1, { initial: 0, burnIn: 256 });
    default: {
      const [kind, value] = id.split('-');
      if (kind === 'fgn') return fgn(rng, steps, Number(value));
      if (kind === 'arfima') return arfima(rng, steps, Number(value));
      throw new AnalysisInputError(`calibrationEnsemble: family is ${JSON.stringify(id)}, expected one of ${CALIBRATION_FAMILIES.map((f) => f.id).join(', ')}`);
    }
  }
}

/** The VAR(1) matrix of a seed: Gaussian entries scaled to spectral radius 0.95. */
function var1Matrix(rng: Rng, d: number): number[][] {
  const a = Array.from({ length: d }, () => Array.from(rng.normals(d), (v) => v / Math.sqrt(d)));
  const rho = spectralRadius(a);
  return a.map((row) => row.map((v) => (0.95 * v) / rho));
}

/** The saturated-gate GRU of a seed: hidden 16, input 4, weights N(0, 1 / fan-in), b_z = +12. */
export function saturatedGru(rng: Rng, hidden = CALIBRATION_CHANNELS, input = 4): GruCell {
  const m = (rows: number, cols: number): number[][] => Array.from({ length: rows }, () => Array.from(rng.normals(cols), (v) => v / Math.sqrt(cols)));
  const gate = (bias: number) => ({ input: m(hidden, input), recurrent: m(hidden, hidden), inputBias: Array<number>(hidden).fill(bias), recurrentBias: Array<number>(hidden).fill(0) });
  return new GruCell({ inputSize: input, hiddenSize: hidden, resetAfter: true, z: gate(12), r: gate(0), n: gate(0) });
}

/**
 * One calibration ensemble: `sequences` series of `steps` x 16 channels for a family and seed.
 *
 * Method: a random orthogonal Q (from createRng(seed).fork(0)) mixes 16 independent channels,
 * x_t = Q u_t; channel i of sequence s draws from createRng(seed).fork(1 + s).fork(i) (scalar
 * families), the VAR(1) of sequence s from fork(1 + s) with A from fork(0); the GRU's state is
 * recorded as is (runTrajectories, Gaussian input, burn-in 256, input seed = seed), not mixed.
 *
 * @example
 * ```ts
 * const xs = calibrationEnsemble('ar1-0.9', { sequences: 32, steps: 1024 }, 3); // 32 series, 1024 x 16
 * ```
 */
export function calibrationEnsemble(id: string, size: { sequences: number; steps: number }, seed: number): Series[] {
  const d = CALIBRATION_CHANNELS;
  const { sequences, steps } = size;
  const root = createRng(seed);
  if (id === 'gru-saturated') {
    return runTrajectories(saturatedGru(root.fork(0)), { sequences, steps, burnIn: 256, seed, input: 'gaussian' });
  }
  const mixRng = root.fork(0);
  const q = randomOrthogonal(mixRng, d);
  const a = id === 'var1-0.95' ? var1Matrix(mixRng, d) : null;
  const out: Series[] = [];
  for (let s = 0; s < sequences; s++) {
    const rng = root.fork(1 + s);
    const u = new Float64Array(steps * d);
    if (a) {
      var1(rng, steps, a).forEach((row, t) => u.set(row, t * d));
    } else {
      for (let i = 0; i < d; i++) {
        const x = scalarPath(id, rng.fork(i), steps);
        for (let t = 0; t < steps; t++) u[t * d + i] = x[t] as number;
      }
    }
    const data = new Float64Array(steps * d);
    for (let t = 0; t < steps; t++) {
      for (let i = 0; i < d; i++) {
        let acc = 0;
        const qi = q[i] as number[];
        for (let j = 0; j < d; j++) acc += (qi[j] as number) * (u[t * d + j] as number);
        data[t * d + i] = acc;
      }
    }
    out.push({ rows: steps, cols: d, data });
  }
  return out;
}

/** One run of the calibration: the verdict and the numbers behind it (a row of bench/verdict-calibration.json). */
export interface CalibrationRow {
  readonly family: string;
  readonly size: CalibrationSizeName;
  readonly seed: number;
  readonly truth: CalibrationTruth;
  readonly verdict: DependenceVerdict;
  readonly correlationVerdict: DependenceVerdict;
  readonly regime: StateRegime;
  readonly floorLag: number | null;
  readonly fitEnd: number | null;
  readonly tau: number | null;
  readonly beta: number | null;
  readonly betaUpper: number | null;
  readonly powerLawPreference: number | null;
  readonly floor1: number | null;
  readonly totalMemory: number | null;
  readonly totalMemoryPValue: number | null;
  /** Hausman-type z of the change of the total memory from bandwidth n^0.65 to n^0.5 (rule version 3). */
  readonly bandwidthStabilityZ: number | null;
  readonly reason: string;
  readonly sentence: string;
}

/**
 * One calibration run as the audit would make it: {@link calibrationEnsemble}, then
 * correlationSums (log lags; maxLag 512 at the default size with 100 bootstrap replicates seeded
 * by the run's seed; maxLag 4096 and no bootstrap for the long sequence, whose 16 bootstrap blocks
 * would each cost a full set of r^2 inverse FFTs of length 2^17), stateMemory and
 * dependenceVerdict (no Lyapunov exponent: labelled processes have none). Numbers are rounded to
 * 4 significant digits (p-values to 3).
 */
export function calibrationRun(id: string, sizeName: CalibrationSizeName, seed: number): CalibrationRow {
  const family = CALIBRATION_FAMILIES.find((f) => f.id === id);
  if (!family) throw new AnalysisInputError(`calibrationRun: family is ${JSON.stringify(id)}, expected one of ${CALIBRATION_FAMILIES.map((f) => f.id).join(', ')}`);
  const size = CALIBRATION_SIZES[sizeName];
  const xs = calibrationEnsemble(id, size, seed);
  const bootstrap = sizeName === 'long' ? (false as const) : { replicates: 100, seed };
  const corr = correlationSums(xs, { maxLag: size.maxLag, lags: 'log', bootstrap });
  const memory = stateMemory(xs);
  const a = dependenceVerdict(corr, memory, null);
  const e = corr.evidence;
  const r = (x: number | null | undefined, p = 4): number | null => (x === null || x === undefined || !Number.isFinite(x) ? null : Number(x.toPrecision(p)));
  return {
    family: id,
    size: sizeName,
    seed,
    truth: calibrationTruth(family, sizeName),
    verdict: a.verdict,
    correlationVerdict: a.correlationVerdict,
    regime: a.regime,
    floorLag: e.floorLag,
    fitEnd: e.fitLags.length > 0 ? (e.fitLags[e.fitLags.length - 1] as number) : null,
    tau: r(e.exponential?.tau),
    beta: r(e.powerLaw?.beta),
    betaUpper: r(e.betaInterval?.upper),
    powerLawPreference: r(e.powerLawPreference),
    floor1: r(corr.norms.noiseFloor?.levels[1]),
    totalMemory: r(memory.totalMemory),
    totalMemoryPValue: r(memory.totalMemoryPValue, 3),
    bandwidthStabilityZ: r(memory.bandwidthStabilityZ, 3),
    reason: a.reason,
    sentence: a.sentence,
  };
}
