#include "tools/door/audit_log.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>

#include "tools/door/audit_chain.h"

namespace fg::door {
namespace {

std::string errno_text() { return std::strerror(errno); }

Status open_fd(const std::string& path, int* fd, uint64_t* bytes) {
  *fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
  if (*fd < 0) return Status::error(path + ": cannot open audit log (" + errno_text() + ")");
  struct stat st;
  *bytes = ::fstat(*fd, &st) == 0 ? (uint64_t)st.st_size : 0;
  return Status::ok();
}

// One write(2) of the whole line where the kernel allows it. A short write (full disk, file
// size limit) is truncated away so the file still ends in '\n'; when even that fails the
// fragment is remembered and repaired before the next line.
Status write_raw(AuditLog& log, const std::string& bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(log.fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const Status err = Status::error(log.options.path + ": audit log write failed (" +
                                       (n == 0 ? std::string("no progress") : errno_text()) + ")");
      if (done > 0 && ::ftruncate(log.fd, (off_t)log.bytes) != 0) {
        log.torn = bytes.substr(0, done);
        log.bytes += done;
      }
      return err;
    }
    done += (size_t)n;
  }
  log.bytes += bytes.size();
  return Status::ok();
}

Status write_chained(AuditLog& log, const std::string& json) {
  std::string line = chain_link(log.last_hash, json);
  const std::string hash = chain_hash(line);
  line.push_back('\n');
  FG_RETURN_IF_ERROR(write_raw(log, line));
  line.pop_back();
  log.last_line = std::move(line);
  log.last_hash = hash;
  ++log.lines;
  if (log.options.fsync && ::fdatasync(log.fd) != 0)
    return Status::error(log.options.path + ": fsync failed (" + errno_text() + ")");
  return Status::ok();
}

// Terminates a torn fragment and names it, so the verifier can tell it from an edit.
Status repair_tail(AuditLog& log) {
  if (log.torn.empty()) return Status::ok();
  const std::string torn = log.torn;
  FG_RETURN_IF_ERROR(write_raw(log, "\n"));
  log.torn.clear();
  Status s = write_chained(log, "{\"time\":\"" + utc_timestamp() + "\",\"event\":\"log_repaired\",\"torn_bytes\":" +
                                    std::to_string(torn.size()) + ",\"torn_sha256\":\"" + chain_hash(torn) + "\"}");
  if (!s) log.torn = torn;  // the '\n' is there; the next attempt writes the event again
  return s;
}

// Renames first and switches descriptors last: until the new file is open, lines keep going
// to the old one (now PATH.1), so a failure at any step loses no line.
Status rotate(AuditLog& log) {
  const std::string& p = log.options.path;
  if (log.options.keep <= 0) {
    // Nothing kept: empty the file in place (the chain continues from the lost lines).
    if (::ftruncate(log.fd, 0) != 0) return Status::error(p + ": cannot rotate audit log (" + errno_text() + ")");
    log.bytes = 0;
    return Status::ok();
  }
  for (int i = log.options.keep - 1; i >= 1; --i)
    ::rename((p + "." + std::to_string(i)).c_str(), (p + "." + std::to_string(i + 1)).c_str());
  if (::rename(p.c_str(), (p + ".1").c_str()) != 0)
    return Status::error(p + ": cannot rotate audit log: rename to " + p + ".1 failed (" + errno_text() + ")");
  int fd;
  uint64_t bytes;
  FG_RETURN_IF_ERROR(open_fd(p, &fd, &bytes));
  ::close(log.fd);
  log.fd = fd;
  log.bytes = bytes;
  return Status::ok();
}

void maybe_rotate(AuditLog& log, size_t next_line) {
  const uint64_t max = log.options.max_bytes;
  if (max == 0 || log.bytes == 0 || log.bytes + next_line <= max || log.bytes < log.rotate_retry_bytes) return;
  Status s = rotate(log);
  if (s) {
    log.rotate_retry_bytes = 0;
    return;
  }
  ++log.rotate_failures;
  log.rotate_retry_bytes = log.bytes + max / 4 + 1;
  std::fprintf(stderr, "facegate-door: %s; still writing to the current file\n", s.message().c_str());
  Status e = write_chained(log, "{\"time\":\"" + utc_timestamp() + "\",\"event\":\"log_rotate_failed\",\"detail\":" +
                                    json_string(s.message()) + "}");
  (void)e;  // the caller's own line reports a write failure
}

}  // namespace

Status audit_log_open(const AuditLogOptions& options, AuditLog* log) {
  log->options = options;
  if (options.path.empty()) return Status::ok();
  if (options.keep < 0 || options.keep > 1000) return Status::error("--log-keep must be in 0..1000");
  // The chain continues from the last complete line: PATH's, or PATH.1's when PATH has none
  // (a crash between the rotation's rename and the first line of the new file).
  LastLine last;
  FG_RETURN_IF_ERROR(chain_read_last_line(options.path, &last));
  log->torn = last.torn;
  if (!last.found) FG_RETURN_IF_ERROR(chain_read_last_line(options.path + ".1", &last));
  log->last_hash = last.found ? chain_hash(last.line) : chain_genesis();
  FG_RETURN_IF_ERROR(open_fd(options.path, &log->fd, &log->bytes));
  return repair_tail(*log);
}

Status audit_log_write(AuditLog& log, const std::string& json) {
  if (log.fd < 0) return Status::ok();
  FG_RETURN_IF_ERROR(repair_tail(log));
  maybe_rotate(log, json.size() + kChainHexChars + 12);
  return write_chained(log, json);
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
