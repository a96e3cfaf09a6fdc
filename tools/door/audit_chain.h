// The audit log's hash chain: shared by facegate-door (writes it) and `facegate audit verify`
// (checks it).
//
// Every line is one JSON object whose FIRST field is "prev":"<64 hex>", the SHA-256 (libsodium
// crypto_hash_sha256) of the previous line's bytes without its '\n'. The first line of a new
// log has 64 zeros. The chain continues across rotation (the first line of PATH chains to the
// last line of PATH.1) and across restarts (the door reads the last complete line at open).
// Editing, deleting or reordering a line breaks the chain at the next line. It is tamper
// EVIDENCE against partial edits, not authentication: whoever can rewrite the whole file can
// recompute every hash.
//
// A torn line (a crash or a full disk cut a write short) has no '\n'. When the door reopens
// such a file it terminates the fragment with '\n' and writes a "log_repaired" event that
// names the fragment ("torn_bytes", "torn_sha256") and chains to the last complete line; the
// verifier accepts exactly that pattern, and an unterminated last line, and reports both.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "runtime/base/status.h"

namespace fg::door {

constexpr int kChainHexChars = 64;
// The "prev" of the first line of a log.
std::string chain_genesis();
// Lowercase hex SHA-256 of `bytes`.
std::string chain_hash(const std::string& bytes);
// `json` is an object ("{...}"): returns it with "prev":"<prev>" as its first field.
std::string chain_link(const std::string& prev, const std::string& json);
// The "prev" value of a chained line, or "" when the line does not start with one.
std::string chain_prev_of(const std::string& line);

struct LastLine {
  bool exists = false;  // the file exists
  bool found = false;   // it has a complete line
  std::string line;     // the last complete line, without its '\n'
  std::string torn;     // the unterminated bytes after it ("" when the file ends in '\n')
};
// Reads the end of `path` only (a rotated-size log is never read whole). Error only when the
// file exists and cannot be read.
Status chain_read_last_line(const std::string& path, LastLine* out);

struct ChainReport {
  uint64_t lines = 0;          // complete lines checked
  uint64_t unchained = 0;      // leading lines without "prev" (a log from before the chain)
  uint64_t repaired = 0;       // torn lines terminated and named by a log_repaired event
  uint64_t torn_tail = 0;      // bytes of an unterminated last line (tolerated)
  bool starts_at_genesis = false;
  std::string first_prev;      // "prev" of the first chained line (links to an older file)
  std::string last_hash;       // hash of the last complete line (the next file's first "prev")
  std::vector<std::string> problems;  // empty: the chain holds
  std::vector<std::string> notes;     // tolerated events, for the report
};

// Checks one file. `expect_prev` (non-empty): the first chained line must carry it (the
// last_hash of the file rotated before this one). Error only when the file cannot be read.
Status chain_verify_file(const std::string& path, const std::string& expect_prev, ChainReport* report);

}  // namespace fg::door
