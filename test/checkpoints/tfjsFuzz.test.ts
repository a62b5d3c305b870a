/**
 * Robustness of the TF.js layers reader (and the lrdkit format reader on top of it): byte
 * mutations of model.json's text and of the weight shards of every valid fixture make
 * parseTfjsArtifacts + tfjsCheckpoint (or lrdkitFromArtifacts) either succeed or throw a
 * CheckpointError, never another error type.
 *
 * Seeds: the fixed fast-check seed of test/support/fastCheckSetup.ts (replay a failure with the
 * printed seed and path: FC_SEED=<seed> npx vitest run test/checkpoints/tfjsFuzz.test.ts).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { applyJsonEdits, jsonPaths } from '../support/jsonEdits.js';
import { randomContextSwitchingCell, randomDenseCell, randomFactorizedCell } from '../../src/cells/random.js';
import { CheckpointError } from '../../src/checkpoints/errors.js';
import { lrdkitFromArtifacts, writeLrdkitCheckpoint } from '../../src/checkpoints/lrdkitFormat.js';
import { parseTfjsArtifacts, tfjsCheckpoint } from '../../src/checkpoints/tfjsLayers.js';
import { createRng } from '../../src/processes/prng.js';
import { TFJS_DIR, applyMutations, mutationArbitrary, removeTempDirs, tempDir } from './kerasHelpers.js';

afterAll(removeTempDirs);

const RUNS = Number(process.env.FC_RUNS ?? 150);

function load(dir: string): { json: Uint8Array; shards: Map<string, Uint8Array> } {
  const files = readdirSync(dir);
  return {
    json: new Uint8Array(readFileSync(join(dir, 'model.json'))),
    shards: new Map(files.filter((f) => f !== 'model.json').map((f) => [f, new Uint8Array(readFileSync(join(dir, f)))])),
  };
}

function read(json: Uint8Array, shards: Map<string, Uint8Array>): 'ok' | 'rejected' {
  try {
    const art = parseTfjsArtifacts(
      json,
      (p) => {
        const s = shards.get(p);
        if (!s) throw new CheckpointError('mem/model.json', `weight shard ${p}`, 'expected the shard file, found no such file');
        return s;
      },
      'mem/model.json',
    );
    const udm = art.modelJson.userDefinedMetadata as { lrdkit?: unknown } | undefined;
    if (udm && typeof udm === 'object' && udm.lrdkit !== undefined) lrdkitFromArtifacts(art, udm.lrdkit);
    else tfjsCheckpoint(art);
    return 'ok';
  } catch (e) {
    if (e instanceof CheckpointError) return 'rejected';
    throw e;
  }
}

const lrdkitDir = (): string => {
  const rng = createRng(11);
  const dir = join(tempDir('lrdkit-fuzz-'), 'model');
  writeLrdkitCheckpoint(dir, [
    { name: 'dense', cell: randomDenseCell(rng, { kind: 'gru', inputSize: 4, hiddenSize: 4, resetAfter: false }) },
    { name: 'fact', cell: randomFactorizedCell(rng, { kind: 'lstm', inputSize: 4, hiddenSize: 4, groups: 2 }) },
    { name: 'cs', cell: randomContextSwitchingCell(rng, { kind: 'gru', inputSize: 4, hiddenSize: 4, groups: 2, auxiliaryHiddenSize: 2 }) },
  ]);
  return dir;
};

describe('TF.js reader under byte mutations: success or CheckpointError', () => {
  const dirs: [string, string][] = [...['gru2', 'lstm2', 'bigru', 'gru_blocks', 'gru_reset_before', 'tfjs_naming'].map((m) => [m, join(TFJS_DIR, m)] as [string, string]), ['lrdkit', lrdkitDir()]];
  for (const [name, dir] of dirs) {
    it(`${name}: model.json text`, () => {
      const { json, shards } = load(dir);
      expect(read(json, shards)).toBe('ok');
      const outcomes = { ok: 0, rejected: 0 };
      fc.assert(
        fc.property(fc.array(mutationArbitrary([0, json.length]), { minLength: 1, maxLength: 6 }), (ms) => {
          outcomes[read(applyMutations(json, ms), shards)]++;
        }),
        { numRuns: RUNS },
      );
      expect(outcomes.rejected).toBeGreaterThan(0);
    });

    it(`${name}: model.json values (structural mutations)`, () => {
      const { json, shards } = load(dir);
      const parsed = JSON.parse(new TextDecoder().decode(json)) as unknown;
      const paths = jsonPaths(parsed);
      const outcomes = { ok: 0, rejected: 0 };
      fc.assert(
        fc.property(
          fc.array(fc.record({ path: fc.integer({ min: 0, max: paths.length - 1 }), value: fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constant(undefined), fc.constantFrom(-1, 0, 1.5, 1e12, 'GRU', 'LSTM', 'Bidirectional', 'RNN', null, [], {})) }), { minLength: 1, maxLength: 4 }),
          (edits) => {
            const copy = applyJsonEdits(parsed, paths, edits);
            outcomes[read(new TextEncoder().encode(JSON.stringify(copy)), shards)]++;
          },
        ),
        { numRuns: RUNS },
      );
      expect(outcomes.ok + outcomes.rejected).toBe(RUNS);
    });

    it(`${name}: weight shards`, () => {
      const { json, shards } = load(dir);
      const names = [...shards.keys()];
      const outcomes = { ok: 0, rejected: 0 };
      fc.assert(
        fc.property(fc.integer({ min: 0, max: names.length - 1 }), fc.array(mutationArbitrary([0, 64]), { minLength: 1, maxLength: 6 }), (k, ms) => {
          const mutated = new Map(shards);
          const shard = names[k] as string;
          mutated.set(shard, applyMutations(shards.get(shard) as Uint8Array, ms));
          outcomes[read(json, mutated)]++;
        }),
        { numRuns: RUNS },
      );
      expect(outcomes.ok + outcomes.rejected).toBe(RUNS);
    });
  }
});
