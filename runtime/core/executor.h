// The executor: a prepared model ready to run.
//
// net_prepare() validates nothing new (model_load did), picks a kernel for each op from the
// chosen backend, packs weights the kernel wants packed, and plans ONE arena for every
// activation (tensors whose lifetimes do not overlap share bytes). net_run() then walks the
// op list calling kernels on arena pointers: it allocates nothing and cannot fail.
// With NetOptions::threads != 1 the net also owns a thread pool, created at prepare, that
// splits the dense convs (native) or every operator (XNNPACK) across threads.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "runtime/base/aligned_buffer.h"
#include "runtime/core/model.h"
#include "runtime/base/thread_pool.h"

namespace fg {

enum class Backend { kReference = 0, kNative = 1, kXnnpack = 2 };
const char* backend_name(Backend b);
bool backend_from_name(const std::string& name, Backend* out);

struct NetOptions {
  Backend backend = Backend::kReference;
  // Give every activation its own bytes so net_tensor() can read any layer after a run
  // (per-layer parity tests); costs memory, so off by default.
  bool keep_all_activations = false;
  // Threads per net_run, the caller's included: 1 = run on the caller only (no pool), 0 = one
  // per hardware thread, N = N. Native: dense convs (f32 and int8) are split across them,
  // bit-identical to 1 thread; depthwise, pools and adds stay on the caller. XNNPACK: every
  // operator gets the pool (its f32 sums may then differ in the last bits). Without
  // libpthreadpool at build time any value runs as 1 (net_threads() says so). Negative or
  // more than kMaxNetThreads: net_prepare fails.
  int threads = 1;
};

constexpr int kMaxNetThreads = 256;

struct Net;
struct PreparedOp;
using OpRunFn = void (*)(const PreparedOp& op, uint8_t* arena);

// Backend-owned state of one prepared op (packed weights, XNNPACK operator...).
struct OpState {
  virtual ~OpState() = default;
};

struct PreparedOp {
  OpInfo info;
  OpRunFn run = nullptr;
  const TensorInfo* in[kMaxOpInputs] = {};
  const TensorInfo* out = nullptr;
  size_t in_offset[2] = {0, 0};  // arena offsets of the activation inputs
  size_t out_offset = 0;
  std::unique_ptr<OpState> state;
  const char* kernel_name = "";
  ThreadPool* pool = nullptr;  // the net's, or null when it runs on one thread
};

struct Net {
  const Model* model = nullptr;
  NetOptions options;
  std::unique_ptr<ThreadPool> pool;  // before `ops`: outlives every op that points at it
  std::vector<PreparedOp> ops;
  std::vector<size_t> tensor_offset;  // arena offset per tensor (activations only)
  AlignedBuffer arena;
};

// `model` must outlive `net`.
[[nodiscard]] Status net_prepare(const Model& model, const NetOptions& options, Net* net);
void net_run(Net& net);

float* net_input(Net& net);
const float* net_output(const Net& net, int index = 0);
// Any activation tensor after a run: only meaningful with keep_all_activations (or for the
// input/outputs); nullptr for constants.
const float* net_tensor(const Net& net, int tensor_index);
size_t net_arena_bytes(const Net& net);
// Threads a run actually uses (1 without a pool).
int net_threads(const Net& net);

}  // namespace fg
