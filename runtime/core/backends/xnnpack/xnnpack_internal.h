// Shared by the XNNPACK backend's f32 and qs8 halves (runtime/xnnpack_*.cc): the per-op
// state, status mapping and the arena binding scheme described in xnnpack_backend.cc.
#pragma once
#include <xnnpack.h>

#include <memory>
#include <vector>

#include "runtime/core/backend.h"

namespace fg {

struct XnnOpState : OpState {
  // Points ops at the tensors in `arena` (XNNPACK "setup"); run in order afterwards.
  using BindFn = xnn_status (*)(const PreparedOp& op, XnnOpState& st, uint8_t* arena);
  BindFn bind = nullptr;
  std::vector<xnn_operator_t> ops;
  bool leaky = false;                  // f32: ops.back() is a leaky ReLU applied in place
  bool pad_input[2] = {false, false};  // add: input i is zero-extended into scratch[i] first
  AlignedBuffer scratch[2];
  std::vector<int8_t> leaky_table;     // int8: out[i] = table[out[i] + 128] after the ops
  const uint8_t* bound_arena = nullptr;
  ~XnnOpState() override {
    for (xnn_operator_t o : ops) xnn_delete_operator(o);
  }
};

// The net's pool for every xnn_setup_* and xnn_run_operator of an op (null = one thread).
// Setup and run must get the same pool: the 2022 API sizes each operator's work split at
// setup from the pool's thread count.
inline pthreadpool_t xnn_pool(const PreparedOp& op) { return op.pool ? op.pool->handle() : nullptr; }

inline int channels_of(const TensorInfo& t) { return t.dims[t.rank - 1]; }
inline size_t pixels_of(const TensorInfo& t) { return static_cast<size_t>(t.elements / channels_of(t)); }

// HWIO [kh][kw][cin][cout] -> XNNPACK's OHWI [cout][kh][kw][cin] (f32 or int8 filters).
template <typename T>
std::vector<T> hwio_to_ohwi(const Conv2dShape& s, const T* w) {
  const size_t taps = static_cast<size_t>(s.kernel_h) * s.kernel_w;
  std::vector<T> out(taps * s.in_c * s.out_c);
  for (size_t t = 0; t < taps; ++t)
    for (size_t i = 0; i < static_cast<size_t>(s.in_c); ++i)
      for (size_t o = 0; o < static_cast<size_t>(s.out_c); ++o)
        out[(o * taps + t) * s.in_c + i] = w[(t * s.in_c + i) * s.out_c + o];
  return out;
}

// The zero-extending add as XNNPACK shapes: input i is padded at the end of each dim by after[i].
struct AddPadPlan {
  size_t out_shape[3], in_shape[2][3], before[3] = {0, 0, 0}, after[2][3];
  explicit AddPadPlan(const PreparedOp& op) {
    for (int d = 0; d < 3; ++d) {
      out_shape[d] = static_cast<size_t>(op.out->dims[d]);
      for (int i = 0; i < 2; ++i) {
        in_shape[i][d] = static_cast<size_t>(op.in[i]->dims[d]);
        after[i][d] = out_shape[d] - in_shape[i][d];
      }
    }
  }
};
// Checks an add's shapes and sizes the scratch of each input smaller than the output.
[[nodiscard]] Status xnn_plan_add_scratch(const PreparedOp& op, size_t element_bytes, XnnOpState* st);

[[nodiscard]] Status xnn_check(xnn_status s, const char* what);
// Binds `st` to the net's real arena (validates shapes now), then hands it to `op` with the
// shared run function.
[[nodiscard]] Status xnn_finish_prepare(std::unique_ptr<XnnOpState> st, uint8_t* arena, PreparedOp* op);
// The int8 half: per-channel qc8 convolutions, qs8 add / global average pool, s8 max pool.
[[nodiscard]] Status xnnpack_prepare_qs8_op(const Model& model, uint8_t* arena, PreparedOp* op);

}  // namespace fg
