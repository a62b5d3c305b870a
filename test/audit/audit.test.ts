/**
 * `lrdkit audit`: the document validates against schemas/audit.schema.json, exit codes, same
 * seed same bytes, the same weights in every format give the same numbers, bad input.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NodeRun, runLrdkit } from '../support/runNode.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const fixtures = join(root, 'test/fixtures/checkpoints');
const work = mkdtempSync(join(tmpdir(), 'lrdkit-audit-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Small run: the numbers, not the statistics, are under test here. */
const SMALL = ['--sequences', '8', '--steps', '256', '--burn-in', '32', '--max-lag', '64', '--jacobian-states', '8', '--lyapunov', '4', '--bootstrap', '20', '--quiet'];

/**
 * `lrdkit audit CHECKPOINT --out OUT` with the small run. Without the report (figures, HTML)
 * unless asked: rendering costs more CPU than the small audit itself, and only the first audit's
 * test looks at the report files.
 */
function audit(checkpoint: string, out: string, extra: string[] = [], withReport = false): Promise<NodeRun> {
  return runLrdkit(['audit', checkpoint, '--out', out, ...SMALL, ...(withReport ? [] : ['--no-report']), ...extra]);
}

const schema = JSON.parse(readFileSync(join(root, 'schemas/audit.schema.json'), 'utf8')) as object;
const validate = new Ajv({ allErrors: true, strict: true }).compile(schema);

function readDoc(dir: string): Record<string, any> {
  return JSON.parse(readFileSync(join(dir, 'audit.json'), 'utf8')) as Record<string, any>;
}

describe('lrdkit audit on a PyTorch checkpoint', () => {
  const out = join(work, 'gru2');
  let r: NodeRun;
  beforeAll(async () => {
    r = await audit(join(fixtures, 'pytorch/gru2.safetensors'), out, [], true);
  });

  it('exits 0, prints the verdict table and writes audit.json, summary.md, timings.json', async () => {
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/lrdkit .* audit: gru2\.safetensors \(safetensors, 2 layer\(s\) audited\)/);
    expect(r.stdout).toMatch(/^verdict: (SRD|LRD|inconclusive)/m);
    for (const f of ['audit.json', 'summary.md', 'timings.json']) expect(existsSync(join(out, f))).toBe(true);
    // It ends with where it wrote.
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe(`wrote ${out}/: audit.json, summary.md, timings.json, report.html, report.md, figures/`);
    expect(readFileSync(join(out, 'summary.md'), 'utf8')).toMatch(/^# lrdkit audit: gru2\.safetensors/);
  });

  it('audit.json validates against the committed JSON Schema', async () => {
    const doc = readDoc(out);
    const ok = validate(doc);
    if (!ok) throw new Error(JSON.stringify(validate.errors, null, 2));
    expect(doc.layers.map((l: any) => l.name)).toEqual(['l0', 'l1']);
    expect(doc.layers[1].drivenThrough).toEqual(['l0']);
  });

  it('spectralRadiusWh matches numpy on the same float32 weights (test/fixtures/checkpoints/pytorch/reference.json) to 1e-9', async () => {
    const ref = JSON.parse(readFileSync(join(fixtures, 'pytorch/reference.json'), 'utf8')) as Record<string, any>;
    const doc = readDoc(out);
    const layers = ref.models.gru2 as { name: string; spectralRadius: number }[];
    expect(layers.map((l) => l.name)).toEqual(['l0', 'l1']);
    doc.layers.forEach((l: any, i: number) => {
      const expected = (layers[i] as { spectralRadius: number }).spectralRadius;
      expect(Math.abs(l.spectralRadiusWh - expected) / expected).toBeLessThan(1e-9);
    });
  });

  it('the same seed gives the same bytes; another seed other numbers', async () => {
    const again = join(work, 'gru2-again');
    expect((await audit(join(fixtures, 'pytorch/gru2.safetensors'), again)).status).toBe(0);
    expect(readFileSync(join(again, 'audit.json'), 'utf8')).toBe(readFileSync(join(out, 'audit.json'), 'utf8'));
    const other = join(work, 'gru2-seed');
    expect((await audit(join(fixtures, 'pytorch/gru2.safetensors'), other, ['--seed', '5'])).status).toBe(0);
    expect(readFileSync(join(other, 'audit.json'), 'utf8')).not.toBe(readFileSync(join(out, 'audit.json'), 'utf8'));
  });

  it('the same weights saved as safetensors and torch.save give identical numbers', async () => {
    const pt = join(work, 'gru2-pt');
    expect((await audit(join(fixtures, 'pytorch/gru2.pt'), pt)).status).toBe(0);
    const a = readDoc(out), b = readDoc(pt);
    expect(b.layers).toEqual(a.layers);
    expect(b.checkpoint.format).toBe('torch-zip');
  });

  it('--require gates the exit status: 0 when the verdict is as required, 1 otherwise', async () => {
    const overall = readDoc(out).verdict.overall as string;
    const met = overall === 'SRD' ? 'srd' : 'lrd';
    const unmet = overall === 'SRD' ? 'lrd' : 'srd';
    const failed = await audit(join(fixtures, 'pytorch/gru2.safetensors'), join(work, 'req1'), ['--require', unmet]);
    expect(failed.status).toBe(1);
    // The reason, per layer, before exiting 1 (lrd: no layer is LRD, listing each layer's verdict;
    // srd: each layer that is not SRD).
    const verdicts = (readDoc(out).layers as { name: string; correlation: { verdict: string } }[]).map((l) => `${l.name}: ${l.correlation.verdict}`);
    if (unmet === 'lrd') expect(failed.stderr.trim()).toBe(`lrdkit audit: --require lrd not met: no layer is LRD (${verdicts.join(', ')})`);
    else for (const l of readDoc(out).layers.filter((x: any) => x.correlation.verdict !== 'SRD')) expect(failed.stderr).toContain(`--require srd not met: layer ${l.name} is ${l.correlation.verdict}, expected SRD`);
    if (overall !== 'inconclusive') expect((await audit(join(fixtures, 'pytorch/gru2.safetensors'), join(work, 'req0'), ['--require', met])).status).toBe(0);
  });
});

describe('the same weights in every format give the same audit numbers', () => {
  const numbers = (doc: Record<string, any>): unknown =>
    doc.layers.map(({ name: _n, drivenThrough: _d, ...rest }: Record<string, unknown>) => rest);
  const reference = join(work, 'fmt-safetensors');
  beforeAll(async () => {
    expect((await audit(join(fixtures, 'pytorch/gru2.safetensors'), reference)).status).toBe(0);
  });
  for (const [label, path, format] of [
    ['torch.save', 'pytorch/gru2.pt', 'torch-zip'],
    ['Keras .h5', 'keras/gru2.h5', 'keras-h5'],
    ['Keras 3 .keras', 'keras/gru2.keras', 'keras-v3'],
    ['TF.js layers directory', 'tfjs/gru2', 'tfjs-layers'],
    ['TF.js model.json', 'tfjs/gru2/model.json', 'tfjs-layers'],
  ] as const) {
    it(`${label}: identical layer numbers to the safetensors file`, async () => {
      const out = join(work, `fmt-${label.replace(/\W+/g, '-')}`);
      const r = await audit(join(fixtures, path), out);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const doc = readDoc(out);
      expect(doc.checkpoint.format).toBe(format);
      expect(validate(doc)).toBe(true);
      expect(numbers(doc)).toEqual(numbers(readDoc(reference)));
    });
  }
  it('a factorized (block-diagonal) checkpoint is audited block by block with its groups detected', async () => {
    const out = join(work, 'fmt-blocks');
    expect((await audit(join(fixtures, 'pytorch/gru_blocks.safetensors'), out)).status).toBe(0);
    const [layer] = readDoc(out).layers;
    expect(layer.groups).toBe(2);
    expect(layer.detectedGroups).toBe(2);
    expect(layer.variant).toBe('factorized');
  });
  it('a context-switching layer (lrdkit format) is audited; W_h is its experts\' blocks; a stacked layer is driven through the one below', async () => {
    const { randomContextSwitchingCell, randomDenseCell, spectralRadius } = await import('../../src/index.js');
    const { createRng } = await import('../../src/api/processes.js');
    const { writeLrdkitCheckpoint } = await import('../../src/api/checkpoints.js');
    const rng = createRng(3);
    const cs = randomContextSwitchingCell(rng, { kind: 'gru', inputSize: 6, hiddenSize: 12, groups: 3, auxiliaryHiddenSize: 4 });
    const top = randomDenseCell(rng, { kind: 'gru', inputSize: 12, hiddenSize: 5 });
    const dir = join(work, 'ckpt-cs');
    writeLrdkitCheckpoint(dir, [{ name: 'cs', cell: cs, depth: 0 }, { name: 'top', cell: top, depth: 1 }], { seed: 3 });
    const out = join(work, 'fmt-cs');
    const r = await audit(dir, out);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const doc = readDoc(out);
    expect(validate(doc)).toBe(true);
    const [layer, upper] = doc.layers;
    expect(layer.variant).toBe('context-switching');
    expect(layer.groups).toBe(3);
    // The candidate's recurrent matrix U_n of each expert block (h x h, row-major in GateSpec.recurrent).
    const rows = (flat: Float64Array, h: number): number[][] => Array.from({ length: h }, (_, i) => [...flat.subarray(i * h, (i + 1) * h)]);
    const expertRadius = Math.max(...cs.experts.blocks.map((b) => spectralRadius(rows((b.weights as { n: { recurrent: Float64Array } }).n.recurrent, b.hiddenSize))));
    // The checkpoint stores float32: entries rounded by <= 6e-8 relative move rho by about as much.
    expect(Math.abs(layer.spectralRadiusWh - expertRadius)).toBeLessThan(1e-6 * expertRadius);
    expect(upper.drivenThrough).toEqual(['cs']);
    expect(upper.lyapunov.exponents).toHaveLength(4);
  });
  it('a bidirectional layer is audited direction by direction', async () => {
    const out = join(work, 'fmt-bigru');
    expect((await audit(join(fixtures, 'keras/bigru.h5'), out)).status).toBe(0);
    expect(readDoc(out).layers.map((l: any) => l.direction)).toEqual(['forward', 'backward']);
  });
});

describe('lrdkit audit: the default output folder', () => {
  it('is ./lrdkit-audit/NAME, NAME the checkpoint file name without extension (a folder: its name)', async () => {
    const cwd = mkdtempSync(join(work, 'cwd-'));
    const r = await runLrdkit(['audit', join(fixtures, 'pytorch/gru2.safetensors'), ...SMALL, '--no-report'], { cwd });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(existsSync(join(cwd, 'lrdkit-audit', 'gru2', 'audit.json'))).toBe(true);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe(`wrote ${join('lrdkit-audit', 'gru2')}/: audit.json, summary.md, timings.json`);
  });

  it('defaultAuditFolder names a file, a model.json and a folder as a user would expect', async () => {
    const { defaultAuditFolder } = await import('../../src/cli/audit.js');
    expect(defaultAuditFolder('examples/gru2.safetensors')).toBe(join('lrdkit-audit', 'gru2'));
    expect(defaultAuditFolder('model.h5')).toBe(join('lrdkit-audit', 'model'));
    expect(defaultAuditFolder('runs/a/checkpoint/')).toBe(join('lrdkit-audit', 'checkpoint'));
    expect(defaultAuditFolder('tfjs/gru2/model.json')).toBe(join('lrdkit-audit', 'gru2'));
    expect(defaultAuditFolder('/')).toBe(join('lrdkit-audit', 'checkpoint'));
  });
});

describe('lrdkit audit on bad input', () => {
  async function expectBadInput(checkpoint: string, message: RegExp, extra: string[] = []): Promise<void> {
    const out = join(work, `bad-${Math.random().toString(36).slice(2)}`);
    const r = await audit(checkpoint, out, extra);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
    expect(existsSync(out)).toBe(false); // no partial output
  }

  it('a missing file', async () => expectBadInput(join(work, 'nope.pt'), /nope\.pt: path: expected a checkpoint file/));
  it('a truncated safetensors file', async () => {
    const bytes = readFileSync(join(fixtures, 'pytorch/gru2.safetensors'));
    const cut = join(work, 'cut.safetensors');
    writeFileSync(cut, bytes.subarray(0, bytes.length - 100));
    await expectBadInput(cut, /cut\.safetensors: .*expected .* found/);
  });
  it('a NaN weight', async () => {
    const bytes = Buffer.from(readFileSync(join(fixtures, 'pytorch/gru2.safetensors')));
    const headerLength = Number(bytes.readBigUInt64LE(0));
    bytes.writeFloatLE(Number.NaN, 8 + headerLength); // first element of the first tensor
    const nan = join(work, 'nan.safetensors');
    writeFileSync(nan, bytes);
    await expectBadInput(nan, /nan\.safetensors: .*expected finite weights, found NaN/);
  });
  it('an unknown format', async () => {
    const f = join(work, 'weights.bin');
    writeFileSync(f, 'not a checkpoint at all');
    // the registry's message: every format checked (src/checkpoints/registry.ts), then what was seen
    await expectBadInput(f, /weights\.bin: file: expected one of: run-folder .*; onnx \(.*\); found a file of 23 bytes starting 6e6f742061206368/);
  });
  it('a directory without model.json', async () => expectBadInput(work, /: directory: expected one of: .*tfjs-layers \(a directory with model\.json, .* found a directory with (no entries|entries )/));
  it('an unknown layer name', async () => expectBadInput(join(fixtures, 'pytorch/gru2.safetensors'), /--layer l7: no such recurrent layer .* \(layers: l0, l1\)/, ['--layer', 'l7']));
  it('an unsupported recurrent layer (Keras SimpleRNN)', async () => expectBadInput(join(fixtures, 'keras/bad_simplernn.h5'), /bad_simplernn\.h5: .*SimpleRNN/));
  it('a non-default gate activation (hard_sigmoid)', async () => expectBadInput(join(fixtures, 'keras/bad_hard_sigmoid.h5'), /bad_hard_sigmoid\.h5: .*hard_sigmoid/));
  it('a .keras archive without weights', async () => expectBadInput(join(fixtures, 'keras/bad_no_weights.keras'), /bad_no_weights\.keras: .*model\.weights\.h5/));
  it('a lag window longer than the run', async () => expectBadInput(join(fixtures, 'pytorch/gru2.safetensors'), /--max-lag expects an integer in \[1, 255\], found "300"/, ['--max-lag', '300']));
});
