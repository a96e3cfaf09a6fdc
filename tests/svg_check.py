#!/usr/bin/env python3
"""Checks an SVG plot of runtime/eval/svg_plot: it parses as XML (xml.etree), has the
<rect id="axes">, and each <polyline class="series"> has at least 2 points, all inside the
axes rectangle, monotone in x and in y (one direction each, as ROC and DET curves are).
Usage: svg_check.py FILE.svg [EXPECTED_SERIES]. Prints what failed; exit 0 ok, 1 not."""
import sys
import xml.etree.ElementTree as ET

NS = "{http://www.w3.org/2000/svg}"


def main():
    root = ET.parse(sys.argv[1]).getroot()  # raises (exit 1) when not well-formed XML
    if root.tag != NS + "svg":
        sys.exit("root is %s, not svg" % root.tag)
    axes = [e for e in root.iter(NS + "rect") if e.get("id") == "axes"]
    if len(axes) != 1:
        sys.exit("expected one rect#axes, found %d" % len(axes))
    ax, ay = float(axes[0].get("x")), float(axes[0].get("y"))
    aw, ah = float(axes[0].get("width")), float(axes[0].get("height"))
    lines = [e for e in root.iter(NS + "polyline") if e.get("class") == "series"]
    if len(sys.argv) > 2 and len(lines) != int(sys.argv[2]):
        sys.exit("expected %s series, found %d" % (sys.argv[2], len(lines)))
    for line in lines:
        pts = [tuple(map(float, p.split(","))) for p in line.get("points").split()]
        if len(pts) < 2:
            sys.exit("a series with %d points" % len(pts))
        for x, y in pts:
            if not (ax - 1e-6 <= x <= ax + aw + 1e-6 and ay - 1e-6 <= y <= ay + ah + 1e-6):
                sys.exit("point %g,%g outside the axes" % (x, y))
        for k in (0, 1):
            d = [b[k] - a[k] for a, b in zip(pts, pts[1:])]
            if any(v < 0 for v in d) and any(v > 0 for v in d):
                sys.exit("series not monotone in %s" % "xy"[k])
    print("ok: %d series" % len(lines))


main()
