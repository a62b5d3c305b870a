/**
 * The file-system calls of the registry and of the ONNX, TorchScript, Keras weights-only and
 * run-folder readers: whole files, byte ranges of files (ONNX external data), path kinds and
 * directory listings, all under the rules of {@link ./fileAccess.ts}: regular files only
 * (devices, FIFOs and sockets refused before they are opened), symbolic links kept inside the
 * checkpoint's folder when a root is given, reads of exactly the checked size.
 *
 * @internal
 */
import { closeSync, constants, fstatSync, openSync, readSync, readdirSync, statSync } from 'node:fs';
import { CheckpointError } from '../errors.js';
import { checkPath, fileKind, readRegularFile } from './fileAccess.js';

/** What is at a path: a regular file (with its size), a directory, or nothing usable. */
export type PathKind = { kind: 'file'; size: number } | { kind: 'directory' } | { kind: 'missing' } | { kind: 'other' };

/** Kind of `path` (symbolic links followed; reading goes through the checks of fileAccess). */
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

/** The whole regular file `path` (inside `root` when given); messages name `file`. */
export function readFileBytes(path: string, file = path, root?: string): Uint8Array {
  return readRegularFile(path, { file, where: path === file ? 'file' : path, ...(root !== undefined ? { root } : {}) });
}

/**
 * `length` bytes of the regular file `path` (inside `root` when given) from `offset`; the caller
 * has checked the range against the size.
 */
export function readFileRange(path: string, offset: number, length: number, file = path, root?: string): Uint8Array {
  const checked = checkPath(path, { file, where: path, ...(root !== undefined ? { root } : {}) });
  if (offset + length > checked.size) throw new CheckpointError(file, path, `expected ${length} bytes from offset ${offset}, found a ${checked.size}-byte file`);
  const out = new Uint8Array(length);
  let fd: number | undefined;
  try {
    fd = openSync(checked.realPath, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    const st = fstatSync(fd);
    if (!st.isFile()) throw new CheckpointError(file, path, `expected a regular file, found ${fileKind(st)}: lrdkit reads regular files only`);
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

/** Checks a checkpoint path before it is probed: a regular file or a folder (devices, FIFOs, sockets refused). */
export function checkCheckpointPath(path: string): void {
  checkPath(path, { where: 'path', allowDirectory: true });
}
