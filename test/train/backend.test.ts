/**
 * Backend selection: tfjs-node-gpu (importable and a GPU visible) > tfjs-node > wasm > cpu,
 * with the package importer and the GPU probe injected, so that every branch runs on a machine
 * where the native packages are absent (this one) or present.
 */
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { BackendUnavailableError, TRAINING_BACKENDS, selectBackend } from '../../src/train/backend.js';
import { removeTempDirs, tempDir } from './helpers.js';

const notFound = (specifier: string) => Object.assign(new Error(`Cannot find package '${specifier}' imported from /x`), { code: 'ERR_MODULE_NOT_FOUND' });

/** An importer where the native packages are missing and everything else imports for real. */
const withoutNative = async (specifier: string): Promise<unknown> => {
  if (specifier.startsWith('@tensorflow/tfjs-node')) throw notFound(specifier);
  return import(specifier);
};

/** An importer where `@tensorflow/tfjs-node` "loads" and registers a 'tensorflow' backend (a cpu backend in disguise). */
const withFakeNode = async (specifier: string): Promise<unknown> => {
  if (specifier === '@tensorflow/tfjs-node') {
    const factory = tf.findBackendFactory('cpu');
    if (!factory) throw new Error('no cpu backend factory');
    if (!tf.findBackendFactory('tensorflow')) tf.registerBackend('tensorflow', factory, 3);
    return {};
  }
  return withoutNative(specifier);
};

afterEach(async () => {
  if (tf.findBackendFactory('tensorflow')) tf.removeBackend('tensorflow');
  await tf.setBackend('wasm').catch(() => tf.setBackend('cpu'));
});
afterAll(removeTempDirs);

describe('selectBackend', () => {
  it('falls back to wasm (SIMD) when the native packages are absent, logging one line with the reasons', async () => {
    const lines: string[] = [];
    const s = await selectBackend({ importModule: withoutNative, gpuVisible: () => true, log: (l) => lines.push(l) });
    expect(s.backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(s.simd).toBe(tf.env().getBool('WASM_HAS_SIMD_SUPPORT'));
    expect(s.attempts.map((a) => [a.backend, a.outcome])).toEqual([
      ['tfjs-node-gpu', 'unavailable'],
      ['tfjs-node', 'unavailable'],
      ['wasm', 'selected'],
    ]);
    expect(s.attempts[0]!.reason).toBe('@tensorflow/tfjs-node-gpu is not installed');
    expect(lines).toEqual([s.summary]);
    expect(s.summary).toMatch(/^backend: wasm \((no )?SIMD\); passed over: tfjs-node-gpu \(@tensorflow\/tfjs-node-gpu is not installed\), tfjs-node \(@tensorflow\/tfjs-node is not installed\)$/);
  });

  it('skips tfjs-node-gpu without importing it when no GPU is visible', async () => {
    const imported: string[] = [];
    const s = await selectBackend({ importModule: (m) => (imported.push(m), withoutNative(m)), gpuVisible: () => false });
    expect(s.attempts[0]).toEqual({ backend: 'tfjs-node-gpu', outcome: 'skipped', reason: 'no GPU visible' });
    expect(imported).not.toContain('@tensorflow/tfjs-node-gpu');
    expect(s.backend).toBe('wasm');
  });

  it('prefers tfjs-node when it imports and registers its backend', async () => {
    const s = await selectBackend({ importModule: withFakeNode, gpuVisible: () => false });
    expect(s.backend).toBe('tfjs-node');
    expect(s.tfjsBackendName).toBe('tensorflow');
    expect(tf.getBackend()).toBe('tensorflow');
  });

  it('passes over a native package that is installed but fails to load, saying why', async () => {
    const broken = async (m: string) => {
      if (m === '@tensorflow/tfjs-node') throw new Error('libtensorflow.so.2: cannot open shared object file');
      return withoutNative(m);
    };
    const s = await selectBackend({ importModule: broken, gpuVisible: () => false });
    expect(s.backend).toBe('wasm');
    expect(s.attempts[1]).toEqual({ backend: 'tfjs-node', outcome: 'unavailable', reason: '@tensorflow/tfjs-node failed to load (libtensorflow.so.2: cannot open shared object file)' });
  });

  it('falls back to cpu when the wasm binaries cannot be found', async () => {
    const s = await selectBackend({ importModule: withoutNative, gpuVisible: () => false, wasmDirectory: `${tempDir()}/` });
    expect(s.backend).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(s.attempts.find((a) => a.backend === 'wasm')?.reason).toMatch(/^no tfjs-backend-wasm\.wasm in /);
  });

  it('a requested backend that cannot start is an error naming the reason, not a silent fallback', async () => {
    await expect(selectBackend({ requested: 'tfjs-node', importModule: withoutNative })).rejects.toThrow(BackendUnavailableError);
    await expect(selectBackend({ requested: 'tfjs-node', importModule: withoutNative })).rejects.toThrow('--backend tfjs-node could not start (tfjs-node: @tensorflow/tfjs-node is not installed)');
    await expect(selectBackend({ requested: 'tfjs-node-gpu', importModule: withoutNative, gpuVisible: () => false })).rejects.toThrow('tfjs-node-gpu: no GPU visible');
    const cpu = await selectBackend({ requested: 'cpu', importModule: withoutNative });
    expect(cpu.attempts).toEqual([{ backend: 'cpu', outcome: 'selected' }]);
  });

  it('with the real importer, selects the first backend this machine can run (wasm where the native packages are absent)', async () => {
    const s = await selectBackend({});
    expect(TRAINING_BACKENDS).toContain(s.backend);
    const before = s.attempts.slice(0, -1);
    expect(before.every((a) => a.outcome !== 'selected' && typeof a.reason === 'string')).toBe(true);
    const require = createRequire(import.meta.url);
    const installed = (m: string) => {
      try {
        require.resolve(m);
        return true;
      } catch {
        return false;
      }
    };
    if (!installed('@tensorflow/tfjs-node') && !installed('@tensorflow/tfjs-node-gpu')) expect(s.backend).toBe('wasm');
  });
});
