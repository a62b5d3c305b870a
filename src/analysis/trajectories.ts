/**
 * Driven trajectories of a cell (or a stack of cells): N sequences of T steps after a burn-in,
 * returned as series or streamed to a visitor so that statistics can be accumulated without
 * holding N x T x d values.
 *
 * Indexing: within a sequence the cell first reads `burnIn` inputs (not reported), then the
 * recorded steps t = 0..T-1: from state s_t it reads x_t and moves to s_{t+1} = F(s_t, x_t).
 * Row t of a recorded series is s_{t+1} (or out(s_{t+1})), the state after reading x_t, as
 * h_t in the RNN notation h_t = F(h_{t-1}, x_t).
 *
 * @module
 */
import type { Cell } from '../cells/types.js';
import { AnalysisInputError } from './errors.js';
import { type InputProcess, type InputSpec, resolveInputProcess } from './inputs.js';
import type { Series } from './series.js';
import { StackedCell } from './stackedCells.js';

/** One recorded step of one sequence, handed to {@link TrajectoryVisitor.step}. */
export interface TrajectoryStep {
  /** Sequence index 0..N-1. */
  readonly sequence: number;
  /** Recorded step 0..T-1 (after burn-in). */
  readonly t: number;
  /** s_t, the state before the step. */
  readonly state: Float64Array;
  /** x_t, the input read at this step. */
  readonly input: Float64Array;
  /** s_{t+1} = F(s_t, x_t). */
  readonly next: Float64Array;
}

/**
 * Streaming callbacks. The arrays handed over are fresh (cells return new arrays), so a visitor
 * may keep them; it must not modify them.
 */
export interface TrajectoryVisitor {
  /** Called once per sequence after its burn-in, with the state s_0 the recorded steps start from. */
  beginSequence?(sequence: number, state: Float64Array): void;
  /** Called at every recorded step. */
  step?(step: TrajectoryStep): void;
  /** Called after the last recorded step of a sequence with its final state s_T. */
  endSequence?(sequence: number, state: Float64Array): void;
}

/** Where the inputs come from and how many steps to run. */
export interface TrajectoryOptions {
  /** Number of sequences N (integer >= 1). */
  sequences: number;
  /** Recorded steps per sequence T (integer >= 1). */
  steps: number;
  /** Steps run and discarded before recording (integer >= 0, default 0). */
  burnIn?: number;
  /** Seed of the input process (default 0); sequence i uses `createRng(seed).fork(i)`. */
  seed?: number;
  /** Input process: a spec, a CLI string ('gaussian', 'ar1:0.9', 'fgn:0.7', a file path) or a process (default 'gaussian'). */
  input?: InputSpec | InputProcess | string;
  /** State every sequence starts from, before burn-in (default the cell's initial state). */
  initialState?: Float64Array;
}

/** Sequences stepped together by {@link runTrajectories} when it may batch (see {@link VisitTrajectoriesOptions.batch}). */
export const DEFAULT_BATCH = 16;

/** Options of {@link visitTrajectories}. */
export interface VisitTrajectoriesOptions extends TrajectoryOptions {
  /**
   * Sequences advanced together by the cell's `stepBatch` (dense and factorized GRU/LSTM
   * cells; other cells always step one sequence at a time). Default 1. With batch B > 1 the
   * sequences run in groups of B consecutive indices and the visitor sees each group
   * interleaved: beginSequence for every sequence of the group, then step t of each (in
   * sequence order) for t = 0, 1, ..., then endSequence for each. The states are the same bit
   * for bit as with B = 1.
   */
  batch?: number;
}

/** Options of {@link runTrajectories}. */
export interface RunTrajectoriesOptions extends VisitTrajectoriesOptions {
  /** What each series row holds: the full state s_{t+1} ('state', default) or the output out(s_{t+1}). */
  record?: 'output' | 'state';
  /** Streaming callbacks, called as in {@link visitTrajectories}. */
  visitor?: TrajectoryVisitor;
  /** Called with each sequence's series as soon as it is complete. */
  onSequence?: (sequence: number, series: Series) => void;
  /** Keep the series and return them (default true); false returns [] and holds one sequence at a time. */
  keep?: boolean;
}

/** What a run did (returned by {@link visitTrajectories}). */
export interface TrajectoryRunInfo {
  /** The cell that ran (a {@link StackedCell} when layers were given). */
  readonly cell: Cell;
  readonly sequences: number;
  readonly steps: number;
  readonly burnIn: number;
  readonly seed: number;
  /** The input law in words. */
  readonly input: string;
  /** max |x_t[c]| over the recorded steps. */
  readonly inputInf: number;
}

/**
 * The cell a trajectory runs: the cell itself, or a {@link StackedCell} of the layers (one
 * layer: that layer).
 *
 * Method: layer l + 1 reads layer l's output (see {@link StackedCell}).
 *
 * References: see {@link StackedCell}.
 *
 * @throws AnalysisInputError for an empty list or mismatched layer widths
 * @example
 * asCell([gru8x16, gru16x16]).stateSize; // 32
 */
export function asCell(cell: Cell | readonly Cell[]): Cell {
  if (Array.isArray(cell)) {
    const layers = cell as readonly Cell[];
    return layers.length === 1 ? (layers[0] as Cell) : new StackedCell(layers);
  }
  return cell as Cell;
}

/** Validated run parameters shared by every trajectory-driven analysis. */
export interface ResolvedTrajectory {
  readonly cell: Cell;
  readonly sequences: number;
  readonly steps: number;
  readonly burnIn: number;
  readonly seed: number;
  readonly process: InputProcess;
  readonly initialState: Float64Array;
}

/**
 * Checks trajectory options and resolves the cell and the input process.
 *
 * Method: N >= 1, T >= 1, burnIn >= 0 integers; seed a safe integer; input width = the cell's
 * inputSize; initial state of length stateSize with finite entries; a file input must hold at
 * least N sequences of at least burnIn + T steps.
 *
 * References: none (argument checks).
 *
 * @throws AnalysisInputError naming `fn`, the argument, what was expected and what was found
 * @example
 * resolveTrajectory(gru, { sequences: 2, steps: 0 }, 'runTrajectories');
 * // throws 'runTrajectories: steps is 0, expected an integer >= 1'
 */
export function resolveTrajectory(cellOrLayers: Cell | readonly Cell[], o: TrajectoryOptions, fn: string): ResolvedTrajectory {
  if (o === null || typeof o !== 'object') throw new AnalysisInputError(`${fn}: options is ${String(o)}, expected an object with sequences and steps`);
  const cell = asCell(cellOrLayers);
  const int = (v: unknown, name: string, min: number): number => {
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) throw new AnalysisInputError(`${fn}: ${name} is ${String(v)}, expected an integer >= ${min}`);
    return v;
  };
  const sequences = int(o.sequences, 'sequences', 1);
  const steps = int(o.steps, 'steps', 1);
  const burnIn = int(o.burnIn ?? 0, 'burnIn', 0);
  const seed = o.seed ?? 0;
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) throw new AnalysisInputError(`${fn}: seed is ${String(seed)}, expected a safe integer`);
  const process = resolveInputProcess(o.input, cell.inputSize, fn);
  if (sequences > process.sequenceCount) throw new AnalysisInputError(`${fn}: sequences is ${sequences}, expected at most ${process.sequenceCount} (the sequences the input holds)`);
  if (burnIn + steps > process.maxLength) throw new AnalysisInputError(`${fn}: burnIn + steps is ${burnIn + steps}, expected at most ${process.maxLength} (the shortest input sequence)`);
  const initialState = o.initialState ?? cell.initialState();
  if (!(initialState instanceof Float64Array) || initialState.length !== cell.stateSize) {
    throw new AnalysisInputError(`${fn}: initialState has length ${initialState ? initialState.length : 'none'}, expected ${cell.stateSize} (the cell's stateSize)`);
  }
  checkFinite(initialState, fn, 'initialState');
  return { cell, sequences, steps, burnIn, seed, process, initialState };
}

function checkFinite(v: Float64Array, fn: string, what: string): void {
  for (let i = 0; i < v.length; i++) {
    const x = v[i] as number;
    if (!Number.isFinite(x)) throw new AnalysisInputError(`${fn}: ${what} entry ${i} is ${x}, expected a finite number`);
  }
}

/**
 * Drives N sequences of burnIn + T steps and streams the T recorded steps of each to a
 * visitor, holding only the current state (and, for fGn input, one sequence of inputs).
 *
 * Method: for each sequence i: s = initialState; burn-in s <- F(s, x) for burnIn inputs; then
 * for t = 0..T-1: s_{t+1} = F(s_t, x_t), visitor.step({ i, t, s_t, x_t, s_{t+1} }). Every input
 * vector is checked (length and finite entries) before the cell reads it, and every new state
 * is checked finite.
 *
 * References: Y. Bengio, P. Simard, P. Frasconi, Learning long-term dependencies with
 * gradient descent is difficult, IEEE Trans. Neural Networks 5(2) 1994,
 * doi:10.1109/72.279181 (RNNs as driven dynamical systems).
 *
 * @throws AnalysisInputError for bad options, an input of the wrong width, a NaN/Inf input or
 *   a non-finite state (diverging cell)
 * @example
 * let sum = 0;
 * visitTrajectories(gru, { sequences: 100, steps: 1000, burnIn: 100, seed: 1, input: 'ar1:0.9' },
 *   { step: ({ next }) => { sum += next[0]; } });
 * // sum / 1e5 is the mean of h[0] over the recorded states
 */
export function visitTrajectories(cellOrLayers: Cell | readonly Cell[], options: VisitTrajectoriesOptions, visitor: TrajectoryVisitor, fn = 'visitTrajectories'): TrajectoryRunInfo {
  const r = resolveTrajectory(cellOrLayers, options, fn);
  const { cell, sequences, steps, burnIn, seed, process, initialState } = r;
  const batch = options.batch ?? 1;
  if (!Number.isSafeInteger(batch) || batch < 1) throw new AnalysisInputError(`${fn}: batch is ${String(batch)}, expected an integer >= 1`);
  if (batch > 1 && sequences > 1 && typeof cell.stepBatch === 'function') {
    return { cell, sequences, steps, burnIn, seed, input: process.description, inputInf: visitBatched(r, Math.min(batch, sequences), visitor, fn) };
  }
  let inputInf = 0;
  for (let i = 0; i < sequences; i++) {
    const seq = process.sequence(i, burnIn + steps, seed);
    let s: Float64Array = Float64Array.from(initialState);
    const read = (t: number, recorded: boolean): Float64Array => {
      const x = seq.next();
      const where = `input sequence ${i} ${recorded ? 'step' : 'burn-in step'} ${t}`;
      if (!(x instanceof Float64Array) || x.length !== cell.inputSize) throw new AnalysisInputError(`${fn}: ${where} has ${x ? x.length : 'no'} channels, expected ${cell.inputSize} (the cell's inputSize)`);
      checkFinite(x, fn, where);
      return x;
    };
    const advance = (x: Float64Array, t: number): Float64Array => {
      const next = cell.step(s, x);
      for (let k = 0; k < next.length; k++) {
        if (!Number.isFinite(next[k] as number)) throw new AnalysisInputError(`${fn}: state entry ${k} of sequence ${i} after step ${t} is ${next[k]}, expected a finite number (the cell diverged)`);
      }
      return next;
    };
    for (let b = 0; b < burnIn; b++) s = advance(read(b, false), b - burnIn);
    visitor.beginSequence?.(i, s);
    for (let t = 0; t < steps; t++) {
      const x = read(t, true);
      for (let c = 0; c < x.length; c++) inputInf = Math.max(inputInf, Math.abs(x[c] as number));
      const next = advance(x, t);
      visitor.step?.({ sequence: i, t, state: s, input: x, next });
      s = next;
    }
    visitor.endSequence?.(i, s);
  }
  return { cell, sequences, steps, burnIn, seed, input: process.description, inputInf };
}

/**
 * Reads the next input of each of the n sequences into row b of `into` (n x inputSize),
 * checking width and finiteness as {@link visitTrajectories} does; returns the fresh vectors.
 */
export function readInputs(
  seqs: readonly { next(): Float64Array }[],
  first: number,
  into: Float64Array,
  dim: number,
  t: number,
  recorded: boolean,
  fn: string,
): Float64Array[] {
  const out: Float64Array[] = [];
  seqs.forEach((seq, b) => {
    const x = seq.next();
    const where = `input sequence ${first + b} ${recorded ? 'step' : 'burn-in step'} ${t}`;
    if (!(x instanceof Float64Array) || x.length !== dim) throw new AnalysisInputError(`${fn}: ${where} has ${x ? x.length : 'no'} channels, expected ${dim} (the cell's inputSize)`);
    checkFinite(x, fn, where);
    into.set(x, b * dim);
    out.push(x);
  });
  return out;
}

/** Throws unless every entry of the n x S batch of states is finite (naming the first bad one in sequence order). */
export function checkBatchFinite(next: Float64Array, S: number, first: number, t: number, fn: string): void {
  for (let e = 0; e < next.length; e++) {
    if (!Number.isFinite(next[e] as number)) {
      const b = Math.floor(e / S), k = e - b * S;
      throw new AnalysisInputError(`${fn}: state entry ${k} of sequence ${first + b} after step ${t} is ${next[e]}, expected a finite number (the cell diverged)`);
    }
  }
}

/** The batched form of {@link visitTrajectories} (groups of `batch` sequences through stepBatch); returns inputInf. */
function visitBatched(r: ResolvedTrajectory, batch: number, visitor: TrajectoryVisitor, fn: string): number {
  const { cell, sequences, steps, burnIn, seed, process, initialState } = r;
  const S = cell.stateSize, D = cell.inputSize;
  const stepBatch = (cell.stepBatch as NonNullable<Cell['stepBatch']>).bind(cell);
  let inputInf = 0;
  for (let g0 = 0; g0 < sequences; g0 += batch) {
    const n = Math.min(batch, sequences - g0);
    const seqs = Array.from({ length: n }, (_, b) => process.sequence(g0 + b, burnIn + steps, seed));
    let cur = new Float64Array(n * S);
    let nxt = new Float64Array(n * S);
    for (let b = 0; b < n; b++) cur.set(initialState, b * S);
    const xs = new Float64Array(n * D);
    for (let t = 0; t < burnIn; t++) {
      readInputs(seqs, g0, xs, D, t, false, fn);
      stepBatch(cur, xs, n, nxt);
      checkBatchFinite(nxt, S, g0, t - burnIn, fn);
      [cur, nxt] = [nxt, cur];
    }
    let rows = Array.from({ length: n }, (_, b) => cur.slice(b * S, (b + 1) * S));
    rows.forEach((s, b) => visitor.beginSequence?.(g0 + b, s));
    for (let t = 0; t < steps; t++) {
      const inputs = readInputs(seqs, g0, xs, D, t, true, fn);
      for (let e = 0; e < xs.length; e++) inputInf = Math.max(inputInf, Math.abs(xs[e] as number));
      stepBatch(cur, xs, n, nxt);
      checkBatchFinite(nxt, S, g0, t, fn);
      const nextRows = Array.from({ length: n }, (_, b) => nxt.slice(b * S, (b + 1) * S));
      if (visitor.step) for (let b = 0; b < n; b++) visitor.step({ sequence: g0 + b, t, state: rows[b] as Float64Array, input: inputs[b] as Float64Array, next: nextRows[b] as Float64Array });
      rows = nextRows;
      [cur, nxt] = [nxt, cur];
    }
    rows.forEach((s, b) => visitor.endSequence?.(g0 + b, s));
  }
  return inputInf;
}

/**
 * Drives N sequences x T recorded steps after burn-in and returns the recorded states (or
 * outputs) as one T x d {@link Series} per sequence; optionally also streams them.
 *
 * Method: {@link visitTrajectories}; row t of sequence i's series is s_{t+1} (record 'state')
 * or out(s_{t+1}) (record 'output'). Without a `visitor`, cells with `stepBatch` (dense and
 * factorized GRU/LSTM) advance `batch` sequences together (default {@link DEFAULT_BATCH}; the
 * series are identical bit for bit to one-at-a-time stepping, about 1.5-2x faster); with a
 * visitor the default is one at a time (pass `batch` to interleave). With `keep: false`
 * nothing is returned and only one batch of series is held at a time (for `onSequence`, still
 * called in sequence order); with a `visitor` and no `onSequence`, set keep: false to hold
 * nothing.
 *
 * References: see {@link visitTrajectories}.
 *
 * @throws AnalysisInputError as {@link visitTrajectories}
 * @example
 * const series = runTrajectories(gru, { sequences: 4, steps: 500, burnIn: 100, seed: 3, input: 'fgn:0.8' });
 * series.length; // 4
 * series[0].rows; // 500, series[0].cols = gru.stateSize
 */
export function runTrajectories(cellOrLayers: Cell | readonly Cell[], options: RunTrajectoriesOptions): Series[] {
  const fn = 'runTrajectories';
  const record = options.record ?? 'state';
  if (record !== 'state' && record !== 'output') throw new AnalysisInputError(`${fn}: record is ${JSON.stringify(record)}, expected 'state' or 'output'`);
  const keep = options.keep ?? true;
  const wantSeries = keep || options.onSequence !== undefined;
  const cell = asCell(cellOrLayers);
  const width = record === 'state' ? cell.stateSize : cell.hiddenSize;
  const out: Series[] = [];
  const data = new Map<number, Float64Array>();
  const user = options.visitor;
  // Batched stepping (same states bit for bit) unless a visitor expects one sequence at a time.
  const batch = options.batch ?? (user === undefined && typeof cell.stepBatch === 'function' ? DEFAULT_BATCH : 1);
  visitTrajectories(
    cell,
    { ...options, batch },
    {
      beginSequence(i, s) {
        if (wantSeries) data.set(i, new Float64Array(options.steps * width));
        user?.beginSequence?.(i, s);
      },
      step(st) {
        if (wantSeries) (data.get(st.sequence) as Float64Array).set(record === 'state' ? st.next : cell.output(st.next), st.t * width);
        user?.step?.(st);
      },
      endSequence(i, s) {
        if (wantSeries) {
          const series: Series = { rows: options.steps, cols: width, data: data.get(i) as Float64Array };
          data.delete(i);
          if (keep) out.push(series);
          options.onSequence?.(i, series);
        }
        user?.endSequence?.(i, s);
      },
    },
    fn,
  );
  return out;
}
