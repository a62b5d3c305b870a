/**
 * Safe writes: writeAtomic's temporary names cannot be planted, a link at the target is
 * replaced (never written through), a staged folder replaces a previous one whole; and the
 * audit preflight's memory refusal and --out checks.
 */
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { randomDenseCell } from '../../src/index.js';
import { createRng } from '../../src/api/processes.js';
import type { Checkpoint } from '../../src/checkpoints/index.js';
import { checkAuditFits, checkOutFolder, estimateAudit, minimumAuditSteps } from '../../src/cli/auditPreflight.js';
import { StagedFolder } from '../../src/internal/stagedFolder.js';
import { writeAtomic } from '../../src/internal/writeAtomic.js';

const dir = mkdtempSync(join(tmpdir(), 'lrdkit-write-safety-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('writeAtomic', () => {
  it('replaces a symbolic link at the target instead of writing through it', () => {
    const victim = join(dir, 'victim.txt');
    writeFileSync(victim, 'precious\n');
    const target = join(dir, 'audit.json');
    symlinkSync(victim, target);
    writeAtomic(target, '{}\n');
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
    expect(lstatSync(target).isSymbolicLink()).toBe(false);
    expect(readFileSync(target, 'utf8')).toBe('{}\n');
  });
  it('links planted at the old predictable temporary names are never followed', () => {
    const victim = join(dir, 'victim2.txt');
    writeFileSync(victim, 'precious\n');
    for (let pid = process.pid - 2; pid <= process.pid + 2; pid++) symlinkSync(victim, join(dir, `.summary.md.${pid}.tmp`));
    writeAtomic(join(dir, 'summary.md'), 'new\n');
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
    expect(readdirSync(dir).filter((n) => /^\.summary\.md\.[0-9a-f]{16}\.tmp$/.test(n))).toEqual([]);
  });
});

describe('StagedFolder', () => {
  it('replaces a previous folder whole and leaves no temporary folder', () => {
    const out = join(dir, 'out');
    mkdirSync(out);
    writeFileSync(join(out, 'old.txt'), 'old');
    const staged = StagedFolder.create(out);
    staged.write('audit.json', '{}');
    staged.write('figures/a.svg', '<svg/>');
    expect(existsSync(join(out, 'audit.json'))).toBe(false); // nothing visible before commit
    staged.commit();
    expect(readdirSync(out).sort()).toEqual(['audit.json', 'figures']);
    expect(readdirSync(dir).filter((n) => n.includes('.out.'))).toEqual([]);
  });
  it('discard leaves the destination as it was', () => {
    const out = join(dir, 'out2');
    const staged = StagedFolder.create(out);
    staged.write('audit.json', '{}');
    staged.discard();
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir).filter((n) => n.includes('.out2.'))).toEqual([]);
  });
});

describe('audit preflight', () => {
  it('the minimum --steps is the largest of the estimators\' minimums (aggregated variance: 20 x 10 = 200)', () => {
    expect(minimumAuditSteps()).toBe(200);
  });
  it('refuses an audit whose memory estimate exceeds 80% of the machine, naming the estimate', () => {
    const cell = randomDenseCell(createRng(1), { kind: 'gru', inputSize: 8, hiddenSize: 64 });
    const ck = { path: 'big.safetensors', format: 'safetensors', layers: [cell], layerInfo: [{ name: 'l0', depth: 0, direction: 'forward', layout: 'pytorch', tensors: [], detectedGroups: 1 }] } as unknown as Checkpoint;
    const options = { sequences: 32, steps: 1024, burnIn: 256, jacobianStates: 64, lyapunovExponents: 8 };
    const e = estimateAudit(ck, options);
    // trajectories 8 B x 32 x 1280 x 64 states + 12 work matrices of 64^2 doubles
    expect(e.bytes).toBe(8 * 32 * 1280 * 64 + 12 * 8 * 64 * 64);
    expect(() => checkAuditFits(e, 'big.safetensors', 2 ** 30)).not.toThrow();
    expect(() => checkAuditFits(e, 'big.safetensors', e.bytes)).toThrow(/would need about 0\.0 GiB, more than 80% of this machine's/);
  });
  it('the time estimate puts the default audit of GRU(1024) under the 2-minute warning and GRU(2048) over it (the message names the options that shrink it)', () => {
    const options = { sequences: 32, steps: 1024, burnIn: 256, jacobianStates: 64, lyapunovExponents: 8 };
    const at = (h: number): number => {
      // Only the sizes matter to the estimate: a cell-shaped stub (no weights drawn).
      const cell = { kind: 'gru', hiddenSize: h, inputSize: 64, stateSize: h, groups: 1 };
      const ck = { path: 'x', format: 'lrdkit', layers: [cell], layerInfo: [{ name: 'l0', depth: 0, direction: 'forward' }] } as unknown as Checkpoint;
      return estimateAudit(ck, options).seconds;
    };
    // bench/AUDIT.md notes (the constants' basis, src/cli/auditPreflight.ts): on a quiet 2-core
    // machine GRU(1024) took 88.4 s and GRU(2048) 582.4 s (6.59x). The model is fitted to both
    // runs' phases; 10 % covers the rounding of its six constants to three digits (each
    // contributes under 1 %) and leaves the order of magnitude the message needs. The growth
    // 1024 -> 2048 must be within 10 % of the measured 6.59x (the former model, without the
    // cache growth past 1024, said 4.9x and was 22 % low at 2048).
    expect(at(1024)).toBeGreaterThan(60);
    expect(at(1024)).toBeLessThan(120);
    expect(at(1024) / 88.4).toBeGreaterThan(0.9);
    expect(at(1024) / 88.4).toBeLessThan(1.1);
    expect(at(2048) / 582.4).toBeGreaterThan(0.9);
    expect(at(2048) / 582.4).toBeLessThan(1.1);
    expect(at(2048) / at(1024)).toBeGreaterThan(0.9 * 6.59);
    expect(at(2048) / at(1024)).toBeLessThan(1.1 * 6.59);
    expect(at(512)).toBeLessThan(at(1024) / 3);
  });
  it('--out: the checkpoint, a file, a link, a foreign folder are refused; new, empty and previous-audit folders accepted', () => {
    const ck = join(dir, 'ck.safetensors');
    writeFileSync(ck, 'x');
    expect(() => checkOutFolder(ck, ck)).toThrow(/is the checkpoint/);
    expect(() => checkOutFolder(dir, ck)).toThrow(/or a folder holding it/);
    expect(() => checkOutFolder(join(ck, 'sub'), join(dir, 'other'))).toThrow(/not a folder/);
    mkdirSync(join(dir, 'prev'));
    writeFileSync(join(dir, 'prev', 'audit.json'), '{}');
    writeFileSync(join(dir, 'prev', 'summary.md'), '');
    expect(() => checkOutFolder(join(dir, 'prev'), ck)).not.toThrow();
    mkdirSync(join(dir, 'empty'));
    expect(() => checkOutFolder(join(dir, 'empty'), ck)).not.toThrow();
    expect(() => checkOutFolder(join(dir, 'new', 'deeper'), ck)).not.toThrow();
    writeFileSync(join(dir, 'prev', 'mine.txt'), '');
    expect(() => checkOutFolder(join(dir, 'prev'), ck)).toThrow(/not an lrdkit audit \(mine\.txt\)/);
    symlinkSync(join(dir, 'empty'), join(dir, 'link'));
    expect(() => checkOutFolder(join(dir, 'link'), ck)).toThrow(/symbolic link/);
  });
});
