/**
 * Data-parallel training (`lrdkit train --threads N`, src/train/dataParallel.ts): the batch
 * slices and their float32 mean; the combined gradient of 2 threads against the one-thread
 * full-batch gradient; the first steps' losses against one thread; same seed and threads, same
 * bytes; a resumed 2-thread run equals the uninterrupted one bit for bit; a thread that cannot
 * start or dies gives one clean error and no hang; bad --batch / --threads combinations exit 2.
 *
 * The threads run the compiled worker module, so everything that starts threads runs the built
 * package (dist/, `npm run build`) in child processes (a regression would hang, not fail: the
 * children are killed after the hang guard of test/support/runNode.ts).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { GradientWorkerPool, TrainingWorkerError, meanOfParts, sliceBatch } from '../../src/train/dataParallel.js';
import { ModelConfigError } from '../../src/train/modelConfig.js';
import { REPRODUCTION_PLANS, plannedRuns, trainArguments } from '../../src/train/reproduce.js';
import { CHECKPOINT_DIR, readLog } from '../../src/train/runDirectory.js';
import { type CopyTrainingOptions, checkTrainingOptions } from '../../src/train/trainingConfig.js';
import { root, runLrdkit, runModule } from '../support/runNode.js';
import { removeTempDirs, tempDir } from './helpers.js';

afterAll(removeTempDirs);

const dist = (path: string) => JSON.stringify(pathToFileURL(join(root, 'dist', path)).href);
const built = () => expect(existsSync(join(root, 'dist/train/internal/gradientWorker.js')), 'run `npm run build` first').toBe(true);
const checkpointBytes = (dir: string) => ['model.json', 'group1-shard1of1.bin', 'training-state.bin'].map((f) => readFileSync(join(dir, CHECKPOINT_DIR, f)));
const losses = (dir: string) => readLog(dir).map((e) => e.loss);

describe('batch slices and their mean', () => {
  it('sliceBatch takes sequences from..to-1 of a time-major batch', () => {
    // steps 2, batch 3: entry t * 3 + b
    const b = { steps: 2, batch: 3, inputs: Int32Array.of(0, 1, 2, 10, 11, 12), targets: Int32Array.of(5, 6, 7, 15, 16, 17) };
    const s = sliceBatch(b, 1, 3);
    expect([s.steps, s.batch]).toEqual([2, 2]);
    expect(Array.from(s.inputs)).toEqual([1, 2, 11, 12]);
    expect(Array.from(s.targets)).toEqual([6, 7, 16, 17]);
    expect(Array.from(sliceBatch(b, 0, 1).inputs)).toEqual([0, 10]);
    expect(() => sliceBatch(b, 2, 4)).toThrow(/expected 0 <= from < to <= 3, found 2\.\.4/);
  });

  it('meanOfParts sums in float32 in the order given, then divides once', () => {
    expect(Array.from(meanOfParts([Float32Array.of(1, 2), Float32Array.of(3, 5)], new Float32Array(2)))).toEqual([2, 3.5]);
    // 1 + 2^-24 is a tie in float32 and rounds to 1 (even): the float32 mean is 0.5, the exact one 0.5 + 2^-25.
    expect(meanOfParts([Float32Array.of(1), Float32Array.of(2 ** -24)], new Float32Array(1))[0]).toBe(0.5);
    // Order matters in float32: (2^-24 + 2^-24) + 1 = 1 + 2^-23 exactly; 1 + 2^-24 + 2^-24 = 1.
    expect(meanOfParts([Float32Array.of(2 ** -24), Float32Array.of(2 ** -24), Float32Array.of(1)], new Float32Array(1))[0]).toBe(Math.fround((1 + 2 ** -23) / 3));
    expect(meanOfParts([Float32Array.of(1), Float32Array.of(2 ** -24), Float32Array.of(2 ** -24)], new Float32Array(1))[0]).toBe(Math.fround(1 / 3));
  });

  it('checkTrainingOptions refuses a batch that does not split into equal slices, and thread counts outside 1..64', () => {
    const o: CopyTrainingOptions = { kind: 'gru', variant: 'dense', groups: 1, hiddenSize: 8, repeats: 1, steps: 1, batchSize: 7, out: '/nonexistent', backend: 'wasm' };
    expect(() => checkTrainingOptions({ ...o, threads: 2 })).toThrow(ModelConfigError);
    expect(() => checkTrainingOptions({ ...o, threads: 2 })).toThrow('train: batchSize 7 is not divisible by threads 2; expected a batch that splits into 2 equal slices');
    expect(() => checkTrainingOptions({ ...o, threads: 7 })).not.toThrow();
    expect(() => checkTrainingOptions({ ...o, threads: 0 })).toThrow('train: threads is 0, expected an integer >= 1');
    expect(() => checkTrainingOptions({ ...o, batchSize: 130, threads: 65 })).toThrow('train: threads is 65, expected at most 64');
  });

  it('from the TypeScript sources (no compiled worker module) the pool refuses to start and says why', async () => {
    const config = { kind: 'gru', variant: 'dense', groups: 1, hiddenSize: 4, layers: 1, inputVocabulary: 3, outputVocabulary: 2 } as const;
    const start = GradientWorkerPool.start({ config, backend: 'wasm', threads: 2, weights: new Map() });
    await expect(start).rejects.toThrow(TrainingWorkerError);
    await expect(GradientWorkerPool.start({ config, backend: 'wasm', threads: 2, weights: new Map() })).rejects.toThrow(/gradientWorker\.js, which does not exist \(build the package: npm run build\)/);
  });
});

describe('2 threads against 1 (compiled package, child process)', () => {
  it('the combined gradient equals the one-thread full-batch gradient to 1e-5 of each variable\'s largest entry; the loss to 1e-6', async () => {
    built();
    // Each gradient entry is a float32 sum over the batch's B T = 8 x 18 = 144 time-step and
    // sequence terms (the products' reductions, the segment sums of the input projection,
    // then the mean of 2 slices): 2 threads add them in another order. Reordering a float32
    // sum of n terms moves it by at most (n - 1) 2^-24 sum |terms| <= 8.5e-6 sum |terms|
    // (Higham, Accuracy and Stability of Numerical Algorithms, 2002, eq. 4.4); rounding errors
    // of random sign add like a random walk, far below that. Tolerance: 1e-5 of the variable's
    // largest |entry| per entry; measured 3.2e-7 to 6.3e-7. The loss is a mean over 144 terms
    // too (measured: equal).
    const script = `
      const { selectBackend } = await import(${dist('train/backend.js')});
      await selectBackend({ requested: 'wasm' });
      const tf = await import('@tensorflow/tfjs');
      const { SequenceModel } = await import(${dist('train/model.js')});
      const { initialModelWeights } = await import(${dist('train/modelConfig.js')});
      const { GradientWorkerPool } = await import(${dist('train/dataParallel.js')});
      const { sampleCopyBatch } = await import(${dist('train/copyTask.js')});
      const { createRng } = await import(${dist('api/processes.js')});
      const out = [];
      for (const [kind, variant, groups] of [['gru', 'dense', 1], ['gru', 'factorized', 2], ['lstm', 'dense', 1], ['lstm', 'factorized', 2]]) {
        const config = { kind, variant, groups, hiddenSize: 12, layers: 2, inputVocabulary: 257, outputVocabulary: 256 };
        const weights = initialModelWeights(config, createRng(3).fork(1));
        const batch = sampleCopyBatch(createRng(3).fork(2), 8, 2);
        const model = new SequenceModel(config, weights);
        const { value, grads } = tf.variableGrads(() => model.loss(batch), model.variables);
        const single = model.variables.map((v) => grads[v.name].dataSync());
        const loss = value.dataSync()[0];
        const pool = await GradientWorkerPool.start({ config, backend: 'wasm', threads: 2, weights });
        const two = await pool.lossAndGradients(batch);
        await pool.close();
        let at = 0, worst = 0, largest = 0;
        for (const g of single) {
          let d = 0, m = 0;
          for (let j = 0; j < g.length; j++) { d = Math.max(d, Math.abs(two.gradients[at + j] - g[j])); m = Math.max(m, Math.abs(g[j])); }
          worst = Math.max(worst, d / m); largest = Math.max(largest, m); at += g.length;
        }
        out.push({ kind, variant, entries: at, parameters: two.gradients.length, loss, loss2: two.lossNats, worst, largest });
      }
      console.log(JSON.stringify(out));
    `;
    const r = await runModule(script);
    expect(r.status, r.stderr).toBe(0);
    const rows = JSON.parse(r.stdout) as { kind: string; variant: string; entries: number; parameters: number; loss: number; loss2: number; worst: number; largest: number }[];
    expect(rows).toHaveLength(4);
    for (const row of rows) {
      expect(row.entries, `${row.kind} ${row.variant}`).toBe(row.parameters);
      expect(row.largest).toBeGreaterThan(1e-4); // a gradient that is not trivially zero
      expect(Math.abs(row.loss2 - row.loss) / row.loss, `${row.kind} ${row.variant} loss`).toBeLessThan(1e-6);
      expect(row.worst, `${row.kind} ${row.variant} gradient`).toBeLessThan(1e-5);
    }
  });

  it('a thread that cannot start its backend, or dies in a step, gives one clean error; every thread ends (the process exits)', async () => {
    built();
    const dir = tempDir();
    // A worker module that exits on its first request (after replying 'ready').
    writeFileSync(join(dir, 'dies.mjs'), `
      import { parentPort } from 'node:worker_threads';
      parentPort.on('message', () => setTimeout(() => process.exit(7), 100));
      parentPort.postMessage({ type: 'ready', id: 0 });
    `);
    const script = `
      const { GradientWorkerPool } = await import(${dist('train/dataParallel.js')});
      const { initialModelWeights } = await import(${dist('train/modelConfig.js')});
      const { sampleCopyBatch } = await import(${dist('train/copyTask.js')});
      const { createRng } = await import(${dist('api/processes.js')});
      const config = { kind: 'gru', variant: 'dense', groups: 1, hiddenSize: 8, layers: 1, inputVocabulary: 257, outputVocabulary: 256 };
      const weights = initialModelWeights(config, createRng(1).fork(1));
      const out = [];
      try { await GradientWorkerPool.start({ config, backend: 'tfjs-node', threads: 2, weights }); out.push('started'); }
      catch (e) { out.push(e.name + ': ' + e.message); }
      const pool = await GradientWorkerPool.start({ config, backend: 'wasm', threads: 2, weights, moduleUrl: new URL(${JSON.stringify(pathToFileURL(join(dir, 'dies.mjs')).href)}) });
      try { await pool.lossAndGradients(sampleCopyBatch(createRng(1).fork(2), 4, 1)); out.push('stepped'); }
      catch (e) { out.push(e.name + ': ' + e.message); }
      try { await pool.lossAndGradients(sampleCopyBatch(createRng(1).fork(2), 4, 1)); out.push('stepped'); }
      catch (e) { out.push(e.name + ': ' + e.message); }
      await pool.close();
      console.log(JSON.stringify(out));
    `;
    const r = await runModule(script);
    expect(r.error).toBeUndefined();
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as string[];
    expect(out[0]).toMatch(/^BackendUnavailableError: --backend tfjs-node could not start \(tfjs-node: @tensorflow\/tfjs-node is not installed\)/);
    expect(out[1]).toMatch(/^TrainingWorkerError: training thread [12] of 2 exited \(code 7\) before the run ended$/);
    expect(out[2]).toBe(out[1]); // the pool stays failed: the first error, not a hang
  });
});

describe('lrdkit train --threads 2 (compiled CLI)', () => {
  const args = (out: string, more: string[] = [], steps = 6) => ['train', '--task', 'copy', '--cell', 'gru', '--groups', '2', '--hidden', '8', '--repeats', '1', '--steps', String(steps), '--batch', '4', '--lr', '0.02', '--seed', '5', '--checkpoint-every', '2', '--out', out, '--quiet', ...more];

  it('same seed and threads: the same losses and checkpoint bytes; run.json records threads; the first steps agree with 1 thread', async () => {
    built();
    const root2 = tempDir();
    const a = join(root2, 'a'), b = join(root2, 'b'), one = join(root2, 'one');
    for (const [out, threads] of [[a, '2'], [b, '2'], [one, '1']] as const) {
      const r = await runLrdkit(args(out, ['--threads', threads]));
      expect(r.status, r.stderr).toBe(0);
    }
    expect(losses(a)).toHaveLength(6);
    expect(losses(a)).toEqual(losses(b));
    expect(checkpointBytes(a)).toEqual(checkpointBytes(b));
    expect((JSON.parse(readFileSync(join(a, 'run.json'), 'utf8')) as { threads?: number }).threads).toBe(2);
    // The default writes no threads key: run.json is the one earlier versions wrote.
    expect('threads' in (JSON.parse(readFileSync(join(one, 'run.json'), 'utf8')) as object)).toBe(false);
    // Against 1 thread: the first loss is a mean over the same 4 x 12 outputs, summed in another
    // order (1e-6 relative: 48 terms, (48 - 1) 2^-24 = 2.8e-6 at worst for terms of one sign,
    // far less in practice); later ones also carry the weights' drift from reordered gradient
    // sums through RMSProp (1e-5 relative over 6 steps). Measured: 0 to 8.6e-8 relative (at
    // most one float32 ulp of the loss) at every step.
    const l1 = losses(one), l2 = losses(a);
    expect(Math.abs((l2[0] as number) - (l1[0] as number)) / (l1[0] as number)).toBeLessThan(1e-6);
    for (let s = 0; s < 6; s++) expect(Math.abs((l2[s] as number) - (l1[s] as number)) / (l1[s] as number), `step ${s + 1}`).toBeLessThan(1e-5);
  });

  it('3 steps, then --resume to 6 (it keeps its 2 threads): the uninterrupted run\'s losses and checkpoint, bit for bit', async () => {
    built();
    const root2 = tempDir();
    const whole = join(root2, 'whole'), resumed = join(root2, 'resumed');
    expect((await runLrdkit(args(whole, ['--threads', '2']))).status).toBe(0);
    const first = await runLrdkit(args(resumed, ['--threads', '2'], 3));
    expect(first.status, first.stderr).toBe(0);
    expect(losses(resumed)).toHaveLength(3);
    const second = await runLrdkit(['train', '--resume', '--steps', '6', '--out', resumed, '--quiet']);
    expect(second.status, second.stderr).toBe(0);
    expect(losses(resumed)).toEqual(losses(whole));
    expect(checkpointBytes(resumed)).toEqual(checkpointBytes(whole));
    // Another thread count is refused (exit 2, one line, nothing changed).
    const log = readFileSync(join(resumed, 'log.jsonl'), 'utf8');
    const other = await runLrdkit(['train', '--resume', '--steps', '8', '--threads', '1', '--out', resumed, '--quiet']);
    expect(other.status).toBe(2);
    expect(other.stderr.trim().split('\n')).toHaveLength(1);
    expect(other.stderr.trim()).toBe(`lrdkit train: --resume --threads 1: ${resumed} was trained on 2 thread(s) (run.json); expected the same count (the batch's float32 sums depend on it) or no --threads`);
    expect(readFileSync(join(resumed, 'log.jsonl'), 'utf8')).toBe(log);
  });

  it('a batch that does not split into equal slices exits 2 naming --batch and --threads, and writes nothing', async () => {
    built();
    const out = join(tempDir(), 'run');
    const r = await runLrdkit(['train', '--task', 'copy', '--cell', 'gru', '--repeats', '1', '--steps', '2', '--batch', '6', '--threads', '4', '--out', out]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr.trim()).toBe('lrdkit train: --batch 6 is not divisible by --threads 4; expected a batch that splits into 4 equal slices (e.g. --batch 4)');
    expect(existsSync(out)).toBe(false);
  });
});

describe('lrdkit reproduce copy-task --threads', () => {
  it('passes --threads to the runs it starts, not to those it resumes (they keep their own count)', () => {
    const run = plannedRuns(REPRODUCTION_PLANS.quick)[0]!;
    const fresh = trainArguments(run, '/x', 'wasm', false, 2);
    expect(fresh.slice(-2)).toEqual(['--threads', '2']);
    expect(trainArguments(run, '/x', 'wasm', true, 2)).not.toContain('--threads');
    expect(trainArguments(run, '/x', 'wasm', false)).not.toContain('--threads');
  });

  it('refuses a thread count that does not divide the plan\'s batch (exit 2, nothing written)', async () => {
    built();
    const out = join(tempDir(), 'repro');
    const r = await runLrdkit(['reproduce', 'copy-task', '--quick', '--threads', '3', '--out', out, '--quiet']);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr.trim()).toMatch(/^lrdkit reproduce: --threads 3 does not divide the batch of 32 sequences of run gru-dense-h64-r16; expected a divisor of it$/);
    expect(existsSync(out)).toBe(false);
  });
});
