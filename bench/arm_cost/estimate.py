#!/usr/bin/env python3
"""Turns COUNTS_DIR/*.cyc.json (cycles.py) into ms per net and per door frame, and per-kernel
MACs/cycle. Pi 4 = cortex-a72 runs on LLVM's cortex-a72 (= Cortex-A57) model at 1.5/1.8 GHz;
Pi 5 = cortex-a76 runs on the neoverse-n1 model at 2.4 GHz. Writes COUNTS_DIR/estimate.md and
prints it. Usage: estimate.py [COUNTS_DIR]. Assumptions are printed with the tables."""
import json, os, re, sys
from collections import defaultdict
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common
import cycles as C
D = sys.argv[1] if len(sys.argv) > 1 else 'build/arm-cost/counts'
MACS = common.MACS
# What the native backend splits over threads: dense convs only (the depthwise rows, qs8_row /
# f32_row, pools, adds and the leaky table run on one thread: runtime/core/backends/native).
PAR_NATIVE = re.compile(r'(f32_conv_|qs8_conv_|conv_run_range|fill_row_pointers|f32_conv_neon)')
E4 = 0.8           # parallel efficiency per thread at 4 threads (a guess, see REPORT.md section 1)
PI4_GHZ, PI4_GHZ_HI, PI5_GHZ = 1.5, 1.8, 2.4
def mca_cpu(cpu): return 'cortex-a72' if cpu == 'cortex-a72' else 'neoverse-n1'
def load(cpu, net, be):
    p = f'{D}/{cpu}.{net}.{be}.N1.{mca_cpu(cpu)}.cyc.json'
    return json.load(open(p)) if os.path.exists(p) else None
def macs_by_fn(base):
    segs = common.exec_segments(base + '.maps')
    acc = defaultdict(lambda: [0, 0])
    for line in open(base + '.tb'):
        if line.startswith('#'): continue
        f = line.split(); va, reg, mi, mf = int(f[0], 16), int(f[2]), int(f[4]), int(f[5])
        if not reg or not (mi or mf): continue
        s = next((s for s in segs if s[0] <= va < s[1]), None)
        if not s: continue
        fn = C.fname(s[3], va - s[0] + s[2])
        acc[fn][0] += reg * mi; acc[fn][1] += reg * mf
    return acc
def par_cycles(res, be, net):
    if be == 'native':
        # every dense conv counts as split: on ARM the runtime splits convs from 0.5M (f32) /
        # 1M (int8) MACs (runtime/core/backend.h), which covers the landmark net's convs too
        # (on x86, at 4M/8M, they stay on one thread); keep in step with those thresholds
        return sum(c for fn, i, c in res['byfn'] if PAR_NATIVE.search(fn))
    # xnnpack: every XNNPACK operator is split; the project's own fallbacks (driver code) are not
    return sum(c for fn, i, c in res['byfn'] if not fn.startswith('fg_arm_cost_drive:'))
fmt = lambda v, f='%.1f': f % v if v is not None else '-'
out = []
def P(s=''): out.append(s)
P('### Cycle-model estimates (single thread; 4 threads = serial + parallel/(4 x %.1f))' % E4)
P()
P(f'| net | backend | Pi 4 A72 (A57 model) Mcycles | ms @{PI4_GHZ} GHz | ms @{PI4_GHZ_HI} GHz | 4 thr @{PI4_GHZ} | '
  f'Pi 5 A76 (N1 model) Mcycles | ms @{PI5_GHZ} GHz | 4 thr @{PI5_GHZ} | MAC/cycle Pi 4 | MAC/cycle Pi 5 |')
P('|---|---|---|---|---|---|---|---|---|---|---|')
# The door frame sums these three nets (the liveness nets run only on some frames).
DOOR_FRAME_NETS = ('detector', 'landmark68', 'recognition')
frame = defaultdict(lambda: [0.0] * 5)
parts = defaultdict(lambda: [0] * 5)
for net in common.NETS:
    for be in ['native', 'xnnpack']:
        a = load('cortex-a72', net, be); b = load('cortex-a76', net, be)
        if not a and not b: continue
        m = common.net_macs(net)
        row = [None] * 5; ca = cb = None
        if a:
            ca = a['cycles']; pa = par_cycles(a, be, net)
            row[0:3] = [ca / (PI4_GHZ * 1e6), ca / (PI4_GHZ_HI * 1e6), ((ca - pa) + pa / (4 * E4)) / (PI4_GHZ * 1e6)]
        if b:
            cb = b['cycles']; pb = par_cycles(b, be, net)
            row[3:5] = [cb / (PI5_GHZ * 1e6), ((cb - pb) + pb / (4 * E4)) / (PI5_GHZ * 1e6)]
        P(f"| {net} | {be} | {fmt(ca and ca / 1e6)} | {fmt(row[0])} | {fmt(row[1])} | {fmt(row[2])} | "
          f"{fmt(cb and cb / 1e6)} | {fmt(row[3])} | {fmt(row[4])} | {fmt(ca and m / ca, '%.2f')} | {fmt(cb and m / cb, '%.2f')} |")
        prec = 'int8' if 'int8' in net else 'f32'
        if net.replace('_int8', '') not in DOOR_FRAME_NETS: continue  # liveness: its own rows only
        for i, v in enumerate(row):
            if v is not None: frame[(be, prec)][i] += v; parts[(be, prec)][i] += 1
P()
P('Door frame = detector @416 + landmarks68 + recognition (one face), nets only (no decode/resize/align), ms:')
P()
P(f'| backend | precision | Pi 4 1 thr @{PI4_GHZ} | @{PI4_GHZ_HI} | Pi 4 4 thr @{PI4_GHZ} | Pi 5 1 thr @{PI5_GHZ} | Pi 5 4 thr @{PI5_GHZ} |')
P('|---|---|---|---|---|---|---|')
for (be, prec), v in sorted(frame.items()):
    P(f"| {be} | {prec} | " + ' | '.join('%.1f' % x if parts[(be, prec)][i] == 3 else '-' for i, x in enumerate(v)) + ' |')
P()
# XNNPACK's README (google/XNNPACK, table benchmarked Feb 8 2022): MobileNet v1 1.0 on
# "RPi 4 (BCM2711, ARM64)", multi-threaded. The model's only anchor to a real board.
PUBLISHED_PI4_MS = {'f32': 77.0, 'qc8': 24.0}
P('### Calibration workload: XNNPACK MobileNet v1 1.0/224 (27 convs, %.1f M MACs)' % (MACS['mbv1'] / 1e6))
P()
P('Published anchor: XNNPACK README, RPi 4 (BCM2711, ARM64), multi-thread: 77 ms f32, 24 ms int8 (qc8). '
  'Factor = published / model at 4 threads (4 x %.1f): how much slower the real board is than this model.' % E4)
P()
for prec in ['f32', 'qc8']:
    a = load('cortex-a72', 'mbv1', prec); b = load('cortex-a76', 'mbv1', prec)
    if a:
        t = a['cycles'] / (PI4_GHZ * 1e6)
        P(f"- {prec}: Pi 4 model {a['cycles']/1e6:.1f} Mcycles = {t:.1f} ms @{PI4_GHZ} GHz 1 thr (ideal 4 thr {t/4:.1f} ms, "
          f"at 4 x {E4}: {t/(4*E4):.1f} ms); MAC/cycle {MACS['mbv1']/a['cycles']:.2f}; "
          f"published {PUBLISHED_PI4_MS[prec]:.0f} ms: factor {PUBLISHED_PI4_MS[prec] / (t/(4*E4)):.2f}")
    if b:
        P(f"- {prec}: Pi 5 model {b['cycles']/1e6:.1f} Mcycles = {b['cycles']/(PI5_GHZ*1e6):.1f} ms @{PI5_GHZ} GHz 1 thr; "
          f"MAC/cycle {MACS['mbv1']/b['cycles']:.2f}")
    if not a and not b:
        P(f'- {prec}: not run (count.sh with MBV1=1, then cycles.sh)')
P()
P('### Hottest functions: share of cycles, CPI, multiply lanes per cycle (model)')
for cpu in ['cortex-a72', 'cortex-a76']:
    for net in common.NETS + ['mbv1']:
        for be in (['f32', 'qc8'] if net == 'mbv1' else ['native', 'xnnpack']):
            r = load(cpu, net, be)
            if not r: continue
            mb = macs_by_fn(f'{D}/{cpu}.{net}.{be}.N1')
            P(f"\n{cpu} {net} {be}: {r['insns']/1e6:.1f} M insns, {r['cycles']/1e6:.1f} M cycles (CPI {r['cycles']/r['insns']:.2f})")
            for fn, i, c in r['byfn'][:5]:
                ml = mb.get(fn, [0, 0]); lanes = ml[0] + ml[1]
                P(f"  - {100*c/r['cycles']:5.1f}% cyc, {i/1e6:7.1f} M insns, CPI {c/max(i,1):.2f}, mul-lanes/cycle {lanes/max(c,1):5.2f}  {fn[:100]}")
open(os.path.join(D, 'estimate.md'), 'w').write('\n'.join(out) + '\n')
print('\n'.join(out))
