/** Types of scripts/generate-onnx-schema.mjs for the tests. */
/** The TypeScript module text of the protobufjs descriptor of `protoText` (onnx.proto). */
export function onnxSchemaModule(protoText: string): string;
