/**
 * Robustness of the ONNX and TorchScript readers, with the byte mutations the other readers'
 * fuzzers use (test/support/byteMutations.ts): any mutation of a valid fixture makes
 * readOnnxBytes / readTorchScript either succeed or throw a CheckpointError naming the file,
 * never another error type. ONNX: every fixture that reads, positions over the whole protobuf
 * (every byte is parsed); TorchScript: positions weighted to data.pkl and the central directory.
 * A hang would fail the test by vitest's test timeout.
 *
 * Seeds: the fixed fast-check seed of test/support/fastCheckSetup.ts (replay a failure with the
 * printed seed and path: FC_SEED=<seed> npx vitest run test/checkpoints/onnxTorchScriptFuzz.test.ts).
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Checkpoint } from '../../src/checkpoints/types.js';
import { CheckpointError } from '../../src/checkpoints/errors.js';
import { readOnnxBytes } from '../../src/checkpoints/onnx.js';
import { readTorchScript } from '../../src/checkpoints/torchScript.js';
import { applyMutations, mutationArbitrary } from '../support/byteMutations.js';
import { memberRange } from './torchFixtures.js';

const RUNS = Number(process.env.FC_RUNS ?? 200);
const FX = new URL('../fixtures/checkpoints/', import.meta.url);
/** Protobuf-significant bytes: wire-type tags of ModelProto / GraphProto / NodeProto fields, varint continuation. */
const PROTOBUF_SIGNIFICANT = [0x00, 0x08, 0x0a, 0x12, 0x1a, 0x22, 0x3a, 0x42, 0x80, 0xff, 0x7f] as const;
const PICKLE_SIGNIFICANT = [0x00, 0xff, 0x7f, 0x80, 0x28, 0x2e, 0x22, 0x5d, 0x7d, 0x81, 0x62] as const;

function readsOrRejects(read: (b: Uint8Array, f: string) => Checkpoint, bytes: Uint8Array, file: string): 'ok' | 'rejected' {
  try {
    read(bytes, file);
    return 'ok';
  } catch (e) {
    if (!(e instanceof CheckpointError)) throw e;
    expect(e.message.startsWith(`${file}: `)).toBe(true);
    return 'rejected';
  }
}

describe('ONNX reader under byte mutations: success or CheckpointError', () => {
  for (const name of ['gru2', 'lstm2', 'bigru', 'gru_lbr0', 'if_branches', 'conv_lstm']) {
    it(`${name}.onnx`, () => {
      const bytes = new Uint8Array(readFileSync(new URL(`onnx/${name}.onnx`, FX)));
      const file = `${name}.onnx`;
      const outcomes = { ok: 0, rejected: 0 };
      fc.assert(fc.property(fc.array(mutationArbitrary([0, bytes.length], PROTOBUF_SIGNIFICANT), { minLength: 1, maxLength: 4 }), (ms) => {
        outcomes[readsOrRejects(readOnnxBytes, applyMutations(bytes, ms), file)]++;
      }), { numRuns: RUNS });
      expect(outcomes.rejected).toBeGreaterThan(0);
    });
  }
});

describe('TorchScript reader under byte mutations: success or CheckpointError', () => {
  for (const name of ['gru2_script', 'bigru_script', 'lstm2_trace']) {
    it(`${name}.pt (positions weighted to data.pkl and the central directory)`, () => {
      const bytes = new Uint8Array(readFileSync(new URL(`torchscript/${name}.pt`, FX)));
      const file = `${name}.pt`;
      const [pkl, pklEnd] = memberRange(bytes, '/data.pkl');
      const cd = new DataView(bytes.buffer, bytes.byteOffset).getUint32(bytes.length - 22 + 16, true);
      const regions: [number, number][] = [[0, bytes.length], [pkl, pklEnd], [cd, bytes.length]];
      const outcomes = { ok: 0, rejected: 0 };
      fc.assert(fc.property(fc.array(mutationArbitrary([0, bytes.length], PICKLE_SIGNIFICANT), { minLength: 1, maxLength: 4 }), fc.constantFrom(0, 1, 1, 2), (ms, region) => {
        const [lo, hi] = regions[region] as [number, number];
        const mutated = applyMutations(bytes, ms.map((m) => ({ ...m, at: lo + (m.at % Math.max(1, hi - lo)) })));
        outcomes[readsOrRejects(readTorchScript, mutated, file)]++;
      }), { numRuns: RUNS });
      expect(outcomes.rejected).toBeGreaterThan(0);
    });
  }
});
