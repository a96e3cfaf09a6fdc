// What a door pays to (re-)read its gallery: gallery_open as a reader = read the whole file
// into memory + header/record checks (+ one HMAC-SHA256 per live record with a key), and the
// reader's poll of the file's stamp. 10,000 people x 1 record, 128-D f32 and int8; the
// unauthenticated v1 read is the baseline. The file sits in the page cache (a re-read after
// `enroll` or `cp`), so this is CPU + memcpy, not flash.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "runtime/gallery/gallery.h"
#include "runtime/gallery/gallery_key.h"

namespace {

constexpr int kPeople = 10000;

struct Galleries {
  std::string dir;
  fg::GalleryKey key;
  Galleries() {
    char tmpl[] = "/tmp/fg_bench_gallery_XXXXXX";
    dir = ::mkdtemp(tmpl);
    if (!fg::gallery_keygen(dir + "/k").is_ok() || !fg::gallery_key_load(dir + "/k", &key).is_ok()) std::abort();
    std::mt19937 rng(1);
    std::normal_distribution<float> n(0.f, 0.1f);
    std::vector<float> e(128);
    for (bool keyed : {false, true})
      for (fg::GalleryDtype dt : {fg::GalleryDtype::kF32, fg::GalleryDtype::kS8}) {
        fg::GalleryCreateOptions c;
        c.model_id = "bench";
        c.dtype = dt;
        if (keyed) c.key = key;
        fg::GalleryPtr g;
        if (!fg::gallery_create(path(keyed, dt), c, &g).is_ok()) std::abort();
        for (int p = 0; p < kPeople; ++p) {
          for (float& x : e) x = n(rng);
          uint64_t id;
          if (!fg::gallery_enroll(g.get(), "person-" + std::to_string(p), e.data(), 128, &id).is_ok()) std::abort();
        }
      }
  }
  ~Galleries() { (void)!std::system(("rm -rf '" + dir + "'").c_str()); }
  std::string path(bool keyed, fg::GalleryDtype dt) const {
    return dir + (keyed ? "/v2" : "/v1") + (dt == fg::GalleryDtype::kF32 ? "_f32.fgg" : "_s8.fgg");
  }
};

Galleries& galleries() {
  static Galleries g;
  return g;
}

void BM_GalleryOpen(benchmark::State& state) {
  const bool keyed = state.range(0) != 0;
  const auto dt = state.range(1) ? fg::GalleryDtype::kS8 : fg::GalleryDtype::kF32;
  Galleries& gs = galleries();
  fg::GalleryOpenOptions o;
  if (keyed) o.key = gs.key;
  else o.insecure = true;
  for (auto _ : state) {
    fg::GalleryPtr g;
    if (!fg::gallery_open(gs.path(keyed, dt), o, &g).is_ok()) state.SkipWithError("open failed");
    benchmark::DoNotOptimize(g.get());
  }
  state.SetItemsProcessed(state.iterations() * kPeople);
  state.SetLabel(std::string(keyed ? "v2 + MAC" : "v1 CRC only") + (dt == fg::GalleryDtype::kF32 ? ", f32" : ", int8"));
}
BENCHMARK(BM_GalleryOpen)->ArgsProduct({{0, 1}, {0, 1}})->Unit(benchmark::kMillisecond);

// The once-a-second check of a running door when nothing changed.
void BM_GalleryStamp(benchmark::State& state) {
  const std::string p = galleries().path(true, fg::GalleryDtype::kF32);
  for (auto _ : state) benchmark::DoNotOptimize(fg::gallery_file_stamp(p));
}
BENCHMARK(BM_GalleryStamp);

}  // namespace

BENCHMARK_MAIN();
