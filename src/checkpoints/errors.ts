/**
 * The one error of the checkpoint readers. Messages name the file, the tensor (or the part of
 * the file), what was expected and what was found, e.g.
 * `model.safetensors: tensor rnn.weight_hh_l0: expected shape [24, 8], found [24, 7]`.
 * The CLI turns it into exit status 2.
 *
 * @module
 */
export class CheckpointError extends Error {
  override name = 'CheckpointError';
  constructor(
    /** The file (or directory) being read. */
    readonly file: string,
    /** What inside it: a tensor name, 'header', 'model.json', ... */
    readonly where: string,
    /** What was expected and what was found, in words. */
    readonly detail: string,
  ) {
    super(`${file}: ${where}: ${detail}`);
  }
}
