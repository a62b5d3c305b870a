/**
 * lrdkit's own checkpoint format: writing cells as a TF.js layers model with lrdkit metadata
 * and reading them back gives the same classes (GruCell, LstmCell, FactorizedCell,
 * ContextSwitchingCell) with bit-identical weights and steps when the weights are
 * float32-representable; float64 weights come back rounded to float32.
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ContextSwitchingCell } from '../../src/cells/contextSwitching.js';
import { type DenseCell, FactorizedCell } from '../../src/cells/factorized.js';
import { GruCell } from '../../src/cells/gru.js';
import { LstmCell } from '../../src/cells/lstm.js';
import { randomContextSwitchingCell, randomDenseCell, randomFactorizedCell } from '../../src/cells/random.js';
import type { Cell, GateWeights } from '../../src/cells/types.js';
import { LRDKIT_SHARD, type LrdkitCheckpoint, readLrdkitCheckpoint, writeLrdkitCheckpoint } from '../../src/checkpoints/lrdkitFormat.js';
import { readTfjsLayers } from '../../src/checkpoints/tfjsLayers.js';
import { createRng } from '../../src/processes/prng.js';
import { TFJS_DIR, expectCheckpointError, expectSameCell, expectSameSteps, expectedCells, removeTempDirs, tempDir } from './kerasHelpers.js';

afterAll(removeTempDirs);

const round = (a: Float64Array): Float64Array => a.map((v) => Math.fround(v));

function roundGate(g: GateWeights): GateWeights {
  return { input: round(g.input), recurrent: round(g.recurrent), inputBias: round(g.inputBias), recurrentBias: round(g.recurrentBias) };
}

/** The same cell with every weight rounded to float32 (Math.fround). */
function fround<C extends Cell>(cell: C): C {
  if (cell instanceof GruCell) {
    const w = cell.weights;
    return new GruCell({ ...w, z: roundGate(w.z), r: roundGate(w.r), n: roundGate(w.n) }) as unknown as C;
  }
  if (cell instanceof LstmCell) {
    const w = cell.weights;
    return new LstmCell({ ...w, i: roundGate(w.i), f: roundGate(w.f), g: roundGate(w.g), o: roundGate(w.o) }) as unknown as C;
  }
  if (cell instanceof FactorizedCell) return new FactorizedCell(cell.blocks.map((b) => fround(b))) as unknown as C;
  if (cell instanceof ContextSwitchingCell) {
    const f = cell as unknown as { readoutWeight: Float64Array; readoutBias: Float64Array };
    const g = cell.groups, ha = cell.auxiliary.hiddenSize;
    const weight = Array.from({ length: g }, (_, b) => Array.from(round(f.readoutWeight.subarray(b * ha, (b + 1) * ha))));
    return new ContextSwitchingCell({
      experts: fround(cell.experts),
      auxiliary: fround(cell.auxiliary as DenseCell),
      readout: { weight, bias: Array.from(round(f.readoutBias)) },
      maskInput: cell.maskInput,
      maskOutput: cell.maskOutput,
    }) as unknown as C;
  }
  throw new Error('fround: unknown cell');
}

const tmp = (): string => join(tempDir('lrdkit-fmt-'), 'model');

async function roundTrip(layers: { name: string; cell: Cell }[], metadata = {}): Promise<LrdkitCheckpoint> {
  const dir = tmp();
  const result = writeLrdkitCheckpoint(dir, layers, metadata);
  expect(result.exact).toBe(true);
  expect(readdirSync(dir).sort()).toEqual([LRDKIT_SHARD, 'model.json']);
  const back = await readLrdkitCheckpoint(dir);
  expect(back.format).toBe('lrdkit');
  return back as LrdkitCheckpoint;
}

describe('lrdkit format round trip (float32-representable weights: exact)', () => {
  const rng = createRng(20180409);
  const cases: { what: string; cell: Cell; cls: unknown }[] = [
    { what: 'dense GRU, reset_after', cell: fround(randomDenseCell(rng, { kind: 'gru', inputSize: 3, hiddenSize: 5 })), cls: GruCell },
    { what: 'dense GRU, reset_after=false with recurrent bias', cell: fround(randomDenseCell(rng, { kind: 'gru', inputSize: 3, hiddenSize: 4, resetAfter: false })), cls: GruCell },
    { what: 'dense GRU, reset_after=false, one bias', cell: fround(randomDenseCell(rng, { kind: 'gru', inputSize: 2, hiddenSize: 4, resetAfter: false, recurrentBias: false })), cls: GruCell },
    { what: 'dense LSTM, two biases', cell: fround(randomDenseCell(rng, { kind: 'lstm', inputSize: 4, hiddenSize: 3 })), cls: LstmCell },
    { what: 'dense LSTM, one bias', cell: fround(randomDenseCell(rng, { kind: 'lstm', inputSize: 4, hiddenSize: 3, recurrentBias: false })), cls: LstmCell },
    { what: 'factorized GRU g=2', cell: fround(randomFactorizedCell(rng, { kind: 'gru', inputSize: 4, hiddenSize: 8, groups: 2 })), cls: FactorizedCell },
    { what: 'factorized GRU g=4', cell: fround(randomFactorizedCell(rng, { kind: 'gru', inputSize: 8, hiddenSize: 8, groups: 4 })), cls: FactorizedCell },
    { what: 'factorized LSTM g=2', cell: fround(randomFactorizedCell(rng, { kind: 'lstm', inputSize: 4, hiddenSize: 6, groups: 2 })), cls: FactorizedCell },
    { what: 'factorized LSTM g=4', cell: fround(randomFactorizedCell(rng, { kind: 'lstm', inputSize: 4, hiddenSize: 8, groups: 4 })), cls: FactorizedCell },
    {
      what: 'context-switching GRU g=2',
      cell: fround(randomContextSwitchingCell(rng, { kind: 'gru', inputSize: 4, hiddenSize: 6, groups: 2, auxiliaryHiddenSize: 3 })),
      cls: ContextSwitchingCell,
    },
    {
      what: 'context-switching LSTM g=4, masked output',
      cell: fround(randomContextSwitchingCell(rng, { kind: 'lstm', inputSize: 8, hiddenSize: 8, groups: 4, auxiliaryHiddenSize: 5, maskInput: false, maskOutput: true })),
      cls: ContextSwitchingCell,
    },
  ];
  for (const c of cases) {
    it(c.what, async () => {
      const back = await roundTrip([{ name: 'layer', cell: c.cell }]);
      const cell = back.layers[0] as Cell;
      expect(cell).toBeInstanceOf(c.cls as new (...a: never[]) => Cell);
      expectSameCell(cell, c.cell, c.what);
      expectSameSteps(cell, c.cell, c.what);
      expect(cell.parameterCount).toBe(c.cell.parameterCount);
      expect(back.layerInfo[0]).toMatchObject({ name: 'layer', depth: 0, direction: 'forward', layout: 'lrdkit', detectedGroups: c.cell.groups });
      if (c.cell instanceof ContextSwitchingCell) {
        expect((cell as ContextSwitchingCell).maskInput).toBe(c.cell.maskInput);
        expect((cell as ContextSwitchingCell).maskOutput).toBe(c.cell.maskOutput);
      }
      if (c.cell instanceof FactorizedCell) (cell as FactorizedCell).blocks.forEach((b, i) => expect(b.weights.biasVectors).toBe((c.cell as FactorizedCell).blocks[i]?.weights.biasVectors));
    });
  }

  it('several layers, metadata, depth and direction', async () => {
    const a = fround(randomDenseCell(rng, { kind: 'gru', inputSize: 4, hiddenSize: 6 }));
    const b = fround(randomFactorizedCell(rng, { kind: 'gru', inputSize: 6, hiddenSize: 6, groups: 2 }));
    const dir = tmp();
    writeLrdkitCheckpoint(dir, [{ name: 'enc', cell: a }, { name: 'dec', cell: b, depth: 3, direction: 'backward' }], { task: 'copy', seed: 42, note: { lr: 0.01 } });
    const back = (await readLrdkitCheckpoint(join(dir, 'model.json'))) as LrdkitCheckpoint;
    expect(back.metadata).toEqual({ task: 'copy', seed: 42, note: { lr: 0.01 } });
    expect(back.layerInfo.map((l) => [l.name, l.depth, l.direction])).toEqual([
      ['enc', 0, 'forward'],
      ['dec', 3, 'backward'],
    ]);
    expectSameCell(back.layers[1] as Cell, b, 'dec');
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as { userDefinedMetadata: { lrdkit: { version: number; layers: { variant: string; layout: string }[] } } };
    expect(json.userDefinedMetadata.lrdkit.version).toBe(1);
    expect(json.userDefinedMetadata.lrdkit.layers.map((l) => [l.variant, l.layout])).toEqual([
      ['dense', 'keras'],
      ['factorized', 'keras'],
    ]);
  });

  it('float64 weights are stored rounded to float32 (exact = false)', async () => {
    const cell = randomDenseCell(createRng(3), { kind: 'lstm', inputSize: 2, hiddenSize: 3 });
    const dir = tmp();
    expect(writeLrdkitCheckpoint(dir, [{ name: 'lstm', cell }]).exact).toBe(false);
    const back = await readLrdkitCheckpoint(dir);
    expectSameCell(back.layers[0] as Cell, fround(cell), 'rounded');
  });

  it('dense layers stay readable by the plain TF.js reader; factorized layers are refused there with a pointer', async () => {
    const gru = fround(randomDenseCell(rng, { kind: 'gru', inputSize: 4, hiddenSize: 6 }));
    const dir = tmp();
    writeLrdkitCheckpoint(dir, [{ name: 'gru', cell: gru }]);
    const plain = await readTfjsLayers(dir);
    expect(plain.format).toBe('tfjs-layers');
    expectSameCell(plain.layers[0] as Cell, gru, 'plain read');
    const dir2 = tmp();
    writeLrdkitCheckpoint(dir2, [{ name: 'f', cell: fround(randomFactorizedCell(rng, { kind: 'gru', inputSize: 4, hiddenSize: 4, groups: 2 })) }]);
    await expectCheckpointError(readTfjsLayers(dir2), { where: 'layer f', detail: /readLrdkitCheckpoint/ });
  });

  it('without lrdkit metadata, readLrdkitCheckpoint falls back to plain TF.js reading', async () => {
    const c = await readLrdkitCheckpoint(join(TFJS_DIR, 'gru2'));
    expect(c.format).toBe('tfjs-layers');
    expectSameCell(c.layers[0] as Cell, expectedCells('gru2').cells[0] as Cell, 'fallback');
  });
});

describe('lrdkit format errors', () => {
  const cell = fround(randomDenseCell(createRng(5), { kind: 'gru', inputSize: 2, hiddenSize: 2 })) as GruCell;

  it('refuses bad layer names, duplicates and empty lists', () => {
    expect(() => writeLrdkitCheckpoint(tmp(), [])).toThrow(/at least one layer/);
    expect(() => writeLrdkitCheckpoint(tmp(), [{ name: 'a/b', cell }])).toThrow(/letters, digits/);
    expect(() => writeLrdkitCheckpoint(tmp(), [{ name: 'a', cell }, { name: 'a', cell }])).toThrow(/unique/);
    expect(() => writeLrdkitCheckpoint(tmp(), [{ name: 'a', cell }], { seed: 1, big: 10n })).toThrow(/JSON-serializable metadata/);
  });

  it('refuses weights beyond the float32 range', () => {
    const w = cell.weights;
    const big = new GruCell({ ...w, z: { ...w.z, inputBias: Float64Array.from([1e300, 0]) } });
    expect(() => writeLrdkitCheckpoint(tmp(), [{ name: 'g', cell: big }])).toThrow(/float32 range/);
  });

  it('names the file and part for a bad metadata version, a missing tensor and a truncated shard', async () => {
    const dir = tmp();
    writeLrdkitCheckpoint(dir, [{ name: 'g', cell }]);
    const jsonPath = join(dir, 'model.json');
    const original = readFileSync(jsonPath, 'utf8');
    const json = JSON.parse(original) as { userDefinedMetadata: { lrdkit: { version: number; layers: { blocks: { prefix: string }[] }[] } } };
    json.userDefinedMetadata.lrdkit.version = 2;
    writeFileSync(jsonPath, JSON.stringify(json));
    await expectCheckpointError(readLrdkitCheckpoint(dir), { file: jsonPath, where: 'userDefinedMetadata.lrdkit.version', detail: /expected 1, found 2/ });
    json.userDefinedMetadata.lrdkit.version = 1;
    (json.userDefinedMetadata.lrdkit.layers[0]?.blocks[0] as { prefix: string }).prefix = 'other';
    writeFileSync(jsonPath, JSON.stringify(json));
    await expectCheckpointError(readLrdkitCheckpoint(dir), { where: 'tensor other/kernel', detail: /found none/ });
    writeFileSync(jsonPath, original);
    const shard = readFileSync(join(dir, LRDKIT_SHARD));
    writeFileSync(join(dir, LRDKIT_SHARD), shard.subarray(0, shard.length - 4));
    await expectCheckpointError(readLrdkitCheckpoint(dir), { where: LRDKIT_SHARD, detail: /truncated/ });
    expect(existsSync(`${jsonPath}.tmp-${process.pid}`)).toBe(false);
  });
});
