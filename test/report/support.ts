/**
 * Small audit documents for the report tests, made by the real audit (not hand-written JSON):
 * the bundled dense checkpoint examples/gru2.safetensors (PyTorch nn.GRU(4, 8, num_layers=2))
 * and a factorized GRU (16 channels in 4 blocks, seeded random weights) written in lrdkit's
 * checkpoint format, each audited with a small run (the numbers, not their statistics, are
 * under test) and saved as audit.json under a temporary folder.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type AuditDocument, type AuditOptions, auditCheckpoint } from '../../src/audit/auditDocument.js';
import { randomFactorizedCell } from '../../src/cells/random.js';
import { readCheckpoint } from '../../src/checkpoints/index.js';
import { writeLrdkitCheckpoint } from '../../src/checkpoints/lrdkitFormat.js';
import { createRng } from '../../src/processes/prng.js';

export const root = fileURLToPath(new URL('../..', import.meta.url));

/** A small run: a few hundred milliseconds per audit. */
export const SMALL_RUN: AuditOptions = {
  sequences: 8,
  steps: 256,
  burnIn: 32,
  maxLag: 64,
  seed: 0,
  input: 'gaussian',
  jacobianStates: 8,
  lyapunovExponents: 4,
  bootstrapReplicates: 20,
};

export interface SmallAudits {
  readonly dense: AuditDocument;
  readonly factorized: AuditDocument;
  readonly densePath: string;
  readonly factorizedPath: string;
}

/** Audits the two checkpoints into `work`/dense/audit.json and `work`/factorized/audit.json. */
export async function smallAudits(work: string): Promise<SmallAudits> {
  const gru2 = join(root, 'examples/gru2.safetensors');
  const dense = auditCheckpoint(await readCheckpoint(gru2), readFileSync(gru2), SMALL_RUN, '0.0.0-test').document;
  const model = join(work, 'factorized-model');
  const cell = randomFactorizedCell(createRng(11), { kind: 'gru', inputSize: 8, hiddenSize: 16, groups: 4 });
  writeLrdkitCheckpoint(model, [{ name: 'gru', cell }], { task: 'report-test', seed: 11 });
  const factorized = auditCheckpoint(await readCheckpoint(model), readFileSync(join(model, 'model.json')), SMALL_RUN, '0.0.0-test').document;
  const save = (name: string, doc: AuditDocument): string => {
    mkdirSync(join(work, name), { recursive: true });
    const path = join(work, name, 'audit.json');
    writeFileSync(path, `${JSON.stringify(doc, null, 2)}\n`);
    return path;
  };
  return { dense, factorized, densePath: save('dense', dense), factorizedPath: save('factorized', factorized) };
}

/** Writes a training run folder (run.json + log.jsonl) with a loss curve decaying from `start`. */
export function writeTrainingRun(dir: string, run: Record<string, unknown>, start: number, steps = 20): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'run.json'), `${JSON.stringify(run)}\n`);
  const lines = Array.from({ length: steps }, (_, i) => JSON.stringify({ step: i * 50, loss: start * Math.exp(-i / 6) + 0.05, elapsedSeconds: i * 0.5, sequencesPerSecond: 100 }));
  writeFileSync(join(dir, 'log.jsonl'), `${lines.join('\n')}\n`);
  return dir;
}
