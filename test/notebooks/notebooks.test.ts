/**
 * The notebooks under notebooks/ (issue 8): each is executed headlessly from a clean state,
 * with Deno's Jupyter kernel through the project's kernel spec (scripts/notebooks.mjs, the same
 * code as `npm run notebooks`), into a temporary folder so that the committed notebooks are
 * left alone. A cell error, a lost output, an output on stderr or an absolute path of this
 * checkout in an output fails the test. The committed notebooks must carry their outputs (they
 * are read on a code host without running) and import nothing but lrdkit's public API.
 *
 * Needs dist/ (npm test builds first) and Debian's jupyter-nbconvert with python3-ipykernel
 * (sh scripts/install-notebook-tools.sh). About a minute on 2 cores.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ATTEMPTS, KERNEL_NAME, type NotebookJson, listNotebooks, nbconvertCommand, notebookProblems, outputShape, runNotebook } from '../../scripts/notebooks.mjs';

const root = join(import.meta.dirname, '..', '..');
const names = listNotebooks();
const committed = (name: string): NotebookJson => JSON.parse(readFileSync(join(root, 'notebooks', name), 'utf8')) as NotebookJson;
const source = (cell: NotebookJson['cells'][number]): string => (typeof cell.source === 'string' ? cell.source : cell.source.join(''));

describe('notebooks/', () => {
  it('holds the five notebooks of issue 8, in reading order', () => {
    expect(names).toEqual(['01-theory-tour.ipynb', '02-srd-vs-lrd.ipynb', '03-information-and-channels.ipynb', '04-copy-task.ipynb', '05-audit-your-checkpoint.ipynb']);
  });

  for (const name of names) {
    it(`${name} is committed with outputs, names the lrdkit-deno kernel and imports only from "lrdkit" and its subpaths`, () => {
      const nb = committed(name);
      expect(nb.nbformat).toBe(4);
      expect(nb.metadata.kernelspec?.name).toBe(KERNEL_NAME);
      expect(notebookProblems(nb, root)).toEqual([]);
      const code = nb.cells.filter((c) => c.cell_type === 'code');
      expect(code.length).toBeGreaterThan(0);
      // at least one figure, drawn as SVG (what a code host shows) with its Vega-Lite spec
      const svgs = code.flatMap((c) => c.outputs ?? []).filter((o) => o.data?.['image/svg+xml'] !== undefined && o.data['application/vnd.vegalite.v5+json'] !== undefined);
      if (name !== '04-copy-task.ipynb') expect(svgs.length).toBeGreaterThan(0);
      const specifiers = code.flatMap((c) => [...source(c).matchAll(/(?:^|\n)\s*import\b[^;]*?\bfrom\s+["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1] ?? m[2]));
      expect(specifiers.length).toBeGreaterThan(0);
      expect(specifiers).toContain('lrdkit');
      // The top level and the area subpaths (package.json "exports", mapped in notebooks/deno.json).
      const subpaths = Object.keys((JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports: Record<string, unknown> }).exports).filter((k) => k !== './package.json').map((k) => (k === '.' ? 'lrdkit' : `lrdkit/${k.slice(2)}`));
      const mapped = Object.keys((JSON.parse(readFileSync(join(root, 'notebooks/deno.json'), 'utf8')) as { imports: Record<string, string> }).imports);
      expect(mapped.sort()).toEqual([...subpaths].sort());
      for (const s of specifiers) expect(subpaths, `${name} imports ${s}`).toContain(s);
    });
  }
});

describe('notebooks execute headlessly from a clean state', () => {
  const out = mkdtempSync(join(tmpdir(), 'lrdkit-notebooks-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('jupyter-nbconvert is installed (sh scripts/install-notebook-tools.sh)', () => {
    expect(nbconvertCommand(), 'jupyter-nbconvert not found: run `sh scripts/install-notebook-tools.sh`').not.toBeNull();
  });

  for (const name of names) {
    it(`${name} runs every cell without an error, and gives the committed notebook's outputs`, async () => {
      // A cell error, an output on stderr or an absolute path of this checkout throws here, with
      // nbconvert's traceback. Deno's kernel can lose an output under load (scripts/notebooks.mjs,
      // "Lost outputs"): the notebook is executed again, up to ATTEMPTS times, until its outputs
      // have the committed notebook's shape (same cells, same kinds of outputs).
      const expected = outputShape(committed(name));
      const run = await runNotebook(name, { outDir: out, expected });
      expect(notebookProblems(run.notebook, root)).toEqual([]);
      // Still different after ATTEMPTS executions: the committed outputs are stale (run
      // `npm run notebooks`), or outputs keep getting lost.
      expect(outputShape(run.notebook), `notebooks/${name}: outputs differ from the committed ones in ${ATTEMPTS} executions; run \`npm run notebooks\``).toEqual(expected);
    }); // bounded by the suite's hang guard (vitest.config.ts), sized for ATTEMPTS executions under load
  }
});
