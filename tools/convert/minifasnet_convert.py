#!/usr/bin/python3
"""MiniVision Silent-Face-Anti-Spoofing MiniFASNet .pth -> facegate model file (.fgm).

Run once by hand (not at build time; needs only the stdlib + numpy, no PyTorch):
  /usr/bin/python3 tools/convert/minifasnet_convert.py 2.7_80x80_MiniFASNetV2.pth models/liveness/minifasnet_v2_2.7.fgm
  /usr/bin/python3 tools/convert/minifasnet_convert.py 4_0_0_80x80_MiniFASNetV1SE.pth models/liveness/minifasnet_v1se_4.0.fgm
The .pth files are PyTorch's legacy (pre-1.6) serialisation: pickled magic, protocol, sys
info, the state dict (storages as persistent ids), the storage keys, then each storage's
raw bytes after an int64 element count. BatchNorm (eps 1e-5) is folded into the preceding
conv / linear. The graph follows src/model_lib/MiniFASNet.py layer by layer; the file layout
is runtime/core/model_format.h (docs/model-format.md), written like model_writer.cc.
"""
import pickle
import struct
import sys
import zlib

import numpy as np

DTYPES = {'FloatStorage': np.float32, 'LongStorage': np.int64, 'IntStorage': np.int32}


def read_legacy_pth(path):
    f = open(path, 'rb')
    storages = {}

    class Unpickler(pickle.Unpickler):
        def find_class(self, module, name):
            if module == 'torch._utils' and name == '_rebuild_tensor_v2':
                return lambda st, off, size, stride, *rest: ('tensor', st, off, tuple(size), tuple(stride))
            if module == 'torch' and name in DTYPES:
                return name
            if module == 'collections' and name == 'OrderedDict':
                import collections
                return collections.OrderedDict
            raise pickle.UnpicklingError('unexpected class %s.%s' % (module, name))

        def persistent_load(self, pid):
            _, storage_type, key, _location, numel = pid[:5]
            storages.setdefault(key, (storage_type, numel))
            return key

    for _ in range(3):  # magic, protocol version, sys info
        pickle.load(f)
    state = Unpickler(f).load()
    keys = pickle.load(f)
    data = {}
    for key in keys:
        numel = struct.unpack('<q', f.read(8))[0]
        dt = np.dtype(DTYPES[storages[key][0]])
        data[key] = np.frombuffer(f.read(numel * dt.itemsize), dtype=dt)
    out = {}
    for name, (_, key, off, size, stride) in state.items():
        flat = data[key]
        arr = np.lib.stride_tricks.as_strided(flat[off:], shape=size,
                                              strides=[s * flat.itemsize for s in stride])
        out[name[7:] if name.startswith('module.') else name] = np.array(arr, dtype=np.float64)
    return out


class Builder:
    def __init__(self, net_name):
        self.net_name = net_name
        self.tensors = []  # (name, dtype, role, dims, bytes)
        self.ops = []
        self.shape = {}

    def tensor(self, name, role, dims, data=b''):
        self.tensors.append((name, role, list(dims), data))
        self.shape[len(self.tensors) - 1] = list(dims)
        return len(self.tensors) - 1

    def const(self, name, arr):
        arr = np.ascontiguousarray(arr, dtype='<f4')
        return self.tensor(name, 1, arr.shape, arr.tobytes())

    def op(self, type_, inputs, out, act=0, k=1, s=1, pads=(0, 0, 0, 0)):
        ins = list(inputs) + [-1] * (4 - len(inputs))
        self.ops.append(struct.pack('<HBB4ii4i4if4s', type_, act, 0, *ins, out, k, k, s, s, *pads, 0.0, b''))

    def serialize(self):
        align = lambda v: (v + 63) // 64 * 64
        tensors_offset = 128
        ops_offset = tensors_offset + 96 * len(self.tensors)
        data_offset = align(ops_offset + 64 * len(self.ops))
        records, blobs, cursor = [], [], 0
        for name, role, dims, data in self.tensors:
            d = dims + [1] * (4 - len(dims))
            off = cursor if data else 0
            if data:
                blobs.append((cursor, data))
                cursor = align(cursor + len(data))
            records.append(struct.pack('<40sBBBB4iQQfiIQ', name.encode(), 0, role, len(dims), 0, *d,
                                       off, len(data), 0.0, 0, 0, 0))
        file_bytes = data_offset + cursor
        buf = bytearray(file_bytes)
        buf[tensors_offset:ops_offset] = b''.join(records)
        buf[ops_offset:ops_offset + 64 * len(self.ops)] = b''.join(self.ops)
        for off, data in blobs:
            buf[data_offset + off:data_offset + off + len(data)] = data

        def header(crc):
            return struct.pack('<8sIIQIIQQQQII16s40s', b'FGMODEL\0', 1, 128, file_bytes, len(self.tensors),
                               len(self.ops), tensors_offset, ops_offset, data_offset, cursor, crc, 0,
                               self.net_name.encode(), b'')
        buf[0:128] = header(0)
        buf[0:128] = header(zlib.crc32(bytes(buf)) & 0xffffffff)
        return bytes(buf)


CONV, DWCONV, ADD, GAP, FC, PRELU, MULC, SIGMOID, SOFTMAX = 1, 2, 5, 6, 7, 10, 11, 12, 13


def fold_bn(w, sd, bn):
    scale = sd[bn + '.weight'] / np.sqrt(sd[bn + '.running_var'] + 1e-5)
    bias = sd[bn + '.bias'] - sd[bn + '.running_mean'] * scale
    return w * scale.reshape([-1] + [1] * (w.ndim - 1)), bias


def window_out(n, k, s, p):
    return (n + 2 * p - k) // s + 1


def conv(b, sd, x, name, k, s, p, prelu):
    """Conv_block (conv + bn + prelu) or Linear_block (conv + bn): torch OIHW -> our HWIO / HWC."""
    w, bias = fold_bn(sd[name + '.conv.weight'], sd, name + '.bn')
    h, wd, c = b.shape[x]
    cout = w.shape[0]
    depthwise = w.shape[1] == 1 and cout == c and c > 1
    filt = w[:, 0].transpose(1, 2, 0) if depthwise else w.transpose(2, 3, 1, 0)
    fi, bi = b.const(name + ':w', filt), b.const(name + ':b', bias)
    oh, ow = window_out(h, k, s, p), window_out(wd, k, s, p)
    y = b.tensor(name, 0, [oh, ow, cout])
    b.op(DWCONV if depthwise else CONV, [x, fi, bi], y, k=k, s=s, pads=(p, p, p, p))
    if not prelu:
        return y
    a = b.const(name + '.prelu', sd[name + '.prelu.weight'])
    z = b.tensor(name + '.prelu', 0, [oh, ow, cout])
    b.op(PRELU, [y, a], z)
    return z


def fc(b, x, name, w_out_in, bias, act=0):
    wi = b.const(name + ':w', w_out_in.T)
    bi = b.const(name + ':b', bias)
    y = b.tensor(name, 0, [w_out_in.shape[0]])
    b.op(FC, [x, wi, bi], y, act=act)
    return y


def se(b, sd, x, name):
    c = b.shape[x][2]
    g = b.tensor(name + '.pool', 0, [c])
    b.op(GAP, [x], g)
    w1, b1 = fold_bn(sd[name + '.fc1.weight'][:, :, 0, 0], sd, name + '.bn1')
    h = fc(b, g, name + '.fc1', w1, b1, act=1)
    w2, b2 = fold_bn(sd[name + '.fc2.weight'][:, :, 0, 0], sd, name + '.bn2')
    s = fc(b, h, name + '.fc2', w2, b2)
    sg = b.tensor(name + '.gate', 0, [c])
    b.op(SIGMOID, [s], sg)
    y = b.tensor(name + '.scaled', 0, b.shape[x])
    b.op(MULC, [x, sg], y)
    return y


def depth_wise(b, sd, x, name, stride, residual):
    y = conv(b, sd, x, name + '.conv', 1, 1, 0, True)
    y = conv(b, sd, y, name + '.conv_dw', 3, stride, 1, True)
    y = conv(b, sd, y, name + '.project', 1, 1, 0, False)
    if not residual:
        return y
    if name + '.se_module.fc1.weight' in sd:
        y = se(b, sd, y, name + '.se_module')
    z = b.tensor(name + '.add', 0, b.shape[y])
    b.op(ADD, [x, y], z)
    return z


def build(sd, net_name):
    b = Builder(net_name)
    x = b.tensor('input_bgr', 2, [80, 80, 3])
    x = conv(b, sd, x, 'conv1', 3, 2, 1, True)
    x = conv(b, sd, x, 'conv2_dw', 3, 1, 1, True)
    x = depth_wise(b, sd, x, 'conv_23', 2, False)
    for i in range(4):
        x = depth_wise(b, sd, x, 'conv_3.model.%d' % i, 1, True)
    x = depth_wise(b, sd, x, 'conv_34', 2, False)
    for i in range(6):
        x = depth_wise(b, sd, x, 'conv_4.model.%d' % i, 1, True)
    x = depth_wise(b, sd, x, 'conv_45', 2, False)
    for i in range(2):
        x = depth_wise(b, sd, x, 'conv_5.model.%d' % i, 1, True)
    x = conv(b, sd, x, 'conv_6_sep', 1, 1, 0, True)
    x = conv(b, sd, x, 'conv_6_dw', 5, 1, 0, False)  # 5x5 valid on the 5x5 map -> [1,1,512]
    w, bias = fold_bn(sd['linear.weight'], sd, 'bn')
    x = fc(b, x, 'linear', w, bias)
    x = fc(b, x, 'prob', sd['prob.weight'], np.zeros(sd['prob.weight'].shape[0]))
    y = b.tensor('softmax', 3, [b.shape[x][0]])
    b.op(SOFTMAX, [x], y)
    used = {n for n in sd if not n.endswith('num_batches_tracked')}
    return b


def main():
    if len(sys.argv) != 3:
        sys.exit('usage: minifasnet_convert.py IN.pth OUT.fgm')
    sd = read_legacy_pth(sys.argv[1])
    b = build(sd, 'liveness')
    open(sys.argv[2], 'wb').write(b.serialize())
    print('%s: %d tensors, %d ops' % (sys.argv[2], len(b.tensors), len(b.ops)))


if __name__ == '__main__':
    main()
