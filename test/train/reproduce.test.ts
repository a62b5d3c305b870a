/**
 * The copy-task reproduction's bookkeeping, on synthetic run folders (no training): the plan's
 * runs and widths, the final-loss estimate, the comparisons and the verdict, the Markdown table
 * and the loss-curve spec (valid against the Vega-Lite JSON schema).
 */
import { lstatSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { vegaLiteValidator } from '../support/vegaLiteSchema.js';
import { afterAll, describe, expect, it } from 'vitest';
import { modelFlopsPerStep, modelParameterCount } from '../../src/train/modelConfig.js';
import { copySequenceLength } from '../../src/train/copyTask.js';
import { type ReproductionPlan, REPRODUCTION_PLANS, archiveRun, archivedRunExists, collectResults, describeLearningRates, estimatePlan, runReproduction, finalLoss, formatDuration, lossCurveSpec, plannedRuns, resultsMarkdown, runStatus, runTrainingFlopsPerStep, smoothCurve, trainArguments } from '../../src/train/reproduce.js';
import { runMetadata } from '../../src/train/trainingConfig.js';
import { LRDKIT_SHARD } from '../../src/checkpoints/lrdkitFormat.js';
import { copyTrainedCheckpoints } from '../../src/cli/reproduce.js';
import type { ReproductionResults } from '../../src/train/reproduce.js';
import { removeTempDirs, tempDir } from './helpers.js';

afterAll(removeTempDirs);


/** A small plan for synthetic runs. */
const PLAN: ReproductionPlan = { ...REPRODUCTION_PLANS.quick, repeats: [4, 8], steps: 40 };

/** Writes a finished run folder whose loss decays from ln 256 to `final` (plus a fixed ripple). */
function fakeRun(dir: string, run: ReturnType<typeof plannedRuns>[number], final: number, kernels: Record<string, string> = {}): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'run.json'), JSON.stringify({ ...runMetadata({ ...run.options, out: dir, backend: 'wasm', version: 'test' }), ...kernels }));
  const lines = Array.from({ length: PLAN.steps }, (_, i) => {
    const step = i + 1;
    const loss = final + (Math.log(256) - final) * Math.exp(-step / 8) + 0.01 * Math.sin(step);
    return JSON.stringify({ step, loss, elapsedSeconds: step / 10, sequencesPerSecond: 320 });
  });
  writeFileSync(join(dir, 'log.jsonl'), `${lines.join('\n')}\n`);
}

describe('the copy-task reproduction', () => {
  it('plans dense, big (equal parameters) and small (equal width) runs per repeat count, longest sequences first', () => {
    const runs = plannedRuns(REPRODUCTION_PLANS.quick);
    expect(runs.map((r) => `${r.size}-${r.repeats}`)).toEqual(['dense-16', 'big-16', 'small-16', 'dense-8', 'big-8', 'small-8', 'dense-4', 'big-4', 'small-4']);
    const params = (r: (typeof runs)[number]) => modelParameterCount({ kind: r.cell, variant: r.options.variant, groups: r.options.groups, hiddenSize: r.options.hiddenSize, layers: 2, inputVocabulary: 257, outputVocabulary: 256 });
    const [dense, big, small] = runs;
    expect(params(big!)).toBeLessThanOrEqual(params(dense!));
    expect(params(big!)).toBeGreaterThan(0.98 * params(dense!));
    expect(big!.options.hiddenSize).toBeGreaterThan(dense!.options.hiddenSize);
    expect(small!.options.hiddenSize).toBe(dense!.options.hiddenSize);
    expect(trainArguments(big!, '/x', 'auto', true)).toEqual(expect.arrayContaining(['--variant', 'factorized', '--groups', '4', '--hidden', String(big!.options.hiddenSize), '--resume', '--quiet']));
  });

  it('finalLoss is the mean of the last 10 % of the steps with its standard error', () => {
    const log = Array.from({ length: 50 }, (_, i) => ({ step: i + 1, loss: i < 45 ? 9 : [1, 2, 3, 4, 5][i - 45]!, elapsedSeconds: 0, sequencesPerSecond: 0 }));
    const f = finalLoss(log);
    expect(f.mean).toBe(3);
    expect(f.standardError).toBeCloseTo(Math.sqrt(2.5 / 5), 12);
    expect(smoothCurve(log, 5, 10).map((p) => p.step)).toEqual([10, 20, 30, 40, 50]);
    expect(smoothCurve(log, 5, 10).at(-1)!.loss).toBe(3);
  });

  it('collects results, gaps and the verdict from the run folders, and writes a table and a valid Vega-Lite spec', () => {
    const runsDir = tempDir();
    const finals: Record<string, number> = { 'dense-4': 3, 'big-4': 2.5, 'small-4': 2.8, 'dense-8': 4, 'big-8': 3, 'small-8': 3.9 };
    for (const run of plannedRuns(PLAN)) fakeRun(join(runsDir, run.name), run, finals[`${run.size}-${run.repeats}`] as number);
    const results = collectResults(PLAN, runsDir, 'test');
    const expected = [[4, 0.5, 0.2], [8, 1, 0.1]];
    results.comparisons.forEach((c, i) => {
      expect(c.repeats).toBe(expected[i]![0]);
      expect(c.gapBigNats).toBeCloseTo(expected[i]![1]!, 1);
      expect(c.gapSmallNats).toBeCloseTo(expected[i]![2]!, 1);
    });
    expect(results.verdict).toMatchObject({ factorizedBelowDenseAtEqualParameters: { gru: true }, gapGrowsWithRepeats: { gru: true }, reproduces: true });
    expect(results.verdict.summary).toMatch(/^The direction of the paper reproduces at this scale\. GRU: factorized \(equal parameters\) below dense at every repeat count; gap dense - factorized grows with the repeats \(R=4: \+0\.\d{3}, R=8: \+[01]\.\d{3} nats\)\.$/);
    expect(results.curves).toHaveLength(6);
    const md = resultsMarkdown(results, 'lrdkit reproduce copy-task --quick');
    expect(md).toContain('| cell | repeats | T | memoryless | dense | factorized big | factorized small | dense - big | dense - small |');
    expect(md.split('\n').filter((l) => l.startsWith('| GRU |'))).toHaveLength(2);
    const validate = vegaLiteValidator();
    const spec = lossCurveSpec(results);
    expect(validate(spec), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    // A worse factorized network at R = 8 flips the verdict.
    fakeRun(join(runsDir, plannedRuns(PLAN).find((r) => r.size === 'big' && r.repeats === 8)!.name), plannedRuns(PLAN)[1]!, 4.5);
    const flipped = collectResults(PLAN, runsDir, 'test');
    expect(flipped.verdict).toMatchObject({ factorizedBelowDenseAtEqualParameters: { gru: false }, reproduces: false });
    expect(flipped.verdict.summary).toMatch(/^The direction of the paper does not reproduce at this scale\. GRU: factorized \(equal parameters\) not below dense at every repeat count; gap dense - factorized does not grow/);
  });

  it('a repeat count where neither network gets below the memoryless loss is left out of the verdict (an LSTM still on its plateau at ln 256)', () => {
    const runsDir = tempDir();
    // R = 8's memoryless level is 8/9 ln 256 = 4.929: both networks at ln 256 + 0.003 there.
    const finals: Record<string, number> = { 'dense-4': 3, 'big-4': 2.5, 'small-4': 2.8, 'dense-8': 5.548, 'big-8': 5.548, 'small-8': 5.548 };
    for (const run of plannedRuns(PLAN)) fakeRun(join(runsDir, run.name), run, finals[`${run.size}-${run.repeats}`] as number);
    const results = collectResults(PLAN, runsDir, 'test');
    expect(results.comparisons.map((c) => c.informative)).toEqual([true, false]);
    // One informative repeat count: below dense, but no growth can be shown.
    expect(results.verdict).toMatchObject({ factorizedBelowDenseAtEqualParameters: { gru: true }, gapGrowsWithRepeats: { gru: false }, reproduces: false });
    expect(results.verdict.summary).toMatch(/at R=8 neither network got below the memoryless loss, so those repeat counts compare nothing and are left out/);
    // Neither learned anywhere: no comparison at all.
    for (const run of plannedRuns(PLAN).filter((r) => r.repeats === 4)) fakeRun(join(runsDir, run.name), run, 5.548);
    const none = collectResults(PLAN, runsDir, 'test');
    expect(none.verdict).toMatchObject({ factorizedBelowDenseAtEqualParameters: { gru: false }, gapGrowsWithRepeats: { gru: false }, reproduces: false });
    expect(none.verdict.summary).toMatch(/^The direction of the paper does not reproduce at this scale\. GRU: neither network got below the memoryless loss at any repeat count: no comparison\.$/);
  });

  it('a run folder is to start, to resume or finished; an unfinished run stops the collection naming it', () => {
    const runsDir = tempDir();
    const run = plannedRuns(PLAN)[0]!;
    const dir = join(runsDir, run.name);
    expect(runStatus(dir, PLAN.steps)).toBe('start');
    fakeRun(dir, run, 3);
    expect(runStatus(dir, PLAN.steps)).toBe('start'); // no checkpoint yet
    mkdirSync(join(dir, 'checkpoint'));
    writeFileSync(join(dir, 'checkpoint', 'training-state.json'), '{}');
    expect(runStatus(dir, PLAN.steps)).toBe('finished');
    expect(runStatus(dir, PLAN.steps + 10)).toBe('resume');
    expect(() => collectResults(PLAN, runsDir, 'test')).toThrow(/expected 40 logged steps, found 0/);
  });

  it('the standard plan: GRU and LSTM, repeats 4-32, dense vs big at equal parameters, 3 seeds, seed-suffixed run names', () => {
    const plan = REPRODUCTION_PLANS.standard;
    const runs = plannedRuns(plan);
    expect(runs).toHaveLength(2 * 4 * 2 * 3);
    expect([...new Set(runs.map((r) => r.seed))]).toEqual([1, 2, 3]);
    expect(new Set(runs.map((r) => r.name)).size).toBe(runs.length);
    // The GRU names are those of the committed archive; the LSTM runs (learning rate 0.03 since
    // the pilots) carry their rate, so the archived LSTM runs at 0.01 are not taken for them.
    expect(runs.slice(0, 4).map((r) => r.name)).toEqual(['gru-dense-h64-r32-s1', 'gru-factorized-g4-big-h100-r32-s1', 'lstm-dense-h64-r32-lr0.03-s1', 'lstm-factorized-g4-big-h104-r32-lr0.03-s1']);
    expect(runs.filter((r) => r.cell === 'lstm').every((r) => r.options.learningRate === 0.03)).toBe(true);
    expect(runs.filter((r) => r.cell === 'gru').every((r) => r.options.learningRate === 0.01)).toBe(true);
    expect(runs.every((r) => r.options.seed === r.seed && r.options.steps === plan.steps && r.size !== 'small')).toBe(true);
    // The description states the widths the plan really uses.
    expect(plan.description).toContain('width 100 GRU, 104 LSTM');
    // The quick plan keeps its unsuffixed names (its committed results refer to them).
    expect(plannedRuns(REPRODUCTION_PLANS.quick)[0]!.name).toBe('gru-dense-h64-r16');
  });

  it('the long plan: the standard plan\'s R = 32 runs (same networks, rates and names) trained 4 times longer, 2 seeds', () => {
    const plan = REPRODUCTION_PLANS.long, runs = plannedRuns(plan);
    expect(runs).toHaveLength(2 * 2 * 2);
    expect(runs.every((r) => r.repeats === 32 && r.options.steps === 4 * REPRODUCTION_PLANS.standard.steps)).toBe(true);
    const standard = new Map(plannedRuns(REPRODUCTION_PLANS.standard).map((r) => [r.name, r]));
    for (const r of runs) {
      const twin = standard.get(r.name);
      expect(twin, r.name).toBeDefined();
      expect({ ...r.options, steps: 0, checkpointEvery: 0 }).toEqual({ ...twin!.options, steps: 0, checkpointEvery: 0 }); // checkpoints every tenth of the steps
    }
    expect([...new Set(runs.map((r) => r.seed))]).toEqual([1, 2]);
  });

  it('results name the kernels each run trained with (run.json; wasm where it records none)', () => {
    const runsDir = tempDir();
    const planned = plannedRuns(PLAN);
    planned.forEach((run, i) => fakeRun(join(runsDir, run.name), run, 3, i === 1 ? { kernels: 'native', kernelIsa: 'avx512' } : {}));
    const results = collectResults(PLAN, runsDir, 'test');
    expect(results.runs.map((r) => r.kernels)).toEqual(planned.map((_, i) => (i === 1 ? 'native (avx512)' : 'wasm')));
    expect(resultsMarkdown(results, 'x')).toContain(', backend wasm, kernels wasm, native (avx512).');
  });

  it('per-cell learning rates: the runs of a cell with its own rate train at it and carry -lr<rate> in their names; the others keep theirs', () => {
    const plan: ReproductionPlan = { ...REPRODUCTION_PLANS.standard, learningRates: { lstm: 0.03 } };
    const runs = plannedRuns(plan);
    const gru = runs.filter((r) => r.cell === 'gru'), lstm = runs.filter((r) => r.cell === 'lstm');
    expect(gru.every((r) => r.options.learningRate === 0.01 && !r.name.includes('-lr'))).toBe(true);
    expect(lstm.every((r) => r.options.learningRate === 0.03 && /-r\d+-lr0\.03-s\d$/.test(r.name))).toBe(true);
    expect(trainArguments(lstm[0]!, 'x', 'wasm', false).join(' ')).toContain('--lr 0.03');
    expect(describeLearningRates(plan)).toBe('0.01 (GRU), 0.03 (LSTM)');
    expect(describeLearningRates(REPRODUCTION_PLANS.quick)).toBe('0.01');
  });

  it('training FLOPs per step are 3 T B x the model FLOPs; the estimate schedules the runs longest first over the jobs', () => {
    const runs = plannedRuns(REPRODUCTION_PLANS.standard);
    const r = runs[0]!;
    const config = { kind: 'gru' as const, variant: 'dense' as const, groups: 1, hiddenSize: 64, layers: 2, inputVocabulary: 257, outputVocabulary: 256 };
    // 2 layers x 2 G (H^2 + H^2) + 2 H V_out = 98 304 + 32 768 FLOPs per time step; x 3 x 198 x 32 per training step.
    expect(modelFlopsPerStep(config)).toBe(131072);
    expect(runTrainingFlopsPerStep(r)).toBe(3 * copySequenceLength(32) * 32 * 131072);
    const rate = 1e9;
    const one = estimatePlan(REPRODUCTION_PLANS.standard, rate, 1), two = estimatePlan(REPRODUCTION_PLANS.standard, rate, 2);
    const sum = one.runs.reduce((a, x) => a + x.seconds, 0);
    expect(one.totalSeconds).toBeCloseTo(sum, 6);
    expect(one.runs[0]!.seconds).toBeCloseTo((3000 * runTrainingFlopsPerStep(r)) / rate, 6);
    expect(two.totalSeconds).toBeGreaterThanOrEqual(sum / 2);
    expect(two.totalSeconds).toBeLessThanOrEqual(sum / 2 + Math.max(...one.runs.map((x) => x.seconds)));
    expect([formatDuration(40), formatDuration(720), formatDuration(3900)]).toEqual(['40 s', '12 min', '1 h 05 min']);
  });

  it('with several seeds: means over the seeds, standard errors over the seeds, the gap\'s over the paired differences; no small column without small runs', () => {
    const plan: ReproductionPlan = { ...PLAN, repeats: [4], seeds: [1, 2], sizes: ['dense', 'big'] };
    const runsDir = tempDir();
    const finals: Record<string, number> = { 'dense-1': 3.0, 'dense-2': 3.2, 'big-1': 2.5, 'big-2': 2.9 };
    for (const run of plannedRuns(plan)) fakeRun(join(runsDir, run.name), run, finals[`${run.size}-${run.seed}`] as number);
    const results = collectResults(plan, runsDir, 'test');
    const [c] = results.comparisons;
    // Every run has the same ripple over its last steps, so the final losses differ exactly as the finals do (to the decay, e^-36/8 ~ 1e-2 of 2.5).
    expect(c!.seeds).toBe(2);
    expect(c!.denseLossNats - c!.bigLossNats).toBeCloseTo(0.4, 2);
    expect(c!.gapBigNats).toBeCloseTo(0.4, 2);
    expect(c!.gapBigStandardError).toBeCloseTo(0.1, 2); // differences 0.5 and 0.3: sd 0.1414, / sqrt 2
    expect(c!.denseLossStandardError).toBeCloseTo(0.1, 2); // 3.0 and 3.2
    expect(c!.smallLossNats).toBeNull();
    expect(c!.gapSmallNats).toBeNull();
    expect(results.runs.map((x) => x.seed)).toEqual([1, 1, 2, 2]);
    const md = resultsMarkdown(results, 'lrdkit reproduce copy-task --standard');
    expect(md).toContain('| cell | repeats | T | memoryless | dense | factorized big | dense - big |');
    expect(md).toContain('seeds 1, 2');
    expect(md).toMatch(/\| GRU \| 4 \| 30 \| 4\.436 \| 3\.1\d{2} \+- 0\.(09|10)\d \(h=64, 83008 params\) \| 2\.7\d{2} \+- 0\.(19|20)\d \(h=100, 82756 params\) \| 0\.(39|40)\d \+- 0\.(09|10)\d \|$/m);
  });

  it('finished runs are archived (summary and trained layers); a plan continued from the archive alone reuses them and gives the same results', async () => {
    const plan: ReproductionPlan = { ...PLAN, seeds: [1, 2], sizes: ['dense', 'big'] };
    const runsDir = tempDir(), archive = join(tempDir(), 'finished');
    plannedRuns(plan).forEach((run, i) => {
      const dir = join(runsDir, run.name);
      fakeRun(dir, run, 2 + i / 10);
      mkdirSync(join(dir, 'checkpoint'));
      writeFileSync(join(dir, 'checkpoint', 'training-state.json'), '{}');
      writeFileSync(join(dir, 'checkpoint', 'model.json'), `{"run": "${run.name}"}`);
      writeFileSync(join(dir, 'checkpoint', 'group1-shard1of1.bin'), new Uint8Array([i, 1, 2, 3]));
    });
    const fromRuns = collectResults(plan, runsDir, 'test');
    const [first] = plannedRuns(plan);
    expect(archivedRunExists(archive, first!)).toBe(false);
    // runReproduction archives the runs it finds finished (nothing to train here).
    const messages: string[] = [];
    await runReproduction({ plan, runsDirectory: runsDir, jobs: 1, backend: 'cpu', version: 'test', archiveDirectory: archive, onMessage: (m) => messages.push(m) });
    expect(messages.every((m) => m.endsWith('already trained, reused'))).toBe(true);
    expect(plannedRuns(plan).every((r) => archivedRunExists(archive, r))).toBe(true);
    expect(readFileSync(join(archive, first!.name, 'model.json'), 'utf8')).toBe(`{"run": "${first!.name}"}`);
    expect([...readFileSync(join(archive, first!.name, 'group1-shard1of1.bin'))]).toEqual([0, 1, 2, 3]);
    // Another machine: only the committed archive, no run folders.
    rmSync(runsDir, { recursive: true, force: true });
    const again: string[] = [];
    await runReproduction({ plan, runsDirectory: runsDir, jobs: 1, backend: 'cpu', version: 'test', archiveDirectory: archive, onMessage: (m) => again.push(m) });
    expect(again).toHaveLength(plannedRuns(plan).length);
    expect(again.every((m) => /archived in .*, reused$/.test(m))).toBe(true);
    expect(collectResults(plan, runsDir, 'test', archive)).toEqual(fromRuns);
    // Without the archive the missing run folders are an error naming the first run.
    expect(() => collectResults(plan, runsDir, 'test')).toThrow(new RegExp(`${first!.name}: expected 40 logged steps, found 0`));
    // A plan changed under the archive (another learning rate or step count for the same run
    // names) is refused, naming the archived run, rather than reusing runs trained otherwise.
    const changed: ReproductionPlan = { ...plan, learningRate: 0.02 };
    expect(() => archivedRunExists(archive, plannedRuns(changed)[0]!)).toThrow(new RegExp(`${first!.name}/result\\.json: archived run trained otherwise than the plan asks \\(learning rate 0\\.01, the plan 0\\.02\\)`));
    expect(() => archivedRunExists(archive, plannedRuns({ ...plan, steps: 50 })[0]!)).toThrow(/steps 40, the plan 50/);
    // archiveRun refuses a run without a checkpoint.
    const bare = join(tempDir(), 'runs');
    fakeRun(join(bare, first!.name), first!, 2);
    expect(() => archiveRun(plan, first!, bare, archive)).toThrow(/no checkpoint to archive/);
  });
});

describe('copyTrainedCheckpoints (lrdkit reproduce: the trained dense and factorized models copied beside the results)', () => {
  it('copies through fresh unpredictable temporary folders: links planted at the former pid-derived names are neither followed nor removed; a previous copy is replaced whole', () => {
    const archive = tempDir(), out = tempDir(), victim = tempDir();
    writeFileSync(join(victim, 'precious.txt'), 'keep me');
    const runs = [
      { cell: 'gru', repeats: 8, seed: 1, size: 'dense', name: 'gru-dense-r8' },
      { cell: 'gru', repeats: 8, seed: 1, size: 'big', name: 'gru-big-r8' },
    ];
    for (const r of runs) {
      mkdirSync(join(archive, r.name));
      writeFileSync(join(archive, r.name, 'model.json'), `{"run":"${r.name}"}`);
      writeFileSync(join(archive, r.name, LRDKIT_SHARD), r.name);
    }
    const planted = [`.dense.tmp-${process.pid}`, `.factorized.tmp-${process.pid}`];
    for (const name of planted) symlinkSync(victim, join(out, name));
    mkdirSync(join(out, 'dense'));
    writeFileSync(join(out, 'dense', 'stale.txt'), 'from a previous run');
    const results = { plan: { cells: ['gru'] }, runs } as unknown as ReproductionResults;
    copyTrainedCheckpoints(results, archive, out);
    expect(readdirSync(join(out, 'dense')).sort()).toEqual([LRDKIT_SHARD, 'model.json'].sort());
    expect(readFileSync(join(out, 'factorized', 'model.json'), 'utf8')).toBe('{"run":"gru-big-r8"}');
    expect(readdirSync(victim)).toEqual(['precious.txt']);
    for (const name of planted) expect(lstatSync(join(out, name)).isSymbolicLink()).toBe(true);
    expect(readdirSync(out).sort()).toEqual([...planted, 'dense', 'factorized'].sort());
  });
});
