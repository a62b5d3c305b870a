/**
 * `lrdkit verify`: every statement of section 1 of the paper, checked as written and as
 * corrected, with the table, JSON and JUnit XML that CI pipelines read.
 *
 * @module
 */
import type { Statement, StatementReport, VerifyOptions } from './statement.js';
import { lemma11CorrelationStatement, lemma11Statement } from './statements/lemma11.js';
import { prop12Statement } from './statements/prop12.js';
import { prop13Statement } from './statements/prop13.js';
import { proposition14Statement, theorem12Statement } from './statements/information.js';
import { lemma12Statement } from './statements/lemma12.js';

/** Every statement, in the paper's order. */
export const STATEMENTS: readonly Statement[] = [
  lemma11Statement,
  lemma11CorrelationStatement,
  lemma12Statement,
  prop12Statement,
  prop13Statement,
  theorem12Statement,
  proposition14Statement,
];

/** The whole verification: one report per statement. */
export interface VerificationReport {
  readonly lrdkit: string;
  readonly command: 'verify';
  readonly seed: number;
  readonly runs: number;
  readonly statements: StatementReport[];
  /** true when every corrected statement holds (exit status 0). */
  readonly allCorrectedHold: boolean;
}

/** Runs every statement (or those whose id is listed in `only`). */
export function runVerification(
  o: VerifyOptions & { version: string; only?: readonly string[]; onStatement?: (s: StatementReport) => void; statements?: readonly Statement[] },
): VerificationReport {
  const statements: StatementReport[] = [];
  for (const s of o.statements ?? STATEMENTS) {
    if (o.only && !o.only.includes(s.id)) continue;
    const t = process.hrtime.bigint();
    const r = s.run({ runs: o.runs, seed: o.seed });
    const report: StatementReport = { id: s.id, paper: s.paper, title: s.title, note: s.note, test: s.test, ...r, seconds: Number(process.hrtime.bigint() - t) / 1e9 };
    statements.push(report);
    o.onStatement?.(report);
  }
  return { lrdkit: o.version, command: 'verify', seed: o.seed, runs: o.runs, statements, allCorrectedHold: statements.every((s) => s.correctedVerdict === 'holds') };
}

/** The report as plain data without timings (same seed, same bytes). */
export function verificationJson(r: VerificationReport): string {
  return `${JSON.stringify({ ...r, statements: r.statements.map(({ seconds: _s, ...rest }) => rest) }, null, 2)}\n`;
}

/** A fixed-width table: statement, as written, corrected, margin, counterexample. */
export function formatVerification(r: VerificationReport): string {
  const clip = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n - 3)}...` : s);
  const head = ['statement', 'as written', 'corrected', 'margin', 'counterexample'];
  const rows = r.statements.map((s) => [
    `${s.paper} (${s.id})`,
    s.asWritten === 'holds' ? 'holds' : 'FALSE',
    s.correctedVerdict === 'holds' ? 'holds' : 'FAILS',
    Number.isFinite(s.margin) ? s.margin.toExponential(2) : String(s.margin),
    clip(s.counterexample ?? '-', 70),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] as string).length)));
  const line = (cols: string[]): string => cols.map((c, i) => c.padEnd(widths[i] as number)).join('  ').trimEnd();
  const notes = r.statements.map((s) => `  ${s.id}: corrected: ${s.corrected}\n    ${s.asWrittenDetail}\n    note ${s.note}, test ${s.test}`);
  return [
    `lrdkit ${r.lrdkit} verify: ${r.statements.length} statements of Belletti et al. (2018), section 1; --runs ${r.runs} --seed ${r.seed}`,
    line(head),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    '',
    ...notes,
    '',
    r.allCorrectedHold ? 'every corrected statement holds' : 'SOME CORRECTED STATEMENT FAILS',
  ].join('\n') + '\n';
}

function xml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * JUnit XML: one test case per statement (named by its id), failing when the corrected
 * statement fails. A statement false as written is a finding, not a failure: it is reported
 * in the case's <system-out> with its counterexample.
 */
export function verificationJunit(r: VerificationReport): string {
  const failures = r.statements.filter((s) => s.correctedVerdict !== 'holds').length;
  const time = r.statements.reduce((a, s) => a + s.seconds, 0);
  const cases = r.statements.map((s) => {
    const out = `as written: ${s.asWritten}${s.counterexample ? ` (counterexample: ${s.counterexample})` : ''}\ncorrected: ${s.corrected}\nmargin: ${s.margin}\n${s.asWrittenDetail}`;
    const failure = s.correctedVerdict === 'holds' ? '' : `\n      <failure message="${xml(`corrected statement fails: ${s.correctedDetail ?? ''}`)}"/>`;
    return `    <testcase classname="lrdkit.verify" name="${xml(`${s.paper} (${s.id})`)}" time="${s.seconds.toFixed(3)}">${failure}\n      <system-out>${xml(out)}</system-out>\n    </testcase>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n  <testsuite name="lrdkit verify" tests="${r.statements.length}" failures="${failures}" time="${time.toFixed(3)}">\n${cases.join('\n')}\n  </testsuite>\n</testsuites>\n`;
}
