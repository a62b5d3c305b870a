#!/usr/bin/python3
"""NumPy/SciPy reference of lrdkit's analysis engine (bench/analysis.js runs it).

    analysis_reference.py MANIFEST OUT.json CELL   (CELL = dense | factorized | curve)

Reads the cell weights, the input sequences and the lrdkit run's sampling data (Jacobian state
indices, Lyapunov start vectors, DFA scales, lag grids) written by bench/analysis.js, and
computes the same measures the way a NumPy user would, with vectorised BLAS/LAPACK calls:

* trajectories: all sequences stepped together (one GEMM per gate family per step; the input
  projections W x of a chunk of 256 steps in one GEMM), recording h_t, the sampled states and
  the gate pre-activations of the first 8 sequences (max, min, 20-bin histograms);
* correlation: the time-average estimator of lrdkit's engine: pooled standardisation, PCA of the
  lag-0 correlation on <= 16384 strided rows (numpy.linalg.eigh), projection on the r leading
  components (95 % of the variance, at most 64), zero-padded rfft per sequence, cross-spectra per
  bootstrap unit as batched matmuls, irfft, spectral norms of all lags by batched SVD
  (numpy.linalg.norm(., 2)), the independent-sequence null and noise-floor constant, 200 bootstrap
  replicates over 16 units at the log-grid lags (numpy's generator: other draws than lrdkit's,
  the same work), and exponential / power-law fits;
* memory: the pooled covariance (one GEMM), eigh, the 3 leading PCs, then per sequence DFA-1
  F(s) at lrdkit's scales (forward and backward windows, vectorised least-squares detrending)
  with a power-law fit of H, GPH (periodogram by rfft, bandwidth floor(n^0.5)) and aggregated
  variance (lrdkit fits an exact fGn curve to F(s) and bias-corrects aggregated variance: cost
  negligible next to F(s));
* stepInformation: the joint covariance of (h_t, h_{t+1}) over all pairs by GEMMs, Cholesky
  log-determinants, the Wishart bias correction (scipy.special.digamma); wide states on the
  leading 256 PCs as lrdkit;
* jacobian: the analytic GRU Jacobian at every sampled state (per block), numpy.linalg.eigvals
  for rho and numpy.linalg.norm(J, 2) for the spectral norm;
* lyapunov: QR method (numpy.linalg.qr every step) from lrdkit's start vectors, block-wise J Q;
* gates, channel: as lrdkit (1/2 log det(I + U_n^T U_n) per block).
"""
import json
import math
import platform
import resource
import sys
import time

import numpy as np
import scipy
from scipy.special import digamma, expit

GATE_BINS = 20


sigmoid = expit  # scipy's logistic function (no overflow)


def load_cell(manifest, name, directory):
    c = manifest["cells"][name]
    blocks = []
    for b in c["blocks"]:
        h, d = b["hiddenSize"], b["inputSize"]
        raw = np.fromfile(f"{directory}/{b['file']}", dtype="<f8")
        o = 0
        gates = {}
        for g in ("z", "r", "n"):
            W = raw[o:o + h * d].reshape(h, d); o += h * d
            U = raw[o:o + h * h].reshape(h, h); o += h * h
            bi = raw[o:o + h]; o += h
            bh = raw[o:o + h]; o += h
            gates[g] = (W, U, bi, bh)
        blocks.append({
            "h": h, "d": d, "h0": b["hiddenOffset"], "d0": b["inputOffset"],
            "Wx": np.vstack([gates[g][0] for g in "zrn"]),            # 3h x d
            "Uh": np.vstack([gates[g][1] for g in "zrn"]),            # 3h x h
            "bx": np.concatenate([gates[g][2] for g in "zrn"]),
            "bh": np.concatenate([gates[g][3] for g in "zrn"]),
            "U": {g: gates[g][1] for g in "zrn"},
        })
    return c, blocks


def gru_parts(blk, h, xw):
    """Gate values of a batch: h (n x hb), xw = W x + b (n x 3hb)."""
    hb = blk["h"]
    hu = h @ blk["Uh"].T + blk["bh"]
    az = xw[:, :hb] + hu[:, :hb]
    ar = xw[:, hb:2 * hb] + hu[:, hb:2 * hb]
    z = sigmoid(az)
    r = sigmoid(ar)
    q = hu[:, 2 * hb:]
    n = np.tanh(xw[:, 2 * hb:] + r * q)
    return az, ar, z, r, n, q


def step_all(blocks, H, XW):
    """One step of every block: H (n x hidden), XW list of per-block (n x 3hb); returns new H and per-block (az, ar)."""
    out = np.empty_like(H)
    pre = []
    for blk, xw in zip(blocks, XW):
        h0, hb = blk["h0"], blk["h"]
        h = H[:, h0:h0 + hb]
        az, ar, z, r, n, q = gru_parts(blk, h, xw)
        out[:, h0:h0 + hb] = z * h + (1 - z) * n
        pre.append((az, ar))
    return out, pre


def jacobian_block(blk, h, xw):
    """Analytic state Jacobian of one GRU block (reset after) at (h, x), xw = W x + b."""
    az, ar, z, r, n, q = gru_parts(blk, h[None, :], xw[None, :])
    z, r, n, q = z[0], r[0], n[0], q[0]
    a = (h - n) * z * (1 - z)
    delta = (1 - z) * (1 - n * n)
    U = blk["U"]
    return np.diag(z) + a[:, None] * U["z"] + (delta * q * r * (1 - r))[:, None] * U["r"] + (delta * r)[:, None] * U["n"]


def logdet_chol(a):
    return 2.0 * np.sum(np.log(np.diag(np.linalg.cholesky(a))))


def wishart_bias(p, n):
    i = np.arange(1, p + 1)
    return float(np.sum(digamma((n - i) / 2.0) - math.log((n - 1) / 2.0)))


def gaussian_mi_from_cov(cov, p, n):
    plug = 0.5 * (logdet_chol(cov[:p, :p]) + logdet_chol(cov[p:, p:]) - logdet_chol(cov))
    bias = 0.5 * (wishart_bias(p, n) + wishart_bias(p, n) - wishart_bias(2 * p, n))
    return plug - bias, plug


def ols(x, y):
    x = np.asarray(x, float); y = np.asarray(y, float)
    xm, ym = x.mean(), y.mean()
    sxx = np.sum((x - xm) ** 2)
    slope = np.sum((x - xm) * (y - ym)) / sxx
    icpt = ym - slope * xm
    rss = float(np.sum((y - icpt - slope * x) ** 2))
    return slope, icpt, rss


def dfa_fluctuations(x, scales):
    y = np.cumsum(x - x.mean())
    n = len(y)
    F = []
    for s in scales:
        m = n // s
        segs = [y[:m * s].reshape(m, s)]
        if n % s != 0:
            segs.append(y[n - m * s:].reshape(m, s))
        w = np.vstack(segs)
        t = np.arange(s, dtype=float)
        tm = t.mean()
        tc = t - tm
        slope = (w - w.mean(axis=1, keepdims=True)) @ tc / np.sum(tc * tc)
        resid = w - w.mean(axis=1, keepdims=True) - slope[:, None] * tc[None, :]
        F.append(math.sqrt(np.mean(np.mean(resid * resid, axis=1))))
    return np.array(F)


def gph(x):
    n = len(x)
    m = int(math.floor(n ** 0.5))
    I = np.abs(np.fft.rfft(x - x.mean())[1:m + 1]) ** 2 / (2 * math.pi * n)
    lam = 2 * math.pi * np.arange(1, m + 1) / n
    slope, _, _ = ols(-np.log(4 * np.sin(lam / 2) ** 2), np.log(I))
    return slope + 0.5


def aggregated_variance(x, sizes):
    n = len(x)
    v = []
    for m in sizes:
        k = n // m
        v.append(np.var(x[:k * m].reshape(k, m).mean(axis=1), ddof=1))
    slope, _, _ = ols(np.log(sizes), np.log(v))
    return 1 + slope / 2


def run_cell(manifest, name, directory):
    S = manifest["sizes"]
    N, T, burn = S["sequences"], S["steps"], S["burnIn"]
    L, D = manifest["inputLength"], manifest["inputSize"]
    lrd = json.load(open(f"{directory}/lrdkit-{name}.json"))
    c, blocks = load_cell(manifest, name, directory)
    Hd = c["hiddenSize"]
    X = np.fromfile(f"{directory}/inputs.bin", dtype="<f8").reshape(N, L, D)
    seconds = {}
    t_all = time.perf_counter()

    # ---------------- trajectories ----------------
    t0 = time.perf_counter()
    samples = lrd["jacobian"]["samples"]
    by_step = {}
    for g in samples:
        by_step.setdefault(g % T, []).append(g // T)
    G = min(N, 8)
    out = np.empty((N, T, Hd))
    H = np.zeros((N, Hd))
    chunk = 256
    zmax = [np.full(b["h"], -np.inf) for b in blocks]
    zmin = [np.full(b["h"], np.inf) for b in blocks]
    hist = [np.zeros(GATE_BINS) for _ in blocks]
    visited = []
    gate_pre = [np.empty((G, T, 2, b["h"])) for b in blocks]
    total_steps = burn + T
    for c0 in range(0, total_steps, chunk):
        c1 = min(total_steps, c0 + chunk)
        XWc = [(X[:, c0:c1, b["d0"]:b["d0"] + b["d"]].reshape(-1, b["d"]) @ b["Wx"].T + b["bx"]).reshape(N, c1 - c0, -1) for b in blocks]
        for t in range(c0, c1):
            rec = t - burn
            if rec >= 0 and rec in by_step:
                for i in by_step[rec]:
                    visited.append((i, rec, H[i].copy(), X[i, t].copy()))
            XW = [xw[:, t - c0, :] for xw in XWc]
            Hn, pre = step_all(blocks, H, XW)
            if rec >= 0:
                out[:, rec, :] = Hn
                for k, (az, ar) in enumerate(pre):
                    gate_pre[k][:, rec, 0, :] = az[:G]
                    gate_pre[k][:, rec, 1, :] = ar[:G]
            H = Hn
    visited.sort(key=lambda v: (v[0], v[1]))
    for k, a in enumerate(gate_pre):                        # gate statistics: max, min, histograms
        zmax[k] = a[:, :, 0, :].max(axis=(0, 1))
        zmin[k] = a[:, :, 0, :].min(axis=(0, 1))
        for g in range(2):
            hist[k] += np.histogram(sigmoid(a[:, :, g, :]), bins=GATE_BINS, range=(0, 1))[0]
            hist[k] += np.histogram(sigmoid(-a[:, :, g, :]), bins=GATE_BINS, range=(0, 1))[0]
    seconds["trajectories"] = time.perf_counter() - t0

    series = out.reshape(N * T, Hd)

    # ---------------- correlation (time-average engine on leading PCs) ----------------
    t0 = time.perf_counter()
    K = S["maxLag"]
    n_all = N * T
    mu = series.mean(axis=0)
    var = ((series - mu) ** 2).mean(axis=0)
    sd = np.sqrt(var)
    inv = np.where(sd > 1e-13 * (np.abs(mu) + sd.max()), 1.0 / np.where(sd > 0, sd, 1), 0.0)
    stride = max(1, math.ceil(n_all / 16384))
    Z = (series[::stride] - mu) * inv
    R0 = Z.T @ Z / Z.shape[0]
    evals, evecs = np.linalg.eigh(R0)
    order = np.argsort(evals)[::-1]
    ev = np.maximum(evals[order], 0)
    cum, r = 0.0, 0
    while r < Hd and cum < 0.95 * ev.sum():
        cum += ev[r]; r += 1
    r = max(1, min(r, 64, Hd))
    W = evecs[:, order[:r]] * inv[:, None]
    Y = ((out - mu) @ W)                                   # N x T x r
    nfft = 1 << math.ceil(math.log2(T + K))
    Kd = min(T - 1, nfft - T)
    Yf = np.fft.rfft(Y, n=nfft, axis=1)                    # N x F x r
    grid = lrd["correlation"]["gridLags"]
    units = 16
    lag_sums = np.zeros((r, r, K + 1))
    unit_sums = np.zeros((units, len(grid), r, r))
    unit_pairs = np.zeros((units, len(grid)))
    unit_tot = np.zeros((units, r))
    unit_cnt = np.zeros(units)
    for u in range(units):
        lo, hi = (u * N) // units, ((u + 1) * N) // units
        Yu = Yf[lo:hi]                                      # s x F x r
        A = np.matmul(np.conj(Yu).transpose(1, 2, 0), Yu.transpose(1, 0, 2))   # F x r x r
        cu = np.fft.irfft(np.ascontiguousarray(A.transpose(1, 2, 0)), n=nfft, axis=-1)   # r x r x nfft
        lag_sums += cu[:, :, :K + 1]
        unit_sums[u] = cu[:, :, grid].transpose(2, 0, 1)
        unit_pairs[u] = (hi - lo) * (T - np.array(grid))
        unit_tot[u] = Y[lo:hi].sum(axis=(0, 1))
        unit_cnt[u] = (hi - lo) * T
    ks = np.arange(K + 1)
    mats = lag_sums.transpose(2, 0, 1) / (N * (T - ks))[:, None, None]
    norms = np.linalg.norm(mats, 2, axis=(1, 2))
    M = N if r <= 16 else min(N, 16)
    left = list(range(0, min(M, N - 1)))                   # pairs (s - 1, s) with s - 1 < M
    right = [s + 1 for s in left]
    if M == N:
        left.append(N - 1); right.append(0)
    A = np.matmul(np.conj(Yf[left]).transpose(1, 2, 0), Yf[right].transpose(1, 0, 2))   # F x r x r
    null_lags = np.array(lrd["correlation"]["nullLags"])
    cn = np.fft.irfft(np.ascontiguousarray(A.transpose(1, 2, 0)), n=nfft, axis=-1)[:, :, null_lags].transpose(2, 0, 1) / (M * (T - null_lags))[:, None, None]
    null_norms = np.linalg.norm(cn, 2, axis=(1, 2))
    scaled = null_norms * np.sqrt(M * (T - null_lags))
    floor_c = scaled.mean() + 2 * scaled.std(ddof=1)
    rng = np.random.default_rng(manifest["seed"])
    B = S["bootstrapReplicates"]
    gl = np.array(grid)
    boot = np.empty((B, len(grid)))
    for b in range(B):
        w = np.bincount(rng.integers(0, units, size=units), minlength=units).astype(float)
        m = (w @ unit_tot) / (w @ unit_cnt)
        mat = np.tensordot(w, unit_sums, axes=(0, 0)) / (w @ unit_pairs)[:, None, None] - np.outer(m, m)[None]
        boot[b] = np.linalg.norm(mat, 2, axis=(1, 2))
    levels = floor_c / np.sqrt(N * (T - gl))
    gnorm = norms[gl]
    fit = []
    for k, v, f in zip(gl, gnorm, levels):
        if k < 1:
            continue
        if not v > f:
            break
        fit.append((k, v))
    verdict = "SRD"
    if len(fit) >= 4:
        kk, vv = np.array(fit).T
        _, _, rss_exp = ols(kk, np.log(vv))
        _, _, rss_pow = ols(np.log(kk), np.log(vv))
        betas = [ols(np.log(kk), np.log(boot[b][[grid.index(int(k)) for k in kk]]))[0] for b in range(B)]
        verdict = "SRD" if rss_exp <= rss_pow else ("LRD?" if np.percentile(betas, 75) < 1 else "inconclusive")
    seconds["correlation"] = time.perf_counter() - t0

    # ---------------- memory exponents ----------------
    t0 = time.perf_counter()
    mean = series.mean(axis=0)
    Hc = series - mean
    cov = Hc.T @ Hc / n_all
    cev, cvec = np.linalg.eigh(cov)
    corder = np.argsort(cev)[::-1]
    cev = np.maximum(cev[corder], 0)
    cvec = cvec[:, corder]
    kmem = S["memoryComponents"]
    comps = []
    scales = lrd["memory"]["dfaScales"]
    av_sizes = lrd["memory"]["avBlockSizes"]
    F0 = None
    gph0 = []
    for cidx in range(kmem):
        v = cvec[:, cidx].copy()
        if v[np.argmax(np.abs(v))] < 0:
            v = -v
        zc = (out - mean) @ v                               # N x T
        dfas, gphs, avs = [], [], []
        for s in range(N):
            F = dfa_fluctuations(zc[s], scales)
            if cidx == 0 and s == 0:
                F0 = F
            dfas.append(ols(np.log(scales), np.log(F))[0])
            gphs.append(gph(zc[s]))
            avs.append(aggregated_variance(zc[s], av_sizes))
        if cidx == 0:
            gph0 = gphs
        comps.append({"dfa": float(np.mean(dfas)), "gph": float(np.mean(gphs)), "av": float(np.mean(avs))})
    seconds["memory"] = time.perf_counter() - t0

    # ---------------- step information I(h_t; h_t+1) ----------------
    t0 = time.perf_counter()
    rI = lrd["stepInformation"]["dimension"]
    if rI < Hd:
        P = Hc @ cvec[:, :rI]                               # leading rI PCs
        P = P.reshape(N, T, rI)
    else:
        P = out
    Xp = P[:, :-1, :].reshape(-1, rI)
    Yp = P[:, 1:, :].reshape(-1, rI)
    npairs = Xp.shape[0]
    xm, ym = Xp.mean(axis=0), Yp.mean(axis=0)
    Xp = Xp - xm
    Yp = Yp - ym
    jc = np.empty((2 * rI, 2 * rI))
    jc[:rI, :rI] = Xp.T @ Xp
    jc[rI:, rI:] = Yp.T @ Yp
    jc[:rI, rI:] = Xp.T @ Yp
    jc[rI:, :rI] = jc[:rI, rI:].T
    jc /= npairs - 1
    mi, plug = gaussian_mi_from_cov(jc, rI, npairs)
    del Xp, Yp
    seconds["stepInformation"] = time.perf_counter() - t0

    # ---------------- Jacobian spectra ----------------
    t0 = time.perf_counter()
    rhos, nrms = [], []
    for (_i, _t, h, x) in visited:
        rho = nrm = 0.0
        for b in blocks:
            hb = h[b["h0"]:b["h0"] + b["h"]]
            xw = b["Wx"] @ x[b["d0"]:b["d0"] + b["d"]] + b["bx"]
            J = jacobian_block(b, hb, xw)
            rho = max(rho, float(np.max(np.abs(np.linalg.eigvals(J)))))
            nrm = max(nrm, float(np.linalg.norm(J, 2)))
        rhos.append(rho); nrms.append(nrm)
    seconds["jacobian"] = time.perf_counter() - t0

    # ---------------- Lyapunov (QR) ----------------
    t0 = time.perf_counter()
    ly = lrd["lyapunov"]
    lyap = None
    if ly:
        k, transient, steps = ly["k"], ly["transient"], ly["steps"]
        n = Hd
        q0 = np.fromfile(f"{directory}/q0-{name}.bin", dtype="<f8").reshape(k, n).T
        Q, _ = np.linalg.qr(q0)
        h = np.zeros(n)
        x0 = X[0]
        for t in range(burn):
            h, _ = step_all(blocks, h[None, :], [(b["Wx"] @ x0[t, b["d0"]:b["d0"] + b["d"]] + b["bx"])[None, :] for b in blocks])
            h = h[0]
        acc = np.zeros(k)
        Yq = np.empty_like(Q)
        for t in range(transient + steps):
            x = x0[burn + t]
            xws = [b["Wx"] @ x[b["d0"]:b["d0"] + b["d"]] + b["bx"] for b in blocks]
            for b, xw in zip(blocks, xws):
                sl = slice(b["h0"], b["h0"] + b["h"])
                Yq[sl] = jacobian_block(b, h[sl], xw) @ Q[sl]
            Q, Rq = np.linalg.qr(Yq)
            if t >= transient:
                acc += np.log(np.abs(np.diag(Rq)))
            hn, _ = step_all(blocks, h[None, :], [xw[None, :] for xw in xws])
            h = hn[0]
        lyap = (acc / steps).tolist()
    seconds["lyapunov"] = time.perf_counter() - t0

    # ---------------- gates, channel ----------------
    t0 = time.perf_counter()
    zmax_first = float(sigmoid(zmax[0].max()))
    seconds["gates"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    chan = 0.0
    for b in blocks:
        U = b["U"]["n"]
        chan += 0.5 * np.linalg.slogdet(np.eye(b["h"]) + U.T @ U)[1]
    seconds["channel"] = time.perf_counter() - t0
    total = time.perf_counter() - t_all

    return {
        "seconds": seconds,
        "totalSeconds": total,
        "maxRssMB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "lyapunov": {"perStep": lyap},
        "jacobian": {"rhoMean": float(np.mean(rhos)), "normMean": float(np.mean(nrms)), "count": len(rhos)},
        "correlation": {"components": r, "norms": norms.tolist(), "floorConstant": float(floor_c), "verdict": verdict},
        "memory": {"eigenvalues": cev[:5].tolist(), "components": comps, "dfaFluctuations0": F0.tolist(), "gphHurst0": gph0},
        "stepInformation": {"nats": float(mi), "plugIn": float(plug), "pairs": npairs},
        "gates": {"zMaxFirstUnit": zmax_first},
        "channel": {"nats": float(chan)},
    }


def run_curve(manifest, directory):
    t0 = time.perf_counter()
    res = {"dense": [], "factorized": []}
    for e in manifest["curve"]["blocks"]:
        b = e["blockSize"]
        raw = np.fromfile(f"{directory}/{e['file']}", dtype="<f8").reshape(e["blocks"], b, b)
        mi = sum(0.5 * np.linalg.slogdet(np.eye(b) + W.T @ W)[1] for W in raw)
        res[e["variant"]].append(float(mi))
    res["seconds"] = time.perf_counter() - t0
    return res


def main():
    manifest_path, out_path, what = sys.argv[1], sys.argv[2], sys.argv[3]
    directory = __import__("os").path.dirname(__import__("os").path.abspath(manifest_path))
    manifest = json.load(open(manifest_path))
    try:
        from threadpoolctl import threadpool_info  # noqa: F401  (optional)
        blas = ", ".join(f"{i.get('internal_api')} {i.get('version')} ({i.get('num_threads')} threads)" for i in threadpool_info())
    except Exception:
        blas = "OpenBLAS (Debian libopenblas0-pthread)"
    meta = {"python": platform.python_version(), "numpy": np.__version__, "scipy": scipy.__version__, "blas": blas,
            "threads": int(__import__("os").environ.get("OPENBLAS_NUM_THREADS", "0") or 0)}
    result = run_curve(manifest, directory) if what == "curve" else run_cell(manifest, what, directory)
    json.dump({"meta": meta, "result": result}, open(out_path, "w"))


if __name__ == "__main__":
    main()
