/** The cell arbitraries live in src/theory (exported from lrdkit); re-exported for the tests. */
export { cellAtPointArbitrary, cellCaseArbitrary, vectorArbitrary } from '../../src/theory/cellArbitraries.js';
export type { CellCase } from '../../src/theory/cellArbitraries.js';
