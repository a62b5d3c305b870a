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
import { type CorrelationSums, type DependenceAssessment, correlationSums, dependenceVerdict } from './correlation/index.js';
import { type StateMemory, stateMemory } from './stateMemory.js';
import { AnalysisInputError } from './errors.js';
import { type GateSaturationReport, type GateStatistics, gateSaturationReport, hiddenBound } from './gateSaturation.js';
import { candidateRecurrentBlocks } from './information/curve.js';
import { gaussianChannelMutualInformation } from './information/gaussianChannel.js';
import { gaussianMutualInformationFromCovariance } from './information/gaussianEstimator.js';
import { type PairMoments, type PairMomentsSpec, addPairMoments, emptyPairMoments, pairCovariance, pairMomentsPart, pooledMean } from './information/pairMoments.js';
import { proposition14MutualInformation } from './information/proposition14.js';
import type { StepMutualInformation } from './information/stepInformation.js';
import { drivenInputProcess } from './drivenInput.js';
import { type InputProcess, type InputSpec, resolveInputProcess } from './inputs.js';
import { type JacobianEigenvaluesAt, type JacobianSolver, type JacobianSpectraAt, type JacobianSpectrumReport, jacobianReport } from './jacobianSpectrum.js';
import { type LyapunovSpectrum, lyapunovSpectrum } from './lyapunov.js';
import type { MemoryExponentsResult } from './memory/index.js';
import { covarianceComponents, memoryFromComponents } from './memoryFromMoments.js';
import { type CellDescription, HelperThread, HelperUnavailableError, defaultWorkers, describeCell, describeInput, seriesViews } from './parallel/helper.js';
import { finishJacobianWork, startJacobianWork } from './parallel/jacobianShare.js';
import { type SharedPassPart, mergeSharedPassParts, sharedPassRange } from './sharedPass.js';
import { resolveTrajectory } from './trajectories.js';
import { formatSeconds } from '../internal/formatSeconds.js';

/** Histogram bins of the gate-saturation report. */
const GATE_BINS = 20;
/** Sequences stepped together in the shared pass. */
const PASS_BATCH = 32;
/** informationComponents 'auto': all channels up to this width, else this many leading PCs. */
const AUTO_INFORMATION_LIMIT = 256;

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
  /**
   * Layers below the analysed cell (first = lowest): the input is passed through them
   * ({@link drivenInputProcess}) and the cell sees their top output, as a layer of a stacked
   * network does; every measure is then the analysed cell's own (its state, its Jacobian
   * block, its Lyapunov cocycle). Default none.
   */
  drivenThrough?: readonly Cell[];
  /** Visited states at which the Jacobian spectrum is evaluated (default 256). */
  jacobianStates?: number;
  /**
   * Of those, how many keep the full eigenvalues of J_t (per unit block), evenly spread over
   * the jacobianStates samples (default 0: none; at most jacobianStates). For figures.
   */
  eigenvalueStates?: number;
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
  /**
   * Threads (default 2 when the machine has at least 2 CPUs, else 1; at most 2 are used): with 2,
   * a helper thread runs half of the trajectories, half of the pooled moments and the
   * correlation sums while the main thread runs the rest. Every number is the same
   * bit for bit as with `workers: 1` (each task computes exactly what the main thread would,
   * and partial sums are combined in a fixed order). Dense and factorized GRU/LSTM cells only
   * (other cells, custom input processes, and runs from the TypeScript sources use 1).
   */
  workers?: number;
  /** Sequences whose gate values feed the gate-saturation report (default min(N, 8)). */
  gateSequences?: number;
  /**
   * Basis of the empirical step information I(h_t; h_{t+1}): 'all' channels, or the leading r
   * principal components of the pooled covariance of h (a lower bound on the all-channel
   * Gaussian information, by data processing). Default 'auto': all channels when
   * hiddenSize <= 256, else the leading 256 components.
   */
  informationComponents?: number | 'all' | 'auto';
  /** Jacobian spectra solver (default 'iterative'; see {@link JacobianSolver}). */
  jacobianSolver?: JacobianSolver;
  /**
   * Called at the start of each phase, and inside the long ones (trajectories, Lyapunov,
   * Jacobian) with the percentage done and the phase's ETA, e.g. 'lyapunov 40%, phase ETA
   * 25 s' (for progress on stderr).
   */
  onPhase?: (phase: string) => void;
  /** Least milliseconds between two progress messages inside a phase (default 10 000; 0: every update, for tests). */
  progressIntervalMs?: number;
  /** Called once at the end with the wall time and how the work was spread (see {@link AnalysisTiming}). */
  onTiming?: (timing: AnalysisTiming) => void;
}

/** Wall time of an {@link analyzeCell} call, the shared moments phase, and the threads used. */
export interface AnalysisTiming {
  readonly totalSeconds: number;
  /** The pooled second moments shared by memory and stepInformation (not in `seconds`). */
  readonly momentsSeconds: number;
  /** Threads that ran (1, or 2 with a helper thread; 1 when the helper could not start). */
  readonly workers: number;
  /** Phases that ran on the helper thread, concurrently with the main thread's (correlation; jacobian and eigenvalues: shared by both threads). */
  readonly helperPhases: readonly string[];
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
  readonly options: Required<Omit<AnalyzeCellOptions, 'onPhase' | 'onTiming' | 'progressIntervalMs' | 'input' | 'informationComponents' | 'drivenThrough'>> & { readonly input: string; readonly informationComponents: number };
  readonly jacobian: JacobianSpectrumReport;
  /** All eigenvalues of J_t per unit block at `options.eigenvalueStates` of the sampled states ([] by default). */
  readonly jacobianEigenvalues: JacobianEigenvaluesAt[];
  readonly lyapunov: LyapunovSpectrum | null;
  readonly correlation: CorrelationSums;
  readonly memory: MemoryExponentsResult;
  /** Local Whittle memory of the leading principal components of h ({@link stateMemory}). */
  readonly stateMemory: StateMemory;
  /**
   * The reported verdict: the correlation verdict checked against the state's regime (top
   * Lyapunov exponent, local Whittle total memory) and memory ({@link dependenceVerdict}).
   */
  readonly assessment: DependenceAssessment;
  readonly stepInformation: StepMutualInformation;
  readonly channel: ChannelInformation | null;
  readonly gates: GateSaturationReport;
  /**
   * Seconds per phase: trajectories, correlation, memory, stepInformation, jacobian, lyapunov
   * (when computed), eigenvalues (when asked), gates, channel. With 2 workers, correlation is the helper thread's time,
   * concurrent with memory, stepInformation and lyapunov on the main thread, and jacobian
   * (the spectra and rho(U_k) of the gate matrices) and eigenvalues the compute seconds of both
   * threads on their shares (so the phases overlap in wall time).
   */
  readonly seconds: Record<string, number>;
}

function denseOrFactorized(cell: Cell): cell is GruCell | LstmCell | FactorizedCell {
  return cell instanceof GruCell || cell instanceof LstmCell || cell instanceof FactorizedCell;
}

/** Least milliseconds between two progress messages inside a phase. */
const PROGRESS_INTERVAL_MS = 10_000;

/**
 * Runs every measure on one cell (or a stack, given as an array of layers).
 *
 * Method (one trajectory pass shared by every phase):
 * 1. trajectories: N sequences x (burnIn + T) steps, once, batched through the cell's
 *    stepBatch (bit-identical to step). The pass records the outputs h_t, copies the visited
 *    states (s_t, x_t) at the global indices floor((k + 1/2) N T / S), k < S (the sampling of
 *    jacobianSpectrum with { count: S }), and accumulates the gate statistics of the first
 *    `gateSequences` sequences (as gateSaturation on those sequences).
 * 2. moments: the pooled second moments of h (sum h h^T over all rows and sum h_t h_{t+1}^T,
 *    register-tiled kernels), shared by the memory exponents (the covariance whose leading PCs
 *    they analyse) and the step information (the joint covariance of (h_t, h_{t+1})).
 * 3. correlation sums and verdict (crossCorrelationNorms' time-average engine, unchanged).
 * 4. memory exponents: memoryExponents of the series projected on the leading PCs of that
 *    covariance (the same components, DFA/GPH/aggregated variance inputs to rounding), reported
 *    with the full-space eigenvalues, variances and loadings; local Whittle (univariate and
 *    multivariate) on the 8 leading PCs ({@link stateMemory}), which with the top Lyapunov
 *    exponent checks the correlation verdict ({@link dependenceVerdict}: `assessment`).
 * 5. step information: the Gaussian log-det estimate from the joint covariance of the pairs
 *    (empiricalStepMutualInformation's estimator; on PCs when informationComponents says so).
 * 6. Jacobian spectra at the sampled states (solver 'iterative' by default: Arnoldi / Lanczos
 *    to a relative residual of 1e-10, exact fallbacks), all eigenvalues of J_t at
 *    `eigenvalueStates` of those states (samples floor((j + 1/2) S / E), j < E), top-k Lyapunov exponents (QR, one
 *    long run), gate saturation, Gaussian-channel information.
 * With 2 workers, a helper thread takes half of 1 and 2, then the correlation sums (and, for
 * wide states, half of the projected moments of 5) while the main thread computes 4, 5 and the
 * Lyapunov run; the helper then starts on the Jacobian work (the eigenvalue states first, then
 * chunks of the samples), which the main thread joins after the Lyapunov run, each claiming
 * items until none is left (parallel/jacobianShare.ts). The numbers do not change.
 *
 * @throws AnalysisInputError when the options are out of range (e.g. maxLag >= steps)
 */
export function analyzeCell(cellOrLayers: Cell | readonly Cell[], options: AnalyzeCellOptions = {}): CellAnalysis {
  const fn = 'analyzeCell';
  const t0 = process.hrtime.bigint();
  const sequences = options.sequences ?? 64;
  const steps = options.steps ?? 2048;
  const burnIn = options.burnIn ?? 256;
  const seed = options.seed ?? 0;
  const input = options.input ?? 'gaussian';
  const jacobianStates = options.jacobianStates ?? 256;
  const eigenvalueStates = options.eigenvalueStates ?? 0;
  const lyapunovExponents = options.lyapunovExponents ?? 16;
  const lyapunovSteps = options.lyapunovSteps ?? steps;
  const maxLag = options.maxLag ?? Math.min(1024, steps - 1);
  const memoryComponents = options.memoryComponents ?? 3;
  const bootstrapReplicates = options.bootstrapReplicates ?? 200;
  const workers = options.workers ?? defaultWorkers();
  const gateSequences = options.gateSequences ?? Math.min(sequences, 8);
  const informationComponents = options.informationComponents ?? 'auto';
  const jacobianSolver = options.jacobianSolver ?? 'iterative';
  if (!(maxLag >= 1 && maxLag < steps)) throw new AnalysisInputError(`${fn}: maxLag is ${maxLag}, expected 1 <= maxLag < steps = ${steps}`);
  if (!Number.isSafeInteger(workers) || workers < 1) throw new AnalysisInputError(`${fn}: workers is ${String(workers)}, expected an integer >= 1`);
  if (!Number.isSafeInteger(gateSequences) || gateSequences < 1 || gateSequences > sequences) throw new AnalysisInputError(`${fn}: gateSequences is ${String(gateSequences)}, expected an integer in 1..${sequences} (sequences)`);
  if (informationComponents !== 'all' && informationComponents !== 'auto' && (!Number.isSafeInteger(informationComponents) || informationComponents < 1)) {
    throw new AnalysisInputError(`${fn}: informationComponents is ${String(informationComponents)}, expected 'auto', 'all' or an integer >= 1`);
  }
  const layers = Array.isArray(cellOrLayers) ? (cellOrLayers as readonly Cell[]) : [cellOrLayers as Cell];
  const top = layers[layers.length - 1] as Cell;
  const sec: Record<string, number> = {};
  // Progress inside the long phases (trajectories, Lyapunov, Jacobian spectra): at most every
  // progressIntervalMs, with the phase's ETA from its rate so far.
  const progressIntervalMs = options.progressIntervalMs ?? PROGRESS_INTERVAL_MS;
  let lastProgress = Date.now();
  const phaseStart = new Map<string, number>();
  const within = (phase: string, fraction: number): void => {
    if (!options.onPhase || Date.now() - lastProgress < progressIntervalMs) return;
    lastProgress = Date.now();
    const spent = (Date.now() - (phaseStart.get(phase) ?? Date.now())) / 1000;
    const eta = fraction > 0 && fraction < 1 ? `, phase ETA ${formatSeconds((spent * (1 - fraction)) / fraction)}` : '';
    options.onPhase(`${phase} ${Math.round(100 * fraction)}%${eta}`);
  };
  const startPhase = (phase: string): void => {
    phaseStart.set(phase, Date.now());
    options.onPhase?.(phase);
  };
  const timed = <T>(phase: string, f: () => T): T => {
    startPhase(phase);
    const t = process.hrtime.bigint();
    const out = f();
    sec[phase] = Number(process.hrtime.bigint() - t) / 1e9;
    return out;
  };
  const below = options.drivenThrough ?? [];
  const drive = (base: InputSpec | InputProcess | string): InputSpec | InputProcess | string =>
    below.length === 0 ? base : drivenInputProcess(resolveInputProcess(base, (below[0] as Cell).inputSize, fn), below);
  const traj = { sequences, steps, burnIn, seed, input: drive(input) };
  const resolved = resolveTrajectory(cellOrLayers, traj, 'runTrajectories');
  const cell = resolved.cell;
  const N = resolved.sequences, T = resolved.steps, H = cell.hiddenSize;
  const total = N * T;
  if (!Number.isSafeInteger(jacobianStates) || jacobianStates < 1 || jacobianStates > total) {
    throw new AnalysisInputError(`jacobianSpectrum: sample.count is ${String(jacobianStates)}, expected an integer in 1..${total} (sequences x steps)`);
  }
  if (!Number.isSafeInteger(eigenvalueStates) || eigenvalueStates < 0 || eigenvalueStates > jacobianStates) {
    throw new AnalysisInputError(`${fn}: eigenvalueStates is ${String(eigenvalueStates)}, expected an integer in 0..${jacobianStates} (jacobianStates)`);
  }
  const kLyap = Math.min(lyapunovExponents, layers.reduce((acc, c) => acc + c.stateSize, 0));

  const description = workers > 1 && N >= 2 ? describeCell(cell) : null;
  const inputData = description ? describeInput(input) : null;
  const belowData = below.map(describeCell);
  const helper = description && inputData !== null && belowData.every((d) => d !== null) ? HelperThread.start({ cell: description, drivenThrough: belowData as CellDescription[] }) : null;
  let helperFailed = false;
  /** The helper's result for `ticket`, or `fallback()` on this thread when the helper could not run (the same numbers). */
  const collect = <T>(ticket: number | undefined, fallback: () => T): { result: T; seconds: number | null } => {
    if (helper && ticket !== undefined && !helperFailed) {
      try {
        return helper.wait<T>(ticket);
      } catch (e) {
        if (!(e instanceof HelperUnavailableError)) throw e;
        helperFailed = true;
      }
    }
    return { result: fallback(), seconds: null };
  };
  try {
    // 1. One trajectory pass: outputs, Jacobian sample states, gate statistics.
    const mid = Math.ceil(N / 2);
    const buffer = helper ? new SharedArrayBuffer(total * H * 8) : new ArrayBuffer(total * H * 8);
    const series = seriesViews(buffer, N, T, H);
    const chosen = new Set<number>();
    for (let k = 0; k < jacobianStates; k++) chosen.add(Math.floor(((k + 0.5) * total) / jacobianStates));
    const samples = [...chosen].sort((a, b) => a - b);
    const planData = { samples, gateSequences, bins: GATE_BINS, batch: PASS_BATCH };
    const pass = timed('trajectories', () => {
      const ticket = helper?.post('pass', { trajectory: { ...traj, input: inputData }, outputs: buffer, plan: planData, from: mid, to: N, fn: 'runTrajectories' });
      const mine = helper ? mid : N;
      const parts: SharedPassPart[] = [sharedPassRange(resolved, { ...planData, outputs: series.map((x) => x.data) }, 0, mine, 'runTrajectories', (done) => within('trajectories', done / mine))];
      if (helper) parts.push(collect(ticket, () => sharedPassRange(resolved, { ...planData, outputs: series.map((x) => x.data) }, mid, N, 'runTrajectories')).result);
      return mergeSharedPassParts(parts);
    });

    // 2. Pooled moments (sum h h^T, sum h_t h_{t+1}^T) in two fixed halves of the sequences.
    const r = informationComponents === 'auto' ? (H <= AUTO_INFORMATION_LIMIT ? H : AUTO_INFORMATION_LIMIT) : informationComponents === 'all' ? H : Math.min(informationComponents, H);
    const pcInformation = r < H;
    // Moments of the two fixed halves, combined in order (so 1 or 2 threads give the same bytes).
    const combine = (a: PairMoments, b: PairMoments): PairMoments => {
      const m = emptyPairMoments(a.width);
      addPairMoments(m, a);
      addPairMoments(m, b);
      return m;
    };
    const momentsPart = (spec: PairMomentsSpec, cross: boolean): (() => PairMoments) => {
      // The second half on the helper (if any), collected by the returned function.
      const ticket = helper?.post('moments', { outputs: buffer, sequences: N, rows: T, cols: H, spec, from: mid, to: N, cross });
      const a = pairMomentsPart(series, spec, 0, mid, cross);
      return () => combine(a, collect(ticket, () => pairMomentsPart(series, spec, mid, N, cross)).result);
    };
    const { shift, allMoments } = timed('moments', () => {
      const c = pooledMean(series, null, 0);
      return { shift: c, allMoments: momentsPart({ lag: 1, burnIn: 0, channels: null, projection: null, shift: c }, !pcInformation)() };
    });

    // 3-6. With a helper, it runs the correlation sums (then, for wide states, half of the
    // projected moments) while the main thread runs memory, step information, the Jacobian
    // spectra and the Lyapunov run.
    const correlationOptions = { maxLag, bootstrap: bootstrapReplicates > 0 ? { replicates: bootstrapReplicates, seed } : (false as const) };
    let correlationTicket: number | undefined;
    if (helper) {
      startPhase('correlation');
      correlationTicket = helper.post('correlation', { outputs: buffer, sequences: N, rows: T, cols: H, options: correlationOptions });
    }
    const correlationHere = helper ? null : timed('correlation', () => correlationSums(series, correlationOptions));
    const { pca, memory } = timed('memory', () => {
      const comps = covarianceComponents(allMoments, shift);
      return { pca: comps, memory: memoryFromComponents(series, comps, Math.min(memoryComponents, top.hiddenSize)) };
    });
    const memoryLW = timed('localWhittle', () => stateMemory(series, pca));
    // Step information: the joint covariance of (h_t, h_{t+1}) (all channels: from allMoments;
    // wide states: from the moments of the projections on the leading r PCs, half of them on
    // the helper, collected after the correlation sums so that waiting is not counted as work).
    const projected = timed('stepInformation', () => {
      if (!pcInformation) return null;
      const w = new Float64Array(r * H);
      for (let c = 0; c < r; c++) w.set(pca.vectors[c] as Float64Array, c * H);
      const spec: PairMomentsSpec = { lag: 1, burnIn: 0, channels: null, projection: { matrix: w, rows: r }, shift };
      const ticket = helper?.post('moments', { outputs: buffer, sequences: N, rows: T, cols: H, spec, from: mid, to: N, cross: true });
      return { spec, ticket, a: pairMomentsPart(series, spec, 0, mid, true) };
    });
    // The Jacobian work (full eigenvalues at a few states, the spectra at all samples) is
    // posted now, so that the helper starts on it as soon as it is done with the correlation
    // sums; this thread runs the Lyapunov chain (sequential) and then joins it (items claimed
    // by either thread; the same numbers).
    const S = pass.samples.length;
    const eigenPicks = eigenvalueStates > 0 ? [...new Set(Array.from({ length: eigenvalueStates }, (_, j) => Math.floor(((j + 0.5) * S) / eigenvalueStates)))] : [];
    const work = startJacobianWork(
      pass.samples,
      jacobianSolver,
      helper && !helperFailed ? helper : null,
      eigenPicks.map((m) => pass.samples[m] as (typeof pass.samples)[number]),
    );
    const lyapunov = kLyap > 0 ? timed('lyapunov', () => lyapunovSpectrum(cellOrLayers, { steps: lyapunovSteps, burnIn, seed, input: traj.input, onProgress: (f) => within('lyapunov', f) }, kLyap)) : null;
    startPhase('jacobian');
    const shared = finishJacobianWork(cell, work, (claimed, items) => within('jacobian', claimed / items));
    const jacobianSpectra = shared.spectra;
    // Compute seconds of both threads together (they overlap in wall time).
    sec.jacobian = shared.mainSeconds + shared.helperSeconds + shared.recurrentSeconds;
    if (eigenvalueStates > 0) sec.eigenvalues = shared.eigenvalueSeconds;
    const jacobianEigenvalues = shared.eigenvalues;
    let correlation: CorrelationSums;
    if (helper) {
      const c = collect(correlationTicket, () => timed('correlation', () => correlationSums(series, correlationOptions)));
      correlation = c.result;
      if (c.seconds !== null) sec.correlation = c.seconds;
    } else {
      correlation = correlationHere as CorrelationSums;
    }
    const half = projected ? collect(projected.ticket, () => pairMomentsPart(series, projected.spec, mid, N, true)) : null;
    const partSeconds = sec.stepInformation ?? 0;
    const stepInformation = timed('stepInformation', () => {
      let m = allMoments;
      let basis: StepMutualInformation['basis'];
      if (projected && half) {
        m = combine(projected.a, half.result);
        basis = { kind: 'principal-components', components: r, varianceExplained: pca.eigenvalues.slice(0, r).reduce((acc, v) => acc + v, 0) / pca.trace };
      }
      const { cov, n } = pairCovariance(m);
      const gaussian = gaussianMutualInformationFromCovariance(cov, r, r, n, {}, 'gaussianMutualInformation');
      return { pairs: n, lag: 1, dimension: r, gaussian, ksg: null, ...(basis ? { basis } : {}) } as StepMutualInformation;
    });
    // Main-thread time of the phase (its half of the projected moments, then the estimate); the
    // helper's half ran concurrently, after the correlation sums.
    sec.stepInformation = (sec.stepInformation ?? 0) + partSeconds;
    const jacobian = jacobianReport(cell, pass.samples, jacobianSpectra, { sequences: N, steps: T, burnIn: resolved.burnIn, input: resolved.process.description }, shared.recurrent);
    const gates = timed('gates', () =>
      gateSaturationReport(cell, pass.gates as GateStatistics, { stateInf: hiddenBound(cell, resolved.initialState, fn), sequences: gateSequences, steps: T, burnIn: resolved.burnIn, input: resolved.process.description }),
    );
    const channel = timed('channel', () => {
      if (layers.length !== 1 || !denseOrFactorized(top)) return null;
      const blocks = candidateRecurrentBlocks(top);
      return {
        mutualInformationNats: blocks.reduce((acc, b) => acc + gaussianChannelMutualInformation(b, 1, 1), 0),
        proposition14Nats: proposition14MutualInformation(top.hiddenSize, 1, 1),
        channels: top.hiddenSize,
        blocks: blocks.length,
      };
    });
    const ordered: Record<string, number> = {};
    const assessment = dependenceVerdict(correlation, memoryLW, { topLyapunovPerStep: lyapunov?.lyapunovPerStep[0] ?? null, steps: T });
    for (const phase of ['trajectories', 'correlation', 'memory', 'localWhittle', 'stepInformation', 'jacobian', 'eigenvalues', 'lyapunov', 'gates', 'channel']) {
      if (sec[phase] !== undefined) ordered[phase] = sec[phase] as number;
    }
    options.onTiming?.({ totalSeconds: Number(process.hrtime.bigint() - t0) / 1e9, momentsSeconds: sec.moments ?? 0, workers: helper && !helperFailed ? 2 : 1, helperPhases: helper && !helperFailed ? ['correlation', 'jacobian', ...(eigenvalueStates > 0 ? ['eigenvalues'] : [])] : [] });
    return {
      cell: { kind: top.kind, variant: top.variant, groups: top.groups, inputSize: layers[0]!.inputSize, hiddenSize: top.hiddenSize, stateSize: layers.reduce((acc, c) => acc + c.stateSize, 0), parameterCount: layers.reduce((acc, c) => acc + c.parameterCount, 0), flopsPerStep: layers.reduce((acc, c) => acc + c.flopsPerStep, 0) },
      options: {
        sequences,
        steps,
        burnIn,
        seed,
        input: typeof input === 'string' ? input : JSON.stringify('kind' in input ? input.kind : 'process'),
        jacobianStates,
        eigenvalueStates,
        lyapunovExponents,
        lyapunovSteps,
        maxLag,
        memoryComponents,
        bootstrapReplicates,
        workers,
        gateSequences,
        informationComponents: r,
        jacobianSolver,
      },
      jacobian,
      jacobianEigenvalues,
      lyapunov,
      correlation,
      memory,
      stateMemory: memoryLW,
      assessment,
      stepInformation,
      channel,
      gates,
      seconds: ordered,
    };
  } finally {
    helper?.close();
  }
}
