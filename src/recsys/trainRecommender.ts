/**
 * Training and evaluation of the next-item recommender (section 3.3): Adagrad on the sampled
 * softmax over training targets, MAP@20 and recall@20 of the full softmax on test targets.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { createRng } from '../processes/prng.js';
import type { BrowsingHistories } from './browsingHistories.js';
import { RecsysInputError } from './errors.js';
import { type RecommenderConfig, RecommenderModel } from './recommenderModel.js';
import { drawCandidates, logUniformProposal, proposalCdf, unigramProposal } from './sampledSoftmax.js';
import type { TimeSplit } from './timeSplit.js';
import { userBatches } from './userBatches.js';

/** Options of {@link trainRecommender}. */
export interface TrainRecommenderOptions {
  readonly config: RecommenderConfig;
  readonly epochs: number;
  /** Users per batch (default 32). */
  readonly batchSize?: number;
  /** 'adagrad' (the paper's: other optimizers diverged there) or 'adam' (default 'adam'). */
  readonly optimizer?: 'adagrad' | 'adam';
  /** Learning rate (default 0.005 for Adam, 0.5 for Adagrad). */
  readonly learningRate?: number;
  /** Sampled negatives m per batch (default 100). */
  readonly negatives?: number;
  /** Proposal of the negatives (default 'log-uniform' over items ranked by training frequency). */
  readonly proposal?: 'log-uniform' | 'unigram';
  /** Top-k of the metrics (default 20). */
  readonly k?: number;
  readonly seed: number;
  /** Called after every batch. */
  readonly onBatch?: (info: { epoch: number; batch: number; batches: number; loss: number }) => void;
}

/** What {@link trainRecommender} measured. */
export interface RecommenderResult {
  /** Mean sampled-softmax loss of each epoch (nats per training target). */
  readonly epochLoss: number[];
  /** MAP@k of the full softmax ranking on the test targets (one relevant item: 1 / rank within k). */
  readonly map: number;
  readonly recall: number;
  readonly testTargets: number;
  /** AP@k of the prediction of every event (index u L + e; NaN where the event is not a test target). */
  readonly averagePrecision: Float64Array;
  readonly trainSeconds: number;
  /** The trained model (the caller disposes it). */
  readonly model: RecommenderModel;
}

/** Training-target frequencies of every item. */
export function trainingCounts(h: BrowsingHistories, split: TimeSplit): Float64Array {
  const counts = new Float64Array(h.vocabulary);
  for (let k = 0; k < split.trainTarget.length; k++) if (split.trainTarget[k] === 1) counts[h.itemIds[k] as number] = (counts[h.itemIds[k] as number] as number) + 1;
  return counts;
}

/**
 * The proposal over item ids: log-uniform over the items ranked by decreasing training
 * frequency (ties by id), q(id) = logUniform[rank(id)], or unigram^0.75 with add-one smoothing.
 */
export function itemProposal(counts: Float64Array, kind: 'log-uniform' | 'unigram'): Float64Array {
  if (kind === 'unigram') return unigramProposal(counts, 0.75, 1);
  const order = Array.from({ length: counts.length }, (_, i) => i).sort((a, b) => (counts[b] as number) - (counts[a] as number) || a - b);
  const ranked = logUniformProposal(counts.length);
  const q = new Float64Array(counts.length);
  order.forEach((id, rank) => {
    q[id] = ranked[rank] as number;
  });
  return q;
}

/**
 * Trains a {@link RecommenderModel} on the split's training targets and evaluates it on the test
 * targets.
 *
 * Method: every epoch visits the users in a seeded random order, in batches; each batch draws m
 * candidates (shared by the batch) from the proposal and takes one Adagrad step on the
 * sampled-softmax loss (accidental hits kept, log(m q) correction). Evaluation: for every test
 * target the full softmax logits u_t W^T + b, their top k by tf.topk (ties: lower index first,
 * the order of exact dot-product serving), AP@k = 1 / rank of the target (0 beyond k) and
 * recall@k = [rank <= k], averaged over test targets.
 *
 * @throws RecsysInputError for bad options
 */
export function trainRecommender(h: BrowsingHistories, split: TimeSplit, o: TrainRecommenderOptions): RecommenderResult {
  const fn = 'trainRecommender';
  if (!Number.isSafeInteger(o.epochs) || o.epochs < 1) throw new RecsysInputError(`${fn}: epochs is ${String(o.epochs)}, expected an integer >= 1`);
  const m = o.negatives ?? 100;
  if (!Number.isSafeInteger(m) || m < 1) throw new RecsysInputError(`${fn}: negatives is ${String(m)}, expected an integer >= 1`);
  const batchSize = o.batchSize ?? 32;
  const k = o.k ?? 20;
  const rng = createRng(o.seed);
  const model = new RecommenderModel(o.config, rng.fork(1));
  const q = itemProposal(trainingCounts(h, split), o.proposal ?? 'log-uniform');
  const cdf = proposalCdf(q);
  const optimizer = (o.optimizer ?? 'adam') === 'adam' ? tf.train.adam(o.learningRate ?? 0.005) : tf.train.adagrad(o.learningRate ?? 0.5);
  const order = Int32Array.from({ length: h.users }, (_, i) => i);
  const shuffle = rng.fork(2), draws = rng.fork(3);
  const epochLoss: number[] = [];
  const t0 = process.hrtime.bigint();
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(shuffle.uniform() * (i + 1));
      [order[i], order[j]] = [order[j] as number, order[i] as number];
    }
    const batches = userBatches(h, split, order, batchSize, 'train');
    let sum = 0, n = 0;
    batches.forEach((batch, b) => {
      if (batch.counted === 0) return;
      const samples = drawCandidates(draws, cdf, m);
      const loss = optimizer.minimize(() => model.sampledLoss(batch, samples, q), true, model.trainable as tf.Variable[]) as tf.Scalar;
      const value = loss.dataSync()[0] as number;
      loss.dispose();
      if (!Number.isFinite(value)) throw new RecsysInputError(`${fn}: the loss became ${value} at epoch ${epoch}, batch ${b} (diverged; lower the learning rate)`);
      sum += value * batch.counted;
      n += batch.counted;
      o.onBatch?.({ epoch, batch: b, batches: batches.length, loss: value });
    });
    epochLoss.push(sum / Math.max(1, n));
  }
  const trainSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  optimizer.dispose();
  const { map, recall, testTargets, averagePrecision } = evaluateRecommender(model, h, split, k, batchSize);
  return { epochLoss, map, recall, testTargets, averagePrecision, trainSeconds, model };
}

/**
 * MAP@k and recall@k of the full softmax on the split's test targets (see {@link trainRecommender}),
 * and the AP@k of every test target (event u L + e; NaN elsewhere) for conditional MAPs
 * (./switchConditionedMap.ts).
 */
export function evaluateRecommender(model: RecommenderModel, h: BrowsingHistories, split: TimeSplit, k: number, batchSize: number): { map: number; recall: number; testTargets: number; averagePrecision: Float64Array } {
  const order = Int32Array.from({ length: h.users }, (_, i) => i);
  const averagePrecision = new Float64Array(h.users * h.length).fill(Number.NaN);
  let ap = 0, hits = 0, count = 0;
  for (const batch of userBatches(h, split, order, batchSize, 'test')) {
    if (batch.counted === 0) continue;
    const rows: number[] = [];
    batch.weights.forEach((w, r) => {
      if (w === 1) rows.push(r);
    });
    const top = tf.tidy(() => {
      const u = model.userVectors(batch);
      const picked = tf.gather(u, tf.tensor1d(Int32Array.from(rows), 'int32'));
      return tf.topk(model.logits(picked as tf.Tensor2D), Math.min(k, model.config.vocabulary)).indices;
    });
    const ids = top.dataSync() as Int32Array;
    const kk = top.shape[1] as number;
    top.dispose();
    rows.forEach((r, j) => {
      const target = batch.targets[r] as number;
      let apTarget = 0;
      for (let c = 0; c < kk; c++) {
        if (ids[j * kk + c] === target) {
          apTarget = 1 / (c + 1);
          hits++;
          break;
        }
      }
      ap += apTarget;
      // Row r = t B + b is the prediction of event t + 1 of user batch.users[b].
      averagePrecision[(batch.users[r % batch.batch] as number) * h.length + Math.floor(r / batch.batch) + 1] = apTarget;
      count++;
    });
  }
  return { map: ap / Math.max(1, count), recall: hits / Math.max(1, count), testTargets: count, averagePrecision };
}
