/**
 * TorchScript archives (`torch.jit.save` of a scripted or traced module, `.pt` / `.jit`) to
 * lrdkit cells, without executing anything.
 *
 *     <archive>/data.pkl       pickle of the module object: GLOBAL __torch__.<class>, NEWOBJ, BUILD
 *                              with a dict of its attributes (submodules as further objects,
 *                              parameters as tensors like torch.save's)
 *     <archive>/data/<key>     tensor storages (as torch.save)
 *     <archive>/code/, constants.pkl   TorchScript code and constants: never read
 *
 * The safe unpickler (./internal/pickle.ts, through ./torchZip.ts) is given inert placeholders:
 * any `__torch__.*` class becomes an object that only records the attributes BUILD gives it, and
 * `torch.jit._pickle.build_tensorlist` / `build_intlist` / `build_doublelist` /
 * `build_boollist` / `restore_type_tag` return their first argument. Every other global stays
 * refused. The parameters of the `nn.GRU` / `nn.LSTM` (and GRUCell / LSTMCell) submodules,
 * recognised by their class `__torch__.torch.nn.modules.rnn.[___torch_mangle_N.]GRU|LSTM|...`,
 * are named by module path (`rnn.weight_ih_l0`) and read as a state dict ({@link pytorchLayers}).
 *
 * @module
 */
import type { Cell } from '../cells/types.js';
import { PyCallable, PyDict, PyOpaque, type PyValue } from './internal/pickle.js';
import { pytorchLayers } from './pytorch.js';
import { readTorchZip } from './torchZip.js';
import type { Checkpoint, LayerInfo } from './types.js';

/** Class names of the recurrent modules whose parameters are read. */
const RECURRENT_CLASS = /^__torch__\.torch\.nn\.modules\.rnn\.(?:___torch_mangle_\d+\.)?(GRU|LSTM|RNN|GRUCell|LSTMCell|RNNCell)$/;
/** TorchScript's pickle helpers, all inert (they rebuild typed containers). */
const JIT_PICKLE_HELPERS = ['build_tensorlist', 'build_intlist', 'build_doublelist', 'build_boollist', 'restore_type_tag'];
/** Deepest module nesting followed. */
const MAX_MODULE_DEPTH = 64;

/** Placeholder object of a `__torch__` class: its class name; BUILD sets `state`. */
const OBJECT = 'torchscript object';

/**
 * The named tensors of the recurrent submodules of a TorchScript module object.
 *
 * @returns [module path + parameter name, tensor] in attribute order; module classes seen, for messages
 */
export function torchScriptRecurrentTensors(root: PyValue, bad: (detail: string) => never): { tensors: [string, PyOpaque][]; classes: string[] } {
  const tensors: [string, PyOpaque][] = [];
  const classes: string[] = [];
  const seen = new Set<PyOpaque>();
  const visit = (obj: PyOpaque, prefix: string, depth: number): void => {
    if (seen.has(obj)) return;
    seen.add(obj);
    if (depth > MAX_MODULE_DEPTH) bad(`expected modules nested at most ${MAX_MODULE_DEPTH} deep, found deeper nesting at ${prefix || '(root)'}`);
    const cls = obj.value as string;
    classes.push(`${prefix.replace(/\.$/, '') || '(root)'}: ${cls}`);
    const state = obj.state;
    if (!(state instanceof PyDict)) return;
    const recurrent = RECURRENT_CLASS.test(cls);
    for (const [k, v] of state.map) {
      if (typeof k !== 'string') continue;
      if (v instanceof PyOpaque && v.kind === OBJECT) visit(v, `${prefix}${k}.`, depth + 1);
      else if (recurrent && v instanceof PyOpaque && v.kind === 'tensor') tensors.push([`${prefix}${k}`, v]);
    }
  };
  if (!(root instanceof PyOpaque) || root.kind !== OBJECT) return bad(`expected a TorchScript module object (a __torch__ class), found ${root instanceof PyDict ? 'a dict (a torch.save state dict? it is read as torch-zip)' : 'another value'}`);
  visit(root, '', 0);
  return { tensors, classes };
}

/**
 * Reads the nn.GRU / nn.LSTM parameters of a TorchScript archive held in memory.
 *
 * @throws CheckpointError: not a zip, no data.pkl, a global other than the inert ones, no
 *   recurrent submodule (the classes found are listed), and everything {@link pytorchLayers}
 *   refuses (nn.RNN, projections, inconsistent stacks, NaN weights)
 * @example
 * const ck = readTorchScript(readFileSync('lstm2_trace.pt'), 'lstm2_trace.pt');
 * ck.layerInfo.map((l) => l.name); // ['rnn.l0', 'rnn.l1']
 */
export function readTorchScript(bytes: Uint8Array, file: string): Checkpoint {
  let classes: string[] = [];
  const tensors = readTorchZip(bytes, file, {
    resolveGlobal(module, name) {
      const qualified = `${module}.${name}`;
      if (module === '__torch__' || module.startsWith('__torch__.')) return new PyCallable(qualified, () => new PyOpaque(OBJECT, qualified));
      if (module === 'torch.jit._pickle' && JIT_PICKLE_HELPERS.includes(name)) return new PyCallable(qualified, (args) => args[0] ?? null);
      return undefined;
    },
    tensorsOf(value, bad) {
      const found = torchScriptRecurrentTensors(value, bad);
      classes = found.classes;
      if (found.tensors.length === 0) {
        return bad(`expected nn.GRU / nn.LSTM submodules (class __torch__.torch.nn.modules.rnn.GRU or LSTM), found modules ${classes.slice(0, 8).join(', ')}${classes.length > 8 ? ', ...' : ''}`);
      }
      return found.tensors;
    },
  });
  const read: { layers: Cell[]; layerInfo: LayerInfo[] } = pytorchLayers(tensors, file);
  return { path: file, format: 'torchscript', layers: read.layers, layerInfo: read.layerInfo, notes: [`TorchScript modules: ${classes.join('; ')}`] };
}

/** Whether zip member names are a TorchScript archive's (code/ or constants.pkl beside data.pkl). */
export function looksLikeTorchScript(members: readonly string[]): boolean {
  return members.some((m) => /^[^/]+\/constants\.pkl$/.test(m) || /^[^/]+\/code\//.test(m));
}
