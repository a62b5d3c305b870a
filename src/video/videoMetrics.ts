/**
 * YouTube-8M's per-video metrics, Hit@1 and PERR (precision at equal recall rate), as the
 * benchmark's evaluation code computes them (google/youtube-8m, eval_util.py,
 * calculate_hit_at_one and calculate_precision_at_equal_recall_rate), with one rule for ties.
 *
 * Ties: the ranking of a video's scores puts the higher score first and, between equal scores,
 * the lower class index first. Hit@1 then picks numpy.argmax's class (the first maximum), as
 * eval_util.py does; for PERR eval_util.py takes the top k by numpy.argpartition, which leaves
 * the order of tied scores unspecified, and this module fixes it to the lower index first.
 *
 * References: S. Abu-El-Haija et al., "YouTube-8M: A Large-Scale Video Classification
 * Benchmark", arXiv:1609.08675, 2016 (Hit@k and PERR, its evaluation metrics); google/youtube-8m eval_util.py
 * (commit 1c3681515eb0ebfa681426660d41a4d2f2fd319b).
 *
 * @module
 */
import { VideoTaskError } from './videoFrames.js';

function checkShapes(scores: ArrayLike<number>, labels: ArrayLike<number>, classes: number, fn: string): number {
  if (!Number.isSafeInteger(classes) || classes < 1) throw new VideoTaskError(`${fn}: classes is ${String(classes)}, expected an integer >= 1`);
  if (scores.length !== labels.length || scores.length % classes !== 0 || scores.length === 0) {
    throw new VideoTaskError(`${fn}: scores has ${scores.length} values and labels ${labels.length}, expected the same positive multiple of the ${classes} classes`);
  }
  return scores.length / classes;
}

/**
 * The k highest-scoring classes of one video's scores (row `row` of a videos x C matrix),
 * highest first, ties by lower class index.
 *
 * @example
 * topClasses([0.2, 0.9, 0.9, 0.1], 4, 0, 3); // [1, 2, 0]
 */
export function topClasses(scores: ArrayLike<number>, classes: number, row: number, k: number): number[] {
  const off = row * classes;
  const order = Array.from({ length: classes }, (_, i) => i);
  order.sort((a, b) => (scores[off + b] as number) - (scores[off + a] as number) || a - b);
  return order.slice(0, Math.min(k, classes));
}

/**
 * Hit@1: the fraction of videos whose highest-scoring class is one of their labels.
 *
 * Method: per video v, hit_v = y[v, argmax_c s[v, c]] (first maximum on ties); Hit@1 = mean_v hit_v.
 *
 * @param scores videos x C scores, row-major (any monotone score: logits or probabilities)
 * @param labels videos x C, 1 for a label, 0 otherwise
 * @throws VideoTaskError for mismatched shapes
 * @example
 * hitAtOne([0.1, 0.8, 0.1,  0.5, 0.5, 0], [0, 1, 0,  0, 1, 1], 3); // (1 + 0) / 2 = 0.5
 */
export function hitAtOne(scores: ArrayLike<number>, labels: ArrayLike<number>, classes: number): number {
  const videos = checkShapes(scores, labels, classes, 'hitAtOne');
  let hits = 0;
  for (let v = 0; v < videos; v++) hits += (labels[v * classes + (topClasses(scores, classes, v, 1)[0] as number)] as number) > 0 ? 1 : 0;
  return hits / videos;
}

/**
 * PERR, precision at equal recall rate: per video with k labels, the precision of its top k
 * classes (where precision equals recall), averaged over videos.
 *
 * Method: perr_v = (1 / k_v) sum_{c in top_{k_v}(s_v)} y[v, c] [s[v, c] > 0]; PERR = mean_v perr_v.
 * The factor [s > 0] is eval_util.py's (it is meant for probabilities: a class predicted with
 * probability 0 is not counted); pass probabilities, not logits. Ties: lower class index first.
 *
 * @throws VideoTaskError for mismatched shapes or a video without labels (k = 0: PERR undefined)
 * @example
 * precisionAtEqualRecallRate([0.9, 0.8, 0.7, 0.1], [1, 0, 1, 0], 4); // top 2 = {0, 1}: 1/2
 */
export function precisionAtEqualRecallRate(scores: ArrayLike<number>, labels: ArrayLike<number>, classes: number): number {
  const fn = 'precisionAtEqualRecallRate';
  const videos = checkShapes(scores, labels, classes, fn);
  let sum = 0;
  for (let v = 0; v < videos; v++) {
    let k = 0;
    for (let c = 0; c < classes; c++) if ((labels[v * classes + c] as number) > 0) k++;
    if (k === 0) throw new VideoTaskError(`${fn}: video ${v} has no labels, expected at least one (PERR needs k >= 1)`);
    let hits = 0;
    for (const c of topClasses(scores, classes, v, k)) if ((labels[v * classes + c] as number) > 0 && (scores[v * classes + c] as number) > 0) hits++;
    sum += hits / k;
  }
  return sum / videos;
}
