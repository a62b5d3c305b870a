/**
 * Constant values of an ONNX graph: initializers, `Constant` nodes, and the constant-only chains
 * that exporters put between them and the recurrent nodes (torch.onnx.export without constant
 * folding slices and concatenates nn.LSTM's weights into ONNX's gate order). Only these
 * operators are folded, with the semantics of the ONNX operator documentation
 * (docs/Operators.md, github.com/onnx/onnx): Identity, Cast (to FLOAT, DOUBLE, INT32, INT64),
 * Unsqueeze, Squeeze (axes as attribute before opset 13, as input from 13), Reshape (0 copies a
 * dimension unless allowzero, -1 inferred), Slice (attributes before opset 10; inputs starts,
 * ends, axes, steps from 10; clamped as specified), Concat, Transpose. Anything else on the way
 * to a weight is a CheckpointError naming the node.
 *
 * Scopes follow the ONNX IR: a subgraph (If branch, Loop / Scan body) sees its own initializers
 * and nodes first, then those of the graphs around it. A name that is a graph input (a value
 * only known at run time) is not a constant.
 *
 * Work is bounded: the elements produced by folding may not exceed a budget proportional to the
 * file size, chains deeper than {@link MAX_CHAIN_DEPTH} and cycles are refused.
 *
 * @internal
 */
import { CheckpointError } from '../errors.js';
import { ATTRIBUTE_TYPE, type OnnxAttribute, type OnnxGraph, type OnnxNode, type OnnxTensor, elementCount, int64, tensorValues, utf8 } from './proto.js';

/** A constant tensor, values in float64 (integers exact below 2^53). */
export interface ConstTensor {
  readonly dims: readonly number[];
  /** TensorProto.DataType of the values. */
  readonly dtype: number;
  readonly data: Float64Array;
}

/** Longest chain of folded nodes followed from one weight. */
export const MAX_CHAIN_DEPTH = 256;

/** Ops folded on constants. */
export const FOLDED_OPS = ['Constant', 'Identity', 'Cast', 'Unsqueeze', 'Squeeze', 'Reshape', 'Slice', 'Concat', 'Transpose'] as const;

/** Reads an external-data tensor's bytes (resolved relative to the model file). */
export type ExternalReader = (t: OnnxTensor, where: string) => Uint8Array;

/** One graph's names: which node produces each value, its initializers and its inputs. */
export class OnnxScope {
  readonly producers = new Map<string, OnnxNode>();
  readonly initializers = new Map<string, OnnxTensor>();
  readonly inputs = new Set<string>();
  private readonly folded = new Map<string, ConstTensor>();

  constructor(
    readonly graph: OnnxGraph,
    /** Path prefix of this graph's nodes ('' at the top level, 'If_25/else/' in a branch). */
    readonly path: string,
    readonly parent: OnnxScope | null,
    readonly context: FoldContext,
  ) {
    for (const t of graph.initializer) this.initializers.set(t.name, t);
    for (const i of graph.input) this.inputs.add(i.name);
    for (const n of graph.node) for (const o of n.output) if (o !== '') this.producers.set(o, n);
  }

  /** The scope that defines `name` (node output, initializer or graph input), or null. */
  owner(name: string): OnnxScope | null {
    for (let s: OnnxScope | null = this; s; s = s.parent) {
      if (s.producers.has(name) || s.initializers.has(name) || s.inputs.has(name)) return s;
    }
    return null;
  }

  /**
   * The constant value of `name`, folding the chain that produces it.
   *
   * @param need - what asks for it, for messages (e.g. `input W of node LSTM_881`)
   * @throws CheckpointError when the value is a graph input, comes from a node that is not a
   *   constant-only operator, is missing, or a chain is too deep, cyclic or too large
   */
  constant(name: string, need: string, depth = 0): ConstTensor {
    const { file } = this.context;
    const owner = this.owner(name);
    if (!owner) throw new CheckpointError(file, need, `expected ${JSON.stringify(name)} to be an initializer or the output of a Constant node, found no such value in the graph`);
    return owner.ownConstant(name, need, depth);
  }

  private ownConstant(name: string, need: string, depth: number): ConstTensor {
    const { file } = this.context;
    const done = this.folded.get(name);
    if (done) return done;
    if (depth > MAX_CHAIN_DEPTH) throw new CheckpointError(file, need, `expected a chain of at most ${MAX_CHAIN_DEPTH} constant nodes, found a longer one (or a cycle) at ${JSON.stringify(name)}`);
    let value: ConstTensor;
    const node = this.producers.get(name);
    if (node) {
      value = this.foldNode(node, need, depth);
    } else if (this.initializers.has(name)) {
      const t = this.initializers.get(name) as OnnxTensor;
      value = this.context.decode(t, `initializer ${name}`);
    } else {
      throw new CheckpointError(file, need, `expected a constant (initializer or Constant node), found ${JSON.stringify(name)}, an input of graph ${JSON.stringify(this.graph.name)} known only when the model runs`);
    }
    this.context.spend(value.data.length, need);
    this.folded.set(name, value);
    return value;
  }

  private foldNode(node: OnnxNode, need: string, depth: number): ConstTensor {
    const { file } = this.context;
    const label = `node ${this.path}${node.name || node.op_type}`;
    const fail = (detail: string): never => {
      throw new CheckpointError(file, label, detail);
    };
    if ((node.domain !== '' && node.domain !== 'ai.onnx') || !(FOLDED_OPS as readonly string[]).includes(node.op_type)) {
      return fail(`expected a constant-only operator (${FOLDED_OPS.join(', ')}) on the way to ${need}, found ${node.domain ? `${node.domain}.` : ''}${node.op_type}: lrdkit reads recurrent weights only when they are constants`);
    }
    const input = (k: number): ConstTensor => {
      const n = node.input[k];
      if (n === undefined || n === '') return fail(`expected input ${k} of ${node.op_type}, found none`);
      return this.constant(n, need, depth + 1);
    };
    const optionalInput = (k: number): ConstTensor | undefined => {
      const n = node.input[k];
      return n === undefined || n === '' ? undefined : this.constant(n, need, depth + 1);
    };
    const attr = (name: string): OnnxAttribute | undefined => node.attribute.find((a) => a.name === name);
    const ints = (t: ConstTensor): number[] => Array.from(t.data);
    const opset = this.context.opset;
    switch (node.op_type) {
      case 'Constant':
        return constantNode(node, file, label);
      case 'Identity':
        return input(0);
      case 'Cast': {
        const to = int64(attr('to')?.i);
        const x = input(0);
        if (to === 1) return { dims: x.dims, dtype: 1, data: x.data.map(Math.fround) };
        if (to === 11) return { dims: x.dims, dtype: 11, data: x.data };
        if (to === 6 || to === 7) return { dims: x.dims, dtype: to, data: x.data.map(Math.trunc) };
        return fail(`expected Cast to FLOAT, DOUBLE, INT32 or INT64, found to=${to}`);
      }
      case 'Unsqueeze': {
        const x = input(0);
        const axes = opset < 13 ? (attr('axes')?.ints ?? []).map(int64) : ints(input(1));
        const rank = x.dims.length + axes.length;
        const norm = axes.map((a) => (a < 0 ? a + rank : a));
        if (norm.some((a) => a < 0 || a >= rank) || new Set(norm).size !== norm.length) fail(`expected distinct axes in [-${rank}, ${rank - 1}], found [${axes.join(', ')}]`);
        const dims: number[] = [];
        for (let i = 0, j = 0; i < rank; i++) dims.push(norm.includes(i) ? 1 : (x.dims[j++] as number));
        return { dims, dtype: x.dtype, data: x.data };
      }
      case 'Squeeze': {
        const x = input(0);
        const given = opset < 13 ? attr('axes')?.ints.map(int64) : optionalInput(1) && ints(optionalInput(1) as ConstTensor);
        const rank = x.dims.length;
        const axes = (given ?? x.dims.flatMap((d, i) => (d === 1 ? [i] : []))).map((a) => (a < 0 ? a + rank : a));
        for (const a of axes) if (a < 0 || a >= rank || x.dims[a] !== 1) fail(`expected axes of size 1 in a rank-${rank} tensor [${x.dims.join(', ')}], found axis ${a}`);
        return { dims: x.dims.filter((_, i) => !axes.includes(i)), dtype: x.dtype, data: x.data };
      }
      case 'Reshape': {
        const x = input(0);
        const shape = ints(input(1));
        const allowZero = int64(attr('allowzero')?.i) === 1;
        const dims = shape.map((s, i) => (s === 0 && !allowZero ? (x.dims[i] ?? fail(`expected a dimension ${i} to copy for shape entry 0, found rank ${x.dims.length}`)) : s));
        const minus = dims.filter((d) => d === -1).length;
        const known = dims.reduce((p, d) => (d === -1 ? p : p * d), 1);
        if (minus > 1 || dims.some((d) => d < -1 || !Number.isSafeInteger(d))) fail(`expected a shape with at most one -1 and no other negative entries, found [${shape.join(', ')}]`);
        if (minus === 1) {
          if (known === 0 || x.data.length % known !== 0) fail(`expected a shape compatible with ${x.data.length} elements, found [${shape.join(', ')}]`);
          dims[dims.indexOf(-1)] = x.data.length / known;
        }
        if (elementCount(dims, file, label) !== x.data.length) fail(`expected a shape of ${x.data.length} elements (input [${x.dims.join(', ')}]), found [${shape.join(', ')}]`);
        return { dims, dtype: x.dtype, data: x.data };
      }
      case 'Transpose': {
        const x = input(0);
        const rank = x.dims.length;
        const perm = attr('perm')?.ints.map(int64) ?? Array.from({ length: rank }, (_, i) => rank - 1 - i);
        if (perm.length !== rank || [...perm].sort((a, b) => a - b).some((p, i) => p !== i)) fail(`expected a permutation of 0..${rank - 1}, found [${perm.join(', ')}]`);
        const dims = perm.map((p) => x.dims[p] as number);
        const inStrides = strides(x.dims);
        const data = new Float64Array(x.data.length);
        const idx = new Array<number>(rank).fill(0);
        for (let k = 0; k < data.length; k++) {
          let src = 0;
          for (let a = 0; a < rank; a++) src += (idx[a] as number) * (inStrides[perm[a] as number] as number);
          data[k] = x.data[src] as number;
          for (let a = rank - 1; a >= 0; a--) {
            idx[a] = (idx[a] as number) + 1;
            if ((idx[a] as number) < (dims[a] as number)) break;
            idx[a] = 0;
          }
        }
        return { dims, dtype: x.dtype, data };
      }
      case 'Concat': {
        const parts = node.input.map((_, k) => input(k));
        const first = parts[0] ?? fail('expected at least one input, found none');
        const rank = first.dims.length;
        const axisRaw = int64(attr('axis')?.i);
        const axis = axisRaw < 0 ? axisRaw + rank : axisRaw;
        if (axis < 0 || axis >= rank) fail(`expected an axis in [-${rank}, ${rank - 1}], found ${axisRaw}`);
        for (const p of parts) {
          if (p.dims.length !== rank || p.dims.some((d, i) => i !== axis && d !== first.dims[i])) fail(`expected inputs of matching shapes except on axis ${axis}, found [${first.dims.join(', ')}] and [${p.dims.join(', ')}]`);
        }
        const outer = first.dims.slice(0, axis).reduce((a, b) => a * b, 1);
        const inner = first.dims.slice(axis + 1).reduce((a, b) => a * b, 1);
        const dims = first.dims.slice();
        dims[axis] = parts.reduce((s, p) => s + (p.dims[axis] as number), 0);
        const data = new Float64Array(parts.reduce((s, p) => s + p.data.length, 0));
        let o = 0;
        for (let b = 0; b < outer; b++) {
          for (const p of parts) {
            const n = (p.dims[axis] as number) * inner;
            data.set(p.data.subarray(b * n, (b + 1) * n), o);
            o += n;
          }
        }
        return { dims, dtype: first.dtype, data };
      }
      case 'Slice': {
        const x = input(0);
        const rank = x.dims.length;
        const starts = opset < 10 ? (attr('starts')?.ints ?? []).map(int64) : ints(input(1));
        const ends = opset < 10 ? (attr('ends')?.ints ?? []).map(int64) : ints(input(2));
        const axesGiven = opset < 10 ? attr('axes')?.ints.map(int64) : optionalInput(3) && ints(optionalInput(3) as ConstTensor);
        const steps = opset < 10 ? undefined : optionalInput(4) && ints(optionalInput(4) as ConstTensor);
        const axes = (axesGiven ?? starts.map((_, i) => i)).map((a) => (a < 0 ? a + rank : a));
        if (ends.length !== starts.length || axes.length !== starts.length || (steps && steps.length !== starts.length)) fail(`expected starts, ends, axes and steps of one length, found ${starts.length}, ${ends.length}, ${axes.length}${steps ? `, ${steps.length}` : ''}`);
        const begin = x.dims.map(() => 0), step = x.dims.map(() => 1), count = x.dims.slice();
        axes.forEach((a, i) => {
          if (a < 0 || a >= rank) fail(`expected axes in [-${rank}, ${rank - 1}], found ${axes[i]}`);
          const dim = x.dims[a] as number;
          const s = steps ? (steps[i] as number) : 1;
          if (s === 0) fail('expected non-zero steps, found 0');
          let st = starts[i] as number, en = ends[i] as number;
          if (st < 0) st += dim;
          if (en < 0) en += dim;
          if (s > 0) {
            st = Math.min(Math.max(st, 0), dim);
            en = Math.min(Math.max(en, 0), dim);
            count[a] = Math.max(0, Math.ceil((en - st) / s));
          } else {
            st = Math.min(Math.max(st, -1), dim - 1);
            en = Math.min(Math.max(en, -1), dim - 1);
            count[a] = Math.max(0, Math.ceil((en - st) / s));
          }
          begin[a] = st;
          step[a] = s;
        });
        const inStrides = strides(x.dims);
        const total = elementCount(count, file, label);
        const data = new Float64Array(total);
        const idx = new Array<number>(rank).fill(0);
        for (let k = 0; k < total; k++) {
          let src = 0;
          for (let a = 0; a < rank; a++) src += ((begin[a] as number) + (idx[a] as number) * (step[a] as number)) * (inStrides[a] as number);
          data[k] = x.data[src] as number;
          for (let a = rank - 1; a >= 0; a--) {
            idx[a] = (idx[a] as number) + 1;
            if ((idx[a] as number) < (count[a] as number)) break;
            idx[a] = 0;
          }
        }
        return { dims: count, dtype: x.dtype, data };
      }
      default:
        return fail(`expected a constant-only operator, found ${node.op_type}`);
    }
  }
}

/** Row-major strides of a shape. */
function strides(dims: readonly number[]): number[] {
  const out = new Array<number>(dims.length).fill(1);
  for (let i = dims.length - 2; i >= 0; i--) out[i] = (out[i + 1] as number) * (dims[i + 1] as number);
  return out;
}

/** The value of a Constant node (value, value_float(s), value_int(s)). */
function constantNode(node: OnnxNode, file: string, label: string): ConstTensor {
  const a = node.attribute[0];
  if (node.attribute.length !== 1 || !a) throw new CheckpointError(file, label, `expected exactly one value attribute on a Constant node, found ${node.attribute.length}`);
  switch (a.name) {
    case 'value':
      if (a.type !== ATTRIBUTE_TYPE.TENSOR || !a.t) throw new CheckpointError(file, label, 'expected a tensor in attribute value, found none');
      return tensorValues(a.t, file, `${label} attribute value`, undefined);
    case 'value_float':
      return { dims: [], dtype: 1, data: Float64Array.of(a.f) };
    case 'value_floats':
      return { dims: [a.floats.length], dtype: 1, data: Float64Array.from(a.floats) };
    case 'value_int':
      return { dims: [], dtype: 7, data: Float64Array.of(int64(a.i)) };
    case 'value_ints':
      return { dims: [a.ints.length], dtype: 7, data: Float64Array.from(a.ints.map(int64)) };
    default:
      throw new CheckpointError(file, label, `expected a numeric Constant (value, value_float(s), value_int(s)), found attribute ${a.name}${a.name === 'sparse_value' ? ' (sparse constants are not supported)' : ''}`);
  }
}

/** What folding shares across the scopes of one model. */
export class FoldContext {
  private spent = 0;

  constructor(
    readonly file: string,
    /** Default-domain opset of the model. */
    readonly opset: number,
    /** Elements that folding may produce in total. */
    readonly budget: number,
    private readonly external: ExternalReader,
  ) {}

  /** Counts produced elements; throws past the budget. */
  spend(n: number, need: string): void {
    this.spent += n;
    if (this.spent > this.budget) throw new CheckpointError(this.file, need, `expected constant folding to produce at most ${this.budget} elements (proportional to the file size), found more: the graph repeats its constants beyond what a model holds`);
  }

  /** Values of an initializer or Constant tensor, resolving external data. */
  decode(t: OnnxTensor, where: string): ConstTensor {
    const external = t.data_location === 1 ? this.external(t, where) : undefined;
    return tensorValues(t, this.file, where, external);
  }
}

/** Text of a string attribute. */
export function stringAttribute(a: OnnxAttribute): string {
  return utf8(a.s);
}
