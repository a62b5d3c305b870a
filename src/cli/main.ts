#!/usr/bin/env node
/**
 * The `lrdkit` command. Results go to stdout or files, progress and errors to stderr.
 * Exit status: 0 success, 1 a required verdict was not met, 2 bad input or usage.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { UsageError, parseArgs } from './args.js';
import { INSPECT_HELP, INSPECT_OPTIONS, runInspect } from './inspect.js';
import { VERIFY_HELP, VERIFY_OPTIONS, runVerify } from './verify.js';
import { AUDIT_HELP, AUDIT_OPTIONS, runAudit } from './audit.js';
import { CheckpointError } from '../checkpoints/errors.js';
import { AnalysisInputError } from '../analysis/errors.js';
import { CellShapeError } from '../cells/types.js';
import { MatrixShapeError } from '../linalg/dense.js';

const version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

const HELP = `lrdkit ${version}: long range dependence in GRU/LSTM networks (Belletti et al., AISTATS 2018)

Usage: lrdkit <command> [options]

Commands:
  audit      read a GRU/LSTM checkpoint (TF.js, Keras, PyTorch) and audit every recurrent
             layer for long range dependence: audit.json, summary.md, verdict table
  inspect    dense vs factorized cells: parameters, FLOPs, rho(U), Jacobian spectra
             along a seeded trajectory (runs on embedded defaults)
  verify     the paper's section 1 statements, as written and corrected: table,
             JSON, JUnit XML; exit 1 if a corrected statement fails

Run 'lrdkit <command> --help' for a command's options. --version prints the version.`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`${HELP}\n`);
    return command === undefined ? 2 : 0;
  }
  if (command === '--version') {
    process.stdout.write(`${version}\n`);
    return 0;
  }
  if (command === 'inspect') {
    if (rest.includes('--help')) {
      process.stdout.write(`${INSPECT_HELP}\n`);
      return 0;
    }
    return runInspect(parseArgs(rest, INSPECT_OPTIONS, 'inspect'), version);
  }
  if (command === 'audit') {
    if (rest.includes('--help')) {
      process.stdout.write(`${AUDIT_HELP}\n`);
      return 0;
    }
    return runAudit(parseArgs(rest, AUDIT_OPTIONS, 'audit'), version);
  }
  if (command === 'verify') {
    if (rest.includes('--help')) {
      process.stdout.write(`${VERIFY_HELP}\n`);
      return 0;
    }
    return runVerify(parseArgs(rest, VERIFY_OPTIONS, 'verify'), version);
  }
  throw new UsageError(`lrdkit: unknown command "${command}" (expected one of: audit, inspect, verify; see lrdkit --help)`);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    if (e instanceof UsageError || e instanceof CellShapeError || e instanceof MatrixShapeError || e instanceof CheckpointError || e instanceof AnalysisInputError) {
      process.stderr.write(`${e.message}\n`);
      process.exitCode = 2;
    } else {
      throw e;
    }
  },
);
