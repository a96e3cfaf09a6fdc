// Gallery file handling: create/open with the write lock, read + validation (+ MACs, v2),
// durable append, delete marks (compaction and batch enrolment: gallery_write.cc).
// Crash-safety argument in docs/gallery-format.md.
#include "runtime/gallery/gallery.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <memory>
#include <vector>

#include "runtime/gallery/gallery_internal.h"

namespace fg {
// Helpers gallery_write.cc shares (declared in gallery_internal.h).
namespace gallery_file {

Status sys_error(const std::string& what) {
  return Status::error(what + ": " + std::strerror(errno));
}

int64_t now_unix_us() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return int64_t(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}

Status pwrite_all(int fd, const void* data, size_t bytes, uint64_t offset) {
  const auto* p = static_cast<const uint8_t*>(data);
  while (bytes > 0) {
    const ssize_t n = pwrite(fd, p, bytes, off_t(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return sys_error("write");
    p += n, bytes -= size_t(n), offset += uint64_t(n);
  }
  return Status::ok();
}

Status fsync_fd(int fd) { return fdatasync(fd) == 0 ? Status::ok() : sys_error("fsync"); }

Status take_write_lock(int fd, const std::string& path) {
  if (flock(fd, LOCK_EX | LOCK_NB) == 0) return Status::ok();
  if (errno == EWOULDBLOCK)
    return Status::error("gallery is locked by another writer (an enroll, remove or compact "
                         "is running); try again when it has finished");
  return sys_error("lock");
}

int64_t ns_of(const timespec& t) { return int64_t(t.tv_sec) * 1000000000 + t.tv_nsec; }

GalleryFileStamp stamp_of(const struct stat& st) {
  GalleryFileStamp s;
  s.exists = true;
  s.dev = uint64_t(st.st_dev), s.ino = uint64_t(st.st_ino), s.size = int64_t(st.st_size);
  s.mtime_ns = ns_of(st.st_mtim), s.ctime_ns = ns_of(st.st_ctim);
  return s;
}

// Reads up to `want` bytes from offset 0; a file shrinking meanwhile just gives fewer.
Status read_file(int fd, uint64_t want, std::vector<uint8_t>* out) {
  out->resize(size_t(want));
  size_t got = 0;
  while (got < want) {
    const ssize_t n = pread(fd, out->data() + got, size_t(want) - got, off_t(got));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return sys_error("read");
    if (n == 0) break;
    got += size_t(n);
  }
  out->resize(got);
  return Status::ok();
}

bool all_zero(const uint8_t* p, size_t n) {
  for (size_t i = 0; i < n; ++i)
    if (p[i]) return false;
  return true;
}

std::string hex(const uint8_t* p, size_t n) {
  static const char kDigits[] = "0123456789abcdef";
  std::string s;
  for (size_t i = 0; i < n; ++i) s += kDigits[p[i] >> 4], s += kDigits[p[i] & 15];
  return s;
}

// Which records may be trusted, decided from the version, the key and `insecure`.
Status check_authentication(Gallery* g) {
  const GalleryHeader& h = g->header;
  const GalleryOpenOptions& o = g->options;
  g->authenticated = false;
  if (h.version == kGalleryVersionV1) {
    if (o.insecure) return Status::ok();
    return Status::error("gallery format v1 has no MAC (anyone who can write the file can add a person); "
                         "migrate it (facegate gallery migrate OLD NEW --gallery-key KEY) or accept that "
                         "with --insecure-gallery");
  }
  if (!o.key.loaded) {
    if (o.insecure) return Status::ok();
    return Status::error("gallery is authenticated (format v2): give its key with --gallery-key FILE or "
                         "FG_GALLERY_KEY (or skip the MAC checks with --insecure-gallery)");
  }
  if (std::memcmp(o.key.id, h.key_id, kGalleryKeyIdBytes) != 0)
    return Status::error("gallery was signed with another key (key id " + hex(h.key_id, kGalleryKeyIdBytes) +
                         ", " + o.key.path + " has key id " + hex(o.key.id, kGalleryKeyIdBytes) + ")");
  gallery_macer_init(&g->macer, o.key, g->bytes.data(), h);
  g->authenticated = true;
  return Status::ok();
}

// A v2 record appended whole but whose MAC never reached the disk reads as zeros there: a
// real MAC is 32 zero bytes with probability 2^-256, so that is a torn append, not a forgery.
bool mac_missing(const GalleryHeader& h, const uint8_t* r) {
  return h.version != kGalleryVersionV1 && gallery_record_flags(h, r) == kGalleryFlagLive &&
         all_zero(r + h.meta_offset + kMetaMac, kGalleryMacBytes);
}

// Reads the file, checks the header and every record (and its MAC), rebuilds the index. A
// bad checksum on the last whole record with nothing after it, or a partial record, is a
// torn append: it is ignored (a writer then truncates it). A bad record anywhere else is
// corruption: error. Fills a fresh Gallery; the caller swaps it in only on success.
Status load(Gallery* g, int fd) {
  struct stat st;
  if (fstat(fd, &st) != 0) return sys_error("stat");
  g->stamp = stamp_of(st);
  if (uint64_t(st.st_size) > kGalleryMaxFileBytes)
    return Status::error("file is " + std::to_string(st.st_size) + " bytes, over the " +
                         std::to_string(kGalleryMaxFileBytes >> 20) + " MiB a gallery may have");
  FG_RETURN_IF_ERROR(read_file(fd, uint64_t(st.st_size), &g->bytes));
  g->file_bytes = g->bytes.size();
  if (g->file_bytes < kGalleryHeaderSize)
    return Status::error("truncated: " + std::to_string(g->file_bytes) +
                         " bytes, the header alone is " + std::to_string(kGalleryHeaderSize));
  FG_RETURN_IF_ERROR(gallery_header_decode(g->bytes.data(), g->bytes.size(), &g->header));
  const GalleryHeader& h = g->header;
  if (!g->options.expected_model_id.empty() && g->options.expected_model_id != h.model_id)
    return Status::error("gallery was enrolled with encoder '" + h.model_id + "', not '" +
                         g->options.expected_model_id +
                         "': its embeddings are not comparable (enrol into a new gallery)");
  FG_RETURN_IF_ERROR(check_authentication(g));
  const uint64_t body = g->file_bytes - kGalleryHeaderSize;
  size_t whole = size_t(body / h.record_size);
  const uint64_t partial = body % h.record_size;
  g->dropped_tail_bytes = partial;
  if (whole > 0 && partial == 0 &&
      (!gallery_record_crc_ok(h, g->record(whole - 1)) || mac_missing(h, g->record(whole - 1)))) {
    --whole;
    g->dropped_tail_bytes = h.record_size;
  }
  g->bytes.resize(kGalleryHeaderSize + whole * size_t(h.record_size));
  g->next_record_id = std::max<uint64_t>(h.next_record_id, 1);
  g->next_person_id = std::max<uint64_t>(h.next_person_id, 1);
  g->person_of_name.clear();
  g->state.assign(whole, kRecordLive);
  g->rejected = g->unsafe_names = 0;
  uint64_t last_id = 0;
  for (size_t i = 0; i < whole; ++i) {
    const uint8_t* r = g->record(i);
    const std::string where = "record " + std::to_string(i) + " (byte " +
                              std::to_string(kGalleryHeaderSize + i * h.record_size) + ")";
    if (!gallery_record_crc_ok(h, r))
      return Status::error(where + ": checksum mismatch with whole records after it, so it is "
                                   "damage, not a torn append; the gallery is corrupt");
    Status s = gallery_record_validate(h, r);
    if (!s) return s.with_context(where);
    const GalleryRecordMeta m = gallery_record_meta(h, r);
    if (m.record_id <= last_id)
      return Status::error(where + ": record ids are not increasing (corrupt)");
    last_id = m.record_id;
    g->next_record_id = std::max(g->next_record_id, m.record_id + 1);
    g->next_person_id = std::max(g->next_person_id, m.person_id + 1);
    // A deleted record is never used, so its MAC (zeroed by the delete) is not checked.
    if (m.flags != kGalleryFlagLive) {
      g->state[i] = kRecordDeleted;
    } else if (g->authenticated && !gallery_macer_check(g->macer, r)) {
      g->state[i] = kRecordRejected;
      ++g->rejected;
    } else {
      g->person_of_name[m.name] = m.person_id;
      g->unsafe_names += !gallery_name_is_safe(m.name);
    }
  }
  g->count = whole;
  return Status::ok();
}

// Opens `path` and, for a writer, locks it. A compaction replaces the file by rename, so a
// lock won on the old inode would guard nothing: re-check that the path still names it.
Status open_locked(const std::string& path, bool writer, int* fd_out) {
  for (int attempt = 0; attempt < 8; ++attempt) {
    const int fd = open(path.c_str(), (writer ? O_RDWR : O_RDONLY) | O_CLOEXEC);
    if (fd < 0) return sys_error("open");
    if (!writer) return (*fd_out = fd), Status::ok();
    Status s = take_write_lock(fd, path);
    if (!s) return close(fd), s;
    struct stat a, b;
    if (fstat(fd, &a) == 0 && stat(path.c_str(), &b) == 0 && a.st_ino == b.st_ino &&
        a.st_dev == b.st_dev)
      return (*fd_out = fd), Status::ok();
    close(fd);  // replaced under us by a compaction: open the new file
  }
  return Status::error("gallery keeps being replaced while opening");
}

Status open_into(Gallery* g) {
  FG_RETURN_IF_ERROR(open_locked(g->path, g->options.writer, &g->fd));
  Status s = load(g, g->fd);
  if (!g->options.writer) close(g->fd), g->fd = -1;  // all read: nothing to hold open
  FG_RETURN_IF_ERROR(s);
  if (g->options.writer && g->dropped_tail_bytes > 0) {
    // Cut the torn append so the next record lands on a record boundary.
    const uint64_t keep = kGalleryHeaderSize + uint64_t(g->count) * g->header.record_size;
    if (ftruncate(g->fd, off_t(keep)) != 0) return sys_error("truncate torn tail");
    FG_RETURN_IF_ERROR(fsync_fd(g->fd));
    g->file_bytes = keep;
  }
  return Status::ok();
}

Status need_writer(const Gallery* g) {
  return g->options.writer ? Status::ok()
                           : Status::error("gallery is open read-only; open it as the writer");
}

// v1: one aligned 4-byte write of the flags. v2: that, THEN the MAC zeroed, so that setting
// the flags back to live (by hand, or a bit flip) gives a record that fails its MAC instead of
// a removed person who grants again. A crash between the two writes leaves flags = deleted,
// which is all a reader looks at for a deleted record.
Status mark_deleted(Gallery* g, size_t i) {
  const uint32_t flag = kGalleryFlagDeleted;
  const uint64_t rec = kGalleryHeaderSize + uint64_t(i) * g->header.record_size + g->header.meta_offset;
  FG_RETURN_IF_ERROR(pwrite_all(g->fd, &flag, sizeof flag, rec + kMetaFlags));
  uint8_t* m = g->record(i) + g->header.meta_offset;
  std::memcpy(m + kMetaFlags, &flag, sizeof flag);
  g->state[i] = kRecordDeleted;
  if (g->header.version == kGalleryVersionV1) return Status::ok();
  static const uint8_t kZero[kGalleryMacBytes] = {};
  std::memset(m + kMetaMac, 0, kGalleryMacBytes);
  return pwrite_all(g->fd, kZero, sizeof kZero, rec + kMetaMac);
}

void rebuild_names(Gallery* g) {
  g->person_of_name.clear();
  for (size_t i = 0; i < g->count; ++i)
    if (!g->deleted(i)) {
      const GalleryRecordMeta m = gallery_record_meta(g->header, g->record(i));
      g->person_of_name[m.name] = m.person_id;
    }
}

}  // namespace gallery_file

using namespace gallery_file;

// Makes a rename/create in the directory durable.
Status fsync_parent_dir(const std::string& path) {
  const size_t slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
  const int dfd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) return sys_error("open directory " + dir);
  const int rc = fsync(dfd);
  close(dfd);
  return rc == 0 ? Status::ok() : sys_error("fsync directory " + dir);
}


void GalleryDeleter::operator()(Gallery* g) const {
  if (!g) return;
  if (g->fd >= 0) close(g->fd);  // also drops the flock
  delete g;
}

GalleryFileStamp gallery_file_stamp(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 ? stamp_of(st) : GalleryFileStamp{};
}

GalleryFileStamp gallery_loaded_stamp(const Gallery& g) { return g.stamp; }

Status gallery_open(const std::string& path, const GalleryOpenOptions& options, GalleryPtr* out) {
  GalleryPtr g(new Gallery);
  g->path = path;
  g->options = options;
  Status s = open_into(g.get());
  if (!s) return s.with_context(path);
  *out = std::move(g);
  return Status::ok();
}

Status gallery_create(const std::string& path, const GalleryCreateOptions& options,
                      GalleryPtr* out) {
  GalleryHeader h;
  h.dim = options.dim;
  h.dtype = options.dtype;
  h.int8_scale = options.dtype == GalleryDtype::kS8 ? options.int8_scale : 0.f;
  h.model_id = options.model_id;
  h.created_unix_us = now_unix_us();
  h.version = options.key.loaded ? kGalleryVersionV2 : kGalleryVersionV1;
  if (options.key.loaded) {
    gallery_random_id(h.gallery_id);
    std::memcpy(h.key_id, options.key.id, kGalleryKeyIdBytes);
  }
  Status s = gallery_header_check_fields(h);
  if (!s) return s.with_context(path);
  gallery_header_derive_sizes(&h);
  uint8_t bytes[kGalleryHeaderSize];
  gallery_header_encode(h, bytes);
  // O_EXCL: never overwrite. A crash before the fsync can leave a short header, which open
  // reports as truncated; there were no records in it to lose. 0600: biometric templates.
  const int fd = open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return sys_error("create").with_context(path);
  s = take_write_lock(fd, path);
  if (s) s = pwrite_all(fd, bytes, sizeof bytes, 0);
  if (s) s = fsync_fd(fd);
  close(fd);
  if (s) s = fsync_parent_dir(path);
  if (!s) {
    unlink(path.c_str());
    return s.with_context(path);
  }
  GalleryOpenOptions o;
  o.writer = true;
  o.expected_model_id = options.model_id;
  o.key = options.key;
  o.insecure = !options.key.loaded;  // the caller asked for an unauthenticated v1 file
  return gallery_open(path, o, out);
}

Status gallery_refresh(Gallery* g) {
  if (g->options.writer) return Status::error(g->path + ": refresh is for readers (a writer's copy is current)");
  auto fresh = std::make_unique<Gallery>();
  fresh->path = g->path;
  fresh->options = g->options;
  Status s = open_into(fresh.get());
  if (!s) return s.with_context(g->path);  // *g untouched: the last good contents stay
  *g = std::move(*fresh);
  return Status::ok();
}

Status gallery_enroll(Gallery* g, const std::string& name, const float* embedding, size_t dim,
                      uint64_t* record_id) {
  FG_RETURN_IF_ERROR(need_writer(g));
  const GalleryHeader& h = g->header;
  if (dim != h.dim)
    return Status::error("embedding has dim " + std::to_string(dim) + ", gallery expects " +
                         std::to_string(h.dim));
  for (size_t d = 0; d < dim; ++d)
    if (!std::isfinite(embedding[d]))
      return Status::error("embedding element " + std::to_string(d) + " is not finite");
  FG_RETURN_IF_ERROR(gallery_check_name(name));
  GalleryRecordMeta meta;
  meta.record_id = g->next_record_id;
  const auto known = g->person_of_name.find(name);
  meta.person_id = known != g->person_of_name.end() ? known->second : g->next_person_id;
  meta.enrolled_unix_us = now_unix_us();
  meta.name = name;
  std::vector<int8_t> quantized;
  const void* stored = embedding;
  if (h.dtype == GalleryDtype::kS8) {
    quantized.resize(dim);
    for (size_t d = 0; d < dim; ++d) quantized[d] = gallery_quantize(embedding[d], h.int8_scale);
    stored = quantized.data();
  }
  if (h.version != kGalleryVersionV1 && !g->authenticated)
    return Status::error("this gallery is authenticated: enrolling needs its key (--gallery-key FILE)");
  std::vector<uint8_t> rec(h.record_size);
  gallery_record_encode(h, meta, stored, rec.data());
  // The MAC is outside the CRC, so it can be filled in after the CRC is computed.
  if (g->authenticated) gallery_macer_record(g->macer, rec.data(), rec.data() + h.meta_offset + kMetaMac);
  // Append, then fsync: only then is the record committed and its id returned. A crash
  // before that leaves at most this one torn record at the tail, which open ignores.
  const uint64_t at = kGalleryHeaderSize + uint64_t(g->count) * h.record_size;
  Status s = pwrite_all(g->fd, rec.data(), rec.size(), at);
  if (s) s = fsync_fd(g->fd);
  if (!s) {
    if (ftruncate(g->fd, off_t(at)) != 0) {}  // best effort: the tail is ignored anyway
    return s.with_context(g->path + ": enrol");
  }
  g->bytes.insert(g->bytes.end(), rec.begin(), rec.end());
  g->state.push_back(kRecordLive);
  g->count += 1;
  g->file_bytes = at + h.record_size;
  g->next_record_id += 1;
  if (meta.person_id == g->next_person_id) g->next_person_id += 1;
  g->person_of_name[name] = meta.person_id;
  g->unsafe_names += !gallery_name_is_safe(name);
  *record_id = meta.record_id;
  return Status::ok();
}

Status gallery_remove_record(Gallery* g, uint64_t record_id) {
  FG_RETURN_IF_ERROR(need_writer(g));
  const size_t i = gallery_find_record(*g, record_id);
  if (i == g->count || g->deleted(i))
    return Status::error("no live record with id " + std::to_string(record_id));
  FG_RETURN_IF_ERROR(mark_deleted(g, i));
  FG_RETURN_IF_ERROR(fsync_fd(g->fd));
  rebuild_names(g);
  return Status::ok();
}

Status gallery_remove_person(Gallery* g, const std::string& name, size_t* removed_records) {
  FG_RETURN_IF_ERROR(need_writer(g));
  size_t removed = 0;
  for (size_t i = 0; i < g->count; ++i) {
    if (g->deleted(i) || gallery_record_meta(g->header, g->record(i)).name != name) continue;
    FG_RETURN_IF_ERROR(mark_deleted(g, i));
    ++removed;
  }
  if (removed == 0) return Status::error("no live records named '" + name + "'");
  FG_RETURN_IF_ERROR(fsync_fd(g->fd));
  g->person_of_name.erase(name);
  if (removed_records) *removed_records = removed;
  return Status::ok();
}

}  // namespace fg
