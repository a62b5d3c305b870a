/**
 * SIGINT during the write phase of `lrdkit audit` (src/internal/stagedFolder.ts): the folder
 * named by --out holds either the complete previous audit or the complete new one, never a
 * mixture, and no temporary folder is left beside it.
 *
 * How the signal lands inside the write phase: the environment variable
 * LRDKIT_TEST_WRITE_PAUSE_MS makes the CLI pause that long after each file it writes into the
 * staged folder; the test waits until the staged folder (`.<out>.tmp-*`) appears, then sends
 * SIGINT after a delay drawn from a seeded generator over [0, 1.5 x the write phase], so that
 * some signals land between files and some after the rename. A last trial signals during the
 * analysis (before anything is staged). Outcomes: exit 130 with the previous folder intact, or
 * exit 0 with the new folder complete (its audit.json equal to an uninterrupted run's, same
 * seed same bytes); a signal during the analysis ends the process by Node's default handler
 * (nothing was staged) with the previous folder intact. No assertion depends on timing: a late or early signal only changes which
 * of the two allowed outcomes is observed.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { runNode } from '../support/runNode.js';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..', '..');
const checkpoint = join(root, 'test/fixtures/checkpoints/pytorch/gru2.safetensors');
const SMALL = ['--steps', '256', '--sequences', '4', '--jacobian-states', '8', '--bootstrap', '0', '--no-report', '--quiet'];
const PAUSE_MS = 150;
const FILES = 3; // audit.json, summary.md, timings.json
const dir = mkdtempSync(join(tmpdir(), 'lrdkit-sigint-'));
const out = join(dir, 'audit');

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** File names and contents under the folder (timings.json: its keys only; times vary). */
function state(folder: string): Record<string, string> {
  if (!existsSync(folder)) return {};
  const s: Record<string, string> = {};
  for (const name of readdirSync(folder).sort()) {
    const text = readFileSync(join(folder, name), 'utf8');
    s[name] = name === 'timings.json' ? Object.keys((JSON.parse(text) as { seconds: Record<string, unknown> }).seconds).join(',') : text;
  }
  return s;
}

/** A whole audit run, asynchronously (test/support/runNode.ts: a blocked worker loop times out vitest's messages under load). */
async function runToEnd(seed: number, to: string): Promise<void> {
  const r = await runNode([join(root, 'dist/cli/main.js'), 'audit', checkpoint, '--out', to, '--seed', String(seed), ...SMALL]);
  expect(r.status, r.stderr).toBe(0);
}

/** mulberry32: the seeded delays. */
function delays(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const leftovers = (): string[] => readdirSync(dir).filter((n) => n !== 'audit' && n !== 'reference-new');

/** The exit status, or 'SIGINT' when the default handler ended the process (outside the write phase). */
async function exitOf(child: ChildProcess): Promise<number | string | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode ?? child.signalCode;
  return new Promise((r) => child.on('exit', (code, signal) => r(code ?? signal)));
}

describe('SIGINT in the write phase leaves the previous folder or the complete new one', () => {
  let previous: Record<string, string>;
  let fresh: Record<string, string>;
  beforeAll(async () => {
    await runToEnd(1, join(dir, 'reference-new'));
    fresh = state(join(dir, 'reference-new'));
  }, 120_000);

  const random = delays(16);
  for (let trial = 0; trial < 6; trial++) {
    const signalAt = trial === 5 ? 'analysis' : Math.round(random() * 1.5 * PAUSE_MS * FILES);
    it(`trial ${trial}: SIGINT ${signalAt === 'analysis' ? 'during the analysis' : `${signalAt} ms into the write phase`}`, async () => {
      rmSync(out, { recursive: true, force: true });
      await runToEnd(0, out);
      previous = state(out);
      expect(previous['audit.json']).not.toBe(fresh['audit.json']);
      const child = spawn(process.execPath, [join(root, 'dist/cli/main.js'), 'audit', checkpoint, '--out', out, '--seed', '1', ...SMALL], {
        env: { ...process.env, LRDKIT_TEST_WRITE_PAUSE_MS: String(PAUSE_MS) },
        stdio: 'ignore',
      });
      if (signalAt === 'analysis') {
        await sleep(300);
      } else {
        while (child.exitCode === null && !readdirSync(dir).some((n) => n.startsWith('.audit.tmp-'))) await sleep(5);
        await sleep(signalAt);
      }
      child.kill('SIGINT');
      const code = await exitOf(child);
      const now = state(out);
      if (code === 0 || code === 'SIGINT') {
        // 0: the signal came after the handler was removed and the run ended normally; SIGINT:
        // Node's default handler ended the process before staging (previous folder) or after
        // the commit (new folder): either complete state is allowed, nothing else.
        expect([previous, fresh]).toContainEqual(now);
        if (code === 0) expect(now).toEqual(fresh);
      } else {
        expect(code).toBe(130); // our handler: the staged folder was removed
        expect(now).toEqual(previous);
      }
      expect(leftovers()).toEqual([]);
    }, 120_000);
  }
});
