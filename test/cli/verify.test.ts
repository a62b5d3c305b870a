/**
 * `lrdkit verify`: exit status, JSON and JUnit output, and agreement with proofs/README.md.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { type NodeRun, runLrdkit } from '../support/runNode.js';
import type { Statement } from '../../src/theory/statement.js';
import { STATEMENTS, runVerification, verificationJunit } from '../../src/theory/verify.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

function readmeVerdicts(): Map<string, { asWritten: string; corrected: string }> {
  const text = readFileSync(join(root, 'proofs/README.md'), 'utf8');
  const out = new Map<string, { asWritten: string; corrected: string }>();
  for (const line of text.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    const id = cells[1];
    if (id && STATEMENTS.some((s) => s.id === id)) out.set(id, { asWritten: cells[3] as string, corrected: cells[4] as string });
  }
  return out;
}

describe('lrdkit verify', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lrdkit-verify-'));
  const json = join(dir, 'verify.json'), junit = join(dir, 'verify.xml');
  let r: NodeRun;
  let report: { statements: { id: string; asWritten: string; correctedVerdict: string; note: string; test: string }[]; allCorrectedHold: boolean };
  let xml: string;
  beforeAll(async () => {
    r = await runLrdkit(['verify', '--runs', '20', '--seed', '7', '--json', json, '--junit', junit, '--quiet']);
    report = JSON.parse(readFileSync(json, 'utf8')) as typeof report;
    xml = readFileSync(junit, 'utf8');
    rmSync(dir, { recursive: true, force: true });
  });

  it('exits 0 with every corrected statement holding, and prints the table', () => {
    expect(r.status).toBe(0);
    expect(report.allCorrectedHold).toBe(true);
    expect(r.stdout).toMatch(/statement\s+as written\s+corrected\s+margin\s+counterexample/);
    expect(r.stdout).toContain('every corrected statement holds');
  });

  it('covers every statement, and its verdicts agree with the table in proofs/README.md', () => {
    const readme = readmeVerdicts();
    expect(report.statements.map((s) => s.id)).toEqual(STATEMENTS.map((s) => s.id));
    for (const s of report.statements) {
      const row = readme.get(s.id);
      expect(row, `proofs/README.md has a row for ${s.id}`).toBeDefined();
      expect(s.asWritten, `${s.id} as written`).toBe(row!.asWritten);
      expect(s.correctedVerdict, `${s.id} corrected`).toBe(row!.corrected);
      expect(readFileSync(join(root, s.note), 'utf8').length).toBeGreaterThan(500);
    }
  });

  it('writes JUnit XML with one test case per statement and no failures', () => {
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>/);
    expect(xml).toContain(`tests="${STATEMENTS.length}" failures="0"`);
    expect(xml.match(/<testcase /g)?.length).toBe(STATEMENTS.length);
  });

  it('the same seed gives the same JSON bytes (timings are not in the JSON)', async () => {
    const d2 = mkdtempSync(join(tmpdir(), 'lrdkit-verify-'));
    try {
      const a = join(d2, 'a.json'), b = join(d2, 'b.json');
      for (const f of [a, b]) await runLrdkit(['verify', '--runs', '10', '--seed', '3', '--only', 'lemma-1.1,prop-1.4', '--json', f, '--quiet']);
      expect(readFileSync(a, 'utf8')).toBe(readFileSync(b, 'utf8'));
    } finally {
      rmSync(d2, { recursive: true, force: true });
    }
  });

  it('rejects an unknown statement id with exit status 2', async () => {
    const u = await runLrdkit(['verify', '--only', 'lemma-9']);
    expect(u.status).toBe(2);
    expect(u.stderr).toMatch(/--only names unknown statement "lemma-9"/);
  });

  it('a failing corrected statement makes the report fail and the JUnit case carry a <failure>', () => {
    const failing: Statement = {
      id: 'fake',
      paper: 'Fake',
      title: 'a statement whose correction fails',
      note: 'proofs/README.md',
      test: '-',
      run: () => ({ asWritten: 'false', asWrittenDetail: '', counterexample: 'x', corrected: 'y', correctedVerdict: 'fails', correctedDetail: 'seed 1: [0]', margin: -1, runs: 1 }),
    };
    const rep = runVerification({ runs: 1, seed: 1, version: 'test', statements: [failing] });
    expect(rep.allCorrectedHold).toBe(false);
    expect(verificationJunit(rep)).toContain('<failure message="corrected statement fails: seed 1: [0]"/>');
  });
});
