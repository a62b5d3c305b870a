/**
 * `readCheckpoint(path)`: recognises the format of a GRU/LSTM checkpoint and reads its
 * recurrent layers into lrdkit cells.
 *
 *     directory or model.json      -> TF.js layers (lrdkit's own when its metadata is present)
 *     .h5 / .hdf5 (HDF5 signature) -> Keras 2 HDF5
 *     .keras (zip with config.json) -> Keras 3
 *     .safetensors                 -> safetensors state dict (nn.GRU / nn.LSTM names)
 *     .pt / .pth / .bin (zip)      -> torch.save state dict
 *
 * (readLrdkitCheckpoint falls back to the plain TF.js reader when lrdkit's metadata is absent.)
 * Formats are recognised by content (signatures), with the extension as a tie-breaker; every
 * failure is a CheckpointError naming the file, the part, what was expected and found.
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { CheckpointError } from './errors.js';
import { checkPath, readRegularFile } from './internal/fileAccess.js';
import { looksLikeZip, openZip } from './internal/zip.js';
import { readPytorchCheckpoint } from './pytorch.js';
import { readKerasH5 } from './kerasH5.js';
import { readKerasV3 } from './kerasV3.js';
import { readLrdkitCheckpoint } from './lrdkitFormat.js';
import { looksLikeSafetensors } from './safetensors.js';
import type { Checkpoint } from './types.js';

export { CheckpointError } from './errors.js';
export type { Checkpoint, CheckpointFormat, LayerInfo } from './types.js';

const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

function looksLikeHdf5(bytes: Uint8Array): boolean {
  return HDF5_SIGNATURE.every((b, i) => bytes[i] === b);
}

/** Reads a checkpoint from a file or TF.js model directory. */
export async function readCheckpoint(path: string): Promise<Checkpoint> {
  // Regular files (or a folder) only; devices, FIFOs and sockets are refused before any open.
  const checked = checkPath(path, { where: 'path', allowDirectory: true });
  if (checked.isDirectory) {
    const modelJson = join(path, 'model.json');
    if (!existsSync(modelJson)) throw new CheckpointError(path, 'directory', 'expected a TF.js layers model (model.json and weight shards), found no model.json');
    checkPath(modelJson, { file: path, where: 'model.json', root: path });
    return readLrdkitCheckpoint(modelJson);
  }
  if (basename(path).endsWith('.json')) return readLrdkitCheckpoint(path);
  const bytes = readRegularFile(path);
  if (bytes.length === 0) throw new CheckpointError(path, 'file', 'expected a checkpoint, found an empty file');
  if (looksLikeHdf5(bytes)) return readKerasH5(bytes, path);
  if (looksLikeZip(bytes)) {
    let isKeras = false;
    try {
      isKeras = openZip(bytes, path).entries.has('config.json');
    } catch {
      isKeras = path.endsWith('.keras');
    }
    return isKeras ? readKerasV3(bytes, path) : readPytorchCheckpoint(bytes, path);
  }
  if (looksLikeSafetensors(bytes) || path.endsWith('.safetensors')) return readPytorchCheckpoint(bytes, path);
  throw new CheckpointError(
    path,
    'file',
    `expected a TF.js model directory or model.json, Keras .h5 (HDF5 signature) or .keras (zip), PyTorch .safetensors or torch.save zip; found an unrecognised format (first bytes ${Buffer.from(bytes.subarray(0, 8)).toString('hex')})`,
  );
}
