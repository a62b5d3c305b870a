/**
 * Errors of the report pipeline.
 *
 * @module
 */

/**
 * Bad report input: an unreadable or invalid audit.json, a training run directory without a
 * valid run.json / log.jsonl. The message names the file, the field (a JSON pointer or line),
 * what was expected and what was found; the CLI prints it and exits with status 2.
 */
export class ReportInputError extends Error {
  override name = 'ReportInputError';
}
