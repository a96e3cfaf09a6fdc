// Chroma upsampling and YCbCr -> RGB exactly as stb_image 2.27 does them (its scalar code),
// applied to libjpeg-turbo's raw (IDCT-only) planes. Why: the bundled int8 models are
// calibrated on bundled JPEGs and the pipeline goldens were checked with stb's pixels;
// libjpeg's own upsampling/colour rounding differ by up to 3 levels, which moved the int8
// detector's scales enough to lose a face in test_door_e2e. Formulas (stb_image.h):
//   h2v2: t = 3*near + far (per column), out = (3*t0 + t1 + 8) >> 4, edges (t + 2) >> 2
//   h2v1: out = (3*in[i] + in[i-1 or i+1] + 2) >> 2, edges copied
//   h1v2: out = (3*near + far + 2) >> 2
//   RGB:  20-bit fixed point, constants round(x * 4096) << 8, G's Cb term masked to 16 bits
#pragma once
#include <cstdint>

namespace fg {

// One upsampled row of `out_w` samples from a plane row `near` (and `far`, the row above or
// below) of `w` samples, for hs, vs in {1, 2}.
void jpeg_stb_upsample_row(const uint8_t* near, const uint8_t* far, int w, int hs, int vs,
                           uint8_t* out);
void jpeg_stb_ycbcr_to_rgb_row(const uint8_t* y, const uint8_t* cb, const uint8_t* cr, int count,
                               uint8_t* rgb);

}  // namespace fg
