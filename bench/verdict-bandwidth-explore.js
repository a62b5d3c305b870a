/**
 * Exploration behind rule version 3 of the verdict (bench/VERDICT.md, "Bandwidth stability"):
 * for calibration families at one size and a seed range, the correlation verdict (no bootstrap),
 * the fit range, tau, beta, the local slope over the last two octaves of the fit range, the
 * multivariate local Whittle total memory at floor(n^0.65) and floor(n^0.5) (with SEs) and the
 * Hausman-type z of the change. One JSON line per run. Used on exploratory seeds 0-9 only.
 *
 *   npm run build && node bench/verdict-bandwidth-explore.js ar1-sum,fgn-0.7 long 0-4
 */
const root = new URL('../dist/', import.meta.url).href;
const { calibrationEnsemble, CALIBRATION_SIZES } = await import(root + 'analysis/calibration/verdictCalibrationSet.js');
const { correlationSums } = await import(root + 'analysis/correlation/correlationVerdict.js');
const { ensembleComponents } = await import(root + 'analysis/stateMemory.js');
const { projectOnComponents } = await import(root + 'analysis/memoryFromMoments.js');
const { multivariateLocalWhittle } = await import(root + 'analysis/memory/multivariateLocalWhittle.js');
const fams = process.argv[2].split(',');
const sizeName = process.argv[3];
const seeds = process.argv[4].split('-').map(Number);
const size = CALIBRATION_SIZES[sizeName];
for (const f of fams) for (let seed = seeds[0]; seed <= seeds[1]; seed++) {
  const xs = calibrationEnsemble(f, size, seed);
  const corr = correlationSums(xs, { maxLag: size.maxLag, lags: 'log', bootstrap: false });
  const pca = ensembleComponents(xs);
  const k = Math.min(8, pca.eigenvalues.filter((l) => l > 1e-10 * pca.trace).length);
  const proj = projectOnComponents(xs, pca, k);
  const n = size.steps;
  const mem = [0.65, 0.5].map((a) => { const m = multivariateLocalWhittle(proj, { bandwidth: Math.max(8, Math.floor(n ** a)) }); return [m.totalMemory, m.totalMemoryStandardError]; });
  const e = corr.evidence;
  // local slope over last octave(s) of fit range
  const L = e.fitLags, N = e.fitNorms;
  let loc = null;
  if (L.length >= 4) {
    const kl = L[L.length - 1];
    const idx = L.map((k, i) => i).filter((i) => L[i] >= kl / 4);
    const xs2 = idx.map((i) => Math.log(L[i])), ys = idx.map((i) => Math.log(N[i]));
    const mx = xs2.reduce((a, b) => a + b) / xs2.length, my = ys.reduce((a, b) => a + b) / ys.length;
    let sxy = 0, sxx = 0; xs2.forEach((x, i) => { sxy += (x - mx) * (ys[i] - my); sxx += (x - mx) ** 2; });
    loc = -sxy / sxx;
  }
  console.log(JSON.stringify({ f, sizeName, seed, cv: corr.verdict, fit: [L[0], L[L.length - 1]], floorLag: e.floorLag, tau: e.exponential?.tau?.toFixed(1), beta: e.powerLaw?.beta?.toFixed(3), betaLocal2oct: loc?.toFixed(3), hz: ((mem[1][0]-mem[0][0])/Math.sqrt(mem[1][1]**2-mem[0][1]**2)).toFixed(2), mem: mem.map(([d, s]) => `${d.toFixed(3)}±${s.toFixed(3)}`).join(' ') }));
}
