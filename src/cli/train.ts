/**
 * `lrdkit train`: trains a dense, factorized or context-switching GRU/LSTM network on the
 * copy task of the paper (section 3.1) with TF.js, into a run directory (run.json, log.jsonl,
 * checkpoint/ in lrdkit's checkpoint format, auditable with `lrdkit audit DIR/checkpoint`).
 *
 * Exit status: 0 trained; 1 the loss diverged (NaN); 2 bad input (nothing written); 130
 * interrupted (Ctrl-C finishes the current step and writes a checkpoint; `--resume` continues).
 *
 * @module
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CheckpointError } from '../checkpoints/errors.js';
import { BackendUnavailableError, TRAINING_BACKENDS, type TrainingBackend, ensureBackend } from '../train/backend.js';
import { TrainingWorkerError } from '../train/dataParallel.js';
import { NATIVE_BUILD_HINT, NativeKernelsUnavailableError, loadNativeAddon } from '../train/internal/nativeAddon.js';
import { ModelConfigError } from '../train/modelConfig.js';
import { ProgressBar } from '../train/progress.js';
import { RUN_FILE, STATE_JSON, findCheckpoint, readRunMetadata } from '../train/runDirectory.js';
import { matchedModelWidth } from '../train/sizes.js';
import { type CopyTrainingOptions, MAX_TRAINING_THREADS, TRAINING_KERNELS, TRAIN_DEFAULTS, TrainingDivergedError, checkTrainingOptions, copyModelConfig } from '../train/trainingConfig.js';
import { type ParsedArgs, UsageError, choiceOption, integerOption } from './args.js';

export const TRAIN_OPTIONS = {
  task: 'string',
  cell: 'string',
  variant: 'string',
  groups: 'string',
  match: 'string',
  hidden: 'string',
  layers: 'string',
  aux: 'string',
  repeats: 'string',
  steps: 'string',
  batch: 'string',
  lr: 'string',
  clip: 'string',
  seed: 'string',
  'checkpoint-every': 'string',
  out: 'string',
  backend: 'string',
  threads: 'string',
  kernels: 'string',
  resume: 'boolean',
  json: 'boolean',
  quiet: 'boolean',
} as const;

export const TRAIN_HELP = `lrdkit train: train a dense, factorized or context-switching GRU/LSTM on the copy task (TF.js).

Usage: lrdkit train --task copy --cell gru|lstm --repeats R --steps S --out DIR [options]
       lrdkit train --resume --out DIR [--steps S]

The copy task of Belletti et al. (2018), section 3.1: a random word of 6 letters (8-bit
patterns, 256 letters) then 6 R blanks; the target is the word R + 1 times; fresh samples
every batch; RMSProp; L stacked recurrent layers between a one-hot input projection and a
softmax readout. The loss is the cross-entropy in nats per output symbol.

Options:
  --task copy            the task (only copy)
  --cell gru|lstm        cell type
  --repeats R            repeats of the word in the target (sequence length 6 (R + 1) + 6 R)
  --steps S              training steps, batches (with --resume: the new total, at least the
                         steps already done)
  --out DIR              run folder: run.json, log.jsonl ({step, loss, elapsedSeconds,
                         sequencesPerSecond} per step), checkpoint/ (audit it with
                         'lrdkit audit DIR/checkpoint')
  --groups G             blocks: 1 dense, G > 1 factorized (default 1)
  --variant V            dense | factorized | context-switching (default: dense when G = 1,
                         factorized otherwise); context-switching adds the auxiliary recurrent
                         gate of section 2.2.3
  --hidden H             width, units per layer (default 64); with --match, the dense
                         reference width
  --match params|flops   with G > 1: the widest G-block model with at most the parameters /
                         FLOPs of the dense width-H model ("big"); without it a factorized
                         model of width H has about G times fewer parameters ("small")
  --layers L             stacked recurrent layers (default ${TRAIN_DEFAULTS.layers})
  --aux A                width of the context-switching auxiliary gate, units (default 2 G)
  --batch B              sequences per step (default ${TRAIN_DEFAULTS.batchSize})
  --lr LR                RMSProp learning rate (default ${TRAIN_DEFAULTS.learningRate})
  --clip C|none          gradient global-norm clip (default ${TRAIN_DEFAULTS.clipNorm})
  --seed N               seed of the weights and the data (default ${TRAIN_DEFAULTS.seed}); same seed, same curve
  --checkpoint-every K   write a checkpoint every K steps and at the end (default ${TRAIN_DEFAULTS.checkpointEvery})
  --backend B            auto | ${TRAINING_BACKENDS.join(' | ')} (default auto: the first that starts,
                         in that order)
  --threads N            data-parallel worker threads, each computing B / N sequences of every
                         batch (default 1; B must be a multiple of N); N > 1 equals one thread to
                         float32 rounding, not bit for bit, so a run resumes with its own N
  --kernels K            wasm | native (default wasm): native runs the recurrent layers and the
                         products on the optional C addon (AVX-512/AVX2 where the CPU has them),
                         built at install or by \`npm run native\` (needs a C compiler); equal
                         to wasm to float32 rounding, recorded in run.json, kept on --resume
  --resume               continue DIR from its checkpoint (options default to run.json's; the
                         curve is the one an uninterrupted run gives)
  --json                 print the summary as one JSON line instead of text
  --quiet                no progress on stderr
  -h, --help             this help

Ctrl-C stops after the current step with a checkpoint (exit 130); --resume continues.
Exit status: 0 trained; 1 the loss diverged (NaN); 2 bad input (nothing written); 130 interrupted.

Examples:
  lrdkit train --task copy --cell gru --repeats 4 --steps 2000 --out runs/gru-dense
  lrdkit train --task copy --cell gru --groups 4 --match params --repeats 4 --steps 2000 --out runs/big
  lrdkit train --resume --steps 4000 --out runs/gru-dense`;

/** A positive finite number option. */
function numberOption(o: ParsedArgs['options'], name: string, fallback: number, cmd: string): number {
  const raw = o[name];
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (typeof raw !== 'string' || raw.trim() === '' || !Number.isFinite(v) || v <= 0) throw new UsageError(`lrdkit ${cmd}: --${name} expects a positive number, found "${String(raw)}"`);
  return v;
}

function requireOption(o: ParsedArgs['options'], name: string, cmd: string): void {
  if (o[name] === undefined) throw new UsageError(`lrdkit ${cmd}: --${name} is required (see lrdkit ${cmd} --help)`);
}

/**
 * The training options from the command line, validated (nothing is written). With --resume the
 * defaults come from DIR/run.json.
 */
export function trainingOptionsFromArgs(args: ParsedArgs, cmd = 'train'): Omit<CopyTrainingOptions, 'backend'> & { backend: TrainingBackend | 'auto' } {
  const o = args.options;
  if (args.positionals.length > 0) throw new UsageError(`lrdkit ${cmd}: unexpected argument "${args.positionals[0]}" (all inputs are --options)`);
  requireOption(o, 'out', cmd);
  const out = o.out as string;
  const resume = o.resume === true;
  const previous = resume && existsSync(join(out, RUN_FILE)) ? readRunMetadata(out) : null;
  if (resume && !previous) throw new UsageError(`lrdkit ${cmd}: --resume: ${join(out, RUN_FILE)} does not exist (no run to resume in ${out})`);
  if (!previous) for (const name of ['task', 'cell', 'repeats', 'steps']) requireOption(o, name, cmd);
  const task = choiceOption(o, 'task', ['copy'] as const, 'copy', cmd);
  void task;
  const kind = choiceOption(o, 'cell', ['gru', 'lstm'] as const, previous?.cell ?? 'gru', cmd);
  const groups = integerOption(o, 'groups', previous?.groups ?? 1, 1, 4096, cmd);
  const variant = choiceOption(o, 'variant', ['dense', 'factorized', 'context-switching'] as const, previous?.variant ?? (groups === 1 ? 'dense' : 'factorized'), cmd);
  if (variant === 'dense' && groups !== 1) throw new UsageError(`lrdkit ${cmd}: --variant dense needs --groups 1, found --groups ${groups}`);
  if (variant !== 'dense' && groups < 2) throw new UsageError(`lrdkit ${cmd}: --variant ${variant} needs --groups >= 2, found --groups ${groups}`);
  const match = o.match === undefined ? (previous?.match ?? null) : choiceOption(o, 'match', ['params', 'flops'] as const, 'params', cmd);
  if (match !== null && groups === 1) throw new UsageError(`lrdkit ${cmd}: --match ${match} compares a factorized model with a dense one and needs --groups >= 2, found --groups 1`);
  const layers = integerOption(o, 'layers', previous?.layers ?? TRAIN_DEFAULTS.layers, 1, 64, cmd);
  const aux = integerOption(o, 'aux', previous?.auxiliaryHiddenSize ?? 2 * groups, 1, 65536, cmd);
  let hidden: number;
  let reference: CopyTrainingOptions['reference'] = null;
  if (previous && o.hidden === undefined) {
    hidden = previous.hiddenSize;
    reference = previous.reference;
  } else {
    const h = integerOption(o, 'hidden', 64, 1, 65536, cmd);
    if (match !== null) {
      const dense = copyModelConfig({ kind, variant: 'dense', groups: 1, hiddenSize: h, layers });
      try {
        const m = matchedModelWidth(dense, variant as 'factorized' | 'context-switching', groups, match);
        hidden = m.hiddenSize;
        reference = { hiddenSize: h, parameters: m.reference.parameters };
      } catch (e) {
        throw new UsageError(`lrdkit ${cmd}: --match ${match} --hidden ${h} --groups ${groups}: ${(e as Error).message}`);
      }
    } else {
      if (h % groups !== 0) throw new UsageError(`lrdkit ${cmd}: --hidden ${h} must be a multiple of --groups ${groups}`);
      hidden = h;
    }
  }
  const clipRaw = o.clip;
  const clipNorm = clipRaw === 'none' ? null : numberOption(o, 'clip', previous ? (previous.optimizer?.clipNorm ?? TRAIN_DEFAULTS.clipNorm) as number : TRAIN_DEFAULTS.clipNorm, cmd);
  const backend = choiceOption(o, 'backend', ['auto', ...TRAINING_BACKENDS] as const, 'auto', cmd);
  const threads = integerOption(o, 'threads', previous?.threads ?? 1, 1, MAX_TRAINING_THREADS, cmd);
  if (previous && threads !== (previous.threads ?? 1)) {
    throw new UsageError(`lrdkit ${cmd}: --resume --threads ${threads}: ${out} was trained on ${previous.threads ?? 1} thread(s) (run.json); expected the same count (the batch's float32 sums depend on it) or no --threads`);
  }
  const kernels = kernelsOption(o, previous?.kernels ?? 'wasm', cmd);
  if (previous && kernels !== (previous.kernels ?? 'wasm')) {
    throw new UsageError(`lrdkit ${cmd}: --resume --kernels ${kernels}: ${out} was trained on the ${previous.kernels ?? 'wasm'} kernels (run.json); expected the same kernels (their float32 rounding differs) or no --kernels`);
  }
  const batchSize = integerOption(o, 'batch', previous?.batchSize ?? TRAIN_DEFAULTS.batchSize, 1, 1_000_000, cmd);
  if (batchSize % threads !== 0) throw new UsageError(`lrdkit ${cmd}: --batch ${batchSize} is not divisible by --threads ${threads}; expected a batch that splits into ${threads} equal slices (e.g. --batch ${Math.max(threads, batchSize - (batchSize % threads))})`);
  const options = {
    kind,
    variant,
    groups,
    hiddenSize: hidden,
    layers,
    repeats: integerOption(o, 'repeats', previous?.repeats ?? 1, 1, 100_000, cmd),
    steps: integerOption(o, 'steps', previous?.steps ?? 1, 1, 100_000_000, cmd),
    batchSize,
    learningRate: numberOption(o, 'lr', previous?.learningRate ?? TRAIN_DEFAULTS.learningRate, cmd),
    clipNorm,
    seed: integerOption(o, 'seed', previous?.seed ?? TRAIN_DEFAULTS.seed, 0, 2 ** 31 - 1, cmd),
    checkpointEvery: integerOption(o, 'checkpoint-every', previous?.checkpointEvery ?? TRAIN_DEFAULTS.checkpointEvery, 1, 100_000_000, cmd),
    ...(variant === 'context-switching' ? { auxiliaryHiddenSize: aux } : {}),
    match,
    reference,
    out,
    resume,
    backend,
    threads,
    kernels,
  };
  try {
    checkTrainingOptions({ ...options, backend: 'auto' });
  } catch (e) {
    if (e instanceof ModelConfigError) throw new UsageError(`lrdkit ${cmd}: ${e.message}`);
    throw e;
  }
  if (resume) {
    // Checked here, before a backend is started: a resume never goes backwards.
    const checkpointDir = findCheckpoint(out);
    const done = checkpointDir ? (JSON.parse(readFileSync(join(checkpointDir, STATE_JSON), 'utf8')) as { step?: unknown }).step : undefined;
    if (typeof done === 'number' && options.steps < done) {
      throw new UsageError(`lrdkit ${cmd}: --resume --steps ${options.steps}: ${out} has already done ${done} steps; expected --steps of at least ${done} (or a new --out for a shorter run)`);
    }
  }
  if (!resume && existsSync(join(out, RUN_FILE))) throw new UsageError(`lrdkit ${cmd}: ${out} already holds a run (${RUN_FILE}); pass --resume to continue it or choose another --out`);
  return options;
}

/**
 * `--kernels wasm|native` (default `fallback`), checked before anything starts: native needs the
 * addon built (one message naming `npm run native` otherwise, exit 2).
 */
export function kernelsOption(o: ParsedArgs['options'], fallback: 'wasm' | 'native', cmd: string): 'wasm' | 'native' {
  const kernels = choiceOption(o, 'kernels', TRAINING_KERNELS, fallback, cmd);
  if (kernels === 'native') {
    const loaded = loadNativeAddon();
    if (!loaded.addon) throw new UsageError(`lrdkit ${cmd}: --kernels native: the native kernels are not available (${'reason' in loaded ? loaded.reason : 'not built'}); ${NATIVE_BUILD_HINT}, or use --kernels wasm`);
  }
  return kernels;
}

/** What `lrdkit train` prints at the end (as text, or as one JSON line with --json). */
export interface TrainingSummary {
  runDirectory: string;
  step: number;
  steps: number;
  interrupted: boolean;
  finalLossNats: number | null;
  parameters: number;
  elapsedSeconds: number;
  backend: string;
}

/**
 * The human summary of a training run, e.g.
 * `trained runs/gru: 2000 of 2000 steps, final loss 0.0123 nats per symbol, 52,480 parameters (whole model), 312.4 s on wasm`
 * and the next command to run.
 */
export function formatTrainingSummary(s: TrainingSummary): string {
  const loss = s.finalLossNats === null ? 'no step logged' : `final loss ${s.finalLossNats.toPrecision(4)} nats per symbol`;
  const head = `${s.interrupted ? 'interrupted' : 'trained'} ${s.runDirectory}: ${s.step} of ${s.steps} steps, ${loss}, ${s.parameters.toLocaleString('en-US')} parameters (whole model), ${s.elapsedSeconds.toFixed(1)} s on ${s.backend}`;
  const next = s.interrupted ? `continue: lrdkit train --resume --out ${s.runDirectory}` : `audit it: lrdkit audit ${join(s.runDirectory, 'checkpoint')}`;
  return `${head}\n${next}\n`;
}

/** CLI entry. */
export async function runTrain(args: ParsedArgs, version: string): Promise<number> {
  const quiet = args.options.quiet === true;
  let options;
  try {
    options = trainingOptionsFromArgs(args);
  } catch (e) {
    if (e instanceof CheckpointError) throw new UsageError(`lrdkit train: ${e.message}`);
    throw e;
  }
  const bar = new ProgressBar('train');
  const say = quiet ? () => undefined : (m: string) => bar.message(m);
  let selection;
  try {
    selection = await ensureBackend(options.backend, say);
  } catch (e) {
    if (e instanceof BackendUnavailableError) throw new UsageError(`lrdkit train: ${e.message}`);
    throw e;
  }
  let stop = false;
  const onSigint = () => {
    if (stop) process.exit(130);
    stop = true;
    say('interrupt: finishing the current step and writing a checkpoint (Ctrl-C again to quit at once)');
  };
  process.on('SIGINT', onSigint);
  // TF.js is loaded only by the commands that train.
  const { trainCopyTask } = await import('../train/trainer.js');
  try {
    const result = await trainCopyTask({
      ...options,
      backend: selection.backend,
      version,
      onMessage: say,
      ...(quiet ? {} : { onProgress: (p) => bar.update(p) }),
      shouldStop: () => stop,
    });
    bar.finish();
    const last = result.log[result.log.length - 1];
    const summary = { runDirectory: result.runDirectory, step: result.step, steps: options.steps, interrupted: result.interrupted, finalLossNats: last ? last.loss : null, parameters: result.parameters, elapsedSeconds: result.elapsedSeconds, backend: selection.backend };
    process.stdout.write(args.options.json === true ? `${JSON.stringify(summary)}\n` : formatTrainingSummary(summary));
    return result.interrupted ? 130 : 0;
  } catch (e) {
    bar.finish();
    if (e instanceof TrainingDivergedError) {
      process.stderr.write(`${e.message}\n`);
      return 1;
    }
    if (e instanceof TrainingWorkerError) {
      process.stderr.write(`lrdkit train: ${(e as Error).message}\n`);
      return 1;
    }
    if (e instanceof ModelConfigError) throw new UsageError(`lrdkit train: ${e.message}`);
    if (e instanceof BackendUnavailableError) throw new UsageError(`lrdkit train: ${e.message}`);
    if (e instanceof NativeKernelsUnavailableError) throw new UsageError(`lrdkit train: ${e.message}`);
    throw e;
  } finally {
    process.off('SIGINT', onSigint);
  }
}
