/**
 * A minimal, strict ZIP reader (PKWARE APPNOTE 6.3): the central directory, stored (0) and
 * deflated (8) entries, ZIP64 sizes and offsets. Enough for torch.save archives and Keras 3
 * `.keras` files; every inconsistency is a CheckpointError naming the entry.
 *
 * Bounded by the file: members must not overlap each other or the central directory (an
 * "overlap bomb" points many members at the same deflated data), member names are unique, a
 * member's declared size is counted against the archive's {@link ByteBudget} before it is
 * inflated, and inflation stops at the declared size (a deflate bomb declaring 12 KB is
 * stopped after 12 KB, not after gigabytes).
 *
 * @internal
 */
import { inflateRawSync } from 'node:zlib';
import { CheckpointError } from '../errors.js';
import { ByteBudget } from './fileAccess.js';

/** One archive member. */
export interface ZipEntry {
  readonly name: string;
  readonly method: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly localHeaderOffset: number;
}

const EOCD = 0x06054b50, CDH = 0x02014b50, LFH = 0x04034b50, EOCD64 = 0x06064b50, EOCD64_LOCATOR = 0x07064b50;

/** Whether the bytes start like a ZIP archive (local file header signature). */
export function looksLikeZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

/** Parsed archive: entries by name, and a function reading one entry's bytes. */
export interface ZipArchive {
  readonly entries: Map<string, ZipEntry>;
  read(name: string): Uint8Array;
}

/**
 * Opens a ZIP archive held in memory.
 *
 * @param budget - bytes that reading members may inflate in all (default: the file's
 *   {@link ByteBudget}, 16 x its size + 16 MiB)
 */
export function openZip(bytes: Uint8Array, file: string, budget: ByteBudget = ByteBudget.forFile(bytes.length, file, 'inflated archive members')): ZipArchive {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fail = (where: string, detail: string): never => {
    throw new CheckpointError(file, where, detail);
  };
  // End of central directory: search backwards over the comment (at most 65535 + 22 bytes).
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 65535); i--) {
    if (view.getUint32(i, true) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) fail('zip', `expected an end-of-central-directory record, found none in ${bytes.length} bytes (truncated or not a zip file)`);
  let count = view.getUint16(eocd + 10, true);
  let cdSize = view.getUint32(eocd + 12, true);
  let cdOffset = view.getUint32(eocd + 16, true);
  if (cdOffset === 0xffffffff || count === 0xffff || cdSize === 0xffffffff) {
    const loc = eocd - 20;
    if (loc < 0 || view.getUint32(loc, true) !== EOCD64_LOCATOR) fail('zip', 'expected a ZIP64 end-of-central-directory locator, found none');
    const rec = Number(view.getBigUint64(loc + 8, true));
    if (rec + 56 > bytes.length || view.getUint32(rec, true) !== EOCD64) fail('zip', `expected a ZIP64 end-of-central-directory record at offset ${rec}, found none`);
    count = Number(view.getBigUint64(rec + 32, true));
    cdSize = Number(view.getBigUint64(rec + 40, true));
    cdOffset = Number(view.getBigUint64(rec + 48, true));
  }
  if (cdOffset + cdSize > bytes.length) fail('zip', `central directory [${cdOffset}, ${cdOffset + cdSize}) lies beyond the ${bytes.length}-byte file (truncated)`);
  const entries = new Map<string, ZipEntry>();
  let p = cdOffset;
  const decoder = new TextDecoder('utf-8', { fatal: false });
  for (let k = 0; k < count; k++) {
    if (p + 46 > bytes.length || view.getUint32(p, true) !== CDH) fail('zip', `central directory entry ${k}: expected signature 0x02014b50 at offset ${p}, found ${p + 4 <= bytes.length ? `0x${view.getUint32(p, true).toString(16)}` : 'end of file'}`);
    const method = view.getUint16(p + 10, true);
    let compressedSize = view.getUint32(p + 20, true);
    let size = view.getUint32(p + 24, true);
    const nameLen = view.getUint16(p + 28, true), extraLen = view.getUint16(p + 30, true), commentLen = view.getUint16(p + 32, true);
    let localHeaderOffset = view.getUint32(p + 42, true);
    if (p + 46 + nameLen + extraLen > bytes.length) fail('zip', `central directory entry ${k}: name and extra fields run past the end of the file`);
    const name = decoder.decode(bytes.subarray(p + 46, p + 46 + nameLen));
    // ZIP64 extended information extra field (0x0001)
    let e = p + 46 + nameLen;
    const eEnd = e + extraLen;
    while (e + 4 <= eEnd) {
      const id = view.getUint16(e, true), len = view.getUint16(e + 2, true);
      if (id === 0x0001) {
        let q = e + 4;
        const end = Math.min(e + 4 + len, eEnd);
        const next = (what: string): number => {
          if (q + 8 > end) fail('zip', `central directory entry ${k} (${name}): ZIP64 extra field too short for the 64-bit ${what}`);
          const v = Number(view.getBigUint64(q, true));
          q += 8;
          return v;
        };
        if (size === 0xffffffff) size = next('size');
        if (compressedSize === 0xffffffff) compressedSize = next('compressed size');
        if (localHeaderOffset === 0xffffffff) localHeaderOffset = next('offset');
      }
      e += 4 + len;
    }
    if (entries.has(name)) fail('zip', `expected unique member names, found ${JSON.stringify(name.slice(0, 100))} twice`);
    entries.set(name, { name, method, compressedSize, size, localHeaderOffset });
    p += 46 + nameLen + extraLen + commentLen;
  }
  // Members lie one after the other before the central directory: no two share bytes.
  const ordered = [...entries.values()].sort((a, b) => a.localHeaderOffset - b.localHeaderOffset);
  ordered.forEach((entry, i) => {
    const end = entry.localHeaderOffset + 30 + entry.compressedSize;
    const next = ordered[i + 1];
    const limit = next ? next.localHeaderOffset : cdOffset;
    if (end > limit) {
      fail(entry.name, `expected archive members that do not overlap, found this member's data [${entry.localHeaderOffset}, ${end}) running into ${next ? `member ${JSON.stringify(next.name.slice(0, 100))} at offset ${next.localHeaderOffset}` : `the central directory at offset ${cdOffset}`} (refused: overlapping members inflate the same data many times)`);
    }
  });
  return {
    entries,
    read(name: string): Uint8Array {
      const entry = entries.get(name);
      if (!entry) return fail(name, `expected an archive member named "${name}", found none (members: ${[...entries.keys()].slice(0, 8).join(', ')}${entries.size > 8 ? ', ...' : ''})`);
      const o = entry.localHeaderOffset;
      if (o + 30 > bytes.length || view.getUint32(o, true) !== LFH) fail(name, `expected a local file header at offset ${o}, found ${o + 30 <= bytes.length ? 'another signature' : 'the end of the file'}`);
      const start = o + 30 + view.getUint16(o + 26, true) + view.getUint16(o + 28, true);
      const end = start + entry.compressedSize;
      if (end > bytes.length) fail(name, `expected ${entry.compressedSize} bytes of data at offset ${start}, found ${Math.max(0, bytes.length - start)} (truncated)`);
      const raw = bytes.subarray(start, end);
      let data: Uint8Array;
      if (entry.method === 0) data = raw;
      else if (entry.method === 8) {
        budget.take(entry.size, name);
        try {
          // Stop one byte past the declared size: more output means the declared size is false.
          data = inflateRawSync(raw, { maxOutputLength: Math.max(1, entry.size + 1) });
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          if (code === 'ERR_BUFFER_TOO_LARGE') return fail(name, `expected ${entry.size} uncompressed bytes (the declared size), found more: inflation stopped at the declared size (a deflate bomb?)`);
          return fail(name, `expected deflate-compressed data, found corrupt data (${(err as Error).message})`);
        }
      } else return fail(name, `expected compression method 0 (stored) or 8 (deflate), found ${entry.method}`);
      if (data.length !== entry.size) fail(name, `expected ${entry.size} uncompressed bytes, found ${data.length}`);
      return data;
    },
  };
}
