/**
 * Bad TF.js layers models: each one is a CheckpointError naming the file, the tensor or part,
 * what was expected and what was found.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseTfjsArtifacts, readTfjsLayers, tfjsCheckpoint } from '../../src/checkpoints/tfjsLayers.js';
import { expectCheckpointError, removeTempDirs, tfjsCopy } from './kerasHelpers.js';

afterAll(removeTempDirs);

interface ModelJson {
  format?: string;
  modelTopology: { model_config: { config: { layers: { class_name: string; config: Record<string, unknown> }[] } } } | null;
  weightsManifest: { paths: string[]; weights: { name: string; shape: number[]; dtype: string; quantization?: unknown }[] }[];
}

function edit(dir: string, f: (m: ModelJson) => void): string {
  const p = join(dir, 'model.json');
  const m = JSON.parse(readFileSync(p, 'utf8')) as ModelJson;
  f(m);
  writeFileSync(p, JSON.stringify(m));
  return p;
}

const SHARD = 'group1-shard1of1.bin';

describe('TF.js layers: bad input', () => {
  it('a directory without model.json', async () => {
    const dir = tfjsCopy('gru2');
    rmSync(join(dir, 'model.json'));
    await expectCheckpointError(readTfjsLayers(dir), { file: dir, where: 'directory', detail: /found no model\.json/ });
  });

  it('a path that does not exist', async () => {
    await expectCheckpointError(readTfjsLayers('/nonexistent/lrdkit/model'), { file: '/nonexistent/lrdkit/model', detail: /found nothing/ });
  });

  it('model.json that is not JSON', async () => {
    const dir = tfjsCopy('gru2');
    writeFileSync(join(dir, 'model.json'), '{"format": "layers-model", ');
    await expectCheckpointError(readTfjsLayers(dir), { file: join(dir, 'model.json'), where: 'model.json', detail: /expected JSON/ });
  });

  it('a truncated shard', async () => {
    const dir = tfjsCopy('gru2');
    const bytes = readFileSync(join(dir, SHARD));
    writeFileSync(join(dir, SHARD), bytes.subarray(0, bytes.length - 10));
    await expectCheckpointError(readTfjsLayers(dir), { where: SHARD, detail: new RegExp(`expected ${bytes.length} bytes .* found ${bytes.length - 10} \\(truncated`) });
  });

  it('a missing shard of a multi-shard group', async () => {
    const dir = tfjsCopy('lstm2');
    rmSync(join(dir, 'group1-shard3of4.bin'));
    await expectCheckpointError(readTfjsLayers(dir), { where: 'weight shard group1-shard3of4.bin', detail: /no such file/ });
  });

  it('a shard longer than the manifest says', async () => {
    const dir = tfjsCopy('gru2');
    const bytes = readFileSync(join(dir, SHARD));
    writeFileSync(join(dir, SHARD), Buffer.concat([bytes, Buffer.alloc(8)]));
    await expectCheckpointError(readTfjsLayers(dir), { where: SHARD, detail: /extra data/ });
  });

  it('a manifest whose weight sizes do not add up to the shard', async () => {
    const dir = tfjsCopy('gru2');
    edit(dir, (m) => {
      (m.weightsManifest[0]?.weights[0] as { shape: number[] }).shape = [5, 24];
    });
    await expectCheckpointError(readTfjsLayers(dir), { where: SHARD, detail: /expected 3168 bytes .* found 3072/ });
  });

  it('a weight name missing (its manifest entry and bytes removed)', async () => {
    const dir = tfjsCopy('gru2');
    const bytes = readFileSync(join(dir, SHARD));
    // Manifest order: gru kernel (4x24), recurrent (8x24), bias (2x24), then gru_1. Drop gru's bias.
    const start = 4 * (4 * 24 + 8 * 24), end = start + 4 * 48;
    writeFileSync(join(dir, SHARD), Buffer.concat([bytes.subarray(0, start), bytes.subarray(end)]));
    edit(dir, (m) => {
      m.weightsManifest[0]?.weights.splice(2, 1);
    });
    await expectCheckpointError(readTfjsLayers(dir), { where: 'layer gru', detail: /expected a weight named gru\/gru_cell\/bias for gru .*found none/ });
  });

  it('a weight of an unexpected name in a recurrent layer', async () => {
    const dir = tfjsCopy('gru2');
    edit(dir, (m) => {
      (m.weightsManifest[0]?.weights[1] as { name: string }).name = 'gru/gru_cell/recurrent_weights';
    });
    await expectCheckpointError(readTfjsLayers(dir), { where: 'weight gru/gru_cell/recurrent_weights', detail: /found 'recurrent_weights'/ });
  });

  it('no weights at all for a recurrent layer', async () => {
    const dir = tfjsCopy('gru2');
    edit(dir, (m) => {
      for (const w of m.weightsManifest[0]?.weights ?? []) w.name = w.name.replace(/^gru_1\//, 'other/');
    });
    await expectCheckpointError(readTfjsLayers(dir), { where: 'weightsManifest', detail: /expected weights named gru_1\/kernel .* found none/ });
  });

  it('a wrong shape (same byte size)', async () => {
    const dir = tfjsCopy('gru2');
    edit(dir, (m) => {
      (m.weightsManifest[0]?.weights[0] as { shape: number[] }).shape = [6, 16];
    });
    await expectCheckpointError(readTfjsLayers(dir), { where: 'tensor gru/gru_cell/kernel', detail: /expected shape \[input, 24\] .* found \[6, 16\]/ });
  });

  it('a recurrent kernel with the wrong width for the configured units', async () => {
    const dir = tfjsCopy('gru2');
    edit(dir, (m) => {
      const layer = m.modelTopology?.model_config.config.layers[1];
      if (layer) layer.config.units = 4;
    });
    await expectCheckpointError(readTfjsLayers(dir), { where: 'tensor gru/gru_cell/kernel', detail: /expected shape \[input, 12\] \(GRU kernel, units=4\), found \[4, 24\]/ });
  });

  it('a NaN weight', async () => {
    const dir = tfjsCopy('gru2');
    const bytes = readFileSync(join(dir, SHARD));
    bytes.writeFloatLE(Number.NaN, 4 * 5);
    writeFileSync(join(dir, SHARD), bytes);
    await expectCheckpointError(readTfjsLayers(dir), { where: 'tensor gru/gru_cell/kernel', detail: /expected finite weights, found NaN at flat index 5/ });
  });

  it('an infinite weight in the second layer', async () => {
    const dir = tfjsCopy('gru2');
    const bytes = readFileSync(join(dir, SHARD));
    bytes.writeFloatLE(Number.POSITIVE_INFINITY, 4 * (96 + 192 + 48 + 192 + 3));
    writeFileSync(join(dir, SHARD), bytes);
    await expectCheckpointError(readTfjsLayers(dir), { where: 'tensor gru_1/gru_cell_1/recurrent_kernel', detail: /found Infinity at flat index 3/ });
  });

  it('an unsupported layer class', async () => {
    const dir = tfjsCopy('gru2');
    edit(dir, (m) => {
      const layer = m.modelTopology?.model_config.config.layers[2];
      if (layer) layer.class_name = 'SimpleRNN';
    });
    await expectCheckpointError(readTfjsLayers(dir), { where: 'layer gru_1', detail: /unsupported recurrent layer gru_1 of class SimpleRNN/ });
  });

  it('ConvLSTM2D and CuDNNGRU are refused, non-recurrent unknown layers are skipped', async () => {
    for (const cls of ['ConvLSTM2D', 'CuDNNGRU']) {
      const dir = tfjsCopy('gru2');
      edit(dir, (m) => {
        const layer = m.modelTopology?.model_config.config.layers[1];
        if (layer) layer.class_name = cls;
      });
      await expectCheckpointError(readTfjsLayers(dir), { where: 'layer gru', detail: new RegExp(`class ${cls}`) });
    }
  });

  it('hard_sigmoid and other activations', async () => {
    const cases: [string, unknown, RegExp][] = [
      ['recurrent_activation', 'hard_sigmoid', /found 'hard_sigmoid' \(the default of Keras < 2\.3/],
      ['recurrent_activation', 'hardSigmoid', /found 'hard_sigmoid'/],
      ['activation', 'relu', /expected activation 'tanh' .* found 'relu'/],
      ['recurrent_activation', { module: 'keras.activations', class_name: 'function', config: 'swish', registered_name: 'swish' }, /found 'swish'/],
    ];
    for (const [key, value, detail] of cases) {
      const dir = tfjsCopy('gru2');
      edit(dir, (m) => {
        const layer = m.modelTopology?.model_config.config.layers[1];
        if (layer) layer.config[key] = value;
      });
      await expectCheckpointError(readTfjsLayers(dir), { where: 'layer gru', detail });
    }
  });

  it('reset_after true in the config but a (3h) bias', async () => {
    const dir = tfjsCopy('gru_reset_before');
    edit(dir, (m) => {
      const layer = m.modelTopology?.model_config.config.layers[1];
      if (layer) layer.config.reset_after = true;
    });
    await expectCheckpointError(readTfjsLayers(dir), { where: 'tensor gru/gru_cell/bias', detail: /expected shape \[2, 24\], found \[24\]/ });
  });

  it('a graph model and a weights-only model.json', async () => {
    const dir = tfjsCopy('gru2');
    edit(dir, (m) => {
      m.format = 'graph-model';
    });
    await expectCheckpointError(readTfjsLayers(dir), { where: 'format', detail: /graph models do not record layers/ });
    const dir2 = tfjsCopy('gru2');
    edit(dir2, (m) => {
      m.modelTopology = null;
    });
    await expectCheckpointError(readTfjsLayers(dir2), { where: 'modelTopology', detail: /found none/ });
  });

  it('quantized or non-float32 recurrent weights are refused; on other layers they are skipped', () => {
    const topology = JSON.parse(readFileSync(join(tfjsCopy('gru_blocks'), 'model.json'), 'utf8')).modelTopology as unknown;
    const f32 = new Float32Array(96 + 192 + 48).fill(0.01);
    const manifest = (quantizeRecurrent: boolean) => ({
      format: 'layers-model',
      modelTopology: topology,
      weightsManifest: [
        {
          paths: ['a.bin'],
          weights: [
            { name: 'extra/table', shape: [3], dtype: 'int32' },
            { name: 'extra/q', shape: [4], dtype: 'float32', quantization: { dtype: 'uint8', min: 0, scale: 1 } },
            { name: 'gru/gru_cell/kernel', shape: [4, 24], dtype: 'float32', ...(quantizeRecurrent ? { quantization: { dtype: 'float16', original_dtype: 'float32' } } : {}) },
            { name: 'gru/gru_cell/recurrent_kernel', shape: [8, 24], dtype: 'float32' },
            { name: 'gru/gru_cell/bias', shape: [2, 24], dtype: 'float32' },
          ],
        },
      ],
    });
    const shard = (quantized: boolean): Uint8Array => {
      const head = new Uint8Array(12 + 4 + (quantized ? 96 * 2 : 0));
      const rest = new Uint8Array(quantized ? f32.buffer.slice(96 * 4) : f32.buffer);
      const out = new Uint8Array(head.length + rest.length);
      out.set(rest, head.length);
      return out;
    };
    const ok = tfjsCheckpoint(parseTfjsArtifacts(JSON.stringify(manifest(false)), () => shard(false), 'mem/model.json'));
    expect(ok.layers[0]?.hiddenSize).toBe(8);
    expect(() => tfjsCheckpoint(parseTfjsArtifacts(JSON.stringify(manifest(true)), () => shard(true), 'mem/model.json'))).toThrow(/tensor gru\/gru_cell\/kernel: expected float32 weights, found quantized to float16/);
    const bad = manifest(false);
    (bad.weightsManifest[0]?.weights[0] as { dtype: string }).dtype = 'string';
    expect(() => parseTfjsArtifacts(JSON.stringify(bad), () => shard(false), 'mem/model.json')).toThrow(/tensor extra\/table: expected dtype float32 .* found "string"/);
  });

  it('a model without recurrent layers', async () => {
    const dir = tfjsCopy('gru_blocks');
    edit(dir, (m) => {
      const layer = m.modelTopology?.model_config.config.layers[1];
      if (layer) layer.class_name = 'Dense';
    });
    await expectCheckpointError(readTfjsLayers(dir), { where: 'modelTopology', detail: /expected at least one GRU or LSTM layer, found none \(layers: input_1 \(InputLayer\), gru \(Dense\)\)/ });
  });

  it('use_bias=False: a bias in the file is refused; without it the GRU reads with zero biases', async () => {
    const dir = tfjsCopy('gru_reset_before');
    edit(dir, (m) => {
      const layer = m.modelTopology?.model_config.config.layers[1];
      if (layer) layer.config.use_bias = false;
    });
    await expectCheckpointError(readTfjsLayers(dir), { where: 'layer gru', detail: /expected no bias for gru \(use_bias=False\), found gru\/gru_cell\/bias/ });
    const bytes = readFileSync(join(dir, SHARD));
    writeFileSync(join(dir, SHARD), bytes.subarray(0, bytes.length - 4 * 24));
    edit(dir, (m) => {
      m.weightsManifest[0]?.weights.pop();
    });
    const c = await readTfjsLayers(dir);
    expect(c.layers[0]?.hiddenSize).toBe(8);
    expect(c.layerInfo[0]?.tensors).toEqual(['gru/gru_cell/kernel', 'gru/gru_cell/recurrent_kernel']);
  });

  it('shard paths outside the model directory are refused', async () => {
    const dir = tfjsCopy('gru2');
    edit(dir, (m) => {
      (m.weightsManifest[0] as { paths: string[] }).paths = ['../../etc/passwd'];
    });
    await expectCheckpointError(readTfjsLayers(dir), { where: 'weight shard ../../etc/passwd', detail: /outside/ });
  });
});
