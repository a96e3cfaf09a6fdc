#include "runtime/vision/liveness_temporal.h"

#include <algorithm>
#include <cmath>

namespace fg {
namespace {

double dist(Point2 a, Point2 b) { return std::hypot(a.x - b.x, a.y - b.y); }

// Solves the n x n system m * x = rhs (m row-major, overwritten) by Gaussian elimination with
// partial pivoting; false when singular.
bool solve(double* m, double* rhs, int n) {
  for (int c = 0; c < n; ++c) {
    int p = c;
    for (int r = c + 1; r < n; ++r)
      if (std::fabs(m[r * n + c]) > std::fabs(m[p * n + c])) p = r;
    if (!(std::fabs(m[p * n + c]) > 1e-12)) return false;
    if (p != c) {
      for (int k = 0; k < n; ++k) std::swap(m[c * n + k], m[p * n + k]);
      std::swap(rhs[c], rhs[p]);
    }
    for (int r = c + 1; r < n; ++r) {
      const double f = m[r * n + c] / m[c * n + c];
      for (int k = c; k < n; ++k) m[r * n + k] -= f * m[c * n + k];
      rhs[r] -= f * rhs[c];
    }
  }
  for (int c = n - 1; c >= 0; --c) {
    double s = rhs[c];
    for (int k = c + 1; k < n; ++k) s -= m[c * n + k] * rhs[k];
    rhs[c] = s / m[c * n + c];
  }
  return true;
}

// Hartley normalisation: centroid to 0, mean distance to sqrt(2). T maps p -> s (p - c).
struct Norm {
  double s = 1, cx = 0, cy = 0;
  Point2 apply(Point2 p) const { return {s * (p.x - cx), s * (p.y - cy)}; }
};
Norm normaliser(const Point2* p, int n) {
  Norm t;
  for (int i = 0; i < n; ++i) t.cx += p[i].x, t.cy += p[i].y;
  t.cx /= n, t.cy /= n;
  double d = 0;
  for (int i = 0; i < n; ++i) d += std::hypot(p[i].x - t.cx, p[i].y - t.cy);
  d /= n;
  t.s = d > 1e-12 ? std::sqrt(2.0) / d : 1.0;
  return t;
}

// RMS of |b - f(a)| over the 68 points.
template <class F>
double rms(const std::vector<Point2>& a, const std::vector<Point2>& b, F f) {
  double s = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    const Point2 q = f(a[i]);
    s += (q.x - b[i].x) * (q.x - b[i].x) + (q.y - b[i].y) * (q.y - b[i].y);
  }
  return std::sqrt(s / a.size());
}

}  // namespace

float eye_aspect_ratio(const std::vector<Point2>& p, int first) {
  if (first < 0 || (size_t)first + 6 > p.size()) return 0.f;
  const double w = dist(p[first], p[first + 3]);
  if (!(w > 0)) return 0.f;
  return float((dist(p[first + 1], p[first + 5]) + dist(p[first + 2], p[first + 4])) / (2 * w));
}

float eyes_aspect_ratio(const std::vector<Point2>& pts68) {
  return 0.5f * (eye_aspect_ratio(pts68, 36) + eye_aspect_ratio(pts68, 42));
}

bool blink_step(BlinkState& s, const BlinkOptions& o, double t, float ear) {
  if (!(ear > 0)) return false;  // no eyes this frame: neither open nor closed
  if (s.closed) {
    s.min_ear = std::min(s.min_ear, ear);
    if (ear < o.reopen_ratio * s.open_level) return false;
    s.closed = false;
    const bool blink = t - s.closed_since_s <= o.max_closed_s;
    if (blink) {
      ++s.blinks;
      s.last_blink_s = t;
      s.last_blink_depth = s.min_ear / s.open_level;
    }
    // The open level restarts: a long closure may have come with a new pose or distance.
    s.open_level = ear;
    s.open_frames = 1;
    return blink;
  }
  if (s.open_frames >= o.min_open_frames && ear < o.closed_ratio * s.open_level) {
    s.closed = true;
    s.closed_since_s = t;
    s.min_ear = ear;
    return false;
  }
  // EMA over open frames: follows slow changes (pose, distance) but not a blink's dip.
  s.open_level = s.open_frames == 0 ? ear : 0.7f * s.open_level + 0.3f * ear;
  ++s.open_frames;
  return false;
}

Point2 homography_apply(const Homography& H, Point2 p) {
  const double* h = H.h;
  const double w = h[6] * p.x + h[7] * p.y + h[8];
  if (std::fabs(w) < 1e-12) return {1e12, 1e12};
  return {(h[0] * p.x + h[1] * p.y + h[2]) / w, (h[3] * p.x + h[4] * p.y + h[5]) / w};
}

bool homography_fit(const Point2* a, const Point2* b, int n, Homography* out) {
  if (n < 4) return false;
  const Norm ta = normaliser(a, n), tb = normaliser(b, n);
  // Unknowns h0..h7 (h8 = 1): for each pair, two rows of the linearised projection
  //   u = h0 x + h1 y + h2 - h6 x u - h7 y u,  v = h3 x + h4 y + h5 - h6 x v - h7 y v.
  double ata[64] = {}, atb[8] = {};
  for (int i = 0; i < n; ++i) {
    const Point2 p = ta.apply(a[i]), q = tb.apply(b[i]);
    const double r1[8] = {p.x, p.y, 1, 0, 0, 0, -p.x * q.x, -p.y * q.x};
    const double r2[8] = {0, 0, 0, p.x, p.y, 1, -p.x * q.y, -p.y * q.y};
    for (int r = 0; r < 8; ++r) {
      for (int c = 0; c < 8; ++c) ata[r * 8 + c] += r1[r] * r1[c] + r2[r] * r2[c];
      atb[r] += r1[r] * q.x + r2[r] * q.y;
    }
  }
  if (!solve(ata, atb, 8)) return false;
  // Denormalise: H = Tb^-1 * Hn * Ta.
  const double hn[9] = {atb[0], atb[1], atb[2], atb[3], atb[4], atb[5], atb[6], atb[7], 1};
  const double Ta[9] = {ta.s, 0, -ta.s * ta.cx, 0, ta.s, -ta.s * ta.cy, 0, 0, 1};
  const double Tbi[9] = {1 / tb.s, 0, tb.cx, 0, 1 / tb.s, tb.cy, 0, 0, 1};
  double m[9] = {}, h[9] = {};
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 3; ++c)
      for (int k = 0; k < 3; ++k) m[r * 3 + c] += hn[r * 3 + k] * Ta[k * 3 + c];
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 3; ++c)
      for (int k = 0; k < 3; ++k) h[r * 3 + c] += Tbi[r * 3 + k] * m[k * 3 + c];
  if (!(std::fabs(h[8]) > 1e-12)) return false;
  for (int k = 0; k < 9; ++k) out->h[k] = h[k] / h[8];
  return true;
}

PlanarityResult planarity_measure(const std::vector<Point2>& a, const std::vector<Point2>& b) {
  PlanarityResult r;
  if (a.size() != 68 || b.size() != 68) return r;
  const double iod = dist(a[36], a[45]);
  if (!(iod > 1)) return r;
  r.motion = float(rms(a, b, [](Point2 p) { return p; }) / iod);
  // Similarity x' = s x - t y + tx, y' = t x + s y + ty: linear least squares in (s, t, tx, ty).
  double ata[16] = {}, atb[4] = {};
  for (size_t i = 0; i < a.size(); ++i) {
    const double r1[4] = {a[i].x, -a[i].y, 1, 0}, r2[4] = {a[i].y, a[i].x, 0, 1};
    for (int p = 0; p < 4; ++p) {
      for (int q = 0; q < 4; ++q) ata[p * 4 + q] += r1[p] * r1[q] + r2[p] * r2[q];
      atb[p] += r1[p] * b[i].x + r2[p] * b[i].y;
    }
  }
  if (!solve(ata, atb, 4)) return r;
  r.similarity_residual = float(rms(a, b, [&](Point2 p) {
    return Point2{atb[0] * p.x - atb[1] * p.y + atb[2], atb[1] * p.x + atb[0] * p.y + atb[3]};
  }) / iod);
  Homography H;
  if (!homography_fit(a.data(), b.data(), (int)a.size(), &H)) return r;
  r.homography_residual = float(rms(a, b, [&](Point2 p) { return homography_apply(H, p); }) / iod);
  r.valid = true;
  return r;
}

bool planarity_is_flat(const PlanarityResult& r, const PlanarityOptions& o) {
  return r.valid && r.similarity_residual >= o.min_out_of_plane &&
         r.homography_residual <= o.flat_ratio * r.similarity_residual;
}

void face_thumbnail(const Image& rgb, const FaceBox& box, std::vector<uint8_t>* out) {
  out->assign(kThumbSide * kThumbSide, 0);
  if (rgb.empty() || rgb.channels < 3) return;
  const int x0 = std::clamp((int)std::floor(box.x), 0, rgb.width - 1);
  const int y0 = std::clamp((int)std::floor(box.y), 0, rgb.height - 1);
  const int x1 = std::clamp((int)std::ceil(box.right()), x0 + 1, rgb.width);
  const int y1 = std::clamp((int)std::ceil(box.bottom()), y0 + 1, rgb.height);
  for (int ty = 0; ty < kThumbSide; ++ty) {
    const int ya = y0 + (y1 - y0) * ty / kThumbSide, yb = std::max(ya + 1, y0 + (y1 - y0) * (ty + 1) / kThumbSide);
    for (int tx = 0; tx < kThumbSide; ++tx) {
      const int xa = x0 + (x1 - x0) * tx / kThumbSide, xb = std::max(xa + 1, x0 + (x1 - x0) * (tx + 1) / kThumbSide);
      uint32_t sum = 0, n = 0;
      for (int y = ya; y < yb; ++y) {
        const uint8_t* p = rgb.row(y) + (size_t)xa * rgb.channels;
        for (int x = xa; x < xb; ++x, p += rgb.channels) sum += 77u * p[0] + 150u * p[1] + 29u * p[2], n += 256;
      }
      (*out)[ty * kThumbSide + tx] = uint8_t((sum + n / 2) / n);
    }
  }
}

float thumbnail_difference(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b) {
  if (a.size() != b.size() || a.empty()) return -1.f;
  uint64_t s = 0;
  for (size_t i = 0; i < a.size(); ++i) s += (uint64_t)std::abs(int(a[i]) - int(b[i]));
  return float(double(s) / a.size());
}

}  // namespace fg
