#!/usr/bin/env node
/**
 * The `lrdkit` command. Results go to stdout or files, progress and errors to stderr.
 * Exit status: 0 success, 1 a required verdict was not met, 2 bad input or usage.
 *
 * Each command is one entry of {@link COMMANDS}: its help text, its option spec and its
 * runner (`(args, version) => exit code`), defined in its own module under src/cli/.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { type OptionSpec, type ParsedArgs, UsageError, parseArgs } from './args.js';
import { INSPECT_HELP, INSPECT_OPTIONS, runInspect } from './inspect.js';
import { LAYERS_HELP, LAYERS_OPTIONS, runLayers } from './layers.js';
import { VERIFY_HELP, VERIFY_OPTIONS, runVerify } from './verify.js';
import { AUDIT_HELP, AUDIT_OPTIONS, runAudit } from './audit.js';
import { TRAIN_HELP, TRAIN_OPTIONS, runTrain } from './train.js';
import { REPRODUCE_HELP, REPRODUCE_OPTIONS, runReproduce } from './reproduce.js';
import { REPORT_HELP, REPORT_OPTIONS, runReport } from './report.js';
import { ReportInputError } from '../report/errors.js';
import { CheckpointError } from '../checkpoints/errors.js';
import { AnalysisInputError } from '../analysis/errors.js';
import { CellShapeError } from '../cells/types.js';
import { MatrixShapeError } from '../linalg/dense.js';

const version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** One `lrdkit` subcommand. */
interface Command {
  /** One or two lines for `lrdkit --help`. */
  readonly summary: string;
  readonly help: string;
  readonly options: OptionSpec;
  readonly run: (args: ParsedArgs, version: string) => number | Promise<number>;
}

const COMMANDS: Readonly<Record<string, Command>> = {
  audit: {
    summary: 'read a GRU/LSTM checkpoint (TF.js, Keras, PyTorch) and audit every recurrent\nlayer for long range dependence: audit.json, summary.md, verdict table',
    help: AUDIT_HELP,
    options: AUDIT_OPTIONS,
    run: runAudit,
  },
  inspect: {
    summary: 'dense vs factorized cells: parameters, FLOPs, rho(U), Jacobian spectra\nalong a seeded trajectory (runs on embedded defaults)',
    help: INSPECT_HELP,
    options: INSPECT_OPTIONS,
    run: runInspect,
  },
  layers: {
    summary: 'list the GRU/LSTM layers lrdkit reads from a checkpoint (format, sizes,\ndirections, which layer feeds which, what was inferred) without auditing',
    help: LAYERS_HELP,
    options: LAYERS_OPTIONS,
    run: runLayers,
  },
  report: {
    summary: 'figures (Vega-Lite, SVG, PNG), a self-contained HTML page and a Markdown\nsummary from audit.json files; several audits: a side-by-side comparison',
    help: REPORT_HELP,
    options: REPORT_OPTIONS,
    run: runReport,
  },
  verify: {
    summary: "the paper's section 1 statements, as written and corrected: table,\nJSON, JUnit XML; exit 1 if a corrected statement fails",
    help: VERIFY_HELP,
    options: VERIFY_OPTIONS,
    run: runVerify,
  },
  reproduce: {
    summary: "the paper's copy-task experiment (dense vs factorized, equal parameters\nand equal width, per repeat count): results.json, table, loss-curve chart",
    help: REPRODUCE_HELP,
    options: REPRODUCE_OPTIONS,
    run: runReproduce,
  },
  train: {
    summary: 'train a dense, factorized or context-switching GRU/LSTM on the copy task\n(TF.js); resumable; checkpoints that lrdkit audit reads',
    help: TRAIN_HELP,
    options: TRAIN_OPTIONS,
    run: runTrain,
  },
};

function helpText(): string {
  const names = Object.keys(COMMANDS).sort();
  const lines = names.map((name) => {
    const [first = '', ...more] = (COMMANDS[name] as Command).summary.split('\n');
    return [`  ${name.padEnd(10)} ${first}`, ...more.map((line) => `             ${line}`)].join('\n');
  });
  return `lrdkit ${version}: long range dependence in GRU/LSTM networks (Belletti et al., AISTATS 2018)

Usage: lrdkit <command> [options]

Commands:
${lines.join('\n')}

Run 'lrdkit <command> --help' for a command's options. --version prints the version.`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${helpText()}\n`);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version') {
    process.stdout.write(`${version}\n`);
    return 0;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (command === undefined) {
    throw new UsageError(`lrdkit: unknown command "${name}" (expected one of: ${Object.keys(COMMANDS).sort().join(', ')}; see lrdkit --help)`);
  }
  if (rest.includes('--help')) {
    process.stdout.write(`${command.help}\n`);
    return 0;
  }
  return command.run(parseArgs(rest, command.options, name), version);
}

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
