// CRC-32 (IEEE 802.3, the zlib/PNG polynomial), used by the model file and the gallery.
#pragma once
#include <cstddef>
#include <cstdint>

namespace fg {
// Pass the previous result as `crc` to continue a running checksum (start with 0).
uint32_t crc32(const void* data, size_t bytes, uint32_t crc = 0);
}  // namespace fg
