/**
 * The audit document (audit.json, schema `schemas/audit.schema.json`): per recurrent layer of a
 * checkpoint, the measures of the design card, and the model's verdict.
 *
 *     checkpoint --readCheckpoint--> cells --chains--> analyzeCell per layer --> AuditDocument
 *
 * Same seed, same bytes: the document holds no timings (they go to timings.json) and no
 * absolute paths (the checkpoint is named by its base name and content hash).
 *
 * @module
 */
import { AnalysisInputError } from '../analysis/errors.js';
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { analyzeCell, type AnalyzeCellOptions, type CellAnalysis, type ChannelInformation } from '../analysis/analyzeCell.js';
import type { DependenceVerdict } from '../analysis/correlation/index.js';
import { gaussianChannelMutualInformation } from '../analysis/information/gaussianChannel.js';
import type { RecurrentSpectralRadius } from '../analysis/jacobianSpectrum.js';
import { candidateRecurrentBlocks } from '../analysis/information/curve.js';
import { proposition14MutualInformation } from '../analysis/information/proposition14.js';
import { FactorizedCell } from '../cells/factorized.js';
import { ContextSwitchingCell } from '../cells/contextSwitching.js';
import { GruCell } from '../cells/gru.js';
import { LstmCell } from '../cells/lstm.js';
import type { Cell } from '../cells/types.js';
import type { Checkpoint, LayerInfo } from '../checkpoints/types.js';
import { blockDiagonal } from '../linalg/blockDiagonal.js';
import { spectralRadius } from '../linalg/eigenvalues.js';
import { type HorizonTry, analyseWithAdaptiveHorizon } from './adaptiveHorizon.js';
import { formatSeconds } from '../internal/formatSeconds.js';

/** Visited states (at most) whose full Jacobian eigenvalues audit.json keeps per layer. */
export const JACOBIAN_EIGENVALUE_STATES = 4;

/** Schema identifier written into every audit.json. */
export const AUDIT_SCHEMA_ID = 'https://github.com/lrdkit/lrdkit/schemas/audit.schema.json#v1';

/** Options of {@link auditCheckpoint}: the run (defaults are the CLI's). */
export interface AuditOptions {
  sequences: number;
  steps: number;
  burnIn: number;
  maxLag: number;
  seed: number;
  input: string;
  jacobianStates: number;
  lyapunovExponents: number;
  bootstrapReplicates: number;
  /** Audit only the layer with this name. */
  layer?: string;
  /**
   * Adaptive horizon: a layer inconclusive for lack of record is analysed again with doubled
   * steps (and maxLag) up to this many steps ({@link analyseWithAdaptiveHorizon}). Absent or
   * equal to steps: the horizon is fixed.
   */
  maxSteps?: number;
  /** Called at the start of each layer and phase (with the elapsed time and an ETA). */
  onProgress?: (message: string) => void;
  /** The up-front estimate of the whole audit in seconds (src/cli/auditPreflight.ts), for the first ETA. */
  expectedSeconds?: number;
}

/** {min, median, max} of a sample. */
export interface Range3 {
  readonly min: number;
  readonly median: number;
  readonly max: number;
}

/** One layer's entry in audit.json. */
export interface LayerAudit {
  readonly name: string;
  readonly direction: 'forward' | 'backward';
  readonly depth: number;
  /** Layers driven below this one, in order (the audited chain), or [] when driven directly. */
  readonly drivenThrough: string[];
  readonly kind: 'gru' | 'lstm';
  readonly variant: string;
  readonly groups: number;
  readonly detectedGroups: number;
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly parameterCount: number;
  /** rho of the candidate's recurrent matrix W_h (GRU U_n, LSTM U_g; block diagonal for factorized cells). */
  readonly spectralRadiusWh: number;
  readonly jacobian: {
    readonly spectralRadius: Range3;
    readonly spectralNorm: Range3;
    readonly states: number;
    /**
     * rho(J_t) and ||J_t||_2 (dimensionless) of this layer's diagonal block(s) at every sampled
     * visited state, in (sequence, step) order. Absent in documents written before it was added.
     */
    readonly trace?: { readonly sequence: number[]; readonly step: number[]; readonly spectralRadius: number[]; readonly spectralNorm: number[] };
    /**
     * All eigenvalues of this layer's diagonal block(s) of J_t at {@link JACOBIAN_EIGENVALUE_STATES}
     * of the sampled states, per unit ('cell', 'block b', 'expert b', 'auxiliary'). Absent in
     * documents written before it was added.
     */
    readonly eigenvalues?: { readonly sequence: number; readonly step: number; readonly units: { readonly label: string; readonly re: number[]; readonly im: number[] }[] }[];
  };
  readonly lyapunov: { readonly exponents: number[]; readonly standardErrors: number[]; readonly unit: 'nats/step' };
  readonly correlation: {
    readonly lags: number[];
    readonly norm: number[];
    readonly partialSum: number[];
    readonly noiseFloor: number[];
    /** The reported verdict (the correlation verdict checked against the regime and the local Whittle memory). */
    readonly verdict: DependenceVerdict;
    readonly reason: string;
    /** The verdict in one plain sentence. Absent in documents written before issue 13. */
    readonly sentence?: string;
    /** The correlation verdict alone, before the regime and memory checks. Absent before issue 13. */
    readonly correlationVerdict?: DependenceVerdict;
    /** The state's regime and why. Absent before issue 13. */
    readonly regime?: { readonly kind: 'stationary' | 'near-integrating' | 'expanding'; readonly reason: string };
    /** Whether the record resolves the decay, and the steps per sequence that would (null: not applicable). Absent before issue 13. */
    readonly resolution?: 'resolved' | 'unresolved' | 'no-resolution' | null;
    readonly stepsToResolve?: number | null;
    /** Share of the variance carried by a path common to all sequences (null: one sequence). Absent before issue 13. */
    readonly commonPathFraction?: number | null;
    readonly evidence: {
      readonly powerLawExponent: number | null;
      readonly powerLawInterval: [number, number] | null;
      readonly exponentialDecayLength: number | null;
      readonly powerLawFitsBetter: boolean | null;
      readonly sumEstimate: number | null;
      readonly components: number;
      readonly varianceExplained: number;
    };
    /**
     * The fitted decay curves behind the verdict, on the lags `range` (the log-grid lags above
     * the noise floor; null without a fit): exponential norm = amplitude exp(slopePerLag k),
     * power law norm = amplitude k^-exponent. Absent in documents written before it was added.
     */
    readonly fits?: {
      readonly range: [number, number] | null;
      readonly exponential: { readonly amplitude: number; readonly slopePerLag: number } | null;
      readonly powerLaw: { readonly amplitude: number; readonly exponent: number } | null;
    };
  };
  /**
   * Local Whittle memory of the leading principal components of h: univariate d per component,
   * the multivariate (Shimotsu) estimate, total memory (mean d) and its one-sided test of d > 0.
   * Absent in documents written before issue 13; error non-null when it could not be estimated.
   */
  readonly localWhittle?: {
    readonly components: number;
    readonly varianceExplained: number;
    readonly bandwidth: number;
    readonly univariate: { readonly d: number; readonly standardError: number }[];
    readonly d: number[];
    readonly standardErrors: number[];
    readonly totalMemory: number | null;
    readonly totalMemoryStandardError: number | null;
    readonly totalMemoryZ: number | null;
    readonly totalMemoryPValue: number | null;
    /**
     * Bandwidth stability (rule version 3): the total memory at the smaller bandwidth
     * floor(n^0.5) and the Hausman-type z of its change; LRD needs z >= -1.645. Absent in
     * documents written before it.
     */
    readonly smallBandwidth?: number;
    readonly totalMemorySmallBandwidth?: number | null;
    readonly bandwidthStabilityZ?: number | null;
    readonly error: string | null;
  };
  /**
   * Every horizon the adaptive audit tried for this layer, in order (the last one is reported
   * above). Absent in documents written before issue 13.
   */
  readonly horizons?: HorizonTry[];
  readonly hurst: {
    readonly dfa: { readonly hurst: number; readonly standardError: number | null };
    readonly gph: { readonly hurst: number; readonly d: number; readonly standardError: number | null };
    /** standardError null: the audit skips the parametric bootstrap that gives it (cost). */
    readonly aggregatedVariance: { readonly hurst: number; readonly standardError: number | null };
    readonly component: 'leading principal component of h';
  };
  readonly mutualInformation: {
    /** Theorem 1.2 (corrected) for W_h with eta = sigma = 1, nats. */
    readonly gaussianChannelNats: number;
    /** Proposition 1.4's d_h/2 log 2 at eta = sigma = 1 (exact only for orthogonal W_h). */
    readonly proposition14Nats: number;
    /** I of the leading k x k principal sub-block of W_h (blocks in order for factorized cells). */
    readonly perChannelCount: { readonly channels: number; readonly nats: number }[];
    /** Empirical I(h_t; h_{t+1}) by the bias-corrected Gaussian log-det estimator, nats. */
    readonly stepGaussianNats: number;
  };
  readonly gates: {
    readonly alphaG: number;
    readonly maxGateValue: number;
    readonly memoryGate: string;
    readonly certifiedHorizonSteps: number;
    readonly empiricalHorizonSteps: number;
    readonly assumptionsHold: boolean;
    /**
     * Observed gate values per unit and sigmoid gate family (GRU z, 1-z, r; LSTM i, f, o):
     * counts on equal bins of [0, 1] over the first sequences of the run, the observed range,
     * and the unit's Lemma 1.2 bound 1 - alpha (every gate and 1 - gate value is at most it).
     * Absent in documents written before it was added.
     */
    readonly families?: {
      readonly unit: string;
      readonly gate: string;
      readonly memory: boolean;
      readonly histogram: number[];
      readonly empiricalMin: number;
      readonly empiricalMax: number;
      readonly lemma12Bound: number;
    }[];
  };
}

/** The whole audit.json. */
export interface AuditDocument {
  readonly $schema: string;
  readonly lrdkit: string;
  readonly versions: { readonly lrdkit: string; readonly node: string };
  readonly checkpoint: {
    readonly file: string;
    readonly sha256: string;
    readonly format: string;
    readonly layers: number;
    /** Training run folders: the run's description from run.json. */
    readonly run?: string;
    /** What the reader inferred or assumed (weights-only files, ONNX attributes, ignored inputs). */
    readonly notes?: readonly string[];
  };
  readonly run: Omit<AuditOptions, 'onProgress' | 'layer'> & { readonly layer: string | null };
  readonly layers: LayerAudit[];
  readonly verdict: { readonly overall: DependenceVerdict; readonly rule: string };
}

function finiteOrNull(x: number | undefined): number | null {
  return x !== undefined && Number.isFinite(x) ? x : null;
}

function range3(v: readonly number[]): Range3 {
  const s = [...v].sort((a, b) => a - b);
  const n = s.length;
  const median = n === 0 ? Number.NaN : n % 2 ? (s[(n - 1) / 2] as number) : ((s[n / 2 - 1] as number) + (s[n / 2] as number)) / 2;
  return { min: s[0] ?? Number.NaN, median, max: s[n - 1] ?? Number.NaN };
}

/**
 * The blocks of the candidate's recurrent matrix W_h (DESIGN.md): one for a dense cell, g for a
 * factorized one, and for a context-switching cell its experts' g blocks (the memory; the
 * auxiliary cell only dispatches between experts and is analysed as part of the trajectory).
 */
function candidateBlocks(cell: Cell): number[][][] {
  if (cell instanceof GruCell || cell instanceof LstmCell || cell instanceof FactorizedCell) return candidateRecurrentBlocks(cell);
  if (cell instanceof ContextSwitchingCell) return candidateRecurrentBlocks(cell.experts);
  throw new Error(`audit: layer cell is a ${cell.constructor.name}, expected a GRU, LSTM, factorized or context-switching cell`);
}

/** rho(W_h) over the blocks of the candidate's recurrent matrix. */
export function spectralRadiusWh(cell: Cell): number {
  return Math.max(...candidateBlocks(cell).map((b) => spectralRadius(b)));
}

/**
 * rho(W_h) taken from rho(U_k) per gate family that the analysis already computed
 * (`CellAnalysis.jacobian.recurrent`): W_h is U_n of a GRU and U_g of an LSTM, per block of a
 * factorized cell, so the value is the same number, bit for bit, as {@link spectralRadiusWh}
 * (the same dense eigenvalues of the same matrices) without a second O(h^3) eigensolve per
 * block. Other cells (context switching) are computed by {@link spectralRadiusWh}.
 */
export function spectralRadiusWhFromAnalysis(cell: Cell, recurrent: readonly RecurrentSpectralRadius[]): number {
  if (cell instanceof GruCell || cell instanceof LstmCell || cell instanceof FactorizedCell) {
    const gate = cell.kind === 'gru' ? 'n' : 'g';
    const candidate = recurrent.filter((r) => r.gate === gate);
    const blocks = cell instanceof FactorizedCell ? cell.blocks.length : 1;
    if (candidate.length === blocks) return Math.max(...candidate.map((r) => r.spectralRadius));
  }
  return spectralRadiusWh(cell);
}

/**
 * I of the leading k x k sub-blocks of W_h for k on a doubling grid up to h (and h). For a
 * single-block W_h the k = h value is the analysis' channel information (`channel`: the same
 * gaussianChannelMutualInformation(W_h, 1, 1), so the same number bit for bit), which spares
 * the largest O(h^3) term; otherwise every k is computed.
 */
export function perChannelCount(cell: Cell, channel: ChannelInformation | null = null): { channels: number; nats: number }[] {
  const blocks = candidateBlocks(cell);
  const w = blockDiagonal(blocks);
  const h = w.length;
  const ks: number[] = [];
  for (let k = 1; k < h; k *= 2) ks.push(k);
  ks.push(h);
  const whole = blocks.length === 1 && channel !== null && channel.blocks === 1 && channel.channels === h ? channel.mutualInformationNats : null;
  return ks.map((k) => ({ channels: k, nats: k === h && whole !== null ? whole : gaussianChannelMutualInformation(w.slice(0, k).map((r) => r.slice(0, k)), 1, 1) }));
}

/** The checkpoint's notes and its layers' inferred facts (`layer: fact`), without repeats. */
export function readingNotes(ck: Checkpoint): string[] {
  const out = [...(ck.notes ?? [])];
  for (const l of ck.layerInfo) for (const fact of l.inferred ?? []) out.push(`${l.name}: ${fact}`);
  return [...new Set(out)];
}

/**
 * Chains: layers of one direction whose input width equals the previous layer's output width
 * are driven through it (layer l reads layer l-1's outputs); any other layer (a backward
 * direction, the upper layer of a bidirectional stack) is driven by the input process directly
 * at its own input width. Where the reader records which layer feeds which (LayerInfo.inputFrom),
 * that decides the layer below.
 */
export function layerChains(ck: Checkpoint): number[][] {
  const chains: number[][] = [];
  ck.layerInfo.forEach((info, i) => {
    // A reader that records the data flow (ONNX: inputFrom) names the layer below; otherwise the stack order decides.
    const prevIndex = info.inputFrom === undefined
      ? ck.layerInfo.findIndex((p, j) => j < i && p.direction === info.direction && p.depth === info.depth - 1)
      : info.inputFrom === null ? -1 : ck.layerInfo.findIndex((p, j) => j < i && p.name === info.inputFrom && p.direction === info.direction);
    const chain = prevIndex >= 0 ? chains.find((c) => c[c.length - 1] === prevIndex) : undefined;
    const cell = ck.layers[i] as Cell;
    if (chain && (ck.layers[prevIndex] as Cell).hiddenSize === cell.inputSize && info.direction === 'forward') chain.push(i);
    else chains.push([i]);
  });
  return chains;
}

function layerAudit(ck: Checkpoint, chain: number[], pos: number, a: CellAnalysis, horizons: HorizonTry[]): LayerAudit {
  const index = chain[pos] as number;
  const info = ck.layerInfo[index] as LayerInfo;
  const cell = ck.layers[index] as Cell;
  // `a` is this layer's own analysis (driven through the layers below): every unit is its own.
  const units = a.jacobian.units;
  const perSample = (key: 'spectralRadius' | 'spectralNorm'): number[] =>
    a.jacobian.spectralRadius.map((_, s) => Math.max(...units.map((u) => u[key][s] as number)));
  const families = a.gates.families;
  const memory = families.filter((f) => f.memory);
  const alphaG = Math.min(...families.map((f) => f.lemma12.alpha));
  const ev = a.correlation.evidence;
  const lead = a.memory.components[0];
  const blocks = candidateBlocks(cell);
  return {
    name: info.name,
    direction: info.direction,
    depth: info.depth,
    drivenThrough: chain.slice(0, pos).map((j) => (ck.layerInfo[j] as LayerInfo).name),
    kind: cell.kind,
    variant: cell.variant,
    groups: cell.groups,
    detectedGroups: info.detectedGroups,
    inputSize: cell.inputSize,
    hiddenSize: cell.hiddenSize,
    parameterCount: cell.parameterCount,
    spectralRadiusWh: spectralRadiusWhFromAnalysis(cell, a.jacobian.recurrent),
    jacobian: {
      spectralRadius: range3(perSample('spectralRadius')),
      spectralNorm: range3(perSample('spectralNorm')),
      states: a.jacobian.spectralRadius.length,
      trace: { sequence: a.jacobian.sequence, step: a.jacobian.step, spectralRadius: perSample('spectralRadius'), spectralNorm: perSample('spectralNorm') },
      eigenvalues: a.jacobianEigenvalues.map((e) => ({
        sequence: e.sequence,
        step: e.step,
        units: e.units.map((u) => ({ label: u.label, re: u.re, im: u.im })),
      })),
    },
    lyapunov: { exponents: a.lyapunov?.lyapunovPerStep ?? [], standardErrors: a.lyapunov?.standardErrorPerStep ?? [], unit: 'nats/step' },
    correlation: {
      lags: a.correlation.norms.lags,
      norm: a.correlation.norms.norms,
      partialSum: a.correlation.norms.partialSums,
      noiseFloor: a.correlation.norms.noiseFloor?.levels ?? [],
      verdict: a.assessment.verdict,
      reason: a.assessment.reason,
      sentence: a.assessment.sentence,
      correlationVerdict: a.assessment.correlationVerdict,
      regime: { kind: a.assessment.regime, reason: a.assessment.regimeReason },
      resolution: ev.resolution ?? null,
      stepsToResolve: ev.stepsToResolve ?? null,
      commonPathFraction: a.correlation.norms.commonPathFraction ?? null,
      evidence: {
        powerLawExponent: ev.powerLaw?.beta ?? null,
        powerLawInterval: ev.betaInterval ? [ev.betaInterval.lower, ev.betaInterval.upper] : null,
        exponentialDecayLength: ev.exponential && Number.isFinite(ev.exponential.tau) ? ev.exponential.tau : null,
        powerLawFitsBetter: ev.powerLawFitsBetter,
        sumEstimate: ev.sumEstimate !== null && Number.isFinite(ev.sumEstimate) ? ev.sumEstimate : null,
        components: a.correlation.norms.components,
        varianceExplained: a.correlation.norms.varianceExplained,
      },
      fits: {
        range: ev.fitLags.length > 0 ? [ev.fitLags[0] as number, ev.fitLags[ev.fitLags.length - 1] as number] : null,
        exponential: ev.exponential ? { amplitude: ev.exponential.amplitude, slopePerLag: ev.exponential.slope } : null,
        powerLaw: ev.powerLaw ? { amplitude: ev.powerLaw.amplitude, exponent: ev.powerLaw.beta } : null,
      },
    },
    horizons,
    localWhittle: {
      components: a.stateMemory.components,
      varianceExplained: a.stateMemory.varianceExplained,
      bandwidth: a.stateMemory.bandwidth,
      univariate: a.stateMemory.univariate,
      d: a.stateMemory.d,
      standardErrors: a.stateMemory.standardErrors,
      totalMemory: finiteOrNull(a.stateMemory.totalMemory),
      totalMemoryStandardError: finiteOrNull(a.stateMemory.totalMemoryStandardError),
      totalMemoryZ: finiteOrNull(a.stateMemory.totalMemoryZ),
      totalMemoryPValue: finiteOrNull(a.stateMemory.totalMemoryPValue),
      smallBandwidth: a.stateMemory.smallBandwidth,
      totalMemorySmallBandwidth: finiteOrNull(a.stateMemory.totalMemorySmallBandwidth),
      bandwidthStabilityZ: finiteOrNull(a.stateMemory.bandwidthStabilityZ),
      error: a.stateMemory.error,
    },
    hurst: {
      dfa: { hurst: lead?.dfa.hurst ?? Number.NaN, standardError: finiteOrNull(lead?.dfa.standardError) },
      gph: { hurst: lead?.gph.hurst ?? Number.NaN, d: lead?.gph.d ?? Number.NaN, standardError: finiteOrNull(lead?.gph.standardError) },
      aggregatedVariance: { hurst: lead?.aggregatedVariance.hurst ?? Number.NaN, standardError: finiteOrNull(lead?.aggregatedVariance.standardError) },
      component: 'leading principal component of h',
    },
    mutualInformation: {
      gaussianChannelNats: blocks.reduce((s, b) => s + gaussianChannelMutualInformation(b, 1, 1), 0),
      proposition14Nats: proposition14MutualInformation(cell.hiddenSize, 1, 1),
      perChannelCount: perChannelCount(cell, a.channel),
      stepGaussianNats: a.stepInformation.gaussian?.mutualInformationNats ?? Number.NaN,
    },
    gates: {
      alphaG,
      maxGateValue: Math.max(...families.map((f) => f.empiricalMax)),
      memoryGate: memory[0]?.gate ?? (cell.kind === 'gru' ? 'z' : 'f'),
      certifiedHorizonSteps: Math.max(...memory.map((f) => f.horizon?.lemma12 ?? 0)),
      empiricalHorizonSteps: Math.max(...memory.map((f) => f.horizon?.empirical ?? 0)),
      assumptionsHold: a.gates.assumptionsHold,
      families: families.map((f) => ({
        unit: f.unit,
        gate: f.gate,
        memory: f.memory,
        histogram: f.histogram,
        empiricalMin: f.empiricalMin,
        empiricalMax: f.empiricalMax,
        lemma12Bound: f.lemma12.bound,
      })),
    },
  };
}

/**
 * An analysis error of one layer, phrased for the user: the file, the layer, the analysis'
 * message, and the option that changes the failing quantity (an AnalysisInputError keeps its
 * type, so the CLI still exits 2 with one line).
 */
function layerError(e: unknown, file: string, layer: string, options: AuditOptions): unknown {
  if (!(e instanceof AnalysisInputError)) return e;
  const m = e.message;
  const hint = /zero variance|constant|every channel/i.test(m)
    ? "the layer's states do not vary with the input (weights all zero, or saturated units): its dependence cannot be measured; try another --input, or audit other layers with --layer"
    : /maxLag|lag/i.test(m)
      ? `adjust --max-lag (now ${options.maxLag}) or --steps (now ${options.steps})`
      : /length|steps|series/i.test(m)
        ? `use a larger --steps (now ${options.steps}) or --sequences (now ${options.sequences})`
        : /sample\.count|states/i.test(m)
          ? `adjust --jacobian-states (now ${options.jacobianStates})`
          : /finite|NaN|Infinity/i.test(m)
            ? "the layer's weights make its states overflow (weights far too large?)"
            : 'check the options and the checkpoint';
  return new AnalysisInputError(`lrdkit audit: ${file}: layer ${layer}: ${m.split('\n')[0]}; ${hint}`);
}

/** 'LRD' if any layer is LRD, 'SRD' if every layer is SRD, else 'inconclusive'. */
export const OVERALL_RULE = "'LRD' if any audited layer is LRD, 'SRD' if every audited layer is SRD, otherwise 'inconclusive'";

/**
 * Audits every recurrent layer of a checkpoint (or the one named by `options.layer`).
 *
 * @returns the document and the per-layer phase timings (kept out of the document)
 */
export function auditCheckpoint(ck: Checkpoint, bytesForHash: Uint8Array, options: AuditOptions, version: string): { document: AuditDocument; timings: Record<string, Record<string, number>> } {
  const chains = layerChains(ck);
  const layers: LayerAudit[] = [];
  const timings: Record<string, Record<string, number>> = {};
  const analyzeOptions: AnalyzeCellOptions = {
    sequences: options.sequences,
    steps: options.steps,
    burnIn: options.burnIn,
    seed: options.seed,
    input: options.input,
    maxLag: options.maxLag,
    jacobianStates: options.jacobianStates,
    eigenvalueStates: Math.min(JACOBIAN_EIGENVALUE_STATES, options.jacobianStates),
    lyapunovExponents: options.lyapunovExponents,
    bootstrapReplicates: options.bootstrapReplicates,
  };
  const total = chains.reduce((n, chain) => n + chain.filter((i) => options.layer === undefined || ck.layerInfo[i]?.name === options.layer).length, 0);
  const started = Date.now();
  const elapsed = (): number => (Date.now() - started) / 1000;
  // ETA: the up-front estimate until a layer has finished, then the mean time per layer so far.
  const eta = (done: number): string => {
    const perLayer = done > 0 ? elapsed() / done : (options.expectedSeconds ?? Number.NaN) / Math.max(1, total);
    const left = perLayer * (total - done) - (done > 0 ? 0 : elapsed());
    if (!Number.isFinite(left)) return '';
    return left > 0 ? `, ETA ${formatSeconds(left)}` : ', taking longer than estimated (a loaded machine?)';
  };
  for (const chain of chains) {
    chain.forEach((index, pos) => {
      const info = ck.layerInfo[index] as LayerInfo;
      if (options.layer !== undefined && info.name !== options.layer) return;
      const done = layers.length;
      options.onProgress?.(`audit: layer ${done + 1}/${total} ${info.name} (${info.direction}${pos > 0 ? `, driven through ${pos} layer(s) below` : ''}) [${formatSeconds(elapsed())} elapsed${eta(done)}]`);
      const below = chain.slice(0, pos).map((j) => ck.layers[j] as Cell);
      let adaptive: ReturnType<typeof analyseWithAdaptiveHorizon>;
      try {
        adaptive = analyseWithAdaptiveHorizon(
          (steps, maxLag) =>
            analyzeCell(ck.layers[index] as Cell, {
              ...analyzeOptions,
              steps,
              maxLag,
              drivenThrough: below,
              onPhase: (p) => options.onProgress?.(`audit:   ${info.name}: ${p} [${formatSeconds(elapsed())} elapsed${eta(done)}]`),
            }),
          options.steps,
          options.maxLag,
          options.maxSteps ?? options.steps,
          (h) => options.onProgress?.(`audit:   ${info.name}: ${h.steps} steps: ${h.verdict}`),
        );
      } catch (e) {
        throw layerError(e, ck.path, info.name, options);
      }
      const { analysis: a, horizons } = adaptive;
      layers.push(layerAudit(ck, chain, pos, a, horizons));
      timings[info.name] = a.seconds;
    });
  }
  const verdicts = layers.map((l) => l.correlation.verdict);
  const overall: DependenceVerdict = verdicts.includes('LRD') ? 'LRD' : verdicts.length > 0 && verdicts.every((v) => v === 'SRD') ? 'SRD' : 'inconclusive';
  const { onProgress: _p, expectedSeconds: _e, layer, ...run } = options;
  return {
    document: {
      $schema: AUDIT_SCHEMA_ID,
      lrdkit: version,
      versions: { lrdkit: version, node: process.version },
      checkpoint: {
        file: basename(ck.path),
        sha256: createHash('sha256').update(bytesForHash).digest('hex'),
        format: ck.format,
        layers: ck.layers.length,
        ...(ck.source ? { run: ck.source.run } : {}),
        ...(readingNotes(ck).length > 0 ? { notes: readingNotes(ck) } : {}),
      },
      run: { ...run, layer: layer ?? null },
      layers,
      verdict: { overall, rule: OVERALL_RULE },
    },
    timings,
  };
}
