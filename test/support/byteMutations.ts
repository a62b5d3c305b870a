/**
 * Byte-level mutations of valid files for fuzzing the checkpoint readers with fast-check: flips,
 * sets (including format-significant bytes), truncations, insertions and deletions, placed three
 * times as often inside a "hot" range (headers, metadata) as anywhere in the file.
 */
import fc from 'fast-check';

/** One byte mutation of a file. */
export type Mutation =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'set'; at: number; byte: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; count: number };

/** Mutations with positions over the whole file and, three times as often, over [hot[0], hot[1]); `set` favours `significantBytes`. */
export function mutationArbitrary(hot: [number, number], significantBytes: readonly number[]): fc.Arbitrary<Mutation> {
  const at = fc.oneof({ weight: 1, arbitrary: fc.nat() }, { weight: 3, arbitrary: fc.integer({ min: hot[0], max: Math.max(hot[0], hot[1] - 1) }) });
  return fc.oneof(
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('flip' as const), at, bit: fc.integer({ min: 0, max: 7 }) }) },
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('set' as const), at, byte: fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(...significantBytes)) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('insert' as const), at, bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), at, count: fc.integer({ min: 1, max: 8 }) }) },
  );
}

/** Applies mutations to a copy of the bytes. */
export function applyMutations(bytes: Uint8Array, mutations: readonly Mutation[]): Uint8Array {
  let b = bytes.slice();
  for (const m of mutations) {
    if (b.length === 0) break;
    const at = m.at % b.length;
    switch (m.kind) {
      case 'flip':
        b[at] = (b[at] as number) ^ (1 << m.bit);
        break;
      case 'set':
        b[at] = m.byte;
        break;
      case 'truncate':
        b = b.slice(0, at);
        break;
      case 'insert': {
        const out = new Uint8Array(b.length + m.bytes.length);
        out.set(b.subarray(0, at));
        out.set(m.bytes, at);
        out.set(b.subarray(at), at + m.bytes.length);
        b = out;
        break;
      }
      case 'delete': {
        const count = Math.min(m.count, b.length - at);
        const out = new Uint8Array(b.length - count);
        out.set(b.subarray(0, at));
        out.set(b.subarray(at + count), at);
        b = out;
        break;
      }
    }
  }
  return b;
}
