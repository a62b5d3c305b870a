#!/usr/bin/python3
"""PyTorch reference of lrdkit's training step (bench/train.js runs it).

    train_reference.py MANIFEST OUT.json

Reads the models' initial weights and the token batch written by bench/train.js and trains the
same model two ways:

- "fused": what a PyTorch user gets by default, torch.nn.GRU / torch.nn.LSTM (one module per
  block: g modules on the g slices of the input, g = 1 for a dense layer), the weights copied
  from lrdkit's (Keras gate order z, r, n / i, f, c, o reordered to PyTorch's r, z, n / i, f, g,
  o, kernels transposed; the GRU's recurrent bias is bias_hh, the LSTM's bias_hh is zero);
- "loop": a custom loop of the same block-diagonal cell
(Keras gate order z, r, n, reset_after; or LSTM i, f, c, o; g blocks as batched matrices, torch.baddbmm per step),
the same one-hot input projection (folded into a V-row table per block and gathered, as lrdkit
does), the same softmax readout and mean cross-entropy, autograd for the gradient, global norm
clipping (torch.nn.utils.clip_grad_norm_) and torch.optim.RMSprop (alpha 0.9, eps 1e-7, no
momentum). For each configuration, style and torch thread count in the manifest it runs warm-up
steps, then times `steps` optimisation steps (time.perf_counter for wall time,
time.process_time for CPU time) and reports sequences per second. It also reports the loss of
the very first step (fresh weights), which bench/train.js compares with lrdkit's. Last, the
float32 GEMM peak of the machine as torch sees it: torch.mm of 512 x 512 matrices per thread
count, best of 20 (meta.gemmPeakGflops).

Environment: OPENBLAS_NUM_THREADS=1 (bench/train.js sets it; the script refuses to run
otherwise); torch threads as listed in the manifest (torch.set_num_threads).
"""
import json
import os
import platform
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F


def load(manifest_path):
    with open(manifest_path) as f:
        manifest = json.load(f)
    base = os.path.dirname(manifest_path)
    weights = np.fromfile(os.path.join(base, manifest["weightsFile"]), dtype="<f4")
    tokens = np.fromfile(os.path.join(base, manifest["tokensFile"]), dtype="<i4")
    return manifest, weights, tokens


def lrdkit_tensors(cfg, weights):
    out = {}
    for t in cfg["tensors"]:
        n = int(np.prod(t["shape"]))
        out[t["name"]] = torch.from_numpy(weights[t["offset"]: t["offset"] + n].reshape(t["shape"]).copy())
    return out


class LoopModel:
    """The lrdkit copy-task model (GRU or LSTM, g blocks) as a custom per-step loop."""

    def __init__(self, cfg, weights):
        self.cfg = cfg
        self.params = {k: torch.nn.Parameter(v) for k, v in lrdkit_tensors(cfg, weights).items()}

    def parameters(self):
        return list(self.params.values())

    def loss(self, inputs, targets):
        c = self.cfg
        g, H, L, T, B = c["groups"], c["hiddenSize"], c["layers"], c["steps"], c["batch"]
        V, hb, N = c["inputVocabulary"], H // g, T * B
        lstm = c["kind"] == "lstm"
        G = 4 if lstm else 3
        p = self.params
        y = None
        for l in range(L):
            W, U, b = p[f"layer{l}/kernel"], p[f"layer{l}/recurrent_kernel"], p[f"layer{l}/bias"]
            if l == 0:
                E = p["embedding"].reshape(V, g, hb).transpose(0, 1)  # [g, V, hb]
                xp = torch.baddbmm(b, E, W)[:, inputs]  # [g, N, G hb]
            else:
                xp = torch.baddbmm(b, y, W)
            xp = xp.reshape(g, T, B, G * hb)
            h = torch.zeros(g, B, hb)
            cell = torch.zeros(g, B, hb)
            outs = []
            for t in range(T):
                if lstm:
                    a = xp[:, t] + torch.bmm(h, U)
                    ai, af, ag, ao = a.split(hb, -1)
                    cell = torch.sigmoid(af) * cell + torch.sigmoid(ai) * torch.tanh(ag)
                    h = torch.sigmoid(ao) * torch.tanh(cell)
                else:
                    hu = torch.baddbmm(p[f"layer{l}/recurrent_bias"], h, U)
                    xz, xr, xn = xp[:, t].split(hb, -1)
                    hz, hr, hn = hu.split(hb, -1)
                    z = torch.sigmoid(xz + hz)
                    r = torch.sigmoid(xr + hr)
                    n = torch.tanh(xn + r * hn)
                    h = n + z * (h - n)
                outs.append(h)
            y = torch.stack(outs, 1).reshape(g, N, hb)
        logits = torch.addmm(p["readout/bias"], y.transpose(0, 1).reshape(N, H), p["readout/kernel"])
        return F.cross_entropy(logits, targets)


def keras_to_torch_gates(w, kind, hb):
    """Columns (last axis) from Keras gate order to PyTorch's: GRU z, r, n -> r, z, n; LSTM unchanged."""
    if kind == "lstm":
        return w
    z, r, n = w.split(hb, -1)
    return torch.cat([r, z, n], -1)


class FusedModel:
    """The same model with torch.nn.GRU / torch.nn.LSTM, one module per block."""

    def __init__(self, cfg, weights):
        self.cfg = cfg
        t = lrdkit_tensors(cfg, weights)
        g, H, L, kind = cfg["groups"], cfg["hiddenSize"], cfg["layers"], cfg["kind"]
        hb = H // g
        self.embedding = torch.nn.Parameter(t["embedding"])
        self.readout_kernel = torch.nn.Parameter(t["readout/kernel"])
        self.readout_bias = torch.nn.Parameter(t["readout/bias"])
        self.layers = []
        with torch.no_grad():
            for l in range(L):
                blocks = []
                for k in range(g):
                    m = (torch.nn.LSTM if kind == "lstm" else torch.nn.GRU)(hb, hb)
                    m.weight_ih_l0.copy_(keras_to_torch_gates(t[f"layer{l}/kernel"][k], kind, hb).t())
                    m.weight_hh_l0.copy_(keras_to_torch_gates(t[f"layer{l}/recurrent_kernel"][k], kind, hb).t())
                    m.bias_ih_l0.copy_(keras_to_torch_gates(t[f"layer{l}/bias"][k, 0], kind, hb))
                    if kind == "lstm":
                        m.bias_hh_l0.zero_()
                    else:
                        m.bias_hh_l0.copy_(keras_to_torch_gates(t[f"layer{l}/recurrent_bias"][k, 0], kind, hb))
                    blocks.append(m)
                self.layers.append(blocks)

    def parameters(self):
        ps = [self.embedding, self.readout_kernel, self.readout_bias]
        for blocks in self.layers:
            for m in blocks:
                ps.extend(m.parameters())
        return ps

    def loss(self, inputs, targets):
        c = self.cfg
        g, H, T, B = c["groups"], c["hiddenSize"], c["steps"], c["batch"]
        hb, N = H // g, T * B
        x = self.embedding[inputs].reshape(T, B, H)
        for blocks in self.layers:
            x = torch.cat([m(x[:, :, k * hb:(k + 1) * hb])[0] for k, m in enumerate(blocks)], -1)
        logits = torch.addmm(self.readout_bias, x.reshape(N, H), self.readout_kernel)
        return F.cross_entropy(logits, targets)


def gemm_peak(threads, n=512, repeats=20):
    """float32 GEMM GFLOP/s of torch.mm (n x n x n) with the given thread count: the best of `repeats`."""
    torch.set_num_threads(threads)
    a, b = torch.randn(n, n), torch.randn(n, n)
    for _ in range(3):
        torch.mm(a, b)
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        torch.mm(a, b)
        best = min(best, time.perf_counter() - t0)
    return 2 * n ** 3 / best / 1e9


def main():
    if os.environ.get("OPENBLAS_NUM_THREADS") != "1":
        sys.exit("train_reference.py: expected OPENBLAS_NUM_THREADS=1 (set by bench/train.js)")
    manifest_path, out_path = sys.argv[1], sys.argv[2]
    manifest, weights, tokens = load(manifest_path)
    results = []
    for cfg in manifest["configs"]:
        N = cfg["steps"] * cfg["batch"]
        inputs = torch.from_numpy(tokens[cfg["tokensOffset"]: cfg["tokensOffset"] + N].astype(np.int64))
        targets = torch.from_numpy(tokens[cfg["tokensOffset"] + N: cfg["tokensOffset"] + 2 * N].astype(np.int64))
        for threads in manifest["torchThreads"]:
            for style, Model in (("fused", FusedModel), ("loop", LoopModel)):
                torch.set_num_threads(threads)
                model = Model(cfg, weights)
                params = model.parameters()
                opt = torch.optim.RMSprop(params, lr=cfg["learningRate"], alpha=0.9, eps=1e-7, momentum=0.0)

                def step():
                    opt.zero_grad(set_to_none=True)
                    loss = model.loss(inputs, targets)
                    loss.backward()
                    torch.nn.utils.clip_grad_norm_(params, cfg["clipNorm"])
                    opt.step()
                    return float(loss.detach())

                first_loss = step()
                for _ in range(manifest["warmupSteps"]):
                    step()
                t0, c0 = time.perf_counter(), time.process_time()
                for _ in range(manifest["timedSteps"]):
                    step()
                wall = time.perf_counter() - t0
                cpu = time.process_time() - c0
                results.append({
                    "config": cfg["name"],
                    "threads": threads,
                    "style": style,
                    "firstLoss": first_loss,
                    "wallSeconds": wall,
                    "cpuSeconds": cpu,
                    "sequencesPerSecond": manifest["timedSteps"] * cfg["batch"] / wall,
                })
    peaks = {str(n): gemm_peak(n) for n in manifest["torchThreads"]}
    meta = {"gemmPeakGflops": peaks, "python": platform.python_version(), "torch": torch.__version__, "numpy": np.__version__,
            "openblasThreads": os.environ.get("OPENBLAS_NUM_THREADS")}
    with open(out_path, "w") as f:
        json.dump({"meta": meta, "results": results}, f)


if __name__ == "__main__":
    main()
