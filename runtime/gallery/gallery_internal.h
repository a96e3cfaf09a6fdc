// What an open Gallery holds; shared by gallery.cc (file handling), gallery_write.cc
// (rewrites) and gallery_identify.cc.
// Not part of the public API (runtime/gallery/gallery.h).
#pragma once
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "runtime/gallery/gallery.h"
#include "runtime/gallery/gallery_key.h"

namespace fg {

// Per-record state after open: only kLive records are ever used (identify, names, list).
enum : uint8_t { kRecordLive = 0, kRecordDeleted = 1, kRecordRejected = 2 /* MAC failed */ };

struct Gallery {
  std::string path;
  GalleryOpenOptions options;
  int fd = -1;                   // writers only (holds the flock); readers close after reading
  GalleryHeader header;
  // A private copy of the file (header + whole records), read with pread, never mmapped: a
  // file truncated, replaced or removed under a reader cannot fault (SIGBUS) a scan of it.
  std::vector<uint8_t> bytes;
  std::vector<uint8_t> state;    // kRecord* per record
  size_t count = 0;              // records whose checksum held when loaded (or we appended)
  size_t rejected = 0;           // records whose MAC failed (v2 with a key)
  size_t unsafe_names = 0;       // live records whose name gallery_name_is_safe refuses
  bool authenticated = false;    // v2 and every used record's MAC checked with the key
  uint64_t file_bytes = 0;
  uint64_t dropped_tail_bytes = 0;
  GalleryFileStamp stamp;        // the file as it was when read
  GalleryMacer macer;            // valid when authenticated
  uint64_t next_record_id = 1, next_person_id = 1;
  std::unordered_map<std::string, uint64_t> person_of_name;  // live persons only

  const uint8_t* record(size_t i) const {
    return bytes.data() + kGalleryHeaderSize + i * size_t(header.record_size);
  }
  uint8_t* record(size_t i) { return bytes.data() + kGalleryHeaderSize + i * size_t(header.record_size); }
  bool deleted(size_t i) const { return state[i] != kRecordLive; }
};

// Index of the record with this id (ids increase along the file), or g.count if none.
size_t gallery_find_record(const Gallery& g, uint64_t record_id);

// Symmetric int8 quantisation with the gallery scale; saturates to [-127, 127].
inline int8_t gallery_quantize(float x, float scale) {
  const float q = std::nearbyint(x / scale);
  return static_cast<int8_t>(q > 127.f ? 127.f : (q < -127.f ? -127.f : q));
}

// Makes a rename/create in the directory of `path` durable (fsync of the directory).
Status fsync_parent_dir(const std::string& path);

// File helpers of gallery.cc that gallery_write.cc (compaction, batch enrolment) uses too.
namespace gallery_file {
Status sys_error(const std::string& what);  // "what: strerror(errno)"
int64_t now_unix_us();                       // wall clock, for enrolled_unix_us
Status pwrite_all(int fd, const void* data, size_t bytes, uint64_t offset);
Status take_write_lock(int fd, const std::string& path);  // flock LOCK_EX | LOCK_NB
// Reads `fd` into a fresh *g (header, records, MACs, index); *g is only valid on success.
Status load(Gallery* g, int fd);
Status need_writer(const Gallery* g);  // error unless opened as the writer
}  // namespace gallery_file

}  // namespace fg
