/**
 * Result files written atomically: to a temporary file beside the target, renamed into place
 * when complete, so that an interrupted or failed run leaves no half-written output.
 *
 * @module
 */
/**
 * Writes `content` (text or bytes) to `path` atomically (temp file + rename), creating the
 * folder if needed: the report layer's writer, shared so that there is one implementation.
 */
export { writeAtomic as writeFileAtomic } from '../internal/writeAtomic.js';

/** Progress messages on stderr (silenced by --quiet). */
export function progress(quiet: boolean): (message: string) => void {
  return quiet ? () => undefined : (message: string) => process.stderr.write(`${message}\n`);
}
