/**
 * Rendering is deterministic: the same audit.json gives the same SVG and PNG bytes (and the
 * same HTML and Markdown), rendered twice in one process; the pieces the guarantee rests on
 * (stable SVG ids, explicit fonts) behave as documented.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logSubsample } from '../../src/report/figures/common.js';
import { readAuditDocuments } from '../../src/report/input.js';
import { findReportFonts, renderPng, renderSvg, stableSvgIds } from '../../src/report/render.js';
import { type RenderedReport, renderReport, writeAuditReport } from '../../src/report/report.js';
import { type SmallAudits, smallAudits } from './support.js';

const work = mkdtempSync(join(tmpdir(), 'lrdkit-report-render-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const bytes = (c: string | Uint8Array): Buffer => Buffer.from(typeof c === 'string' ? Buffer.from(c, 'utf8') : c);

describe('deterministic rendering', () => {
  let audits: SmallAudits;
  let first: RenderedReport;
  beforeAll(async () => {
    audits = await smallAudits(work);
    first = await renderReport(readAuditDocuments([audits.densePath, audits.factorizedPath]));
  });

  it('the DejaVu fonts are installed (scripts/install-browser.sh), so PNGs do not depend on system fonts', () => {
    expect(findReportFonts()).not.toBeNull();
    expect(first.warnings).toEqual([]);
  });

  it('renderReport(same audit.json files) twice gives byte-identical SVG, PNG, HTML and Markdown', async () => {
    const again = await renderReport(readAuditDocuments([audits.densePath, audits.factorizedPath]));
    expect(again.files.map((f) => f.path)).toEqual(first.files.map((f) => f.path));
    const svgs = first.files.filter((f) => f.path.endsWith('.svg'));
    const pngs = first.files.filter((f) => f.path.endsWith('.png'));
    expect(svgs.length).toBe(first.figures.length);
    expect(pngs.length).toBe(first.figures.length);
    first.files.forEach((f, i) => {
      expect(bytes((again.files[i] as { content: string | Uint8Array }).content).equals(bytes(f.content)), f.path).toBe(true);
    });
  });

  it('every SVG is a non-empty drawing and every PNG a PNG (signature, 2x the SVG size)', () => {
    for (const f of first.files) {
      if (f.path.endsWith('.svg')) {
        const svg = f.content as string;
        expect(svg.startsWith('<svg')).toBe(true);
        expect((svg.match(/<path/g) ?? []).length).toBeGreaterThan(10);
        expect(svg).toContain('font-family="DejaVu Sans');
      }
      if (f.path.endsWith('.png')) {
        const png = Buffer.from(f.content as Uint8Array);
        expect(png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
        const svg = first.files.find((g) => g.path === f.path.replace(/\.png$/, '.svg'))?.content as string;
        const width = Number(/width="(\d+(?:\.\d+)?)"/.exec(svg)?.[1]);
        expect(png.readUInt32BE(16)).toBe(Math.round(width * 2));
      }
    }
  });

  it('writeAuditReport(doc, dir) writes report.html, report.md and the figures next to audit.json, leaving audit.json alone', async () => {
    const dir = join(work, 'dense');
    const before = readFileSync(join(dir, 'audit.json'), 'utf8');
    const written = await writeAuditReport(audits.dense, dir);
    expect(written).toContain(join(dir, 'report.html'));
    expect(written).toContain(join(dir, 'report.md'));
    expect(written).toContain(join(dir, 'figures/correlation-norm.png'));
    expect(readFileSync(join(dir, 'audit.json'), 'utf8')).toBe(before);
    expect(readFileSync(join(dir, 'report.md'), 'utf8')).toMatch(/!\[Correlation norm against lag\]\(figures\/correlation-norm\.png\)/);
  });
});

describe('rendering helpers', () => {
  it('stableSvgIds renumbers ids and their references in order of appearance', () => {
    const svg = '<svg><defs><clipPath id="clip7"><rect/></clipPath><linearGradient id="gradient_3"/></defs><g clip-path="url(#clip7)"><use href="#gradient_3"/></g></svg>';
    expect(stableSvgIds(svg, 'fig')).toBe('<svg><defs><clipPath id="fig-1"><rect/></clipPath><linearGradient id="fig-2"/></defs><g clip-path="url(#fig-1)"><use href="#fig-2"/></g></svg>');
  });

  it('renderSvg(same spec) twice in one process gives the same bytes (vega numbers clip paths process-wide)', async () => {
    const spec = { data: { values: [{ x: 1, y: 2 }, { x: 2, y: 3 }] }, mark: { type: 'line' as const, clip: true }, encoding: { x: { field: 'x', type: 'quantitative' as const }, y: { field: 'y', type: 'quantitative' as const } } };
    const a = await renderSvg(spec, 'f');
    const b = await renderSvg(spec, 'f');
    expect(a.svg).toContain('id="f-1"');
    expect(b.svg).toBe(a.svg);
    expect(Buffer.from(renderPng(a.svg).png).equals(Buffer.from(renderPng(b.svg).png))).toBe(true);
  });

  it('logSubsample keeps every index of a short grid and log-spaced ones of a long grid', () => {
    expect(logSubsample([1, 2, 3], 5)).toEqual([0, 1, 2]);
    expect(logSubsample([1, 2, 3, 4, 5, 6, 7, 8], 4)).toEqual([0, 1, 3, 7]);
    const lags = Array.from({ length: 1024 }, (_, i) => i + 1);
    const kept = logSubsample(lags, 100);
    expect(kept.length).toBeLessThanOrEqual(100);
    expect(kept[0]).toBe(0);
    expect(kept.at(-1)).toBe(1023);
    expect(kept.slice(0, 10)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});

describe('formatSpecJson', () => {
  it('formatSpecJson(spec) parses back to the spec, one inline data row per line', async () => {
    const { formatSpecJson } = await import('../../src/report/report.js');
    const spec = { title: 'x', layer: [{ data: { values: [{ a: 1, b: 'u' }, { a: 2, b: 'v' }] }, mark: 'point' }, { data: { values: [] }, mark: 'line' }] };
    const text = formatSpecJson(spec);
    expect(JSON.parse(text)).toEqual(spec);
    expect(text).toContain('\n          {"a":1,"b":"u"},\n          {"a":2,"b":"v"}\n        ]');
    expect(text).toContain('"values": []');
  });
});
