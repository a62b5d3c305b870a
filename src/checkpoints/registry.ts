/**
 * The checkpoint format registry: one module per format (src/checkpoints/formats/), each saying
 * how to recognise its bytes or folder and how to read it into the common layer list.
 * {@link readCheckpoint} looks at the input once (a {@link Probe}: what is at the path, the first
 * bytes, the folder's or zip archive's names), picks the first format whose `sniff` accepts it
 * (the order of {@link CHECKPOINT_FORMATS} puts specific formats before general ones) and calls
 * exactly that reader. An unrecognised input is one CheckpointError listing every format checked
 * and what was seen. Adding a format is one module and one line here.
 *
 * @module
 */
import { basename, extname } from 'node:path';
import { CheckpointError } from './errors.js';
import { kerasH5Format } from './formats/kerasH5.js';
import { kerasV3Format } from './formats/kerasV3.js';
import { onnxFormat } from './formats/onnx.js';
import { runFolderFormat } from './formats/runFolder.js';
import { safetensorsFormat } from './formats/safetensors.js';
import { tfjsFormat } from './formats/tfjs.js';
import { torchScriptFormat } from './formats/torchScript.js';
import { torchZipFormat } from './formats/torchZip.js';
import { checkCheckpointPath, listDirectory, pathKind, readFileBytes } from './internal/fileBytes.js';
import { looksLikeZip, openZip } from './internal/zip.js';
import type { Checkpoint } from './types.js';

/** What is known about the input before any reader runs. */
export interface Probe {
  /** The path as given. */
  readonly path: string;
  readonly kind: 'file' | 'directory';
  /** Lower-case extension of the file name ('' for none; '.weights.h5' style doubles are not split). */
  readonly extension: string;
  /** A file's bytes (empty for a directory). */
  readonly bytes: Uint8Array;
  /** A directory's entry names (empty for a file). */
  readonly names: readonly string[];
  /** A zip file's member names, or undefined when the file is not a readable zip archive. */
  readonly zipMembers: readonly string[] | undefined;
}

/** One checkpoint format. */
export interface CheckpointFormatModule {
  /** Short name, e.g. 'onnx'. */
  readonly name: string;
  /** What its sniff looks for, for the unrecognised-input message. */
  readonly recognises: string;
  /** Whether the input is this format (cheap: looks at the probe only). */
  sniff(probe: Probe): boolean;
  /** Reads it. */
  read(probe: Probe): Promise<Checkpoint>;
}

/** Every format, in sniffing order. */
export const CHECKPOINT_FORMATS: readonly CheckpointFormatModule[] = [
  runFolderFormat,
  tfjsFormat,
  kerasH5Format,
  kerasV3Format,
  torchScriptFormat,
  torchZipFormat,
  safetensorsFormat,
  onnxFormat,
];

/** Looks at `path` once: kind, bytes (files), names (directories, zip archives). */
export function probeCheckpoint(path: string): Probe {
  checkCheckpointPath(path);
  const k = pathKind(path);
  if (k.kind === 'missing') throw new CheckpointError(path, 'path', 'expected a checkpoint file, a TF.js model directory or a training run folder, found nothing at this path');
  if (k.kind === 'other') throw new CheckpointError(path, 'path', 'expected a regular file or a directory, found another kind of file (device, socket or pipe)');
  if (k.kind === 'directory') return { path, kind: 'directory', extension: '', bytes: new Uint8Array(0), names: listDirectory(path), zipMembers: undefined };
  const bytes = readFileBytes(path);
  if (bytes.length === 0) throw new CheckpointError(path, 'file', 'expected a checkpoint, found an empty file');
  let zipMembers: string[] | undefined;
  if (looksLikeZip(bytes)) {
    try {
      zipMembers = [...openZip(bytes, path).entries.keys()];
    } catch {
      zipMembers = undefined;
    }
  }
  return { path, kind: 'file', extension: extname(basename(path)).toLowerCase(), bytes, names: [], zipMembers };
}

/** The format of a probed input, or a CheckpointError listing what was checked and seen. */
export function formatOf(probe: Probe): CheckpointFormatModule {
  const format = CHECKPOINT_FORMATS.find((f) => f.sniff(probe));
  if (format) return format;
  const seen = probe.kind === 'directory'
    ? `a directory with ${probe.names.length === 0 ? 'no entries' : `entries ${probe.names.slice(0, 10).join(', ')}${probe.names.length > 10 ? ', ...' : ''}`}`
    : `a file of ${probe.bytes.length} bytes starting ${Buffer.from(probe.bytes.subarray(0, 8)).toString('hex')}${probe.zipMembers ? ` (zip members ${probe.zipMembers.slice(0, 6).join(', ')}${probe.zipMembers.length > 6 ? ', ...' : ''})` : ''}`;
  throw new CheckpointError(probe.path, probe.kind === 'directory' ? 'directory' : 'file', `expected one of: ${CHECKPOINT_FORMATS.map((f) => `${f.name} (${f.recognises})`).join('; ')}; found ${seen}`);
}

/**
 * Reads a checkpoint: probes the path once, picks its format, runs that one reader.
 *
 * @throws CheckpointError naming the file, the part, what was expected and found
 * @example
 * const ck = await readCheckpoint('test/fixtures/checkpoints/onnx/gru2.onnx');
 * ck.format; // 'onnx'
 */
export async function readCheckpoint(path: string): Promise<Checkpoint> {
  const probe = probeCheckpoint(path);
  return formatOf(probe).read(probe);
}
