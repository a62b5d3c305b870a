/**
 * ARMA(p, q): the largest inverse-root modulus of the AR part (known roots), and the sample
 * autocorrelations of a long path against the model's, rho(k) = sum_j psi_j psi_{j+k} / sum_j psi_j^2
 * with the MA(infinity) weights psi_0 = 1, psi_j = b_j + sum_i a_i psi_{j-i}.
 */
import { describe, expect, it } from 'vitest';
import { arma, armaLargestRootModulus } from '../../src/processes/arma.js';
import { createRng } from '../../src/processes/prng.js';

function modelAutocorrelation(ar: number[], ma: number[], k: number): number {
  const psi: number[] = [1];
  for (let j = 1; j < 2000; j++) {
    let v = j <= ma.length ? (ma[j - 1] as number) : 0;
    for (let i = 1; i <= ar.length; i++) if (j - i >= 0) v += (ar[i - 1] as number) * (psi[j - i] as number);
    psi.push(v);
  }
  let num = 0;
  let den = 0;
  for (let j = 0; j + k < psi.length; j++) num += (psi[j] as number) * (psi[j + k] as number);
  for (const p of psi) den += p * p;
  return num / den;
}

describe('arma', () => {
  it('armaLargestRootModulus: real roots 0.9 and 0.5, complex pair of modulus 0.9, AR(1)', () => {
    expect(armaLargestRootModulus([1.4, -0.45])).toBeCloseTo(0.9, 12);
    expect(armaLargestRootModulus([0, -0.81])).toBeCloseTo(0.9, 12);
    expect(armaLargestRootModulus([-0.5])).toBeCloseTo(0.5, 12);
    expect(armaLargestRootModulus([])).toBe(0);
  });

  it('ARMA(2,1) with AR roots 0.9, 0.5 and MA 0.4: sample autocorrelations at lags 1, 5, 20 within 0.02 of the model', () => {
    // n = 2^18: the sample autocorrelation's SD is about sqrt(sum_m rho(m)^2 (1 + ...) / n) < 0.006 here.
    const ar = [1.4, -0.45];
    const ma = [0.4];
    const x = arma(createRng(7), 2 ** 18, ar, ma);
    let mean = 0;
    for (const v of x) mean += v;
    mean /= x.length;
    const acov = (k: number): number => {
      let s = 0;
      for (let t = 0; t + k < x.length; t++) s += ((x[t] as number) - mean) * ((x[t + k] as number) - mean);
      return s / x.length;
    };
    const c0 = acov(0);
    for (const k of [1, 5, 20]) expect(Math.abs(acov(k) / c0 - modelAutocorrelation(ar, ma, k))).toBeLessThan(0.02);
  });

  it('rejects a non-stationary AR part, naming the root modulus', () => {
    expect(() => arma(createRng(1), 10, [1.0], [])).toThrow(/arma: ar = \[1\] has a root of modulus 1.*expected < 1/);
  });
});
