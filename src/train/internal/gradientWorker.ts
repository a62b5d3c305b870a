/**
 * Internal: the entry of one data-parallel training thread (see src/train/dataParallel.ts).
 *
 * The thread starts its own TF.js backend (the one the main thread names) and lrdkit's kernels
 * (the WebAssembly ones or the native addon, as the main thread names: the addon is loaded once
 * per process and its functions are context-aware, so each thread binds it to its own memory),
 * builds the model from the shared weights, then answers 'gradients' requests in order: it
 * copies the current weights out of the shared buffer into its variables, evaluates the mean
 * cross-entropy of its slice of the batch and its gradient (tf.variableGrads, exactly what
 * trainStep differentiates), writes the gradient into its own region of the shared gradient
 * buffer (variables in parameterShapes order, back to back) and replies with the slice's loss.
 * A failure (backend start, a kernel error) is replied as { type: 'error' } with the error's
 * name and message; the main thread then stops every thread.
 *
 * @module
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { TrainingBackend } from '../backend.js';
import type { TokenBatch } from '../model.js';
import type { ModelConfig, ModelWeights } from '../modelConfig.js';
import type { TrainingKernels } from '../trainingConfig.js';
import type { ComputeOptions } from './sequence.js';

/** What the main thread starts a gradient thread with. */
export interface GradientWorkerData {
  readonly index: number;
  readonly config: ModelConfig;
  readonly backend: TrainingBackend;
  /** null: the backend's default (defaultComputeOptions()). */
  readonly compute: ComputeOptions | null;
  /** The training kernels this thread installs after its backend (./nativeKernels.ts). */
  readonly kernels: TrainingKernels;
  /** The model's parameters, float32, parameterShapes order, back to back (written by the main thread between steps). */
  readonly weights: SharedArrayBuffer;
  /** This thread's gradient, same layout as `weights`. */
  readonly gradients: SharedArrayBuffer;
}

/** A request: the slice of the batch (time-major, steps x batch). */
export interface GradientRequest {
  readonly type: 'gradients';
  readonly id: number;
  readonly steps: number;
  readonly batch: number;
  readonly inputs: Int32Array;
  readonly targets: Int32Array;
}

/** A reply. */
export type GradientReply =
  | { readonly type: 'ready'; readonly id: 0 }
  | { readonly type: 'gradients'; readonly id: number; readonly lossNats: number }
  | { readonly type: 'error'; readonly id: number; readonly name: string; readonly message: string };

const data = workerData as GradientWorkerData;
const port = parentPort as NonNullable<typeof parentPort>;

function fail(id: number, e: unknown): void {
  const err = e instanceof Error ? e : new Error(String(e));
  port.postMessage({ type: 'error', id, name: err.name, message: err.message } satisfies GradientReply);
}

async function main(): Promise<void> {
  const { selectBackend } = await import('../backend.js');
  await selectBackend({ requested: data.backend });
  (await import('./nativeKernels.js')).useTrainingKernels(data.kernels);
  const tf = await import('@tensorflow/tfjs');
  const { SequenceModel } = await import('../model.js');
  const { parameterShapes } = await import('../modelConfig.js');
  const { defaultComputeOptions } = await import('./sequence.js');
  const shapes = parameterShapes(data.config);
  const weightsFlat = new Float32Array(data.weights);
  const gradientsFlat = new Float32Array(data.gradients);
  const offsets: number[] = [];
  let at = 0;
  for (const [, shape] of shapes) {
    offsets.push(at);
    at += shape.reduce((a, b) => a * b, 1);
  }
  if (at !== weightsFlat.length || at !== gradientsFlat.length) throw new Error(`gradient thread ${data.index}: expected ${at} parameters in the shared buffers, found ${weightsFlat.length} and ${gradientsFlat.length}`);
  const current = (): ModelWeights => new Map(shapes.map(([name, shape], i) => [name, { shape, values: weightsFlat.slice(offsets[i], (offsets[i] as number) + shape.reduce((a, b) => a * b, 1)) }]));
  const model = new SequenceModel(data.config, current(), data.compute ?? defaultComputeOptions());
  const vars = model.variables as import('@tensorflow/tfjs').Variable[];

  const gradients = (r: GradientRequest): number => {
    model.assign(current());
    const batch: TokenBatch = { steps: r.steps, batch: r.batch, inputs: r.inputs, targets: r.targets };
    const loss = tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => model.loss(batch), vars);
      vars.forEach((v, i) => gradientsFlat.set((grads[v.name] as import('@tensorflow/tfjs').Tensor).dataSync() as Float32Array, offsets[i]));
      return value;
    });
    const lossNats = (loss.dataSync() as Float32Array)[0] as number;
    loss.dispose();
    return lossNats;
  };

  port.on('message', (r: GradientRequest) => {
    try {
      if (r.type !== 'gradients') throw new Error(`gradient thread ${data.index}: unknown request ${String((r as { type?: unknown }).type)}`);
      const lossNats = gradients(r);
      port.postMessage({ type: 'gradients', id: r.id, lossNats } satisfies GradientReply);
    } catch (e) {
      fail(r.id, e);
    }
  });
  port.postMessage({ type: 'ready', id: 0 } satisfies GradientReply);
}

main().catch((e: unknown) => fail(0, e));
