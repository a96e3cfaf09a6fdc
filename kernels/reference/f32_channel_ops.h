// Reference (oracle) loops for the ops the passive anti-spoof nets need (docs/liveness.md):
// PReLU, the squeeze-excite channel multiply, sigmoid, softmax. Layout: channels last, dense;
// `pixels` rows of `c` values. Naive on purpose; kernels/eltwise/channelwise.h is the fast one.
#pragma once
#include <cstddef>

namespace fg {

// y = x > 0 ? x : alpha[ch] * x
void f32_prelu__reference(size_t pixels, size_t c, const float* x, const float* alpha, float* y);
// y = x * s[ch]
void f32_mul_channel__reference(size_t pixels, size_t c, const float* x, const float* s, float* y);
// y = 1 / (1 + exp(-x))
void f32_sigmoid__reference(size_t n, const float* x, float* y);
// y = exp(x - max x) / sum: subtracting the max keeps exp() finite for any finite input.
void f32_softmax__reference(size_t n, const float* x, float* y);

}  // namespace fg
