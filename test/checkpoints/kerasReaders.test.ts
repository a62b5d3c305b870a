/**
 * The Keras and TF.js readers on the fixtures of test/fixtures/checkpoints/generate_keras.py:
 * every fixture reads; for gru2, lstm2, bigru and gru_blocks the cells read from .h5, .keras and
 * TF.js are bit-identical to each other and to the cells built from weights.py's PyTorch-layout
 * arrays (keras/expected_<model>.json); the reset_after=False GRU matches a numpy
 * transcription of Keras' GRUCell.call (keras/reference.json) to 1e-12.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FactorizedCell } from '../../src/cells/factorized.js';
import { GruCell } from '../../src/cells/gru.js';
import { LstmCell } from '../../src/cells/lstm.js';
import { readKerasH5 } from '../../src/checkpoints/kerasH5.js';
import { readKerasV3 } from '../../src/checkpoints/kerasV3.js';
import type { KerasCheckpoint } from '../../src/checkpoints/internal/kerasWeights.js';
import { readTfjsLayers } from '../../src/checkpoints/tfjsLayers.js';
import { KERAS_DIR, MODELS, type ModelName, TFJS_DIR, expectSameCell, expectSameSteps, expectedCells, expectedResetBefore, kerasFixture } from './kerasHelpers.js';

async function allFormats(model: string): Promise<Record<string, KerasCheckpoint>> {
  return {
    h5: await readKerasH5(kerasFixture(`${model}.h5`), `${model}.h5`),
    keras: await readKerasV3(kerasFixture(`${model}.keras`), `${model}.keras`),
    tfjs: await readTfjsLayers(join(TFJS_DIR, model)),
  };
}

describe('Keras .h5, .keras and TF.js fixtures give the PyTorch-layout cells exactly', () => {
  for (const model of MODELS) {
    it(model, async () => {
      const expected = expectedCells(model as ModelName);
      const formats = await allFormats(model);
      for (const [fmt, ckpt] of Object.entries(formats)) {
        expect(ckpt.layers.length, `${model} ${fmt}: layers`).toBe(expected.cells.length);
        ckpt.layers.forEach((cell, i) => {
          const what = `${model} ${fmt} layer ${i}`;
          expectSameCell(cell, expected.cells[i] as (typeof expected.cells)[number], what);
          expectSameSteps(cell, expected.cells[i] as (typeof expected.cells)[number], what);
          const info = ckpt.layerInfo[i];
          expect(info?.direction, `${what} direction`).toBe(expected.directions[i]);
          expect(info?.depth, `${what} depth`).toBe(expected.depths[i]);
          expect(info?.layout).toBe('keras');
          expect(info?.tensors.length).toBe(3);
        });
      }
      // The three formats agree with each other too (same classes, same bits).
      formats.h5?.layers.forEach((cell, i) => {
        expectSameCell(cell, formats.keras?.layers[i] as typeof cell, `${model} h5 vs keras layer ${i}`);
        expectSameCell(cell, formats.tfjs?.layers[i] as typeof cell, `${model} h5 vs tfjs layer ${i}`);
      });
    });
  }

  it('formats, versions, skipped layers and names are reported', async () => {
    const lstm = await allFormats('lstm2');
    expect(lstm.h5?.format).toBe('keras-h5');
    expect(lstm.keras?.format).toBe('keras-v3');
    expect(lstm.tfjs?.format).toBe('tfjs-layers');
    expect(lstm.h5?.kerasVersion).toBe('2.15.0');
    expect(lstm.keras?.kerasVersion).toBe('3.6.0');
    expect(lstm.h5?.backend).toBe('tensorflow');
    expect(lstm.h5?.skippedLayers).toEqual([
      { name: 'input_1', className: 'InputLayer' },
      { name: 'dense', className: 'Dense' },
    ]);
    expect(lstm.h5?.layerInfo.map((l) => l.name)).toEqual(['lstm', 'lstm_1']);
    expect(lstm.h5?.layerInfo[0]?.tensors).toEqual(['model_weights/lstm/lstm/lstm_cell/kernel:0', 'model_weights/lstm/lstm/lstm_cell/recurrent_kernel:0', 'model_weights/lstm/lstm/lstm_cell/bias:0']);
    expect(lstm.keras?.layerInfo[1]?.tensors).toEqual(['layers/lstm_1/cell/vars/0', 'layers/lstm_1/cell/vars/1', 'layers/lstm_1/cell/vars/2']);
    expect(lstm.tfjs?.layerInfo[0]?.tensors).toEqual(['lstm/lstm_cell/kernel', 'lstm/lstm_cell/recurrent_kernel', 'lstm/lstm_cell/bias']);
    for (const c of Object.values(lstm)) expect(c.layers.every((l) => l instanceof LstmCell)).toBe(true);
  });

  it('gru_blocks is detected as a factorized cell with 2 groups in every format', async () => {
    for (const [fmt, c] of Object.entries(await allFormats('gru_blocks'))) {
      expect(c.layers[0], fmt).toBeInstanceOf(FactorizedCell);
      expect(c.layers[0]?.groups, fmt).toBe(2);
      expect(c.layerInfo[0]?.detectedGroups, fmt).toBe(2);
    }
  });

  it('bigru gives two layers, forward and backward, at depth 0', async () => {
    for (const [fmt, c] of Object.entries(await allFormats('bigru'))) {
      expect(c.modelClass, fmt).toBe('Functional');
      expect(c.layerInfo.map((l) => [l.name, l.direction, l.depth]), fmt).toEqual([
        ['bidirectional/forward_gru', 'forward', 0],
        ['bidirectional/backward_gru', 'backward', 0],
      ]);
    }
  });
});

describe('GRU with reset_after=False', () => {
  const reference = JSON.parse(readFileSync(join(KERAS_DIR, 'reference.json'), 'utf8')) as { points: { state: number[]; input: number[]; next: number[] }[] };

  it('matches the numpy transcription of Keras GRUCell.call to 1e-12 (.h5 and TF.js)', async () => {
    const cells = [(await readKerasH5(kerasFixture('gru_reset_before.h5'), 'gru_reset_before.h5')).layers[0], (await readTfjsLayers(join(TFJS_DIR, 'gru_reset_before'))).layers[0]];
    for (const cell of cells) {
      expect(cell).toBeInstanceOf(GruCell);
      expect((cell as GruCell).weights.resetAfter).toBe(false);
      expectSameCell(cell as GruCell, expectedResetBefore(), 'gru_reset_before');
      for (const p of reference.points) {
        const next = (cell as GruCell).step(Float64Array.from(p.state), Float64Array.from(p.input));
        next.forEach((v, i) => expect(Math.abs(v - (p.next[i] as number))).toBeLessThanOrEqual(1e-12));
      }
    }
    expect(reference.points.length).toBe(3);
  });

  it("tfjs-layers' own naming (layer/kernel, no reset_after in the config) reads, inferring reset_after from the bias", async () => {
    const c = await readTfjsLayers(join(TFJS_DIR, 'tfjs_naming', 'model.json'));
    expect(c.kerasVersion).toBe('tfjs-layers 4.22.0');
    expect(c.layerInfo.map((l) => l.name)).toEqual(['gru_GRU1', 'lstm_LSTM2']);
    expect(c.layerInfo[0]?.tensors).toEqual(['gru_GRU1/kernel', 'gru_GRU1/recurrent_kernel', 'gru_GRU1/bias']);
    expectSameCell(c.layers[0] as GruCell, expectedResetBefore(), 'tfjs_naming gru');
    expectSameCell(c.layers[1] as LstmCell, expectedCells('lstm2').cells[1] as LstmCell, 'tfjs_naming lstm');
    expect(c.notes.some((n) => n.includes('reset_after=False'))).toBe(true);
  });
});

describe('RNN wrappers and weights-only files', () => {
  it('RNN(GRUCell) reads as one GRU equal to gru2 layer 0', async () => {
    const c = await readKerasH5(kerasFixture('rnn_grucell.h5'), 'rnn_grucell.h5');
    expect(c.layerInfo.map((l) => l.name)).toEqual(['rnn']);
    expectSameCell(c.layers[0] as GruCell, expectedCells('gru2').cells[0] as GruCell, 'rnn_grucell');
  });

  it('RNN(StackedRNNCells) reads as two layers equal to gru2 (.h5 and .keras)', async () => {
    const gru2 = expectedCells('gru2').cells;
    for (const c of [await readKerasH5(kerasFixture('rnn_stacked.h5'), 'rnn_stacked.h5'), await readKerasV3(kerasFixture('rnn_stacked.keras'), 'rnn_stacked.keras')]) {
      expect(c.layerInfo.map((l) => [l.name, l.depth])).toEqual([
        ['rnn/gru_cell', 0],
        ['rnn/gru_cell_1', 1],
      ]);
      c.layers.forEach((cell, i) => expectSameCell(cell, gru2[i] as GruCell, `rnn_stacked layer ${i}`));
    }
  });

  it('a weights-only .h5 is refused by default and inferred from shapes when allowed', async () => {
    await expect(readKerasH5(kerasFixture('gru2_weights.h5'), 'gru2_weights.h5')).rejects.toThrow(/weights-only file/);
    const c = await readKerasH5(kerasFixture('gru2_weights.h5'), 'gru2_weights.h5', { allowWeightsOnly: true });
    expect(c.modelClass).toBe('weights-only');
    expect(c.layerInfo.map((l) => l.name)).toEqual(['gru', 'gru_1']);
    expect(c.notes[0]).toMatch(/activations assumed tanh \/ sigmoid/);
    const gru2 = expectedCells('gru2').cells;
    c.layers.forEach((cell, i) => expectSameCell(cell, gru2[i] as GruCell, `weights-only layer ${i}`));
  });
});
