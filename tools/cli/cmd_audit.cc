// facegate audit verify: checks the hash chain of facegate-door's audit log
// (tools/door/audit_chain.h), one file or a rotated series given oldest first.
#include <cstdio>
#include <string>

#include "tools/cli/cli.h"
#include "tools/door/audit_chain.h"

namespace fg::cli {

int cmd_audit(int argc, char** argv) {
  Args args;
  std::string error;
  if (!parse_args(argc, argv, 2, {}, {"help", "quiet"}, &args, &error)) return usage_error("audit", error);
  if (args.has("help")) {
    std::printf(
        "usage: facegate audit verify [--quiet] FILE [FILE...]\n"
        "Checks the SHA-256 hash chain of facegate-door's audit log: every line's \"prev\" must be\n"
        "the hash of the line before it. Give a rotated series oldest first (door.jsonl.2\n"
        "door.jsonl.1 door.jsonl) to also check that each file continues the one before.\n"
        "Tolerated and reported: an unterminated last line (a torn write), a torn line the door\n"
        "terminated and named with a log_repaired event, leading lines from before the chain.\n"
        "Exit code 0: chain intact, 1: chain broken (a line edited, deleted, inserted or\n"
        "reordered; or files out of order), 2: usage, 3: a file cannot be read.\n");
    return kExitOk;
  }
  if (args.positional.empty() || args.positional[0] != "verify")
    return usage_error("audit", "give verify FILE [FILE...]");
  if (args.positional.size() < 2) return usage_error("audit", "give verify FILE [FILE...]");
  bool broken = false;
  std::string expect;  // the last hash of the previous file in the series
  for (size_t i = 1; i < args.positional.size(); ++i) {
    const std::string& path = args.positional[i];
    door::ChainReport r;
    if (Status s = door::chain_verify_file(path, expect, &r); !s) return failure(s.message());
    const bool ok = r.problems.empty();
    broken |= !ok;
    std::printf("%s: %llu lines, chain %s", path.c_str(), (unsigned long long)r.lines, ok ? "intact" : "BROKEN");
    if (r.lines > r.unchained + r.repaired)
      std::printf(r.starts_at_genesis ? " (starts a new log)" : " (continues from prev %.12s...)", r.first_prev.c_str());
    std::printf("\n");
    for (const std::string& p : r.problems) std::printf("  problem: %s\n", p.c_str());
    if (!args.has("quiet"))
      for (const std::string& n : r.notes) std::printf("  note: %s\n", n.c_str());
    expect = r.last_hash;
  }
  return broken ? kExitNegative : kExitOk;
}

}  // namespace fg::cli
