/**
 * Training checkpoints: written through writeLrdkitCheckpoint (plus the training state) and read
 * back, every weight, optimizer slot, generator state and step comes back bit for bit, with the
 * factorized / context-switching structure kept; damaged checkpoints are refused with a message
 * naming the file.
 */
import { lstatSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContextSwitchingCell } from '../../src/cells/contextSwitching.js';
import { FactorizedCell } from '../../src/cells/factorized.js';
import { CheckpointError } from '../../src/checkpoints/errors.js';
import { readCheckpoint } from '../../src/checkpoints/index.js';
import { createRng } from '../../src/processes/prng.js';
import { SequenceModel } from '../../src/train/model.js';
import { cellsFromWeights, parameterShapes } from '../../src/train/modelConfig.js';
import { CHECKPOINT_DIR, STATE_BIN, findCheckpoint, isRecurrentTensor, readTrainingCheckpoint, writeTrainingCheckpoint } from '../../src/train/runDirectory.js';
import { VARIANTS, label, randomWeights, removeTempDirs, tempDir, useWasm } from './helpers.js';

beforeAll(async () => {
  await useWasm();
});
afterAll(removeTempDirs);

function sameBits(a: Float32Array, b: Float32Array): boolean {
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length), ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  return ua.length === ub.length && ua.every((v, i) => v === ub[i]);
}

function stateFor(config: (typeof VARIANTS)[number], seed: number) {
  const rng = createRng(seed);
  const shapes = parameterShapes(config);
  const slot = (shape: readonly number[]) => Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.uniform());
  return {
    step: 37,
    elapsedSeconds: 12.5,
    rngState: createRng(seed + 1).fork(2).state(),
    optimizer: { iterations: 37, meanSquares: shapes.map(([, s]) => slot(s)), moments: shapes.map(([, s]) => slot(s)) },
  };
}

describe('writeTrainingCheckpoint / readTrainingCheckpoint', () => {
  VARIANTS.forEach((config, k) => {
    it(`${label(config)}: weights, RMSProp slots, generator state and step come back bit for bit`, async () => {
      const weights = randomWeights(config, createRng(400 + k));
      const state = stateFor(config, 500 + k);
      const dir = tempDir();
      writeTrainingCheckpoint(dir, config, weights, cellsFromWeights(config, weights), state, { seed: 3 });
      const back = await readTrainingCheckpoint(dir, config);
      for (const [name, w] of weights) expect(sameBits(back.weights.get(name)!.values, w.values), name).toBe(true);
      state.optimizer.meanSquares.forEach((s, i) => expect(sameBits(back.optimizer.meanSquares[i]!, s)).toBe(true));
      state.optimizer.moments.forEach((s, i) => expect(sameBits(back.optimizer.moments[i]!, s)).toBe(true));
      expect([back.step, back.elapsedSeconds, back.optimizer.iterations, [...back.rngState]]).toEqual([37, 12.5, 37, [...state.rngState]]);
      // The recurrent layers are the lrdkit files' cells, with their structure.
      const expectedClass = { dense: null, factorized: FactorizedCell, 'context-switching': ContextSwitchingCell }[config.variant];
      back.cells.forEach((cell) => {
        expect(cell.variant).toBe(config.variant);
        expect(cell.groups).toBe(config.groups);
        if (expectedClass) expect(cell).toBeInstanceOf(expectedClass);
      });
      const audited = await readCheckpoint(join(dir, CHECKPOINT_DIR));
      expect(audited.format).toBe('lrdkit');
      expect(audited.layers.length).toBe(config.layers);
    });
  });

  it('a model rebuilt from a read checkpoint steps exactly like the original (same float32 weights)', async () => {
    const config = VARIANTS[4]!; // lstm factorized
    const weights = randomWeights(config, createRng(9));
    const dir = tempDir();
    writeTrainingCheckpoint(dir, config, weights, cellsFromWeights(config, weights), stateFor(config, 1), {});
    const back = await readTrainingCheckpoint(dir, config);
    const x = Float32Array.from({ length: 5 * 2 * config.hiddenSize }, (_, i) => Math.cos(i));
    const a = new SequenceModel(config, weights), b = new SequenceModel(config, back.weights);
    const ya = a.layerOutputs(x, 5, 2), yb = b.layerOutputs(x, 5, 2);
    a.dispose();
    b.dispose();
    ya.forEach((y, l) => expect(sameBits(y, yb[l]!)).toBe(true));
  });

  it('only the recurrent gate tensors live in the lrdkit files; projection, readouts and mask readout in the training state', () => {
    const names = parameterShapes(VARIANTS[2]!).map(([n]) => n);
    expect(names.filter(isRecurrentTensor)).toEqual(['layer0/kernel', 'layer0/recurrent_kernel', 'layer0/bias', 'layer0/recurrent_bias', 'layer0/auxiliary/kernel', 'layer0/auxiliary/recurrent_kernel', 'layer0/auxiliary/bias', 'layer0/auxiliary/recurrent_bias', 'layer1/kernel', 'layer1/recurrent_kernel', 'layer1/bias', 'layer1/recurrent_bias', 'layer1/auxiliary/kernel', 'layer1/auxiliary/recurrent_kernel', 'layer1/auxiliary/bias', 'layer1/auxiliary/recurrent_bias']);
  });

  it('a rewritten checkpoint replaces the previous one whole; a truncated state file is refused naming the file', async () => {
    const config = VARIANTS[0]!;
    const dir = tempDir();
    const w1 = randomWeights(config, createRng(1)), w2 = randomWeights(config, createRng(2));
    writeTrainingCheckpoint(dir, config, w1, cellsFromWeights(config, w1), stateFor(config, 1), {});
    writeTrainingCheckpoint(dir, config, w2, cellsFromWeights(config, w2), { ...stateFor(config, 2), step: 38 }, {});
    const back = await readTrainingCheckpoint(dir, config);
    expect(back.step).toBe(38);
    expect(sameBits(back.weights.get('layer1/kernel')!.values, w2.get('layer1/kernel')!.values)).toBe(true);
    expect(findCheckpoint(dir)).toBe(join(dir, CHECKPOINT_DIR));
    const bin = join(dir, CHECKPOINT_DIR, STATE_BIN);
    writeFileSync(bin, readFileSync(bin).subarray(0, 100));
    const err = await readTrainingCheckpoint(dir, config).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CheckpointError);
    expect((err as Error).message).toContain(STATE_BIN);
    expect((err as Error).message).toMatch(/expected \d+ bytes .* found 100 bytes/);
  });

  it('temporary folders get fresh unpredictable names: links planted at the former pid-derived names are neither followed nor removed', async () => {
    const config = VARIANTS[0]!;
    const dir = tempDir();
    const victim = tempDir();
    writeFileSync(join(victim, 'precious.txt'), 'keep me');
    // The names the writer used to derive from the pid (.checkpoint.tmp-PID, .checkpoint.old-PID).
    const planted = [`.checkpoint.tmp-${process.pid}`, `.checkpoint.old-${process.pid}`];
    for (const name of planted) symlinkSync(victim, join(dir, name));
    const w1 = randomWeights(config, createRng(1)), w2 = randomWeights(config, createRng(2));
    writeTrainingCheckpoint(dir, config, w1, cellsFromWeights(config, w1), stateFor(config, 1), {});
    writeTrainingCheckpoint(dir, config, w2, cellsFromWeights(config, w2), { ...stateFor(config, 2), step: 38 }, {});
    expect((await readTrainingCheckpoint(dir, config)).step).toBe(38);
    expect(readdirSync(victim)).toEqual(['precious.txt']);
    expect(readFileSync(join(victim, 'precious.txt'), 'utf8')).toBe('keep me');
    for (const name of planted) expect(lstatSync(join(dir, name)).isSymbolicLink()).toBe(true);
    // Nothing else is left beside the checkpoint: no temporary or set-aside folder.
    expect(readdirSync(dir).sort()).toEqual([...planted, CHECKPOINT_DIR].sort());
    expect(statSync(join(dir, CHECKPOINT_DIR)).mode & 0o777).toBe(0o755);
  });

  it('a checkpoint of another architecture is refused naming the mismatch', async () => {
    const config = VARIANTS[1]!; // gru factorized g=4
    const dir = tempDir();
    const w = randomWeights(config, createRng(3));
    writeTrainingCheckpoint(dir, config, w, cellsFromWeights(config, w), stateFor(config, 3), {});
    const other = { ...config, groups: 2 };
    const err = await readTrainingCheckpoint(dir, other).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CheckpointError);
    expect((err as Error).message).toMatch(/expected shape|expected a factorized gru cell with 2 groups/);
  });
});
