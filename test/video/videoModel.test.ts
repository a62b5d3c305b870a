/**
 * The Table 1 proxy's classifier: parameter counts by hand, the "big" width, the state read at
 * each video's own last frame, and training that learns an easy case.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../src/processes/prng.js';
import { ensureBackend } from '../../src/train/backend.js';
import { trainVideoClassifier } from '../../src/video/trainVideo.js';
import { type VideoTaskConfig, sampleVideoBatch, videoClassPrototypes } from '../../src/video/videoFrames.js';
import { VideoClassifier, type VideoClassifierConfig, matchedVideoWidth, videoClassifierParameters } from '../../src/video/videoModel.js';

const dense: VideoClassifierConfig = { variant: 'dense', groups: 1, hiddenSize: 32, layers: 1, featureDimension: 128, classes: 20 };

beforeAll(async () => {
  await ensureBackend('wasm');
});

describe('parameters', () => {
  it('videoClassifierParameters counts projection, LSTM and readout (hand-computed)', () => {
    // dense: projection 128 x 32 + 32 = 4128; LSTM 4 (32 x 32 + 32 x 32 + 32) = 8320; readout 32 x 20 + 20 = 660.
    expect(videoClassifierParameters(dense)).toEqual({ projection: 4128, recurrent: 8320, readout: 660, total: 13108 });
    // 4 blocks at width 32: projection 4 (32 x 8) + 32 = 1056; LSTM 4 blocks x 4 (8 x 8 + 8 x 8 + 8) = 2176; readout 660.
    expect(videoClassifierParameters({ ...dense, variant: 'factorized', groups: 4 })).toEqual({ projection: 1056, recurrent: 2176, readout: 660, total: 3892 });
  });

  it('matchedVideoWidth is the widest 4-block width within the baseline parameters (hand-computed)', () => {
    // width 64: 2112 + 4 x 4 (16 x 16 x 2 + 16) = 8448 + 1300 = 11 860 <= 13 108;
    // width 68: 2244 + 4 x 4 (17 x 17 x 2 + 17) = 9520 + 1380 = 13 144 > 13 108.
    expect(matchedVideoWidth(dense, 4)).toBe(64);
    expect(videoClassifierParameters({ ...dense, variant: 'factorized', groups: 4, hiddenSize: 64 }).total).toBe(11860);
    expect(videoClassifierParameters({ ...dense, variant: 'factorized', groups: 4, hiddenSize: 68 }).total).toBe(13144);
  });
});

describe('VideoClassifier', () => {
  const task: VideoTaskConfig = { featureDimension: 16, frames: 12, minFrames: 4, classes: 6, evidenceWindow: 4, minLabels: 1, maxLabels: 2, evidenceFramesPerLabel: 1, evidenceStrength: 8 };

  it('logits read each video at its own last frame: frames after it change nothing, frames before it do', () => {
    const batch = sampleVideoBatch(createRng(2), videoClassPrototypes(task, 1), task, 8);
    const model = new VideoClassifier({ variant: 'factorized', groups: 4, hiddenSize: 8, layers: 1, featureDimension: 16, classes: 6 }, createRng(5));
    const logits = (features: Float32Array) => {
      const t = model.logits({ ...batch, features });
      const v = Float32Array.from(t.dataSync() as Float32Array);
      t.dispose();
      return v;
    };
    const base = logits(batch.features);
    const b = [...batch.lengths].findIndex((l) => l < task.frames);
    expect(b).toBeGreaterThanOrEqual(0);
    const len = batch.lengths[b] as number, F = task.featureDimension, B = batch.batch;
    const after = Float32Array.from(batch.features), before = Float32Array.from(batch.features);
    for (let i = 0; i < F; i++) {
      after[(len * B + b) * F + i] = 100; // frame len: past the end of video b
      before[((len - 1) * B + b) * F + i] = 100; // its last frame
    }
    expect(Buffer.from(logits(after).buffer).equals(Buffer.from(base.buffer))).toBe(true);
    const changed = logits(before);
    expect(changed.slice(b * 6, b * 6 + 6).some((x, i) => x !== base[b * 6 + i])).toBe(true);
    model.dispose();
    expect(tf.memory().numTensors).toBeLessThan(1000);
  });

  it('trainVideoClassifier learns a short task (Hit@1 and PERR far above the memoryless 0.25) and the same seed gives the same numbers', () => {
    // 6 classes, 1-2 labels: memoryless Hit@1 = PERR = 1.5 / 6 = 0.25. 12-frame videos (4 to 12 in
    // training), 200 Adam steps: measured Hit@1 1 and PERR 1 on 128 test videos (wasm, loss 4.07 -> 0.26);
    // the bound 0.6 leaves room for float differences between backends and machines.
    const o = { task, taskSeed: 1, model: { variant: 'dense', groups: 1, hiddenSize: 16, layers: 1, featureDimension: 16, classes: 6 } as const, seed: 3, steps: 200, batchSize: 16, learningRate: 0.01, clipNorm: 1, testVideos: 128 };
    const a = trainVideoClassifier(o);
    expect(a.hitAtOne).toBeGreaterThan(0.6);
    expect(a.perr).toBeGreaterThan(0.6);
    expect(a.losses[199] as number).toBeLessThan(a.losses[0] as number);
    const b = trainVideoClassifier({ ...o, steps: 20 });
    const c = trainVideoClassifier({ ...o, steps: 20 });
    expect(c.losses).toEqual(b.losses);
    expect([c.hitAtOne, c.perr, c.testLoss]).toEqual([b.hitAtOne, b.perr, b.testLoss]);
    for (const r of [a, b, c]) r.model.dispose();
  });
});
