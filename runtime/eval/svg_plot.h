// A small SVG writer for evaluation curves: one plot, linear or log10 axes, a grid with
// labelled ticks, one polyline per series and a legend. Our own (no plotting library): the
// output is plain SVG 1.1 that browsers, GitHub's README view and rsvg-convert all show.
//
// Layout: the plotting area is the <rect id="axes"> (x, y, width, height in SVG pixels); each
// series is a <polyline class="series"> whose points are clamped into that rectangle (a value
// outside the axis range is drawn on its edge, a value <= 0 on a log axis at its minimum), and
// runs of points that land on the same pixel are merged (an ROC of 6000 thresholds stays small).
// Text is escaped for XML.
#pragma once
#include <string>
#include <vector>

#include "runtime/base/status.h"

namespace fg {

struct SvgAxis {
  std::string label;
  double min = 0, max = 1;
  bool log = false;           // log10; min must be > 0
  std::vector<double> ticks;  // grid lines with labels; empty: decades (log) or 5 steps (linear)
  bool percent = false;       // tick labels as percentages
};

struct SvgSeries {
  std::string name;
  std::string color = "#1f4fbf";
  std::vector<double> x, y;  // same length
};

// Where the legend goes: the corner the curves leave empty (ROC: bottom right, DET: bottom left).
enum class SvgLegend { kTopRight, kBottomRight, kBottomLeft };

struct SvgPlot {
  std::string title;
  SvgAxis x, y;
  std::vector<SvgSeries> series;
  int width = 640, height = 480;
  SvgLegend legend = SvgLegend::kTopRight;
};

// The SVG document; an error for an unusable axis (min >= max, or log with min <= 0) or a
// series whose x and y lengths differ.
[[nodiscard]] Status svg_plot_render(const SvgPlot& plot, std::string* out);
// Renders and writes `path` (an error names it).
[[nodiscard]] Status svg_plot_write(const std::string& path, const SvgPlot& plot);

}  // namespace fg
