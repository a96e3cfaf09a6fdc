// Gallery writers that wait for the lock: runtime/gallery/gallery.cc takes a non-blocking flock and
// fails at once when another writer holds it; the CLI retries for up to --wait seconds and
// then exits kExitBusy, so a script can tell "try later" from "bad gallery" (kExitFailure).
#include <chrono>
#include <cmath>
#include <cstdio>
#include <thread>

#include "tools/cli/cli.h"

namespace fg::cli {

// The message of runtime/gallery/gallery.cc's take_write_lock() on EWOULDBLOCK (that file has no
// error codes; a test pins the text).
bool gallery_busy(const Status& s) {
  return !s && s.message().find("locked by another writer") != std::string::npos;
}

int open_gallery_waiting(const std::string& command, const Args& args, const std::function<Status()>& open) {
  float wait_s = kDefaultGalleryWaitS;
  if (args.values.count("wait") && (!parse_float(args.value("wait"), &wait_s) || wait_s < 0 || wait_s > kMaxGalleryWaitS))
    return usage_error(command, "--wait must be 0..3600 seconds");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(wait_s);
  for (;;) {
    Status s = open();
    if (s) return kExitOk;
    if (!gallery_busy(s)) return failure(s.message());
    if (std::chrono::steady_clock::now() >= deadline) {
      std::fprintf(stderr, "facegate: %s (waited %.1f s; --wait SECONDS to wait longer)\n", s.message().c_str(), wait_s);
      return kExitBusy;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

}  // namespace fg::cli
