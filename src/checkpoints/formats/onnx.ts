/** ONNX models: `.onnx`, or a file starting like a ModelProto (ir_version first). @module */
import { looksLikeOnnx, readOnnxBytes } from '../onnx.js';
import type { CheckpointFormatModule } from '../registry.js';

export const onnxFormat: CheckpointFormatModule = {
  name: 'onnx',
  recognises: '.onnx file, or a protobuf ModelProto starting with ir_version (byte 08)',
  sniff: (p) => p.kind === 'file' && (p.extension === '.onnx' || looksLikeOnnx(p.bytes)),
  read: async (p) => readOnnxBytes(p.bytes, p.path),
};
