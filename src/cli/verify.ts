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

export const VERIFY_HELP = `lrdkit verify: check the paper's section 1 statements, as written and as corrected.

Usage: lrdkit verify [options]

Runs every statement of section 1 of Belletti et al. (2018) as a fast-check property (N runs
each; Monte Carlo ones ceil(N/10)) and prints a table: statement, as written, corrected,
margin, counterexample.
Statements: ${STATEMENTS.map((s) => s.id).join(', ')}.

Options:
  --runs N          property runs per statement (default 100)
  --seed S          fast-check seed (default 2018); same seed, same results
  --only ID,...     only these statements (comma-separated ids, e.g. lemma-1.1)
  --json FILE       also write the results as JSON
  --junit FILE      also write the results as JUnit XML (for CI test reports)
  --quiet           no progress on stderr
  -h, --help        this help

Exit status: 0 every corrected statement holds; 1 one does not; 2 bad input.

Examples:
  lrdkit verify
  lrdkit verify --runs 1000 --seed 7 --junit verify.xml
  lrdkit verify --only lemma-1.2,prop-1.3 --json verify.json`;

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
