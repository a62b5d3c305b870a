/**
 * Keras 3 weights-only files (`model.save_weights('w.weights.h5')`): the variables of every layer
 * under `layers/<layer>/.../vars/0, 1, 2` with no model config. GRU / LSTM layers are recognised
 * from the shapes, as for Keras 2 weights-only files (./kerasH5.ts):
 *
 *     vars/1 recurrent_kernel (h, 3h) -> GRU, (h, 4h) -> LSTM; vars/0 kernel (d, G h)
 *     vars/2 bias (2, 3h) -> GRU reset_after=True, (3h) -> reset_after=False; LSTM (4h)
 *     forward_layer/... backward_layer/... -> the directions of a Bidirectional
 *
 * Layers are taken in the order of their group names (Keras 3 names them by class with a counter:
 * gru, gru_1, ..., compared numerically) and stacked in that order. What was inferred (kinds,
 * reset_after, order, tanh / sigmoid activations) is stated in the checkpoint's notes.
 *
 * @module
 */
import { CheckpointError } from './errors.js';
import { type H5File, datasetAt } from './internal/hdf5.js';
import type { CellPlan, KerasModelPlan, RecurrentLayerPlan, SkippedLayer } from './internal/kerasConfig.js';
import { type KerasCheckpoint, buildKerasCheckpoint, v3CellTensors } from './internal/kerasWeights.js';
import { v3Lookups } from './kerasV3.js';

/** Natural order of Keras 3 group names: `gru` < `gru_1` < `gru_2` < `gru_10`. */
function naturalOrder(a: string, b: string): number {
  const split = (s: string): [string, number] => {
    const m = /^(.*?)(?:_(\d+))?$/.exec(s) as RegExpExecArray;
    return [m[1] as string, m[2] === undefined ? 0 : Number(m[2]) + 1];
  };
  const [pa, na] = split(a), [pb, nb] = split(b);
  return pa < pb ? -1 : pa > pb ? 1 : na - nb;
}

/**
 * Reads the GRU / LSTM layers of a Keras 3 `.weights.h5` file already parsed.
 *
 * @throws CheckpointError when no layer has a (h, 3h) or (h, 4h) recurrent kernel, a kernel
 *   is missing or mis-shaped, or a GRU has no bias (reset_after unknown)
 * @example
 * const ck = readKeras3WeightsOnly(await readHdf5(bytes, 'gru2.weights.h5'), 'gru2.weights.h5');
 * ck.layerInfo.map((l) => l.name); // ['gru', 'gru_1']
 */
export function readKeras3WeightsOnly(h5: H5File, file: string): KerasCheckpoint {
  const { lookup, listVars } = v3Lookups(h5, file);
  const layerNames = new Set<string>();
  for (const path of h5.objects.keys()) {
    const m = /^\/layers\/([^/]+)$/.exec(path);
    if (m) layerNames.add(m[1] as string);
  }
  const recurrent: RecurrentLayerPlan[] = [];
  const skipped: SkippedLayer[] = [];
  let depth = 0;
  for (const layer of [...layerNames].sort(naturalOrder)) {
    const cells: CellPlan[] = [];
    for (const vars of listVars(`layers/${layer}`).sort()) {
      const rkPath = `${vars}/1`;
      if (!datasetAt(h5, `/${rkPath}`)) continue;
      const rk = lookup(rkPath);
      if (!rk || rk.shape.length !== 2) continue;
      const [rows, cols] = rk.shape as [number, number];
      if (rows < 1 || (cols !== 3 * rows && cols !== 4 * rows)) continue;
      const v3Path = vars.slice(`layers/${layer}/`.length, -'/vars'.length);
      const parts = v3Path.split('/');
      const role = parts.some((p) => p.startsWith('forward')) ? 'forward' : parts.some((p) => p.startsWith('backward')) ? 'backward' : null;
      cells.push({
        name: layer,
        ownName: parts[0] ?? layer,
        kind: cols === 3 * rows ? 'gru' : 'lstm',
        units: rows,
        resetAfter: cols === 3 * rows ? null : false,
        useBias: lookup(`${vars}/2`) !== undefined,
        direction: role ?? 'forward',
        depth,
        v3Path,
        role,
      });
    }
    if (cells.length === 0) {
      skipped.push({ name: layer, className: 'non-recurrent (weights only)' });
      continue;
    }
    const named = cells.map((c) => ({ ...c, name: cells.length === 1 ? layer : `${layer}/${c.role ?? c.v3Path}` }));
    recurrent.push({ name: layer, className: 'inferred from shapes', v3Name: layer, cells: named });
    depth++;
  }
  if (recurrent.length === 0) {
    throw new CheckpointError(file, 'layers', `expected GRU / LSTM variables (a recurrent kernel of shape [h, 3h] or [h, 4h] at layers/<layer>/.../vars/1), found none (layers: ${[...layerNames].slice(0, 10).join(', ') || 'none'})`);
  }
  const plan: KerasModelPlan = { modelClass: 'weights-only', modelName: null, recurrent, skipped };
  const notes = ['Keras 3 weights-only file (.weights.h5): layer kinds inferred from the recurrent kernel shapes, reset_after from the bias shapes, the stacking order from the layer group names (gru, gru_1, ...); activations assumed tanh / sigmoid (not recorded in the file)'];
  return buildKerasCheckpoint(plan, (layer, i) => v3CellTensors(layer, i, lookup, listVars, file, 'layers'), { path: file, format: 'keras-h5', kerasVersion: null, backend: null, notes, where: 'layers' });
}
