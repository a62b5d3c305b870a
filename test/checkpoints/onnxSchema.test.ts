/**
 * The committed protobufjs descriptor (src/checkpoints/onnx/onnxSchema.ts) is exactly what
 * scripts/generate-onnx-schema.mjs makes from the committed onnx.proto, and that .proto is the
 * ONNX project's (its Apache-2.0 SPDX line and package kept).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { onnxSchemaModule } from '../../scripts/generate-onnx-schema.mjs';

describe('ONNX schema', () => {
  it('onnxSchema.ts is generated from onnx.proto', () => {
    const proto = readFileSync(new URL('../../src/checkpoints/onnx/onnx.proto', import.meta.url), 'utf8');
    expect(proto).toContain('// SPDX-License-Identifier: Apache-2.0');
    expect(proto).toMatch(/^package onnx;$/m);
    const committed = readFileSync(new URL('../../src/checkpoints/onnx/onnxSchema.ts', import.meta.url), 'utf8');
    expect(committed).toBe(onnxSchemaModule(proto));
  });
});
