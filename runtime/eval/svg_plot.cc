// SVG curves (runtime/eval/svg_plot.h).
#include "runtime/eval/svg_plot.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>

namespace fg {
namespace {

// Margins around the plotting area: room for tick labels (left, bottom), title (top), legend.
constexpr int kLeft = 64, kRight = 16, kTop = 36, kBottom = 52;

std::string xml_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

Status check_axis(const SvgAxis& a, const char* which) {
  if (!(a.min < a.max) || !std::isfinite(a.min) || !std::isfinite(a.max))
    return Status::error(std::string("svg plot: ") + which + " axis needs min < max");
  if (a.log && a.min <= 0) return Status::error(std::string("svg plot: log ") + which + " axis needs min > 0");
  return Status::ok();
}

// Axis value -> fraction 0..1 of the axis, clamped.
double frac(const SvgAxis& a, double v) {
  double f;
  if (a.log) f = (std::log10(std::max(v, a.min)) - std::log10(a.min)) / (std::log10(a.max) - std::log10(a.min));
  else f = (v - a.min) / (a.max - a.min);
  return std::isfinite(f) ? std::min(1.0, std::max(0.0, f)) : (v > a.min ? 1.0 : 0.0);
}

std::vector<double> ticks_of(const SvgAxis& a) {
  if (!a.ticks.empty()) return a.ticks;
  std::vector<double> t;
  if (a.log) {
    for (double d = std::pow(10.0, std::ceil(std::log10(a.min) - 1e-9)); d <= a.max * (1 + 1e-9); d *= 10) t.push_back(d);
  } else {
    for (int i = 0; i <= 5; ++i) t.push_back(a.min + (a.max - a.min) * i / 5);
  }
  return t;
}

std::string tick_label(const SvgAxis& a, double v) {
  char buf[32];
  if (a.percent) std::snprintf(buf, sizeof buf, "%g%%", std::round(v * 1e6) / 1e4);
  else if (a.log && v < 1e-2) std::snprintf(buf, sizeof buf, "1e%d", int(std::lround(std::log10(v))));
  else std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

}  // namespace

Status svg_plot_render(const SvgPlot& plot, std::string* out) {
  FG_RETURN_IF_ERROR(check_axis(plot.x, "x"));
  FG_RETURN_IF_ERROR(check_axis(plot.y, "y"));
  for (const SvgSeries& s : plot.series)
    if (s.x.size() != s.y.size()) return Status::error("svg plot: series '" + s.name + "' has x and y of different lengths");
  const double ax = kLeft, ay = kTop, aw = plot.width - kLeft - kRight, ah = plot.height - kTop - kBottom;
  auto px = [&](double v) { return ax + frac(plot.x, v) * aw; };
  auto py = [&](double v) { return ay + (1 - frac(plot.y, v)) * ah; };
  std::string s;
  s += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  s += "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"" + std::to_string(plot.width) +
       "\" height=\"" + std::to_string(plot.height) + "\" viewBox=\"0 0 " + std::to_string(plot.width) + " " +
       std::to_string(plot.height) + "\" font-family=\"sans-serif\" font-size=\"12\">\n";
  s += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  s += "<text x=\"" + num(ax + aw / 2) + "\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">" + xml_escape(plot.title) +
       "</text>\n";
  s += "<g stroke=\"#d0d0d0\" stroke-width=\"1\">\n";
  std::string labels;
  for (double t : ticks_of(plot.x)) {
    if (t < plot.x.min || t > plot.x.max) continue;
    s += "<line x1=\"" + num(px(t)) + "\" y1=\"" + num(ay) + "\" x2=\"" + num(px(t)) + "\" y2=\"" + num(ay + ah) + "\"/>\n";
    labels += "<text x=\"" + num(px(t)) + "\" y=\"" + num(ay + ah + 16) + "\" text-anchor=\"middle\">" +
              xml_escape(tick_label(plot.x, t)) + "</text>\n";
  }
  for (double t : ticks_of(plot.y)) {
    if (t < plot.y.min || t > plot.y.max) continue;
    s += "<line x1=\"" + num(ax) + "\" y1=\"" + num(py(t)) + "\" x2=\"" + num(ax + aw) + "\" y2=\"" + num(py(t)) + "\"/>\n";
    labels += "<text x=\"" + num(ax - 6) + "\" y=\"" + num(py(t) + 4) + "\" text-anchor=\"end\">" +
              xml_escape(tick_label(plot.y, t)) + "</text>\n";
  }
  s += "</g>\n" + labels;
  s += "<rect id=\"axes\" x=\"" + num(ax) + "\" y=\"" + num(ay) + "\" width=\"" + num(aw) + "\" height=\"" + num(ah) +
       "\" fill=\"none\" stroke=\"black\"/>\n";
  s += "<text x=\"" + num(ax + aw / 2) + "\" y=\"" + num(plot.height - 10.0) + "\" text-anchor=\"middle\">" +
       xml_escape(plot.x.label) + "</text>\n";
  s += "<text transform=\"translate(16 " + num(ay + ah / 2) + ") rotate(-90)\" text-anchor=\"middle\">" +
       xml_escape(plot.y.label) + "</text>\n";
  for (size_t k = 0; k < plot.series.size(); ++k) {
    const SvgSeries& ser = plot.series[k];
    std::string pts;
    std::string last;
    for (size_t i = 0; i < ser.x.size(); ++i) {
      const std::string p = num(px(ser.x[i])) + "," + num(py(ser.y[i]));
      if (p == last && i + 1 < ser.x.size()) continue;  // same pixel as the point before
      pts += (pts.empty() ? "" : " ") + p;
      last = p;
    }
    s += "<polyline class=\"series\" fill=\"none\" stroke=\"" + xml_escape(ser.color) +
         "\" stroke-width=\"2\" stroke-linejoin=\"round\" points=\"" + pts + "\"><title>" + xml_escape(ser.name) +
         "</title></polyline>\n";
  }
  // Legend inside the axes, on a white box (series may pass under it); its width from the
  // longest name at ~7 px per character of the 12 px font.
  size_t longest = 0;
  for (const SvgSeries& ser : plot.series) longest = std::max(longest, ser.name.size());
  const double n = double(plot.series.size()), lw = 40 + 7 * double(longest), lh = 8 + 16 * n;
  const double lx = plot.legend == SvgLegend::kBottomLeft ? ax + 8 : ax + aw - 8 - lw;
  const double ly = plot.legend == SvgLegend::kTopRight ? ay + 8 : ay + ah - 8 - lh;
  if (!plot.series.empty())
    s += "<rect x=\"" + num(lx) + "\" y=\"" + num(ly) + "\" width=\"" + num(lw) + "\" height=\"" + num(lh) +
         "\" fill=\"white\" fill-opacity=\"0.85\" stroke=\"#999999\"/>\n";
  for (size_t k = 0; k < plot.series.size(); ++k) {
    const SvgSeries& ser = plot.series[k];
    const double ty = ly + 18 + 16 * double(k);
    s += "<line x1=\"" + num(lx + 6) + "\" y1=\"" + num(ty - 4) + "\" x2=\"" + num(lx + 28) + "\" y2=\"" + num(ty - 4) +
         "\" stroke=\"" + xml_escape(ser.color) + "\" stroke-width=\"2\"/>\n";
    s += "<text x=\"" + num(lx + 34) + "\" y=\"" + num(ty) + "\">" + xml_escape(ser.name) + "</text>\n";
  }
  s += "</svg>\n";
  *out = std::move(s);
  return Status::ok();
}

Status svg_plot_write(const std::string& path, const SvgPlot& plot) {
  std::string svg;
  FG_RETURN_IF_ERROR(svg_plot_render(plot, &svg));
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return Status::error("cannot write plot " + path + ": " + std::strerror(errno));
  const bool ok = std::fwrite(svg.data(), 1, svg.size(), f) == svg.size();
  if (std::fclose(f) != 0 || !ok) return Status::error("cannot write plot " + path + ": write failed");
  return Status::ok();
}

}  // namespace fg
