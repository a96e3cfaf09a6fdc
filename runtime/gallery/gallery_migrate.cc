#include "runtime/gallery/gallery_migrate.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <vector>

#include "runtime/gallery/gallery_internal.h"

namespace fg {
namespace {

Status sys_error(const std::string& what) { return Status::error(what + ": " + std::strerror(errno)); }

Status write_new_file(const std::string& tmp, const std::vector<uint8_t>& bytes) {
  unlink(tmp.c_str());  // a leftover of an interrupted migration
  const int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return sys_error("create " + tmp);
  size_t done = 0;
  Status s;
  while (s && done < bytes.size()) {
    const ssize_t n = write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) s = sys_error("write " + tmp);
    else done += size_t(n);
  }
  if (s && fsync(fd) != 0) s = sys_error("fsync " + tmp);
  close(fd);
  return s;
}

}  // namespace

Status gallery_migrate(const Gallery& src, const std::string& dst_path, const GalleryKey& key,
                       GalleryMigrateReport* report) {
  if (!key.loaded) return Status::error("migrate needs the new gallery's key");
  if (src.header.version != kGalleryVersionV1 && !src.authenticated)
    return Status::error(src.path + " is a v2 gallery opened without its key: give that key too, so that only "
                                    "authentic records are copied");
  *report = GalleryMigrateReport{};
  GalleryHeader h = src.header;
  h.version = kGalleryVersionV2;
  h.next_record_id = src.next_record_id;
  h.next_person_id = src.next_person_id;
  gallery_random_id(h.gallery_id);  // a new gallery: records signed for the old one stay there
  std::memcpy(h.key_id, key.id, kGalleryKeyIdBytes);
  gallery_header_derive_sizes(&h);
  std::vector<uint8_t> out(kGalleryHeaderSize);
  gallery_header_encode(h, out.data());
  GalleryMacer macer;
  gallery_macer_init(&macer, key, out.data(), h);
  std::vector<uint8_t> rec(h.record_size);
  for (size_t i = 0; i < src.count; ++i) {
    if (src.deleted(i)) {
      ++report->skipped;
      continue;
    }
    const GalleryRecordMeta m = gallery_record_meta(src.header, src.record(i));
    gallery_record_encode(h, m, src.record(i), rec.data());  // the embedding is at offset 0 in both
    gallery_macer_record(macer, rec.data(), rec.data() + h.meta_offset + kMetaMac);
    out.insert(out.end(), rec.begin(), rec.end());
    ++report->copied;
    report->unsafe_names += !gallery_name_is_safe(m.name);
  }
  const std::string tmp = dst_path + ".migrate-tmp";
  Status s = write_new_file(tmp, out);
  // link() fails with EEXIST instead of replacing: NEW is never overwritten.
  if (s && link(tmp.c_str(), dst_path.c_str()) != 0)
    s = errno == EEXIST ? Status::error(dst_path + " already exists; refusing to overwrite it")
                        : sys_error("link " + dst_path);
  unlink(tmp.c_str());
  if (s) s = fsync_parent_dir(dst_path);
  return s;
}

}  // namespace fg
