/**
 * The recommender report's specs validate against the Vega-Lite JSON schema and compile without
 * warnings; the Markdown states the Table 2 ordering it finds. Input: a results object of the
 * shape runRecsysReproduction returns (numbers are test inputs, not measurements).
 */
import { compile } from 'vega-lite';
import { describe, expect, it } from 'vitest';
import { vegaLiteValidator } from '../support/vegaLiteSchema.js';
import { RECSYS_SCALES, type RecsysModelResult, type RecsysResults } from '../../src/recsys/experiment.js';
import { recsysFigures, recsysMarkdown } from '../../src/recsys/recsysReport.js';
import { SWITCH_BUCKETS } from '../../src/recsys/switchConditionedMap.js';

const validate = vegaLiteValidator();

const parameters = { itemEmbedding: 40960, pageEmbedding: 160, inputProjection: 2624, recurrent: 12672, output: 83200, total: 139616 };
const model = (replicate: number, label: string, variant: RecsysModelResult['variant'], map20: number, embedding: RecsysModelResult['embedding'] = 'uniform'): RecsysModelResult => ({
  replicate, label, variant, groups: variant === 'dense' ? 1 : 4, hiddenSize: 64, embedding, parameters, embeddingBytes: 4 * parameters.itemEmbedding, map20, recall20: 2 * map20, epochLoss: [5, 4.5, 4.2], trainSeconds: 10,
});
const hurst = { theory: 0.8, dfa: { hurst: 0.86, standardError: 0.02 }, gph: { hurst: 0.85, standardError: 0.03 }, aggregatedVariance: { hurst: 0.9, standardError: 0.02 }, events: 65536 };
const results = (maps: [number, number, number]): RecsysResults => ({
  scale: 'quick',
  seed: 1,
  settings: RECSYS_SCALES.quick,
  replicates: [0, 1].map((replicate) => ({ replicate, users: 1200, length: 150, vocabulary: 1280, pages: 20, trainTargets: 160000, testTargets: 18000, hurst, popularityMap20: 0.05, oracleModalityMap20: 0.14, oracleModalityTopicMap20: 0.27 })),
  models: [0, 1].flatMap((r) => [model(r, 'baseline', 'dense', maps[0] + r * 0.001), model(r, 'factorized', 'factorized', maps[1] + r * 0.001), model(r, 'context-switching', 'context-switching', maps[2] - r * 0.001), model(r, 'mixed-dimension alpha 0.3', 'dense', 0.17, 0.3)]),
  serving: { queries: 256, lists: 36, exactMillisecondsPerQuery: 0.18, probes: [1, 2, 4].map((p) => ({ probes: p, recallAt20: 1 - 0.5 / p, millisecondsPerQuery: 0.02 * p })) },
});

describe('recommender report', () => {
  it('every figure validates against the Vega-Lite schema and compiles without warnings', () => {
    const figures = recsysFigures(results([0.17, 0.18, 0.19]));
    expect(figures.map((f) => f.id)).toEqual(['recsys-map', 'recsys-memory', 'recsys-serving', 'recsys-loss']);
    for (const f of figures) {
      expect(validate(f.spec), `${f.id}: ${JSON.stringify(validate.errors?.slice(0, 3))}`).toBe(true);
      const warnings: string[] = [];
      const logger = { level: () => logger, error: (...a: unknown[]) => { throw new Error(a.join(' ')); }, warn: (...a: unknown[]) => { warnings.push(a.join(' ')); return logger; }, info: () => logger, debug: () => logger };
      compile(f.spec, { logger: logger as never });
      expect(warnings, f.id).toEqual([]);
    }
  });

  it('the Markdown states whether Table 2\'s ordering holds and whether the replicates resolve it', () => {
    expect(recsysMarkdown(results([0.1, 0.2, 0.3]), 'lrdkit reproduce recsys --quick')).toContain('factorized 0.2005, context switching 0.2995: the same ordering.');
    const flat = recsysMarkdown(results([0.2, 0.201, 0.2025]), 'lrdkit reproduce recsys --quick');
    expect(flat).toContain('the same ordering');
    expect(flat).toContain('at this scale the ordering is not resolved');
    expect(recsysMarkdown(results([0.3, 0.2, 0.1]), 'x')).toContain("not the paper's ordering");
  });

  it('with conditional MAPs, the Markdown has the around-switch table: one row per model with its audit verdicts', () => {
    const r = results([0.1, 0.2, 0.3]);
    const withSwitch: RecsysResults = {
      ...r,
      models: r.models.map((m, i) => ({
        ...m,
        map20BySwitch: Object.fromEntries(SWITCH_BUCKETS.map((b, j) => [b, { map: m.map20 / (j + 1), targets: 100 - j - i }])) as NonNullable<RecsysModelResult['map20BySwitch']>,
        ...(m.variant !== 'dense' || m.embedding === 'uniform' ? { audit: { verdict: m.variant === 'factorized' ? 'LRD' : 'SRD', spectralRadiusWh: 1, lyapunov1: -0.1, hurstDfa: 0.5, certifiedHorizonSteps: 10, document: {} as never } } : {}),
      })),
    };
    const md = recsysMarkdown(withSwitch, 'x');
    expect(md).toContain('## MAP@20 around modality switches');
    expect(md).toContain(`| model | audit verdict | ${SWITCH_BUCKETS.join(' | ')} |`);
    // factorized: map20 0.2005 (mean of 0.2 and 0.201); '1 after switch' is the third bucket: / 3.
    expect(md).toContain(`| factorized | LRD, LRD | 0.2005 | 0.1003 | ${(0.2005 / 3).toFixed(4)} |`);
    expect(md).toContain('| mixed-dimension alpha 0.3 | - |');
    expect(recsysMarkdown(r, 'x')).not.toContain('around modality switches');
  });
});
