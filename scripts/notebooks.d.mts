// Types of notebooks.mjs (for the TypeScript test that imports it).

/** A notebook as nbformat 4 JSON (the fields the checks read). */
export interface NotebookJson {
  readonly cells: readonly {
    readonly cell_type: 'code' | 'markdown' | 'raw';
    readonly id?: string;
    readonly source: string | readonly string[];
    readonly execution_count?: number | null;
    readonly outputs?: readonly { readonly output_type: string; readonly name?: string; readonly data?: Record<string, unknown>; readonly ename?: string; readonly evalue?: string }[];
  }[];
  readonly metadata: { readonly kernelspec?: { readonly name: string; readonly display_name: string; readonly language?: string } } & Record<string, unknown>;
  readonly nbformat: number;
}

export const KERNEL_NAME: string;
export function nbconvertCommand(env?: Record<string, string | undefined>): string[] | null;
export function listNotebooks(): string[];
export function notebookProblems(nb: NotebookJson, rootPath?: string): string[];
export function executeNotebook(
  name: string,
  options?: { outDir?: string | null; nbconvert?: string[] | null; env?: Record<string, string | undefined> },
): Promise<{ notebook: NotebookJson; path: string; stderr: string }>;
export const ATTEMPTS: number;
export function outputShape(nb: NotebookJson): string[];
export function committedShape(name: string): string[] | null;
export function runNotebook(
  name: string,
  options?: { outDir?: string | null; expected?: string[] | null; attempts?: number; onAttempt?: (a: { attempt: number; accepted: boolean }) => void },
): Promise<{ notebook: NotebookJson; path: string; attempts: number; accepted: boolean }>;
