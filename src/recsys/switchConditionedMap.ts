/**
 * MAP@k of next-item predictions conditioned on where the target sits relative to a switch of
 * the user's latent modality (section 2.2.3's "context-switching sequences"): on the switch
 * event itself, just after it, deep inside a regime, and, right after a switch, by how long ago
 * the user last browsed the modality it returns to (what a long memory has to bridge).
 *
 * @module
 */
import { RecsysInputError } from './errors.js';

/** The groups of test targets {@link mapBySwitchPosition} reports, in this order. */
export const SWITCH_BUCKETS = ['all', 'switch event', '1 after switch', '2-4 after switch', '5+ into regime', 'return, short gap', 'return, long gap', 'first visit'] as const;
export type SwitchBucket = (typeof SWITCH_BUCKETS)[number];

/** MAP@k and the number of test targets of every {@link SwitchBucket}. */
export type SwitchConditionedMap = Record<SwitchBucket, { readonly map: number; readonly targets: number }>;

/** Where every event sits relative to the modality switches of its user (see {@link switchPositions}). */
export interface SwitchPositions {
  /**
   * Events since the start of the event's regime (0: the first event of a new modality, a
   * switch); -1 for the events of a user's first regime (no switch has happened yet).
   */
  readonly sinceSwitch: Int32Array;
  /**
   * For events of a regime that follows a switch: events from the user's last earlier event in
   * the same modality to the regime's first event (>= 2); -1 when the user never browsed the
   * modality before (and for the first regime).
   */
  readonly returnGap: Int32Array;
}

/**
 * Positions of every event relative to the modality switches of its user.
 *
 * Method: one pass per user over the modality sequence (event e of user u at u L + e); a regime
 * starts at e = 0 and wherever the modality differs from event e - 1; the last event seen in
 * every modality is tracked to give the return gap (regime start minus that event's index).
 *
 * @throws RecsysInputError when modality.length is not users x length
 * @example
 * // one user, modalities 0 0 1 1 0
 * switchPositions(Int32Array.from([0, 0, 1, 1, 0]), 1, 5);
 * // sinceSwitch [-1, -1, 0, 1, 0], returnGap [-1, -1, -1, -1, 3]
 */
export function switchPositions(modality: Int32Array, users: number, length: number): SwitchPositions {
  if (!Number.isSafeInteger(users) || !Number.isSafeInteger(length) || users < 0 || length < 1 || modality.length !== users * length) {
    throw new RecsysInputError(`switchPositions: modality has ${modality.length} events, expected users ${users} x length ${length}`);
  }
  const sinceSwitch = new Int32Array(modality.length), returnGap = new Int32Array(modality.length);
  for (let u = 0; u < users; u++) {
    const lastSeen = new Map<number, number>();
    let start = -1, gap = -1;
    for (let e = 0; e < length; e++) {
      const k = u * length + e, m = modality[k] as number;
      if (e > 0 && m !== modality[k - 1]) {
        start = e;
        const last = lastSeen.get(m);
        gap = last === undefined ? -1 : e - last;
      }
      sinceSwitch[k] = start < 0 ? -1 : e - start;
      returnGap[k] = start < 0 ? -1 : gap;
      lastSeen.set(m, e);
    }
  }
  return { sinceSwitch, returnGap };
}

/**
 * MAP@k of the test targets in every {@link SwitchBucket}.
 *
 * Method: `averagePrecision[k]` is the AP@k of the prediction of event k (1 / rank of the true
 * item, 0 beyond k), read where `testTarget[k] = 1`. Buckets by {@link switchPositions}:
 * 'switch event' sinceSwitch = 0 (the new modality is not yet observable from the inputs);
 * '1 after switch' = 1 (one item of the new modality seen: recalling the user's topic in it is
 * what memory can add); '2-4 after switch'; '5+ into regime' (sinceSwitch >= 5 or the first
 * regime); for targets 1..4 after a switch, 'return, short gap' (returnGap < longGap events),
 * 'return, long gap' (>= longGap) and 'first visit' (never browsed before). A bucket without
 * targets has map NaN.
 *
 * @throws RecsysInputError for arrays of different lengths or longGap < 1
 * @example
 * // modalities 0 0 1 1 0 0 (one user), every event a test target, AP 1, 1/2, 0, 1, 1/4, 1/2
 * const p = switchPositions(Int32Array.from([0, 0, 1, 1, 0, 0]), 1, 6);
 * mapBySwitchPosition(Float64Array.from([1, 0.5, 0, 1, 0.25, 0.5]), Uint8Array.from([0, 1, 1, 1, 1, 1]), p, 3);
 * // 'switch event' (events 2, 4): (0 + 0.25) / 2; '1 after switch' (3, 5): (1 + 0.5) / 2;
 * // 'return, long gap' (5: gap 3): 0.5; 'first visit' (3): 1
 */
export function mapBySwitchPosition(averagePrecision: Float64Array, testTarget: Uint8Array, positions: SwitchPositions, longGap: number): SwitchConditionedMap {
  const n = testTarget.length;
  if (averagePrecision.length !== n || positions.sinceSwitch.length !== n || positions.returnGap.length !== n) {
    throw new RecsysInputError(`mapBySwitchPosition: averagePrecision (${averagePrecision.length}), testTarget (${n}) and positions (${positions.sinceSwitch.length}) must have one entry per event`);
  }
  if (!Number.isSafeInteger(longGap) || longGap < 1) throw new RecsysInputError(`mapBySwitchPosition: longGap is ${String(longGap)}, expected an integer >= 1`);
  const sum = new Map<SwitchBucket, number>(), count = new Map<SwitchBucket, number>();
  const add = (b: SwitchBucket, ap: number): void => {
    sum.set(b, (sum.get(b) ?? 0) + ap);
    count.set(b, (count.get(b) ?? 0) + 1);
  };
  for (let k = 0; k < n; k++) {
    if (testTarget[k] !== 1) continue;
    const ap = averagePrecision[k] as number;
    if (!Number.isFinite(ap)) throw new RecsysInputError(`mapBySwitchPosition: averagePrecision[${k}] is ${ap} at a test target, expected a number in [0, 1]`);
    add('all', ap);
    const s = positions.sinceSwitch[k] as number, gap = positions.returnGap[k] as number;
    if (s === 0) add('switch event', ap);
    else if (s === 1) add('1 after switch', ap);
    else if (s >= 2 && s <= 4) add('2-4 after switch', ap);
    else add('5+ into regime', ap);
    if (s >= 1 && s <= 4) add(gap < 0 ? 'first visit' : gap < longGap ? 'return, short gap' : 'return, long gap', ap);
  }
  const out = {} as Record<SwitchBucket, { map: number; targets: number }>;
  for (const b of SWITCH_BUCKETS) {
    const c = count.get(b) ?? 0;
    out[b] = { map: c > 0 ? (sum.get(b) as number) / c : Number.NaN, targets: c };
  }
  return out;
}
