/**
 * Robustness of the PyTorch readers: any byte mutation of a valid fixture (bit flips, byte
 * overwrites, truncation, insertion, deletion; positions drawn over the whole file and, more
 * often, over the parts that are parsed: the safetensors JSON header, the torch archive's
 * data.pkl and central directory) makes readSafetensors / readTorchZip / pytorchLayers either
 * succeed or throw a CheckpointError: never another error type, never a hang (each call is
 * timed). A second property writes random pickle programs (sequences of valid opcodes with
 * plausible arguments, globals included) over data.pkl to drive the pickle VM deep.
 *
 * Seeds: the fixed fast-check seed of test/support/fastCheckSetup.ts (replay a failure with
 * the printed seed and path: FC_SEED=<seed> npx vitest run test/checkpoints/pytorchFuzz.test.ts).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HANG_GUARD_MS } from '../support/hangGuard.js';
import { CheckpointError } from '../../src/checkpoints/errors.js';
import { openZip } from '../../src/checkpoints/internal/zip.js';
import { pytorchLayers } from '../../src/checkpoints/pytorch.js';
import { readSafetensors } from '../../src/checkpoints/safetensors.js';
import { readTorchZip } from '../../src/checkpoints/torchZip.js';
import { MODELS, fixture, memberRange, splitSafetensors } from './torchFixtures.js';
import { type Mutation, applyMutations as apply, mutationArbitrary } from '../support/byteMutations.js';

const RUNS = Number(process.env.FC_RUNS ?? 200);

/** Pickle- and zip-significant bytes: 0x00, 0xff, 0x7f, 0x80, '(', '.', '"', ']', '}'. */
const PICKLE_SIGNIFICANT = [0x00, 0xff, 0x7f, 0x80, 0x28, 0x2e, 0x22, 0x5d, 0x7d] as const;
const mutation = (hot: [number, number]): fc.Arbitrary<Mutation> => mutationArbitrary(hot, PICKLE_SIGNIFICANT);

/** Runs the reader and the layer builder; only CheckpointErrors may escape; bounded time. */
function readsOrRejects(read: (b: Uint8Array, f: string) => Map<string, unknown>, bytes: Uint8Array, file: string): 'ok' | 'rejected' {
  const t0 = performance.now();
  let outcome: 'ok' | 'rejected' = 'ok';
  try {
    pytorchLayers(read(bytes, file) as Parameters<typeof pytorchLayers>[0], file);
  } catch (e) {
    if (!(e instanceof CheckpointError)) throw e;
    expect(e.message.startsWith(`${file}: `)).toBe(true);
    outcome = 'rejected';
  }
  expect(performance.now() - t0, 'a read that never ends').toBeLessThan(HANG_GUARD_MS);
  return outcome;
}

describe('byte mutations of valid fixtures: success or CheckpointError, never another error, never a hang', () => {
  for (const model of MODELS) {
    it(`${model}.safetensors (positions weighted to the JSON header)`, () => {
      const file = `${model}.safetensors`;
      const bytes = fixture(file);
      const hot: [number, number] = [0, 8 + splitSafetensors(bytes).headerLength];
      const outcomes = { ok: 0, rejected: 0 };
      fc.assert(fc.property(fc.array(mutation(hot), { minLength: 1, maxLength: 4 }), (ms) => {
        outcomes[readsOrRejects(readSafetensors, apply(bytes, ms), file)]++;
      }), { numRuns: RUNS });
      expect(outcomes.rejected).toBeGreaterThan(0);
    });
  }

  for (const file of [...MODELS.map((m) => `${m}.pt`), 'gru2_prefixed.pt', 'gru2_nested.pt', 'gru2_strided.pt', 'gru2_params_p4.pt', 'dtypes.pt']) {
    it(`${file} (positions weighted to data.pkl and the central directory)`, () => {
      const bytes = fixture(file);
      const [pkl, pklEnd] = memberRange(bytes, '/data.pkl');
      const cd = new DataView(bytes.buffer).getUint32(bytes.length - 22 + 16, true); // central directory offset (EOCD)
      expect(openZip(bytes, file).entries.size).toBeGreaterThan(2);
      // region 0: anywhere; 1: data.pkl; 2: central directory and end record
      const regions: [number, number][] = [[0, bytes.length], [pkl, pklEnd], [cd, bytes.length]];
      fc.assert(fc.property(fc.array(mutation([0, bytes.length]), { minLength: 1, maxLength: 4 }), fc.constantFrom(0, 1, 1, 2), (ms, region) => {
        const [lo, hi] = regions[region] as [number, number];
        const mutated = apply(bytes, ms.map((m) => ({ ...m, at: lo + (m.at % Math.max(1, hi - lo)) })));
        readsOrRejects(readTorchZip, mutated, file);
      }), { numRuns: RUNS });
    });
  }
});

describe('random pickle programs over data.pkl: success or CheckpointError', () => {
  const enc = (s: string): number[] => [...Buffer.from(s, 'latin1')];
  const u32 = (n: number): number[] => [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >>> 24) & 0xff];
  const unicode = (s: string): number[] => { const b = [...Buffer.from(s, 'utf8')]; return [0x58, ...u32(b.length), ...b]; };
  const token: fc.Arbitrary<number[]> = fc.oneof(
    fc.constantFrom(
      [0x28], [0x29], [0x5d], [0x7d], [0x74], [0x85], [0x86], [0x87], [0x73], [0x75], [0x61], [0x65], [0x6c], [0x64],
      [0x52], [0x81], [0x62], [0x51], [0x30], [0x31], [0x32], [0x4e], [0x88], [0x89], [0x94], [0x93], [0x2e],
      enc('ccollections\nOrderedDict\n'), enc('ctorch._utils\n_rebuild_tensor_v2\n'), enc('ctorch._utils\n_rebuild_parameter\n'),
      enc('ctorch\nFloatStorage\n'), enc('ctorch\nHalfStorage\n'), enc('cbuiltins\neval\n'), enc('c__main__\nNet\n'),
      unicode('storage'), unicode('0'), unicode('1'), unicode('cpu'), unicode('state_dict'), unicode('weight_hh_l0'), unicode('model'),
      [0x8c, 3, ...enc('cpu')], [0x8a, 9, 0, 0, 0, 0, 0, 0, 0, 0, 1], [0x47, 0x3f, 0xd0, 0, 0, 0, 0, 0, 0], [0x4a, 0xff, 0xff, 0xff, 0xff],
    ),
    fc.integer({ min: 0, max: 255 }).map((n) => [0x4b, n]),
    fc.integer({ min: 0, max: 65535 }).map((n) => [0x4d, n & 0xff, n >> 8]),
    fc.integer({ min: 0, max: 12 }).map((n) => [0x71, n]),
    fc.integer({ min: 0, max: 12 }).map((n) => [0x68, n]),
    fc.integer({ min: 0, max: 12 }).map((n) => [0x6a, ...u32(n)]),
  );

  for (const file of ['gru2.pt', 'gru2_nested.pt', 'gru2_params_p4.pt']) {
    it(`${file}: opcode soup written over data.pkl`, () => {
      const bytes = fixture(file);
      const [pkl, pklEnd] = memberRange(bytes, '/data.pkl');
      const size = pklEnd - pkl;
      const outcomes = { ok: 0, rejected: 0 };
      fc.assert(fc.property(fc.array(token, { maxLength: 120 }), (tokens) => {
        const program = [0x80, 0x02, ...tokens.flat()].slice(0, size - 1);
        const patched = bytes.slice();
        patched.fill(0x2e, pkl, pkl + size); // STOP padding
        patched.set(program, pkl);
        outcomes[readsOrRejects(readTorchZip, patched, file)]++;
      }), { numRuns: RUNS * 2 });
      expect(outcomes.rejected).toBeGreaterThan(0);
    });
  }
});
