/**
 * The package's subpath exports (issue 17): `lrdkit/cells`, `/analysis`, `/checkpoints`,
 * `/theory`, `/report`, `/train`, `/recsys`, `/linalg`, `/processes` resolve through package.json "exports" (by Node
 * itself, as a user's import would) to the built barrels in dist/api/, each exposing its
 * area's entry points; the TypeDoc configuration documents exactly the top level and these
 * subpaths (`npm run docs` writes docs/api/).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { root, runModule } from '../support/runNode.js';

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports: Record<string, unknown>; scripts: Record<string, string> };
const typedoc = JSON.parse(readFileSync(join(root, 'typedoc.json'), 'utf8')) as { entryPoints: string[]; out: string };

/** Names each subpath must export (functions or classes), a few per area. */
const EXPECTED: Record<string, string[]> = {
  cells: ['gruFromPytorch', 'lstmFromKeras', 'GruCell', 'LstmCell', 'FactorizedCell', 'ContextSwitchingCell', 'matchedHiddenSize', 'randomDenseCell'],
  analysis: ['analyzeCell', 'lemma12GateBound', 'lyapunovSpectrum', 'dfa', 'gph', 'ksgMutualInformation', 'jacobianSpectrum', 'gateSaturation'],
  checkpoints: ['readCheckpoint', 'auditCheckpoint', 'auditCheckpointFile', 'writeLrdkitCheckpoint', 'readLrdkitCheckpoint', 'CheckpointError'],
  theory: ['runVerification', 'lemma11', 'spectralRadiusBoundedArbitrary', 'nonNormalMatrixArbitrary'],
  report: ['renderReport', 'writeAuditReport', 'trainingLossSpec', 'renderSvg', 'renderPng'],
  train: ['trainCopyTask', 'selectBackend', 'sampleCopyBatch', 'matchedModelWidth'],
  recsys: ['generateBrowsingHistories', 'exactTopK', 'invertedFileTopK', 'recallAtK', 'sampledSoftmax', 'mixedDimensionPlan', 'runRecsysReproduction'],
  linalg: ['spectralRadius', 'eigenvalues', 'dominantEigenvalue', 'spectralNorm', 'cholesky', 'fft', 'blockDiagonal'],
  processes: ['createRng', 'fgn', 'ar1', 'var1', 'arfima', 'arma', 'hosking'],
};

describe('subpath exports', () => {
  it('package.json exports the top level and exactly the nine area subpaths, each with types', () => {
    expect(Object.keys(pkg.exports).sort()).toEqual(['.', './analysis', './cells', './checkpoints', './linalg', './package.json', './processes', './recsys', './report', './theory', './train']);
    for (const area of Object.keys(EXPECTED)) expect(pkg.exports[`./${area}`]).toEqual({ types: `./dist/api/${area}.d.ts`, import: `./dist/api/${area}.js` });
  });

  it("import ... from 'lrdkit/AREA' resolves and exposes each area's entry points", async () => {
    const script = `
      const expected = ${JSON.stringify(EXPECTED)};
      const missing = [];
      for (const [area, names] of Object.entries(expected)) {
        const m = await import('lrdkit/' + area);
        for (const n of names) if (typeof m[n] !== 'function') missing.push(area + '.' + n);
      }
      const { recallAtK } = await import('lrdkit/recsys');
      console.log(JSON.stringify({ missing, recall: recallAtK([7, 3, 9, 1], new Set([3, 1]), 3) }));
    `;
    const r = await runModule(script);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ missing: [], recall: 0.5 });
  });

  it('TypeDoc documents the top level and every subpath (npm run docs -> docs/api/)', () => {
    expect(typedoc.entryPoints).toEqual(['src/index.ts', ...Object.keys(EXPECTED).map((a) => `src/api/${a}.ts`)]);
    expect(typedoc.out).toBe('docs/api');
    expect(pkg.scripts.docs).toBe('typedoc');
    for (const area of Object.keys(EXPECTED)) expect(readFileSync(join(root, 'src/api', `${area}.ts`), 'utf8')).toContain(`@module lrdkit/${area}`);
  });
});
