/**
 * PyTorch checkpoints (safetensors and torch.save zip) read into lrdkit cells.
 *
 * Fixtures and references: test/fixtures/checkpoints/generate_pytorch.py, run as
 *
 *     OPENBLAS_NUM_THREADS=1 /usr/bin/python3 test/fixtures/checkpoints/generate_pytorch.py
 *
 * (Debian python3, torch 1.13, numpy 1.24). It builds nn.GRU / nn.LSTM modules with the seeded
 * float32 weights of test/fixtures/checkpoints/weights.py, writes each as safetensors (by hand,
 * reference layout) and with torch.save, and computes in float64, on the same float32 weights
 * upcast: torch.nn.GRUCell / LSTMCell next states and torch.autograd.functional.jacobian state
 * Jacobians at 3 seeded points per layer, and numpy.linalg.eigvals spectral radii of the
 * candidate recurrent block (GRU U_n = weight_hh[2h:3h], LSTM U_g = weight_hh[2h:3h]).
 *
 * Tolerances: step and Jacobian 1e-12 relative (to max(1, max |ref|)): both sides evaluate the
 * same float64 expressions on bit-identical weights, so they differ by rounding only, O(h eps)
 * ~ 1e-15 for h = 8. Spectral radius 1e-9: LAPACK (numpy) and lrdkit's eigensolver are different
 * iterations, each accurate to ~1e-14 for these well-conditioned 8 x 8 matrices.
 */
import { describe, expect, it } from 'vitest';
import { FactorizedCell } from '../../src/cells/factorized.js';
import { GruCell } from '../../src/cells/gru.js';
import { LstmCell } from '../../src/cells/lstm.js';
import type { Cell } from '../../src/cells/types.js';
import type { RawTensor } from '../../src/checkpoints/internal/layers.js';
import { pytorchLayers, readPytorchCheckpoint } from '../../src/checkpoints/pytorch.js';
import { decodeElements, readSafetensors } from '../../src/checkpoints/safetensors.js';
import { readTorchZip } from '../../src/checkpoints/torchZip.js';
import { spectralRadius } from '../../src/linalg/eigenvalues.js';
import { relativeError } from '../support/assertions.js';
import { MODELS, expectCheckpointError, fixture, reference, weightArrays, writeSafetensors } from './torchFixtures.js';

const read = (name: string): Map<string, RawTensor> => (name.endsWith('.pt') ? readTorchZip(fixture(name), name) : readSafetensors(fixture(name), name));
const layersOf = (name: string) => pytorchLayers(read(name), name);

/** Cells equal weight for weight (exact), same kind, shape and groups. */
function expectSameCells(a: Cell[], b: Cell[]): void {
  expect(a.length).toBe(b.length);
  a.forEach((cell, i) => {
    const other = b[i] as Cell;
    expect([cell.kind, cell.variant, cell.groups, cell.inputSize, cell.hiddenSize]).toEqual([other.kind, other.variant, other.groups, other.inputSize, other.hiddenSize]);
    const wa = weightArrays(cell), wb = weightArrays(other);
    expect(wa.length).toBe(wb.length);
    wa.forEach((w, j) => expect(Array.from(w)).toEqual(Array.from(wb[j] as Float64Array)));
  });
}

describe('every PyTorch fixture reads', () => {
  const files = [...MODELS.flatMap((m) => [`${m}.safetensors`, `${m}.pt`]), 'gru2_prefixed.pt', 'gru2_nested.pt', 'gru2_strided.pt', 'gru2_params_p4.pt'];
  it.each(files)('pytorchLayers(read(%s)) gives finite dense or factorized cells', (name) => {
    const { layers, layerInfo } = layersOf(name);
    expect(layers.length).toBeGreaterThan(0);
    expect(layerInfo.length).toBe(layers.length);
    for (const [i, info] of layerInfo.entries()) {
      expect(info.layout).toBe('pytorch');
      expect(info.tensors.length).toBe(4);
      expect(layers[i]?.groups).toBe(info.detectedGroups);
    }
  });

  it('readPytorchCheckpoint dispatches on the signature: zip -> torch-zip, else safetensors', () => {
    const pt = readPytorchCheckpoint(fixture('gru2.pt'), 'gru2.pt');
    const st = readPytorchCheckpoint(fixture('gru2.safetensors'), 'gru2.safetensors');
    expect([pt.format, st.format, pt.path]).toEqual(['torch-zip', 'safetensors', 'gru2.pt']);
    expectSameCells(pt.layers, st.layers);
  });

  it('Node Buffers at a non-zero byteOffset (readFileSync, pooled buffers) read the same', () => {
    for (const name of ['gru2.safetensors', 'gru2.pt']) {
      const pad = Buffer.alloc(13, 0xee);
      const shifted = Buffer.concat([pad, Buffer.from(fixture(name)), pad]).subarray(13, 13 + fixture(name).length);
      expect(shifted.byteOffset % 4).not.toBe(0);
      const a = name.endsWith('.pt') ? readTorchZip(shifted, name) : readSafetensors(shifted, name);
      for (const [k, t] of read(name)) expect(Array.from(a.get(k)?.data ?? [])).toEqual(Array.from(t.data));
    }
  });

  it('the fixtures stay small (KB, not MB)', () => {
    for (const name of files) expect(fixture(name).length).toBeLessThan(16 * 1024);
  });
});

describe('PyTorch cells match torch float64 references (reference.json)', () => {
  for (const model of ['gru2', 'lstm2'] as const) {
    const refs = reference.models[model] as NonNullable<(typeof reference.models)[string]>;
    for (const format of ['safetensors', 'pt'] as const) {
      it(`${model}.${format}: step and state Jacobian to 1e-12, rho(W_h) to 1e-9, per layer`, () => {
        const { layers, layerInfo } = layersOf(`${model}.${format}`);
        expect(layerInfo.map((l) => l.name)).toEqual(refs.map((r) => r.name));
        refs.forEach((ref, k) => {
          const cell = layers[k] as Cell;
          expect(cell.kind).toBe(ref.kind);
          expect([cell.inputSize, cell.hiddenSize]).toEqual([ref.inputSize, ref.hiddenSize]);
          expect(layerInfo[k]?.depth).toBe(k);
          for (const s of ref.samples) {
            const state = Float64Array.from(s.state), input = Float64Array.from(s.input);
            expect(relativeError(cell.step(state, input), s.next)).toBeLessThanOrEqual(1e-12);
            expect(relativeError(cell.jacobian(state, input), s.jacobian)).toBeLessThanOrEqual(1e-12);
          }
          const h = cell.hiddenSize;
          const wh = cell instanceof GruCell ? cell.weights.n.recurrent : (cell as LstmCell).weights.g.recurrent;
          const rho = spectralRadius({ rows: h, cols: h, data: wh });
          expect(Math.abs(rho - ref.spectralRadius) / ref.spectralRadius).toBeLessThanOrEqual(1e-9);
        });
      });
    }
  }
});

describe('the same model in every container gives the same cells', () => {
  it.each(MODELS)('%s: safetensors and torch.save give bit-identical weights', (model) => {
    expectSameCells(layersOf(`${model}.safetensors`).layers, layersOf(`${model}.pt`).layers);
  });

  it('gru2_strided.pt (transposed views, biases sharing one storage at offsets 0 and 3h) equals gru2', () => {
    const strided = read('gru2_strided.pt'), plain = read('gru2.safetensors');
    expect([...strided.keys()].sort()).toEqual([...plain.keys()].sort());
    for (const [k, t] of plain) {
      expect(strided.get(k)?.shape).toEqual(t.shape);
      expect(Array.from(strided.get(k)?.data ?? [])).toEqual(Array.from(t.data));
    }
    expectSameCells(layersOf('gru2_strided.pt').layers, layersOf('gru2.safetensors').layers);
  });

  it('gru2_prefixed.pt: layers rnn.l0, rnn.l1 equal gru2; the Linear head is ignored', () => {
    const { layers, layerInfo } = layersOf('gru2_prefixed.pt');
    expect(layerInfo.map((l) => [l.name, l.depth, l.direction])).toEqual([['rnn.l0', 0, 'forward'], ['rnn.l1', 1, 'forward']]);
    expect(layerInfo[1]?.tensors).toEqual(['rnn.weight_ih_l1', 'rnn.weight_hh_l1', 'rnn.bias_ih_l1', 'rnn.bias_hh_l1']);
    expect(read('gru2_prefixed.pt').get('head.weight')?.shape).toEqual([3, 8]);
    expectSameCells(layers, layersOf('gru2.pt').layers);
  });

  it('gru2_nested.pt: the state dict under "state_dict" of a training checkpoint is found', () => {
    expectSameCells(layersOf('gru2_nested.pt').layers, layersOf('gru2.pt').layers);
    expect([...read('gru2_nested.pt').keys()]).toEqual([...read('gru2_prefixed.pt').keys()]);
  });

  it('gru2_params_p4.pt: nn.Parameters (_rebuild_parameter) under "model", pickle protocol 4, equal gru2', () => {
    expect([...read('gru2_params_p4.pt').keys()]).toEqual([...read('gru2.pt').keys()]);
    expectSameCells(layersOf('gru2_params_p4.pt').layers, layersOf('gru2.pt').layers);
  });
});

describe('layer structure', () => {
  it('bigru: 2 layers l0 (forward) and l0_reverse (backward), both depth 0', () => {
    for (const ext of ['safetensors', 'pt']) {
      const { layers, layerInfo } = layersOf(`bigru.${ext}`);
      expect(layers.length).toBe(2);
      expect(layerInfo.map((l) => [l.name, l.depth, l.direction])).toEqual([['l0', 0, 'forward'], ['l0_reverse', 0, 'backward']]);
      expect(layers.map((c) => [c.kind, c.inputSize, c.hiddenSize])).toEqual([['gru', 4, 6], ['gru', 4, 6]]);
    }
  });

  it('gru_blocks: block-diagonal weights are detected as groups = 2 (a FactorizedCell)', () => {
    for (const ext of ['safetensors', 'pt']) {
      const { layers, layerInfo } = layersOf(`gru_blocks.${ext}`);
      expect(layerInfo[0]?.detectedGroups).toBe(2);
      expect(layers[0]).toBeInstanceOf(FactorizedCell);
      expect(layers[0]?.groups).toBe(2);
    }
  });

  it('lstm2: LSTM cells with the [h; c] state', () => {
    const { layers } = layersOf('lstm2.pt');
    expect(layers.map((c) => [c.kind, c.stateSize])).toEqual([['lstm', 16], ['lstm', 16]]);
  });
});

describe('dtypes: F16, BF16, F32, F64 and I64 decode exactly (reference.json "dtypes")', () => {
  for (const name of ['dtypes.safetensors', 'dtypes.pt']) {
    it(`${name}`, () => {
      const t = read(name);
      for (const [key, values] of Object.entries(reference.dtypes)) {
        const got = Array.from(t.get(key)?.data ?? []);
        expect(got.length).toBe(values.length);
        got.forEach((v, i) => expect(Object.is(v, values[i]), `${key}[${i}]: ${v} vs ${values[i]}`).toBe(true));
      }
      expect(t.get('f32')?.shape).toEqual([3, 1]);
      expect(t.get('f32')?.data).toBeInstanceOf(Float32Array);
      expect(t.get('f64')?.data).toBeInstanceOf(Float64Array);
    });
  }
});

describe('decodeElements: half-precision special values and byte order', () => {
  const u16 = (...v: number[]) => new Uint8Array(Uint16Array.from(v).buffer);
  it('F16 infinities, NaN, subnormals and 1/3; BF16 infinity; big-endian F32 and F64', () => {
    expect(Array.from(decodeElements(u16(0x7c00, 0xfc00, 0x0001, 0x8400, 0x3555, 0x3c00), 'F16'))).toEqual([Infinity, -Infinity, 2 ** -24, -(2 ** -14), 0.333251953125, 1]);
    expect(Number.isNaN(decodeElements(u16(0x7e00), 'F16')[0])).toBe(true);
    expect(Array.from(decodeElements(u16(0x7f80, 0xbf80, 0x4049), 'BF16'))).toEqual([Infinity, -1, 3.140625]);
    expect(Array.from(decodeElements(new Uint8Array([0x3f, 0x80, 0, 0, 0xc0, 0, 0, 0]), 'F32', false))).toEqual([1, -2]);
    expect(Array.from(decodeElements(new Uint8Array([0x3f, 0xf0, 0, 0, 0, 0, 0, 0]), 'F64', false))).toEqual([1]);
    expect(Array.from(decodeElements(new Uint8Array([0xff, 0x01, 0x00, 0x80]), 'I8'))).toEqual([-1, 1, 0, -128]);
    expect(Array.from(decodeElements(new Uint8Array([0, 2, 1]), 'BOOL'))).toEqual([0, 1, 1]);
  });
});

describe('pytorchLayers on hand-made state dicts', () => {
  const h = 3, d = 2;
  const seq = (n: number, s = 0.01) => Array.from({ length: n }, (_, i) => ((i * 37) % 11) * s - 0.05);
  const gruTensors = (prefix: string, suffix: string, bias = true) => ({
    [`${prefix}weight_ih${suffix}`]: { shape: [3 * h, d], data: seq(3 * h * d) },
    [`${prefix}weight_hh${suffix}`]: { shape: [3 * h, h], data: seq(3 * h * h) },
    ...(bias ? { [`${prefix}bias_ih${suffix}`]: { shape: [3 * h], data: seq(3 * h) }, [`${prefix}bias_hh${suffix}`]: { shape: [3 * h], data: seq(3 * h, 0.02) } } : {}),
  });
  const layers = (tensors: Parameters<typeof writeSafetensors>[0]) => pytorchLayers(readSafetensors(writeSafetensors(tensors), 'sd.safetensors'), 'sd.safetensors');

  it('nn.GRUCell names (weight_ih, ...) give one layer named after the module', () => {
    const { layers: cells, layerInfo } = layers({ ...gruTensors('decoder.cell.', ''), ...gruTensors('', '') });
    expect(layerInfo.map((l) => [l.name, l.depth])).toEqual([['cell', 0], ['decoder.cell', 0]]);
    expect(cells.map((c) => c.kind)).toEqual(['gru', 'gru']);
  });

  it('bias=False modules (no bias tensors) get zero biases', () => {
    const { layers: cells, layerInfo } = layers(gruTensors('enc.', '_l0', false));
    expect(layerInfo[0]?.tensors).toEqual(['enc.weight_ih_l0', 'enc.weight_hh_l0']);
    const g = (cells[0] as GruCell).weights;
    for (const gate of [g.z, g.r, g.n]) expect([...gate.inputBias, ...gate.recurrentBias].every((v) => v === 0)).toBe(true);
  });

  it('layers are ordered by prefix, then k (string order of prefixes, whatever the file order)', () => {
    const { layerInfo } = layers({ ...gruTensors('b.', '_l0'), ...gruTensors('a.', '_l0') });
    expect(layerInfo.map((l) => l.name)).toEqual(['a.l0', 'b.l0']);
  });

  it('a float64 state dict reads too', () => {
    const t = gruTensors('', '_l0');
    const f64 = Object.fromEntries(Object.entries(t).map(([k, v]) => [k, { ...v, dtype: 'F64' as const }]));
    expect(layers(f64).layers[0]?.kind).toBe('gru');
  });

  it('no recurrent parameters: CheckpointError listing the first tensor names', () => {
    const e = expectCheckpointError(() => layers({ 'head.weight': { shape: [2, 2], data: [1, 2, 3, 4] } }), 'sd.safetensors', 'state dict', /nn\.GRU\/nn\.LSTM/, /head\.weight/);
    expect(e.detail).toMatch(/weight_ih_l0/);
  });

  it('missing weight_hh, a lone bias, nn.RNN shapes, projections, gaps and width mismatches are CheckpointErrors', () => {
    const t = gruTensors('rnn.', '_l0');
    const without = (k: string) => Object.fromEntries(Object.entries(t).filter(([n]) => n !== k));
    expectCheckpointError(() => layers(without('rnn.weight_hh_l0')), 'sd.safetensors', 'layer rnn.l0', /rnn\.weight_hh_l0/);
    expectCheckpointError(() => layers(without('rnn.bias_hh_l0')), 'sd.safetensors', 'layer rnn.l0', /both biases or neither/, /rnn\.bias_hh_l0/);
    expectCheckpointError(() => layers({ ...t, 'rnn.weight_hh_l0': { shape: [3, 3], data: seq(9) } }), 'sd.safetensors', 'tensor rnn.weight_hh_l0', /\[3h, h\]/, /\[3, 3\]/, /nn\.RNN/);
    expectCheckpointError(() => layers({ ...t, 'rnn.weight_hh_l0': { shape: [9, 2], data: seq(18) } }), 'sd.safetensors', 'tensor rnn.weight_hh_l0', /\[9, 2\]/);
    expectCheckpointError(() => layers({ ...t, 'rnn.weight_hr_l0': { shape: [2, 3], data: seq(6) } }), 'sd.safetensors', 'tensor rnn.weight_hr_l0', /proj_size/);
    expectCheckpointError(() => layers({ ...t, ...gruTensors('rnn.', '_l2') }), 'sd.safetensors', 'module rnn', /l0\.\.l1/, /l0, l2/);
    expectCheckpointError(() => layers({ ...t, ...gruTensors('rnn.', '_l1') }), 'sd.safetensors', 'tensor rnn.weight_ih_l1', /expected 3 columns/, /found 2/);
    expectCheckpointError(() => layers({ ...t, ...gruTensors('rnn.', '_l1_reverse') }), 'sd.safetensors', 'module rnn', /_reverse/, /l0/);
    expectCheckpointError(() => layers({ ...t, 'rnn.weight_ih_l0': { shape: [9, 2, 1], data: seq(18) } }), 'sd.safetensors', 'tensor rnn.weight_ih_l0', /\[9, cols\]/, /\[9, 2, 1\]/);
    expectCheckpointError(() => layers({ ...t, 'rnn.bias_ih_l0': { shape: [8], data: seq(8) } }), 'sd.safetensors', 'tensor rnn.bias_ih_l0', /\[9\]/, /\[8\]/);
  });
});
