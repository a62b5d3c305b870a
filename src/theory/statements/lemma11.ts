/** Lemma 1.1 for `lrdkit verify`. */
import fc from 'fast-check';
import type { Matrix } from '../../linalg/dense.js';
import { matrixSequenceArbitrary, operatorNormBoundedArbitrary, spdMatrixArbitrary, spectralRadiusBoundedArbitrary, unitArbitrary } from '../arbitraries.js';
import { lemma11 } from '../lemma11.js';
import { MarginTracker, type Statement, checkHolds, findCounterexample } from '../statement.js';

const identity = (n: number): Matrix => Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
const scale = (ms: Matrix[], f: number): Matrix[] => ms.map((m) => m.map((r) => r.map((v) => v * f)));

/** A periodic sequence of n x n matrices, bounded by `each`, with alpha in [0.05, 0.5]. */
const instances = (each: (n: number) => fc.Arbitrary<Matrix>) =>
  fc.integer({ min: 1, max: 4 }).chain((n) =>
    fc.record({ n: fc.constant(n), alpha: unitArbitrary().map((u) => 0.05 + 0.45 * u), matrices: matrixSequenceArbitrary(n, { min: 1, max: 3 }, each), noise: spdMatrixArbitrary(n, 0.1) }),
  );

export const lemma11Statement: Statement = {
  id: 'lemma-1.1',
  paper: 'Lemma 1.1',
  title: 'y_{t+1} = A_t y_t + eps_t with rho(A_t) <= 1 - alpha is SRD',
  note: 'proofs/lemma-1.1-srd-recursion.md',
  test: 'test/theory/lemma11.test.ts',
  run({ runs, seed }) {
    const asWritten = findCounterexample(
      instances((n) => spectralRadiusBoundedArbitrary(n, 1)),
      ({ alpha, matrices, n }) => lemma11({ matrices: scale(matrices, 1 - alpha), noise: identity(n), alpha }, 'spectral-radius').holds,
      runs,
      seed,
    );
    const kept = lemma11({ matrices: [[[0, 2], [0, 0]], [[0, 0], [0.5, 0]]], noise: identity(2), alpha: 0.5 }, 'spectral-radius');
    const margins = new MarginTracker();
    const normBound = checkHolds(
      instances((n) => operatorNormBoundedArbitrary(n, 1)),
      ({ alpha, matrices, noise }) => margins.see(lemma11({ matrices: scale(matrices, 1 - alpha), noise, alpha }, 'operator-norm').margin) >= 0,
      runs,
      seed,
    );
    const constant = checkHolds(
      fc.integer({ min: 1, max: 4 }).chain((n) => fc.record({ alpha: unitArbitrary().map((u) => 0.05 + 0.45 * u), a: spectralRadiusBoundedArbitrary(n, 1), noise: spdMatrixArbitrary(n, 0.1) })),
      ({ alpha, a, noise }) => margins.see(lemma11({ matrices: scale([a], 1 - alpha), noise, alpha }, 'spectral-radius').margin) >= 0,
      runs,
      seed,
    );
    const holds = normBound.holds && constant.holds;
    return {
      asWritten: kept.holds ? 'holds' : 'false',
      asWrittenDetail: `counterexample kept: alternating [[0,2],[0,0]], [[0,0],[1/2,0]] (rho = 0): ${kept.witness}; fast-check ${asWritten.counterexample ? 'found another' : 'found none'} in ${asWritten.runs} random periodic sequences`,
      counterexample: asWritten.counterexample ?? 'A_t alternating [[0,2],[0,0]], [[0,0],[1/2,0]]',
      corrected: '||A_t||_2 <= 1 - alpha (or every period product <= 1 - alpha; or constant A with rho(A) < 1) and Cov(eps_t) >= q I, q > 0',
      correctedVerdict: holds ? 'holds' : 'fails',
      margin: margins.min,
      runs: 2 * runs,
      correctedDetail: normBound.report ?? constant.report,
    };
  },
};

export const lemma11CorrelationStatement: Statement = {
  id: 'lemma-1.1-noise',
  paper: 'Lemma 1.1 / Def. 1.1',
  title: 'the proof bounds covariances; SRD sums correlations (noise must not vanish)',
  note: 'proofs/lemma-1.1-srd-recursion.md',
  test: 'test/theory/lemma11.test.ts',
  run({ runs, seed }) {
    const noNoise = lemma11({ matrices: [[[0.5]]], noise: [[0]], initialCovariance: [[1]], alpha: 0.5 }, 'operator-norm');
    const margins = new MarginTracker();
    const withNoise = checkHolds(
      fc.record({ a: unitArbitrary().map((u) => 0.95 * (2 * u - 1)), q: unitArbitrary().map((u) => 0.01 + u) }),
      ({ a, q }) => margins.see(lemma11({ matrices: [[[a]]], noise: [[q]], alpha: 1 - Math.max(Math.abs(a), 1e-9) }, 'operator-norm').margin) >= 0,
      runs,
      seed,
    );
    return {
      asWritten: noNoise.holds ? 'holds' : 'false',
      asWrittenDetail: `y_{t+1} = 0.5 y_t, eps = 0: covariance 0.5^h decays but |Cor| = 1 for every h: ${noNoise.witness}`,
      counterexample: 'y_{t+1} = 0.5 y_t with Cov(eps) = 0, Var(y_0) = 1',
      corrected: 'noise variance bounded below: Cov(eps_t) >= q I with q > 0',
      correctedVerdict: withNoise.holds ? 'holds' : 'fails',
      margin: margins.min,
      runs,
      correctedDetail: withNoise.report,
    };
  },
};
