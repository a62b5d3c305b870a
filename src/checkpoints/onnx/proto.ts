/**
 * ONNX protobuf decoding with protobufjs (the maintained library) and the ONNX project's own
 * schema (./onnx.proto, loaded from the generated descriptor ./onnxSchema.ts), plus the typed
 * view of the few message fields lrdkit reads and the decoding of TensorProto values.
 *
 * protobufjs decodes `bytes` fields (TensorProto.raw_data) as views of the input, so decoding
 * a whole ModelProto costs little beyond the file itself; tensor values are only converted when
 * a recurrent node needs them ({@link tensorValues}).
 *
 * References: ONNX IR specification (github.com/onnx/onnx, docs/IR.md) and onnx/onnx.proto.
 *
 * @internal
 */
import protobuf from 'protobufjs/light.js';
import { CheckpointError } from '../errors.js';
import { SAFETENSORS_DTYPE_SIZES, decodeElements } from '../safetensors.js';
import { ONNX_SCHEMA } from './onnxSchema.js';

/** An int64 as protobufjs returns it (a number, or a Long when the `long` package is present). */
export type Int64 = number | { toNumber(): number };

/** onnx.TensorProto (the fields lrdkit reads). */
export interface OnnxTensor {
  readonly name: string;
  readonly dims: readonly Int64[];
  readonly data_type: number;
  readonly raw_data: Uint8Array;
  readonly float_data: readonly number[];
  readonly double_data: readonly number[];
  readonly int32_data: readonly number[];
  readonly int64_data: readonly Int64[];
  readonly uint64_data: readonly Int64[];
  readonly data_location: number;
  readonly external_data: readonly { readonly key: string; readonly value: string }[];
}

/** onnx.AttributeProto. */
export interface OnnxAttribute {
  readonly name: string;
  readonly type: number;
  readonly f: number;
  readonly i: Int64;
  readonly s: Uint8Array;
  readonly t: OnnxTensor | null;
  readonly g: OnnxGraph | null;
  readonly floats: readonly number[];
  readonly ints: readonly Int64[];
  readonly strings: readonly Uint8Array[];
  readonly graphs: readonly OnnxGraph[];
}

/** onnx.NodeProto. */
export interface OnnxNode {
  readonly input: readonly string[];
  readonly output: readonly string[];
  readonly name: string;
  readonly op_type: string;
  readonly domain: string;
  readonly attribute: readonly OnnxAttribute[];
}

/** onnx.GraphProto. */
export interface OnnxGraph {
  readonly name: string;
  readonly node: readonly OnnxNode[];
  readonly initializer: readonly OnnxTensor[];
  readonly input: readonly { readonly name: string }[];
}

/** onnx.ModelProto. */
export interface OnnxModel {
  readonly ir_version: Int64;
  readonly producer_name: string;
  readonly producer_version: string;
  readonly opset_import: readonly { readonly domain: string; readonly version: Int64 }[];
  readonly graph: OnnxGraph | null;
}

/** AttributeProto.AttributeType values. */
export const ATTRIBUTE_TYPE = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, GRAPH: 5, FLOATS: 6, INTS: 7, STRINGS: 8, GRAPHS: 10 } as const;

/** TensorProto.DataType values lrdkit decodes, with their safetensors-style element names. */
export const TENSOR_DTYPES: Readonly<Record<number, { name: string; element: string }>> = {
  1: { name: 'FLOAT', element: 'F32' },
  2: { name: 'UINT8', element: 'U8' },
  3: { name: 'INT8', element: 'I8' },
  4: { name: 'UINT16', element: 'U16' },
  5: { name: 'INT16', element: 'I16' },
  6: { name: 'INT32', element: 'I32' },
  7: { name: 'INT64', element: 'I64' },
  9: { name: 'BOOL', element: 'BOOL' },
  10: { name: 'FLOAT16', element: 'F16' },
  11: { name: 'DOUBLE', element: 'F64' },
  12: { name: 'UINT32', element: 'U32' },
  13: { name: 'UINT64', element: 'U64' },
  16: { name: 'BFLOAT16', element: 'BF16' },
};

let modelType: protobuf.Type | undefined;

/** int64 as a JS number (exact below 2^53). */
export function int64(v: Int64 | undefined): number {
  if (v === undefined) return 0;
  return typeof v === 'number' ? v : v.toNumber();
}

/** UTF-8 text of a bytes attribute. */
export function utf8(b: Uint8Array): string {
  return new TextDecoder('utf-8').decode(b);
}

/**
 * Decodes an ONNX ModelProto.
 *
 * @throws CheckpointError when the bytes are not a decodable ModelProto or have no graph
 * @example
 * decodeOnnxModel(readFileSync('gru2.onnx'), 'gru2.onnx').graph?.node.length; // 31
 */
export function decodeOnnxModel(bytes: Uint8Array, file: string): OnnxModel {
  modelType ??= protobuf.Root.fromJSON(ONNX_SCHEMA as protobuf.INamespace).lookupType('onnx.ModelProto');
  let model: OnnxModel;
  try {
    model = modelType.decode(bytes) as unknown as OnnxModel;
  } catch (e) {
    throw new CheckpointError(file, 'ModelProto', `expected an ONNX model (protobuf onnx.ModelProto), found bytes that do not decode (${(e as Error).message})`);
  }
  if (!model.graph) throw new CheckpointError(file, 'ModelProto', 'expected a graph (ModelProto.graph), found none');
  return model;
}

/** Element count of a shape (checked to be a safe integer). */
export function elementCount(dims: readonly number[], file: string, where: string): number {
  let n = 1;
  for (const d of dims) {
    if (!Number.isSafeInteger(d) || d < 0) throw new CheckpointError(file, where, `expected non-negative dimensions, found [${dims.join(', ')}]`);
    n *= d;
  }
  if (!Number.isSafeInteger(n)) throw new CheckpointError(file, where, `expected a tensor of fewer than 2^53 elements, found dimensions [${dims.join(', ')}]`);
  return n;
}

/**
 * The values of a TensorProto as float64 (exact for every float type and for integers below
 * 2^53), from raw_data (little-endian), the typed repeated fields, or `external` bytes.
 *
 * @param external - the bytes of an external-data tensor, already read and range-checked
 */
export function tensorValues(t: OnnxTensor, file: string, where: string, external?: Uint8Array): { dims: number[]; dtype: number; data: Float64Array } {
  const dims = t.dims.map(int64);
  const count = elementCount(dims, file, where);
  const type = TENSOR_DTYPES[t.data_type];
  if (!type) throw new CheckpointError(file, where, `expected a numeric tensor (FLOAT, DOUBLE, FLOAT16, BFLOAT16 or an integer type), found data_type ${t.data_type}`);
  const size = SAFETENSORS_DTYPE_SIZES[type.element] as number;
  const raw = external ?? (t.raw_data.length > 0 ? t.raw_data : undefined);
  let data: Float64Array;
  if (raw !== undefined) {
    if (raw.length !== count * size) throw new CheckpointError(file, where, `expected ${count * size} bytes of ${type.name} data for dimensions [${dims.join(', ')}], found ${raw.length}`);
    if (t.data_type === 1) {
      // FLOAT, the common case: straight to float64 (exact), without a float32 copy
      const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
      data = new Float64Array(count);
      for (let i = 0; i < count; i++) data[i] = view.getFloat32(4 * i, true);
    } else {
      const decoded = decodeElements(raw, type.element, true);
      data = decoded instanceof Float64Array ? decoded : Float64Array.from(decoded);
    }
  } else {
    const field: readonly Int64[] =
      t.data_type === 1 ? t.float_data
        : t.data_type === 11 ? t.double_data
          : t.data_type === 7 ? t.int64_data
            : t.data_type === 12 || t.data_type === 13 ? t.uint64_data
              : t.int32_data;
    if (field.length !== count) throw new CheckpointError(file, where, `expected ${count} values of ${type.name} for dimensions [${dims.join(', ')}], found ${field.length}`);
    data = new Float64Array(count);
    if (t.data_type === 10 || t.data_type === 16) {
      // FLOAT16 / BFLOAT16 values sit in int32_data as their 16 bits
      const bits = new Uint16Array(count);
      for (let i = 0; i < count; i++) bits[i] = int64(field[i]) & 0xffff;
      data.set(decodeElements(new Uint8Array(bits.buffer), type.element, true));
    } else {
      for (let i = 0; i < count; i++) data[i] = int64(field[i]);
    }
  }
  return { dims, dtype: t.data_type, data };
}
