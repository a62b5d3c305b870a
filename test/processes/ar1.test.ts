import { describe, expect, it } from 'vitest';
import { ar1, ar1Autocovariance } from '../../src/processes/ar1.js';
import { iidGaussian } from '../../src/processes/gaussianNoise.js';
import { createRng } from '../../src/processes/prng.js';
import { ensemble, ensembleAutocovariance, maxZScore } from './statistics.js';

// 4 standard errors from the spread of 200 independent per-sequence estimates: false-alarm
// probability ~6e-5 per comparison (see fgn.test.ts).
const Z = 4;

describe('ar1', () => {
  for (const phi of [0.5, 0.9]) {
    it(`ar1(rng, n, ${phi}, 1.5) has autocovariance sigma^2 phi^k / (1 - phi^2) at lags 0..10 within 4 standard errors`, () => {
      const base = createRng(300 + Math.round(10 * phi));
      const est = ensembleAutocovariance(200, 10, (s) => ar1(base.fork(s), 1024, phi, 1.5));
      expect(maxZScore(est, (k) => (1.5 ** 2 * phi ** k) / (1 - phi * phi))).toBeLessThan(Z);
    });
  }

  it('ar1(rng, n, phi) is stationary from t = 0: Var x_0 = Var x_999 = 1 / (1 - phi^2) within 4 standard errors', () => {
    const base = createRng(17);
    const rows: Float64Array[] = [];
    for (let s = 0; s < 2000; s++) {
      const x = ar1(base.fork(s), 1000, 0.9);
      rows.push(Float64Array.of((x[0] ?? 0) ** 2, (x[999] ?? 0) ** 2));
    }
    expect(maxZScore(ensemble(rows), () => 1 / (1 - 0.81))).toBeLessThan(Z);
  });

  it('ar1Autocovariance(k, phi, sigma) is sigma^2 phi^|k| / (1 - phi^2)', () => {
    expect(ar1Autocovariance(0, 0.5)).toBeCloseTo(4 / 3, 15);
    expect(ar1Autocovariance(2, 0.5, 2)).toBeCloseTo(4 / 3, 15);
    expect(ar1Autocovariance(-3, -0.5)).toBeCloseTo(-0.125 / 0.75, 15);
  });

  it('ar1 throws for |phi| >= 1 unless options.initial or options.burnIn is given', () => {
    const rng = createRng(1);
    expect(() => ar1(rng, 10, 1)).toThrow(/\|phi\| must be < 1/);
    expect(() => ar1(rng, 10, -1.2)).toThrow(RangeError);
    expect(() => ar1Autocovariance(1, 1)).toThrow(RangeError);
    const walk = ar1(createRng(2), 5, 1, 1, { initial: 3 });
    expect(walk[0]).toBe(3);
    expect(ar1(createRng(2), 5, 1.01, 1, { burnIn: 10 }).length).toBe(5);
    // A random walk's increments are the innovations: x_t - x_{t-1} = sigma e_t.
    const rw = ar1(createRng(4), 4000, 1, 1, { initial: 0 });
    let ss = 0;
    for (let t = 1; t < rw.length; t++) ss += ((rw[t] ?? 0) - (rw[t - 1] ?? 0)) ** 2;
    // Var of the mean of 3999 squared N(0,1) is 2/3999: 4 SE ~ 0.09.
    expect(Math.abs(ss / 3999 - 1)).toBeLessThan(4 * Math.sqrt(2 / 3999));
  });

  it('ar1 throws a RangeError for a non-integer number of steps or a negative sigma', () => {
    const rng = createRng(1);
    expect(() => ar1(rng, 3.5, 0.5)).toThrow(/steps must be a nonnegative integer, got 3\.5/);
    expect(() => ar1(rng, 10, 0.5, -1)).toThrow(RangeError);
    expect(() => ar1(rng, 10, 0.5, 1, { burnIn: 1.5 })).toThrow(RangeError);
  });
});

describe('iidGaussian', () => {
  it('iidGaussian(rng, steps, dim, std) has covariance std^2 I at lag 0 and 0 at lag 1 within 4 standard errors', () => {
    const rng = createRng(99);
    const xs = iidGaussian(rng, 20_000, 3, 0.5);
    expect(xs.length).toBe(20_000);
    expect(xs[0]?.length).toBe(3);
    // Per-step products are independent across t for lag 0 (and m-dependent with m = 1 for lag 1,
    // where successive products x_t x_{t+1} are uncorrelated under independence), so the
    // ensemble SE over steps is valid.
    const rows: Float64Array[] = [];
    for (let t = 0; t + 1 < xs.length; t++) {
      const x = xs[t] as Float64Array;
      const y = xs[t + 1] as Float64Array;
      rows.push(Float64Array.of((x[0] ?? 0) ** 2, (x[0] ?? 0) * (x[1] ?? 0), (x[2] ?? 0) * (y[2] ?? 0), (x[1] ?? 0) * (y[0] ?? 0)));
    }
    expect(maxZScore(ensemble(rows), (j) => (j === 0 ? 0.25 : 0))).toBeLessThan(Z);
    expect(() => iidGaussian(rng, 2, 1.5)).toThrow(RangeError);
    expect(() => iidGaussian(rng, 2, 2, -1)).toThrow(RangeError);
  });
});
