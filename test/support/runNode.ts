/**
 * Runs a Node child process (the compiled `lrdkit` CLI, or an inline ES module) without
 * blocking the test worker: spawnSync would stop the worker's event loop for the whole run, and
 * vitest's worker -> main-process messages time out after 60 s of a blocked loop
 * (`[vitest-worker]: Timeout calling "onTaskUpdate"`), which a loaded machine reaches. The
 * child is killed after {@link HANG_GUARD_MS} (a hang, not load).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HANG_GUARD_MS } from './hangGuard.js';

export const root = fileURLToPath(new URL('../..', import.meta.url));
export const lrdkitBin = join(root, 'dist/cli/main.js');

/** The outcome of a child process (as spawnSync reports it). */
export interface NodeRun {
  /** Exit status, or null when killed by a signal. */
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Set when the child did not finish within the hang guard (it was killed). */
  readonly error?: Error;
}

/** `node ARGS...` in `cwd` (default: the repository root), killed after `killAfterMs` (default {@link HANG_GUARD_MS}). */
export function runNode(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; killAfterMs?: number } = {}): Promise<NodeRun> {
  const cap = options.killAfterMs ?? HANG_GUARD_MS;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: options.cwd ?? root, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, cap);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr, ...(timedOut ? { error: new Error(`node ${args.join(' ')}: still running after ${cap} ms (killed)`) } : {}) });
    });
  });
}

/** `lrdkit ARGS...` (the compiled CLI; npm test builds first). */
export function runLrdkit(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<NodeRun> {
  return runNode([lrdkitBin, ...args], options);
}

/** An inline ES module run by `node --input-type=module -e SCRIPT`. */
export function runModule(script: string, options: { cwd?: string } = {}): Promise<NodeRun> {
  return runNode(['--input-type=module', '-e', script], options);
}
