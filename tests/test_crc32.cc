// CRC-32 against the standard check value and the plain bitwise definition.
#include <random>
#include <vector>

#include "runtime/base/crc32.h"
#include "test_util.h"

namespace {
uint32_t crc32_bitwise(const uint8_t* p, size_t n) {
  uint32_t c = 0xFFFFFFFFu;
  for (size_t i = 0; i < n; ++i) {
    c ^= p[i];
    for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
  }
  return ~c;
}
}  // namespace

TEST_CASE("crc32: check value, every length and alignment, chaining") {
  CHECK(fg::crc32("123456789", 9) == 0xCBF43926u);  // the standard CRC-32 check value
  std::mt19937 rng(7);
  std::vector<uint8_t> buf(300);
  for (auto& b : buf) b = static_cast<uint8_t>(rng());
  for (size_t off = 0; off < 8; ++off)
    for (size_t n = 0; n + off <= buf.size(); n += 7)
      REQUIRE(fg::crc32(buf.data() + off, n) == crc32_bitwise(buf.data() + off, n));
  const uint32_t whole = fg::crc32(buf.data(), buf.size());
  CHECK(fg::crc32(buf.data() + 123, buf.size() - 123, fg::crc32(buf.data(), 123)) == whole);
}
