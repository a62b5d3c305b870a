/**
 * "Did you mean ...?" for mistyped commands and options, as git and cargo suggest: the known
 * name at the smallest edit distance, offered when the distance is small for the word's length.
 *
 * @module
 */

/**
 * Edit distance between `a` and `b`: insertions, deletions, substitutions and transpositions of
 * two adjacent characters each cost 1 (the optimal string alignment distance, as git's
 * "did you mean" uses: 'trian' is one edit from 'train').
 *
 * Method: the dynamic programme of Wagner and Fischer (1974), doi:10.1145/321796.321811, with
 * Damerau's transposition (1964), doi:10.1145/363958.363994; O(|a| |b|) time and memory.
 *
 * @example
 * editDistance('adit', 'audit'); // 1
 * editDistance('trian', 'train'); // 1
 * editDistance('kitten', 'sitting'); // 3
 */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    const row = d[i] as number[], up = d[i - 1] as number[];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min((up[j] as number) + 1, (row[j - 1] as number) + 1, (up[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, ((d[i - 2] as number[])[j - 2] as number) + 1);
      row[j] = best;
    }
  }
  return (d[a.length] as number[])[b.length] as number;
}

/**
 * The candidate closest to `word` when it is close enough to be a likely typo: edit distance at
 * most max(1, floor(|word| / 3)) (so 'audt' -> 'audit', 'seeds' -> 'seed', but 'x' -> nothing), or
 * `word` a prefix of exactly one candidate ('rep' is ambiguous between report and reproduce).
 * Ties go to the first candidate in the given order. Returns undefined when nothing fits.
 *
 * @example
 * closestName('audt', ['audit', 'inspect', 'report']); // 'audit'
 * closestName('zzz', ['audit', 'inspect']); // undefined
 */
export function closestName(word: string, candidates: readonly string[]): string | undefined {
  const limit = Math.max(1, Math.floor(word.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  if (best !== undefined && bestDistance <= limit) return best;
  const prefixed = word.length >= 2 ? candidates.filter((c) => c.startsWith(word)) : [];
  return prefixed.length === 1 ? prefixed[0] : undefined;
}

/** `; did you mean X?` for an error message, or '' when no candidate is close. */
export function didYouMean(word: string, candidates: readonly string[], prefix = ''): string {
  const c = closestName(word, candidates);
  return c === undefined ? '' : `; did you mean ${prefix}${c}?`;
}
