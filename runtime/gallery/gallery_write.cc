// Gallery rewrites: compaction and batch enrolment, both through one atomic replace of the
// whole file (write PATH.<what>-tmp, fsync, rename, fsync the directory). Crash-safety
// argument in docs/gallery-format.md; the append path is gallery.cc.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "runtime/gallery/gallery.h"
#include "runtime/gallery/gallery_internal.h"

namespace fg {
using namespace gallery_file;

namespace {

// The gallery's atomic replace: `out` (header + records) goes to PATH.replace-tmp, locked
// before it appears under the gallery's name, fsync'd, renamed over the gallery, the
// directory fsync'd; then *g is re-read from it. Any failure before the rename leaves the
// gallery file and *g as they were.
Status replace_with(Gallery* g, const std::vector<uint8_t>& out, const char* what) {
  const std::string tmp = g->path + "." + what + "-tmp";
  unlink(tmp.c_str());  // a leftover of a crashed replace (we hold the lock)
  const int fd = open(tmp.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return sys_error("create " + tmp);
  // Lock the new inode before it appears under the gallery's name.
  Status s = take_write_lock(fd, tmp);
  if (s) s = pwrite_all(fd, out.data(), out.size(), 0);
  if (s) s = fsync(fd) == 0 ? Status::ok() : sys_error("fsync");
  if (s && rename(tmp.c_str(), g->path.c_str()) != 0) s = sys_error("rename");
  if (!s) {
    close(fd);
    unlink(tmp.c_str());
    return s.with_context(g->path + ": " + what + " (gallery unchanged)");
  }
  close(g->fd);
  g->fd = fd;
  s = fsync_parent_dir(g->path);
  if (s) s = load(g, fd);
  return s.with_context(g->path + ": " + what);
}

}  // namespace

Status gallery_compact(Gallery* g) {
  FG_RETURN_IF_ERROR(need_writer(g));
  GalleryHeader h = g->header;
  h.next_record_id = g->next_record_id;  // ids stay unique after deleted records vanish
  h.next_person_id = g->next_person_id;
  std::vector<uint8_t> out(kGalleryHeaderSize);
  gallery_header_encode(h, out.data());
  for (size_t i = 0; i < g->count; ++i)
    if (!g->deleted(i)) out.insert(out.end(), g->record(i), g->record(i) + h.record_size);
  return replace_with(g, out, "compact");
}

Status gallery_enroll_batch(Gallery* g, const std::string& name, const float* embeddings, size_t count, size_t dim,
                            std::vector<uint64_t>* record_ids) {
  FG_RETURN_IF_ERROR(need_writer(g));
  const GalleryHeader& h = g->header;
  if (count == 0) return Status::error("enrol: no embeddings");
  if (dim != h.dim)
    return Status::error("embedding has dim " + std::to_string(dim) + ", gallery expects " + std::to_string(h.dim));
  for (size_t k = 0; k < count * dim; ++k)
    if (!std::isfinite(embeddings[k]))
      return Status::error("embedding " + std::to_string(k / dim) + " element " + std::to_string(k % dim) +
                           " is not finite");
  FG_RETURN_IF_ERROR(gallery_check_name(name));
  if (h.version != kGalleryVersionV1 && !g->authenticated)
    return Status::error("this gallery is authenticated: enrolling needs its key (--gallery-key FILE)");
  const auto known = g->person_of_name.find(name);
  const uint64_t person = known != g->person_of_name.end() ? known->second : g->next_person_id;
  // The file as loaded (every whole record, deleted and rejected ones too: nothing but the
  // new records changes), then the new records, under a header with the next ids.
  GalleryHeader nh = h;
  nh.next_record_id = g->next_record_id + count;
  nh.next_person_id = std::max(g->next_person_id, person + 1);
  std::vector<uint8_t> out(g->bytes);
  gallery_header_encode(nh, out.data());
  std::vector<uint8_t> rec(h.record_size);
  std::vector<int8_t> quantized(h.dtype == GalleryDtype::kS8 ? dim : 0);
  std::vector<uint64_t> ids;
  for (size_t k = 0; k < count; ++k) {
    GalleryRecordMeta meta;
    meta.record_id = g->next_record_id + k;
    meta.person_id = person;
    meta.enrolled_unix_us = now_unix_us();
    meta.name = name;
    const float* e = embeddings + k * dim;
    const void* stored = e;
    if (h.dtype == GalleryDtype::kS8) {
      for (size_t d = 0; d < dim; ++d) quantized[d] = gallery_quantize(e[d], h.int8_scale);
      stored = quantized.data();
    }
    std::fill(rec.begin(), rec.end(), 0);
    gallery_record_encode(h, meta, stored, rec.data());
    if (g->authenticated) gallery_macer_record(g->macer, rec.data(), rec.data() + h.meta_offset + kMetaMac);
    out.insert(out.end(), rec.begin(), rec.end());
    ids.push_back(meta.record_id);
  }
  FG_RETURN_IF_ERROR(replace_with(g, out, "enroll"));
  if (record_ids) *record_ids = ids;
  return Status::ok();
}

}  // namespace fg
