/** safetensors state dicts of nn.GRU / nn.LSTM. @module */
import { readPytorchCheckpoint } from '../pytorch.js';
import type { CheckpointFormatModule } from '../registry.js';
import { looksLikeSafetensors } from '../safetensors.js';

export const safetensorsFormat: CheckpointFormatModule = {
  name: 'safetensors',
  recognises: '8-byte header length then a JSON header, or a .safetensors file',
  sniff: (p) => p.kind === 'file' && (looksLikeSafetensors(p.bytes) || p.extension === '.safetensors'),
  read: async (p) => readPytorchCheckpoint(p.bytes, p.path),
};
