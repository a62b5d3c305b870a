/**
 * Keras 3 `.keras` checkpoints (also tf.keras 2.13-2.15's `.keras`) to lrdkit cells.
 *
 * A `.keras` file is a zip (keras/src/saving/saving_lib.py) holding `metadata.json`
 * (keras_version, date_saved), `config.json` (the serialized model) and `model.weights.h5`.
 * In the weights file every saveable object has a `vars` group with its own variables as
 * datasets `0`, `1`, ... in creation order; the model's layers sit under `layers/` (Keras 3) or
 * `_layer_checkpoint_dependencies/` (tf.keras 2.13-2.15), each named by the snake_case of its
 * *class* with a per-class counter (`gru`, `gru_1`, `bidirectional`; saving_lib's
 * `_save_container_state`), and a layer's sub-objects by attribute name:
 *
 *     layers/gru/cell/vars/{0,1,2}                       GRU / LSTM: kernel, recurrent_kernel, bias
 *     layers/bidirectional/forward_layer/cell/vars/...   Bidirectional
 *     layers/bidirectional/backward_layer/cell/vars/...
 *     layers/rnn/cell/vars/...                           RNN(GRUCell)
 *     layers/rnn/cell/cells/gru_cell_1/vars/...          RNN(StackedRNNCells), second cell
 *
 * When the expected group is absent, the `vars` groups found under the layer's group are used
 * in path order if their number matches the config's cells. The config is interpreted as for
 * the other Keras readers (./internal/kerasConfig.ts); `.npz` weights (weights_format='npz')
 * are not read.
 *
 * @module
 */
import { CheckpointError } from './errors.js';
import { parseCheckedJson } from './internal/checkedJson.js';
import { type H5File, datasetAt, h5Tensor, joinPath, readHdf5 } from './internal/hdf5.js';
import { planKerasModel } from './internal/kerasConfig.js';
import { type KerasCheckpoint, buildKerasCheckpoint, v3CellTensors } from './internal/kerasWeights.js';
import type { RawTensor } from './internal/layers.js';
import { openZip } from './internal/zip.js';

export type { KerasCheckpoint } from './internal/kerasWeights.js';

/** Options of {@link readKerasV3}. */
export interface ReadKerasV3Options {
  /** Milliseconds before an HDF5 read that does not finish is stopped (default 30 s + 1 s per 10 MB). */
  timeoutMs?: number;
}

/** Lookups of Keras 3 `vars` datasets in an HDF5 file. */
export function v3Lookups(h5: H5File, file: string): { lookup: (path: string) => RawTensor | undefined; listVars: (prefix: string) => string[] } {
  return {
    lookup: (path) => (datasetAt(h5, path) ? h5Tensor(h5, path, file, `model.weights.h5:${joinPath(path)}`) : undefined),
    listVars: (prefix) => {
      const p = joinPath(prefix);
      const out: string[] = [];
      for (const [path, o] of h5.objects) {
        if (o.type === 'group' && path.startsWith(`${p}/`) && path.endsWith('/vars') && o.children.length > 0) out.push(path.slice(1));
      }
      return out;
    },
  };
}

function parseJson(bytes: Uint8Array, file: string, member: string): unknown {
  return parseCheckedJson(new TextDecoder('utf-8').decode(bytes), file, member);
}

/**
 * Reads the recurrent layers of a `.keras` archive held in memory.
 *
 * @throws CheckpointError naming the file and the member or tensor: not a zip, no config.json
 *   or model.weights.h5, damaged HDF5, unsupported layer or activation, missing weights, wrong
 *   shapes, NaN or infinite weights
 * @example
 * const ckpt = await readKerasV3(readFileSync('model.keras'), 'model.keras');
 */
export async function readKerasV3(bytes: Uint8Array, file: string, options: ReadKerasV3Options = {}): Promise<KerasCheckpoint> {
  const zip = openZip(bytes, file);
  if (!zip.entries.has('config.json')) {
    throw new CheckpointError(file, 'config.json', `expected a Keras 3 archive with config.json, found members ${[...zip.entries.keys()].slice(0, 8).join(', ') || 'none'}`);
  }
  const config = parseJson(zip.read('config.json'), file, 'config.json');
  let kerasVersion: string | null = null;
  if (zip.entries.has('metadata.json')) {
    const meta = parseJson(zip.read('metadata.json'), file, 'metadata.json');
    if (typeof meta === 'object' && meta !== null && typeof (meta as { keras_version?: unknown }).keras_version === 'string') kerasVersion = (meta as { keras_version: string }).keras_version;
  }
  const plan = planKerasModel(config, file, 'config.json');
  if (!zip.entries.has('model.weights.h5')) {
    const npz = zip.entries.has('model.weights.npz');
    throw new CheckpointError(
      file,
      'model.weights.h5',
      npz ? "expected the weights as model.weights.h5, found model.weights.npz (weights_format='npz' is not read; save with the default h5 weights)" : `expected the archive member model.weights.h5 (the model's weights), found members ${[...zip.entries.keys()].join(', ')}`,
    );
  }
  const h5 = await readHdf5(zip.read('model.weights.h5'), file, { where: 'model.weights.h5', skipTopLevel: ['optimizer'], ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}) });
  const { lookup, listVars } = v3Lookups(h5, file);
  return buildKerasCheckpoint(plan, (layer, i) => v3CellTensors(layer, i, lookup, listVars, file, 'model.weights.h5'), {
    path: file,
    format: 'keras-v3',
    kerasVersion,
    backend: null,
    where: 'config.json',
  });
}
