/**
 * The audit document's figure data (added for reports): per-state rho(J_t) traces, Jacobian
 * eigenvalues, the fitted decay curves and the gate histograms are written by auditCheckpoint,
 * validate against schemas/audit.schema.json, and agree with the summary numbers beside them.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuditDocument, JACOBIAN_EIGENVALUE_STATES, type LayerAudit } from '../../src/audit/auditDocument.js';
import { jacobianEigenvaluesAt } from '../../src/analysis/jacobianSpectrum.js';
import { randomFactorizedCell } from '../../src/cells/random.js';
import { eigenvalues } from '../../src/linalg/eigenvalues.js';
import { createRng } from '../../src/processes/prng.js';
import { type SmallAudits, SMALL_RUN, root, smallAudits } from './support.js';

const work = mkdtempSync(join(tmpdir(), 'lrdkit-report-fields-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const validate = new Ajv({ allErrors: true, strict: true }).compile(JSON.parse(readFileSync(join(root, 'schemas/audit.schema.json'), 'utf8')) as object);

const relative = (a: number, b: number): number => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);

describe('audit.json figure data', () => {
  let audits: SmallAudits;
  beforeAll(async () => {
    audits = await smallAudits(work);
  });
  const layers = (): [string, LayerAudit][] => [...audits.dense.layers.map((l) => [`dense ${l.name}`, l] as [string, LayerAudit]), ...audits.factorized.layers.map((l) => [`factorized ${l.name}`, l] as [string, LayerAudit])];

  it('auditCheckpoint documents with the new fields validate against the schema', () => {
    for (const doc of [audits.dense, audits.factorized] as AuditDocument[]) {
      if (!validate(doc)) throw new Error(JSON.stringify(validate.errors, null, 2));
    }
  });

  it('jacobian.trace holds rho(J_t) and ||J_t||_2 at every sampled state, and its min / max are jacobian.spectralRadius', () => {
    for (const [name, l] of layers()) {
      const t = l.jacobian.trace;
      expect(t, name).toBeDefined();
      if (!t) continue;
      expect(t.spectralRadius.length, name).toBe(l.jacobian.states);
      expect([t.sequence.length, t.step.length, t.spectralNorm.length]).toEqual([l.jacobian.states, l.jacobian.states, l.jacobian.states]);
      expect(Math.min(...t.spectralRadius)).toBe(l.jacobian.spectralRadius.min);
      expect(Math.max(...t.spectralRadius)).toBe(l.jacobian.spectralRadius.max);
      t.spectralRadius.forEach((rho, m) => expect(rho).toBeLessThanOrEqual((t.spectralNorm[m] as number) * (1 + 1e-12)));
    }
  });

  it('jacobian.eigenvalues: at most 4 states, one eigenvalue per state dimension, max |lambda| = rho(J_t) of the trace at that state (1e-9 relative)', () => {
    for (const [name, l] of layers()) {
      const e = l.jacobian.eigenvalues ?? [];
      expect(e.length, name).toBe(Math.min(JACOBIAN_EIGENVALUE_STATES, SMALL_RUN.jacobianStates));
      const t = l.jacobian.trace;
      for (const at of e) {
        expect(at.units.reduce((acc, u) => acc + u.re.length, 0), name).toBe(l.hiddenSize); // GRU: state = hidden
        const maxModulus = Math.max(...at.units.flatMap((u) => u.re.map((re, i) => Math.hypot(re, u.im[i] as number))));
        const m = t?.sequence.findIndex((s, k) => s === at.sequence && t.step[k] === at.step) ?? -1;
        expect(m, `${name}: eigenvalue state is a sampled state`).toBeGreaterThanOrEqual(0);
        expect(relative(maxModulus, t?.spectralRadius[m] as number), name).toBeLessThan(1e-9);
      }
    }
    expect(audits.dense.layers[0]?.jacobian.eigenvalues?.[0]?.units.map((u) => u.label)).toEqual(['cell']);
    expect(audits.factorized.layers[0]?.jacobian.eigenvalues?.[0]?.units.map((u) => u.label)).toEqual(['block 0', 'block 1', 'block 2', 'block 3']);
  });

  it('correlation.fits: the fitted curves behind evidence (beta, tau) on lags of the grid', () => {
    for (const [name, l] of layers()) {
      const f = l.correlation.fits;
      expect(f, name).toBeDefined();
      if (!f || !f.range) continue;
      expect(l.correlation.lags).toContain(f.range[0]);
      expect(l.correlation.lags).toContain(f.range[1]);
      expect(f.range[0]).toBeLessThanOrEqual(f.range[1]);
      if (f.powerLaw) expect(f.powerLaw.exponent).toBe(l.correlation.evidence.powerLawExponent);
      if (f.exponential && l.correlation.evidence.exponentialDecayLength !== null) expect(relative(-1 / f.exponential.slopePerLag, l.correlation.evidence.exponentialDecayLength)).toBeLessThan(1e-12);
    }
  });

  it('gates.families: GRU z, 1-z, r per unit; equal counts; bounds and maxima agree with alpha_g and maxGateValue', () => {
    for (const [name, l] of layers()) {
      const fam = l.gates.families ?? [];
      const units = [...new Set(fam.map((f) => f.unit))];
      expect(units.length, name).toBe(l.groups);
      for (const u of units) expect(fam.filter((f) => f.unit === u).map((f) => f.gate)).toEqual(['z', '1-z', 'r']);
      const totals = fam.map((f) => f.histogram.reduce((a, b) => a + b, 0));
      expect(new Set(totals).size, name).toBe(1);
      expect(totals[0]).toBeGreaterThan(0);
      expect(relative(Math.max(...fam.map((f) => f.lemma12Bound)), 1 - l.gates.alphaG)).toBeLessThan(1e-12);
      expect(Math.max(...fam.map((f) => f.empiricalMax))).toBe(l.gates.maxGateValue);
      for (const f of fam) expect(f.empiricalMax).toBeLessThanOrEqual(f.lemma12Bound);
    }
  });
});

describe('jacobianEigenvaluesAt', () => {
  it('jacobianEigenvaluesAt(factorized cell) is, block by block, the spectrum of the full Jacobian (1e-12)', () => {
    const rng = createRng(5);
    const cell = randomFactorizedCell(rng, { kind: 'lstm', inputSize: 6, hiddenSize: 12, groups: 3 });
    const state = Float64Array.from({ length: cell.stateSize }, () => rng.normal() * 0.5);
    const input = Float64Array.from({ length: cell.inputSize }, () => rng.normal());
    const [at] = jacobianEigenvaluesAt(cell, [{ sequence: 2, step: 7, state, input }]);
    expect(at?.sequence).toBe(2);
    expect(at?.step).toBe(7);
    expect(at?.units.map((u) => [u.label, u.re.length])).toEqual([['block 0', 8], ['block 1', 8], ['block 2', 8]]); // LSTM block state (h, c): 2 x 4
    const key = (re: number, im: number): [number, number] => [re, Math.abs(im)];
    const ours = (at?.units ?? []).flatMap((u) => u.re.map((re, i) => key(re, u.im[i] as number))).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    const full = eigenvalues(cell.jacobianDense(state, input));
    const theirs = Array.from(full.re, (re, i) => key(re, full.im[i] as number)).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    expect(ours.length).toBe(theirs.length);
    ours.forEach(([re, im], i) => {
      expect(Math.abs(re - (theirs[i] as [number, number])[0])).toBeLessThan(1e-12);
      expect(Math.abs(im - (theirs[i] as [number, number])[1])).toBeLessThan(1e-12);
    });
  });
});
