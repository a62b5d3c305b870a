/**
 * `lrdkit verify`: runs every executable statement of the paper (src/theory) and prints the
 * table; --json and --junit write machine-readable copies atomically. Exit 0 when every
 * corrected statement holds, 1 otherwise.
 *
 * @module
 */
import { formatVerification, runVerification, STATEMENTS, verificationJson, verificationJunit } from '../theory/verify.js';
import { type ParsedArgs, UsageError, integerOption } from './args.js';
import { progress, writeFileAtomic } from './output.js';

export const VERIFY_OPTIONS = { runs: 'string', seed: 'string', json: 'string', junit: 'string', only: 'string', quiet: 'boolean' } as const;

export const VERIFY_HELP = `lrdkit verify [--runs N] [--seed S] [--json FILE] [--junit FILE] [--only ID,...] [--quiet]

Checks every statement of section 1 of Belletti et al. (2018) as written and as corrected
(fast-check properties with N runs each; Monte Carlo ones with ceil(N/10)), prints a table
(statement, as written, corrected, margin, counterexample) and writes JSON / JUnit XML.
Exit status 0 when every corrected statement holds, 1 otherwise. Defaults: --runs 100 --seed 2018.
Statements: ${STATEMENTS.map((s) => s.id).join(', ')}`;

/** CLI entry. */
export function runVerify(args: ParsedArgs, version: string): number {
  const o = args.options;
  if (args.positionals.length > 0) throw new UsageError(`lrdkit verify: unexpected argument "${args.positionals[0]}"`);
  const runs = integerOption(o, 'runs', 100, 1, 100_000, 'verify');
  const seed = integerOption(o, 'seed', 2018, 0, 2 ** 31 - 1, 'verify');
  let only: string[] | undefined;
  if (typeof o.only === 'string') {
    only = o.only.split(',').map((s) => s.trim());
    const unknown = only.filter((id) => !STATEMENTS.some((s) => s.id === id));
    if (unknown.length > 0) throw new UsageError(`lrdkit verify: --only names unknown statement "${unknown[0]}" (expected one of ${STATEMENTS.map((s) => s.id).join(', ')})`);
  }
  const log = progress(o.quiet === true);
  const report = runVerification({
    runs,
    seed,
    version,
    ...(only ? { only } : {}),
    onStatement: (s) => log(`verify: ${s.id} as written ${s.asWritten}, corrected ${s.correctedVerdict} (${s.seconds.toFixed(1)} s)`),
  });
  if (typeof o.json === 'string') writeFileAtomic(o.json, verificationJson(report));
  if (typeof o.junit === 'string') writeFileAtomic(o.junit, verificationJunit(report));
  process.stdout.write(formatVerification(report));
  return report.allCorrectedHold ? 0 : 1;
}
