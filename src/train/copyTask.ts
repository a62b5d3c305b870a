/**
 * The copy task of section 3.1 of the paper (Belletti et al. 2018), after Arjovsky, Shah &
 * Bengio (2016): "reading a uniformly distributed random input binary pattern of 6 symbols in
 * {0, 1}^8 and repeating it. [...] For 4 repeats, given an input sequence (word, 0, 0, 0, 0) the
 * RNN has to output (word, word, word, word, word). All samples generated for a batch are new."
 *
 * Encoding (the paper leaves it open; lrdkit's choices):
 * - a letter is an 8-bit pattern, i.e. one of 256 symbols 0..255, drawn uniformly (the top
 *   8 bits of one xoshiro128** output each);
 * - the blank ("0" in the paper's notation) is a separate input symbol, 256, so that it cannot be
 *   confused with the letter 00000000: the input alphabet has 257 symbols, the output 256;
 * - with R repeats the input is the 6-letter word followed by 6 R blanks (T = 6 (R + 1) steps),
 *   and the target at every step is the word's letter at that position modulo 6, so the target
 *   sequence is the word R + 1 times. The first copy can be read off the input; the other R
 *   must be recalled from memory.
 *
 * The loss is the mean cross-entropy over all T target symbols, in nats per output symbol.
 * Reference levels: ln 256 = 5.545 nats (uniform guessing everywhere), R / (R + 1) ln 256
 * (the first word copied, the recalled ones guessed: a memoryless network), and 0 (perfect
 * recall).
 *
 * References: M. Arjovsky, A. Shah, Y. Bengio, "Unitary evolution recurrent neural networks",
 * ICML 2016 (arXiv:1511.06464), the copy task; F. Belletti, A. Beutel, S. Jain, E. H. Chi,
 * "Factorized recurrent neural architectures for longer range dependence", AISTATS 2018,
 * section 3.1.
 *
 * @module
 */
import type { Rng } from '../processes/prng.js';
import type { TokenBatch } from './model.js';

/** Letters per word. */
export const COPY_WORD_LENGTH = 6;
/** Letters: 8-bit patterns. */
export const COPY_ALPHABET_SIZE = 256;
/** The blank input symbol (not a letter). */
export const COPY_BLANK = 256;
/** Input alphabet: 256 letters and the blank. */
export const COPY_INPUT_VOCABULARY = 257;
/** The paper's repeat counts (Figures 1-3). */
export const PAPER_REPEATS: readonly number[] = [4, 8, 16, 32];

/** Sequence length T = 6 (R + 1) for R repeats. */
export function copySequenceLength(repeats: number): number {
  if (!Number.isInteger(repeats) || repeats < 1) throw new RangeError(`copy task: repeats is ${String(repeats)}, expected an integer >= 1`);
  return COPY_WORD_LENGTH * (repeats + 1);
}

/**
 * Reference losses in nats per output symbol: `uniformNats` = ln 256 (guessing),
 * `memorylessNats` = R / (R + 1) ln 256 (copying the visible word, guessing the recalled ones).
 *
 * @example
 * copyTaskReferenceLosses(4).memorylessNats; // returns 4.4361... (= 0.8 ln 256)
 */
export function copyTaskReferenceLosses(repeats: number): { uniformNats: number; memorylessNats: number } {
  copySequenceLength(repeats);
  const u = Math.log(COPY_ALPHABET_SIZE);
  return { uniformNats: u, memorylessNats: (repeats / (repeats + 1)) * u };
}

/**
 * A fresh batch of copy-task sequences, time-major (entry t * batch + b is step t of sequence b).
 * Draws 6 outputs of `rng` per sequence (sequence by sequence, letter by letter), nothing else,
 * so the generator's state after the call depends only on its state before and `batch`.
 *
 * @example
 * const b = sampleCopyBatch(createRng(1), 2, 4); // b.steps === 30, b.inputs[12] === 256 (blank)
 */
export function sampleCopyBatch(rng: Rng, batch: number, repeats: number): TokenBatch {
  const T = copySequenceLength(repeats);
  if (!Number.isInteger(batch) || batch < 1) throw new RangeError(`copy task: batch is ${String(batch)}, expected an integer >= 1`);
  const inputs = new Int32Array(T * batch);
  const targets = new Int32Array(T * batch);
  const word = new Int32Array(COPY_WORD_LENGTH);
  for (let b = 0; b < batch; b++) {
    for (let k = 0; k < COPY_WORD_LENGTH; k++) word[k] = rng.nextUint32() >>> 24;
    for (let t = 0; t < T; t++) {
      const letter = word[t % COPY_WORD_LENGTH] as number;
      inputs[t * batch + b] = t < COPY_WORD_LENGTH ? letter : COPY_BLANK;
      targets[t * batch + b] = letter;
    }
  }
  return { steps: T, batch, inputs, targets };
}
