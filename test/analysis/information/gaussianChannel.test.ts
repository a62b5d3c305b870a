/**
 * Theorem 1.2 (corrected) and Proposition 1.4: closed form against Monte Carlo, the paper's
 * printed variants against Monte Carlo, the singular-value form, and when Proposition 1.4
 * holds.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AnalysisInputError } from '../../../src/analysis/errors.js';
import { candidateRecurrentBlocks, haarOrthogonal } from '../../../src/analysis/information/curve.js';
import {
  gaussianChannelMutualInformation,
  sampleGaussianChannel,
  singularValueChannelMutualInformation,
} from '../../../src/analysis/information/gaussianChannel.js';
import { gaussianMutualInformation } from '../../../src/analysis/information/gaussianEstimator.js';
import {
  proposition14Check,
  proposition14MutualInformation,
  singularValues,
} from '../../../src/analysis/information/proposition14.js';
import { randomDenseCell } from '../../../src/cells/random.js';
import { inverseSqrtSPD, logDetSPD } from '../../../src/linalg/spd.js';
import { type Rng, createRng } from '../../../src/processes/prng.js';

const gaussianMatrix = (rng: Rng, m: number, n: number, scale = 1 / Math.sqrt(n)): number[][] =>
  Array.from({ length: m }, () => Array.from({ length: n }, () => scale * rng.normal()));

/** A random SPD m x m matrix A A^T / m + 0.5 I. */
const randomSpd = (rng: Rng, m: number): number[][] => {
  const a = gaussianMatrix(rng, m, m, 1);
  return a.map((_, i) => a.map((__, j) => (a[i] as number[]).reduce((s, v, k) => s + v * (a[j] as number[])[k]!, 0) / m + (i === j ? 0.5 : 0)));
};

const transposeRows = (w: number[][]): number[][] => (w[0] as number[]).map((_, j) => w.map((r) => r[j] as number));

describe('gaussianChannelMutualInformation against Monte Carlo (n = 10^5)', () => {
  // Y = sqrt(eta) W X + eps sampled exactly; the bias-corrected log-det estimator is unbiased
  // for Gaussian data with a calibrated SE (gaussianEstimator.test.ts). Tolerance: within
  // 4 SE (a 4-sigma band: false alarm 6e-5 per case) AND within 1% relative. Observed at these
  // seeds: |rel| <= 0.35%, |z| <= 2.6.
  const shapes: [number, number][] = [[1, 1], [4, 4], [16, 16], [4, 16], [16, 4], [3, 1]];
  for (const [m, n] of shapes) {
    it(`gaussianChannelMutualInformation(W ${m}x${n}, eta 1, sigma 0.5) matches the log-det estimate within 1% and 4 SE`, () => {
      const rng = createRng(100 * m + n);
      const W = gaussianMatrix(rng, m, n);
      const exact = gaussianChannelMutualInformation(W, 1, 0.5);
      const { x, y } = sampleGaussianChannel(W, 1, 0.5, 100_000, rng.fork(1));
      const est = gaussianMutualInformation(x, y);
      const err = est.mutualInformationNats - exact;
      expect(Math.abs(err)).toBeLessThan(4 * est.standardErrorNats);
      expect(Math.abs(err) / exact).toBeLessThan(0.01);
    });
  }

  it('gaussianChannelMutualInformation(W 6x4, eta 0.8, full SPD Sigma) matches Monte Carlo within 1% and 4 SE', () => {
    const rng = createRng(42);
    const W = gaussianMatrix(rng, 6, 4);
    const sigma = randomSpd(rng, 6);
    const exact = gaussianChannelMutualInformation(W, 0.8, sigma);
    const { x, y } = sampleGaussianChannel(W, 0.8, sigma, 100_000, rng.fork(2));
    const est = gaussianMutualInformation(x, y);
    expect(Math.abs(est.mutualInformationNats - exact)).toBeLessThan(4 * est.standardErrorNats);
    expect(Math.abs(est.mutualInformationNats - exact) / exact).toBeLessThan(0.01);
  });
});

describe("the paper's printed Theorem 1.2 against Monte Carlo", () => {
  it('Y = eta W X + eps (as printed) carries 1/2 logdet(I + eta^2 W^T Sigma^-1 W), not eta', () => {
    const rng = createRng(7);
    const W = gaussianMatrix(rng, 4, 4);
    const eta = 2;
    // Y = eta W X + eps  ==  sqrt(eta^2) W X + eps
    const { x, y } = sampleGaussianChannel(W, eta * eta, 1, 100_000, rng.fork(1));
    const est = gaussianMutualInformation(x, y);
    const withEtaSquared = gaussianChannelMutualInformation(W, eta * eta, 1);
    const withEta = gaussianChannelMutualInformation(W, eta, 1);
    expect(Math.abs(est.mutualInformationNats - withEtaSquared)).toBeLessThan(4 * est.standardErrorNats);
    expect(Math.abs(est.mutualInformationNats - withEta)).toBeGreaterThan(50 * est.standardErrorNats);
  });

  it('with non-isotropic Sigma the printed Sigma^-1/2 W^T W Sigma^-1/2 misses the Monte Carlo value; Sigma^-1/2 W W^T Sigma^-1/2 hits it', () => {
    // W = [[0, 2], [0.1, 0]], Sigma = diag(4, 1/4): W^T Sigma^-1 W = diag(0.04, 1), so
    // I = 1/2 (log 1.04 + log 2) = 0.36618; the printed form uses W Sigma^-1 W^T = diag(16, 0.0025):
    // 1/2 (log 17 + log 1.0025) = 1.41788 nats, almost 4 times too much.
    const W = [[0, 2], [0.1, 0]];
    const sigma = [[4, 0], [0, 0.25]];
    const s = inverseSqrtSPD(sigma);
    const mul = (a: number[][], b: number[][]): number[][] => a.map((r) => (b[0] as number[]).map((_, j) => r.reduce((acc, v, k) => acc + v * (b[k] as number[])[j]!, 0)));
    const sandwich = (g: number[][]): number => {
      const inner = mul(mul(s, g), s);
      return 0.5 * logDetSPD(inner.map((r, i) => r.map((v, j) => (i === j ? 1 : 0) + (v + (inner[j] as number[])[i]!) / 2)));
    };
    const printed = sandwich(mul(transposeRows(W), W)); // Sigma^-1/2 W^T W Sigma^-1/2
    const corrected = sandwich(mul(W, transposeRows(W))); // Sigma^-1/2 W W^T Sigma^-1/2
    const exact = gaussianChannelMutualInformation(W, 1, sigma);
    expect(exact).toBeCloseTo(0.5 * (Math.log(1.04) + Math.log(2)), 14);
    expect(printed).toBeCloseTo(0.5 * (Math.log(17) + Math.log(1.0025)), 12);
    expect(Math.abs(corrected - exact) / exact).toBeLessThan(1e-12);
    const { x, y } = sampleGaussianChannel(W, 1, sigma, 100_000, createRng(8));
    const est = gaussianMutualInformation(x, y);
    expect(Math.abs(est.mutualInformationNats - exact)).toBeLessThan(4 * est.standardErrorNats);
    expect(Math.abs(est.mutualInformationNats - printed)).toBeGreaterThan(100 * est.standardErrorNats);
  });
});

describe('gaussianChannelMutualInformation laws', () => {
  const matrixArb = fc
    .record({ m: fc.integer({ min: 1, max: 6 }), n: fc.integer({ min: 1, max: 6 }), seed: fc.integer({ min: 0, max: 1e6 }) })
    .map(({ m, n, seed }) => ({ m, n, seed, W: gaussianMatrix(createRng(seed), m, n, 1) }));

  it('gaussianChannelMutualInformation(W, eta, sigma) equals sum_i 1/2 log(1 + eta s_i^2 / sigma) over the singular values of W', () => {
    // 1e-10 relative: SVD and Cholesky are both backward stable; the log1p sums are well conditioned.
    fc.assert(
      fc.property(matrixArb, fc.double({ min: 1e-3, max: 1e3, noNaN: true }), fc.double({ min: 1e-2, max: 1e2, noNaN: true }), ({ W }, eta, sigma) => {
        const a = gaussianChannelMutualInformation(W, eta, sigma);
        const b = singularValueChannelMutualInformation(singularValues(W), eta, sigma);
        expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-10 * Math.max(a, 1e-300));
      }),
    );
  });

  it('gaussianChannelMutualInformation(W, eta, Sigma) equals 1/2 (logdet(Sigma + eta W W^T) - logdet Sigma) (the Y-covariance form)', () => {
    // 1e-9 absolute-relative: the log-det difference loses about log10(cond) digits.
    fc.assert(
      fc.property(matrixArb, fc.double({ min: 1e-2, max: 1e2, noNaN: true }), ({ m, W, seed }, eta) => {
        const sigma = randomSpd(createRng(seed + 1), m);
        const cov = sigma.map((r, i) => r.map((v, j) => v + eta * (W[i] as number[]).reduce((s, w, k) => s + w * (W[j] as number[])[k]!, 0)));
        const ref = 0.5 * (logDetSPD(cov) - logDetSPD(sigma));
        const got = gaussianChannelMutualInformation(W, eta, sigma);
        expect(Math.abs(got - ref)).toBeLessThanOrEqual(1e-9 * Math.max(1, ref));
      }),
    );
  });

  it('gaussianChannelMutualInformation is invariant under (eta, Sigma) -> (c eta, c Sigma) and increasing in eta', () => {
    fc.assert(
      fc.property(matrixArb, fc.double({ min: 1e-2, max: 1e2, noNaN: true }), ({ W }, c) => {
        const a = gaussianChannelMutualInformation(W, 0.7, 0.3);
        expect(Math.abs(gaussianChannelMutualInformation(W, 0.7 * c, 0.3 * c) - a)).toBeLessThanOrEqual(1e-12 * Math.max(1, a));
        expect(gaussianChannelMutualInformation(W, 1.4, 0.3)).toBeGreaterThanOrEqual(a);
      }),
    );
  });

  it('gaussianChannelMutualInformation keeps relative accuracy for tiny eta (I ~ eta/2 ||W||_F^2 / sigma)', () => {
    const W = [[1, 2], [3, 4]];
    const eta = 1e-12;
    const got = gaussianChannelMutualInformation(W, eta, 1);
    // first-order: eta/2 tr(W^T W) - eta^2/4 tr((W^T W)^2) ...; the second term is 1e-22 relative.
    expect(Math.abs(got / (0.5 * eta * 30) - 1)).toBeLessThan(1e-10);
    expect(gaussianChannelMutualInformation(W, 0, 1)).toBe(0);
  });
});

describe('proposition14Check (d_h/2 log(1 + eta/sigma))', () => {
  it('proposition14Check(W orthogonal, eta, sigma I) holds to rounding for d_h = 1..48', () => {
    const rng = createRng(3);
    for (const d of [1, 2, 3, 8, 17, 48]) {
      const q = haarOrthogonal(d, rng.fork(d));
      const c = proposition14Check(q, 0.7, 0.2, 1e-13);
      expect(c.holds).toBe(true);
      expect(c.orthogonalityDefect).toBeLessThan(1e-13);
      expect(Math.abs(c.exactNats - proposition14MutualInformation(d, 0.7, 0.2))).toBeLessThan(1e-13 * c.exactNats);
    }
  });

  it('proposition14Check(random Gaussian W with ||W||_F^2 = d_h) overstates I by 20-30% (Marchenko–Pastur spread)', () => {
    // Jensen: sum 1/2 log(1 + a s_i^2) <= d/2 log(1 + a mean s_i^2) = d/2 log(1 + a) when mean s_i^2 = 1.
    // Observed relative gaps (eta = sigma = 1): d = 4: 0.28, 16: 0.22, 64: 0.20. As d grows the
    // exact per-channel value tends to the quarter-circle (MP, ratio 1) integral
    // int_0^4 1/2 log(1 + x) sqrt(x (4 - x)) / (2 pi x) dx = 0.2888 nats vs 0.3466 (gap 20%).
    const rng = createRng(5);
    for (const d of [4, 16, 64]) {
      const g = gaussianMatrix(rng, d, d);
      const fro = g.flat().reduce((a, b) => a + b * b, 0);
      const w = g.map((r) => r.map((v) => v * Math.sqrt(d / fro)));
      const c = proposition14Check(w, 1, 1);
      expect(c.holds).toBe(false);
      expect(c.meanSquaredSingularValue).toBeCloseTo(1, 12);
      expect(c.gapNats).toBeGreaterThan(0);
      expect(c.relativeGap).toBeGreaterThan(0.15);
      expect(c.relativeGap).toBeLessThan(0.35);
    }
    // the large-d limit (quadrature of the quarter-circle law with x = 2 - 2 cos(theta))
    let mp = 0;
    const steps = 20000;
    for (let i = 0; i < steps; i++) {
      const th = ((i + 0.5) * Math.PI) / steps;
      const x = 2 - 2 * Math.cos(th);
      // dx = 2 sin(th) dth; sqrt(x(4-x)) = 2 sin(th)
      mp += (0.5 * Math.log1p(x) * (2 * Math.sin(th)) * (2 * Math.sin(th))) / (2 * Math.PI * x) * (Math.PI / steps);
    }
    const d = 300;
    const w = gaussianMatrix(rng, d, d);
    const perChannel = gaussianChannelMutualInformation(w, 1, 1) / d;
    expect(Math.abs(perChannel / mp - 1)).toBeLessThan(0.03); // finite-d fluctuation ~1/d
  });

  it('proposition14Check(PyTorch-initialised GRU candidate U_n) overstates I by ~170% (mean s^2 ~ 1/3)', () => {
    // uniform(-1/sqrt(h), 1/sqrt(h)) entries: E s^2 = h * 1/(3h) = 1/3; observed relative gap
    // 1.82 (h = 4), 1.72 (16), 1.69 (64) at eta = sigma = 1.
    const rng = createRng(5);
    for (const h of [16, 64]) {
      const u = candidateRecurrentBlocks(randomDenseCell(rng, { kind: 'gru', inputSize: h, hiddenSize: h }))[0] as number[][];
      const c = proposition14Check(u, 1, 1);
      expect(c.meanSquaredSingularValue).toBeGreaterThan(0.25);
      expect(c.meanSquaredSingularValue).toBeLessThan(0.42);
      expect(c.relativeGap).toBeGreaterThan(1.3);
      expect(c.relativeGap).toBeLessThan(2.2);
    }
  });

  it('proposition14Check: full rank is not enough (diag(2, 1/2) understates, since mean s^2 > 1)', () => {
    const c = proposition14Check([[2, 0], [0, 0.5]], 1, 1);
    expect(c.gapNats).toBeCloseTo(Math.log(2) - 0.5 * (Math.log(5) + Math.log(1.25)), 14);
    expect(c.holds).toBe(false);
  });
});

describe('information functions reject bad input with one clear message', () => {
  const cases: [string, () => unknown, RegExp][] = [
    ['empty W', () => gaussianChannelMutualInformation([], 1, 1), /gaussianChannelMutualInformation: W is an array of length 0, expected a non-empty matrix/],
    ['ragged W', () => gaussianChannelMutualInformation([[1, 2], [3]], 1, 1), /W row 1 has 1 entries, expected 2/],
    ['NaN in W', () => gaussianChannelMutualInformation([[1, Number.NaN]], 1, 1), /W entry \(0, 1\) is NaN, expected a finite number/],
    ['negative eta', () => gaussianChannelMutualInformation([[1]], -1, 1), /eta is -1, expected a finite number >= 0/],
    ['zero sigma', () => gaussianChannelMutualInformation([[1]], 1, 0), /sigma \(noise variance, Sigma = sigma I\) is 0, expected a finite number > 0/],
    ['sigma of wrong size', () => gaussianChannelMutualInformation([[1, 0], [0, 1]], 1, [[1]]), /sigma is 1 x 1, expected 2 x 2/],
    ['non-symmetric sigma', () => gaussianChannelMutualInformation([[1, 0], [0, 1]], 1, [[1, 0.5], [0, 1]]), /sigma is not symmetric/],
    ['singular sigma', () => gaussianChannelMutualInformation([[1, 0], [0, 1]], 1, [[1, 1], [1, 1]]), /sigma is singular or indefinite/],
    ['Prop 1.4 with matrix sigma', () => proposition14Check([[1]], 1, [[1]] as unknown as number), /proposition14Check: sigma is object, expected a number/],
    ['zero channels', () => proposition14MutualInformation(0, 1, 1), /channels is 0, expected an integer >= 1/],
    ['negative singular value', () => singularValueChannelMutualInformation([1, -1], 1, 1), /singularValues entry 1 is -1/],
  ];
  for (const [what, f, msg] of cases) {
    it(`throws AnalysisInputError for ${what}`, () => {
      expect(f).toThrow(AnalysisInputError);
      expect(f).toThrow(msg);
    });
  }
});
