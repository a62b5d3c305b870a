/**
 * The top level's simple audit: auditCheckpointFile(path, options?) is the document that
 * auditCheckpoint gives for the same checkpoint, bytes and options, with the defaults of
 * `lrdkit audit`; a bad path is one error naming the file.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditCheckpoint, type AuditOptions } from '../../src/audit/auditDocument.js';
import { AUDIT_RUN_DEFAULTS, auditCheckpointFile } from '../../src/audit/auditFile.js';
import { readCheckpoint } from '../../src/checkpoints/index.js';
import { AUDIT_DEFAULTS } from '../../src/cli/audit.js';

const root = join(import.meta.dirname, '..', '..');
const gru2 = join(root, 'examples', 'gru2.safetensors');
const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
const small: Partial<AuditOptions> = { sequences: 4, steps: 256, burnIn: 16, maxLag: 40, jacobianStates: 2, lyapunovExponents: 1, bootstrapReplicates: 0, seed: 3 };

describe('auditCheckpointFile', () => {
  it("its defaults are `lrdkit audit`'s (src/cli/audit.ts AUDIT_DEFAULTS; input gaussian)", () => {
    const d = AUDIT_DEFAULTS;
    expect(AUDIT_RUN_DEFAULTS).toEqual({ sequences: d.sequences, steps: d.steps, burnIn: d.burnIn, maxLag: d.maxLag, jacobianStates: d.jacobianStates, lyapunovExponents: d.lyapunov, bootstrapReplicates: d.bootstrap, seed: d.seed, input: 'gaussian' });
  });

  it('equals auditCheckpoint(readCheckpoint(path), file bytes, defaults + options, package version).document', async () => {
    const doc = await auditCheckpointFile(gru2, small);
    const reference = auditCheckpoint(await readCheckpoint(gru2), readFileSync(gru2), { ...AUDIT_RUN_DEFAULTS, ...small }, version).document;
    expect(doc).toEqual(reference);
    expect(doc.run.seed).toBe(3);
    expect(doc.layers.length).toBe(2);
    expect(['SRD', 'LRD', 'inconclusive']).toContain(doc.verdict.overall);
  });

  it('a missing file: one error naming it', async () => {
    await expect(auditCheckpointFile(join(root, 'examples', 'no-such.safetensors'))).rejects.toThrow(/no-such\.safetensors/);
  });
});
