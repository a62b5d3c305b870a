/**
 * ONNX models (`.onnx`) to lrdkit cells: every `LSTM` and `GRU` node of the graph, including
 * those inside `If` branches and `Loop` / `Scan` bodies, each named by its path
 * (`If_25/else/LSTM_881`; a node without a name is `<op_type>_<index in its graph>`), with W, R,
 * B read from initializers or `Constant` nodes through the constant-only chains exporters emit
 * (./onnx/fold.ts) and the operator semantics of ./onnx/recurrent.ts.
 *
 * Stacks: a node whose input X is another recurrent node's output Y, directly or through
 * Squeeze / Transpose / Reshape / Identity / Unsqueeze, sits one depth above it and records it
 * in `inputFrom`, so that the audit drives the upper layer through the lower one.
 *
 * Large models: the protobuf is decoded once (tensor bytes stay views of the file) and only the
 * tensors the recurrent nodes use are converted. `external_data` tensors are read from the file
 * named by `location`, resolved relative to the model's folder (absolute paths and paths leaving
 * the folder are refused), within that file's size.
 *
 * References: ONNX operator documentation, docs/Operators.md (LSTM, GRU, RNN, If, Loop, Scan),
 * and the IR specification docs/IR.md (github.com/onnx/onnx).
 *
 * @module
 */
import { dirname, isAbsolute, join, normalize, relative, sep } from 'node:path';
import type { Cell } from '../cells/types.js';
import { CheckpointError } from './errors.js';
import { pathKind, readFileBytes, readFileRange } from './internal/fileBytes.js';
import { FoldContext, OnnxScope } from './onnx/fold.js';
import { ATTRIBUTE_TYPE, type OnnxGraph, type OnnxModel, type OnnxTensor, decodeOnnxModel, int64 } from './onnx/proto.js';
import { type NodeLayers, type RecurrentNode, STACK_PASS_THROUGH, recurrentNodeLayers } from './onnx/recurrent.js';
import type { Checkpoint, LayerInfo } from './types.js';

/** What `lrdkit inspect` shows about an ONNX model beyond the layers. */
export interface OnnxCheckpoint extends Checkpoint {
  readonly format: 'onnx';
  readonly producer: string;
  readonly opset: number;
}

const SUBGRAPH_LABELS: Readonly<Record<string, string>> = { then_branch: 'then', else_branch: 'else', body: 'body' };

/** Recurrent nodes (LSTM, GRU, RNN) of a graph and its subgraphs, in graph order. */
function findRecurrentNodes(graph: OnnxGraph, scope: OnnxScope, out: RecurrentNode[]): void {
  graph.node.forEach((node, index) => {
    const label = node.name || `${node.op_type}_${index}`;
    for (const a of node.attribute) {
      const graphs = a.type === ATTRIBUTE_TYPE.GRAPH && a.g ? [a.g] : a.type === ATTRIBUTE_TYPE.GRAPHS ? a.graphs : [];
      graphs.forEach((g, i) => {
        const part = `${SUBGRAPH_LABELS[a.name] ?? a.name}${a.type === ATTRIBUTE_TYPE.GRAPHS ? `[${i}]` : ''}`;
        const prefix = `${scope.path}${label}/${part}/`;
        findRecurrentNodes(g, new OnnxScope(g, prefix, scope, scope.context), out);
      });
    }
    if ((node.domain === '' || node.domain === 'ai.onnx') && (node.op_type === 'LSTM' || node.op_type === 'GRU' || node.op_type === 'RNN')) {
      out.push({ node, scope, name: `${scope.path}${label}` });
    }
  });
}

/** The recurrent node whose output Y reaches `r`'s input X through pass-through ops, or null. */
function stackSource(r: RecurrentNode, byNode: Map<object, RecurrentNode>): RecurrentNode | null {
  let name = r.node.input[0];
  for (let steps = 0; name !== undefined && name !== '' && steps < 1000; steps++) {
    const owner = r.scope.owner(name);
    const p = owner?.producers.get(name);
    if (!p) return null;
    const rec = byNode.get(p);
    if (rec) return p.output[0] === name ? rec : null;
    if (!(STACK_PASS_THROUGH as readonly string[]).includes(p.op_type)) return null;
    name = p.input[0];
  }
  return null;
}

/** Reads external data of `t` relative to the model file. */
function externalReader(modelPath: string, file: string): (t: OnnxTensor, where: string) => Uint8Array {
  const base = dirname(modelPath);
  return (t, where) => {
    const entry = (k: string): string | undefined => t.external_data.find((e) => e.key === k)?.value;
    const location = entry('location');
    if (location === undefined || location === '') throw new CheckpointError(file, where, 'expected external_data with a location, found none');
    if (isAbsolute(location) || normalize(location).split(sep).includes('..') || location.includes('\0')) {
      throw new CheckpointError(file, where, `expected an external data location inside the model's folder, found ${JSON.stringify(location)}`);
    }
    const path = join(base, location);
    if (relative(base, path).startsWith('..')) throw new CheckpointError(file, where, `expected an external data location inside the model's folder, found ${JSON.stringify(location)}`);
    const kind = pathKind(path);
    if (kind.kind !== 'file') throw new CheckpointError(file, where, `expected the external data file ${JSON.stringify(location)} next to the model, found ${kind.kind === 'missing' ? 'none' : `a ${kind.kind}`}`);
    const offset = Number(entry('offset') ?? '0');
    const length = entry('length') === undefined ? kind.size - offset : Number(entry('length'));
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 || offset + length > kind.size) {
      throw new CheckpointError(file, where, `expected offset and length within the ${kind.size}-byte file ${JSON.stringify(location)}, found offset ${entry('offset') ?? '0'}, length ${entry('length') ?? '(rest)'}`);
    }
    return readFileRange(path, offset, length, file, base);
  };
}

/**
 * Reads the LSTM / GRU nodes of an ONNX model held in memory.
 *
 * @param bytes - the .onnx file
 * @param path - its path (external data is resolved next to it; messages name it)
 * @throws CheckpointError naming the node, attribute or tensor: not a ModelProto, no LSTM / GRU
 *   node, RNN nodes, refused attributes (clip, non-default activations, input_forget, non-zero
 *   peepholes), weights that are not constants or come through other operators, wrong shapes,
 *   NaN or infinite weights, external data outside the model's folder or its file
 * @example
 * const ck = readOnnxBytes(readFileSync('gru2.onnx'), 'gru2.onnx');
 * ck.layerInfo.map((l) => [l.name, l.depth]); // [['/GRU', 0], ['/GRU_1', 1]]
 */
export function readOnnxBytes(bytes: Uint8Array, path: string): OnnxCheckpoint {
  const file = path;
  const model: OnnxModel = decodeOnnxModel(bytes, file);
  const graph = model.graph as OnnxGraph;
  const opsetEntry = model.opset_import.find((o) => o.domain === '' || o.domain === 'ai.onnx');
  const opset = opsetEntry ? int64(opsetEntry.version) : 1;
  const context = new FoldContext(file, opset, 4 * bytes.length + 65536, externalReader(path, file));
  const top = new OnnxScope(graph, '', null, context);
  const nodes: RecurrentNode[] = [];
  findRecurrentNodes(graph, top, nodes);
  if (nodes.length === 0) {
    const ops = [...new Set(graph.node.map((n) => n.op_type))];
    throw new CheckpointError(file, 'graph', `expected at least one LSTM or GRU node (in the graph or its If / Loop / Scan subgraphs), found none (operators: ${ops.slice(0, 12).join(', ') || 'none'}${ops.length > 12 ? ', ...' : ''})`);
  }
  // Node names need not be unique in ONNX: a repeated path gets its position in the list (`LSTM#2`), so that --layer can name each.
  const seen = new Map<string, number>();
  nodes.forEach((n, i) => {
    const count = seen.get(n.name) ?? 0;
    seen.set(n.name, count + 1);
    if (count > 0) nodes[i] = { ...n, name: `${n.name}#${count + 1}` };
  });
  const byNode = new Map<object, RecurrentNode>(nodes.map((n) => [n.node, n]));
  const built = new Map<RecurrentNode, { layers: NodeLayers; depth: number }>();
  const layers: Cell[] = [];
  const layerInfo: LayerInfo[] = [];
  for (const r of nodes) {
    const nodeLayers = recurrentNodeLayers(r);
    const source = stackSource(r, byNode);
    const below = source ? built.get(source) : undefined;
    const depth = below ? below.depth + 1 : 0;
    built.set(r, { layers: nodeLayers, depth });
    const inputFrom = below ? (below.layers.infos[0]?.name ?? null) : null;
    nodeLayers.cells.forEach((cell, k) => {
      layers.push(cell);
      layerInfo.push({ ...(nodeLayers.infos[k] as Omit<LayerInfo, 'depth' | 'inputFrom'>), depth, inputFrom });
    });
  }
  const producer = `${model.producer_name}${model.producer_version ? ` ${model.producer_version}` : ''}`.trim();
  return { path, format: 'onnx', layers, layerInfo, producer, opset, notes: [`ONNX opset ${opset}${producer ? `, produced by ${producer}` : ''}`] };
}

/** Reads an ONNX model file: {@link readOnnxBytes} on its bytes. */
export function readOnnx(path: string): OnnxCheckpoint {
  return readOnnxBytes(readFileBytes(path), path);
}

/** ModelProto field tags that may follow ir_version (field 1, varint) at the start of a file. */
const MODEL_PROTO_SECOND_TAGS = new Set([0x12, 0x1a, 0x22, 0x28, 0x32, 0x3a, 0x42, 0x72, 0x7a]);

/**
 * Whether bytes look like an ONNX ModelProto: field 1 (ir_version, varint) first, a small
 * version, then another ModelProto field. (Protobuf has no magic number; exporters write
 * ir_version first.)
 */
export function looksLikeOnnx(bytes: Uint8Array): boolean {
  if (bytes.length < 3 || bytes[0] !== 0x08) return false;
  const version = bytes[1] as number;
  return version >= 1 && version < 0x40 && MODEL_PROTO_SECOND_TAGS.has(bytes[2] as number);
}
