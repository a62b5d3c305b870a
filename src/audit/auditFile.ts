/**
 * The audit as one library call on a file: `auditCheckpointFile(path)` is `lrdkit audit PATH`
 * without the files it writes (the document, with the CLI's default run).
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCheckpoint } from '../checkpoints/index.js';
import { parseCheckedJson } from '../checkpoints/internal/checkedJson.js';
import { checkPath, readRegularFile } from '../checkpoints/internal/fileAccess.js';
import { type AuditDocument, type AuditOptions, auditCheckpoint } from './auditDocument.js';

/** The default run of `lrdkit audit` (its options' defaults; input: Gaussian noise). */
export const AUDIT_RUN_DEFAULTS: Readonly<AuditOptions> = { sequences: 32, steps: 1024, burnIn: 256, maxLag: 512, jacobianStates: 64, lyapunovExponents: 8, bootstrapReplicates: 100, seed: 0, input: 'gaussian' };

/**
 * The bytes the audit document's sha256 covers: the file itself, or for a TF.js folder its
 * model.json followed by every weight shard in manifest order.
 */
export function checkpointBytes(path: string): Uint8Array {
  if (!checkPath(path, { allowDirectory: true }).isDirectory) return readRegularFile(path);
  const modelJsonPath = join(path, 'model.json');
  const modelJson = readRegularFile(modelJsonPath, { root: path });
  const parsed = parseCheckedJson(new TextDecoder().decode(modelJson), modelJsonPath, 'model.json') as { weightsManifest?: { paths: string[] }[] };
  const manifest = parsed.weightsManifest ?? [];
  return Buffer.concat([modelJson, ...manifest.flatMap((g) => g.paths.map((p) => readRegularFile(join(path, p), { file: modelJsonPath, where: `weight shard ${p}`, root: path })))]);
}

let version: string | undefined;

/** lrdkit's version (package.json). */
function packageVersion(): string {
  version ??= (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  return version;
}

/**
 * Audits the checkpoint at path (any format `readCheckpoint` reads) for long range dependence
 * and returns the audit document (schemas/audit.schema.json).
 *
 * Method: {@link readCheckpoint}, then {@link auditCheckpoint} with {@link AUDIT_RUN_DEFAULTS}
 * overridden by options, hashing {@link checkpointBytes}(path): the document `lrdkit audit
 * PATH` writes with the same options (the CLI also prints progress, checks memory first and
 * writes audit.json, summary.md and the report).
 *
 * @example
 * ```ts
 * const doc = await auditCheckpointFile('examples/gru2.safetensors', { sequences: 8, steps: 256, burnIn: 32, maxLag: 64, jacobianStates: 4, lyapunovExponents: 2, bootstrapReplicates: 0 });
 * doc.layers.length; // 2
 * ```
 */
export async function auditCheckpointFile(path: string, options: Partial<AuditOptions> = {}): Promise<AuditDocument> {
  const checkpoint = await readCheckpoint(path);
  return auditCheckpoint(checkpoint, checkpointBytes(checkpoint.source?.checkpoint ?? path), { ...AUDIT_RUN_DEFAULTS, ...options }, packageVersion()).document;
}
