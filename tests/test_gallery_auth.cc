// Gallery format v2 (authenticated): key files, wrong keys, records moved between galleries,
// a delete mark cleared by hand, and every single-byte flip of a v2 file: an error, the last
// record dropped as a torn tail, or a record rejected by its MAC - never altered data used.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "runtime/gallery/gallery.h"
#include "test_util.h"
#include "runtime/gallery/gallery_key.h"

namespace fg {
namespace {

using fg_test::read_bytes;
using fg_test::TempDir;
using fg_test::write_bytes;


GalleryKey new_key(const TempDir& dir, const std::string& name) {
  GalleryKey k;
  REQUIRE(gallery_keygen(dir.file(name)).is_ok());
  REQUIRE(gallery_key_load(dir.file(name), &k).is_ok());
  return k;
}

void make(const std::string& path, const GalleryKey& key, int records, float base) {
  GalleryCreateOptions c;
  c.dim = 8;
  c.dtype = GalleryDtype::kS8;
  c.model_id = "enc";
  c.key = key;
  GalleryPtr g;
  REQUIRE(gallery_create(path, c, &g).is_ok());
  for (int i = 0; i < records; ++i) {
    std::vector<float> e(8, base + 0.01f * float(i));
    uint64_t id;
    REQUIRE(gallery_enroll(g.get(), "p" + std::to_string(i), e.data(), 8, &id).is_ok());
  }
}

Status open_with(const std::string& path, const GalleryKey& key, GalleryPtr* g) {
  GalleryOpenOptions o;
  o.key = key;
  return gallery_open(path, o, g);
}

}  // namespace

TEST_CASE("key files: 0600, never overwritten, loose permissions and wrong sizes refused") {
  TempDir dir("fg_gallery_auth");
  REQUIRE(gallery_keygen(dir.file("k")).is_ok());
  struct stat st;
  REQUIRE(stat(dir.file("k").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  const std::vector<uint8_t> first = read_bytes(dir.file("k"));
  CHECK(first.size() == 32);
  CHECK_FALSE(gallery_keygen(dir.file("k")).is_ok());
  CHECK(read_bytes(dir.file("k")) == first);
  GalleryKey k;
  chmod(dir.file("k").c_str(), 0604);
  Status s = gallery_key_load(dir.file("k"), &k);
  CHECK_FALSE(s.is_ok());
  CHECK(s.message().find("chmod 600") != std::string::npos);
  write_bytes(dir.file("short"), std::vector<uint8_t>(31, 1));
  chmod(dir.file("short").c_str(), 0600);
  CHECK_FALSE(gallery_key_load(dir.file("short"), &k).is_ok());
  CHECK_FALSE(gallery_key_load(dir.file("missing"), &k).is_ok());
}

TEST_CASE("v2: the right key opens, another key or none is refused, a moved record is rejected") {
  TempDir dir("fg_gallery_auth");
  const GalleryKey a = new_key(dir, "a"), b = new_key(dir, "b");
  make(dir.file("g1.fgg"), a, 3, 0.1f);
  make(dir.file("g2.fgg"), a, 3, -0.1f);  // same key, another gallery
  GalleryPtr g;
  REQUIRE(open_with(dir.file("g1.fgg"), a, &g).is_ok());
  CHECK(gallery_info(*g).authenticated);
  CHECK(gallery_info(*g).version == 2);
  CHECK(gallery_info(*g).rejected_records == 0);
  Status s = open_with(dir.file("g1.fgg"), b, &g);
  CHECK(s.message().find("another key") != std::string::npos);
  s = gallery_open(dir.file("g1.fgg"), GalleryOpenOptions{}, &g);
  CHECK(s.message().find("--gallery-key") != std::string::npos);
  // Record 2 of g2 pasted over record 2 of g1: valid CRC, valid MAC - for the other gallery.
  std::vector<uint8_t> g1 = read_bytes(dir.file("g1.fgg"));
  const std::vector<uint8_t> g2 = read_bytes(dir.file("g2.fgg"));
  const size_t rs = gallery_info(*[&] { REQUIRE(open_with(dir.file("g2.fgg"), a, &g).is_ok()); return g.get(); }()).record_size;
  std::memcpy(&g1[128 + 1 * rs], &g2[128 + 1 * rs], rs);
  write_bytes(dir.file("moved.fgg"), g1);
  REQUIRE(open_with(dir.file("moved.fgg"), a, &g).is_ok());
  CHECK(gallery_info(*g).rejected_records == 1);
  CHECK(gallery_info(*g).live_records == 2);
}

TEST_CASE("v2: clearing a delete mark by hand does not bring the person back") {
  TempDir dir("fg_gallery_auth");
  const GalleryKey a = new_key(dir, "a");
  make(dir.file("g.fgg"), a, 3, 0.1f);
  size_t rs = 0, meta = 0;
  {
    GalleryOpenOptions o;
    o.key = a;
    o.writer = true;
    GalleryPtr g;
    REQUIRE(gallery_open(dir.file("g.fgg"), o, &g).is_ok());
    rs = gallery_info(*g).record_size;
    size_t n = 0;
    REQUIRE(gallery_remove_person(g.get(), "p1", &n).is_ok());
  }
  GalleryPtr g;
  REQUIRE(open_with(dir.file("g.fgg"), a, &g).is_ok());
  CHECK(gallery_info(*g).live_records == 2);
  meta = 8;  // int8 dim 8: meta starts at byte 8 of the record
  std::vector<uint8_t> b = read_bytes(dir.file("g.fgg"));
  std::memset(&b[128 + 1 * rs + meta + kMetaFlags], 0, 4);  // flags back to live
  write_bytes(dir.file("g.fgg"), b);
  REQUIRE(open_with(dir.file("g.fgg"), a, &g).is_ok());
  CHECK(gallery_info(*g).live_records == 2);
  CHECK(gallery_info(*g).rejected_records == 1);
  for (const GalleryRecord& r : gallery_list(*g)) CHECK(r.name != "p1");
}

TEST_CASE("v2: every single-byte flip is an error, a dropped tail or a rejected record") {
  TempDir dir("fg_gallery_auth");
  const GalleryKey a = new_key(dir, "a");
  make(dir.file("g.fgg"), a, 3, 0.1f);
  const std::vector<uint8_t> good = read_bytes(dir.file("g.fgg"));
  GalleryPtr ref;
  REQUIRE(open_with(dir.file("g.fgg"), a, &ref).is_ok());
  const std::vector<GalleryRecord> want = gallery_list(*ref);
  size_t errors = 0, dropped = 0, rejected = 0, lies = 0;
  for (size_t at = 0; at < good.size(); ++at) {
    std::vector<uint8_t> b = good;
    b[at] ^= 0x5A;
    write_bytes(dir.file("bad.fgg"), b);
    GalleryPtr g;
    if (!open_with(dir.file("bad.fgg"), a, &g).is_ok()) {
      ++errors;
      continue;
    }
    const GalleryInfo i = gallery_info(*g);
    dropped += i.dropped_tail_bytes > 0;
    rejected += i.rejected_records;
    // Whatever is still live must be byte-for-byte what was enrolled.
    for (const GalleryRecord& r : gallery_list(*g)) {
      bool found = false;
      for (const GalleryRecord& w : want)
        found |= w.record_id == r.record_id && w.name == r.name && w.person_id == r.person_id &&
                 w.enrolled_unix_us == r.enrolled_unix_us;
      std::vector<float> e, e0;
      lies += !found || !gallery_embedding(*g, r.record_id, &e).is_ok() ||
              !gallery_embedding(*ref, r.record_id, &e0).is_ok() || e != e0;
    }
    lies += i.live_records + i.rejected_records + (i.dropped_tail_bytes > 0) != 3;
  }
  MESSAGE(good.size() << " flips: " << errors << " errors, " << dropped << " dropped tails, " << rejected
                      << " rejected records");
  CHECK(lies == 0);
  CHECK(rejected > 0);
}

}  // namespace fg
