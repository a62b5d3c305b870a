/**
 * Reader for the safetensors format (huggingface/safetensors), the usual way PyTorch weights
 * are shared:
 *
 *     bytes [0, 8)        N, a little-endian u64: length of the JSON header
 *     bytes [8, 8 + N)    UTF-8 JSON object {name: {dtype, shape, data_offsets: [begin, end]},
 *                         "__metadata__"?: {string: string}} (writers pad it with spaces)
 *     bytes [8 + N, end)  the data buffer; tensor `name` is bytes [begin, end) of it,
 *                         little-endian, row-major (C order)
 *
 * Every field is validated before anything is allocated (header within the file, JSON object,
 * shape entries non-negative integers, offsets within the data buffer and not overlapping,
 * byte length = prod(shape) x dtype size), so that a truncated or corrupted file gives one
 * {@link CheckpointError} naming the file, the tensor (or 'header'), what was expected and what
 * was found.
 *
 * @module
 */
import { CheckpointError } from './errors.js';
import { parseCheckedJson } from './internal/checkedJson.js';
import type { RawTensor } from './internal/layers.js';

/**
 * Element types lrdkit decodes, with their size in bytes. Floating types are what recurrent
 * weights are stored in: F32 and the half types (exactly widened) are kept as Float32Array,
 * F64 as Float64Array. Integer and bool types are decoded to Float64Array too (exact for
 * |v| < 2^53) so that state dicts with integer buffers (BatchNorm's num_batches_tracked,
 * position ids) stay readable; no recurrent weight is an integer tensor.
 *
 * @internal
 */
export const SAFETENSORS_DTYPE_SIZES: Readonly<Record<string, number>> = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U64: 8,
  U32: 4,
  U16: 2,
  U8: 1,
  BOOL: 1,
};

const SUPPORTED = Object.keys(SAFETENSORS_DTYPE_SIZES).join(', ');

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** IEEE 754 binary16 bits to a number (exact). */
function halfToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa === 0 ? sign * Infinity : NaN;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

/**
 * Decodes `count` elements of `dtype` (a key of {@link SAFETENSORS_DTYPE_SIZES}) from `bytes`.
 * The caller has checked that `bytes.length === count * size`.
 *
 * @internal
 */
export function decodeElements(bytes: Uint8Array, dtype: string, littleEndian = true): Float32Array | Float64Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const size = SAFETENSORS_DTYPE_SIZES[dtype] ?? 1;
  const n = Math.floor(bytes.byteLength / size);
  if (littleEndian === HOST_LITTLE_ENDIAN && (dtype === 'F32' || dtype === 'F64')) {
    // fast path: one copy into a fresh (aligned) buffer, native byte order
    // (copy with set, not slice: Node's Buffer#slice returns a view of a shared pool)
    const copy = new Uint8Array(n * size);
    copy.set(bytes.subarray(0, n * size));
    return dtype === 'F32' ? new Float32Array(copy.buffer) : new Float64Array(copy.buffer);
  }
  switch (dtype) {
    case 'F32': {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getFloat32(4 * i, littleEndian);
      return out;
    }
    case 'F64': {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getFloat64(8 * i, littleEndian);
      return out;
    }
    case 'F16': {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = halfToNumber(view.getUint16(2 * i, littleEndian));
      return out;
    }
    case 'BF16': {
      const out = new Float32Array(n);
      const word = new DataView(new ArrayBuffer(4));
      for (let i = 0; i < n; i++) {
        word.setUint32(0, view.getUint16(2 * i, littleEndian) << 16);
        out[i] = word.getFloat32(0);
      }
      return out;
    }
    default: {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const o = size * i;
        switch (dtype) {
          case 'I64': out[i] = Number(view.getBigInt64(o, littleEndian)); break;
          case 'U64': out[i] = Number(view.getBigUint64(o, littleEndian)); break;
          case 'I32': out[i] = view.getInt32(o, littleEndian); break;
          case 'U32': out[i] = view.getUint32(o, littleEndian); break;
          case 'I16': out[i] = view.getInt16(o, littleEndian); break;
          case 'U16': out[i] = view.getUint16(o, littleEndian); break;
          case 'I8': out[i] = view.getInt8(o); break;
          case 'BOOL': out[i] = view.getUint8(o) === 0 ? 0 : 1; break;
          default: out[i] = view.getUint8(o);
        }
      }
      return out;
    }
  }
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

interface Entry {
  name: string;
  dtype: string;
  shape: number[];
  begin: number;
  end: number;
}

/**
 * Reads a safetensors file held in memory.
 *
 * @param bytes - the whole file
 * @param file - its name, used in error messages
 * @returns tensors by name (insertion order = order of the data buffer), shape and flat
 *   row-major data; F32 / F16 / BF16 as Float32Array, F64 and integer types as Float64Array
 * @throws CheckpointError for a truncated file, a header that is not a JSON object, a tensor
 *   entry with a missing or malformed field, an unsupported dtype, offsets outside the data
 *   buffer or overlapping another tensor, or a byte length other than prod(shape) x dtype size
 * @example
 * const tensors = readSafetensors(readFileSync('gru.safetensors'), 'gru.safetensors');
 * tensors.get('weight_hh_l0')?.shape; // [24, 8]
 */
export function readSafetensors(bytes: Uint8Array, file: string): Map<string, RawTensor> {
  const fail = (where: string, detail: string): never => {
    throw new CheckpointError(file, where, detail);
  };
  if (bytes.length < 8) fail('header', `expected an 8-byte little-endian header length, found a ${bytes.length}-byte file (truncated or not a safetensors file)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getBigUint64(0, true);
  if (headerLength > BigInt(bytes.length - 8)) {
    fail('header', `expected ${headerLength} bytes of JSON header after the 8-byte length, found ${bytes.length - 8} (truncated or not a safetensors file)`);
  }
  const n = Number(headerLength);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n));
  } catch (e) {
    return fail('header', `expected a UTF-8 JSON object of ${n} bytes, found invalid UTF-8 (${(e as Error).message})`);
  }
  // Depth and duplicate keys checked before parsing (JSON.parse keeps the last duplicate).
  const header = parseCheckedJson(text, file, 'header');
  if (header === null || typeof header !== 'object' || Array.isArray(header)) {
    return fail('header', `expected a JSON object, found ${Array.isArray(header) ? 'an array' : describe(header)}`);
  }
  const dataStart = 8 + n;
  const bufferLength = bytes.length - dataStart;
  const entries: Entry[] = [];
  for (const [name, info] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (info === null || typeof info !== 'object' || Array.isArray(info) || Object.values(info).some((v) => typeof v !== 'string')) {
        fail('header', `__metadata__: expected an object of strings, found ${describe(info)}`);
      }
      continue;
    }
    const where = `tensor ${name}`;
    if (info === null || typeof info !== 'object' || Array.isArray(info)) return fail(where, `expected an object {dtype, shape, data_offsets}, found ${describe(info)}`);
    const { dtype, shape, data_offsets: offsets } = info as Record<string, unknown>;
    if (typeof dtype !== 'string') fail(where, `expected a string dtype, found ${describe(dtype)}`);
    // Own properties only: a dtype of "__proto__" or "constructor" is not a dtype.
    const size = Object.hasOwn(SAFETENSORS_DTYPE_SIZES, dtype as string) ? SAFETENSORS_DTYPE_SIZES[dtype as string] : undefined;
    if (size === undefined) fail(where, `expected dtype F32, F64, F16 or BF16 (or one of ${SUPPORTED}), found ${describe(String(dtype).slice(0, 40))}`);
    if (!Array.isArray(shape) || !shape.every((s) => Number.isSafeInteger(s) && (s as number) >= 0)) {
      fail(where, `expected shape to be a list of non-negative integers, found ${describe(shape)}`);
    }
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((s) => Number.isSafeInteger(s) && (s as number) >= 0)) {
      fail(where, `expected data_offsets [begin, end] of two non-negative integers, found ${describe(offsets)}`);
    }
    const [begin, end] = offsets as [number, number];
    if (begin > end) fail(where, `expected data_offsets [begin, end] with begin <= end, found [${begin}, ${end}]`);
    if (end > bufferLength) fail(where, `expected data_offsets within the ${bufferLength}-byte data buffer, found [${begin}, ${end}] (truncated file or corrupted offsets)`);
    const dims = shape as number[];
    const count = dims.reduce((p, s) => p * s, 1);
    const expected = count * (size as number);
    if (expected !== end - begin) {
      fail(where, `expected ${expected} bytes (shape [${dims.join(', ')}] x ${size} bytes per ${dtype}), found ${end - begin} (data_offsets [${begin}, ${end}])`);
    }
    entries.push({ name, dtype: dtype as string, shape: dims, begin, end });
  }
  const byOffset = entries.filter((e) => e.end > e.begin).sort((a, b) => a.begin - b.begin || a.end - b.end);
  for (let i = 1; i < byOffset.length; i++) {
    const prev = byOffset[i - 1] as Entry, cur = byOffset[i] as Entry;
    if (cur.begin < prev.end) {
      fail(`tensor ${cur.name}`, `expected data_offsets not overlapping tensor ${prev.name} [${prev.begin}, ${prev.end}], found [${cur.begin}, ${cur.end}]`);
    }
  }
  const out = new Map<string, RawTensor>();
  for (const e of [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end)) {
    out.set(e.name, { shape: e.shape, data: decodeElements(bytes.subarray(dataStart + e.begin, dataStart + e.end), e.dtype) });
  }
  return out;
}

/**
 * Whether the bytes start like a safetensors file: a header length that fits the file,
 * followed by `{`.
 */
export function looksLikeSafetensors(bytes: Uint8Array): boolean {
  if (bytes.length < 10) return false;
  const n = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(0, true);
  return n >= 2n && n <= BigInt(bytes.length - 8) && bytes[8] === 0x7b;
}
