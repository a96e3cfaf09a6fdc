#include "tools/door/audit_log.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>

namespace fg::door {
namespace {

std::string errno_text() { return std::strerror(errno); }

Status open_fd(AuditLog& log) {
  log.fd = ::open(log.options.path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
  if (log.fd < 0) return Status::error(log.options.path + ": cannot open audit log (" + errno_text() + ")");
  struct stat st;
  log.bytes = ::fstat(log.fd, &st) == 0 ? (uint64_t)st.st_size : 0;
  return Status::ok();
}

Status rotate(AuditLog& log) {
  const std::string& p = log.options.path;
  ::close(log.fd);
  log.fd = -1;
  if (log.options.keep <= 0) {
    ::unlink(p.c_str());
  } else {
    for (int i = log.options.keep - 1; i >= 1; --i)
      ::rename((p + "." + std::to_string(i)).c_str(), (p + "." + std::to_string(i + 1)).c_str());
    if (::rename(p.c_str(), (p + ".1").c_str()) != 0)
      return Status::error(p + ": cannot rotate audit log (" + errno_text() + ")");
  }
  return open_fd(log);
}

}  // namespace

Status audit_log_open(const AuditLogOptions& options, AuditLog* log) {
  log->options = options;
  if (options.path.empty()) return Status::ok();
  if (options.keep < 0 || options.keep > 1000) return Status::error("--log-keep must be in 0..1000");
  return open_fd(*log);
}

Status audit_log_write(AuditLog& log, const std::string& json) {
  if (log.fd < 0) return Status::ok();
  std::string line = json;
  line.push_back('\n');
  if (log.options.max_bytes > 0 && log.bytes > 0 && log.bytes + line.size() > log.options.max_bytes)
    FG_RETURN_IF_ERROR(rotate(log));
  size_t done = 0;
  while (done < line.size()) {
    const ssize_t n = ::write(log.fd, line.data() + done, line.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Status::error(log.options.path + ": audit log write failed (" + errno_text() + ")");
    done += (size_t)n;
  }
  log.bytes += line.size();
  ++log.lines;
  if (log.options.fsync && ::fdatasync(log.fd) != 0)
    return Status::error(log.options.path + ": fsync failed (" + errno_text() + ")");
  return Status::ok();
}

void audit_log_close(AuditLog& log) {
  if (log.fd < 0) return;
  ::fsync(log.fd);  // cheap once, at the end
  ::close(log.fd);
  log.fd = -1;
}

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back((char)c);
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out.push_back((char)c);
    }
  }
  out.push_back('"');
  return out;
}

std::string utc_timestamp() {
  timeval tv;
  ::gettimeofday(&tv, nullptr);
  tm t;
  gmtime_r(&tv.tv_sec, &t);
  char buf[40];
  const size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &t);
  std::snprintf(buf + n, sizeof buf - n, ".%03dZ", (int)(tv.tv_usec / 1000));
  return buf;
}

}  // namespace fg::door
