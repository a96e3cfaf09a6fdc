// The one list of dense-conv variants: dispatch, tests and benchmarks all read it.
// Order: best first; conv_pick_* returns the first one the CPU (and FG_MAX_ISA) allows.
#pragma once
#include <cstddef>

#include "kernels/conv/conv.h"
#include "kernels/common/variant_list.h"

namespace fg {

struct F32ConvVariant {
  const char* name;
  Isa isa;
  int mr, nr;  // output tile: mr pixels x nr channels; pack with this nr
  F32ConvUkernel ukernel;
  // Optional 1 x nr kernel (same packing) the driver uses for single-pixel tiles; its row
  // pointers are tap-major with MR = 1 (a[t]).
  F32ConvUkernel ukernel_m1 = nullptr;
};

struct Qs8ConvVariant {
  const char* name;
  Isa isa;
  int mr, nr;
  Qs8ConvUkernel ukernel;
  Qs8ConvUkernel ukernel_m1 = nullptr;  // as F32ConvVariant::ukernel_m1
  // k-group of its packing (conv.h): 4 = c4, 16 = c16 (8-bit multiply pairs, weights in
  // [-127, 127] only). Pack and size with qs8_conv_pack(..., kr).
  int kr = 4;
};

// Every variant compiled into this build (for this architecture), best first.
VariantList<F32ConvVariant> f32_conv_variants();
VariantList<Qs8ConvVariant> qs8_conv_variants();
// The best variant the CPU can run (never null: scalar is always there).
const F32ConvVariant& f32_conv_pick();
const Qs8ConvVariant& qs8_conv_pick();
// The best variant that can run these HWIO weights (n of them): the c16 pair kernels need
// [-127, 127] (the quantizer guarantees it; a model from elsewhere with -128 gets the next).
const Qs8ConvVariant& qs8_conv_pick_for(const int8_t* weights, size_t n);

#define FG_DECLARE_F32_CONV_UKERNEL(name)                                                    \
  void name(int mr, int nc, int taps, int kc, const float* const* a, const float* w, float* c, \
            size_t c_stride, const float* res, const F32ConvParams& p)
#define FG_DECLARE_QS8_CONV_UKERNEL(name)                                                     \
  void name(int mr, int nc, int taps, int kc, const int8_t* const* a, const void* w, int8_t* c, \
            size_t c_stride, const int8_t* res, const Qs8ConvParams& p)

FG_DECLARE_F32_CONV_UKERNEL(f32_conv_4x8__scalar);
FG_DECLARE_F32_CONV_UKERNEL(f32_conv_6x16__avx2);
FG_DECLARE_F32_CONV_UKERNEL(f32_conv_8x32__avx512);
FG_DECLARE_F32_CONV_UKERNEL(f32_conv_1x32__avx512);
FG_DECLARE_F32_CONV_UKERNEL(f32_conv_8x8__neon);
FG_DECLARE_F32_CONV_UKERNEL(f32_conv_5x16__neon);
FG_DECLARE_F32_CONV_UKERNEL(f32_conv_1x16__neon);
FG_DECLARE_F32_CONV_UKERNEL(f32_conv_4x8__neon);
FG_DECLARE_QS8_CONV_UKERNEL(qs8_conv_4x8c4__scalar);
FG_DECLARE_QS8_CONV_UKERNEL(qs8_conv_4x8c4__avx2);
FG_DECLARE_QS8_CONV_UKERNEL(qs8_conv_6x16c4__avxvnni);
FG_DECLARE_QS8_CONV_UKERNEL(qs8_conv_8x32c4__avx512vnni);
FG_DECLARE_QS8_CONV_UKERNEL(qs8_conv_1x32c4__avx512vnni);
FG_DECLARE_QS8_CONV_UKERNEL(qs8_conv_8x8c4__neondot);
FG_DECLARE_QS8_CONV_UKERNEL(qs8_conv_4x8c4__neon);
FG_DECLARE_QS8_CONV_UKERNEL(qs8_conv_2x8c16__neon);
FG_DECLARE_QS8_CONV_UKERNEL(qs8_conv_2x8c16__scalar);

}  // namespace fg
