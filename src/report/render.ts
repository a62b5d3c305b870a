/**
 * Static rendering: a Vega-Lite spec to SVG text with vega's headless View (no browser, no
 * canvas: text widths are vega's deterministic estimate), and SVG to PNG with resvg and an
 * explicit set of font files (the DejaVu fonts; system fonts are not loaded), so that the same
 * spec gives the same SVG and PNG bytes on every machine with those fonts.
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Resvg as ResvgClass } from '@resvg/resvg-js';
import * as vega from 'vega';
import { type TopLevelSpec, compile } from 'vega-lite';
import { REPORT_FONT } from './theme.js';

/** Folders searched, in order, for the DejaVu fonts ($LRDKIT_FONT_DIR first). */
export const FONT_DIRS: readonly string[] = [
  '/usr/share/fonts/truetype/dejavu', // Debian, Ubuntu (fonts-dejavu-core)
  '/usr/share/fonts/dejavu', // Fedora, Arch
  '/usr/share/fonts/TTF', // Arch (ttf-dejavu)
  '/usr/local/share/fonts/dejavu',
  '/opt/homebrew/share/fonts', // macOS, Homebrew font casks
  '/Library/Fonts',
];

/** The font files loaded by the PNG renderer (regular, bold, oblique, bold oblique). */
export const FONT_FILES: readonly string[] = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf', 'DejaVuSans-Oblique.ttf', 'DejaVuSans-BoldOblique.ttf'];

/** The DejaVu font files found (their paths), or null when no folder holds DejaVuSans.ttf. */
export function findReportFonts(env: NodeJS.ProcessEnv = process.env): string[] | null {
  const dirs = [...(env.LRDKIT_FONT_DIR ? [env.LRDKIT_FONT_DIR] : []), ...FONT_DIRS];
  for (const dir of dirs) {
    if (existsSync(join(dir, 'DejaVuSans.ttf'))) return FONT_FILES.map((f) => join(dir, f)).filter((p) => existsSync(p));
  }
  return null;
}

/**
 * Makes the element ids of an SVG deterministic and unique to a figure: vega numbers clip
 * paths and gradients with a process-wide counter (clip1, clip2, ...), so the same spec
 * rendered twice in one process would otherwise differ; here the k-th distinct id becomes
 * `${prefix}-k` and every reference (url(#id), href="#id") follows.
 *
 * @example
 * stableSvgIds('<clipPath id="clip7"/><g clip-path="url(#clip7)"/>', 'fig');
 * // returns '<clipPath id="fig-1"/><g clip-path="url(#fig-1)"/>'
 */
export function stableSvgIds(svg: string, prefix: string): string {
  const ids = new Map<string, string>();
  for (const m of svg.matchAll(/\sid="([^"]+)"/g)) {
    const id = m[1] as string;
    if (!ids.has(id)) ids.set(id, `${prefix}-${ids.size + 1}`);
  }
  if (ids.size === 0) return svg;
  return svg.replace(/(\sid="|url\(#|href="#)([^")]+)/g, (whole, lead: string, id: string) => {
    const to = ids.get(id);
    return to === undefined ? whole : `${lead}${to}`;
  });
}

/**
 * Renders a Vega-Lite spec to SVG text.
 *
 * Method: vega-lite `compile` to a Vega spec, `new View(parse(spec), { renderer: 'none' })`,
 * `toSVG()`, then {@link stableSvgIds} with the figure id as prefix. Warnings of the
 * compiler are collected in `warnings` (not printed).
 *
 * @param spec - a Vega-Lite top-level spec with inline data
 * @param id - the figure id (prefix of the SVG's element ids)
 */
export async function renderSvg(spec: TopLevelSpec, id: string): Promise<{ svg: string; warnings: string[] }> {
  const warnings: string[] = [];
  // Warnings are collected, not printed; errors throw.
  const logger = vega.logger(vega.Warn, 'warn', (method, _level, args) => {
    const text = (args as unknown[]).map(String).join(' ');
    if (method === 'error') throw new Error(text);
    // A headless view has no window for the zoom handlers' events; irrelevant to a static image.
    if (!HEADLESS_NOISE.test(text)) warnings.push(text);
  });
  const compiled = compile(spec, { logger }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', logger, logLevel: vega.Warn });
  try {
    const svg = await view.toSVG();
    return { svg: stableSvgIds(svg, id), warnings };
  } finally {
    view.finalize();
  }
}

let resvg: typeof ResvgClass | null = null;

/**
 * resvg's renderer, loaded on first use: a native addon (prebuilt per platform), so importing
 * lrdkit never fails where it is missing; only rendering a PNG does.
 */
function loadResvg(): typeof ResvgClass {
  resvg ??= (createRequire(import.meta.url)('@resvg/resvg-js') as { Resvg: typeof ResvgClass }).Resvg;
  return resvg;
}

/** Warnings a headless view gives for any interactive spec. */
const HEADLESS_NOISE = /^Can not resolve event source: window$/;

/** Options of {@link renderPng}. */
export interface PngOptions {
  /** Pixels per SVG (CSS) pixel (default 2). */
  scale?: number;
  /** Font files; default {@link findReportFonts}. */
  fontFiles?: readonly string[];
}

/**
 * Rasterises SVG text to PNG bytes with resvg: white background, `scale` device pixels per
 * CSS pixel, only the given font files loaded (default family {@link REPORT_FONT}).
 *
 * @returns the PNG and whether the DejaVu fonts were found (without them text is drawn with
 *   the system fonts resvg finds, and the bytes depend on the machine)
 */
export function renderPng(svg: string, options: PngOptions = {}): { png: Uint8Array; deterministicFonts: boolean } {
  const fonts = options.fontFiles ?? findReportFonts();
  const Resvg = loadResvg();
  const renderer = new Resvg(svg, {
    background: 'white',
    fitTo: { mode: 'zoom', value: options.scale ?? 2 },
    font: fonts && fonts.length > 0 ? { loadSystemFonts: false, fontFiles: [...fonts], defaultFontFamily: REPORT_FONT, sansSerifFamily: REPORT_FONT } : { loadSystemFonts: true },
  });
  return { png: new Uint8Array(renderer.render().asPng()), deterministicFonts: fonts !== null && fonts.length > 0 };
}
