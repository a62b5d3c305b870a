/**
 * A training run's directory, the contract between `lrdkit train`, `lrdkit reproduce`, the
 * report code and `lrdkit audit`:
 *
 *     DIR/run.json            the run's configuration and size (RunMetadata), written at start
 *     DIR/log.jsonl           one JSON object per finished step: {step, loss, elapsedSeconds,
 *                             sequencesPerSecond}; loss in nats per output symbol
 *     DIR/checkpoint/         the latest checkpoint:
 *         model.json, group1-shard1of1.bin   the recurrent layers in lrdkit's checkpoint format
 *                                            (TF.js layers + userDefinedMetadata.lrdkit; keeps
 *                                            factorized and context-switching structure), so
 *                                            `lrdkit audit DIR/checkpoint` audits the trained model
 *         training-state.json, training-state.bin   what resuming needs beyond the recurrent
 *                                            layers: the input projection and readout(s), the
 *                                            RMSProp slots of every variable, the data
 *                                            generator's state, the step and the elapsed time
 *
 * A checkpoint is written into a fresh hidden folder which then replaces DIR/checkpoint by two
 * renames (old away, new in, old deleted), so DIR/checkpoint is always a complete checkpoint; if
 * a crash falls between the two renames the old one is found under its hidden name and used.
 * training-state.json records the SHA-256 of training-state.bin, checked on reading.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Cell, CellKind, CellVariant } from '../cells/types.js';
import { CheckpointError } from '../checkpoints/errors.js';
import { readLrdkitCheckpoint, writeLrdkitCheckpoint } from '../checkpoints/lrdkitFormat.js';
import { asideFolderName, temporaryFolderBeside } from '../internal/stagedFolder.js';
import { writeAtomic } from '../internal/writeAtomic.js';
import type { XoshiroState } from '../processes/prng.js';
import { type ModelConfig, type ModelWeights, parameterShapes, weightsWithCells } from './modelConfig.js';

/** DIR/run.json. */
export const RUN_FILE = 'run.json';
/** DIR/log.jsonl. */
export const LOG_FILE = 'log.jsonl';
/** DIR/checkpoint/. */
export const CHECKPOINT_DIR = 'checkpoint';
/** The training state beside the lrdkit checkpoint. */
export const STATE_JSON = 'training-state.json';
export const STATE_BIN = 'training-state.bin';
/** Version of the training-state format. */
export const TRAINING_STATE_VERSION = 1;

/** DIR/run.json: the run's configuration (the first thirteen keys are the report code's contract). */
export interface RunMetadata {
  readonly task: 'copy';
  readonly cell: CellKind;
  readonly variant: CellVariant;
  readonly groups: number;
  readonly hiddenSize: number;
  readonly layers: number;
  readonly repeats: number;
  readonly seed: number;
  /** The TF.js backend the run started on. */
  readonly backend: string;
  /** Total optimisation steps asked for. */
  readonly steps: number;
  readonly batchSize: number;
  readonly learningRate: number;
  /** Trainable parameters of the whole model. */
  readonly parameters: number;
  /** How the width was chosen: null (given), 'params' or 'flops' (matched to a dense model). */
  readonly match: 'params' | 'flops' | null;
  /** The dense model a matched width was matched to. */
  readonly reference: { readonly hiddenSize: number; readonly parameters: number } | null;
  /** Factorized runs: 'big' (width matched to a dense budget) or 'small' (the width as given); absent for dense runs. */
  readonly size?: 'big' | 'small';
  readonly sequenceLength: number;
  readonly inputVocabulary: number;
  readonly outputVocabulary: number;
  readonly auxiliaryHiddenSize: number | null;
  readonly flopsPerStep: number;
  readonly optimizer: { readonly name: 'rmsprop'; readonly decay: number; readonly momentum: number; readonly epsilon: number; readonly clipNorm: number | null };
  readonly checkpointEvery: number;
  readonly lrdkit: string;
  /** Data-parallel threads (src/train/dataParallel.ts); absent: 1 (runs before issue 15 have none). */
  readonly threads?: number;
  /** The training kernels (src/train/internal/nativeKernels.ts); absent: 'wasm' (only 'native' is written). */
  readonly kernels?: 'wasm' | 'native';
  /** With kernels 'native': the addon's instruction set the run started on ('avx2-fma', 'portable'). */
  readonly kernelIsa?: string;
}

/** One line of DIR/log.jsonl. */
export interface LogEntry {
  /** Finished optimisation steps (1 for the first update). */
  readonly step: number;
  /** The batch's loss before this step's update, nats per output symbol. */
  readonly loss: number;
  /** Training wall time so far, across resumptions, seconds. */
  readonly elapsedSeconds: number;
  /** Batch size over this step's wall time. */
  readonly sequencesPerSecond: number;
}

/** The optimizer's state in a checkpoint: RMSProp slots in variable order. */
export interface OptimizerSlots {
  readonly iterations: number;
  /** Mean-square accumulators, one per model variable (parameterShapes order). */
  readonly meanSquares: readonly Float32Array[];
  /** Momentum accumulators, one per model variable. */
  readonly moments: readonly Float32Array[];
}

/** Everything a checkpoint holds besides the lrdkit files' structure. */
export interface TrainingState {
  readonly step: number;
  readonly elapsedSeconds: number;
  /** The data generator's xoshiro128** state after the last finished step's batch. */
  readonly rngState: XoshiroState;
  readonly optimizer: OptimizerSlots;
}

/** A checkpoint read back. */
export interface LoadedCheckpoint extends TrainingState {
  readonly weights: ModelWeights;
  /** The recurrent layers as read by readLrdkitCheckpoint. */
  readonly cells: readonly Cell[];
}

/** Whether a tensor of the model is stored in the lrdkit files (recurrent gate weights). */
export function isRecurrentTensor(name: string): boolean {
  return /^layer\d+\/(auxiliary\/)?(kernel|recurrent_kernel|bias|recurrent_bias)$/.test(name);
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Writes DIR/run.json atomically. */
export function writeRunMetadata(dir: string, meta: RunMetadata): void {
  mkdirSync(dir, { recursive: true });
  writeAtomic(join(dir, RUN_FILE), `${JSON.stringify(meta, null, 2)}\n`);
}

/** Reads DIR/run.json. */
export function readRunMetadata(dir: string): RunMetadata {
  const file = join(dir, RUN_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new CheckpointError(file, 'run.json', `expected a readable file, found ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new CheckpointError(file, 'run.json', `expected JSON, found a parse error (${(e as Error).message})`);
  }
  const m = v as Partial<RunMetadata>;
  const ok = typeof m === 'object' && m !== null && m.task === 'copy' && (m.cell === 'gru' || m.cell === 'lstm') && typeof m.variant === 'string' && Number.isInteger(m.groups) && Number.isInteger(m.hiddenSize) && Number.isInteger(m.layers) && Number.isInteger(m.repeats) && Number.isInteger(m.seed) && Number.isInteger(m.steps) && Number.isInteger(m.batchSize) && typeof m.learningRate === 'number';
  if (!ok) throw new CheckpointError(file, 'run.json', `expected {task: 'copy', cell, variant, groups, hiddenSize, layers, repeats, seed, steps, batchSize, learningRate, ...}, found ${text.slice(0, 160)}`);
  return m as RunMetadata;
}

/** Appends one line to DIR/log.jsonl. */
export function appendLogEntry(dir: string, entry: LogEntry): void {
  writeFileSync(join(dir, LOG_FILE), `${JSON.stringify(entry)}\n`, { flag: 'a' });
}

/** The entries of DIR/log.jsonl (empty if absent); a torn last line (a crash mid-write) is ignored. */
export function readLog(dir: string): LogEntry[] {
  const file = join(dir, LOG_FILE);
  if (!existsSync(file)) return [];
  const lines = readFileSync(file, 'utf8').split('\n');
  const out: LogEntry[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      out.push(JSON.parse(line) as LogEntry);
    } catch (e) {
      if (i >= lines.length - 2) return;
      throw new CheckpointError(file, `line ${i + 1}`, `expected a JSON object, found ${line.slice(0, 80)} (${(e as Error).message})`);
    }
  });
  return out;
}

/** Keeps the log entries with step <= `step` (atomically rewritten): the steps a checkpoint holds. */
export function truncateLog(dir: string, step: number): LogEntry[] {
  const kept = readLog(dir).filter((e) => e.step <= step);
  writeAtomic(join(dir, LOG_FILE), kept.map((e) => `${JSON.stringify(e)}\n`).join(''));
  return kept;
}

interface StateManifest {
  version: number;
  step: number;
  elapsedSeconds: number;
  rngState: number[];
  optimizer: { name: 'rmsprop'; iterations: number };
  bytes: number;
  sha256: string;
  tensors: { name: string; shape: number[]; offset: number }[];
}

/**
 * Writes DIR/checkpoint: the recurrent layers through writeLrdkitCheckpoint (with `metadata`,
 * e.g. task and seed, in userDefinedMetadata.lrdkit) and the training state beside them, then
 * swaps it in for the previous checkpoint.
 */
export function writeTrainingCheckpoint(
  dir: string,
  config: ModelConfig,
  weights: ModelWeights,
  cells: readonly Cell[],
  state: TrainingState,
  metadata: Record<string, unknown>,
): void {
  const finalDir = join(dir, CHECKPOINT_DIR);
  // Fresh, unpredictable names (mkdtemp), never derived from the pid: a link planted under a
  // guessable name is neither followed nor removed.
  mkdirSync(dir, { recursive: true });
  const tmpDir = temporaryFolderBeside(finalDir);
  const oldDir = asideFolderName(finalDir, tmpDir);
  try {
    writeLrdkitCheckpoint(
      tmpDir,
      cells.map((cell, l) => ({ name: `layer${l}`, cell, depth: l })),
      { ...metadata, task: 'copy', step: state.step },
    );
    const names = parameterShapes(config).map(([n]) => n);
    const entries: { name: string; shape: readonly number[]; values: Float32Array }[] = [];
    for (const name of names) {
      const w = weights.get(name);
      if (!w) throw new CheckpointError(tmpDir, name, 'expected this model tensor, found none');
      if (!isRecurrentTensor(name)) entries.push({ name, shape: w.shape, values: w.values });
    }
    const { meanSquares, moments } = state.optimizer;
    if (meanSquares.length !== names.length || moments.length !== names.length) {
      throw new CheckpointError(tmpDir, 'optimizer', `expected ${names.length} RMSProp slots of each kind, found ${meanSquares.length} and ${moments.length}`);
    }
    names.forEach((name, i) => {
      const shape = weights.get(name)!.shape;
      entries.push({ name: `${name}/rms`, shape, values: meanSquares[i] as Float32Array });
      entries.push({ name: `${name}/momentum`, shape, values: moments[i] as Float32Array });
    });
    const total = entries.reduce((s, e) => s + e.values.length, 0);
    const bin = new Float32Array(total);
    const tensors: StateManifest['tensors'] = [];
    let at = 0;
    for (const e of entries) {
      bin.set(e.values, at);
      tensors.push({ name: e.name, shape: [...e.shape], offset: at });
      at += e.values.length;
    }
    const bytes = new Uint8Array(bin.buffer);
    const manifest: StateManifest = {
      version: TRAINING_STATE_VERSION,
      step: state.step,
      elapsedSeconds: state.elapsedSeconds,
      rngState: [...state.rngState],
      optimizer: { name: 'rmsprop', iterations: state.optimizer.iterations },
      bytes: bytes.length,
      sha256: sha256(bytes),
      tensors,
    };
    writeFileSync(join(tmpDir, STATE_BIN), bytes);
    writeFileSync(join(tmpDir, STATE_JSON), `${JSON.stringify(manifest)}\n`);
  } catch (e) {
    rmSync(tmpDir, { recursive: true, force: true });
    throw e;
  }
  chmodSync(tmpDir, 0o755); // mkdtemp made it 0700; the checkpoint folder is an ordinary one
  const hadOld = existsSync(finalDir);
  if (hadOld) renameSync(finalDir, oldDir);
  renameSync(tmpDir, finalDir);
  if (hadOld) rmSync(oldDir, { recursive: true, force: true });
}

/** DIR/checkpoint, or a checkpoint left under its hidden name by a crash between two renames. */
export function findCheckpoint(dir: string): string | null {
  const finalDir = join(dir, CHECKPOINT_DIR);
  if (existsSync(join(finalDir, STATE_JSON))) return finalDir;
  if (!existsSync(dir)) return null;
  const old = readdirSync(dir)
    .filter((n) => n.startsWith('.checkpoint.old-') && existsSync(join(dir, n, STATE_JSON)))
    .map((n) => join(dir, n))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  return old[0] ?? null;
}

/**
 * Reads the latest checkpoint of a run: the recurrent layers through readLrdkitCheckpoint, the
 * rest from the training state, checked against `config`.
 *
 * @throws CheckpointError naming the file, the part, and what was expected and found
 */
export async function readTrainingCheckpoint(dir: string, config: ModelConfig): Promise<LoadedCheckpoint> {
  const ckptDir = findCheckpoint(dir);
  if (!ckptDir) throw new CheckpointError(join(dir, CHECKPOINT_DIR), 'checkpoint', `expected a checkpoint (${STATE_JSON} and model.json) to resume from, found none`);
  const jsonFile = join(ckptDir, STATE_JSON), binFile = join(ckptDir, STATE_BIN);
  let manifest: StateManifest;
  try {
    manifest = JSON.parse(readFileSync(jsonFile, 'utf8')) as StateManifest;
  } catch (e) {
    throw new CheckpointError(jsonFile, STATE_JSON, `expected readable JSON, found ${(e as Error).message}`);
  }
  if (manifest.version !== TRAINING_STATE_VERSION) throw new CheckpointError(jsonFile, 'version', `expected ${TRAINING_STATE_VERSION}, found ${JSON.stringify(manifest.version)}`);
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(binFile));
  } catch (e) {
    throw new CheckpointError(binFile, STATE_BIN, `expected a readable file, found ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (bytes.length !== manifest.bytes || sha256(bytes) !== manifest.sha256) {
    throw new CheckpointError(binFile, STATE_BIN, `expected ${manifest.bytes} bytes with SHA-256 ${manifest.sha256.slice(0, 12)}..., found ${bytes.length} bytes with SHA-256 ${sha256(bytes).slice(0, 12)}... (truncated or modified)`);
  }
  const floats = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
  const stored = new Map(manifest.tensors.map((t) => [t.name, t]));
  const take = (name: string, shape: readonly number[]): Float32Array => {
    const t = stored.get(name);
    if (!t) throw new CheckpointError(jsonFile, `tensor ${name}`, 'expected this tensor for the run configuration, found none');
    if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
      throw new CheckpointError(jsonFile, `tensor ${name}`, `expected shape [${shape.join(', ')}], found [${t.shape.join(', ')}]`);
    }
    const n = shape.reduce((a, b) => a * b, 1);
    return Float32Array.from(floats.subarray(t.offset, t.offset + n));
  };
  const shapes = parameterShapes(config);
  const base: ModelWeights = new Map();
  for (const [name, shape] of shapes) base.set(name, { shape, values: isRecurrentTensor(name) ? new Float32Array(shape.reduce((a, b) => a * b, 1)) : take(name, shape) });
  const ckpt = await readLrdkitCheckpoint(ckptDir);
  if (ckpt.format !== 'lrdkit') throw new CheckpointError(ckptDir, 'model.json', `expected lrdkit metadata (userDefinedMetadata.lrdkit), found a plain ${ckpt.format} model`);
  let weights: ModelWeights;
  try {
    weights = weightsWithCells(config, ckpt.layers, base);
  } catch (e) {
    throw new CheckpointError(join(ckptDir, 'model.json'), 'layers', (e as Error).message);
  }
  const rng = manifest.rngState;
  if (!Array.isArray(rng) || rng.length !== 4 || rng.some((w) => !Number.isInteger(w) || w < 0 || w >= 2 ** 32)) {
    throw new CheckpointError(jsonFile, 'rngState', `expected four 32-bit words, found ${JSON.stringify(rng)}`);
  }
  return {
    weights,
    cells: ckpt.layers,
    step: manifest.step,
    elapsedSeconds: manifest.elapsedSeconds,
    rngState: [rng[0], rng[1], rng[2], rng[3]] as unknown as XoshiroState,
    optimizer: {
      iterations: manifest.optimizer.iterations,
      meanSquares: shapes.map(([name, shape]) => take(`${name}/rms`, shape)),
      moments: shapes.map(([name, shape]) => take(`${name}/momentum`, shape)),
    },
  };
}
