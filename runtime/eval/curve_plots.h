// The evaluation curves as pictures (runtime/eval/svg_plot.h):
//   ROC of verification (eval lfw --plot x.svg): TAR vs FAR, log FAR 1e-4..1, TAR 0.90..1 —
//     the same window as the PNG of tools/cli/cmd_eval.cc, drawn as a staircase (each ROC
//     point is a threshold; between two thresholds nothing changes).
//   DET of identification (eval identify --plot x.svg): FNIR vs FPIR, both log, one curve per
//     gallery; FPIR 1e-4..1, FNIR 1e-3..1. Lower-left is better.
#pragma once
#include <string>
#include <vector>

#include "runtime/eval/identify_eval.h"
#include "runtime/eval/lfw_eval.h"
#include "runtime/eval/svg_plot.h"

namespace fg {

struct DetPoint {
  double tau = 0, fpir = 0, fnir = 1;
};

// One point per distinct rank-1 distance (plus tau = -inf: FPIR 0, FNIR 1), tau ascending, so
// FPIR never falls and FNIR never rises along it (identify_eval.h's definitions of both).
// Empty when there is no mated or no non-mated probe.
std::vector<DetPoint> identify_det_curve(const std::vector<SearchOutcome>& outcomes);

SvgPlot roc_svg_plot(const std::vector<RocPoint>& roc, const std::string& title);

struct DetCurve {
  std::string name;  // "K=1000 (min)"
  std::vector<DetPoint> points;
};
SvgPlot det_svg_plot(const std::vector<DetCurve>& curves, const std::string& title);

}  // namespace fg
