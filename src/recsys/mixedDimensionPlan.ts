/**
 * Mixed-dimension embeddings (Ginart et al. 2019): an item's embedding dimension scales with
 * its popularity, and every block is projected to a common width.
 *
 * @module
 */
import { RecsysInputError } from './errors.js';

/** Options of {@link mixedDimensionPlan}. */
export interface MixedDimensionOptions {
  /** Blocks of items by decreasing frequency (default 4). */
  blocks?: number;
  /** The common width every block is projected to, and the first block's dimension (default 32). */
  baseDimension?: number;
  /** Temperature alpha of d_b proportional to p_b^alpha (default 0.5; 0 gives uniform dimensions). */
  temperature?: number;
  /** Smallest dimension of a block (default 2). */
  minDimension?: number;
}

/** One block of a {@link MixedDimensionPlan}. */
export interface MixedDimensionBlock {
  /** Item ids of the block, by decreasing frequency. */
  readonly items: Int32Array;
  /** Mean frequency share of the block's items, p_b. */
  readonly popularity: number;
  /** Embedding dimension d_b. */
  readonly dimension: number;
  /** n_b d_b (table) + d_b D (projection; none when d_b = D). */
  readonly parameterCount: number;
}

/** Block layout of a mixed-dimension item embedding. */
export interface MixedDimensionPlan {
  readonly blocks: readonly MixedDimensionBlock[];
  /** For every item id: its block and its row in the block's table. */
  readonly blockOf: Int32Array;
  readonly rowOf: Int32Array;
  readonly baseDimension: number;
  /** Sum of the blocks' parameter counts. */
  readonly parameterCount: number;
  /** V D: a uniform embedding of the same width. */
  readonly uniformParameterCount: number;
}

/**
 * The blocks and dimensions of a mixed-dimension embedding for items with the given counts.
 *
 * Method: sort items by decreasing count (ties by id); cut into `blocks` blocks of equal size
 * (the last one takes the remainder); p_b = mean count share of block b;
 * d_b = max(minDimension, round(D (p_b / p_1)^alpha)), so the most popular block has d_1 = D and
 * dimensions fall as a power of popularity. Block b stores an n_b x d_b table and, when
 * d_b < D, a d_b x D projection: e(i) = E_b[row(i)] P_b.
 *
 * References: A. Ginart, M. Naumov, D. Mudigere, J. Yang, J. Zou, Mixed dimension embeddings with
 * application to memory-efficient recommendation systems, arXiv:1909.11810 (2019), ISIT 2021.
 *
 * @throws RecsysInputError for bad counts or options
 * @example
 * const plan = mixedDimensionPlan([100, 50, 10, 5, 1, 1, 0, 0], { blocks: 4, baseDimension: 16, temperature: 0.5 });
 * plan.blocks.map((b) => b.dimension); // [16, 5, 2, 2]
 * plan.parameterCount; // 2 x 16 + (2 x 5 + 5 x 16) + 2 (2 x 2 + 2 x 16) = 194 (projections dominate at this toy size)
 * plan.uniformParameterCount; // 8 x 16 = 128
 */
export function mixedDimensionPlan(counts: ArrayLike<number>, options: MixedDimensionOptions = {}): MixedDimensionPlan {
  const fn = 'mixedDimensionPlan';
  const V = counts.length;
  const nb = options.blocks ?? 4;
  const D = options.baseDimension ?? 32;
  const alpha = options.temperature ?? 0.5;
  const dMin = options.minDimension ?? 2;
  if (V < 1) throw new RecsysInputError(`${fn}: counts is empty, expected at least one item`);
  if (!Number.isSafeInteger(nb) || nb < 1 || nb > V) throw new RecsysInputError(`${fn}: blocks is ${String(nb)}, expected an integer in 1..${V} (the items)`);
  if (!Number.isSafeInteger(D) || D < 1) throw new RecsysInputError(`${fn}: baseDimension is ${String(D)}, expected an integer >= 1`);
  if (!Number.isSafeInteger(dMin) || dMin < 1 || dMin > D) throw new RecsysInputError(`${fn}: minDimension is ${String(dMin)}, expected an integer in 1..${D} (baseDimension)`);
  if (!(alpha >= 0 && Number.isFinite(alpha))) throw new RecsysInputError(`${fn}: temperature is ${String(alpha)}, expected a finite number >= 0`);
  let total = 0;
  for (let i = 0; i < V; i++) {
    const c = counts[i] as number;
    if (!Number.isFinite(c) || c < 0) throw new RecsysInputError(`${fn}: counts[${i}] is ${c}, expected a finite number >= 0`);
    total += c;
  }
  if (!(total > 0)) throw new RecsysInputError(`${fn}: every count is 0, expected a positive total`);
  const order = Array.from({ length: V }, (_, i) => i).sort((a, b) => (counts[b] as number) - (counts[a] as number) || a - b);
  const size = Math.floor(V / nb);
  const blockOf = new Int32Array(V), rowOf = new Int32Array(V);
  const blocks: MixedDimensionBlock[] = [];
  let p1 = 0;
  for (let b = 0; b < nb; b++) {
    const ids = Int32Array.from(order.slice(b * size, b === nb - 1 ? V : (b + 1) * size));
    let share = 0;
    ids.forEach((id, r) => {
      share += (counts[id] as number) / total;
      blockOf[id] = b;
      rowOf[id] = r;
    });
    const popularity = share / ids.length;
    if (b === 0) p1 = popularity;
    const dimension = b === 0 ? D : Math.min(D, Math.max(dMin, Math.round(D * (p1 > 0 ? popularity / p1 : 0) ** alpha)));
    blocks.push({ items: ids, popularity, dimension, parameterCount: ids.length * dimension + (dimension < D ? dimension * D : 0) });
  }
  return { blocks, blockOf, rowOf, baseDimension: D, parameterCount: blocks.reduce((s, b) => s + b.parameterCount, 0), uniformParameterCount: V * D };
}
