// ROC and DET curves as SVG plots (runtime/eval/curve_plots.h).
#include "runtime/eval/curve_plots.h"

#include <algorithm>
#include <limits>

namespace fg {
namespace {

// Distinct enough on white, in this order for the series.
const char* const kPalette[] = {"#1f4fbf", "#d1495b", "#2a9d55", "#e08a00", "#7b3fb5", "#555555"};

}  // namespace

std::vector<DetPoint> identify_det_curve(const std::vector<SearchOutcome>& outcomes) {
  // Events on the threshold line: a non-mated probe's rank-1 distance (a false positive from
  // there on) and a mated probe's, when rank-1 is its mate (no longer a false negative).
  // A mated probe whose rank-1 is someone else stays a false negative at every tau.
  struct Event {
    double d;
    bool non_mated;
  };
  std::vector<Event> events;
  size_t mated = 0, non_mated = 0;
  for (const SearchOutcome& o : outcomes) {
    if (o.mate < 0) {
      ++non_mated;
      events.push_back({o.best_distance, true});
    } else {
      ++mated;
      if (o.best == o.mate) events.push_back({o.best_distance, false});
    }
  }
  std::vector<DetPoint> out;
  if (mated == 0 || non_mated == 0) return out;
  std::sort(events.begin(), events.end(), [](const Event& a, const Event& b) { return a.d < b.d; });
  out.push_back({-std::numeric_limits<double>::infinity(), 0.0, 1.0});
  size_t fp = 0, hits = 0;
  for (size_t i = 0; i < events.size();) {
    const double d = events[i].d;
    for (; i < events.size() && events[i].d == d; ++i) (events[i].non_mated ? fp : hits) += 1;
    out.push_back({d, double(fp) / double(non_mated), 1.0 - double(hits) / double(mated)});
  }
  return out;
}

SvgPlot roc_svg_plot(const std::vector<RocPoint>& roc, const std::string& title) {
  SvgPlot p;
  p.title = title;
  p.x = {"false accept rate (FAR)", 1e-4, 1.0, true, {}, false};
  p.y = {"true accept rate (TAR)", 0.9, 1.0, false, {0.9, 0.92, 0.94, 0.96, 0.98, 1.0}, true};
  p.legend = SvgLegend::kBottomRight;
  SvgSeries s;
  s.name = "ROC";
  s.color = kPalette[0];
  for (const RocPoint& r : roc) {
    if (!s.x.empty()) s.x.push_back(r.far), s.y.push_back(s.y.back());  // staircase: across, then up
    s.x.push_back(r.far), s.y.push_back(r.tar);
  }
  p.series.push_back(std::move(s));
  return p;
}

SvgPlot det_svg_plot(const std::vector<DetCurve>& curves, const std::string& title) {
  SvgPlot p;
  p.title = title;
  p.x = {"false positive identification rate (FPIR)", 1e-4, 1.0, true, {}, false};
  p.y = {"false negative identification rate (FNIR)", 1e-3, 1.0, true, {}, false};
  p.legend = SvgLegend::kBottomLeft;
  for (size_t k = 0; k < curves.size(); ++k) {
    SvgSeries s;
    s.name = curves[k].name;
    s.color = kPalette[k % (sizeof kPalette / sizeof kPalette[0])];
    // Straight segments: each threshold moves one rate (one probe kind), so they are the steps.
    for (const DetPoint& d : curves[k].points) s.x.push_back(d.fpir), s.y.push_back(d.fnir);
    p.series.push_back(std::move(s));
  }
  return p;
}

}  // namespace fg
