#include "tools/door/snapshot.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <vector>

#include "runtime/vision/image_encode_jpeg.h"

namespace fg::door {
namespace {

// 25% of the box on each side: hair, chin and ears make a face a person can recognise.
constexpr double kMargin = 0.25;

std::string errno_text() { return std::strerror(errno); }

Status write_atomic(const std::string& dir, const std::string& path, const std::vector<uint8_t>& bytes) {
  const size_t slash = path.find_last_of('/');
  const std::string tmp = path.substr(0, slash + 1) + "." + path.substr(slash + 1) + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Status::error(tmp + ": cannot create (" + errno_text() + ")");
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const std::string e = n == 0 ? "no progress" : errno_text();
      ::close(fd);
      ::unlink(tmp.c_str());
      return Status::error(tmp + ": write failed (" + e + ")");
    }
    done += (size_t)n;
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    ::unlink(tmp.c_str());
    return Status::error(tmp + ": fsync failed (" + errno_text() + ")");
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string e = errno_text();
    ::unlink(tmp.c_str());
    return Status::error(path + ": rename failed (" + e + ")");
  }
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);  // the rename itself survives a power cut
    ::close(dfd);
  }
  return Status::ok();
}

bool is_snapshot(const char* name) {
  const size_t n = std::strlen(name);
  return name[0] != '.' && n > 4 && std::strcmp(name + n - 4, ".jpg") == 0;
}

}  // namespace

Status snapshot_open(const SnapshotOptions& o, SnapshotStore* s) {
  s->options = o;
  if (o.dir.empty()) return Status::ok();
  if (::mkdir(o.dir.c_str(), 0700) != 0 && errno != EEXIST)
    return Status::error(o.dir + ": cannot create the snapshot directory (" + errno_text() + ")");
  struct stat st;
  if (::stat(o.dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    return Status::error(o.dir + ": --snapshots needs a directory");
  return Status::ok();
}

bool snapshot_enabled(const SnapshotStore& s) { return !s.options.dir.empty(); }

std::string snapshot_base(const SnapshotStore& s, int64_t visit, const char* verdict, const std::string& person) {
  timeval tv;
  ::gettimeofday(&tv, nullptr);
  tm t;
  gmtime_r(&tv.tv_sec, &t);
  char when[40];
  const size_t n = std::strftime(when, sizeof when, "%Y%m%dT%H%M%S", &t);
  std::snprintf(when + n, sizeof when - n, ".%03dZ", (int)(tv.tv_usec / 1000));
  std::string name = person.empty() ? "unknown" : person;
  for (char& c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-')) c = '_';
  // Zero-padded so two visits in the same millisecond still sort in visit order.
  char v[32];
  std::snprintf(v, sizeof v, "_v%06lld_", (long long)visit);
  return s.options.dir + "/" + when + v + verdict + "_" + name;
}

void snapshot_face_crop(const Image& frame, const FaceBox& box, Image* out) {
  const double mx = box.width * kMargin, my = box.height * kMargin;
  const int x0 = std::max(0, (int)std::floor(box.x - mx)), y0 = std::max(0, (int)std::floor(box.y - my));
  const int x1 = std::min(frame.width, (int)std::ceil(box.right() + mx));
  const int y1 = std::min(frame.height, (int)std::ceil(box.bottom() + my));
  if (x1 <= x0 || y1 <= y0 || frame.empty()) {
    *out = Image{};
    return;
  }
  if (out->width != x1 - x0 || out->height != y1 - y0 || out->channels != frame.channels)
    *out = image_make(x1 - x0, y1 - y0, frame.channels);
  for (int y = y0; y < y1; ++y)
    std::memcpy(out->row(y - y0), frame.row(y) + (size_t)x0 * frame.channels, (size_t)(x1 - x0) * frame.channels);
}

Status snapshot_write(SnapshotStore& s, const std::string& base, const Image& crop, const Image& whole) {
  if (crop.empty()) return Status::error(base + ".jpg: no face picture to write");
  std::vector<uint8_t> jpg;
  FG_RETURN_IF_ERROR(image_encode_jpeg(crop, s.options.quality, &jpg));
  FG_RETURN_IF_ERROR(write_atomic(s.options.dir, base + ".jpg", jpg));
  ++s.written;
  if (!whole.empty()) {
    FG_RETURN_IF_ERROR(image_encode_jpeg(whole, s.options.quality, &jpg));
    FG_RETURN_IF_ERROR(write_atomic(s.options.dir, base + "_frame.jpg", jpg));
    ++s.written;
  }
  return snapshot_prune(s);
}

Status snapshot_prune(SnapshotStore& s) {
  if (s.options.keep <= 0 && s.options.max_bytes == 0) return Status::ok();
  DIR* d = ::opendir(s.options.dir.c_str());
  if (!d) return Status::error(s.options.dir + ": cannot list (" + errno_text() + ")");
  struct Entry {
    std::string name;
    uint64_t bytes;
  };
  std::vector<Entry> files;
  uint64_t total = 0;
  while (dirent* e = ::readdir(d)) {
    if (!is_snapshot(e->d_name)) continue;
    struct stat st;
    const std::string p = s.options.dir + "/" + e->d_name;
    if (::lstat(p.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    files.push_back({e->d_name, (uint64_t)st.st_size});
    total += (uint64_t)st.st_size;
  }
  ::closedir(d);
  std::sort(files.begin(), files.end(), [](const Entry& a, const Entry& b) { return a.name < b.name; });
  size_t i = 0;
  while (i < files.size() && ((s.options.keep > 0 && files.size() - i > (size_t)s.options.keep) ||
                              (s.options.max_bytes > 0 && total > s.options.max_bytes))) {
    if (::unlink((s.options.dir + "/" + files[i].name).c_str()) == 0) ++s.removed;
    total -= files[i].bytes;
    ++i;
  }
  return Status::ok();
}

}  // namespace fg::door
