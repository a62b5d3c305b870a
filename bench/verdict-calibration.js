/**
 * Calibration of the SRD / LRD verdict (issue 13): labelled multivariate processes (16 channels
 * mixed by a random orthogonal matrix; src/analysis/calibration/verdictCalibrationSet.ts) fed
 * through correlationSums as the audit does (log lags, bootstrap 100) and stateMemory (local
 * Whittle on the 8 leading components), then dependenceVerdict. Writes bench/VERDICT.md and
 * bench/verdict-calibration.json (one row per run, with the rule version).
 *
 *   npm run build && nice -n 5 node bench/verdict-calibration.js [--seeds 100-119] [--long-seeds 100-119] [--families a,b] [--sizes default,long]
 *
 * (Tuning runs used --seeds 0-2 --long-seeds 0-2; the committed table uses the defaults.)
 *
 * Sizes: 'default' = 32 x 1024 (maxLag 512, the audit's defaults); 'long' = 1 x 2^16
 * (maxLag 4096, bootstrap off: with one sequence each of the 16 bootstrap blocks costs a full
 * set of r^2 inverse FFTs of length 2^17, about 35 s per run on the shared 2-core machine).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const lib = (p) => import(join(root, 'dist', p));
const { CALIBRATION_FAMILIES, CALIBRATION_SIZES, calibrationRun } = await lib('analysis/calibration/verdictCalibrationSet.js');
const { VERDICT_RULE_VERSION, RESOLUTION_DEFAULTS, NEAR_INTEGRATING_TOTAL_MEMORY } = await lib('analysis/correlation/index.js');

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const range = (s) => {
  const [a, b] = s.split('-').map(Number);
  return Array.from({ length: (b ?? a) - a + 1 }, (_, i) => a + i);
};
const seeds = { default: range(arg('--seeds', '100-119')), long: range(arg('--long-seeds', '100-119')) };
const only = arg('--families', null);
const families = CALIBRATION_FAMILIES.filter((f) => only === null || only.split(',').includes(f.id));
const LONG_MAX_LAG = CALIBRATION_SIZES.long.maxLag;
const sizes = arg('--sizes', 'default,long').split(',');

// --rows-only FILE: compute and write the rows only (to run the sizes as two processes);
// --from FILE,FILE: read rows written so instead of computing them, then write the report.
const rowsOnly = arg('--rows-only', null);
const from = arg('--from', null);
const rows = from ? from.split(',').flatMap((f) => JSON.parse(readFileSync(f, 'utf8')).rows) : [];
const t0 = Date.now();
for (const sizeName of from ? [] : sizes) {
  for (const family of families) {
    for (const seed of seeds[sizeName]) {
      rows.push(calibrationRun(family.id, sizeName, seed));
      if (rowsOnly) writeFileSync(rowsOnly, JSON.stringify({ ruleVersion: VERDICT_RULE_VERSION, rows }));
    }
    const last = rows.filter((x) => x.family === family.id && x.size === sizeName);
    process.stderr.write(`${sizeName} ${family.id}: ${['SRD', 'LRD', 'inconclusive'].map((v) => `${v} ${last.filter((x) => x.verdict === v).length}`).join(', ')} (${((Date.now() - t0) / 1000).toFixed(0)} s)\n`);
  }
}

if (rowsOnly) process.exit(0);
if (from) {
  for (const size of ['default', 'long']) seeds[size] = [...new Set(rows.filter((x) => x.size === size).map((x) => x.seed))].sort((a, b) => a - b);
  sizes.splice(0, sizes.length, ...['default', 'long'].filter((z) => seeds[z].length > 0));
}
const wrong = (row) => (row.truth === 'LRD' && row.verdict === 'SRD') || (row.truth === 'unresolvable' && row.verdict === 'SRD') || (row.truth === 'SRD' && row.verdict === 'LRD');
const table = [];
const checks = [];
for (const sizeName of sizes) {
  const n = seeds[sizeName].length;
  table.push('', `### ${sizeName === 'default' ? 'Audit default: 32 sequences x 1024 steps, maxLag 512, bootstrap 100' : `One sequence x 2^16 steps, maxLag ${LONG_MAX_LAG}, no bootstrap (OLS interval)`} (${n} seeds: ${seeds[sizeName][0]}-${seeds[sizeName][n - 1]})`, '');
  table.push('| family | truth | SRD | LRD | inconclusive | confidently wrong | correlation alone SRD/LRD/inc. | near-integrating | median tau | median beta | median LW d | median stability z |', '|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const family of families) {
    const fr = rows.filter((x) => x.family === family.id && x.size === sizeName);
    if (fr.length === 0) continue;
    const c = (v, key = 'verdict') => fr.filter((x) => x[key] === v).length;
    const med = (key) => {
      const v = fr.map((x) => x[key]).filter((x) => x !== null).sort((p, q) => p - q);
      return v.length ? String(v[Math.floor(v.length / 2)]) : '-';
    };
    const truth = fr[0].truth;
    const w = fr.filter(wrong).length;
    table.push(`| ${family.id} | ${truth} | ${c('SRD')} | ${c('LRD')} | ${c('inconclusive')} | ${w} | ${c('SRD', 'correlationVerdict')}/${c('LRD', 'correlationVerdict')}/${c('inconclusive', 'correlationVerdict')} | ${c('near-integrating', 'regime')} | ${med('tau')} | ${med('beta')} | ${med('totalMemory')} | ${med('bandwidthStabilityZ')} |`);
    const scale = (k) => Math.ceil((k * fr.length) / 20);
    checks.push({ what: `${sizeName} ${family.id}: confidently wrong <= 1 in 20`, ok: w <= scale(1), found: `${w}/${fr.length}` });
    const lrdTarget = sizeName === 'long' && (/^fgn-0\.[789]/.test(family.id) || /^arfima-0\.(25|4)/.test(family.id));
    if (lrdTarget) checks.push({ what: `long ${family.id}: LRD >= 18 in 20`, ok: c('LRD') >= scale(18), found: `${c('LRD')}/${fr.length}` });
    if (['iid', 'ar1-0.5', 'ar1-0.9', 'var1-0.95', 'arma21'].includes(family.id)) checks.push({ what: `${sizeName} ${family.id}: SRD >= 18 in 20`, ok: c('SRD') >= scale(18), found: `${c('SRD')}/${fr.length}` });
  }
}

const md = [
  '# Verdict calibration (issue 13)',
  '',
  `Regenerate: \`npm run build && nice -n 5 node bench/verdict-calibration.js\` (rule version ${VERDICT_RULE_VERSION}; about 35 minutes on the shared 2-core machine; or the two sizes as two processes with \`--sizes default --rows-only A.json\`, \`--sizes long --rows-only B.json\`, then \`--from A.json,B.json\`).`,
  '',
  'Every family: 16 channels (independent draws of the scalar process, or a 16-dimensional VAR(1) / GRU state), mixed by a random orthogonal matrix, fed through `correlationSums` (log lags) and `stateMemory` (local Whittle on the 8 leading components) and `dependenceVerdict` exactly as the audit does (without Lyapunov exponents, which labelled processes lack). "Confidently wrong": SRD for LRD truth or for an unresolvable case, LRD for SRD truth.',
  '',
  `Rule constants: SRD from an exponential decay needs the norm to reach the noise floor at >= ${RESOLUTION_DEFAULTS.minFloorLagTaus} tau and tau <= maxLag / ${RESOLUTION_DEFAULTS.maxLagPerTau}; no resolution when the floor at lag 1 is >= ${RESOLUTION_DEFAULTS.maxFloorFraction} of the lag-0 norm; near-integrating at local Whittle total memory >= ${NEAR_INTEGRATING_TOTAL_MEMORY}; LRD also needs a significant positive total memory (one-sided p < 0.05) and, from rule version 3, a total memory that does not fall significantly when the local Whittle bandwidth shrinks from n^0.65 to n^0.5 (Hausman-type z >= -1.645). Chosen on exploratory runs with seeds 0-2 (the bandwidth check: seeds 0-9) (bench/VERDICT.md reports seeds that were not looked at while choosing).`,
  ...table,
  '',
  '## Targets',
  '',
  'Targets of issue 13 (counts scale with the seeds: "<= 1 in 20" allows ceil(n / 20) of n).',
  '',
  '| target | met | found |',
  '|---|---|---|',
  ...checks.map((c) => `| ${c.what} | ${c.ok ? 'yes' : '**no**'} | ${c.found} |`),
  '',
  '## Findings',
  '',
  '- **The sum of AR(1)s** (phi = 0.5, 0.9, 0.99 in every channel, SRD with a slowest time scale of 100 steps) is no longer called LRD (rule version 2: LRD on 20 of 20 seeds at both sizes; rule version 3: 0 of 20, inconclusive on 20 of 20 at both sizes). Over the resolvable lags its norm is a power law to within the noise (beta about 0.3) and the correlation verdict alone still says LRD on every seed; what tells it from long memory is the local Whittle total memory under a shrinking bandwidth. Its spectrum is finite at frequency 0, so its apparent d (0.42 at 1 x 2^16, m = 1351) falls as the band moves towards 0 (0.27 at m = 256), while a power-law spectrum keeps its slope. Rule version 3 asks, for LRD, that the Hausman-type z = (d(n^0.5) - d(n^0.65)) / sqrt(SE(n^0.5)^2 - SE(n^0.65)^2) be >= -1.645 (one-sided 5%; src/analysis/stateMemory.ts, bandwidthStability). Held-out z of the sum of AR(1)s: -16.5 to -12.7 at 1 x 2^16 (a wide margin), -6.5 to -1.67 at 32 x 1024 (a narrow one: 1024 steps hold only a few Fourier frequencies below its corner frequency 1/100; a record with tau = 100 is not resolvable in a 512-lag window either, so inconclusive is the honest answer there). Chosen on exploratory seeds 0-9 (`node bench/verdict-bandwidth-explore.js FAMILIES SIZE 0-9`): sum of AR(1)s z = -4.9 to -2.2 (32 x 1024) and -17 to -12 (1 x 2^16); 85 runs of fGn and ARFIMA: median z +0.87, one below -1.645.',
  '- **Cost of the bandwidth check on LRD truths** (held out): 280 runs of fGn H = 0.6-0.9 and ARFIMA d = 0.1-0.4 give median z = +0.82 (the higher-order terms of their spectra bias d at the larger bandwidth down, so z leans positive); 4 fall below -1.645, all at 32 x 1024 and 3 of them on seed 106 (fGn H = 0.6, 0.7 and ARFIMA d = 0.1 share its random draws): fGn H = 0.6 is LRD on 18 of 20 (was 20), fGn H = 0.7 on 19 (was 20), ARFIMA d = 0.1 on 17 (was 18; 2 seeds were already inconclusive from the correlations). At 1 x 2^16 every LRD family stays LRD on 20 of 20. These become inconclusive, never SRD.',
  '- **Missed: VAR(1) at 1 x 2^16** (random non-normal A, spectral radius 0.95) is SRD on only 8 of 20 seeds (target 18): its norm decays like a power law with beta near 1 over the fitted range (median beta 1.02, OLS interval), so neither "interval above 1" nor "exponential fits better" holds and most seeds are inconclusive. The correlation alone called 3 seeds LRD; the local Whittle condition (no significant memory: d about 0.006) turned 2 of them into inconclusive, 1 remains (seed 100: d = 0.0085, p = 0.041, stability z = +0.76, within the <= 1 in 20 target). Rule version 3 does not change this row: its check only removes LRD verdicts, and the misses of the VAR(1) are inconclusive ones. At the default size (32 x 1024, bootstrap interval) it is SRD on 20 of 20.',
  '- Considered for VAR(1) at 1 x 2^16, not adopted: SRD when beta\'s interval contains 1 and the local Whittle total memory is not significantly positive. On exploratory seeds 0-9 it would turn 3 of the 7 inconclusive VAR(1) runs into SRD (3 -> 6 of 10 SRD), short of the 18 in 20 target, while it reopens the SRD clause that rule version 2 dropped for its short-range bias; the VAR(1) row stays a documented miss.',
  '- The long sequence runs without the bootstrap (each of its 16 block units costs a full set of r^2 inverse FFTs of length 2^17, about 35 s per run here): its beta interval is the OLS one, narrower than the bootstrap one.',
  '- The issue asked that SRD also need "no significant positive memory" by the local Whittle test at m = n^0.65. It is not applied: the estimator\'s short-range bias makes every persistent SRD family significant (AR(1) phi = 0.5 at 32 x 1024: median d = 0.066, SE 0.004; phi = 0.9: 0.59), so that clause would make the SRD targets unreachable. The local Whittle estimate is used instead as the near-integrating signal (d >= 0.9; random walks and the saturated GRU read 0.99-1.03, AR(1) phi = 0.9 reads 0.59 at 32 x 1024) and as a second condition for LRD (significant positive total memory).',
  '- AR(1) phi = 0.99 is inconclusive at 32 x 1024 (decay length 100-200 steps against a 512-lag window: the reason names --steps >= 20 tau) and SRD at 1 x 2^16 (window 4096).',
  '- Noise floors (test/analysis/correlation/noiseFloorQuantile.test.ts, 10 seeds): the single-sequence floor (Monte Carlo 95% quantile of the Bartlett null in product form) is exceeded at 4.1% of the lags of white noise (d = 8), 3.2% (AR(1) phi = 0.9, lags >= 80), 8.5% (phi = 0.99, lags >= 800; the former Bartlett floor: 31%); the between-sequence floor (mean + 2 sd of the pooled null norms) at 3.5% (white, d = 8) and 5.0% (AR(1) 0.9), and at 0 of 370 lags for d = 256 (64 components, 16 null pairs: conservative).',
  '',
].join('\n');
writeFileSync(join(root, 'bench/VERDICT.md'), md);
writeFileSync(join(root, 'bench/verdict-calibration.json'), `${JSON.stringify({ ruleVersion: VERDICT_RULE_VERSION, seeds, longMaxLag: LONG_MAX_LAG, rows }, null, 1)}\n`);
process.stderr.write(`wrote bench/VERDICT.md (${rows.length} runs)\n`);
