/**
 * Internal: the helper thread's entry (see helper.ts). Rebuilds the cell once, then runs the
 * tasks posted on its port in order, replying with the result or the error, and signals each
 * reply on the shared counter.
 *
 * @module
 */
import { type MessagePort, workerData } from 'node:worker_threads';
import type { Cell } from '../../cells/types.js';
import { type CorrelationSumsOptions, correlationSums } from '../correlation/index.js';
import { type PairMomentsSpec, pairMomentsPart } from '../information/pairMoments.js';
import { type JacobianSolver, type VisitedState, jacobianSpectraAt } from '../jacobianSpectrum.js';
import { type LyapunovOptions, lyapunovSpectrum } from '../lyapunov.js';
import { type SharedPassPlan, sharedPassRange } from '../sharedPass.js';
import { drivenInputProcess } from '../drivenInput.js';
import { resolveInputProcess } from '../inputs.js';
import { type TrajectoryOptions, resolveTrajectory } from '../trajectories.js';
import { type HelperInit, rebuildCell, seriesViews } from './helper.js';
import { claimJacobianChunks } from './jacobianShare.js';

interface Data {
  readonly init: HelperInit;
  readonly port: MessagePort;
  readonly counter: SharedArrayBuffer;
}

const data = workerData as Data;
const cell: Cell = rebuildCell(data.init.cell);
const below: Cell[] = (data.init.drivenThrough ?? []).map(rebuildCell);
/** The trajectory options with the input driven through the layers below, as on the main thread. */
const driven = <O extends Pick<TrajectoryOptions, 'input'>>(o: O, fn: string): O =>
  below.length === 0 ? o : { ...o, input: drivenInputProcess(resolveInputProcess(o.input, (below[0] as Cell).inputSize, fn), below) };
const counter = new Int32Array(data.counter);

type Task =
  | { kind: 'pass'; payload: { trajectory: TrajectoryOptions; outputs: SharedArrayBuffer; plan: Omit<SharedPassPlan, 'outputs'>; from: number; to: number; fn: string } }
  | { kind: 'moments'; payload: { outputs: SharedArrayBuffer; sequences: number; rows: number; cols: number; spec: PairMomentsSpec; from: number; to: number; cross: boolean } }
  | { kind: 'jacobian'; payload: { samples: VisitedState[]; solver: JacobianSolver } }
  | { kind: 'jacobianChunks'; payload: { samples: VisitedState[]; solver: JacobianSolver; counter: SharedArrayBuffer; eigenvalueStates?: VisitedState[] } }
  | { kind: 'lyapunov'; payload: { options: LyapunovOptions; k: number } }
  | { kind: 'correlation'; payload: { outputs: SharedArrayBuffer; sequences: number; rows: number; cols: number; options: CorrelationSumsOptions } };

function run(task: Task): unknown {
  switch (task.kind) {
    case 'pass': {
      const p = task.payload;
      const r = resolveTrajectory(cell, driven(p.trajectory, p.fn), p.fn);
      const outputs = seriesViews(p.outputs, r.sequences, r.steps, cell.hiddenSize).map((s) => s.data);
      return sharedPassRange(r, { ...p.plan, outputs }, p.from, p.to, p.fn);
    }
    case 'moments': {
      const p = task.payload;
      return pairMomentsPart(seriesViews(p.outputs, p.sequences, p.rows, p.cols), p.spec, p.from, p.to, p.cross);
    }
    case 'jacobian':
      return jacobianSpectraAt(cell, task.payload.samples, task.payload.solver);
    case 'jacobianChunks':
      return claimJacobianChunks(cell, task.payload.samples, task.payload.solver, new Int32Array(task.payload.counter), undefined, task.payload.eigenvalueStates ?? []);
    case 'lyapunov':
      return lyapunovSpectrum(cell, driven(task.payload.options, 'lyapunovSpectrum'), task.payload.k);
    case 'correlation': {
      const p = task.payload;
      return correlationSums(seriesViews(p.outputs, p.sequences, p.rows, p.cols), p.options);
    }
    default:
      throw new Error(`unknown task ${String((task as { kind?: unknown }).kind)}`);
  }
}

data.port.on('message', (message: Task & { id: number }) => {
  const t0 = process.hrtime.bigint();
  const { id, ...task } = message;
  let reply: object;
  try {
    const result = run(task as Task);
    reply = { id, ok: true, result, seconds: Number(process.hrtime.bigint() - t0) / 1e9 };
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    reply = { id, ok: false, name: err.name, message: err.message, seconds: Number(process.hrtime.bigint() - t0) / 1e9 };
  }
  try {
    data.port.postMessage(reply);
  } catch (e) {
    data.port.postMessage({ id, ok: false, name: 'Error', message: `could not send the result: ${e instanceof Error ? e.message : String(e)}`, seconds: 0 });
  }
  Atomics.add(counter, 0, 1);
  Atomics.notify(counter, 0);
});
