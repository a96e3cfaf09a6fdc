// Read-only gallery queries: find, list, embedding, info.
#include <cstring>
#include <unordered_map>

#include "runtime/gallery/gallery_internal.h"

namespace fg {

size_t gallery_find_record(const Gallery& g, uint64_t record_id) {
  size_t lo = 0, hi = g.count;  // ids increase with position
  while (lo < hi) {
    const size_t mid = (lo + hi) / 2;
    if (gallery_record_meta(g.header, g.record(mid)).record_id < record_id) lo = mid + 1;
    else hi = mid;
  }
  if (lo < g.count && gallery_record_meta(g.header, g.record(lo)).record_id == record_id) return lo;
  return g.count;
}

std::vector<GalleryRecord> gallery_list(const Gallery& g, bool include_deleted) {
  std::vector<GalleryRecord> out;
  for (size_t i = 0; i < g.count; ++i) {
    const GalleryRecordMeta m = gallery_record_meta(g.header, g.record(i));
    const bool deleted = g.deleted(i);
    if (deleted && !include_deleted) continue;
    out.push_back({m.record_id, m.person_id, m.name, m.enrolled_unix_us, deleted, g.state[i] == kRecordRejected});
  }
  return out;
}

Status gallery_embedding(const Gallery& g, uint64_t record_id, std::vector<float>* out) {
  const size_t i = gallery_find_record(g, record_id);
  if (i == g.count) return Status::error("no record with id " + std::to_string(record_id));
  if (g.state[i] == kRecordRejected)
    return Status::error("record " + std::to_string(record_id) + " failed its MAC check (not used)");
  out->resize(g.header.dim);
  const uint8_t* r = g.record(i);
  for (size_t d = 0; d < g.header.dim; ++d) {
    if (g.header.dtype == GalleryDtype::kS8) {
      (*out)[d] = float(int8_t(r[d])) * g.header.int8_scale;
    } else {
      std::memcpy(&(*out)[d], r + 4 * d, 4);
    }
  }
  return Status::ok();
}

GalleryInfo gallery_info(const Gallery& g) {
  GalleryInfo info{};
  info.path = g.path;
  info.version = g.header.version;
  info.dim = g.header.dim;
  info.dtype = g.header.dtype;
  info.int8_scale = g.header.int8_scale;
  info.model_id = g.header.model_id;
  info.record_size = g.header.record_size;
  info.records = g.count;
  std::unordered_map<uint64_t, bool> persons;
  for (size_t i = 0; i < g.count; ++i) {
    if (g.deleted(i)) continue;
    ++info.live_records;
    persons[gallery_record_meta(g.header, g.record(i)).person_id] = true;
  }
  info.deleted_records = g.count - info.live_records;
  info.persons = persons.size();
  info.file_bytes = g.file_bytes;
  info.dropped_tail_bytes = g.dropped_tail_bytes;
  info.rejected_records = g.rejected;
  info.unsafe_names = g.unsafe_names;
  info.authenticated = g.authenticated;
  info.writer = g.options.writer;
  return info;
}

}  // namespace fg
