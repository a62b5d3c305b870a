/**
 * Bad Keras files (.h5 and .keras): each one is a CheckpointError naming the file, the tensor
 * or part, what was expected and what was found.
 */
import { describe, expect, it } from 'vitest';
import { HANG_GUARD_MS } from '../support/hangGuard.js';
import { readKerasH5 } from '../../src/checkpoints/kerasH5.js';
import { readKerasV3 } from '../../src/checkpoints/kerasV3.js';
import { openZip } from '../../src/checkpoints/internal/zip.js';
import { expectCheckpointError, indexOfBytes, kerasFixture, patchText, storedZip } from './kerasHelpers.js';

/** The members of a .keras fixture, for rebuilding it with changes. */
function members(name: string): Map<string, Uint8Array> {
  const bytes = kerasFixture(name);
  const zip = openZip(bytes, name);
  return new Map([...zip.entries.keys()].map((k) => [k, zip.read(k)]));
}

function rezip(m: Map<string, Uint8Array>): Uint8Array {
  return storedZip([...m.entries()]);
}

describe('Keras .h5: bad input', () => {
  it('not an HDF5 file', async () => {
    await expectCheckpointError(readKerasH5(new TextEncoder().encode('{"not": "hdf5"}'), 'x.h5'), { file: 'x.h5', where: 'HDF5', detail: /expected the HDF5 signature .* found 7b 22 6e/ });
  });

  it('a truncated file (superblock end-of-file address beyond the bytes)', async () => {
    const bytes = kerasFixture('gru2.h5');
    await expectCheckpointError(readKerasH5(bytes.subarray(0, 5000), 'gru2.h5'), { file: 'gru2.h5', where: 'HDF5', detail: new RegExp(`expected ${bytes.length} bytes .* found 5000 \\(truncated file\\)`) });
  });

  it('corrupted bytes in the object headers', async () => {
    const bytes = kerasFixture('gru2.h5');
    for (let i = 96; i < 2048; i++) bytes[i] = 0xa5;
    await expectCheckpointError(readKerasH5(bytes, 'gru2.h5'), { file: 'gru2.h5', where: 'HDF5', detail: /HDF5 library/ });
  });

  it('a damage that makes the HDF5 library loop is stopped by the time limit', async () => {
    // Found by the fuzz test: 7 bytes inserted at offset 2196 of gru2.h5 make the HDF5 library
    // spin while reading a root attribute (it ran for more than 90 s when allowed to).
    const bytes = kerasFixture('gru2.h5');
    const damaged = new Uint8Array(bytes.length + 7);
    damaged.set(bytes.subarray(0, 2196));
    damaged.set([1, 114, 203, 62, 161, 233, 36], 2196);
    damaged.set(bytes.subarray(2196), 2203);
    const t0 = performance.now();
    await expectCheckpointError(readKerasH5(damaged, 'gru2.h5', { timeoutMs: 1000 }), { where: 'HDF5', detail: /within 1000 ms, found it still running/ });
    expect(performance.now() - t0, 'the time limit stopped the read').toBeLessThan(HANG_GUARD_MS);
  });

  it('the reader keeps working after damaged files', async () => {
    const c = await readKerasH5(kerasFixture('gru2.h5'), 'gru2.h5');
    expect(c.layers.length).toBe(2);
  });

  it('an unsupported layer class (SimpleRNN)', async () => {
    await expectCheckpointError(readKerasH5(kerasFixture('bad_simplernn.h5'), 'bad_simplernn.h5'), {
      file: 'bad_simplernn.h5',
      where: 'model_config: layer simple_rnn',
      detail: /unsupported recurrent layer simple_rnn of class SimpleRNN/,
    });
  });

  it('hard_sigmoid recurrent activation', async () => {
    await expectCheckpointError(readKerasH5(kerasFixture('bad_hard_sigmoid.h5'), 'bad_hard_sigmoid.h5'), {
      file: 'bad_hard_sigmoid.h5',
      where: 'model_config: layer gru',
      detail: /expected recurrent_activation 'sigmoid', found 'hard_sigmoid'/,
    });
  });

  it('a NaN weight', async () => {
    const bytes = kerasFixture('gru_blocks.h5');
    const ckpt = await readKerasH5(bytes, 'gru_blocks.h5');
    void ckpt;
    // The first row of the kernel, as float32 little endian, sits verbatim in the file.
    const e = JSON.parse(new TextDecoder().decode(kerasFixture('expected_gru_blocks.json'))) as { layers: { weight_ih: number[][] }[] };
    // Keras kernel row 0 = column 0 of weight_ih in Keras gate order [z, r, n] = PyTorch rows [h..2h, 0..h, 2h..3h].
    const wih = e.layers[0]?.weight_ih as number[][];
    const h = 8;
    const row0 = [...wih.slice(h, 2 * h), ...wih.slice(0, h), ...wih.slice(2 * h)].map((r) => r[0] as number);
    const needle = new Uint8Array(Float32Array.from(row0.slice(0, 8)).buffer);
    const at = indexOfBytes(bytes, needle);
    expect(at).toBeGreaterThan(0);
    new DataView(bytes.buffer).setFloat32(at + 4 * 3, Number.NaN, true);
    await expectCheckpointError(readKerasH5(bytes, 'gru_blocks.h5'), { where: 'tensor model_weights/gru/gru/gru_cell/kernel:0', detail: /expected finite weights, found NaN at flat index 3/ });
  });

  it('a wrong shape (units in the config differ from the weights)', async () => {
    const bytes = patchText(kerasFixture('gru2.h5'), '"units": 8', '"units": 7');
    await expectCheckpointError(readKerasH5(bytes, 'gru2.h5'), { where: 'tensor model_weights/gru/gru/gru_cell/kernel:0', detail: /expected shape \[input, 21\] \(GRU kernel, units=7\), found \[4, 24\]/ });
  });

  it('a weight name whose dataset is missing', async () => {
    const bytes = patchText(kerasFixture('gru2.h5'), 'gru/gru_cell/recurrent_kernel:0', 'gru/gru_cell/recurrent_kernel:1');
    await expectCheckpointError(readKerasH5(bytes, 'gru2.h5'), {
      where: 'tensor model_weights/gru/gru/gru_cell/recurrent_kernel:1',
      detail: /expected a dataset at \/model_weights\/gru\/gru\/gru_cell\/recurrent_kernel:1, found nothing/,
    });
  });

  it('a weight of an unexpected name', async () => {
    const bytes = patchText(kerasFixture('gru2.h5'), 'gru/gru_cell/recurrent_kernel:0', 'gru/gru_cell/recurrent_kernxl:0');
    await expectCheckpointError(readKerasH5(bytes, 'gru2.h5'), { where: 'weight gru/gru_cell/recurrent_kernxl:0', detail: /found 'recurrent_kernxl'/ });
  });
});

describe('Keras .keras: bad input', () => {
  it('a zip without model.weights.h5', async () => {
    await expectCheckpointError(readKerasV3(kerasFixture('bad_no_weights.keras'), 'bad_no_weights.keras'), {
      file: 'bad_no_weights.keras',
      where: 'model.weights.h5',
      detail: /expected the archive member model\.weights\.h5 .* found members metadata\.json, config\.json/,
    });
  });

  it('npz weights', async () => {
    const m = members('gru2.keras');
    m.set('model.weights.npz', m.get('model.weights.h5') as Uint8Array);
    m.delete('model.weights.h5');
    await expectCheckpointError(readKerasV3(rezip(m), 'gru2.keras'), { where: 'model.weights.h5', detail: /found model\.weights\.npz/ });
  });

  it('not a zip', async () => {
    await expectCheckpointError(readKerasV3(kerasFixture('gru2.h5'), 'gru2.keras'), { file: 'gru2.keras', where: 'zip', detail: /end-of-central-directory/ });
  });

  it('config.json that does not parse, or is not a model', async () => {
    const m = members('gru2.keras');
    m.set('config.json', new TextEncoder().encode('{"class_name": '));
    await expectCheckpointError(readKerasV3(rezip(m), 'gru2.keras'), { where: 'config.json', detail: /expected JSON/ });
    m.set('config.json', new TextEncoder().encode(JSON.stringify({ module: 'my_models', class_name: 'MyModel', config: {}, registered_name: 'Custom>MyModel' })));
    await expectCheckpointError(readKerasV3(rezip(m), 'gru2.keras'), { where: 'config.json', detail: /expected a Sequential or Functional model config, found class MyModel \(subclassed/ });
  });

  it('weights missing for a layer (Keras 3 layout)', async () => {
    const m = members('gru2.keras');
    const cfg = JSON.parse(new TextDecoder().decode(m.get('config.json'))) as { config: { layers: { class_name: string }[] } };
    // Renaming the second GRU's class to LSTM changes both its expected kind and its group (lstm).
    const layer = cfg.config.layers[2] as { class_name: string; config: Record<string, unknown> };
    layer.class_name = 'LSTM';
    delete layer.config.reset_after;
    m.set('config.json', new TextEncoder().encode(JSON.stringify(cfg)));
    await expectCheckpointError(readKerasV3(rezip(m), 'gru2.keras'), { where: 'model.weights.h5', detail: /expected the weights of gru_1 at layers\/lstm\/cell\/vars\/0 .* found none/ });
  });

  it('a wrong shape', async () => {
    const m = members('gru_blocks.keras');
    const cfg = new TextDecoder().decode(m.get('config.json')).replace('"units": 8', '"units": 6');
    m.set('config.json', new TextEncoder().encode(cfg));
    await expectCheckpointError(readKerasV3(rezip(m), 'gru_blocks.keras'), { where: 'tensor layers/gru/cell/vars/0', detail: /expected shape \[input, 18\] .* found \[4, 24\]/ });
  });

  it('damaged weights file inside the archive', async () => {
    const m = members('gru2.keras');
    const h5 = (m.get('model.weights.h5') as Uint8Array).slice();
    m.set('model.weights.h5', h5.subarray(0, 3000));
    await expectCheckpointError(readKerasV3(rezip(m), 'gru2.keras'), { file: 'gru2.keras', where: 'model.weights.h5', detail: /truncated/ });
  });
});
