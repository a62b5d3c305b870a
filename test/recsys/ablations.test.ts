/**
 * The context-switching ablation study: its plan (arms, seeds, steps), its wiring on a tiny
 * scale (context levels reach the generator, masks reach the model, the conditional MAPs add up,
 * same seed same numbers), and its summary statistics on hand-computed cases.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ABLATION_MODELS, type AblationCondition, type AblationRunResult, type AblationScale, CONTEXT_LEVELS, RECSYS_ABLATION_SCALE, ablationConditions, ablationMarkdown, ablationPlan, meanAndStandardError, pairedDifference, runRecsysAblations } from '../../src/recsys/ablations.js';
import { SWITCH_BUCKETS } from '../../src/recsys/switchConditionedMap.js';
import { useWasm } from '../train/helpers.js';

beforeAll(async () => {
  await useWasm();
});

const tiny: AblationScale = { ...RECSYS_ABLATION_SCALE, users: 16, length: 24, seeds: 2, epochs: 1, hiddenSize: 8, groups: 2, itemDimension: 4, pageDimension: 2, negatives: 16 };

describe('ablationPlan', () => {
  it('has every arm over every seed: 3 contexts x 3 models, 2 masks x 2 contexts, 3 models at 4x the epochs', () => {
    const plan = ablationPlan(RECSYS_ABLATION_SCALE);
    expect(plan).toHaveLength(3 * (9 + 4 + 3 + 5));
    // The first 48 runs keep their places (runs added later go at the end).
    expect(plan.slice(0, 48).every((r) => r.arm !== 'gates')).toBe(true);
    expect(plan.filter((r) => r.arm === 'gates' && r.model === 'context switching, input mask, balanced')).toHaveLength(9);
    const count = (f: (r: (typeof plan)[number]) => boolean): number => plan.filter(f).length;
    expect(count((r) => r.arm === 'context')).toBe(27);
    expect(count((r) => r.arm === 'gating' && r.model.startsWith('context switching'))).toBe(12);
    expect(count((r) => r.arm === 'steps x4' && r.epochs === 24 && r.context === 'as now')).toBe(9);
    expect(new Set(plan.map((r) => r.replicate))).toEqual(new Set([0, 1, 2]));
    // "as now" is the generator's defaults: no stray items, page fidelity 0.85.
    expect(CONTEXT_LEVELS['as now']).toMatchObject({ strayItemRate: 0, pageFidelity: 0.85 });
  });
});

describe('runRecsysAblations (tiny scale)', () => {
  it('trains the planned runs, reproducibly, with the model widths and masks of each condition', () => {
    const runs = [
      { arm: 'context', context: 'none', model: 'factorized', epochs: 1, replicate: 0 },
      { arm: 'gating', context: 'weak', model: 'context switching, output mask', epochs: 1, replicate: 0 },
      { arm: 'context', context: 'weak', model: 'baseline', epochs: 1, replicate: 1 },
    ] as const;
    const a = runRecsysAblations({ scale: tiny, seed: 4, runs });
    const b = runRecsysAblations({ scale: tiny, seed: 4, runs });
    expect(a.runs.map((r) => r.map20)).toEqual(b.runs.map((r) => r.map20));
    expect(a.runs.map((r) => r.hiddenSize)).toEqual([10, 8, 8]); // matched to the baseline's 8 (matchedRecommenderWidth, g = 2)
    for (const r of a.runs) {
      // The conditional MAPs partition the test targets: the position groups add up to 'all'.
      const parts = (['switch event', '1 after switch', '2-4 after switch', '5+ into regime'] as const).map((k) => r.map20BySwitch[k]);
      expect(parts.reduce((s, p) => s + p.targets, 0)).toBe(r.map20BySwitch.all.targets);
      expect(parts.reduce((s, p) => s + (p.targets > 0 ? p.map * p.targets : 0), 0) / r.map20BySwitch.all.targets).toBeCloseTo(r.map20, 12);
      expect(r.cpuSeconds).toBeGreaterThan(0);
    }
    expect(ABLATION_MODELS['context switching, output mask']).toMatchObject({ maskInput: false, maskOutput: true });
    // A study with the same seed and scale takes the earlier runs over (no training: same objects).
    const again = runRecsysAblations({ scale: tiny, seed: 4, runs: [...runs, { arm: 'gates', context: 'as now', model: 'context switching, input mask, balanced', epochs: 1, replicate: 0 }], previous: a });
    expect(again.runs.slice(0, 3)).toEqual(a.runs);
    expect(again.runs[0]).toBe(a.runs[0]);
    const gated = again.runs[3]!;
    expect(gated.gates?.importanceShare).toHaveLength(2);
    expect(a.runs[1]!.gates).toBeUndefined(); // measured in the 'gates' arm only
    // Another seed: nothing is taken over.
    expect(runRecsysAblations({ scale: tiny, seed: 5, runs: runs.slice(0, 1), previous: a }).runs[0]).not.toBe(a.runs[0]);
    expect(ablationMarkdown(again, 'x')).toContain('## Where the gate sends its mass');
    const md = ablationMarkdown(a, 'lrdkit reproduce recsys --ablations');
    expect(md).toContain('| context | none | factorized | 10 | 1 |');
    expect(md).toContain('| gating | weak | context switching, output mask | 8 | 1 |');
  });
});

describe('summary statistics', () => {
  it('mean +- standard error and paired differences by replicate (hand-computed)', () => {
    // 0.1, 0.2, 0.3: mean 0.2, sample sd 0.1, SE 0.1 / sqrt(3).
    const m = meanAndStandardError([0.1, 0.2, 0.3]);
    expect(m.mean).toBeCloseTo(0.2, 15);
    expect(m.standardError).toBeCloseTo(0.1 / Math.sqrt(3), 15);
    expect(meanAndStandardError([0.5])).toEqual({ mean: 0.5, standardError: 0, n: 1 });
    const run = (replicate: number, all: number): AblationRunResult => ({
      arm: 'context', context: 'as now', model: 'baseline', epochs: 1, replicate, hiddenSize: 8, map20: all, finalLoss: 1, cpuSeconds: 1, wallSeconds: 1,
      map20BySwitch: Object.fromEntries(SWITCH_BUCKETS.map((k) => [k, { map: all, targets: 1 }])) as AblationRunResult['map20BySwitch'],
    });
    const cond = (runs: AblationRunResult[]): AblationCondition => ({ arm: 'context', context: 'as now', model: 'baseline', epochs: 1, runs });
    // a - b by replicate: replicate 0: 0.3 - 0.1 = 0.2, replicate 1: 0.5 - 0.1 = 0.4 (replicate 2 only in a: left out).
    const d = pairedDifference(cond([run(0, 0.3), run(1, 0.5), run(2, 0.9)]), cond([run(1, 0.1), run(0, 0.1)]), 'all');
    expect(d.n).toBe(2);
    expect(d.mean).toBeCloseTo(0.3, 15);
    expect(d.standardError).toBeCloseTo(0.1, 15); // sd of (0.2, 0.4) = 0.1414, / sqrt 2
    const grouped = ablationConditions({ seed: 1, scale: tiny, runs: [run(0, 0.1), { ...run(0, 0.2), model: 'factorized' }, run(1, 0.3)] });
    expect(grouped.map((c) => [c.model, c.runs.length])).toEqual([['baseline', 2], ['factorized', 1]]);
  });
});
