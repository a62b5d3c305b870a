/**
 * Hit@1 and PERR against hand-computed cases (ties included) and against an independent NumPy
 * implementation of YouTube-8M's eval_util.py definitions (test/fixtures/generate_video_metrics.py).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { VideoTaskError } from '../../src/video/videoFrames.js';
import { hitAtOne, precisionAtEqualRecallRate, topClasses } from '../../src/video/videoMetrics.js';

describe('Hit@1', () => {
  it('hitAtOne counts a video when its top class is a label (hand-computed)', () => {
    // video 0: top class 1 (0.8), a label: hit. video 1: top class 2 (0.7), not a label: miss.
    // video 2: top class 0 (0.9), a label: hit. Hit@1 = 2/3.
    const scores = [0.1, 0.8, 0.1, 0.2, 0.1, 0.7, 0.9, 0.5, 0.4];
    const labels = [0, 1, 1, 1, 1, 0, 1, 0, 0];
    expect(hitAtOne(scores, labels, 3)).toBe(2 / 3);
  });

  it('hitAtOne breaks ties by the lower class index, as numpy.argmax (hand-computed)', () => {
    // Both videos tie classes 1 and 2 at the top; the first maximum is class 1.
    expect(hitAtOne([0.1, 0.5, 0.5, 0.1, 0.5, 0.5], [0, 1, 0, 0, 0, 1], 3)).toBe(0.5);
    // All scores equal: class 0 is the top.
    expect(hitAtOne([0, 0, 0, 0], [1, 0, 0, 1], 2)).toBe(0.5);
  });
});

describe('PERR', () => {
  it('precisionAtEqualRecallRate takes the top k for a video with k labels (hand-computed)', () => {
    // video 0: k = 2, top 2 = {0, 1}, labels {0, 2}: 1/2. video 1: k = 1, top 1 = {3}, label 3: 1.
    // video 2: k = 3, top 3 = {2, 3, 1}, labels {0, 1, 2}: 2/3. PERR = (1/2 + 1 + 2/3) / 3 = 13/18.
    const scores = [0.9, 0.8, 0.7, 0.1, 0.2, 0.3, 0.1, 0.9, 0.1, 0.3, 0.8, 0.5];
    const labels = [1, 0, 1, 0, 0, 0, 0, 1, 1, 1, 1, 0];
    expect(precisionAtEqualRecallRate(scores, labels, 4)).toBeCloseTo(13 / 18, 15);
  });

  it('precisionAtEqualRecallRate breaks ties by the lower class index (hand-computed)', () => {
    // k = 2; classes 1, 2, 3 tie at 0.6 below class 0 (0.9): the top 2 are {0, 1}.
    // labels {0, 3}: 1/2 (with class 3 first among the ties it would be 1).
    expect(precisionAtEqualRecallRate([0.9, 0.6, 0.6, 0.6], [1, 0, 0, 1], 4)).toBe(0.5);
    // labels {0, 1}: 1.
    expect(precisionAtEqualRecallRate([0.9, 0.6, 0.6, 0.6], [1, 1, 0, 0], 4)).toBe(1);
  });

  it('precisionAtEqualRecallRate does not count a label predicted with score 0, as eval_util.py (hand-computed)', () => {
    // k = 2, top 2 = {0, 1}; class 1 is a label but its probability is 0: 1/2.
    expect(precisionAtEqualRecallRate([0.4, 0, 0, 0], [1, 1, 0, 0], 4)).toBe(0.5);
  });

  it('precisionAtEqualRecallRate refuses a video without labels and mismatched shapes', () => {
    expect(() => precisionAtEqualRecallRate([0.1, 0.2, 0.3, 0.4], [1, 0, 0, 0], 2)).toThrow(new VideoTaskError('precisionAtEqualRecallRate: video 1 has no labels, expected at least one (PERR needs k >= 1)'));
    expect(() => hitAtOne([0.1, 0.2, 0.3], [1, 0], 2)).toThrow(new VideoTaskError('hitAtOne: scores has 3 values and labels 2, expected the same positive multiple of the 2 classes'));
  });
});

describe('topClasses', () => {
  it('topClasses orders by score, then by class index', () => {
    expect(topClasses([0.2, 0.9, 0.9, 0.1], 4, 0, 3)).toEqual([1, 2, 0]);
    expect(topClasses([5, 5, 5, 1, 2, 3], 3, 1, 5)).toEqual([2, 1, 0]);
  });
});

interface MetricsCase {
  videos: number;
  classes: number;
  scores: number[];
  labels: number[];
  hitAtOne: number;
  perr: number;
}

describe('against an independent NumPy implementation of eval_util.py', () => {
  const fixture = JSON.parse(readFileSync(new URL('../fixtures/video_metrics.json', import.meta.url), 'utf8')) as { cases: MetricsCase[] };

  it('hitAtOne and precisionAtEqualRecallRate equal the reference on 3 random cases (distinct scores, exact zeros and negatives in one)', () => {
    // Produced by test/fixtures/generate_video_metrics.py (OPENBLAS_NUM_THREADS=1 /usr/bin/python3):
    //   hit_at_one: actuals[arange, argmax(predictions, 1)] averaged;
    //   perr: per row, top k = argpartition(row, -k)[-k:], count labels with score > 0, / k, averaged.
    // Tolerance 1e-12: both sides sum at most 60 fractions in float64.
    expect(fixture.cases).toHaveLength(3);
    for (const c of fixture.cases) {
      expect(Math.abs(hitAtOne(c.scores, c.labels, c.classes) - c.hitAtOne)).toBeLessThan(1e-12);
      expect(Math.abs(precisionAtEqualRecallRate(c.scores, c.labels, c.classes) - c.perr)).toBeLessThan(1e-12);
    }
  });
});
