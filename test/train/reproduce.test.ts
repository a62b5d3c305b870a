/**
 * The copy-task reproduction's bookkeeping, on synthetic run folders (no training): the plan's
 * runs and widths, the final-loss estimate, the comparisons and the verdict, the Markdown table
 * and the loss-curve spec (valid against the Vega-Lite JSON schema).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { vegaLiteValidator } from '../support/vegaLiteSchema.js';
import { afterAll, describe, expect, it } from 'vitest';
import { modelParameterCount } from '../../src/train/modelConfig.js';
import { type ReproductionPlan, REPRODUCTION_PLANS, collectResults, finalLoss, lossCurveSpec, plannedRuns, resultsMarkdown, runStatus, smoothCurve, trainArguments } from '../../src/train/reproduce.js';
import { runMetadata } from '../../src/train/trainingConfig.js';
import { removeTempDirs, tempDir } from './helpers.js';

afterAll(removeTempDirs);


/** A small plan for synthetic runs. */
const PLAN: ReproductionPlan = { ...REPRODUCTION_PLANS.quick, repeats: [4, 8], steps: 40 };

/** Writes a finished run folder whose loss decays from ln 256 to `final` (plus a fixed ripple). */
function fakeRun(dir: string, run: ReturnType<typeof plannedRuns>[number], final: number): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'run.json'), JSON.stringify(runMetadata({ ...run.options, out: dir, backend: 'wasm', version: 'test' })));
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
});
