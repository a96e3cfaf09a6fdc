// The audit log: one JSON object per line (JSONL), appended.
//
// Durability: each line goes to the kernel in ONE write(2) on an O_APPEND descriptor (no
// user-space buffer), so a crash or kill -9 of facegate-door loses nothing already logged
// and a reader never sees two lines interleaved. With `fsync` each line is also fsync'd
// before the next frame, so a power cut loses at most the line being written (costs a
// flash write per decision: on an SD card ~1-20 ms). A torn last line after a power cut has
// no '\n': readers should drop an unterminated last line.
//
// Rotation: when a line would take the file past max_bytes, it is renamed to PATH.1 (PATH.1
// -> PATH.2 ... up to PATH.<keep>, the oldest deleted) and a new PATH is started. 0 = never.
#pragma once
#include <cstdint>
#include <string>

#include "runtime/base/status.h"

namespace fg::door {

struct AuditLogOptions {
  std::string path;            // empty: no log file
  bool fsync = false;
  uint64_t max_bytes = 10u << 20;
  int keep = 5;                // rotated files kept
};

struct AuditLog {
  AuditLogOptions options;
  int fd = -1;
  uint64_t bytes = 0;  // current file size
  uint64_t lines = 0;  // written by this process
};

Status audit_log_open(const AuditLogOptions& options, AuditLog* log);
// Appends `json` (one object, no newline) + '\n'. No-op when the log has no path.
Status audit_log_write(AuditLog& log, const std::string& json);
void audit_log_close(AuditLog& log);

// Helpers for building lines: a JSON string literal with escapes, and the current UTC time
// as ISO 8601 with milliseconds.
std::string json_string(const std::string& s);
std::string utc_timestamp();

}  // namespace fg::door
