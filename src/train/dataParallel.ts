/**
 * Data-parallel training on N threads (opt-in, `lrdkit train --threads N`): N worker threads
 * (node:worker_threads), each with its own TF.js backend and lrdkit kernels
 * (./internal/gradientWorker.ts), compute the loss and gradient of their contiguous slice of the
 * batch; the main thread combines them into the full batch's mean gradient, applies the clipped
 * RMSProp step of src/train/optimizer.ts to the shared weights, and the threads read the new
 * weights at their next step.
 *
 * Method. The loss is the mean cross-entropy over the T B outputs of a batch of B sequences, so
 * with N slices of B / N sequences each (B divisible by N) the full batch's loss and gradient are
 * the means of the slices' (a mean weighted by slice size, here equal sizes):
 *
 *     L = (L_1 + ... + L_N) / N,     dL/dw = (dL_1/dw + ... + dL_N/dw) / N
 *
 * summed in float32 in slice order 1..N and divided once (for N = 2, a halving: exact), whatever
 * order the threads finish in, so the same seed and N give the same bytes. The optimizer is
 * clippedRmspropStep (./internal/clippedRmsprop.ts), the same float32 operations as the fused
 * kernel of the single-thread path. What differs from one thread is the order of the float32
 * sums over the batch inside each gradient (the products' reductions over B T rows, the
 * segment sums of the input projection) and the loss mean: the combined gradient equals the
 * single-thread one to float32 rounding (test/train/dataParallel.test.ts), not bit for bit, so
 * N > 1 is opt-in and recorded in run.json (`threads`), and a resumed run uses the same N.
 * Weights and gradients travel through SharedArrayBuffers (float32, parameterShapes order, back
 * to back; about 83 000 floats for the GRU(64) copy-task model); the batch slices are posted.
 *
 * The worker module is the compiled one beside this file (dist/train/internal/gradientWorker.js):
 * from the TypeScript sources (vitest) N > 1 is unavailable and says so.
 *
 * References: J. Dean et al., "Large Scale Distributed Deep Networks", NIPS 2012 (synchronous
 * data parallelism); T. Tieleman & G. Hinton, Lecture 6.5 - RMSProp, COURSERA, 2012.
 *
 * @example
 * ```ts
 * const engine = await DataParallelTrainer.start({ config, backend: 'wasm', threads: 2, weights, slots: null, learningRate: 0.01 });
 * const loss = await engine.step(sampleCopyBatch(rng, 32, 4), 1);   // 16 sequences per thread
 * await engine.dispose();                                             // the threads end
 * ```
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { BackendUnavailableError, type TrainingBackend } from './backend.js';
import { clippedRmspropStep } from './internal/clippedRmsprop.js';
import type { GradientReply, GradientRequest, GradientWorkerData } from './internal/gradientWorker.js';
import type { ComputeOptions } from './internal/sequence.js';
import type { TokenBatch } from './model.js';
import { type ModelConfig, ModelConfigError, type ModelWeights, parameterShapes } from './modelConfig.js';
import type { OptimizerSlots } from './runDirectory.js';
import { RMSPROP, type TrainingKernels } from './trainingConfig.js';

const f = Math.fround;

/** A training thread failed (its module, its backend, a step) or exited: the run stops. */
export class TrainingWorkerError extends Error {
  override name = 'TrainingWorkerError';
}

/** One optimisation step's implementation, as the training loop (src/train/trainer.ts) drives it. */
export interface TrainingEngine {
  /** One step on `batch`: loss and gradient, clipping, RMSProp; returns the loss before the update (nats per symbol). */
  step(batch: TokenBatch, clipNorm: number | null): Promise<number>;
  /** The current weights (copies). */
  weights(): ModelWeights;
  /** The optimizer state (copies). */
  slots(): Promise<OptimizerSlots>;
  /** Frees the model and ends any thread. */
  dispose(): Promise<void>;
}

/**
 * Sequences from..to-1 of a time-major batch (entry t * batch + b), as a time-major batch of
 * to - from sequences.
 *
 * @example
 * sliceBatch({ steps: 2, batch: 3, inputs: Int32Array.of(0, 1, 2, 10, 11, 12), targets: ... }, 1, 3).inputs
 * // Int32Array [1, 2, 11, 12]
 */
export function sliceBatch(batch: TokenBatch, from: number, to: number): TokenBatch {
  const { steps: T, batch: B } = batch;
  if (!(Number.isInteger(from) && Number.isInteger(to) && from >= 0 && from < to && to <= B)) throw new RangeError(`sliceBatch: expected 0 <= from < to <= ${B}, found ${from}..${to}`);
  const w = to - from;
  const inputs = new Int32Array(T * w), targets = new Int32Array(T * w);
  for (let t = 0; t < T; t++) {
    inputs.set(batch.inputs.subarray(t * B + from, t * B + to), t * w);
    targets.set(batch.targets.subarray(t * B + from, t * B + to), t * w);
  }
  return { steps: T, batch: w, inputs, targets };
}

/**
 * out = (parts[0] + parts[1] + ... + parts[N-1]) / N elementwise, in float32, summed in the
 * order given (the fixed order that makes the result independent of thread scheduling).
 *
 * @example
 * meanOfParts([Float32Array.of(1, 2), Float32Array.of(3, 5)], new Float32Array(2))   // Float32Array [2, 3.5]
 */
export function meanOfParts(parts: readonly Float32Array[], out: Float32Array): Float32Array {
  const n = parts.length;
  if (n === 0) throw new RangeError('meanOfParts: expected at least one part');
  for (const p of parts) if (p.length !== out.length) throw new RangeError(`meanOfParts: expected parts of ${out.length} values, found ${p.length}`);
  const first = parts[0] as Float32Array;
  for (let j = 0; j < out.length; j++) {
    let s = first[j] as number;
    for (let k = 1; k < n; k++) s = f(s + (parts[k] as Float32Array)[j]!);
    out[j] = f(s / n);
  }
  return out;
}

/** Float32 offsets of the model's tensors in the flat layout (parameterShapes order), and the total. */
function flatLayout(config: ModelConfig): { names: string[]; shapes: (readonly number[])[]; offsets: number[]; sizes: number[]; total: number } {
  const shapes = parameterShapes(config);
  const offsets: number[] = [], sizes: number[] = [];
  let total = 0;
  for (const [, shape] of shapes) {
    const n = shape.reduce((a, b) => a * b, 1);
    offsets.push(total);
    sizes.push(n);
    total += n;
  }
  return { names: shapes.map(([n]) => n), shapes: shapes.map(([, s]) => s), offsets, sizes, total };
}

/** Options of {@link GradientWorkerPool.start}. */
export interface GradientPoolOptions {
  readonly config: ModelConfig;
  /** The TF.js backend every thread starts (as selectBackend's `requested`). */
  readonly backend: TrainingBackend;
  readonly threads: number;
  /** The initial weights. */
  readonly weights: ModelWeights;
  /** null or absent: the backend's default. */
  readonly compute?: ComputeOptions | null;
  /** The training kernels every thread installs (default 'wasm'; see src/train/internal/nativeKernels.ts). */
  readonly kernels?: TrainingKernels;
  /** Replaces the worker module (tests). */
  readonly moduleUrl?: URL;
}

type Pending = { resolve: (lossNats: number) => void; reject: (e: Error) => void };

/**
 * N gradient threads over shared weights: {@link lossAndGradients} splits a batch into N
 * contiguous slices and returns the mean loss and gradient (see the module comment).
 */
export class GradientWorkerPool {
  readonly threads: number;
  /** The weights the threads read at each step (shared; write between steps only). */
  readonly weights: Float32Array;
  private readonly parts: Float32Array[];
  private readonly workers: Worker[] = [];
  private readonly pending: Map<number, Pending>[] = [];
  private nextId = 1;
  private failure: TrainingWorkerError | BackendUnavailableError | null = null;
  private closing = false;

  private constructor(threads: number, total: number) {
    this.threads = threads;
    this.weights = new Float32Array(new SharedArrayBuffer(4 * total));
    this.parts = Array.from({ length: threads }, () => new Float32Array(new SharedArrayBuffer(4 * total)));
  }

  /**
   * Starts `threads` threads and waits until each has its backend and model.
   *
   * @throws BackendUnavailableError when a thread cannot start the backend; TrainingWorkerError
   *   when the worker module is missing (not built) or a thread fails otherwise (every thread is
   *   ended before the error is thrown)
   */
  static async start(o: GradientPoolOptions): Promise<GradientWorkerPool> {
    if (!Number.isInteger(o.threads) || o.threads < 1) throw new ModelConfigError(`train: threads is ${String(o.threads)}, expected an integer >= 1`);
    const url = o.moduleUrl ?? new URL('./internal/gradientWorker.js', import.meta.url);
    if (url.protocol !== 'file:' || !existsSync(fileURLToPath(url))) {
      throw new TrainingWorkerError(`training on ${o.threads} threads runs the compiled worker module ${url.href}, which does not exist (build the package: npm run build)`);
    }
    const layout = flatLayout(o.config);
    const pool = new GradientWorkerPool(o.threads, layout.total);
    layout.names.forEach((name, i) => {
      const w = o.weights.get(name);
      if (!w || w.values.length !== layout.sizes[i]) throw new ModelConfigError(`data-parallel training: expected weights ${name} of ${layout.sizes[i]} values, found ${w ? w.values.length : 'none'}`);
      pool.weights.set(w.values, layout.offsets[i]);
    });
    const ready: Promise<number>[] = [];
    for (let k = 0; k < o.threads; k++) {
      const data: GradientWorkerData = { index: k, config: o.config, backend: o.backend, compute: o.compute ?? null, kernels: o.kernels ?? 'wasm', weights: pool.weights.buffer as SharedArrayBuffer, gradients: (pool.parts[k] as Float32Array).buffer as SharedArrayBuffer };
      // execArgv: [] so that the parent's flags (e.g. --input-type=module of `node -e`) do not apply to the thread.
      const worker = new Worker(url, { workerData: data, execArgv: [] });
      const pending = new Map<number, Pending>();
      pool.workers.push(worker);
      pool.pending.push(pending);
      ready.push(new Promise<number>((resolve, reject) => pending.set(0, { resolve, reject })));
      worker.on('message', (r: GradientReply) => pool.onReply(k, r));
      worker.on('error', (e: Error) => pool.fail(new TrainingWorkerError(`training thread ${k + 1} of ${o.threads} failed: ${e.message}`)));
      worker.on('exit', (code: number) => {
        if (!pool.closing) pool.fail(new TrainingWorkerError(`training thread ${k + 1} of ${o.threads} exited (code ${code}) before the run ended`));
      });
    }
    try {
      await Promise.all(ready);
    } catch (e) {
      await pool.close();
      throw e;
    }
    return pool;
  }

  private onReply(k: number, r: GradientReply): void {
    const pending = this.pending[k] as Map<number, Pending>;
    const p = pending.get(r.id);
    if (r.type === 'error') {
      const message = `training thread ${k + 1} of ${this.threads}: ${r.message}`;
      this.fail(r.name === 'BackendUnavailableError' ? new BackendUnavailableError(r.message) : new TrainingWorkerError(r.name === 'Error' ? message : `${message} (${r.name})`));
      return;
    }
    if (!p) return;
    pending.delete(r.id);
    p.resolve(r.type === 'gradients' ? r.lossNats : 0);
  }

  /** Rejects every pending request with `e` (the first failure wins) and refuses new ones. */
  private fail(e: TrainingWorkerError | BackendUnavailableError): void {
    this.failure ??= e;
    for (const pending of this.pending) {
      for (const p of pending.values()) p.reject(this.failure);
      pending.clear();
    }
  }

  private request(k: number, slice: TokenBatch): Promise<number> {
    const id = this.nextId++;
    return new Promise<number>((resolve, reject) => {
      (this.pending[k] as Map<number, Pending>).set(id, { resolve, reject });
      const r: GradientRequest = { type: 'gradients', id, steps: slice.steps, batch: slice.batch, inputs: slice.inputs, targets: slice.targets };
      (this.workers[k] as Worker).postMessage(r, [slice.inputs.buffer as ArrayBuffer, slice.targets.buffer as ArrayBuffer]);
    });
  }

  /**
   * The batch's mean loss and mean gradient (flat, parameterShapes order) at the current
   * {@link weights}: thread k computes sequences k B / N .. (k + 1) B / N - 1.
   *
   * @throws ModelConfigError when the batch does not split into N equal slices;
   *   TrainingWorkerError / BackendUnavailableError when a thread failed
   */
  async lossAndGradients(batch: TokenBatch, out: Float32Array = new Float32Array(this.weights.length)): Promise<{ lossNats: number; gradients: Float32Array }> {
    if (this.failure) throw this.failure;
    if (this.closing) throw new TrainingWorkerError('the training threads were already ended');
    const n = this.threads, B = batch.batch;
    if (B % n !== 0) throw new ModelConfigError(`data-parallel training: batch ${B} is not divisible by threads ${n}; expected a multiple of ${n}`);
    const w = B / n;
    const losses = await Promise.all(this.workers.map((_, k) => this.request(k, sliceBatch(batch, k * w, (k + 1) * w))));
    let sum = losses[0] as number;
    for (let k = 1; k < n; k++) sum = f(sum + (losses[k] as number));
    return { lossNats: f(sum / n), gradients: meanOfParts(this.parts, out) };
  }

  /** Ends every thread (idempotent). */
  async close(): Promise<void> {
    this.closing = true;
    this.fail(new TrainingWorkerError('the training threads were ended'));
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** Options of {@link DataParallelTrainer.start}. */
export interface DataParallelOptions extends Omit<GradientPoolOptions, 'weights'> {
  readonly weights: ModelWeights;
  /** The optimizer state to resume from (null: fresh zero slots). */
  readonly slots: OptimizerSlots | null;
  readonly learningRate: number;
}

/**
 * The training engine of `threads` > 1: a {@link GradientWorkerPool} for the gradients, the
 * clipped RMSProp state (mean squares and moments, flat float32) on the calling thread.
 */
export class DataParallelTrainer implements TrainingEngine {
  private readonly layout: ReturnType<typeof flatLayout>;
  private readonly meanSquares: Float32Array;
  private readonly moments: Float32Array;
  private readonly gradients: Float32Array;
  private iterations: number;

  private constructor(
    private readonly pool: GradientWorkerPool,
    config: ModelConfig,
    private readonly learningRate: number,
    private readonly sumInFloat64: boolean,
    slots: OptimizerSlots | null,
  ) {
    this.layout = flatLayout(config);
    const total = this.layout.total;
    this.meanSquares = new Float32Array(total);
    this.moments = new Float32Array(total);
    this.gradients = new Float32Array(total);
    this.iterations = slots?.iterations ?? 0;
    if (slots) {
      this.layout.offsets.forEach((at, i) => {
        const m = slots.meanSquares[i], q = slots.moments[i];
        if (!m || !q || m.length !== this.layout.sizes[i] || q.length !== this.layout.sizes[i]) throw new ModelConfigError(`data-parallel training: expected RMSProp slots of ${this.layout.sizes[i]} values for ${this.layout.names[i]}`);
        this.meanSquares.set(m, at);
        this.moments.set(q, at);
      });
    }
  }

  /** Starts the threads (see {@link GradientWorkerPool.start} for the errors). */
  static async start(o: DataParallelOptions): Promise<DataParallelTrainer> {
    const pool = await GradientWorkerPool.start(o);
    try {
      // tf.sum's accumulator on the backend the single-thread fused optimizer mirrors.
      return new DataParallelTrainer(pool, o.config, o.learningRate, o.backend === 'cpu', o.slots);
    } catch (e) {
      await pool.close();
      throw e;
    }
  }

  private views(flat: Float32Array): Float32Array[] {
    return this.layout.offsets.map((at, i) => flat.subarray(at, at + (this.layout.sizes[i] as number)));
  }

  async step(batch: TokenBatch, clipNorm: number | null): Promise<number> {
    const { lossNats, gradients } = await this.pool.lossAndGradients(batch, this.gradients);
    const w = this.views(this.pool.weights), m = this.views(this.meanSquares), q = this.views(this.moments);
    clippedRmspropStep(w, this.views(gradients), m, q, { learningRate: this.learningRate, ...RMSPROP, clipNorm, sumInFloat64: this.sumInFloat64 }, w, m, q);
    this.iterations++;
    return lossNats;
  }

  weights(): ModelWeights {
    return new Map(this.layout.names.map((name, i) => [name, { shape: this.layout.shapes[i] as readonly number[], values: this.pool.weights.slice(this.layout.offsets[i], (this.layout.offsets[i] as number) + (this.layout.sizes[i] as number)) }]));
  }

  async slots(): Promise<OptimizerSlots> {
    return { iterations: this.iterations, meanSquares: this.views(this.meanSquares).map((v) => Float32Array.from(v)), moments: this.views(this.moments).map((v) => Float32Array.from(v)) };
  }

  async dispose(): Promise<void> {
    await this.pool.close();
  }
}
