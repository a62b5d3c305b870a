/**
 * What a checkpoint reader returns: the recurrent layers as lrdkit cells, with where they
 * came from.
 *
 * @module
 */
import type { Cell } from '../cells/types.js';

/** Checkpoint formats lrdkit reads. */
export type CheckpointFormat = 'tfjs-layers' | 'keras-h5' | 'keras-v3' | 'safetensors' | 'torch-zip' | 'lrdkit';

/** One recurrent layer of a checkpoint. */
export interface LayerInfo {
  /** Layer name in the source (Keras layer name, or the state-dict prefix with l{k} and _reverse). */
  readonly name: string;
  /** Position in the stack (0 = reads the model input). */
  readonly depth: number;
  /** 'forward' for unidirectional layers; 'forward' / 'backward' for the directions of a bidirectional one. */
  readonly direction: 'forward' | 'backward';
  /** The framework layout the weights were stored in (gate order constants in src/cells/layouts.ts). */
  readonly layout: 'keras' | 'pytorch' | 'lrdkit';
  /** Tensor names read for this layer. */
  readonly tensors: readonly string[];
  /**
   * For foreign checkpoints: the largest g such that every weight of the layer is block
   * diagonal with g equal contiguous blocks (1 = dense); the cell is then a FactorizedCell.
   */
  readonly detectedGroups: number;
}

/** A checkpoint read into cells. `layers[i]` is described by `layerInfo[i]`. */
export interface Checkpoint {
  readonly path: string;
  readonly format: CheckpointFormat;
  readonly layers: Cell[];
  readonly layerInfo: LayerInfo[];
}
