/**
 * Training run folders written by `lrdkit train` (src/train/runDirectory.ts): DIR/run.json and
 * DIR/checkpoint/ (an lrdkit checkpoint). The checkpoint is read; the result is named after the
 * run folder (its `path` is DIR) with a description of the run from run.json.
 *
 * @module
 */
import { basename, join } from 'node:path';
import { CheckpointError } from '../errors.js';
import { parseCheckedJson } from '../internal/checkedJson.js';
import { pathKind, readFileBytes } from '../internal/fileBytes.js';
import { readLrdkitCheckpoint } from '../lrdkitFormat.js';
import type { CheckpointFormatModule } from '../registry.js';
import type { Checkpoint } from '../types.js';

/** run.json and checkpoint/ as written by src/train/runDirectory.ts (names kept in step with it). */
const RUN_FILE = 'run.json';
const CHECKPOINT_DIR = 'checkpoint';

/** One line about the run from run.json's fields (task, cell, variant, groups, width, layers, steps, seed). */
export function describeRun(meta: unknown, file: string): string {
  if (typeof meta !== 'object' || meta === null || Array.isArray(meta)) throw new CheckpointError(file, RUN_FILE, `expected a JSON object (the run's configuration), found ${Array.isArray(meta) ? 'an array' : typeof meta}`);
  const m = meta as Record<string, unknown>;
  const field = (k: string): string => (typeof m[k] === 'string' || typeof m[k] === 'number' ? String(m[k]) : '?');
  return `${field('task')} task, ${field('layers')}-layer ${field('variant')} ${field('cell').toUpperCase()}(${field('hiddenSize')})${m.variant === 'factorized' ? ` g=${field('groups')}` : ''}, ${field('steps')} steps, seed ${field('seed')}`;
}

/** Reads a run folder's checkpoint, named after the run. */
export async function readRunFolder(dir: string): Promise<Checkpoint> {
  const runJson = join(dir, RUN_FILE);
  let meta: unknown;
  try {
    meta = parseCheckedJson(new TextDecoder('utf-8', { fatal: true }).decode(readFileBytes(runJson, dir, dir)), dir, RUN_FILE);
  } catch (e) {
    if (e instanceof CheckpointError) throw e;
    throw new CheckpointError(dir, RUN_FILE, `expected the run's configuration as JSON, found text that does not parse (${(e as Error).message})`);
  }
  const run = describeRun(meta, dir);
  const checkpointDir = join(dir, CHECKPOINT_DIR);
  if (pathKind(join(checkpointDir, 'model.json')).kind !== 'file') {
    throw new CheckpointError(dir, `${CHECKPOINT_DIR}/`, `expected the run's checkpoint (${CHECKPOINT_DIR}/model.json, written every --checkpoint-every steps by lrdkit train), found none: the run has not written a checkpoint yet`);
  }
  const ck = await readLrdkitCheckpoint(join(checkpointDir, 'model.json'));
  return { ...ck, path: dir, source: { kind: 'run-folder', checkpoint: checkpointDir, run }, notes: [...(ck as Checkpoint).notes ?? [], `training run ${basename(dir)}: ${run}; read from ${CHECKPOINT_DIR}/`] };
}

export const runFolderFormat: CheckpointFormatModule = {
  name: 'run-folder',
  recognises: 'a directory with run.json (and checkpoint/) written by lrdkit train',
  sniff: (p) => p.kind === 'directory' && p.names.includes(RUN_FILE) && !p.names.includes('model.json'),
  read: (p) => readRunFolder(p.path),
};
