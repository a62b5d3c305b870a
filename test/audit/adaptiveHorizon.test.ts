/**
 * The audit's adaptive horizon (issue 13): a layer inconclusive for lack of record is rerun with
 * doubled steps up to --max-steps and every horizon tried is reported; --steps fixes the horizon.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { CellAnalysis } from '../../src/analysis/analyzeCell.js';
import { GruCell } from '../../src/cells/gru.js';
import { writeLrdkitCheckpoint } from '../../src/checkpoints/lrdkitFormat.js';
import { analyseWithAdaptiveHorizon, lacksRecord } from '../../src/audit/adaptiveHorizon.js';
import { createRng } from '../../src/processes/prng.js';
import { runNode } from '../support/runNode.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'lrdkit-horizon-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A stand-in analysis: inconclusive for lack of record until `resolvedAt` steps. */
function fake(steps: number, resolvedAt: number, regime: 'stationary' | 'near-integrating' = 'stationary'): CellAnalysis {
  const resolved = steps >= resolvedAt;
  return {
    options: { steps },
    correlation: { evidence: { resolution: resolved ? 'resolved' : 'unresolved', stepsToResolve: resolved ? null : resolvedAt } },
    assessment: { verdict: resolved ? 'SRD' : 'inconclusive', reason: `at ${steps}`, regime },
  } as unknown as CellAnalysis;
}

describe('analyseWithAdaptiveHorizon', () => {
  it('doubles steps and maxLag while the layer lacks record, and stops once resolved', () => {
    const calls: [number, number][] = [];
    const out = analyseWithAdaptiveHorizon((s, k) => (calls.push([s, k]), fake(s, 3000)), 1024, 512, 8192);
    expect(calls).toEqual([[1024, 512], [2048, 1024], [4096, 2048]]);
    expect(out.horizons.map((h) => [h.steps, h.verdict])).toEqual([[1024, 'inconclusive'], [2048, 'inconclusive'], [4096, 'SRD']]);
  });

  it('stops at maxSteps, and never lengthens a near-integrating layer or a fixed horizon', () => {
    expect(analyseWithAdaptiveHorizon((s) => fake(s, 1e9), 1024, 512, 2048).horizons.map((h) => h.steps)).toEqual([1024, 2048]);
    expect(analyseWithAdaptiveHorizon((s) => fake(s, 1e9, 'near-integrating'), 1024, 512, 8192).horizons).toHaveLength(1);
    expect(analyseWithAdaptiveHorizon((s) => fake(s, 1e9), 1024, 512, 1024).horizons).toHaveLength(1);
    expect(lacksRecord(fake(1024, 2048))).toBe(true);
    expect(lacksRecord(fake(2048, 2048))).toBe(false);
  });
});

describe('lrdkit audit --max-steps', () => {
  // A GRU with update gate z = sigmoid(4.2) = 0.985 and small recurrent weights: decay length
  // about -1 / log(0.985) = 66 steps, more than the default window 512 / 10, less than 1024 / 10.
  const rng = createRng(11);
  const m = (rows: number, cols: number, scale: number): number[][] => Array.from({ length: rows }, () => Array.from(rng.normals(cols), (v) => (scale * v) / Math.sqrt(cols)));
  const gate = (bias: number) => ({ input: m(8, 4, 1), recurrent: m(8, 8, 0.1), inputBias: Array<number>(8).fill(bias), recurrentBias: Array<number>(8).fill(0) });
  const dir = join(work, 'slow');
  writeLrdkitCheckpoint(dir, [{ name: 'slow', cell: new GruCell({ inputSize: 4, hiddenSize: 8, resetAfter: true, z: gate(4.2), r: gate(0), n: gate(0) }), depth: 0 }], { seed: 0 });
  const audit = async (name: string, extra: string[]) => {
    const out = join(work, name);
    const r = await runNode([join(root, 'dist/cli/main.js'), 'audit', dir, '--out', out, '--jacobian-states', '8', '--lyapunov', '2', '--no-report', '--quiet', ...extra]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    return { doc: JSON.parse(readFileSync(join(out, 'audit.json'), 'utf8')) as Record<string, any>, stdout: r.stdout };
  };

  it('a slow layer inconclusive at 1024 steps is rerun at 2048 and 4096 steps (--max-steps 4096), each horizon reported', async () => {
    const { doc, stdout } = await audit('adaptive', ['--max-steps', '4096']);
    const horizons = doc.layers[0].horizons as { steps: number; maxLag: number; verdict: string }[];
    expect(horizons[0]).toMatchObject({ steps: 1024, maxLag: 512, verdict: 'inconclusive' });
    expect(horizons.length).toBeGreaterThanOrEqual(2);
    expect(horizons[1]).toMatchObject({ steps: 2048, maxLag: 1024 });
    expect(doc.run.maxSteps).toBe(4096);
    expect(stdout).toMatch(/horizons tried: 1024 steps inconclusive, 2048 steps/);
  });

  it('--steps fixes the horizon: one horizon, no doubling', async () => {
    const { doc } = await audit('fixed', ['--steps', '1024']);
    expect(doc.layers[0].horizons).toHaveLength(1);
    expect(doc.run.maxSteps).toBe(1024);
  });
});
