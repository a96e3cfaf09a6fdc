#include "runtime/core/executor.h"

#include <algorithm>
#include <cstring>

#include "runtime/core/backend.h"
#include "runtime/core/residual_fusion.h"

namespace fg {
namespace {

constexpr size_t kArenaAlign = 64;
// Slack past the last tensor: XNNPACK and our SIMD kernels may read up to this many bytes
// past the end of an input (XNN_EXTRA_BYTES is 16).
constexpr size_t kArenaTailBytes = 256;

struct Lifetime {
  int tensor;
  size_t bytes;
  int first, last;  // op indices: produced at `first`, last read at `last`
};

// Greedy best-fit by decreasing size: each tensor takes the lowest offset that does not
// overlap a placed tensor alive at the same time. Optimal for chains, close elsewhere.
size_t plan_arena(const Model& m, const std::vector<OpInfo>& ops, bool keep_all, std::vector<size_t>* offsets) {
  const int n_ops = static_cast<int>(ops.size());
  std::vector<Lifetime> lives;
  std::vector<int> index_of(m.tensors.size(), -1);
  for (size_t t = 0; t < m.tensors.size(); ++t) {
    const TensorInfo& ti = m.tensors[t];
    if (ti.role == TensorRole::kConstant) continue;
    const size_t bytes = (static_cast<size_t>(ti.bytes()) + kArenaAlign - 1) / kArenaAlign * kArenaAlign;
    index_of[t] = static_cast<int>(lives.size());
    lives.push_back({static_cast<int>(t), bytes, -1, ti.role == TensorRole::kOutput || keep_all ? n_ops : -1});
  }
  for (int i = 0; i < n_ops; ++i) {
    const OpInfo& op = ops[i];
    lives[index_of[op.output]].first = i;
    for (int in : op.inputs)
      if (in >= 0 && index_of[in] >= 0) lives[index_of[in]].last = std::max(lives[index_of[in]].last, i);
  }
  // Activations no op writes (a conv output fused away) need no bytes.
  for (Lifetime& L : lives)
    if (L.first < 0 && m.tensors[L.tensor].role == TensorRole::kActivation) L.bytes = 0;
  std::vector<int> order(lives.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return lives[a].bytes > lives[b].bytes; });
  std::vector<int> placed;
  std::vector<size_t> off(lives.size(), 0);
  size_t total = 0;
  for (int i : order) {
    const Lifetime& L = lives[i];
    // Candidate offsets: 0 and the end of every placed tensor alive at the same time.
    std::vector<std::pair<size_t, size_t>> busy;
    for (int j : placed) {
      const Lifetime& P = lives[j];
      const bool overlap = !(L.last < P.first || P.last < L.first);
      if (overlap) busy.push_back({off[j], off[j] + P.bytes});
    }
    std::sort(busy.begin(), busy.end());
    size_t at = 0;
    for (const auto& b : busy) {
      if (at + L.bytes <= b.first) break;
      at = std::max(at, b.second);
    }
    off[i] = at;
    total = std::max(total, at + L.bytes);
    placed.push_back(i);
  }
  offsets->assign(m.tensors.size(), 0);
  for (size_t i = 0; i < lives.size(); ++i) (*offsets)[lives[i].tensor] = off[i];
  return total;
}

}  // namespace

const char* backend_name(Backend b) {
  switch (b) {
    case Backend::kReference: return "reference";
    case Backend::kNative: return "native";
    case Backend::kXnnpack: return "xnnpack";
  }
  return "?";
}

bool backend_from_name(const std::string& name, Backend* out) {
  for (Backend b : {Backend::kReference, Backend::kNative, Backend::kXnnpack}) {
    if (name == backend_name(b)) {
      *out = b;
      return true;
    }
  }
  return false;
}

Status net_prepare(const Model& model, const NetOptions& options, Net* net) {
  if (options.threads < 0 || options.threads > kMaxNetThreads)
    return Status::error("NetOptions::threads must be 0 (all cores) to " + std::to_string(kMaxNetThreads) + ", got " +
                         std::to_string(options.threads));
  Net n;
  n.model = &model;
  n.options = options;
  // Threads start here, once; runs only hand them work.
  n.pool = ThreadPool::create(thread_pool_resolve_threads(options.threads));
  // The native backend runs conv+add as one fused conv (runtime/core/residual_fusion.h), except when
  // every activation must stay readable.
  std::vector<OpInfo> ops = model.ops;
  if (options.backend == Backend::kNative && !options.keep_all_activations) fuse_conv_residual_adds(model, &ops);
  const size_t arena_bytes = plan_arena(model, ops, options.keep_all_activations, &n.tensor_offset);
  if (!n.arena.resize(arena_bytes + kArenaTailBytes))
    return Status::error("out of memory for a " + std::to_string(arena_bytes) + "-byte arena");
  n.ops.resize(ops.size());
  for (size_t i = 0; i < ops.size(); ++i) {
    PreparedOp& p = n.ops[i];
    p.info = ops[i];
    for (int k = 0; k < kMaxOpInputs; ++k)
      p.in[k] = p.info.inputs[k] >= 0 ? &model.tensors[p.info.inputs[k]] : nullptr;
    p.out = &model.tensors[p.info.output];
    p.in_offset[0] = n.tensor_offset[p.info.inputs[0]];
    if (p.info.type == OpType::kAdd || p.info.type == OpType::kMulChannel) p.in_offset[1] = n.tensor_offset[p.info.inputs[1]];
    if (p.info.inputs[3] >= 0) p.in_offset[1] = n.tensor_offset[p.info.inputs[3]];  // conv residual
    p.out_offset = n.tensor_offset[p.info.output];
    p.pool = n.pool.get();
    Status s = backend_prepare_op(options.backend, model, n.arena.data(), &p);
    if (!s) return s.with_context("op " + std::to_string(i) + " (" + p.out->name + ")");
  }
  *net = std::move(n);
  return Status::ok();
}

void net_run(Net& net) {
  uint8_t* arena = net.arena.data();
  for (const PreparedOp& op : net.ops) op.run(op, arena);
}

float* net_input(Net& net) {
  return reinterpret_cast<float*>(net.arena.data() + net.tensor_offset[net.model->inputs[0]]);
}

const float* net_output(const Net& net, int index) {
  return reinterpret_cast<const float*>(net.arena.data() + net.tensor_offset[net.model->outputs[index]]);
}

const float* net_tensor(const Net& net, int tensor_index) {
  if (tensor_index < 0 || tensor_index >= static_cast<int>(net.model->tensors.size())) return nullptr;
  if (net.model->tensors[tensor_index].role == TensorRole::kConstant) return nullptr;
  return reinterpret_cast<const float*>(net.arena.data() + net.tensor_offset[tensor_index]);
}

size_t net_arena_bytes(const Net& net) { return net.arena.size(); }

int net_threads(const Net& net) { return net.pool ? net.pool->threads() : 1; }

}  // namespace fg
