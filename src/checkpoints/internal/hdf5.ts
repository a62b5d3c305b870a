/**
 * Reading HDF5 files (Keras .h5 and the weights inside .keras) with h5wasm, isolated in a
 * worker thread.
 *
 * Why a worker: h5wasm is the HDF5 C library compiled to WebAssembly. On damaged files it
 * can call abort() (the module's state is then undefined) or loop without end inside the
 * library (observed when fuzzing: a corrupted attribute datatype makes an attribute read
 * spin). Neither can be stopped from the thread that made the call. The worker reads the
 * whole file into plain data (groups, the attributes Keras uses, float datasets) and posts it
 * back; the calling thread enforces a time limit, terminates a worker that exceeded it or
 * aborted, and reports a CheckpointError. The worker is started on first use, shared by all
 * reads (one at a time, queued), and unref'd while idle so it never keeps a process alive.
 *
 * Before the bytes reach the library, the superblock is checked in TypeScript (signature,
 * version, offset size, and the end-of-file address against the byte count, which catches
 * truncated files with a clear message).
 *
 * The worker's code is plain JavaScript given to `new Worker(code, { eval: true })` so that it
 * runs the same from the TypeScript sources (vitest) and from the compiled package; it
 * imports h5wasm's ES module build (in-memory file system; see {@link h5wasmUrl}) by the URL
 * resolved here, writes the bytes to its memory file system, and captures the HDF5 error
 * stacks (console.error) to put their most specific line into the error message.
 *
 * @internal
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { CheckpointError } from '../errors.js';
import { budgetForFile } from './fileAccess.js';
import type { RawTensor } from './layers.js';

/** An attribute value as read: strings, numbers, or arrays of them (null when unreadable). */
export type H5AttrValue = string | number | boolean | (string | number | boolean)[] | null;

/** One object of the file, by absolute path ('/' is the root group). */
export type H5Object =
  | { readonly type: 'group'; readonly attrs: Readonly<Record<string, H5AttrValue>>; readonly children: readonly string[] }
  | {
      readonly type: 'dataset';
      readonly attrs: Readonly<Record<string, H5AttrValue>>;
      readonly shape: readonly number[];
      /** 'float32' / 'float64' (little endian) or a description of another type. */
      readonly dtype: string;
      /** The values for float32/float64 datasets, row-major; absent for other types. */
      readonly data?: Float32Array | Float64Array;
    }
  | { readonly type: 'other'; readonly what: string };

/** Everything read from one HDF5 file. */
export interface H5File {
  readonly file: string;
  readonly objects: ReadonlyMap<string, H5Object>;
}

/** Options of {@link readHdf5}. */
export interface ReadHdf5Options {
  /** Top-level names whose subtrees are not read (e.g. optimizer state). */
  skipTopLevel?: readonly string[];
  /** Milliseconds before a read is abandoned as hung (default 30 s + 1 s per 10 MB). */
  timeoutMs?: number;
  /** What the bytes are, for messages (default 'HDF5'). */
  where?: string;
}

const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/** Whether the bytes start with the HDF5 signature. */
export function looksLikeHdf5(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && SIGNATURE.every((b, i) => bytes[i] === b);
}

/**
 * Checks the superblock (at offset 0, where Keras and h5py put it): signature, version 0-3,
 * offset size 2/4/8 and the end-of-file address, which must not exceed the byte count.
 */
export function checkSuperblock(bytes: Uint8Array, file: string, where = 'HDF5'): void {
  const fail = (detail: string): never => {
    throw new CheckpointError(file, where, detail);
  };
  if (!looksLikeHdf5(bytes)) {
    fail(`expected the HDF5 signature 89 48 44 46 0d 0a 1a 0a at offset 0, found ${Buffer.from(bytes.subarray(0, 8)).toString('hex').replace(/(..)/g, '$1 ').trim() || 'an empty file'}`);
  }
  if (bytes.length < 12) fail(`expected a superblock after the signature, found ${bytes.length} bytes in all (truncated)`);
  const version = bytes[8] as number;
  if (version > 3) fail(`expected superblock version 0, 1, 2 or 3, found ${version}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const sizeOfOffsets = version < 2 ? (bytes[13] as number) : (bytes[9] as number);
  if (![2, 4, 8].includes(sizeOfOffsets)) fail(`expected a superblock offset size of 2, 4 or 8 bytes, found ${sizeOfOffsets}`);
  // Position of the base address: v0 24, v1 28 (indexed storage K + reserved), v2/v3 12.
  const base = version === 0 ? 24 : version === 1 ? 28 : 12;
  const read = (at: number): number => {
    if (at + sizeOfOffsets > bytes.length) fail(`expected a ${sizeOfOffsets}-byte address at offset ${at}, found the end of the ${bytes.length}-byte file (truncated)`);
    if (sizeOfOffsets === 8) return Number(view.getBigUint64(at, true));
    return sizeOfOffsets === 4 ? view.getUint32(at, true) : view.getUint16(at, true);
  };
  const baseAddress = read(base);
  // v0/v1: base, free-space info, end of file; v2/v3: base, superblock extension, end of file.
  const eof = read(base + 2 * sizeOfOffsets);
  const undefinedAddress = sizeOfOffsets === 8 ? 2 ** 64 - 1 : 2 ** (8 * sizeOfOffsets) - 1;
  if (eof >= undefinedAddress) fail('expected an end-of-file address in the superblock, found the undefined address');
  if (baseAddress + eof > bytes.length) {
    fail(`expected ${baseAddress + eof} bytes (the superblock's end-of-file address), found ${bytes.length} (truncated file)`);
  }
}

// ------------------------------------------------------------------------------------------
// The worker

/** Attributes the readers use; others are not read (fewer chances to trip on damaged data). */
const ATTRIBUTE_PATTERN = '^(model_config|keras_version|backend|layer_names[0-9]*|weight_names[0-9]*|dtype)$';

const WORKER_SOURCE = String.raw`
'use strict';
const { parentPort } = require('node:worker_threads');
// HDF5 prints its error stacks through console.error (h5wasm's ES module build): keep them for
// the reply, print nothing.
let diag = '';
const keep = (...args) => { diag = (diag + args.map(String).join(' ') + '\n').slice(-16384); };
console.error = keep; console.warn = keep; console.log = keep; console.info = keep;
process.stderr.write = (chunk) => { keep(String(chunk)); return true; };
process.stdout.write = (chunk) => { keep(String(chunk)); return true; };
let h5 = null;
let Module = null;
const LIMIT_OBJECTS = 100000;
const LIMIT_DEPTH = 64;
const LIMIT_VALUES = 1 << 28;
function plain(v) {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return Number(v);
  if (ArrayBuffer.isView(v)) return Array.from(v, (x) => (typeof x === 'bigint' ? Number(x) : x));
  if (Array.isArray(v)) return v.map(plain).flat(Infinity);
  return null;
}
let budgetLeft = 0;
let budgetLimit = 0;
function spend(nbytes, what) {
  if (!(nbytes >= 0) || nbytes > budgetLeft) {
    throw new Error('BUDGET:' + what + ': expected at most ' + budgetLimit + ' bytes of data in all (16 x the file size + 16 MiB), found a declared size of ' + nbytes + ' bytes with ' + budgetLeft + ' left: the declared sizes do not match what the file can hold (refused before allocating)');
  }
  budgetLeft -= nbytes;
}
function readAttrs(entity, pattern, path) {
  const out = {};
  for (const name of Object.keys(entity.attrs)) {
    if (!pattern.test(name)) continue;
    const m = Module.get_attribute_metadata(entity.file_id, entity.path, name);
    spend(Number(m.size) * Number(m.total_size || 0), 'attribute ' + name + ' of ' + path);
    out[name] = plain(entity.get_attribute(name, false));
  }
  return out;
}
// A dataset's values read with the status of H5Dread checked: h5wasm's Dataset.value ignores
// it and hands back whatever the buffer held (a failed read became weights). The buffer is
// filled with NaN bit patterns first, so that even an unreported failure cannot look like data.
function readDatasetValues(e, path, dtype, count) {
  const size = dtype === 'float32' ? 4 : 8;
  const nbytes = size * count;
  spend(nbytes, 'dataset ' + path);
  if (nbytes === 0) return dtype === 'float32' ? new Float32Array(0) : new Float64Array(0);
  const ptr = Module._malloc(nbytes);
  if (ptr === 0) throw new Error('READFAIL:dataset ' + path + ': expected memory for ' + nbytes + ' bytes, found none');
  try {
    Module.HEAPU8.fill(0xff, ptr, ptr + nbytes);
    let status;
    try {
      status = Module.get_dataset_data(e.file_id, e.path, null, null, null, BigInt(ptr));
    } catch (err) {
      throw new Error('READFAIL:dataset ' + path + ': expected its values, found a failed read (' + String((err && err.message) || err).split('\n')[0].slice(0, 200) + ')');
    }
    if (typeof status !== 'number' || status < 0) throw new Error('READFAIL:dataset ' + path + ': expected its values, found a failed read (HDF5 status ' + status + ')');
    const bytes = Module.HEAPU8.slice(ptr, ptr + nbytes);
    return dtype === 'float32' ? new Float32Array(bytes.buffer) : new Float64Array(bytes.buffer);
  } finally {
    Module._free(ptr);
  }
}
function dtypeOf(m) {
  if (m.type === 1 && (m.size === 4 || m.size === 8) && m.littleEndian) return m.size === 4 ? 'float32' : 'float64';
  const cls = { 0: 'integer', 1: 'float', 3: 'string', 6: 'compound', 9: 'vlen' }[m.type] || 'class ' + m.type;
  return cls + ' of ' + m.size + ' bytes' + (m.littleEndian ? '' : ' (big endian)');
}
function dump(file, skip, pattern) {
  const objects = [];
  const transfer = [];
  const stack = [['/', file, 0]];
  while (stack.length > 0) {
    const [path, group, depth] = stack.pop();
    const children = group.keys();
    objects.push([path, { type: 'group', attrs: readAttrs(group, pattern, path), children }]);
    if (objects.length > LIMIT_OBJECTS) throw new Error('more than ' + LIMIT_OBJECTS + ' objects');
    for (const key of children) {
      const child = path === '/' ? '/' + key : path + '/' + key;
      if (depth === 0 && skip.includes(key)) { objects.push([child, { type: 'other', what: 'not read' }]); continue; }
      const e = group.get(key);
      const kind = e && e.constructor ? e.constructor.name : 'nothing';
      if (kind === 'Group') {
        if (depth + 1 > LIMIT_DEPTH) throw new Error('groups nested deeper than ' + LIMIT_DEPTH + ' levels');
        stack.push([child, e, depth + 1]);
      } else if (kind === 'Dataset') {
        const m = e.metadata;
        const shape = (e.shape || []).map(Number);
        const dtype = dtypeOf(m);
        const entry = { type: 'dataset', attrs: readAttrs(e, pattern, child), shape, dtype };
        const count = shape.reduce((a, b) => a * b, 1);
        if ((dtype === 'float32' || dtype === 'float64') && count <= LIMIT_VALUES) {
          const v = readDatasetValues(e, child, dtype, count);
          entry.data = v;
          transfer.push(v.buffer);
        }
        objects.push([child, entry]);
      } else {
        objects.push([child, { type: 'other', what: kind }]);
      }
    }
  }
  return { objects, transfer };
}
parentPort.on('message', async (msg) => {
  let f = null;
  const path = '/lrdkit-' + msg.id + '.h5';
  diag = '';
  try {
    if (h5 === null) {
      const mod = await import(msg.h5wasmUrl);
      h5 = mod.default && mod.default.File ? mod.default : mod;
      Module = await h5.ready;
    }
    budgetLimit = msg.budget;
    budgetLeft = msg.budget;
    Module.FS.writeFile(path, msg.bytes);
    f = new h5.File(path, 'r');
    const { objects, transfer } = dump(f, msg.skip, new RegExp(msg.pattern));
    parentPort.postMessage({ id: msg.id, ok: true, objects }, transfer);
  } catch (e) {
    const message = String((e && e.message) || e);
    const refused = /^(BUDGET|READFAIL):/.exec(message);
    parentPort.postMessage({ id: msg.id, ok: false, message: refused ? message.slice(refused[0].length) : message, refused: refused !== null, diag, aborted: /abort/i.test(message) || (e && e.name === 'RuntimeError') });
  } finally {
    try { if (f) f.close(); } catch (e) {}
    try { if (Module) Module.FS.unlink(path); } catch (e) {}
  }
});
`;

interface Reply {
  id: number;
  ok: boolean;
  objects?: [string, H5Object][];
  message?: string;
  diag?: string;
  aborted?: boolean;
  /** A refusal of lrdkit's own (budget, failed dataset read): the message is the whole detail. */
  refused?: boolean;
}

let h5wasmUrlCache: string | undefined;

/**
 * The URL of h5wasm's ES module build ('h5wasm', dist/esm), resolved from this module.
 *
 * Not 'h5wasm/node': that build is compiled with Emscripten's NODERAWFS, so its FS is the real
 * file system (FS.writeFile('/x.h5') writes /x.h5 on disk) and the HDF5 error stacks go straight
 * to file descriptor 2. The ES module build keeps its files in memory (MEMFS) and prints
 * through console.error, which the worker captures; it runs in Node unchanged.
 */
function h5wasmUrl(): string {
  if (h5wasmUrlCache !== undefined) return h5wasmUrlCache;
  const meta = import.meta as ImportMeta & { resolve?: (specifier: string) => string };
  try {
    if (typeof meta.resolve === 'function') return (h5wasmUrlCache = meta.resolve('h5wasm'));
  } catch {
    // fall through to the node_modules search
  }
  const require = createRequire(import.meta.url);
  for (const dir of require.resolve.paths('h5wasm') ?? []) {
    const candidate = join(dir, 'h5wasm', 'dist', 'esm', 'hdf5_hl.js');
    if (existsSync(candidate)) return (h5wasmUrlCache = pathToFileURL(candidate).href);
  }
  throw new Error('lrdkit: cannot find the h5wasm package (a dependency of lrdkit) to read HDF5 files');
}

/** The shared worker and its queue. */
class Hdf5Thread {
  private worker: Worker | null = null;
  private nextId = 1;
  private queue: Promise<unknown> = Promise.resolve();

  /** Runs one read after the previous ones finished. */
  read(bytes: Uint8Array, file: string, skip: readonly string[], timeoutMs: number, where: string): Promise<[string, H5Object][]> {
    const run = this.queue.then(() => this.readNow(bytes, file, skip, timeoutMs, where));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    worker.unref();
    this.worker = worker;
    return worker;
  }

  private discard(): void {
    const w = this.worker;
    this.worker = null;
    if (w) void w.terminate();
  }

  /** The most specific line (the deepest) of the first HDF5 error stack, if any. */
  private diagnostic(text: string): string {
    const first = text.split('HDF5-DIAG')[1] ?? text;
    const lines = first.split('\n').filter((l) => /#\d{3}:/.test(l));
    const last = lines[lines.length - 1];
    if (!last) return '';
    const m = /in (\w+\(\)): (.*)$/.exec(last);
    return m ? ` (HDF5: ${m[1]} ${m[2]})` : '';
  }

  private readNow(bytes: Uint8Array, file: string, skip: readonly string[], timeoutMs: number, where: string): Promise<[string, H5Object][]> {
    let url: string;
    try {
      url = h5wasmUrl();
    } catch (e) {
      return Promise.reject(new CheckpointError(file, where, (e as Error).message));
    }
    let worker: Worker;
    try {
      worker = this.start();
    } catch (e) {
      return Promise.reject(new CheckpointError(file, where, `expected to start the HDF5 reader thread, found an error (${(e as Error).message})`));
    }
    const id = this.nextId++;
    const copy = bytes.slice();
    return new Promise<[string, H5Object][]>((resolve, reject) => {
      let settled = false;
      const finish = (): void => {
        settled = true;
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        if (this.worker === worker) worker.unref();
      };
      const onMessage = (reply: Reply): void => {
        if (reply.id !== id || settled) return;
        finish();
        if (reply.ok) {
          resolve(reply.objects ?? []);
          return;
        }
        if (reply.aborted) this.discard();
        if (reply.refused) {
          reject(new CheckpointError(file, where, reply.message ?? 'refused'));
          return;
        }
        reject(new CheckpointError(file, where, `expected a readable HDF5 file, found one the HDF5 library rejects: ${reply.message ?? 'unknown error'}${this.diagnostic(reply.diag ?? '')}`));
      };
      const onError = (err: Error): void => {
        if (settled) return;
        finish();
        this.discard();
        reject(new CheckpointError(file, where, `expected a readable HDF5 file, found one that crashed the HDF5 reader thread: ${err.message}`));
      };
      const onExit = (code: number): void => {
        if (settled) return;
        finish();
        if (this.worker === worker) this.worker = null;
        reject(new CheckpointError(file, where, `expected a readable HDF5 file, found one that stopped the HDF5 reader thread (exit code ${code})`));
      };
      const timer = setTimeout(() => {
        if (settled) return;
        finish();
        this.discard();
        reject(new CheckpointError(file, where, `expected the HDF5 library to read the file within ${timeoutMs} ms, found it still running (a damaged file can make it loop); the read was stopped`));
      }, timeoutMs);
      worker.ref();
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      worker.postMessage({ id, bytes: copy, skip: [...skip], pattern: ATTRIBUTE_PATTERN, h5wasmUrl: url, budget: budgetForFile(bytes.length) }, [copy.buffer]);
    });
  }
}

const thread = new Hdf5Thread();

/** The default time limit of a read: 30 s plus 1 s per 10 MB (reading is far faster; a damaged file can loop forever). */
export function defaultTimeoutMs(byteLength: number): number {
  return 30_000 + Math.ceil(byteLength / 10_000);
}

/**
 * Reads an HDF5 file held in memory into plain data: every group (with its children), the
 * attributes Keras uses (model_config, keras_version, backend, layer_names*, weight_names*,
 * dtype), and the values of float32/float64 datasets.
 *
 * @throws CheckpointError for a bad superblock, a file the HDF5 library rejects, crashes on
 *   or does not finish within the time limit
 */
export async function readHdf5(bytes: Uint8Array, file: string, options: ReadHdf5Options = {}): Promise<H5File> {
  const where = options.where ?? 'HDF5';
  checkSuperblock(bytes, file, where);
  const entries = await thread.read(bytes, file, options.skipTopLevel ?? [], options.timeoutMs ?? defaultTimeoutMs(bytes.length), where);
  return { file, objects: new Map(entries) };
}

/** The group at `path`, or undefined. */
export function groupAt(h5: H5File, path: string): Extract<H5Object, { type: 'group' }> | undefined {
  const o = h5.objects.get(normalize(path));
  return o && o.type === 'group' ? o : undefined;
}

/** The dataset at `path`, or undefined. */
export function datasetAt(h5: H5File, path: string): Extract<H5Object, { type: 'dataset' }> | undefined {
  const o = h5.objects.get(normalize(path));
  return o && o.type === 'dataset' ? o : undefined;
}

/** '/a/b' form of a path ('a//b/', 'a/b' -> '/a/b'). */
export function normalize(path: string): string {
  const parts = path.split('/').filter((p) => p.length > 0);
  return '/' + parts.join('/');
}

/** Joins path parts. */
export function joinPath(...parts: string[]): string {
  return normalize(parts.join('/'));
}

/** A string attribute (a one-element string array counts), or undefined. */
export function stringAttr(attrs: Readonly<Record<string, H5AttrValue>>, name: string): string | undefined {
  const v = attrs[name];
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && v.length === 1 && typeof v[0] === 'string') return v[0];
  return undefined;
}

/**
 * A list-of-strings attribute, with Keras' chunking (`name0`, `name1`, ... when the list did
 * not fit one attribute: load_attributes_from_hdf5_group). An empty numeric array (what h5py
 * writes for an empty list) gives []. Undefined when absent.
 */
export function stringListAttr(attrs: Readonly<Record<string, H5AttrValue>>, name: string, file: string, where: string): string[] | undefined {
  const collect = (v: H5AttrValue, label: string): string[] => {
    if (typeof v === 'string') return [v];
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
    if (Array.isArray(v) && v.length === 0) return [];
    throw new CheckpointError(file, where, `expected attribute ${label} to be a list of strings, found ${JSON.stringify(v)?.slice(0, 80)}`);
  };
  if (name in attrs) return collect(attrs[name] ?? null, name);
  if (!(`${name}0` in attrs)) return undefined;
  const out: string[] = [];
  for (let k = 0; `${name}${k}` in attrs; k++) out.push(...collect(attrs[`${name}${k}`] ?? null, `${name}${k}`));
  return out;
}

/** The dataset at `path` as a float tensor, or a CheckpointError naming it. */
export function h5Tensor(h5: H5File, path: string, file: string, name = path): RawTensor {
  const ds = datasetAt(h5, path);
  if (!ds) {
    const o = h5.objects.get(joinPath(path));
    throw new CheckpointError(file, `tensor ${name}`, `expected a dataset at ${joinPath(path)}, found ${o ? (o.type === 'group' ? 'a group' : `an object of type ${o.type === 'other' ? o.what : o.type}`) : 'nothing'}`);
  }
  if (!ds.data) throw new CheckpointError(file, `tensor ${name}`, `expected float32 or float64 (little endian) data, found ${ds.dtype}`);
  const count = ds.shape.reduce((a, b) => a * b, 1);
  if (count !== ds.data.length) throw new CheckpointError(file, `tensor ${name}`, `expected ${count} values for shape [${ds.shape.join(', ')}], found ${ds.data.length}`);
  return { shape: ds.shape, data: ds.data };
}
