#!/usr/bin/env node
// Executes the notebooks under notebooks/ headlessly with Deno's Jupyter kernel (npm run
// notebooks; needs a build, which the npm script runs first, and Debian's jupyter-nbconvert:
// sh scripts/install-notebook-tools.sh).
//
//   node scripts/notebooks.mjs [--out DIR] [NAME.ipynb ...]
//
// Without --out every notebook is executed and saved in place with its outputs (what gets
// committed); with --out DIR the executed copies go to DIR and the committed notebooks are left
// alone. NAME selects notebooks (default: all, in file-name order). A cell error fails the run
// (exit 1) with nbconvert's traceback.
//
// The kernel is the project's own spec, notebooks/jupyter/kernels/lrdkit-deno (Deno's built-in
// kernel from the npm package `deno`), found through JUPYTER_PATH; the user's Jupyter config,
// data and runtime folders are replaced by a temporary folder, so nothing is read from or
// written to the home directory. Each executed notebook is checked: every code cell ran in
// order, no output is an error or stderr, and no output holds this checkout's absolute path
// (outputs are committed and must read the same on every machine).
//
// Lost outputs. Deno 2.9's kernel publishes outputs on a ZeroMQ PUB socket that drops a message
// when its queue to the subscriber is still busy, so under CPU load an output can go missing
// without any error (the notebooks' helpers pause after each output, which makes this rare, not
// impossible). The cells are deterministic, so every execution must give the same outputs: an
// execution is accepted when its output shape (per code cell, the kinds of its outputs) equals
// the committed notebook's, or the previous execution's; otherwise the notebook is executed
// again, up to ATTEMPTS times.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const notebooksDir = join(root, 'notebooks');
/** The kernel spec's name (notebooks/jupyter/kernels/lrdkit-deno/kernel.json). */
export const KERNEL_NAME = 'lrdkit-deno';
/** Seconds a single cell may run before nbconvert gives up. */
const CELL_TIMEOUT_S = 600;
/** Seconds to wait for a cell's last outputs after its execution reply. */
const IOPUB_TIMEOUT_S = 120;
/** Executions of one notebook at most, to get two with the same outputs (see above). */
export const ATTEMPTS = 4;
/** Where Debian's python3-nbconvert puts its entry point; `python3 -m nbconvert` otherwise. */
const NBCONVERT = [
  ['/usr/bin/jupyter-nbconvert'],
  ['/usr/bin/python3', '-m', 'nbconvert'],
];

const fail = (message) => {
  process.stderr.write(`notebooks: ${message}\n`);
  process.exit(1);
};

/** The nbconvert command: $LRDKIT_NBCONVERT (a path), else Debian's, else null. */
export function nbconvertCommand(env = process.env) {
  if (env.LRDKIT_NBCONVERT) return [env.LRDKIT_NBCONVERT];
  if (foundNbconvert === undefined) {
    foundNbconvert = null;
    for (const cmd of NBCONVERT) {
      if (!existsSync(cmd[0])) continue;
      const probe = spawnSync(cmd[0], [...cmd.slice(1), '--version'], { encoding: 'utf8' });
      if (probe.status === 0) {
        foundNbconvert = cmd;
        break;
      }
    }
  }
  return foundNbconvert;
}
/** nbconvertCommand's probe, done once per process. */
let foundNbconvert;

/** The notebooks, in file-name order. */
export function listNotebooks() {
  return readdirSync(notebooksDir).filter((f) => f.endsWith('.ipynb')).sort();
}

/**
 * Problems of an executed notebook (empty when it is fine): a code cell that did not run, an
 * error output, an output holding `rootPath`.
 */
export function notebookProblems(nb, rootPath = root) {
  const problems = [];
  let count = 0;
  nb.cells.forEach((cell, i) => {
    if (cell.cell_type !== 'code') return;
    count++;
    const where = `cell ${i} (${cell.id ?? 'no id'})`;
    if (cell.execution_count !== count) problems.push(`${where}: execution_count ${cell.execution_count}, expected ${count} (not run in order)`);
    for (const out of cell.outputs ?? []) {
      if (out.output_type === 'error') problems.push(`${where}: ${out.ename}: ${out.evalue}`);
      if (out.output_type === 'stream' && out.name === 'stderr') problems.push(`${where}: wrote to stderr: ${[out.text].flat().join('').slice(0, 300)}`);
      if (JSON.stringify(out).includes(rootPath)) problems.push(`${where}: an output holds the absolute path ${rootPath}`);
    }
  });
  return problems;
}

/** Runs a command to completion without blocking the event loop: its exit status, stdout and stderr. */
function run(command, args, options) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [], err = [];
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    child.on('error', (e) => reject(new Error(`${command}: ${e.message}`)));
    child.on('close', (code, signal) => resolvePromise({ status: code ?? (signal ? 128 : 1), stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
  });
}

/**
 * Executes one notebook with nbconvert: in place, or into `outDir`. Resolves to the executed
 * notebook (parsed) and nbconvert's stderr; rejects with nbconvert's output when a cell fails.
 */
export async function executeNotebook(name, { outDir = null, nbconvert = nbconvertCommand(), env = process.env } = {}) {
  if (nbconvert === null) {
    throw new Error('jupyter-nbconvert not found (looked for /usr/bin/jupyter-nbconvert and /usr/bin/python3 -m nbconvert): run `sh scripts/install-notebook-tools.sh`');
  }
  if (!existsSync(join(root, 'dist', 'index.js'))) throw new Error('dist/index.js not found: run `npm run build` first (the notebooks import the built package)');
  const input = join(notebooksDir, name);
  if (!existsSync(input)) throw new Error(`${input}: no such notebook`);
  const jupyterHome = mkdtempSync(join(tmpdir(), 'lrdkit-jupyter-'));
  try {
    const dirs = Object.fromEntries(['config', 'data', 'runtime'].map((d) => [d, join(jupyterHome, d)]));
    for (const d of Object.values(dirs)) mkdirSync(d);
    const childEnv = {
      ...env,
      JUPYTER_PATH: join(notebooksDir, 'jupyter'),
      JUPYTER_CONFIG_DIR: dirs.config,
      JUPYTER_DATA_DIR: dirs.data,
      JUPYTER_RUNTIME_DIR: dirs.runtime,
      JUPYTER_PLATFORM_DIRS: '1',
      PYTHONDONTWRITEBYTECODE: '1',
    };
    const target = outDir === null ? ['--inplace'] : ['--output-dir', resolve(outDir)];
    if (outDir !== null) mkdirSync(resolve(outDir), { recursive: true });
    const args = [
      ...nbconvert.slice(1),
      '--to',
      'notebook',
      '--execute',
      `--ExecutePreprocessor.kernel_name=${KERNEL_NAME}`,
      `--ExecutePreprocessor.timeout=${CELL_TIMEOUT_S}`,
      // After a cell's reply, nbclient waits iopub_timeout seconds (default 4) for the rest of
      // the cell's outputs and then silently drops them: wait longer, and fail instead of
      // saving a notebook with missing outputs.
      `--ExecutePreprocessor.iopub_timeout=${IOPUB_TIMEOUT_S}`,
      '--ExecutePreprocessor.raise_on_iopub_timeout=True',
      '--ExecutePreprocessor.record_timing=False',
      ...target,
      input,
    ];
    const r = await run(nbconvert[0], args, { cwd: root, env: childEnv });
    if (r.status !== 0) throw new Error(`notebooks/${name}: execution failed (nbconvert exit ${r.status})\n${r.stderr}${r.stdout}`);
    const output = outDir === null ? input : join(resolve(outDir), basename(name));
    const nb = JSON.parse(readFileSync(output, 'utf8'));
    const problems = notebookProblems(nb);
    if (problems.length > 0) throw new Error(`notebooks/${name}: ${problems.join('; ')}`);
    return { notebook: nb, path: output, stderr: r.stderr };
  } finally {
    rmSync(jupyterHome, { recursive: true, force: true });
  }
}

/**
 * The shape of a notebook's outputs: per code cell, its id and the kinds of its outputs (output
 * type, and the mime types of display data), without their content.
 */
export function outputShape(nb) {
  return nb.cells
    .filter((c) => c.cell_type === 'code')
    .map((c) => `${c.id ?? '?'}: ${(c.outputs ?? []).map((o) => (o.data ? `${o.output_type}[${Object.keys(o.data).sort().join(',')}]` : o.output_type)).join(' ')}`);
}

const sameShape = (a, b) => a !== null && b !== null && a.length === b.length && a.every((x, i) => x === b[i]);

/** The committed notebook's output shape, or null when it has no outputs yet. */
export function committedShape(name) {
  const nb = JSON.parse(readFileSync(join(notebooksDir, name), 'utf8'));
  return nb.cells.some((c) => c.cell_type === 'code' && (c.outputs ?? []).length > 0) ? outputShape(nb) : null;
}

/**
 * Executes a notebook until an execution's output shape equals `expected` (default: the
 * committed notebook's) or the previous execution's, at most `attempts` times (see "Lost
 * outputs" above), and saves the accepted execution in place (outDir null) or in outDir.
 * Resolves to the saved notebook, the number of executions and whether one was accepted; when
 * none was, the last execution is saved and `accepted` is false.
 */
export async function runNotebook(name, { outDir = null, expected = committedShape(name), attempts = ATTEMPTS, onAttempt = () => {} } = {}) {
  const scratch = mkdtempSync(join(tmpdir(), 'lrdkit-notebook-run-'));
  try {
    let previous = null;
    let last = null;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const dir = join(scratch, String(attempt));
      last = await executeNotebook(name, { outDir: dir });
      const shape = outputShape(last.notebook);
      const accepted = sameShape(shape, expected) || sameShape(shape, previous);
      onAttempt({ attempt, accepted });
      if (accepted || attempt === attempts) {
        const target = outDir === null ? join(notebooksDir, name) : join(resolve(outDir), name);
        mkdirSync(dirname(target), { recursive: true });
        copyFileSync(last.path, `${target}.tmp`);
        renameSync(`${target}.tmp`, target);
        return { notebook: last.notebook, path: target, attempts: attempt, accepted };
      }
      previous = shape;
    }
    throw new Error('unreachable');
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  let outDir = null;
  const names = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--out') {
      outDir = args[++i] ?? fail('--out needs a folder');
    } else if (a === '--help' || a === '-h') {
      process.stdout.write('node scripts/notebooks.mjs [--out DIR] [NAME.ipynb ...]\n');
      process.exit(0);
    } else if (a.startsWith('-')) {
      fail(`unknown option ${a} (expected --out DIR)`);
    } else {
      names.push(basename(a));
    }
  }
  const all = listNotebooks();
  for (const n of names) if (!all.includes(n)) fail(`notebooks/${n}: no such notebook (have ${all.join(', ')})`);
  for (const name of names.length > 0 ? names : all) {
    const t = process.hrtime.bigint();
    process.stderr.write(`notebooks: ${name} ...`);
    let result;
    try {
      result = await runNotebook(name, { outDir });
    } catch (e) {
      process.stderr.write(' failed\n');
      fail(e instanceof Error ? e.message : String(e));
    }
    const runs = result.attempts > 1 ? `, ${result.attempts} executions` : '';
    process.stderr.write(` ${result.accepted ? 'ok' : 'saved, but no two executions agreed on the outputs'} (${(Number(process.hrtime.bigint() - t) / 1e9).toFixed(1)} s${runs})\n`);
    if (!result.accepted) fail(`notebooks/${name}: ${ATTEMPTS} executions, outputs differing each time (lost outputs? see scripts/notebooks.mjs)`);
  }
}
