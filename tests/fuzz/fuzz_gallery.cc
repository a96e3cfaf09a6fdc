// Gallery reader through the public API only (runtime/gallery/gallery.h): open, info, list, read
// every embedding, identify, refresh. It knows nothing of the file layout, so it keeps
// working when the format changes (e.g. v2 with a MAC). The price: a mutant whose checksum no
// longer holds stops at that check, so the fields behind it are reached only by the seeds'
// own records (docs/reliability.md says so next to the figures).
#include <cstddef>
#include <cstdint>
#include <vector>

#include "runtime/gallery/gallery.h"
#include "tests/fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = fg_fuzz::write_input(data, size, ".fgg");
  fg::GalleryPtr g;
  // insecure: the committed seeds are format v1 (no key in the harness), and the parser
  // behind the MAC check is what is fuzzed; without it every v1 seed stops at "needs a key".
  fg::GalleryOpenOptions options;
  options.insecure = true;
  if (!fg::gallery_open(path, options, &g).is_ok()) return 0;
  const fg::GalleryInfo info = fg::gallery_info(*g);
  if (info.dim == 0 || info.dim > 4096) __builtin_trap();  // gallery.h: 1..4096 (format doc)
  std::vector<float> emb, query(info.dim, 0.01f);
  for (const fg::GalleryRecord& r : fg::gallery_list(*g, true)) (void)fg::gallery_embedding(*g, r.record_id, &emb);
  std::vector<fg::IdentifyMatch> best;
  for (fg::PersonScore score : {fg::PersonScore::kMinDistance, fg::PersonScore::kMeanEmbedding}) {
    fg::IdentifyOptions opt;
    opt.k = 3;
    opt.score = score;
    (void)fg::gallery_identify(*g, query.data(), query.size(), opt, &best);
  }
  (void)fg::gallery_refresh(g.get());
  return 0;
}
