/**
 * The `lrdkit` command registry: one entry per subcommand (its one-line summary, its help text,
 * its option spec and its runner), each defined in its own module under src/cli/, and the
 * dispatcher that follows git's and cargo's conventions: `-h`/`--help` after any command,
 * `lrdkit help CMD`, "did you mean" for mistyped commands, and subcommand help
 * (`lrdkit reproduce recsys --help` shows only recsys).
 *
 * @module
 */
import { type OptionSpec, type ParsedArgs, UsageError, parseArgs } from './args.js';
import { INSPECT_HELP, INSPECT_OPTIONS, runInspect } from './inspect.js';
import { LAYERS_HELP, LAYERS_OPTIONS, runLayers } from './layers.js';
import { VERIFY_HELP, VERIFY_OPTIONS, runVerify } from './verify.js';
import { AUDIT_HELP, AUDIT_OPTIONS, runAudit } from './audit.js';
import { TRAIN_HELP, TRAIN_OPTIONS, runTrain } from './train.js';
import { REPRODUCE_HELP, REPRODUCE_OPTIONS, reproduceHelp, runReproduce } from './reproduce.js';
import { REPORT_HELP, REPORT_OPTIONS, runReport } from './report.js';
import { didYouMean } from './suggest.js';

/** One `lrdkit` subcommand. */
export interface Command {
  /** One or two lines for `lrdkit --help`. */
  readonly summary: string;
  /** The full help: purpose, usage, options (one per line, with defaults and units), examples. */
  readonly help: string;
  /** Help for a sub-subcommand (`reproduce recsys`), given the positionals; undefined: `help`. */
  readonly helpFor?: (positionals: readonly string[]) => string | undefined;
  readonly options: OptionSpec;
  readonly run: (args: ParsedArgs, version: string) => number | Promise<number>;
}

export const COMMANDS: Readonly<Record<string, Command>> = {
  audit: {
    summary: 'read a GRU/LSTM checkpoint (ONNX, TorchScript, PyTorch, Keras, TF.js) and audit every recurrent\nlayer for long range dependence: audit.json, summary.md, verdict table',
    help: AUDIT_HELP,
    options: AUDIT_OPTIONS,
    run: runAudit,
  },
  layers: {
    summary: 'list the GRU/LSTM layers lrdkit reads from a checkpoint (format, sizes,\ndirections, which layer feeds which, what was inferred) without auditing',
    help: LAYERS_HELP,
    options: LAYERS_OPTIONS,
    run: runLayers,
  },
  inspect: {
    summary: 'dense vs factorized cells: parameters, FLOPs, rho(U), Jacobian spectra\nalong a seeded trajectory (runs on embedded defaults)',
    help: INSPECT_HELP,
    options: INSPECT_OPTIONS,
    run: runInspect,
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
    summary: "the paper's experiments: copy-task (dense vs factorized, equal parameters\nand equal width), recsys (recommender, section 3.3) and video (Table 1 proxy)",
    help: REPRODUCE_HELP,
    helpFor: reproduceHelp,
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

/** The command names, sorted. */
export const COMMAND_NAMES: readonly string[] = Object.keys(COMMANDS).sort();

/** `lrdkit --help`: the commands with their summaries. */
export function overviewHelp(version: string): string {
  const lines = COMMAND_NAMES.map((name) => {
    const [first = '', ...more] = (COMMANDS[name] as Command).summary.split('\n');
    return [`  ${name.padEnd(10)} ${first}`, ...more.map((line) => `             ${line}`)].join('\n');
  });
  return `lrdkit ${version}: long range dependence in GRU/LSTM networks (Belletti et al., AISTATS 2018)

Usage: lrdkit <command> [options]
       lrdkit help <command>

Commands:
${lines.join('\n')}

Options:
  -h, --help     this overview (a command's help: lrdkit <command> --help, or lrdkit help <command>)
  -V, --version  the version

Examples:
  lrdkit audit examples/gru2.safetensors
  lrdkit inspect --kind lstm
  lrdkit help audit`;
}

/** The command named `name`, or a UsageError with a "did you mean" suggestion. */
export function findCommand(name: string): Command {
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (command === undefined) {
    throw new UsageError(`lrdkit: unknown command "${name}"${didYouMean(name, COMMAND_NAMES)} (commands: ${COMMAND_NAMES.join(', ')}; see lrdkit --help)`);
  }
  return command;
}

/** A command's help, or its sub-subcommand's (`reproduce recsys`) when the positionals name one. */
export function commandHelp(command: Command, rest: readonly string[]): string {
  const positionals = rest.filter((a) => !a.startsWith('-'));
  return command.helpFor?.(positionals) ?? command.help;
}

const isHelpFlag = (a: string): boolean => a === '--help' || a === '-h';

/** What `lrdkit ARGV...` does: text for stdout and an exit status, or a runner to await. */
export async function dispatch(argv: readonly string[], version: string, write: (text: string) => void): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || isHelpFlag(name)) {
    write(`${overviewHelp(version)}\n`);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-V') {
    write(`${version}\n`);
    return 0;
  }
  if (name === 'help') {
    const [topic, ...more] = rest;
    if (topic === undefined) {
      write(`${overviewHelp(version)}\n`);
      return 0;
    }
    write(`${commandHelp(findCommand(topic), more)}\n`);
    return 0;
  }
  const command = findCommand(name);
  // As in git and cargo, -h/--help anywhere after the command asks for help (before any option
  // is read, so that 'lrdkit audit -h' is not taken for a checkpoint path).
  if (rest.some(isHelpFlag)) {
    write(`${commandHelp(command, rest)}\n`);
    return 0;
  }
  return command.run(parseArgs(rest, command.options, name), version);
}
