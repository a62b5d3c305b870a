"""numpy/LAPACK reference side of lrdkit's benchmark suite (bench/run.js starts it).

Usage (run.js does this; by hand only for debugging):

    OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 \
        /usr/bin/python3 bench/reference.py MANIFEST.json OUTPUT.json

MANIFEST.json (written by run.js in a temporary directory) lists the cases and, for every
array, a raw little-endian float64 file (`file`, relative to the manifest's directory) and
its `shape`. The arrays are exactly the data lrdkit was timed on (matrices, cell weights,
state, input) plus lrdkit's own outputs (next state, Jacobian) for the equal-work check.

For each case this script times the numpy computation (warm-up, then `reps` repetitions of
`inner` calls each, time.perf_counter; median and min per call in ms), checks the results
(cells: numpy's step and Jacobian must equal lrdkit's to 1e-12 relative, otherwise it exits
with status 1 and says which case failed), and writes OUTPUT.json.

numpy must run single-threaded (OPENBLAS_NUM_THREADS=1 etc., set by run.js) so that it is
compared fairly with single-threaded JavaScript; the script checks the variable is set.
"""

import ctypes
import json
import os
import platform
import statistics
import sys
import time

import numpy as np

CELL_RTOL = 1e-12


def fail(message):
    sys.stderr.write(f"reference.py: FAILED: {message}\n")
    sys.exit(1)


def load_arrays(case, root):
    out = {}
    for name, spec in case["arrays"].items():
        path = os.path.join(root, spec["file"])
        a = np.fromfile(path, dtype="<f8")
        shape = tuple(spec["shape"])
        expected = int(np.prod(shape)) if shape else 1
        if a.size != expected:
            fail(f"{case['id']}: array {name} has {a.size} values, expected {expected} for shape {shape}")
        out[name] = a.reshape(shape)
    return out


def time_call(fn, reps, warmup, min_rep_ms):
    """Median and min per-call time in ms; calls are batched so one repetition lasts >= min_rep_ms."""
    for _ in range(warmup):
        fn()
    t0 = time.perf_counter()
    fn()
    one = (time.perf_counter() - t0) * 1e3
    inner = 1 if one >= min_rep_ms else max(1, int(min_rep_ms / max(one, 1e-6)) + 1)
    samples = []
    for _ in range(reps):
        t0 = time.perf_counter()
        for _ in range(inner):
            fn()
        samples.append((time.perf_counter() - t0) * 1e3 / inner)
    return {"medianMs": statistics.median(samples), "minMs": min(samples), "reps": reps, "inner": inner, "samplesMs": samples}


def spectral_radius(a):
    return float(np.abs(np.linalg.eigvals(a)).max())


def rel_diff(got, ref):
    scale = float(np.max(np.abs(ref)))
    return float(np.max(np.abs(got - ref))) / (scale if scale > 0 else 1.0)


def sigmoid(v):
    return 1.0 / (1.0 + np.exp(-v))


# ---------------------------------------------------------------------------------------------
# Eigenvalue cases
# ---------------------------------------------------------------------------------------------


def lapack_phases(a, reps):
    """Times LAPACK's phases of dgeev(jobvl=N, jobvr=N): dgebal, dgehrd, and the whole dgeev
    (the QR phase dhseqr, which scipy does not wrap, is dgeev minus the other two)."""
    try:
        from scipy.linalg import lapack
    except ImportError:
        return None
    af = np.asfortranarray(a)

    def bal():
        return lapack.dgebal(af, permute=1, scale=1)

    ba, lo, hi, _, info = bal()
    if info != 0:
        return None

    def hrd():
        return lapack.dgehrd(ba, lo=lo, hi=hi)

    def geev():
        return lapack.dgeev(af, compute_vl=0, compute_vr=0)

    r = {
        "balance": time_call(bal, reps, 1, 0),
        "hessenberg": time_call(hrd, reps, 1, 0),
        "dgeev": time_call(geev, reps, 1, 0),
    }
    r["qrByDifference"] = {"medianMs": r["dgeev"]["medianMs"] - r["balance"]["medianMs"] - r["hessenberg"]["medianMs"]}
    return r


def run_eig(case, arrays):
    a = arrays["A"]
    reps, warmup = case["reps"], case["warmup"]
    out = {"rho": spectral_radius(a)}
    out["eigvals"] = time_call(lambda: np.abs(np.linalg.eigvals(a)).max(), reps, warmup, 0)
    if case.get("blockSize"):
        b = case["blockSize"]
        n = a.shape[0]
        blocks = [np.ascontiguousarray(a[s:s + b, s:s + b]) for s in range(0, n, b)]

        def per_block():
            return max(float(np.abs(np.linalg.eigvals(blk)).max()) for blk in blocks)

        out["rhoPerBlock"] = per_block()
        out["eigvalsPerBlock"] = time_call(per_block, case.get("repsPerBlock", reps), warmup, 20)
        # Same but slicing the blocks inside the timed call (what a user holding the full
        # matrix would write).
        out["eigvalsPerBlockSliced"] = time_call(
            lambda: max(float(np.abs(np.linalg.eigvals(a[s:s + b, s:s + b])).max()) for s in range(0, n, b)),
            case.get("repsPerBlock", reps), warmup, 20)
    if case.get("phases"):
        out["phases"] = lapack_phases(a, case.get("phaseReps", 5))
    if case.get("arpack"):
        try:
            from scipy.sparse.linalg import eigs

            v0 = np.ones(a.shape[0]) / np.sqrt(a.shape[0])

            def arpack():
                return float(np.abs(eigs(a, k=1, which="LM", ncv=40, tol=1e-10, v0=v0, return_eigenvectors=False)).max())

            out["rhoArpack"] = arpack()
            out["arpack"] = time_call(arpack, case.get("repsArpack", reps), warmup, 20)
        except Exception as exc:  # scipy missing or ARPACK failure: information only
            out["arpackError"] = repr(exc)
    return out


# ---------------------------------------------------------------------------------------------
# Cell cases: vectorized numpy implementations of exactly lrdkit's equations
# ---------------------------------------------------------------------------------------------


def gru_reference(arr):
    """GRU (reset_after=True): forward and the analytic state Jacobian
    J = diag(z) + diag(a) U_z + diag(delta q r (1-r)) U_r + diag(delta r) U_n,
    a = (h - n) z (1 - z), delta = (1 - z)(1 - n^2), q = U_n h + c_n."""
    hsz = arr["z.recurrent"].shape[0]
    # Stack the three gates once (weight preparation, not timed): one (3h x d) and one (3h x h) GEMV per step.
    w_in = np.ascontiguousarray(np.vstack([arr["z.input"], arr["r.input"], arr["n.input"]]))
    w_rec = np.ascontiguousarray(np.vstack([arr["z.recurrent"], arr["r.recurrent"], arr["n.recurrent"]]))
    b_in = np.concatenate([arr["z.inputBias"], arr["r.inputBias"], arr["n.inputBias"]])
    b_rec = np.concatenate([arr["z.recurrentBias"], arr["r.recurrentBias"], arr["n.recurrentBias"]])
    uz, ur, un = arr["z.recurrent"], arr["r.recurrent"], arr["n.recurrent"]
    diag = np.arange(hsz)

    def step_and_jacobian(h, x):
        gi = w_in @ x + b_in
        gh = w_rec @ h + b_rec
        z = sigmoid(gi[:hsz] + gh[:hsz])
        r = sigmoid(gi[hsz:2 * hsz] + gh[hsz:2 * hsz])
        q = gh[2 * hsz:]
        n = np.tanh(gi[2 * hsz:] + r * q)
        nxt = z * h + (1.0 - z) * n
        a = (h - n) * z * (1.0 - z)
        delta = (1.0 - z) * (1.0 - n * n)
        jac = uz * a[:, None]
        jac += ur * (delta * q * r * (1.0 - r))[:, None]
        jac += un * (delta * r)[:, None]
        jac[diag, diag] += z
        return nxt, jac

    return step_and_jacobian


def lstm_reference(arr):
    """LSTM, state [h; c]: c' = f c + i g, h' = o tanh(c'), and the state Jacobian
    [[diag(tau o (1-o)) U_o + diag(o (1-tau^2)) D, diag(o (1-tau^2) f)], [D, diag(f)]],
    D = dc'/dh = diag(c f (1-f)) U_f + diag(g i (1-i)) U_i + diag(i (1-g^2)) U_g."""
    hsz = arr["i.recurrent"].shape[0]
    gates = ["i", "f", "g", "o"]
    w_in = np.ascontiguousarray(np.vstack([arr[f"{k}.input"] for k in gates]))
    w_rec = np.ascontiguousarray(np.vstack([arr[f"{k}.recurrent"] for k in gates]))
    bias = np.concatenate([arr[f"{k}.inputBias"] + arr[f"{k}.recurrentBias"] for k in gates])
    ui, uf, ug, uo = (arr[f"{k}.recurrent"] for k in gates)
    diag = np.arange(hsz)

    def step_and_jacobian(s, x):
        h, c = s[:hsz], s[hsz:]
        pre = w_in @ x + w_rec @ h + bias
        i = sigmoid(pre[:hsz])
        f = sigmoid(pre[hsz:2 * hsz])
        g = np.tanh(pre[2 * hsz:3 * hsz])
        o = sigmoid(pre[3 * hsz:])
        c2 = f * c + i * g
        tau = np.tanh(c2)
        nxt = np.concatenate([o * tau, c2])
        ot = o * (1.0 - tau * tau)
        jac = np.zeros((2 * hsz, 2 * hsz))
        dc = jac[hsz:, :hsz]
        np.multiply(uf, (c * f * (1.0 - f))[:, None], out=dc)
        dc += ui * (g * i * (1.0 - i))[:, None]
        dc += ug * (i * (1.0 - g * g))[:, None]
        dh = jac[:hsz, :hsz]
        np.multiply(uo, (tau * o * (1.0 - o))[:, None], out=dh)
        dh += dc * ot[:, None]
        jac[diag, hsz + diag] = ot * f
        jac[hsz + diag, hsz + diag] = f
        return nxt, jac

    return step_and_jacobian


def run_cell(case, arrays):
    build = gru_reference if case["kind"] == "gru" else lstm_reference
    fn = build(arrays)
    s, x = arrays["state"], arrays["input"]
    nxt, jac = fn(s, x)
    d_next = rel_diff(nxt, arrays["lrdkitNext"])
    d_jac = rel_diff(jac, arrays["lrdkitJacobian"])
    if not (d_next <= CELL_RTOL and d_jac <= CELL_RTOL):
        fail(f"{case['id']}: numpy and lrdkit disagree (next state rel diff {d_next:.3e}, Jacobian rel diff "
             f"{d_jac:.3e}, tolerance {CELL_RTOL:.0e}): the benchmark would not compare equal work")
    out = {"relDiffNext": d_next, "relDiffJacobian": d_jac}
    out["stepJacobian"] = time_call(lambda: fn(s, x), case["reps"], case["warmup"], 20)
    return out


# ---------------------------------------------------------------------------------------------


def openblas_info():
    try:
        with open("/proc/self/maps") as fh:
            libs = sorted({line.split()[-1] for line in fh if "openblas" in line and line.split()[-1].startswith("/")})
        for lib in libs:
            if "libopenblas" in os.path.basename(lib):
                so = ctypes.CDLL(lib)
                so.openblas_get_config.restype = ctypes.c_char_p
                so.openblas_get_num_threads.restype = ctypes.c_int
                return {"library": lib, "config": so.openblas_get_config().decode(), "threads": so.openblas_get_num_threads()}
        return {"libraries": libs}
    except Exception as exc:  # information only
        return {"error": repr(exc)}


def main():
    if len(sys.argv) != 3:
        fail("usage: reference.py MANIFEST.json OUTPUT.json")
    if os.environ.get("OPENBLAS_NUM_THREADS") != "1":
        fail("OPENBLAS_NUM_THREADS must be 1 (single-threaded LAPACK, to compare with single-threaded JS)")
    manifest_path, output_path = sys.argv[1], sys.argv[2]
    root = os.path.dirname(os.path.abspath(manifest_path))
    with open(manifest_path) as fh:
        manifest = json.load(fh)
    np.linalg.eigvals(np.eye(4))  # load LAPACK before reading its configuration
    try:
        import scipy

        scipy_version = scipy.__version__
    except ImportError:
        scipy_version = None
    result = {
        "meta": {
            "python": platform.python_version(),
            "numpy": np.__version__,
            "scipy": scipy_version,
            "openblas": openblas_info(),
            "threadsEnv": {k: os.environ.get(k) for k in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")},
        },
        "cases": {},
    }
    for case in manifest["cases"]:
        t0 = time.perf_counter()
        arrays = load_arrays(case, root)
        if case["type"] == "eig":
            out = run_eig(case, arrays)
        elif case["type"] == "cell":
            out = run_cell(case, arrays)
        else:
            fail(f"unknown case type {case['type']!r}")
        result["cases"][case["id"]] = out
        sys.stderr.write(f"  numpy {case['id']}: done in {time.perf_counter() - t0:.1f} s\n")
    with open(output_path, "w") as fh:
        json.dump(result, fh)


if __name__ == "__main__":
    main()
