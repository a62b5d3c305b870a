/**
 * The audit's human-readable outputs: the verdict table printed on stdout and summary.md.
 *
 * @module
 */
import { fmt } from '../analysis/correlation/correlationVerdict.js';
import type { AuditDocument, LayerAudit } from './auditDocument.js';

/** A certified horizon above this many times the recorded steps is vacuous: it says nothing the run could check. */
export const USEFUL_HORIZON_FACTOR = 1000;

/** The Lemma 1.2 horizon in words: its steps (3 significant digits), or "no useful bound" when vacuous. */
export function horizonText(steps: number, recordedSteps: number): string {
  if (!Number.isFinite(steps) || steps > USEFUL_HORIZON_FACTOR * recordedSteps) return 'no useful bound';
  return fmt(steps);
}

const f = (x: number, digits = 3): string => (Number.isFinite(x) ? x.toFixed(digits) : String(x));
const e = (x: number): string => (Number.isFinite(x) ? x.toExponential(2) : String(x));

function decay(l: LayerAudit): string {
  const ev = l.correlation.evidence;
  if (l.correlation.verdict === 'LRD' && ev.powerLawExponent !== null) return `beta ${f(ev.powerLawExponent, 2)}`;
  if (ev.exponentialDecayLength !== null && !ev.powerLawFitsBetter) return `tau ${f(ev.exponentialDecayLength, 1)}`;
  if (ev.powerLawExponent !== null) return `beta ${f(ev.powerLawExponent, 2)}`;
  return '-';
}

/** " (horizons tried: 1024 steps inconclusive, 2048 steps SRD)" when the adaptive audit tried more than one. */
function horizonsText(l: LayerAudit): string {
  const h = l.horizons ?? [];
  return h.length > 1 ? ` (horizons tried: ${h.map((x) => `${x.steps} steps ${x.verdict}`).join(', ')})` : '';
}

/** Rows of the verdict table. */
export function verdictRows(doc: AuditDocument): string[][] {
  return doc.layers.map((l) => [
    `${l.name}${l.direction === 'backward' ? ' (bwd)' : ''}`,
    l.kind,
    String(l.hiddenSize),
    String(l.groups),
    f(l.spectralRadiusWh),
    `${f(l.jacobian.spectralRadius.median)} [${f(l.jacobian.spectralRadius.min)}, ${f(l.jacobian.spectralRadius.max)}]`,
    l.lyapunov.exponents.length > 0 ? f(l.lyapunov.exponents[0] as number, 4) : '-',
    `${l.correlation.verdict} (${decay(l)})${l.correlation.regime && l.correlation.regime.kind !== 'stationary' ? `, ${l.correlation.regime.kind}` : ''}`,
    `${f(l.hurst.dfa.hurst, 2)} / ${f(l.hurst.gph.hurst, 2)}`,
    f(l.mutualInformation.gaussianChannelNats, 2),
    `${e(l.gates.alphaG)} / ${horizonText(l.gates.certifiedHorizonSteps, doc.run.steps)}`,
    l.correlation.sentence ?? '-',
  ]);
}

const HEAD = ['layer', 'cell', 'h', 'g', 'rho(W_h)', 'rho(J) median [min, max]', 'lambda_1', 'correlation', 'H dfa / gph', 'I (nats)', 'alpha_g / horizon', 'in words'];

/** Column titles of {@link verdictRows}, in order. */
export const VERDICT_COLUMNS: readonly string[] = HEAD;

/**
 * What the three verdicts mean, in one sentence for a practitioner (the report's Verdict
 * section): SRD when the state's correlation with its past dies out fast enough to sum to a
 * finite total (the layer forgets), LRD when it falls like a power law too slowly to sum
 * (the layer keeps old inputs), inconclusive when the record cannot tell them apart.
 *
 * @example
 * VERDICT_MEANING.startsWith('SRD (short range dependence)') // true
 */
export const VERDICT_MEANING =
  "SRD (short range dependence) means the layer's state forgets: its correlation with its own past dies out fast enough (exponentially) that the correlations over all lags add up to a finite total; LRD (long range dependence) means it remembers: the correlation falls like a power law k^-beta with beta < 1, too slowly to add up, so inputs from long ago keep an influence; inconclusive means this record cannot tell the two apart (too short, too noisy, or a state that barely decays), so neither claim is made.";

/** The verdict table as fixed-width text (stdout). */
export function formatVerdictTable(doc: AuditDocument): string {
  // The table without the sentence column; each layer's sentence follows on its own line.
  const all = verdictRows(doc);
  const rows = all.map((r) => r.slice(0, -1));
  const head = HEAD.slice(0, -1);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cols: string[]): string => cols.map((c, i) => c.padEnd(widths[i] as number)).join('  ').trimEnd();
  return [
    `lrdkit ${doc.lrdkit} audit: ${doc.checkpoint.file} (${doc.checkpoint.format}, ${doc.layers.length} layer(s) audited)`,
    `input ${doc.run.input}, ${doc.run.sequences} x ${doc.run.steps} steps after ${doc.run.burnIn} burn-in, lags to ${doc.run.maxLag}, seed ${doc.run.seed}`,
    line(head),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    '',
    ...all.map((r, i) => `${r[0]}: ${r[r.length - 1]}${horizonsText(doc.layers[i] as LayerAudit)}`),
    '',
    `verdict: ${doc.verdict.overall} (${doc.verdict.rule})`,
  ].join('\n') + '\n';
}

/** summary.md: the table in Markdown, the verdict, what each column means, and the run. */
export function formatSummaryMarkdown(doc: AuditDocument): string {
  const rows = verdictRows(doc);
  const md = (cells: string[]): string => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
  return [
    `# lrdkit audit: ${doc.checkpoint.file}`,
    '',
    `**Verdict: ${doc.verdict.overall}** (${doc.verdict.rule}).`,
    '',
    md(HEAD),
    md(HEAD.map(() => '---')),
    ...rows.map(md),
    '',
    '## Columns',
    '',
    '- rho(W_h): spectral radius of the candidate recurrent matrix (GRU U_n, LSTM U_g), the hypothesis of the paper\'s Prop. 1.1-1.2.',
    '- rho(J): spectral radius of the state Jacobian d s_{t+1} / d s_t at sampled visited states.',
    '- lambda_1: top Lyapunov exponent, nats per step (negative: nearby trajectories converge); for a layer driven through the layers below it, of that whole chain.',
    '- correlation: SRD / LRD / inconclusive from ||Cor(h_t, h_{t+k})||_2 against the noise floor (its 95% null quantile), exponential (tau, lags) vs power-law (beta) decay, with a bootstrap interval (LRD needs beta < 1 and a significantly positive local Whittle total memory; SRD needs a decay the record resolves: tau <= max lag / 10, reached by the floor after >= 1 tau); near-integrating or expanding when the state is (a near-integrating layer is never SRD).',
    '- H dfa / gph: Hurst exponent of the leading principal component of h (0.5 = short memory).',
    '- I: Gaussian-channel information of W_h (Theorem 1.2 corrected, eta = sigma = 1), nats.',
    '- alpha_g / horizon: Lemma 1.2 bound (every gate <= 1 - alpha_g for the observed input range) and the steps after which a stored value\'s weight along the gated path is provably below 1/2 ("no useful bound" beyond 1000 times the recorded steps).',
    '- in words: the verdict for a practitioner.',
    '',
    '## Run',
    '',
    `- checkpoint: \`${doc.checkpoint.file}\`, ${doc.checkpoint.format}, sha256 \`${doc.checkpoint.sha256}\``,
    ...doc.layers.filter((l) => (l.horizons ?? []).length > 1).map((l) => `- ${l.name}: horizons tried${horizonsText(l).replace(/^ \(horizons tried:/, '').replace(/\)$/, '')}`),
    `- input ${doc.run.input}; ${doc.run.sequences} sequences x ${doc.run.steps} steps after ${doc.run.burnIn} burn-in; lags 0..${doc.run.maxLag}; ${doc.run.jacobianStates} Jacobian states; ${doc.run.lyapunovExponents} Lyapunov exponents; ${doc.run.bootstrapReplicates} bootstrap replicates; seed ${doc.run.seed}`,
    `- lrdkit ${doc.versions.lrdkit}, Node ${doc.versions.node}`,
    '',
    'Numbers: audit.json (schema: schemas/audit.schema.json). Timings: timings.json.',
    '',
  ].join('\n');
}
