/** TorchScript archives (torch.jit.save): zip with <archive>/code/ or constants.pkl. @module */
import { looksLikeZip } from '../internal/zip.js';
import type { CheckpointFormatModule } from '../registry.js';
import { looksLikeTorchScript, readTorchScript } from '../torchScript.js';

export const torchScriptFormat: CheckpointFormatModule = {
  name: 'torchscript',
  recognises: 'zip archive with <archive>/code/ or <archive>/constants.pkl, from torch.jit.save (.pt, .jit)',
  sniff: (p) => p.kind === 'file' && looksLikeZip(p.bytes) && p.zipMembers !== undefined && looksLikeTorchScript(p.zipMembers),
  read: async (p) => readTorchScript(p.bytes, p.path),
};
