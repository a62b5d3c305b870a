/**
 * Reader for torch.save archives (the zip format, PyTorch >= 1.6 default) holding a state dict:
 *
 *     <archive>/data.pkl      pickle (protocol 2) of the dict: OrderedDict of tensors, each
 *                             torch._utils._rebuild_tensor_v2(storage, storage_offset, size,
 *                             stride, requires_grad, backward_hooks[, metadata]) whose storage is
 *                             a persistent id ('storage', torch.FloatStorage, key, location, numel)
 *     <archive>/data/<key>    the storage's raw bytes (numel x element size, little-endian
 *                             unless <archive>/byteorder says 'big')
 *     <archive>/version       format version; newer torch also writes <archive>/byteorder
 *
 * The pickle is run by lrdkit's own VM (./internal/pickle.ts), which only knows the globals
 * listed in {@link TORCH_ALLOWED_GLOBALS}: nothing from the file is ever executed, and any other
 * global (a pickled nn.Module, a custom class) is a CheckpointError naming it. Tensors are
 * gathered from their storage with their stride and storage offset (non-contiguous and shared
 * storages work). A state dict nested under a "state_dict" or "model" key (training checkpoints)
 * is found too.
 *
 * @module
 */
import { CheckpointError } from './errors.js';
import type { RawTensor } from './internal/layers.js';
import { PyCallable, PyDict, PyOpaque, PyTuple, type PyValue, pyTypeName, unpickle } from './internal/pickle.js';
import { type ZipArchive, looksLikeZip, openZip } from './internal/zip.js';
import { SAFETENSORS_DTYPE_SIZES, decodeElements } from './safetensors.js';

/** torch storage classes lrdkit reads, with the element type (safetensors dtype names). */
const STORAGE_DTYPES: Readonly<Record<string, string>> = {
  FloatStorage: 'F32',
  DoubleStorage: 'F64',
  HalfStorage: 'F16',
  BFloat16Storage: 'BF16',
  LongStorage: 'I64',
  IntStorage: 'I32',
  ShortStorage: 'I16',
  CharStorage: 'I8',
  ByteStorage: 'U8',
  BoolStorage: 'BOOL',
};

/** The pickle globals a torch.save state dict may use; every other global is refused. */
export const TORCH_ALLOWED_GLOBALS: readonly string[] = [
  'collections.OrderedDict',
  'torch._utils._rebuild_tensor_v2',
  'torch._utils._rebuild_parameter',
  ...Object.keys(STORAGE_DTYPES).map((s) => `torch.${s}`),
];

interface StorageRef {
  readonly key: string;
  readonly dtype: string;
  readonly numel: number;
}

interface TensorRef {
  readonly storage: StorageRef;
  readonly offset: number;
  readonly size: readonly number[];
  readonly stride: readonly number[];
}

/**
 * How another archive format built on torch.save's (TorchScript, ../torchScript.ts) extends
 * the reader: more inert globals, and where the tensors are in the unpickled value.
 */
export interface TorchZipHooks {
  /** Value of a global the state-dict reader does not allow (undefined: refused as usual). */
  resolveGlobal?(module: string, name: string): PyValue | undefined;
  /** The named tensors (PyOpaque of kind 'tensor') of the unpickled value; replaces the state-dict search. */
  tensorsOf?(value: PyValue, bad: (detail: string) => never): [string, PyOpaque][];
}

/**
 * Reads a torch.save zip archive holding a state dict (or a dict with one under "state_dict" /
 * "model").
 *
 * @param bytes - the whole file
 * @param file - its name, used in error messages
 * @returns the tensors by state-dict key, in the dict's order (non-tensor entries are skipped);
 *   float32 / float16 / bfloat16 as Float32Array, float64 and integer tensors as Float64Array
 * @throws CheckpointError for anything but a well-formed archive: not a zip (or the legacy
 *   pre-1.6 format), no `<archive>/data.pkl`, a pickle global outside
 *   {@link TORCH_ALLOWED_GLOBALS}, a malformed pickle, a storage member missing or of the wrong
 *   length, a tensor view outside its storage, or no tensors at all
 * @example
 * const tensors = readTorchZip(readFileSync('gru.pt'), 'gru.pt');
 * tensors.get('rnn.weight_hh_l0')?.shape; // [24, 8]
 */
export function readTorchZip(bytes: Uint8Array, file: string, hooks: TorchZipHooks = {}): Map<string, RawTensor> {
  const fail = (where: string, detail: string): never => {
    throw new CheckpointError(file, where, detail);
  };
  if (!looksLikeZip(bytes)) {
    const legacy = bytes.length >= 2 && bytes[0] === 0x80 && bytes[1] === 0x02;
    fail('zip', legacy
      ? 'expected a torch.save zip archive (PyTorch >= 1.6), found the legacy pickle format: re-save with a recent PyTorch or as safetensors'
      : `expected a torch.save zip archive starting with PK\\x03\\x04, found ${describeStart(bytes)}`);
  }
  let zip: ZipArchive;
  try {
    zip = openZip(bytes, file);
  } catch (e) {
    if (e instanceof CheckpointError) throw e;
    return fail('zip', `expected a well-formed zip archive, found a corrupt one (${(e as Error).message})`);
  }
  const read = (name: string): Uint8Array => {
    try {
      return zip.read(name);
    } catch (e) {
      if (e instanceof CheckpointError) throw e;
      return fail(name, `expected a readable archive member, found a corrupt one (${(e as Error).message})`);
    }
  };
  const names = [...zip.entries.keys()];
  const pklName = names.find((n) => /^[^/]+\/data\.pkl$/.test(n)) ?? names.find((n) => /(^|\/)data\.pkl$/.test(n));
  if (pklName === undefined) {
    return fail('data.pkl', `expected an archive member <archive>/data.pkl (torch.save zip format), found members: ${names.slice(0, 8).join(', ') || 'none'}${names.length > 8 ? ', ...' : ''}`);
  }
  const prefix = pklName.slice(0, pklName.length - 'data.pkl'.length);
  let littleEndian = true;
  if (zip.entries.has(`${prefix}byteorder`)) {
    const order = new TextDecoder('latin1').decode(read(`${prefix}byteorder`)).trim();
    if (order !== 'little' && order !== 'big') fail(`${prefix}byteorder`, `expected "little" or "big", found ${JSON.stringify(order.slice(0, 20))}`);
    littleEndian = order === 'little';
  }

  const where = pklName;
  const bad = (detail: string): never => fail(where, detail);
  const storageTypes = new Map<string, PyOpaque>();
  const storages = new Map<string, StorageRef>();
  const int = (v: PyValue | undefined, what: string): number => {
    if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return v;
    return bad(`${what}: expected a non-negative integer, found ${typeof v === 'number' || typeof v === 'bigint' ? String(v) : pyTypeName(v)}`);
  };
  const ints = (v: PyValue | undefined, what: string): number[] => {
    if (!(v instanceof PyTuple)) return bad(`${what}: expected a tuple of integers, found ${pyTypeName(v)}`);
    return v.items.map((x, i) => int(x, `${what}[${i}]`));
  };

  const rebuildTensor = new PyCallable('torch._utils._rebuild_tensor_v2', (args) => {
    if (args.length < 4) bad(`_rebuild_tensor_v2: expected (storage, storage_offset, size, stride, ...), found ${args.length} arguments`);
    const storage = args[0];
    if (!(storage instanceof PyOpaque) || storage.kind !== 'storage') return bad(`_rebuild_tensor_v2: expected a storage as the first argument, found ${pyTypeName(storage)}`);
    const size = ints(args[2], '_rebuild_tensor_v2 size'), stride = ints(args[3], '_rebuild_tensor_v2 stride');
    if (size.length !== stride.length) bad(`_rebuild_tensor_v2: expected as many strides as sizes, found size (${size.join(', ')}) and stride (${stride.join(', ')})`);
    const ref: TensorRef = { storage: storage.value as StorageRef, offset: int(args[1], '_rebuild_tensor_v2 storage_offset'), size, stride };
    return new PyOpaque('tensor', ref);
  });
  const rebuildParameter = new PyCallable('torch._utils._rebuild_parameter', (args) => {
    const data = args[0];
    if (!(data instanceof PyOpaque) || data.kind !== 'tensor') return bad(`_rebuild_parameter: expected a tensor as the first argument, found ${pyTypeName(data)}`);
    return data;
  });
  const orderedDict = new PyCallable('collections.OrderedDict', (args) => {
    if (args.length !== 0) bad(`collections.OrderedDict: expected no arguments, found ${args.length}`);
    return new PyDict();
  });

  const value = unpickle(read(pklName), {
    file,
    where,
    resolveGlobal(module, name) {
      const qualified = `${module}.${name}`;
      if (qualified === 'collections.OrderedDict') return orderedDict;
      if (qualified === 'torch._utils._rebuild_tensor_v2') return rebuildTensor;
      if (qualified === 'torch._utils._rebuild_parameter') return rebuildParameter;
      const dtype = module === 'torch' && Object.hasOwn(STORAGE_DTYPES, name) ? STORAGE_DTYPES[name] : undefined;
      if (dtype !== undefined) {
        let t = storageTypes.get(dtype);
        if (!t) storageTypes.set(dtype, (t = new PyOpaque('storage type', dtype)));
        return t;
      }
      const extra = hooks.resolveGlobal?.(module, name);
      if (extra !== undefined) return extra;
      return bad(`expected only the globals of a state dict (${TORCH_ALLOWED_GLOBALS.join(', ')}), found global ${JSON.stringify(qualified.slice(0, 200))}: lrdkit never runs code from a checkpoint; save model.state_dict() (not the model) or use safetensors`);
    },
    persistentLoad(pid) {
      if (!(pid instanceof PyTuple) || pid.items.length !== 5 || pid.items[0] !== 'storage') {
        return bad(`persistent id: expected ('storage', storage_type, key, location, numel), found ${pyTypeName(pid)}${pid instanceof PyTuple && typeof pid.items[0] === 'string' ? ` starting with ${JSON.stringify(pid.items[0])}` : ''}`);
      }
      const [, type, key, , numelValue] = pid.items;
      if (!(type instanceof PyOpaque) || type.kind !== 'storage type') return bad(`persistent id: expected a torch storage class, found ${pyTypeName(type)}`);
      if (typeof key !== 'string') return bad(`persistent id: expected a string storage key, found ${pyTypeName(key)}`);
      const numel = int(numelValue, `storage ${key} numel`);
      const dtype = type.value as string;
      let ref = storages.get(key);
      if (!ref) storages.set(key, (ref = { key, dtype, numel }));
      else if (ref.dtype !== dtype || ref.numel !== numel) bad(`storage ${key}: expected one dtype and size per storage, found ${ref.dtype} x ${ref.numel} and ${dtype} x ${numel}`);
      return new PyOpaque('storage', ref);
    },
  });

  // The state dict: the top-level dict, or one nested under "state_dict" / "model".
  const tensorEntries = (d: PyDict): [string, TensorRef][] =>
    [...d.map].filter((e): e is [string, PyOpaque] => typeof e[0] === 'string' && e[1] instanceof PyOpaque && e[1].kind === 'tensor').map(([k, v]) => [k, v.value as TensorRef]);
  let entries: [string, TensorRef][] = [];
  if (hooks.tensorsOf) entries = hooks.tensorsOf(value, bad).map(([k, v]) => [k, v.value as TensorRef]);
  else if (!(value instanceof PyDict)) return bad(`expected a state dict (a dict of tensors), found ${pyTypeName(value)}`);
  else entries = tensorEntries(value);
  if (entries.length === 0 && value instanceof PyDict && !hooks.tensorsOf) {
    for (const k of ['state_dict', 'model']) {
      const nested = value.map.get(k);
      if (nested instanceof PyDict && tensorEntries(nested).length > 0) {
        entries = tensorEntries(nested);
        break;
      }
    }
  }
  if (entries.length === 0 && hooks.tensorsOf) return bad('expected tensors in the archive, found none');
  if (entries.length === 0 && value instanceof PyDict) {
    const keys = [...value.map.keys()].slice(0, 8).map((k) => JSON.stringify(String(k)));
    return bad(`expected a state dict (a dict of tensors, or one under "state_dict" / "model"), found a dict without tensors (keys: ${keys.join(', ') || 'none'})`);
  }

  // Materialize: each storage member read and decoded once; total work bounded by the file size.
  const decoded = new Map<string, Float32Array | Float64Array>();
  const budget = 8 * bytes.length + 1024;
  let spent = 0;
  const out = new Map<string, RawTensor>();
  for (const [name, t] of entries) {
    const memberName = `${prefix}data/${t.storage.key}`;
    const whereTensor = `tensor ${name}`;
    let data = decoded.get(t.storage.key);
    if (!data) {
      const size = SAFETENSORS_DTYPE_SIZES[t.storage.dtype] as number;
      if (!zip.entries.has(memberName)) fail(whereTensor, `expected storage member ${memberName}, found none (members: ${names.slice(0, 8).join(', ')}${names.length > 8 ? ', ...' : ''})`);
      const declared = zip.entries.get(memberName)?.size ?? 0;
      if (declared !== t.storage.numel * size) {
        fail(whereTensor, `expected ${t.storage.numel * size} bytes in ${memberName} (${t.storage.numel} elements of ${t.storage.dtype}), found ${declared} (the member's declared size; refused before inflating)`);
      }
      const raw = read(memberName);
      if (raw.length !== t.storage.numel * size) {
        fail(whereTensor, `expected ${t.storage.numel * size} bytes in ${memberName} (${t.storage.numel} elements of ${t.storage.dtype}), found ${raw.length}`);
      }
      data = decodeElements(raw, t.storage.dtype, littleEndian);
      decoded.set(t.storage.key, data);
    }
    const count = t.size.reduce((p, s) => p * s, 1);
    if (count > 0) {
      let last = t.offset;
      for (let i = 0; i < t.size.length; i++) last += ((t.size[i] as number) - 1) * (t.stride[i] as number);
      if (last >= t.storage.numel) {
        fail(whereTensor, `expected a view inside its ${t.storage.numel}-element storage ${t.storage.key}, found offset ${t.offset}, size (${t.size.join(', ')}), stride (${t.stride.join(', ')}) reaching element ${last}`);
      }
    }
    spent += count;
    if (spent > budget) fail(whereTensor, `expected at most ${budget} tensor elements in total (8 per byte of file), found more: views repeat storage beyond what a state dict holds`);
    out.set(name, { shape: [...t.size], data: gather(data, t) });
  }
  return out;
}

/** The tensor's elements in row-major order, read through its offset and strides. */
function gather(storage: Float32Array | Float64Array, t: TensorRef): Float32Array | Float64Array {
  const count = t.size.reduce((p, s) => p * s, 1);
  const out = storage instanceof Float32Array ? new Float32Array(count) : new Float64Array(count);
  if (count === 0) return out;
  const rank = t.size.length;
  let contiguous = true;
  for (let i = rank - 1, expect = 1; i >= 0; i--) {
    if ((t.size[i] as number) !== 1 && (t.stride[i] as number) !== expect) contiguous = false;
    expect *= t.size[i] as number;
  }
  if (contiguous) {
    out.set(storage.subarray(t.offset, t.offset + count));
    return out;
  }
  const index = new Array<number>(rank).fill(0);
  let p = t.offset;
  for (let k = 0; k < count; k++) {
    out[k] = storage[p] as number;
    for (let i = rank - 1; i >= 0; i--) {
      index[i] = (index[i] as number) + 1;
      p += t.stride[i] as number;
      if ((index[i] as number) < (t.size[i] as number)) break;
      p -= (t.size[i] as number) * (t.stride[i] as number);
      index[i] = 0;
    }
  }
  return out;
}

function describeStart(bytes: Uint8Array): string {
  if (bytes.length === 0) return 'an empty file';
  return `bytes ${[...bytes.subarray(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join(' ')}`;
}
