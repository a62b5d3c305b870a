/**
 * A small, strict command-line parser: `--name value`, `--name=value` and boolean `--flag`,
 * repeatable options (`--name a --name b`, collected in order), positional arguments
 * otherwise. Unknown options are errors (exit 2), never ignored.
 *
 * @module
 */
import { didYouMean } from './suggest.js';

/** Bad command-line usage: the CLI prints the message and exits with status 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/**
 * Declared options: name -> 'string' (takes a value; the last one given wins), 'strings'
 * (takes a value, repeatable: all values in order, as an array) or 'boolean' (a flag).
 */
export type OptionSpec = Record<string, 'string' | 'strings' | 'boolean'>;

/** Parsed arguments. */
export interface ParsedArgs {
  positionals: string[];
  options: Record<string, string | boolean | string[]>;
}

/** Parses `argv` against `spec`; throws UsageError naming the offending argument. */
export function parseArgs(argv: readonly string[], spec: OptionSpec, command: string): ParsedArgs {
  const positionals: string[] = [];
  const options: Record<string, string | boolean | string[]> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith('--')) {
      // '-x' is a mistyped option, not a path (a file whose name starts with '-' is given as ./-x).
      if (/^-[A-Za-z]/.test(arg)) throw new UsageError(`lrdkit ${command}: unknown option ${arg}${didYouMean(arg.replace(/^-+/, ''), Object.keys(spec), '--')} (options take two dashes: see lrdkit ${command} --help)`);
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    const kind = spec[name];
    if (!kind) throw new UsageError(`lrdkit ${command}: unknown option --${name}${didYouMean(name, Object.keys(spec), '--')} (expected one of ${Object.keys(spec).map((k) => `--${k}`).join(', ')})`);
    if (kind === 'boolean') {
      if (eq >= 0) throw new UsageError(`lrdkit ${command}: --${name} is a flag and takes no value, found "${arg.slice(eq + 1)}"`);
      options[name] = true;
    } else {
      const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined) throw new UsageError(`lrdkit ${command}: --${name} expects a value, found the end of the arguments`);
      if (kind === 'strings') {
        const previous = options[name];
        options[name] = Array.isArray(previous) ? [...previous, value] : [value];
      } else {
        options[name] = value;
      }
    }
  }
  return { positionals, options };
}

/** An integer option within [min, max], or the default when absent. */
export function integerOption(options: ParsedArgs['options'], name: string, fallback: number, min: number, max: number, command: string): number {
  const raw = options[name];
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (typeof raw !== 'string' || !Number.isInteger(v) || v < min || v > max) {
    throw new UsageError(`lrdkit ${command}: --${name} expects an integer in [${min}, ${max}], found "${String(raw)}"`);
  }
  return v;
}

/** One of a fixed set of string values, or the default. */
export function choiceOption<T extends string>(options: ParsedArgs['options'], name: string, choices: readonly T[], fallback: T, command: string): T {
  const raw = options[name];
  if (raw === undefined) return fallback;
  if (typeof raw !== 'string' || !(choices as readonly string[]).includes(raw)) {
    throw new UsageError(`lrdkit ${command}: --${name} expects one of ${choices.join(', ')}, found "${String(raw)}"`);
  }
  return raw as T;
}
