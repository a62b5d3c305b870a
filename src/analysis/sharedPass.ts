/**
 * Internal: the single trajectory pass of the analysis engine. One run over the N x T steps
 * records the output series (correlation, memory, information), copies the visited states
 * sampled for the Jacobian spectra, and accumulates the gate statistics of the first few
 * sequences (gate saturation), so that {@link analyzeCell} drives the cell once instead of
 * three times.
 *
 * Sequences are independent, so the pass runs on any range of them (one range per thread)
 * and the ranges' results concatenate/merge to exactly the single-range result. Dense and
 * factorized GRU/LSTM cells advance a whole range together through `stepBatch` (bit-identical
 * to `step`); other cells step one sequence at a time.
 *
 * @module
 */
import { FactorizedCell } from '../cells/factorized.js';
import type { Cell } from '../cells/types.js';
import { AnalysisInputError } from './errors.js';
import { type GateStatistics, createGateStatistics, gatePreactivations, mergeGateStatistics, observeGates, observeHiddenState } from './gateSaturation.js';
import type { VisitedState } from './jacobianSpectrum.js';
import { cellUnits, cellUnitsAt, isDenseCell } from './stackedCells.js';
import { type ResolvedTrajectory, checkBatchFinite, readInputs } from './trajectories.js';

/** What one pass over a range of sequences records. */
export interface SharedPassPlan {
  /** Output series data of every sequence (T x hiddenSize, row-major), filled in place. */
  readonly outputs: readonly Float64Array[];
  /** Global indices i T + t of the visited states to copy for the Jacobian spectra (sorted). */
  readonly samples: readonly number[];
  /** Sequences 0 .. gateSequences - 1 feed the gate statistics (0: none). */
  readonly gateSequences: number;
  readonly bins: number;
  /** Sequences stepped together (batched cells). */
  readonly batch: number;
}

/** What a range of the pass returns (besides the outputs written in place). */
export interface SharedPassPart {
  readonly samples: VisitedState[];
  /** Gate statistics of the range's gate sequences (null when it has none). */
  readonly gates: GateStatistics | null;
}

const SIGMOID_GATES = { gru: 2, lstm: 3 } as const;

/** True when the cell's stepBatch also yields the units' gate pre-activations in unit order. */
function batchedGates(cell: Cell): boolean {
  return typeof cell.stepBatch === 'function' && (isDenseCell(cell) || cell instanceof FactorizedCell);
}

/** Steps (burn-in and recorded) between two progress calls inside a batch of {@link sharedPassRange}. */
const PROGRESS_STEPS = 16;

/**
 * Runs sequences [from, to) of the resolved trajectory, writing their outputs into
 * plan.outputs and returning the sampled states and the gate statistics of the range.
 *
 * Method: per batch of sequences, burn-in then T recorded steps; before recorded step t the
 * state s_t and input x_t of every sampled (i, t) are copied; the step's sigmoid-gate
 * pre-activations of the gate sequences update the statistics exactly as
 * {@link gateSaturation} does, with max |h| over s_0 .. s_T and max |x| over the recorded
 * inputs of those sequences. Inputs are checked (width, finite) and states checked finite as
 * in {@link visitTrajectories}. `onBatch(sequencesDone)` is called between batches and every
 * {@link PROGRESS_STEPS} steps (burn-in included) inside one (a fractional count), for progress.
 *
 * @throws AnalysisInputError for bad inputs or a diverging cell
 */
export function sharedPassRange(r: ResolvedTrajectory, plan: SharedPassPlan, from: number, to: number, fn: string, onBatch?: (sequencesDone: number) => void): SharedPassPart {
  const { cell, steps: T, burnIn, seed, process, initialState } = r;
  const S = cell.stateSize, D = cell.inputSize, H = cell.hiddenSize;
  const wantGates = plan.gateSequences > from;
  const gates = wantGates ? createGateStatistics(cell, plan.bins, fn) : null;
  const sampleSet = new Set(plan.samples.filter((g) => g >= from * T && g < to * T));
  const samples: VisitedState[] = [];
  if (!batchedGates(cell)) {
    sequentialRange(r, plan, from, to, fn, sampleSet, samples, gates);
    return { samples, gates };
  }
  const stepBatch = (cell.stepBatch as NonNullable<Cell['stepBatch']>).bind(cell);
  const G = SIGMOID_GATES[cell.kind];
  const unitOffsets = cellUnits(cell).map((_, k) => (cell instanceof FactorizedCell ? G * (cell.blocks.slice(0, k).reduce((acc, b) => acc + b.hiddenSize, 0)) : 0));
  for (let g0 = from; g0 < to; g0 += plan.batch) {
    if (g0 > from) onBatch?.(g0 - from);
    const n = Math.min(plan.batch, to - g0);
    const seqs = Array.from({ length: n }, (_, b) => process.sequence(g0 + b, burnIn + T, seed));
    let cur = new Float64Array(n * S);
    let nxt = new Float64Array(n * S);
    for (let b = 0; b < n; b++) cur.set(initialState, b * S);
    const xs = new Float64Array(n * D);
    const gateRows = gates ? Math.max(0, Math.min(n, plan.gateSequences - g0)) : 0;
    const pre = gateRows > 0 ? new Float64Array(n * G * H) : undefined;
    for (let t = 0; t < burnIn; t++) {
      readInputs(seqs, g0, xs, D, t, false, fn);
      stepBatch(cur, xs, n, nxt);
      checkBatchFinite(nxt, S, g0, t - burnIn, fn);
      [cur, nxt] = [nxt, cur];
      if ((t + 1) % PROGRESS_STEPS === 0) onBatch?.(g0 - from + (n * (t + 1)) / (burnIn + T));
    }
    for (let t = 0; t < T; t++) {
      readInputs(seqs, g0, xs, D, t, true, fn);
      for (let b = 0; b < n; b++) {
        const gi = (g0 + b) * T + t;
        if (sampleSet.has(gi)) samples.push({ sequence: g0 + b, step: t, state: cur.slice(b * S, (b + 1) * S), input: xs.slice(b * D, (b + 1) * D) });
      }
      if (gates) {
        let xm = gates.observedInputInf, hm = gates.observedStateInf;
        for (let e = 0; e < gateRows * D; e++) xm = Math.max(xm, Math.abs(xs[e] as number));
        for (let b = 0; b < gateRows; b++) for (let i = 0; i < H; i++) hm = Math.max(hm, Math.abs(cur[b * S + i] as number));
        gates.observedInputInf = xm;
        gates.observedStateInf = hm;
      }
      stepBatch(cur, xs, n, nxt, pre);
      checkBatchFinite(nxt, S, g0, t, fn);
      for (let b = 0; b < n; b++) (plan.outputs[g0 + b] as Float64Array).set(nxt.subarray(b * S, b * S + H), t * H);
      if (gates && pre) {
        for (let b = 0; b < gateRows; b++) unitOffsets.forEach((off, k) => observeGates(gates, k, pre, b * G * H + off));
      }
      [cur, nxt] = [nxt, cur];
      // Progress inside a batch (one batch may hold all the sequences): fractional sequences done.
      if ((t + 1) % PROGRESS_STEPS === 0) onBatch?.(g0 - from + (n * (burnIn + t + 1)) / (burnIn + T));
    }
    if (gates) {
      let hm = gates.observedStateInf;
      for (let b = 0; b < gateRows; b++) for (let i = 0; i < H; i++) hm = Math.max(hm, Math.abs(cur[b * S + i] as number));
      gates.observedStateInf = hm;
    }
  }
  // Batches visit (t, sequence) in time-major order; report samples by (sequence, t).
  samples.sort((a, b) => a.sequence - b.sequence || a.step - b.step);
  return { samples, gates };
}

/** One sequence at a time through `step` (cells without stepBatch: stacks, context switching). */
function sequentialRange(
  r: ResolvedTrajectory,
  plan: SharedPassPlan,
  from: number,
  to: number,
  fn: string,
  sampleSet: Set<number>,
  samples: VisitedState[],
  gates: GateStatistics | null,
): void {
  const { cell, steps: T, burnIn, seed, process, initialState } = r;
  const S = cell.stateSize, D = cell.inputSize, H = cell.hiddenSize;
  const xs = new Float64Array(D);
  for (let i = from; i < to; i++) {
    const seqs = [process.sequence(i, burnIn + T, seed)];
    const tracked = gates !== null && i < plan.gateSequences;
    let s: Float64Array = Float64Array.from(initialState);
    for (let t = 0; t < burnIn; t++) {
      const x = readInputs(seqs, i, xs, D, t, false, fn)[0] as Float64Array;
      const next = cell.step(s, x);
      checkBatchFinite(next, S, i, t - burnIn, fn);
      s = next;
    }
    for (let t = 0; t < T; t++) {
      const x = readInputs(seqs, i, xs, D, t, true, fn)[0] as Float64Array;
      if (sampleSet.has(i * T + t)) samples.push({ sequence: i, step: t, state: s, input: x });
      if (tracked && gates) {
        for (let c = 0; c < D; c++) gates.observedInputInf = Math.max(gates.observedInputInf, Math.abs(x[c] as number));
        cellUnitsAt(cell, s, x).forEach((u, k) => {
          const dc = u.cell;
          if (!isDenseCell(dc)) throw new AnalysisInputError(`${fn}: unit '${u.label}' is not a GRU or LSTM cell`);
          for (let q = 0; q < dc.hiddenSize; q++) gates.observedStateInf = Math.max(gates.observedStateInf, Math.abs(u.state[q] as number));
          const p = gatePreactivations(dc, u.state, u.input);
          const names = dc.kind === 'gru' ? ['z', 'r'] : ['i', 'f', 'o'];
          const flat = new Float64Array(names.length * dc.hiddenSize);
          names.forEach((name, g) => flat.set(p[name] as Float64Array, g * dc.hiddenSize));
          observeGates(gates, k, flat, 0);
        });
      }
      const next = cell.step(s, x);
      checkBatchFinite(next, S, i, t, fn);
      (plan.outputs[i] as Float64Array).set(cell.output(next), t * H);
      s = next;
    }
    if (tracked && gates) observeHiddenState(gates, cell, s);
  }
}

/** Merges range parts in range order: samples concatenated, gate statistics merged (exact). */
export function mergeSharedPassParts(parts: readonly SharedPassPart[]): SharedPassPart {
  const samples = parts.flatMap((p) => p.samples);
  let gates: GateStatistics | null = null;
  for (const p of parts) {
    if (!p.gates) continue;
    if (!gates) gates = p.gates;
    else mergeGateStatistics(gates, p.gates);
  }
  return { samples, gates };
}
