/**
 * `lrdkit audit` verdicts where memory is long (issue 13), at the audit's default run
 * (32 x 1024 steps, maxLag 512): a GRU whose update gate is saturated (b_z = +12, h_t ~ h_{t-1})
 * and the trained dense copy-task GRU (reports/copy-task/dense, R = 16; its decay is long: the
 * previous rule called it LRD or SRD depending on the run length) are inconclusive or LRD, never
 * SRD; a strongly contracting GRU (b_z = -3, recurrent weights x 0.1) stays SRD. Every layer
 * carries a plain sentence in stdout, summary.md and audit.json, and the document validates.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { afterAll, describe, expect, it } from 'vitest';
import { saturatedGru } from '../../src/analysis/calibration/verdictCalibrationSet.js';
import { GruCell } from '../../src/cells/gru.js';
import { writeLrdkitCheckpoint } from '../../src/checkpoints/lrdkitFormat.js';
import { createRng } from '../../src/processes/prng.js';
import { runNode } from '../support/runNode.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'lrdkit-verdicts-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const schema = JSON.parse(readFileSync(join(root, 'schemas/audit.schema.json'), 'utf8')) as object;
const validate = new Ajv({ allErrors: true, strict: true }).compile(schema);

/** The default run, except fewer Jacobian states (not under test here). */
async function audit(checkpoint: string, name: string): Promise<{ doc: Record<string, any>; stdout: string; summary: string }> {
  const out = join(work, name);
  const r = await runNode([join(root, 'dist/cli/main.js'), 'audit', checkpoint, '--out', out, '--jacobian-states', '8', '--no-report', '--quiet']);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  const doc = JSON.parse(readFileSync(join(out, 'audit.json'), 'utf8')) as Record<string, any>;
  if (!validate(doc)) throw new Error(JSON.stringify(validate.errors, null, 2));
  return { doc, stdout: r.stdout, summary: readFileSync(join(out, 'summary.md'), 'utf8') };
}

function contractingGru(): GruCell {
  const rng = createRng(5);
  const hidden = 16;
  const input = 4;
  const m = (rows: number, cols: number, scale: number): number[][] => Array.from({ length: rows }, () => Array.from(rng.normals(cols), (v) => (scale * v) / Math.sqrt(cols)));
  const gate = (bias: number) => ({ input: m(hidden, input, 1), recurrent: m(hidden, hidden, 0.1), inputBias: Array<number>(hidden).fill(bias), recurrentBias: Array<number>(hidden).fill(0) });
  return new GruCell({ inputSize: input, hiddenSize: hidden, resetAfter: true, z: gate(-3), r: gate(0), n: gate(0) });
}

describe('lrdkit audit verdicts where memory is long', () => {
  it('a GRU with a saturated update gate (b_z = +12) is inconclusive or LRD, never SRD, and reads near-integrating', async () => {
    const dir = join(work, 'saturated');
    writeLrdkitCheckpoint(dir, [{ name: 'gru', cell: saturatedGru(createRng(0)), depth: 0 }], { seed: 0 });
    const { doc, stdout, summary } = await audit(dir, 'out-saturated');
    const layer = doc.layers[0];
    expect(layer.correlation.verdict, layer.correlation.reason).not.toBe('SRD');
    expect(layer.correlation.regime.kind).toBe('near-integrating');
    expect(layer.correlation.sentence).toMatch(/^memory longer than this record/);
    expect(stdout).toContain(`gru: ${layer.correlation.sentence}`);
    expect(summary).toContain(layer.correlation.sentence);
    expect(layer.localWhittle.totalMemory).toBeGreaterThan(0.9);
    // Lemma 1.2 cannot certify anything useful for a gate this close to 1.
    expect(stdout).toMatch(/no useful bound/);
  });

  it('the trained dense copy-task GRU (decay long against the window) is inconclusive or LRD, never SRD', async () => {
    const { doc } = await audit(join(root, 'reports/copy-task/dense'), 'out-dense');
    for (const layer of doc.layers) {
      expect(layer.correlation.verdict, `${layer.name}: ${layer.correlation.reason}`).not.toBe('SRD');
      expect(typeof layer.correlation.sentence).toBe('string');
    }
  });

  it('a strongly contracting GRU (b_z = -3, recurrent weights x 0.1) stays SRD, with its forgetting time in words', async () => {
    const dir = join(work, 'contracting');
    writeLrdkitCheckpoint(dir, [{ name: 'gru', cell: contractingGru(), depth: 0 }], { seed: 0 });
    const { doc, stdout } = await audit(dir, 'out-contracting');
    const layer = doc.layers[0];
    expect(layer.correlation.verdict, layer.correlation.reason).toBe('SRD');
    expect(layer.correlation.regime.kind).toBe('stationary');
    expect(layer.correlation.sentence).toMatch(/^short memory: the state forgets within about \d+ steps?$/);
    expect(stdout).toMatch(/^verdict: SRD/m);
  });
});
