/**
 * `lrdkit/report`: audit documents and training logs to Vega-Lite figures, deterministic SVG
 * and PNG, a self-contained HTML page and a Markdown summary (`lrdkit report`).
 *
 * @module lrdkit/report
 */
export * from '../report/index.js';
