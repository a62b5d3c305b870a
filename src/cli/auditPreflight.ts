/**
 * Checks made before an audit starts, so that what would fail after minutes of work fails in
 * a second with one line naming the option:
 *
 * - {@link checkAuditOptions}: the options against what the analysis needs. The memory-exponent
 *   estimators (DFA, GPH, aggregated variance) need a minimum series length; rather than repeat
 *   their formulas here, the same estimators are dry-run on a synthetic series of `steps`
 *   values (white noise from a fixed seed: the minimums depend on the length only), and when
 *   they refuse, the smallest `--steps` they accept is found by bisection and named.
 *   `--jacobian-states` must not exceed sequences x steps.
 * - {@link checkOutFolder}: `--out` must not be the checkpoint or a folder holding it, not a
 *   symbolic link, not a file, not a folder holding anything but a previous audit (the whole
 *   folder is replaced), and its nearest existing parent must be a writable folder.
 * - {@link estimateAudit}: the memory and time the audit of a checkpoint will take, from the
 *   sizes of its layers; a model whose estimate exceeds the machine's memory is refused up
 *   front, and one whose audit would take over two minutes is announced with the options that
 *   make it smaller.
 *
 * @module
 */
import { accessSync, constants, existsSync, lstatSync, readdirSync, statSync } from 'node:fs';
import { totalmem } from 'node:os';
import { dirname, resolve } from 'node:path';
import { AnalysisInputError } from '../analysis/errors.js';
import { memoryExponents } from '../analysis/memory/memoryExponents.js';
import type { AuditOptions } from '../audit/auditDocument.js';
import type { Checkpoint } from '../checkpoints/index.js';
import { isInside, resolvedOrAbsolute } from '../checkpoints/internal/fileAccess.js';
import { UsageError } from './args.js';

/** A refusal before the audit starts (a UsageError: exit 2, one line). */
export class AuditPreflightError extends UsageError {
  override name = 'AuditPreflightError';
}

/** Files an audit writes at the top of its folder: a folder holding only these may be replaced. */
export const AUDIT_FOLDER_ENTRIES: ReadonlySet<string> = new Set(['audit.json', 'summary.md', 'timings.json', 'report.html', 'report.md', 'figures']);

/** Whether the memory estimators accept a series of `steps` values (dry run on white noise). */
function estimatorsAccept(steps: number): string | null {
  let state = 12345;
  const data = new Float64Array(steps);
  for (let t = 0; t < steps; t++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    data[t] = state / 2 ** 32 - 0.5;
  }
  try {
    memoryExponents({ rows: steps, cols: 1, data }, { components: 1, aggregatedVariance: { bootstrapReplicates: 0 } });
    return null;
  } catch (e) {
    if (e instanceof AnalysisInputError) return e.message;
    throw e;
  }
}

/** The smallest number of steps the memory estimators accept (bisection over dry runs). */
export function minimumAuditSteps(): number {
  let hi = 16;
  while (estimatorsAccept(hi) !== null) {
    hi *= 2;
    if (hi > 1 << 24) throw new Error('minimumAuditSteps: the memory estimators accept no series length up to 2^24');
  }
  let lo = hi / 2;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (estimatorsAccept(mid) === null) hi = mid;
    else lo = mid;
  }
  return hi;
}

/**
 * Checks the audit options against what the analysis needs.
 *
 * @throws AuditPreflightError naming the option, its value and the range that works
 * @example
 * checkAuditOptions({ ...defaults, steps: 150 });
 * // throws: lrdkit audit: --steps 150 is too short for the memory exponents (aggregatedVariance: ...); use --steps 200 or more
 */
export function checkAuditOptions(options: Pick<AuditOptions, 'steps' | 'sequences' | 'jacobianStates' | 'maxLag'>): void {
  const refusal = estimatorsAccept(options.steps);
  if (refusal !== null) {
    throw new AuditPreflightError(`lrdkit audit: --steps ${options.steps} is too short for the memory exponents (${refusal}); use --steps ${minimumAuditSteps()} or more`);
  }
  if (options.maxLag >= options.steps) throw new AuditPreflightError(`lrdkit audit: --max-lag ${options.maxLag} must be below --steps ${options.steps}`);
  const states = options.sequences * options.steps;
  if (options.jacobianStates > states) {
    throw new AuditPreflightError(`lrdkit audit: --jacobian-states ${options.jacobianStates} exceeds the ${states} visited states (--sequences ${options.sequences} x --steps ${options.steps}); use at most ${states}`);
  }
}

/**
 * Checks `--out` before any work: the audit replaces the folder whole (see
 * src/internal/stagedFolder.ts), so it must be new, empty, or a previous audit's folder.
 *
 * @throws AuditPreflightError with one line saying what `--out` is and what to do
 */
export function checkOutFolder(out: string, checkpoint: string): void {
  const fail = (detail: string): never => {
    throw new AuditPreflightError(`lrdkit audit: --out ${out}: ${detail}`);
  };
  const target = resolve(out);
  const ckpt = resolvedOrAbsolute(checkpoint);
  if (isInside(resolvedOrAbsolute(target), ckpt)) fail(`is the checkpoint ${checkpoint} or a folder holding it; choose another output folder`);
  let link;
  try {
    link = lstatSync(target);
  } catch {
    link = undefined;
  }
  if (link) {
    if (link.isSymbolicLink()) fail('is a symbolic link; lrdkit does not write through links in --out (give the real folder)');
    if (!link.isDirectory()) fail('exists and is not a folder; choose a folder name');
    let entries: string[];
    try {
      entries = readdirSync(target);
    } catch (e) {
      return fail(`exists but cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    const foreign = entries.filter((e) => !AUDIT_FOLDER_ENTRIES.has(e));
    if (foreign.length > 0 || (entries.length > 0 && !entries.includes('audit.json'))) {
      fail(`holds files that are not an lrdkit audit (${(foreign.length > 0 ? foreign : entries).slice(0, 3).join(', ')}${entries.length > 3 ? ', ...' : ''}); the audit replaces the whole folder, so give a new or empty folder`);
    }
  }
  // The nearest existing parent must be a folder we can write into.
  let parent = dirname(target);
  while (!existsSync(parent) && dirname(parent) !== parent) parent = dirname(parent);
  try {
    if (!statSync(parent).isDirectory()) fail(`cannot be created: ${parent} is not a folder`);
    accessSync(parent, constants.W_OK | constants.X_OK);
  } catch (e) {
    if (e instanceof AuditPreflightError) throw e;
    fail(`cannot be created: ${parent} is not writable (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

/** What an audit is expected to cost. */
export interface AuditEstimate {
  /** Peak bytes, estimated. */
  readonly bytes: number;
  /** Wall seconds on 2 cores, estimated (order of magnitude). */
  readonly seconds: number;
}

/**
 * Estimated bytes per stored state value (float64 trajectories of N x T states per layer, kept
 * for the correlation, moment and gate passes, plus the stack below a driven layer).
 */
const BYTES_PER_STATE_VALUE = 8;
/** Dense n x n float64 work matrices alive at once in the Jacobian and Lyapunov phases. */
const JACOBIAN_WORK_MATRICES = 12;
/**
 * Quiet-machine wall seconds per unit of work on 2 cores (the audit's two threads), at sizes up
 * to h = 1024, and how each grows beyond it. Basis: the lead's two quiet runs on merged main
 * (bench/AUDIT.md notes, 2026-12-07 03:18-03:30 UTC, load 0.2-1.5, nothing else running):
 * GRU(1024) 88.4 s wall, GRU(2048) 582.4 s wall. Each run's wall time is split into the three
 * terms below by its phases (timings.json; the Jacobian and eigenvalue phases are compute seconds
 * of both threads, half counted as wall): GRU(2048) from its quiet phases (jacobian 459 s,
 * eigenvalues 223 s, the rest 241.4 s of wall); GRU(1024) from the proportions of its phases in
 * the loaded run of `bench/audit-size.js --sizes 512,1024,2048` (02:11-02:38 UTC), scaled to
 * 88.4 s. Per unit of work:
 * - {@link SECONDS_PER_STEP_WEIGHT}: the wall time outside the two items below (trajectories,
 *   moments, correlation, memory, step information, the Lyapunov run, the channel, the report,
 *   start-up) per N (T + B) G h (h + d) multiply-adds: 2.96e-10 at h = 1024, 4.54e-10 at 2048;
 * - {@link SECONDS_PER_JACOBIAN_STATE_SQUARE}: the iterative Jacobian spectra (thick-restarted
 *   Arnoldi and Lanczos) per sampled state and h^2: 5.21e-7 at 1024, 8.55e-7 at 2048 (6
 *   restart cycles against 4);
 * - {@link SECONDS_PER_EIGEN_CUBE}: one dense O(h^3) eigensolve (the full eigenvalues at up to
 *   4 states, rho(U_k) of each of the G + 1 recurrent gate matrices) per h^3: 1.72e-9 at 1024,
 *   1.85e-9 at 2048.
 * Past h = 1024 the float64 recurrent weights (27 MB at 1024, 104 MB at 2048) and the Jacobian
 * (8 MB, 34 MB) leave the caches, so the per-unit costs grow: each coefficient is multiplied by
 * (h / 1024)^p with p from the 1024 -> 2048 growth ({@link CACHE_GROWTH_EXPONENTS}: 0.62, 0.71,
 * 0.11). The model then reproduces both quiet runs (88.4 s, 582.4 s) and puts GRU(512) at 21 s
 * (23.9 s measured on a quiet machine at 3a7a4b3). Beyond 2048 the exponents are an
 * extrapolation: an order of magnitude, for the start-up message only.
 */
export const SECONDS_PER_STEP_WEIGHT = 2.96e-10;
export const SECONDS_PER_JACOBIAN_STATE_SQUARE = 5.21e-7;
export const SECONDS_PER_EIGEN_CUBE = 1.72e-9;
/** Growth exponents of the three per-unit costs past h = 1024 (steps, Jacobian, eigensolves). */
export const CACHE_GROWTH_EXPONENTS = { stepWeight: 0.62, jacobianStateSquare: 0.71, eigenCube: 0.11 } as const;

/** The factor (h / 1024)^p for sizes past 1024, 1 below. */
function cacheGrowth(stateSize: number, exponent: number): number {
  return Math.max(1, stateSize / 1024) ** exponent;
}

/**
 * The memory and time an audit of `checkpoint` with `options` should take: per audited layer,
 * trajectories of N (burn-in + T) states of the layer and the layers below it, the Jacobian work
 * matrices (stateSize^2 each), and the three costs above.
 */
export function estimateAudit(checkpoint: Checkpoint, options: Pick<AuditOptions, 'sequences' | 'steps' | 'burnIn' | 'jacobianStates' | 'lyapunovExponents' | 'layer'>): AuditEstimate {
  let bytes = 0;
  let seconds = 0;
  const N = options.sequences, T = options.steps + options.burnIn;
  checkpoint.layers.forEach((cell, i) => {
    const info = checkpoint.layerInfo[i];
    if (options.layer !== undefined && info?.name !== options.layer) return;
    const below = checkpoint.layers.filter((_, j) => (checkpoint.layerInfo[j]?.depth ?? 0) < (info?.depth ?? 0));
    const chain = [...below, cell];
    const stateValues = chain.reduce((s, c) => s + c.stateSize, 0);
    const weights = chain.reduce((s, c) => s + c.hiddenSize * (c.hiddenSize + c.inputSize) * (c.kind === 'gru' ? 3 : 4), 0);
    const n = cell.stateSize;
    bytes = Math.max(bytes, BYTES_PER_STATE_VALUE * N * T * stateValues + JACOBIAN_WORK_MATRICES * 8 * n * n);
    // Dense eigensolves per unit block (g blocks of a factorized cell: g (n / g)^3 = n^3 / g^2).
    const g2 = Math.max(1, cell.groups) ** 2;
    const gateMatrices = cell.kind === 'gru' ? 3 : 4;
    const cubes = (Math.min(options.jacobianStates, 4) * n ** 3 + gateMatrices * cell.hiddenSize ** 3) / g2;
    const p = CACHE_GROWTH_EXPONENTS;
    seconds +=
      SECONDS_PER_STEP_WEIGHT * cacheGrowth(n, p.stepWeight) * N * T * weights +
      SECONDS_PER_JACOBIAN_STATE_SQUARE * cacheGrowth(n, p.jacobianStateSquare) * options.jacobianStates * n * n +
      SECONDS_PER_EIGEN_CUBE * cacheGrowth(n, p.eigenCube) * cubes;
  });
  return { bytes, seconds };
}

/**
 * Refuses an audit whose estimated memory exceeds 80% of the machine's memory.
 *
 * @throws AuditPreflightError with the estimate and the options that shrink it
 */
export function checkAuditFits(estimate: AuditEstimate, path: string, machineBytes = totalmem()): void {
  const limit = 0.8 * machineBytes;
  if (estimate.bytes > limit) {
    throw new AuditPreflightError(
      `lrdkit audit: ${path}: the audit would need about ${(estimate.bytes / 2 ** 30).toFixed(1)} GiB, more than 80% of this machine's ${(machineBytes / 2 ** 30).toFixed(1)} GiB; use fewer --sequences or --steps, or audit one layer with --layer`,
    );
  }
}
