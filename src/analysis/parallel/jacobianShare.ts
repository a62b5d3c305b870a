/**
 * Internal: the Jacobian spectra of the sampled states (and the full eigenvalues at a few of
 * them), shared between the main thread and the helper thread by dynamic work stealing, so
 * that whichever thread is free computes them.
 *
 * The work is a list of items: first one item per state whose full eigenvalues are wanted and
 * one per recurrent matrix U_k whose spectral radius is reported (the largest items, O(h^3)
 * each, so they are claimed first), then the samples cut into chunks of
 * {@link jacobianChunkSize} states. Each thread claims the next item with an atomic
 * increment of a shared counter until none is left, and the results are put back in item
 * order. Every item is computed independently (jacobianEigenvaluesAt, spectralRadius,
 * jacobianSpectraAt), so
 * the result is the same bit for bit however the items were divided (and equal to one
 * jacobianSpectraAt call on all samples). The helper runs its share after the tasks posted
 * before (the correlation sums), so it joins when it is done with them; the work can be
 * posted ({@link startJacobianWork}) before the main thread is free to join
 * ({@link finishJacobianWork}).
 *
 * @module
 */
import type { Cell } from '../../cells/types.js';
import { spectralRadius } from '../../linalg/eigenvalues.js';
import { type JacobianEigenvaluesAt, type JacobianSolver, type JacobianSpectraAt, type RecurrentSpectralRadius, type VisitedState, concatSpectra, jacobianEigenvaluesAt, jacobianSpectraAt, recurrentMatrices } from '../jacobianSpectrum.js';
import { type HelperThread, HelperUnavailableError } from './helper.js';

/** States per claimed chunk (about 0.1 s for a GRU(256), 0.3 s for the factorized GRU(896) with 8 blocks). */
export const JACOBIAN_CHUNK = 8;

/**
 * States per chunk for `cell`: {@link JACOBIAN_CHUNK}, or half of it when the state is wider
 * than 512 (a state of a GRU(1024) takes about 1 s, so a chunk of 8 could leave one thread
 * working alone for 8 s at the end). Both threads derive it from the same cell.
 */
export function jacobianChunkSize(cell: Cell): number {
  return cell.stateSize > 512 ? JACOBIAN_CHUNK / 2 : JACOBIAN_CHUNK;
}

/** One thread's share: the chunks and eigenvalue states it computed and its compute seconds on each kind. */
export interface JacobianShare {
  readonly chunks: readonly (readonly [number, JacobianSpectraAt])[];
  readonly seconds: number;
  readonly eigenvalues: readonly (readonly [number, JacobianEigenvaluesAt])[];
  readonly eigenvalueSeconds: number;
  /** rho(U_k) by index into recurrentMatrices(cell). */
  readonly recurrent: readonly (readonly [number, number])[];
  readonly recurrentSeconds: number;
}

/**
 * Claims items (eigenvalue states, recurrent matrices, then chunks of `samples`) from `counter` (an Int32 in a
 * SharedArrayBuffer, initially 0) until all are taken; returns what it computed. Runs on
 * either thread. `onItem(claimed, items)` is called before each claimed item (progress).
 */
export function claimJacobianChunks(
  cell: Cell,
  samples: readonly VisitedState[],
  solver: JacobianSolver,
  counter: Int32Array,
  onItem?: (claimed: number, items: number) => void,
  eigenvalueStates: readonly VisitedState[] = [],
): JacobianShare {
  const E = eigenvalueStates.length;
  const matrices = recurrentMatrices(cell);
  const R = matrices.length;
  const size = jacobianChunkSize(cell);
  const items = E + R + Math.ceil(samples.length / size);
  const chunks: [number, JacobianSpectraAt][] = [];
  const eigenvalues: [number, JacobianEigenvaluesAt][] = [];
  const recurrent: [number, number][] = [];
  let seconds = 0, eigenvalueSeconds = 0, recurrentSeconds = 0;
  for (;;) {
    const c = Atomics.add(counter, 0, 1);
    if (c >= items) break;
    onItem?.(c, items);
    const t0 = process.hrtime.bigint();
    if (c < E) {
      eigenvalues.push([c, jacobianEigenvaluesAt(cell, [eigenvalueStates[c] as VisitedState])[0] as JacobianEigenvaluesAt]);
      eigenvalueSeconds += Number(process.hrtime.bigint() - t0) / 1e9;
    } else if (c < E + R) {
      recurrent.push([c - E, spectralRadius((matrices[c - E] as (typeof matrices)[number]).matrix)]);
      recurrentSeconds += Number(process.hrtime.bigint() - t0) / 1e9;
    } else {
      const k = c - E - R;
      chunks.push([k, jacobianSpectraAt(cell, samples.slice(k * size, (k + 1) * size), solver)]);
      seconds += Number(process.hrtime.bigint() - t0) / 1e9;
    }
  }
  return { chunks, seconds, eigenvalues, eigenvalueSeconds, recurrent, recurrentSeconds };
}

/** What {@link jacobianSpectraShared} and {@link finishJacobianWork} return: the results and the compute seconds per thread. */
export interface SharedJacobianSpectra {
  readonly spectra: JacobianSpectraAt;
  /** The full eigenvalues at the eigenvalue states, in their order ([] when none were asked). */
  readonly eigenvalues: JacobianEigenvaluesAt[];
  /** Main-thread compute seconds on the spectra chunks. */
  readonly mainSeconds: number;
  /** The helper's compute seconds on its chunks (0 without a helper or when it took none). */
  readonly helperSeconds: number;
  readonly helperChunks: number;
  /** Compute seconds on the eigenvalue states, both threads together. */
  readonly eigenvalueSeconds: number;
  /** Eigenvalue states computed by the helper. */
  readonly helperEigenvalueStates: number;
  /** rho(U_k) per gate family and unit, as {@link recurrentSpectralRadii} (for jacobianReport). */
  readonly recurrent: RecurrentSpectralRadius[];
  /** Compute seconds on the recurrent matrices, both threads together. */
  readonly recurrentSeconds: number;
}

/** Work posted by {@link startJacobianWork}, to be finished by {@link finishJacobianWork}. */
export interface JacobianWork {
  readonly samples: readonly VisitedState[];
  readonly eigenvalueStates: readonly VisitedState[];
  readonly solver: JacobianSolver;
  readonly counter: Int32Array;
  readonly helper: HelperThread | null;
  readonly ticket: number | undefined;
}

/**
 * Posts the helper's part of the work (when there is a helper): it starts claiming items as
 * soon as it is done with the tasks posted before, while this thread does something else.
 */
export function startJacobianWork(samples: readonly VisitedState[], solver: JacobianSolver, helper: HelperThread | null, eigenvalueStates: readonly VisitedState[] = []): JacobianWork {
  const counter = new Int32Array(new SharedArrayBuffer(4));
  const ticket = helper ? helper.post('jacobianChunks', { samples, solver, counter: counter.buffer, eigenvalueStates }) : undefined;
  return { samples, eigenvalueStates, solver, counter, helper, ticket };
}

/**
 * Joins the work on this thread (claims items until none is left), collects the helper's
 * items, and computes here whatever the helper did not return (it could not run or died):
 * the same numbers either way.
 */
export function finishJacobianWork(cell: Cell, work: JacobianWork, onItem?: (claimed: number, items: number) => void): SharedJacobianSpectra {
  const { samples, eigenvalueStates, solver, counter, helper, ticket } = work;
  const mine = claimJacobianChunks(cell, samples, solver, counter, onItem, eigenvalueStates);
  const parts = new Map<number, JacobianSpectraAt>(mine.chunks.map(([c, p]) => [c, p]));
  const eig = new Map<number, JacobianEigenvaluesAt>(mine.eigenvalues.map(([c, p]) => [c, p]));
  const rho = new Map<number, number>(mine.recurrent.map(([c, v]) => [c, v]));
  let helperSeconds = 0, helperChunks = 0, helperEigenvalueStates = 0;
  let eigenvalueSeconds = mine.eigenvalueSeconds, recurrentSeconds = mine.recurrentSeconds;
  if (helper && ticket !== undefined) {
    try {
      const theirs = helper.wait<JacobianShare>(ticket).result;
      for (const [c, p] of theirs.chunks) parts.set(c, p);
      for (const [c, p] of theirs.eigenvalues) eig.set(c, p);
      for (const [c, v] of theirs.recurrent) rho.set(c, v);
      recurrentSeconds += theirs.recurrentSeconds;
      helperSeconds = theirs.seconds;
      helperChunks = theirs.chunks.length;
      helperEigenvalueStates = theirs.eigenvalues.length;
      eigenvalueSeconds += theirs.eigenvalueSeconds;
    } catch (e) {
      if (!(e instanceof HelperUnavailableError)) throw e;
    }
  }
  const size = jacobianChunkSize(cell);
  const chunks = Math.ceil(samples.length / size);
  let t0 = process.hrtime.bigint();
  for (let c = 0; c < chunks; c++) {
    if (!parts.has(c)) parts.set(c, jacobianSpectraAt(cell, samples.slice(c * size, (c + 1) * size), solver));
  }
  const extra = Number(process.hrtime.bigint() - t0) / 1e9;
  t0 = process.hrtime.bigint();
  for (let c = 0; c < eigenvalueStates.length; c++) {
    if (!eig.has(c)) eig.set(c, jacobianEigenvaluesAt(cell, [eigenvalueStates[c] as VisitedState])[0] as JacobianEigenvaluesAt);
  }
  eigenvalueSeconds += Number(process.hrtime.bigint() - t0) / 1e9;
  const matrices = recurrentMatrices(cell);
  t0 = process.hrtime.bigint();
  for (let c = 0; c < matrices.length; c++) if (!rho.has(c)) rho.set(c, spectralRadius((matrices[c] as (typeof matrices)[number]).matrix));
  recurrentSeconds += Number(process.hrtime.bigint() - t0) / 1e9;
  const ordered = Array.from({ length: chunks }, (_, c) => parts.get(c) as JacobianSpectraAt);
  return {
    spectra: chunks === 0 ? jacobianSpectraAt(cell, samples, solver) : concatSpectra(ordered),
    eigenvalues: Array.from({ length: eigenvalueStates.length }, (_, c) => eig.get(c) as JacobianEigenvaluesAt),
    mainSeconds: mine.seconds + extra,
    helperSeconds,
    helperChunks,
    eigenvalueSeconds,
    helperEigenvalueStates,
    recurrent: matrices.map(({ label, gate }, c) => ({ label, gate, spectralRadius: rho.get(c) as number })),
    recurrentSeconds,
  };
}

/**
 * jacobianSpectraAt(cell, samples, solver), computed by this thread and (when given) the
 * helper thread together; the helper rebuilds the same cell (see helper.ts). When the helper
 * cannot run or dies, the chunks it had not returned are computed here: the same numbers.
 */
export function jacobianSpectraShared(cell: Cell, samples: readonly VisitedState[], solver: JacobianSolver, helper: HelperThread | null, onChunk?: (claimed: number, chunks: number) => void): SharedJacobianSpectra {
  return finishJacobianWork(cell, startJacobianWork(samples, solver, helper), onChunk);
}
