// Similarity-head file (runtime/eval/similarity_head.h). The trailing CRC-32 is recomputed so
// mutants reach the fields; an accepted head is then used once.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "runtime/base/crc32.h"
#include "runtime/eval/similarity_head.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<uint8_t> bytes(data, data + size);
  if (bytes.size() >= 4) {
    const uint32_t crc = fg::crc32(bytes.data(), bytes.size() - 4);
    std::memcpy(&bytes[bytes.size() - 4], &crc, 4);
  }
  fg::SimilarityHead head;
  if (!fg::similarity_head_parse(bytes, &head).is_ok()) return 0;
  std::vector<float> a(128, 0.05f), b(128, -0.05f);
  double score = 0;
  (void)fg::similarity_head_decide(head, a.data(), b.data(), &score);
  return 0;
}
