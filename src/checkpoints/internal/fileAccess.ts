/**
 * Safe access to the files of a checkpoint, and the byte budgets the readers work under. Every
 * reader opens its files here, so that the same rules hold for every format:
 *
 * - **Regular files only.** Character and block devices (/dev/zero, /dev/urandom), FIFOs and
 *   sockets are refused before they are opened (a FIFO would block the open, a device would
 *   never end), and the opened descriptor is checked again (fstat) against a swap in between.
 * - **Symbolic links stay inside the checkpoint.** A path is resolved (realpath) and, when a
 *   `root` is given (the model folder for TF.js shards and model.json), must lie inside the
 *   resolved root; a link leaving it is refused without saying anything about its target (no
 *   size, no contents).
 * - **Real sizes.** A file is read in one pass of exactly its fstat size: no more (a file that
 *   grows while read is cut at the size it had), and a file that shrinks is an error.
 * - **Budgets.** {@link ByteBudget} bounds what a reader may allocate or inflate from a file of
 *   a given size: `INFLATION_FACTOR` x the file's bytes + `INFLATION_SLACK_BYTES` in all. A
 *   real checkpoint's tensors are stored uncompressed (torch.save, safetensors, TF.js, Keras
 *   .h5) or deflate poorly (float weights: ratio about 1.1), so the budget is far above any real
 *   file and far below what a crafted one could ask for (a 34 KB file declaring GRU(8000)
 *   would need 1.5 GB).
 *
 * @internal
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, realpathSync, statSync, type Stats } from 'node:fs';
import { totalmem } from 'node:os';
import { isAbsolute, relative, resolve } from 'node:path';
import { CheckpointError } from '../errors.js';

/** Total bytes a reader may inflate or allocate per byte of file read (plus the slack). */
export const INFLATION_FACTOR = 16;
/** Bytes a reader may use beyond INFLATION_FACTOR x the file size (small files' headroom). */
export const INFLATION_SLACK_BYTES = 16 * 2 ** 20;

/** What kind of file system object `st` is, in words. */
export function fileKind(st: Stats): string {
  if (st.isFile()) return 'a regular file';
  if (st.isDirectory()) return 'a directory';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isSocket()) return 'a socket';
  return 'a special file';
}

/** A checked path: where it really is and how big it is. */
export interface CheckedFile {
  /** The path as given. */
  readonly path: string;
  /** The resolved path (symbolic links followed). */
  readonly realPath: string;
  /** Its size in bytes (regular files; 0 for directories). */
  readonly size: number;
  readonly isDirectory: boolean;
}

/** Options of {@link checkPath} and {@link readRegularFile}. */
export interface FileAccessOptions {
  /** The file named in messages (default: the path). */
  readonly file?: string;
  /** The part named in messages (default 'file'). */
  readonly where?: string;
  /** A folder the resolved path must lie inside (symbolic links leaving it are refused). */
  readonly root?: string;
  /** Whether a directory is acceptable (default false). */
  readonly allowDirectory?: boolean;
  /** Largest size accepted (default: half the machine's memory). */
  readonly maxBytes?: number;
}

/** Largest checkpoint file read into memory by default: half the machine's memory. */
export function defaultMaxFileBytes(): number {
  return Math.floor(totalmem() / 2);
}

/** Whether `inner` (resolved) lies inside or at `outer` (resolved). */
export function isInside(outer: string, inner: string): boolean {
  const rel = relative(outer, inner);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * Checks that `path` exists, is a regular file (or a directory when allowed), and, when a root
 * is given, resolves to a place inside it. Opens nothing.
 *
 * @throws CheckpointError naming the file and what was found (nothing, a device, a FIFO, a link
 *   leaving the folder, a file larger than the limit)
 * @example
 * checkPath('model/group1-shard1of1.bin', { root: 'model' }).size; // 1536
 */
export function checkPath(path: string, options: FileAccessOptions = {}): CheckedFile {
  const file = options.file ?? path;
  const where = options.where ?? 'file';
  const fail = (detail: string): never => {
    throw new CheckpointError(file, where, detail);
  };
  let link: Stats;
  try {
    link = lstatSync(path);
  } catch {
    return fail('expected a checkpoint file or folder, found nothing at this path');
  }
  let realPath: string;
  try {
    realPath = realpathSync(path);
  } catch {
    return fail(`expected a readable file, found ${link.isSymbolicLink() ? 'a symbolic link to nothing' : 'a path that cannot be resolved'}`);
  }
  if (options.root !== undefined) {
    let root: string;
    try {
      root = realpathSync(options.root);
    } catch {
      return fail(`expected the folder ${options.root} to exist, found nothing`);
    }
    if (!isInside(root, realPath)) fail(`expected a file inside the checkpoint's folder ${options.root}, found ${link.isSymbolicLink() ? 'a symbolic link' : 'a path'} leading outside it (refused)`);
  }
  let st: Stats;
  try {
    st = statSync(realPath);
  } catch (e) {
    return fail(`expected a readable file, found an error (${(e as NodeJS.ErrnoException).code ?? 'unknown'})`);
  }
  if (st.isDirectory()) {
    if (options.allowDirectory === true) return { path, realPath, size: 0, isDirectory: true };
    fail('expected a regular file, found a directory');
  }
  if (!st.isFile()) fail(`expected a regular file, found ${fileKind(st)}${link.isSymbolicLink() ? ' (through a symbolic link)' : ''}: lrdkit reads regular files only`);
  const max = options.maxBytes ?? defaultMaxFileBytes();
  if (st.size > max) fail(`expected at most ${max} bytes (half the machine's memory), found a ${st.size}-byte file`);
  return { path, realPath, size: st.size, isDirectory: false };
}

/**
 * Reads a regular file whole, under the rules of {@link checkPath}: the resolved path is opened
 * without following links, without blocking, checked again on the open descriptor, and read
 * for exactly its size.
 *
 * @example
 * readRegularFile('gru.safetensors').length; // the file's size
 */
export function readRegularFile(path: string, options: FileAccessOptions = {}): Uint8Array {
  const checked = checkPath(path, { ...options, allowDirectory: false });
  const file = options.file ?? path;
  const where = options.where ?? 'file';
  const fail = (detail: string): never => {
    throw new CheckpointError(file, where, detail);
  };
  let fd: number;
  try {
    fd = openSync(checked.realPath, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (e) {
    return fail(`expected a readable file, found an error (${(e as NodeJS.ErrnoException).code ?? 'unknown'})`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) fail(`expected a regular file, found ${fileKind(st)}: lrdkit reads regular files only`);
    const size = st.size;
    const max = options.maxBytes ?? defaultMaxFileBytes();
    if (size > max) fail(`expected at most ${max} bytes, found a ${size}-byte file`);
    const out = Buffer.allocUnsafe(size);
    let at = 0;
    while (at < size) {
      const n = readSync(fd, out, at, size - at, at);
      if (n === 0) fail(`expected ${size} bytes, found ${at}: the file shrank while it was read`);
      at += n;
    }
    return new Uint8Array(out.buffer, out.byteOffset, size);
  } finally {
    closeSync(fd);
  }
}

/**
 * The total number of bytes a reader may produce (inflate, decode, allocate) from a file, and
 * the running count. Every request is checked before the allocation it stands for.
 *
 * @example
 * const budget = ByteBudget.forFile(34_000, 'model.h5', 'HDF5 data');
 * budget.limit; // 16 * 34000 + 16 MiB = 17321216
 * budget.take(768e6, 'dataset /model_weights/gru/recurrent_kernel'); // throws CheckpointError
 */
export class ByteBudget {
  private spent = 0;
  constructor(
    /** Bytes allowed in all. */
    readonly limit: number,
    /** The file named in messages. */
    readonly file: string,
    /** What is counted, in words ('inflated archive members', 'tensor data'). */
    readonly what: string,
  ) {}

  /** The budget of a file of `fileBytes` bytes: INFLATION_FACTOR x fileBytes + INFLATION_SLACK_BYTES. */
  static forFile(fileBytes: number, file: string, what: string): ByteBudget {
    return new ByteBudget(budgetForFile(fileBytes), file, what);
  }

  /** Bytes still available. */
  get remaining(): number {
    return this.limit - this.spent;
  }

  /** Counts `bytes` against the budget; a CheckpointError naming `where` when they do not fit. */
  take(bytes: number, where: string): void {
    if (!(Number.isFinite(bytes) && bytes >= 0) || bytes > this.remaining) {
      throw new CheckpointError(
        this.file,
        where,
        `expected at most ${this.limit} bytes of ${this.what} in all (${INFLATION_FACTOR} x the file's size + ${INFLATION_SLACK_BYTES / 2 ** 20} MiB), found a declared size of ${Number.isFinite(bytes) ? bytes : 'more than 2^53'} bytes with ${this.remaining} left: the declared sizes do not match what the file can hold (refused before allocating)`,
      );
    }
    this.spent += bytes;
  }
}

/** INFLATION_FACTOR x fileBytes + INFLATION_SLACK_BYTES. */
export function budgetForFile(fileBytes: number): number {
  return INFLATION_FACTOR * fileBytes + INFLATION_SLACK_BYTES;
}

/** The resolved form of a folder path (for comparisons), or the absolute path when it does not exist. */
export function resolvedOrAbsolute(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}
