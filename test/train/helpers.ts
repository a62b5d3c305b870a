/**
 * Shared set-up of the training tests: the backend, model configurations of every variant,
 * random weights that exercise every tensor (non-zero biases), temporary directories.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BackendSelection, selectBackend } from '../../src/train/backend.js';
import { type ModelConfig, type ModelWeights, parameterShapes } from '../../src/train/modelConfig.js';
import type { Rng } from '../../src/processes/prng.js';

let backend: Promise<BackendSelection> | null = null;

/** The wasm backend (what training uses on a machine without the native packages). */
export function useWasm(): Promise<BackendSelection> {
  backend ??= selectBackend({ requested: 'wasm' });
  return backend;
}

/** Small configurations of every kind and variant (2 layers, tiny vocabularies). */
export const VARIANTS: readonly ModelConfig[] = (['gru', 'lstm'] as const).flatMap((kind) => [
  { kind, variant: 'dense', groups: 1, hiddenSize: 12, layers: 2, inputVocabulary: 11, outputVocabulary: 7 },
  { kind, variant: 'factorized', groups: 4, hiddenSize: 16, layers: 2, inputVocabulary: 11, outputVocabulary: 7 },
  { kind, variant: 'context-switching', groups: 2, hiddenSize: 12, layers: 2, inputVocabulary: 11, outputVocabulary: 7, auxiliaryHiddenSize: 5 },
] as const);

/** A short name for test titles. */
export function label(c: ModelConfig): string {
  return `${c.kind} ${c.variant}${c.groups > 1 ? ` g=${c.groups}` : ''}`;
}

/**
 * Weights iid uniform on [-scale, scale] for every tensor, biases included, rounded to float32
 * (the training initialisation leaves biases at zero, which would hide a misplaced bias).
 */
export function randomWeights(c: ModelConfig, rng: Rng, scale = 0.5): ModelWeights {
  const w: ModelWeights = new Map();
  for (const [name, shape] of parameterShapes(c)) {
    const n = shape.reduce((a, b) => a * b, 1);
    w.set(name, { shape, values: Float32Array.from({ length: n }, () => (2 * rng.uniform() - 1) * scale) });
  }
  return w;
}

const dirs: string[] = [];

/** A fresh temporary directory, removed by {@link removeTempDirs}. */
export function tempDir(prefix = 'lrdkit-train-'): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
}

export function removeTempDirs(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** Largest |got - want| over the largest |want| (the kernels' tolerances are relative to the largest entry). */
export function relativeError(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let d = 0, s = 0;
  for (let i = 0; i < want.length; i++) {
    d = Math.max(d, Math.abs((got[i] as number) - (want[i] as number)));
    s = Math.max(s, Math.abs(want[i] as number));
  }
  return d / s;
}
