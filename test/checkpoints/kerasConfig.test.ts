/**
 * Keras model configs -> recurrent layer plans (src/checkpoints/internal/kerasConfig.ts):
 * supported classes and wrappers, skipped layers, refused recurrent layers and activations,
 * Keras 3 container names.
 */
import { describe, expect, it } from 'vitest';
import { CheckpointError } from '../../src/checkpoints/errors.js';
import { planKerasModel, toSnakeCase } from '../../src/checkpoints/internal/kerasConfig.js';

const gru = (name: string, extra: Record<string, unknown> = {}) => ({ class_name: 'GRU', config: { name, units: 4, activation: 'tanh', recurrent_activation: 'sigmoid', reset_after: true, ...extra } });
const lstm = (name: string, extra: Record<string, unknown> = {}) => ({ class_name: 'LSTM', config: { name, units: 3, activation: 'tanh', recurrent_activation: 'sigmoid', ...extra } });
const cell = (cls: string, name: string) => ({ class_name: cls, config: { name, units: 2, activation: 'tanh', recurrent_activation: 'sigmoid' } });
const seq = (...layers: unknown[]) => ({ class_name: 'Sequential', config: { name: 'sequential', layers } });

function refused(config: unknown, detail: RegExp, where?: string): void {
  let err: unknown;
  try {
    planKerasModel(config, 'm.h5', 'model_config');
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(CheckpointError);
  expect((err as CheckpointError).detail).toMatch(detail);
  if (where) expect((err as CheckpointError).where).toContain(where);
}

describe('planKerasModel', () => {
  it('GRU, LSTM, RNN(cell), RNN(StackedRNNCells), Bidirectional; depths and Keras 3 container names', () => {
    const plan = planKerasModel(
      seq(
        { class_name: 'InputLayer', config: { name: 'input_1' } },
        { class_name: 'Embedding', config: { name: 'emb' } },
        gru('gru'),
        lstm('lstm', { go_backwards: true }),
        { class_name: 'RNN', config: { name: 'rnn', cell: cell('GRUCell', 'gru_cell') } },
        { class_name: 'RNN', config: { name: 'rnn_1', cell: { class_name: 'StackedRNNCells', config: { cells: [cell('LSTMCell', 'a'), cell('LSTMCell', 'b')] } } } },
        { class_name: 'Bidirectional', config: { name: 'bi', layer: gru('g2', { reset_after: false }), merge_mode: 'sum' } },
        gru('gru_2'),
        { class_name: 'Dropout', config: { name: 'drop' } },
        { class_name: 'Dense', config: { name: 'out' } },
      ),
      'm.h5',
      'model_config',
    );
    expect(plan.skipped.map((s) => s.name)).toEqual(['input_1', 'emb', 'drop', 'out']);
    const cells = plan.recurrent.flatMap((l) => l.cells.map((c) => [c.name, c.kind, c.depth, c.direction, c.resetAfter, c.v3Path]));
    expect(cells).toEqual([
      ['gru', 'gru', 0, 'forward', true, 'cell'],
      ['lstm', 'lstm', 1, 'backward', false, 'cell'],
      ['rnn', 'gru', 2, 'forward', null, 'cell'],
      ['rnn_1/a', 'lstm', 3, 'forward', false, 'cell/cells/lstm_cell'],
      ['rnn_1/b', 'lstm', 4, 'forward', false, 'cell/cells/lstm_cell_1'],
      ['bi/forward_g2', 'gru', 5, 'forward', false, 'forward_layer/cell'],
      ['bi/backward_g2', 'gru', 5, 'backward', false, 'backward_layer/cell'],
      ['gru_2', 'gru', 6, 'forward', true, 'cell'],
    ]);
    expect(plan.recurrent.map((l) => l.v3Name)).toEqual(['gru', 'lstm', 'rnn', 'rnn_1', 'bidirectional', 'gru_1']);
  });

  it('accepts the converter wrapper, JSON strings, Keras <= 2.2 Sequential lists and module paths', () => {
    const inner = { class_name: 'keras.layers.Sequential', config: [{ class_name: 'UnifiedGRU', config: { name: 'g', units: 2, recurrent_activation: 'sigmoid' } }] };
    const plan = planKerasModel({ model_config: JSON.stringify(inner), keras_version: '2.1.0' }, 'm', 'w');
    expect(plan.modelClass).toBe('Sequential');
    expect(plan.recurrent[0]?.cells[0]?.kind).toBe('gru');
    expect(plan.recurrent[0]?.cells[0]?.resetAfter).toBeNull();
  });

  it('snake_case of class names as Keras 3 writes them', () => {
    expect(['GRU', 'LSTM', 'Bidirectional', 'RNN', 'GRUCell', 'StackedRNNCells', 'InputLayer', 'Dense'].map(toSnakeCase)).toEqual([
      'gru',
      'lstm',
      'bidirectional',
      'rnn',
      'gru_cell',
      'stacked_rnn_cells',
      'input_layer',
      'dense',
    ]);
  });

  it('refuses unsupported recurrent layers, even next to supported ones', () => {
    refused(seq(gru('gru'), { class_name: 'SimpleRNN', config: { name: 's' } }), /unsupported recurrent layer s of class SimpleRNN/, 'layer s');
    refused(seq({ class_name: 'ConvLSTM2D', config: { name: 'c' } }), /class ConvLSTM2D/);
    refused(seq({ class_name: 'CuDNNLSTM', config: { name: 'c' } }), /class CuDNNLSTM/);
    refused(seq({ class_name: 'RNN', config: { name: 'r', cell: cell('SimpleRNNCell', 'x') } }), /GRUCell or LSTMCell, found class SimpleRNNCell/, 'layer r');
    refused(seq({ class_name: 'RNN', config: { name: 'r', cell: { class_name: 'StackedRNNCells', config: { cells: [cell('GRUCell', 'a'), cell('PeepholeLSTMCell', 'b')] } } } }), /found class PeepholeLSTMCell/);
    refused(seq({ class_name: 'TimeDistributed', config: { name: 't', layer: gru('g') } }), /unsupported recurrent layer t of class TimeDistributed \(it wraps a recurrent layer\)/);
    refused(seq({ class_name: 'Sequential', config: { name: 'inner', layers: [gru('g')] } }), /inside the nested model inner/);
    refused(seq({ class_name: 'MyGRU', registered_name: 'Custom>MyGRU', config: { name: 'm' } }), /class Custom>MyGRU/);
    refused(seq({ ...gru('g'), registered_name: 'Custom>GRU' }), /custom class Custom>GRU/);
    refused(seq({ class_name: 'Bidirectional', config: { name: 'b', layer: { class_name: 'SimpleRNN', config: { name: 's' } } } }), /found class SimpleRNN/);
  });

  it('refuses non-tanh / sigmoid activations, hard_sigmoid with its own message', () => {
    refused(seq(gru('g', { recurrent_activation: 'hard_sigmoid' })), /found 'hard_sigmoid' \(the default of Keras < 2\.3 and of tfjs-layers\)/, 'layer g');
    refused(seq(lstm('l', { activation: 'relu' })), /expected activation 'tanh' for LSTM .* found 'relu'/);
    refused(seq(lstm('l', { activation: null })), /found 'null'/);
    refused(seq(lstm('l', { recurrent_activation: undefined })), /recurrent_activation 'sigmoid' in the LSTM config, found none/);
    refused(seq({ class_name: 'Bidirectional', config: { name: 'b', layer: gru('f'), backward_layer: gru('bw', { go_backwards: true, activation: 'softsign' }) } }), /found 'softsign'/);
  });

  it('refuses configs that are not Sequential / Functional models, and bad units', () => {
    refused({ class_name: 'MyModel', config: {} }, /found class MyModel \(subclassed models/);
    refused('not json', /does not parse/);
    refused(null, /found null/);
    refused({ class_name: 'Functional', config: { name: 'f' } }, /expected config\.layers/);
    refused(seq(gru('g', { units: 0 })), /positive integer 'units'/);
    refused(seq(gru('g', { reset_after: 'yes' })), /reset_after true or false/);
  });

  it('a model without recurrent layers plans none (the readers then refuse it)', () => {
    expect(planKerasModel(seq({ class_name: 'Dense', config: { name: 'd' } }), 'm', 'w').recurrent).toEqual([]);
  });
});
