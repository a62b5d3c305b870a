/**
 * Shared helpers of the Keras / TF.js / lrdkit-format checkpoint tests: fixture paths (written
 * by test/fixtures/checkpoints/generate_keras.py), the expected cells built from the PyTorch
 * layout arrays, exact weight and step comparisons, a stored-zip writer, temporary copies of
 * fixture directories and an assertion on CheckpointErrors.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32 } from 'node:zlib';
import { expect } from 'vitest';
import { ContextSwitchingCell } from '../../src/cells/contextSwitching.js';
import { FactorizedCell } from '../../src/cells/factorized.js';
import { gruFromKeras, gruFromPytorch, lstmFromPytorch } from '../../src/cells/frameworks.js';
import { GruCell } from '../../src/cells/gru.js';
import type { Cell, GateWeights } from '../../src/cells/types.js';
import { CheckpointError } from '../../src/checkpoints/errors.js';
import { detectGroups } from '../../src/checkpoints/internal/layers.js';

import { mutationArbitrary as byteMutationArbitrary } from '../support/byteMutations.js';

export const KERAS_DIR = fileURLToPath(new URL('../fixtures/checkpoints/keras/', import.meta.url));
export const TFJS_DIR = fileURLToPath(new URL('../fixtures/checkpoints/tfjs/', import.meta.url));
export const MODELS = ['gru2', 'lstm2', 'bigru', 'gru_blocks'] as const;
export type ModelName = (typeof MODELS)[number];

/** A fixture file's bytes (a fresh copy, safe to patch). */
export function kerasFixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(KERAS_DIR, name)));
}

interface ExpectedLayer {
  layer: number;
  direction: 'forward' | 'backward';
  weight_ih: number[][];
  weight_hh: number[][];
  bias_ih: number[];
  bias_hh: number[];
}

/** The generator's PyTorch-layout weights of a model, as cells (factorized when block diagonal). */
export function expectedCells(model: ModelName): { cells: Cell[]; directions: ('forward' | 'backward')[]; depths: number[] } {
  const e = JSON.parse(readFileSync(join(KERAS_DIR, `expected_${model}.json`), 'utf8')) as { kind: 'gru' | 'lstm'; layers: ExpectedLayer[] };
  const cells = e.layers.map((l) => {
    const w = { weightIh: l.weight_ih, weightHh: l.weight_hh, biasIh: l.bias_ih, biasHh: l.bias_hh };
    return detectGroups(e.kind === 'gru' ? gruFromPytorch(w) : lstmFromPytorch(w)).cell;
  });
  return { cells, directions: e.layers.map((l) => l.direction), depths: e.layers.map((l) => l.layer) };
}

/** The reset_after=False GRU of keras/expected_gru_reset_before.json (Keras layout). */
export function expectedResetBefore(): GruCell {
  const e = JSON.parse(readFileSync(join(KERAS_DIR, 'expected_gru_reset_before.json'), 'utf8')) as { kernel: number[][]; recurrent_kernel: number[][]; bias: number[] };
  return gruFromKeras({ kernel: e.kernel, recurrentKernel: e.recurrent_kernel, bias: e.bias }, { resetAfter: false });
}

/** Every weight array of a cell: gates in canonical order; blocks, auxiliary cell and readout in order. */
export function weightArrays(cell: Cell): Float64Array[] {
  if (cell instanceof FactorizedCell) return cell.blocks.flatMap((b) => weightArrays(b));
  if (cell instanceof ContextSwitchingCell) {
    const f = cell as unknown as { readoutWeight: Float64Array; readoutBias: Float64Array };
    return [...weightArrays(cell.experts), ...weightArrays(cell.auxiliary), f.readoutWeight, f.readoutBias];
  }
  const w = (cell as unknown as { weights: Record<string, unknown> }).weights;
  const gates = cell.kind === 'gru' ? ['z', 'r', 'n'] : ['i', 'f', 'g', 'o'];
  return gates.flatMap((g) => {
    const gw = w[g] as GateWeights;
    return [gw.input, gw.recurrent, gw.inputBias, gw.recurrentBias];
  });
}

/** Throws unless the two cells have the same structure and bit-identical weights. */
export function expectSameCell(a: Cell, b: Cell, what: string): void {
  expect({ kind: a.kind, variant: a.variant, groups: a.groups, inputSize: a.inputSize, hiddenSize: a.hiddenSize, stateSize: a.stateSize }, what).toEqual({
    kind: b.kind,
    variant: b.variant,
    groups: b.groups,
    inputSize: b.inputSize,
    hiddenSize: b.hiddenSize,
    stateSize: b.stateSize,
  });
  const wa = weightArrays(a), wb = weightArrays(b);
  expect(wa.length, `${what}: number of weight arrays`).toBe(wb.length);
  wa.forEach((x, i) => {
    const y = wb[i] as Float64Array;
    expect(x.length, `${what}: weight array ${i} length`).toBe(y.length);
    for (let j = 0; j < x.length; j++) {
      if (!Object.is(x[j], y[j])) throw new Error(`${what}: weight array ${i} entry ${j}: ${x[j]} differs from ${y[j]}`);
    }
  });
  if (a instanceof GruCell && b instanceof GruCell) expect(a.weights.resetAfter, `${what}: resetAfter`).toBe(b.weights.resetAfter);
  if (a instanceof FactorizedCell && b instanceof FactorizedCell) {
    a.blocks.forEach((blk, i) => {
      if (blk instanceof GruCell) expect(blk.weights.resetAfter, `${what}: block ${i} resetAfter`).toBe((b.blocks[i] as GruCell).weights.resetAfter);
    });
  }
}

/** Deterministic points (state, input) for a cell: a small LCG, values in (-1, 1). */
export function points(cell: Cell, count: number, seed = 1): { state: Float64Array; input: Float64Array }[] {
  let s = seed >>> 0;
  const next = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32) * 2 - 1;
  };
  return Array.from({ length: count }, () => ({
    state: Float64Array.from({ length: cell.stateSize }, () => 0.9 * next()),
    input: Float64Array.from({ length: cell.inputSize }, () => 2 * next()),
  }));
}

/** Throws unless both cells give bit-identical steps at the points. */
export function expectSameSteps(a: Cell, b: Cell, what: string, count = 4): void {
  for (const p of points(a, count)) {
    const x = a.step(p.state, p.input), y = b.step(p.state, p.input);
    for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) throw new Error(`${what}: step entry ${i}: ${x[i]} differs from ${y[i]}`);
  }
}

/** Awaits a rejection and checks it is a CheckpointError with the given parts. */
export async function expectCheckpointError(
  p: Promise<unknown> | (() => unknown),
  want: { file?: string | RegExp; where?: string | RegExp; detail?: RegExp },
): Promise<CheckpointError> {
  let err: unknown;
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    err = e;
  }
  expect(err, 'expected a CheckpointError').toBeInstanceOf(CheckpointError);
  const e = err as CheckpointError;
  const match = (value: string, w: string | RegExp | undefined, part: string): void => {
    if (w === undefined) return;
    if (typeof w === 'string') expect(value, `${part} of: ${e.message}`).toContain(w);
    else expect(value, `${part} of: ${e.message}`).toMatch(w);
  };
  match(e.file, want.file, 'file');
  match(e.where, want.where, 'where');
  match(e.detail, want.detail, 'detail');
  expect(e.detail, `detail names what was expected and found: ${e.message}`).toMatch(/expected[\s\S]*found/);
  return e;
}

const tempDirs: string[] = [];

/** A fresh temporary directory, removed by {@link removeTempDirs}. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

/** Removes the temporary directories made by this module (call in afterAll). */
export function removeTempDirs(): void {
  for (const d of tempDirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** A copy of a TF.js fixture directory in a fresh temporary directory. */
export function tfjsCopy(model: string): string {
  const dir = join(tempDir('lrdkit-tfjs-'), model);
  cpSync(join(TFJS_DIR, model), dir, { recursive: true });
  return dir;
}

/** A zip archive of stored (uncompressed) members, as Keras writes `.keras` files. */
export function storedZip(members: [string, Uint8Array][]): Uint8Array {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, data] of members) {
    const n = Buffer.from(name, 'utf8');
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(n.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(n.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, n, Buffer.from(data));
    centrals.push(central, n);
    offset += 30 + n.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(members.length, 8);
  eocd.writeUInt16LE(members.length, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...locals, cd, eocd]));
}

/** Index of the first occurrence of `needle` in `hay`, or -1. */
export function indexOfBytes(hay: Uint8Array, needle: Uint8Array, from = 0): number {
  return Buffer.from(hay.buffer, hay.byteOffset, hay.byteLength).indexOf(Buffer.from(needle.buffer, needle.byteOffset, needle.byteLength), from);
}

/** Replaces the first occurrence of the ASCII string `from` by `to` (same length), in place. */
export function patchText(bytes: Uint8Array, from: string, to: string): Uint8Array {
  if (from.length !== to.length) throw new Error('patchText: lengths differ');
  const at = indexOfBytes(bytes, new TextEncoder().encode(from));
  if (at < 0) throw new Error(`patchText: ${from} not found`);
  bytes.set(new TextEncoder().encode(to), at);
  return bytes;
}

export { type Mutation, applyMutations } from '../support/byteMutations.js';

/** JSON- and HDF5-significant bytes: 0x00, 0xff, 0x7f, 0x80, '"', ',', ':', '[', ']', '{', '}', '0', '-'. */
const KERAS_SIGNIFICANT = [0x00, 0xff, 0x7f, 0x80, 0x22, 0x2c, 0x3a, 0x5b, 0x5d, 0x7b, 0x7d, 0x30, 0x2d] as const;

/** Mutations with positions over the whole file and, three times as often, over [hot[0], hot[1]). */
export function mutationArbitrary(hot: [number, number]): import('fast-check').Arbitrary<import('../support/byteMutations.js').Mutation> {
  return byteMutationArbitrary(hot, KERAS_SIGNIFICANT);
}
