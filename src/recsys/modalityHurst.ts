/**
 * The Hurst index of the generator's modality process, measured with lrdkit's own estimators.
 *
 * @module
 */
import { memoryExponents } from '../analysis/memory/memoryExponents.js';
import { createRng } from '../processes/prng.js';
import { type BrowsingHistories, modalitySequence } from './browsingHistories.js';
import { RecsysInputError } from './errors.js';

/** Hurst index estimates of the modality process (see {@link modalityHurst}). */
export interface ModalityHurst {
  /** (3 - alpha) / 2 for 1 < alpha < 2, else 1/2 (Taqqu, Willinger & Sherman 1997). */
  readonly theory: number;
  readonly dfa: { readonly hurst: number; readonly standardError: number };
  readonly gph: { readonly hurst: number; readonly standardError: number };
  readonly aggregatedVariance: { readonly hurst: number; readonly standardError: number };
  /** Events in the measured path. */
  readonly events: number;
}

/**
 * H of the modality sequence that {@link generateBrowsingHistories} draws, measured on one long
 * path of the same renewal law (a user's 500 events are too few: a single regime can outlast
 * them when alpha is near 1).
 *
 * Method: one path of `events` modalities from `createRng(seed).fork(0x7ffffffe)` with the histories'
 * modalities, minimum duration and tail index; its one-hot encoding (M channels); the leading
 * principal component analysed by DFA-1, GPH and aggregated variance
 * ({@link memoryExponents}).
 *
 * References: M. S. Taqqu, W. Willinger, R. Sherman, ACM SIGCOMM CCR 27(2) 1997,
 * doi:10.1145/263876.263879 (H = (3 - alpha) / 2 for heavy-tailed renewal regimes).
 *
 * @throws RecsysInputError when events < 1024
 * @example
 * modalityHurst(generateBrowsingHistories({ users: 1, tailIndex: 1.4 })).dfa.hurst; // about 0.8
 */
export function modalityHurst(h: BrowsingHistories, events = 1 << 16): ModalityHurst {
  if (!Number.isSafeInteger(events) || events < 1024) throw new RecsysInputError(`modalityHurst: events is ${String(events)}, expected an integer >= 1024`);
  const o = h.options;
  const path = modalitySequence(createRng(o.seed).fork(0x7ffffffe), o.modalities, o.minDuration, o.tailIndex, new Int32Array(events));
  const data = new Float64Array(events * o.modalities);
  for (let e = 0; e < events; e++) data[e * o.modalities + (path[e] as number)] = 1;
  const c = memoryExponents({ rows: events, cols: o.modalities, data }, { components: 1 }).components[0];
  if (c === undefined) throw new RecsysInputError('modalityHurst: the modality path has no variance (a single regime), expected at least one switch');
  return {
    theory: h.theoreticalHurst,
    dfa: { hurst: c.dfa.hurst, standardError: c.dfa.standardError },
    gph: { hurst: c.gph.hurst, standardError: c.gph.standardError },
    aggregatedVariance: { hurst: c.aggregatedVariance.hurst, standardError: c.aggregatedVariance.standardError },
    events,
  };
}
