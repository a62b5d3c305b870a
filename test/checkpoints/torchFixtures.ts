/**
 * Shared helpers of the PyTorch checkpoint tests: fixture loading (written by
 * test/fixtures/checkpoints/generate_pytorch.py), a safetensors writer for hand-made state
 * dicts, byte patching, and an assertion on CheckpointError messages.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { FactorizedCell } from '../../src/cells/factorized.js';
import type { Cell, GateWeights } from '../../src/cells/types.js';
import { CheckpointError } from '../../src/checkpoints/errors.js';
import { openZip } from '../../src/checkpoints/internal/zip.js';

export const FIXTURE_DIR = new URL('../fixtures/checkpoints/pytorch/', import.meta.url);
export const MODELS = ['gru2', 'lstm2', 'bigru', 'gru_blocks'] as const;

/** A fixture's bytes (a fresh copy, safe to patch). */
export function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(name, FIXTURE_DIR)));
}

export interface Sample { state: number[]; input: number[]; next: number[]; jacobian: number[][] }
export interface LayerReference { name: string; kind: 'gru' | 'lstm'; inputSize: number; hiddenSize: number; spectralRadius: number; samples: Sample[] }
export interface Reference {
  meta: Record<string, unknown>;
  models: Record<string, LayerReference[]>;
  dtypes: Record<string, number[]>;
}

export const reference = JSON.parse(readFileSync(new URL('reference.json', FIXTURE_DIR), 'utf8')) as Reference;

/** Every weight array of a cell (gates in canonical order; a factorized cell's blocks in order). */
export function weightArrays(cell: Cell): Float64Array[] {
  if (cell instanceof FactorizedCell) return cell.blocks.flatMap((b) => weightArrays(b));
  const w = (cell as unknown as { weights: Record<string, unknown> }).weights;
  const gates = cell.kind === 'gru' ? ['z', 'r', 'n'] : ['i', 'f', 'g', 'o'];
  return gates.flatMap((g) => {
    const gw = w[g] as GateWeights;
    return [gw.input, gw.recurrent, gw.inputBias, gw.recurrentBias];
  });
}

/** Writes a safetensors file like the reference library (float32 unless `dtype` says otherwise). */
export function writeSafetensors(tensors: Record<string, { shape: number[]; data: ArrayLike<number>; dtype?: 'F32' | 'F64' }>, metadata?: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = metadata ? { __metadata__: metadata } : {};
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const name of Object.keys(tensors).sort()) {
    const t = tensors[name] as { shape: number[]; data: ArrayLike<number>; dtype?: 'F32' | 'F64' };
    const dtype = t.dtype ?? 'F32';
    const bytes = new Uint8Array(dtype === 'F32' ? Float32Array.from(t.data).buffer : Float64Array.from(t.data).buffer);
    header[name] = { dtype, shape: t.shape, data_offsets: [offset, offset + bytes.length] };
    chunks.push(bytes);
    offset += bytes.length;
  }
  return assemble(header, chunks);
}

/** 8-byte length + JSON header padded with spaces to a multiple of 8 + data chunks. */
export function assemble(header: unknown, chunks: Uint8Array[] | Uint8Array): Uint8Array {
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8);
  const head = new TextEncoder().encode(json);
  const data = Array.isArray(chunks) ? chunks : [chunks];
  const total = 8 + head.length + data.reduce((s, c) => s + c.length, 0);
  const out = new Uint8Array(total);
  new DataView(out.buffer).setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  let p = 8 + head.length;
  for (const c of data) {
    out.set(c, p);
    p += c.length;
  }
  return out;
}

/** Header object, header length and data buffer of a safetensors file. */
export function splitSafetensors(bytes: Uint8Array): { header: Record<string, any>; headerLength: number; data: Uint8Array } {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  return { header: JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))), headerLength: n, data: bytes.subarray(8 + n) };
}

/** The file with its JSON header edited (data buffer unchanged). */
export function rewriteHeader(bytes: Uint8Array, edit: (header: Record<string, any>) => void): Uint8Array {
  const { header, data } = splitSafetensors(bytes);
  edit(header);
  return assemble(header, data.slice());
}

/** Index of `needle` in `hay` (-1 if absent). */
export function indexOf(hay: Uint8Array, needle: Uint8Array | string, from = 0): number {
  return Buffer.from(hay.buffer, hay.byteOffset, hay.byteLength).indexOf(typeof needle === 'string' ? Buffer.from(needle, 'latin1') : Buffer.from(needle), from);
}

/** Replaces every occurrence of `from` by `to` (same length) in a copy. */
export function replaceAll(bytes: Uint8Array, from: string, to: string): Uint8Array {
  if (from.length !== to.length) throw new Error('replaceAll: same length only (keeps zip offsets valid)');
  const out = bytes.slice();
  let count = 0;
  for (let i = indexOf(out, from); i >= 0; i = indexOf(out, from, i + 1)) {
    out.set(Buffer.from(to, 'latin1'), i);
    count++;
  }
  if (count === 0) throw new Error(`replaceAll: "${from}" not found`);
  return out;
}

/**
 * Runs `fn`, expects a CheckpointError whose file is `file`, whose `where` matches `where`,
 * whose message says "expected" and "found" and matches every pattern of `detail`.
 */
export function expectCheckpointError(fn: () => unknown, file: string, where: string | RegExp, ...detail: RegExp[]): CheckpointError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught, 'expected a CheckpointError, nothing was thrown').toBeInstanceOf(CheckpointError);
  const err = caught as CheckpointError;
  expect(err.file).toBe(file);
  if (typeof where === 'string') expect(err.where).toBe(where);
  else expect(err.where).toMatch(where);
  expect(err.message.startsWith(`${file}: ${err.where}: `)).toBe(true);
  expect(err.detail).toMatch(/expected/);
  expect(err.detail).toMatch(/found/);
  for (const d of detail) expect(err.detail).toMatch(d);
  return err;
}

/** [start, end) of a stored zip member's data in the archive (from its local file header). */
export function memberRange(bytes: Uint8Array, suffix: string): [number, number] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const entry = [...openZip(bytes, 'fixture').entries.values()].find((e) => e.name.endsWith(suffix));
  if (!entry) throw new Error(`memberRange: no member ending in ${suffix}`);
  const o = entry.localHeaderOffset;
  const start = o + 30 + view.getUint16(o + 26, true) + view.getUint16(o + 28, true);
  return [start, start + entry.compressedSize];
}
