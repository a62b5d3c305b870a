/**
 * Internal: one helper thread (node:worker_threads) for the analysis engine, driven
 * synchronously so that {@link analyzeCell} keeps its synchronous API.
 *
 * The main thread posts a task on a MessagePort and later blocks in Atomics.wait on a shared
 * counter that the helper increments after posting each result, then reads the result with
 * receiveMessageOnPort (no event loop turn needed). The helper rebuilds the cell from its
 * weights (dense or factorized GRU/LSTM only) and the input process from its spec, so every
 * task computes exactly what the main thread would: the results do not depend on which thread
 * ran them.
 *
 * The helper runs the compiled module next to this one (worker.js); when that file does not
 * exist (running from the TypeScript sources, e.g. under vitest) no helper is started and the
 * caller runs everything on the main thread.
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { MessageChannel, type MessagePort, Worker, receiveMessageOnPort } from 'node:worker_threads';
import { FactorizedCell } from '../../cells/factorized.js';
import { GruCell, type GruWeights } from '../../cells/gru.js';
import { LstmCell, type LstmWeights } from '../../cells/lstm.js';
import type { Cell } from '../../cells/types.js';
import { AnalysisInputError } from '../errors.js';
import type { InputSpec } from '../inputs.js';
import type { Series } from '../series.js';

/** A cell as plain, structured-clonable data. */
export type CellDescription =
  | { readonly type: 'gru'; readonly weights: GruWeights }
  | { readonly type: 'lstm'; readonly weights: LstmWeights }
  | { readonly type: 'factorized'; readonly blocks: readonly CellDescription[] };

/** The cell as data, or null for cells a helper cannot rebuild (stacks, context switching, custom cells). */
export function describeCell(cell: Cell): CellDescription | null {
  if (cell instanceof GruCell) return { type: 'gru', weights: cell.weights };
  if (cell instanceof LstmCell) return { type: 'lstm', weights: cell.weights };
  if (cell instanceof FactorizedCell) {
    const blocks = cell.blocks.map(describeCell);
    return blocks.every((b) => b !== null) ? { type: 'factorized', blocks: blocks as CellDescription[] } : null;
  }
  return null;
}

/** Rebuilds a cell from {@link describeCell}'s data (the same weights, so the same steps bit for bit). */
export function rebuildCell(d: CellDescription): Cell {
  if (d.type === 'gru') return new GruCell(d.weights);
  if (d.type === 'lstm') return new LstmCell(d.weights);
  return new FactorizedCell(d.blocks.map((b) => rebuildCell(b) as GruCell | LstmCell));
}

/** The input as data (a CLI string or a spec), or null for a process object (functions cannot be sent). */
export function describeInput(input: unknown): string | InputSpec | null {
  if (input === undefined) return 'gaussian';
  if (typeof input === 'string') return input;
  if (input !== null && typeof input === 'object' && !('sequence' in input)) return input as InputSpec;
  return null;
}

/** Views of the T x width series of N sequences stored back to back in one buffer (shared with the helper when a SharedArrayBuffer). */
export function seriesViews(buffer: SharedArrayBuffer | ArrayBuffer, sequences: number, rows: number, cols: number): Series[] {
  return Array.from({ length: sequences }, (_, i) => ({ rows, cols, data: new Float64Array(buffer, i * rows * cols * 8, rows * cols) }));
}

/** Threads to use by default: 2 when the machine has at least 2 CPUs (the engine uses at most 2). */
export function defaultWorkers(): number {
  return Math.min(2, availableParallelism());
}

/** What the helper is started with. */
export interface HelperInit {
  readonly cell: CellDescription;
  /** Layers the input is driven through before the cell reads it (see drivenInputProcess); none when absent. */
  readonly drivenThrough?: readonly CellDescription[];
}

/** The helper thread could not run (its module failed to load): the caller computes the task itself. */
export class HelperUnavailableError extends Error {
  override name = 'HelperUnavailableError';
}

/** A task's reply. */
interface Reply {
  readonly ok: boolean;
  readonly result?: unknown;
  readonly name?: string;
  readonly message?: string;
  readonly seconds: number;
}

/** A started helper thread. */
export class HelperThread {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly counter: Int32Array;
  private posted = 0;
  private signalled = 0;
  private readonly stash = new Map<number, Reply>();

  private constructor(worker: Worker, port: MessagePort, counter: Int32Array) {
    this.worker = worker;
    this.port = port;
    this.counter = counter;
  }

  /**
   * Starts a helper, or returns null when the compiled worker module is not available.
   * `moduleUrl` replaces the worker module (tests).
   */
  static start(init: HelperInit, moduleUrl: URL = new URL('./worker.js', import.meta.url)): HelperThread | null {
    const url = moduleUrl;
    if (url.protocol !== 'file:' || !existsSync(fileURLToPath(url))) return null;
    // [0]: replies posted so far; [1]: 1 when the helper's module failed to load; [2]: 1 once
    // the helper thread has exited.
    const counter = new Int32Array(new SharedArrayBuffer(12));
    const { port1, port2 } = new MessageChannel();
    // A bootstrap that always runs: a load failure of the real module is flagged, and so is the
    // thread's exit (process.exit, an uncaught error: the worker's process emits 'exit'), instead
    // of leaving the main thread waiting for replies that never come. (A worker killed for
    // running out of memory gets no 'exit' event: that case is not detected.)
    // Only dynamic import(): valid whether the eval'd code is read as a script or a module.
    const bootstrap = [
      "import('node:worker_threads').then(({ workerData }) => {",
      '  const c = new Int32Array(workerData.counter);',
      "  process.on('exit', () => {",
      '    Atomics.store(c, 2, 1);',
      '    Atomics.notify(c, 0);',
      '  });',
      '  return import(workerData.url).catch((e) => {',
      "    workerData.port.postMessage({ id: -1, ok: false, name: 'Error', message: String(e && e.message ? e.message : e), seconds: 0 });",
      '    Atomics.store(c, 1, 1);',
      '    Atomics.notify(c, 0);',
      '  });',
      '});',
    ].join('\n');
    // execArgv: [] so that the parent's flags (e.g. --input-type=module of `node -e`) neither
    // reinterpret the bootstrap nor stop the worker from starting.
    const worker = new Worker(bootstrap, { eval: true, execArgv: [], workerData: { url: url.href, init, port: port2, counter: counter.buffer }, transferList: [port2] });
    // An uncaught error in the helper ends its thread: wait() reports it (the exit flag) and the
    // caller recomputes; without a listener the 'error' event would crash this process later.
    worker.on('error', () => undefined);
    worker.unref();
    port1.unref();
    return new HelperThread(worker, port1, counter);
  }

  /** True once the helper has reported that it cannot run, or its thread has exited. */
  get failed(): boolean {
    return Atomics.load(this.counter, 1) === 1 || Atomics.load(this.counter, 2) === 1;
  }

  /** Queues a task (the helper runs tasks in the order posted); returns its ticket for {@link HelperThread.wait}. */
  post(kind: string, payload: unknown): number {
    const id = ++this.posted;
    this.port.postMessage({ id, kind, payload });
    return id;
  }

  /** Blocks until the reply to task `ticket` arrives (earlier replies are kept for their own wait); returns its result and the helper's seconds. */
  wait<T>(ticket: number): { result: T; seconds: number } {
    if (!(ticket >= 1 && ticket <= this.posted)) throw new Error(`HelperThread.wait: no task ${ticket} was posted`);
    while (!this.stash.has(ticket)) {
      if (this.signalled >= this.posted) throw new Error(`HelperThread.wait: task ${ticket} was already collected`);
      const target = this.signalled + 1;
      for (;;) {
        const seen = Atomics.load(this.counter, 0);
        if (seen >= target) break;
        if (Atomics.load(this.counter, 1) === 1) {
          const msg = receiveMessageOnPort(this.port);
          const why = msg ? (msg.message as Reply).message : 'unknown reason';
          throw new HelperUnavailableError(`the analysis helper thread could not start: ${why}`);
        }
        if (Atomics.load(this.counter, 2) === 1) {
          // Replies it posted before exiting are counted in [0] (checked above).
          if (Atomics.load(this.counter, 0) >= target) break;
          throw new HelperUnavailableError(`the analysis helper thread exited before replying to task ${ticket}`);
        }
        Atomics.wait(this.counter, 0, seen, 1000);
      }
      const msg = receiveMessageOnPort(this.port);
      if (!msg) throw new Error('HelperThread.wait: the helper signalled a reply that did not arrive');
      this.signalled++;
      const r = msg.message as Reply & { id: number };
      this.stash.set(r.id, r);
    }
    const reply = this.stash.get(ticket) as Reply;
    this.stash.delete(ticket);
    if (!reply.ok) {
      const message = reply.message ?? 'unknown error';
      throw reply.name === 'AnalysisInputError' ? new AnalysisInputError(message) : new Error(`analysis helper thread: ${reply.name ?? 'Error'}: ${message}`);
    }
    return { result: reply.result as T, seconds: reply.seconds };
  }

  /** Stops the helper (pending tasks are abandoned). */
  close(): void {
    this.port.close();
    void this.worker.terminate();
  }
}
