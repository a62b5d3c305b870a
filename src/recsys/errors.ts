/**
 * The recommender experiment's input error: one message naming the function, the argument,
 * what was expected and what was found (the CLI maps it to exit status 2).
 *
 * @module
 */
export class RecsysInputError extends Error {
  override name = 'RecsysInputError';
}
