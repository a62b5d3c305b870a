/**
 * Robustness of the Keras readers: byte mutations (bit flips, overwrites, truncation,
 * insertion, deletion) of every valid .h5 and .keras fixture make readKerasH5 / readKerasV3
 * either succeed or throw a CheckpointError: never another error type, never a crash of the
 * process, never a hang (h5wasm runs in a worker thread with a time limit; a read that aborts
 * the WebAssembly module or loops is stopped and reported). After the fuzzing the reader
 * still reads a valid file.
 *
 * Positions are drawn over the whole file and, more often, over the parts that are parsed
 * (the HDF5 superblock, object headers, heaps and attributes of the first 4 KiB; the zip's
 * directory and the weights file's start inside a .keras).
 *
 * Seeds: the fixed fast-check seed of test/support/fastCheckSetup.ts (replay a failure with the
 * printed seed and path: FC_SEED=<seed> npx vitest run test/checkpoints/kerasFuzz.test.ts).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyJsonEdits, jsonPaths } from '../support/jsonEdits.js';
import { CheckpointError } from '../../src/checkpoints/errors.js';
import { readKerasH5 } from '../../src/checkpoints/kerasH5.js';
import { readKerasV3 } from '../../src/checkpoints/kerasV3.js';
import { openZip } from '../../src/checkpoints/internal/zip.js';
import { MODELS, applyMutations, kerasFixture, mutationArbitrary, storedZip } from './kerasHelpers.js';

const RUNS = Number(process.env.FC_RUNS ?? 100);
const TIMEOUT_MS = 1000;

async function readsOrRejects(read: () => Promise<unknown>): Promise<'ok' | 'rejected'> {
  try {
    await read();
    return 'ok';
  } catch (e) {
    if (e instanceof CheckpointError) return 'rejected';
    throw e;
  }
}

describe('Keras readers under byte mutations: success or CheckpointError', () => {
  for (const model of [...MODELS, 'gru_reset_before', 'rnn_stacked']) {
    it(`${model}.h5`, async () => {
      const bytes = kerasFixture(`${model}.h5`);
      const outcomes = { ok: 0, rejected: 0 };
      await fc.assert(
        fc.asyncProperty(fc.array(mutationArbitrary([0, 4096]), { minLength: 1, maxLength: 6 }), async (ms) => {
          outcomes[await readsOrRejects(() => readKerasH5(applyMutations(bytes, ms), `${model}.h5`, { timeoutMs: TIMEOUT_MS }))]++;
        }),
        { numRuns: RUNS },
      );
      expect(outcomes.ok + outcomes.rejected).toBe(RUNS);
      expect(outcomes.rejected).toBeGreaterThan(0);
    });
  }

  for (const model of [...MODELS, 'rnn_stacked']) {
    it(`${model}.keras`, async () => {
      const bytes = kerasFixture(`${model}.keras`);
      const outcomes = { ok: 0, rejected: 0 };
      const h5Start = Buffer.from(bytes).indexOf(Buffer.from([0x89, 0x48, 0x44, 0x46]));
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.oneof(mutationArbitrary([Math.max(0, bytes.length - 400), bytes.length]), mutationArbitrary([h5Start, h5Start + 4096]), mutationArbitrary([0, 2000])), { minLength: 1, maxLength: 6 }),
          async (ms) => {
            outcomes[await readsOrRejects(() => readKerasV3(applyMutations(bytes, ms), `${model}.keras`, { timeoutMs: TIMEOUT_MS }))]++;
          },
        ),
        { numRuns: RUNS },
      );
      expect(outcomes.rejected).toBeGreaterThan(0);
    });
  }

  it('.keras config.json values (structural mutations)', async () => {
    const zip = openZip(kerasFixture('bigru.keras'), 'bigru.keras');
    const weights = zip.read('model.weights.h5');
    const config = JSON.parse(new TextDecoder().decode(zip.read('config.json'))) as unknown;
    const paths = jsonPaths(config);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ path: fc.integer({ min: 0, max: paths.length - 1 }), value: fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constant(undefined), fc.constantFrom(0, 3, 'GRU', 'LSTM', 'RNN', 'StackedRNNCells', 'GRUCell', null, [], {})) }), { minLength: 1, maxLength: 4 }),
        async (edits) => {
          const copy = applyJsonEdits(config, paths, edits);
          const bytes = storedZip([
            ['config.json', new TextEncoder().encode(JSON.stringify(copy))],
            ['model.weights.h5', weights],
          ]);
          await readsOrRejects(() => readKerasV3(bytes, 'bigru.keras', { timeoutMs: TIMEOUT_MS }));
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('reads a valid file after the fuzzing', async () => {
    const c = await readKerasH5(kerasFixture('gru2.h5'), 'gru2.h5');
    expect(c.layers.length).toBe(2);
    const k = await readKerasV3(kerasFixture('bigru.keras'), 'bigru.keras');
    expect(k.layers.length).toBe(2);
  });
});
