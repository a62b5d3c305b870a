// Audit cost against the hidden size (issue 16): the default `lrdkit audit` of one-layer
// GRU(512), GRU(1024) and GRU(2048) checkpoints (input 64, lrdkit format, seeded
// PyTorch-initialised weights, made here at bench time), each in its own process: wall time,
// peak RSS (/usr/bin/time), the phases (timings.json), the load average around each run, and the
// cost exponent b of wall ~ h^b (least squares on log-log) between consecutive sizes and over
// all, and the CPU seconds of the audit process (user + sys, /usr/bin/time: both threads), which
// a loaded machine inflates less than the wall time.
// Usage: npm run build && nice -n 5 node bench/audit-size.js [--sizes 512,1024,2048]
//   [--baseline DIR]: also audit each size with an earlier build (DIR holds its dist/ and
//   package.json, e.g. `git worktree add DIR <commit> && (cd DIR && npm run build)`), right
//   before the current build's run of the same size, so that both see the same load; the
//   table then gives the CPU and wall ratios baseline / current.
//   [--max-seconds S]: stop an audit that has not finished after S seconds of wall clock (it is
//   recorded as not finished, with its CPU seconds and peak memory so far) and go on.
// Writes the section between the audit-size markers of bench/AUDIT.md and
// bench/audit-size-results.json.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const { randomDenseCell } = await import(join(root, 'dist/index.js'));
const { createRng } = await import(join(root, 'dist/api/processes.js'));
const { writeLrdkitCheckpoint } = await import(join(root, 'dist/api/checkpoints.js'));
const { estimateAudit } = await import(join(root, 'dist/cli/auditPreflight.js'));
const { AUDIT_RUN_DEFAULTS } = await import(join(root, 'dist/audit/auditFile.js'));
const arg = (name) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : null);
const sizes = (arg('--sizes') ?? '512,1024,2048').split(',').map(Number);
const baseline = arg('--baseline');
const maxSeconds = arg('--max-seconds') === null ? null : Number(arg('--max-seconds'));
const builds = [...(baseline ? [{ build: 'baseline', cli: join(baseline, 'dist/cli/main.js') }] : []), { build: 'current', cli: join(root, 'dist/cli/main.js') }];
const work = mkdtempSync(join(tmpdir(), 'lrdkit-bench-audit-size-'));
const results = [];
try {
  for (const h of sizes) {
    const rng = createRng(2018);
    const dir = join(work, `gru${h}`);
    const cell = randomDenseCell(rng, { kind: 'gru', inputSize: 64, hiddenSize: h });
    writeLrdkitCheckpoint(dir, [{ name: 'gru_0', cell, depth: 0 }], { seed: 2018 });
    // The current build's preflight estimate of the default audit (src/cli/auditPreflight.ts).
    const estimateSeconds = estimateAudit({ layers: [cell], layerInfo: [{ name: 'gru_0', depth: 0 }] }, AUDIT_RUN_DEFAULTS).seconds;
    for (const { build, cli } of builds) {
      const out = join(work, `gru${h}-${build}-out`);
      const loadBefore = loadavg()[0];
      const t = process.hrtime.bigint();
      const limited = maxSeconds === null ? [] : ['timeout', String(maxSeconds)];
      const r = spawnSync('/usr/bin/time', ['-f', '%M %U %S', ...limited, process.execPath, cli, 'audit', dir, '--out', out], { encoding: 'utf8' });
      const seconds = Number(process.hrtime.bigint() - t) / 1e9;
      const loadAfter = loadavg()[0];
      const finished = r.status === 0;
      if (!finished && !(maxSeconds !== null && r.status === 124)) throw new Error(`GRU(${h}) ${build}: audit exited ${r.status}: ${r.stderr.slice(-2000)}`);
      const lines = r.stderr.trim().split('\n');
      const [kib, user, sys] = (lines.pop() ?? '').split(' ').map(Number);
      const peakMiB = kib / 1024;
      const cpuSeconds = user + sys;
      const progress = lines.filter((l) => l.startsWith('audit'));
      const phases = existsSync(join(out, 'timings.json')) ? JSON.parse(readFileSync(join(out, 'timings.json'), 'utf8')).seconds.gru_0 : {};
      const verdict = /^verdict: (\S+)/m.exec(r.stdout)?.[1];
      const rho = /^gru_0 .*$/m.exec(r.stdout)?.[0].split(/\s{2,}/)[5] ?? null;
      results.push({ hidden: h, build, finished, seconds, cpuSeconds, peakMiB, verdict, rho, phases, load: [loadBefore, loadAfter], estimateSeconds: build === 'current' ? estimateSeconds : null, estimateLine: progress.find((l) => l.includes('should take')) ?? null });
      process.stderr.write(`GRU(${h}) ${build}: ${finished ? '' : `NOT FINISHED within --max-seconds ${maxSeconds}: `}${seconds.toFixed(1)} s wall, ${cpuSeconds.toFixed(1)} s CPU, peak ${peakMiB.toFixed(0)} MiB, load ${loadBefore.toFixed(1)} -> ${loadAfter.toFixed(1)}, rho(J) ${rho}, phases ${JSON.stringify(phases)}\n`);
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

/** Least-squares slope of log y on log x. */
function slope(xs, ys) {
  const lx = xs.map(Math.log), ly = ys.map(Math.log);
  const mx = lx.reduce((a, b) => a + b, 0) / lx.length, my = ly.reduce((a, b) => a + b, 0) / ly.length;
  let sxy = 0, sxx = 0;
  for (let i = 0; i < lx.length; i++) {
    sxy += (lx[i] - mx) * (ly[i] - my);
    sxx += (lx[i] - mx) ** 2;
  }
  return sxy / sxx;
}
const current = results.filter((r) => r.build === 'current' && r.finished);
const hs = current.map((r) => r.hidden);
const exponent = current.length > 1 ? slope(hs, current.map((r) => r.seconds)) : null;
const cpuExponent = current.length > 1 ? slope(hs, current.map((r) => r.cpuSeconds)) : null;
const phaseNames = [...new Set(current.flatMap((r) => Object.keys(r.phases)))];
const phaseExponents = Object.fromEntries(phaseNames.map((p) => [p, current.length > 1 && current.every((r) => r.phases[p] > 0) ? slope(hs, current.map((r) => r.phases[p])) : null]));
const fmt = (v, d = 1) => (v === null || v === undefined || Number.isNaN(v) ? '-' : Number(v).toFixed(d));
const base = (r) => results.find((b) => b.build === 'baseline' && b.hidden === r.hidden);
const section = [
  '<!-- audit-size: written by bench/audit-size.js -->',
  '## Audit cost against the hidden size (issue 16)',
  '',
  `Generated by \`nice -n 5 node bench/audit-size.js${process.argv.slice(2).length ? ` ${process.argv.slice(2).join(' ')}` : ''}\` on ${new Date().toISOString()}: ${cpus()[0]?.model ?? 'unknown'}, ${cpus().length} logical CPUs, Node ${process.version}. One-layer GRU(h), input 64, default \`lrdkit audit\` settings (32 x 1024 steps, 256 burn-in, lags to 512, 64 Jacobian states, 4 of them with all eigenvalues, 8 Lyapunov exponents, 100 bootstrap replicates, report on). CPU s = user + sys of the audit process (both threads). The 1-minute load average before and after each run is given: on a shared 2-core machine wall times are inflated by roughly load / 2 and only runs of similar load compare${baseline ? '; each baseline run (an earlier build) ran right before the current build on the same size, and the ratios compare the two' : ''}.`,
  '',
  `| hidden | build | wall s | CPU s | peak MiB | load before / after | preflight estimate s | rho(J) median [min, max] | verdict |${baseline ? ' CPU baseline / current | wall baseline / current |' : ''}`,
  `| --- | --- | --- | --- | --- | --- | --- | --- | --- |${baseline ? ' --- | --- |' : ''}`,
  ...results.map((r) => `| ${r.hidden} | ${r.build} | ${r.finished ? '' : '> '}${fmt(r.seconds)}${r.finished ? '' : ' (stopped)'} | ${fmt(r.cpuSeconds)} | ${fmt(r.peakMiB, 0)} | ${fmt(r.load[0])} / ${fmt(r.load[1])} | ${fmt(r.estimateSeconds, 0)} | ${r.rho ?? '-'} | ${r.verdict ?? '-'} |${baseline ? (r.build === 'current' && base(r) ? ` ${fmt(base(r).cpuSeconds / r.cpuSeconds, 2)} | ${fmt(base(r).seconds / r.seconds, 2)} |` : ' | |') : ''}`),
  '',
  `Cost exponent of the current build (wall ~ h^b, least squares over the sizes that finished): b = ${fmt(exponent, 2)}; of its CPU seconds: ${fmt(cpuExponent, 2)}. The preflight estimate is the wall time on 2 quiet cores that \`lrdkit audit\` predicts before it starts (src/cli/auditPreflight.ts; announced when over 2 minutes).${maxSeconds === null ? '' : ` Audits still running after ${maxSeconds} s of wall clock were stopped ("> s (stopped)"; CPU s and peak MiB up to then; their phases are not written).`}`,
  '',
  'Phases (seconds, from timings.json; jacobian and eigenvalues are compute seconds of both threads together, which overlap in wall time) and their exponents:',
  '',
  `| phase | ${results.map((r) => `h = ${r.hidden}${baseline ? ` ${r.build}` : ''}`).join(' | ')} | exponent |`,
  `| --- | ${results.map(() => '---').join(' | ')} | --- |`,
  ...phaseNames.map((p) => `| ${p} | ${results.map((r) => fmt(r.phases[p])).join(' | ')} | ${fmt(phaseExponents[p], 2)} |`),
  '',
  '<!-- /audit-size -->',
].join('\n');
writeFileSync(join(root, 'bench/audit-size-results.json'), `${JSON.stringify({ results, exponent, cpuExponent, phaseExponents }, null, 2)}\n`);
const mdPath = join(root, 'bench/AUDIT.md');
const md = readFileSync(mdPath, 'utf8');
const re = /<!-- audit-size[\s\S]*<!-- \/audit-size -->/;
writeFileSync(mdPath, re.test(md) ? md.replace(re, () => section) : `${md.trimEnd()}\n\n${section}\n`);
process.stdout.write(`${section}\n`);
