/**
 * The hostile-input corpus (test/fixtures/hostile/generate.mjs, built into a temporary folder
 * here; the two HDF5 cases are committed, from generate_hdf5.py) run through the real CLI,
 * `node dist/cli/main.js audit ...` (run `npm run build` first), one process per case, each
 * with a 512 MiB V8 heap (--max-old-space-size=512) and its peak RSS measured
 * (process.resourceUsage().maxRSS, written at exit by test/support/reportMaxRss.mjs).
 *
 * Every case must give: exit status 2; exactly one line on stderr naming the file (or the
 * option) and matching the case's reason; no stack trace; nothing on stdout; peak RSS under
 * 1 GiB (the bombs of issue 16 took 4.4 to 18 GB before); and nothing under --out (absent, or
 * unchanged when it existed before).
 *
 * Time: each case takes 0.5-2 s on this 2-core machine (up to 7 s for the two cases that run
 * a small analysis) even under a load of 14; the per-case cap is 120 s, far from anything load
 * can cause, and only there to turn a hang (the FIFO, /dev/zero before the fix) into a failure
 * instead of a stuck suite. The children run asynchronously (test/support/runNode.ts): 35
 * spawnSync calls in a row kept the worker's event loop blocked for the whole file (67 s under a
 * load of 10), and vitest's worker messages time out after 60 s of a blocked loop.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error: plain JavaScript generator without types
import { buildHostileCorpus } from '../fixtures/hostile/generate.mjs';
import { runNode } from '../support/runNode.js';

interface HostileCase {
  name: string;
  args: string[];
  reason: RegExp;
  outState: 'absent' | 'unchanged';
  mustNotMention?: RegExp;
}

const root = resolve(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'lrdkit-hostile-'));
const cases = buildHostileCorpus(join(dir, 'corpus')) as HostileCase[];
const CASE_CAP_MS = 120_000;
const RSS_LIMIT_KIB = 1024 * 1024;

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Names and sizes of everything under a path (a file: its size and bytes' length). */
function snapshot(path: string): string {
  if (!existsSync(path)) return 'absent';
  const st = statSync(path);
  if (!st.isDirectory()) return `file ${st.size} ${readFileSync(path).toString('base64').slice(0, 64)}`;
  return readdirSync(path, { recursive: true }).map(String).sort().map((p) => `${p}:${statSync(join(path, p)).size}`).join(',');
}

describe('lrdkit audit on the hostile corpus: exit 2, one line, bounded memory, nothing written', () => {
  it('covers every class of issue 16', () => {
    const names = cases.map((c) => c.name);
    for (const required of ['st-deep-json', 'pt-zip-bomb-lying', 'pt-overlap-bomb', 'pt-long4', 'pt-duplicate-dict-key', 'dev-zero', 'fifo', 'symlink-escape', 'h5-failed-read', 'h5-gru8000-in-11kb', 'st-duplicate-key', 'st-proto-dtype', 'tfjs-nonstring-dtype', 'opt-steps-150', 'out-is-file', 'out-is-checkpoint', 'st-all-zero', 'st-huge-weights', 'st-zero-columns']) {
      expect(names).toContain(required);
    }
  });

  for (const c of cases) {
    it(c.name, async () => {
      const hasOut = c.args.includes('--out');
      const out = hasOut ? (c.args[c.args.indexOf('--out') + 1] as string) : join(dir, 'out', c.name);
      const before = snapshot(out);
      const rssFile = join(dir, `${c.name}.maxrss`);
      const r = await runNode(
        ['--max-old-space-size=512', '--import', join(root, 'test/support/reportMaxRss.mjs'), join(root, 'dist/cli/main.js'), 'audit', ...c.args, ...(hasOut ? [] : ['--out', out]), '--quiet'],
        { cwd: dir, killAfterMs: CASE_CAP_MS, env: { ...process.env, LRDKIT_TEST_MAXRSS_FILE: rssFile } },
      );
      const detail = `${c.name}: status ${r.status} signal ${r.signal}${r.error ? ` (${r.error.message})` : ''}\nstderr: ${r.stderr}\nstdout: ${r.stdout.slice(0, 400)}`;
      expect(r.status, detail).toBe(2);
      const lines = r.stderr.trimEnd().split('\n');
      expect(lines, detail).toHaveLength(1);
      const line = lines[0] as string;
      expect(line, detail).toMatch(c.reason);
      expect(line, detail).not.toMatch(/\n\s+at |Error: |node:internal/);
      const first = c.args[0] as string;
      const namesSubject = line.includes(first) || /--(steps|out|jacobian-states|input)[ :]/.test(line);
      expect(namesSubject, `the line names the file or the option: ${line}`).toBe(true);
      if (c.mustNotMention) expect(line).not.toMatch(c.mustNotMention);
      expect(r.stdout).toBe('');
      const maxRssKib = Number(readFileSync(rssFile, 'utf8'));
      expect(maxRssKib, `${c.name}: peak RSS ${maxRssKib} KiB`).toBeLessThan(RSS_LIMIT_KIB);
      expect(snapshot(out), `${c.name}: --out ${out}`).toBe(c.outState === 'absent' ? 'absent' : before);
      const parent = resolve(out, '..');
      if (existsSync(parent) && statSync(parent).isDirectory()) {
        expect(readdirSync(parent).filter((n) => /\.tmp-|\.old-/.test(n)), 'no temporary folder left').toEqual([]);
      }
    }, CASE_CAP_MS + 30_000);
  }
});
