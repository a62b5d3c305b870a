/**
 * The same weights through every format give the same audit: gru2 and lstm2 (the models of
 * test/fixtures/checkpoints/weights.py) written as ONNX (torch.onnx.export, constant folding on
 * for gru2, off for lstm2), TorchScript (torch.jit.script / trace), safetensors, torch.save and
 * Keras weights-only files (Keras 2 save_weights, Keras 3 .weights.h5). With one seed the
 * audit.json documents are identical apart from the source fields: `checkpoint` (file, hash,
 * format, notes) and the layer names (`name`, `drivenThrough`), which follow each format's
 * naming. One difference is a property of the source layout, not of the reading: Keras stores
 * one LSTM bias vector where PyTorch and ONNX store two, so `parameterCount` of a Keras LSTM
 * counts 4h fewer parameters (src/cells/counts.ts counts in the layout the weights came from).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type AuditOptions, auditCheckpoint } from '../../src/audit/auditDocument.js';
import { readCheckpoint } from '../../src/checkpoints/index.js';

const FX = new URL('../fixtures/checkpoints/', import.meta.url);
const RUN: AuditOptions = { sequences: 4, steps: 256, burnIn: 16, maxLag: 32, seed: 3, input: 'gaussian', jacobianStates: 4, lyapunovExponents: 2, bootstrapReplicates: 10 };

/** audit.json without its source fields; layer names replaced by their position. */
async function sourceFreeAudit(rel: string, keepParameterCount = true): Promise<unknown> {
  const path = new URL(rel, FX).pathname;
  const ck = await readCheckpoint(path);
  const { document } = auditCheckpoint(ck, readFileSync(path), RUN, '0.0.0-test');
  const doc = JSON.parse(JSON.stringify(document)) as { checkpoint?: unknown; versions?: unknown; layers: { name: string; drivenThrough: string[]; parameterCount?: number }[] };
  const names = doc.layers.map((l) => l.name);
  delete doc.checkpoint;
  for (const l of doc.layers) {
    l.name = `#${names.indexOf(l.name)}`;
    l.drivenThrough = l.drivenThrough.map((n) => `#${names.indexOf(n)}`);
    if (!keepParameterCount) delete l.parameterCount;
  }
  return doc;
}

describe('one model, every format: the same audit apart from the source fields', () => {
  it('gru2: ONNX, TorchScript (script), safetensors, torch.save, Keras 2 and Keras 3 weights-only', async () => {
    const reference = await sourceFreeAudit('onnx/gru2.onnx');
    for (const rel of ['torchscript/gru2_script.pt', 'pytorch/gru2.safetensors', 'pytorch/gru2.pt', 'keras/gru2_weights.h5', 'keras/gru2.weights.h5']) {
      expect(await sourceFreeAudit(rel), rel).toEqual(reference);
    }
  });

  it('lstm2: ONNX (unfolded exporter chains), TorchScript (trace), safetensors; Keras 3 weights-only apart from parameterCount', async () => {
    const reference = await sourceFreeAudit('onnx/lstm2.onnx');
    for (const rel of ['torchscript/lstm2_trace.pt', 'pytorch/lstm2.safetensors']) expect(await sourceFreeAudit(rel), rel).toEqual(reference);
    const keras = (await sourceFreeAudit('keras/lstm2.weights.h5')) as { layers: { parameterCount: number }[] };
    expect(keras.layers.map((l) => l.parameterCount)).toEqual((reference as { layers: { parameterCount: number }[] }).layers.map((l) => l.parameterCount - 4 * 8));
    expect(await sourceFreeAudit('keras/lstm2.weights.h5', false)).toEqual(await sourceFreeAudit('onnx/lstm2.onnx', false));
  });
});
