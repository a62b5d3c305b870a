/**
 * fast-check configuration for every test file (vitest setupFiles).
 *
 * CI runs with a fixed seed (reproducible) unless FC_SEED is set: FC_SEED=<integer> replays a
 * reported run; FC_SEED=random draws a fresh seed and prints it so that a failure can be
 * replayed. A failing property prints its seed, path and counterexample (fast-check's report).
 */
import fc from 'fast-check';

const FIXED_SEED = 20180409; // AISTATS 2018
const env = process.env.FC_SEED;
const seed = env === 'random' ? (Date.now() ^ (process.pid << 10)) | 0 : env !== undefined && env !== '' ? Number(env) : FIXED_SEED;
if (env === 'random') console.error(`[fast-check] FC_SEED=random: using seed ${seed} (replay with FC_SEED=${seed})`);
fc.configureGlobal({ seed, numRuns: Number(process.env.FC_RUNS ?? 100), verbose: 1 });
