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
      return {
        figures: charts.length,
        rendered: Number(document.body.getAttribute('data-figures-rendered')),
        failed: Number(document.body.getAttribute('data-figures-failed')),
        charts,
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
