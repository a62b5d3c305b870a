/**
 * Propositions 1.1-1.2 and Theorem 1.1: rho(W_h) < 1 and short range dependence of the state.
 * proofs/prop-1.2-vanishing-gradient-srd.md.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GruCell } from '../../src/cells/gru.js';
import { randomDenseCell } from '../../src/cells/random.js';
import { spectralRadius } from '../../src/linalg/eigenvalues.js';
import { createRng } from '../../src/processes/prng.js';
import { candidateSpectralRadius, withCandidateSpectralRadius } from '../../src/theory/candidateMatrix.js';
import { gruContractionBound } from '../../src/theory/contraction.js';
import { prop12, stateCorrelationProfile } from '../../src/theory/prop12.js';
import { unitArbitrary } from '../../src/theory/arbitraries.js';

/** 400 sequences: the floor of ||Cor|| between independent 4-channel sequences is ~ 2 sqrt(4/400) = 0.2. */
const OPTIONS = { sequences: 400, burnIn: 100, maxLag: 40, seed: 1 };

describe('Prop 1.2 / Theorem 1.1 as written: rho(W_h) < 1 and iid N(0,1) input of constant variance', () => {
  it('random GRU and LSTM cells (d = 3, h = 4, PyTorch-scale weights) with rho(W_h) rescaled below 1 reach the noise floor within 40 lags', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 30 }), fc.constantFrom('gru' as const, 'lstm' as const), unitArbitrary(), (seed, kind, u) => {
        const cell = withCandidateSpectralRadius(randomDenseCell(createRng(seed), { kind, inputSize: 3, hiddenSize: 4 }), 0.99 * u);
        const r = prop12(cell, { ...OPTIONS, seed });
        if (!r.holds) throw new Error(r.witness);
      }),
      { numRuns: 12 },
    );
  });

  it('an LRD call of the correlation verdict alone is replicated before it counts: CI counterexample (fresh seed 1330862859) is a false positive that an independent ensemble does not repeat', () => {
    // fc's shrunk counterexample [939524076, "lstm", 0.3027353286743164] of the property above
    // (the arbitrary's u, before the 0.99 factor): on the first ensemble (400 sequences) the
    // norm falls to about the noise floor by lag 6, stays a hair above it to lag 10, and the
    // power law fits lags 1..10 better (beta 0.79 < 1); the correlations over lags 20..40 are
    // at the floor. 3 of 1000 random cells drawn as above were called LRD this way and none of
    // them on an independent ensemble (src/theory/prop12.ts).
    const cell = withCandidateSpectralRadius(randomDenseCell(createRng(939524076), { kind: 'lstm', inputSize: 3, hiddenSize: 4 }), 0.99 * 0.3027353286743164);
    const r = prop12(cell, { ...OPTIONS, seed: 939524076 });
    expect(r.screening?.verdict.verdict).toBe('LRD');
    expect(r.screening?.verdict.evidence.fitLags.at(-1)).toBeLessThanOrEqual(12);
    expect(r.profile.verdict.verdict).not.toBe('LRD');
    expect(r.margin).toBeGreaterThan(0);
    expect(r.holds).toBe(true);
    expect(r.witness).toMatch(/replicated on N = 1600/);
  });

  it('the proof step fails: a GRU with rho(W_h) = 0.5 has a state Jacobian of spectral radius > 1 (the gate path, not W_h, carries it)', () => {
    // Scalar GRU: U_z = 100, U_n = 0.5 (rho(W_h) = 0.5), state h = 0.9, input 0, biases 0:
    // z = sigma(90) ~ 1 would saturate, so take U_z = 10 and h = 0.2: z = sigma(2) = 0.881,
    // n = tanh(0.5 * 0.5 * 0.2) (r = sigma(0) = 0.5, reset after), a = (h - n) z (1 - z) U_z.
    const m = (v: number): number[][] => [[v]];
    const cell = new GruCell({ inputSize: 1, hiddenSize: 1, resetAfter: true, z: { input: m(0), recurrent: m(10) }, r: { input: m(0), recurrent: m(0) }, n: { input: m(0), recurrent: m(0.5) } });
    expect(candidateSpectralRadius(cell)).toBe(0.5);
    const j = cell.jacobian(Float64Array.of(0.2), Float64Array.of(0));
    expect(spectralRadius(j)).toBeGreaterThan(1);
  });

  it('no bound in terms of rho(W_h): with rho(W_h) = 0.5 fixed, an update-gate bias of 6 makes the (still exponential, SRD) decay length exceed 100 steps', () => {
    const base = randomDenseCell(createRng(5), { kind: 'gru', inputSize: 3, hiddenSize: 4 }) as GruCell;
    const w = base.weights;
    const biased = new GruCell({ ...w, z: { ...w.z, inputBias: w.z.inputBias.map((v) => v + 6) } });
    const cell = withCandidateSpectralRadius(biased, 0.5);
    const p = stateCorrelationProfile(cell, OPTIONS);
    expect(p.norms[40]).toBeGreaterThan(0.8);
    expect(p.verdict.verdict).not.toBe('LRD');
    expect(p.verdict.evidence.exponential?.tau).toBeGreaterThan(100);
    // the unbiased cell with the same rho(W_h) forgets within a few steps
    const fast = stateCorrelationProfile(withCandidateSpectralRadius(base, 0.5), OPTIONS);
    expect(fast.norms[10]).toBeLessThan(0.3);
  });
});

describe('Prop 1.2 corrected: a certified contraction gives geometric decay', () => {
  it('GRUs whose certified bound L = sup ||dh/dh||_inf < 1 (bounded input) have correlations at the floor, and L > rho(J_t) at visited states', () => {
    let certified = 0;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 30 }), fc.boolean(), unitArbitrary(), (seed, resetAfter, u) => {
        const cell = randomDenseCell(createRng(seed), { kind: 'gru', inputSize: 3, hiddenSize: 4, resetAfter, scale: 0.05 + 0.3 * u }) as GruCell;
        const bound = 1; // inputs uniform on [-1, 1]
        const L = gruContractionBound(cell, bound);
        if (L >= 1) return; // hypothesis not met
        const rng = createRng(seed + 1);
        let h = cell.initialState();
        for (let t = 0; t < 50; t++) {
          const x = Float64Array.from({ length: 3 }, () => 2 * rng.uniform() - 1);
          const j = cell.jacobianDense(h, x);
          // ||J||_inf >= rho(J), and the certificate bounds ||J||_inf
          let rowMax = 0;
          for (let i = 0; i < 4; i++) {
            let s = 0;
            for (let k = 0; k < 4; k++) s += Math.abs(j.data[i * 4 + k] as number);
            rowMax = Math.max(rowMax, s);
          }
          if (rowMax > L + 1e-12) throw new Error(`||J||_inf = ${rowMax} exceeds the certified ${L}`);
          h = cell.step(h, x);
        }
        certified++;
        const r = prop12(cell, { ...OPTIONS, seed, inputDistribution: 'uniform' });
        if (!r.holds) throw new Error(`L = ${L}: ${r.witness}`);
      }),
      { numRuns: 60 },
    );
    expect(certified).toBeGreaterThan(10); // the hypothesis is met often enough for the test to mean something
  });
});
