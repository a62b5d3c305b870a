/** `lrdkit reproduce recsys`: bad input exits 2 with one message and writes nothing. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('lrdkit reproduce recsys', () => {
  const out = join(mkdtempSync(join(tmpdir(), 'lrdkit-recsys-cli-')), 'out');
  for (const [what, args, message] of [
    ['--quick with --full', ['--quick', '--full'], /^lrdkit reproduce: --quick and --full exclude each other, found both$/],
    ['a negative seed', ['--seed', '-3'], /^lrdkit reproduce: --seed/],
    ['an extra argument', ['more'], /^lrdkit reproduce: unexpected argument "more"$/],
    ['an unknown backend', ['--backend', 'tpu'], /^lrdkit reproduce: --backend/],
  ] as const) {
    it(`${what}: exit 2, one line, no output`, () => {
      const r = spawnSync(process.execPath, [join(root, 'dist/cli/main.js'), 'reproduce', 'recsys', ...args, '--out', out, '--quiet'], { encoding: 'utf8', timeout: 60_000 });
      expect(r.status).toBe(2);
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(message);
      expect(existsSync(out)).toBe(false);
    });
  }
  it('--help describes the experiment', () => {
    const r = spawnSync(process.execPath, [join(root, 'dist/cli/main.js'), 'reproduce', '--help'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('lrdkit reproduce recsys [--quick|--full]');
  });
});
