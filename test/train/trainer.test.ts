/**
 * The training loop: the same seed on the same backend gives the same loss curve; a run
 * interrupted (gracefully, or by a crash after a periodic checkpoint) and resumed gives exactly
 * the curve and the final checkpoint of an uninterrupted run; the run directory follows the
 * documented layout; the copy-task batches are what section 3.1 describes.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../src/processes/prng.js';
import { COPY_BLANK, copySequenceLength, copyTaskReferenceLosses, sampleCopyBatch } from '../../src/train/copyTask.js';
import { modelParameterCount } from '../../src/train/modelConfig.js';
import { CHECKPOINT_DIR, LOG_FILE, RUN_FILE, readLog } from '../../src/train/runDirectory.js';
import { trainCopyTask } from '../../src/train/trainer.js';
import { type CopyTrainingOptions, copyModelConfig } from '../../src/train/trainingConfig.js';
import { removeTempDirs, tempDir, useWasm } from './helpers.js';

beforeAll(async () => {
  await useWasm();
});
afterAll(removeTempDirs);

const base = (out: string, over: Partial<CopyTrainingOptions> = {}): CopyTrainingOptions => ({
  kind: 'gru',
  variant: 'factorized',
  groups: 2,
  hiddenSize: 8,
  repeats: 1,
  steps: 8,
  batchSize: 4,
  learningRate: 0.02,
  seed: 5,
  checkpointEvery: 3,
  out,
  backend: 'wasm',
  version: 'test',
  ...over,
});

const losses = (dir: string) => readLog(dir).map((e) => e.loss);
const checkpointBytes = (dir: string) => ['model.json', 'group1-shard1of1.bin', 'training-state.bin'].map((f) => readFileSync(join(dir, CHECKPOINT_DIR, f)));

describe('sampleCopyBatch (section 3.1)', () => {
  it('gives the word, 6 R blanks, and the word R + 1 times as targets, time-major', () => {
    const b = sampleCopyBatch(createRng(1), 3, 2);
    expect(b.steps).toBe(copySequenceLength(2));
    expect(b.steps).toBe(18);
    for (let s = 0; s < 3; s++) {
      const input = Array.from({ length: 18 }, (_, t) => b.inputs[t * 3 + s]!);
      const target = Array.from({ length: 18 }, (_, t) => b.targets[t * 3 + s]!);
      const word = input.slice(0, 6);
      expect(word.every((l) => l >= 0 && l < 256)).toBe(true);
      expect(input.slice(6)).toEqual(Array(12).fill(COPY_BLANK));
      expect(target).toEqual([...word, ...word, ...word]);
    }
  });

  it('draws 6 generator outputs per sequence: the same state gives the same batch', () => {
    const r1 = createRng(2), r2 = createRng(2);
    expect(sampleCopyBatch(r1, 5, 4)).toEqual(sampleCopyBatch(r2, 5, 4));
    const r3 = createRng(2);
    for (let i = 0; i < 30; i++) r3.nextUint32();
    expect(r1.state()).toEqual(r3.state());
  });

  it('reference losses: ln 256 guessing, R / (R + 1) ln 256 memoryless', () => {
    expect(copyTaskReferenceLosses(4).uniformNats).toBeCloseTo(Math.log(256), 14);
    expect(copyTaskReferenceLosses(4).memorylessNats).toBeCloseTo(0.8 * Math.log(256), 14);
  });
});

describe('trainCopyTask', () => {
  it('writes run.json, log.jsonl (one line per step) and an auditable checkpoint', async () => {
    const out = join(tempDir(), 'run');
    const r = await trainCopyTask(base(out, { steps: 4 }));
    expect(r.step).toBe(4);
    const meta = JSON.parse(readFileSync(join(out, RUN_FILE), 'utf8')) as Record<string, unknown>;
    expect(Object.keys(meta).slice(0, 13)).toEqual(['task', 'cell', 'variant', 'groups', 'hiddenSize', 'layers', 'repeats', 'seed', 'backend', 'steps', 'batchSize', 'learningRate', 'parameters']);
    expect(meta).toMatchObject({ task: 'copy', cell: 'gru', variant: 'factorized', groups: 2, hiddenSize: 8, layers: 2, repeats: 1, seed: 5, backend: 'wasm', steps: 4, batchSize: 4, learningRate: 0.02 });
    expect(meta.parameters).toBe(modelParameterCount(copyModelConfig(base(out))));
    const lines = readFileSync(join(out, LOG_FILE), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, number>);
    expect(lines.map((l) => l.step)).toEqual([1, 2, 3, 4]);
    for (const l of lines) {
      expect(Object.keys(l)).toEqual(['step', 'loss', 'elapsedSeconds', 'sequencesPerSecond']);
      expect(l.loss).toBeGreaterThan(0);
      expect(l.sequencesPerSecond).toBeGreaterThan(0);
    }
    expect(lines[0]!.loss).toBeCloseTo(Math.log(256), 1);
    expect(existsSync(join(out, CHECKPOINT_DIR, 'model.json'))).toBe(true);
  });

  it('the same seed gives the same loss curve; another seed another one', async () => {
    const root = tempDir();
    await trainCopyTask(base(join(root, 'a')));
    await trainCopyTask(base(join(root, 'b')));
    await trainCopyTask(base(join(root, 'c'), { seed: 6 }));
    expect(losses(join(root, 'a'))).toEqual(losses(join(root, 'b')));
    expect(losses(join(root, 'a'))).not.toEqual(losses(join(root, 'c')));
    expect(checkpointBytes(join(root, 'a'))).toEqual(checkpointBytes(join(root, 'b')));
  });

  for (const over of [{}, { kind: 'lstm', variant: 'context-switching', groups: 2, auxiliaryHiddenSize: 3 }] as Partial<CopyTrainingOptions>[]) {
    const what = `${over.kind ?? 'gru'} ${over.variant ?? 'factorized'}`;
    it(`${what}: crashing at step 7 (last checkpoint at step 6) and resuming gives the uninterrupted curve and final checkpoint`, async () => {
      const root = tempDir();
      const whole = join(root, 'whole'), crashed = join(root, 'crashed');
      await trainCopyTask(base(whole, over));
      // Crash at step 7: the last checkpoint holds step 6; the log has 7 lines.
      const crash = trainCopyTask(base(crashed, { ...over, onProgress: (p) => {
        if (p.step === 7) throw new Error('simulated crash');
      } }));
      await expect(crash).rejects.toThrow('simulated crash');
      expect(readLog(crashed).length).toBe(7);
      const resumed = await trainCopyTask(base(crashed, { ...over, resume: true }));
      expect(resumed.log.map((e) => e.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      expect(losses(crashed)).toEqual(losses(whole));
      expect(checkpointBytes(crashed)).toEqual(checkpointBytes(whole));
    });
  }

  it('a stop request checkpoints the finished step; resuming loses no step and continues the same curve', async () => {
    const root = tempDir();
    const whole = join(root, 'whole'), stopped = join(root, 'stopped');
    await trainCopyTask(base(whole));
    let steps = 0;
    const first = await trainCopyTask(base(stopped, { onProgress: () => void steps++, shouldStop: () => steps >= 4 }));
    expect([first.interrupted, first.step]).toEqual([true, 4]);
    const second = await trainCopyTask(base(stopped, { resume: true }));
    expect([second.interrupted, second.step]).toEqual([false, 8]);
    expect(losses(stopped)).toEqual(losses(whole));
  });

  it('refuses to start over an existing run without resume, and to resume with different settings', async () => {
    const out = join(tempDir(), 'run');
    await trainCopyTask(base(out, { steps: 2 }));
    await expect(trainCopyTask(base(out, { steps: 2 }))).rejects.toThrow(/found an existing run \(pass --resume/);
    await expect(trainCopyTask(base(out, { steps: 3, hiddenSize: 10, resume: true }))).rejects.toThrow(/run\.json: hiddenSize: expected 10 .* found 8/);
  });
});
