/**
 * Gate orders of the frameworks whose checkpoints lrdkit reads. Each framework concatenates
 * the per-gate weights of a GRU or LSTM along one axis; these constants name the order, and
 * every converter in lrdkit reads them instead of hard-coding offsets.
 *
 * Canonical gate names used inside lrdkit:
 * - GRU: `z` update gate (the weight on the old state: h' = z h + (1 - z) n), `r` reset gate,
 *   `n` candidate (Keras calls it `h`, the paper h~). The paper's eq. (13) writes u for 1 - z.
 * - LSTM: `i` input gate, `f` forget gate, `g` candidate (Keras `c`, the paper c~), `o` output
 *   gate. The paper's eq. (7) swaps f and i; lrdkit follows the standard cell
 *   (Hochreiter & Schmidhuber 1997; Gers et al. 2000): c' = f c + i g.
 *
 * @module
 */

/** Keras GRU: kernel (d, 3h), recurrent_kernel (h, 3h), column blocks in this order. */
export const KERAS_GRU_GATE_ORDER = ['z', 'r', 'n'] as const;
/** PyTorch nn.GRU / GRUCell: weight_ih (3h, d), weight_hh (3h, h), row blocks in this order. */
export const PYTORCH_GRU_GATE_ORDER = ['r', 'z', 'n'] as const;
/** Keras LSTM: kernel (d, 4h), recurrent_kernel (h, 4h), column blocks [i, f, c, o]. */
export const KERAS_LSTM_GATE_ORDER = ['i', 'f', 'g', 'o'] as const;
/** PyTorch nn.LSTM / LSTMCell: weight_ih (4h, d), weight_hh (4h, h), row blocks [i, f, g, o]. */
export const PYTORCH_LSTM_GATE_ORDER = ['i', 'f', 'g', 'o'] as const;

/** ONNX GRU: W (3h, d), R (3h, h) per direction, row blocks [z, r, h] (docs/Operators.md, GRU). */
export const ONNX_GRU_GATE_ORDER = ['z', 'r', 'n'] as const;
/** ONNX LSTM: W (4h, d), R (4h, h) per direction, row blocks [i, o, f, c] (docs/Operators.md, LSTM). */
export const ONNX_LSTM_GATE_ORDER = ['i', 'o', 'f', 'g'] as const;

/** Canonical GRU gate names. */
export type GruGate = (typeof KERAS_GRU_GATE_ORDER)[number];
/** Canonical LSTM gate names. */
export type LstmGate = (typeof KERAS_LSTM_GATE_ORDER)[number];
