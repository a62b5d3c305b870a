/**
 * Atomic file writes (text or bytes): to a temporary file beside the target, renamed into
 * place when complete, so that an interrupted or failed run leaves no half-written file. The
 * one writer of the CLI, the report layer and training runs.
 *
 * @module
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Writes `content` to `path` atomically, creating the folder if needed. */
export function writeAtomic(path: string, content: string | Uint8Array): void {
  mkdirSync(dirname(path) || '.', { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, content);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
