/**
 * Inputs, trajectories and stacked cells: the input processes' laws, the CLI spec parser and
 * its file formats, the trajectory runner (series and streaming visitor), the exact Jacobian
 * of multi-layer stacks against finite differences, and the argument checks.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { randomContextSwitchingCell, randomDenseCell, randomFactorizedCell } from '../../src/cells/random.js';
import type { Cell } from '../../src/cells/types.js';
import { AnalysisInputError } from '../../src/analysis/errors.js';
import { inputProcess, parseInputSpec, type InputSpec } from '../../src/analysis/inputs.js';
import type { Series } from '../../src/analysis/series.js';
import { cellUnits, outputJacobianDense, StackedCell } from '../../src/analysis/stackedCells.js';
import { runTrajectories, visitTrajectories } from '../../src/analysis/trajectories.js';
import { spectralRadius } from '../../src/linalg/eigenvalues.js';
import { createRng } from '../../src/processes/prng.js';
import { relativeError } from '../support/assertions.js';

/** Draws `steps` vectors of sequence `index` of a process. */
function draw(spec: InputSpec, dim: number, steps: number, seed: number, index = 0): Float64Array[] {
  const seq = inputProcess(spec, dim).sequence(index, steps, seed);
  return Array.from({ length: steps }, () => seq.next());
}

/** Mean, standard deviation and lag-1 autocorrelation of channel c. */
function moments(xs: Float64Array[], c: number): { mean: number; std: number; rho1: number } {
  const v = xs.map((x) => x[c] as number);
  const n = v.length;
  const mean = v.reduce((s, x) => s + x, 0) / n;
  let s0 = 0, s1 = 0;
  for (let t = 0; t < n; t++) {
    s0 += ((v[t] as number) - mean) ** 2;
    if (t + 1 < n) s1 += ((v[t] as number) - mean) * ((v[t + 1] as number) - mean);
  }
  return { mean, std: Math.sqrt(s0 / n), rho1: s1 / s0 };
}

function crossCorrelation(xs: Float64Array[], a: number, b: number): number {
  const ma = moments(xs, a).mean, mb = moments(xs, b).mean;
  let sab = 0, saa = 0, sbb = 0;
  for (const x of xs) {
    const da = (x[a] as number) - ma, db = (x[b] as number) - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return sab / Math.sqrt(saa * sbb);
}

/**
 * Fourth-order central difference of F along each coordinate (as in test/cells): truncation
 * O(d^4) and rounding O(eps / d) are below 1e-9 for d = 1e-4 and these cells, so 1e-6 leaves
 * three orders of margin while any missing chain-rule term shows up as an O(1e-2..1) error.
 */
function finiteDifferenceJacobian(f: (v: Float64Array) => Float64Array, at: Float64Array, rows: number): number[][] {
  const d = 1e-4;
  const out = Array.from({ length: rows }, () => new Array<number>(at.length).fill(0));
  for (let j = 0; j < at.length; j++) {
    const shifted = (t: number): Float64Array => {
      const v = Float64Array.from(at);
      v[j] = (v[j] as number) + t;
      return f(v);
    };
    const p1 = shifted(d), m1 = shifted(-d), p2 = shifted(2 * d), m2 = shifted(-2 * d);
    for (let i = 0; i < rows; i++) (out[i] as number[])[j] = (8 * ((p1[i] as number) - (m1[i] as number)) - ((p2[i] as number) - (m2[i] as number))) / (12 * d);
  }
  return out;
}

const dense = (d: number[][]): number[][] => d;
const toNested = (m: { rows: number; cols: number; data: Float64Array }): number[][] =>
  Array.from({ length: m.rows }, (_, i) => Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));

describe('inputProcess', () => {
  it("inputProcess({ kind: 'gaussian' }, 3) gives mean 0, std 1, independent channels", () => {
    const xs = draw({ kind: 'gaussian' }, 3, 20000, 11);
    for (let c = 0; c < 3; c++) {
      const m = moments(xs, c);
      // SE of the mean 1/sqrt(2e4) = 0.007, of the std 0.005, of rho1 0.007: 5 SE margins
      expect(Math.abs(m.mean)).toBeLessThan(0.035);
      expect(Math.abs(m.std - 1)).toBeLessThan(0.025);
      expect(Math.abs(m.rho1)).toBeLessThan(0.035);
    }
    expect(Math.abs(crossCorrelation(xs, 0, 1))).toBeLessThan(0.035);
  });

  it("inputProcess({ kind: 'ar1', phi: 0.9 }, 2) gives std 1 and lag-1 correlation 0.9 per channel", () => {
    const xs = draw({ kind: 'ar1', phi: 0.9 }, 2, 40000, 5);
    for (let c = 0; c < 2; c++) {
      const m = moments(xs, c);
      // SD of the sample variance ~ sqrt(2 (1 + phi^2) / ((1 - phi^2) T)) = 0.022; of rho1 ~ sqrt((1 - phi^2) / T) = 0.0022
      expect(Math.abs(m.std - 1)).toBeLessThan(0.06);
      expect(Math.abs(m.rho1 - 0.9)).toBeLessThan(0.012);
    }
    expect(Math.abs(crossCorrelation(xs, 0, 1))).toBeLessThan(0.08);
  });

  it("inputProcess({ kind: 'fgn', hurst: 0.7 }, 2) gives std 1 and lag-1 correlation 2^0.4 - 1", () => {
    const rho1 = 2 ** 0.4 - 1; // (2^{2H} - 2) / 2 = 0.3195
    let sumStd = 0, sumRho = 0;
    for (let i = 0; i < 8; i++) {
      const xs = draw({ kind: 'fgn', hurst: 0.7 }, 2, 4096, 3, i);
      for (let c = 0; c < 2; c++) {
        const m = moments(xs, c);
        sumStd += m.std / 16;
        sumRho += m.rho1 / 16;
      }
    }
    // fGn sample moments converge slowly (T^{2H-2}); 16 paths of 4096 keep the mean within ~0.03
    expect(Math.abs(sumStd - 1)).toBeLessThan(0.08);
    expect(Math.abs(sumRho - rho1)).toBeLessThan(0.05);
  });

  it('sequence(i, T, seed) is reproducible on its own and differs between sequences and seeds', () => {
    const a = draw({ kind: 'ar1', phi: 0.5 }, 2, 50, 9, 3);
    const b = draw({ kind: 'ar1', phi: 0.5 }, 2, 50, 9, 3);
    const c = draw({ kind: 'ar1', phi: 0.5 }, 2, 50, 9, 4);
    const d = draw({ kind: 'ar1', phi: 0.5 }, 2, 50, 10, 3);
    expect(a).toEqual(b);
    expect(a[0]).not.toEqual(c[0]);
    expect(a[0]).not.toEqual(d[0]);
  });

  it('inputProcess rejects |phi| >= 1, hurst outside (0, 1), dim < 1 and file vectors of the wrong width', () => {
    expect(() => inputProcess({ kind: 'ar1', phi: 1 }, 2)).toThrow(/inputProcess: ar1 phi is 1, expected a finite number with \|phi\| < 1/);
    expect(() => inputProcess({ kind: 'fgn', hurst: 1.2 }, 2)).toThrow(/fgn hurst is 1.2, expected a number in the open interval \(0, 1\)/);
    expect(() => inputProcess({ kind: 'gaussian' }, 0)).toThrow(/dim is 0, expected an integer >= 1/);
    expect(() => inputProcess({ kind: 'file', sequences: [[Float64Array.of(1, 2, 3)]] }, 2)).toThrow(/sequence 0 step 0 has 3 channels, expected 2/);
    expect(() => inputProcess({ kind: 'file', sequences: [[Float64Array.of(1, Number.NaN)]] }, 2)).toThrow(/sequence 0 step 0 channel 1 is NaN, expected a finite number/);
  });
});

describe('parseInputSpec', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lrdkit-inputs-'));
  const file = (name: string, text: string): string => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };

  it("parseInputSpec('gaussian' | 'ar1:0.9' | 'fgn:0.7') returns the synthetic specs", () => {
    expect(parseInputSpec('gaussian')).toEqual({ kind: 'gaussian' });
    expect(parseInputSpec(' ar1:0.9 ')).toEqual({ kind: 'ar1', phi: 0.9 });
    expect(parseInputSpec('ar1:-0.5')).toEqual({ kind: 'ar1', phi: -0.5 });
    expect(parseInputSpec('fgn:0.7')).toEqual({ kind: 'fgn', hurst: 0.7 });
  });

  it('parseInputSpec rejects bad parameters and unreadable paths with one clear message', () => {
    expect(() => parseInputSpec('ar1:1.5')).toThrow(/parseInputSpec: spec "ar1:1.5" has phi "1.5", expected 'ar1:<phi>' with a number \|phi\| < 1/);
    expect(() => parseInputSpec('ar1:abc')).toThrow(AnalysisInputError);
    expect(() => parseInputSpec('ar1')).toThrow(/has phi missing/);
    expect(() => parseInputSpec('fgn:1')).toThrow(/hurst "1", expected 'fgn:<hurst>' with 0 < hurst < 1/);
    expect(() => parseInputSpec('gausian')).toThrow(/spec "gausian" is neither 'gaussian', 'ar1:<phi>' \(\|phi\| < 1\), 'fgn:<hurst>' \(0 < hurst < 1\) nor a readable file/);
    expect(() => parseInputSpec('')).toThrow(/parseInputSpec: spec is "", expected/);
  });

  it('parseInputSpec(path) reads JSON sequences x steps x channels, {sequences}, and one steps x channels sequence', () => {
    const a = parseInputSpec(file('a.json', '[[[1, 2], [3, 4], [5, 6]], [[7, 8], [9, 10]]]'));
    expect(a.kind).toBe('file');
    if (a.kind !== 'file') throw new Error('unreachable');
    expect(a.sequences.map((s) => s.map((x) => Array.from(x)))).toEqual([[[1, 2], [3, 4], [5, 6]], [[7, 8], [9, 10]]]);
    const b = parseInputSpec(`file:${file('b.json', '{"sequences": [[[1], [2]]]}')}`);
    if (b.kind !== 'file') throw new Error('unreachable');
    expect(b.sequences.length).toBe(1);
    const c = parseInputSpec(file('c.json', '[[1, 2], [3, 4]]'));
    if (c.kind !== 'file') throw new Error('unreachable');
    expect(c.sequences.map((s) => s.map((x) => Array.from(x)))).toEqual([[[1, 2], [3, 4]]]);
  });

  it('parseInputSpec(path) reads CSV with a sequence column or blank-line separated blocks', () => {
    const a = parseInputSpec(file('a.csv', 'sequence,t,x0,x1\n0,0,1,2\n1,0,5,6\n0,1,3,4\n'));
    if (a.kind !== 'file') throw new Error('unreachable');
    expect(a.sequences.map((s) => s.map((x) => Array.from(x)))).toEqual([[[1, 2], [3, 4]], [[5, 6]]]);
    const b = parseInputSpec(file('b.csv', '1,2\n3,4\n\n5,6\n'));
    if (b.kind !== 'file') throw new Error('unreachable');
    expect(b.sequences.map((s) => s.map((x) => Array.from(x)))).toEqual([[[1, 2], [3, 4]], [[5, 6]]]);
  });

  it('parseInputSpec(path) names the file, place and value of a bad entry', () => {
    const p = file('bad.csv', 'x0,x1\n1,2\n3,nan\n');
    expect(() => parseInputSpec(p)).toThrow(new RegExp(`file ${p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} line 3 column 2 \\(x1\\) is "nan", expected a finite number`));
    expect(() => parseInputSpec(file('ragged.json', '[[[1, 2], [3]]]'))).toThrow(/sequence 0 step 1 has 1 channels, expected 2/);
    expect(() => parseInputSpec(file('null.json', '[[[1, null]]]'))).toThrow(/channel 1 is null, expected a finite number/);
    expect(() => parseInputSpec(file('deep.json', '[[[[1]]]]'))).toThrow(/nested 4 deep, expected 3/);
    expect(() => parseInputSpec(file('broken.json', '[[1, 2'))).toThrow(/is not valid JSON/);
    expect(() => parseInputSpec(file('short.csv', 'a,b\n1,2\n3\n'))).toThrow(/line 3 has 1 fields, expected 2/);
  });
});

describe('runTrajectories', () => {
  const gru = randomDenseCell(createRng(1), { kind: 'gru', inputSize: 3, hiddenSize: 5 });
  const lstm = randomDenseCell(createRng(2), { kind: 'lstm', inputSize: 3, hiddenSize: 4 });

  it('runTrajectories(cell, { sequences: N, steps: T }) returns N series of T x stateSize, deterministic in the seed', () => {
    const a = runTrajectories(gru, { sequences: 3, steps: 40, burnIn: 5, seed: 7, input: 'ar1:0.8' });
    const b = runTrajectories(gru, { sequences: 3, steps: 40, burnIn: 5, seed: 7, input: { kind: 'ar1', phi: 0.8 } });
    expect(a.length).toBe(3);
    expect(a.map((s) => [s.rows, s.cols])).toEqual([[40, 5], [40, 5], [40, 5]]);
    expect(a).toEqual(b);
    expect(runTrajectories(gru, { sequences: 1, steps: 40, burnIn: 5, seed: 8, input: 'ar1:0.8' })[0]).not.toEqual(a[0]);
  });

  it("row t is the state after reading x_t, and burnIn b equals dropping the first b rows of a run from the same inputs", () => {
    const inputs = draw({ kind: 'gaussian' }, 3, 30, 4);
    const spec: InputSpec = { kind: 'file', sequences: [inputs] };
    const full = runTrajectories(gru, { sequences: 1, steps: 30, input: spec })[0] as Series;
    const tail = runTrajectories(gru, { sequences: 1, steps: 20, burnIn: 10, input: spec })[0] as Series;
    expect(Array.from(tail.data)).toEqual(Array.from(full.data.subarray(10 * 5)));
    let s = gru.initialState();
    for (let t = 0; t < 30; t++) {
      s = gru.step(s, inputs[t] as Float64Array);
      expect(Array.from(full.data.subarray(t * 5, (t + 1) * 5))).toEqual(Array.from(s));
    }
  });

  it("record: 'output' of an LSTM keeps the h half of record: 'state'", () => {
    const st = runTrajectories(lstm, { sequences: 2, steps: 25, seed: 1 });
    const out = runTrajectories(lstm, { sequences: 2, steps: 25, seed: 1, record: 'output' });
    expect(out[0]?.cols).toBe(4);
    for (let i = 0; i < 2; i++) {
      for (let t = 0; t < 25; t++) {
        expect(Array.from((out[i] as Series).data.subarray(t * 4, t * 4 + 4))).toEqual(Array.from((st[i] as Series).data.subarray(t * 8, t * 8 + 4)));
      }
    }
  });

  it('visitTrajectories streams the same states as runTrajectories returns; keep: false holds none', () => {
    const series = runTrajectories(gru, { sequences: 4, steps: 50, burnIn: 3, seed: 2, input: 'fgn:0.8' });
    const sums = new Float64Array(5);
    let count = 0, begun = 0, ended = 0;
    const info = visitTrajectories(gru, { sequences: 4, steps: 50, burnIn: 3, seed: 2, input: 'fgn:0.8' }, {
      beginSequence: () => begun++,
      step: ({ next, t, sequence }) => {
        expect(t).toBe(count % 50);
        expect(sequence).toBe(Math.floor(count / 50));
        next.forEach((v, i) => (sums[i] = (sums[i] as number) + v));
        count++;
      },
      endSequence: () => ended++,
    });
    expect([count, begun, ended]).toEqual([200, 4, 4]);
    expect(info.input).toMatch(/fractional Gaussian noise H = 0.8/);
    const expected = new Float64Array(5);
    for (const s of series) for (let t = 0; t < 50; t++) for (let i = 0; i < 5; i++) expected[i] = (expected[i] as number) + (s.data[t * 5 + i] as number);
    expect(relativeError(sums, expected)).toBeLessThan(1e-14);
    const seen: number[] = [];
    const none = runTrajectories(gru, { sequences: 4, steps: 50, burnIn: 3, seed: 2, input: 'fgn:0.8', keep: false, onSequence: (i, s) => {
      seen.push(i);
      expect(s).toEqual(series[i]);
    } });
    expect(none).toEqual([]);
    expect(seen).toEqual([0, 1, 2, 3]);
  });

  it('runTrajectories([layer0, layer1]) runs the stack: layer 1 reads layer 0 output', () => {
    const l0 = randomDenseCell(createRng(3), { kind: 'gru', inputSize: 3, hiddenSize: 4 });
    const l1 = randomDenseCell(createRng(4), { kind: 'gru', inputSize: 4, hiddenSize: 2 });
    const inputs = draw({ kind: 'gaussian' }, 3, 10, 1);
    const out = runTrajectories([l0, l1], { sequences: 1, steps: 10, input: { kind: 'file', sequences: [inputs] }, record: 'output' })[0] as Series;
    let a = l0.initialState(), b = l1.initialState();
    for (let t = 0; t < 10; t++) {
      a = l0.step(a, inputs[t] as Float64Array);
      b = l1.step(b, l0.output(a));
      expect(Array.from(out.data.subarray(t * 2, t * 2 + 2))).toEqual(Array.from(b));
    }
  });
});

describe('StackedCell', () => {
  const rng = createRng(2024);
  const stacks: [string, Cell[]][] = [
    ['gru 3->4 -> gru 4->3', [randomDenseCell(rng, { kind: 'gru', inputSize: 3, hiddenSize: 4, scale: 1 }), randomDenseCell(rng, { kind: 'gru', inputSize: 4, hiddenSize: 3, scale: 1, resetAfter: false })]],
    ['lstm 2->3 -> lstm 3->2 -> lstm 2->2', [randomDenseCell(rng, { kind: 'lstm', inputSize: 2, hiddenSize: 3, scale: 1.2 }), randomDenseCell(rng, { kind: 'lstm', inputSize: 3, hiddenSize: 2, scale: 1.2 }), randomDenseCell(rng, { kind: 'lstm', inputSize: 2, hiddenSize: 2 })]],
    ['factorized gru g=2 -> gru', [randomFactorizedCell(rng, { kind: 'gru', inputSize: 4, hiddenSize: 6, groups: 2, scale: 1 }), randomDenseCell(rng, { kind: 'gru', inputSize: 6, hiddenSize: 3 })]],
    ['context-switching lstm (masked output) -> lstm', [randomContextSwitchingCell(rng, { kind: 'lstm', inputSize: 4, hiddenSize: 4, groups: 2, auxiliaryHiddenSize: 3, maskOutput: true, scale: 1 }), randomDenseCell(rng, { kind: 'lstm', inputSize: 4, hiddenSize: 3 })]],
    ['context-switching gru (masked) -> factorized gru', [randomContextSwitchingCell(rng, { kind: 'gru', inputSize: 2, hiddenSize: 4, groups: 2, auxiliaryHiddenSize: 2, maskOutput: true, maskInput: true, scale: 1.5 }), randomFactorizedCell(rng, { kind: 'gru', inputSize: 4, hiddenSize: 4, groups: 2 })]],
  ];
  /** A state visited after 7 steps (so h, c are on the attractor), and a random input. */
  function pointOf(cell: Cell, seed: number): { state: Float64Array; input: Float64Array } {
    const r = createRng(seed);
    let s = cell.initialState();
    for (let t = 0; t < 7; t++) s = cell.step(s, r.normals(cell.inputSize));
    return { state: s, input: r.normals(cell.inputSize) };
  }

  for (const [name, layers] of stacks) {
    it(`StackedCell(${name}).jacobianDense and inputJacobianDense match finite differences to 1e-6`, () => {
      const net = new StackedCell(layers);
      for (let k = 0; k < 3; k++) {
        const { state, input } = pointOf(net, 10 + k);
        const fdS = finiteDifferenceJacobian((s) => net.step(s, input), state, net.stateSize);
        const fdX = finiteDifferenceJacobian((x) => net.step(state, x), input, net.stateSize);
        expect(relativeError(toNested(net.jacobianDense(state, input)), fdS)).toBeLessThan(1e-6);
        expect(relativeError(toNested(net.inputJacobianDense(state, input)), fdX)).toBeLessThan(1e-6);
        expect(relativeError(net.jacobian(state, input), dense(fdS))).toBeLessThan(1e-6);
      }
    });
  }

  it('StackedCell jacobian is block lower triangular and its spectral radius is the max over the layers', () => {
    for (const [, layers] of stacks) {
      const net = new StackedCell(layers);
      const { state, input } = pointOf(net, 3);
      const j = net.jacobianDense(state, input);
      const o = net.stateOffsets;
      for (let l = 0; l < layers.length; l++) {
        for (let i = o[l] as number; i < (o[l + 1] as number); i++) {
          for (let c = o[l + 1] as number; c < net.stateSize; c++) expect(j.data[i * net.stateSize + c]).toBe(0);
        }
      }
      const perLayer = Math.max(...net.layerJacobians(state, input).map((m) => spectralRadius(m)));
      expect(Math.abs(spectralRadius(j) - perLayer)).toBeLessThan(1e-9 * Math.max(1, perLayer));
    }
  });

  it('outputJacobianDense of a masked context-switching cell matches finite differences', () => {
    const cs = randomContextSwitchingCell(createRng(8), { kind: 'gru', inputSize: 6, hiddenSize: 6, groups: 3, auxiliaryHiddenSize: 3, maskOutput: true, scale: 2 });
    const { state } = pointOf(cs, 5);
    const fd = finiteDifferenceJacobian((s) => cs.output(s), state, cs.hiddenSize);
    expect(relativeError(toNested(outputJacobianDense(cs, state)), fd)).toBeLessThan(1e-6);
  });

  it('StackedCell reports sizes, output and units, and refuses mismatched layers', () => {
    const [l0, l1] = stacks[2]?.[1] as [Cell, Cell];
    const net = new StackedCell([l0, l1]);
    expect([net.inputSize, net.hiddenSize, net.stateSize, net.parameterCount]).toEqual([4, 3, 9, l0.parameterCount + l1.parameterCount]);
    expect(cellUnits(net).map((u) => u.label)).toEqual(['layer 0 / block 0', 'layer 0 / block 1', 'layer 1']);
    const { state } = pointOf(net, 1);
    expect(Array.from(net.output(state))).toEqual(Array.from(state.subarray(6, 9)));
    expect(() => new StackedCell([l1, l0])).toThrow(/StackedCell: layer 1 has inputSize 4, expected 3 \(layer 0's hiddenSize\)/);
    expect(() => new StackedCell([])).toThrow(/layers has 0 cells, expected at least 1/);
    expect(() => new StackedCell([randomDenseCell(rng, { kind: 'gru', inputSize: 2, hiddenSize: 2 }), randomDenseCell(rng, { kind: 'lstm', inputSize: 2, hiddenSize: 2 })])).toThrow(/layer 1 is a lstm, expected gru/);
  });
});

describe('trajectory argument checks', () => {
  const gru = randomDenseCell(createRng(1), { kind: 'gru', inputSize: 2, hiddenSize: 3 });
  const file = (rows: number[][]): InputSpec => ({ kind: 'file', sequences: [rows.map((r) => Float64Array.from(r))] });

  it('one clear error each: NaN input, wrong input width, steps < 1, burnIn < 0, bad spec string, too few or too short file sequences', () => {
    expect(() => runTrajectories(gru, { sequences: 1, steps: 2, input: file([[0, 1], [Number.NaN, 1]]) })).toThrow(/sequence 0 step 1 channel 0 is NaN, expected a finite number/);
    expect(() => runTrajectories(gru, { sequences: 1, steps: 1, input: file([[0, 1, 2]]) })).toThrow(/sequence 0 step 0 has 3 channels, expected 2/);
    expect(() => runTrajectories(gru, { sequences: 1, steps: 0 })).toThrow(/runTrajectories: steps is 0, expected an integer >= 1/);
    expect(() => runTrajectories(gru, { sequences: 1, steps: 2, burnIn: -1 })).toThrow(/runTrajectories: burnIn is -1, expected an integer >= 0/);
    expect(() => runTrajectories(gru, { sequences: 0, steps: 2 })).toThrow(/runTrajectories: sequences is 0, expected an integer >= 1/);
    expect(() => runTrajectories(gru, { sequences: 1, steps: 2, input: 'ar1:2' })).toThrow(/parseInputSpec: spec "ar1:2" has phi "2"/);
    expect(() => runTrajectories(gru, { sequences: 2, steps: 1, input: file([[0, 1]]) })).toThrow(/sequences is 2, expected at most 1 \(the sequences the input holds\)/);
    expect(() => runTrajectories(gru, { sequences: 1, steps: 2, burnIn: 1, input: file([[0, 1], [1, 1]]) })).toThrow(/burnIn \+ steps is 3, expected at most 2/);
    expect(() => runTrajectories(gru, { sequences: 1, steps: 2, initialState: new Float64Array(2) })).toThrow(/initialState has length 2, expected 3/);
    expect(() => runTrajectories(gru, { sequences: 1, steps: 2, initialState: Float64Array.of(0, Number.NaN, 0) })).toThrow(/initialState entry 1 is NaN/);
    expect(() => runTrajectories(gru, { sequences: 1, steps: 2, record: 'gates' as never })).toThrow(/record is "gates", expected 'state' or 'output'/);
    expect(() => runTrajectories(gru, { sequences: 1, steps: 1, input: inputProcess({ kind: 'gaussian' }, 5) })).toThrow(/input has 5 channels, expected 2 \(the cell's inputSize\)/);
  });
});
