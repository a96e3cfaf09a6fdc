// Bilinear resize of an 8-bit interleaved image onto a float NHWC tensor, with the
// pad-to-square canvas and the per-channel normalisation of the face nets fused in.
//
// Contract (every variant):
//  * The source image (src_w x src_h, src_channels bytes per pixel, src_stride bytes per
//    row) sits at (src_left, src_top) inside a virtual canvas of canvas_w x canvas_h pixels
//    that reads as 0 everywhere else. This is face-api's padToSquare (zeros are padded
//    *before* mean subtraction) without materialising the padded copy.
//  * The canvas is resized to out_w x out_h like TF's resizeBilinear with
//    alignCorners=false, halfPixelCenters=false:
//      src = dst * (canvas / out);  i0 = floor(src);  i1 = min(canvas - 1, i0 + 1);  f = src - i0
//      top = tl + (tr - tl) * fx;  bot = bl + (br - bl) * fx;  v = top + (bot - top) * fy
//    every step in float32, as XNNPACK does inside tfjs' wasm backend (which made the goldens).
//  * out[y][x][c] = (v(channel_map[c]) - mean[c]) / divisor[c], dense [out_h][out_w][out_channels].
//    channel_map picks the source channel of each output channel: {0,1,2} RGB, {2,1,0} BGR
//    swap, {0,0,0} gray -> 3 channels.
//  * Variants evaluate the same float32 expressions without FMA contraction, so they are
//    expected to match the scalar reference bit for bit; tests allow kResizeSimdTolerance
//    (in output units) so a future FMA variant stays admissible.
//  * `scratch` must hold resize_bilinear_scratch_floats(p) floats (no allocation inside).
//    Reads stay inside the source rectangle; writes only the output tensor and scratch.
#pragma once
#include <cstddef>
#include <cstdint>

#include "kernels/common/variant_list.h"

namespace fg {

struct ResizeBilinearParams {
  const uint8_t* src = nullptr;
  int src_w = 0, src_h = 0, src_channels = 0;
  size_t src_stride = 0;  // bytes per source row
  int canvas_w = 0, canvas_h = 0;
  int src_left = 0, src_top = 0;
  int out_w = 0, out_h = 0, out_channels = 0;  // out_channels 1..4
  int channel_map[4] = {0, 1, 2, 3};
  float mean[4] = {0, 0, 0, 0};
  float divisor[4] = {1, 1, 1, 1};
};

constexpr float kResizeSimdTolerance = 1e-6f;

// Validates p (sizes positive, source rectangle inside the canvas, channel_map in range);
// returns nullptr when valid, otherwise a static message.
const char* resize_bilinear_check(const ResizeBilinearParams& p);

size_t resize_bilinear_scratch_floats(const ResizeBilinearParams& p);

using ResizeBilinearFn = void (*)(const ResizeBilinearParams& p, float* scratch, float* out);

void u8f32_resize_bilinear__scalar(const ResizeBilinearParams& p, float* scratch, float* out);
void u8f32_resize_bilinear_8x__avx2(const ResizeBilinearParams& p, float* scratch, float* out);

struct ResizeBilinearVariant {
  const char* name;
  Isa isa;
  ResizeBilinearFn fn;
};

// Every variant built for this architecture, best first (kernels/common/variant_list.h);
// dispatch, tests and benchmarks all iterate this list.
VariantList<ResizeBilinearVariant> resize_bilinear_variants();
// The best variant this CPU can run (honours FG_MAX_ISA).
const ResizeBilinearVariant& resize_bilinear_pick();

}  // namespace fg
