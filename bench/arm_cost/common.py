"""Shared by the arm_cost Python scripts: nets, MACs per net, run-file names."""
import json, os, re

NETS = ['recognition', 'recognition_int8', 'detector', 'detector_int8', 'landmark68', 'landmark68_int8',
        'minifasnet_v2_2.7', 'minifasnet_v2_2.7_int8', 'minifasnet_v1se_4.0', 'minifasnet_v1se_4.0_int8']
# MACs per inference (README's model table; detector at its default 416x416). An int8 net has
# the MACs of its f32 net. mbv1, the calibration workload, counts its 27 convolutions only.
MACS = {'recognition': 270.9e6, 'detector': 198.8e6, 'landmark68': 51.6e6, 'mbv1': 567.7e6,
        'minifasnet_v2_2.7': 40.72e6, 'minifasnet_v1se_4.0': 40.88e6}   # liveness nets (docs/liveness.md)
RUN = re.compile(r'(.+?)\.(.+)\.(native|xnnpack|f32|qc8)\.N(\d+)$')   # <cpu>.<net>.<backend>.N<n>
CLS = ['dot', 'mlal', 'fmla', 'widen', 'vec', 'fpsc', 'ldv', 'ldg', 'int', 'br']


def net_macs(net):
    return MACS.get(net, MACS.get(net.replace('_int8', '')))


def load_summary(counts_dir):
    """{(cpu, net, backend, n): run dict} from summary.json (tabulate.py)."""
    s = json.load(open(os.path.join(counts_dir, 'summary.json')))
    out = {}
    for k, v in s.items():
        cpu, net, be, n = k.split('|')
        out[(cpu, net, be, int(n))] = v
    return out


def exec_segments(maps_path):
    """Executable file-backed mappings of a guest /proc/self/maps dump: (lo, hi, offset, path)."""
    segs = []
    for line in open(maps_path):
        m = re.match(r'([0-9a-f]+)-([0-9a-f]+) (\S+) ([0-9a-f]+) \S+ \d+\s*(.*)', line)
        if m and 'x' in m.group(3) and m.group(5).startswith('/'):
            segs.append((int(m.group(1), 16), int(m.group(2), 16), int(m.group(4), 16), m.group(5).strip()))
    return segs
