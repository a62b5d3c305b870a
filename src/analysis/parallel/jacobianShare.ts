/**
 * Internal: the Jacobian spectra of the sampled states, shared between the main thread and
 * the helper thread by dynamic work stealing, so that whichever thread is free computes them.
 *
 * The samples are cut into chunks of {@link JACOBIAN_CHUNK} states; each thread claims the next
 * chunk with an atomic increment of a shared counter until none is left, and the chunks'
 * results are concatenated in chunk order. Every sample is computed independently
 * (jacobianSpectraAt), so the result is the same bit for bit however the chunks were divided
 * (and equal to one jacobianSpectraAt call on all samples). The helper runs its share after
 * the tasks posted before (the correlation sums), so it joins when it is done with them.
 *
 * @module
 */
import type { Cell } from '../../cells/types.js';
import { type JacobianSolver, type JacobianSpectraAt, type VisitedState, concatSpectra, jacobianSpectraAt } from '../jacobianSpectrum.js';
import { type HelperThread, HelperUnavailableError } from './helper.js';

/** States per claimed chunk (about 0.1 s for a GRU(256), 0.3 s for the factorized GRU(896) with 8 blocks). */
export const JACOBIAN_CHUNK = 8;

/** One thread's share: the chunks it computed and its compute seconds. */
export interface JacobianShare {
  readonly chunks: readonly (readonly [number, JacobianSpectraAt])[];
  readonly seconds: number;
}

/**
 * Claims chunks of `samples` from `counter` (an Int32 in a SharedArrayBuffer, initially 0)
 * until all are taken; returns the computed chunks. Runs on either thread.
 */
export function claimJacobianChunks(cell: Cell, samples: readonly VisitedState[], solver: JacobianSolver, counter: Int32Array, onChunk?: (claimed: number, chunks: number) => void): JacobianShare {
  const chunks = Math.ceil(samples.length / JACOBIAN_CHUNK);
  const out: [number, JacobianSpectraAt][] = [];
  const t0 = process.hrtime.bigint();
  for (;;) {
    const c = Atomics.add(counter, 0, 1);
    if (c >= chunks) break;
    onChunk?.(c, chunks);
    out.push([c, jacobianSpectraAt(cell, samples.slice(c * JACOBIAN_CHUNK, (c + 1) * JACOBIAN_CHUNK), solver)]);
  }
  return { chunks: out, seconds: Number(process.hrtime.bigint() - t0) / 1e9 };
}

/** What {@link jacobianSpectraShared} returns: the spectra and the compute seconds per thread. */
export interface SharedJacobianSpectra {
  readonly spectra: JacobianSpectraAt;
  readonly mainSeconds: number;
  /** The helper's compute seconds on its chunks (0 without a helper or when it took none). */
  readonly helperSeconds: number;
  readonly helperChunks: number;
}

/**
 * jacobianSpectraAt(cell, samples, solver), computed by this thread and (when given) the
 * helper thread together; the helper rebuilds the same cell (see helper.ts). When the helper
 * cannot run or dies, the chunks it had not returned are computed here: the same numbers.
 */
export function jacobianSpectraShared(cell: Cell, samples: readonly VisitedState[], solver: JacobianSolver, helper: HelperThread | null, onChunk?: (claimed: number, chunks: number) => void): SharedJacobianSpectra {
  const counter = new Int32Array(new SharedArrayBuffer(4));
  const ticket = helper ? helper.post('jacobianChunks', { samples, solver, counter: counter.buffer }) : undefined;
  const mine = claimJacobianChunks(cell, samples, solver, counter, onChunk);
  const parts = new Map<number, JacobianSpectraAt>(mine.chunks.map(([c, p]) => [c, p]));
  let helperSeconds = 0;
  let helperChunks = 0;
  if (helper && ticket !== undefined) {
    try {
      const theirs = helper.wait<JacobianShare>(ticket).result;
      for (const [c, p] of theirs.chunks) parts.set(c, p);
      helperSeconds = theirs.seconds;
      helperChunks = theirs.chunks.length;
    } catch (e) {
      if (!(e instanceof HelperUnavailableError)) throw e;
    }
  }
  const chunks = Math.ceil(samples.length / JACOBIAN_CHUNK);
  const t0 = process.hrtime.bigint();
  for (let c = 0; c < chunks; c++) {
    if (!parts.has(c)) parts.set(c, jacobianSpectraAt(cell, samples.slice(c * JACOBIAN_CHUNK, (c + 1) * JACOBIAN_CHUNK), solver));
  }
  const extra = Number(process.hrtime.bigint() - t0) / 1e9;
  const ordered = Array.from({ length: chunks }, (_, c) => parts.get(c) as JacobianSpectraAt);
  return { spectra: chunks === 0 ? jacobianSpectraAt(cell, samples, solver) : concatSpectra(ordered), mainSeconds: mine.seconds + extra, helperSeconds, helperChunks };
}
