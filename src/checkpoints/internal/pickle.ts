/**
 * A minimal, safe pickle virtual machine: enough of protocols 2-5 to read the `data.pkl` of a
 * torch.save archive (a dict of tensors and plain values). It never imports or executes
 * anything: GLOBAL / STACK_GLOBAL ask the caller's `resolveGlobal`, which returns a value for
 * the few globals it allows (and throws for every other one), and REDUCE / NEWOBJ only call
 * {@link PyCallable}s the caller made.
 *
 * Work is bounded by the input: every opcode consumes at least one byte, values are shared by
 * reference (BINGET / DUP copy nothing), the mark-based opcodes pop what they consume, integers
 * are at most {@link PICKLE_MAX_LONG_BYTES} bytes and nesting (MARKs, containers) at most
 * {@link PICKLE_MAX_DEPTH} deep, so a run costs O(input bytes) plus whatever the caller's
 * callables do, and nothing recursive ever meets a deep value. Every malformed input
 * (unknown opcode, data running past the end, stack underflow, missing memo entry, wrong
 * argument types, a dict key given twice) is a CheckpointError naming the file, the pickle
 * member and the byte offset.
 *
 * Opcodes: PROTO, FRAME, STOP, MARK, POP, POP_MARK, DUP, NONE, NEWTRUE, NEWFALSE, BININT,
 * BININT1, BININT2, LONG1, LONG4, BINFLOAT, BINUNICODE, SHORT_BINUNICODE, BINUNICODE8,
 * BINSTRING, SHORT_BINSTRING, BINBYTES, SHORT_BINBYTES, BINBYTES8, EMPTY_TUPLE, TUPLE, TUPLE1,
 * TUPLE2, TUPLE3, EMPTY_LIST, LIST, APPEND, APPENDS, EMPTY_DICT, DICT, SETITEM, SETITEMS,
 * BINPUT, LONG_BINPUT, MEMOIZE, BINGET, LONG_BINGET, GLOBAL, STACK_GLOBAL, REDUCE, NEWOBJ,
 * BUILD, BINPERSID. Text-mode (protocol 0) opcodes are not supported.
 *
 * @internal
 */
import { CheckpointError } from '../errors.js';

/** A Python tuple. */
export class PyTuple {
  constructor(readonly items: readonly PyValue[]) {}
}

/** A Python list. */
export class PyList {
  constructor(readonly items: PyValue[] = []) {}
}

/** Hashable keys lrdkit accepts in dicts. */
export type PyKey = string | number | bigint | boolean | null;

/** A Python dict (or OrderedDict), insertion-ordered; `state` is what BUILD set on it. */
export class PyDict {
  readonly map = new Map<PyKey, PyValue>();
  state: PyValue | undefined;
}

/** A function or class the caller allowed; REDUCE / NEWOBJ call it with the argument tuple. */
export class PyCallable {
  constructor(
    readonly qualifiedName: string,
    readonly call: (args: readonly PyValue[]) => PyValue,
  ) {}
}

/** Any other value the caller's callables make (tensors, storages, type markers). */
export class PyOpaque {
  state: PyValue | undefined;
  constructor(
    readonly kind: string,
    readonly value: unknown,
  ) {}
}

/** Values on the pickle stack. */
export type PyValue = null | boolean | number | bigint | string | Uint8Array | PyTuple | PyList | PyDict | PyCallable | PyOpaque;

/** What the caller supplies. */
export interface UnpickleOptions {
  /** File name for error messages. */
  readonly file: string;
  /** The part of the file (archive member) for error messages. */
  readonly where: string;
  /** Value of GLOBAL module.name; must throw (a CheckpointError) for globals it does not allow. */
  resolveGlobal(module: string, name: string): PyValue;
  /** Value of BINPERSID pid; must throw for ids it does not understand. */
  persistentLoad(pid: PyValue): PyValue;
}

/** A short description of a value's type, for messages. */
export function pyTypeName(v: PyValue | undefined): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'None';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'string') return 'str';
  if (v instanceof Uint8Array) return 'bytes';
  if (v instanceof PyTuple) return `tuple of ${v.items.length}`;
  if (v instanceof PyList) return 'list';
  if (v instanceof PyDict) return 'dict';
  if (v instanceof PyCallable) return v.qualifiedName;
  return v.kind;
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Largest LONG1 / LONG4 integer accepted, in bytes (a 512-bit integer). A state dict's ints are
 * sizes, strides and offsets (8 bytes at most); a longer one is refused before it is decoded, so
 * that no opcode costs more than linear time (a 256 KB LONG4 took minutes when decoded).
 */
export const PICKLE_MAX_LONG_BYTES = 64;
/** Deepest nesting of MARKs and of containers (tuples, lists, dicts) accepted. */
export const PICKLE_MAX_DEPTH = 256;

/** Little-endian two's complement bytes to an int (number when safe, else bigint); at most PICKLE_MAX_LONG_BYTES bytes. */
function decodeLong(b: Uint8Array): number | bigint {
  if (b.length === 0) return 0;
  let hex = '';
  for (let i = b.length - 1; i >= 0; i--) hex += (b[i] as number).toString(16).padStart(2, '0');
  let v = BigInt(`0x${hex}`);
  if ((b[b.length - 1] as number) & 0x80) v -= 1n << BigInt(8 * b.length);
  return v <= MAX_SAFE && v >= -MAX_SAFE ? Number(v) : v;
}

/**
 * Runs the pickle program in `bytes` and returns the value at STOP.
 *
 * @throws CheckpointError on any malformed or unsupported input
 */
export function unpickle(bytes: Uint8Array, options: UnpickleOptions): PyValue {
  const { file, where } = options;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  const latin1 = new TextDecoder('latin1');
  let pos = 0;
  let opStart = 0;
  let stack: PyValue[] = [];
  const marks: PyValue[][] = [];
  const memo = new Map<number, PyValue>();
  // Nesting depth of the containers built here (values not in the map have depth 0).
  const depths = new WeakMap<object, number>();
  const depthOf = (v: PyValue | undefined): number => (typeof v === 'object' && v !== null ? (depths.get(v) ?? 0) : 0);
  const nested = <T extends PyTuple | PyList | PyDict>(container: T, items: Iterable<PyValue>, what: string): T => {
    let d = depthOf(container);
    for (const v of items) d = Math.max(d, depthOf(v) + 1);
    if (d > PICKLE_MAX_DEPTH) fail(`${what}: expected values nested at most ${PICKLE_MAX_DEPTH} levels deep, found deeper nesting (refused)`);
    depths.set(container, d);
    return container;
  };
  const long = (n: number, what: string): number | bigint => {
    if (n > PICKLE_MAX_LONG_BYTES) fail(`${what}: expected an integer of at most ${PICKLE_MAX_LONG_BYTES} bytes, found one of ${n} bytes (refused before decoding)`);
    return decodeLong(take(n, what));
  };

  const fail = (detail: string): never => {
    throw new CheckpointError(file, where, `byte ${opStart}: ${detail}`);
  };
  const need = (n: number, what: string): void => {
    if (n > bytes.length - pos) fail(`${what}: expected ${n} more bytes, found ${bytes.length - pos} (truncated pickle)`);
  };
  const take = (n: number, what: string): Uint8Array => {
    need(n, what);
    const out = bytes.subarray(pos, pos + n);
    pos += n;
    return out;
  };
  const u8 = (what: string): number => {
    need(1, what);
    return view.getUint8(pos++);
  };
  const u32 = (what: string): number => {
    need(4, what);
    const v = view.getUint32(pos, true);
    pos += 4;
    return v;
  };
  const u64 = (what: string): number => {
    need(8, what);
    const v = view.getBigUint64(pos, true);
    pos += 8;
    if (v > BigInt(bytes.length)) fail(`${what}: length ${v} exceeds the ${bytes.length}-byte pickle`);
    return Number(v);
  };
  const text = (b: Uint8Array, what: string): string => {
    try {
      return utf8.decode(b);
    } catch {
      return fail(`${what}: expected UTF-8 text, found invalid bytes`);
    }
  };
  const line = (what: string): string => {
    const end = bytes.indexOf(0x0a, pos);
    if (end < 0) fail(`${what}: expected a newline-terminated name, found the end of the pickle`);
    const s = text(bytes.subarray(pos, end), what);
    pos = end + 1;
    return s;
  };
  const pop = (what: string): PyValue => {
    if (stack.length === 0) fail(`${what}: expected a value on the stack, found an empty stack`);
    return stack.pop() as PyValue;
  };
  const top = (what: string): PyValue => {
    if (stack.length === 0) fail(`${what}: expected a value on the stack, found an empty stack`);
    return stack[stack.length - 1] as PyValue;
  };
  const popMark = (what: string): PyValue[] => {
    const items = stack;
    const previous = marks.pop();
    if (previous === undefined) fail(`${what}: expected a MARK, found none`);
    stack = previous as PyValue[];
    return items;
  };
  const key = (k: PyValue, what: string): PyKey => {
    if (k === null || typeof k === 'string' || typeof k === 'number' || typeof k === 'bigint' || typeof k === 'boolean') return k;
    return fail(`${what}: expected a str, int, bool or None dict key, found ${pyTypeName(k)}`);
  };
  /** d[k] = v for a key not yet in d: a pickled dict names each key once, so a repeated key (which would silently replace a tensor) is refused. */
  const setNew = (d: PyDict, k: PyValue, v: PyValue, what: string): void => {
    const name = key(k, what);
    if (d.map.has(name)) fail(`${what}: duplicate dict key ${typeof name === 'string' ? JSON.stringify(name) : String(name)} (each key may appear once; a second value would silently replace the first)`);
    d.map.set(name, v);
  };
  const dictOf = (d: PyValue, what: string): PyDict => (d instanceof PyDict ? d : fail(`${what}: expected a dict, found ${pyTypeName(d)}`));
  const listOf = (l: PyValue, what: string): PyList => (l instanceof PyList ? l : fail(`${what}: expected a list, found ${pyTypeName(l)}`));
  const call = (f: PyValue, args: PyValue, what: string): PyValue => {
    if (!(f instanceof PyCallable)) return fail(`${what}: expected an allowed callable, found ${pyTypeName(f)}`);
    if (!(args instanceof PyTuple)) return fail(`${what}: expected an argument tuple for ${f.qualifiedName}, found ${pyTypeName(args)}`);
    return guard(() => f.call(args.items));
  };
  /** Runs a caller's callback; its CheckpointErrors about this pickle get the opcode's offset. */
  const guard = <T>(fn: () => T): T => {
    try {
      return fn();
    } catch (e) {
      if (e instanceof CheckpointError && e.file === file && e.where === where && !e.detail.startsWith('byte ')) throw new CheckpointError(file, where, `byte ${opStart}: ${e.detail}`);
      throw e;
    }
  };
  const memoGet = (i: number): PyValue => {
    if (!memo.has(i)) fail(`expected memo entry ${i}, found none`);
    return memo.get(i) as PyValue;
  };

  while (pos < bytes.length) {
    opStart = pos;
    const op = view.getUint8(pos++);
    switch (op) {
      case 0x80: { // PROTO
        const p = u8('PROTO');
        if (p < 2 || p > 5) fail(`PROTO: expected protocol 2 to 5, found ${p}`);
        break;
      }
      case 0x95: // FRAME: a length hint only
        take(8, 'FRAME');
        break;
      case 0x2e: // STOP
        if (marks.length !== 0) fail(`STOP: expected no open MARK, found ${marks.length}`);
        return pop('STOP');
      case 0x28: // MARK
        if (marks.length >= PICKLE_MAX_DEPTH) fail(`MARK: expected MARKs nested at most ${PICKLE_MAX_DEPTH} deep, found deeper nesting (refused)`);
        marks.push(stack);
        stack = [];
        break;
      case 0x30: // POP
        if (stack.length === 0) popMark('POP');
        else stack.pop();
        break;
      case 0x31: // POP_MARK
        popMark('POP_MARK');
        break;
      case 0x32: // DUP
        stack.push(top('DUP'));
        break;
      case 0x4e: // NONE
        stack.push(null);
        break;
      case 0x88: // NEWTRUE
        stack.push(true);
        break;
      case 0x89: // NEWFALSE
        stack.push(false);
        break;
      case 0x4a: // BININT
        need(4, 'BININT');
        stack.push(view.getInt32(pos, true));
        pos += 4;
        break;
      case 0x4b: // BININT1
        stack.push(u8('BININT1'));
        break;
      case 0x4d: // BININT2
        need(2, 'BININT2');
        stack.push(view.getUint16(pos, true));
        pos += 2;
        break;
      case 0x8a: // LONG1
        stack.push(long(u8('LONG1'), 'LONG1'));
        break;
      case 0x8b: { // LONG4
        need(4, 'LONG4');
        const n = view.getInt32(pos, true);
        pos += 4;
        if (n < 0) fail(`LONG4: expected a non-negative byte count, found ${n}`);
        stack.push(long(n, 'LONG4'));
        break;
      }
      case 0x47: // BINFLOAT (big-endian)
        need(8, 'BINFLOAT');
        stack.push(view.getFloat64(pos, false));
        pos += 8;
        break;
      case 0x58: // BINUNICODE
        stack.push(text(take(u32('BINUNICODE'), 'BINUNICODE'), 'BINUNICODE'));
        break;
      case 0x8c: // SHORT_BINUNICODE
        stack.push(text(take(u8('SHORT_BINUNICODE'), 'SHORT_BINUNICODE'), 'SHORT_BINUNICODE'));
        break;
      case 0x8d: // BINUNICODE8
        stack.push(text(take(u64('BINUNICODE8'), 'BINUNICODE8'), 'BINUNICODE8'));
        break;
      case 0x54: { // BINSTRING (Python 2 str)
        need(4, 'BINSTRING');
        const n = view.getInt32(pos, true);
        pos += 4;
        if (n < 0) fail(`BINSTRING: expected a non-negative length, found ${n}`);
        stack.push(latin1.decode(take(n, 'BINSTRING')));
        break;
      }
      case 0x55: // SHORT_BINSTRING
        stack.push(latin1.decode(take(u8('SHORT_BINSTRING'), 'SHORT_BINSTRING')));
        break;
      case 0x42: // BINBYTES
        stack.push(take(u32('BINBYTES'), 'BINBYTES').slice());
        break;
      case 0x43: // SHORT_BINBYTES
        stack.push(take(u8('SHORT_BINBYTES'), 'SHORT_BINBYTES').slice());
        break;
      case 0x8e: // BINBYTES8
        stack.push(take(u64('BINBYTES8'), 'BINBYTES8').slice());
        break;
      case 0x29: // EMPTY_TUPLE
        stack.push(new PyTuple([]));
        break;
      case 0x74: { // TUPLE (popMark replaces `stack`: take the items before pushing)
        const items = popMark('TUPLE');
        stack.push(nested(new PyTuple(items), items, 'TUPLE'));
        break;
      }
      case 0x85: // TUPLE1
        { const a = pop('TUPLE1'); stack.push(nested(new PyTuple([a]), [a], 'TUPLE1')); }
        break;
      case 0x86: { // TUPLE2
        const b = pop('TUPLE2'), a = pop('TUPLE2');
        stack.push(nested(new PyTuple([a, b]), [a, b], 'TUPLE2'));
        break;
      }
      case 0x87: { // TUPLE3
        const c = pop('TUPLE3'), b = pop('TUPLE3'), a = pop('TUPLE3');
        stack.push(nested(new PyTuple([a, b, c]), [a, b, c], 'TUPLE3'));
        break;
      }
      case 0x5d: // EMPTY_LIST
        stack.push(new PyList());
        break;
      case 0x6c: { // LIST
        const items = popMark('LIST');
        stack.push(nested(new PyList(items), items, 'LIST'));
        break;
      }
      case 0x61: { // APPEND
        const v = pop('APPEND');
        nested(listOf(top('APPEND'), 'APPEND'), [v], 'APPEND').items.push(v);
        break;
      }
      case 0x65: { // APPENDS
        const items = popMark('APPENDS');
        const target = nested(listOf(top('APPENDS'), 'APPENDS'), items, 'APPENDS').items;
        for (const v of items) target.push(v);
        break;
      }
      case 0x7d: // EMPTY_DICT
        stack.push(new PyDict());
        break;
      case 0x64: { // DICT
        const items = popMark('DICT');
        if (items.length % 2 !== 0) fail(`DICT: expected key/value pairs, found ${items.length} items`);
        const d = new PyDict();
        for (let i = 0; i < items.length; i += 2) setNew(d, items[i] as PyValue, items[i + 1] as PyValue, 'DICT');
        stack.push(nested(d, items, 'DICT'));
        break;
      }
      case 0x73: { // SETITEM
        const v = pop('SETITEM'), k = pop('SETITEM');
        setNew(nested(dictOf(top('SETITEM'), 'SETITEM'), [v], 'SETITEM'), k, v, 'SETITEM');
        break;
      }
      case 0x75: { // SETITEMS
        const items = popMark('SETITEMS');
        if (items.length % 2 !== 0) fail(`SETITEMS: expected key/value pairs, found ${items.length} items`);
        const d = nested(dictOf(top('SETITEMS'), 'SETITEMS'), items, 'SETITEMS');
        for (let i = 0; i < items.length; i += 2) setNew(d, items[i] as PyValue, items[i + 1] as PyValue, 'SETITEMS');
        break;
      }
      case 0x71: // BINPUT
        memo.set(u8('BINPUT'), top('BINPUT'));
        break;
      case 0x72: // LONG_BINPUT
        memo.set(u32('LONG_BINPUT'), top('LONG_BINPUT'));
        break;
      case 0x94: // MEMOIZE
        memo.set(memo.size, top('MEMOIZE'));
        break;
      case 0x68: // BINGET
        stack.push(memoGet(u8('BINGET')));
        break;
      case 0x6a: // LONG_BINGET
        stack.push(memoGet(u32('LONG_BINGET')));
        break;
      case 0x63: { // GLOBAL
        const module = line('GLOBAL module');
        const name = line('GLOBAL name');
        stack.push(guard(() => options.resolveGlobal(module, name)));
        break;
      }
      case 0x93: { // STACK_GLOBAL
        const name = pop('STACK_GLOBAL'), module = pop('STACK_GLOBAL');
        if (typeof module !== 'string' || typeof name !== 'string') fail(`STACK_GLOBAL: expected module and name strings, found ${pyTypeName(module)} and ${pyTypeName(name)}`);
        stack.push(guard(() => options.resolveGlobal(module as string, name as string)));
        break;
      }
      case 0x52: { // REDUCE
        const args = pop('REDUCE'), f = pop('REDUCE');
        stack.push(call(f, args, 'REDUCE'));
        break;
      }
      case 0x81: { // NEWOBJ
        const args = pop('NEWOBJ'), cls = pop('NEWOBJ');
        stack.push(call(cls, args, 'NEWOBJ'));
        break;
      }
      case 0x62: { // BUILD: record the state, run nothing
        const state = pop('BUILD');
        const target = top('BUILD');
        if (target instanceof PyDict || target instanceof PyOpaque) target.state = state;
        else fail(`BUILD: expected a dict or an object made by an allowed callable, found ${pyTypeName(target)}`);
        break;
      }
      case 0x51: { // BINPERSID
        const pid = pop('BINPERSID');
        stack.push(guard(() => options.persistentLoad(pid)));
        break;
      }
      default:
        fail(`expected a supported pickle opcode, found 0x${op.toString(16).padStart(2, '0')}${op >= 0x20 && op < 0x7f ? ` ('${String.fromCharCode(op)}')` : ''}`);
    }
  }
  opStart = pos;
  return fail('expected STOP, found the end of the pickle (truncated)');
}
