/**
 * Keras HDF5 files: full Keras 2 models (model_config), Keras 2 `save_weights` files and Keras 3
 * `.weights.h5` files (weights only: GRU / LSTM inferred from the shapes, stated in the notes).
 *
 * @module
 */
import { looksLikeHdf5 } from '../internal/hdf5.js';
import { readKerasH5 } from '../kerasH5.js';
import type { CheckpointFormatModule } from '../registry.js';

export const kerasH5Format: CheckpointFormatModule = {
  name: 'keras-h5',
  recognises: 'HDF5 signature 89 48 44 46 0d 0a 1a 0a (.h5, .hdf5, .weights.h5)',
  sniff: (p) => p.kind === 'file' && looksLikeHdf5(p.bytes),
  read: (p) => readKerasH5(p.bytes, p.path, { allowWeightsOnly: true }),
};
