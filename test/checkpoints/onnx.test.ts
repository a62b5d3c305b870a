/**
 * The ONNX reader against torch: every fixture of test/fixtures/checkpoints/onnx/ (written by
 * test/fixtures/checkpoints/generate_onnx.py with torch.onnx.export and onnx.helper) read through
 * readCheckpoint; cell steps and Jacobians compared with reference.json, which holds float64
 * torch.autograd values of the ONNX equations (docs/Operators.md) on the file's float32 weights,
 * themselves checked in the generator against torch.nn.GRUCell / LSTMCell for the exported
 * modules. Attribute combinations covered: GRU linear_before_reset 1 (gru2, bigru, if_branches)
 * and 0 (gru_lbr0), LSTM (lstm2, conv_lstm, bilstm, lstm_reverse, if_branches), directions
 * forward, reverse (gru_lbr0, lstm_reverse) and bidirectional (bigru, bigru2, bilstm), layout 0 and 1
 * (gru_lbr0, lstm_reverse), no B and all-zero peepholes (lstm_reverse), folded and unfolded
 * exporter chains (gru2, lstm2), Constant / Cast / Reshape / Transpose / Concat (gru_lbr0),
 * If / Loop subgraphs with outer-scope initializers (if_branches), external data (external).
 *
 * Tolerance 1e-10 relative (to the largest entry of the reference vector or matrix): both sides
 * evaluate the same float64 formulas from bit-identical weights; the remaining differences are
 * summation order and libm tanh / exp, around 1e-15.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Cell } from '../../src/cells/types.js';
import { readCheckpoint } from '../../src/checkpoints/index.js';
import { readOnnxBytes } from '../../src/checkpoints/onnx.js';
import { attr, encodeModel, floatTensor, node, weights } from './onnxHelpers.js';
import { weightArrays } from './torchFixtures.js';

const DIR = new URL('../fixtures/checkpoints/onnx/', import.meta.url);
const path = (name: string): string => new URL(name, DIR).pathname;

interface Sample { state: number[]; input: number[]; next: number[]; jacobian: number[][]; inputJacobian: number[][] }
interface LayerRef { name: string; kind: 'gru' | 'lstm'; linearBeforeReset: number; direction: 'forward' | 'backward'; inputSize: number; hiddenSize: number; samples: Sample[] }
const reference = JSON.parse(readFileSync(new URL('reference.json', DIR), 'utf8')) as { models: Record<string, LayerRef[]> };

const TOL = 1e-10;

function relativeError(got: ArrayLike<number>, want: readonly number[]): number {
  const scale = Math.max(1e-300, ...want.map(Math.abs));
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs((got[i] as number) - (want[i] as number)) / scale);
  return got.length === want.length ? worst : Infinity;
}

describe('ONNX cells agree with torch autograd (float64) within 1e-10 relative', () => {
  for (const [fixture, layers] of Object.entries(reference.models)) {
    it(`${fixture}.onnx: ${layers.map((l) => `${l.name} (${l.kind}${l.kind === 'gru' ? `, lbr=${l.linearBeforeReset}` : ''}, ${l.direction})`).join('; ')}`, async () => {
      const ck = await readCheckpoint(path(`${fixture}.onnx`));
      expect(ck.format).toBe('onnx');
      expect(ck.layerInfo.map((l) => l.name).sort()).toEqual(layers.map((l) => l.name).sort());
      for (const ref of layers) {
        const i = ck.layerInfo.findIndex((l) => l.name === ref.name);
        const cell = ck.layers[i] as Cell;
        expect([cell.kind, cell.inputSize, cell.hiddenSize, ck.layerInfo[i]?.direction]).toEqual([ref.kind, ref.inputSize, ref.hiddenSize, ref.direction]);
        if (cell.kind === 'gru') expect((cell as unknown as { weights: { resetAfter: boolean } }).weights.resetAfter).toBe(ref.linearBeforeReset === 1);
        for (const s of ref.samples) {
          const state = Float64Array.from(s.state), input = Float64Array.from(s.input);
          expect(relativeError(cell.step(state, input), s.next)).toBeLessThan(TOL);
          expect(relativeError(cell.jacobian(state, input).flat(), s.jacobian.flat())).toBeLessThan(TOL);
          expect(relativeError(cell.inputJacobian(state, input).flat(), s.inputJacobian.flat())).toBeLessThan(TOL);
        }
      }
    });
  }
});

describe('ONNX weights equal the same model read from safetensors, bit for bit', () => {
  for (const model of ['gru2', 'lstm2', 'bigru'] as const) {
    it(`${model}.onnx = ${model}.safetensors (gate orders z, r, h / i, o, f, c mapped, linear_before_reset=1)`, async () => {
      const onnx = await readCheckpoint(path(`${model}.onnx`));
      const st = await readCheckpoint(new URL(`../fixtures/checkpoints/pytorch/${model}.safetensors`, import.meta.url).pathname);
      expect(onnx.layers.length).toBe(st.layers.length);
      onnx.layers.forEach((cell, i) => {
        const other = st.layers[i] as Cell;
        expect(onnx.layerInfo[i]?.direction).toBe(st.layerInfo[i]?.direction);
        expect(onnx.layerInfo[i]?.depth).toBe(st.layerInfo[i]?.depth);
        expect(weightArrays(cell)).toEqual(weightArrays(other));
      });
    });
  }
});

describe('ONNX graph structure', () => {
  it('stacks: a node reading another one through Squeeze sits one depth above and names it', async () => {
    const gru2 = await readCheckpoint(path('gru2.onnx'));
    expect(gru2.layerInfo.map((l) => [l.name, l.depth, l.inputFrom])).toEqual([['/GRU', 0, null], ['/GRU_1', 1, '/GRU']]);
    const lstm2 = await readCheckpoint(path('lstm2.onnx'));
    expect(lstm2.layerInfo.map((l) => [l.name, l.depth, l.inputFrom])).toEqual([['/LSTM', 0, null], ['/LSTM_1', 1, '/LSTM']]);
  });

  it('a bidirectional stack: layer 1 reads layer 0 through Transpose and Reshape (both directions, width 2h)', async () => {
    const ck = await readCheckpoint(path('bigru2.onnx'));
    expect(ck.layerInfo.map((l, i) => [l.name, l.depth, l.inputFrom, ck.layers[i]?.inputSize])).toEqual([
      ['/GRU/forward', 0, null, 3], ['/GRU/reverse', 0, null, 3], ['/GRU_1/forward', 1, '/GRU/forward', 8], ['/GRU_1/reverse', 1, '/GRU/forward', 8],
    ]);
  });

  it('If / Loop subgraphs: layers named by path, stacks inside a branch, outer-scope initializers', async () => {
    const ck = await readCheckpoint(path('if_branches.onnx'));
    expect(ck.layerInfo.map((l) => [l.name, l.depth, l.inputFrom])).toEqual([
      ['If_25/else/GRU_0', 0, null],
      ['If_25/else/GRU_1', 1, 'If_25/else/GRU_0'],
      ['If_25/else/Loop_3/body/GRU_in_loop', 0, null],
      ['If_25/then/LSTM_881', 0, null],
    ]);
    // the Loop body's GRU and GRU_1 share the outer initializers Wg1, Rg1, Bg1
    expect(weightArrays(ck.layers[2] as Cell)).toEqual(weightArrays(ck.layers[1] as Cell));
  });

  it('Scan bodies and nested subgraphs: named by path, outer-scope weights, a stack inside the body', () => {
    const h = 2, d = 3;
    const W = floatTensor('W', [1, 3 * h, d], weights(3 * h * d, 11)), R = floatTensor('R', [1, 3 * h, h], weights(3 * h * h, 12));
    const W2 = floatTensor('W2', [1, 3 * h, h], weights(3 * h * h, 13));
    const gru = (x: string, w: string, y: string, name: string) => node('GRU', [x, w, 'R'], [y], name, [attr.int('hidden_size', h)]);
    const body = { name: 'body', node: [gru('xs', 'W', 'y0', 'GRU_a'), node('Transpose', ['y0'], ['y0t'], 'tr', [attr.ints('perm', [0, 1, 2, 3])]), node('Squeeze', ['y0t', 'ax'], ['y0s'], 'sq'), gru('y0s', 'W2', 'ys', 'GRU_b')], initializer: [{ name: 'ax', dims: [1], data_type: 7, int64_data: [1] }], input: [{ name: 'xs' }], output: [{ name: 'ys' }] };
    const bytes = encodeModel({ node: [node('Scan', ['x'], ['out'], 'Scan_7', [{ name: 'body', type: 5, g: body }, attr.int('num_scan_inputs', 1)])], initializer: [W, R, W2] });
    const ck = readOnnxBytes(bytes, 'scan.onnx');
    expect(ck.layerInfo.map((l) => [l.name, l.depth, l.inputFrom])).toEqual([['Scan_7/body/GRU_a', 0, null], ['Scan_7/body/GRU_b', 1, 'Scan_7/body/GRU_a']]);
    expect(ck.layers.map((c) => [c.inputSize, c.hiddenSize])).toEqual([[d, h], [h, h]]);
    // linear_before_reset absent: the ONNX default 0 (reset before the recurrent matmul)
    expect((ck.layers[0] as unknown as { weights: { resetAfter: boolean } }).weights.resetAfter).toBe(false);
  });

  it('repeated node names get their position, so that every layer has its own name', () => {
    const W = floatTensor('W', [1, 6, 3], weights(18, 21)), R = floatTensor('R', [1, 6, 2], weights(12, 22));
    const bytes = encodeModel({ node: [node('GRU', ['x', 'W', 'R'], ['y1'], 'rnn'), node('GRU', ['x', 'W', 'R'], ['y2'], 'rnn')], initializer: [W, R] });
    expect(readOnnxBytes(bytes, 'dup.onnx').layerInfo.map((l) => l.name)).toEqual(['rnn', 'rnn#2']);
  });

  it('a conv front-end is not a recurrent layer: the LSTM reads it at depth 0', async () => {
    const ck = await readCheckpoint(path('conv_lstm.onnx'));
    expect(ck.layerInfo.map((l) => [l.name, l.depth, l.inputFrom])).toEqual([['/rnn/LSTM', 0, null]]);
  });

  it('directions: bidirectional gives /forward and /reverse, reverse alone a backward layer', async () => {
    expect((await readCheckpoint(path('bigru.onnx'))).layerInfo.map((l) => [l.name, l.direction])).toEqual([['/GRU/forward', 'forward'], ['/GRU/reverse', 'backward']]);
    expect((await readCheckpoint(path('gru_lbr0.onnx'))).layerInfo.map((l) => [l.name, l.direction])).toEqual([['gru_reset_before', 'backward']]);
  });

  it('notes say what was ignored and assumed', async () => {
    const ck = await readCheckpoint(path('gru2.onnx'));
    expect(ck.notes?.[0]).toBe('ONNX opset 14, produced by pytorch 1.13');
    expect(ck.layerInfo[0]?.inferred).toEqual(['input initial_h does not change the cell (the audit drives it from its own states): ignored', 'activations Sigmoid, Tanh (ONNX defaults)']);
  });
});
