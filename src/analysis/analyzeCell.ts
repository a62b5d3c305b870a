/**
 * The full analysis of one cell (or stack of cells): every measure of the design card on one
 * set of seeded trajectories. This is the engine behind `lrdkit audit` and the analysis
 * benchmark.
 *
 *     trajectories (N x T after burn-in) --> correlation sums + verdict (output h)
 *                                        --> memory exponents of the leading PCs
 *                                        --> empirical I(h_t; h_{t+1})
 *     visited states (S samples)         --> Jacobian spectra (rho, ||.||_2, per block)
 *     one long driven run                --> top-k Lyapunov exponents (QR)
 *     weights                            --> rho(W) per gate, Lemma 1.2 bounds, Gaussian-channel I
 *
 * @module
 */
import type { Cell } from '../cells/types.js';
import { FactorizedCell } from '../cells/factorized.js';
import { GruCell } from '../cells/gru.js';
import { LstmCell } from '../cells/lstm.js';
import { type CorrelationSums, correlationSums } from './correlation/index.js';
import { AnalysisInputError } from './errors.js';
import { type GateSaturationReport, gateSaturation } from './gateSaturation.js';
import { candidateRecurrentBlocks } from './information/curve.js';
import { gaussianChannelMutualInformation } from './information/gaussianChannel.js';
import { proposition14MutualInformation } from './information/proposition14.js';
import { type StepMutualInformation, empiricalStepMutualInformation } from './information/stepInformation.js';
import type { InputProcess, InputSpec } from './inputs.js';
import { type JacobianSpectrumReport, jacobianSpectrum } from './jacobianSpectrum.js';
import { type LyapunovSpectrum, lyapunovSpectrum } from './lyapunov.js';
import { type MemoryExponentsResult, memoryExponents } from './memory/index.js';
import { runTrajectories } from './trajectories.js';

/** Options of {@link analyzeCell}; defaults are the audit's. */
export interface AnalyzeCellOptions {
  /** Sequences N (default 64). */
  sequences?: number;
  /** Recorded steps per sequence T (default 2048). */
  steps?: number;
  /** Burn-in steps discarded before recording (default 256). */
  burnIn?: number;
  seed?: number;
  /** Input process (default 'gaussian'). */
  input?: InputSpec | InputProcess | string;
  /** Visited states at which the Jacobian spectrum is evaluated (default 256). */
  jacobianStates?: number;
  /** Top Lyapunov exponents k (default 16; 0 skips). */
  lyapunovExponents?: number;
  /** Steps of the Lyapunov run after its transient (default T). */
  lyapunovSteps?: number;
  /** Largest correlation lag K (default min(1024, T - 1)). */
  maxLag?: number;
  /** Leading principal components for the memory exponents (default 3). */
  memoryComponents?: number;
  /** Bootstrap replicates of the correlation verdict (default 200). */
  bootstrapReplicates?: number;
  /** Called at the start of each phase (for progress on stderr). */
  onPhase?: (phase: string) => void;
}

/** Gaussian-channel information of the cell's candidate recurrent matrix (Theorem 1.2, corrected). */
export interface ChannelInformation {
  /** I of Y = W_h X + eps, X ~ N(0, I), eps ~ N(0, I): sum over blocks, nats. */
  readonly mutualInformationNats: number;
  /** Proposition 1.4's d_h/2 log 2 at eta = sigma = 1, for comparison (exact only for orthogonal W_h). */
  readonly proposition14Nats: number;
  readonly channels: number;
  readonly blocks: number;
}

/** Everything {@link analyzeCell} measured, as plain data. */
export interface CellAnalysis {
  readonly cell: {
    readonly kind: string;
    readonly variant: string;
    readonly groups: number;
    readonly inputSize: number;
    readonly hiddenSize: number;
    readonly stateSize: number;
    readonly parameterCount: number;
    readonly flopsPerStep: number;
  };
  readonly options: Required<Omit<AnalyzeCellOptions, 'onPhase' | 'input'>> & { readonly input: string };
  readonly jacobian: JacobianSpectrumReport;
  readonly lyapunov: LyapunovSpectrum | null;
  readonly correlation: CorrelationSums;
  readonly memory: MemoryExponentsResult;
  readonly stepInformation: StepMutualInformation;
  readonly channel: ChannelInformation | null;
  readonly gates: GateSaturationReport;
  /** Seconds per phase. */
  readonly seconds: Record<string, number>;
}

function denseOrFactorized(cell: Cell): cell is GruCell | LstmCell | FactorizedCell {
  return cell instanceof GruCell || cell instanceof LstmCell || cell instanceof FactorizedCell;
}

/**
 * Runs every measure on one cell (or a stack, given as an array of layers).
 *
 * @throws AnalysisInputError when the options are out of range (e.g. maxLag >= steps)
 */
export function analyzeCell(cellOrLayers: Cell | readonly Cell[], options: AnalyzeCellOptions = {}): CellAnalysis {
  const fn = 'analyzeCell';
  const sequences = options.sequences ?? 64;
  const steps = options.steps ?? 2048;
  const burnIn = options.burnIn ?? 256;
  const seed = options.seed ?? 0;
  const input = options.input ?? 'gaussian';
  const jacobianStates = options.jacobianStates ?? 256;
  const lyapunovExponents = options.lyapunovExponents ?? 16;
  const lyapunovSteps = options.lyapunovSteps ?? steps;
  const maxLag = options.maxLag ?? Math.min(1024, steps - 1);
  const memoryComponents = options.memoryComponents ?? 3;
  const bootstrapReplicates = options.bootstrapReplicates ?? 200;
  if (!(maxLag >= 1 && maxLag < steps)) throw new AnalysisInputError(`${fn}: maxLag is ${maxLag}, expected 1 <= maxLag < steps = ${steps}`);
  const layers = Array.isArray(cellOrLayers) ? (cellOrLayers as readonly Cell[]) : [cellOrLayers as Cell];
  const top = layers[layers.length - 1] as Cell;
  const seconds: Record<string, number> = {};
  const timed = <T>(phase: string, f: () => T): T => {
    options.onPhase?.(phase);
    const t = process.hrtime.bigint();
    const out = f();
    seconds[phase] = Number(process.hrtime.bigint() - t) / 1e9;
    return out;
  };
  const traj = { sequences, steps, burnIn, seed, input };
  const series = timed('trajectories', () => runTrajectories(cellOrLayers, { ...traj, record: 'output' }));
  const correlation = timed('correlation', () => correlationSums(series, { maxLag, bootstrap: bootstrapReplicates > 0 ? { replicates: bootstrapReplicates, seed } : false }));
  const memory = timed('memory', () => memoryExponents(series, { components: Math.min(memoryComponents, top.hiddenSize), aggregatedVariance: { bootstrapReplicates: 0 } }));
  const stepInformation = timed('stepInformation', () => empiricalStepMutualInformation(series, { estimators: ['gaussian'] }));
  const jacobian = timed('jacobian', () => jacobianSpectrum(cellOrLayers, { ...traj, sample: { count: jacobianStates } }));
  const lyapunov =
    lyapunovExponents > 0
      ? timed('lyapunov', () => lyapunovSpectrum(cellOrLayers, { steps: lyapunovSteps, burnIn, seed, input }, Math.min(lyapunovExponents, layers.reduce((s, c) => s + c.stateSize, 0))))
      : null;
  const gates = timed('gates', () => gateSaturation(cellOrLayers, { ...traj, sequences: Math.min(sequences, 8) }));
  const channel = timed('channel', () => {
    if (layers.length !== 1 || !denseOrFactorized(top)) return null;
    const blocks = candidateRecurrentBlocks(top);
    return {
      mutualInformationNats: blocks.reduce((s, b) => s + gaussianChannelMutualInformation(b, 1, 1), 0),
      proposition14Nats: proposition14MutualInformation(top.hiddenSize, 1, 1),
      channels: top.hiddenSize,
      blocks: blocks.length,
    };
  });
  return {
    cell: { kind: top.kind, variant: top.variant, groups: top.groups, inputSize: layers[0]!.inputSize, hiddenSize: top.hiddenSize, stateSize: layers.reduce((s, c) => s + c.stateSize, 0), parameterCount: layers.reduce((s, c) => s + c.parameterCount, 0), flopsPerStep: layers.reduce((s, c) => s + c.flopsPerStep, 0) },
    options: { sequences, steps, burnIn, seed, input: typeof input === 'string' ? input : JSON.stringify('kind' in input ? input.kind : 'process'), jacobianStates, lyapunovExponents, lyapunovSteps, maxLag, memoryComponents, bootstrapReplicates },
    jacobian,
    lyapunov,
    correlation,
    memory,
    stepInformation,
    channel,
    gates,
    seconds,
  };
}
