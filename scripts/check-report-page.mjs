#!/usr/bin/env node
// Opens an lrdkit report page (report.html) from file:// in headless Debian chromium through
// playwright-core (no browser download: /usr/bin/chromium, installed by
// scripts/install-browser.sh), waits until every figure has been drawn, and returns what a
// test needs to assert: figures drawn or failed, per chart its element (svg or canvas), size and
// drawn elements, console errors and page errors, and every request that was not file:// (the
// page must load nothing). Optionally saves a screenshot (PNG, or JPEG for a .jpg path; the
// whole page, or the first 1280 x 900 screen with fullPage: false).
//
//   node scripts/check-report-page.mjs REPORT.html [SCREENSHOT.png|.jpg]   (exit 1 on failure)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

/** Chromium flags: headless, no sandbox (root in CI containers), nothing fetched in the background. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The browser: Debian's chromium unless $LRDKIT_CHROMIUM names another executable. */
export const CHROMIUM = process.env.LRDKIT_CHROMIUM ?? '/usr/bin/chromium';

/**
 * @param {string} htmlPath
 * @param {{ screenshot?: string, fullPage?: boolean, timeoutMs?: number }} [options]
 */
export async function checkReportPage(htmlPath, options = {}) {
  const profile = mkdtempSync(join(tmpdir(), 'lrdkit-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 900 },
    offline: true,
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const consoleErrors = [];
    const pageErrors = [];
    const requests = [];
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    page.on('request', (r) => {
      if (!r.url().startsWith('file://')) requests.push(r.url());
    });
    await page.goto(pathToFileURL(resolve(htmlPath)).href, { waitUntil: 'load' });
    await page.waitForSelector('body[data-figures-rendered]', { timeout: options.timeoutMs ?? 60_000 });
    const result = await page.evaluate(() => {
      const charts = [...document.querySelectorAll('[data-figure]')].map((el) => {
        const svg = el.querySelector('svg');
        const canvas = el.querySelector('canvas');
        const target = svg ?? canvas;
        const box = target ? target.getBoundingClientRect() : { width: 0, height: 0 };
        return {
          id: el.getAttribute('data-figure'),
          kind: svg ? 'svg' : canvas ? 'canvas' : 'none',
          width: box.width,
          height: box.height,
          // drawn SVG elements (paths, shapes, text) or the canvas' pixel width
          elements: svg ? svg.querySelectorAll('path, line, rect, circle, text').length : canvas ? canvas.width : 0,
        };
      });
      // Text that overlaps other text inside one chart: pairs of <text> elements whose bounding
      // boxes intersect by more than 20% of the smaller box (a label over an axis title, legend
      // entries over each other). Empty strings and invisible text are ignored.
      const overlaps = [];
      for (const el of document.querySelectorAll('[data-figure]')) {
        const texts = [...el.querySelectorAll('svg text')]
          .filter((t) => (t.textContent ?? '').trim() !== '' && getComputedStyle(t).visibility !== 'hidden' && Number(t.getAttribute('opacity') ?? '1') > 0)
          .map((t) => ({ text: (t.textContent ?? '').trim(), box: t.getBoundingClientRect() }))
          .filter((t) => t.box.width > 0 && t.box.height > 0);
        for (let i = 0; i < texts.length; i++) {
          for (let j = i + 1; j < texts.length; j++) {
            const a = texts[i].box, b = texts[j].box;
            const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
            const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
            if (w <= 0 || h <= 0) continue;
            const smaller = Math.min(a.width * a.height, b.width * b.height);
            if (w > 1 && h > 1) overlaps.push({ figure: el.getAttribute('data-figure'), a: texts[i].text, b: texts[j].text, area: Math.round(w * h) });
          }
        }
      }
      // Tables wider than their box are hidden columns unless the box scrolls.
      const tables = [...document.querySelectorAll('table')].map((t) => {
        const box = t.parentElement;
        const scrolls = box ? ['auto', 'scroll'].includes(getComputedStyle(box).overflowX) : false;
        return { columns: t.rows[0]?.cells.length ?? 0, width: Math.round(t.scrollWidth), boxWidth: Math.round(box ? box.clientWidth : 0), scrolls };
      });
      return {
        figures: charts.length,
        rendered: Number(document.body.getAttribute('data-figures-rendered')),
        failed: Number(document.body.getAttribute('data-figures-failed')),
        charts,
        overlaps,
        tables,
      };
    });
    if (options.screenshot) {
      const jpeg = /\.jpe?g$/i.test(options.screenshot);
      await page.screenshot({ path: options.screenshot, fullPage: options.fullPage !== false, type: jpeg ? 'jpeg' : 'png', ...(jpeg ? { quality: 70 } : {}) });
    }
    return { ...result, consoleErrors, pageErrors, requests };
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

/** Whether a check found every chart drawn, no errors and no network requests. */
export function pageProblems(r) {
  const problems = [];
  if (r.figures === 0) problems.push('no figures on the page');
  if (r.rendered !== r.figures) problems.push(`${r.rendered} of ${r.figures} figures drawn`);
  if (r.failed !== 0) problems.push(`${r.failed} figures failed`);
  for (const c of r.charts) if (c.kind === 'none' || c.width <= 0 || c.height <= 0 || c.elements === 0) problems.push(`figure ${c.id}: empty (${c.kind}, ${c.width} x ${c.height}, ${c.elements} elements)`);
  for (const e of [...r.consoleErrors, ...r.pageErrors]) problems.push(`console: ${e}`);
  for (const u of r.requests) problems.push(`request: ${u}`);
  for (const o of r.overlaps ?? []) problems.push(`figure ${o.figure}: text "${o.a}" overlaps "${o.b}" (${o.area} px^2)`);
  for (const t of r.tables ?? []) if (t.width > t.boxWidth + 1 && !t.scrolls) problems.push(`a table of ${t.columns} columns is ${t.width} px wide in a ${t.boxWidth} px box that does not scroll: columns hidden`);
  return problems;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [html, screenshot] = process.argv.slice(2);
  if (!html) {
    process.stderr.write('usage: node scripts/check-report-page.mjs REPORT.html [SCREENSHOT.png|.jpg]\n');
    process.exit(2);
  }
  const r = await checkReportPage(html, screenshot ? { screenshot } : {});
  const problems = pageProblems(r);
  process.stdout.write(`${html}: ${r.rendered}/${r.figures} figures drawn${screenshot ? `, screenshot ${screenshot}` : ''}\n`);
  for (const p of problems) process.stderr.write(`${p}\n`);
  process.exit(problems.length === 0 ? 0 : 1);
}
