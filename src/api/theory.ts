/**
 * `lrdkit/theory`: every statement of section 1 of the paper as an executable check, as written
 * and corrected, the fast-check arbitraries behind them, and runVerification (`lrdkit verify`).
 *
 * @module lrdkit/theory
 */
export * from '../theory/index.js';
