#!/usr/bin/env node
// Regenerates the committed example reports under reports/ from seeds (npm run reports; needs
// a build: the npm script runs `npm run build` first). Every output is made by lrdkit itself:
//
//   1. checkpoints: the dense GRU (examples/gru2.safetensors: PyTorch nn.GRU(4, 8, num_layers=2),
//      seeded initial weights) and a factorized GRU of about the same parameter count with twice
//      the channels (2 layers, 16 channels in 4 blocks, random weights from seed 2018, written
//      to reports/checkpoints/factorized-gru2/ in lrdkit's format). When trained copy-task
//      checkpoints exist, reports/copy-task/dense/ and reports/copy-task/factorized/ (a folder
//      with model.json, as lrdkit train writes it) replace them; --dense PATH and
//      --factorized PATH override both.
//   2. audits: `lrdkit audit CHECKPOINT --seed 0` (default run) -> reports/dense/ and
//      reports/factorized/ (audit.json, summary.md; timings.json is left out: it holds times).
//   3. reports: one per audit (report.md with PNGs) and the comparison reports/comparison/
//      (report.html with the Vega-Lite specs, report.md, PNGs), with the loss curves of every training
//      run folder (run.json + log.jsonl) under reports/copy-task/ (or given by --training DIR).
//   4. the theory table: `lrdkit verify` (default runs and seed) -> reports/verify.md.
//   5. a browser check of reports/comparison/report.html in headless chromium
//      (scripts/check-report-page.mjs) with a screenshot of its first screen,
//      reports/comparison/screenshot.jpg (the run fails if a chart is not drawn).
//
//   node scripts/generate-reports.mjs [--dense PATH] [--factorized PATH] [--training DIR]... [--no-browser]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const dist = (p) => join(root, 'dist', p);
const { randomFactorizedCell } = await import(dist('cells/random.js'));
const { createRng } = await import(dist('processes/prng.js'));
const { writeLrdkitCheckpoint } = await import(dist('checkpoints/lrdkitFormat.js'));
const { readAuditDocuments, readTrainingRun } = await import(dist('report/input.js'));
const { renderReport, writeRenderedReport } = await import(dist('report/report.js'));

const reports = join(root, 'reports');
const copyTask = join(reports, 'copy-task');
const args = process.argv.slice(2);
const option = (name) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const options = (name) => args.flatMap((a, i) => (a === `--${name}` && args[i + 1] !== undefined ? [args[i + 1]] : []));
const rel = (p) => relative(root, p) || '.';
const log = (m) => process.stderr.write(`reports: ${m}\n`);

/** Seed of the factorized example's weights. */
const FACTORIZED_SEED = 2018;
/** The audit's seed (its default run otherwise). */
const AUDIT_SEED = '0';
/** PNG scale of the committed figures (device pixels per CSS pixel): sharp enough, and small. */
const PNG_SCALE = { single: 1, comparison: 1.25 };

function lrdkit(...cli) {
  const r = spawnSync(process.execPath, [dist('cli/main.js'), ...cli], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) {
    process.stderr.write(r.stderr);
    throw new Error(`lrdkit ${cli.join(' ')}: exit ${r.status}`);
  }
  return r.stdout;
}

const isCheckpointDir = (p) => existsSync(join(p, 'model.json'));
const isRunDir = (p) => existsSync(join(p, 'run.json')) && existsSync(join(p, 'log.jsonl'));

// 1. checkpoints
function factorizedExample() {
  const dir = join(reports, 'checkpoints', 'factorized-gru2');
  const rng = createRng(FACTORIZED_SEED);
  // Two layers like examples/gru2.safetensors (input 4, 2 layers) with 16 channels in 4 blocks:
  // 816 parameters against the dense GRU's 768, twice the channels (the paper's "big" variant).
  const l0 = randomFactorizedCell(rng, { kind: 'gru', inputSize: 4, hiddenSize: 16, groups: 4 });
  const l1 = randomFactorizedCell(rng, { kind: 'gru', inputSize: 16, hiddenSize: 16, groups: 4 });
  writeLrdkitCheckpoint(dir, [{ name: 'l0', cell: l0 }, { name: 'l1', cell: l1 }], { task: 'example (untrained)', seed: FACTORIZED_SEED });
  return dir;
}
const dense = option('dense') ?? (isCheckpointDir(join(copyTask, 'dense')) ? join(copyTask, 'dense') : join(root, 'examples', 'gru2.safetensors'));
const factorized = option('factorized') ?? (isCheckpointDir(join(copyTask, 'factorized')) ? join(copyTask, 'factorized') : factorizedExample());
const trained = dense.startsWith(copyTask) && factorized.startsWith(copyTask);
// Run folders directly under reports/copy-task/ or in its runs/ folder (where `lrdkit reproduce copy-task` trains; not committed).
const runDirsIn = (dir) => (existsSync(dir) ? readdirSync(dir).map((d) => join(dir, d)).filter((d) => statSync(d).isDirectory() && isRunDir(d)).sort() : []);
const trainingDirs = options('training').length > 0 ? options('training') : [...runDirsIn(copyTask), ...runDirsIn(join(copyTask, 'runs'))];
log(`dense: ${rel(dense)}; factorized: ${rel(factorized)}; training runs: ${trainingDirs.length}`);

// 2. audits
const audits = { dense: join(reports, 'dense'), factorized: join(reports, 'factorized') };
for (const [name, checkpoint] of [['dense', dense], ['factorized', factorized]]) {
  log(`audit ${name}`);
  lrdkit('audit', checkpoint, '--seed', AUDIT_SEED, '--out', audits[name], '--no-report', '--quiet');
  rmSync(join(audits[name], 'timings.json'), { force: true });
}

// 3. reports (rendered in memory, then written)
const labels = trained ? ['dense GRU (copy task)', 'factorized GRU (copy task)'] : ['dense GRU (gru2)', 'factorized GRU (g=4)'];
// Loss curves: the given run folders; else the committed copy-task results (their smoothed curves),
// so that a clean checkout regenerates the same report; else local run folders.
const copyResults = join(copyTask, 'results.json');
const training =
  options('training').length === 0 && existsSync(copyResults)
    ? JSON.parse(readFileSync(copyResults, 'utf8')).curves
    : trainingDirs.map(readTrainingRun);
const docs = readAuditDocuments([join(audits.dense, 'audit.json'), join(audits.factorized, 'audit.json')], labels);
for (const [i, name] of ['dense', 'factorized'].entries()) {
  log(`report ${name}`);
  const r = await renderReport([docs[i]], { html: false, svg: false, specs: false, pngScale: PNG_SCALE.single });
  rmSync(join(audits[name], 'figures'), { recursive: true, force: true });
  writeRenderedReport(r, audits[name]);
}
log('report comparison');
const comparisonDir = join(reports, 'comparison');
const comparison = await renderReport(docs, { title: `lrdkit comparison: ${labels.join(' vs ')}`, training, svg: false, specs: false, pngScale: PNG_SCALE.comparison });
rmSync(comparisonDir, { recursive: true, force: true });
writeRenderedReport(comparison, comparisonDir);

// 4. the theory table
log('verify');
const table = lrdkit('verify', '--quiet');
writeFileSync(
  join(reports, 'verify.md'),
  `# lrdkit verify\n\nThe paper's section 1 statements as written and as corrected, checked by computation (\`lrdkit verify\`, default runs and seed; regenerate with \`npm run reports\`). Notes: proofs/.\n\n\`\`\`text\n${table}\`\`\`\n`,
);

// 5. browser check and screenshot
if (!args.includes('--no-browser')) {
  const { checkReportPage, pageProblems } = await import('./check-report-page.mjs');
  log('browser check');
  const check = await checkReportPage(join(comparisonDir, 'report.html'), { screenshot: join(comparisonDir, 'screenshot.jpg'), fullPage: false });
  const problems = pageProblems(check);
  if (problems.length > 0) throw new Error(`reports/comparison/report.html: ${problems.join('; ')}`);
}

const sources = trained
  ? `trained copy-task checkpoints (\`${rel(dense)}\`, \`${rel(factorized)}\`)`
  : `\`examples/gru2.safetensors\` (PyTorch \`nn.GRU(4, 8, num_layers=2)\`, seeded initial weights) and a factorized GRU with random weights from seed ${FACTORIZED_SEED} (\`reports/checkpoints/factorized-gru2/\`: 2 layers, 16 channels in 4 blocks, about the same parameter count with twice the channels); neither is trained`;
writeFileSync(
  join(reports, 'README.md'),
  `# reports/

Example reports generated by lrdkit itself, from seeds: regenerate everything with \`npm run reports\`
(builds, then runs \`scripts/generate-reports.mjs\`; do not edit these files by hand). Same inputs and
Node version, same bytes.

- [comparison/report.md](comparison/report.md): dense vs factorized, side by side, with one verdict table${training.length > 0 ? ' and the copy-task loss curves' : ''}; [comparison/report.html](comparison/report.html) is the interactive page (self-contained: open it from disk; tooltips, zoom), and [comparison/screenshot.jpg](comparison/screenshot.jpg) shows it in headless chromium.
- [dense/report.md](dense/report.md), [factorized/report.md](factorized/report.md): the report of each audit; \`audit.json\` and \`summary.md\` beside them are the audits (\`lrdkit audit CHECKPOINT --seed ${AUDIT_SEED}\`).
- [verify.md](verify.md): \`lrdkit verify\`, the paper's statements as written and corrected.

Sources: ${sources}. When trained checkpoints exist under \`reports/copy-task/dense/\` and \`reports/copy-task/factorized/\` (folders with \`model.json\`), \`npm run reports\` audits those instead, and every training run folder under \`reports/copy-task/\` (\`run.json\` + \`log.jsonl\`) adds its loss curve; \`node scripts/generate-reports.mjs --dense PATH --factorized PATH --training DIR\` overrides them.
`,
);
log('done');
