// Crash safety for real: a child process enrols in a loop and reports each enrolment that
// returned through a pipe; the parent SIGKILLs it at a random moment, then checks that the
// gallery opens and holds every reported record, byte for byte, and nothing unreported
// except possibly the one record that was committed but not yet reported. While the child
// runs, the parent also opens the gallery as a reader (readers must never see a half
// record). >= 200 kills. (Torn writes at every byte offset are covered deterministically in
// test_gallery.cc; a SIGKILL mostly lands between or inside the write/fsync syscalls.)
#include <doctest/doctest.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "runtime/gallery/gallery.h"
#include "runtime/gallery/gallery_key.h"

namespace fg {
namespace {

constexpr uint32_t kDim = 32;
constexpr int kKills = 210;

struct Report {
  uint64_t record_id;
  uint64_t seed;  // the embedding and name are a function of this
};

std::vector<float> embedding_of(uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<float> e(kDim);
  for (float& x : e) x = float(int64_t(rng() % 2001) - 1000) / 4000.f;  // |x| <= 0.25
  return e;
}
std::string name_of(uint64_t seed) { return "person-" + std::to_string(seed % 37); }

// The f32 gallery is authenticated (format v2, the production path), the int8 one is v1.
GalleryKey g_key;
bool keyed(const std::string& path) { return path.find("/f32.fgg") != std::string::npos; }
GalleryOpenOptions access_for(const std::string& path) {
  GalleryOpenOptions o;
  if (keyed(path)) o.key = g_key;
  else o.insecure = true;
  return o;
}

[[noreturn]] void child_enrol_loop(const std::string& path, int out_fd, uint64_t first_seed) {
  GalleryOpenOptions o = access_for(path);
  o.writer = true;
  GalleryPtr g;
  if (!gallery_open(path, o, &g).is_ok()) _exit(3);
  for (uint64_t seed = first_seed;; ++seed) {
    const std::vector<float> e = embedding_of(seed);
    Report r{0, seed};
    if (!gallery_enroll(g.get(), name_of(seed), e.data(), kDim, &r.record_id).is_ok()) _exit(4);
    if (write(out_fd, &r, sizeof r) != sizeof r) _exit(5);  // < PIPE_BUF: atomic
  }
}

TEST_CASE("SIGKILL at random moments never loses a committed enrolment") {
  char tmpl[] = "/tmp/fg_gallery_crash_XXXXXX";
  const std::string dir = mkdtemp(tmpl);
  REQUIRE(gallery_keygen(dir + "/key").is_ok());
  REQUIRE(gallery_key_load(dir + "/key", &g_key).is_ok());
  std::mt19937 rng(20240521);
  size_t kills = 0, reported = 0, lost = 0, wrong = 0, phantom = 0, reader_errors = 0;
  size_t unreported_committed = 0, torn_tails = 0, rejected = 0, authenticated = 0;
  const auto start = std::chrono::steady_clock::now();
  for (GalleryDtype dtype : {GalleryDtype::kF32, GalleryDtype::kS8}) {
    const std::string path = dir + (dtype == GalleryDtype::kF32 ? "/f32.fgg" : "/s8.fgg");
    {
      GalleryCreateOptions c;
      c.dim = kDim;
      c.dtype = dtype;
      c.model_id = "crash-test";
      if (keyed(path)) c.key = g_key;
      GalleryPtr g;
      REQUIRE(gallery_create(path, c, &g).is_ok());
    }
    std::vector<Report> committed;  // every enrolment whose call returned, over all children
    uint64_t next_seed = 1;
    size_t extra_before = 0;
    for (int round = 0; round < kKills / 2; ++round) {
      int fds[2];
      REQUIRE(pipe(fds) == 0);
      const pid_t pid = fork();
      REQUIRE(pid >= 0);
      if (pid == 0) {
        close(fds[0]);
        child_enrol_loop(path, fds[1], next_seed);
      }
      close(fds[1]);
      // Half the kills land anywhere from fork on (often inside open), half after the child
      // has reported its first enrolment, so every run exercises kills mid-enrol loop
      // whatever the machine's fsync latency.
      Report first;
      const bool wait_first = round % 2 == 1;
      if (wait_first && read(fds[0], &first, sizeof first) == sizeof first) {
        committed.push_back(first);
        ++reported;
        next_seed = first.seed + 1;
      }
      usleep(std::uniform_int_distribution<int>(0, 40000)(rng));
      if (round % 4 == 0) {  // a reader alongside the writer
        GalleryPtr r;
        reader_errors += !gallery_open(path, access_for(path), &r).is_ok();
      }
      kill(pid, SIGKILL);
      int status = 0;
      waitpid(pid, &status, 0);
      REQUIRE_MESSAGE((WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL),
                      "child exited on its own with status " << status);
      ++kills;
      Report r;
      while (read(fds[0], &r, sizeof r) == sizeof r) {
        committed.push_back(r);
        ++reported;
        next_seed = r.seed + 1;
      }
      close(fds[0]);
      // The child may have committed one more record (killed between fsync and report).
      next_seed += 1;

      GalleryPtr g;
      GalleryOpenOptions o = access_for(path);
      o.writer = round % 2 == 0;  // alternately a reader (ignores the tail) and a writer (cuts it)
      Status s = gallery_open(path, o, &g);
      REQUIRE_MESSAGE(s.is_ok(), s.message());
      torn_tails += gallery_info(*g).dropped_tail_bytes > 0;
      rejected += gallery_info(*g).rejected_records;
      authenticated += gallery_info(*g).authenticated;
      const std::vector<GalleryRecord> list = gallery_list(*g, true);
      size_t matched = 0, at = 0;
      for (const Report& c : committed) {  // both in record-id order
        while (at < list.size() && list[at].record_id < c.record_id) ++at;
        if (at == list.size() || list[at].record_id != c.record_id) {
          ++lost;
          continue;
        }
        std::vector<float> e;
        REQUIRE(gallery_embedding(*g, c.record_id, &e).is_ok());
        const std::vector<float> want = embedding_of(c.seed);
        const float tol = dtype == GalleryDtype::kF32 ? 0.f : 0.5f * 0.5f / 127.f + 1e-7f;
        for (size_t d = 0; d < kDim; ++d) wrong += std::fabs(e[d] - want[d]) > tol;
        wrong += list[at].name != name_of(c.seed);
        ++matched;
        ++at;
      }
      // Records nobody reported: each kill may add at most one (committed, then killed
      // before the report was written).
      const size_t extra = list.size() - matched;
      if (extra > extra_before + 1) phantom += extra - extra_before - 1;
      if (extra > extra_before) unreported_committed += extra - extra_before;
      extra_before = extra;
    }
  }
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  MESSAGE(kills << " kills in " << secs << " s: " << reported << " reported enrolments, "
                << unreported_committed << " committed-but-unreported, " << torn_tails
                << " opens saw a torn tail");
  CHECK(kills >= 200);
  CHECK(lost == 0);
  CHECK(wrong == 0);
  CHECK(phantom == 0);
  CHECK(reader_errors == 0);
  CHECK(rejected == 0);                  // a kill never leaves a record that fails its MAC
  CHECK(authenticated == size_t(kKills / 2));  // every open of the f32 gallery checked MACs
  CHECK(reported >= kills / 2);  // the children did get work done between kills
  (void)!system(("rm -rf '" + dir + "'").c_str());
}

}  // namespace
}  // namespace fg
