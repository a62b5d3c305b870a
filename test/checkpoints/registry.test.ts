/**
 * The format registry (src/checkpoints/registry.ts): every fixture is recognised as its format
 * by one sniff and read by that one reader; an unrecognised input is one CheckpointError listing
 * every format checked and what was seen. Also the new formats that need no Python reference of
 * their own: TorchScript archives (inert placeholders, refusals), Keras 3 weights-only files and
 * training run folders (test/fixtures/checkpoints/generate_onnx.py writes the fixtures).
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { CHECKPOINT_FORMATS, CheckpointError, formatOf, probeCheckpoint, readCheckpoint } from '../../src/checkpoints/index.js';
import { readTorchScript } from '../../src/checkpoints/torchScript.js';
import { expectCheckpointError, replaceAll, weightArrays } from './torchFixtures.js';
import { runNode } from '../support/runNode.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const FX = fileURLToPath(new URL('../fixtures/checkpoints/', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'lrdkit-registry-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('sniffing: one format per input', () => {
  const cases: [string, string][] = [
    ['tfjs/gru2', 'tfjs-layers'],
    ['tfjs/gru2/model.json', 'tfjs-layers'],
    ['keras/gru2.h5', 'keras-h5'],
    ['keras/gru2_weights.h5', 'keras-h5'],
    ['keras/gru2.weights.h5', 'keras-h5'],
    ['keras/gru2.keras', 'keras-v3'],
    ['torchscript/gru2_script.pt', 'torchscript'],
    ['torchscript/lstm2_trace.pt', 'torchscript'],
    ['pytorch/gru2.pt', 'torch-zip'],
    ['pytorch/gru2.safetensors', 'safetensors'],
    ['onnx/gru2.onnx', 'onnx'],
  ];
  for (const [rel, format] of cases) {
    it(`${rel} -> ${format}`, async () => {
      expect(formatOf(probeCheckpoint(join(FX, rel))).name).toBe(format);
      const ck = await readCheckpoint(join(FX, rel));
      expect(ck.format).toBe(format === 'tfjs-layers' ? 'tfjs-layers' : format);
    });
  }

  it('an ONNX model without the .onnx extension is recognised by its first bytes', async () => {
    const p = join(work, 'model.bin');
    cpSync(join(FX, 'onnx/gru2.onnx'), p);
    expect(formatOf(probeCheckpoint(p)).name).toBe('onnx');
  });

  it('an unrecognised file or folder: every format checked is listed with what was seen', () => {
    const p = join(work, 'notes.txt');
    writeFileSync(p, 'hello, checkpoint');
    const err = expectCheckpointError(() => formatOf(probeCheckpoint(p)), p, 'file', /found a file of 17 bytes starting 68656c6c6f2c2063/);
    for (const f of CHECKPOINT_FORMATS) expect(err.detail).toContain(`${f.name} (`);
    const dir = join(work, 'empty-dir');
    mkdirSync(dir);
    expectCheckpointError(() => formatOf(probeCheckpoint(dir)), dir, 'directory', /found a directory with no entries/);
    expectCheckpointError(() => probeCheckpoint(join(work, 'absent')), join(work, 'absent'), 'path', /found nothing at this path/);
  });

  it('exactly one reader runs: a damaged TorchScript archive gets the TorchScript reader\'s error, not a torch.save one', () => {
    const bytes = replaceAll(new Uint8Array(readFileSync(join(FX, 'torchscript/gru2_script.pt'))), 'torch.jit._pickle', 'torch.jit._pickld');
    const p = join(work, 'bad_script.pt');
    writeFileSync(p, bytes);
    return expect(readCheckpoint(p)).rejects.toThrow(/found global "torch\.jit\._pickld\.(build_tensorlist|restore_type_tag)"/);
  });
});

describe('TorchScript archives', () => {
  it('module paths name the layers; a traced wrapper\'s Linear head is skipped', async () => {
    const ck = await readCheckpoint(join(FX, 'torchscript/lstm2_trace.pt'));
    expect(ck.layerInfo.map((l) => [l.name, l.depth, l.direction])).toEqual([['rnn.l0', 0, 'forward'], ['rnn.l1', 1, 'forward']]);
    expect(ck.notes?.[0]).toBe('TorchScript modules: (root): __torch__.Prefixed; rnn: __torch__.torch.nn.modules.rnn.LSTM; head: __torch__.torch.nn.modules.linear.Linear');
    const bi = await readCheckpoint(join(FX, 'torchscript/bigru_script.pt'));
    const st = await readCheckpoint(join(FX, 'pytorch/bigru.safetensors'));
    expect(bi.layerInfo.map((l) => l.name)).toEqual(['l0', 'l0_reverse']);
    bi.layers.forEach((c, i) => expect(weightArrays(c)).toEqual(weightArrays(st.layers[i] as typeof c)));
  });

  it('no recurrent submodule: the classes found are listed', () => {
    const bytes = replaceAll(new Uint8Array(readFileSync(join(FX, 'torchscript/lstm2_trace.pt'))), 'rnn\nLSTM', 'rnn\nLSTX');
    expectCheckpointError(() => readTorchScript(bytes, 'x.pt'), 'x.pt', 'lstm2_trace/data.pkl', /expected nn\.GRU \/ nn\.LSTM submodules .* found modules \(root\): __torch__\.Prefixed, rnn: __torch__\.torch\.nn\.modules\.rnn\.LSTX, head: /);
  });

  it('globals outside __torch__ and the jit pickle helpers stay refused', () => {
    const bytes = replaceAll(new Uint8Array(readFileSync(join(FX, 'torchscript/lstm2_trace.pt'))), 'collections\nOrderedDict', 'collections\nOrderedDicx');
    expectCheckpointError(() => readTorchScript(bytes, 'x.pt'), 'x.pt', 'lstm2_trace/data.pkl', /found global "collections\.OrderedDicx": lrdkit never runs code from a checkpoint/);
  });
});

describe('Keras 3 weights-only (.weights.h5)', () => {
  it('GRU and LSTM inferred from the shapes, equal to the full .keras model, with the inference stated', async () => {
    for (const model of ['gru2', 'lstm2']) {
      const w = await readCheckpoint(join(FX, `keras/${model}.weights.h5`));
      const full = await readCheckpoint(join(FX, `keras/${model}.keras`));
      expect(w.layerInfo.map((l) => [l.name, l.depth])).toEqual(full.layerInfo.map((l) => [l.name, l.depth]));
      w.layers.forEach((c, i) => expect(weightArrays(c)).toEqual(weightArrays(full.layers[i] as typeof c)));
      expect(w.notes?.[0]).toMatch(/^Keras 3 weights-only file \(\.weights\.h5\): layer kinds inferred from the recurrent kernel shapes/);
    }
  });
});

describe('training run folders', () => {
  const run = { task: 'copy', cell: 'gru', variant: 'dense', groups: 1, hiddenSize: 8, layers: 2, repeats: 1, seed: 5, backend: 'cpu', steps: 300 };
  const makeRun = (name: string, withCheckpoint: boolean): string => {
    const dir = join(work, name);
    mkdirSync(dir);
    writeFileSync(join(dir, 'run.json'), JSON.stringify(run));
    if (withCheckpoint) cpSync(join(FX, 'tfjs/gru2'), join(dir, 'checkpoint'), { recursive: true });
    return dir;
  };

  it('lrdkit audit RUN_DIR reads RUN_DIR/checkpoint and names the audit after the run', async () => {
    const dir = makeRun('run-7', true);
    const out = join(work, 'run-7-audit');
    const r = await runNode([join(root, 'dist/cli/main.js'), 'audit', dir, '--out', out, '--quiet', '--no-report', '--sequences', '2', '--steps', '256', '--burn-in', '8', '--max-lag', '16', '--jacobian-states', '2', '--lyapunov', '1', '--bootstrap', '0']);
    expect(r.status, r.stderr).toBe(0);
    const audit = JSON.parse(readFileSync(join(out, 'audit.json'), 'utf8')) as { checkpoint: { file: string; run: string; format: string } };
    expect(audit.checkpoint.file).toBe('run-7');
    expect(audit.checkpoint.run).toBe('copy task, 2-layer dense GRU(8), 300 steps, seed 5');
  });

  it('a run folder without a checkpoint yet is one clear error', async () => {
    const dir = makeRun('run-early', false);
    const err = await readCheckpoint(dir).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(CheckpointError);
    expect((err as CheckpointError).message).toBe(`${dir}: checkpoint/: expected the run's checkpoint (checkpoint/model.json, written every --checkpoint-every steps by lrdkit train), found none: the run has not written a checkpoint yet`);
  });
});
