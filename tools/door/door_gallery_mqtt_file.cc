#include "tools/door/door_gallery_mqtt_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <thread>

namespace fg::door {
namespace {

double ms_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
}

Status write_all(int fd, const std::string& path, const std::string& bytes) {
  size_t off = 0;
  while (off < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + off, bytes.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Status::error(path + ": write: " + std::strerror(errno));
    off += (size_t)n;
  }
  return Status::ok();
}

Status write_synced(const std::string& path, const std::string& bytes) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Status::error(path + ": " + std::strerror(errno));
  Status s = write_all(fd, path, bytes);
  if (s && ::fsync(fd) != 0) s = Status::error(path + ": fsync: " + std::strerror(errno));
  ::close(fd);
  return s;
}

}  // namespace

Status snapshot_file_write_open(const std::string& tmp, std::string* bytes, const GalleryOpenOptions& access,
                                GalleryPtr* out, SnapshotFileTimes* times, bool* io_error) {
  *io_error = true;
  auto t = std::chrono::steady_clock::now();
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Status::error(tmp + ": " + std::strerror(errno));
  Status s = write_all(fd, tmp, *bytes);
  times->write_ms = ms_since(t);
  std::string().swap(*bytes);
  if (!s) {
    ::close(fd);
    ::unlink(tmp.c_str());
    return s;
  }
  // The file is complete in the page cache: reading it back verifies exactly these bytes
  // while the disk catches up. Nothing is renamed until both have finished.
  int fsync_errno = 0;
  double fsync_ms = 0;
  std::thread syncer([&] {
    const auto t0 = std::chrono::steady_clock::now();
    if (::fsync(fd) != 0) fsync_errno = errno;
    fsync_ms = ms_since(t0);
  });
  t = std::chrono::steady_clock::now();
  GalleryPtr g;
  s = gallery_open(tmp, access, &g);
  if (s && gallery_info(*g).rejected_records > 0)
    s = Status::error(std::to_string(gallery_info(*g).rejected_records) +
                      " records fail the MAC check with this door's gallery key");
  times->open_ms = ms_since(t);
  syncer.join();
  times->fsync_ms = fsync_ms;
  ::close(fd);
  *io_error = s && fsync_errno;
  if (*io_error) s = Status::error(tmp + ": fsync: " + std::strerror(fsync_errno));
  if (!s) {
    ::unlink(tmp.c_str());
    return s;
  }
  *out = std::move(g);
  return Status::ok();
}

void snapshot_fsync_dir_of(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  const std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  (void)::fsync(fd);
  ::close(fd);
}

uint64_t snapshot_sequence_read(const std::string& gallery_path) {
  FILE* f = std::fopen((gallery_path + ".seq").c_str(), "r");
  if (!f) return 0;
  unsigned long long v = 0;
  if (std::fscanf(f, "%llu", &v) != 1) v = 0;
  std::fclose(f);
  return v;
}

bool snapshot_sequence_write(const std::string& gallery_path, uint64_t sequence) {
  const std::string seq = gallery_path + ".seq", tmp = seq + ".tmp";
  if (!write_synced(tmp, std::to_string(sequence) + "\n") || ::rename(tmp.c_str(), seq.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return false;
  }
  snapshot_fsync_dir_of(seq);
  return true;
}

}  // namespace fg::door
