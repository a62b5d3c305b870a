/**
 * `readCheckpoint(path)`: recognises the format of a GRU/LSTM checkpoint and reads its
 * recurrent layers into lrdkit cells, through the format registry (./registry.ts), in this
 * sniffing order:
 *
 *     directory with run.json          -> training run folder (its checkpoint/, named after the run)
 *     directory with model.json, .json -> TF.js layers (lrdkit's own when its metadata is present)
 *     HDF5 signature                   -> Keras 2 HDF5, Keras 2 / Keras 3 weights-only (.weights.h5)
 *     zip with config.json             -> Keras 3 .keras
 *     zip with code/ or constants.pkl  -> TorchScript (torch.jit.save)
 *     other zip                        -> torch.save state dict (.pt / .pth / .bin)
 *     safetensors header               -> safetensors state dict (nn.GRU / nn.LSTM names)
 *     .onnx or ModelProto start        -> ONNX (LSTM / GRU nodes, subgraphs included)
 *
 * The input is looked at once and exactly one reader runs; every failure is a CheckpointError
 * naming the file, the part, what was expected and found (an unrecognised input lists every
 * format checked and what was seen).
 *
 * @module
 */
export { CheckpointError } from './errors.js';
export { CHECKPOINT_FORMATS, type CheckpointFormatModule, type Probe, formatOf, probeCheckpoint, readCheckpoint } from './registry.js';
export type { Checkpoint, CheckpointFormat, LayerInfo } from './types.js';
