/**
 * The helper thread's liveness: a helper that dies in the middle of a task (process.exit, an
 * uncaught error) makes wait() throw HelperUnavailableError instead of blocking forever, and the
 * Jacobian spectra shared with such a helper are completed on the main thread with the same
 * numbers. The helper runs compiled modules, so this test runs the built package (dist/,
 * `npm run build`) in a child process, with a time limit (a regression would hang, not fail).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { HANG_GUARD_MS } from '../support/hangGuard.js';
import { runModule } from '../support/runNode.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('HelperThread liveness', () => {
  it('wait() notices a helper that exits or dies of an uncaught error mid-task; shared Jacobian spectra are then finished on the main thread', async () => {
    expect(existsSync(join(root, 'dist/analysis/parallel/helper.js')), 'run `npm run build` first').toBe(true);
    const base = join(root, 'node_modules/.cache');
    mkdirSync(base, { recursive: true });
    const dir = mkdtempSync(join(base, 'lrdkit-dying-worker-'));
    try {
      // Worker modules that die on their first task (after a short delay, so that the main
      // thread is already blocked in wait()); given Jacobian chunks, they claim one first and
      // never return it.
      const worker = (death: string): string => `
        import { workerData } from 'node:worker_threads';
        workerData.port.on('message', (m) => {
          if (m.payload && m.payload.counter) Atomics.add(new Int32Array(m.payload.counter), 0, 1);
          setTimeout(() => { ${death} }, 200);
        });
      `;
      writeFileSync(join(dir, 'exit.mjs'), worker('process.exit(5);'));
      writeFileSync(join(dir, 'throw.mjs'), worker("throw new Error('fatal on purpose');"));
      const script = `
        import { HelperThread, HelperUnavailableError, describeCell } from './dist/analysis/parallel/helper.js';
        import { jacobianSpectraShared } from './dist/analysis/parallel/jacobianShare.js';
        import { jacobianSpectraAt } from './dist/analysis/jacobianSpectrum.js';
        import { randomDenseCell } from './dist/index.js';
        import { createRng } from './dist/api/processes.js';
        const cell = randomDenseCell(createRng(1), { kind: 'gru', inputSize: 4, hiddenSize: 40 });
        const rng = createRng(2);
        const samples = Array.from({ length: 30 }, (_, i) => ({ sequence: 0, step: i, state: rng.normals(40).map(Math.tanh), input: rng.normals(4) }));
        const out = [];
        for (const file of ['exit.mjs', 'throw.mjs']) {
          const url = new URL(${JSON.stringify(pathToFileURL(dir).href + '/')} + file);
          const h = HelperThread.start({ cell: describeCell(cell) }, url);
          const t0 = Date.now();
          const ticket = h.post('anything', {});
          let caught = null;
          try { h.wait(ticket); } catch (e) { caught = e instanceof HelperUnavailableError ? 'HelperUnavailableError' : String(e); }
          out.push([file, caught, h.failed, Date.now() - t0 < ${HANG_GUARD_MS}]);
          h.close();
          // A helper that dies on its share of the Jacobian chunks.
          const h2 = HelperThread.start({ cell: describeCell(cell) }, url);
          const shared = jacobianSpectraShared(cell, samples, 'iterative', h2);
          h2.close();
          const direct = jacobianSpectraAt(cell, samples, 'iterative');
          out.push([file, JSON.stringify(Array.from(shared.spectra.spectralRadius)) === JSON.stringify(Array.from(direct.spectralRadius)), JSON.stringify(Array.from(shared.spectra.spectralNorm)) === JSON.stringify(Array.from(direct.spectralNorm)), shared.helperChunks]);
        }
        console.log(JSON.stringify(out));
      `;
      const r = await runModule(script);
      expect(r.error, 'the child process timed out: wait() blocked').toBeUndefined();
      expect(r.stderr).toBe('');
      expect(JSON.parse(r.stdout.trim())).toEqual([
        ['exit.mjs', 'HelperUnavailableError', true, true],
        ['exit.mjs', true, true, 0],
        ['throw.mjs', 'HelperUnavailableError', true, true],
        ['throw.mjs', true, true, 0],
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
