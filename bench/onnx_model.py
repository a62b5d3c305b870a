"""The ONNX reading benchmark's model and its Python reference (bench/onnx-read.js runs both).

    /usr/bin/python3 bench/onnx_model.py write OUT.onnx   writes the model (about 50 MB, seeded)
    /usr/bin/python3 bench/onnx_model.py time OUT.onnx    prints JSON {seconds: [...]}: onnx.load
                                                          + numpy_helper.to_array of the two LSTMs'
                                                          W, R, B, best of 5 (the reference)

Model: x (T, 1, 512) -> Conv front-end stand-in (MatMul by a 512 x 512 weight) -> LSTM(512) ->
Squeeze -> LSTM(512) -> Squeeze -> MatMul by a 512 x 16384 readout (the bulk of the file, like a
vocabulary projection) -> Add bias -> Softmax. W, R, B are initializers (float32 raw_data).
Requires Debian's python3-onnx and numpy; OPENBLAS_NUM_THREADS=1.
"""
import json
import sys
import time

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

H = 512
VOCAB = 16384


def build():
    rng = np.random.default_rng(20180409)
    f32 = lambda *s: rng.uniform(-0.05, 0.05, size=s).astype(np.float32)  # noqa: E731
    inits = [numpy_helper.from_array(f32(H, H), "front_w")]
    nodes = [helper.make_node("MatMul", ["x", "front_w"], ["front"], name="front_matmul")]
    prev = "front"
    for k in range(2):
        inits += [numpy_helper.from_array(f32(1, 4 * H, H), f"W{k}"), numpy_helper.from_array(f32(1, 4 * H, H), f"R{k}"), numpy_helper.from_array(f32(1, 8 * H), f"B{k}")]
        inits.append(numpy_helper.from_array(np.array([1], dtype=np.int64), f"axes{k}"))
        nodes += [helper.make_node("LSTM", [prev, f"W{k}", f"R{k}", f"B{k}"], [f"y{k}"], name=f"LSTM_{k}", hidden_size=H),
                  helper.make_node("Squeeze", [f"y{k}", f"axes{k}"], [f"s{k}"], name=f"Squeeze_{k}")]
        prev = f"s{k}"
    inits += [numpy_helper.from_array(f32(H, VOCAB), "readout_w"), numpy_helper.from_array(f32(VOCAB), "readout_b")]
    nodes += [helper.make_node("MatMul", [prev, "readout_w"], ["logits0"], name="readout"),
              helper.make_node("Add", ["logits0", "readout_b"], ["logits"], name="bias"),
              helper.make_node("Softmax", ["logits"], ["p"], name="softmax", axis=-1)]
    g = helper.make_graph(nodes, "lstm_benchmark", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [16, 1, H])],
                          [helper.make_tensor_value_info("p", TensorProto.FLOAT, [16, 1, VOCAB])], initializer=inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 14)], producer_name="lrdkit-bench")
    m.ir_version = 7
    return m


def main():
    cmd, path = sys.argv[1], sys.argv[2]
    if cmd == "write":
        with open(path, "wb") as f:
            f.write(build().SerializeToString())
        return
    seconds = []
    for _ in range(5):
        t0 = time.perf_counter()
        m = onnx.load(path)
        inits = {t.name: t for t in m.graph.initializer}
        arrays = [numpy_helper.to_array(inits[n]).astype(np.float64) for k in range(2) for n in (f"W{k}", f"R{k}", f"B{k}")]
        seconds.append(time.perf_counter() - t0)
        assert sum(a.size for a in arrays) == 2 * (2 * 4 * H * H + 8 * H)
    print(json.dumps({"seconds": seconds}))


if __name__ == "__main__":
    main()
