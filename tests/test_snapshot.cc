// The door's evidence pictures: runtime/vision/image_encode_jpeg.h (libjpeg-turbo encoder:
// round trip through our own decoder within a PSNR bound, bad inputs refused with a Status)
// and tools/door/snapshot.h (names that sort by time, atomic 0600 files in a 0700 directory,
// retention by file count and bytes, oldest first, other files left alone).
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "runtime/vision/image.h"
#include "runtime/vision/image_encode_jpeg.h"
#include "tools/door/snapshot.h"
#include "test_util.h"

using namespace fg;
using namespace fg::door;

namespace {

double psnr(const Image& a, const Image& b) {
  REQUIRE(a.pixels.size() == b.pixels.size());
  double se = 0;
  for (size_t i = 0; i < a.pixels.size(); ++i) {
    const double d = (double)a.pixels[i] - b.pixels[i];
    se += d * d;
  }
  const double mse = se / (double)a.pixels.size();
  return mse == 0 ? 99 : 10 * std::log10(255.0 * 255.0 / mse);
}

Image round_trip(const Image& img, int quality, size_t* bytes = nullptr) {
  std::vector<uint8_t> jpg;
  REQUIRE(image_encode_jpeg(img, quality, &jpg).is_ok());
  REQUIRE(jpg.size() > 4);
  CHECK(jpg[0] == 0xFF);  // SOI marker
  CHECK(jpg[1] == 0xD8);
  if (bytes) *bytes = jpg.size();
  Image back;
  REQUIRE(image_load_from_memory(jpg.data(), jpg.size(), "encoded", img.channels, &back).is_ok());
  REQUIRE(back.width == img.width);
  REQUIRE(back.height == img.height);
  REQUIRE(back.channels == img.channels);
  return back;
}

struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/fg_test_snapshot_XXXXXX";
    REQUIRE(::mkdtemp(tmpl) != nullptr);
    path = tmpl;
  }
  ~TempDir() { std::system(("rm -rf '" + path + "'").c_str()); }
};

std::vector<std::string> list_dir(const std::string& dir) {
  std::vector<std::string> names;
  DIR* d = ::opendir(dir.c_str());
  REQUIRE(d != nullptr);
  while (dirent* e = ::readdir(d))
    if (e->d_name[0] != '.' || (std::string(e->d_name) != "." && std::string(e->d_name) != "..")) names.push_back(e->d_name);
  ::closedir(d);
  std::sort(names.begin(), names.end());
  return names;
}

Image noise_crop(int w, int h, unsigned seed) {
  Image img = image_make(w, h, 3);
  for (uint8_t& p : img.pixels) p = (uint8_t)((seed = seed * 1103515245u + 12345u) >> 24);  // incompressible
  return img;
}

}  // namespace

TEST_CASE("jpeg encode: RGB and gray round trip through the decoder above a PSNR bound") {
  Image frame;
  REQUIRE(image_load(fg_test::env_or("FG_SOURCE_DIR", ".") + "/samples/frames/amy3.png", 3, &frame).is_ok());
  size_t q85 = 0, q30 = 0;
  const Image back85 = round_trip(frame, 85, &q85);
  const Image back30 = round_trip(frame, 30, &q30);
  const double p85 = psnr(frame, back85), p30 = psnr(frame, back30);
  MESSAGE("amy3.png 320x320: q85 " << q85 << " bytes, PSNR " << p85 << " dB; q30 " << q30 << " bytes, " << p30 << " dB");
  CHECK(p85 > 42);  // measured 47.4 dB (a face on a flat canvas); "visibly degraded" is ~30 dB
  CHECK(p30 > 35);  // measured 39.9
  CHECK(p85 > p30);
  CHECK(q30 < q85);
  // Gray, odd sizes (not a multiple of the 8x8 / 16x16 MCU), a smooth gradient.
  Image g = image_make(37, 23, 1);
  for (int y = 0; y < g.height; ++y)
    for (int x = 0; x < g.width; ++x) g.row(y)[x] = (uint8_t)(x * 5 + y * 3);
  CHECK(psnr(g, round_trip(g, 90)) > 38);
  Image one = image_make(1, 1, 3);
  one.pixels = {200, 10, 60};
  CHECK(psnr(one, round_trip(one, 100)) > 30);
}

TEST_CASE("jpeg encode: bad images and qualities are refused with a message, never a crash") {
  std::vector<uint8_t> out{1, 2, 3};
  const Image rgb = image_make(8, 8, 3);
  CHECK_FALSE(image_encode_jpeg(Image{}, 85, &out).is_ok());
  CHECK_FALSE(image_encode_jpeg(image_make(8, 8, 2), 85, &out).is_ok());
  CHECK_FALSE(image_encode_jpeg(image_make(8, 8, 4), 85, &out).is_ok());
  CHECK_FALSE(image_encode_jpeg(rgb, 0, &out).is_ok());
  CHECK_FALSE(image_encode_jpeg(rgb, 101, &out).is_ok());
  Image short_buf = rgb;
  short_buf.pixels.resize(10);
  const Status s = image_encode_jpeg(short_buf, 85, &out);
  CHECK_FALSE(s.is_ok());
  CHECK(s.message().find("pixel buffer") != std::string::npos);
  // Beyond JPEG's 65500-pixel side: libjpeg's own error, through the longjmp, as a Status.
  const Status wide = image_encode_jpeg(image_make(70000, 1, 1), 85, &out);
  CHECK_FALSE(wide.is_ok());
  CHECK(wide.message().find("jpeg encode") != std::string::npos);
  CHECK(out == std::vector<uint8_t>{1, 2, 3});  // untouched on failure
}

TEST_CASE("snapshot: directory 0700, files 0600, names sort by time then visit, crop with margin") {
  TempDir t;
  SnapshotOptions o;
  o.dir = t.path + "/snaps";
  SnapshotStore s;
  REQUIRE(snapshot_open(o, &s).is_ok());
  struct stat st;
  REQUIRE(::stat(o.dir.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0700);
  CHECK(snapshot_enabled(s));
  // Names: successive bases sort in creation order (also across visit 9 -> 10).
  std::vector<std::string> bases;
  for (int v = 8; v <= 11; ++v) {
    bases.push_back(snapshot_base(s, v, "grant", v == 10 ? "Zoë O'Neil/../x" : "amy"));
    if (v == 9) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  std::vector<std::string> sorted = bases;
  std::sort(sorted.begin(), sorted.end());
  CHECK(sorted == bases);
  CHECK(fg_test::contains(bases[0], "_v000008_grant_amy"));
  const std::string odd = bases[2].substr(o.dir.size() + 1);
  CHECK(odd.find('/') == std::string::npos);  // a name can never leave DIR
  CHECK(odd.find('\'') == std::string::npos);
  // The crop: the box plus 25% each side, clipped to the frame.
  Image frame = image_make(100, 80, 3), crop;
  FaceBox box;
  box.x = 20;
  box.y = 20;
  box.width = box.height = 40;
  snapshot_face_crop(frame, box, &crop);
  CHECK(crop.width == 60);
  CHECK(crop.height == 60);
  box.x = 80;  // half outside: clipped at the right edge
  snapshot_face_crop(frame, box, &crop);
  CHECK(crop.width == 30);
  box.x = 200;  // entirely outside: empty, and writing it is an error
  snapshot_face_crop(frame, box, &crop);
  CHECK(crop.empty());
  CHECK_FALSE(snapshot_write(s, bases[0], crop, Image{}).is_ok());
  // Written files: 0600, a JPEG, no temporary left behind; the frame too when given.
  REQUIRE(snapshot_write(s, bases[0], noise_crop(60, 60, 1), frame).is_ok());
  REQUIRE(::stat((bases[0] + ".jpg").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  Image back;
  CHECK(image_load(bases[0] + "_frame.jpg", 3, &back).is_ok());
  CHECK(back.width == 100);
  CHECK(list_dir(o.dir).size() == 2);
  CHECK(s.written == 2);
  // Not a directory: refused at open.
  std::ofstream(t.path + "/file") << "x";
  SnapshotOptions bad = o;
  bad.dir = t.path + "/file";
  SnapshotStore s2;
  CHECK_FALSE(snapshot_open(bad, &s2).is_ok());
  bad.dir = t.path + "/missing/parent";
  CHECK_FALSE(snapshot_open(bad, &s2).is_ok());
}

TEST_CASE("snapshot: retention by files and by bytes removes the oldest first, nothing else") {
  TempDir t;
  SnapshotOptions o;
  o.dir = t.path;
  o.keep = 3;
  o.max_bytes = 0;
  SnapshotStore s;
  REQUIRE(snapshot_open(o, &s).is_ok());
  std::ofstream(t.path + "/notes.txt") << "not a snapshot";
  std::ofstream(t.path + "/.half.jpg.tmp") << "a temporary";
  std::vector<std::string> names;
  for (int i = 0; i < 5; ++i) {
    // Explicit, time-ordered names so the test does not depend on the clock.
    const std::string base = t.path + "/20261207T1000" + std::to_string(10 + i) + ".000Z_v00000" + std::to_string(i) +
                             "_deny_amy";
    REQUIRE(snapshot_write(s, base, noise_crop(64, 64, (unsigned)i + 7), Image{}).is_ok());
    names.push_back(base.substr(t.path.size() + 1) + ".jpg");
  }
  CHECK(s.written == 5);
  CHECK(s.removed == 2);
  CHECK(list_dir(t.path) == std::vector<std::string>{".half.jpg.tmp", names[2], names[3], names[4], "notes.txt"});
  // Bytes: a limit a little above two files keeps the newest two.
  struct stat st;
  REQUIRE(::stat((t.path + "/" + names[4]).c_str(), &st) == 0);
  const uint64_t one = (uint64_t)st.st_size;
  CHECK(one > 2000);  // 3.7 KB: noise does not compress: each file is about the same size
  s.options.keep = 0;
  s.options.max_bytes = one * 2 + one / 4;
  REQUIRE(snapshot_prune(s).is_ok());
  CHECK(s.removed == 3);
  CHECK(list_dir(t.path) == std::vector<std::string>{".half.jpg.tmp", names[3], names[4], "notes.txt"});
  // No limits: nothing removed.
  s.options.max_bytes = 0;
  REQUIRE(snapshot_prune(s).is_ok());
  CHECK(list_dir(t.path).size() == 4);
}
