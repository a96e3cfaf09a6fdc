// dlib-style face chip extraction (see aligner.h for the geometry conventions).
#include "runtime/vision/aligner.h"

#include <cmath>
#include <string>

namespace fg {

namespace {

// dlib's mean face (get_face_chip_details): positions of iBUG points 17..67 in [0,1]^2.
const double kMeanFaceX[51] = {
    0.000213256, 0.0752622, 0.18113, 0.29077, 0.393397, 0.586856, 0.689483, 0.799124,
    0.904991, 0.98004, 0.490127, 0.490127, 0.490127, 0.490127, 0.36688, 0.426036,
    0.490127, 0.554217, 0.613373, 0.121737, 0.187122, 0.265825, 0.334606, 0.260918,
    0.182743, 0.645647, 0.714428, 0.793132, 0.858516, 0.79751, 0.719335, 0.254149,
    0.340985, 0.428858, 0.490127, 0.551395, 0.639268, 0.726104, 0.642159, 0.556721,
    0.490127, 0.423532, 0.338094, 0.290379, 0.428096, 0.490127, 0.552157, 0.689874,
    0.553364, 0.490127, 0.42689};
const double kMeanFaceY[51] = {
    0.106454, 0.038915, 0.0187482, 0.0344891, 0.0773906, 0.0773906, 0.0344891,
    0.0187482, 0.038915, 0.106454, 0.203352, 0.307009, 0.409805, 0.515625, 0.587326,
    0.609345, 0.628106, 0.609345, 0.587326, 0.216423, 0.178758, 0.179852, 0.231733,
    0.245099, 0.244077, 0.231733, 0.179852, 0.178758, 0.216423, 0.244077, 0.245099,
    0.780233, 0.745405, 0.727388, 0.742578, 0.727388, 0.745405, 0.780233, 0.864805,
    0.902192, 0.909281, 0.902192, 0.864805, 0.784792, 0.778746, 0.785343, 0.778746,
    0.784792, 0.824182, 0.831803, 0.824182};

// dlib's 5-point template and the iBUG-68 points that correspond to its 5 points (image-right
// eye outer/inner corner, image-left eye outer/inner corner, nose base).
const double kFivePoint[5][2] = {{0.8595674595992, 0.2134981538014},
                                 {0.6460604764104, 0.2289674387677},
                                 {0.1205750620789, 0.2137274526848},
                                 {0.3340850613712, 0.2290642403242},
                                 {0.4901123135679, 0.6277975316475}};
const int kFivePointLandmark[5] = {45, 42, 36, 39, 33};

}  // namespace

double ChipTransform::scale() const { return std::sqrt(a * a + b * b); }
double ChipTransform::angle() const { return std::atan2(b, a); }

Status fit_similarity(const std::vector<Point2>& from, const std::vector<Point2>& to,
                      ChipTransform* out) {
  if (from.size() != to.size() || from.size() < 2)
    return Status::error("fit_similarity: need >= 2 matching point pairs");
  const double n = (double)from.size();
  Point2 mf, mt;
  for (size_t i = 0; i < from.size(); ++i)
    mf.x += from[i].x, mf.y += from[i].y, mt.x += to[i].x, mt.y += to[i].y;
  mf.x /= n, mf.y /= n, mt.x /= n, mt.y /= n;
  // Minimise sum |[a -b; b a] f + t - g|^2: with centred points the optimum is
  // a = sum(f.g) / sum|f|^2, b = sum(f x g) / sum|f|^2 (Umeyama's solution in 2-D).
  double dot = 0, cross = 0, norm = 0;
  for (size_t i = 0; i < from.size(); ++i) {
    const double fx = from[i].x - mf.x, fy = from[i].y - mf.y;
    const double gx = to[i].x - mt.x, gy = to[i].y - mt.y;
    dot += fx * gx + fy * gy;
    cross += fx * gy - fy * gx;
    norm += fx * fx + fy * fy;
  }
  if (!(norm > 0) || !std::isfinite(dot) || !std::isfinite(cross))
    return Status::error("fit_similarity: degenerate points (all equal or non-finite)");
  ChipTransform t;
  t.a = dot / norm;
  t.b = cross / norm;
  if (!(t.scale() > 1e-9)) return Status::error("fit_similarity: landmarks collapse to a point");
  t.tx = mt.x - (t.a * mf.x - t.b * mf.y);
  t.ty = mt.y - (t.b * mf.x + t.a * mf.y);
  *out = t;
  return Status::ok();
}

void face_chip_template(const FaceChipOptions& o, std::vector<Point2>* chip_points,
                        std::vector<int>* landmark_index) {
  chip_points->clear();
  landmark_index->clear();
  auto place = [&](double tx, double ty, int idx) {
    chip_points->push_back({(o.padding + tx) / (2 * o.padding + 1) * o.size,
                            (o.padding + ty) / (2 * o.padding + 1) * o.size});
    landmark_index->push_back(idx);
  };
  if (o.tmpl == FaceChipTemplate::kFivePoint) {
    for (int i = 0; i < 5; ++i) place(kFivePoint[i][0], kFivePoint[i][1], kFivePointLandmark[i]);
    return;
  }
  for (int i = 27; i < kLandmarkCount; ++i) {
    if ((55 <= i && i <= 59) || (65 <= i && i <= 67)) continue;  // lower lip moves with the jaw
    place(kMeanFaceX[i - 17], kMeanFaceY[i - 17], i);
  }
}

Status face_chip_transform(const std::vector<Point2>& landmarks68, const FaceChipOptions& o,
                           ChipTransform* out) {
  if (landmarks68.size() != (size_t)kLandmarkCount)
    return Status::error("face chip: need 68 landmarks, got " + std::to_string(landmarks68.size()));
  if (o.size < 2 || o.size > 4096 || !(o.padding >= 0) || o.padding > 10)
    return Status::error("face chip: size must be 2..4096 and padding 0..10");
  std::vector<Point2> from, to;
  std::vector<int> idx;
  face_chip_template(o, &from, &idx);
  for (int i : idx) to.push_back(landmarks68[i]);
  ChipTransform fit;
  FG_RETURN_IF_ERROR(fit_similarity(from, to, &fit));
  // dlib re-expresses the fit as a rotated rectangle of size*scale around the image of the
  // chip centre (size/2), whose edges the first and last pixel centres map to.
  const Point2 centre = fit.apply(o.size / 2.0, o.size / 2.0);
  const double k = (double)o.size / (o.size - 1);
  ChipTransform t;
  t.a = fit.a * k;
  t.b = fit.b * k;
  const double h = (o.size - 1) / 2.0;
  t.tx = centre.x - (t.a * h - t.b * h);
  t.ty = centre.y - (t.b * h + t.a * h);
  *out = t;
  return Status::ok();
}

Status extract_face_chip(const Image& img, const ChipTransform& t, int size, Image* chip) {
  if (img.empty() || img.pixels.size() != (size_t)img.width * img.height * img.channels)
    return Status::error("face chip: empty or inconsistent image");
  if (size < 1 || size > 4096) return Status::error("face chip: size must be 1..4096");
  Image out = image_make(size, size, img.channels);
  const int ch = img.channels;
  for (int r = 0; r < size; ++r) {
    uint8_t* dst = out.row(r);
    for (int c = 0; c < size; ++c, dst += ch) {
      const Point2 p = t.apply(c, r);
      if (!(p.x >= 0 && p.y >= 0)) continue;  // also rejects NaN
      const double fx0 = std::floor(p.x), fy0 = std::floor(p.y);
      if (fx0 + 1 >= img.width || fy0 + 1 >= img.height) continue;  // dlib: whole 2x2 inside
      const int x0 = (int)fx0, y0 = (int)fy0;
      const double fx = p.x - fx0, fy = p.y - fy0;
      const uint8_t* r0 = img.row(y0) + (size_t)x0 * ch;
      const uint8_t* r1 = img.row(y0 + 1) + (size_t)x0 * ch;
      for (int k = 0; k < ch; ++k) {
        const double top = r0[k] * (1 - fx) + r0[ch + k] * fx;
        const double bot = r1[k] * (1 - fx) + r1[ch + k] * fx;
        const double v = top * (1 - fy) + bot * fy;
        dst[k] = (uint8_t)std::min(255.0, v + 0.5);
      }
    }
  }
  *chip = std::move(out);
  return Status::ok();
}

ChipTransform jitter_chip_transform(const ChipTransform& t, int size, double dx, double dy, double scale) {
  // Chip point q maps to t(c + scale * (q - c) + d): centre c stays put before the shift.
  const double c = (size - 1) / 2.0;
  ChipTransform j;
  j.a = t.a * scale;
  j.b = t.b * scale;
  const Point2 origin = t.apply(c - scale * c + dx, c - scale * c + dy);
  j.tx = origin.x;
  j.ty = origin.y;
  return j;
}

Status align_face_chip(const Image& img, const std::vector<Point2>& landmarks68,
                       const FaceChipOptions& options, Image* chip) {
  ChipTransform t;
  FG_RETURN_IF_ERROR(face_chip_transform(landmarks68, options, &t));
  return extract_face_chip(img, t, options.size, chip);
}

}  // namespace fg
