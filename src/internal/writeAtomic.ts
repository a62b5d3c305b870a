/**
 * Atomic file writes (text or bytes): to a temporary file beside the target, renamed into
 * place when complete, so that an interrupted or failed run leaves no half-written file. The
 * one writer of the CLI, the report layer and training runs.
 *
 * The temporary name is unpredictable (16 random hex digits) and created exclusively
 * (O_CREAT | O_EXCL, flag 'wx'), which never follows a symbolic link planted at that name: a
 * link or file already there makes the write fail instead of overwriting the link's target.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Writes `content` to `path` atomically, creating the folder if needed. */
export function writeAtomic(path: string, content: string | Uint8Array): void {
  mkdirSync(dirname(path) || '.', { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(8).toString('hex')}.tmp`);
  try {
    writeFileSync(tmp, content, { flag: 'wx' });
    renameSync(tmp, path);
  } catch (e) {
    // Only remove what this call created: a name that existed before is left alone.
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') rmSync(tmp, { force: true });
    throw e;
  }
}
