#include "runtime/vision/face_quality.h"

#include <algorithm>
#include <cmath>

namespace fg {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kDeg = 180.0 / kPi;

uint8_t grey_at(const Image& f, int x, int y) {
  const uint8_t* p = f.row(y) + (size_t)x * f.channels;
  if (f.channels < 3) return p[0];
  return (uint8_t)((77 * p[0] + 150 * p[1] + 29 * p[2] + 128) >> 8);  // ITU-R 601 luma, /256
}

Point2 mean_of(const std::vector<Point2>& p, int first, int last) {
  Point2 m;
  for (int i = first; i <= last; ++i) {
    m.x += p[i].x;
    m.y += p[i].y;
  }
  const double n = last - first + 1;
  return {m.x / n, m.y / n};
}

}  // namespace

double face_sharpness(const Image& frame, const FaceBox& box) {
  if (frame.empty() || (frame.channels != 1 && frame.channels != 3)) return 0;
  const double x0 = std::max(0.0, box.x), y0 = std::max(0.0, box.y);
  const double x1 = std::min((double)frame.width, box.right()), y1 = std::min((double)frame.height, box.bottom());
  if (x1 - x0 < 2 || y1 - y0 < 2) return 0;
  constexpr int n = kSharpnessSide;
  const double sx = (x1 - x0) / n, sy = (y1 - y0) / n;
  std::vector<float> g((size_t)n * n);
  // Area resampling: each output pixel is the mean of the source pixels its footprint
  // starts (at least one), so downscaling does not alias noise into "sharpness".
  for (int j = 0; j < n; ++j) {
    const int ya = std::min(frame.height - 1, (int)(y0 + j * sy));
    const int yb = std::max(ya + 1, std::min(frame.height, (int)(y0 + (j + 1) * sy)));
    for (int i = 0; i < n; ++i) {
      const int xa = std::min(frame.width - 1, (int)(x0 + i * sx));
      const int xb = std::max(xa + 1, std::min(frame.width, (int)(x0 + (i + 1) * sx)));
      unsigned sum = 0;
      for (int y = ya; y < yb; ++y)
        for (int x = xa; x < xb; ++x) sum += grey_at(frame, x, y);
      g[(size_t)j * n + i] = (float)sum / (float)((yb - ya) * (xb - xa));
    }
  }
  double s = 0, s2 = 0;
  for (int y = 1; y < n - 1; ++y)
    for (int x = 1; x < n - 1; ++x) {
      const float* c = &g[(size_t)y * n + x];
      const double l = 4.0 * c[0] - c[-1] - c[1] - c[-n] - c[n];
      s += l;
      s2 += l * l;
    }
  const double count = (double)(n - 2) * (n - 2);
  const double mean = s / count;
  return std::max(0.0, s2 / count - mean * mean);
}

bool estimate_face_pose(const std::vector<Point2>& p, double* yaw_deg, double* pitch_deg, double* roll_deg) {
  if (p.size() < 68) return false;
  const Point2 el = mean_of(p, 36, 41), er = mean_of(p, 42, 47);
  const Point2 mouth_l = mean_of(p, 48, 48), mouth_r = mean_of(p, 54, 54);
  const double ex = er.x - el.x, ey = er.y - el.y;
  const double dist = std::sqrt(ex * ex + ey * ey);
  if (!(dist > 1e-6)) return false;
  const double roll = std::atan2(ey, ex);
  const double c = std::cos(-roll), s = std::sin(-roll);
  const Point2 e{(el.x + er.x) / 2, (el.y + er.y) / 2};
  // De-rotate around the eye midpoint: E becomes the origin, the eye line horizontal.
  auto rot = [&](Point2 q) { return Point2{c * (q.x - e.x) - s * (q.y - e.y), s * (q.x - e.x) + c * (q.y - e.y)}; };
  const Point2 m = rot({(mouth_l.x + mouth_r.x) / 2, (mouth_l.y + mouth_r.y) / 2});
  const Point2 nose = rot(p[30]);
  if (!(m.y > 1e-6)) return false;  // mouth not below the eyes: not a face we can read
  const double t = nose.y / m.y;
  const double axis_x = m.x * t;
  *yaw_deg = std::atan((nose.x - axis_x) / dist / kNoseDepth) * kDeg;
  *pitch_deg = std::atan((t - kNoseHeight) * m.y / (kNoseDepth * dist)) * kDeg;
  *roll_deg = roll * kDeg;
  return true;
}

FaceQuality measure_face_quality(const Image& frame, const FaceBox& box, const std::vector<Point2>& landmarks,
                                 int faces_in_frame) {
  FaceQuality q;
  q.faces = faces_in_frame;
  q.face_px = std::max(0.0, std::min(box.width, box.height));
  if (q.face_px > 0) {
    const double over = std::max({-box.x, -box.y, box.right() - frame.width, box.bottom() - frame.height, 0.0});
    q.clip = over / q.face_px;
  }
  for (const Point2& pt : landmarks)
    if (pt.x < 0 || pt.y < 0 || pt.x >= frame.width || pt.y >= frame.height) q.landmark_outside = true;
  q.sharpness = face_sharpness(frame, box);
  q.pose_known = estimate_face_pose(landmarks, &q.yaw_deg, &q.pitch_deg, &q.roll_deg);
  return q;
}

const char* check_face_quality(const FaceQuality& q, const FaceQualityLimits& l) {
  if (q.faces != 1) return "faces";
  if (q.clip > l.max_clip || q.landmark_outside) return "clipped";
  if (q.face_px < l.min_face_px) return "small";
  if (!q.pose_known || std::fabs(q.yaw_deg) > l.max_yaw_deg || std::fabs(q.pitch_deg) > l.max_pitch_deg)
    return "pose";
  if (q.sharpness < l.min_sharpness) return "blurry";
  return nullptr;
}

}  // namespace fg
