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
// If the rename or the new file fails, the log keeps writing to the file it has (so nothing
// is lost), prints the error, writes a "log_rotate_failed" event into it and retries once the
// file has grown by another quarter of max_bytes.
//
// Hash chain (audit_chain.h): every line starts with "prev":"<SHA-256 of the line before>",
// across rotation and restarts. At open, a file whose last line is torn (no '\n', from a
// crash or a full disk) gets a '\n' and a "log_repaired" event before any new line, so no
// new line is ever glued onto a fragment. A write that comes back short is truncated away
// (or, if that fails too, repaired the same way before the next line).
//
// Failure: audit_log_write returns an error when the line is not in the file (and, with
// fsync, on disk); the caller decides what that means (the door: --on-log-failure).
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
  std::string last_hash;          // chain: hash of the last line in the log
  std::string torn;               // an unterminated fragment at the end of the file to repair
  uint64_t rotate_retry_bytes = 0;  // after a failed rotation: size at which to try again
  int64_t rotate_failures = 0;
  std::string last_line;          // the last line written, chained, without '\n' (the MQTT event)
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
