// What an open Gallery holds; shared by gallery.cc (file handling) and gallery_identify.cc.
// Not part of the public API (runtime/gallery/gallery.h).
#pragma once
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>

#include "runtime/gallery/gallery.h"

namespace fg {

struct Gallery {
  std::string path;
  GalleryOpenOptions options;
  int fd = -1;
  GalleryHeader header;
  const uint8_t* map = nullptr;  // PROT_READ, MAP_SHARED: sees our own pwrite()s of flags
  size_t map_bytes = 0;
  size_t count = 0;              // records whose checksum held when loaded (or we appended)
  uint64_t file_bytes = 0;
  uint64_t dropped_tail_bytes = 0;
  uint64_t next_record_id = 1, next_person_id = 1;
  std::unordered_map<std::string, uint64_t> person_of_name;  // live persons only

  const uint8_t* record(size_t i) const {
    return map + kGalleryHeaderSize + i * size_t(header.record_size);
  }
  bool deleted(size_t i) const { return gallery_record_flags(header, record(i)) != kGalleryFlagLive; }
};

// Index of the record with this id (ids increase along the file), or g.count if none.
size_t gallery_find_record(const Gallery& g, uint64_t record_id);

// Symmetric int8 quantisation with the gallery scale; saturates to [-127, 127].
inline int8_t gallery_quantize(float x, float scale) {
  const float q = std::nearbyint(x / scale);
  return static_cast<int8_t>(q > 127.f ? 127.f : (q < -127.f ? -127.f : q));
}

}  // namespace fg
