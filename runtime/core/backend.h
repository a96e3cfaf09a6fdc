// Per-op kernel selection. Each backend fills PreparedOp::run (+ state) for one op, or
// returns an error naming what it cannot run. backend.cc routes by Backend.
#pragma once
#include "runtime/core/executor.h"

namespace fg {

// `arena` is the net's activation arena, already allocated at its final address (a moved
// Net keeps the same buffer): backends that bind pointers at prepare time (XNNPACK) use it.
[[nodiscard]] Status backend_prepare_op(Backend backend, const Model& model, uint8_t* arena, PreparedOp* op);

// The oracle: kernels/reference loops, f32 only.
[[nodiscard]] Status reference_prepare_op(const Model& model, PreparedOp* op);

// Our SIMD kernels, best variant for this CPU; reference loops for ops without one yet.
[[nodiscard]] Status native_prepare_op(const Model& model, PreparedOp* op);

// Nearest upsampling (a copy, kernels/reference/upsample_nearest.h) for every backend:
// backend_upsample.cc.
[[nodiscard]] Status upsample_prepare_op(PreparedOp* op);

// Shapes of an op in the kernels' terms (shared by every backend).
Conv2dShape conv_shape_of(const PreparedOp& op);
Pool2dShape pool_shape_of(const PreparedOp& op);
AddShape add_shape_of(const PreparedOp& op);

// The pool a dense conv should split over: the net's, or none when the conv is too small.
// A split costs a wake-up of sleeping workers and a barrier (tens of us on a VM), so the
// landmark net, whose convs are all <= 3.2M MACs (~40 us f32), ran slower on 2 threads than
// on 1; the recognition net's 12M-MAC 3x3 convs (~120 us f32, ~40 us int8) gain 1.4-1.7x.
// Per ISA: an ARM core does 3-7 f32 / 6-20 int8 MACs per cycle at 1.5-2.4 GHz (the
// bench/arm_cost model), so there a 0.5M-MAC f32 conv is ~0.1 ms, several times a Pi's
// wake-up + barrier; the x86 figures left every landmark conv single-threaded on a Pi.
#if defined(__aarch64__) || defined(__arm__)
constexpr int64_t kMinMacsToSplitF32 = int64_t{1} << 19;
constexpr int64_t kMinMacsToSplitQs8 = int64_t{1} << 20;
#else
constexpr int64_t kMinMacsToSplitF32 = int64_t{4} << 20;
constexpr int64_t kMinMacsToSplitQs8 = int64_t{8} << 20;
#endif
inline ThreadPool* conv_split_pool(const PreparedOp& op, const Conv2dShape& s, int64_t min_macs) {
  const int64_t macs = int64_t{s.out_h} * s.out_w * s.out_c * s.kernel_h * s.kernel_w * s.in_c;
  return macs >= min_macs ? op.pool : nullptr;
}

template <typename T>
inline const T* arena_in(const PreparedOp& op, const uint8_t* arena, int i = 0) {
  return reinterpret_cast<const T*>(arena + op.in_offset[i]);
}
template <typename T>
inline T* arena_out(const PreparedOp& op, uint8_t* arena) {
  return reinterpret_cast<T*>(arena + op.out_offset);
}

}  // namespace fg
