// gallery_enroll_batch (runtime/gallery/gallery.h): N records of one person appear together
// or not at all, through the same temporary-file + rename replace as compaction; ids are
// consecutive, an existing name keeps its person id, deleted and MAC-checked records stay as
// they were, and a refused batch leaves the file byte for byte unchanged.
#include <doctest/doctest.h>

#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "runtime/gallery/gallery.h"
#include "runtime/gallery/gallery_key.h"

using namespace fg;

namespace {

struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/fg_test_gallery_batch_XXXXXX";
    REQUIRE(mkdtemp(tmpl) != nullptr);
    path = tmpl;
  }
  ~TempDir() { (void)!system(("rm -rf '" + path + "'").c_str()); }
  std::string file(const std::string& n) const { return path + "/" + n; }
};

std::vector<float> embeddings(size_t n, float base) {
  std::vector<float> e(n * 128);
  for (size_t i = 0; i < e.size(); ++i) e[i] = base + 0.001f * (float)(i % 97) + 0.01f * (float)(i / 128);
  return e;
}

std::string bytes_of(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), {});
}

}  // namespace

TEST_CASE("gallery batch: all records at once, consecutive ids, same person, signed, readable") {
  TempDir dir;
  const std::string path = dir.file("g.fgg");
  REQUIRE(gallery_keygen(dir.file("k")).is_ok());
  GalleryKey key;
  REQUIRE(gallery_key_load(dir.file("k"), &key).is_ok());
  GalleryCreateOptions c;
  c.model_id = "test-model";
  c.key = key;
  GalleryPtr g;
  REQUIRE(gallery_create(path, c, &g).is_ok());
  uint64_t id = 0;
  const std::vector<float> bob = embeddings(1, 0.2f);
  REQUIRE(gallery_enroll(g.get(), "bob", bob.data(), 128, &id).is_ok());
  REQUIRE(gallery_enroll(g.get(), "carl", bob.data(), 128, &id).is_ok());
  size_t removed = 0;
  REQUIRE(gallery_remove_person(g.get(), "carl", &removed).is_ok());

  const std::vector<float> amy = embeddings(5, -0.1f);
  std::vector<uint64_t> ids;
  REQUIRE(gallery_enroll_batch(g.get(), "amy", amy.data(), 5, 128, &ids).is_ok());
  CHECK(ids == std::vector<uint64_t>{3, 4, 5, 6, 7});
  CHECK(access((path + ".enroll-tmp").c_str(), F_OK) != 0);  // renamed into place
  // The writer's view is the new file; a second batch for an existing name adds to it.
  REQUIRE(gallery_enroll_batch(g.get(), "bob", amy.data(), 2, 128, &ids).is_ok());
  CHECK(ids == std::vector<uint64_t>{8, 9});
  g.reset();

  GalleryOpenOptions o;
  o.key = key;
  GalleryPtr r;
  REQUIRE(gallery_open(path, o, &r).is_ok());
  const GalleryInfo info = gallery_info(*r);
  CHECK(info.authenticated);
  CHECK(info.rejected_records == 0);
  CHECK(info.live_records == 8);     // bob 1 + 2, amy 5
  CHECK(info.deleted_records == 1);  // carl stays deleted (not compacted away)
  CHECK(info.persons == 2);
  uint64_t amy_person = 0, bob_person = 0;
  for (const GalleryRecord& rec : gallery_list(*r)) {
    if (rec.name == "amy") {
      if (amy_person == 0) amy_person = rec.person_id;
      CHECK(rec.person_id == amy_person);
    }
    if (rec.name == "bob") {
      if (bob_person == 0) bob_person = rec.person_id;
      CHECK(rec.person_id == bob_person);  // --add: the same person, more records
    }
  }
  CHECK(amy_person != bob_person);
  std::vector<float> back;
  REQUIRE(gallery_embedding(*r, 5, &back).is_ok());
  for (size_t d = 0; d < 128; ++d) CHECK(back[d] == amy[2 * 128 + d]);  // record 5 = amy's third
  std::vector<IdentifyMatch> best;
  REQUIRE(gallery_identify(*r, amy.data(), 128, IdentifyOptions{}, &best).is_ok());
  REQUIRE(!best.empty());
  CHECK(best[0].distance < 1e-6f);
}

TEST_CASE("gallery batch: a refused batch changes nothing") {
  TempDir dir;
  const std::string path = dir.file("g.fgg");
  GalleryCreateOptions c;
  c.model_id = "test-model";  // no key: v1
  GalleryPtr g;
  REQUIRE(gallery_create(path, c, &g).is_ok());
  uint64_t id = 0;
  const std::vector<float> one = embeddings(1, 0.3f);
  REQUIRE(gallery_enroll(g.get(), "bob", one.data(), 128, &id).is_ok());
  const std::string before = bytes_of(path);
  std::vector<float> bad = embeddings(4, 0.1f);
  bad[3 * 128 + 7] = NAN;  // the last record is bad: none of the four may land
  std::vector<uint64_t> ids{42};
  CHECK_FALSE(gallery_enroll_batch(g.get(), "amy", bad.data(), 4, 128, &ids).is_ok());
  CHECK_FALSE(gallery_enroll_batch(g.get(), "amy", one.data(), 1, 64, &ids).is_ok());
  CHECK_FALSE(gallery_enroll_batch(g.get(), "", one.data(), 1, 128, &ids).is_ok());
  CHECK_FALSE(gallery_enroll_batch(g.get(), "amy", one.data(), 0, 128, &ids).is_ok());
  CHECK(ids == std::vector<uint64_t>{42});
  CHECK(bytes_of(path) == before);
  // A leftover temporary of a crashed batch is not a gallery and does not stop the next one.
  std::ofstream(path + ".enroll-tmp") << "half a file";
  REQUIRE(gallery_enroll_batch(g.get(), "amy", bad.data(), 3, 128, &ids).is_ok());
  CHECK(ids.size() == 3);
  g.reset();
  GalleryOpenOptions o;
  o.insecure = true;
  GalleryPtr r;
  REQUIRE(gallery_open(path, o, &r).is_ok());
  CHECK(gallery_info(*r).live_records == 4);
  // A reader cannot enrol.
  CHECK_FALSE(gallery_enroll_batch(r.get(), "zed", one.data(), 1, 128, &ids).is_ok());
}
