// The model file is untrusted input: truncated, corrupted and hostile files are refused with
// a clear message, never a crash or an over-read (run this under the asan preset too).
#include <cstring>
#include <random>

#include "runtime/base/crc32.h"
#include "runtime/core/executor.h"
#include "runtime/core/model_writer.h"
#include "test_util.h"

using namespace fg;
using namespace fg_test;

namespace {

// A small graph that uses every op type: conv, depthwise, pools, add, gap, fc.
ModelBuilder tiny_model() {
  ModelBuilder mb;
  mb.net_name = "tiny";
  const int x = mb.add_tensor("input", DType::kF32, TensorRole::kInput, {6, 6, 2});
  std::vector<float> w(3 * 3 * 2 * 4), b(4, 0.1f), dw(3 * 3 * 4), fc(4 * 3), fcb(3, 0.5f);
  for (size_t i = 0; i < w.size(); ++i) w[i] = 0.01f * static_cast<float>(i % 7) - 0.02f;
  for (size_t i = 0; i < dw.size(); ++i) dw[i] = 0.1f;
  for (size_t i = 0; i < fc.size(); ++i) fc[i] = 0.2f;
  const int wt = mb.add_constant_f32("w", {3, 3, 2, 4}, w);
  const int bt = mb.add_constant_f32("b", {4}, b);
  const int c = mb.add_tensor("conv", DType::kF32, TensorRole::kActivation, {6, 6, 4});
  OpRecord op = ModelBuilder::make_op(OpType::kConv2d, {x, wt, bt}, c);
  op.kernel_h = op.kernel_w = 3;
  op.pad_top = op.pad_left = op.pad_bottom = op.pad_right = 1;
  op.activation = static_cast<uint8_t>(Activation::kRelu);
  mb.ops.push_back(op);
  const int dwt = mb.add_constant_f32("dw", {3, 3, 4}, dw);
  const int d = mb.add_tensor("dw_out", DType::kF32, TensorRole::kActivation, {3, 3, 4});
  op = ModelBuilder::make_op(OpType::kDepthwiseConv2d, {c, dwt}, d);
  op.kernel_h = op.kernel_w = 3;
  op.stride_h = op.stride_w = 2;
  op.pad_bottom = op.pad_right = 1;
  mb.ops.push_back(op);
  const int p = mb.add_tensor("pool", DType::kF32, TensorRole::kActivation, {3, 3, 4});
  op = ModelBuilder::make_op(OpType::kMaxPool2d, {c}, p);
  op.kernel_h = op.kernel_w = 2;
  op.stride_h = op.stride_w = 2;
  mb.ops.push_back(op);
  const int a = mb.add_tensor("add", DType::kF32, TensorRole::kActivation, {3, 3, 4});
  op = ModelBuilder::make_op(OpType::kAdd, {d, p}, a);
  mb.ops.push_back(op);
  const int g = mb.add_tensor("gap", DType::kF32, TensorRole::kActivation, {4});
  mb.ops.push_back(ModelBuilder::make_op(OpType::kGlobalAvgPool, {a}, g));
  const int fw = mb.add_constant_f32("fc_w", {4, 3}, fc);
  const int fb = mb.add_constant_f32("fc_b", {3}, fcb);
  const int y = mb.add_tensor("out", DType::kF32, TensorRole::kOutput, {3});
  mb.ops.push_back(ModelBuilder::make_op(OpType::kFullyConnected, {a == g ? a : g, fw, fb}, y));
  return mb;
}

Status load(const std::vector<uint8_t>& bytes, Model* m) {
  return model_load_bytes(bytes.data(), bytes.size(), "test.fgm", m);
}

void fix_checksum(std::vector<uint8_t>* bytes) {
  const uint32_t crc = model_checksum(bytes->data(), bytes->size());
  std::memcpy(bytes->data() + offsetof(FileHeader, checksum), &crc, 4);
}

// Loads; when the file is accepted, it must also prepare and run cleanly.
void load_and_maybe_run(const std::vector<uint8_t>& bytes, int* accepted, int* refused) {
  Model m;
  Status s = load(bytes, &m);
  if (!s) {
    CHECK_FALSE(s.message().empty());
    ++*refused;
    return;
  }
  ++*accepted;
  Net net;
  if (net_prepare(m, NetOptions{}, &net).is_ok()) net_run(net);
}


}  // namespace

TEST_CASE("a well-formed model loads and runs") {
  const std::vector<uint8_t> bytes = tiny_model().serialize();
  Model m;
  Status s = load(bytes, &m);
  REQUIRE_MESSAGE(s.is_ok(), s.message());
  Net net;
  REQUIRE(net_prepare(m, NetOptions{}, &net).is_ok());
  for (int i = 0; i < 6 * 6 * 2; ++i) net_input(net)[i] = 1.f;
  net_run(net);
  CHECK(net_output(net)[0] > 0.5f);
}

TEST_CASE("truncation at every offset is refused") {
  const std::vector<uint8_t> bytes = tiny_model().serialize();
  for (size_t len = 0; len < bytes.size(); ++len) {
    Model m;
    Status s = load(std::vector<uint8_t>(bytes.begin(), bytes.begin() + len), &m);
    REQUIRE_MESSAGE(!s.is_ok(), "accepted a file truncated to " << len << " bytes");
  }
  Model m;
  Status s = load(std::vector<uint8_t>(bytes.begin(), bytes.begin() + 100), &m);
  CHECK(contains(s.message(), "truncated"));
}

TEST_CASE("every single flipped byte is caught") {
  const std::vector<uint8_t> bytes = tiny_model().serialize();
  for (size_t i = 0; i < bytes.size(); ++i) {
    std::vector<uint8_t> bad = bytes;
    bad[i] ^= 0x5A;
    Model m;
    Status s = load(bad, &m);
    REQUIRE_MESSAGE(!s.is_ok(), "accepted a flipped byte at " << i);
  }
}

TEST_CASE("hostile files with a valid checksum never crash") {
  // Random rewrites of header/table fields, checksum recomputed so the validator itself is
  // what has to catch them. Accepted mutants (e.g. a changed weight) must run cleanly.
  const std::vector<uint8_t> bytes = tiny_model().serialize();
  FileHeader h;
  std::memcpy(&h, bytes.data(), sizeof h);
  const size_t tables_end = h.data_offset;
  std::mt19937 rng(1234);
  int accepted = 0, refused = 0;
  for (int iter = 0; iter < 20000; ++iter) {
    std::vector<uint8_t> bad = bytes;
    const int edits = 1 + static_cast<int>(rng() % 3);
    for (int e = 0; e < edits; ++e) {
      const size_t at = rng() % tables_end;
      const uint32_t kind = rng() % 4;
      if (kind == 0) bad[at] = static_cast<uint8_t>(rng());
      else if (kind == 1) bad[at] = 0xFF;
      else if (kind == 2 && at + 4 <= tables_end) { const int32_t v = -1; std::memcpy(&bad[at], &v, 4); }
      else if (at + 4 <= tables_end) { const int32_t v = static_cast<int32_t>(rng() % 70000); std::memcpy(&bad[at], &v, 4); }
    }
    fix_checksum(&bad);
    load_and_maybe_run(bad, &accepted, &refused);
  }
  MESSAGE("hostile mutants: " << refused << " refused, " << accepted << " accepted and ran");
  CHECK(refused > 10000);
}

TEST_CASE("specific hostile fields give specific messages") {
  auto refused_with = [](ModelBuilder mb, const std::string& needle) {
    std::vector<uint8_t> bytes = mb.serialize();
    Model m;
    Status s = load(bytes, &m);
    CHECK_MESSAGE(!s.is_ok(), "accepted, expected: " << needle);
    CHECK_MESSAGE(contains(s.message(), needle), s.message());
  };
  {
    ModelBuilder mb = tiny_model();
    mb.tensors[0].record.dims[0] = 1 << 30;
    refused_with(mb, "dimension 0");
  }
  {
    ModelBuilder mb = tiny_model();
    mb.tensors[0].record.rank = 7;
    refused_with(mb, "rank");
  }
  {
    ModelBuilder mb = tiny_model();
    mb.ops[0].inputs[0] = 4000;
    refused_with(mb, "out of range");
  }
  {
    ModelBuilder mb = tiny_model();
    std::swap(mb.ops[0], mb.ops[1]);  // depthwise now reads the conv output before it exists
    refused_with(mb, "before it is written");
  }
  {
    ModelBuilder mb = tiny_model();
    mb.ops[0].stride_h = 2;  // declared output no longer matches
    refused_with(mb, "expected [3,6,4]");
  }
  {
    ModelBuilder mb = tiny_model();
    mb.ops[0].kernel_h = 1000;
    refused_with(mb, "kernel size");
  }
  {
    ModelBuilder mb = tiny_model();
    mb.tensors[1].data.resize(8);  // weights shorter than their shape
    refused_with(mb, "its shape needs");
  }
  {
    ModelBuilder mb = tiny_model();
    mb.ops[1].pad_top = 5;
    refused_with(mb, "padding");
  }
  std::vector<uint8_t> bytes = tiny_model().serialize();
  bytes[0] = 'X';
  Model m;
  CHECK(contains(load(bytes, &m).message(), "bad magic"));
  bytes = tiny_model().serialize();
  bytes[8] = 9;  // version
  CHECK(contains(load(bytes, &m).message(), "version 9"));
  bytes = tiny_model().serialize();
  const uint64_t far = 1ull << 40;
  std::memcpy(bytes.data() + offsetof(FileHeader, data_offset), &far, 8);
  fix_checksum(&bytes);
  CHECK(contains(load(bytes, &m).message(), "data section"));
}

TEST_CASE("a missing model file is a clear error") {
  Model m;
  Status s = model_load_file("/nonexistent/recognition.fgm", &m);
  CHECK(contains(s.message(), "cannot open"));
}
