/**
 * Known answer: a scalar AR(1) has |rho(k)| = phi^k, so S(infinity) = sum_k ||Cor(k)||_2 =
 * 1 / (1 - phi), and the process is short range dependent.
 */
import { describe, expect, it } from 'vitest';
import { correlationSums, crossCorrelationNorms } from '../../../src/analysis/correlation/index.js';
import { type Series, seriesFromScalar } from '../../../src/analysis/series.js';
import { ar1 } from '../../../src/processes/ar1.js';
import { createRng } from '../../../src/processes/prng.js';

function ar1Ensemble(seed: number, N: number, T: number, phi: number): Series[] {
  const rng = createRng(seed);
  return Array.from({ length: N }, (_, s) => seriesFromScalar(ar1(rng.fork(s), T, phi)));
}

describe('AR(1): S(infinity) = 1 / (1 - phi) and an SRD verdict', () => {
  // Tolerance 5% at N T = 10^6 (N = 100 sequences of T = 10^4). The partial sum up to K is a
  // lag-window estimate of the long-run variance: its relative SD is about sqrt(4 M / (N T)) for
  // the M lags that carry correlation (Bartlett), 1-2% here, plus a bias of about +1% at
  // phi = 0.95 from |noise| summed where phi^k is below the noise. Measured over 12 seeds
  // (2018 and 1..11), S(K): worst 1.4%, 4.8%, 6.6% at phi = 0.5, 0.9, 0.95 (one seed of 12
  // beyond 5% at 0.95); the verdict's estimate (S up to the floor plus the fitted exponential
  // tail): worst 0.8%, 4.8%, 5.5%. 5% is about 2.5 SDs: the fixed seed makes the test
  // deterministic, and a fresh seed fails it with a probability of a few percent at phi = 0.95.
  for (const phi of [0.5, 0.9, 0.95]) {
    it(`phi = ${phi}: S(K) with phi^K < 1e-4, and the verdict's S(infinity) estimate, within 5% of ${1 / (1 - phi)}`, () => {
      const ens = ar1Ensemble(2018, 100, 10000, phi);
      const K = Math.ceil(Math.log(1e-4) / Math.log(phi));
      const truth = 1 / (1 - phi);
      const res = crossCorrelationNorms(ens, { maxLag: K, noiseFloor: false });
      const sK = res.partialSums[K] as number;
      expect(Math.abs(sK / truth - 1)).toBeLessThan(0.05);
      // The verdict's window is 2K (about 18 decay lengths): SRD needs tau <= maxLag / 10 (issue 13).
      const out = correlationSums(ens, { maxLag: 2 * K });
      expect(out.verdict).toBe('SRD');
      // S up to the lag where the norm meets the noise floor, plus the fitted exponential tail.
      expect(Math.abs((out.evidence.sumEstimate as number) / truth - 1)).toBeLessThan(0.05);
      // The fitted decay length is -1 / ln(phi) within 40%: a sanity check only. OLS in log space
      // over the lags above the floor is pulled by the last few, noisy, points (measured over 12
      // seeds: typically within 10%, worst 30% at phi = 0.5 and 56% at phi = 0.9).
      expect(out.evidence.exponential?.tau as number).toBeGreaterThan(0.6 / -Math.log(phi));
      expect(out.evidence.exponential?.tau as number).toBeLessThan(1.4 / -Math.log(phi));
    });
  }

  // 20 seeds at N T = 10^5 (N = 20, T = 5000), maxLag 1000, log-spaced lags.
  for (const phi of [0.5, 0.9, 0.95]) {
    it(`phi = ${phi}: verdict SRD on 20 of 20 seeds (N T = 10^5)`, () => {
      const verdicts: string[] = [];
      for (let seed = 1; seed <= 20; seed++) {
        verdicts.push(correlationSums(ar1Ensemble(seed, 20, 5000, phi), { maxLag: 1000, lags: 'log' }).verdict);
      }
      expect(verdicts.filter((v) => v === 'SRD').length, verdicts.join(' ')).toBe(20);
    });
  }
});
