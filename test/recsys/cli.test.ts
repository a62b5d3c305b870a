/** `lrdkit reproduce recsys`: bad input exits 2 with one message and writes nothing. */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runLrdkit } from '../support/runNode.js';

describe('lrdkit reproduce recsys', () => {
  const out = join(mkdtempSync(join(tmpdir(), 'lrdkit-recsys-cli-')), 'out');
  for (const [what, args, message] of [
    ['--quick with --full', ['--quick', '--full'], /^lrdkit reproduce: --quick and --full exclude each other, found both$/],
    ['a negative seed', ['--seed', '-3'], /^lrdkit reproduce: --seed/],
    ['an extra argument', ['more'], /^lrdkit reproduce: unexpected argument "more"$/],
    ['an unknown backend', ['--backend', 'tpu'], /^lrdkit reproduce: --backend/],
    ['--ablations with --quick', ['--ablations', '--quick'], /^lrdkit reproduce: --ablations has its own scale, found it with --quick$/],
    ['--plan without --ablations', ['--plan'], /^lrdkit reproduce: --plan for recsys goes with --ablations, found --plan alone$/],
  ] as const) {
    it(`${what}: exit 2, one line, no output`, async () => {
      const r = await runLrdkit(['reproduce', 'recsys', ...args, '--out', out, '--quiet']);
      expect(r.status).toBe(2);
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(message);
      expect(existsSync(out)).toBe(false);
    });
  }
  it('reproduce --help lists both experiments; reproduce recsys --help (and -h, help reproduce recsys) shows only recsys', async () => {
    const overview = await runLrdkit(['reproduce', '--help']);
    expect(overview.status).toBe(0);
    expect(overview.stdout).toContain('lrdkit reproduce recsys [--quick|--full]');
    expect(overview.stdout).toContain('lrdkit reproduce copy-task [--quick|--standard|--long|--full]');
    for (const args of [['reproduce', 'recsys', '--help'], ['reproduce', 'recsys', '-h'], ['help', 'reproduce', 'recsys']]) {
      const r = await runLrdkit(args);
      expect(r.status, args.join(' ')).toBe(0);
      expect(r.stdout).toMatch(/^lrdkit reproduce recsys: /);
      expect(r.stdout).toContain('Usage: lrdkit reproduce recsys [--quick|--full] [options]');
      expect(r.stdout).not.toContain('copy-task');
    }
  });

  it('--ablations --plan prints the runs and their cost and trains nothing', async () => {
    const r = await runLrdkit(['reproduce', 'recsys', '--ablations', '--plan', '--out', out]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('lrdkit reproduce recsys --ablations: 63 training runs of 400 users x 120 events (99 run-equivalents of 6 epochs');
    expect(r.stdout).toContain('| steps x4 | as now | context switching, input mask | 24 | 3 |');
    expect(r.stdout).toContain('| gates | as now | context switching, input mask, balanced | 24 | 3 |');
    expect(r.stdout.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| arm') && !l.startsWith('| ---'))).toHaveLength(21);
    expect(existsSync(out)).toBe(false);
  });
});
