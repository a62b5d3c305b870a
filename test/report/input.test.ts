/**
 * Report input: audit documents are checked against schemas/audit.schema.json and training
 * runs against the run.json / log.jsonl contract, each failure one message naming the file,
 * the field, what was expected and what was found.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReportInputError } from '../../src/report/errors.js';
import { labelAudits, parseAuditDocument, parseTrainingLog, parseTrainingRun, readAuditDocuments, readTrainingRun } from '../../src/report/input.js';
import { type SmallAudits, smallAudits, writeTrainingRun } from './support.js';

const work = mkdtempSync(join(tmpdir(), 'lrdkit-report-input-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function expectInputError(f: () => unknown, message: RegExp): void {
  let error: unknown;
  try {
    f();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ReportInputError);
  expect((error as Error).message).toMatch(message);
  expect((error as Error).message.split('\n')).toHaveLength(1);
}

describe('audit documents', () => {
  let audits: SmallAudits;
  beforeAll(async () => {
    audits = await smallAudits(work);
  });

  it('parseAuditDocument(a generated audit.json) returns it unchanged', () => {
    expect(parseAuditDocument(JSON.stringify(audits.dense), 'a.json')).toEqual(audits.dense);
  });
  it('invalid JSON: file, expected, found', () => expectInputError(() => parseAuditDocument('{"layers": [', 'x/audit.json'), /^x\/audit\.json: file: expected an audit document .* found invalid JSON/));
  it('a missing required field: its path', () => {
    const { verdict: _v, ...rest } = audits.dense;
    expectInputError(() => parseAuditDocument(JSON.stringify(rest), 'a.json'), /^a\.json: verdict: expected a value \(required by schemas\/audit\.schema\.json\), found nothing$/);
  });
  it('a wrong value deep inside: its JSON pointer, the rule and the value found', () => {
    const bad = structuredClone(audits.dense) as unknown as { layers: { correlation: { verdict: string } }[] };
    (bad.layers[1] as { correlation: { verdict: string } }).correlation.verdict = 'maybe';
    expectInputError(() => parseAuditDocument(JSON.stringify(bad), 'a.json'), /^a\.json: \/layers\/1\/correlation\/verdict: expected a value that must be equal to one of the allowed values .* found "maybe"$/);
  });
  it('an unknown field: named', () => expectInputError(() => parseAuditDocument(JSON.stringify({ ...audits.dense, extra: 1 }), 'a.json'), /^a\.json: \/extra: expected no such field/));
  it('readAuditDocuments(paths, labels): one unique, non-empty label per path', () => {
    expect(readAuditDocuments([audits.densePath, audits.factorizedPath], ['dense', 'factorized']).map((a) => a.label)).toEqual(['dense', 'factorized']);
    expectInputError(() => readAuditDocuments([audits.densePath], ['a', 'b']), /^report: labels: expected one label per audit\.json \(1\), found 2$/);
    expectInputError(() => readAuditDocuments([audits.densePath, audits.factorizedPath], ['a', 'a']), /^report: labels: expected unique labels, found "a" twice$/);
  });
  it('a missing file and a folder', () => {
    expectInputError(() => readAuditDocuments([join(work, 'nope.json')]), /nope\.json: file: expected a readable audit\.json, found no such file$/);
    expectInputError(() => readAuditDocuments([work]), /: file: expected a readable audit\.json, found a directory$/);
  });
  it('labelAudits: checkpoint names, made unique by folder, then by position', () => {
    expect(labelAudits([{ document: audits.dense }, { document: audits.factorized }]).map((a) => a.label)).toEqual(['gru2.safetensors', 'model.json']); // a TF.js-layers folder's checkpoint is its model.json
    expect(labelAudits([{ path: '/r/seed0/audit.json', document: audits.dense }, { path: '/r/seed1/audit.json', document: audits.dense }]).map((a) => a.label)).toEqual(['gru2.safetensors (seed0)', 'gru2.safetensors (seed1)']);
    expect(labelAudits([{ document: audits.dense }, { document: audits.dense }]).map((a) => a.label)).toEqual(['gru2.safetensors #1', 'gru2.safetensors #2']);
  });
});

describe('training runs', () => {
  it('readTrainingRun(DIR) reads run.json and log.jsonl into a labelled loss curve', () => {
    const dir = writeTrainingRun(join(work, 'run-a'), { task: 'copy', cell: 'gru', variant: 'factorized', groups: 8, hiddenSize: 352, repeats: 2, seed: 3, backend: 'cpu', size: 'big' }, 2.0, 5);
    const curve = readTrainingRun(dir);
    expect(curve.label).toBe('factorized g=8 h=352 big seed 3');
    expect(curve.variant).toBe('factorized');
    expect(curve.size).toBe('big');
    expect(curve.repeats).toBe(2);
    expect(curve.points.map((p) => p.step)).toEqual([0, 50, 100, 150, 200]);
  });
  it('run.json: a missing or unknown variant, a non-numeric field, a bad size', () => {
    expectInputError(() => parseTrainingRun('{"task":"copy"}', 'r/run.json'), /^r\/run\.json: variant: expected one of dense, factorized, context-switching, found nothing$/);
    expectInputError(() => parseTrainingRun('{"variant":"huge"}', 'r/run.json'), /^r\/run\.json: variant: expected one of .* found "huge"$/);
    expectInputError(() => parseTrainingRun('{"variant":"dense","repeats":"two"}', 'r/run.json'), /^r\/run\.json: repeats: expected a finite number, found "two"$/);
    expectInputError(() => parseTrainingRun('{"variant":"dense","size":"medium"}', 'r/run.json'), /^r\/run\.json: size: expected big or small, found "medium"$/);
    expectInputError(() => parseTrainingRun('[1]', 'r/run.json'), /^r\/run\.json: file: expected a JSON object, found \[1\]$/);
  });
  it('log.jsonl: the line and field of a bad entry; null losses skipped; empty logs refused', () => {
    expect(parseTrainingLog('{"step":0,"loss":1}\n\n{"step":1,"loss":null}\n{"step":2,"loss":0.5}\n', 'l')).toEqual([{ step: 0, loss: 1 }, { step: 2, loss: 0.5 }]);
    expectInputError(() => parseTrainingLog('{"step":0,"loss":1}\n{"step":1,"loss":"x"}\n', 'r/log.jsonl'), /^r\/log\.jsonl: line 2: loss: expected a number \(nats per output symbol\) or null, found "x"$/);
    expectInputError(() => parseTrainingLog('{"step":-1,"loss":1}\n', 'r/log.jsonl'), /^r\/log\.jsonl: line 1: step: expected a finite number >= 0, found -1$/);
    expectInputError(() => parseTrainingLog('{"step":0,\n', 'r/log.jsonl'), /^r\/log\.jsonl: line 1: expected one JSON object per line/);
    expectInputError(() => parseTrainingLog('\n', 'r/log.jsonl'), /^r\/log\.jsonl: file: expected at least one line with a step and a loss, found none$/);
  });
  it('a folder without run.json', () => {
    mkdirSync(join(work, 'empty-run'), { recursive: true });
    expectInputError(() => readTrainingRun(join(work, 'empty-run')), /empty-run\/run\.json: file: expected a training run's run\.json \(written by lrdkit train\), found no such file$/);
    writeFileSync(join(work, 'empty-run', 'run.json'), '{"variant":"dense"}');
    expectInputError(() => readTrainingRun(join(work, 'empty-run')), /empty-run\/log\.jsonl: file: expected a training run's log\.jsonl/);
  });
});
