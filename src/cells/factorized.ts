/**
 * Factorized (block-diagonal) recurrent cells: g independent sub-cells on g slices of the
 * input and of the state, section 2.2.1 of the paper, eq. (14):
 *
 *     for each block b = 1..g:  s'_b = F_b(s_b, x_b)
 *
 * Equivalently, one dense cell whose every weight matrix (input and recurrent, every gate)
 * is block diagonal with g blocks. The state Jacobian is then block diagonal (for an LSTM,
 * after grouping each block's h and c), so its spectrum is the union of the g blocks'
 * spectra: `blockJacobians` returns the g small matrices to analyse separately.
 *
 * @module
 */
import { blockDiagonal } from '../linalg/blockDiagonal.js';
import { type DenseMatrix, type Matrix, toRows } from '../linalg/dense.js';
import { GruCell } from './gru.js';
import { checkLength, nested } from './internal/weights.js';
import { LstmCell } from './lstm.js';
import { type Cell, type CellKind, CellShapeError, type GateSpec, type GateWeights } from './types.js';

/** A dense GRU or LSTM: the blocks of a factorized cell. */
export type DenseCell = GruCell | LstmCell;

const GATE_NAMES: Record<CellKind, readonly string[]> = { gru: ['z', 'r', 'n'], lstm: ['i', 'f', 'g', 'o'] };

/**
 * A factorized cell made of g dense cells of one kind. Block b reads input entries
 * [dOff_b, dOff_b + d_b) and owns hidden entries [hOff_b, hOff_b + h_b). State layout: GRU
 * [h_1 .. h_g]; LSTM [h_1 .. h_g; c_1 .. c_g] (the dense cell's [h; c] layout, so `output`
 * is still the first `hiddenSize` entries). The paper uses equal blocks (d/g, h/g); unequal
 * blocks are allowed.
 */
export class FactorizedCell implements Cell {
  readonly kind: CellKind;
  readonly variant = 'factorized' as const;
  readonly groups: number;
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly stateSize: number;
  readonly parameterCount: number;
  readonly flopsPerStep: number;
  readonly blocks: readonly DenseCell[];
  private readonly inputOffsets: number[];
  private readonly hiddenOffsets: number[];

  constructor(blocks: readonly DenseCell[]) {
    const first = blocks[0];
    if (!first) throw new CellShapeError('FactorizedCell: expected at least one block, found none');
    blocks.forEach((b, i) => {
      if (b.kind !== first.kind) throw new CellShapeError(`FactorizedCell: block ${i} is a ${b.kind}, expected ${first.kind} like block 0`);
    });
    this.kind = first.kind;
    this.blocks = blocks;
    this.groups = blocks.length;
    this.inputOffsets = offsets(blocks.map((b) => b.inputSize));
    this.hiddenOffsets = offsets(blocks.map((b) => b.hiddenSize));
    this.inputSize = this.inputOffsets[this.groups] as number;
    this.hiddenSize = this.hiddenOffsets[this.groups] as number;
    this.stateSize = this.kind === 'lstm' ? 2 * this.hiddenSize : this.hiddenSize;
    this.parameterCount = blocks.reduce((s, b) => s + b.parameterCount, 0);
    this.flopsPerStep = blocks.reduce((s, b) => s + b.flopsPerStep, 0);
    this.blockIndices = blocks.map((_, b) => this.blockStateIndices(b));
  }

  initialState(): Float64Array {
    return new Float64Array(this.stateSize);
  }

  output(state: Float64Array): Float64Array {
    checkLength(state, this.stateSize, 'FactorizedCell.output state');
    return state.slice(0, this.hiddenSize);
  }

  /** Indices of block b's state (its [h_b] or [h_b; c_b]) in the full state vector. */
  blockStateIndices(b: number): Int32Array {
    const block = this.blocks[b];
    if (!block) throw new CellShapeError(`FactorizedCell: block ${b} does not exist (groups = ${this.groups})`);
    const h0 = this.hiddenOffsets[b] as number, hb = block.hiddenSize;
    const idx = new Int32Array(block.stateSize);
    for (let i = 0; i < hb; i++) idx[i] = h0 + i;
    if (this.kind === 'lstm') for (let i = 0; i < hb; i++) idx[hb + i] = this.hiddenSize + h0 + i;
    return idx;
  }

  /** Block b's slice of the input. */
  blockInput(input: Float64Array, b: number): Float64Array {
    const d0 = this.inputOffsets[b] as number;
    return input.subarray(d0, d0 + (this.blocks[b] as DenseCell).inputSize);
  }

  /** Block b's state gathered from the full state. */
  blockState(state: Float64Array, b: number): Float64Array {
    const idx = this.blockStateIndices(b);
    const out = new Float64Array(idx.length);
    for (let i = 0; i < idx.length; i++) out[i] = state[idx[i] as number] as number;
    return out;
  }

  step(state: Float64Array, input: Float64Array): Float64Array {
    this.check(state, input);
    const next = new Float64Array(this.stateSize);
    this.blocks.forEach((block, b) => {
      const s = block.step(this.blockState(state, b), this.blockInput(input, b));
      const idx = this.blockStateIndices(b);
      for (let i = 0; i < idx.length; i++) next[idx[i] as number] = s[i] as number;
    });
    return next;
  }

  /**
   * Steps n sequences at once, block by block (each block's {@link GruCell.stepBatch} /
   * {@link LstmCell.stepBatch} on the gathered block states and input slices): row b of the
   * result is `step(states row b, inputs row b)`, bit for bit.
   *
   * @param states - n x stateSize, row-major
   * @param inputs - n x inputSize, row-major
   * @param out - optional n x stateSize result buffer (must not alias `states`)
   * @param preactivations - optional n x (G hiddenSize) buffer, G = 2 (GRU: z, r) or 3 (LSTM:
   *   i, f, o): row b receives, block after block, each block's sigmoid-gate pre-activations
   *   in its own layout (G h_k values at offset G hOffset_k)
   * @returns `out` (or a new array) with the n next states
   */
  stepBatch(states: Float64Array, inputs: Float64Array, n: number, out?: Float64Array, preactivations?: Float64Array): Float64Array {
    const S = this.stateSize, D = this.inputSize, H = this.hiddenSize;
    const G = this.kind === 'gru' ? 2 : 3;
    if (!Number.isSafeInteger(n) || n < 0) throw new CellShapeError(`FactorizedCell.stepBatch: n is ${String(n)}, expected an integer >= 0`);
    checkLength(states, n * S, 'FactorizedCell.stepBatch states (n x stateSize)');
    checkLength(inputs, n * D, 'FactorizedCell.stepBatch inputs (n x inputSize)');
    const next = out ?? new Float64Array(n * S);
    checkLength(next, n * S, 'FactorizedCell.stepBatch out (n x stateSize)');
    if (next === states) throw new CellShapeError('FactorizedCell.stepBatch: out aliases states, expected a separate buffer');
    if (preactivations) checkLength(preactivations, n * G * H, 'FactorizedCell.stepBatch preactivations (n x G hiddenSize)');
    this.blocks.forEach((block, k) => {
      const idx = this.blockIndices[k] as Int32Array;
      const sb = block.stateSize, db = block.inputSize, hb = block.hiddenSize;
      const d0 = this.inputOffsets[k] as number, h0 = this.hiddenOffsets[k] as number;
      const need = n * (2 * sb + db + G * hb);
      if (this.batchScratch.length < need) this.batchScratch = new Float64Array(need);
      const buf = this.batchScratch;
      const bs = buf.subarray(0, n * sb), bo = buf.subarray(n * sb, 2 * n * sb);
      const bi = buf.subarray(2 * n * sb, 2 * n * sb + n * db);
      const bp = preactivations ? buf.subarray(2 * n * sb + n * db, need) : undefined;
      for (let b = 0; b < n; b++) {
        for (let i = 0; i < sb; i++) bs[b * sb + i] = states[b * S + (idx[i] as number)] as number;
        for (let j = 0; j < db; j++) bi[b * db + j] = inputs[b * D + d0 + j] as number;
      }
      block.stepBatch(bs, bi, n, bo, bp);
      for (let b = 0; b < n; b++) {
        for (let i = 0; i < sb; i++) next[b * S + (idx[i] as number)] = bo[b * sb + i] as number;
        if (preactivations && bp) preactivations.set(bp.subarray(b * G * hb, (b + 1) * G * hb), b * G * H + G * h0);
      }
    });
    return next;
  }

  private batchScratch: Float64Array = new Float64Array(0);
  private readonly blockIndices: Int32Array[];

  /** The g blocks' state Jacobians, each in its block's own state layout. */
  blockJacobians(state: Float64Array, input: Float64Array): DenseMatrix[] {
    this.check(state, input);
    return this.blocks.map((block, b) => block.jacobianDense(this.blockState(state, b), this.blockInput(input, b)));
  }

  jacobianDense(state: Float64Array, input: Float64Array): DenseMatrix {
    const n = this.stateSize;
    const out = new Float64Array(n * n);
    this.blockJacobians(state, input).forEach((jb, b) => {
      const idx = this.blockStateIndices(b);
      for (let i = 0; i < idx.length; i++) {
        const row = (idx[i] as number) * n;
        for (let j = 0; j < idx.length; j++) out[row + (idx[j] as number)] = jb.data[i * jb.cols + j] as number;
      }
    });
    return { rows: n, cols: n, data: out };
  }

  inputJacobianDense(state: Float64Array, input: Float64Array): DenseMatrix {
    this.check(state, input);
    const n = this.stateSize, d = this.inputSize;
    const out = new Float64Array(n * d);
    this.blocks.forEach((block, b) => {
      const kb = block.inputJacobianDense(this.blockState(state, b), this.blockInput(input, b));
      const idx = this.blockStateIndices(b);
      const d0 = this.inputOffsets[b] as number;
      for (let i = 0; i < idx.length; i++) {
        for (let j = 0; j < kb.cols; j++) out[(idx[i] as number) * d + d0 + j] = kb.data[i * kb.cols + j] as number;
      }
    });
    return { rows: n, cols: d, data: out };
  }

  jacobian(state: Float64Array, input: Float64Array): Matrix {
    return toRows(this.jacobianDense(state, input));
  }

  inputJacobian(state: Float64Array, input: Float64Array): Matrix {
    return toRows(this.inputJacobianDense(state, input));
  }

  /**
   * The equivalent dense cell: every gate's input and recurrent matrix block diagonal, biases
   * concatenated. Its step equals this cell's step exactly (same sums, zero terms added).
   */
  toDense(): DenseCell {
    const names = GATE_NAMES[this.kind];
    const gates: Record<string, GateSpec> = {};
    for (const name of names) {
      const per = this.blocks.map((b) => (b.weights as unknown as Record<string, GateWeights>)[name] as GateWeights);
      gates[name] = {
        input: blockDiagonal(per.map((g, b) => nested(g.input, (this.blocks[b] as DenseCell).hiddenSize, (this.blocks[b] as DenseCell).inputSize))),
        recurrent: blockDiagonal(per.map((g, b) => nested(g.recurrent, (this.blocks[b] as DenseCell).hiddenSize, (this.blocks[b] as DenseCell).hiddenSize))),
        inputBias: per.flatMap((g) => Array.from(g.inputBias)),
        recurrentBias: per.flatMap((g) => Array.from(g.recurrentBias)),
      };
    }
    const biasVectors = (this.blocks[0] as DenseCell).weights.biasVectors;
    if (this.kind === 'gru') {
      const resetAfter = (this.blocks[0] as GruCell).weights.resetAfter;
      this.blocks.forEach((b, i) => {
        if ((b as GruCell).weights.resetAfter !== resetAfter) throw new CellShapeError(`FactorizedCell.toDense: block ${i} has resetAfter=${!resetAfter}, block 0 ${resetAfter}`);
      });
      return new GruCell({ inputSize: this.inputSize, hiddenSize: this.hiddenSize, resetAfter, biasVectors, z: gates.z!, r: gates.r!, n: gates.n! });
    }
    return new LstmCell({ inputSize: this.inputSize, hiddenSize: this.hiddenSize, biasVectors, i: gates.i!, f: gates.f!, g: gates.g!, o: gates.o! });
  }

  private check(state: Float64Array, input: Float64Array): void {
    checkLength(state, this.stateSize, 'FactorizedCell state');
    checkLength(input, this.inputSize, 'FactorizedCell input');
  }
}

function offsets(sizes: number[]): number[] {
  const out = [0];
  for (const s of sizes) out.push((out[out.length - 1] as number) + s);
  return out;
}

/**
 * Splits a dense cell whose weights are block diagonal with `groups` equal blocks into the
 * equivalent {@link FactorizedCell} (the inverse of `toDense`).
 *
 * @throws CellShapeError naming the gate, matrix and entry that lies off the blocks
 */
export function factorize(cell: DenseCell, groups: number, tol = 0): FactorizedCell {
  const d = cell.inputSize, h = cell.hiddenSize;
  if (!Number.isInteger(groups) || groups < 1 || d % groups !== 0 || h % groups !== 0) {
    throw new CellShapeError(`factorize: groups = ${groups} must divide inputSize ${d} and hiddenSize ${h}`);
  }
  const db = d / groups, hb = h / groups;
  const gates = cell.weights as unknown as Record<string, GateWeights>;
  const names = GATE_NAMES[cell.kind];
  for (const name of names) {
    const g = gates[name] as GateWeights;
    for (const [m, cols, cb, what] of [[g.input, d, db, 'input'], [g.recurrent, h, hb, 'recurrent']] as const) {
      for (let i = 0; i < h; i++) {
        for (let j = 0; j < cols; j++) {
          const v = m[i * cols + j] as number;
          if (Math.floor(i / hb) !== Math.floor(j / cb) && Math.abs(v) > tol) {
            throw new CellShapeError(`factorize: gate ${name} ${what} weights entry (${i}, ${j}) = ${v} lies off the ${groups} diagonal blocks (expected |v| <= ${tol})`);
          }
        }
      }
    }
  }
  const blocks: DenseCell[] = [];
  for (let b = 0; b < groups; b++) {
    const spec: Record<string, GateSpec> = {};
    for (const name of names) {
      const g = gates[name] as GateWeights;
      spec[name] = {
        input: Array.from({ length: hb }, (_, i) => Array.from(g.input.subarray((b * hb + i) * d + b * db, (b * hb + i) * d + (b + 1) * db))),
        recurrent: Array.from({ length: hb }, (_, i) => Array.from(g.recurrent.subarray((b * hb + i) * h + b * hb, (b * hb + i) * h + (b + 1) * hb))),
        inputBias: Array.from(g.inputBias.subarray(b * hb, (b + 1) * hb)),
        recurrentBias: Array.from(g.recurrentBias.subarray(b * hb, (b + 1) * hb)),
      };
    }
    blocks.push(
      cell.kind === 'gru'
        ? new GruCell({ inputSize: db, hiddenSize: hb, resetAfter: cell.weights.resetAfter, biasVectors: cell.weights.biasVectors, z: spec.z!, r: spec.r!, n: spec.n! })
        : new LstmCell({ inputSize: db, hiddenSize: hb, biasVectors: cell.weights.biasVectors, i: spec.i!, f: spec.f!, g: spec.g!, o: spec.o! }),
    );
  }
  return new FactorizedCell(blocks);
}
