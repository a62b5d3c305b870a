import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

/**
 * Test workers: one per CPU the process may use (os.availableParallelism(), which honours CPU
 * affinity), or LRDKIT_TEST_WORKERS. More workers than CPUs only adds contention on a loaded
 * machine; fewer leaves CPUs idle on a quiet one.
 */
const workers = Math.max(1, Number(process.env.LRDKIT_TEST_WORKERS) || availableParallelism());

/**
 * Hang guard for every test and hook: 15 minutes. A guard against tests that never end, not a
 * speed check (speed targets are ratios in bench/). Sizing: the slowest test, a notebook
 * executed by Jupyter (test/notebooks), took 88 s under load average 10-18 on 2 cores, and may
 * run up to 4 times (scripts/notebooks.mjs, ATTEMPTS) when Deno's kernel loses an output:
 * 4 x 88 s = 352 s, x 2.5 for a machine twice as loaded = 880 s. Every other test took under
 * 25 s there. vitest's default hook timeout (10 s) is what failed the report tests under load.
 */
const HANG_GUARD_MS = 900_000;

/** TF.js's banner on its first CPU-backend tensor ("Hi, looks like you are running TensorFlow.js in Node.js ..."). */
const TFJS_NODE_BANNER = /looks like you are running TensorFlow\.js in Node\.js/;

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/support/fastCheckSetup.ts'],
    testTimeout: HANG_GUARD_MS,
    hookTimeout: HANG_GUARD_MS,
    teardownTimeout: HANG_GUARD_MS,
    maxWorkers: workers,
    minWorkers: 1,
    // The tests choose TF.js backends on purpose (cpu for exact reference numbers); the banner
    // recommending tfjs-node is noise in the test log.
    onConsoleLog: (log) => (TFJS_NODE_BANNER.test(log) ? false : undefined),
  },
});
