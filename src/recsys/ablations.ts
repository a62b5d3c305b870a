/**
 * Why context switching does not add to factorization in the recommender reproduction: a
 * reduced-scale diagnostic that separates the candidate causes (issue 18, part 2).
 *
 * Arms, each over several seeds (data seed s + r, model seeds from the seed and the model):
 * - context: the strength of the context signal in the generator, from "none" (neither item nor
 *   page tells the current modality) through "weak" (stray items and noisy pages) to "as now"
 *   (every item belongs to the current modality, so the input alone identifies it), for the
 *   baseline, factorized and context-switching GRUs at equal recurrent parameters;
 * - steps x4: the same three models at "as now" with 4 times the training steps;
 * - gating: the context-switching mask on the experts' outputs, and on inputs and outputs (section
 *   2.2.3: "applied as a mask to the g input subspaces and/or g output subspaces"; the
 *   reproduction masks the inputs only), at "as now" and "weak";
 * - gates: where the context-switching gate sends its mass, without and with the load-balancing
 *   loss of the mixture of experts section 2.2.3 builds on (Shazeer et al. 2017, ref. [27]);
 * - every run: MAP@20 by the target's position relative to a modality switch
 *   (./switchConditionedMap.ts), where a recurrent dispatcher of experts should help.
 *
 * @module
 */
import type { CellVariant } from '../cells/types.js';
import { type BrowsingHistories, generateBrowsingHistories } from './browsingHistories.js';
import { RecsysInputError } from './errors.js';
import { type RecsysScale, matchedRecommenderWidth } from './experiment.js';
import { type GateStatistics, gateUsage } from './gateUsage.js';
import type { RecommenderConfig } from './recommenderModel.js';
import { SWITCH_BUCKETS, type SwitchBucket, type SwitchConditionedMap, mapBySwitchPosition, switchPositions } from './switchConditionedMap.js';
import { type TimeSplit, timeSplit } from './timeSplit.js';
import { trainRecommender } from './trainRecommender.js';

/** Strengths of the context signal (the current modality as the inputs show it). */
export const CONTEXT_LEVELS = {
  none: { strayItemRate: 0.75, pageFidelity: 0, description: 'items and pages independent of the modality (stray rate 3/4, page fidelity 0)' },
  weak: { strayItemRate: 0.3, pageFidelity: 0.5, description: '30% stray items, page fidelity 0.5' },
  'as now': { strayItemRate: 0, pageFidelity: 0.85, description: 'every item in the current modality, page fidelity 0.85 (the reproduction\'s generator)' },
} as const;
export type ContextLevel = keyof typeof CONTEXT_LEVELS;

/** Weight of the experts' load-balancing loss in the balanced model (Shazeer et al. 2017 used w_importance = 0.1). */
export const GATE_BALANCE_WEIGHT = 0.1;

/** The models compared: GRU variant and, for context switching, where the mask applies and the gate balancing weight. */
export const ABLATION_MODELS = {
  baseline: { variant: 'dense', maskInput: true, maskOutput: false },
  factorized: { variant: 'factorized', maskInput: true, maskOutput: false },
  'context switching, input mask': { variant: 'context-switching', maskInput: true, maskOutput: false },
  'context switching, output mask': { variant: 'context-switching', maskInput: false, maskOutput: true },
  'context switching, input + output masks': { variant: 'context-switching', maskInput: true, maskOutput: true },
  'context switching, input mask, balanced': { variant: 'context-switching', maskInput: true, maskOutput: false, gateBalanceWeight: GATE_BALANCE_WEIGHT },
} as const satisfies Record<string, { variant: CellVariant; maskInput: boolean; maskOutput: boolean; gateBalanceWeight?: number }>;
export type AblationModel = keyof typeof ABLATION_MODELS;

/** Sizes of an ablation study: the reproduction's training settings (./experiment.ts RecsysScale) and its own. */
export interface AblationScale extends Pick<RecsysScale, 'epochs' | 'batchSize' | 'negatives' | 'learningRate' | 'hiddenSize' | 'groups' | 'itemDimension' | 'pageDimension'> {
  readonly users: number;
  readonly length: number;
  readonly seeds: number;
  /** The steps arm trains stepsFactor times the reference runs' epochs. */
  readonly stepsFactor: number;
  /** A return to a modality after this many events or more is a long gap. */
  readonly longGap: number;
}

/**
 * The diagnostic scale (about 15 CPU-minutes on one core): a third of the --quick users, 120
 * events, a GRU of 32 (factorized 56, context switching 52), embeddings 16 + 4, 6 epochs, 3
 * seeds. It keeps what the question needs: the LRD modality process (alpha 1.4), regimes and
 * returns after long gaps (a third of the post-switch targets return after 25+ events), the
 * catalogue and vocabulary of --quick, equal recurrent parameters, and --quick's ordering
 * (factorized above baseline, context switching not above factorized).
 */
export const RECSYS_ABLATION_SCALE: AblationScale = {
  users: 400,
  length: 120,
  seeds: 3,
  epochs: 6,
  stepsFactor: 4,
  batchSize: 16,
  negatives: 100,
  learningRate: 0.005,
  hiddenSize: 32,
  groups: 4,
  itemDimension: 16,
  pageDimension: 4,
  longGap: 25,
};

/** One training run of the study. */
export interface AblationRun {
  readonly arm: 'context' | 'steps x4' | 'gating' | 'gates';
  readonly context: ContextLevel;
  readonly model: AblationModel;
  readonly epochs: number;
  /** Replicate r: data seed = seed + r. */
  readonly replicate: number;
}

/** The study's runs, replicate-major (every replicate's data is generated once per context level). */
export function ablationPlan(s: AblationScale): AblationRun[] {
  const three: AblationModel[] = ['baseline', 'factorized', 'context switching, input mask'];
  const runs: AblationRun[] = [];
  for (let replicate = 0; replicate < s.seeds; replicate++) {
    for (const context of ['none', 'weak', 'as now'] as const) for (const model of three) runs.push({ arm: 'context', context, model, epochs: s.epochs, replicate });
    for (const context of ['as now', 'weak'] as const) {
      for (const model of ['context switching, output mask', 'context switching, input + output masks'] as const) runs.push({ arm: 'gating', context, model, epochs: s.epochs, replicate });
    }
    for (const model of three) runs.push({ arm: 'steps x4', context: 'as now', model, epochs: s.epochs * s.stepsFactor, replicate });
  }
  // Added after the first 48 runs (which keep their places): where the gate sends its mass, and
  // the load-balancing loss of the mixture of experts the paper builds on.
  for (let replicate = 0; replicate < s.seeds; replicate++) {
    for (const context of ['as now', 'weak'] as const) {
      for (const model of ['context switching, input mask', 'context switching, input mask, balanced'] as const) runs.push({ arm: 'gates', context, model, epochs: s.epochs, replicate });
    }
    runs.push({ arm: 'gates', context: 'as now', model: 'context switching, input mask, balanced', epochs: s.epochs * s.stepsFactor, replicate });
  }
  return runs;
}

/** One run's measurements. */
export interface AblationRunResult extends AblationRun {
  readonly hiddenSize: number;
  readonly map20: number;
  readonly map20BySwitch: SwitchConditionedMap;
  readonly finalLoss: number;
  /** 'gates' arm only: where the gate sends its mass (./gateUsage.ts, the first 64 users). */
  readonly gates?: GateStatistics;
  readonly cpuSeconds: number;
  readonly wallSeconds: number;
}

/** Everything the study measured. */
export interface AblationResults {
  readonly seed: number;
  readonly scale: AblationScale;
  readonly runs: readonly AblationRunResult[];
}

function modelConfig(s: AblationScale, h: BrowsingHistories, model: AblationModel): RecommenderConfig {
  const base: RecommenderConfig = { variant: 'dense', groups: 1, hiddenSize: s.hiddenSize, itemDimension: s.itemDimension, pageDimension: s.pageDimension, vocabulary: h.vocabulary, pageVocabulary: h.pageVocabulary };
  const m = ABLATION_MODELS[model];
  if (m.variant === 'dense') return base;
  const hiddenSize = matchedRecommenderWidth(base, m.variant, s.groups);
  if (m.variant === 'factorized') return { ...base, variant: 'factorized', groups: s.groups, hiddenSize };
  return { ...base, variant: 'context-switching', groups: s.groups, hiddenSize, maskInput: m.maskInput, maskOutput: m.maskOutput, ...('gateBalanceWeight' in m ? { gateBalanceWeight: m.gateBalanceWeight } : {}) };
}

/**
 * Runs the study (see the module doc): for every run of {@link ablationPlan}, the replicate's
 * histories at the run's context level, trained as in the reproduction (Adam, sampled softmax
 * with log-uniform negatives), evaluated on the last 10% of time: MAP@20 overall and by
 * position relative to a modality switch. The model seed depends on the seed, the replicate and
 * the model only, so arms share initial weights. CPU seconds are this process's.
 *
 * @throws RecsysInputError for a scale with fewer than 1 seed
 */
export function runRecsysAblations(o: { readonly scale: AblationScale; readonly seed: number; readonly onProgress?: (line: string) => void; readonly runs?: readonly AblationRun[]; readonly previous?: AblationResults }): AblationResults {
  const s = o.scale, log = o.onProgress ?? (() => undefined);
  if (!Number.isSafeInteger(s.seeds) || s.seeds < 1) throw new RecsysInputError(`runRecsysAblations: seeds is ${String(s.seeds)}, expected an integer >= 1`);
  const plan = o.runs ?? ablationPlan(s);
  // Runs of an earlier study with the same seed and scale are taken over, not retrained (each run
  // is a function of the seed, the scale and the run alone).
  const reusable = new Map<string, AblationRunResult>();
  if (o.previous && o.previous.seed === o.seed && JSON.stringify(o.previous.scale) === JSON.stringify(s)) for (const r of o.previous.runs) reusable.set(runKey(r), r);
  const data = new Map<string, { h: BrowsingHistories; split: TimeSplit; positions: ReturnType<typeof switchPositions> }>();
  const modelIndex = Object.keys(ABLATION_MODELS);
  const runs: AblationRunResult[] = [];
  plan.forEach((run, i) => {
    const done = reusable.get(runKey(run));
    if (done) {
      runs.push(done);
      return;
    }
    const key = `${run.replicate}/${run.context}`;
    let d = data.get(key);
    if (!d) {
      data.clear(); // runs are replicate-major: earlier replicates are not needed again
      const { strayItemRate, pageFidelity } = CONTEXT_LEVELS[run.context];
      const h = generateBrowsingHistories({ users: s.users, length: s.length, strayItemRate, pageFidelity, seed: o.seed + run.replicate });
      d = { h, split: timeSplit(h, 0.1), positions: switchPositions(h.modality, h.users, h.length) };
      data.set(key, d);
    }
    const config = modelConfig(s, d.h, run.model);
    const cpu0 = process.cpuUsage(), t0 = process.hrtime.bigint();
    const r = trainRecommender(d.h, d.split, {
      config,
      epochs: run.epochs,
      batchSize: s.batchSize,
      negatives: s.negatives,
      learningRate: s.learningRate,
      seed: (o.seed + run.replicate) * 1000 + modelIndex.indexOf(run.model),
    });
    const cpu = process.cpuUsage(cpu0);
    const gates = run.arm === 'gates' ? gateUsage(r.model, d.h, d.split) : null;
    r.model.dispose();
    const result: AblationRunResult = {
      ...run,
      hiddenSize: config.hiddenSize,
      map20: r.map,
      map20BySwitch: mapBySwitchPosition(r.averagePrecision, d.split.testTarget, d.positions, s.longGap),
      finalLoss: r.epochLoss[r.epochLoss.length - 1] as number,
      ...(gates ? { gates } : {}),
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      wallSeconds: Number(process.hrtime.bigint() - t0) / 1e9,
    };
    runs.push(result);
    log(`recsys ablations: ${i + 1}/${plan.length} ${run.arm}, context ${run.context}, ${run.model}, ${run.epochs} epochs, replicate ${run.replicate}: MAP@20 ${r.map.toFixed(4)}, 1 after switch ${result.map20BySwitch['1 after switch'].map.toFixed(4)} (${result.cpuSeconds.toFixed(0)} CPU s)`);
  });
  return { seed: o.seed, scale: s, runs };
}

/** The identity of a run: arm, context, model, epochs, replicate. */
function runKey(r: AblationRun): string {
  return `${r.arm}/${r.context}/${r.model}/${r.epochs}/${r.replicate}`;
}

/** Mean and standard error (sample sd / sqrt(n); 0 for n = 1) of a list. */
export function meanAndStandardError(xs: readonly number[]): { mean: number; standardError: number; n: number } {
  const n = xs.length;
  if (n === 0) return { mean: Number.NaN, standardError: Number.NaN, n };
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1) : 0;
  return { mean, standardError: Math.sqrt(variance / n), n };
}

/** A condition of the study: the runs that differ only by replicate. */
export interface AblationCondition {
  readonly arm: AblationRun['arm'];
  readonly context: ContextLevel;
  readonly model: AblationModel;
  readonly epochs: number;
  readonly runs: readonly AblationRunResult[];
}

/** The runs grouped by condition, in plan order. */
export function ablationConditions(r: AblationResults): AblationCondition[] {
  const out = new Map<string, AblationCondition & { runs: AblationRunResult[] }>();
  for (const run of r.runs) {
    const key = `${run.arm}/${run.context}/${run.model}/${run.epochs}`;
    const c = out.get(key) ?? { arm: run.arm, context: run.context, model: run.model, epochs: run.epochs, runs: [] };
    c.runs.push(run);
    out.set(key, c);
  }
  return [...out.values()];
}

/**
 * Paired differences a - b of a bucket's MAP@20 over the replicates both conditions have (same
 * data, same model seeds by model): mean and standard error.
 */
export function pairedDifference(a: AblationCondition, b: AblationCondition, bucket: SwitchBucket): { mean: number; standardError: number; n: number } {
  const byReplicate = new Map(b.runs.map((x) => [x.replicate, x.map20BySwitch[bucket].map]));
  const d = a.runs.filter((x) => byReplicate.has(x.replicate)).map((x) => x.map20BySwitch[bucket].map - (byReplicate.get(x.replicate) as number));
  return meanAndStandardError(d);
}

const pm = (x: { mean: number; standardError: number }): string => (Number.isNaN(x.mean) ? '-' : `${x.mean.toFixed(4)} +- ${x.standardError.toFixed(4)}`);
const signed = (x: { mean: number; standardError: number }): string => (Number.isNaN(x.mean) ? '-' : `${x.mean >= 0 ? '+' : ''}${x.mean.toFixed(4)} +- ${x.standardError.toFixed(4)}`);

/** The results as JSON (runs and the per-condition means with standard errors). */
export function ablationJson(r: AblationResults, command: string): unknown {
  return {
    command,
    seed: r.seed,
    scale: r.scale,
    contextLevels: CONTEXT_LEVELS,
    conditions: ablationConditions(r).map((c) => ({
      arm: c.arm,
      context: c.context,
      model: c.model,
      epochs: c.epochs,
      hiddenSize: c.runs[0]?.hiddenSize,
      map20BySwitch: Object.fromEntries(SWITCH_BUCKETS.map((b) => [b, { ...meanAndStandardError(c.runs.map((x) => x.map20BySwitch[b].map)), targets: c.runs.map((x) => x.map20BySwitch[b].targets) }])),
    })),
    runs: r.runs,
  };
}

/** results.md of the study: settings, MAP@20 by condition and switch position, paired differences. */
export function ablationMarkdown(r: AblationResults, command: string): string {
  const s = r.scale;
  const conditions = ablationConditions(r);
  const cpu = r.runs.reduce((a, x) => a + x.cpuSeconds, 0), wall = r.runs.reduce((a, x) => a + x.wallSeconds, 0);
  const cols = SWITCH_BUCKETS;
  const out: string[] = [
    '# Context switching, diagnosed: ablations (reduced scale)',
    '',
    `Generated by \`${command}\` (seed ${r.seed}, ${s.seeds} seeds; every number below except the times is regenerated by that command). ${r.runs.length} training runs, ${(cpu / 60).toFixed(1)} CPU-minutes (${(wall / 60).toFixed(1)} wall minutes) of this process. The conclusion is in [conclusion.md](conclusion.md).`,
    '',
    '## Setting',
    '',
    `${s.users} users x ${s.length} events, the generator's catalogue (4 modalities x 8 topics x 40 items), regime durations Pareto with tail index 1.4; split on time (test: last 10%). Baseline GRU ${s.hiddenSize}, factorized and context-switching GRUs with g = ${s.groups} at equal input-projection + GRU parameters; item / page embeddings ${s.itemDimension} / ${s.pageDimension}; Adam lr ${s.learningRate}, batches of ${s.batchSize} users, ${s.negatives} log-uniform sampled negatives; ${s.epochs} epochs (steps x4 arm: ${s.epochs * s.stepsFactor}). Mean +- standard error over seeds (data seed = seed + replicate; model seeds shared across arms).`,
    '',
    'Context levels (the current modality as the inputs show it):',
    '',
    ...(Object.entries(CONTEXT_LEVELS) as [ContextLevel, (typeof CONTEXT_LEVELS)[ContextLevel]][]).map(([k, v]) => `- **${k}**: ${v.description}.`),
    '',
    `Columns: MAP@20 over the test targets of each group (./switchConditionedMap.ts): "switch event" is the first event of a new modality (not observable from the inputs before it); "1 after switch" the next one (one item of the new modality seen: recalling the user's topic there is what memory adds); "return, short / long gap": targets 1-4 after a switch back to a modality last seen fewer / at least ${s.longGap} events before; "first visit": 1-4 after a switch to a modality never seen before.`,
    '',
    '## MAP@20 by condition',
    '',
    `| arm | context | model | width | epochs | ${cols.join(' | ')} |`,
    `| --- | --- | --- | ---: | ---: | ${cols.map(() => '---:').join(' | ')} |`,
  ];
  for (const c of conditions) {
    out.push(`| ${c.arm} | ${c.context} | ${c.model} | ${c.runs[0]?.hiddenSize ?? '-'} | ${c.epochs} | ${cols.map((b) => pm(meanAndStandardError(c.runs.map((x) => x.map20BySwitch[b].map)))).join(' | ')} |`);
  }
  const targets = conditions[0]?.runs[0];
  if (targets) out.push('', `Test targets per group (context "${conditions[0]?.context}", replicate ${targets.replicate}): ${cols.map((b) => `${b} ${targets.map20BySwitch[b].targets}`).join(', ')}.`);
  const find = (arm: AblationRun['arm'], context: ContextLevel, model: AblationModel): AblationCondition | undefined => conditions.find((c) => c.arm === arm && c.context === context && c.model === model);
  const pairs: [string, AblationCondition | undefined, AblationCondition | undefined][] = [];
  for (const context of Object.keys(CONTEXT_LEVELS) as ContextLevel[]) {
    pairs.push([`context ${context}: factorized - baseline`, find('context', context, 'factorized'), find('context', context, 'baseline')]);
    pairs.push([`context ${context}: context switching (input mask) - factorized`, find('context', context, 'context switching, input mask'), find('context', context, 'factorized')]);
  }
  for (const context of ['as now', 'weak'] as const) {
    for (const model of ['context switching, output mask', 'context switching, input + output masks'] as const) pairs.push([`context ${context}: ${model} - factorized`, find('gating', context, model), find('context', context, 'factorized')]);
  }
  for (const context of ['as now', 'weak'] as const) {
    pairs.push([`context ${context}: context switching, balanced - factorized`, find('gates', context, 'context switching, input mask, balanced'), find('context', context, 'factorized')]);
    pairs.push([`context ${context}: context switching, balanced - unbalanced`, find('gates', context, 'context switching, input mask, balanced'), find('gates', context, 'context switching, input mask')]);
  }
  pairs.push(['steps x4: factorized - baseline', find('steps x4', 'as now', 'factorized'), find('steps x4', 'as now', 'baseline')]);
  pairs.push(['steps x4: context switching (input mask) - factorized', find('steps x4', 'as now', 'context switching, input mask'), find('steps x4', 'as now', 'factorized')]);
  pairs.push(['steps x4: context switching, balanced - factorized', conditions.find((c) => c.arm === 'gates' && c.model === 'context switching, input mask, balanced' && c.epochs === s.epochs * s.stepsFactor), find('steps x4', 'as now', 'factorized')]);
  for (const model of ['baseline', 'factorized', 'context switching, input mask'] as const) pairs.push([`${model}: steps x4 - steps x1`, find('steps x4', 'as now', model), find('context', 'as now', model)]);
  const shown: SwitchBucket[] = ['all', 'switch event', '1 after switch', '2-4 after switch', '5+ into regime', 'return, long gap'];
  out.push('', '## Paired differences', '', 'Differences of MAP@20 between two conditions on the same data and seeds (mean +- standard error over seeds).', '', `| comparison | ${shown.join(' | ')} |`, `| --- | ${shown.map(() => '---:').join(' | ')} |`);
  for (const [label, a, b] of pairs) if (a && b) out.push(`| ${label} | ${shown.map((bucket) => signed(pairedDifference(a, b, bucket))).join(' | ')} |`);
  const gated = conditions.filter((c) => c.runs.every((x) => x.gates));
  if (gated.length > 0) {
    out.push(
      '',
      '## Where the gate sends its mass',
      '',
      `The gates of the context-switching models of the "gates" arm on the first 64 users' whole histories (./gateUsage.ts): the largest expert's share of the total gate mass (1/${s.groups} when balanced, 1 when one expert takes everything), the mean entropy of the gate (ln ${s.groups} = ${Math.log(s.groups).toFixed(3)} nats when uniform), and the mutual information between the modality and the expert of largest gate (ln ${s.groups} = ${Math.log(s.groups).toFixed(3)} nats when each modality has its own expert; 0 when the gate ignores the modality). Mean +- standard error over seeds.`,
      '',
      '| context | model | epochs | MAP@20 | largest expert share | gate entropy (nats) | I(modality; expert) (nats) |',
      '| --- | --- | ---: | ---: | ---: | ---: | ---: |',
    );
    for (const c of gated) {
      const g = c.runs.map((x) => x.gates as GateStatistics);
      out.push(`| ${c.context} | ${c.model} | ${c.epochs} | ${pm(meanAndStandardError(c.runs.map((x) => x.map20)))} | ${pm(meanAndStandardError(g.map((x) => Math.max(...x.importanceShare))))} | ${pm(meanAndStandardError(g.map((x) => x.meanEntropyNats)))} | ${pm(meanAndStandardError(g.map((x) => x.modalityInformationNats)))} |`);
    }
  }
  out.push('');
  return out.join('\n');
}
