#!/usr/bin/env node
/**
 * The `lrdkit` command. Results go to stdout or files, progress and errors to stderr.
 * Exit status: 0 success, 1 a required verdict was not met, 2 bad input or usage.
 *
 * Each command is one entry of the registry in ./commands.ts: its help text, its option spec
 * and its runner (`(args, version) => exit code`), defined in its own module under src/cli/.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { UsageError } from './args.js';
import { dispatch } from './commands.js';
import { ReportInputError } from '../report/errors.js';
import { CheckpointError } from '../checkpoints/errors.js';
import { AnalysisInputError } from '../analysis/errors.js';
import { CellShapeError } from '../cells/types.js';
import { MatrixShapeError } from '../linalg/dense.js';

const version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

const main = (argv: string[]): Promise<number> => dispatch(argv, version, (text) => process.stdout.write(text));

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    if (e instanceof UsageError || e instanceof CellShapeError || e instanceof MatrixShapeError || e instanceof CheckpointError || e instanceof AnalysisInputError || e instanceof ReportInputError) {
      process.stderr.write(`${e.message}\n`);
      process.exitCode = 2;
    } else {
      throw e;
    }
  },
);
