/**
 * Every Vega-Lite spec the report emits validates against the Vega-Lite JSON schema shipped
 * with vega-lite (build/vega-lite-schema.json) and compiles without warnings: for one dense
 * audit, one factorized audit, a dense vs factorized comparison, training curves (one panel
 * and one column per repeats), and a document written before the per-state fields existed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TopLevelSpec, compile } from 'vega-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditDocument, LayerAudit } from '../../src/audit/auditDocument.js';
import type { ReportFigure } from '../../src/report/figures/common.js';
import { reportFigures } from '../../src/report/figures/index.js';
import { type TrainingCurve, trainingLossSpec } from '../../src/report/figures/trainingLoss.js';
import { labelAudits } from '../../src/report/input.js';
import { layerSeries } from '../../src/report/series.js';
import { VARIANT_COLORS } from '../../src/report/theme.js';
import { type SmallAudits, smallAudits } from './support.js';
import { vegaLiteValidator } from '../support/vegaLiteSchema.js';

const work = mkdtempSync(join(tmpdir(), 'lrdkit-report-specs-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const validateVegaLite = vegaLiteValidator();

function expectValid(spec: TopLevelSpec, what: string): void {
  const ok = validateVegaLite(spec);
  if (!ok) throw new Error(`${what}: ${JSON.stringify(validateVegaLite.errors?.slice(0, 5), null, 2)}`);
  const warnings: string[] = [];
  const logger = { level: () => logger, error: (...a: unknown[]) => { throw new Error(a.join(' ')); }, warn: (...a: unknown[]) => { warnings.push(a.join(' ')); return logger; }, info: () => logger, debug: () => logger };
  compile(spec, { logger: logger as never });
  expect(warnings, `${what}: vega-lite warnings`).toEqual([]);
}

const CURVES: TrainingCurve[] = [
  { label: 'dense h=128 seed 1', variant: 'dense', size: 'big', repeats: 1, points: [{ step: 0, loss: 2.1 }, { step: 100, loss: 0.9 }] },
  { label: 'factorized g=8 h=352 seed 1', variant: 'factorized', size: 'big', repeats: 1, points: [{ step: 0, loss: 2.1 }, { step: 100, loss: 0.5 }] },
  { label: 'factorized g=8 h=128 seed 1', variant: 'factorized', size: 'small', repeats: 4, points: [{ step: 0, loss: 2.2 }, { step: 100, loss: 0.7 }] },
  { label: 'context switching seed 1', variant: 'context-switching', repeats: 4, points: [{ step: 0, loss: 2.0 }, { step: 100, loss: Number.NaN }, { step: 200, loss: 0.6 }] },
];

describe('every emitted Vega-Lite spec validates against the Vega-Lite JSON schema', () => {
  let audits: SmallAudits;
  beforeAll(async () => {
    audits = await smallAudits(work);
  });
  const figuresOf = (docs: AuditDocument[], curves: TrainingCurve[] = []): ReportFigure[] => reportFigures(layerSeries(labelAudits(docs.map((document) => ({ document })))), curves);

  it('reportFigures(one dense audit) gives every audit figure, each a valid spec', () => {
    const figures = figuresOf([audits.dense]);
    expect(figures.map((f) => f.id)).toEqual([
      'correlation-norm',
      'correlation-partial-sums',
      'jacobian-radius-trace',
      'jacobian-radius-histogram',
      'jacobian-eigenvalues',
      'lyapunov-spectrum',
      'information-channels',
      'gate-distributions',
    ]);
    for (const f of figures) expectValid(f.spec, `dense ${f.id}`);
  });

  it('reportFigures(one factorized audit) colours eigenvalues by block and validates', () => {
    const figures = figuresOf([audits.factorized]);
    for (const f of figures) expectValid(f.spec, `factorized ${f.id}`);
    const eig = figures.find((f) => f.id === 'jacobian-eigenvalues') as ReportFigure;
    const text = JSON.stringify(eig.spec);
    for (const b of [0, 1, 2, 3]) expect(text).toContain(`"unit":"block ${b}"`);
  });

  it('reportFigures(dense vs factorized, with training curves) validates and uses the theme colours', () => {
    const figures = figuresOf([audits.dense, audits.factorized], CURVES);
    expect(figures.at(-1)?.id).toBe('training-loss');
    for (const f of figures) expectValid(f.spec, `comparison ${f.id}`);
    const correlation = JSON.stringify((figures[0] as ReportFigure).spec);
    expect(correlation).toContain(`"range":["${VARIANT_COLORS.dense}","${VARIANT_COLORS.factorized}"]`);
  });

  it('trainingLossSpec: one panel, one column per repeats, and no curves all validate', () => {
    expectValid(trainingLossSpec(CURVES.slice(0, 2)), 'one panel');
    const faceted = trainingLossSpec(CURVES, { title: 'Copy task' });
    expectValid(faceted, 'faceted');
    expect((faceted as { facet?: unknown }).facet).toBeDefined();
    expectValid(trainingLossSpec([]), 'empty');
    // the diverged (NaN) point is dropped: inline data must be JSON
    expect(((faceted as { data: { values: unknown[] } }).data.values).length).toBe(8); // 9 points, one NaN
  });

  it('a document without the per-state fields (written before they existed) still gives valid figures, without the ones it cannot draw', () => {
    const strip = (l: LayerAudit): LayerAudit => {
      const { trace: _t, eigenvalues: _e, ...jacobian } = l.jacobian;
      const { fits: _f, ...correlation } = l.correlation;
      const { families: _g, ...gates } = l.gates;
      return { ...l, jacobian, correlation, gates };
    };
    const old: AuditDocument = { ...audits.dense, layers: audits.dense.layers.map(strip) };
    const figures = figuresOf([old]);
    expect(figures.map((f) => f.id)).toEqual(['correlation-norm', 'correlation-partial-sums', 'lyapunov-spectrum', 'information-channels']);
    for (const f of figures) expectValid(f.spec, `old ${f.id}`);
  });
});
