/**
 * The report's Verdict section says in one sentence what SRD, LRD and inconclusive mean, in
 * both report.html and report.md, before the per-audit verdicts and the table; a report
 * without audits has no Verdict section and so no sentence.
 */
import { describe, expect, it } from 'vitest';
import { OVERALL_RULE } from '../../src/audit/auditDocument.js';
import { VERDICT_MEANING } from '../../src/audit/summary.js';
import { htmlPage } from '../../src/report/html.js';
import { markdownSummary } from '../../src/report/markdown.js';
import type { VerdictTable } from '../../src/report/table.js';

const table: VerdictTable = { columns: ['checkpoint', 'layer'], rows: [['a', 'layer0']], overall: [{ audit: 'a', verdict: 'SRD', rule: OVERALL_RULE }] };
const formats = { svg: false, png: false, specs: false };
const base = { title: 't', version: '0', audits: [], figures: [], trainingRuns: [], formats };

describe('the Verdict section explains SRD / LRD / inconclusive', () => {
  it('the sentence is one sentence that defines each of the three verdicts the overall rule can give', () => {
    // The verdict values are the ones OVERALL_RULE quotes ('LRD', 'SRD', 'inconclusive').
    const verdicts = [...OVERALL_RULE.matchAll(/'([A-Za-z]+)'/g)].map((m) => m[1] as string);
    expect(new Set(verdicts)).toEqual(new Set(['LRD', 'SRD', 'inconclusive']));
    for (const v of verdicts) expect(VERDICT_MEANING, v).toMatch(new RegExp(`(^|; )${v}( \\(| means)`));
    expect(VERDICT_MEANING).toMatch(/short range dependence/);
    expect(VERDICT_MEANING).toMatch(/long range dependence/);
    // One sentence: a single full stop, at the end.
    expect(VERDICT_MEANING.match(/[.!?](\s|$)/g)).toHaveLength(1);
    expect(VERDICT_MEANING.endsWith('.')).toBe(true);
  });

  it('report.md: the sentence follows "## Verdict" and comes before the per-audit verdicts', () => {
    const md = markdownSummary({ ...base, table, html: false });
    const section = md.slice(md.indexOf('## Verdict'), md.indexOf('## Figures'));
    expect(section.split('\n').slice(0, 4)).toEqual(['## Verdict', '', VERDICT_MEANING, '']);
    expect(section.indexOf(VERDICT_MEANING)).toBeLessThan(section.indexOf('- a: **SRD**'));
    expect(markdownSummary({ ...base, table: null, html: false })).not.toContain(VERDICT_MEANING);
  });

  it('report.html: the sentence (HTML-escaped) is the first paragraph of the verdict section', () => {
    const html = htmlPage({ ...base, table });
    const escaped = VERDICT_MEANING.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
    const section = html.slice(html.indexOf('<section id="verdict">'), html.indexOf('</section>'));
    expect(section).toContain(`<h2>Verdict</h2>\n<p class="verdict-meaning">${escaped}</p>\n<ul>`);
    expect(htmlPage({ ...base, table: null })).not.toContain('verdict-meaning');
  });
});
