/**
 * The report as one self-contained HTML page: the verdict table, every figure drawn in the
 * browser by vega-embed from its Vega-Lite spec (tooltips; drag to pan, wheel to zoom,
 * double-click to reset), captions and the runs' settings. vega, vega-lite and vega-embed are
 * inlined from their minified builds in node_modules, so the page opens offline from file://
 * and loads nothing. When every chart has been drawn the body gets
 * data-figures-rendered="N" (and data-figures-failed="M"), which tests wait for.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { VERDICT_MEANING } from '../audit/summary.js';
import type { ReportFigure } from './figures/common.js';
import type { ReportAudit } from './input.js';
import type { VerdictTable } from './table.js';
import { REPORT_FONT } from './theme.js';

/** The inlined libraries: [package, file next to the package's entry point]. */
const LIBRARIES: readonly [string, string][] = [
  ['vega', 'vega.min.js'],
  ['vega-lite', 'vega-lite.min.js'],
  ['vega-embed', 'vega-embed.min.js'],
];

let cachedLibraries: string[] | null = null;

/** The minified builds of vega, vega-lite and vega-embed (read once). */
export function inlineLibraries(): string[] {
  if (cachedLibraries === null) {
    const require = createRequire(import.meta.url);
    cachedLibraries = LIBRARIES.map(([pkg, file]) => readFileSync(join(dirname(require.resolve(pkg)), file), 'utf8'));
  }
  return cachedLibraries;
}

/** HTML-escapes text for element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Makes script text safe inside <script>: no "</script" or "<!--" can end or confuse the element. */
function scriptText(js: string): string {
  return js.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

const STYLE = `
  :root { color-scheme: light; }
  body { font-family: "${REPORT_FONT}", "DejaVu Sans", Verdana, sans-serif; margin: 2rem auto; max-width: 1100px; padding: 0 1rem; color: #222; line-height: 1.45; }
  h1 { font-size: 1.6rem; margin-bottom: 0.2rem; }
  h2 { font-size: 1.25rem; margin-top: 2rem; border-bottom: 1px solid #ddd; padding-bottom: 0.2rem; }
  h3 { font-size: 1.05rem; margin: 0 0 0.4rem; }
  .meta, figcaption, footer { color: #555; font-size: 0.9rem; }
  table { border-collapse: collapse; font-size: 0.82rem; margin: 0.5rem 0; }
  th, td { border: 1px solid #ddd; padding: 0.25rem 0.45rem; text-align: left; white-space: nowrap; }
  th { background: #f5f5f5; }
  .table-wrap { overflow-x: auto; }
  figure { margin: 1.5rem 0; padding: 0.8rem; border: 1px solid #eee; border-radius: 4px; }
  .chart { min-height: 60px; overflow-x: auto; }
  .chart-error { color: #b22222; }
  .verdict { font-weight: bold; }
  code { font-size: 0.85em; }
`;

/** Contents of the page. */
export interface HtmlPageInput {
  readonly title: string;
  readonly version: string;
  readonly audits: readonly ReportAudit[];
  readonly table: VerdictTable | null;
  readonly figures: readonly ReportFigure[];
  /** Training runs shown (labels). */
  readonly trainingRuns: readonly string[];
  /** Which static copies are written next to the page (linked from each caption). */
  readonly formats: { readonly svg: boolean; readonly png: boolean; readonly specs: boolean };
}

function tableHtml(t: VerdictTable): string {
  const head = `<tr>${t.columns.map((c) => `<th scope="col">${escapeHtml(c)}</th>`).join('')}</tr>`;
  const body = t.rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('\n');
  const overall = t.overall.map((o) => `<li>${escapeHtml(o.audit)}: <span class="verdict">${escapeHtml(o.verdict)}</span></li>`).join('');
  return `<p class="verdict-meaning">${escapeHtml(VERDICT_MEANING)}</p>\n<ul>${overall}</ul>\n<div class="table-wrap"><table>\n<thead>${head}</thead>\n<tbody>\n${body}\n</tbody>\n</table></div>\n<p class="meta">Rule: ${escapeHtml(t.overall[0]?.rule ?? '')}. rho: spectral radius; lambda_1: top Lyapunov exponent (nats/step); H: Hurst exponent of the leading principal component; I: Gaussian-channel information of W_h (nats); alpha_g / horizon: Lemma 1.2 bound and certified memory horizon (steps).</p>`;
}

function runsHtml(audits: readonly ReportAudit[]): string {
  return `<ul>${audits
    .map((a) => {
      const d = a.document;
      const r = d.run;
      return `<li><strong>${escapeHtml(a.label)}</strong>: <code>${escapeHtml(d.checkpoint.file)}</code> (${escapeHtml(d.checkpoint.format)}, sha256 <code>${escapeHtml(d.checkpoint.sha256.slice(0, 16))}...</code>); input ${escapeHtml(r.input)}, ${r.sequences} sequences x ${r.steps} steps after ${r.burnIn} burn-in, lags to ${r.maxLag}, ${r.jacobianStates} Jacobian states, ${r.lyapunovExponents} Lyapunov exponents, ${r.bootstrapReplicates} bootstrap replicates, seed ${r.seed}; lrdkit ${escapeHtml(d.versions.lrdkit)}, Node ${escapeHtml(d.versions.node)}.</li>`;
    })
    .join('\n')}</ul>`;
}

/** The whole page as one string (deterministic: no dates, no random ids). */
export function htmlPage(input: HtmlPageInput): string {
  const links = (id: string): string => {
    const l = [
      ...(input.formats.svg ? [`<a href="figures/${escapeHtml(id)}.svg">SVG</a>`] : []),
      ...(input.formats.png ? [`<a href="figures/${escapeHtml(id)}.png">PNG</a>`] : []),
      ...(input.formats.specs ? [`<a href="figures/${escapeHtml(id)}.vl.json">Vega-Lite spec</a>`] : []),
    ];
    return l.length > 0 ? ` Static copies: ${l.join(', ')}.` : '';
  };
  const figures = input.figures
    .map(
      (f) => `<figure id="figure-${escapeHtml(f.id)}">
<h3>${escapeHtml(f.title)}</h3>
<div class="chart" data-figure="${escapeHtml(f.id)}" role="img" aria-label="${escapeHtml(f.title)}"></div>
<figcaption>${escapeHtml(f.caption)}${links(f.id)}</figcaption>
</figure>`,
    )
    .join('\n');
  const specs = JSON.stringify(input.figures.map((f) => ({ id: f.id, spec: f.spec }))).replace(/</g, '\\u003c');
  const boot = `(function () {
  var figures = JSON.parse(document.getElementById('lrdkit-figures').textContent);
  var rendered = 0, failed = 0;
  var options = { renderer: 'svg', actions: { export: true, source: false, compiled: false, editor: false } };
  Promise.all(figures.map(function (f) {
    var el = document.querySelector('[data-figure="' + f.id + '"]');
    return vegaEmbed(el, f.spec, options).then(function () { rendered++; }, function (e) {
      failed++;
      el.className += ' chart-error';
      el.textContent = 'This figure could not be drawn: ' + (e && e.message ? e.message : String(e));
      console.error('lrdkit report: figure ' + f.id + ': ' + (e && e.message ? e.message : String(e)));
    });
  })).then(function () {
    document.body.setAttribute('data-figures-failed', String(failed));
    document.body.setAttribute('data-figures-rendered', String(rendered));
  });
})();`;
  const libs = inlineLibraries().map((js) => `<script>${scriptText(js)}</script>`).join('\n');
  const training = input.trainingRuns.length > 0 ? `<p class="meta">Training runs: ${input.trainingRuns.map(escapeHtml).join('; ')}.</p>` : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="lrdkit ${escapeHtml(input.version)}">
<title>${escapeHtml(input.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${escapeHtml(input.title)}</h1>
<p class="meta">Long range dependence report generated by lrdkit ${escapeHtml(input.version)} from ${input.audits.length} audit document(s)${input.trainingRuns.length > 0 ? ` and ${input.trainingRuns.length} training run(s)` : ''}. Figures are interactive: hover for values, drag to pan, scroll to zoom, double-click to reset.</p>
</header>
${input.table ? `<section id="verdict">\n<h2>Verdict</h2>\n${tableHtml(input.table)}\n</section>` : ''}
<section id="figures">
<h2>Figures</h2>
${training}
${figures}
</section>
${input.audits.length > 0 ? `<section id="runs">\n<h2>Runs</h2>\n${runsHtml(input.audits)}\n</section>` : ''}
<footer><p>Theory: F. Belletti, A. Beutel, S. Jain, E. Chi, Factorized Recurrent Neural Architectures for Longer Range Dependence, AISTATS 2018. Numbers: audit.json (schemas/audit.schema.json).</p></footer>
<noscript><p>The interactive figures need JavaScript${input.formats.svg || input.formats.png ? '; static copies are in figures/' : ''}.</p></noscript>
${libs}
<script type="application/json" id="lrdkit-figures">${specs}</script>
<script>${boot}</script>
</body>
</html>
`;
}
