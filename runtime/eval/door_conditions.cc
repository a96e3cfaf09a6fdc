#include "runtime/eval/door_conditions.h"

#include <algorithm>
#include <cmath>
#include <random>

#include "runtime/eval/lfw_eval.h"
#include "runtime/vision/image_encode_jpeg.h"

namespace fg {
namespace {

uint8_t clamp_u8(double v) { return (uint8_t)std::lround(std::min(255.0, std::max(0.0, v))); }

// Uniform integer in [-a, a] from the raw generator (portable across standard libraries).
int noise(std::mt19937& rng, int a) { return (int)(rng() % (uint32_t)(2 * a + 1)) - a; }

// Bilinear sample of channel c at (x, y); false outside the image.
bool sample(const Image& img, double x, double y, int c, double* v) {
  if (x < 0 || y < 0 || x > img.width - 1 || y > img.height - 1) return false;
  // Images are >= 2x2 (door_transform_apply checks), so x0 + 1 and y0 + 1 stay inside.
  const int x0 = std::min((int)x, img.width - 2), y0 = std::min((int)y, img.height - 2);
  const int x1 = x0 + 1, y1 = y0 + 1;
  const double fx = x - x0, fy = y - y0;
  auto at = [&](int xx, int yy) { return (double)img.row(yy)[xx * 3 + c]; };
  *v = (1 - fy) * ((1 - fx) * at(x0, y0) + fx * at(x1, y0)) + fy * ((1 - fx) * at(x0, y1) + fx * at(x1, y1));
  return true;
}

// dst(x, y) = src(a*x + b*y + c, d*x + e*y + f) where that lies inside src; else unchanged.
void warp_into(const Image& src, const double m[6], Image* dst) {
  for (int y = 0; y < dst->height; ++y) {
    uint8_t* row = dst->row(y);
    for (int x = 0; x < dst->width; ++x) {
      const double sx = m[0] * x + m[1] * y + m[2], sy = m[3] * x + m[4] * y + m[5];
      for (int c = 0; c < 3; ++c) {
        double v;
        if (sample(src, sx, sy, c, &v)) row[x * 3 + c] = clamp_u8(v);
      }
    }
  }
}

void frame(const Image& in, double face_px, std::mt19937& rng, Image* out) {
  *out = image_make(kDoorFrameWidth, kDoorFrameHeight, 3);
  for (uint8_t& p : out->pixels) p = (uint8_t)(110 + noise(rng, 12));
  const double face_w = kLfwFallbackBox[2] * in.width, s = face_px / face_w;
  // Face box centre in the photo, then where it lands: seeded, the box inside the frame.
  const double cx = (kLfwFallbackBox[0] + kLfwFallbackBox[2] / 2) * in.width;
  const double cy = (kLfwFallbackBox[1] + kLfwFallbackBox[3] / 2) * in.height;
  const double half_w = face_px / 2, half_h = kLfwFallbackBox[3] * in.height * s / 2;
  const double span_x = std::max(0.0, kDoorFrameWidth - 2 * half_w), span_y = std::max(0.0, kDoorFrameHeight - 2 * half_h);
  const double fx = half_w + span_x * (rng() % 1001) / 1000.0, fy = half_h + span_y * (rng() % 1001) / 1000.0;
  const double m[6] = {1 / s, 0, cx - fx / s, 0, 1 / s, cy - fy / s};
  warp_into(in, m, out);
}

}  // namespace

const std::vector<DoorTransform>& door_transforms() {
  static const std::vector<DoorTransform> kAll = {
      DoorTransform::kNone,  DoorTransform::kFrame300, DoorTransform::kFrame126, DoorTransform::kFrame50,
      DoorTransform::kGray,  DoorTransform::kDark,     DoorTransform::kBlur,     DoorTransform::kJpeg15,
      DoorTransform::kRotate25, DoorTransform::kOcclude, DoorTransform::kOverexposed};
  return kAll;
}

const char* door_transform_name(DoorTransform t) {
  switch (t) {
    case DoorTransform::kNone: return "none";
    case DoorTransform::kFrame300: return "frame300";
    case DoorTransform::kFrame126: return "frame126";
    case DoorTransform::kFrame50: return "frame50";
    case DoorTransform::kGray: return "gray";
    case DoorTransform::kDark: return "dark";
    case DoorTransform::kBlur: return "blur";
    case DoorTransform::kJpeg15: return "jpeg15";
    case DoorTransform::kRotate25: return "rotate25";
    case DoorTransform::kOcclude: return "occlude";
    case DoorTransform::kOverexposed: return "overexposed";
  }
  return "?";
}

bool door_transform_from_name(const std::string& name, DoorTransform* out) {
  for (DoorTransform t : door_transforms())
    if (name == door_transform_name(t)) return *out = t, true;
  return false;
}

Status door_transform_apply(const Image& in, DoorTransform t, uint32_t seed, Image* out) {
  if (in.channels != 3 || in.width < 2 || in.height < 2) return Status::error("door transform: needs an RGB image of 2x2 or more");
  std::mt19937 rng(seed);
  switch (t) {
    case DoorTransform::kFrame300: frame(in, 300, rng, out); return Status::ok();
    case DoorTransform::kFrame126: frame(in, 126, rng, out); return Status::ok();
    case DoorTransform::kFrame50: frame(in, 50, rng, out); return Status::ok();
    case DoorTransform::kJpeg15: {
      std::vector<uint8_t> jpeg;
      FG_RETURN_IF_ERROR(image_encode_jpeg(in, 15, &jpeg));
      return image_load_from_memory(jpeg.data(), jpeg.size(), "jpeg15", 3, out);
    }
    case DoorTransform::kRotate25: {
      *out = image_make(in.width, in.height, 3);
      std::fill(out->pixels.begin(), out->pixels.end(), 128);
      const double a = 25 * M_PI / 180, c = std::cos(a), s = std::sin(a);
      const double ox = (in.width - 1) / 2.0, oy = (in.height - 1) / 2.0;
      // Inverse map of a counter-clockwise turn (y down): src = R(-a) (dst - o) + o.
      const double m[6] = {c, -s, ox - c * ox + s * oy, s, c, oy - s * ox - c * oy};
      warp_into(in, m, out);
      return Status::ok();
    }
    case DoorTransform::kBlur: {
      constexpr int kTaps = 11;
      *out = in;
      for (int y = 0; y < in.height; ++y)
        for (int x = 0; x < in.width; ++x)
          for (int ch = 0; ch < 3; ++ch) {
            int sum = 0;
            for (int k = -kTaps / 2; k <= kTaps / 2; ++k) sum += in.row(y)[std::min(in.width - 1, std::max(0, x + k)) * 3 + ch];
            out->row(y)[x * 3 + ch] = (uint8_t)((sum + kTaps / 2) / kTaps);
          }
      return Status::ok();
    }
    default: break;
  }
  *out = in;
  if (t == DoorTransform::kOcclude) {
    const int x0 = std::max(0, (int)std::lround((kLfwFallbackBox[0] - 0.05) * in.width));
    const int x1 = std::min(in.width, (int)std::lround((kLfwFallbackBox[0] + kLfwFallbackBox[2] + 0.05) * in.width));
    const int y0 = (int)std::lround(0.57 * in.height);
    for (int y = y0; y < in.height; ++y)
      for (int x = x0; x < x1; ++x) {
        uint8_t* p = out->row(y) + 3 * x;
        p[0] = 190, p[1] = 205, p[2] = 215;
      }
    return Status::ok();
  }
  for (size_t i = 0; i + 2 < out->pixels.size(); i += 3) {
    uint8_t* p = &out->pixels[i];
    if (t == DoorTransform::kGray) {
      const uint8_t y = clamp_u8(0.299 * p[0] + 0.587 * p[1] + 0.114 * p[2]);
      p[0] = p[1] = p[2] = y;
    } else {
      for (int c = 0; c < 3; ++c) {
        const double v = p[c];
        p[c] = t == DoorTransform::kDark ? clamp_u8(255 * 0.6 * std::pow(v / 255, 2.2) + noise(rng, 6))
             : t == DoorTransform::kOverexposed ? clamp_u8(1.8 * v + 60)
             : p[c];
      }
    }
  }
  return Status::ok();
}

}  // namespace fg
