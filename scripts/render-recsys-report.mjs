#!/usr/bin/env node
// Re-renders the recommender report (DIR/report.html, DIR/report.md, DIR/figures/) from a
// finished `lrdkit reproduce recsys` folder (results.json and audits/*.json) without training
// again: what `lrdkit reproduce recsys` renders at its end, for figure or caption changes.
// Usage: npm run build && node scripts/render-recsys-report.mjs [DIR]   (default reports/recsys)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const dir = process.argv[2] ?? join(root, 'reports', 'recsys');
const { recsysFigures } = await import('../dist/recsys/recsysReport.js');
const { renderReport, writeRenderedReport } = await import('../dist/report/report.js');
const stored = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
// results.json names each audit document by its file (audits/LABEL-REPLICATE.json): read them back.
const models = stored.models.map((m) => (m.audit ? { ...m, audit: { ...m.audit, document: JSON.parse(readFileSync(join(dir, m.audit.document), 'utf8')) } } : m));
const results = { ...stored, models };
const audits = models.filter((m) => m.replicate === 0 && m.audit).map((m) => ({ label: m.label, document: m.audit.document }));
const rendered = await renderReport(audits, { title: 'Recommender experiment (section 3.3): results and GRU audits', figures: recsysFigures(results) });
writeRenderedReport(rendered, dir);
process.stdout.write(`render-recsys-report: ${rendered.figures.length} figures in ${dir}\n`);
