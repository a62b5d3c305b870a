/**
 * What a checkpoint reader returns: the recurrent layers as lrdkit cells, with where they
 * came from.
 *
 * @module
 */
import type { Cell } from '../cells/types.js';

/** Checkpoint formats lrdkit reads. */
export type CheckpointFormat = 'tfjs-layers' | 'keras-h5' | 'keras-v3' | 'safetensors' | 'torch-zip' | 'lrdkit' | 'onnx' | 'torchscript';

/** One recurrent layer of a checkpoint. */
export interface LayerInfo {
  /** Layer name in the source (Keras layer name, or the state-dict prefix with l{k} and _reverse). */
  readonly name: string;
  /** Position in the stack (0 = reads the model input). */
  readonly depth: number;
  /** 'forward' for unidirectional layers; 'forward' / 'backward' for the directions of a bidirectional one. */
  readonly direction: 'forward' | 'backward';
  /** The framework layout the weights were stored in (gate order constants in src/cells/layouts.ts). */
  readonly layout: 'keras' | 'pytorch' | 'lrdkit' | 'onnx';
  /** Tensor names read for this layer. */
  readonly tensors: readonly string[];
  /**
   * For foreign checkpoints: the largest g such that every weight of the layer is block
   * diagonal with g equal contiguous blocks (1 = dense); the cell is then a FactorizedCell.
   */
  readonly detectedGroups: number;
  /**
   * The layer whose output this layer reads, when the format records the data flow (ONNX):
   * a layer name, or null when it reads something else (the model input, a conv front-end).
   * Absent: the audit assumes the stack order (the layer of the same direction one depth below).
   */
  readonly inputFrom?: string | null;
  /** Facts about this layer that were inferred or assumed rather than read (e.g. activations). */
  readonly inferred?: readonly string[];
}

/** A checkpoint read into cells. `layers[i]` is described by `layerInfo[i]`. */
export interface Checkpoint {
  readonly path: string;
  readonly format: CheckpointFormat;
  readonly layers: Cell[];
  readonly layerInfo: LayerInfo[];
  /**
   * Set when the user named a training run folder: `path` is the folder (the audit is named
   * after the run), `checkpoint` the lrdkit checkpoint inside it that was read, `run` a one-line
   * description from run.json.
   */
  readonly source?: { readonly kind: 'run-folder'; readonly checkpoint: string; readonly run: string };
  /** Remarks about the reading (assumptions, ignored inputs), for `lrdkit inspect` and the audit log. */
  readonly notes?: readonly string[];
}
