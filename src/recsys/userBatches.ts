/**
 * Time-major batches of user histories for next-item training and evaluation.
 *
 * @module
 */
import type { BrowsingHistories } from './browsingHistories.js';
import { RecsysInputError } from './errors.js';
import type { TimeSplit } from './timeSplit.js';

/** B users' histories, time-major: entry t * batch + b is step t of user b. */
export interface UserBatch {
  /** Steps T = length - 1: the input at step t is event t, its target event t + 1. */
  readonly steps: number;
  readonly batch: number;
  readonly users: Int32Array;
  readonly items: Int32Array;
  readonly pages: Int32Array;
  /** The next item, event t + 1. */
  readonly targets: Int32Array;
  /** 1 where the target counts (a training target for 'train' batches, a test target for 'test'), else 0. */
  readonly weights: Float32Array;
  /** Number of counted targets. */
  readonly counted: number;
}

/**
 * The users in `order`, cut into batches of `batchSize` (the last may be smaller), each batch
 * time-major with the targets of the split's `which` side weighted 1 and all others 0.
 *
 * @throws RecsysInputError for a bad batch size or a user id out of range
 */
export function userBatches(h: BrowsingHistories, split: TimeSplit, order: ArrayLike<number>, batchSize: number, which: 'train' | 'test'): UserBatch[] {
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new RecsysInputError(`userBatches: batchSize is ${String(batchSize)}, expected an integer >= 1`);
  const L = h.length, T = L - 1;
  const mask = which === 'train' ? split.trainTarget : split.testTarget;
  const out: UserBatch[] = [];
  for (let first = 0; first < order.length; first += batchSize) {
    const B = Math.min(batchSize, order.length - first);
    const users = new Int32Array(B);
    const items = new Int32Array(T * B), pages = new Int32Array(T * B), targets = new Int32Array(T * B);
    const weights = new Float32Array(T * B);
    let counted = 0;
    for (let b = 0; b < B; b++) {
      const u = order[first + b] as number;
      if (!Number.isSafeInteger(u) || u < 0 || u >= h.users) throw new RecsysInputError(`userBatches: user ${String(u)} at position ${first + b}, expected an id in 0..${h.users - 1}`);
      users[b] = u;
      for (let t = 0; t < T; t++) {
        const k = t * B + b, e = u * L + t;
        items[k] = h.itemIds[e] as number;
        pages[k] = h.pageIds[e] as number;
        targets[k] = h.itemIds[e + 1] as number;
        if (mask[e + 1] === 1) {
          weights[k] = 1;
          counted++;
        }
      }
    }
    out.push({ steps: T, batch: B, users, items, pages, targets, weights, counted });
  }
  return out;
}
