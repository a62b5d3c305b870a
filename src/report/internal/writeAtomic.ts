/**
 * Atomic file writes for report outputs (text or bytes): to a temporary file beside the
 * target, renamed into place when complete. (The CLI's writeFileAtomic writes text; the report
 * layer sits below the CLI and writes PNG bytes too.)
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
