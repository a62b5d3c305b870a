/**
 * Model widths for fair comparisons of dense and factorized networks, the paper's two
 * factorized variants (section 3.2, Table 1):
 *
 * - "small": the dense width H with g blocks: about g times fewer recurrent parameters and
 *   FLOPs, the same number of memory channels;
 * - "big": the widest g-block model (width a multiple of g) whose parameters (`match:
 *   'params'`) or FLOPs per step (`match: 'flops'`) do not exceed the dense model's: the same
 *   budget, about sqrt(g) times more channels.
 *
 * The budget is the whole model's ({@link modelParameterCount}, {@link modelFlopsPerStep}:
 * input projection, recurrent layers, readout), not the recurrent layers' alone, so the
 * factorized model never gets a larger projection or readout for free. The scan is exact in
 * integers, like src/cells' matchedHiddenSize (which matches one cell).
 *
 * @module
 */
import { type ModelConfig, ModelConfigError, modelFlopsPerStep, modelParameterCount } from './modelConfig.js';

/** A matched width and what it costs. */
export interface MatchedModelWidth {
  readonly hiddenSize: number;
  readonly parameters: number;
  readonly flopsPerStep: number;
  /** The dense reference model. */
  readonly reference: { readonly hiddenSize: number; readonly parameters: number; readonly flopsPerStep: number };
  /** Matched quantity of the factorized model over the dense one (<= 1). */
  readonly ratio: number;
}

/**
 * The widest `variant` model with `groups` blocks whose parameters or FLOPs per step are at
 * most those of `dense` (a dense config: variant 'dense', groups 1).
 *
 * @throws ModelConfigError when even width g exceeds the budget, or `dense` is not dense
 * @example
 * matchedModelWidth({ kind: 'gru', variant: 'dense', groups: 1, hiddenSize: 64, layers: 2,
 *   inputVocabulary: 257, outputVocabulary: 256 }, 'factorized', 4, 'params').hiddenSize;
 * // returns 100 (82 756 parameters against the dense model's 83 008)
 */
export function matchedModelWidth(dense: ModelConfig, variant: 'factorized' | 'context-switching', groups: number, match: 'params' | 'flops'): MatchedModelWidth {
  if (dense.variant !== 'dense' || dense.groups !== 1) throw new ModelConfigError(`matchedModelWidth: the reference must be dense with groups 1, found ${dense.variant} with groups ${dense.groups}`);
  const cost = (c: ModelConfig) => (match === 'params' ? modelParameterCount(c) : modelFlopsPerStep(c));
  const config = (H: number): ModelConfig => ({ ...dense, variant, groups, hiddenSize: H });
  const budget = cost(dense);
  let H = groups;
  if (cost(config(H)) > budget) throw new ModelConfigError(`matchedModelWidth: even width ${groups} (${groups} blocks of 1) exceeds the dense model's ${match === 'params' ? 'parameters' : 'FLOPs'} (${budget})`);
  while (cost(config(H + groups)) <= budget) H += groups;
  const c = config(H);
  return {
    hiddenSize: H,
    parameters: modelParameterCount(c),
    flopsPerStep: modelFlopsPerStep(c),
    reference: { hiddenSize: dense.hiddenSize, parameters: modelParameterCount(dense), flopsPerStep: modelFlopsPerStep(dense) },
    ratio: cost(c) / budget,
  };
}
