#!/usr/bin/env python3
"""The benchmark's main table, from COUNTS_DIR/summary.json (tabulate.py): per net x backend x
CPU model, instructions per inference (region / N of the N=1 run), per MAC, the class mix and
the native/XNNPACK ratio; with N=5 runs present, the determinism check (N=5 region / 5 over
N=1). Usage: table.py COUNTS_DIR. Exit 1 if a run in the directory has no counts."""
import os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common

D = sys.argv[1] if len(sys.argv) > 1 else 'build/arm-cost/counts'
runs = common.load_summary(D)
cpus = sorted({k[0] for k in runs})
ns = sorted({k[3] for k in runs})
check = 5 in ns
missing = [k for k, r in runs.items() if 'region' not in r]


def per_inf(r, key):
    return r[key] / r['N'] if r and key in r else None


print('Class mix, M per inference: MAC = sdot/smmla + smull/smlal + fmla; SIMD ld/st; other vector = '
      'widening (sadalp, sxtl...) + other ASIMD; scalar = GPR ld/st + integer + branch + scalar FP.')
print()
print('| net | backend | CPU | M insns | insn/MAC | MAC | SIMD ld/st | other vector | scalar | native/XNNPACK |'
      + (' N=5/5 ÷ N=1 |' if check else ''))
print('|---|---|---|---|---|---|---|---|---|---|' + ('---|' if check else ''))
for net in common.NETS + ['mbv1']:
    bes = ['f32', 'qc8'] if net == 'mbv1' else ['native', 'xnnpack']
    macs = common.net_macs(net)
    for cpu in cpus:
        rr = {be: runs.get((cpu, net, be, 1)) for be in bes}
        if not any(rr.values()):
            continue
        ins = {be: per_inf(r, 'region') for be, r in rr.items()}
        ratio = '%.2f' % (ins['native'] / ins['xnnpack']) if ins.get('native') and ins.get('xnnpack') else '-'
        for be in bes:
            r, i = rr[be], ins[be]
            if not r:
                continue
            if i is None:
                print(f'| {net} | {be} | {cpu} | FAILED | | | | | | |' + (' |' if check else ''))
                continue
            g = lambda *cs: '%.1f' % (sum(r['r_' + c] for c in cs) / r['N'] / 1e6)
            cells = [net, be, cpu, '%.1f' % (i / 1e6), '%.3f' % (i / macs),
                     g('dot', 'mlal', 'fmla'), g('ldv'), g('widen', 'vec'), g('ldg', 'int', 'br', 'fpsc'),
                     ratio if be == 'native' else '']
            if check:
                r5 = per_inf(runs.get((cpu, net, be, 5)), 'region')
                cells.append('%.5f' % (r5 / i) if r5 else '-')
            print('| ' + ' | '.join(cells) + ' |')
sys.exit(1 if missing else 0)
