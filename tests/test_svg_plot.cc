// runtime/eval/svg_plot + curve_plots: the DET curve's numbers, and SVG that parses as XML
// (tests/svg_check.py, python3's xml.etree) with monotone points inside the axes.
#include <unistd.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "runtime/eval/curve_plots.h"
#include "test_util.h"

using namespace fg;
using namespace fg_test;

namespace {

// Writes the plot, runs tests/svg_check.py on it; its output (or error) comes back.
CommandResult check_svg(const SvgPlot& plot, const std::string& name, int series) {
  const std::string path = "/tmp/fg_test_svg_" + std::to_string(::getpid()) + "_" + name + ".svg";
  REQUIRE(svg_plot_write(path, plot).is_ok());
  const CommandResult r = run_command("python3 " + env_or("FG_SOURCE_DIR", ".") + "/tests/svg_check.py " + path + " " +
                                      std::to_string(series) + " 2>&1");
  ::unlink(path.c_str());
  return r;
}

SearchOutcome mated(int mate, int best, float d) { return {mate, best, d}; }
SearchOutcome non_mated(float d) { return {-1, 0, d}; }

}  // namespace

TEST_CASE("DET: FPIR and FNIR at each distinct rank-1 distance") {
  // Mated: two found at 0.1 and 0.3, one whose rank-1 is someone else (always a miss).
  // Non-mated: 0.2, 0.3, 0.5, 0.9.
  const std::vector<SearchOutcome> o = {mated(0, 0, 0.1f), mated(1, 1, 0.3f), mated(2, 5, 0.05f),
                                        non_mated(0.2f),   non_mated(0.3f),   non_mated(0.5f), non_mated(0.9f)};
  const std::vector<DetPoint> det = identify_det_curve(o);
  REQUIRE(det.size() == 6);  // -inf, 0.1, 0.2, 0.3, 0.5, 0.9 (0.05 is no event: a wrong rank-1)
  CHECK(std::isinf(det[0].tau));
  CHECK(det[0].fpir == 0);
  CHECK(det[0].fnir == 1);
  CHECK(det[1].tau == doctest::Approx(0.1));
  CHECK(det[1].fpir == 0);
  CHECK(det[1].fnir == doctest::Approx(2.0 / 3));
  CHECK(det[3].tau == doctest::Approx(0.3));  // both kinds at one distance: one point
  CHECK(det[3].fpir == doctest::Approx(0.5));
  CHECK(det[3].fnir == doctest::Approx(1.0 / 3));
  CHECK(det[5].fpir == 1);
  CHECK(det[5].fnir == doctest::Approx(1.0 / 3));  // the wrong rank-1 is never found
  // The same numbers identify_eval.h gives at those thresholds.
  for (size_t i = 1; i < det.size(); ++i) {
    CHECK(det[i].fpir == doctest::Approx(identify_fpir(o, det[i].tau)));
    CHECK(det[i].fnir == doctest::Approx(identify_fnir(o, det[i].tau)));
  }
  CHECK(identify_det_curve({mated(0, 0, 0.1f)}).empty());  // no non-mated probe
  CHECK(identify_det_curve({non_mated(0.1f)}).empty());    // no mated probe
}

TEST_CASE("ROC and DET SVG parse as XML, monotone, inside the axes") {
  std::vector<RocPoint> roc;
  for (int i = 0; i <= 3000; ++i) {  // a smooth ROC from FAR 0 to 1, with TAR below the window too
    const double far = i / 3000.0;
    roc.push_back({double(i), far, std::min(1.0, 0.85 + 0.15 * std::sqrt(std::sqrt(far)))});
  }
  SvgPlot p = roc_svg_plot(roc, "ROC <test> & \"quotes\"");  // escaped, or the XML would not parse
  CommandResult r = check_svg(p, "roc", 1);
  INFO(r.out);
  CHECK(r.exit_code == 0);
  std::string svg;
  REQUIRE(svg_plot_render(p, &svg).is_ok());
  CHECK(svg.size() < 100000);  // points on one pixel merged
  CHECK(contains(svg, "&lt;test&gt; &amp; &quot;quotes&quot;"));

  std::vector<DetCurve> curves;
  for (int k = 1; k <= 3; ++k) {
    std::vector<SearchOutcome> o;
    for (int i = 0; i < 500; ++i) o.push_back(mated(i, i % (10 * k) ? i : -2, float(i) / 500));
    for (int i = 0; i < 700; ++i) o.push_back(non_mated(0.3f + float(i) / 700));
    curves.push_back({"K=" + std::to_string(k), identify_det_curve(o)});
  }
  r = check_svg(det_svg_plot(curves, "DET"), "det", 3);
  INFO(r.out);
  CHECK(r.exit_code == 0);
}

TEST_CASE("svg_check.py rejects what it should; svg_plot refuses bad axes and paths") {
  SvgPlot p;
  p.x = {"x", 0, 1, false, {}, false};
  p.y = {"y", 0, 1, false, {}, false};
  p.series.push_back({"zigzag", "#000", {0, 0.5, 1}, {0, 1, 0}});
  CommandResult r = check_svg(p, "zigzag", 1);
  CHECK(r.exit_code != 0);
  CHECK(contains(r.out, "not monotone"));
  p.series[0].y = {0, 0.5};
  std::string svg;
  CHECK_FALSE(svg_plot_render(p, &svg).is_ok());  // lengths differ
  p.series.clear();
  p.x.log = true;  // min 0 on a log axis
  CHECK_FALSE(svg_plot_render(p, &svg).is_ok());
  p.x.log = false;
  const Status s = svg_plot_write("/nonexistent-dir/x.svg", p);
  CHECK_FALSE(s.is_ok());
  CHECK(contains(s.message(), "/nonexistent-dir/x.svg"));
}
