/**
 * `lrdkit layers CHECKPOINT`: what lrdkit finds in a checkpoint, without auditing it: the
 * format, every recurrent layer (kind and GRU variant, input and hidden sizes, block groups,
 * direction, depth, the layer it reads as the audit will drive it, the tensors it came from)
 * and what the reader inferred or assumed. A separate command rather than an `inspect`
 * argument: `lrdkit inspect` compares seeded random cells and has its own options and report.
 *
 * @module
 */
import { layerChains, readingNotes } from '../audit/auditDocument.js';
import type { GruCell } from '../cells/gru.js';
import type { Cell } from '../cells/types.js';
import { readCheckpoint } from '../checkpoints/index.js';
import type { Checkpoint } from '../checkpoints/types.js';
import type { ParsedArgs } from './args.js';
import { UsageError } from './args.js';

export const LAYERS_OPTIONS = { json: 'boolean' } as const;

export const LAYERS_HELP = `lrdkit layers: list the GRU / LSTM layers lrdkit reads from a checkpoint, without auditing.

Usage: lrdkit layers CHECKPOINT [--json]

CHECKPOINT is anything lrdkit audit takes: ONNX, TorchScript, safetensors, torch.save, Keras
.h5 / .keras / .weights.h5, TF.js, lrdkit checkpoints and training run folders. Prints the
format, every GRU / LSTM layer with its kind (GRU reset after / before), input and hidden
sizes, block groups, direction, depth, the layer it reads (as lrdkit audit drives it; "input"
for the model input) and its tensors, then what was inferred or assumed.

Options:
  --json           print the same listing as JSON on stdout
  -h, --help       this help

Exit status: 0 listed; 2 bad input (one line naming the file, tensor or node).

Examples:
  lrdkit layers model.onnx
  lrdkit layers gru2.weights.h5 --json`;

/** One row of the listing. */
export interface LayerRow {
  readonly name: string;
  readonly kind: string;
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly groups: number;
  readonly direction: 'forward' | 'backward';
  readonly depth: number;
  /** The layer whose output drives this one in the audit, or null (the input process). */
  readonly reads: string | null;
  readonly tensors: readonly string[];
}

/** The listing of a checkpoint (plain data). */
export interface LayerListing {
  readonly path: string;
  readonly format: string;
  readonly run: string | null;
  readonly layers: readonly LayerRow[];
  readonly notes: readonly string[];
}

function kindLabel(cell: Cell): string {
  if (cell.kind === 'lstm') return 'LSTM';
  const w = (cell as GruCell).weights as GruCell['weights'] | undefined;
  return w === undefined ? 'GRU' : `GRU reset ${w.resetAfter ? 'after' : 'before'}`;
}

/**
 * The listing: rows in the checkpoint's order; `reads` from the audit's own chaining rule
 * (layerChains), so that the listing says what the audit will do.
 *
 * @example
 * listLayers(await readCheckpoint('gru2.onnx')).layers.map((l) => l.reads); // [null, '/GRU']
 */
export function listLayers(ck: Checkpoint): LayerListing {
  const reads = new Map<number, string | null>();
  for (const chain of layerChains(ck)) chain.forEach((i, pos) => reads.set(i, pos === 0 ? null : (ck.layerInfo[chain[pos - 1] as number]?.name ?? null)));
  return {
    path: ck.path,
    format: ck.format,
    run: ck.source?.run ?? null,
    layers: ck.layerInfo.map((info, i) => {
      const cell = ck.layers[i] as Cell;
      return {
        name: info.name,
        kind: kindLabel(cell),
        inputSize: cell.inputSize,
        hiddenSize: cell.hiddenSize,
        groups: cell.groups,
        direction: info.direction,
        depth: info.depth,
        reads: reads.get(i) ?? null,
        tensors: info.tensors,
      };
    }),
    notes: readingNotes(ck),
  };
}

/** The listing as an aligned text table with the notes below. */
export function formatLayerListing(l: LayerListing): string {
  const header = ['layer', 'kind', 'input', 'hidden', 'groups', 'direction', 'depth', 'reads'];
  const rows = l.layers.map((r) => [r.name, r.kind, String(r.inputSize), String(r.hiddenSize), String(r.groups), r.direction, String(r.depth), r.reads ?? 'input']);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] as string).length)));
  const line = (cells: string[]): string => cells.map((s, c) => s.padEnd(widths[c] as number)).join('  ').trimEnd();
  const out = [`${l.path}: ${l.format}${l.run ? ` (training run: ${l.run})` : ''}, ${l.layers.length} recurrent layer(s)`, line(header), ...rows.map(line)];
  out.push('tensors:', ...l.layers.map((r) => `  ${r.name}: ${r.tensors.join(', ')}`));
  if (l.notes.length > 0) out.push('notes:', ...l.notes.map((n) => `  - ${n}`));
  return `${out.join('\n')}\n`;
}

/** CLI entry. */
export async function runLayers(args: ParsedArgs): Promise<number> {
  if (args.positionals.length !== 1) throw new UsageError(`lrdkit layers: expected one CHECKPOINT argument, found ${args.positionals.length}`);
  const listing = listLayers(await readCheckpoint(args.positionals[0] as string));
  process.stdout.write(args.options.json === true ? `${JSON.stringify(listing, null, 2)}\n` : formatLayerListing(listing));
  return 0;
}
