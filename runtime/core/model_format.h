// facegate model file (.fgm), version 1: the on-disk structs. The spec is docs/model-format.md.
//
//   [FileHeader 128 B][TensorRecord x tensor_count][OpRecord x op_count][pad][data section]
//
// Little-endian, fixed-size records, every weight blob 64-byte aligned inside the data
// section (which itself starts 64-byte aligned and ends the file), CRC-32 over the file.
// The file is untrusted input: runtime/core/model.cc checks every field before anything uses it.
#pragma once
#include <cstdint>

namespace fg {

constexpr char kModelMagic[8] = {'F', 'G', 'M', 'O', 'D', 'E', 'L', '\0'};
constexpr uint32_t kModelVersion = 1;
constexpr uint32_t kModelAlignment = 64;
constexpr int kMaxTensorRank = 4;
constexpr int kMaxOpInputs = 4;
constexpr int kTensorNameBytes = 40;
constexpr int kNetNameBytes = 16;

enum class DType : uint8_t { kF32 = 0, kI8 = 1, kI32 = 2 };
enum class TensorRole : uint8_t { kActivation = 0, kConstant = 1, kInput = 2, kOutput = 3 };
enum class QuantKind : uint8_t { kNone = 0, kPerTensor = 1, kPerChannel = 2 };

enum class OpType : uint16_t {
  kConv2d = 1,           // in: x, filter [kh][kw][cin][cout], bias? [cout], residual?
  kDepthwiseConv2d = 2,  // in: x, filter [kh][kw][c], bias? [c], residual?
  kMaxPool2d = 3,        // in: x
  kAvgPool2d = 4,        // in: x
  kAdd = 5,              // in: a, b (zero-extended to the output shape, see f32_ops.h)
  kGlobalAvgPool = 6,    // in: x [h][w][c] -> [c]
  kFullyConnected = 7,   // in: x [n], weights [n][m], bias? [m]
  kQuantize = 8,         // in: x f32 -> int8 output (the output's scale / zero point)
  kDequantize = 9,       // in: x int8 -> f32 output
  // f32 only (the passive anti-spoof nets, docs/liveness.md):
  kPRelu = 10,           // in: x [..][c], alpha [c] constant: x > 0 ? x : alpha[c] * x
  kMulChannel = 11,      // in: x [h][w][c], s [c] activation: x * s[c] (squeeze-excite scale)
  kSigmoid = 12,         // in: x -> 1 / (1 + exp(-x)), any shape
  kSoftmax = 13,         // in: x [n] -> exp(x - max) / sum
  // f32 and int8 (YuNet):
  kUpsampleNearest = 14, // in: x; integer factor in stride_h == stride_w (YuNet's FPN, 2)
};
constexpr uint16_t kOpTypeLast = 14;
// A conv's optional 4th input `residual` (output shape, same dtype) is added before the
// activation: act(conv(x) + r), one rounding in int8 graphs (docs/quantization.md).

#pragma pack(push, 1)
struct FileHeader {
  char magic[8];
  uint32_t version;
  uint32_t header_bytes;       // sizeof(FileHeader)
  uint64_t file_bytes;         // exact size of the whole file
  uint32_t tensor_count;
  uint32_t op_count;
  uint64_t tensors_offset;     // TensorRecord[tensor_count]
  uint64_t ops_offset;         // OpRecord[op_count]
  uint64_t data_offset;        // 64-byte aligned
  uint64_t data_bytes;
  uint32_t checksum;           // CRC-32 (IEEE) of the whole file, this field read as 0
  uint32_t flags;              // 0
  char net_name[kNetNameBytes];  // "recognition", "detector", "landmark68" (NUL-padded)
  uint8_t reserved[40];
};
static_assert(sizeof(FileHeader) == 128, "FileHeader layout");

struct TensorRecord {
  char name[kTensorNameBytes];  // NUL-terminated
  uint8_t dtype;                // DType
  uint8_t role;                 // TensorRole
  uint8_t rank;                 // 1..kMaxTensorRank
  uint8_t quant;                // QuantKind
  int32_t dims[kMaxTensorRank]; // unused dims = 1
  uint64_t data_offset;         // constants: offset into the data section
  uint64_t data_bytes;          // constants: byte size (= element count * dtype size)
  float scale;                  // per-tensor quantization
  int32_t zero_point;
  uint32_t reserved;            // 0
  uint64_t scales_offset;       // per-channel: f32[dims[rank-1]] in the data section
};
static_assert(sizeof(TensorRecord) == 96, "TensorRecord layout");

struct OpRecord {
  uint16_t type;                // OpType
  uint8_t activation;           // Activation (kernels/common/op_shapes.h)
  uint8_t flags;                // 0
  int32_t inputs[kMaxOpInputs]; // tensor indices, -1 = absent
  int32_t output;
  int32_t kernel_h, kernel_w, stride_h, stride_w;
  int32_t pad_top, pad_left, pad_bottom, pad_right;
  float leaky_alpha;
  uint8_t reserved[4];
};
static_assert(sizeof(OpRecord) == 64, "OpRecord layout");
#pragma pack(pop)

inline int dtype_size(DType t) { return t == DType::kI8 ? 1 : 4; }

}  // namespace fg
