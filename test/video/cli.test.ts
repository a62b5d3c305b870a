/**
 * `lrdkit reproduce video` as a user runs it (the built CLI in a child process): committed
 * results are refused without --out before anything runs; --plan prints every run and an
 * estimate and writes nothing.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runLrdkit } from '../support/runNode.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('lrdkit reproduce video', () => {
  it('without --out, the committed reports/video results are refused before anything runs (exit 2, one line)', async () => {
    const before = readdirSync(join(root, 'reports', 'video')).sort();
    const r = await runLrdkit(['reproduce', 'video', '--quick'], { cwd: root });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([`lrdkit reproduce video: ${join('reports', 'video', 'results.json')} exists (committed results are not overwritten by default); pass --out ${join('reports', 'video')} to overwrite them or --out DIR to write elsewhere`]);
    expect(readdirSync(join(root, 'reports', 'video')).sort()).toEqual(before);
  });

  it('--plan prints the 18 runs of the quick plan with sizes and estimates, and the total; it writes nothing', async () => {
    const before = readdirSync(join(root, 'reports', 'video')).sort();
    const r = await runLrdkit(['reproduce', 'video', '--quick', '--plan'], { cwd: root });
    expect(r.status).toBe(0);
    const rows = r.stdout.split('\n').filter((l) => l.startsWith('| lstm-'));
    expect(rows).toHaveLength(18);
    expect(rows[0]).toMatch(/^\| lstm-h32-T200-s1 \| baseline LSTM \| 32 \| 13108 \| 200 \| 600 \| 1 \| .+ \|$/);
    expect(rows[1]).toMatch(/^\| lstm-g4-big-h64-T200-s1 \| factorized g=4 big \| 64 \| 11860 \| 200 \| 600 \| 1 \| /);
    expect(r.stdout).toMatch(/^Estimated time: .+ with 2 jobs at the machine's current load/m);
    expect(readdirSync(join(root, 'reports', 'video')).sort()).toEqual(before);
  });
});
