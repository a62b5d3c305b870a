/**
 * Train/test split on time, as in section 3.3.2 of the paper: the test targets are the events
 * of the last time slice, the training targets everything before; a model reads every user's
 * whole prefix in both cases.
 *
 * @module
 */
import type { BrowsingHistories } from './browsingHistories.js';
import { RecsysInputError } from './errors.js';

/** Which next-item targets train and which test (see {@link timeSplit}). */
export interface TimeSplit {
  /** Seconds: targets at or after it are test targets. */
  readonly cutoffSeconds: number;
  /** 1 where event k (k = u L + e, e >= 1) is a training target, else 0 (never for e = 0). */
  readonly trainTarget: Uint8Array;
  /** 1 where event k is a test target. */
  readonly testTarget: Uint8Array;
  readonly trainTargets: number;
  readonly testTargets: number;
}

/**
 * Splits next-item targets on time: event e >= 1 of a user (predicted from events 0..e-1) is a
 * test target when its timestamp is at or after the cutoff, the (1 - testFraction) quantile of
 * all targets' timestamps (lower empirical quantile), else a training target. Train and test
 * targets never overlap, and every test target is later than every training target.
 *
 * @throws RecsysInputError for testFraction outside (0, 1)
 */
export function timeSplit(h: BrowsingHistories, testFraction = 0.1): TimeSplit {
  if (!(testFraction > 0 && testFraction < 1)) throw new RecsysInputError(`timeSplit: testFraction is ${String(testFraction)}, expected a number in (0, 1)`);
  const L = h.length;
  const times: number[] = [];
  for (let u = 0; u < h.users; u++) for (let e = 1; e < L; e++) times.push(h.timestamps[u * L + e] as number);
  times.sort((a, b) => a - b);
  const cutoff = times[Math.min(times.length - 1, Math.floor((1 - testFraction) * times.length))] as number;
  const trainTarget = new Uint8Array(h.users * L), testTarget = new Uint8Array(h.users * L);
  let train = 0, test = 0;
  for (let u = 0; u < h.users; u++) {
    for (let e = 1; e < L; e++) {
      const k = u * L + e;
      if ((h.timestamps[k] as number) >= cutoff) {
        testTarget[k] = 1;
        test++;
      } else {
        trainTarget[k] = 1;
        train++;
      }
    }
  }
  return { cutoffSeconds: cutoff, trainTarget, testTarget, trainTargets: train, testTargets: test };
}
