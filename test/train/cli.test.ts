/**
 * `lrdkit train` and `lrdkit reproduce` on the command line (the compiled CLI: npm test builds
 * first): bad input exits 2 with one clear message and writes nothing; a tiny training run
 * writes the documented run directory and its checkpoint is audited by `lrdkit audit`.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { type NodeRun, runLrdkit } from '../support/runNode.js';
import { removeTempDirs, tempDir } from './helpers.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'dist/cli/main.js');

const run = (args: string[]): Promise<NodeRun> => runLrdkit(args);

afterAll(removeTempDirs);

describe('lrdkit train: bad input exits 2 with one message and no output', () => {
  const cases: [string, (out: string) => string[], RegExp][] = [
    ['no --out', () => ['train', '--task', 'copy', '--cell', 'gru', '--repeats', '4', '--steps', '5'], /^lrdkit train: --out is required/],
    ['no --repeats', (out) => ['train', '--task', 'copy', '--cell', 'gru', '--steps', '5', '--out', out], /^lrdkit train: --repeats is required/],
    ['an unknown cell', (out) => ['train', '--task', 'copy', '--cell', 'rnn', '--repeats', '4', '--steps', '5', '--out', out], /^lrdkit train: --cell expects one of gru, lstm, found "rnn"$/],
    ['an unknown task', (out) => ['train', '--task', 'adding', '--cell', 'gru', '--repeats', '4', '--steps', '5', '--out', out], /^lrdkit train: --task expects one of copy, found "adding"$/],
    ['a width not divisible by the groups', (out) => ['train', '--task', 'copy', '--cell', 'gru', '--groups', '3', '--hidden', '64', '--repeats', '4', '--steps', '5', '--out', out], /^lrdkit train: --hidden 64 must be a multiple of --groups 3$/],
    ['--match with a dense model', (out) => ['train', '--task', 'copy', '--cell', 'gru', '--match', 'params', '--repeats', '4', '--steps', '5', '--out', out], /needs --groups >= 2, found --groups 1$/],
    ['a zero step count', (out) => ['train', '--task', 'copy', '--cell', 'gru', '--repeats', '4', '--steps', '0', '--out', out], /^lrdkit train: --steps expects an integer in \[1, 100000000\], found "0"$/],
    ['a negative learning rate', (out) => ['train', '--task', 'copy', '--cell', 'gru', '--repeats', '4', '--steps', '5', '--lr', '-1', '--out', out], /^lrdkit train: --lr expects a positive number, found "-1"$/],
    ['an unknown backend', (out) => ['train', '--task', 'copy', '--cell', 'gru', '--repeats', '4', '--steps', '5', '--backend', 'webgpu', '--out', out], /^lrdkit train: --backend expects one of auto, tfjs-node-gpu, tfjs-node, wasm, cpu, found "webgpu"$/],
    ['a native backend that is not installed', (out) => ['train', '--task', 'copy', '--cell', 'gru', '--repeats', '4', '--steps', '5', '--backend', 'tfjs-node', '--out', out], /^lrdkit train: --backend tfjs-node could not start \(tfjs-node: @tensorflow\/tfjs-node is not installed\)/],
    ['--resume without a run', (out) => ['train', '--resume', '--out', out], /^lrdkit train: --resume: .*run\.json does not exist/],
    ['an unknown option', (out) => ['train', '--task', 'copy', '--cells', 'gru', '--out', out], /^lrdkit train: unknown option --cells/],
  ];
  for (const [what, args, message] of cases) {
    it(`${what}`, async () => {
      const out = join(tempDir(), 'run');
      const r = await run(args(out));
      expect(r.status).toBe(2);
      const lines = r.stderr.trim().split('\n');
      expect(lines.length, r.stderr).toBe(1);
      expect(lines[0]).toMatch(message);
      expect(r.stdout).toBe('');
      expect(existsSync(out)).toBe(false);
    });
  }
});

describe('lrdkit reproduce: bad input exits 2 with one message and no output', () => {
  for (const [what, args, message] of [
    ['an unknown experiment', ['reproduce', 'adding-task'], /^lrdkit reproduce: expected the experiment copy-task, recsys or video, found "adding-task"$/],
    ['--quick with --full', ['reproduce', 'copy-task', '--quick', '--full'], /^lrdkit reproduce: --quick and --full exclude each other, found both$/],
    ['a zero job count', ['reproduce', 'copy-task', '--jobs', '0'], /^lrdkit reproduce: --jobs expects an integer in \[1, 64\], found "0"$/],
    ['--quick with --standard', ['reproduce', 'copy-task', '--quick', '--standard'], /^lrdkit reproduce: --quick and --standard exclude each other, found both$/],
  ] as [string, string[], RegExp][]) {
    it(what, async () => {
      const out = join(tempDir(), 'report');
      const r = await run([...args, '--out', out]);
      expect(r.status).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr.trim()).toMatch(message);
      expect(existsSync(out)).toBe(false);
    });
  }
});

describe('lrdkit train end to end', () => {
  it('trains a tiny factorized GRU (matched parameters), resumes to more steps, and lrdkit audit reads the checkpoint', async () => {
    const out = join(tempDir(), 'run');
    const r = await run(['train', '--task', 'copy', '--cell', 'gru', '--groups', '2', '--match', 'params', '--hidden', '8', '--repeats', '1', '--steps', '3', '--batch', '4', '--seed', '2', '--out', out, '--quiet', '--json']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const summary = JSON.parse(r.stdout) as { step: number; interrupted: boolean; backend: string; finalLossNats: number; parameters: number };
    expect(summary).toMatchObject({ step: 3, interrupted: false });
    expect(readdirSync(out).sort()).toEqual(['checkpoint', 'log.jsonl', 'run.json']);
    const meta = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as { variant: string; match: string; reference: { hiddenSize: number }; hiddenSize: number };
    expect(meta).toMatchObject({ variant: 'factorized', match: 'params', reference: { hiddenSize: 8 } });
    expect(meta.hiddenSize % 2).toBe(0);
    // Without --json: a human summary and the next command.
    const more = await run(['train', '--resume', '--steps', '5', '--out', out, '--quiet']);
    expect(more.status, more.stderr).toBe(0);
    expect(readFileSync(join(out, 'log.jsonl'), 'utf8').trim().split('\n')).toHaveLength(5);
    const lines = more.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(new RegExp(`^trained ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: 5 of 5 steps, final loss \\d+\\.\\d+ nats per symbol, ${summary.parameters.toLocaleString('en-US')} parameters \\(whole model\\), \\d+\\.\\d s on ${summary.backend}$`));
    expect(lines[1]).toBe(`audit it: lrdkit audit ${join(out, 'checkpoint')}`);
    // Resuming to fewer steps than done is an error (exit 2, nothing changed), not "-2 steps to go".
    const log = readFileSync(join(out, 'log.jsonl'), 'utf8');
    const back = await run(['train', '--resume', '--steps', '3', '--out', out, '--quiet']);
    expect(back.status).toBe(2);
    expect(back.stderr.trim()).toBe(`lrdkit train: --resume --steps 3: ${out} has already done 5 steps; expected --steps of at least 5 (or a new --out for a shorter run)`);
    expect(back.stdout).toBe('');
    expect(readFileSync(join(out, 'log.jsonl'), 'utf8')).toBe(log);
    const audit = await run(['audit', join(out, 'checkpoint'), '--out', join(out, 'audit'), '--sequences', '4', '--steps', '256', '--burn-in', '16', '--max-lag', '32', '--jacobian-states', '4', '--lyapunov', '2', '--bootstrap', '0', '--no-report', '--quiet']);
    expect(audit.status, audit.stderr).toBe(0);
    expect(audit.stdout).toMatch(/layer0 +gru/);
    expect(audit.stdout).toMatch(/layer1 +gru/);
    const doc = JSON.parse(readFileSync(join(out, 'audit', 'audit.json'), 'utf8')) as { layers: unknown[]; checkpoint: Record<string, unknown> };
    expect(doc.layers).toHaveLength(2);
    // The run folder itself: its checkpoint is read and the audit is named after the run (run.json).
    const byRun = await run(['audit', out, '--out', join(out, 'audit-run'), '--sequences', '4', '--steps', '256', '--burn-in', '16', '--max-lag', '32', '--jacobian-states', '4', '--lyapunov', '2', '--bootstrap', '0', '--quiet']);
    expect(byRun.status, byRun.stderr).toBe(0);
    const runDoc = JSON.parse(readFileSync(join(out, 'audit-run', 'audit.json'), 'utf8')) as typeof doc;
    expect(runDoc.checkpoint).toMatchObject({ file: 'run', sha256: doc.checkpoint.sha256, format: 'lrdkit', run: `copy task, 2-layer factorized GRU(${meta.hiddenSize}) g=2, 5 steps, seed 2` });
    expect(runDoc.layers).toEqual(doc.layers);
  });
});

describe('lrdkit train interrupted', () => {
  it('Ctrl-C (SIGINT) finishes the step, writes a checkpoint holding every logged step, exits 130; --resume completes the run', async () => {
    const out = join(tempDir(), 'run');
    const child = spawn(process.execPath, [bin, 'train', '--task', 'copy', '--cell', 'gru', '--hidden', '8', '--repeats', '1', '--steps', '100000', '--batch', '2', '--checkpoint-every', '1000000', '--out', out, '--quiet'], { cwd: root });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const logLines = () => (existsSync(join(out, 'log.jsonl')) ? readFileSync(join(out, 'log.jsonl'), 'utf8').trim().split('\n').filter(Boolean).length : 0);
    // Waits for 3 logged steps however loaded the machine is (the test's hang guard bounds it).
    let exited = false;
    child.on('exit', () => (exited = true));
    while (logLines() < 3 && !exited) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(code, stderr).toBe(130);
    const lines = logLines();
    const state = JSON.parse(readFileSync(join(out, 'checkpoint', 'training-state.json'), 'utf8')) as { step: number };
    expect(state.step).toBe(lines);
    const more = await run(['train', '--resume', '--steps', String(lines + 2), '--out', out, '--quiet']);
    expect(more.status, more.stderr).toBe(0);
    expect(logLines()).toBe(lines + 2);
  });
});

describe('lrdkit reproduce copy-task: --plan, and committed results are not overwritten', () => {
  it('without --out, existing results in the default folder (the committed reports/copy-task) are refused before anything runs', async () => {
    expect(existsSync(join(root, 'reports/copy-task/results.json'))).toBe(true);
    const before = readdirSync(join(root, 'reports/copy-task')).sort();
    const r = await run(['reproduce', 'copy-task', '--quick']);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr.trim()).toBe('lrdkit reproduce: reports/copy-task/results.json exists (committed results are not overwritten by default); pass --out reports/copy-task to overwrite them or --out DIR to write elsewhere');
    expect(readdirSync(join(root, 'reports/copy-task')).sort()).toEqual(before);
  });

  it('--plan prints every run with its size, steps, seed and estimated time, and the total; it trains and writes nothing', async () => {
    const out = join(tempDir(), 'report');
    const r = await run(['reproduce', 'copy-task', '--quick', '--plan', '--jobs', '1', '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    const rows = r.stdout.split('\n').filter((l) => /^\| gru-/.test(l));
    expect(rows.map((l) => l.split(' | ')[0])).toEqual(['| gru-dense-h64-r16', '| gru-factorized-g4-big-h100-r16', '| gru-factorized-g4-small-h64-r16', '| gru-dense-h64-r8', '| gru-factorized-g4-big-h100-r8', '| gru-factorized-g4-small-h64-r8', '| gru-dense-h64-r4', '| gru-factorized-g4-big-h100-r4', '| gru-factorized-g4-small-h64-r4']);
    expect(rows[1]).toMatch(/^\| gru-factorized-g4-big-h100-r16 \| gru \| factorized g=4 big \| 100 \| 82756 \| 16 \| 102 \| 1200 \| 1 \| (\d+ s|\d+ min|\d+ h \d{2} min) \|$/);
    expect(r.stdout).toMatch(/^Estimated time: .+ with 1 job at the machine's current load .+ GFLOP\/s per job, measured now from [\d.]+ s per step of gru-dense-h64-r16 on the wasm kernels\), .+ with a core per job/m);
    expect(existsSync(out)).toBe(false);
  });
});
