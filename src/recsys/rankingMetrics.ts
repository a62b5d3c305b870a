/**
 * Ranking metrics of next-item recommendation: average precision at k and recall at k.
 *
 * @module
 */
import { RecsysInputError } from './errors.js';

function checkK(k: number, fn: string): void {
  if (!Number.isSafeInteger(k) || k < 1) throw new RecsysInputError(`${fn}: k is ${String(k)}, expected an integer >= 1`);
}

/**
 * Average precision at k of one ranked list against a set of relevant items.
 *
 * Method: AP@k = (1 / min(k, |R|)) sum_{i=1..k} P(i) rel(i), where rel(i) = 1 when the i-th
 * ranked item is relevant (and not already counted: duplicates in the ranking count once) and
 * P(i) is the fraction of relevant items among the first i. With one relevant item (next-item
 * prediction) it is 1 / rank when rank <= k, else 0.
 *
 * References: C. D. Manning, P. Raghavan, H. Schutze, Introduction to Information Retrieval,
 * Cambridge University Press 2008, section 8.4 (mean average precision); the truncated form
 * AP@k as in the Kaggle / ml_metrics `apk` definition.
 *
 * @throws RecsysInputError for k < 1 or an empty relevant set
 * @example
 * averagePrecisionAtK([7, 3, 9, 1], new Set([3, 1]), 3); // (1/2) (1/2) = 0.25
 * averagePrecisionAtK([7, 3, 9, 1], new Set([3, 1]), 4); // (1/2) (1/2 + 2/4) = 0.5
 */
export function averagePrecisionAtK(ranked: ArrayLike<number>, relevant: ReadonlySet<number>, k: number): number {
  const fn = 'averagePrecisionAtK';
  checkK(k, fn);
  if (relevant.size === 0) throw new RecsysInputError(`${fn}: relevant is empty, expected at least one relevant item`);
  const seen = new Set<number>();
  let hits = 0;
  let sum = 0;
  const n = Math.min(k, ranked.length);
  for (let i = 0; i < n; i++) {
    const item = ranked[i] as number;
    if (relevant.has(item) && !seen.has(item)) {
      hits++;
      sum += hits / (i + 1);
    }
    seen.add(item);
  }
  return sum / Math.min(k, relevant.size);
}

/**
 * Recall at k: the fraction of the relevant items found among the first k ranked.
 *
 * @throws RecsysInputError for k < 1 or an empty relevant set
 * @example
 * recallAtK([7, 3, 9, 1], new Set([3, 1]), 3); // 0.5
 */
export function recallAtK(ranked: ArrayLike<number>, relevant: ReadonlySet<number>, k: number): number {
  const fn = 'recallAtK';
  checkK(k, fn);
  if (relevant.size === 0) throw new RecsysInputError(`${fn}: relevant is empty, expected at least one relevant item`);
  const found = new Set<number>();
  const n = Math.min(k, ranked.length);
  for (let i = 0; i < n; i++) if (relevant.has(ranked[i] as number)) found.add(ranked[i] as number);
  return found.size / relevant.size;
}

/** Mean of {@link averagePrecisionAtK} over queries (MAP@k). */
export function meanAveragePrecisionAtK(rankings: readonly ArrayLike<number>[], relevant: readonly ReadonlySet<number>[], k: number): number {
  if (rankings.length !== relevant.length || rankings.length === 0) {
    throw new RecsysInputError(`meanAveragePrecisionAtK: ${rankings.length} rankings and ${relevant.length} relevant sets, expected the same positive number`);
  }
  let s = 0;
  rankings.forEach((r, q) => {
    s += averagePrecisionAtK(r, relevant[q] as ReadonlySet<number>, k);
  });
  return s / rankings.length;
}
