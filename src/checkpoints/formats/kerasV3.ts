/** Keras 3 `.keras` archives (zip with config.json and model.weights.h5). @module */
import { looksLikeZip } from '../internal/zip.js';
import { readKerasV3 } from '../kerasV3.js';
import type { CheckpointFormatModule } from '../registry.js';

export const kerasV3Format: CheckpointFormatModule = {
  name: 'keras-v3',
  recognises: 'zip archive with a config.json member (.keras)',
  sniff: (p) => p.kind === 'file' && looksLikeZip(p.bytes) && (p.zipMembers ? p.zipMembers.includes('config.json') : p.extension === '.keras'),
  read: (p) => readKerasV3(p.bytes, p.path),
};
