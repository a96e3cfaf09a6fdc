#!/usr/bin/env python3
"""Parses a counts directory (count.sh) into COUNTS_DIR/summary.json (every run: totals and
region counts per class, multiply lanes, kernels) and prints the full per-class table (N=1
runs, region / N) with the N=5 checks; --attr adds the hottest functions of each run (TB vaddr
-> guest /proc/self/maps -> ELF symbol). Usage: tabulate.py [COUNTS_DIR] [--attr] > classes.md"""
import bisect, glob, json, os, re, subprocess, sys
from collections import defaultdict
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common
D = next((a for a in sys.argv[1:] if not a.startswith('--')), 'build/arm-cost/counts')
CLS = common.CLS
LABEL = ["sdot/udot/mmla", "smlal/smull(long)", "fmla/fmls", "widen(sadalp/saddw/sxtl)", "simd_vec_other",
         "fp/simd_scalar", "ldst_simd", "ldst_gpr", "int_alu", "branch/sys"]

def parse_log(p):
    r = {}
    for line in open(p, errors='replace'):
        m = re.match(r'insnclass: regions (\d+)\s+total_insns (\d+)\s+region_insns (\d+)', line)
        if m: r['regions'], r['total'], r['region'] = map(int, m.groups())
        for c, lab in zip(CLS, LABEL):
            m = re.match(r'insnclass: ' + re.escape(lab) + r'\s+total\s+(\d+)\s+region\s+(\d+)', line)
            if m: r['t_' + c], r['r_' + c] = map(int, m.groups())
        m = re.match(r'insnclass: region_mul_lanes int (\d+) f32 (\d+)', line)
        if m: r['mac_i'], r['mac_f'] = map(int, m.groups())
        m = re.match(r'op \d+ (\S+)', line)
        if m: r.setdefault('kernels', set()).add(m.group(1))
        m = re.match(r'cpu: (.*)', line)
        if m: r['cpu'] = m.group(1)
    return r

_syms = {}
def symbols(path):
    if path in _syms: return _syms[path]
    out = []
    for args in (['aarch64-linux-gnu-nm', '-C', '--defined-only', path], ['aarch64-linux-gnu-nm', '-D', '-C', '--defined-only', path]):
        try:
            txt = subprocess.run(args, capture_output=True, text=True).stdout
        except Exception:
            txt = ''
        for line in txt.splitlines():
            m = re.match(r'([0-9a-f]+) ([tTwW]) (.*)', line)
            if m: out.append((int(m.group(1), 16), m.group(3)))
        if out: break
    out.sort()
    _syms[path] = ([a for a, _ in out], [n for _, n in out])
    return _syms[path]

def attribute(tb, maps, top=10):
    segs = common.exec_segments(maps)
    acc = defaultdict(int)
    tot = 0
    for line in open(tb):
        if line.startswith('#'): continue
        f = line.split()
        va, n, reg = int(f[0], 16), int(f[1]), int(f[2])
        if not reg: continue
        tot += n * reg
        name = '?'
        for lo, hi, off, path in segs:
            if lo <= va < hi:
                fo = va - lo + off
                if path and os.path.exists(path):
                    addrs, names = symbols(path)
                    i = bisect.bisect_right(addrs, fo) - 1
                    name = (os.path.basename(path) + ':' + (names[i] if i >= 0 else hex(fo)))
                else:
                    name = path or 'anon'
                break
        acc[name] += n * reg
    return tot, sorted(acc.items(), key=lambda kv: -kv[1])[:top]

rows = {}
for p in sorted(glob.glob(os.path.join(D, '*.log'))):
    b = os.path.basename(p)[:-4]
    m = common.RUN.match(b)
    if not m: continue
    cpu, net, be, n = m.group(1), m.group(2), m.group(3), int(m.group(4))
    r = parse_log(p); r['N'] = n; r['base'] = os.path.join(D, b)
    rows[(cpu, net, be, n)] = r
json.dump({'|'.join(map(str, k)): {kk: (sorted(v) if isinstance(v, set) else v) for kk, v in r.items()} for k, r in rows.items()},
          open(os.path.join(D, 'summary.json'), 'w'), indent=1)
print('| cpu | net | backend | insns/inf (M) | ' + ' | '.join(CLS) + ' | mul-lanes int (M) | mul-lanes f32 (M) | N=5/5 vs N=1 | diff-method (N5-N1)/4 vs N=1 |')
print('|' + '---|' * (6 + len(CLS) + 3))
for (cpu, net, be, n), r in sorted(rows.items()):
    if n != 1 or 'region' not in r: continue
    r5 = rows.get((cpu, net, be, 5))
    chk = dm = ''
    if r5 and 'region' in r5:
        chk = '%.5f' % (r5['region'] / 5 / r['region'])
        dm = '%.5f' % ((r5['total'] - r['total']) / 4 / r['region'])
    cells = ['%.2f' % (r['r_' + c] / 1e6) for c in CLS]
    print(f"| {cpu} | {net} | {be} | {r['region']/1e6:.2f} | " + ' | '.join(cells) +
          f" | {r.get('mac_i',0)/1e6:.1f} | {r.get('mac_f',0)/1e6:.1f} | {chk} | {dm} |")
if '--attr' in sys.argv:
    for (cpu, net, be, n), r in sorted(rows.items()):
        if n != 1 or not os.path.exists(r['base'] + '.tb') or not os.path.exists(r['base'] + '.maps'): continue
        tot, top = attribute(r['base'] + '.tb', r['base'] + '.maps')
        print(f"\n#### {cpu} {net} {be}: {tot/1e6:.2f} M insns in region")
        for name, v in top:
            print(f"- {100*v/tot:5.1f}%  {v/1e6:8.2f} M  {name[:150]}")
