/**
 * Errors of the numerical kernels. Messages follow one grammar: what failed, where, what
 * was expected, what was found.
 *
 * @module
 */

/** An iterative method stopped before meeting its convergence criterion. */
export class ConvergenceError extends Error {
  override name = 'ConvergenceError';
  constructor(
    message: string,
    /** Iterations (or restarts) performed. */
    readonly iterations: number,
    /** Final value of the convergence measure (e.g. a relative residual). */
    readonly residual: number,
    /** The tolerance the residual had to meet. */
    readonly tolerance: number,
  ) {
    super(message);
  }
}

/** A matrix lacked a property the method needs (e.g. positive definiteness). */
export class NotPositiveDefiniteError extends Error {
  override name = 'NotPositiveDefiniteError';
}
