/**
 * GRU and LSTM cells against PyTorch in float64.
 *
 * Reference: test/fixtures/generate_cells.py (Debian python3-torch 1.13, float64):
 * torch.nn.GRUCell / torch.nn.LSTMCell forward and torch.autograd.functional.jacobian with
 * respect to the state ([h; c] for the LSTM) and the input. Keras reset_after=False has no
 * torch module: the script transcribes Keras' GRUCell equations into torch ops and
 * differentiates them with autograd, so the Jacobian reference is still independent of
 * lrdkit's hand-derived formulas.
 *
 * Tolerance 1e-10 relative (to max(1, max |reference|)): both sides evaluate the same
 * float64 expressions in different orders; rounding differences are O(h eps) ~ 1e-14 for
 * h <= 32, and 1e-10 leaves room while still catching any wrong gate, sign or transposition
 * (those give O(1) errors).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { gruFromKeras, gruFromPytorch, lstmFromKeras, lstmFromPytorch } from '../../src/cells/frameworks.js';
import type { Cell } from '../../src/cells/types.js';
import { relativeError } from '../support/assertions.js';

interface Sample { state: number[]; input: number[]; next: number[]; jacobianState: number[][]; jacobianInput: number[][] }
interface Case {
  name: string;
  kind: 'gru' | 'lstm';
  layout: 'pytorch' | 'keras';
  resetAfter?: boolean;
  weights: Record<string, unknown>;
  keras?: Record<string, unknown>;
  pytorch?: Record<string, unknown>;
  samples: Sample[];
}

const fixture = JSON.parse(readFileSync(new URL('../fixtures/cells.json', import.meta.url), 'utf8')) as { cases: Case[] };
const TOL = 1e-10;

type W = Record<string, any>;
const fromPt = (kind: 'gru' | 'lstm', w: W): Cell => {
  const p = { weightIh: w.weight_ih, weightHh: w.weight_hh, biasIh: w.bias_ih, biasHh: w.bias_hh };
  return kind === 'gru' ? gruFromPytorch(p) : lstmFromPytorch(p);
};
const fromKeras = (kind: 'gru' | 'lstm', w: W, resetAfter: boolean): Cell => {
  const k = { kernel: w.kernel, recurrentKernel: w.recurrent_kernel, bias: w.bias };
  return kind === 'gru' ? gruFromKeras(k, { resetAfter }) : lstmFromKeras(k);
};

function check(cell: Cell, samples: Sample[]): void {
  for (const s of samples) {
    const state = Float64Array.from(s.state), input = Float64Array.from(s.input);
    expect(relativeError(cell.step(state, input), s.next)).toBeLessThanOrEqual(TOL);
    expect(relativeError(cell.jacobian(state, input), s.jacobianState)).toBeLessThanOrEqual(TOL);
    expect(relativeError(cell.inputJacobian(state, input), s.jacobianInput)).toBeLessThanOrEqual(TOL);
  }
}

describe('cells match PyTorch float64 references (test/fixtures/cells.json)', () => {
  it('the fixture covers GRU (both reset modes), LSTM and a Keras-layout case', () => {
    const names = fixture.cases.map((c) => c.name);
    expect(names.filter((n) => n.startsWith('gru-pytorch')).length).toBeGreaterThanOrEqual(6);
    expect(names.filter((n) => n.startsWith('gru-keras-resetafter0')).length).toBeGreaterThanOrEqual(6);
    expect(names.filter((n) => n.startsWith('lstm-pytorch')).length).toBeGreaterThanOrEqual(6);
    expect(names).toContain('gru-keras-resetafter1-d5-h8-default');
  });

  for (const c of fixture.cases) {
    const resetAfter = c.resetAfter ?? true;
    it(`${c.name}: step, jacobian and inputJacobian from the ${c.layout} layout agree to ${TOL}`, () => {
      const cell = c.layout === 'pytorch' ? fromPt(c.kind, c.weights as W) : fromKeras(c.kind, c.weights as W, resetAfter);
      expect(cell.kind).toBe(c.kind);
      check(cell, c.samples);
    });
    if (c.keras) {
      it(`${c.name}: the same weights converted to the Keras layout give the same numbers`, () => {
        check(fromKeras(c.kind, c.keras as W, resetAfter), c.samples);
      });
    }
    if (c.pytorch) {
      it(`${c.name}: the same weights converted to the PyTorch layout give the same numbers`, () => {
        check(fromPt(c.kind, c.pytorch as W), c.samples);
      });
    }
  }
});
