/**
 * fitLine (the least-squares line behind the memory exponents and the correlation decay fits)
 * against an independent implementation: simple-statistics' linearRegression, rSquared and
 * sampleVariance (https://simple-statistics.github.io/docs/#linearregression). simple-statistics
 * uses raw sums (n Sxy - Sx Sy) / (n Sxx - Sx^2), lrdkit centred sums, so the two agree to
 * rounding on well-conditioned data (|x| <= 10 here: cancellation costs at most ~4 digits, so
 * 1e-9 relative); only the classical slope standard error, which simple-statistics does not
 * provide, is rebuilt from its residuals.
 */
import fc from 'fast-check';
import { linearRegression, linearRegressionLine, rSquared, sampleVariance } from 'simple-statistics';
import { describe, expect, it } from 'vitest';
import { fitLine } from '../../src/analysis/internal/fitLine.js';

const close = (a: number, b: number, rel = 1e-9): boolean => Math.abs(a - b) <= rel * Math.max(1, Math.abs(a), Math.abs(b));

describe('fitLine agrees with simple-statistics', () => {
  it('slope, intercept, r2 and the slope standard error on random points (x in [-10, 10])', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.double({ min: -10, max: 10, noNaN: true }), fc.double({ min: -10, max: 10, noNaN: true })), { minLength: 3, maxLength: 40 }),
        (points) => {
          const x = points.map((p) => p[0]), y = points.map((p) => p[1]);
          fc.pre(sampleVariance(x) > 1e-3); // x not (nearly) constant: the callers guarantee distinct x
          const f = fitLine(x, y);
          const { m, b } = linearRegression(points);
          expect(close(f.slope, m), `slope ${f.slope} vs ${m}`).toBe(true);
          expect(close(f.intercept, b), `intercept ${f.intercept} vs ${b}`).toBe(true);
          const line = linearRegressionLine({ m, b });
          const rss = points.reduce((s, [xi, yi]) => s + (yi - line(xi)) ** 2, 0);
          expect(close(f.rss, rss, 1e-8)).toBe(true);
          if (sampleVariance(y) > 1e-9) expect(close(f.r2, rSquared(points, line), 1e-8)).toBe(true);
          const se = Math.sqrt(rss / (x.length - 2) / (sampleVariance(x) * (x.length - 1)));
          expect(close(f.slopeStandardError, se, 1e-7)).toBe(true);
        },
      ),
    );
  });

  it('the documented example: fitLine([0, 1, 2], [1, 3, 5]) is y = 1 + 2 x, as simple-statistics finds', () => {
    const f = fitLine([0, 1, 2], [1, 3, 5]);
    expect(linearRegression([[0, 1], [1, 3], [2, 5]])).toEqual({ m: 2, b: 1 });
    expect([f.slope, f.intercept, f.r2, f.slopeStandardError]).toEqual([2, 1, 1, 0]);
  });
});
