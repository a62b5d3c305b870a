/**
 * Result files written atomically: to a temporary file beside the target, renamed into place
 * when complete, so that an interrupted or failed run leaves no half-written output.
 *
 * @module
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';

/** Writes `content` to `path` atomically (temp file + rename), creating the folder if needed. */
export function writeFileAtomic(path: string, content: string): void {
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

/** Progress messages on stderr (silenced by --quiet). */
export function progress(quiet: boolean): (message: string) => void {
  return quiet ? () => undefined : (message: string) => process.stderr.write(`${message}\n`);
}
