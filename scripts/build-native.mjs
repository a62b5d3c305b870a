#!/usr/bin/env node
/**
 * Builds lrdkit's optional native training kernels (native/lrdkit_kernels.c, a Node-API addon)
 * into native/build/lrdkit_kernels.node with the system C compiler. Run by `npm install`
 * (postinstall) and by `npm run native`.
 *
 * The compiler is $CC, else the first of cc, gcc, clang that runs; the Node-API headers come
 * from the npm package node-api-headers (a dependency), else the headers beside this Node
 * (<prefix>/include/node), else /usr/include/node and /usr/local/include/node. The build is
 * portable: no -march=native; the AVX2/FMA path is compiled with a function attribute and
 * chosen at run time by the CPU (native/lrdkit_kernels.c). The result is loaded in a child
 * process before it replaces an earlier build.
 *
 * Never fails an install: without a compiler, headers or a successful build it prints one line
 * on stderr saying the native kernels are unavailable and why, and exits 0 (lrdkit then trains
 * on its WebAssembly kernels; `--kernels native` names this command). With --strict (what
 * `npm run native` passes) the same failure exits 1.
 *
 *     npm run native          # node scripts/build-native.mjs --strict
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SOURCE = join(ROOT, 'native', 'lrdkit_kernels.c');
const OUT_DIR = join(ROOT, 'native', 'build');
const OUT = join(OUT_DIR, 'lrdkit_kernels.node');
const strict = process.argv.includes('--strict');

function unavailable(why) {
  process.stderr.write(`lrdkit: native training kernels unavailable (${why}); training uses the WebAssembly kernels (--kernels wasm)\n`);
  process.exit(strict ? 1 : 0);
}

function runs(cmd) {
  const r = spawnSync(cmd, ['--version'], { encoding: 'utf8' });
  return r.status === 0;
}

function compiler() {
  const candidates = [process.env.CC, 'cc', 'gcc', 'clang'].filter((c) => typeof c === 'string' && c.trim() !== '');
  return candidates.find(runs) ?? null;
}

function headerDirectory() {
  const dirs = [];
  try {
    dirs.push(join(dirname(createRequire(import.meta.url).resolve('node-api-headers/package.json')), 'include'));
  } catch {
    // not installed: the other locations
  }
  dirs.push(join(dirname(process.execPath), '..', 'include', 'node'), '/usr/include/node', '/usr/local/include/node');
  return dirs.find((d) => existsSync(join(d, 'node_api.h'))) ?? null;
}

try {
  if (!existsSync(SOURCE)) unavailable(`${SOURCE} is missing`);
  const cc = compiler();
  if (!cc) unavailable('no C compiler found: set CC or install cc/gcc/clang');
  const include = headerDirectory();
  if (!include) unavailable('no Node-API headers (node_api.h) found: install node-api-headers');
  mkdirSync(OUT_DIR, { recursive: true });
  const tmp = join(OUT_DIR, `lrdkit_kernels.${process.pid}.tmp.node`);
  const args = ['-O3', '-std=gnu11', '-fno-math-errno', '-fPIC', '-shared', '-fvisibility=hidden', `-I${include}`, SOURCE, '-o', tmp];
  if (process.platform === 'darwin') args.splice(4, 0, '-undefined', 'dynamic_lookup');
  const built = spawnSync(cc, args, { encoding: 'utf8' });
  if (built.status !== 0) {
    rmSync(tmp, { force: true });
    const first = `${built.stderr ?? ''}${built.error?.message ?? ''}`.split('\n').find((l) => /error/i.test(l)) ?? `exit status ${built.status}`;
    unavailable(`${cc} failed: ${first.trim().slice(0, 200)}`);
  }
  // Load it in a child process (a broken binary must not replace a working one).
  const check = spawnSync(process.execPath, ['-e', `const m = require(${JSON.stringify(tmp)}); process.stdout.write(m.isa());`], { encoding: 'utf8' });
  if (check.status !== 0) {
    rmSync(tmp, { force: true });
    unavailable(`the built addon does not load: ${(check.stderr ?? '').split('\n').find((l) => l.trim() !== '') ?? `exit status ${check.status}`}`);
  }
  renameSync(tmp, OUT);
  process.stderr.write(`lrdkit: native training kernels built (${check.stdout}) at ${OUT}\n`);
} catch (e) {
  unavailable(e instanceof Error ? e.message : String(e));
}
