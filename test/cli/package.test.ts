/**
 * The published surface: `import ... from 'lrdkit'` and its subpaths (package self-reference through
 * package.json "exports", resolved by Node itself) and the `lrdkit` bin. Needs `npm run
 * build` first (npm test runs it).
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type NodeRun, runLrdkit, runModule } from '../support/runNode.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'dist/cli/main.js');

const run = (args: string[]): Promise<NodeRun> => runLrdkit(args);

/** The curated top level (src/index.ts): the first hour's API; everything else is in a subpath (test/cli/subpaths.test.ts). */
const TOP_LEVEL = ['AUDIT_RUN_DEFAULTS', 'CheckpointError', 'ContextSwitchingCell', 'FactorizedCell', 'GruCell', 'LstmCell', 'STATEMENTS', 'analyzeCell', 'auditCheckpointFile', 'factorize', 'formatVerification', 'gruFromKeras', 'gruFromPytorch', 'lstmFromKeras', 'lstmFromPytorch', 'randomContextSwitchingCell', 'randomDenseCell', 'randomFactorizedCell', 'readCheckpoint', 'runVerification', 'spectralRadius', 'verificationJson', 'verificationJunit'];

describe("import from 'lrdkit'", () => {
  it('the top level is exactly the curated set; the theory checkers, arbitraries and analysis functions are in lrdkit/theory and lrdkit/analysis', async () => {
    const script = `
      import * as lrdkit from 'lrdkit';
      const theory = await import('lrdkit/theory');
      const analysis = await import('lrdkit/analysis');
      const byArea = { theory: ['lemma11', 'spectralRadiusBoundedArbitrary', 'nonNormalMatrixArbitrary', 'blockDiagonalMatrixArbitrary', 'cellCaseArbitrary', 'runVerification'], analysis: ['gaussianChannelMutualInformation', 'lemma12GateBound', 'lyapunovSpectrum', 'dfa', 'gph', 'ksgMutualInformation', 'runTrajectories', 'jacobianSpectrum', 'gateSaturation'] };
      const modules = { theory, analysis };
      console.log(JSON.stringify(Object.keys(lrdkit).sort()));
      console.log(JSON.stringify(Object.entries(byArea).flatMap(([a, names]) => names.filter((n) => typeof modules[a][n] !== 'function').map((n) => a + '.' + n))));
      console.log(analysis.gaussianChannelMutualInformation([[1, 0], [0, 1]], 1, 1));
    `;
    const r = await runModule(script);
    expect(r.stderr).toBe('');
    const [top, missing, mi] = r.stdout.trim().split('\n');
    expect(JSON.parse(top as string)).toEqual(TOP_LEVEL);
    expect(JSON.parse(missing as string)).toEqual([]);
    // I = (1/2) log det(I + W W^T) = (1/2) log 4 = log 2 for W = I_2, eta = sigma = 1.
    expect(Number(mi)).toBeCloseTo(Math.log(2), 14);
  });

  it('resolves the package by name and exposes the public API (cells at the top level, processes in lrdkit/processes)', async () => {
    const script = `
      import { spectralRadius, gruFromPytorch, lstmFromKeras, GruCell, LstmCell, FactorizedCell, ContextSwitchingCell } from 'lrdkit';
      import { createRng, fgn } from 'lrdkit/processes';
      const cell = gruFromPytorch({ weightIh: [[1],[2],[3]], weightHh: [[0.5],[0.1],[0.2]] });
      const s = cell.step(new Float64Array([0.1]), new Float64Array([1]));
      console.log(JSON.stringify({ rho: spectralRadius([[0.5, 1], [0, -0.9]]), kind: cell.kind, groups: cell.groups, inputSize: cell.inputSize, hiddenSize: cell.hiddenSize, stateSize: cell.stateSize, next: s.length, jac: cell.jacobian(new Float64Array([0.1]), new Float64Array([1])).length, types: [typeof lstmFromKeras, typeof GruCell, typeof LstmCell, typeof FactorizedCell, typeof ContextSwitchingCell, typeof createRng, typeof fgn] }));
    `;
    const r = await runModule(script);
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(out).toEqual({ rho: 0.9, kind: 'gru', groups: 1, inputSize: 1, hiddenSize: 1, stateSize: 1, next: 1, jac: 1, types: Array(7).fill('function') });
  });
});

describe('lrdkit CLI', () => {
  it('lrdkit inspect --seed 3 --json gives the same bytes twice and a report per variant', async () => {
    const args = ['inspect', '--seed', '3', '--json', '--hidden', '32', '--input', '8', '--steps', '40', '--quiet'];
    const a = await run(args), b = await run(args);
    expect(a.status).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    const report = JSON.parse(a.stdout) as { variants: { variant: string; parameterCount: number }[] };
    expect(report.variants.map((v) => v.variant)).toEqual(['dense', 'factorized-small', 'factorized-params', 'factorized-flops']);
    const [dense, small, big] = report.variants;
    expect(big!.parameterCount).toBeLessThanOrEqual(dense!.parameterCount);
    expect(small!.parameterCount).toBeLessThan(dense!.parameterCount / 2);
    expect((await run([...args.slice(0, 2), '4', ...args.slice(3)])).stdout).not.toBe(a.stdout);
  });

  it('reports progress on stderr and results on stdout', async () => {
    const r = await run(['inspect', '--hidden', '16', '--input', '8', '--steps', '20']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^lrdkit .* inspect: gru/);
    expect(r.stderr).toMatch(/inspect: dense gru/);
  });

  it('rejects bad usage with one clear message and exit status 2', async () => {
    const r = await run(['inspect', '--groups', '3']);
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe('lrdkit inspect: --groups 3 must divide --input 32 and --hidden 128');
    const u = await run(['inspect', '--bogus']);
    expect(u.status).toBe(2);
    expect(u.stderr).toMatch(/unknown option --bogus/);
    const k = await run(['inspect', '--kind', 'rnn']);
    expect(k.stderr.trim()).toBe('lrdkit inspect: --kind expects one of gru, lstm, found "rnn"');
    expect((await run(['frobnicate'])).status).toBe(2);
  });

  it('--out writes the file atomically and leaves no temporary file behind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lrdkit-'));
    try {
      const file = join(dir, 'sub', 'inspect.json');
      const r = await run(['inspect', '--json', '--hidden', '16', '--input', '8', '--steps', '10', '--quiet', '--out', file]);
      expect(r.status).toBe(0);
      expect(r.stdout).toBe('');
      expect(JSON.parse(readFileSync(file, 'utf8')).command).toBe('inspect');
      expect(readdirSync(join(dir, 'sub'))).toEqual(['inspect.json']);
      const bad = await run(['inspect', '--groups', '5', '--out', join(dir, 'bad.json')]);
      expect(bad.status).toBe(2);
      expect(existsSync(join(dir, 'bad.json'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
