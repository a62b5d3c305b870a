/**
 * Bad input to the correlation functions gets one AnalysisInputError naming the function, the
 * argument, what was expected and what was found.
 */
import { describe, expect, it } from 'vitest';
import {
  correlationSums,
  correlationVerdict,
  crossCorrelationMatrix,
  crossCorrelationNorms,
  fitPowerLawDecay,
} from '../../../src/analysis/correlation/index.js';
import { AnalysisInputError } from '../../../src/analysis/errors.js';
import { type Series, seriesFromScalar } from '../../../src/analysis/series.js';
import { createRng } from '../../../src/processes/prng.js';

function white(seed: number, T: number, d: number): Series {
  return { rows: T, cols: d, data: createRng(seed).normals(T * d) };
}

function expectInputError(fn: () => unknown, ...parts: string[]): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(AnalysisInputError);
  const message = (caught as Error).message;
  for (const p of parts) expect(message).toContain(p);
}

describe('input validation', () => {
  it('crossCorrelationNorms(ensemble, { maxLag: T }) names maxLag, the limit T - 1 and the value found', () => {
    expectInputError(
      () => crossCorrelationNorms([white(1, 64, 2)], { maxLag: 64 }),
      'crossCorrelationNorms: maxLag is 64',
      'at most 63',
      'series length 64 minus 1',
    );
    expectInputError(
      () => crossCorrelationNorms([white(1, 64, 2), white(2, 64, 2), white(3, 64, 2)], { maxLag: 60, estimator: 'ensemble', t0: 10 }),
      'maxLag is 60',
      'at most 53',
    );
  });

  it('crossCorrelationNorms rejects NaN and Infinity, naming the sequence, time and channel', () => {
    const s = white(1, 32, 3);
    s.data[5 * 3 + 2] = Number.NaN;
    expectInputError(
      () => crossCorrelationNorms([white(2, 32, 3), s], { maxLag: 4 }),
      'crossCorrelationNorms: ensemble[1] value at t = 5, channel 2 is NaN',
      'expected a finite number',
    );
    const u = white(1, 32, 1);
    u.data[0] = Infinity;
    expectInputError(() => correlationSums([u], { maxLag: 4 }), 'correlationSums: ensemble[0] value at t = 0, channel 0 is Infinity');
  });

  it('crossCorrelationNorms([]) reports the empty ensemble', () => {
    expectInputError(() => crossCorrelationNorms([], { maxLag: 1 }), 'crossCorrelationNorms: ensemble is empty', 'at least 1 sequence');
  });

  it('crossCorrelationNorms reports mismatched widths and lengths against ensemble[0]', () => {
    expectInputError(
      () => crossCorrelationNorms([white(1, 32, 3), white(2, 32, 4)], { maxLag: 2 }),
      'ensemble[1] has 4 channels, expected 3 (as ensemble[0])',
    );
    expectInputError(
      () => crossCorrelationNorms([white(1, 32, 3), white(2, 31, 3)], { maxLag: 2 }),
      'ensemble[1] has 31 time steps, expected 32 (as ensemble[0])',
    );
  });

  it('the ensemble estimator needs at least 3 sequences', () => {
    expectInputError(
      () => crossCorrelationNorms([white(1, 32, 2), white(2, 32, 2)], { maxLag: 2, estimator: 'ensemble' }),
      'ensemble has 2 sequences, expected at least 3',
    );
  });

  it('bad options name the option and the accepted values', () => {
    const s = [white(1, 64, 4)];
    expectInputError(() => crossCorrelationNorms(s, { maxLag: 2.5 }), 'maxLag is 2.5', 'expected an integer');
    expectInputError(() => crossCorrelationNorms(s, { maxLag: 2, components: 5 }), 'components is 5, expected at most 4');
    expectInputError(() => crossCorrelationNorms(s, { maxLag: 2, t0: 3 }), "t0 applies to the 'ensemble' estimator only");
    expectInputError(
      () => crossCorrelationNorms(s, { maxLag: 2, estimator: 'bogus' as 'ensemble' }),
      "estimator is bogus, expected 'time-average' or 'ensemble'",
    );
    expectInputError(() => crossCorrelationNorms([{ rows: 1, cols: 1, data: new Float64Array(1) }], { maxLag: 0 }), 'series length is 1');
  });

  it('constant data is rejected: correlations are undefined', () => {
    expectInputError(
      () => crossCorrelationNorms([seriesFromScalar(new Float64Array(16).fill(3))], { maxLag: 2 }),
      'every channel is constant',
    );
  });

  it('crossCorrelationMatrix, correlationVerdict and the fits validate too', () => {
    expectInputError(() => crossCorrelationMatrix([white(1, 10, 2)], 10), 'crossCorrelationMatrix: lag is 10', 'at most 9');
    const res = crossCorrelationNorms([white(1, 64, 1)], { maxLag: 8, noiseFloor: false });
    expectInputError(() => correlationVerdict(res), 'correlationVerdict: norms.noiseFloor is null');
    expectInputError(() => fitPowerLawDecay([0, 1, 2], [1, 0.5, 0.2]), 'fitPowerLawDecay: lags[0] is 0');
    expectInputError(() => fitPowerLawDecay([1, 2, 3], [1, 0, 0.2]), 'norms[1] is 0');
  });
});
