/**
 * The readers' file rules and budgets (src/checkpoints/internal/fileAccess.ts), the checked
 * JSON parser (checkedJson.ts) and the pickle VM's caps, on small hand-made inputs whose
 * answers are known by construction.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CheckpointError } from '../../src/checkpoints/errors.js';
import { MAX_JSON_DEPTH, parseCheckedJson, scanJson } from '../../src/checkpoints/internal/checkedJson.js';
import { ByteBudget, INFLATION_FACTOR, INFLATION_SLACK_BYTES, checkPath, readRegularFile } from '../../src/checkpoints/internal/fileAccess.js';
import { PICKLE_MAX_DEPTH, PICKLE_MAX_LONG_BYTES, unpickle } from '../../src/checkpoints/internal/pickle.js';

const dir = mkdtempSync(join(tmpdir(), 'lrdkit-file-access-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const nested = (n: number): string => `${'['.repeat(n)}${']'.repeat(n)}`;
const detail = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    if (e instanceof CheckpointError) return e.detail;
    throw e;
  }
  return 'no error';
};

describe('checked JSON', () => {
  it(`accepts nesting of exactly ${MAX_JSON_DEPTH} levels and refuses ${MAX_JSON_DEPTH + 1}`, () => {
    expect(scanJson(nested(MAX_JSON_DEPTH))).toBeNull();
    expect(scanJson(nested(MAX_JSON_DEPTH + 1))).toMatch(/nested at most 128 levels/);
  });
  it('brackets inside strings do not count', () => {
    expect(scanJson(JSON.stringify({ a: '['.repeat(1000) }))).toBeNull();
  });
  it('refuses duplicate keys, also after decoding escapes, naming the object', () => {
    expect(scanJson('{"a": {"b": 1, "b": 2}}')).toBe('expected unique keys in every object, found "b" twice in $.a');
    expect(scanJson('{"ab": 1, "a\\u0062": 2}')).toMatch(/"ab" twice in \$/);
    expect(scanJson('[{"a": 1}, {"a": 2}]')).toBeNull(); // the same key in two objects is fine
    expect(scanJson('{"a": [1, {"a": 2}], "b": 3}')).toBeNull();
  });
  it('a parse error is still reported as one', () => {
    expect(detail(() => parseCheckedJson('{"a": ', 'f', 'header'))).toMatch(/does not parse/);
    expect(parseCheckedJson('{"a": [1, 2]}', 'f', 'header')).toEqual({ a: [1, 2] });
  });
});

describe('file access', () => {
  const regular = join(dir, 'model.bin');
  writeFileSync(regular, Buffer.alloc(100, 1));
  const model = join(dir, 'model');
  mkdirSync(model);
  writeFileSync(join(model, 'inside.bin'), Buffer.alloc(10));
  symlinkSync(join(model, 'inside.bin'), join(model, 'link-inside.bin'));
  symlinkSync(regular, join(model, 'link-outside.bin'));
  symlinkSync('/dev/zero', join(dir, 'zero'));
  execFileSync('mkfifo', [join(dir, 'fifo')]);

  it('reads a regular file for exactly its size', () => {
    expect(readRegularFile(regular).length).toBe(100);
    expect(checkPath(regular).size).toBe(100);
  });
  it('refuses devices and FIFOs without opening them', () => {
    expect(detail(() => readRegularFile(join(dir, 'zero')))).toMatch(/found a character device \(through a symbolic link\)/);
    expect(detail(() => readRegularFile(join(dir, 'fifo')))).toMatch(/found a FIFO/);
  });
  it('follows links that stay inside the root, refuses those that leave it without describing the target', () => {
    expect(readRegularFile(join(model, 'link-inside.bin'), { root: model }).length).toBe(10);
    const d = detail(() => readRegularFile(join(model, 'link-outside.bin'), { root: model }));
    expect(d).toMatch(/symbolic link leading outside it/);
    expect(d).not.toMatch(/100/);
  });
  it('refuses files above the size limit', () => {
    expect(detail(() => readRegularFile(regular, { maxBytes: 99 }))).toMatch(/at most 99 bytes.*100-byte file/);
  });
});

describe('byte budgets', () => {
  it(`is ${INFLATION_FACTOR} x the file size + ${INFLATION_SLACK_BYTES} bytes and refuses what exceeds it`, () => {
    const b = ByteBudget.forFile(1000, 'f', 'data');
    expect(b.limit).toBe(INFLATION_FACTOR * 1000 + INFLATION_SLACK_BYTES);
    b.take(b.limit - 1, 'first');
    expect(b.remaining).toBe(1);
    b.take(1, 'second');
    expect(() => b.take(1, 'third')).toThrow(/third: expected at most/);
    expect(() => ByteBudget.forFile(0, 'f', 'data').take(Number.NaN, 'x')).toThrow(CheckpointError);
  });
});

describe('pickle caps', () => {
  const options = { file: 'f', where: 'data.pkl', resolveGlobal: (): never => { throw new Error('no globals'); }, persistentLoad: (): never => { throw new Error('no pids'); } };
  const run = (bytes: number[]): unknown => unpickle(Uint8Array.from(bytes), options);
  it(`decodes LONG1 / LONG4 up to ${PICKLE_MAX_LONG_BYTES} bytes and refuses longer ones before decoding`, () => {
    expect(run([0x80, 2, 0x8a, 2, 0xff, 0x7f, 0x2e])).toBe(32767);
    expect(run([0x80, 2, 0x8a, 1, 0xff, 0x2e])).toBe(-1);
    expect(run([0x80, 2, 0x8a, 9, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0x2e])).toBe(2n ** 64n);
    const long = [0x80, 2, 0x8b, PICKLE_MAX_LONG_BYTES + 1, 0, 0, 0, ...new Array<number>(PICKLE_MAX_LONG_BYTES + 1).fill(1), 0x2e];
    expect(() => run(long)).toThrow(/LONG4: expected an integer of at most 64 bytes, found one of 65 bytes/);
  });
  it('refuses a dict key given twice (SETITEM, SETITEMS, DICT), naming the file and the key; distinct keys are kept in order', () => {
    // K = BININT1, X = BINUNICODE (4-byte length), } = EMPTY_DICT, ( = MARK, s/u/d = SETITEM/SETITEMS/DICT
    const str = (t: string): number[] => [0x58, t.length, 0, 0, 0, ...Buffer.from(t, 'latin1')];
    const d = run([0x80, 2, 0x7d, 0x28, ...str('a'), 0x4b, 1, ...str('b'), 0x4b, 2, 0x75, 0x2e]) as { map: Map<string, number> };
    expect([...d.map]).toEqual([['a', 1], ['b', 2]]);
    expect(() => run([0x80, 2, 0x7d, ...str('w'), 0x4b, 1, 0x73, ...str('w'), 0x4b, 2, 0x73, 0x2e])).toThrow(/^f: data\.pkl: byte \d+: SETITEM: duplicate dict key "w"/);
    expect(() => run([0x80, 2, 0x7d, 0x28, ...str('w'), 0x4b, 1, ...str('w'), 0x4b, 2, 0x75, 0x2e])).toThrow(/SETITEMS: duplicate dict key "w"/);
    expect(() => run([0x80, 2, 0x28, 0x4b, 7, 0x4b, 1, 0x4b, 7, 0x4b, 2, 0x64, 0x2e])).toThrow(/DICT: duplicate dict key 7/);
  });
  it(`accepts containers nested ${PICKLE_MAX_DEPTH} deep and refuses one more level`, () => {
    const tuples = (n: number): number[] => [0x80, 2, 0x29, ...new Array<number>(n).fill(0x85), 0x2e];
    expect(() => run(tuples(PICKLE_MAX_DEPTH))).not.toThrow();
    expect(() => run(tuples(PICKLE_MAX_DEPTH + 1))).toThrow(/nested at most 256 levels/);
    // APPEND into a list that is inside a deep tuple chain counts the value's depth
    expect(() => run([0x80, 2, 0x5d, 0x29, ...new Array<number>(PICKLE_MAX_DEPTH).fill(0x85), 0x61, 0x2e])).toThrow(/APPEND: expected values nested/);
  });
});
