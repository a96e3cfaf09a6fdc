// Model loader + validator (runtime/core/model.h), then prepare and one run on the reference
// backend for the small models it accepts. The CRC-32 is recomputed over each input first:
// otherwise nearly every mutant would stop at the checksum and the parser behind it would
// never be reached.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "runtime/core/executor.h"
#include "runtime/core/model.h"
#include "runtime/core/model_format.h"

namespace {
// Runs only graphs this small (sum of tensor elements), so one input costs < 10 ms.
constexpr int64_t kMaxRunElements = 1 << 16;
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<uint8_t> bytes(data, data + size);
  if (bytes.size() >= sizeof(fg::FileHeader)) {
    const size_t at = offsetof(fg::FileHeader, checksum);
    std::memset(&bytes[at], 0, 4);
    const uint32_t crc = fg::model_checksum(bytes.data(), bytes.size());
    std::memcpy(&bytes[at], &crc, 4);
  }
  fg::Model model;
  if (!fg::model_load_bytes(bytes.data(), bytes.size(), "fuzz.fgm", &model).is_ok()) return 0;
  int64_t elements = 0;
  for (const fg::TensorInfo& t : model.tensors) elements += t.elements;
  if (elements > kMaxRunElements) return 0;
  fg::Net net;
  if (!fg::net_prepare(model, fg::NetOptions{}, &net).is_ok()) return 0;
  fg::net_run(net);
  return 0;
}
