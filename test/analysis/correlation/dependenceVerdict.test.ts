/**
 * The verdict the audit reports (issue 13): no SRD without a resolved decay, near-integrating
 * states are never SRD, LRD needs significant local Whittle memory, and every verdict comes with
 * a plain sentence. Cases from the calibration set (16 channels mixed by a random orthogonal
 * matrix, 32 x 1024, the audit's default maxLag 512), seeds 0-1 (the exploratory seeds; the
 * held-out rates are in bench/VERDICT.md and pinned in verdictCalibration.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { CALIBRATION_SIZES, calibrationEnsemble } from '../../../src/analysis/calibration/verdictCalibrationSet.js';
import { correlationSums, crossCorrelationNorms, dependenceVerdict, fmt, stateRegime } from '../../../src/analysis/correlation/index.js';
import { createRng } from '../../../src/processes/prng.js';
import { ensembleComponents, stateMemory } from '../../../src/analysis/stateMemory.js';
import { projectOnComponents } from '../../../src/analysis/memoryFromMoments.js';
import { multivariateLocalWhittle } from '../../../src/analysis/memory/multivariateLocalWhittle.js';

const size = CALIBRATION_SIZES.default;
function run(id: string, seed: number, dynamics: { topLyapunovPerStep: number; steps: number } | null = null) {
  const xs = calibrationEnsemble(id, size, seed);
  const corr = correlationSums(xs, { maxLag: size.maxLag, lags: 'log', bootstrap: { replicates: 100, seed } });
  const memory = stateMemory(xs);
  return { corr, memory, assessment: dependenceVerdict(corr, memory, dynamics) };
}

describe('dependenceVerdict: no SRD without resolution', () => {
  it('a random walk is never SRD, and the sentence says the memory is longer than the record', () => {
    for (const seed of [0, 1]) {
      const { assessment, corr } = run('random-walk', seed);
      expect(assessment.verdict, assessment.reason).not.toBe('SRD');
      expect(corr.verdict, corr.reason).not.toBe('SRD');
      expect(assessment.regime).toBe('near-integrating');
      expect(assessment.sentence).toMatch(/^memory longer than this record: correlations still at [0-9.]+ of their lag-0 value after 512 steps/);
    }
  });

  it('AR(1) phi = 0.999 at 32 x 1024 is inconclusive, and the reason names the record that would settle it', () => {
    const { assessment, corr } = run('ar1-0.999', 0);
    expect(assessment.verdict).toBe('inconclusive');
    expect(corr.verdict).toBe('inconclusive');
    if (corr.evidence.exponential && corr.evidence.powerLawFitsBetter === false) {
      expect(corr.reason).toMatch(/rerun with --steps >= [0-9 ]+/);
      expect(corr.evidence.stepsToResolve).toBe(Math.ceil(20 * corr.evidence.exponential.tau));
    }
  });

  it('the saturated-gate GRU is not SRD', () => {
    const { assessment } = run('gru-saturated', 0);
    expect(assessment.verdict, assessment.reason).not.toBe('SRD');
  });

  it('AR(1) phi = 0.9 is SRD with a resolved decay and a sentence giving the forgetting time', () => {
    const { assessment, corr } = run('ar1-0.9', 0);
    expect(assessment.verdict, assessment.reason).toBe('SRD');
    expect(corr.evidence.resolution).toBe('resolved');
    const tau = corr.evidence.exponential?.tau as number;
    expect(tau).toBeLessThanOrEqual(size.maxLag / 10);
    expect(corr.evidence.floorLag as number).toBeGreaterThanOrEqual(tau);
    expect(assessment.sentence).toBe(`short memory: the state forgets within about ${corr.evidence.floorLag} steps`);
  });

  it('fGn H = 0.8 is LRD with significant positive local Whittle memory', () => {
    const { assessment, memory } = run('fgn-0.8', 0);
    expect(assessment.verdict, assessment.reason).toBe('LRD');
    expect(memory.significantPositiveMemory).toBe(true);
    // d = H - 1/2 = 0.3; the estimate at m = floor(1024^0.65) = 90 pooled over 32 sequences (SE 0.004 per component).
    expect(Math.abs(memory.totalMemory - 0.3)).toBeLessThan(0.08);
    expect(assessment.sentence).toMatch(/^long memory: correlations fall like a power law \(k\^-[0-9.]+\) over lags 1\.\.[0-9]+/);
  });
});

describe('dependenceVerdict: LRD needs a total memory stable under the bandwidth (rule version 3)', () => {
  it('the sum of AR(1)s at 1 x 2^16 looks like a power law but its memory falls as the bandwidth shrinks: inconclusive', () => {
    // Exploratory seed 0 (bench/VERDICT.md): d = 0.42 at m = floor(65536^0.65) = 1351, 0.28 at
    // m = 256; z about -13, far beyond -1.645 (seeds 0-9 gave -12 to -17).
    const xs = calibrationEnsemble('ar1-sum', { sequences: 1, steps: 65536 }, 0);
    const corr = correlationSums(xs, { maxLag: 4096, lags: 'log', bootstrap: false });
    const memory = stateMemory(xs);
    const a = dependenceVerdict(corr, memory, null);
    expect(corr.verdict, corr.reason).toBe('LRD');
    expect(memory.significantPositiveMemory).toBe(true);
    expect(memory.smallBandwidth).toBe(256);
    expect(memory.bandwidthStabilityZ).toBeLessThan(-5);
    expect(memory.memoryStableUnderBandwidth).toBe(false);
    expect(a.verdict).toBe('inconclusive');
    expect(a.reason).toMatch(/falls from d = [0-9.]+ at bandwidth 1351 to [0-9.]+ at 256/);
    expect(a.sentence).toMatch(/^undetermined: the correlations fall like a slow power law over lags 1\.\.[0-9]+, but the memory estimate shrinks towards the lowest frequencies/);
  });

  it('the stability z is the Hausman contrast of the estimates at floor(n^0.65) and floor(n^0.5), and fGn H = 0.8 passes it', () => {
    const xs = calibrationEnsemble('fgn-0.8', size, 0);
    const memory = stateMemory(xs);
    const projected = projectOnComponents(xs, ensembleComponents(xs), memory.components);
    const small = multivariateLocalWhittle(projected, { bandwidth: 32 });
    expect(memory.bandwidth).toBe(90);
    expect(memory.smallBandwidth).toBe(32);
    expect(memory.totalMemorySmallBandwidth).toBe(small.totalMemory);
    const z = (small.totalMemory - memory.totalMemory) / Math.sqrt(small.totalMemoryStandardError ** 2 - memory.totalMemoryStandardError ** 2);
    expect(memory.bandwidthStabilityZ).toBeCloseTo(z, 12);
    // A power-law spectrum keeps its slope: d = 0.3 at both bandwidths (seeds 0-9: z = 0.7 to 1.8).
    expect(memory.bandwidthStabilityZ).toBeGreaterThan(-1.645);
    expect(memory.memoryStableUnderBandwidth).toBe(true);
  });

  it('records too short for a smaller bandwidth skip the check (NaN z, read as stable)', () => {
    // T = 25: floor(25^0.65) = 8 = the least bandwidth, so floor(25^0.5) = 5, raised to 8, is not smaller.
    const memory = stateMemory(calibrationEnsemble('ar1-0.5', { sequences: 32, steps: 25 }, 0));
    expect(memory.error).toBeNull();
    expect(memory.bandwidth).toBe(8);
    expect(memory.smallBandwidth).toBe(8);
    expect(memory.bandwidthStabilityZ).toBeNaN();
    expect(memory.memoryStableUnderBandwidth).toBe(true);
  });
});

describe('dependenceVerdict: regimes', () => {
  it('a top Lyapunov exponent within 1/T of 0 makes the state near-integrating, and an SRD correlation verdict inconclusive', () => {
    const { assessment, corr } = run('ar1-0.5', 0, { topLyapunovPerStep: -1e-4, steps: 1024 });
    expect(corr.verdict).toBe('SRD');
    expect(assessment.regime).toBe('near-integrating');
    expect(assessment.verdict).toBe('inconclusive');
    expect(assessment.correlationVerdict).toBe('SRD');
  });

  it('stateRegime: expanding above 1/T, near-integrating within 1/T, stationary below; local Whittle d >= 0.9 is near-integrating', () => {
    expect(stateRegime(null, { topLyapunovPerStep: 0.01, steps: 1000 }).regime).toBe('expanding');
    expect(stateRegime(null, { topLyapunovPerStep: 0.0009, steps: 1000 }).regime).toBe('near-integrating');
    expect(stateRegime(null, { topLyapunovPerStep: -0.0009, steps: 1000 }).regime).toBe('near-integrating');
    expect(stateRegime(null, { topLyapunovPerStep: -0.0011, steps: 1000 }).regime).toBe('stationary');
    const memory = stateMemory(calibrationEnsemble('random-walk', { sequences: 4, steps: 1024 }, 3));
    expect(memory.totalMemory).toBeGreaterThan(0.9);
    expect(stateRegime(memory, null).regime).toBe('near-integrating');
  });
});

describe('the common path shared by all sequences', () => {
  it('is reported: 0 for independent sequences, the shared share for a common ramp', () => {
    expect(crossCorrelationNorms(calibrationEnsemble('ar1-0.99', size, 0), { maxLag: 64, lags: 'log', noiseFloor: false }).commonPathFraction).toBe(0);
    // Channel i = (i + 1) ramp_t + N(0, 1) noise, ramp_t = 3 t / T shared by 32 sequences: the
    // ramp's variance over t is 3^2 / 12 = 0.75, so channel i's standardised variance is
    // 0.75 (i + 1)^2 / (0.75 (i + 1)^2 + 1) common: mean over 4 channels 0.743. Tolerance 0.03:
    // the noise variance of 32 x 1024 draws per channel (SD 0.4%) and the sample cross-section.
    const rng = createRng(1);
    const T = 1024;
    const d = 4;
    const xs = Array.from({ length: 32 }, (_, s) => {
      const r = rng.fork(s);
      const data = new Float64Array(T * d);
      for (let t = 0; t < T; t++) for (let i = 0; i < d; i++) data[t * d + i] = ((3 * t) / T) * (i + 1) + r.normal();
      return { rows: T, cols: d, data };
    });
    const expected = [1, 2, 3, 4].reduce((acc, k) => acc + (0.75 * k * k) / (0.75 * k * k + 1), 0) / 4;
    const f = crossCorrelationNorms(xs, { maxLag: 64, lags: 'log', noiseFloor: false }).commonPathFraction as number;
    expect(Math.abs(f - expected)).toBeLessThan(0.03);
    // The verdict names it: the shared ramp makes the null as large as the signal.
    const out = correlationSums(xs, { maxLag: 512, lags: 'log', bootstrap: false });
    expect(out.verdict).not.toBe('SRD');
  });
});

describe('fmt', () => {
  it('prints 3 significant digits and groups thousands', () => {
    expect(fmt(5127.4)).toBe('5 127');
    expect(fmt(0.93149)).toBe('0.931');
    expect(fmt(12.345)).toBe('12.3');
    expect(fmt(Number.POSITIVE_INFINITY)).toBe('Infinity');
  });
});
