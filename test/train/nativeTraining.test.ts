/**
 * Training with `--kernels native` (src/train/internal/nativeKernels.ts): asking for it without
 * the addon exits 2 with one message naming `npm run native` (checked everywhere: a missing
 * addon file is named through LRDKIT_NATIVE_ADDON where the real one is built); where the addon
 * is built, a native run records its kernels and instruction set, a crashed and resumed native
 * run equals the uninterrupted one bit for bit, a resume keeps the run's kernels, and two
 * data-parallel threads load the addon too.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLrdkit } from '../support/runNode.js';
import { REPRODUCTION_PLANS, plannedRuns, trainArguments } from '../../src/train/reproduce.js';
import { CHECKPOINT_DIR, RUN_FILE, readLog } from '../../src/train/runDirectory.js';
import { trainCopyTask } from '../../src/train/trainer.js';
import type { CopyTrainingOptions } from '../../src/train/trainingConfig.js';
import { removeTempDirs, tempDir, useWasm } from './helpers.js';
import { NATIVE_ADDON } from './nativeSupport.js';

beforeAll(async () => {
  await useWasm();
});
afterAll(removeTempDirs);

const tiny = ['train', '--task', 'copy', '--cell', 'gru', '--repeats', '2', '--steps', '3', '--hidden', '8', '--batch', '4', '--quiet'];

describe('lrdkit train --kernels: bad input exits 2 with one message and no output', () => {
  it('--kernels native without the addon names `npm run native` and the C compiler', async () => {
    const out = join(tempDir(), 'run');
    const r = await runLrdkit([...tiny, '--kernels', 'native', '--out', out], { env: { ...process.env, LRDKIT_NATIVE_ADDON: join(tempDir(), 'missing.node') } });
    expect(r.status).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines, r.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/^lrdkit train: --kernels native: the native kernels are not available \(.*missing\.node does not exist\); build them with `npm run native` \(needs a C compiler/);
    expect(r.stdout).toBe('');
    expect(existsSync(out)).toBe(false);
  });

  it('lrdkit reproduce copy-task --kernels native without the addon: the same message, before anything runs', async () => {
    const out = join(tempDir(), 'report');
    const r = await runLrdkit(['reproduce', 'copy-task', '--quick', '--kernels', 'native', '--out', out], { env: { ...process.env, LRDKIT_NATIVE_ADDON: join(tempDir(), 'missing.node') } });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr.trim()).toMatch(/^lrdkit reproduce: --kernels native: the native kernels are not available .*`npm run native`/);
    expect(existsSync(out)).toBe(false);
  });

  it('reproduce passes --kernels native to the runs it starts, not to the runs it resumes (they keep their run.json)', () => {
    const run = plannedRuns(REPRODUCTION_PLANS.quick)[0]!;
    expect(trainArguments(run, '/x', 'wasm', false, 1, 'native').join(' ')).toMatch(/ --kernels native$/);
    expect(trainArguments(run, '/x', 'wasm', true, 1, 'native')).not.toContain('--kernels');
    expect(trainArguments(run, '/x', 'wasm', false, 2)).not.toContain('--kernels');
  });

  it('an unknown kernel name', async () => {
    const out = join(tempDir(), 'run');
    const r = await runLrdkit([...tiny, '--kernels', 'cuda', '--out', out]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe('lrdkit train: --kernels expects one of wasm, native, found "cuda"');
    expect(existsSync(out)).toBe(false);
  });
});

if (NATIVE_ADDON) {
  const isa = NATIVE_ADDON.isa();
  const base = (out: string, over: Partial<CopyTrainingOptions> = {}): CopyTrainingOptions => ({
    kind: 'gru', variant: 'factorized', groups: 2, hiddenSize: 10, repeats: 1, steps: 8, batchSize: 4, learningRate: 0.02, seed: 5, checkpointEvery: 3,
    out, backend: 'wasm', version: 'test', kernels: 'native', ...over,
  });
  const checkpointBytes = (dir: string) => ['model.json', 'group1-shard1of1.bin', 'training-state.bin'].map((f) => readFileSync(join(dir, CHECKPOINT_DIR, f)));

  describe('training on the native kernels', () => {
    for (const over of [{}, { kind: 'lstm', variant: 'dense', groups: 1, hiddenSize: 7 }] as Partial<CopyTrainingOptions>[]) {
      it(`${over.kind ?? 'gru'} ${over.variant ?? 'factorized'}: run.json records the kernels; crashing at step 7 and resuming gives the uninterrupted curve and checkpoint bit for bit`, async () => {
        const root = tempDir();
        const whole = join(root, 'whole'), crashed = join(root, 'crashed'), wasm = join(root, 'wasm');
        await trainCopyTask(base(whole, over));
        const meta = JSON.parse(readFileSync(join(whole, RUN_FILE), 'utf8')) as Record<string, unknown>;
        expect(meta.kernels).toBe('native');
        expect(meta.kernelIsa).toBe(isa);
        const crash = trainCopyTask(base(crashed, { ...over, onProgress: (p) => {
          if (p.step === 7) throw new Error('simulated crash');
        } }));
        await expect(crash).rejects.toThrow('simulated crash');
        // The resume names no kernels: it takes the run's.
        const { kernels: _omitted, ...noKernels } = base(crashed, { ...over, resume: true });
        await trainCopyTask(noKernels);
        expect(readLog(crashed).map((e) => e.loss)).toEqual(readLog(whole).map((e) => e.loss));
        expect(checkpointBytes(crashed)).toEqual(checkpointBytes(whole));
        // The same run on the WebAssembly kernels: the same curve to float32 rounding (one
        // rounding per fused multiply-add less), and run.json without the kernels keys.
        await trainCopyTask(base(wasm, { ...over, kernels: 'wasm' }));
        const w = readLog(wasm).map((e) => e.loss), n = readLog(whole).map((e) => e.loss);
        n.forEach((v, i) => expect(Math.abs(v - (w[i] as number)) / (w[i] as number)).toBeLessThan(1e-5));
        expect(Object.keys(JSON.parse(readFileSync(join(wasm, RUN_FILE), 'utf8')) as object)).not.toContain('kernels');
      });
    }

    it('a resume that names other kernels is refused (exit 2), and 2 data-parallel threads train on the native kernels', async () => {
      const out = join(tempDir(), 'run');
      const first = await runLrdkit([...tiny, '--kernels', 'native', '--threads', '2', '--out', out]);
      expect(first.status, first.stderr).toBe(0);
      const meta = JSON.parse(readFileSync(join(out, RUN_FILE), 'utf8')) as Record<string, unknown>;
      expect([meta.kernels, meta.kernelIsa, meta.threads]).toEqual(['native', isa, 2]);
      const again = await runLrdkit(['train', '--resume', '--kernels', 'wasm', '--steps', '5', '--out', out]);
      expect(again.status).toBe(2);
      expect(again.stderr.trim()).toMatch(/^lrdkit train: --resume --kernels wasm: .* was trained on the native kernels \(run\.json\)/);
      const more = await runLrdkit(['train', '--resume', '--steps', '5', '--quiet', '--out', out]);
      expect(more.status, more.stderr).toBe(0);
      expect(readLog(out).map((e) => e.step)).toEqual([1, 2, 3, 4, 5]);
    });
  });
}
