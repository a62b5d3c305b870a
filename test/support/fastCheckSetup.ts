/**
 * fast-check configuration for every test file (vitest setupFiles).
 *
 * CI runs with a fixed seed (reproducible) and, in `npm run test:fresh-seed`, once more with
 * a fresh seed per test file that is printed with the file's name, so that a failure can be
 * replayed: FC_SEED=<integer> npx vitest run <file>. A failing property prints its seed, path
 * and counterexample (fast-check's report).
 */
import fc from 'fast-check';
import { beforeAll, expect } from 'vitest';

const FIXED_SEED = 20180409; // AISTATS 2018
const env = process.env.FC_SEED;
const seed = env === 'random' ? (Date.now() ^ (process.pid << 10)) | 0 : env !== undefined && env !== '' ? Number(env) : FIXED_SEED;
fc.configureGlobal({ seed, numRuns: Number(process.env.FC_RUNS ?? 100), verbose: 1 });
if (env === 'random') {
  beforeAll(() => {
    const file = expect.getState().testPath ?? 'this file';
    console.error(`[fast-check] ${file}: fresh seed ${seed} (replay: FC_SEED=${seed} npx vitest run ${file})`);
  });
}
