/**
 * Issue 16's time-boxed property: any input of at most 1 MB is answered (cells, or a
 * CheckpointError) within 10 s and under 1 GB of memory, by readCheckpoint, whatever the
 * format it claims to be.
 *
 * Inputs: the committed fixtures (safetensors, torch.save, Keras .h5 / .keras) with byte
 * mutations (test/support/byteMutations.ts) and, to reach the size limit, a random tail; a
 * format signature (zip, HDF5, safetensors header) followed by random bytes up to 1 MB; and
 * safetensors headers declaring random shapes and offsets up to 2^31 elements.
 *
 * Measured, not timed: load on this shared 2-core machine stretches wall time several-fold, so
 * the 10 s bound is checked on the process's CPU time per input (process.cpuUsage: user +
 * system, all threads, the HDF5 worker included), which load barely moves; memory is checked
 * on the peak resident set (process.resourceUsage().maxRSS, the whole process's high-water
 * mark) before and after all runs: the peak must not rise by 1 GiB. A bomb that escaped the
 * budgets would allocate gigabytes (issue 16: 4.4 to 18 GB) and fail the check. Runs: 40 by
 * default (FC_RUNS overrides), in-process so that each costs milliseconds, not a Node start.
 */
import fc from 'fast-check';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CheckpointError, readCheckpoint } from '../../src/checkpoints/index.js';
import { applyMutations, mutationArbitrary } from '../support/byteMutations.js';

const RUNS = Number(process.env.FC_RUNS ?? 40);
const MAX_BYTES = 2 ** 20;
const CPU_LIMIT_US = 10e6;
const RSS_RISE_LIMIT_KIB = 1024 * 1024;
const fixtures = resolve(import.meta.dirname, '..', 'fixtures', 'checkpoints');
const FILES = ['pytorch/gru2.safetensors', 'pytorch/gru2.pt', 'pytorch/bigru.pt', 'keras/gru2.h5', 'keras/gru2.keras', 'keras/lstm2.h5'].map((f) => ({ name: f, bytes: readFileSync(join(fixtures, f)) }));
const dir = mkdtempSync(join(tmpdir(), 'lrdkit-bounded-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `length` pseudo-random bytes from `seed` (xorshift32: fast for a megabyte). */
function randomBytes(seed: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed | 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

const SIGNATURES: Record<string, Uint8Array> = {
  pt: Uint8Array.from([0x50, 0x4b, 0x03, 0x04]),
  h5: Uint8Array.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0, 0, 8, 8, 0]),
  safetensors: Uint8Array.from([0x40, 0, 0, 0, 0, 0, 0, 0, 0x7b]),
};

interface Input {
  name: string;
  bytes: Uint8Array;
}

const mutated: fc.Arbitrary<Input> = fc
  .record({ file: fc.constantFrom(...FILES), mutations: fc.array(mutationArbitrary([0, 4096], [0x00, 0xff, 0x7f, 0x80, 0x7b, 0x5b]), { minLength: 1, maxLength: 6 }), tail: fc.integer({ min: 0, max: MAX_BYTES }), seed: fc.integer() })
  .map(({ file, mutations, tail, seed }) => {
    const m = applyMutations(file.bytes, mutations);
    const extra = randomBytes(seed, Math.max(0, Math.min(tail, MAX_BYTES - m.length)) * Number(tail % 2 === 0));
    const bytes = new Uint8Array(m.length + extra.length);
    bytes.set(m);
    bytes.set(extra, m.length);
    return { name: file.name.split('/')[1] as string, bytes };
  });

const signed: fc.Arbitrary<Input> = fc
  .record({ ext: fc.constantFrom(...Object.keys(SIGNATURES)), length: fc.integer({ min: 16, max: MAX_BYTES }), seed: fc.integer() })
  .map(({ ext, length, seed }) => {
    const bytes = randomBytes(seed, length);
    bytes.set(SIGNATURES[ext] as Uint8Array);
    return { name: `random.${ext}`, bytes };
  });

const declared: fc.Arbitrary<Input> = fc
  .array(fc.record({ name: fc.constantFrom('weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0', 'x'), rows: fc.integer({ min: 0, max: 2 ** 16 }), cols: fc.integer({ min: 0, max: 2 ** 15 }), begin: fc.nat(), end: fc.nat() }), { maxLength: 6 })
  .chain((tensors) => fc.integer({ min: 0, max: MAX_BYTES - 4096 }).map((dataLength) => ({ tensors, dataLength })))
  .map(({ tensors, dataLength }) => {
    const header: Record<string, unknown> = {};
    for (const t of tensors) header[t.name] = { dtype: 'F32', shape: [t.rows, t.cols], data_offsets: [t.begin, t.end] };
    const text = Buffer.from(JSON.stringify(header));
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(text.length));
    return { name: 'declared.safetensors', bytes: new Uint8Array(Buffer.concat([len, text, Buffer.alloc(dataLength)])) };
  });

describe('readCheckpoint answers any input of at most 1 MB within 10 s of CPU and under 1 GB', () => {
  it('mutated fixtures, signatures with random bytes, declared shapes', async () => {
    const rssBefore = process.resourceUsage().maxRSS;
    let worstCpuUs = 0;
    let k = 0;
    await fc.assert(
      fc.asyncProperty(fc.oneof(mutated, signed, declared), async (input) => {
        expect(input.bytes.length).toBeLessThanOrEqual(MAX_BYTES + 8192);
        const path = join(dir, `${k++}-${input.name}`);
        writeFileSync(path, input.bytes);
        const cpu = process.cpuUsage();
        try {
          await readCheckpoint(path);
        } catch (e) {
          if (!(e instanceof CheckpointError)) throw e;
        } finally {
          rmSync(path, { force: true });
        }
        const used = process.cpuUsage(cpu);
        const us = used.user + used.system;
        worstCpuUs = Math.max(worstCpuUs, us);
        expect(us, `${input.name}: ${us / 1e6} s of CPU`).toBeLessThan(CPU_LIMIT_US);
      }),
      { numRuns: RUNS },
    );
    const rise = process.resourceUsage().maxRSS - rssBefore;
    expect(rise, `peak RSS rose by ${rise} KiB; worst CPU ${worstCpuUs / 1e6} s`).toBeLessThan(RSS_RISE_LIMIT_KIB);
  }, 600_000);
});
