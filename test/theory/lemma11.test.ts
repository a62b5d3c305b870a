/**
 * Lemma 1.1 (SRD recursion) as written, its counterexamples, and the corrected statements.
 * proofs/lemma-1.1-srd-recursion.md states each; the correlations are exact (covariance
 * propagation, no sampling), so every margin here is a deterministic number.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { linearRecursionCorrelations } from '../../src/theory/linearRecursion.js';
import { lemma11, lemma11CorrectedBoundMargin, lemma11Horizon } from '../../src/theory/lemma11.js';
import {
  operatorNormBoundedArbitrary,
  spdMatrixArbitrary,
  spectralRadiusBoundedArbitrary,
  matrixSequenceArbitrary,
  unitArbitrary,
} from '../../src/theory/arbitraries.js';
import type { Matrix } from '../../src/linalg/dense.js';

const alphaArb = unitArbitrary().map((u) => 0.05 + 0.45 * u);
const identity = (n: number): Matrix => Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));

/** Nilpotent pair whose two-step product is diag(0, c): rho(A_t) = 0 for every t. */
const alternating = (c: number): Matrix[] => [[[0, 2], [0, 0]], [[0, 0], [c / 2, 0]]];

describe('Lemma 1.1 as written (spectral radius of each A_t below 1 - alpha)', () => {
  it('counterexample: nilpotent A_t alternating [[0,2],[0,0]], [[0,0],[1/2,0]] (rho = 0) give correlations ~ h^-1/2 whose sum diverges', () => {
    // A_1 A_0 = diag(0, 1): the second coordinate is a random walk at even times.
    const inst = { matrices: alternating(1), noise: identity(2), alpha: 0.5 };
    const r = lemma11(inst, 'spectral-radius');
    expect(r.hypothesesHold).toBe(true);
    expect(r.hypothesisValue).toBe(0);
    expect(r.holds).toBe(false);
    const p = linearRecursionCorrelations(inst, 0, 4000);
    // S(4K)/S(K) ~ 2 for S ~ sqrt(K); a convergent series would give ratio -> 1.
    expect((p.partialSums[4000] as number) / (p.partialSums[1000] as number)).toBeGreaterThan(1.9);
    expect((p.norms[4000] as number) * Math.sqrt(4000)).toBeGreaterThan(0.5);
  });

  it('counterexample: with c = 4 the correlations do not decay at all (||Cor(y_0, y_h)||_2 -> a positive constant)', () => {
    const inst = { matrices: alternating(4), noise: identity(2), alpha: 0.9 };
    const r = lemma11(inst, 'spectral-radius');
    expect(r.hypothesesHold).toBe(true);
    expect(r.holds).toBe(false);
    const p = linearRecursionCorrelations(inst, 0, 200);
    expect(Math.min(...p.norms.slice(100))).toBeGreaterThan(0.5);
  });

  it('fast-check finds counterexamples on its own among random non-commuting, non-normal periodic sequences', () => {
    const asWritten = fc.property(
      fc.integer({ min: 2, max: 4 }).chain((n) => fc.record({ n: fc.constant(n), alpha: alphaArb, matrices: matrixSequenceArbitrary(n, { min: 2, max: 3 }, (k) => spectralRadiusBoundedArbitrary(k, 1)) })),
      ({ n, alpha, matrices }) => {
        const scaledMatrices = matrices.map((m) => m.map((row) => row.map((v) => v * (1 - alpha))));
        const r = lemma11({ matrices: scaledMatrices, noise: identity(n), alpha }, 'spectral-radius');
        return r.holds;
      },
    );
    const out = fc.check(asWritten, { numRuns: 300, endOnFailure: true }); // no shrinking: exploding instances are slow to shrink
    expect(out.failed).toBe(true);
    // the shrunk counterexample satisfies the hypothesis and violates the conclusion
    const [ce] = out.counterexample ?? [];
    expect(ce).toBeDefined();
  });

  it('with covariance instead of correlation and no noise, the lemma’s proof goes through, but Definition 1.1 (correlation) fails: y_{t+1} = 0.5 y_t, y_0 ~ N(0,1) has |Cor(y_0, y_h)| = 1 for all h', () => {
    const inst = { matrices: [[[0.5]]], noise: [[0]], initialCovariance: [[1]], alpha: 0.5 };
    const r = lemma11(inst, 'operator-norm');
    expect(r.hypothesesHold).toBe(true);
    expect(r.holds).toBe(false);
    const p = linearRecursionCorrelations(inst, 0, 50);
    expect(p.norms.every((v) => Math.abs(v - 1) < 1e-12)).toBe(true);
  });
});

describe('Lemma 1.1 corrected', () => {
  const noiseArb = (n: number) => spdMatrixArbitrary(n, 0.1);

  it('holds when ||A_t||_2 <= 1 - alpha and Cov(eps) >= 0.1 I, for non-commuting, non-normal periodic A_t', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }).chain((n) => fc.record({ alpha: alphaArb, matrices: matrixSequenceArbitrary(n, { min: 1, max: 4 }, (k) => operatorNormBoundedArbitrary(k, 1)), noise: noiseArb(n) })),
        ({ alpha, matrices, noise }) => {
          const scaledMatrices = matrices.map((m) => m.map((row) => row.map((v) => v * (1 - alpha))));
          const r = lemma11({ matrices: scaledMatrices, noise, alpha }, 'operator-norm');
          if (!r.holds) throw new Error(r.witness);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('the explicit bound ||Cor(y_t, y_{t+h})|| <= ||Sigma_t|| (1 - alpha)^h / sqrt(min Var_t min Var_{t+h}) holds at t = 1, h <= 60', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }).chain((n) => fc.record({ alpha: alphaArb, matrices: matrixSequenceArbitrary(n, { min: 1, max: 3 }, (k) => operatorNormBoundedArbitrary(k, 1)), noise: noiseArb(n) })),
        ({ alpha, matrices, noise }) => {
          const scaledMatrices = matrices.map((m) => m.map((row) => row.map((v) => v * (1 - alpha))));
          const margin = lemma11CorrectedBoundMargin({ matrices: scaledMatrices, noise, alpha }, 1, 60);
          if (!(margin >= 0)) throw new Error(`margin ${margin}`);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('holds for constant A with rho(A) <= 1 - alpha (non-normal allowed: ||A^h|| <= C (rho + eps)^h)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }).chain((n) => fc.record({ alpha: alphaArb, a: spectralRadiusBoundedArbitrary(n, 1), noise: noiseArb(n) })),
        ({ alpha, a, noise }) => {
          const m = a.map((row) => row.map((v) => v * (1 - alpha)));
          const r = lemma11({ matrices: [m], noise, alpha }, 'spectral-radius');
          if (!r.holds) throw new Error(r.witness);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('holds when every product over one period has norm <= 1 - alpha (joint spectral radius < 1), even with ||A_t|| = 2', () => {
    // alternating(0.8): A_1 A_0 = diag(0, 0.8), A_0 A_1 = diag(0.8, 0); ||A_0||_2 = 2.
    const r = lemma11({ matrices: alternating(0.8), noise: identity(2), alpha: 0.2 }, 'product-norm');
    expect(r.hypothesesHold).toBe(true);
    expect(r.holds).toBe(true);
    expect(lemma11({ matrices: alternating(0.8), noise: identity(2), alpha: 0.2 }, 'operator-norm').hypothesesHold).toBe(false);
    fc.assert(
      fc.property(fc.double({ min: 0, max: 0.95, noNaN: true }), fc.double({ min: 0.1, max: 10, noNaN: true }), (c, s) => {
        const mats: Matrix[] = [[[0, s], [0, 0]], [[0, 0], [c / s, 0]]];
        const alpha = Math.max(1 - Math.max(c, 1e-9), 0.05);
        const r = lemma11({ matrices: mats, noise: identity(2), alpha }, 'product-norm');
        if (!r.holds) throw new Error(r.witness);
      }),
      { numRuns: 50 },
    );
  });

  it('lemma11Horizon(alpha) makes (1 - alpha)^(K/2) negligible (< 1e-12) for every alpha in (0, 1)', () => {
    fc.assert(fc.property(fc.double({ min: 1e-3, max: 0.999, noNaN: true }), (a) => (1 - a) ** (lemma11Horizon(a) / 2) < 1e-12));
  });
});
