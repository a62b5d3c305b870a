/**
 * Seeded random cells: the fixtures of property tests, benchmarks and the CLI's demo.
 * Weights are iid uniform on [-scale, scale] with scale = 1 / sqrt(h) by default (PyTorch's
 * initialisation of nn.GRU / nn.LSTM).
 *
 * @module
 */
import type { Rng } from '../processes/prng.js';
import { ContextSwitchingCell } from './contextSwitching.js';
import { type DenseCell, FactorizedCell } from './factorized.js';
import { GruCell } from './gru.js';
import { LstmCell } from './lstm.js';
import type { CellKind, GateSpec } from './types.js';

/** Options of the random cell builders. */
export interface RandomCellOptions {
  kind: CellKind;
  inputSize: number;
  hiddenSize: number;
  /** Half-width of the uniform weight distribution (default 1 / sqrt(hiddenSize)). */
  scale?: number;
  /** GRU only (default true). */
  resetAfter?: boolean;
  /** Draw recurrent biases too (default true). */
  recurrentBias?: boolean;
}

function uniformMatrix(rng: Rng, rows: number, cols: number, scale: number): number[][] {
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => (2 * rng.uniform() - 1) * scale));
}

function randomGate(rng: Rng, d: number, h: number, scale: number, recurrentBias: boolean): GateSpec {
  return {
    input: uniformMatrix(rng, h, d, scale),
    recurrent: uniformMatrix(rng, h, h, scale),
    inputBias: (uniformMatrix(rng, 1, h, scale)[0] as number[]),
    ...(recurrentBias ? { recurrentBias: uniformMatrix(rng, 1, h, scale)[0] as number[] } : {}),
  };
}

/** A dense GRU or LSTM with iid uniform weights. */
export function randomDenseCell(rng: Rng, o: RandomCellOptions): DenseCell {
  const d = o.inputSize, h = o.hiddenSize;
  const scale = o.scale ?? 1 / Math.sqrt(h);
  const rb = o.recurrentBias ?? true;
  const gate = (): GateSpec => randomGate(rng, d, h, scale, rb);
  if (o.kind === 'gru') {
    const resetAfter = o.resetAfter ?? true;
    return new GruCell({ inputSize: d, hiddenSize: h, resetAfter, biasVectors: rb ? 2 : 1, z: gate(), r: gate(), n: gate() });
  }
  return new LstmCell({ inputSize: d, hiddenSize: h, biasVectors: rb ? 2 : 1, i: gate(), f: gate(), g: gate(), o: gate() });
}

/** A factorized cell of `groups` equal random blocks (inputSize, hiddenSize divisible by groups). */
export function randomFactorizedCell(rng: Rng, o: RandomCellOptions & { groups: number }): FactorizedCell {
  const blocks: DenseCell[] = [];
  for (let b = 0; b < o.groups; b++) {
    blocks.push(randomDenseCell(rng, { ...o, inputSize: o.inputSize / o.groups, hiddenSize: o.hiddenSize / o.groups, scale: o.scale ?? 1 / Math.sqrt(o.hiddenSize / o.groups) }));
  }
  return new FactorizedCell(blocks);
}

/** A context-switching cell: random factorized experts, a random dense auxiliary cell, a random readout. */
export function randomContextSwitchingCell(
  rng: Rng,
  o: RandomCellOptions & { groups: number; auxiliaryHiddenSize: number; maskInput?: boolean; maskOutput?: boolean },
): ContextSwitchingCell {
  const experts = randomFactorizedCell(rng, o);
  const auxiliary = randomDenseCell(rng, { ...o, hiddenSize: o.auxiliaryHiddenSize, scale: 1 / Math.sqrt(o.auxiliaryHiddenSize) });
  const weight = uniformMatrix(rng, o.groups, o.auxiliaryHiddenSize, 1);
  const bias = uniformMatrix(rng, 1, o.groups, 1)[0] as number[];
  return new ContextSwitchingCell({
    experts,
    auxiliary,
    readout: { weight, bias },
    ...(o.maskInput !== undefined ? { maskInput: o.maskInput } : {}),
    ...(o.maskOutput !== undefined ? { maskOutput: o.maskOutput } : {}),
  });
}
