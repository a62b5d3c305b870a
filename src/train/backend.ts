/**
 * TF.js backend selection for training: the fastest backend this machine can run, chosen
 * once at start-up and logged once.
 *
 * Order (first that works wins): `tfjs-node-gpu` (when the package imports and a GPU is
 * visible) > `tfjs-node` > `wasm` (XNNPACK with WebAssembly SIMD when the engine supports it)
 * > `cpu` (plain JavaScript, always available). `--backend NAME` asks for one backend and fails
 * (exit 2) when it cannot start, rather than silently training on another one.
 *
 * The native packages are optional: `@tensorflow/tfjs-node-gpu` is an optionalDependency that
 * npm skips where its native install fails, and `@tensorflow/tfjs-node` is not a dependency at
 * all (install it yourself to use it). Both are loaded with a dynamic `import()`, so their
 * absence is a normal outcome recorded in the selection, never a crash.
 *
 * @module
 */
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';

/** The backends lrdkit can train on, by package. */
export type TrainingBackend = 'tfjs-node-gpu' | 'tfjs-node' | 'wasm' | 'cpu';

/** Backends in order of preference. */
export const TRAINING_BACKENDS: readonly TrainingBackend[] = ['tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu'];

/** Why a backend was passed over. */
export interface BackendAttempt {
  readonly backend: TrainingBackend;
  readonly outcome: 'selected' | 'unavailable' | 'skipped';
  /** For 'unavailable' and 'skipped': why, in words. */
  readonly reason?: string;
}

/** The result of {@link selectBackend}. */
export interface BackendSelection {
  readonly backend: TrainingBackend;
  /** The name TF.js registered it under ('tensorflow', 'wasm', 'cpu'). */
  readonly tfjsBackendName: string;
  /** wasm only: whether the SIMD binary is in use. */
  readonly simd: boolean | null;
  /** Every backend considered, in order. */
  readonly attempts: readonly BackendAttempt[];
  /** The one line logged at start-up. */
  readonly summary: string;
}

/** Dependencies of {@link selectBackend}, injectable for tests. */
export interface BackendSelectionOptions {
  /** 'auto' (default) or one backend, which must start. */
  readonly requested?: TrainingBackend | 'auto';
  /** Imports a package by name (default: dynamic `import()`). */
  readonly importModule?: (specifier: string) => Promise<unknown>;
  /** Whether a GPU is visible (default: {@link gpuVisible}). */
  readonly gpuVisible?: () => boolean;
  /** The wasm binaries' folder (default: the installed package's dist/). */
  readonly wasmDirectory?: string;
  /** Where the summary line goes (default: nowhere; the CLI logs it to stderr). */
  readonly log?: (line: string) => void;
}

/** A requested backend could not start (the CLI exits with status 2). */
export class BackendUnavailableError extends Error {
  override name = 'BackendUnavailableError';
}

const PACKAGES: Record<'tfjs-node-gpu' | 'tfjs-node', string> = {
  'tfjs-node-gpu': '@tensorflow/tfjs-node-gpu',
  'tfjs-node': '@tensorflow/tfjs-node',
};

/**
 * Whether an NVIDIA GPU is visible to this process: a device node /dev/nvidia0 or an entry in
 * /proc/driver/nvidia/gpus, and CUDA_VISIBLE_DEVICES not set to '' or '-1'.
 */
export function gpuVisible(): boolean {
  const cvd = process.env.CUDA_VISIBLE_DEVICES;
  if (cvd !== undefined && (cvd.trim() === '' || cvd.trim() === '-1')) return false;
  if (existsSync('/dev/nvidia0')) return true;
  try {
    return readdirSync('/proc/driver/nvidia/gpus').length > 0;
  } catch {
    return false;
  }
}

/** The folder holding tfjs-backend-wasm's .wasm binaries, as a file path ending in the separator. */
export function wasmBinaryDirectory(): string {
  const require = createRequire(import.meta.url);
  // The package's "main" is dist/tf-backend-wasm.node.js: the binaries sit beside it.
  const main = require.resolve('@tensorflow/tfjs-backend-wasm');
  const dir = dirname(main);
  return dir.endsWith(sep) ? dir : `${dir}${sep}`;
}

function message(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  const first = text.split('\n')[0] ?? text;
  return first.length > 160 ? `${first.slice(0, 157)}...` : first;
}

function isModuleNotFound(e: unknown, specifier: string): boolean {
  const code = (e as { code?: string } | null)?.code;
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && message(e).includes(specifier);
}

type Tf = typeof import('@tensorflow/tfjs');

async function tryNative(
  tf: Tf,
  backend: 'tfjs-node-gpu' | 'tfjs-node',
  importModule: (s: string) => Promise<unknown>,
): Promise<{ ok: true } | { ok: false; reason: string }> {
  const specifier = PACKAGES[backend];
  try {
    await importModule(specifier);
  } catch (e) {
    return { ok: false, reason: isModuleNotFound(e, specifier) ? `${specifier} is not installed` : `${specifier} failed to load (${message(e)})` };
  }
  // tfjs-node and tfjs-node-gpu register their binding under the name 'tensorflow'.
  try {
    if (!(await tf.setBackend('tensorflow'))) return { ok: false, reason: `${specifier} loaded but its 'tensorflow' backend did not initialise` };
    await tf.ready();
    return { ok: true };
  } catch (e) {
    return { ok: false, reason: `${specifier} loaded but its backend failed (${message(e)})` };
  }
}

async function tryWasm(
  tf: Tf,
  importModule: (s: string) => Promise<unknown>,
  directory: string | undefined,
): Promise<{ ok: true; simd: boolean } | { ok: false; reason: string }> {
  try {
    const wasm = (await importModule('@tensorflow/tfjs-backend-wasm')) as { setWasmPaths?: (p: string) => void };
    if (typeof wasm.setWasmPaths !== 'function') return { ok: false, reason: '@tensorflow/tfjs-backend-wasm has no setWasmPaths' };
    // In Node the binaries are read from the file system: the prefix must be a file path.
    const dir = directory ?? wasmBinaryDirectory();
    if (!existsSync(join(dir, 'tfjs-backend-wasm.wasm'))) return { ok: false, reason: `no tfjs-backend-wasm.wasm in ${dir}` };
    wasm.setWasmPaths(dir);
    if (!(await tf.setBackend('wasm'))) return { ok: false, reason: 'the wasm backend did not initialise' };
    await tf.ready();
    return { ok: true, simd: tf.env().getBool('WASM_HAS_SIMD_SUPPORT') };
  } catch (e) {
    return { ok: false, reason: `the wasm backend failed (${message(e)})` };
  }
}

/**
 * Selects and activates the TF.js backend for training.
 *
 * With `requested: 'auto'` the backends are tried in the order of {@link TRAINING_BACKENDS};
 * tfjs-node-gpu only when a GPU is visible. A named backend must start or the call throws
 * {@link BackendUnavailableError} naming the reason. The summary line, e.g.
 * `backend: wasm (SIMD); passed over: tfjs-node-gpu (no GPU visible), tfjs-node
 * (@tensorflow/tfjs-node is not installed)`, goes to `log`.
 *
 * @throws BackendUnavailableError when the requested backend (or, for 'auto', even cpu) fails
 * @example
 * const { backend } = await selectBackend({ log: (l) => process.stderr.write(`${l}\n`) });
 * // backend === 'wasm' on a machine without the native packages
 */
export async function selectBackend(options: BackendSelectionOptions = {}): Promise<BackendSelection> {
  const requested = options.requested ?? 'auto';
  const importModule = options.importModule ?? ((s: string) => import(s));
  const hasGpu = options.gpuVisible ?? gpuVisible;
  // TF.js is imported here, not at module load, so that commands that do not train never load it.
  const tf = await import('@tensorflow/tfjs');
  const candidates = requested === 'auto' ? TRAINING_BACKENDS : [requested];
  const attempts: BackendAttempt[] = [];
  for (const backend of candidates) {
    let result: { ok: true; simd?: boolean } | { ok: false; reason: string };
    if (backend === 'tfjs-node-gpu' && !hasGpu()) {
      result = { ok: false, reason: 'no GPU visible' };
      attempts.push({ backend, outcome: 'skipped', reason: result.reason });
      if (requested !== 'auto') break;
      continue;
    }
    if (backend === 'tfjs-node-gpu' || backend === 'tfjs-node') result = await tryNative(tf, backend, importModule);
    else if (backend === 'wasm') result = await tryWasm(tf, importModule, options.wasmDirectory);
    else {
      try {
        result = (await tf.setBackend('cpu')) ? { ok: true } : { ok: false, reason: 'the cpu backend did not initialise' };
      } catch (e) {
        result = { ok: false, reason: `the cpu backend failed (${message(e)})` };
      }
    }
    if (result.ok) {
      attempts.push({ backend, outcome: 'selected' });
      const simd = backend === 'wasm' ? (result.simd ?? false) : null;
      const passed = attempts.filter((a) => a.outcome !== 'selected').map((a) => `${a.backend} (${a.reason})`);
      const summary = `backend: ${backend}${simd === null ? '' : simd ? ' (SIMD)' : ' (no SIMD)'}${passed.length ? `; passed over: ${passed.join(', ')}` : ''}`;
      options.log?.(summary);
      return { backend, tfjsBackendName: tf.getBackend(), simd, attempts, summary };
    }
    attempts.push({ backend, outcome: 'unavailable', reason: result.reason });
  }
  const why = attempts.map((a) => `${a.backend}: ${a.reason}`).join('; ');
  throw new BackendUnavailableError(
    requested === 'auto' ? `no TF.js backend could start (${why})` : `--backend ${requested} could not start (${why}); expected one of ${TRAINING_BACKENDS.join(', ')} that runs on this machine`,
  );
}

let active: { requested: TrainingBackend | 'auto'; selection: Promise<BackendSelection> } | null = null;

/**
 * {@link selectBackend} once per process: later calls with the same request return the first
 * selection (and log nothing); a different request re-selects.
 */
export function ensureBackend(requested: TrainingBackend | 'auto' = 'auto', log?: (line: string) => void): Promise<BackendSelection> {
  if (active && (active.requested === requested || requested === 'auto')) return active.selection;
  const selection = selectBackend({ requested, ...(log ? { log } : {}) });
  active = { requested, selection };
  selection.catch(() => {
    if (active?.selection === selection) active = null;
  });
  return selection;
}
