/**
 * The one place where the ONNX, TorchScript, Keras weights-only and run-folder readers touch the
 * file system: whole files, byte ranges of files (ONNX external data), sizes and directory
 * listings. Kept small so that it can be swapped for a hardened implementation (byte budgets,
 * regular files only, symlink checks) without touching the readers.
 *
 * @internal
 */
import { closeSync, openSync, readFileSync, readSync, readdirSync, statSync } from 'node:fs';
import { CheckpointError } from '../errors.js';

/** What is at a path: a regular file (with its size), a directory, or nothing usable. */
export type PathKind = { kind: 'file'; size: number } | { kind: 'directory' } | { kind: 'missing' } | { kind: 'other' };

/** Kind of `path` (following symbolic links as the readers always have). */
export function pathKind(path: string): PathKind {
  try {
    const s = statSync(path);
    if (s.isDirectory()) return { kind: 'directory' };
    if (s.isFile()) return { kind: 'file', size: s.size };
    return { kind: 'other' };
  } catch {
    return { kind: 'missing' };
  }
}

/** The whole file. */
export function readFileBytes(path: string, file = path): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new CheckpointError(file, 'file', `expected a readable file at ${path}, found none (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

/** `length` bytes of `path` from `offset`; the caller has checked the range against the size. */
export function readFileRange(path: string, offset: number, length: number, file = path): Uint8Array {
  const out = new Uint8Array(length);
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    let done = 0;
    while (done < length) {
      const n = readSync(fd, out, done, length - done, offset + done);
      if (n === 0) break;
      done += n;
    }
    if (done !== length) throw new CheckpointError(file, path, `expected ${length} bytes from offset ${offset}, found ${done}`);
    return out;
  } catch (e) {
    if (e instanceof CheckpointError) throw e;
    throw new CheckpointError(file, path, `expected a readable file, found none (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Names in a directory (empty when it cannot be listed). */
export function listDirectory(path: string): string[] {
  try {
    return readdirSync(path).sort();
  } catch {
    return [];
  }
}
