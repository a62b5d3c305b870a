// Types of check-report-page.mjs (for the TypeScript tests that import it).

/** One chart container of the page after drawing. */
export interface ChartCheck {
  readonly id: string;
  readonly kind: 'svg' | 'canvas' | 'none';
  readonly width: number;
  readonly height: number;
  readonly elements: number;
}

/** What {@link checkReportPage} found. */
export interface PageCheck {
  readonly figures: number;
  readonly rendered: number;
  readonly failed: number;
  readonly charts: readonly ChartCheck[];
  readonly consoleErrors: readonly string[];
  readonly pageErrors: readonly string[];
  readonly requests: readonly string[];
  /** Pairs of text elements of one chart whose bounding boxes intersect (more than 1 px each way). */
  readonly overlaps: readonly { readonly figure: string; readonly a: string; readonly b: string; readonly area: number }[];
  /** Every table: its width, its box's width, and whether the box scrolls horizontally. */
  readonly tables: readonly { readonly columns: number; readonly width: number; readonly boxWidth: number; readonly scrolls: boolean }[];
}

export const CHROMIUM_ARGS: readonly string[];
export const CHROMIUM: string;
export function checkReportPage(htmlPath: string, options?: { screenshot?: string; fullPage?: boolean; timeoutMs?: number }): Promise<PageCheck>;
export function pageProblems(check: PageCheck): string[];
