/** torch.save zip archives holding a state dict (members <archive>/data.pkl, <archive>/data/). @module */
import { looksLikeZip } from '../internal/zip.js';
import { readPytorchCheckpoint } from '../pytorch.js';
import type { CheckpointFormatModule } from '../registry.js';

export const torchZipFormat: CheckpointFormatModule = {
  name: 'torch-zip',
  recognises: 'zip archive (PK\\x03\\x04) with <archive>/data.pkl, from torch.save; .pt/.pth/.bin',
  // After keras-v3 and torchscript in the registry: every other zip is read (and diagnosed) as torch.save.
  sniff: (p) => p.kind === 'file' && looksLikeZip(p.bytes),
  read: async (p) => readPytorchCheckpoint(p.bytes, p.path),
};
