#include "tools/door/audit_chain.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace fg::door {
namespace {

constexpr char kPrevKey[] = "{\"prev\":\"";
constexpr size_t kPrevKeyLen = sizeof kPrevKey - 1;
// A line longer than this is not one the door wrote (its longest is a few hundred bytes plus
// the frame label): the reader stops looking further back for its start.
constexpr uint64_t kMaxLineBytes = 1u << 20;
constexpr size_t kMaxProblems = 20;

Status sys_error(const std::string& path, const char* what) {
  return Status::error(path + ": " + what + " (" + std::strerror(errno) + ")");
}

Status pread_all(int fd, const std::string& path, uint64_t offset, size_t n, std::string* out) {
  out->resize(n);
  size_t done = 0;
  while (done < n) {
    const ssize_t r = ::pread(fd, &(*out)[done], n - done, (off_t)(offset + done));
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return sys_error(path, "cannot read audit log");
    if (r == 0) break;  // shrank meanwhile
    done += (size_t)r;
  }
  out->resize(done);
  return Status::ok();
}

// Value of "key":"..." or "key":123 in a flat line ("" when absent).
std::string field(const std::string& line, const std::string& key) {
  const std::string k = "\"" + key + "\":";
  const size_t at = line.find(k);
  if (at == std::string::npos) return "";
  size_t b = at + k.size();
  if (b < line.size() && line[b] == '"') {
    const size_t e = line.find('"', b + 1);
    return e == std::string::npos ? "" : line.substr(b + 1, e - b - 1);
  }
  size_t e = b;
  while (e < line.size() && line[e] != ',' && line[e] != '}') ++e;
  return line.substr(b, e - b);
}

// Whether `next` is the door's log_repaired event naming `fragment` as the torn line.
bool repairs(const std::string& next, const std::string& fragment) {
  return field(next, "event") == "log_repaired" && field(next, "torn_bytes") == std::to_string(fragment.size()) &&
         field(next, "torn_sha256") == chain_hash(fragment);
}

void problem(ChainReport* r, const std::string& text) {
  if (r->problems.size() < kMaxProblems) r->problems.push_back(text);
  else if (r->problems.size() == kMaxProblems) r->problems.push_back("(more problems not listed)");
}

}  // namespace

std::string chain_genesis() { return std::string(kChainHexChars, '0'); }

std::string chain_hash(const std::string& bytes) {
  static const bool ready = sodium_init() >= 0;  // crypto_hash_sha256 works without it too
  (void)ready;
  unsigned char h[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(h, (const unsigned char*)bytes.data(), bytes.size());
  static const char kHex[] = "0123456789abcdef";
  std::string out(2 * sizeof h, '0');
  for (size_t i = 0; i < sizeof h; ++i) {
    out[2 * i] = kHex[h[i] >> 4];
    out[2 * i + 1] = kHex[h[i] & 15];
  }
  return out;
}

std::string chain_link(const std::string& prev, const std::string& json) {
  std::string out = kPrevKey + prev + "\"";
  if (json.size() > 2) out += ",";  // "{}" -> {"prev":"..."}
  out.append(json, 1, std::string::npos);
  return out;
}

std::string chain_prev_of(const std::string& line) {
  if (line.compare(0, kPrevKeyLen, kPrevKey) != 0 || line.size() < kPrevKeyLen + kChainHexChars + 1) return "";
  const std::string hex = line.substr(kPrevKeyLen, kChainHexChars);
  if (line[kPrevKeyLen + kChainHexChars] != '"') return "";
  for (char c : hex)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return "";
  return hex;
}

Status chain_read_last_line(const std::string& path, LastLine* out) {
  *out = LastLine{};
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return Status::ok();
    return sys_error(path, "cannot open audit log");
  }
  out->exists = true;
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    Status s = sys_error(path, "cannot stat audit log");
    ::close(fd);
    return s;
  }
  if (!S_ISREG(st.st_mode)) {  // a device (/dev/null) or a directory: nothing to chain from
    ::close(fd);
    return Status::ok();
  }
  const uint64_t size = (uint64_t)st.st_size;
  // Read a growing window at the end until it holds the last '\n' and the one before it.
  std::string tail;
  for (uint64_t window = 4096;; window *= 2) {
    const uint64_t n = window < size ? window : size;
    if (Status s = pread_all(fd, path, size - n, (size_t)n, &tail); !s) {
      ::close(fd);
      return s;
    }
    const size_t last_nl = tail.rfind('\n');
    const bool whole = n == size || window > 2 * kMaxLineBytes;
    if (last_nl == std::string::npos) {
      if (!whole) continue;
      out->torn = tail;
      break;
    }
    const size_t start = last_nl == 0 ? std::string::npos : tail.rfind('\n', last_nl - 1);
    if (start == std::string::npos && !whole) continue;
    const size_t b = start == std::string::npos ? 0 : start + 1;
    out->found = true;
    out->line = tail.substr(b, last_nl - b);
    out->torn = tail.substr(last_nl + 1);
    break;
  }
  ::close(fd);
  return Status::ok();
}

Status chain_verify_file(const std::string& path, const std::string& expect_prev, ChainReport* r) {
  *r = ChainReport{};
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return sys_error(path, "cannot open");
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return Status::error(path + ": not a regular file");
  }
  std::string bytes;
  Status s = pread_all(fd, path, 0, (size_t)st.st_size, &bytes);
  ::close(fd);
  FG_RETURN_IF_ERROR(s);
  std::vector<std::string> lines;
  size_t pos = 0;
  for (size_t nl; (nl = bytes.find('\n', pos)) != std::string::npos; pos = nl + 1)
    lines.push_back(bytes.substr(pos, nl - pos));
  r->torn_tail = bytes.size() - pos;
  if (r->torn_tail > 0)
    r->notes.push_back("unterminated last line (" + std::to_string(r->torn_tail) + " bytes): a torn write, not checked");
  bool started = false;
  std::string prev_hash;  // hash of the last line the chain runs through
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    const std::string at = "line " + std::to_string(i + 1);
    ++r->lines;
    if (i + 1 < lines.size() && repairs(lines[i + 1], line)) {
      ++r->repaired;
      r->notes.push_back(at + ": torn line (" + std::to_string(line.size()) + " bytes) terminated by the door on restart");
      continue;  // the log_repaired line chains past it
    }
    const std::string p = chain_prev_of(line);
    if (p.empty()) {
      if (started) problem(r, at + ": no \"prev\" chain field (edited or inserted)");
      else ++r->unchained;
      prev_hash = chain_hash(line);
      continue;
    }
    if (!started) {
      started = true;
      r->first_prev = p;
      r->starts_at_genesis = p == chain_genesis();
      if (r->unchained > 0 && p != prev_hash) problem(r, at + ": first chained line does not link to line " + std::to_string(i));
      if (r->unchained == 0 && !expect_prev.empty() && p != expect_prev)
        problem(r, at + ": does not link to the last line of the previous file");
    } else if (p != prev_hash) {
      problem(r, at + ": \"prev\" is not the hash of the line before (a line was edited, deleted or reordered)");
    }
    if (line.empty() || line.back() != '}') problem(r, at + ": not a complete JSON object");
    prev_hash = chain_hash(line);
  }
  if (r->unchained > 0)
    r->notes.push_back(std::to_string(r->unchained) + " leading line(s) without a chain (written before the chain existed)");
  r->last_hash = prev_hash;
  return Status::ok();
}

}  // namespace fg::door
