#!/usr/bin/python3
"""YuNet ONNX -> TF.js-style weights manifest + .bin (float32), read by fg_convert --net yunet.

Runs once (Debian python3-onnx 1.12); its outputs are committed. Exact command:
  /usr/bin/python3 models/yunet/onnx_to_tfjs.py models/yunet/yunet_n_320_320.onnx models/yunet/yunet_n
Only the weights are exported: the topology is rebuilt by tools/convert/net_yunet.cc, and this
script asserts the ONNX graph is the one that builder assumes (Conv/Relu/MaxPool/Resize/Add
in upstream's order). Layout change: ONNX conv OIHW -> TF HWIO [kh][kw][cin][cout];
depthwise (group == cin) [c][1][kh][kw] -> [kh][kw][c][1].
Names: upstream's initializer names where BN folding kept them, else derived from the
neighbouring 1x1 conv (ConvDPUnit = conv1 1x1 then conv2 depthwise 3x3 + BN + ReLU).
"""
import json
import sys

import numpy as np
import onnx
from onnx import numpy_helper

src, out = sys.argv[1], sys.argv[2]
m = onnx.load(src)
init = {i.name: numpy_helper.to_array(i) for i in m.graph.initializer}
convs = [n for n in m.graph.node if n.op_type == "Conv"]
assert len(convs) == 59, len(convs)
weights, blobs, offset, prev = [], [], 0, None
for n in convs:
    attrs = {a.name: onnx.helper.get_attribute_value(a) for a in n.attribute}
    w, b = init[n.input[1]], init[n.input[2]]
    if n.input[1][0].isalpha():
        name = n.input[1][: -len(".weight")]
    elif prev is None:
        name = "backbone.model0.conv1"
    else:
        assert prev.endswith(".conv1"), prev
        name = prev[: -len(".conv1")] + ".conv2"
    prev = name
    group = attrs["group"]
    if group == 1:
        t = w.transpose(2, 3, 1, 0)  # OIHW -> HWIO
    else:
        assert group == w.shape[0] and w.shape[1] == 1, (name, w.shape)
        t = w.transpose(2, 3, 0, 1)  # C1HW -> HWC1
    for suffix, arr in (("/filters", t), ("/bias", b)):
        arr = np.ascontiguousarray(arr, dtype="<f4")
        weights.append({"name": name + suffix, "shape": list(arr.shape), "dtype": "float32"})
        blobs.append(arr.tobytes())
ops = [n.op_type for n in m.graph.node if n.op_type in ("Resize", "Add", "MaxPool")]
assert ops == ["MaxPool"] * 4 + ["Resize", "Add"] * 2, ops
for n in m.graph.node:
    if n.op_type == "Resize":
        a = {x.name: onnx.helper.get_attribute_value(x) for x in n.attribute}
        assert a["mode"] == b"nearest" and a["nearest_mode"] == b"floor", a
        assert list(init[n.input[2]]) == [1, 1, 2, 2], init[n.input[2]]
with open(out + ".bin", "wb") as f:
    f.write(b"".join(blobs))
name = out.split("/")[-1]
with open(out + "-weights_manifest.json", "w") as f:
    json.dump([{"paths": [name + ".bin"], "weights": weights}], f, indent=1)
print("wrote", out + ".bin", sum(len(x) for x in blobs), "bytes,", len(weights), "tensors")
