/**
 * analyzeCell with a helper thread (workers: 2) gives the same bytes as on the main thread
 * alone. The helper runs the compiled worker module, so this test runs the built package
 * (dist/, `npm run build`, which `npm test` does first) in a child process.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runModule } from '../support/runNode.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('analyzeCell workers', () => {
  it('workers: 2 (helper thread) and workers: 1 give identical results (Jacobian spectra and eigenvalue states shared by both threads) for dense and factorized cells and driven layers; process inputs fall back to 1', async () => {
    expect(existsSync(join(root, 'dist/analysis/parallel/worker.js')), 'run `npm run build` first').toBe(true);
    const script = `
      import { analyzeCell, randomDenseCell, randomFactorizedCell } from './dist/index.js';
      import { inputProcess } from './dist/api/analysis.js';
      import { createRng } from './dist/api/processes.js';
      const o = { sequences: 7, steps: 300, burnIn: 30, seed: 4, jacobianStates: 10, eigenvalueStates: 3, lyapunovExponents: 3, maxLag: 100, bootstrapReplicates: 10 };
      const strip = (a) => JSON.stringify({ ...a, seconds: null, options: { ...a.options, workers: null } });
      const run = (cell, o) => { let t; const a = analyzeCell(cell, { ...o, onTiming: (x) => { t = x; } }); return { a, t }; };
      const out = [];
      for (const make of [
        () => randomDenseCell(createRng(1), { kind: 'gru', inputSize: 5, hiddenSize: 40 }),
        () => randomFactorizedCell(createRng(2), { kind: 'lstm', inputSize: 6, hiddenSize: 12, groups: 3 }),
        () => randomDenseCell(createRng(3), { kind: 'gru', inputSize: 4, hiddenSize: 300 }),
        // A state wider than 512 (chunks of 4 samples instead of 8), in cheap 65-wide blocks.
        () => randomFactorizedCell(createRng(8), { kind: 'gru', inputSize: 8, hiddenSize: 520, groups: 8 }),
      ]) {
        const cell = make();
        const opts = cell.hiddenSize > 256 ? { ...o, informationComponents: 'auto', sequences: 4, steps: 200, maxLag: 40, jacobianStates: cell.hiddenSize > 512 ? 10 : 4, lyapunovExponents: 2 } : o;
        const a = run(cell, { ...opts, workers: 1 });
        const b = run(cell, { ...opts, workers: 2 });
        out.push([a.t.workers, b.t.workers, strip(a.a) === strip(b.a), b.t.helperPhases.join(',')]);
      }
      const cell = randomDenseCell(createRng(1), { kind: 'gru', inputSize: 5, hiddenSize: 8 });
      const p = run(cell, { ...o, workers: 2, input: inputProcess({ kind: 'gaussian' }, 5) });
      out.push([p.t.workers]);
      // A layer driven through the layers below it: the helper rebuilds them too.
      const lower = randomDenseCell(createRng(5), { kind: 'lstm', inputSize: 3, hiddenSize: 9 });
      const upper = randomDenseCell(createRng(6), { kind: 'lstm', inputSize: 9, hiddenSize: 11 });
      const d1 = run(upper, { ...o, workers: 1, drivenThrough: [lower], input: 'ar1:0.5' });
      const d2 = run(upper, { ...o, workers: 2, drivenThrough: [lower], input: 'ar1:0.5' });
      out.push([d1.t.workers, d2.t.workers, strip(d1.a) === strip(d2.a)]);
      console.log(JSON.stringify(out));
    `;
    const r = await runModule(script);
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout.trim()) as unknown[][];
    expect(out.slice(0, 4)).toEqual([
      [1, 2, true, 'correlation,jacobian,eigenvalues'],
      [1, 2, true, 'correlation,jacobian,eigenvalues'],
      [1, 2, true, 'correlation,jacobian,eigenvalues'],
      [1, 2, true, 'correlation,jacobian,eigenvalues'],
    ]);
    expect(out[4]).toEqual([1]);
    expect(out[5]).toEqual([1, 2, true]);
  });

  it('a helper thread that cannot load falls back to the main thread with the same results', async () => {
    // A copy of dist/ whose worker module throws on import (inside node_modules/.cache so that the copy resolves packages).
    const base = join(root, 'node_modules/.cache');
    mkdirSync(base, { recursive: true });
    const dir = mkdtempSync(join(base, 'lrdkit-broken-worker-'));
    try {
      // dist/ and package.json side by side, as in the package (modules may read ../package.json).
      cpSync(join(root, 'dist'), join(dir, 'dist'), { recursive: true });
      cpSync(join(root, 'package.json'), join(dir, 'package.json'));
      writeFileSync(join(dir, 'dist/analysis/parallel/worker.js'), "throw new Error('broken on purpose');\n");
      const script = `
        import { analyzeCell, randomDenseCell } from ${JSON.stringify(join(dir, 'dist/index.js'))};
        import { createRng } from ${JSON.stringify(join(dir, 'dist/api/processes.js'))};
        const cell = randomDenseCell(createRng(1), { kind: 'gru', inputSize: 5, hiddenSize: 40 });
        const o = { sequences: 6, steps: 200, burnIn: 20, seed: 4, jacobianStates: 6, lyapunovExponents: 2, maxLag: 50, bootstrapReplicates: 5 };
        const strip = (a) => JSON.stringify({ ...a, seconds: null, options: { ...a.options, workers: null } });
        let t;
        const a = analyzeCell(cell, { ...o, workers: 1 });
        const b = analyzeCell(cell, { ...o, workers: 2, onTiming: (x) => { t = x; } });
        console.log(JSON.stringify([strip(a) === strip(b), t.workers]));
      `;
      const r = await runModule(script);
      expect(r.stderr).toBe('');
      expect(JSON.parse(r.stdout.trim())).toEqual([true, 1]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
