/**
 * What the ONNX reader refuses, and how: one CheckpointError naming the file, the node (or
 * tensor) and what was expected and found; `lrdkit audit` exits 2 with that one message and
 * writes nothing. Fixtures refuse_*.onnx come from test/fixtures/checkpoints/generate_onnx.py;
 * the constant-folding and external-data cases are encoded here with protobufjs.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runNode } from '../support/runNode.js';
import type { Cell } from '../../src/cells/types.js';
import { readOnnxBytes } from '../../src/checkpoints/onnx.js';
import { CheckpointError } from '../../src/checkpoints/errors.js';
import { attr, encodeModel, floatTensor, intTensor, node, weights } from './onnxHelpers.js';
import { weightArrays } from './torchFixtures.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const DIR = fileURLToPath(new URL('../fixtures/checkpoints/onnx/', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'lrdkit-onnx-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** [fixture, the message after "<file>: " (where: detail)] */
const REFUSALS: [string, RegExp][] = [
  ['refuse_peephole', /^node LSTM_bad \(LSTM\): input P \("P"\): expected no peephole weights .* found non-zero P/],
  ['refuse_clip', /^node LSTM_bad \(LSTM\): attribute clip: expected no cell clipping .* found clip=3$/],
  ['refuse_activations', /^node GRU_bad \(GRU\): attribute activations: expected the defaults \[Sigmoid, Tanh\] .* found \[HardSigmoid, Tanh\]$/],
  ['refuse_input_forget', /^node LSTM_bad \(LSTM\): attribute input_forget: expected 0, found 1 /],
  ['refuse_rnn', /^node RNN_bad \(RNN\): expected an LSTM or GRU node, found an RNN node/],
  ['refuse_matmul', /^node matmul_w: expected a constant-only operator .* on the way to node GRU_bad \(GRU\) input W \("W"\), found MatMul/],
  ['refuse_graph_input', /^node GRU_bad \(GRU\) input W \("W"\): expected a constant .* found "W", an input of graph "graph_input" known only when the model runs$/],
  ['refuse_no_recurrent', /^graph: expected at least one LSTM or GRU node .* found none \(operators: Relu\)$/],
];

describe('refused ONNX constructs: one CheckpointError naming the node, exit 2, no output', () => {
  for (const [fixture, message] of REFUSALS) {
    it(fixture, async () => {
      const file = join(DIR, `${fixture}.onnx`);
      const out = join(work, fixture);
      // Asynchronously (test/support/runNode.ts): 28 spawnSync calls in a row block the worker's loop.
      const r = await runNode([join(root, 'dist/cli/main.js'), 'audit', file, '--out', out, '--quiet', '--no-report']);
      expect(r.status).toBe(2);
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]?.startsWith(`${file}: `), lines[0]).toBe(true);
      expect((lines[0] as string).slice(file.length + 2)).toMatch(message);
      expect(existsSync(out)).toBe(false);
    });
  }
});

// A GRU (d = 2, h = 3) whose W comes through a chain built per test.
const H = 3, D = 2;
const R = floatTensor('R', [1, 3 * H, H], weights(9 * H, 2));
const B = floatTensor('B', [1, 6 * H], weights(6 * H, 3));
const Wvalues = weights(3 * H * D, 1);
function gruWith(nodes: Record<string, unknown>[], initializer: Record<string, unknown>[], opset = 14): Cell {
  const bytes = encodeModel({ node: [...nodes, node('GRU', ['x', 'W', 'R', 'B'], ['y'], 'gru', [attr.int('hidden_size', H), attr.int('linear_before_reset', 1)])], initializer: [R, B, ...initializer] }, opset);
  return readOnnxBytes(bytes, 'chain.onnx').layers[0] as Cell;
}
const direct = gruWith([], [floatTensor('W', [1, 3 * H, D], Wvalues)]);

describe('constant folding (docs/Operators.md semantics): every chain gives the directly stored W', () => {
  // W^T stored (1, D, 3H) then transposed; the expected values are the direct initializer's.
  const transposed = Array.from({ length: 3 * H * D }, (_, k) => {
    const j = Math.floor(k / (3 * H)), i = k % (3 * H); // (d j, row i) of the transposed (1, D, 3H)
    return Wvalues[i * D + j] as number;
  });
  const cases: [string, () => Cell][] = [
    ['Transpose perm (0, 2, 1)', () => gruWith([node('Transpose', ['Wt'], ['W'], 't', [attr.ints('perm', [0, 2, 1])])], [floatTensor('Wt', [1, D, 3 * H], transposed)])],
    ['Reshape with 0 (copy) and -1 (inferred)', () => gruWith([node('Reshape', ['Wflat', 'shape'], ['W'], 'r')], [floatTensor('Wflat', [1, 3 * H * D], Wvalues), intTensor('shape', [3], [0, -1, D])])],
    ['Unsqueeze axes input (opset 13+), negative axis', () => gruWith([node('Unsqueeze', ['W2', 'axes'], ['W'], 'u')], [floatTensor('W2', [3 * H, D], Wvalues), intTensor('axes', [1], [-3])])],
    ['Unsqueeze axes attribute (opset 11)', () => gruWith([node('Unsqueeze', ['W2'], ['W'], 'u', [attr.ints('axes', [0])])], [floatTensor('W2', [3 * H, D], Wvalues)], 11)],
    ['Squeeze without axes removes every 1', () => gruWith([node('Squeeze', ['W4'], ['W3'], 's'), node('Unsqueeze', ['W3', 'axes'], ['W'], 'u')], [floatTensor('W4', [1, 3 * H, 1, D], Wvalues), intTensor('axes', [1], [0])])],
    ['Concat of gate blocks along axis 1', () => gruWith([node('Concat', ['W_a', 'W_b'], ['W'], 'c', [attr.int('axis', 1)])], [floatTensor('W_a', [1, H, D], Wvalues.slice(0, H * D)), floatTensor('W_b', [1, 2 * H, D], Wvalues.slice(H * D))])],
    ['Slice with inputs starts, ends, axes, steps (negative end, clamped end)', () => gruWith([node('Slice', ['Wbig', 'st', 'en', 'ax', 'sp'], ['W'], 'sl')], [floatTensor('Wbig', [1, 3 * H + 2, D], [...Wvalues, 9, 9, 9, 9]), intTensor('st', [2], [0, 0]), intTensor('en', [2], [-2, 1000]), intTensor('ax', [2], [1, 2]), intTensor('sp', [2], [1, 1])])],
    ['Slice with a negative step (rows stored in reverse order)', () => gruWith([node('Slice', ['Wrev0', 'st', 'en', 'ax', 'sp'], ['W'], 'rev')], [
      floatTensor('Wrev0', [1, 3 * H, D], Array.from({ length: 3 * H }, (_, i) => Wvalues.slice((3 * H - 1 - i) * D, (3 * H - i) * D)).flat()),
      intTensor('st', [1], [-1]), intTensor('en', [1], [-1000]), intTensor('ax', [1], [1]), intTensor('sp', [1], [-1]),
    ])],
    ['Slice with attributes (opset 9)', () => gruWith([node('Slice', ['Wbig'], ['W'], 'sl', [attr.ints('starts', [1]), attr.ints('ends', [3 * H + 1]), attr.ints('axes', [1])])], [floatTensor('Wbig', [1, 3 * H + 1, D], [7, 7, ...Wvalues])], 9)],
    ['Cast from DOUBLE to FLOAT rounds to float32', () => gruWith([node('Cast', ['W64'], ['W'], 'c', [attr.int('to', 1)])], [{ name: 'W64', dims: [1, 3 * H, D], data_type: 11, double_data: Wvalues }])],
    ['Constant node (value tensor) through Identity', () => gruWith([node('Constant', [], ['Wc'], 'k', [attr.tensor('value', floatTensor('', [1, 3 * H, D], Wvalues))]), node('Identity', ['Wc'], ['W'], 'id')], [])],
  ];
  for (const [name, build] of cases) {
    it(name, () => {
      expect(weightArrays(build())).toEqual(weightArrays(direct));
    });
  }
});

describe('malformed recurrent nodes and external data', () => {
  const gru = (attrs: Record<string, unknown>[], W = floatTensor('W', [1, 3 * H, D], Wvalues)): Uint8Array =>
    encodeModel({ node: [node('GRU', ['x', 'W', 'R', 'B'], ['y'], 'gru', attrs)], initializer: [W, R, B] });
  const reject = (bytes: Uint8Array, message: RegExp): void => {
    let caught: unknown;
    try {
      readOnnxBytes(bytes, join(work, 'm.onnx'));
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(CheckpointError);
    expect((caught as CheckpointError).message).toMatch(message);
  };
  it('hidden_size that disagrees with R', () => reject(gru([attr.int('hidden_size', 4)]), /node gru \(GRU\): attribute hidden_size: expected 3 \(from R \[1, 9, 3\]\), found 4/));
  it('an unknown direction', () => reject(gru([attr.string('direction', 'sideways')]), /attribute direction: expected forward, reverse or bidirectional, found "sideways"/));
  it('an attribute the operator does not have', () => reject(gru([attr.int('input_forget', 0)]), /expected only the GRU attributes .* found attribute "input_forget"/));
  it('linear_before_reset outside 0, 1', () => reject(gru([attr.int('linear_before_reset', 2)]), /attribute linear_before_reset: expected 0 or 1, found 2/));
  it('W of the wrong shape', () => reject(gru([], floatTensor('W', [1, 3 * H + 1, D], weights((3 * H + 1) * D, 1))), /input W: expected shape \[1, 9, input size\], found \[1, 10, 2\]/));
  it('NaN in W', () => reject(gru([], floatTensor('W', [1, 3 * H, D], [Number.NaN, ...Wvalues.slice(1)])), /tensor W of node gru: expected finite weights, found NaN at flat index 0/));
  it('a folding cycle', () => reject(encodeModel({ node: [node('Identity', ['W2'], ['W'], 'a'), node('Identity', ['W'], ['W2'], 'b'), node('GRU', ['x', 'W', 'R', 'B'], ['y'], 'gru')], initializer: [R, B] }), /expected a chain of at most 256 constant nodes, found a longer one \(or a cycle\)/));
  it('Concat of one constant many times exceeds the folding budget', () => {
    const parts = Array.from({ length: 64 }, () => 'big');
    reject(encodeModel({ node: [node('Concat', parts, ['c1'], 'c1', [attr.int('axis', 0)]), node('Concat', Array.from({ length: 64 }, () => 'c1'), ['W'], 'c2', [attr.int('axis', 0)]), node('GRU', ['x', 'W', 'R', 'B'], ['y'], 'gru')], initializer: [R, B, floatTensor('big', [256], weights(256, 5))] }), /expected constant folding to produce at most \d+ elements/);
  });
  it('external data outside the model folder, missing, or past the end of its file', () => {
    const ext = (location: string, offset = 0, length = 3 * H * D * 4): Uint8Array => gru([], { name: 'W', dims: [1, 3 * H, D], data_type: 1, data_location: 1, external_data: [{ key: 'location', value: location }, { key: 'offset', value: String(offset) }, { key: 'length', value: String(length) }] });
    reject(ext('../secret.bin'), /expected an external data location inside the model's folder, found "..\/secret.bin"/);
    reject(ext('/etc/passwd'), /expected an external data location inside the model's folder, found "\/etc\/passwd"/);
    reject(ext('absent.bin'), /expected the external data file "absent.bin" next to the model, found none/);
    writeFileSync(join(work, 'w.bin'), new Uint8Array(Float32Array.from(Wvalues).buffer));
    reject(ext('w.bin', 8), /expected offset and length within the 72-byte file "w.bin", found offset 8, length 72/);
    const cell = readOnnxBytes(ext('w.bin'), join(work, 'm.onnx')).layers[0] as Cell;
    expect(weightArrays(cell)).toEqual(weightArrays(direct));
  });
});
