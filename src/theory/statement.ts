/**
 * One executable statement of the paper for `lrdkit verify`: the statement as written and its
 * corrected form, each checked by a fast-check property (or a kept counterexample), with the
 * smallest margin seen.
 *
 * @module
 */
import fc from 'fast-check';

/** Options every statement runs with. */
export interface VerifyOptions {
  /** fast-check runs per cheap property (Monte Carlo properties use ceil(runs / 10), stated). */
  runs: number;
  seed: number;
}

/** Verdict of one part of a statement. */
export type Verdict = 'holds' | 'false' | 'fails';

/** What `lrdkit verify` reports for one statement. */
export interface StatementReport {
  readonly id: string;
  readonly paper: string;
  readonly title: string;
  /** 'holds' or 'false' (a counterexample exists) for the statement as written. */
  readonly asWritten: Verdict;
  readonly asWrittenDetail: string;
  readonly counterexample: string | null;
  readonly corrected: string;
  /** 'holds' or 'fails' for the corrected statement: the exit status depends on this. */
  readonly correctedVerdict: Verdict;
  /** fast-check's report (seed, path, counterexample) when the corrected statement failed. */
  readonly correctedDetail: string | null;
  /** Smallest margin of the corrected statement over all runs (>= 0 holds). */
  readonly margin: number;
  readonly runs: number;
  readonly note: string;
  readonly test: string;
  readonly seconds: number;
}

/** A statement definition. */
export interface Statement {
  readonly id: string;
  readonly paper: string;
  readonly title: string;
  readonly note: string;
  readonly test: string;
  run(o: VerifyOptions): Omit<StatementReport, 'id' | 'paper' | 'title' | 'note' | 'test' | 'seconds'>;
}

/** Tracks the smallest margin returned by a property's predicate. */
export class MarginTracker {
  min = Infinity;
  see(m: number): number {
    if (m < this.min) this.min = m;
    return m;
  }
}

/**
 * Runs a property and returns its first counterexample (unshrunk, so that the report does not
 * depend on how long shrinking ran: same seed, same bytes) or null. Used for statements
 * expected to fail as written: a returned counterexample is the finding.
 */
export function findCounterexample<T>(arb: fc.Arbitrary<T>, predicate: (v: T) => boolean, runs: number, seed: number): { counterexample: string | null; runs: number } {
  const out = fc.check(fc.property(arb, predicate), { numRuns: runs, seed, endOnFailure: true });
  return { counterexample: out.failed ? JSON.stringify(out.counterexample) : null, runs: out.numRuns };
}

/** Runs a property expected to hold; returns whether it did and fast-check's report if not. */
export function checkHolds<T>(arb: fc.Arbitrary<T>, predicate: (v: T) => boolean, runs: number, seed: number): { holds: boolean; report: string | null } {
  const out = fc.check(fc.property(arb, predicate), { numRuns: runs, seed });
  return { holds: !out.failed, report: out.failed ? `seed ${out.seed}, path ${out.counterexamplePath}: ${JSON.stringify(out.counterexample)}` : null };
}
