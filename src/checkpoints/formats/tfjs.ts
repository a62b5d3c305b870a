/** TF.js layers models (a directory with model.json, or model.json itself), lrdkit's own included. @module */
import { join } from 'node:path';
import { readLrdkitCheckpoint } from '../lrdkitFormat.js';
import type { CheckpointFormatModule } from '../registry.js';

export const tfjsFormat: CheckpointFormatModule = {
  name: 'tfjs-layers',
  recognises: 'a directory with model.json, or a .json file (TF.js layers; lrdkit checkpoints)',
  sniff: (p) => (p.kind === 'directory' ? p.names.includes('model.json') : p.extension === '.json'),
  read: (p) => readLrdkitCheckpoint(p.kind === 'directory' ? join(p.path, 'model.json') : p.path),
};
