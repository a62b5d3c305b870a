/**
 * StagedFolder.commit removes the previous folder while its SIGINT / SIGTERM handlers are still
 * installed. A signal is delivered to JavaScript only between synchronous steps, so with the
 * handlers in place one arriving during the commit waits until the commit is whole; with them
 * removed first, Node's default handler could end the process in the middle of the removal and
 * leave `.NAME.old-XXXXXX` beside the new folder (seen once in test/hostile/sigintWrite.test.ts
 * on a 2-core machine running four training processes beside the suite). Deterministic: node:fs's
 * rmSync is wrapped to record the listeners at the moment of each removal.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';

const removals = vi.hoisted(() => [] as { path: string; sigint: number; sigterm: number }[]);
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const rmSync: typeof fs.rmSync = (path, options) => {
    removals.push({ path: String(path), sigint: process.listenerCount('SIGINT'), sigterm: process.listenerCount('SIGTERM') });
    fs.rmSync(path, options);
  };
  return { ...fs, default: { ...fs, rmSync }, rmSync };
});

const { StagedFolder } = await import('../../src/internal/stagedFolder.js');
const { rmSync } = await import('node:fs');

const dir = mkdtempSync(join(tmpdir(), 'lrdkit-staged-signals-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('StagedFolder.commit and signals', () => {
  it('the previous folder is removed with the signal handlers still installed; none remain after the commit', () => {
    const out = join(dir, 'audit');
    mkdirSync(out);
    writeFileSync(join(out, 'old.txt'), 'previous\n');
    const sigint = process.listenerCount('SIGINT'), sigterm = process.listenerCount('SIGTERM');
    const staged = StagedFolder.create(out);
    expect(process.listenerCount('SIGINT')).toBe(sigint + 1);
    staged.write('new.txt', 'new\n');
    removals.length = 0;
    staged.commit();
    const aside = removals.filter((r) => /\.audit\.old-/.test(r.path));
    expect(aside).toHaveLength(1);
    expect(aside[0]).toMatchObject({ sigint: sigint + 1, sigterm: sigterm + 1 });
    expect(process.listenerCount('SIGINT')).toBe(sigint);
    expect(process.listenerCount('SIGTERM')).toBe(sigterm);
    expect(readdirSync(dir)).toEqual(['audit']);
    expect(readdirSync(out)).toEqual(['new.txt']);
    expect(readFileSync(join(out, 'new.txt'), 'utf8')).toBe('new\n');
  });

  it('a first write (no previous folder) removes nothing and leaves no handler', () => {
    const out = join(dir, 'fresh');
    const sigint = process.listenerCount('SIGINT');
    const staged = StagedFolder.create(out);
    staged.write('a.txt', 'a\n');
    removals.length = 0;
    staged.commit();
    expect(removals).toEqual([]);
    expect(process.listenerCount('SIGINT')).toBe(sigint);
    expect(existsSync(join(out, 'a.txt'))).toBe(true);
  });
});
