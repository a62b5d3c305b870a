/**
 * JSON from a checkpoint, checked before it is parsed: nesting depth at most
 * {@link MAX_JSON_DEPTH} and no object with the same key twice. `JSON.parse` keeps the last of
 * duplicate keys (a safetensors header could then describe one tensor twice) and deep nesting
 * makes every recursive walk of the value (messages, config interpretation) overflow the stack;
 * both are refused by one linear scan over the text, which recurses into nothing.
 *
 * @internal
 */
import { CheckpointError } from '../errors.js';

/** Deepest nesting of arrays and objects accepted (a Keras config nests about 10 levels). */
export const MAX_JSON_DEPTH = 128;

/**
 * Parses `text` as JSON after checking its depth and duplicate keys.
 *
 * @throws CheckpointError naming the file and `where`: nesting deeper than MAX_JSON_DEPTH, a
 *   duplicate key (with its object's path), or text that does not parse
 * @example
 * parseCheckedJson('{"a": 1, "a": 2}', 'model.json', 'model.json');
 * // throws: model.json: model.json: expected unique keys in every object, found "a" twice in $
 */
export function parseCheckedJson(text: string, file: string, where: string): unknown {
  const problem = scanJson(text);
  if (problem !== null) throw new CheckpointError(file, where, problem);
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new CheckpointError(file, where, `expected JSON, found invalid JSON that does not parse (${(e as Error).message})`);
  }
}

/**
 * One pass over JSON text: the first violation (too deep, duplicate key) in words, or null.
 * Syntax errors are left to JSON.parse (the scan is lenient about them).
 */
export function scanJson(text: string): string | null {
  // Per open container: its key set (objects) or null (arrays), and whether a key is expected.
  const keys: (Set<string> | null)[] = [];
  const paths: string[] = [];
  let expectKey = false;
  let lastKey = '';
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) { // string
      let j = i + 1;
      let escaped = false;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (escaped) escaped = false;
        else if (d === 0x5c) escaped = true;
        else if (d === 0x22) break;
        j++;
      }
      const top = keys[keys.length - 1];
      if (expectKey && top) {
        let key: string;
        try {
          key = JSON.parse(text.slice(i, j + 1)) as string;
        } catch {
          return null; // a syntax error: JSON.parse reports it
        }
        if (top.has(key)) return `expected unique keys in every object, found ${JSON.stringify(key.slice(0, 80))} twice in ${paths[paths.length - 1] ?? '$'}`;
        top.add(key);
        lastKey = key;
        expectKey = false;
      }
      i = j;
    } else if (c === 0x7b || c === 0x5b) { // { [
      if (keys.length >= MAX_JSON_DEPTH) return `expected JSON nested at most ${MAX_JSON_DEPTH} levels deep, found deeper nesting at character ${i} (refused before parsing)`;
      const parent = keys[keys.length - 1];
      const parentPath = paths[paths.length - 1] ?? '$';
      paths.push(keys.length === 0 ? '$' : parent ? `${parentPath}.${lastKey.slice(0, 40)}` : `${parentPath}[]`);
      keys.push(c === 0x7b ? new Set() : null);
      expectKey = c === 0x7b;
    } else if (c === 0x7d || c === 0x5d) { // } ]
      keys.pop();
      paths.pop();
      expectKey = false;
    } else if (c === 0x2c) { // ,
      expectKey = keys[keys.length - 1] instanceof Set;
    }
  }
  return null;
}
