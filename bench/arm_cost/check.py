#!/usr/bin/env python3
"""The CI comparison: native instruction counts per inference (summary.json of a count.sh run)
against the committed baseline. Exit 1 if any native count is more than TOL above its
baseline, or a baseline entry has no run, or a run has no baseline entry; a count more than
TOL below its baseline only prints a notice (update the baseline in the same commit as the
change, with the reason). XNNPACK counts are recorded but not checked: they measure Debian's
libxnnpack, not the project's code.
Usage: check.py COUNTS_DIR BASELINE.tsv [--update]   (--update rewrites BASELINE.tsv)"""
import os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common

TOL = 0.01
args = [a for a in sys.argv[1:] if not a.startswith('--')]
if len(args) != 2:
    sys.stderr.write(__doc__)
    sys.exit(2)
D, BASE = args
update = '--update' in sys.argv
runs = common.load_summary(D)
cur = {}
for (cpu, net, be, n), r in runs.items():
    if n == 1 and net != 'mbv1' and 'region' in r:
        cur[(cpu, net, be)] = r['region']
failed_runs = [k for k, r in runs.items() if 'region' not in r]
if failed_runs:
    print('arm_cost check: runs without counts: ' + ', '.join('.'.join(map(str, k)) for k in failed_runs))
    sys.exit(1)

if update:
    with open(BASE, 'w') as f:
        f.write('# ARM cost baseline: exact instructions per inference (qemu-aarch64 + insnclass plugin,\n'
                '# 1 thread, N=1). Written by bench/arm_cost/ci_check.sh --update-baseline; CI fails when a\n'
                '# native count rises more than 1% above it. Columns: cpu net backend instructions\n')
        for k in sorted(cur):
            f.write('%s\t%s\t%s\t%d\n' % (k + (cur[k],)))
    print(f'arm_cost check: baseline {BASE} rewritten ({len(cur)} entries)')
    sys.exit(0)

base = {}
for line in open(BASE):
    if line.startswith('#') or not line.strip():
        continue
    cpu, net, be, v = line.split()
    base[(cpu, net, be)] = int(v)
bad = notices = 0
print('| CPU | net | native M insns | baseline | change |')
print('|---|---|---|---|---|')
for k in sorted(set(base) | set(cur)):
    if k[2] != 'native':
        continue
    b, c = base.get(k), cur.get(k)
    if b is None or c is None:
        print(f'| {k[0]} | {k[1]} | {"-" if c is None else "%.3f" % (c / 1e6)} | '
              f'{"-" if b is None else "%.3f" % (b / 1e6)} | MISSING ({"no run" if c is None else "no baseline"}) |')
        bad += 1
        continue
    d = c / b - 1
    tag = ''
    if d > TOL:
        tag, bad = ' **REGRESSION**', bad + 1
    elif d < -TOL:
        tag, notices = ' improvement: update the baseline', notices + 1
    print(f'| {k[0]} | {k[1]} | {c / 1e6:.3f} | {b / 1e6:.3f} | {100 * d:+.2f}%{tag} |')
print()
if notices:
    print(f'arm_cost check: NOTICE: {notices} native count(s) fell more than {100 * TOL:.0f}% below the baseline; '
          'run bench/arm_cost/ci_check.sh --update-baseline and commit baseline.tsv + TABLE.md with the change.')
if bad:
    print(f'arm_cost check: FAILED: {bad} native count(s) more than {100 * TOL:.0f}% above the baseline '
          f'({BASE}) or missing.')
    sys.exit(1)
print('arm_cost check: ok (every native count within +%.0f%% of the baseline)' % (100 * TOL))
