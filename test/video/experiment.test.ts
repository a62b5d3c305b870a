/**
 * The Table 1 proxy's reproduction machinery on the tests' tiny plan: runs trained, audited and
 * archived; results collected; reruns reuse the archive; the same seeds give the same numbers;
 * the Markdown and the Vega-Lite chart; the plan's runs and sizes.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBackend } from '../../src/train/backend.js';
import { VIDEO_PLANS, collectVideoResults, estimateVideoPlan, meanAndStandardError, runVideoReproduction, videoMetricsSpec, videoPlannedRuns, videoResultsMarkdown, type VideoResults, type VideoRunResult } from '../../src/video/experiment.js';
import { videoClassifierParameters } from '../../src/video/videoModel.js';
import { vegaLiteValidator } from '../support/vegaLiteSchema.js';

const plan = VIDEO_PLANS.tiny;
const dirs: string[] = [];
const fresh = () => {
  const d = mkdtempSync(join(tmpdir(), 'lrdkit-video-'));
  dirs.push(d);
  return d;
};

let archive: string;
let results: VideoResults;
const messages: string[] = [];

beforeAll(async () => {
  await ensureBackend('wasm');
  archive = join(fresh(), 'finished');
  await runVideoReproduction({ plan, archive, jobs: 1, backend: 'wasm', version: 'test', childArguments: null, onMessage: (m) => messages.push(m) });
  results = collectVideoResults(plan, archive, 'test');
});
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('the plans', () => {
  it('videoPlannedRuns: baseline, big and small for every length and seed; small has the baseline width and about g times fewer parameters, big at most the baseline parameters', () => {
    for (const p of [VIDEO_PLANS.quick, VIDEO_PLANS.standard]) {
      const runs = videoPlannedRuns(p);
      expect(runs).toHaveLength(3 * p.frames.length * p.seeds.length);
      expect(new Set(runs.map((r) => r.name)).size).toBe(runs.length);
      const [base, big, small] = runs.slice(0, 3).map((r) => videoClassifierParameters(r.model).total) as [number, number, number];
      expect(runs.slice(0, 3).map((r) => r.size)).toEqual(['baseline', 'big', 'small']);
      expect(runs[2]?.model.hiddenSize).toBe(p.baselineHiddenSize);
      expect(big).toBeLessThanOrEqual(base);
      expect(big / base).toBeGreaterThan(0.85);
      expect(base / small).toBeGreaterThan(3); // the readout stays dense: 3.4 (quick), 3.6 (standard)
    }
  });

  it('estimateVideoPlan splits the runs over the jobs, longest first', () => {
    const one = estimateVideoPlan(VIDEO_PLANS.quick, 1e9, 1, 0);
    const two = estimateVideoPlan(VIDEO_PLANS.quick, 1e9, 2, 0);
    const sum = one.runs.reduce((a, r) => a + r.seconds, 0);
    expect(one.totalSeconds).toBeCloseTo(sum, 9);
    expect(two.totalSeconds).toBeLessThan(0.6 * sum);
    expect(two.totalSeconds).toBeGreaterThanOrEqual(sum / 2);
  });

  it('meanAndStandardError: sample standard deviation over sqrt(n) (hand-computed)', () => {
    // 1, 2, 3: mean 2, sd 1, se 1 / sqrt 3 (to 1 ulp: sqrt(1/3) and 1/sqrt(3) round differently).
    const s = meanAndStandardError([1, 2, 3]);
    expect(s.mean).toBe(2);
    expect(Math.abs(s.standardError - 1 / Math.sqrt(3))).toBeLessThan(1e-15);
    expect(meanAndStandardError([0.5])).toEqual({ mean: 0.5, standardError: 0 });
  });
});

describe('the tiny plan, trained', () => {
  it('every run is archived with its result and its trained LSTM, audited', () => {
    expect(results.runs).toHaveLength(6);
    for (const r of results.runs) {
      const saved = JSON.parse(readFileSync(join(archive, r.name, 'result.json'), 'utf8')) as VideoRunResult;
      expect(saved).toEqual(r);
      expect(JSON.parse(readFileSync(join(archive, r.name, 'model.json'), 'utf8'))).toBeTypeOf('object');
      expect(['SRD', 'LRD', 'inconclusive']).toContain(r.audit.verdict);
      expect(r.hitAtOne).toBeGreaterThanOrEqual(0);
      expect(r.hitAtOne).toBeLessThanOrEqual(1);
      expect(r.steps).toBe(plan.steps);
    }
    expect(results.rows.map((row) => `${row.frames} ${row.size} ${row.seeds}`)).toEqual(['6 baseline 2', '6 small 2', '6 big 2']);
    expect(results.memoryless).toEqual({ hitAtOne: 1.5 / 6, perr: 1.5 / 6 });
  });

  it('rows are the mean and standard error of the runs', () => {
    const row = results.rows[0];
    const runs = results.runs.filter((r) => r.size === 'baseline');
    expect(row?.hitAtOne).toEqual(meanAndStandardError(runs.map((r) => r.hitAtOne)));
    expect(row?.perr).toEqual(meanAndStandardError(runs.map((r) => r.perr)));
  });

  it('a second call reuses the archive; a fresh archive with the same seeds gives the same numbers', async () => {
    const said: string[] = [];
    await runVideoReproduction({ plan, archive, jobs: 1, backend: 'wasm', version: 'test', childArguments: null, onMessage: (m) => said.push(m) });
    expect(said[0]).toMatch(/6 runs, 6 archived, 0 to train/);
    const other = join(fresh(), 'finished');
    await runVideoReproduction({ plan, archive: other, jobs: 1, backend: 'wasm', version: 'test', childArguments: null });
    const strip = (r: VideoRunResult) => ({ ...r, trainSeconds: 0, trainCpuSeconds: 0 });
    expect(collectVideoResults(plan, other, 'test').runs.map(strip)).toEqual(results.runs.map(strip));
  });

  it('results.md has the table with the audits, the verdict question and what the proxy cannot say', () => {
    const md = videoResultsMarkdown(results, 'lrdkit reproduce video --quick', 'PLAN TEXT');
    expect(md).toMatch(/^\| 6 \| baseline LSTM \| 8 \| 734 \| \d\.\d{3} \+- \d\.\d{3} \| \d\.\d{3} \+- \d\.\d{3} \| (yes|no) \| /m);
    expect(md).toContain('Does the LRD verdict predict which model remembers?');
    expect(md).toContain('What the proxy can and cannot say about YouTube-8M');
    expect(md).toContain('PLAN TEXT');
    expect(md).toContain('Regenerate: `lrdkit reproduce video --quick`');
  });

  it('videoMetricsSpec is a valid Vega-Lite spec with one point per network, length and metric plus the memoryless level', () => {
    const spec = videoMetricsSpec(results);
    const validate = vegaLiteValidator();
    expect(validate(spec), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    const values = (spec as { data: { values: { kind: string }[] } }).data.values;
    expect(values.filter((v) => v.kind === 'model')).toHaveLength(6);
    expect(values.filter((v) => v.kind === 'memoryless')).toHaveLength(2);
  });

  it('videoPlanText (--plan) lists every run with its estimate and the plan total', async () => {
    const { videoPlanText } = await import('../../src/cli/reproduceVideo.js');
    const text = await videoPlanText(plan, 2, '/tmp/out');
    expect(text.split('\n').filter((l) => l.startsWith('| lstm-'))).toHaveLength(6);
    expect(text).toMatch(/^\| lstm-g4-big-h12-T6-s1 \| factorized g=4 big \| 12 \| 474 \| 6 \| 3 \| 1 \| \d+ s \|$/m);
    expect(text).toMatch(/^Estimated time: .+ with 2 jobs at the machine's current load/m);
  });

  it('collectVideoResults names a run that is not archived', () => {
    expect(() => collectVideoResults(plan, join(fresh(), 'none'), 'test')).toThrow(/lstm-h8-T6-s1\/result.json: expected a finished run, found none/);
  });
});

describe('the committed quick-plan results (reports/video)', () => {
  it('results.json and the table of results.md are what collectVideoResults makes of the committed runs in finished/', () => {
    const root = new URL('../../reports/video/', import.meta.url).pathname;
    const committed = JSON.parse(readFileSync(join(root, 'results.json'), 'utf8')) as VideoResults;
    const again = collectVideoResults(VIDEO_PLANS.quick, join(root, 'finished'), committed.lrdkit);
    expect(again).toEqual(committed);
    const table = (md: string) => md.split('\n').filter((l) => /^\| \d+ \| /.test(l));
    const md = readFileSync(join(root, 'results.md'), 'utf8');
    expect(table(md)).toHaveLength(6);
    expect(table(md)).toEqual(table(videoResultsMarkdown(again, '', '')));
    expect(md).toContain('Regenerate: `lrdkit reproduce video --quick --out reports/video`');
  });
});
