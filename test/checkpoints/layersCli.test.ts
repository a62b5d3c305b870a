/**
 * `lrdkit layers CHECKPOINT`: the listing of what is read, without an audit. Checked on the ONNX
 * model with If / Loop subgraphs (names by path, which layer feeds which) and a Keras 3
 * weights-only file (what was inferred), text and --json; bad input exits 2.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const FX = 'test/fixtures/checkpoints';
const lrdkit = (...args: string[]) => spawnSync(process.execPath, [join(root, 'dist/cli/main.js'), ...args], { cwd: root, encoding: 'utf8' });

describe('lrdkit layers', () => {
  it('ONNX with If / Loop subgraphs: table of layers, who reads whom, tensors and notes', () => {
    const r = lrdkit('layers', `${FX}/onnx/if_branches.onnx`);
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines.slice(0, 6)).toEqual([
      `${FX}/onnx/if_branches.onnx: onnx, 4 recurrent layer(s)`,
      'layer                               kind             input  hidden  groups  direction  depth  reads',
      'If_25/else/GRU_0                    GRU reset after  4      8       1       forward    0      input',
      'If_25/else/GRU_1                    GRU reset after  8      8       1       forward    1      If_25/else/GRU_0',
      'If_25/else/Loop_3/body/GRU_in_loop  GRU reset after  8      8       1       forward    0      input',
      'If_25/then/LSTM_881                 LSTM             4      8       1       forward    0      input',
    ]);
    expect(r.stdout).toContain('  If_25/then/LSTM_881: Wl, Rl, Bl\n');
    expect(r.stdout).toContain('  - If_25/then/LSTM_881: activations Sigmoid, Tanh, Tanh (ONNX defaults)\n');
  });

  it('--json: GRU reset before (linear_before_reset=0), reverse direction, what was inferred', () => {
    const r = lrdkit('layers', `${FX}/onnx/gru_lbr0.onnx`, '--json');
    expect(r.status, r.stderr).toBe(0);
    const listing = JSON.parse(r.stdout) as { format: string; layers: { name: string; kind: string; direction: string; reads: string | null; tensors: string[] }[]; notes: string[] };
    expect(listing.format).toBe('onnx');
    expect(listing.layers).toEqual([{ name: 'gru_reset_before', kind: 'GRU reset before', inputSize: 3, hiddenSize: 5, groups: 1, direction: 'backward', depth: 0, reads: null, tensors: ['W', 'R', 'B'] }]);
    const keras = JSON.parse(lrdkit('layers', `${FX}/keras/gru2.weights.h5`, '--json').stdout) as typeof listing;
    expect(keras.layers.map((l) => [l.name, l.reads])).toEqual([['gru', null], ['gru_1', 'gru']]);
    expect(keras.notes[0]).toMatch(/^Keras 3 weights-only file .* activations assumed tanh \/ sigmoid/);
  });

  it('bad input: exit 2, one message', () => {
    const r = lrdkit('layers', `${FX}/onnx/refuse_clip.onnx`);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
