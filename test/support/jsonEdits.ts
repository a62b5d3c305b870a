/**
 * Structural mutations of JSON documents (checkpoint configs) for the reader fuzzers: every path
 * into a value, and a copy with some paths replaced or deleted.
 */

/** One edit: the path at index `path` of {@link jsonPaths} set to `value` (undefined: deleted). */
export interface JsonEdit {
  readonly path: number;
  readonly value: unknown;
}

/** Every path into `value` (the root's is []), in depth-first order. */
export function jsonPaths(value: unknown): (string | number)[][] {
  const paths: (string | number)[][] = [];
  const walk = (v: unknown, path: (string | number)[]): void => {
    paths.push(path);
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...path, i]));
    else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
  };
  walk(value, []);
  return paths;
}

/** A deep copy of `value` with the edits applied in order (an edit whose parent is gone, or of the root, is skipped). */
export function applyJsonEdits(value: unknown, paths: readonly (string | number)[][], edits: readonly JsonEdit[]): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
  for (const e of edits) {
    const path = paths[e.path] as (string | number)[];
    if (path.length === 0) continue;
    let parent: unknown = copy;
    for (const key of path.slice(0, -1)) parent = parent === null || typeof parent !== 'object' ? undefined : (parent as Record<string, unknown>)[key as string];
    if (parent === null || typeof parent !== 'object') continue;
    const last = path[path.length - 1] as string;
    if (e.value === undefined) delete (parent as Record<string, unknown>)[last];
    else (parent as Record<string, unknown>)[last] = e.value;
  }
  return copy;
}
