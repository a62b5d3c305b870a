/**
 * `lrdkit/analysis`: the measures of an audit: trajectories, Jacobian spectra, Lyapunov exponents,
 * correlation sums with the SRD/LRD verdict, memory exponents (DFA, GPH, aggregated variance),
 * mutual information (Gaussian channel, KSG), gate saturation, and analyzeCell, which runs them all.
 *
 * @module lrdkit/analysis
 */
export * from '../analysis/index.js';
