/**
 * Durations for progress messages.
 *
 * @module
 */

/**
 * A duration in whole seconds below 90 s, else whole minutes and seconds (rounded to the
 * second first, so never "2 min 60 s").
 *
 * @example
 * formatSeconds(12.4); // '12 s'
 * formatSeconds(179.6); // '3 min 0 s'
 */
export function formatSeconds(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 90) return `${s} s`;
  return `${Math.floor(s / 60)} min ${s % 60} s`;
}
