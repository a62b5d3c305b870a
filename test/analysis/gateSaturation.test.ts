/**
 * Lemma 1.2 made explicit: the bound alpha_g from the weights and input bounds holds for every
 * gate value of every cell kind (property test), its tightness is reported, the gate
 * pre-activations agree with the cells' own steps, and the certified memory horizon matches a
 * direct simulation in the worst case (and bounds it otherwise).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sigmoid } from '../../src/cells/activations.js';
import { GruCell } from '../../src/cells/gru.js';
import { LstmCell } from '../../src/cells/lstm.js';
import { randomDenseCell, randomFactorizedCell } from '../../src/cells/random.js';
import type { Cell, GateWeights } from '../../src/cells/types.js';
import { gatePreactivations, gateSaturation, lemma12CellBounds, lemma12GateBound, memoryHorizonSteps } from '../../src/analysis/gateSaturation.js';
import { cellUnitsAt, StackedCell } from '../../src/analysis/stackedCells.js';
import { runTrajectories } from '../../src/analysis/trajectories.js';
import { createRng } from '../../src/processes/prng.js';
import { type CellCase, cellCaseArbitrary, vectorArbitrary } from '../support/cellArbitraries.js';
import { randomTanhRnn } from '../support/tanhRnn.js';

describe('lemma12GateBound', () => {
  it('lemma12GateBound({ W: [[1, -2]], U: [[0.5]], b: [0.25] }, |x|, |h| <= 1) gives p = 3.75, alpha = 1 / (1 + e^3.75)', () => {
    const g = lemma12GateBound({ input: [[1, -2]], recurrent: [[0.5]], inputBias: [0.25] }, { inputInf: 1, stateInf: 1 });
    // p is raised by 2 gamma_m S (m = 4, S = 3.75): a relative 1e-15
    expect(g.maxPreactivation).toBeCloseTo(3.75, 13);
    expect(g.maxPreactivation).toBeGreaterThan(3.75);
    expect(g.alpha).toBeCloseTo(1 / (1 + Math.exp(3.75)), 14);
    expect(g.bound).toBeCloseTo(sigmoid(3.75), 14);
    expect(g.alpha + g.bound).toBeCloseTo(1, 15);
  });

  it('lemma12GateBound is row-wise tighter: p_i per unit, signed bounds sigma(beta_i +- R_i)', () => {
    // rows: (W, U, b + c) = ([1, 0], [0.5, 0], -1 + 0) and ([0.1, 0.1], [0, 0.2], 2 + 1)
    const gate: GateWeights = {
      input: Float64Array.of(1, 0, 0.1, 0.1),
      recurrent: Float64Array.of(0.5, 0, 0, 0.2),
      inputBias: Float64Array.of(-1, 2),
      recurrentBias: Float64Array.of(0, 1),
    };
    const g = lemma12GateBound(gate, { inputInf: 2, stateInf: 1 });
    // global: ||W||_inf 2 + ||U||_inf 1 + ||b + c||_inf = 1 * 2 + 0.5 + 3 = 5.5
    expect(g.maxPreactivation).toBeCloseTo(5.5, 12);
    // rows: 1 * 2 + 0.5 + 1 = 3.5 and 0.2 * 2 + 0.2 + 3 = 3.6
    expect(g.rowwise.maxPreactivation[0]).toBeCloseTo(3.5, 12);
    expect(g.rowwise.maxPreactivation[1]).toBeCloseTo(3.6, 12);
    // signed: row 0 in [-1 - 2.5, -1 + 2.5], row 1 in [3 - 0.6, 3 + 0.6]
    expect(g.rowwise.upper[0]).toBeCloseTo(sigmoid(1.5), 12);
    expect(g.rowwise.lower[0]).toBeCloseTo(sigmoid(-3.5), 12);
    expect(g.rowwise.upper[1]).toBeCloseTo(sigmoid(3.6), 12);
    expect(g.rowwise.lower[1]).toBeCloseTo(sigmoid(2.4), 12);
    expect(Math.max(...g.rowwise.bound)).toBeLessThan(g.bound);
  });

  it('lemma12GateBound rejects non-finite weights, mis-shaped matrices and negative bounds', () => {
    const ok = { input: [[1]], recurrent: [[1]] };
    expect(() => lemma12GateBound({ input: [[Number.NaN]], recurrent: [[1]] }, { inputInf: 1, stateInf: 1 })).toThrow(/lemma12GateBound: gate.input entry 0 is NaN, expected a finite number/);
    expect(() => lemma12GateBound({ input: [[1, 2]], recurrent: [[1, 0]] }, { inputInf: 1, stateInf: 1 })).toThrow(/gate.recurrent is 1 x 2, expected square/);
    expect(() => lemma12GateBound({ input: Float64Array.of(1, 2, 3), recurrent: Float64Array.of(1, 0, 0, 1), inputBias: Float64Array.of(0, 0), recurrentBias: Float64Array.of(0, 0) }, { inputInf: 1, stateInf: 1 })).toThrow(/gate.input has 3 entries, expected 2 x inputSize/);
    expect(() => lemma12GateBound(ok, { inputInf: -1, stateInf: 1 })).toThrow(/bounds.inputInf is -1, expected a finite number >= 0/);
    expect(() => lemma12GateBound({ ...ok, inputBias: [1, 2] }, { inputInf: 1, stateInf: 1 })).toThrow(/gate.inputBias has length 2, expected 1/);
  });
});

describe('memoryHorizonSteps', () => {
  it('memoryHorizonSteps(alpha) is the smallest t with (1 - alpha)^t <= 1/2', () => {
    expect(memoryHorizonSteps(0.5)).toBe(1);
    expect(memoryHorizonSteps(0.01)).toBe(69);
    expect(0.99 ** 68).toBeGreaterThan(0.5);
    expect(0.99 ** 69).toBeLessThanOrEqual(0.5);
    expect(memoryHorizonSteps(1 - 2 ** -0.5)).toBe(2); // (2^-1/2)^2 = 1/2 exactly
    expect(memoryHorizonSteps(1e-20)).toBe(Math.ceil(Math.LN2 * 1e20));
    expect(memoryHorizonSteps(0)).toBe(Infinity);
    expect(() => memoryHorizonSteps(1.5)).toThrow(/memoryHorizonSteps: alpha is 1.5, expected a number in \[0, 1\]/);
  });
});

describe('Lemma 1.2 holds for every gate of every cell (property)', () => {
  const stackArbitrary: fc.Arbitrary<CellCase> = fc
    .record({
      seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
      kind: fc.constantFrom('gru' as const, 'lstm' as const),
      d: fc.integer({ min: 1, max: 4 }),
      h1: fc.integer({ min: 1, max: 5 }),
      h2: fc.integer({ min: 1, max: 5 }),
      scale: fc.double({ min: 0.05, max: 4, noNaN: true }),
    })
    .map((p) => {
      const rng = createRng(p.seed);
      const cell = new StackedCell([
        randomDenseCell(rng, { kind: p.kind, inputSize: p.d, hiddenSize: p.h1, scale: p.scale }),
        randomDenseCell(rng, { kind: p.kind, inputSize: p.h1, hiddenSize: p.h2, scale: p.scale }),
      ]);
      return { cell, description: `stack ${p.kind} ${p.d}->${p.h1}->${p.h2} scale=${p.scale} seed=${p.seed}`, seed: p.seed };
    });

  it('no gate value (nor 1 - gate) exceeds 1 - alpha_g, global and row-wise, for inputs with ||x||_inf <= B', () => {
    const arb = fc
      .tuple(fc.oneof(cellCaseArbitrary(), stackArbitrary), fc.double({ min: 0.01, max: 8, noNaN: true }))
      .chain(([c, bound]) => fc.record({ c: fc.constant(c), bound: fc.constant(bound), inputs: fc.array(vectorArbitrary(c.cell.inputSize, bound), { minLength: 1, maxLength: 8 }) }));
    fc.assert(
      fc.property(arb, ({ c, bound, inputs }) => {
        const cell: Cell = c.cell;
        const bounds = lemma12CellBounds(cell, { inputInf: bound });
        let s = cell.initialState();
        for (const x of inputs) {
          const units = cellUnitsAt(cell, s, x);
          for (const u of units) {
            const mine = bounds.filter((b) => b.unit === u.label);
            // the lemma's assumptions hold on the run: |h| <= stateInf, |x_unit| <= inputInf
            for (let i = 0; i < u.cell.hiddenSize; i++) if (Math.abs(u.state[i] as number) > (mine[0]?.stateInf as number)) throw new Error(`${c.description}: |h| = ${u.state[i]} exceeds ${mine[0]?.stateInf} in ${u.label}`);
            for (const v of u.input) if (Math.abs(v) > (mine[0]?.inputInf as number)) throw new Error(`${c.description}: |x| = ${v} exceeds ${mine[0]?.inputInf} in ${u.label}`);
            const pre = gatePreactivations(u.cell as GruCell | LstmCell, u.state, u.input);
            for (const b of mine) {
              const a = pre[b.gate] as Float64Array;
              a.forEach((ai, i) => {
                const g = sigmoid(ai), gc = sigmoid(-ai);
                const lb = b.bound;
                const fails = [
                  g > lb.bound && 'gate > 1 - alpha',
                  gc > lb.bound && '1 - gate > 1 - alpha',
                  g < lb.alpha && 'gate < alpha',
                  g > (lb.rowwise.bound[i] as number) && 'gate > row bound',
                  gc > (lb.rowwise.bound[i] as number) && '1 - gate > row bound',
                  g > (lb.rowwise.upper[i] as number) && 'gate > signed upper',
                  g < (lb.rowwise.lower[i] as number) && 'gate < signed lower',
                  Math.abs(ai) > (lb.rowwise.maxPreactivation[i] as number) && '|a_i| > p_i',
                  Math.abs(ai) > lb.maxPreactivation && '|a_i| > p',
                ].filter(Boolean);
                if (fails.length > 0) throw new Error(`${c.description}: ${u.label} gate ${b.gate} row ${i}: a = ${ai}, ${fails.join(', ')} (p = ${lb.maxPreactivation}, p_i = ${lb.rowwise.maxPreactivation[i]})`);
              });
            }
          }
          s = cell.step(s, x);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('gateSaturation reports empiricalMax <= bound (tightness >= 0) for every family of random cells', () => {
    fc.assert(
      fc.property(fc.oneof(cellCaseArbitrary(), stackArbitrary), fc.integer({ min: 0, max: 1000 }), (c, seed) => {
        const r = gateSaturation(c.cell, { sequences: 2, steps: 6, seed, input: 'ar1:0.5', bins: 5 });
        expect(r.assumptionsHold).toBe(true);
        for (const f of r.families) {
          if (!(f.tightness.lemma12 >= 0 && f.tightness.rowwise >= 0 && f.tightness.signed >= 0 && f.tightness.tightestRow >= 0)) {
            throw new Error(`${c.description}: ${f.unit} ${f.gate} tightness ${JSON.stringify(f.tightness)}`);
          }
          expect(f.histogram.reduce((s, v) => s + v, 0)).toBe(f.count);
          if (f.horizon) {
            expect(f.horizon.empirical).toBeLessThanOrEqual(f.horizon.rowwise);
            expect(f.horizon.rowwise).toBeLessThanOrEqual(f.horizon.lemma12);
          }
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe('gatePreactivations', () => {
  it('sigma(gatePreactivations) equal the cells\' gates() and reproduce step(): z h + (1 - z) n, f c + i g', () => {
    for (const resetAfter of [true, false]) {
      const gru = randomDenseCell(createRng(3), { kind: 'gru', inputSize: 3, hiddenSize: 4, scale: 1.5, resetAfter }) as GruCell;
      const r = createRng(4);
      let h = gru.initialState();
      for (let t = 0; t < 10; t++) {
        const x = r.normals(3);
        const pre = gatePreactivations(gru, h, x);
        const z = (pre.z as Float64Array).map(sigmoid), rr = (pre.r as Float64Array).map(sigmoid);
        const own = gru.gates(h, x); // the cell's own forward pass
        for (let i = 0; i < 4; i++) {
          expect(Math.abs((z[i] as number) - (own.z[i] as number))).toBeLessThan(1e-15);
          expect(Math.abs((rr[i] as number) - (own.r[i] as number))).toBeLessThan(1e-15);
        }
        const w = gru.weights.n;
        const next = gru.step(h, x);
        for (let i = 0; i < 4; i++) {
          let a = w.inputBias[i] as number, q = w.recurrentBias[i] as number;
          for (let j = 0; j < 3; j++) a += (w.input[i * 3 + j] as number) * (x[j] as number);
          for (let j = 0; j < 4; j++) q += (w.recurrent[i * 4 + j] as number) * (resetAfter ? (h[j] as number) : (rr[j] as number) * (h[j] as number));
          const n = Math.tanh(resetAfter ? a + (rr[i] as number) * q : a + q);
          expect(Math.abs((z[i] as number) * (h[i] as number) + (1 - (z[i] as number)) * n - (next[i] as number))).toBeLessThan(1e-14);
        }
        h = next;
      }
    }
    const lstm = randomDenseCell(createRng(5), { kind: 'lstm', inputSize: 2, hiddenSize: 3, scale: 1.5 }) as LstmCell;
    const r = createRng(6);
    let s = lstm.initialState();
    for (let t = 0; t < 10; t++) {
      const x = r.normals(2);
      const pre = gatePreactivations(lstm, s, x);
      const [i, f, o] = (['i', 'f', 'o'] as const).map((k) => (pre[k] as Float64Array).map(sigmoid)) as [Float64Array, Float64Array, Float64Array];
      const own = lstm.gates(s, x);
      for (const [mine, theirs] of [[i, own.i], [f, own.f], [o, own.o]] as const) {
        for (let k = 0; k < 3; k++) expect(Math.abs((mine[k] as number) - (theirs[k] as number))).toBeLessThan(1e-15);
      }
      const w = lstm.weights.g;
      const next = lstm.step(s, x);
      for (let k = 0; k < 3; k++) {
        let a = (w.inputBias[k] as number) + (w.recurrentBias[k] as number);
        for (let j = 0; j < 2; j++) a += (w.input[k * 2 + j] as number) * (x[j] as number);
        for (let j = 0; j < 3; j++) a += (w.recurrent[k * 3 + j] as number) * (s[j] as number);
        const c = (f[k] as number) * (s[3 + k] as number) + (i[k] as number) * Math.tanh(a);
        expect(Math.abs(c - (next[3 + k] as number))).toBeLessThan(1e-14);
        expect(Math.abs((o[k] as number) * Math.tanh(c) - (next[k] as number))).toBeLessThan(1e-14);
      }
      s = next;
    }
  });
});

describe('gateSaturation', () => {
  it('gateSaturation(gru) reports z, 1 - z, r with histograms, bounds, tightness and horizons', () => {
    const gru = randomDenseCell(createRng(11), { kind: 'gru', inputSize: 4, hiddenSize: 16 });
    const r = gateSaturation(gru, { sequences: 3, steps: 200, burnIn: 20, seed: 2, input: 'gaussian' });
    expect(r.families.map((f) => f.gate)).toEqual(['z', '1-z', 'r']);
    const z = r.families[0]!;
    expect(z.memory).toBe(true);
    expect(z.count).toBe(3 * 200 * 16);
    expect(z.empiricalMax).toBeLessThan(z.lemma12.bound);
    expect(z.tightness.lemma12).toBeCloseTo(z.lemma12.bound - z.empiricalMax, 15);
    expect(r.inputInf).toBe(r.observedInputInf);
    expect(r.stateInf).toBe(1);
    expect(r.observedStateInf).toBeLessThan(1);
    expect(z.horizon?.empirical).toBeLessThanOrEqual(z.horizon?.lemma12 as number);
    expect(r.certifies).toMatch(/gated copy path/);
    expect(r.families[1]?.horizon).toBeUndefined();
  });

  it('gateSaturation(factorized lstm) reports i, f, o per block with f the memory gate', () => {
    const cell = randomFactorizedCell(createRng(12), { kind: 'lstm', inputSize: 4, hiddenSize: 8, groups: 2 });
    const r = gateSaturation(cell, { sequences: 1, steps: 50, seed: 1, inputInf: 10 });
    expect(r.families.map((f) => `${f.unit}:${f.gate}:${f.memory}`)).toEqual(['block 0:i:false', 'block 0:f:true', 'block 0:o:false', 'block 1:i:false', 'block 1:f:true', 'block 1:o:false']);
    expect(r.inputInf).toBe(10);
    expect(r.assumptionsHold).toBe(true);
  });

  it('the certified horizon equals the simulated half-life of a stored value in the worst case and bounds it otherwise (GRU z, LSTM f)', () => {
    // GRU, one unit: z = sigma(w x + beta), candidate n = tanh(0) = 0, so h_t = prod z * h_0.
    const w = 0.7, beta = 2.2, B = 1.5;
    const zero = [[0]];
    const gru = new GruCell({ inputSize: 1, hiddenSize: 1, resetAfter: true, z: { input: [[w]], recurrent: zero, inputBias: [beta] }, r: { input: [[0.3]], recurrent: [[0.4]] }, n: { input: zero, recurrent: zero } });
    // LSTM, one unit: f = sigma(w x + beta), candidate g = tanh(0) = 0, so c_t = prod f * c_0.
    const lstm = new LstmCell({ inputSize: 1, hiddenSize: 1, i: { input: [[1]], recurrent: [[1]] }, f: { input: [[w]], recurrent: zero, inputBias: [beta] }, g: { input: zero, recurrent: zero }, o: { input: [[1]], recurrent: [[1]] } });
    const T = 60;
    const constant = { kind: 'file' as const, sequences: [Array.from({ length: T }, () => Float64Array.of(B))] };
    const random = { kind: 'file' as const, sequences: [Array.from({ length: T }, (_, t) => Float64Array.of(B * Math.sin(1.7 * t)))] };
    for (const [cell, init, memoryIndex, gate] of [[gru, Float64Array.of(1), 0, 'z'], [lstm, Float64Array.of(0, 1), 1, 'f']] as const) {
      const halfLife = (input: typeof constant): number => {
        const s = runTrajectories(cell, { sequences: 1, steps: T, input, initialState: init })[0]!;
        for (let t = 0; t < T; t++) if ((s.data[t * s.cols + memoryIndex] as number) <= 0.5) return t + 1;
        return Infinity;
      };
      const rep = gateSaturation(cell, { sequences: 1, steps: T, input: constant, initialState: init, inputInf: B });
      const fam = rep.families.find((f) => f.gate === gate)!;
      // worst case (x = B sign(w) every step): gate = sigma(|w| B + |beta|) = 1 - alpha_g exactly
      const expected = memoryHorizonSteps(sigmoid(-(w * B + beta)));
      expect(expected).toBe(19); // sigma(3.25) = 0.96267: ^18 = 0.5042, ^19 = 0.4854
      expect(fam.horizon?.lemma12).toBe(expected);
      expect(fam.horizon?.empirical).toBe(expected);
      expect(halfLife(constant)).toBe(expected);
      // any other input with |x| <= B forgets at least as fast
      expect(halfLife(random)).toBeLessThanOrEqual(fam.horizon?.lemma12 as number);
      expect(fam.tightness.lemma12).toBeLessThan(1e-14);
    }
  });

  it('gateSaturation refuses cells without GRU/LSTM units and bad bins', () => {
    const rnn = randomTanhRnn(createRng(1), 3, 2, 1, 1);
    expect(() => gateSaturation(rnn, { sequences: 1, steps: 2 })).toThrow(/gateSaturation: unit 'cell' is a TanhRnnCell, expected a GRU or LSTM cell/);
    const gru = randomDenseCell(createRng(1), { kind: 'gru', inputSize: 2, hiddenSize: 2 });
    expect(() => gateSaturation(gru, { sequences: 1, steps: 2, bins: 0 })).toThrow(/gateSaturation: bins is 0, expected an integer >= 1/);
    expect(() => gateSaturation(gru, { sequences: 1, steps: 0 })).toThrow(/gateSaturation: steps is 0, expected an integer >= 1/);
  });
});
