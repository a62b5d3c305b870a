/**
 * The Table 1 proxy's generator: evidence only in the early frames, labels per video, lengths,
 * the frames' distribution around the class prototypes, and seeded bytes.
 */
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/processes/prng.js';
import { type VideoTaskConfig, VideoTaskError, memorylessReference, sampleVideoBatch, videoClassPrototypes } from '../../src/video/videoFrames.js';

const task: VideoTaskConfig = { featureDimension: 64, frames: 40, classes: 12, evidenceWindow: 8, minLabels: 2, maxLabels: 4, evidenceFramesPerLabel: 2, evidenceStrength: 5 };

function projection(features: Float32Array, row: number, prototypes: Float32Array, cls: number, F: number): number {
  let s = 0;
  for (let i = 0; i < F; i++) s += (features[row * F + i] as number) * (prototypes[cls * F + i] as number);
  return s;
}

describe('sampleVideoBatch', () => {
  const prototypes = videoClassPrototypes(task, 3);
  const B = 200;
  const batch = sampleVideoBatch(createRng(7), prototypes, task, B);

  it('videoClassPrototypes are unit vectors, one per class', () => {
    expect(prototypes.length).toBe(task.classes * task.featureDimension);
    for (let c = 0; c < task.classes; c++) {
      let n = 0;
      for (let i = 0; i < task.featureDimension; i++) n += (prototypes[c * task.featureDimension + i] as number) ** 2;
      expect(Math.abs(Math.sqrt(n) - 1)).toBeLessThan(1e-6); // float32 rounding of 64 values
    }
  });

  it('every video has minLabels..maxLabels labels, each with exactly E evidence frames, all inside the first W frames', () => {
    const { classes: C, evidenceWindow: W, evidenceFramesPerLabel: E } = task;
    const counts = new Set<number>();
    for (let b = 0; b < B; b++) {
      const labels = Array.from({ length: C }, (_, c) => c).filter((c) => batch.labels[b * C + c] === 1);
      counts.add(labels.length);
      expect(labels.length).toBeGreaterThanOrEqual(task.minLabels);
      expect(labels.length).toBeLessThanOrEqual(task.maxLabels);
      const perClass = new Map<number, number>();
      for (let t = 0; t < task.frames; t++) {
        const cls = batch.evidenceClass[t * B + b] as number;
        if (cls < 0) continue;
        expect(t).toBeLessThan(W); // evidence only in the early frames
        expect(labels).toContain(cls); // evidence only for the video's labels
        perClass.set(cls, (perClass.get(cls) ?? 0) + 1);
      }
      expect([...perClass.keys()].sort((x, y) => x - y)).toEqual(labels);
      for (const n of perClass.values()) expect(n).toBe(E);
    }
    expect([...counts].sort()).toEqual([2, 3, 4]); // every label count occurs in 200 videos
  });

  it('evidence frames project to s on their class prototype and every other frame to N(0, 1), whatever the labels', () => {
    // Frame x = n + s mu_c: x . mu_c = s + n . mu_c with n . mu_c ~ N(0, 1) (unit mu_c). Frames
    // without evidence (after the window, or in it without evidence) projected on the video's own
    // label prototypes: mean 0, variance 1. Bounds: 5 standard errors of the mean (sample sizes
    // 1 400 evidence and 20 000+ other projections), variance within 10 %.
    const F = task.featureDimension, C = task.classes;
    const evidence: number[] = [], late: number[] = [];
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < task.frames; t++) {
        const row = t * B + b, cls = batch.evidenceClass[row] as number;
        if (cls >= 0) evidence.push(projection(batch.features, row, prototypes, cls, F) - task.evidenceStrength);
        else for (let c = 0; c < C; c++) if (batch.labels[b * C + c] === 1 && t >= task.evidenceWindow) late.push(projection(batch.features, row, prototypes, c, F));
      }
    }
    const stats = (xs: number[]) => {
      const m = xs.reduce((a, x) => a + x, 0) / xs.length;
      return { m, v: xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1), n: xs.length };
    };
    for (const s of [stats(evidence), stats(late)]) {
      expect(Math.abs(s.m)).toBeLessThan(5 / Math.sqrt(s.n));
      expect(Math.abs(s.v - 1)).toBeLessThan(0.1);
    }
    expect(evidence.length).toBeGreaterThan(800);
  });

  it('with minFrames the lengths cover minFrames..frames; without it every video has T frames', () => {
    expect([...batch.lengths].every((l) => l === task.frames)).toBe(true);
    const varied = sampleVideoBatch(createRng(8), prototypes, { ...task, minFrames: 10 }, B);
    expect(Math.min(...varied.lengths)).toBe(10);
    expect(Math.max(...varied.lengths)).toBe(task.frames);
  });

  it('same seeds, same bytes; another seed, other bytes', () => {
    const again = sampleVideoBatch(createRng(7), videoClassPrototypes(task, 3), task, B);
    expect(Buffer.from(again.features.buffer).equals(Buffer.from(batch.features.buffer))).toBe(true);
    expect(Buffer.from(again.labels).equals(Buffer.from(batch.labels))).toBe(true);
    const other = sampleVideoBatch(createRng(8), prototypes, task, B);
    expect(Buffer.from(other.features.buffer).equals(Buffer.from(batch.features.buffer))).toBe(false);
    expect(Buffer.from(videoClassPrototypes(task, 4).buffer).equals(Buffer.from(prototypes.buffer))).toBe(false);
  });

  it('memorylessReference is E[k] / C for uniform labels', () => {
    expect(memorylessReference(task)).toEqual({ hitAtOne: 3 / 12, perr: 3 / 12 });
  });

  it('refuses settings that cannot be drawn, naming the setting', () => {
    expect(() => sampleVideoBatch(createRng(1), prototypes, { ...task, evidenceWindow: 7 }, 2)).toThrow(new VideoTaskError('video task: 4 labels x 2 evidence frames need 8 distinct positions, found an evidence window of 7'));
    expect(() => sampleVideoBatch(createRng(1), prototypes, { ...task, minFrames: 50 }, 2)).toThrow(new VideoTaskError('video task: minFrames is 50, expected at most the 40 frames'));
    expect(() => sampleVideoBatch(createRng(1), prototypes.subarray(1), task, 2)).toThrow(/prototypes has 767 values, expected 12 classes x 64 features = 768/);
  });
});
