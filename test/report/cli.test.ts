/**
 * `lrdkit report`: one audit, a dense vs factorized comparison with training curves, and bad
 * input (exit 2, one message naming file / field / expected / found, no output folder left).
 * Runs the built CLI (dist/), as the audit tests do.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NodeRun, runLrdkit, runModule } from '../support/runNode.js';
import { parseArgs } from '../../src/cli/args.js';
import { REPORT_OPTIONS } from '../../src/cli/report.js';
import { type SmallAudits, root, smallAudits, writeTrainingRun } from './support.js';

const work = mkdtempSync(join(tmpdir(), 'lrdkit-report-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const lrdkit = (...args: string[]): Promise<NodeRun> => runLrdkit(args, { cwd: work });

describe('lrdkit report: usage', () => {
  it('lrdkit --help lists report; lrdkit report --help prints its options', async () => {
    expect((await lrdkit('--help')).stdout).toMatch(/^  report +figures \(Vega-Lite, SVG, PNG\)/m);
    const r = await lrdkit('report', '--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Usage: lrdkit report AUDIT\.json\.\.\. \[options\]$/m);
    for (const o of Object.keys(REPORT_OPTIONS)) expect(r.stdout).toContain(`--${o}`);
  });

  it('parseArgs collects a repeatable option (--training, --label) in order', async () => {
    const a = parseArgs(['a.json', '--training', 'r1', '--label', 'x', '--training=r2', 'b.json', '--label', 'y'], REPORT_OPTIONS, 'report');
    expect(a).toEqual({ positionals: ['a.json', 'b.json'], options: { training: ['r1', 'r2'], label: ['x', 'y'] } });
  });

  it("import { writeAuditReport, renderReport, trainingLossSpec } from 'lrdkit/report' (the published surface)", async () => {
    const script = `import * as l from 'lrdkit/report'; console.log(JSON.stringify(['writeAuditReport', 'renderAuditReport', 'writeRenderedReport', 'renderReport', 'writeReport', 'readAuditDocuments', 'readTrainingRun', 'trainingLossSpec', 'reportFigures', 'renderSvg', 'renderPng'].filter((n) => typeof l[n] !== 'function')));`;
    const r = await runModule(script);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual([]);
  });
});

describe('lrdkit report', () => {
  let audits: SmallAudits;
  beforeAll(async () => {
    audits = await smallAudits(work);
  });

  it('lrdkit report AUDIT.json writes report.html, report.md and every figure as SVG, PNG and spec', async () => {
    const out = join(work, 'one');
    const r = await lrdkit('report', audits.densePath, '--out', out, '--quiet');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^lrdkit report: lrdkit report: gru2\.safetensors: 8 figure\(s\) in .*one\//);
    const figures = readdirSync(join(out, 'figures')).sort();
    expect(figures.filter((f) => f.endsWith('.svg'))).toHaveLength(8);
    expect(figures.filter((f) => f.endsWith('.png'))).toHaveLength(8);
    expect(figures.filter((f) => f.endsWith('.vl.json'))).toHaveLength(8);
    expect(figures.some((f) => f.includes('.tmp'))).toBe(false);
    const md = readFileSync(join(out, 'report.md'), 'utf8');
    for (const f of figures.filter((x) => x.endsWith('.png'))) expect(md).toContain(`](figures/${f})`);
    expect(md).toMatch(/- gru2\.safetensors: \*\*(SRD|LRD|inconclusive)\*\*/);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href="http|https?:\/\/(?!vega\.github\.io\/schema)[^"'\s]+\.js/);
  });

  it('lrdkit report DENSE FACTORIZED --label --training: a comparison with one verdict table and loss curves', async () => {
    const out = join(work, 'cmp');
    const runA = writeTrainingRun(join(work, 'train-dense'), { task: 'copy', variant: 'dense', hiddenSize: 16, repeats: 1, seed: 1 }, 2.3);
    const runB = writeTrainingRun(join(work, 'train-fact'), { task: 'copy', variant: 'factorized', groups: 4, hiddenSize: 16, size: 'small', repeats: 1, seed: 1 }, 2.1);
    const r = await lrdkit('report', audits.densePath, audits.factorizedPath, '--label', 'dense', '--label', 'factorized', '--training', runA, '--training', runB, '--title', 'Dense vs factorized', '--out', out);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/report: correlation-norm: SVG, PNG/); // progress on stderr
    expect(r.stdout).toMatch(/Dense vs factorized: 9 figure\(s\)/);
    const md = readFileSync(join(out, 'report.md'), 'utf8');
    expect(md).toMatch(/^# Dense vs factorized$/m);
    expect(md).toMatch(/^\| checkpoint \| variant \| layer parameters \| layer \|/m);
    expect(md).toMatch(/^\| dense \| dense \| 336 \| l0 \|/m);
    expect(md).toMatch(/^\| factorized \| factorized \| \d+ \| gru \|/m);
    expect(md).toContain('![Training loss](figures/training-loss.png)');
    expect(md).toMatch(/- dense h=16 seed 1\n- factorized g=4 h=16 small seed 1/);
  });

  it('lrdkit report --training DIR alone draws the loss curves', async () => {
    const out = join(work, 'train-only');
    const run = writeTrainingRun(join(work, 'train-only-run'), { task: 'copy', variant: 'context-switching', groups: 4, hiddenSize: 16, repeats: 2, seed: 5 }, 1.9);
    const r = await lrdkit('report', '--training', run, '--out', out, '--quiet');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/lrdkit report: training runs: 1 figure\(s\)/);
    expect(readdirSync(join(out, 'figures')).sort()).toEqual(['training-loss.png', 'training-loss.svg', 'training-loss.vl.json']);
    expect(readFileSync(join(out, 'report.md'), 'utf8')).not.toContain('## Verdict');
  });

  it('the same inputs give the same files, byte for byte, in another process', async () => {
    const a = join(work, 'det-a'), b = join(work, 'det-b');
    expect((await lrdkit('report', audits.factorizedPath, '--out', a, '--quiet')).status).toBe(0);
    expect((await lrdkit('report', audits.factorizedPath, '--out', b, '--quiet')).status).toBe(0);
    for (const f of ['report.html', 'report.md', ...readdirSync(join(a, 'figures')).map((x) => `figures/${x}`)]) {
      expect(readFileSync(join(b, f)).equals(readFileSync(join(a, f))), f).toBe(true);
    }
  });

  describe('bad input: exit 2, one line on stderr, no output', () => {
    async function expectBad(args: string[], message: RegExp): Promise<void> {
      const out = join(work, `bad-${Math.random().toString(36).slice(2)}`);
      const r = await lrdkit('report', ...args, '--out', out);
      expect(r.status).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
      expect(existsSync(out)).toBe(false);
    }
    it('no audit', async () => expectBad([], /lrdkit report: expected at least one AUDIT\.json argument \(or --training DIR\), found none/));
    it('a missing audit.json', async () => expectBad(['nope.json'], /nope\.json: file: expected a readable audit\.json, found no such file/));
    it('not JSON', async () => {
      const f = join(work, 'garbage.json');
      writeFileSync(f, 'not json');
      await expectBad([f], /garbage\.json: file: expected an audit document .* found invalid JSON/);
    });
    it('a schema violation in the second of two audits (nothing written for the first)', async () => {
      const doc = JSON.parse(readFileSync(audits.factorizedPath, 'utf8')) as { layers: { hiddenSize: unknown }[] };
      (doc.layers[0] as { hiddenSize: unknown }).hiddenSize = 'sixteen';
      const f = join(work, 'bad-hidden.json');
      writeFileSync(f, JSON.stringify(doc));
      await expectBad([audits.densePath, f], /bad-hidden\.json: \/layers\/0\/hiddenSize: expected a value that must be integer .* found "sixteen"/);
    });
    it('a training folder without run.json', async () => expectBad([audits.densePath, '--training', work], /run\.json: file: expected a training run's run\.json .* found no such file/));
    it('--label count differing from the audits', async () => expectBad([audits.densePath, '--label', 'a', '--label', 'b'], /--label expects one label per AUDIT\.json \(1\), found 2/));
    it('an unknown option', async () => expectBad([audits.densePath, '--colour', 'red'], /lrdkit report: unknown option --colour/));
    it('--out naming a file', async () => {
      const f = join(work, 'a-file');
      writeFileSync(f, '');
      const r = await lrdkit('report', audits.densePath, '--out', f);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/--out .*a-file: expected a folder \(or a new path\), found a file/);
    });
  });
});
