#!/usr/bin/python3
"""Golden outputs of the upstream MiniFASNet code (PyTorch, run once by hand, not in CI):
  /usr/bin/python3 tools/convert/minifasnet_golden.py UPSTREAM_SRC_DIR MODELS_DIR > tests/data/liveness_golden.txt
UPSTREAM_SRC_DIR holds src/model_lib/MiniFASNet.py of minivision-ai/Silent-Face-Anti-Spoofing,
MODELS_DIR the two .pth files. Inputs are synthetic 80x80x3 BGR patterns in 0..255 that
tests/test_liveness_nets.cc rebuilds bit for bit: v = (x*7 + y*13 + c*29 + k*53) % 256.
"""
import sys
import numpy as np
import torch
import torch.nn.functional as F
sys.path.insert(0, sys.argv[1])
from MiniFASNet import MiniFASNetV2, MiniFASNetV1SE

for fname, ctor in (('2.7_80x80_MiniFASNetV2.pth', MiniFASNetV2), ('4_0_0_80x80_MiniFASNetV1SE.pth', MiniFASNetV1SE)):
    m = ctor(conv6_kernel=(5, 5))
    sd = torch.load(sys.argv[2] + '/' + fname, map_location='cpu')
    m.load_state_dict({k[7:] if k.startswith('module.') else k: v for k, v in sd.items()})
    m.eval()
    for k in range(24):
        y, x, c = np.meshgrid(np.arange(80), np.arange(80), np.arange(3), indexing='ij')
        img = ((x * 7 + y * 13 + c * 29 + k * 53) % 256).astype(np.float32)
        if k % 2:  # a smoother pattern too: half of the inputs are low-frequency gradients
            img = ((x * (k % 5 + 1) + y * 3 + c * 40 + k) % 256).astype(np.float32)
        t = torch.from_numpy(img.transpose(2, 0, 1)).unsqueeze(0)
        with torch.no_grad():
            p = F.softmax(m(t), dim=1)[0].numpy()
        print(fname.split('_')[0], k, ' '.join('%.8e' % v for v in p))
