/**
 * `lrdkit/recsys`: the recommender experiment of section 3.3 at reduced scale: synthetic
 * browsing histories with long range dependent modality switches, the time split, ranking
 * metrics, sampled softmax, mixed-dimension embeddings, dot-product serving (exact and
 * inverted-file), and the GRU recommender trained with TF.js. Importing this subpath loads
 * TF.js (the recommender model); the top-level `lrdkit` does not.
 *
 * @example
 * ```ts
 * import { recallAtK } from 'lrdkit/recsys';
 * recallAtK([7, 3, 9, 1], new Set([3, 1]), 3); // 0.5: of the relevant items 3 and 1, only 3 is in the top 3
 * ```
 *
 * @module lrdkit/recsys
 */
export type { AblationCondition, AblationModel, AblationResults, AblationRun, AblationRunResult, AblationScale, ContextLevel } from '../recsys/ablations.js';
export { ABLATION_MODELS, CONTEXT_LEVELS, RECSYS_ABLATION_SCALE, ablationConditions, ablationMarkdown, ablationPlan, meanAndStandardError, pairedDifference, runRecsysAblations } from '../recsys/ablations.js';
export type { BrowsingHistories, BrowsingHistoryOptions } from '../recsys/browsingHistories.js';
export { generateBrowsingHistories, modalitySequence } from '../recsys/browsingHistories.js';
export type { InvertedFileIndex, InvertedFileOptions, ItemVectors } from '../recsys/dotProductServing.js';
export { buildInvertedFileIndex, exactTopK, invertedFileTopK, itemLogit } from '../recsys/dotProductServing.js';
export { RecsysInputError } from '../recsys/errors.js';
export type { RecsysModelResult, RecsysReplicateData, RecsysReproductionOptions, RecsysResults, RecsysScale, ServingResult } from '../recsys/experiment.js';
export { RECSYS_SCALES, RETURN_GAP_EVENTS, matchedRecommenderWidth, oracleMaps, popularityMap, runRecsysReproduction } from '../recsys/experiment.js';
export type { MixedDimensionBlock, MixedDimensionOptions, MixedDimensionPlan } from '../recsys/mixedDimensionPlan.js';
export { mixedDimensionPlan } from '../recsys/mixedDimensionPlan.js';
export type { ModalityHurst } from '../recsys/modalityHurst.js';
export { modalityHurst } from '../recsys/modalityHurst.js';
export { averagePrecisionAtK, meanAveragePrecisionAtK, recallAtK } from '../recsys/rankingMetrics.js';
export type { RecommenderBatch, RecommenderConfig, RecommenderParameters } from '../recsys/recommenderModel.js';
export { RecommenderModel, recommenderParameters, recurrentConfig } from '../recsys/recommenderModel.js';
export { recsysFigures, recsysMarkdown } from '../recsys/recsysReport.js';
export type { SampledSoftmaxOptions, SampledSoftmaxResult } from '../recsys/sampledSoftmax.js';
export { drawCandidates, expectedSampledSoftmaxGradient, fullSoftmaxGradient, logUniformProposal, proposalCdf, sampledSoftmax, unigramProposal } from '../recsys/sampledSoftmax.js';
export type { SwitchBucket, SwitchConditionedMap, SwitchPositions } from '../recsys/switchConditionedMap.js';
export { SWITCH_BUCKETS, mapBySwitchPosition, switchPositions } from '../recsys/switchConditionedMap.js';
export type { TimeSplit } from '../recsys/timeSplit.js';
export { timeSplit } from '../recsys/timeSplit.js';
export type { RecommenderResult, TrainRecommenderOptions } from '../recsys/trainRecommender.js';
export { evaluateRecommender, itemProposal, trainRecommender, trainingCounts } from '../recsys/trainRecommender.js';
export type { UserBatch } from '../recsys/userBatches.js';
export { userBatches } from '../recsys/userBatches.js';
