/**
 * Test helpers: ONNX models written with protobufjs and the committed schema (the encoding side
 * of the library the reader decodes with), for graphs the Python generator does not cover.
 */
import protobuf from 'protobufjs/light.js';
import { ONNX_SCHEMA } from '../../src/checkpoints/onnx/onnxSchema.js';

const root = protobuf.Root.fromJSON(ONNX_SCHEMA as protobuf.INamespace);
const ModelProto = root.lookupType('onnx.ModelProto');

/** A float tensor initializer / attribute value. */
export function floatTensor(name: string, dims: number[], values: ArrayLike<number>): Record<string, unknown> {
  return { name, dims, data_type: 1, float_data: Array.from(values) };
}

/** An int64 tensor. */
export function intTensor(name: string, dims: number[], values: number[]): Record<string, unknown> {
  return { name, dims, data_type: 7, int64_data: values };
}

/** A node; attributes given as AttributeProto objects. */
export function node(op_type: string, input: string[], output: string[], name: string, attribute: Record<string, unknown>[] = []): Record<string, unknown> {
  return { op_type, input, output, name, attribute };
}

export const attr = {
  int: (name: string, i: number) => ({ name, type: 2, i }),
  float: (name: string, f: number) => ({ name, type: 1, f }),
  ints: (name: string, ints: number[]) => ({ name, type: 7, ints }),
  string: (name: string, s: string) => ({ name, type: 3, s: new TextEncoder().encode(s) }),
  tensor: (name: string, t: Record<string, unknown>) => ({ name, type: 4, t }),
};

/** Encodes a ModelProto with one graph. */
export function encodeModel(graph: { node: Record<string, unknown>[]; initializer?: Record<string, unknown>[]; input?: string[] }, opset = 14): Uint8Array {
  const msg = ModelProto.fromObject({
    ir_version: 7,
    producer_name: 'lrdkit-test',
    opset_import: [{ domain: '', version: opset }],
    graph: { name: 'g', node: graph.node, initializer: graph.initializer ?? [], input: (graph.input ?? ['x']).map((name) => ({ name })) },
  });
  return ModelProto.encode(msg).finish();
}

/** Deterministic small weights (a fixed linear congruential sequence in [-0.5, 0.5)). */
export function weights(n: number, seed: number): number[] {
  let s = seed >>> 0;
  return Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  });
}
