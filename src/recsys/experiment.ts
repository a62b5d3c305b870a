/**
 * The recommender experiment of section 3.3 at reduced scale: baseline (dense GRU), factorized
 * and context-switching GRUs at equal recurrent parameters, mixed-dimension item embeddings
 * against uniform ones, exact and approximate dot-product serving, and an LRD audit of every
 * model's GRU.
 *
 * @module
 */
import { auditCheckpoint } from '../audit/auditDocument.js';
import type { AuditDocument } from '../audit/auditDocument.js';
import { readCheckpoint } from '../checkpoints/index.js';
import { writeLrdkitCheckpoint } from '../checkpoints/lrdkitFormat.js';
import type { Cell, CellVariant } from '../cells/types.js';
import { type BrowsingHistories, type BrowsingHistoryOptions, generateBrowsingHistories } from './browsingHistories.js';
import { buildInvertedFileIndex, exactTopK, invertedFileTopK } from './dotProductServing.js';
import { RecsysInputError } from './errors.js';
import { mixedDimensionPlan } from './mixedDimensionPlan.js';
import { type ModalityHurst, modalityHurst } from './modalityHurst.js';
import { type RecommenderConfig, type RecommenderParameters, recommenderParameters } from './recommenderModel.js';
import { type SwitchConditionedMap, mapBySwitchPosition, switchPositions } from './switchConditionedMap.js';
import { timeSplit } from './timeSplit.js';
import { trainRecommender, trainingCounts } from './trainRecommender.js';
import { userBatches } from './userBatches.js';
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Sizes of a reproduction. */
export interface RecsysScale {
  readonly data: BrowsingHistoryOptions;
  /** Independent replicates (data and initial weights from seed, seed + 1, ...). */
  readonly replicates: number;
  readonly epochs: number;
  readonly batchSize: number;
  readonly negatives: number;
  readonly learningRate: number;
  /** Baseline GRU width; the others are matched to its recurrent parameters. */
  readonly hiddenSize: number;
  readonly groups: number;
  /**
   * Weight of the context-switching gate's load-balancing loss (./recommenderModel.ts
   * gateImportancePenalty): without it the gate collapses onto one expert
   * (reports/recsys/ablations/conclusion.md); 0.1 as in Shazeer et al. 2017.
   */
  readonly gateBalanceWeight: number;
  readonly itemDimension: number;
  readonly pageDimension: number;
  /** Mixed-dimension temperatures compared with the uniform embedding (baseline GRU). */
  readonly temperatures: readonly number[];
  readonly mixedBlocks: number;
  /** Audit settings of each model's GRU. */
  readonly audit: { readonly sequences: number; readonly steps: number; readonly maxLag: number };
}

/** A return to a modality after this many events or more counts as a long gap in {@link RecsysModelResult.map20BySwitch}. */
export const RETURN_GAP_EVENTS = 25;

/** --quick (under 20 minutes on 2 cores) and --full. */
export const RECSYS_SCALES: Readonly<Record<'quick' | 'full', RecsysScale>> = {
  quick: {
    data: { users: 1200, length: 150 },
    replicates: 2,
    epochs: 6,
    batchSize: 16,
    negatives: 100,
    learningRate: 0.005,
    hiddenSize: 64,
    groups: 4,
    gateBalanceWeight: 0.1,
    itemDimension: 32,
    pageDimension: 8,
    temperatures: [0.3, 0.6],
    mixedBlocks: 4,
    audit: { sequences: 16, steps: 512, maxLag: 256 },
  },
  full: {
    data: { users: 5000, length: 300 },
    replicates: 5,
    epochs: 12,
    batchSize: 16,
    negatives: 200,
    learningRate: 0.005,
    hiddenSize: 128,
    groups: 8,
    gateBalanceWeight: 0.1,
    itemDimension: 64,
    pageDimension: 16,
    temperatures: [0.2, 0.4, 0.6],
    mixedBlocks: 8,
    audit: { sequences: 32, steps: 1024, maxLag: 512 },
  },
};

/** One trained model's numbers. */
export interface RecsysModelResult {
  /** Replicate index (data seed = seed + replicate). */
  readonly replicate: number;
  readonly label: string;
  readonly variant: CellVariant;
  readonly groups: number;
  readonly hiddenSize: number;
  /** 'uniform' or the mixed-dimension temperature. */
  readonly embedding: 'uniform' | number;
  readonly parameters: RecommenderParameters;
  /** Item embedding bytes (float32). */
  readonly embeddingBytes: number;
  readonly map20: number;
  readonly recall20: number;
  /** MAP@20 by the target's position relative to a modality switch (long gap: {@link RETURN_GAP_EVENTS} events or more). */
  readonly map20BySwitch?: SwitchConditionedMap;
  readonly epochLoss: readonly number[];
  readonly trainSeconds: number;
  /** The GRU's audit verdict and evidence (absent for the mixed-dimension variants). */
  readonly audit?: { readonly verdict: string; readonly spectralRadiusWh: number; readonly lyapunov1: number; readonly hurstDfa: number; readonly certifiedHorizonSteps: number; readonly document: AuditDocument };
}

/** Exact against inverted-file serving on the baseline's output embeddings. */
export interface ServingResult {
  readonly queries: number;
  readonly lists: number;
  readonly exactMillisecondsPerQuery: number;
  readonly probes: readonly { readonly probes: number; readonly recallAt20: number; readonly millisecondsPerQuery: number }[];
}

/** One replicate's data and reference rankings. */
export interface RecsysReplicateData {
  readonly replicate: number;
  readonly users: number;
  readonly length: number;
  readonly vocabulary: number;
  readonly pages: number;
  readonly trainTargets: number;
  readonly testTargets: number;
  readonly hurst: ModalityHurst;
  /** MAP@20 of training popularity, and of the two latent-state oracles ({@link oracleMaps}). */
  readonly popularityMap20: number;
  readonly oracleModalityMap20: number;
  readonly oracleModalityTopicMap20: number;
}

/** Everything a reproduction measured. */
export interface RecsysResults {
  readonly scale: 'quick' | 'full';
  readonly seed: number;
  readonly settings: RecsysScale;
  readonly replicates: readonly RecsysReplicateData[];
  readonly models: readonly RecsysModelResult[];
  readonly serving: ServingResult;
}

/** The widest GRU of `variant` with `groups` blocks whose recurrent parameters (input projection + GRU) are at most the baseline's. */
export function matchedRecommenderWidth(base: RecommenderConfig, variant: CellVariant, groups: number): number {
  const budget = recommenderParameters(base).inputProjection + recommenderParameters(base).recurrent;
  let best = 0;
  for (let H = groups; H <= 8 * base.hiddenSize; H += groups) {
    const p = recommenderParameters({ ...base, variant, groups, hiddenSize: H });
    if (p.inputProjection + p.recurrent <= budget) best = H;
  }
  if (best === 0) throw new RecsysInputError(`matchedRecommenderWidth: no ${variant} GRU with ${groups} blocks fits ${budget} recurrent parameters`);
  return best;
}

/** MAP@20 of ranking every test target by training popularity (a floor any model should beat). */
export function popularityMap(h: BrowsingHistories, trainCounts: Float64Array, testTarget: Uint8Array, k = 20): number {
  const top = Array.from({ length: h.vocabulary }, (_, i) => i)
    .sort((a, b) => (trainCounts[b] as number) - (trainCounts[a] as number) || a - b)
    .slice(0, k);
  let ap = 0, n = 0;
  for (let e = 0; e < testTarget.length; e++) {
    if (testTarget[e] !== 1) continue;
    const r = top.indexOf(h.itemIds[e] as number);
    if (r >= 0) ap += 1 / (r + 1);
    n++;
  }
  return ap / Math.max(1, n);
}

/**
 * MAP@20 of two rankings that know latent state the models must infer, computed from training
 * targets: 'modality' ranks items by their training frequency within the next event's true
 * modality; 'modality + topic' ranks by their frequency among training targets of users who
 * prefer the same topic in that modality (what remembering the topic, possibly seen hundreds of
 * events earlier, can give). The gap between the two is the value of long memory here.
 */
export function oracleMaps(h: BrowsingHistories, trainTarget: Uint8Array, testTarget: Uint8Array, k = 20): { modality: number; modalityAndTopic: number } {
  const M = h.modalities, L = h.length, V = h.vocabulary;
  const K = h.options.topicsPerModality;
  const byModality = Array.from({ length: M }, () => new Float64Array(V));
  const byTopic = Array.from({ length: M * K }, () => new Float64Array(V));
  const topicOf = (e: number): number => {
    const m = h.modality[e] as number;
    return m * K + (h.preferredTopic[Math.floor(e / L) * M + m] as number);
  };
  for (let e = 0; e < trainTarget.length; e++) {
    if (trainTarget[e] !== 1) continue;
    const item = h.itemIds[e] as number;
    (byModality[h.modality[e] as number] as Float64Array)[item]! += 1;
    (byTopic[topicOf(e)] as Float64Array)[item]! += 1;
  }
  const top = (c: Float64Array): number[] => Array.from({ length: V }, (_, i) => i).sort((a, b) => (c[b] as number) - (c[a] as number) || a - b).slice(0, k);
  const topModality = byModality.map(top), topTopic = byTopic.map(top);
  let apM = 0, apT = 0, n = 0;
  for (let e = 0; e < testTarget.length; e++) {
    if (testTarget[e] !== 1) continue;
    const item = h.itemIds[e] as number;
    const rm = (topModality[h.modality[e] as number] as number[]).indexOf(item);
    const rt = (topTopic[topicOf(e)] as number[]).indexOf(item);
    if (rm >= 0) apM += 1 / (rm + 1);
    if (rt >= 0) apT += 1 / (rt + 1);
    n++;
  }
  return { modality: apM / Math.max(1, n), modalityAndTopic: apT / Math.max(1, n) };
}

/** Options of {@link runRecsysReproduction}. */
export interface RecsysReproductionOptions {
  readonly scale: 'quick' | 'full';
  readonly seed: number;
  readonly version: string;
  readonly onProgress?: (line: string) => void;
}

/**
 * Runs the experiment (see the module doc): generates the histories, splits them on time,
 * trains baseline / factorized / context-switching GRUs at equal recurrent parameters and the
 * baseline with mixed-dimension item embeddings, evaluates MAP@20 and recall@20 of the full
 * softmax, compares exact and inverted-file serving on the baseline, and audits each GRU
 * (its cells written in lrdkit's format and read back, as `lrdkit audit` would).
 */
export async function runRecsysReproduction(o: RecsysReproductionOptions): Promise<RecsysResults> {
  const s = RECSYS_SCALES[o.scale];
  const log = o.onProgress ?? (() => undefined);
  const models: RecsysModelResult[] = [];
  const replicates: RecsysReplicateData[] = [];
  let serving: ServingResult | null = null;
  const work = mkdtempSync(join(tmpdir(), 'lrdkit-recsys-'));
  try {
    for (let rep = 0; rep < s.replicates; rep++) {
      const seed = o.seed + rep;
      const h = generateBrowsingHistories({ ...s.data, seed });
      const split = timeSplit(h, 0.1);
      const counts = trainingCounts(h, split);
      const hurst = modalityHurst(h);
      const oracle = oracleMaps(h, split.trainTarget, split.testTarget);
      const positions = switchPositions(h.modality, h.users, h.length);
      const data: RecsysReplicateData = {
        replicate: rep,
        users: h.users,
        length: h.length,
        vocabulary: h.vocabulary,
        pages: h.pageVocabulary,
        trainTargets: split.trainTargets,
        testTargets: split.testTargets,
        hurst,
        popularityMap20: popularityMap(h, counts, split.testTarget),
        oracleModalityMap20: oracle.modality,
        oracleModalityTopicMap20: oracle.modalityAndTopic,
      };
      replicates.push(data);
      log(`recsys: replicate ${rep + 1}/${s.replicates} (seed ${seed}): ${h.users} users x ${h.length} events, ${h.vocabulary} items; modality H theory ${hurst.theory.toFixed(2)}, DFA ${hurst.dfa.hurst.toFixed(2)}, GPH ${hurst.gph.hurst.toFixed(2)}; MAP@20 popularity ${data.popularityMap20.toFixed(4)}, oracles ${oracle.modality.toFixed(4)} / ${oracle.modalityAndTopic.toFixed(4)}`);
      const base: RecommenderConfig = { variant: 'dense', groups: 1, hiddenSize: s.hiddenSize, itemDimension: s.itemDimension, pageDimension: s.pageDimension, vocabulary: h.vocabulary, pageVocabulary: h.pageVocabulary };
      const configs: { label: string; config: RecommenderConfig; embedding: 'uniform' | number; audit: boolean }[] = [{ label: 'baseline', config: base, embedding: 'uniform', audit: true }];
      for (const variant of ['factorized', 'context-switching'] as const) {
        const width = matchedRecommenderWidth(base, variant, s.groups);
        const config: RecommenderConfig = variant === 'context-switching' ? { ...base, variant, groups: s.groups, hiddenSize: width, gateBalanceWeight: s.gateBalanceWeight } : { ...base, variant, groups: s.groups, hiddenSize: width };
        configs.push({ label: variant, config, embedding: 'uniform', audit: true });
      }
      for (const temperature of s.temperatures) {
        const mixed = mixedDimensionPlan(counts, { blocks: s.mixedBlocks, baseDimension: s.itemDimension, temperature });
        configs.push({ label: `mixed-dimension alpha ${temperature}`, config: { ...base, mixed }, embedding: temperature, audit: false });
      }
      for (const [i, c] of configs.entries()) {
        log(`recsys: training ${c.label} (${c.config.variant}, g = ${c.config.groups}, GRU ${c.config.hiddenSize}; ${i + 1}/${configs.length})`);
        const r = trainRecommender(h, split, {
          config: c.config,
          epochs: s.epochs,
          batchSize: s.batchSize,
          negatives: s.negatives,
          learningRate: s.learningRate,
          seed: seed * 1000 + i,
          onBatch: ({ epoch, batch, batches, loss }) => {
            if (batch === batches - 1) log(`recsys:   epoch ${epoch + 1}/${s.epochs}: last batch loss ${loss.toFixed(3)}`);
          },
        });
        log(`recsys:   MAP@20 ${r.map.toFixed(4)}, recall@20 ${r.recall.toFixed(4)} (${r.trainSeconds.toFixed(0)} s)`);
        let audit: RecsysModelResult['audit'];
        if (c.audit) {
          const dir = join(work, `model-${rep}-${i}`);
          writeLrdkitCheckpoint(dir, [{ name: 'gru', cell: r.model.core.cells()[0] as Cell, depth: 0 }], { seed, task: 'recsys' });
          const ck = await readCheckpoint(dir);
          const { document } = auditCheckpoint(ck, new Uint8Array(), { ...s.audit, burnIn: 128, seed, input: 'gaussian', jacobianStates: 32, lyapunovExponents: 4, bootstrapReplicates: 50 }, o.version);
          const layer = document.layers[0] as AuditDocument['layers'][number];
          audit = {
            verdict: layer.correlation.verdict,
            spectralRadiusWh: layer.spectralRadiusWh,
            lyapunov1: layer.lyapunov.exponents[0] ?? Number.NaN,
            hurstDfa: layer.hurst.dfa.hurst,
            certifiedHorizonSteps: layer.gates.certifiedHorizonSteps,
            document,
          };
          log(`recsys:   audit: ${audit.verdict}, rho(W_h) ${audit.spectralRadiusWh.toFixed(3)}, lambda_1 ${audit.lyapunov1.toFixed(3)}`);
        }
        if (rep === 0 && i === 0) serving = measureServing(r.model, h, split, seed);
        models.push({
          replicate: rep,
          label: c.label,
          variant: c.config.variant,
          groups: c.config.groups,
          hiddenSize: c.config.hiddenSize,
          embedding: c.embedding,
          parameters: r.model.parameters,
          embeddingBytes: 4 * r.model.parameters.itemEmbedding,
          map20: r.map,
          recall20: r.recall,
          map20BySwitch: mapBySwitchPosition(r.averagePrecision, split.testTarget, positions, RETURN_GAP_EVENTS),
          epochLoss: r.epochLoss,
          trainSeconds: r.trainSeconds,
          ...(audit ? { audit } : {}),
        });
        r.model.dispose();
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return { scale: o.scale, seed: o.seed, settings: s, replicates, models, serving: serving as ServingResult };
}

/** Exact vs inverted-file top-20 on the model's output item embeddings, queried with test users' last user vectors. */
function measureServing(model: import('./recommenderModel.js').RecommenderModel, h: BrowsingHistories, split: ReturnType<typeof timeSplit>, seed: number): ServingResult {
  const order = Int32Array.from({ length: Math.min(h.users, 256) }, (_, i) => i);
  const users: Float32Array[] = [];
  for (const batch of userBatches(h, split, order, 64, 'test')) {
    const u = tf.tidy(() => model.userVectors(batch));
    const v = u.dataSync() as Float32Array;
    const H = u.shape[1] as number;
    u.dispose();
    const last = (batch.steps - 1) * batch.batch;
    for (let b = 0; b < batch.batch; b++) users.push(v.slice((last + b) * H, (last + b + 1) * H));
  }
  const items = model.outputItems();
  const lists = Math.round(Math.sqrt(items.count));
  const index = buildInvertedFileIndex(items, { lists, seed });
  const time = (f: () => void): number => {
    const t0 = process.hrtime.bigint();
    f();
    return Number(process.hrtime.bigint() - t0) / 1e6 / users.length;
  };
  // One untimed pass of each search first, so that the timings do not include JIT compilation.
  for (const u of users.slice(0, 16)) {
    exactTopK(u, items, 20);
    invertedFileTopK(index, u, 20, 1);
  }
  const exact: Int32Array[] = users.map(() => new Int32Array(0));
  const exactMs = time(() => users.forEach((u, q) => (exact[q] = exactTopK(u, items, 20))));
  const probes = [1, 2, 4, 8].filter((p) => p <= lists).map((p) => {
    const approx: Int32Array[] = [];
    const ms = time(() => users.forEach((u) => approx.push(invertedFileTopK(index, u, 20, p))));
    let recall = 0;
    approx.forEach((a, q) => {
      const set = new Set(exact[q]);
      recall += [...a].filter((i) => set.has(i)).length / (exact[q] as Int32Array).length;
    });
    return { probes: p, recallAt20: recall / users.length, millisecondsPerQuery: ms };
  });
  return { queries: users.length, lists, exactMillisecondsPerQuery: exactMs, probes };
}
