// The validator's checks of the liveness ops (model_format.h kPRelu..kSoftmax): a
// well-formed graph loads, each malformed one is refused with a message.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "runtime/core/model.h"
#include "runtime/core/model_writer.h"

namespace fg {
namespace {

// x [2,2,4] -> prelu(alpha[na]) -> gap [4] -> sigmoid -> mul(x, .) -> gap -> softmax
Status build_and_load(int alpha_n, int softmax_rank, DType alpha_dtype = DType::kF32) {
  ModelBuilder b;
  b.net_name = "t";
  const int x = b.add_tensor("x", DType::kF32, TensorRole::kInput, {2, 2, 4});
  std::vector<float> a(static_cast<size_t>(alpha_n), 0.25f);
  const int alpha = alpha_dtype == DType::kF32 ? b.add_constant_f32("a", {alpha_n}, a)
                                               : b.add_constant_raw("a", DType::kI32, {alpha_n}, a.data(), a.size() * 4);
  const int p = b.add_tensor("p", DType::kF32, TensorRole::kActivation, {2, 2, 4});
  b.ops.push_back(ModelBuilder::make_op(OpType::kPRelu, {x, alpha}, p));
  const int g = b.add_tensor("g", DType::kF32, TensorRole::kActivation, {4});
  b.ops.push_back(ModelBuilder::make_op(OpType::kGlobalAvgPool, {p}, g));
  const int s = b.add_tensor("s", DType::kF32, TensorRole::kActivation, {4});
  b.ops.push_back(ModelBuilder::make_op(OpType::kSigmoid, {g}, s));
  const int m = b.add_tensor("m", DType::kF32, TensorRole::kActivation, {2, 2, 4});
  b.ops.push_back(ModelBuilder::make_op(OpType::kMulChannel, {p, s}, m));
  int last = m;
  if (softmax_rank == 1) {
    last = b.add_tensor("g2", DType::kF32, TensorRole::kActivation, {4});
    b.ops.push_back(ModelBuilder::make_op(OpType::kGlobalAvgPool, {m}, last));
  }
  const int y = softmax_rank == 1 ? b.add_tensor("y", DType::kF32, TensorRole::kOutput, {4})
                                  : b.add_tensor("y", DType::kF32, TensorRole::kOutput, {2, 2, 4});
  b.ops.push_back(ModelBuilder::make_op(OpType::kSoftmax, {last}, y));
  const std::vector<uint8_t> bytes = b.serialize();
  Model model;
  return model_load_bytes(bytes.data(), bytes.size(), "t.fgm", &model);
}

TEST_CASE("liveness ops: a well-formed graph loads") {
  const Status s = build_and_load(4, 1);
  CHECK_MESSAGE(s.is_ok(), s.message());
}

TEST_CASE("liveness ops: malformed graphs are refused") {
  Status s = build_and_load(3, 1);
  CHECK(!s.is_ok());
  CHECK(s.message().find("alpha") != std::string::npos);
  s = build_and_load(4, 3);
  CHECK(!s.is_ok());
  CHECK(s.message().find("softmax") != std::string::npos);
  s = build_and_load(4, 1, DType::kI32);
  CHECK(!s.is_ok());
}

}  // namespace
}  // namespace fg
