// The audit log's hash chain and failure handling (tools/door/audit_chain.h, audit_log.h):
// tamper detection, torn lines repaired on reopen, the chain across rotation and restarts,
// a failed rotation that keeps logging, write failures reported and never leaving a fragment.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "tools/door/audit_chain.h"
#include "tools/door/audit_log.h"

using namespace fg;
using namespace fg::door;

namespace {

std::string temp_dir() {
  char tmpl[] = "/tmp/fg_audit_chain_XXXXXX";
  REQUIRE(mkdtemp(tmpl) != nullptr);
  return tmpl;
}

std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

void write_file(const std::string& path, const std::string& bytes) { std::ofstream(path, std::ios::binary) << bytes; }

ChainReport verify(const std::string& path, const std::string& expect = "") {
  ChainReport r;
  REQUIRE(chain_verify_file(path, expect, &r));
  return r;
}

// Writes `n` lines {"i":k} to a log at `path` (opened and closed: one "run").
void run_log(const AuditLogOptions& o, int first, int n) {
  AuditLog log;
  REQUIRE(audit_log_open(o, &log));
  for (int i = first; i < first + n; ++i) REQUIRE(audit_log_write(log, "{\"i\":" + std::to_string(i) + "}"));
  audit_log_close(log);
}

}  // namespace

TEST_CASE("chain: link, known SHA-256, genesis") {
  // SHA-256("abc"), FIPS 180-2 appendix B.1.
  CHECK(chain_hash("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(chain_genesis() == std::string(64, '0'));
  const std::string l = chain_link(chain_genesis(), "{\"a\":1}");
  CHECK(l == "{\"prev\":\"" + std::string(64, '0') + "\",\"a\":1}");
  CHECK(chain_prev_of(l) == chain_genesis());
  CHECK(chain_prev_of("{\"a\":1}").empty());
  CHECK(chain_prev_of("{\"prev\":\"xyz\"}").empty());
}

TEST_CASE("verify: an intact log passes; an edit, a deletion, a swap are each found") {
  const std::string dir = temp_dir();
  AuditLogOptions o;
  o.path = dir + "/a.jsonl";
  o.max_bytes = 0;
  run_log(o, 0, 6);
  ChainReport r = verify(o.path);
  CHECK(r.problems.empty());
  CHECK(r.lines == 6);
  CHECK(r.starts_at_genesis);
  const std::string text = read_file(o.path);
  std::string edited = text;
  edited.replace(edited.find("\"i\":3"), 5, "\"i\":9");
  write_file(dir + "/e.jsonl", edited);
  CHECK(verify(dir + "/e.jsonl").problems.size() == 1);  // line 5 no longer links to line 4
  const size_t l3 = text.find("{\"prev\"", text.find("\"i\":2")), l4 = text.find("{\"prev\"", l3 + 1);
  write_file(dir + "/d.jsonl", text.substr(0, l3) + text.substr(l4));
  CHECK(!verify(dir + "/d.jsonl").problems.empty());
  const size_t l5 = text.find("{\"prev\"", l4 + 1);
  write_file(dir + "/s.jsonl", text.substr(0, l3) + text.substr(l4, l5 - l4) + text.substr(l3, l4 - l3) + text.substr(l5));
  CHECK(!verify(dir + "/s.jsonl").problems.empty());
  write_file(dir + "/i.jsonl", text + "{\"event\":\"forged\"}\n");  // an appended line without a chain
  CHECK(!verify(dir + "/i.jsonl").problems.empty());
  std::system(("rm -rf " + dir).c_str());
}

TEST_CASE("restart: the chain continues from the last line; a torn tail is terminated and named") {
  const std::string dir = temp_dir();
  AuditLogOptions o;
  o.path = dir + "/a.jsonl";
  o.max_bytes = 0;
  run_log(o, 0, 3);
  run_log(o, 3, 2);  // a restart
  CHECK(verify(o.path).problems.empty());
  CHECK(verify(o.path).lines == 5);
  // A kill -9 / full disk cut the last line short (no '\n'), e.g. at a page boundary.
  const std::string text = read_file(o.path);
  const std::string torn = text.substr(0, text.size() - 10);
  write_file(o.path, torn);
  ChainReport r = verify(o.path);
  CHECK(r.problems.empty());
  CHECK(r.torn_tail == text.size() - 10 - (torn.rfind('\n') + 1));
  run_log(o, 5, 2);  // the next run must not glue its lines onto the fragment
  const std::string after = read_file(o.path);
  CHECK(after.compare(0, torn.size(), torn) == 0);
  CHECK(after[torn.size()] == '\n');
  const size_t first_new = torn.size() + 1;  // the line right after the fragment: the repair event
  CHECK(after.find("\"event\":\"log_repaired\"", first_new) < after.find('\n', first_new));
  r = verify(o.path);
  CHECK(r.problems.empty());
  CHECK(r.repaired == 1);
  CHECK(r.torn_tail == 0);
  // Without the log_repaired line the fragment in the middle is a break, not tolerated.
  const size_t rep = after.find("{\"prev\"", torn.size());
  const size_t next = after.find('\n', rep) + 1;
  write_file(dir + "/b.jsonl", after.substr(0, rep) + after.substr(next));
  CHECK(!verify(dir + "/b.jsonl").problems.empty());
  std::system(("rm -rf " + dir).c_str());
}

TEST_CASE("rotation: first line of the new file chains to the rotated one; verify across files") {
  const std::string dir = temp_dir();
  AuditLogOptions o;
  o.path = dir + "/a.jsonl";
  o.max_bytes = 300;  // 2 lines of ~85 bytes + "prev" per file
  o.keep = 5;
  run_log(o, 0, 5);
  run_log(o, 5, 3);
  ChainReport r2 = verify(o.path + ".2");
  CHECK(r2.problems.empty());
  ChainReport r1 = verify(o.path + ".1", r2.last_hash);
  CHECK(r1.problems.empty());
  ChainReport r0 = verify(o.path, r1.last_hash);
  CHECK(r0.problems.empty());
  CHECK(!r0.starts_at_genesis);
  CHECK(!verify(o.path, r2.last_hash).problems.empty());  // out of order: .2 does not precede it
  // A crash between the rename and the first line of the new file: no PATH, chain from PATH.1.
  REQUIRE(::rename((o.path + ".2").c_str(), (o.path + ".3").c_str()) == 0);
  REQUIRE(::rename((o.path + ".1").c_str(), (o.path + ".2").c_str()) == 0);
  REQUIRE(::rename(o.path.c_str(), (o.path + ".1").c_str()) == 0);
  run_log(o, 8, 1);
  CHECK(verify(o.path, verify(o.path + ".1").last_hash).problems.empty());
  std::system(("rm -rf " + dir).c_str());
}

TEST_CASE("rotation failure: reported in the log and on stderr, lines keep going to the current file") {
  const std::string dir = temp_dir();
  AuditLogOptions o;
  o.path = dir + "/a.jsonl";
  o.max_bytes = 200;
  o.keep = 1;
  REQUIRE(::mkdir((o.path + ".1").c_str(), 0755) == 0);  // rename(file, non-empty dir) fails
  write_file(o.path + ".1/x", "x");
  AuditLog log;
  REQUIRE(audit_log_open(o, &log));
  for (int i = 0; i < 12; ++i) REQUIRE(audit_log_write(log, "{\"i\":" + std::to_string(i) + "}"));
  audit_log_close(log);
  CHECK(log.rotate_failures >= 1);
  CHECK(log.rotate_failures < 12);  // retried after growth, not on every line
  const std::string text = read_file(o.path);
  CHECK(text.find("\"event\":\"log_rotate_failed\"") != std::string::npos);
  for (int i = 0; i < 12; ++i) CHECK(text.find("\"i\":" + std::to_string(i) + "}") != std::string::npos);
  CHECK(verify(o.path).problems.empty());
  std::system(("rm -rf " + dir).c_str());
}

TEST_CASE("write failure: an error, never a silent success, never a fragment left behind") {
  AuditLogOptions o;
  o.path = "/dev/full";  // every write: ENOSPC
  o.max_bytes = 0;
  AuditLog log;
  REQUIRE(audit_log_open(o, &log));
  Status s = audit_log_write(log, "{\"a\":1}");
  CHECK(!s);
  CHECK(s.message().find("No space left") != std::string::npos);
  audit_log_close(log);
}
