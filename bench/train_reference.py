#!/usr/bin/python3
"""PyTorch reference of lrdkit's training step (bench/train.js runs it).

    train_reference.py MANIFEST OUT.json

Reads the models' initial weights and the token batch written by bench/train.js and trains the
same model the way a PyTorch user with a custom loop would: the same block-diagonal GRU
(Keras gate order z, r, n, reset_after; g blocks as batched matrices, torch.baddbmm per step),
the same one-hot input projection (folded into a V-row table per block and gathered, as lrdkit
does), the same softmax readout and mean cross-entropy, autograd for the gradient, global norm
clipping (torch.nn.utils.clip_grad_norm_) and torch.optim.RMSprop (alpha 0.9, eps 1e-7, no
momentum). For each configuration and each torch thread count in the manifest it runs warm-up
steps, then times `steps` optimisation steps (time.perf_counter for wall time,
time.process_time for CPU time) and reports sequences per second. It also reports the loss of
the very first step (fresh weights), which bench/train.js compares with lrdkit's.

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


class Model:
    """The lrdkit copy-task model (GRU, g blocks) with parameters from lrdkit's initial weights."""

    def __init__(self, cfg, weights):
        self.cfg = cfg
        self.params = {}
        for t in cfg["tensors"]:
            n = int(np.prod(t["shape"]))
            arr = weights[t["offset"]: t["offset"] + n].reshape(t["shape"]).copy()
            self.params[t["name"]] = torch.nn.Parameter(torch.from_numpy(arr))

    def parameters(self):
        return list(self.params.values())

    def loss(self, inputs, targets):
        c = self.cfg
        g, H, L, T, B = c["groups"], c["hiddenSize"], c["layers"], c["steps"], c["batch"]
        V, hb, N = c["inputVocabulary"], H // g, T * B
        p = self.params
        y = None
        for l in range(L):
            W, U = p[f"layer{l}/kernel"], p[f"layer{l}/recurrent_kernel"]
            b, cb = p[f"layer{l}/bias"], p[f"layer{l}/recurrent_bias"]
            if l == 0:
                E = p["embedding"].reshape(V, g, hb).transpose(0, 1)  # [g, V, hb]
                xp = torch.baddbmm(b, E, W)[:, inputs]  # [g, N, 3hb]
            else:
                xp = torch.baddbmm(b, y, W)
            xp = xp.reshape(g, T, B, 3 * hb)
            h = torch.zeros(g, B, hb)
            outs = []
            for t in range(T):
                hu = torch.baddbmm(cb, h, U)
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
                "firstLoss": first_loss,
                "wallSeconds": wall,
                "cpuSeconds": cpu,
                "sequencesPerSecond": manifest["timedSteps"] * cfg["batch"] / wall,
            })
    meta = {"python": platform.python_version(), "torch": torch.__version__, "numpy": np.__version__,
            "openblasThreads": os.environ.get("OPENBLAS_NUM_THREADS")}
    with open(out_path, "w") as f:
        json.dump({"meta": meta, "results": results}, f)


if __name__ == "__main__":
    main()
