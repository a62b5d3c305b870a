/**
 * The KSG estimator: the Gaussian check of scikit-learn / the KSG paper (with its real spread),
 * its bias beyond, non-Gaussian known answers, ties, timing, input errors. Exact agreement
 * with scikit-learn's algorithm is in numpyReference.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { AnalysisInputError } from '../../../src/analysis/errors.js';
import { gaussianMutualInformation } from '../../../src/analysis/information/gaussianEstimator.js';
import { ksgMutualInformation } from '../../../src/analysis/information/ksg.js';
import type { Series } from '../../../src/analysis/series.js';
import { createRng } from '../../../src/processes/prng.js';

function correlatedPairs(seed: number, n: number, d: number, rho: number): { x: Series; y: Series } {
  const r = createRng(seed);
  const x = new Float64Array(n * d), y = new Float64Array(n * d);
  const c = Math.sqrt(1 - rho * rho);
  for (let i = 0; i < n * d; i++) {
    const a = r.normal(), b = r.normal();
    x[i] = a;
    y[i] = rho * a + c * b;
  }
  return { x: { rows: n, cols: d, data: x }, y: { rows: n, cols: d, data: y } };
}
const scalar = (v: Float64Array): Series => ({ rows: v.length, cols: 1, data: v });
const trueMi = (d: number, rho: number): number => -0.5 * d * Math.log1p(-rho * rho);
const meanSd = (v: number[]): [number, number] => {
  const m = v.reduce((a, b) => a + b, 0) / v.length;
  return [m, Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1))];
};

describe('ksgMutualInformation on Gaussians (I = -d/2 log(1 - rho^2))', () => {
  it('ksgMutualInformation(d = 1, rho = 0.5, n = 1000, k = 3/5/7): mean of 40 runs within 10%; single runs spread 14-19%', () => {
    // scikit-learn's test_compute_mi_cc asserts rtol 0.1 on ONE draw (its seed passes: -9.1%,
    // -6.5%, -6.9%, numpyReference.test.ts). Over seeds one run has relative sd 0.19 (k = 3),
    // 0.17 (5), 0.16 (7) here and 0.19/0.16/0.14 with numpy's generator, so a single run is
    // within 10% only about half of the time. The mean of 40 runs has sd ~3% and is held to 10%
    // (>3 sd); the spread is held to [0.08, 0.3].
    const truth = trueMi(1, 0.5);
    for (const k of [3, 5, 7]) {
      const rel: number[] = [];
      for (let s = 0; s < 40; s++) {
        const { x, y } = correlatedPairs(10_000 + s, 1000, 1, 0.5);
        rel.push(ksgMutualInformation(x, y, k).mutualInformationNats / truth - 1);
      }
      const [m, sd] = meanSd(rel);
      expect(Math.abs(m)).toBeLessThan(0.1);
      expect(sd).toBeGreaterThan(0.08);
      expect(sd).toBeLessThan(0.3);
    }
  });

  it('ksgMutualInformation(d = 4, rho = 0.9) is biased low: about -26% at n = 1000 and -11% at n = 10^4', () => {
    // KSG's known bias for strong dependence in higher dimension (its k-NN boxes are not small
    // relative to the joint density's scale along the thin direction). Observed: n = 1000,
    // 10 seeds: -24% to -28%; n = 10^4: -10.7%, -10.7%, -11.0%. Bands: [-35%, -18%] and [-15%, -6%].
    const truth = trueMi(4, 0.9);
    const { x, y } = correlatedPairs(300, 1000, 4, 0.9);
    const small = ksgMutualInformation(x, y, 3).mutualInformationNats / truth - 1;
    const big = correlatedPairs(300, 10_000, 4, 0.9);
    const large = ksgMutualInformation(big.x, big.y, 3).mutualInformationNats / truth - 1;
    expect(small).toBeGreaterThan(-0.35);
    expect(small).toBeLessThan(-0.18);
    expect(large).toBeGreaterThan(-0.15);
    expect(large).toBeLessThan(-0.06);
    // the Gaussian estimator has no such bias: within 4 SE at n = 1000
    const g = gaussianMutualInformation(x, y);
    expect(Math.abs(g.mutualInformationNats - truth)).toBeLessThan(4 * g.standardErrorNats);
  });

  it('ksgMutualInformation at independence (n = 1000) is 0 within 0.02 nats on average over 20 runs', () => {
    const v: number[] = [];
    for (let s = 0; s < 20; s++) {
      const { x, y } = correlatedPairs(900 + s, 1000, 1, 0);
      v.push(ksgMutualInformation(x, y, 3).mutualInformationNats);
    }
    const [m, sd] = meanSd(v);
    expect(Math.abs(m)).toBeLessThan(3.5 * sd / Math.sqrt(20)); // observed mean 0.003, sd 0.026
    expect(v.some((e) => e < 0)).toBe(true); // not clipped at 0 (unlike scikit-learn)
  });
});

describe('ksgMutualInformation on non-Gaussian pairs with known information', () => {
  it('ksgMutualInformation(X ~ U(0,1), Y = X + U(0, 1/2)) finds I = a/2 - log a = 0.9431 where the Gaussian estimator says 0.805', () => {
    // h(Y) = a/2 for the trapezoidal density of Y (a <= 1), h(Y | X) = log a. Observed KSG
    // relative errors: n = 1000: -11% .. 0% (mean -4.6%, 5 seeds); n = 10^4: -3.7% .. -0.2%
    // (mean -1.7%). The Gaussian estimator converges to 1/2 log((1 + a^2)/a^2) = 0.8047 (-14.7%).
    const a = 0.5;
    const truth = a / 2 - Math.log(a);
    const gaussianLimit = 0.5 * Math.log((1 + a * a) / (a * a));
    for (const [n, tol] of [[1000, 0.12], [10_000, 0.05]] as const) {
      const r = createRng(700 + n);
      const x = new Float64Array(n), y = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        x[i] = r.uniform();
        y[i] = (x[i] as number) + a * r.uniform();
      }
      const ksg = ksgMutualInformation(scalar(x), scalar(y), 3).mutualInformationNats;
      expect(Math.abs(ksg / truth - 1)).toBeLessThan(tol);
      if (n === 10_000) {
        const g = gaussianMutualInformation(scalar(x), scalar(y)).mutualInformationNats;
        expect(Math.abs(g / gaussianLimit - 1)).toBeLessThan(0.03);
        expect(Math.abs(ksg - truth)).toBeLessThan(Math.abs(g - truth) / 3);
      }
    }
  });

  it('ksgMutualInformation is nearly invariant under monotone maps (X^3, exp Y) of a Gaussian pair; the Gaussian estimator is not', () => {
    // I(X^3; e^Y) = I(X; Y) = -1/2 log(1 - 0.49) = 0.3367. Observed at n = 10^4 (5 seeds): KSG
    // -5.3% .. +1.8%; Gaussian estimator -53% .. -65%. (At n = 1000 KSG is ~-15%: the heavy
    // tails of x^3 and e^y stretch the max-norm boxes.)
    const truth = trueMi(1, 0.7);
    const { x, y } = correlatedPairs(801, 10_000, 1, 0.7);
    const xx = scalar(x.data.map((v) => v * v * v));
    const yy = scalar(y.data.map(Math.exp));
    const ksg = ksgMutualInformation(xx, yy, 3).mutualInformationNats;
    const g = gaussianMutualInformation(xx, yy).mutualInformationNats;
    expect(Math.abs(ksg / truth - 1)).toBeLessThan(0.08);
    expect(g / truth - 1).toBeLessThan(-0.4);
  });
});

describe('ksgMutualInformation ties, timing and errors', () => {
  it('ksgMutualInformation with seeded jitter handles ties: Y = X uniform on 10 values gives log 10 within 2%', () => {
    // With jitter every cluster of ~n/10 identical points becomes a tiny blob: counts inside a
    // cluster give psi(n) - psi(n/10) ~ log 10. Without jitter the k-NN radius is 0 and the
    // strict counts collapse (the estimate would be 9.7 nats): that is an error.
    const n = 2000;
    const r = createRng(5);
    const x = new Float64Array(n);
    for (let i = 0; i < n; i++) x[i] = Math.floor(10 * r.uniform());
    const est = ksgMutualInformation(scalar(x), scalar(x), 3);
    expect(Math.abs(est.mutualInformationNats / Math.log(10) - 1)).toBeLessThan(0.02);
    expect(ksgMutualInformation(scalar(x), scalar(x), 3, { seed: 1 }).mutualInformationNats).not.toBe(est.mutualInformationNats);
    expect(ksgMutualInformation(scalar(x), scalar(x), 3).mutualInformationNats).toBe(est.mutualInformationNats); // same seed, same value
    expect(() => ksgMutualInformation(scalar(x), scalar(x), 3, { jitter: 0 })).toThrow(/exact duplicates \(k-th neighbour distance 0\)/);
  });

  it('ksgMutualInformation(n = 10^4, 1 + 1 and 2 + 2 dims) agrees with the truth to 5% and n = 10^5 (1 + 1) to 2%', () => {
    // Observed on one core: 25 ms, 105 ms, and 0.5 s for n = 10^5 (k-d tree search, not O(n^2)).
    // No wall-clock bound here: a loaded machine would trip it (speed belongs in bench/).
    for (const d of [1, 2]) {
      const { x, y } = correlatedPairs(1, 10_000, d, 0.5);
      // KSG's bias at k = 3 and n = 10^4 is about 1% here; 5% leaves room for the seed.
      expect(Math.abs(ksgMutualInformation(x, y, 3).mutualInformationNats / trueMi(d, 0.5) - 1)).toBeLessThan(0.05);
    }
    const { x, y } = correlatedPairs(2, 100_000, 1, 0.5);
    expect(Math.abs(ksgMutualInformation(x, y, 3).mutualInformationNats / trueMi(1, 0.5) - 1)).toBeLessThan(0.02);
  });

  const ok = correlatedPairs(1, 10, 1, 0.5);
  const cases: [string, () => unknown, RegExp][] = [
    ['k >= n', () => ksgMutualInformation(ok.x, ok.y, 10), /ksgMutualInformation: k is 10, expected an integer in \[1, 9\] \(k must be < n = 10 samples\)/],
    ['k = 0', () => ksgMutualInformation(ok.x, ok.y, 0), /k is 0, expected an integer in \[1, 9\]/],
    ['mismatched sizes', () => ksgMutualInformation(ok.x, { rows: 9, cols: 1, data: new Float64Array(9) }), /y has 9 samples \(rows\), expected 10 \(as x\)/],
    ['negative jitter', () => ksgMutualInformation(ok.x, ok.y, 3, { jitter: -1 }), /options.jitter is -1, expected a finite number >= 0/],
    ['Infinity', () => ksgMutualInformation({ rows: 10, cols: 1, data: ok.x.data.map((v, i) => (i === 3 ? Infinity : v)) }, ok.y), /x entry \(3, 0\) is Infinity, expected a finite number/],
    ['one sample', () => ksgMutualInformation({ rows: 1, cols: 1, data: new Float64Array(1) }, { rows: 1, cols: 1, data: new Float64Array(1) }), /x has 1 samples, expected at least 2/],
  ];
  for (const [what, f, msg] of cases) {
    it(`ksgMutualInformation throws AnalysisInputError for ${what}`, () => {
      expect(f).toThrow(AnalysisInputError);
      expect(f).toThrow(msg);
    });
  }
});
