/**
 * An output folder written whole or not at all. The files are written into a fresh folder made
 * by mkdtemp beside the destination (an unpredictable name, mode 0700, nothing planted in it
 * can be followed), then the folder is renamed into place: a previous folder at the
 * destination is first renamed aside and removed once the new one is in place. A SIGINT or
 * SIGTERM while the folder is staged removes it and exits (130 / 143); the two renames and the
 * previous folder's removal run back to back in one synchronous step, with the handlers still
 * installed, which no signal can split, so an interrupted run leaves either the complete
 * previous folder or the complete new one, and no temporary or aside folder.
 *
 * @module
 */
import { chmodSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { writeAtomic } from './writeAtomic.js';

/**
 * A new, empty folder beside `destination` with an unpredictable name
 * (`.NAME.tmp-XXXXXX`, mkdtemp: created exclusively, mode 0700, so nothing planted under a
 * guessed name can be followed or reused). The caller fills it and renames it into place.
 *
 * @example
 * temporaryFolderBeside('/runs/a/checkpoint'); // '/runs/a/.checkpoint.tmp-Xq3Z9a'
 */
export function temporaryFolderBeside(destination: string): string {
  const dest = resolve(destination);
  return mkdtempSync(join(dirname(dest), `.${basename(dest)}.tmp-`));
}

/**
 * The name under which a previous folder at `destination` is put aside while the staged folder
 * `staged` (from {@link temporaryFolderBeside}) takes its place: `.NAME.old-XXXXXX`, with the
 * staged folder's random suffix (so as unpredictable as it, and unique to this write).
 */
export function asideFolderName(destination: string, staged: string): string {
  const dest = resolve(destination);
  return join(dirname(dest), `.${basename(dest)}.old-${basename(staged).slice(-6)}`);
}

/** A staged output folder: write into `path`, then {@link StagedFolder.commit}. */
export class StagedFolder {
  private done = false;
  private readonly onSignal: (signal: NodeJS.Signals) => void;

  private constructor(
    /** The temporary folder being written. */
    readonly path: string,
    /** Where it goes on commit. */
    readonly destination: string,
  ) {
    this.onSignal = (signal) => {
      this.discard();
      process.exit(signal === 'SIGINT' ? 130 : 143);
    };
    process.on('SIGINT', this.onSignal);
    process.on('SIGTERM', this.onSignal);
  }

  /** Creates the temporary folder beside `destination` (making the parent folders if needed). */
  static create(destination: string): StagedFolder {
    const dest = resolve(destination);
    mkdirSync(dirname(dest), { recursive: true });
    return new StagedFolder(temporaryFolderBeside(dest), dest);
  }

  /** Writes one file (a path relative to the folder) atomically inside the staged folder. */
  write(relativePath: string, content: string | Uint8Array): void {
    writeAtomic(join(this.path, relativePath), content);
  }

  /** Puts the folder in place of the destination (replacing a previous one) and stops listening for signals. */
  commit(): void {
    if (this.done) throw new Error('StagedFolder: already committed or discarded');
    const aside = asideFolderName(this.destination, this.path);
    chmodSync(this.path, 0o755); // mkdtemp made it 0700; the audit folder is an ordinary one
    let moved = false;
    try {
      try {
        renameSync(this.destination, aside);
        moved = true;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
      renameSync(this.path, this.destination);
    } catch (e) {
      if (moved) renameSync(aside, this.destination);
      this.discard();
      throw e;
    }
    // The previous folder goes before the handlers do: a signal reaches JavaScript only between
    // synchronous steps, so one arriving now waits for the whole commit, while without a handler
    // Node's default one could end the process mid-removal and leave the aside folder behind.
    try {
      if (moved) rmSync(aside, { recursive: true, force: true });
    } finally {
      this.finish();
    }
  }

  /** Removes the staged folder (nothing reaches the destination). */
  discard(): void {
    if (this.done) return;
    rmSync(this.path, { recursive: true, force: true });
    this.finish();
  }

  private finish(): void {
    this.done = true;
    process.off('SIGINT', this.onSignal);
    process.off('SIGTERM', this.onSignal);
  }
}
