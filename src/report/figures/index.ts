/**
 * The figures of a report, in page order, from audited layers (and training curves): each
 * with its id (file name), title, caption and Vega-Lite spec. A figure whose data no layer has
 * (e.g. no Lyapunov exponents were asked for, or a document written before per-state Jacobian
 * data was recorded) is left out.
 *
 * @module
 */
import type { LayerSeries } from '../series.js';
import type { ReportFigure } from './common.js';
import { correlationNormSpec, partialSumSpec } from './correlation.js';
import { gateDistributionSpec, withGateHistograms } from './gates.js';
import { informationChannelsSpec } from './information.js';
import { jacobianEigenvalueSpec, jacobianRadiusHistogramSpec, jacobianRadiusTraceSpec, withJacobianEigenvalues, withJacobianTrace } from './jacobian.js';
import { lyapunovSpectrumSpec, withLyapunov } from './lyapunov.js';
import { type TrainingCurve, trainingLossSpec } from './trainingLoss.js';

const fmt = (x: number | null | undefined, digits = 3): string => (x === null || x === undefined || !Number.isFinite(x) ? 'n/a' : x.toFixed(digits));

function decay(s: LayerSeries): string {
  const ev = s.layer.correlation.evidence;
  const parts: string[] = [];
  if (ev.exponentialDecayLength !== null) parts.push(`tau = ${fmt(ev.exponentialDecayLength, 1)} lags`);
  if (ev.powerLawExponent !== null) parts.push(`beta = ${fmt(ev.powerLawExponent, 2)}${ev.powerLawInterval ? ` [${fmt(ev.powerLawInterval[0], 2)}, ${fmt(ev.powerLawInterval[1], 2)}]` : ''}`);
  return `${s.series}: ${s.layer.correlation.verdict}${parts.length ? ` (${parts.join(', ')})` : ''}`;
}

/**
 * The report's figures for the given layers and training curves.
 *
 * @param series - audited layers (see {@link layerSeries}); may be empty when only training
 *   curves are given
 * @param curves - training loss curves (figure 'training-loss' when non-empty)
 */
export function reportFigures(series: readonly LayerSeries[], curves: readonly TrainingCurve[] = []): ReportFigure[] {
  const figures: ReportFigure[] = [];
  if (series.length > 0) {
    figures.push({
      id: 'correlation-norm',
      title: 'Correlation norm against lag',
      caption:
        '||Cor(h_t, h_t+k)||_2, the spectral norm of the lag-k cross-correlation matrix of the hidden state, against the lag k on log-log axes; grey: the noise floor of the estimator (independent sequences); ' +
        'red: the fitted exponential decay a e^(-k/tau) (short range dependence), teal: the fitted power law a k^-beta (long range dependence when beta < 1), both on their fit range. ' +
        `Verdicts: ${series.map(decay).join('; ')}.`,
      spec: correlationNormSpec(series),
    });
    figures.push({
      id: 'correlation-partial-sums',
      title: 'Partial sums S(K)',
      caption:
        'S(K) = sum over k = 0..K of ||Cor(h_t, h_t+k)||_2. A finite limit is short range dependence (SRD); growth without bound, long range dependence (LRD). ' +
        'Beyond the lag where the norm reaches the noise floor, S(K) keeps growing by the noise level per lag; the verdict uses the lags above the floor. ' +
        `Dotted rules: the estimated S(infinity) of SRD verdicts (${series.map((s) => `${s.series}: ${fmt(s.layer.correlation.evidence.sumEstimate, 2)}`).join('; ')}).`,
      spec: partialSumSpec(series),
    });
    if (withJacobianTrace(series).length > 0) {
      figures.push({
        id: 'jacobian-radius-trace',
        title: 'rho(J_t) along the trajectories',
        caption:
          'Spectral radius of the state Jacobian J_t = d s_t+1 / d s_t at the sampled visited states, against their position in the run (the sequences laid end to end). rho(J_t) < 1 everywhere: the state map is a local contraction and perturbations decay. ' +
          `Median [min, max]: ${series.map((s) => `${s.series}: ${fmt(s.layer.jacobian.spectralRadius.median)} [${fmt(s.layer.jacobian.spectralRadius.min)}, ${fmt(s.layer.jacobian.spectralRadius.max)}]`).join('; ')}.`,
        spec: jacobianRadiusTraceSpec(series),
      });
      figures.push({
        id: 'jacobian-radius-histogram',
        title: 'Distribution of rho(J_t)',
        caption: `Histogram of rho(J_t) over the sampled visited states (${series.map((s) => `${s.series}: ${s.layer.jacobian.states} states, max ${fmt(s.layer.jacobian.spectralRadius.max)}`).join('; ')}); the stability boundary is rho = 1.`,
        spec: jacobianRadiusHistogramSpec(series),
      });
    }
    if (withJacobianEigenvalues(series).length > 0) {
      figures.push({
        id: 'jacobian-eigenvalues',
        title: 'Eigenvalues of J_t',
        caption:
          'All eigenvalues of the state Jacobian at a few sampled visited states, in the complex plane, with the unit circle. For a factorized cell J_t is block diagonal and its spectrum is the union of the blocks\' spectra: colours mark the blocks.',
        spec: jacobianEigenvalueSpec(series),
      });
    }
    if (withLyapunov(series).length > 0) {
      figures.push({
        id: 'lyapunov-spectrum',
        title: 'Lyapunov spectrum',
        caption:
          'Top Lyapunov exponents (nats per step; error bars: +/- 2 standard errors) of each layer driven by the audit input (for a layer driven through the layers below it, of that chain). lambda_1 < 0: nearby trajectories converge at rate e^lambda_1 per step. ' +
          `lambda_1: ${withLyapunov(series).map((s) => `${s.series}: ${fmt(s.layer.lyapunov.exponents[0], 4)}`).join('; ')}.`,
        spec: lyapunovSpectrumSpec(series),
      });
    }
    figures.push({
      id: 'information-channels',
      title: 'Mutual information against channel count',
      caption:
        'Gaussian-channel information I = 1/2 log det(I + W^T W) (nats; Theorem 1.2 corrected, eta = sigma = 1) of the leading k x k block of the candidate recurrent matrix W_h, against k; dashed: Proposition 1.4\'s k/2 log 2 (exact for orthogonal W_h). ' +
        'Factorized cells buy more channels for the same parameters. ' +
        `Whole W_h: ${series.map((s) => `${s.series}: ${fmt(s.layer.mutualInformation.gaussianChannelNats, 2)} nats over ${s.layer.hiddenSize} channels`).join('; ')}.`,
      spec: informationChannelsSpec(series),
    });
    if (withGateHistograms(series).length > 0) {
      figures.push({
        id: 'gate-distributions',
        title: 'Gate values and the Lemma 1.2 bound',
        caption:
          'Distribution of the observed sigmoid gate values (summed over a layer\'s units; the memory gate is GRU z, LSTM f); dashed: the Lemma 1.2 bound 1 - alpha_g on every gate and 1 - gate value, from the weights and the input range; dotted: the observed maximum. ' +
          `alpha_g and the certified memory horizon: ${series.map((s) => `${s.series}: ${s.layer.gates.alphaG.toExponential(2)}, ${s.layer.gates.certifiedHorizonSteps} steps`).join('; ')}.`,
        spec: gateDistributionSpec(series),
      });
    }
  }
  if (curves.length > 0) {
    figures.push({
      id: 'training-loss',
      title: 'Training loss',
      caption: 'Training loss (cross-entropy, nats per output symbol) against the training step, one line per run; colour: cell variant; dashed: the small (equal-FLOPs) variant.',
      spec: trainingLossSpec([...curves]),
    });
  }
  return figures;
}
