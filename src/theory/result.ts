/**
 * The result type of every executable statement in src/theory.
 *
 * @module
 */

/** Outcome of checking one statement on one instance. */
export interface CheckResult {
  /** The conclusion holds on this instance (or the hypotheses do not, so it holds vacuously). */
  readonly holds: boolean;
  /** Whether the instance satisfies the statement's hypotheses. */
  readonly hypothesesHold: boolean;
  /** Signed slack of the conclusion: >= 0 when it holds, < 0 by how much it fails. */
  readonly margin: number;
  /** A human-readable account of the instance and the numbers behind the verdict. */
  readonly witness: string;
}
