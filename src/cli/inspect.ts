/**
 * `lrdkit inspect`: seeded random dense and factorized cells side by side: parameters, FLOPs,
 * the widths that match parameters or FLOPs, rho(U) per gate (the paper's Prop. 1.1
 * condition) and the state Jacobian's spectral radius and norm along a trajectory driven by
 * iid Gaussian input. Runs on embedded defaults; the first thing to try after installing.
 *
 * @module
 */
import { jacobianSpectrumAlongTrajectory } from '../analysis/jacobianSpectrum.js';
import { matchedHiddenSize } from '../cells/counts.js';
import { randomDenseCell, randomFactorizedCell } from '../cells/random.js';
import type { Cell, CellKind, GateWeights } from '../cells/types.js';
import { FactorizedCell, type DenseCell } from '../cells/factorized.js';
import { spectralRadius } from '../linalg/eigenvalues.js';
import { blockDiagonal } from '../linalg/blockDiagonal.js';
import { createRng } from '../processes/prng.js';
import { iidGaussian } from '../processes/gaussianNoise.js';
import { type ParsedArgs, UsageError, choiceOption, integerOption } from './args.js';
import { progress, writeFileAtomic } from './output.js';

export const INSPECT_OPTIONS = {
  kind: 'string',
  input: 'string',
  hidden: 'string',
  groups: 'string',
  steps: 'string',
  samples: 'string',
  seed: 'string',
  json: 'boolean',
  out: 'string',
  quiet: 'boolean',
} as const;

export const INSPECT_HELP = `lrdkit inspect: compare a dense and a factorized GRU/LSTM cell with seeded random weights.

Usage: lrdkit inspect [options]

Prints, per variant, the parameter count, FLOPs per step, rho(U) (spectral radius of each
gate's recurrent matrix: the paper's Prop. 1.1 condition) and the state Jacobian's spectral
radius rho(J_t) and norm ||J_t||_2 (mean/max over S states of a T-step trajectory driven by iid
N(0, 1) input). Weights are uniform with scale 1/sqrt(H). Variants: dense (width H);
factorized-small (width H, G blocks: about G times fewer parameters and FLOPs);
factorized-params and factorized-flops (the widest G-block cell with at most the dense cell's
parameters / FLOPs).

Options:
  --kind gru|lstm     cell type (default gru)
  --input D           input width, channels (default 32)
  --hidden H          dense width, units (default 128)
  --groups G          blocks of the factorized cells; divides D and H (default 4)
  --steps T           trajectory length, steps (default 200)
  --samples S         states at which J_t is evaluated, evenly spaced (default 10)
  --seed N            random seed (default 0); same seed, same bytes
  --json              print JSON instead of the table
  --out FILE          write the table (or JSON) to FILE instead of stdout
  --quiet             no progress on stderr
  -h, --help          this help

Examples:
  lrdkit inspect
  lrdkit inspect --kind lstm --hidden 256 --groups 8
  lrdkit inspect --seed 3 --json --out inspect.json`;

interface VariantRow {
  variant: string;
  hiddenSize: number;
  groups: number;
  stateSize: number;
  parameterCount: number;
  flopsPerStep: number;
  recurrentSpectralRadius: Record<string, number>;
  jacobianSpectralRadius: { mean: number; max: number };
  jacobianSpectralNorm: { mean: number; max: number };
}

/** The inspect report (plain data; same seed, same bytes). */
export interface InspectReport {
  lrdkit: string;
  command: 'inspect';
  seed: number;
  kind: CellKind;
  inputSize: number;
  steps: number;
  samples: number;
  input: string;
  variants: VariantRow[];
}

const GATES: Record<CellKind, readonly string[]> = { gru: ['z', 'r', 'n'], lstm: ['i', 'f', 'g', 'o'] };

function recurrentRho(cell: Cell): Record<string, number> {
  const blocks: DenseCell[] = cell instanceof FactorizedCell ? [...cell.blocks] : [cell as DenseCell];
  const out: Record<string, number> = {};
  for (const gate of GATES[cell.kind]) {
    const mats = blocks.map((b) => {
      const g = (b.weights as unknown as Record<string, GateWeights>)[gate] as GateWeights;
      const h = b.hiddenSize;
      return Array.from({ length: h }, (_, i) => Array.from(g.recurrent.subarray(i * h, (i + 1) * h)));
    });
    out[gate] = spectralRadius(blockDiagonal(mats));
  }
  return out;
}

const stats = (v: number[]): { mean: number; max: number } => ({ mean: v.reduce((a, b) => a + b, 0) / v.length, max: Math.max(...v) });

/** Runs the inspection and returns its report. */
export function inspect(args: ParsedArgs, version: string): InspectReport {
  const o = args.options;
  if (args.positionals.length > 0) throw new UsageError(`lrdkit inspect: unexpected argument "${args.positionals[0]}"`);
  const kind = choiceOption(o, 'kind', ['gru', 'lstm'] as const, 'gru', 'inspect');
  const d = integerOption(o, 'input', 32, 1, 4096, 'inspect');
  const h = integerOption(o, 'hidden', 128, 1, 4096, 'inspect');
  const g = integerOption(o, 'groups', 4, 1, 1024, 'inspect');
  const steps = integerOption(o, 'steps', 200, 1, 1_000_000, 'inspect');
  const samples = integerOption(o, 'samples', 10, 1, steps, 'inspect');
  const seed = integerOption(o, 'seed', 0, 0, 2 ** 31 - 1, 'inspect');
  if (d % g !== 0 || h % g !== 0) throw new UsageError(`lrdkit inspect: --groups ${g} must divide --input ${d} and --hidden ${h}`);
  const log = progress(o.quiet === true);
  const dense = { kind, inputSize: d, hiddenSize: h };
  const big = matchedHiddenSize(dense, g, 'params');
  const flops = matchedHiddenSize(dense, g, 'flops');
  const specs: [string, number, number][] = [['dense', h, 1], ['factorized-small', h, g], ['factorized-params', big.hiddenSize, g], ['factorized-flops', flops.hiddenSize, g]];
  const inputs = iidGaussian(createRng(seed).fork(1), steps, d);
  const stride = Math.max(1, Math.floor(steps / samples));
  const variants = specs.map(([variant, width, groups], k) => {
    const rng = createRng(seed).fork(100 + k);
    const cell: Cell = groups === 1 ? randomDenseCell(rng, { kind, inputSize: d, hiddenSize: width }) : randomFactorizedCell(rng, { kind, inputSize: d, hiddenSize: width, groups });
    log(`inspect: ${variant} ${kind} (hidden ${width}, groups ${groups}): ${samples} Jacobians along ${steps} steps`);
    const trace = jacobianSpectrumAlongTrajectory(cell, inputs, stride);
    return {
      variant,
      hiddenSize: width,
      groups,
      stateSize: cell.stateSize,
      parameterCount: cell.parameterCount,
      flopsPerStep: cell.flopsPerStep,
      recurrentSpectralRadius: recurrentRho(cell),
      jacobianSpectralRadius: stats(trace.spectralRadius),
      jacobianSpectralNorm: stats(trace.spectralNorm),
    };
  });
  return { lrdkit: version, command: 'inspect', seed, kind, inputSize: d, steps, samples: Math.ceil(steps / stride), input: 'iid N(0, 1)', variants };
}

/** Fixed-width text table of an inspect report. */
export function formatInspect(r: InspectReport): string {
  const f = (x: number): string => x.toFixed(4);
  const head = ['variant', 'hidden', 'g', 'params', 'FLOPs/step', 'rho(U) per gate', 'rho(J) mean/max', '||J||2 mean/max'];
  const rows = r.variants.map((v) => [
    v.variant,
    String(v.hiddenSize),
    String(v.groups),
    String(v.parameterCount),
    String(v.flopsPerStep),
    Object.entries(v.recurrentSpectralRadius).map(([k, x]) => `${k}=${x.toFixed(3)}`).join(' '),
    `${f(v.jacobianSpectralRadius.mean)}/${f(v.jacobianSpectralRadius.max)}`,
    `${f(v.jacobianSpectralNorm.mean)}/${f(v.jacobianSpectralNorm.max)}`,
  ]);
  const widths = head.map((hd, i) => Math.max(hd.length, ...rows.map((row) => (row[i] as string).length)));
  const line = (cols: string[]): string => cols.map((c, i) => c.padEnd(widths[i] as number)).join('  ').trimEnd();
  return [
    `lrdkit ${r.lrdkit} inspect: ${r.kind}, input ${r.inputSize}, ${r.input}, seed ${r.seed}; Jacobians at ${r.samples} of ${r.steps} steps`,
    line(head),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
  ].join('\n') + '\n';
}

/** CLI entry: prints the table (or JSON) to stdout, or writes it to --out atomically. */
export function runInspect(args: ParsedArgs, version: string): number {
  const report = inspect(args, version);
  const text = args.options.json === true ? `${JSON.stringify(report, null, 2)}\n` : formatInspect(report);
  const out = args.options.out;
  if (typeof out === 'string') writeFileAtomic(out, text);
  else process.stdout.write(text);
  return 0;
}
