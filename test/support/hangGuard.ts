/**
 * The one wall-clock bound the tests use: a hang detector, never a speed check (speed targets
 * live in bench/ as ratios against a reference measured in the same run).
 *
 * Sizing: the slowest single operation these guards cover (a CLI child process that starts
 * Node, reads a checkpoint and runs a small analysis; a fuzzed checkpoint read; a helper
 * thread's failure detection) takes under 3 s on one idle core. A loaded 2-core CI machine
 * (load average 18 was measured while five test suites and trainings shared one) slows a
 * process by 10x or more, so the guard is 3 s x 10 x a safety factor of 4 = 120 s: reached only
 * by a real hang (an infinite loop, a wait that never returns), not by load.
 */
export const HANG_GUARD_MS = 120_000;

/**
 * Lets the test worker's event loop run. vitest's worker -> main-process messages time out
 * when the worker's loop is blocked for 60 s (`[vitest-worker]: Timeout calling
 * "onTaskUpdate"`): a synchronous loop that takes 10 s on a quiet machine can take that long
 * under load. Await this between the iterations of long synchronous loops (seeds, replicates).
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
