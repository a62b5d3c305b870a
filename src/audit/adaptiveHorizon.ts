/**
 * The audit's adaptive horizon (issue 13): a layer that is inconclusive only for lack of record
 * (a decay whose length the record cannot resolve) is analysed again on trajectories twice as
 * long, from the same seed stream, until it is resolved or the next doubling would exceed
 * `maxSteps`; every horizon tried is reported.
 *
 * @module
 */
import type { CellAnalysis } from '../analysis/analyzeCell.js';
import type { DependenceVerdict } from '../analysis/correlation/index.js';

/**
 * Default --max-steps: one doubling of the default 1024 steps. A 2-layer GRU(256) default audit
 * took 20.2 s on a quiet 2-core machine (session 2, bench/AUDIT.md); the steps-dependent phases
 * (trajectories, correlation, Lyapunov) scale about linearly, so if both layers stay
 * inconclusive, 1024 + 2048 steps cost about 3 x 20 s = 60 s. (Not re-measured on a quiet
 * machine in this session.)
 */
export const DEFAULT_MAX_STEPS = 2048;

/** One horizon tried for a layer. */
export interface HorizonTry {
  readonly steps: number;
  readonly maxLag: number;
  readonly verdict: DependenceVerdict;
  readonly reason: string;
}

/**
 * Whether a layer's analysis is inconclusive for lack of record only: the correlation fitted a
 * decay whose length is too long for the window (stepsToResolve known and above the steps used),
 * and the state is not near-integrating (no record length would resolve an integrator).
 */
export function lacksRecord(a: CellAnalysis): boolean {
  const e = a.correlation.evidence;
  return (
    a.assessment.verdict === 'inconclusive' &&
    a.assessment.regime !== 'near-integrating' &&
    e.resolution === 'unresolved' &&
    typeof e.stepsToResolve === 'number' &&
    e.stepsToResolve > a.options.steps
  );
}

/**
 * Runs `analyse(steps, maxLag)` from the given horizon and doubles steps (and maxLag, keeping
 * their ratio) while {@link lacksRecord} holds and 2 steps <= maxSteps.
 *
 * @example
 * ```ts
 * const { analysis, horizons } = analyseWithAdaptiveHorizon((steps, maxLag) => analyzeCell(cell, { steps, maxLag }), 1024, 512, 4096);
 * horizons.map((h) => h.steps); // [1024] when resolved at once; [1024, 2048, 4096] at most
 * ```
 */
export function analyseWithAdaptiveHorizon(
  analyse: (steps: number, maxLag: number) => CellAnalysis,
  steps: number,
  maxLag: number,
  maxSteps: number,
  onHorizon?: (tried: HorizonTry) => void,
): { analysis: CellAnalysis; horizons: HorizonTry[] } {
  const horizons: HorizonTry[] = [];
  let s = steps;
  let k = maxLag;
  for (;;) {
    const analysis = analyse(s, k);
    const tried = { steps: s, maxLag: k, verdict: analysis.assessment.verdict, reason: analysis.assessment.reason };
    horizons.push(tried);
    onHorizon?.(tried);
    if (!lacksRecord(analysis) || 2 * s > maxSteps) return { analysis, horizons };
    k = Math.min(2 * s - 1, 2 * k);
    s *= 2;
  }
}
