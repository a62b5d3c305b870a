/**
 * Training progress on stderr: step, loss, sequences per second and ETA. On a terminal one line
 * redrawn in place (at most 10 times a second); otherwise (CI logs, pipes) a full line every
 * `intervalSeconds` and at the end, so logs stay readable.
 *
 * @module
 */

/** One progress update. */
export interface ProgressState {
  readonly step: number;
  readonly totalSteps: number;
  /** The latest batch loss, nats per output symbol. */
  readonly lossNats: number;
  /** Sequences per second over the recent steps. */
  readonly sequencesPerSecond: number;
  /** Seconds of training so far (this process). */
  readonly elapsedSeconds: number;
  /** Seconds per step over the recent steps (for the ETA). */
  readonly secondsPerStep: number;
}

/** Formats seconds as 1h02m03s / 2m03s / 3.4s. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}h${pad(m)}m${pad(r)}s` : `${m}m${pad(r)}s`;
}

/** The progress line (no bar). */
export function progressLine(p: ProgressState, label = 'train'): string {
  const eta = (p.totalSteps - p.step) * p.secondsPerStep;
  const width = String(p.totalSteps).length;
  return `${label}: step ${String(p.step).padStart(width)}/${p.totalSteps}  loss ${p.lossNats.toFixed(4)} nats  ${p.sequencesPerSecond.toFixed(0)} seq/s  elapsed ${formatDuration(p.elapsedSeconds)}  ETA ${formatDuration(eta)}`;
}

/** A progress reporter writing to a stream (default process.stderr). */
export class ProgressBar {
  private lastDraw = -Infinity;
  private drewInPlace = false;
  private readonly tty: boolean;

  constructor(
    private readonly label = 'train',
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly intervalSeconds = 30,
  ) {
    this.tty = stream.isTTY === true;
  }

  /** Reports a step; draws when due (always at the last step). */
  update(p: ProgressState): void {
    const now = performance.now() / 1000;
    const last = p.step >= p.totalSteps;
    if (this.tty) {
      if (!last && now - this.lastDraw < 0.1) return;
      const frac = p.totalSteps > 0 ? p.step / p.totalSteps : 1;
      const n = 20, filled = Math.min(n, Math.round(frac * n));
      const bar = `[${'='.repeat(Math.max(0, filled - 1))}${filled > 0 ? (filled === n ? '=' : '>') : ''}${' '.repeat(n - filled)}]`;
      this.stream.write(`\r\x1b[2K${bar} ${progressLine(p, this.label)}`);
      this.drewInPlace = true;
      if (last) this.finish();
    } else if (last || now - this.lastDraw >= this.intervalSeconds) {
      this.stream.write(`${progressLine(p, this.label)}\n`);
    } else return;
    this.lastDraw = now;
  }

  /** A message on its own line (ends an in-place line first). */
  message(text: string): void {
    this.finish();
    this.stream.write(`${text}\n`);
  }

  /** Ends the in-place line, if any. */
  finish(): void {
    if (this.drewInPlace) {
      this.stream.write('\n');
      this.drewInPlace = false;
    }
  }
}
