/**
 * The report page in a real browser: report.html opened from file:// in headless Debian
 * chromium (scripts/install-browser.sh; driven by playwright-core, no browser download) draws
 * every chart (a non-empty SVG per figure), logs no console error, requests nothing over the
 * network, and a screenshot is saved (to a temporary folder; `npm run reports` saves one under
 * reports/).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAuditDocuments, readTrainingRun } from '../../src/report/input.js';
import { renderReport, writeRenderedReport } from '../../src/report/report.js';
// a JavaScript module (typed by check-report-page.d.mts), shared with `npm run reports`
import { CHROMIUM, type PageCheck, checkReportPage, pageProblems } from '../../scripts/check-report-page.mjs';
import { smallAudits, writeTrainingRun } from './support.js';

const work = mkdtempSync(join(tmpdir(), 'lrdkit-report-browser-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('report.html in headless chromium', () => {
  let check: PageCheck;
  let figureIds: string[];
  const screenshot = join(work, 'screenshot.png');
  beforeAll(async () => {
    expect(existsSync(CHROMIUM), `${CHROMIUM} missing: run scripts/install-browser.sh`).toBe(true);
    const audits = await smallAudits(work);
    const run = writeTrainingRun(join(work, 'train'), { task: 'copy', variant: 'factorized', groups: 4, hiddenSize: 16, repeats: 1, seed: 1 }, 2.0);
    const report = await renderReport(readAuditDocuments([audits.densePath, audits.factorizedPath]), { training: [readTrainingRun(run)], title: 'Browser check' });
    figureIds = report.figures.map((f) => f.id);
    writeRenderedReport(report, join(work, 'report'));
    check = await checkReportPage(join(work, 'report', 'report.html'), { screenshot });
  }); // bounded by the suite's hang guard (vitest.config.ts)

  it('draws every chart: one non-empty SVG per figure', () => {
    expect(check.figures).toBe(figureIds.length);
    expect(check.charts.map((c) => c.id)).toEqual(figureIds);
    expect(check.rendered).toBe(figureIds.length);
    expect(check.failed).toBe(0);
    for (const c of check.charts) {
      expect(c.kind, c.id).toBe('svg');
      expect(c.width, c.id).toBeGreaterThan(100);
      expect(c.height, c.id).toBeGreaterThan(100);
      expect(c.elements, c.id).toBeGreaterThan(20);
    }
  });

  it('logs no console or page error and loads nothing but the file itself', () => {
    expect(check.consoleErrors).toEqual([]);
    expect(check.pageErrors).toEqual([]);
    expect(check.requests).toEqual([]);
    expect(pageProblems(check)).toEqual([]);
  });

  it('saves a full-page screenshot', () => {
    expect(statSync(screenshot).size).toBeGreaterThan(50_000);
    expect(readFileSync(screenshot).subarray(1, 4).toString('latin1')).toBe('PNG');
  });
});
