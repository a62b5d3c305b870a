/**
 * Input processes that drive cells along trajectories: seeded synthetic processes (iid
 * Gaussian, AR(1), fractional Gaussian noise), each input channel an independent copy of a
 * scalar process with mean 0 and standard deviation 1, or fixed sequences read from a file.
 *
 * One generator per sequence: sequence i of seed s draws from `createRng(s).fork(i)` (and
 * channel c of an fGn sequence from `createRng(s).fork(i).fork(c)`), so sequence i is
 * reproducible on its own, whatever the number of sequences asked.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { fgn } from '../processes/fgn.js';
import { createRng, type Rng } from '../processes/prng.js';
import { AnalysisInputError } from './errors.js';

/** A synthetic or file input process (see {@link inputProcess}). */
export type InputSpec =
  | { readonly kind: 'gaussian' }
  | { readonly kind: 'ar1'; readonly phi: number }
  | { readonly kind: 'fgn'; readonly hurst: number }
  | { readonly kind: 'file'; readonly sequences: readonly (readonly Float64Array[])[]; readonly source?: string };

/** The inputs of one sequence, produced one step at a time. */
export interface InputSequence {
  /** The next input vector x_t (a new array of length `dim`; the caller may keep it). */
  next(): Float64Array;
}

/** A seeded source of input sequences of a fixed width. */
export interface InputProcess {
  readonly spec: InputSpec;
  /** Width of every input vector. */
  readonly dim: number;
  /** The law in words, e.g. `AR(1) phi = 0.9, stationary, std 1, 8 independent channels`. */
  readonly description: string;
  /** How many distinct sequences exist (Infinity for the synthetic processes). */
  readonly sequenceCount: number;
  /** Length of the shortest sequence available (Infinity for the synthetic processes). */
  readonly maxLength: number;
  /**
   * Sequence `index` of length `length` for `seed`. Synthetic: a fresh generator on
   * `createRng(seed).fork(index)`; file: sequence `index` (seed ignored).
   */
  sequence(index: number, length: number, seed: number): InputSequence;
}

const FN = 'inputProcess';

/**
 * A seeded input process of width `dim` from a spec: every channel an independent copy of
 * the scalar process, with mean 0 and standard deviation 1 at every step.
 *
 * Method:
 * - `gaussian`: x_t[c] iid N(0, 1), drawn time-major (t, then c) from the sequence's stream.
 * - `ar1`: x_t[c] = phi x_{t-1}[c] + sqrt(1 - phi^2) e_t[c], e iid N(0, 1), started from the
 *   stationary law x_0[c] ~ N(0, 1), so Var x_t = 1 and Cor(x_t, x_{t+k}) = phi^k (|phi| < 1).
 * - `fgn`: channel c an exact Davies-Harte sample of fractional Gaussian noise with Hurst index
 *   H and variance 1 (Cor(x_t, x_{t+k}) ~ H (2H - 1) k^(2H - 2), long range dependent for
 *   H > 1/2), of the whole sequence length at once from the stream fork(c).
 * - `file`: the given sequences verbatim; every vector must have length `dim` and finite
 *   entries.
 *
 * References: P. J. Brockwell & R. A. Davis, Time Series: Theory and Methods, 2nd ed.,
 * Springer 1991, doi:10.1007/978-1-4419-0320-4 (AR(1)); R. B. Davies & D. S. Harte, Tests for
 * Hurst effect, Biometrika 74(1) 1987, doi:10.1093/biomet/74.1.95 (fGn).
 *
 * @throws AnalysisInputError for a bad parameter (|phi| >= 1, H outside (0, 1), dim < 1) or
 *   a file sequence of the wrong width or with a non-finite entry
 * @example
 * const p = inputProcess({ kind: 'ar1', phi: 0.9 }, 2);
 * const seq = p.sequence(0, 100, 7);
 * seq.next(); // Float64Array(2), each entry N(0, 1); the next one has correlation 0.9 with it
 * p.description; // 'AR(1) phi = 0.9, stationary, mean 0, std 1; 2 independent channels'
 */
export function inputProcess(spec: InputSpec, dim: number): InputProcess {
  if (!Number.isSafeInteger(dim) || dim < 1) throw new AnalysisInputError(`${FN}: dim is ${String(dim)}, expected an integer >= 1`);
  const channels = `${dim} independent channel${dim === 1 ? '' : 's'}`;
  switch (spec.kind) {
    case 'gaussian':
      return synthetic(spec, dim, `iid N(0, 1); ${channels}`, (rng) => ({
        next: () => {
          const x = new Float64Array(dim);
          for (let c = 0; c < dim; c++) x[c] = rng.normal();
          return x;
        },
      }));
    case 'ar1': {
      const phi = spec.phi;
      if (typeof phi !== 'number' || !Number.isFinite(phi) || Math.abs(phi) >= 1) {
        throw new AnalysisInputError(`${FN}: ar1 phi is ${String(phi)}, expected a finite number with |phi| < 1 (stationary AR(1))`);
      }
      const innovation = Math.sqrt(1 - phi * phi);
      return synthetic(spec, dim, `AR(1) phi = ${phi}, stationary, mean 0, std 1; ${channels}`, (rng) => {
        let prev: Float64Array | undefined;
        return {
          next: () => {
            const x = new Float64Array(dim);
            for (let c = 0; c < dim; c++) x[c] = prev === undefined ? rng.normal() : phi * (prev[c] as number) + innovation * rng.normal();
            prev = x;
            return Float64Array.from(x);
          },
        };
      });
    }
    case 'fgn': {
      const hurst = spec.hurst;
      if (typeof hurst !== 'number' || !Number.isFinite(hurst) || hurst <= 0 || hurst >= 1) {
        throw new AnalysisInputError(`${FN}: fgn hurst is ${String(hurst)}, expected a number in the open interval (0, 1)`);
      }
      return synthetic(spec, dim, `fractional Gaussian noise H = ${hurst}, mean 0, std 1; ${channels}`, (rng, length) => {
        const paths = Array.from({ length: dim }, (_, c) => fgn(rng.fork(c), length, hurst, 1));
        let t = 0;
        return {
          next: () => {
            if (t >= length) throw new AnalysisInputError(`${FN}: fgn sequence of length ${length} is exhausted, expected at most ${length} draws`);
            const x = new Float64Array(dim);
            for (let c = 0; c < dim; c++) x[c] = (paths[c] as Float64Array)[t] as number;
            t++;
            return x;
          },
        };
      });
    }
    case 'file':
      return fileProcess(spec, dim);
    default: {
      const kind = (spec as { kind?: unknown }).kind;
      throw new AnalysisInputError(`${FN}: spec.kind is ${JSON.stringify(kind)}, expected 'gaussian', 'ar1', 'fgn' or 'file'`);
    }
  }
}

function synthetic(spec: InputSpec, dim: number, description: string, make: (rng: Rng, length: number) => InputSequence): InputProcess {
  return {
    spec,
    dim,
    description,
    sequenceCount: Infinity,
    maxLength: Infinity,
    sequence(index: number, length: number, seed: number): InputSequence {
      checkSequenceRequest(index, length, seed);
      return make(createRng(seed).fork(index), length);
    },
  };
}

function checkSequenceRequest(index: number, length: number, seed: number): void {
  if (!Number.isSafeInteger(index) || index < 0) throw new AnalysisInputError(`${FN}.sequence: index is ${String(index)}, expected an integer >= 0`);
  if (!Number.isSafeInteger(length) || length < 0) throw new AnalysisInputError(`${FN}.sequence: length is ${String(length)}, expected an integer >= 0`);
  if (!Number.isSafeInteger(seed)) throw new AnalysisInputError(`${FN}.sequence: seed is ${String(seed)}, expected a safe integer`);
}

function fileProcess(spec: Extract<InputSpec, { kind: 'file' }>, dim: number): InputProcess {
  const src = spec.source !== undefined ? ` (${spec.source})` : '';
  const seqs = spec.sequences;
  if (!Array.isArray(seqs) || seqs.length === 0) throw new AnalysisInputError(`${FN}: file sequences${src} has ${Array.isArray(seqs) ? 0 : 'no'} sequences, expected at least 1`);
  let minLength = Infinity;
  seqs.forEach((seq, s) => {
    if (!Array.isArray(seq) || seq.length === 0) throw new AnalysisInputError(`${FN}: file sequences${src} sequence ${s} has no steps, expected at least 1`);
    minLength = Math.min(minLength, seq.length);
    seq.forEach((x, t) => {
      if (!(x instanceof Float64Array) && !Array.isArray(x)) throw new AnalysisInputError(`${FN}: file sequences${src} sequence ${s} step ${t} is not a vector, expected ${dim} numbers`);
      if (x.length !== dim) throw new AnalysisInputError(`${FN}: file sequences${src} sequence ${s} step ${t} has ${x.length} channels, expected ${dim} (the cell's inputSize)`);
      for (let c = 0; c < dim; c++) {
        const v = x[c] as number;
        if (typeof v !== 'number' || !Number.isFinite(v)) throw new AnalysisInputError(`${FN}: file sequences${src} sequence ${s} step ${t} channel ${c} is ${String(v)}, expected a finite number`);
      }
    });
  });
  return {
    spec,
    dim,
    description: `${seqs.length} fixed sequence${seqs.length === 1 ? '' : 's'}${src} of ${dim} channel${dim === 1 ? '' : 's'}, lengths >= ${minLength}`,
    sequenceCount: seqs.length,
    maxLength: minLength,
    sequence(index: number, length: number, seed: number): InputSequence {
      checkSequenceRequest(index, length, seed);
      const seq = seqs[index];
      if (seq === undefined) throw new AnalysisInputError(`${FN}: sequence ${index} was asked of the file input${src}, expected an index below ${seqs.length} (sequences in the file)`);
      if (seq.length < length) throw new AnalysisInputError(`${FN}: file input${src} sequence ${index} has ${seq.length} steps, expected at least ${length} (burn-in plus steps)`);
      let t = 0;
      return {
        next: () => {
          const x = seq[t];
          if (x === undefined) throw new AnalysisInputError(`${FN}: file input${src} sequence ${index} is exhausted after ${seq.length} steps`);
          t++;
          return Float64Array.from(x);
        },
      };
    },
  };
}

/** Options of {@link parseInputSpec}. */
export interface ParseInputSpecOptions {
  /** Reads a file as UTF-8 text (default `fs.readFileSync(path, 'utf8')`). */
  readFile?: (path: string) => string;
}

/**
 * Parses a command-line input spec: `gaussian` (also `iid`), `ar1:<phi>` with |phi| < 1,
 * `fgn:<hurst>` with 0 < hurst < 1, or a path (optionally `file:<path>`) to a JSON or CSV
 * file of input sequences.
 *
 * Method: file formats.
 * - JSON: `[[[x_00, x_01, ...], ...], ...]` (sequences x steps x channels), or
 *   `{"sequences": <the same>}`, or `[[...], ...]` (one sequence, steps x channels).
 * - CSV (comma, tab or semicolon separated): one row per step, one column per channel. An
 *   optional header row (any non-numeric field) names the columns; a column named
 *   `sequence` (or `seq`) assigns rows to sequences (in order of first appearance) and
 *   columns named `t`, `time` or `step` are ignored. Without a `sequence` column, blank
 *   lines separate sequences.
 * Every sequence must have the same number of channels and only finite values.
 *
 * References: RFC 4180, Common Format and MIME Type for CSV Files, 2005,
 * doi:10.17487/RFC4180; RFC 8259, The JSON Data Interchange Format, 2017,
 * doi:10.17487/RFC8259.
 *
 * @throws AnalysisInputError naming the spec or file, the place (sequence, row, column),
 *   what was expected and what was found
 * @example
 * parseInputSpec('ar1:0.9'); // { kind: 'ar1', phi: 0.9 }
 * parseInputSpec('fgn:0.7'); // { kind: 'fgn', hurst: 0.7 }
 * parseInputSpec('data/x.csv').kind; // 'file'
 */
export function parseInputSpec(text: string, options: ParseInputSpecOptions = {}): InputSpec {
  const fn = 'parseInputSpec';
  if (typeof text !== 'string' || text.trim() === '') throw new AnalysisInputError(`${fn}: spec is ${JSON.stringify(text)}, expected 'gaussian', 'ar1:<phi>', 'fgn:<hurst>' or a file path`);
  const s = text.trim();
  const lower = s.toLowerCase();
  if (lower === 'gaussian' || lower === 'iid') return { kind: 'gaussian' };
  const param = /^(ar1|fgn)(?::(.*))?$/i.exec(s);
  if (param) {
    const kind = (param[1] as string).toLowerCase() as 'ar1' | 'fgn';
    const raw = param[2];
    const value = raw === undefined || raw.trim() === '' ? Number.NaN : Number(raw);
    if (kind === 'ar1') {
      if (!Number.isFinite(value) || Math.abs(value) >= 1) throw new AnalysisInputError(`${fn}: spec "${s}" has phi ${raw === undefined ? 'missing' : JSON.stringify(raw)}, expected 'ar1:<phi>' with a number |phi| < 1, e.g. 'ar1:0.9'`);
      return { kind: 'ar1', phi: value };
    }
    if (!Number.isFinite(value) || value <= 0 || value >= 1) throw new AnalysisInputError(`${fn}: spec "${s}" has hurst ${raw === undefined ? 'missing' : JSON.stringify(raw)}, expected 'fgn:<hurst>' with 0 < hurst < 1, e.g. 'fgn:0.7'`);
    return { kind: 'fgn', hurst: value };
  }
  const path = lower.startsWith('file:') ? s.slice(5) : s;
  const read = options.readFile ?? ((p: string) => readFileSync(p, 'utf8'));
  let content: string;
  try {
    content = read(path);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new AnalysisInputError(`${fn}: spec "${s}" is neither 'gaussian', 'ar1:<phi>' (|phi| < 1), 'fgn:<hurst>' (0 < hurst < 1) nor a readable file; reading it failed: ${why}`);
  }
  const sequences = parseSequencesText(content, path);
  return { kind: 'file', sequences, source: path };
}

/**
 * Parses the text of an input file (JSON or CSV, see {@link parseInputSpec}) into sequences.
 *
 * Method: JSON when the first non-blank character is `[` or `{` or the name ends in `.json`,
 * CSV otherwise.
 *
 * References: RFC 8259 (JSON), doi:10.17487/RFC8259; RFC 4180 (CSV), doi:10.17487/RFC4180.
 *
 * @throws AnalysisInputError naming the file and the place of the first bad value
 * @example
 * parseSequencesText('[[[1, 2], [3, 4]]]', 'x.json'); // [[Float64Array [1, 2], Float64Array [3, 4]]]
 */
export function parseSequencesText(content: string, name = 'input'): Float64Array[][] {
  const head = content.trimStart()[0];
  const json = head === '[' || head === '{' || name.toLowerCase().endsWith('.json');
  return json ? parseJsonSequences(content, name) : parseCsvSequences(content, name);
}

function parseJsonSequences(content: string, name: string): Float64Array[][] {
  const fn = 'parseInputSpec';
  let data: unknown;
  try {
    data = JSON.parse(content);
  } catch (e) {
    throw new AnalysisInputError(`${fn}: file ${name} is not valid JSON (${e instanceof Error ? e.message : String(e)}), expected sequences x steps x channels numbers`);
  }
  if (data !== null && typeof data === 'object' && !Array.isArray(data)) {
    if (!('sequences' in data)) throw new AnalysisInputError(`${fn}: file ${name} is a JSON object without a "sequences" key, expected {"sequences": [[[...]]]} or an array`);
    data = (data as { sequences: unknown }).sequences;
  }
  if (!Array.isArray(data) || data.length === 0) throw new AnalysisInputError(`${fn}: file ${name} holds ${Array.isArray(data) ? 'an empty array' : typeof data}, expected a non-empty array of sequences`);
  const depth = arrayDepth(data);
  if (depth === 2) data = [data];
  else if (depth !== 3) throw new AnalysisInputError(`${fn}: file ${name} has arrays nested ${depth} deep, expected 3 (sequences x steps x channels) or 2 (one sequence: steps x channels)`);
  let width = -1;
  return (data as unknown[]).map((seq, s) => {
    if (!Array.isArray(seq) || seq.length === 0) throw new AnalysisInputError(`${fn}: file ${name} sequence ${s} is ${Array.isArray(seq) ? 'empty' : typeof seq}, expected a non-empty array of steps`);
    return seq.map((row: unknown, t: number) => {
      if (!Array.isArray(row)) throw new AnalysisInputError(`${fn}: file ${name} sequence ${s} step ${t} is ${typeof row}, expected an array of channel values`);
      if (width < 0) width = row.length;
      if (row.length !== width || width === 0) throw new AnalysisInputError(`${fn}: file ${name} sequence ${s} step ${t} has ${row.length} channels, expected ${width} (as sequence 0 step 0, at least 1)`);
      const x = new Float64Array(width);
      row.forEach((v: unknown, c: number) => {
        if (typeof v !== 'number' || !Number.isFinite(v)) throw new AnalysisInputError(`${fn}: file ${name} sequence ${s} step ${t} channel ${c} is ${JSON.stringify(v)}, expected a finite number`);
        x[c] = v;
      });
      return x;
    });
  });
}

function arrayDepth(v: unknown): number {
  let d = 0;
  let cur: unknown = v;
  while (Array.isArray(cur)) {
    d++;
    cur = cur[0];
  }
  return d;
}

function parseCsvSequences(content: string, name: string): Float64Array[][] {
  const fn = 'parseInputSpec';
  const lines = content.split(/\r?\n/);
  const firstIdx = lines.findIndex((l) => l.trim() !== '');
  if (firstIdx < 0) throw new AnalysisInputError(`${fn}: file ${name} is empty, expected CSV rows of channel values`);
  const firstLine = lines[firstIdx] as string;
  const sep = firstLine.includes('\t') ? '\t' : firstLine.includes(';') && !firstLine.includes(',') ? ';' : ',';
  const split = (l: string): string[] => l.split(sep).map((f) => f.trim());
  const first = split(firstLine);
  const isHeader = first.some((f) => f === '' || !Number.isFinite(Number(f)));
  const columns = isHeader ? first.map((f) => f.toLowerCase()) : first.map((_, i) => `c${i}`);
  const seqCol = columns.findIndex((c) => c === 'sequence' || c === 'seq');
  const skip = new Set(columns.map((c, i) => (c === 't' || c === 'time' || c === 'step' || i === seqCol ? i : -1)).filter((i) => i >= 0));
  const channelCols = columns.map((_, i) => i).filter((i) => !skip.has(i));
  if (channelCols.length === 0) throw new AnalysisInputError(`${fn}: file ${name} has no channel columns (header ${JSON.stringify(first)}), expected at least one`);
  const groups = new Map<string, Float64Array[]>();
  const blocks: Float64Array[][] = [];
  let current: Float64Array[] = [];
  for (let li = isHeader ? firstIdx + 1 : firstIdx; li < lines.length; li++) {
    const line = lines[li] as string;
    if (line.trim() === '') {
      if (seqCol < 0 && current.length > 0) {
        blocks.push(current);
        current = [];
      }
      continue;
    }
    const fields = split(line);
    if (fields.length !== columns.length) throw new AnalysisInputError(`${fn}: file ${name} line ${li + 1} has ${fields.length} fields, expected ${columns.length} (as the ${isHeader ? 'header' : 'first row'})`);
    const x = new Float64Array(channelCols.length);
    channelCols.forEach((col, c) => {
      const f = fields[col] as string;
      const v = f === '' ? Number.NaN : Number(f);
      if (!Number.isFinite(v)) throw new AnalysisInputError(`${fn}: file ${name} line ${li + 1} column ${col + 1} (${columns[col]}) is ${JSON.stringify(f)}, expected a finite number`);
      x[c] = v;
    });
    if (seqCol >= 0) {
      const key = fields[seqCol] as string;
      let g = groups.get(key);
      if (!g) {
        g = [];
        groups.set(key, g);
      }
      g.push(x);
    } else {
      current.push(x);
    }
  }
  if (seqCol >= 0) return [...groups.values()].length > 0 ? [...groups.values()] : noRows(name);
  if (current.length > 0) blocks.push(current);
  return blocks.length > 0 ? blocks : noRows(name);
}

function noRows(name: string): never {
  throw new AnalysisInputError(`parseInputSpec: file ${name} has a header but no data rows, expected at least one row`);
}

/**
 * The input process for a spec given as a parsed spec, a CLI string or a ready process,
 * checked against the width `dim` the cell reads.
 *
 * Method: strings go through {@link parseInputSpec}, specs through {@link inputProcess};
 * a ready process must have `dim` equal to the cell's inputSize.
 *
 * References: see {@link inputProcess}.
 *
 * @throws AnalysisInputError when the widths differ
 * @example
 * resolveInputProcess('gaussian', 4, 'runTrajectories').dim; // 4
 */
export function resolveInputProcess(input: InputSpec | InputProcess | string | undefined, dim: number, fn: string): InputProcess {
  const p: InputProcess =
    input === undefined
      ? inputProcess({ kind: 'gaussian' }, dim)
      : typeof input === 'string'
        ? inputProcess(parseInputSpec(input), dim)
        : 'sequence' in input
          ? input
          : inputProcess(input, dim);
  if (p.dim !== dim) throw new AnalysisInputError(`${fn}: input has ${p.dim} channels, expected ${dim} (the cell's inputSize)`);
  return p;
}
