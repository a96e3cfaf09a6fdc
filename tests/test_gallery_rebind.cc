// gallery_rebind (runtime/gallery/gallery_rebind.h): a gallery opened under a temporary name
// follows its file through rename(2), the door's MQTT snapshot hand-over. After the rename the
// loaded stamp is the new path's (a watcher sees no change) and a refresh reads the new path;
// a different file, or the file modified after it was read, is refused and nothing changes.
#include <unistd.h>

#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "runtime/gallery/gallery.h"
#include "runtime/gallery/gallery_key.h"
#include "runtime/gallery/gallery_rebind.h"
#include "test_util.h"

using namespace fg_test;

namespace {

void make_gallery(const std::string& path, const fg::GalleryKey& key, int people) {
  fg::GalleryCreateOptions c;
  c.model_id = "encoder-A";
  c.key = key;
  fg::GalleryPtr g;
  REQUIRE(fg::gallery_create(path, c, &g).is_ok());
  std::mt19937 rng(people);
  std::normal_distribution<float> n(0.f, 0.1f);
  std::vector<float> e(128);
  for (int p = 0; p < people; ++p) {
    for (float& x : e) x = n(rng);
    uint64_t id;
    REQUIRE(fg::gallery_enroll(g.get(), "person-" + std::to_string(p), e.data(), e.size(), &id).is_ok());
  }
}

}  // namespace

TEST_CASE("gallery_rebind: follows a rename; refuses another file or a modified one") {
  TempDir dir("fg_test_rebind");
  fg::GalleryKey key;
  REQUIRE(fg::gallery_keygen(dir.path + "/k").is_ok());
  REQUIRE(fg::gallery_key_load(dir.path + "/k", &key).is_ok());
  const std::string tmp = dir.path + "/g.fgg.tmp", live = dir.path + "/g.fgg", other = dir.path + "/other.fgg";
  make_gallery(tmp, key, 3);
  make_gallery(other, key, 5);
  fg::GalleryOpenOptions o;
  o.key = key;
  o.expected_model_id = "encoder-A";
  fg::GalleryPtr g;
  REQUIRE(fg::gallery_open(tmp, o, &g).is_ok());

  // Not renamed yet: `live` does not exist; `other` is another file.
  CHECK_FALSE(fg::gallery_rebind(g.get(), live).is_ok());
  CHECK_FALSE(fg::gallery_rebind(g.get(), other).is_ok());
  CHECK(fg::gallery_info(*g).path == tmp);

  REQUIRE(::rename(tmp.c_str(), live.c_str()) == 0);
  REQUIRE(fg::gallery_rebind(g.get(), live).is_ok());
  CHECK(fg::gallery_info(*g).path == live);
  CHECK(fg::gallery_loaded_stamp(*g) == fg::gallery_file_stamp(live));
  CHECK(fg::gallery_info(*g).persons == 3);
  // A refresh now reads `live` (the temporary name is gone: it would fail).
  REQUIRE(fg::gallery_refresh(g.get()).is_ok());
  CHECK(fg::gallery_info(*g).persons == 3);

  // Modified after it was read (an append): refused, nothing changed.
  fg::GalleryPtr g2;
  REQUIRE(fg::gallery_open(live, o, &g2).is_ok());
  {
    fg::GalleryOpenOptions w = o;
    w.writer = true;
    fg::GalleryPtr writer;
    REQUIRE(fg::gallery_open(live, w, &writer).is_ok());
    std::vector<float> e(128, 0.05f);
    uint64_t id;
    REQUIRE(fg::gallery_enroll(writer.get(), "late", e.data(), e.size(), &id).is_ok());
  }
  const fg::GalleryFileStamp before = fg::gallery_loaded_stamp(*g2);
  CHECK_FALSE(fg::gallery_rebind(g2.get(), live).is_ok());
  CHECK(fg::gallery_loaded_stamp(*g2) == before);
  CHECK(fg::gallery_info(*g2).persons == 3);

  // Writers never rebind.
  fg::GalleryOpenOptions w = o;
  w.writer = true;
  fg::GalleryPtr writer;
  REQUIRE(fg::gallery_open(other, w, &writer).is_ok());
  CHECK_FALSE(fg::gallery_rebind(writer.get(), other).is_ok());
}
