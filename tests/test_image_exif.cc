// EXIF orientation in the JPEG loader (runtime/vision/image_exif.h): every orientation 1..8 of
// an asymmetric image, both byte orders, malformed APP1 segments ignored (orientation 1, no
// crash, no over-read), and MiniVision's samples (orientation 6) decode upright.
#include <doctest/doctest.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "runtime/vision/image.h"
#include "runtime/vision/image_encode_jpeg.h"
#include "runtime/vision/image_exif.h"

namespace fg {
namespace {

std::string env(const char* k) {
  const char* v = std::getenv(k);
  return v ? v : "";
}

// APP1 = "Exif\0\0" + TIFF (byte order, 42, IFD0 at 8, one entry: 0x0112 SHORT 1 = o).
std::vector<uint8_t> exif_app1(int o, bool little) {
  std::vector<uint8_t> t = {'E', 'x', 'i', 'f', 0, 0};
  auto u16 = [&](uint32_t v) {
    if (little) t.push_back(uint8_t(v)), t.push_back(uint8_t(v >> 8));
    else t.push_back(uint8_t(v >> 8)), t.push_back(uint8_t(v));
  };
  auto u32 = [&](uint32_t v) { little ? (u16(v & 0xFFFF), u16(v >> 16)) : (u16(v >> 16), u16(v & 0xFFFF)); };
  t.push_back(little ? 'I' : 'M'), t.push_back(little ? 'I' : 'M');
  u16(42), u32(8);
  u16(2);                                   // two entries: an unrelated one first
  u16(0x010F), u16(2), u32(4), u32(0);      // Make, ASCII
  u16(0x0112), u16(3), u32(1), u16(uint32_t(o)), u16(0);
  u32(0);
  return t;
}

// A JPEG with `app1` inserted after SOI (as cameras write it).
std::vector<uint8_t> with_app1(const std::vector<uint8_t>& jpeg, const std::vector<uint8_t>& app1) {
  const size_t len = app1.size() + 2;
  std::vector<uint8_t> out;
  out.reserve(jpeg.size() + len + 2);
  for (uint8_t b : {jpeg[0], jpeg[1], uint8_t(0xFF), uint8_t(0xE1), uint8_t(len >> 8), uint8_t(len)}) out.push_back(b);
  for (uint8_t b : app1) out.push_back(b);
  for (size_t i = 2; i < jpeg.size(); ++i) out.push_back(jpeg[i]);
  return out;
}

// 24x16 with a distinct colour per 8x8 block, so any wrong turn or mirror is visible.
Image test_image() {
  Image img = image_make(24, 16, 3);
  for (int y = 0; y < 16; ++y)
    for (int x = 0; x < 24; ++x) {
      const int b = (y / 8) * 3 + x / 8;
      img.row(y)[3 * x] = uint8_t(40 * b);
      img.row(y)[3 * x + 1] = uint8_t(255 - 40 * b);
      img.row(y)[3 * x + 2] = uint8_t(b % 2 ? 200 : 30);
    }
  return img;
}

// The block colour (red channel) at block (bx, by) of an image.
int block(const Image& img, int bx, int by) { return img.row(by * 8 + 4)[3 * (bx * 8 + 4)]; }
// Same block: within JPEG noise (blocks differ by 40 levels).
bool same(int a, int b) { return a - b <= 10 && b - a <= 10; }

TEST_CASE("EXIF orientation 1..8 turns the decoded JPEG upright, either byte order") {
  std::vector<uint8_t> jpeg;
  REQUIRE(image_encode_jpeg(test_image(), 95, &jpeg).is_ok());
  Image plain;
  REQUIRE(image_load_from_memory(jpeg.data(), jpeg.size(), "plain", 3, &plain).is_ok());
  REQUIRE(plain.width == 24);
  for (bool little : {true, false})
    for (int o = 1; o <= 8; ++o) {
      const std::vector<uint8_t> j = with_app1(jpeg, exif_app1(o, little));
      Image img;
      const Status s = image_load_from_memory(j.data(), j.size(), "exif", 3, &img);
      REQUIRE_MESSAGE(s.is_ok(), s.message());
      CHECK(exif_orientation(exif_app1(o, little).data(), exif_app1(o, little).size()) == o);
      const Image want = image_apply_orientation(plain, o);
      CHECK(img.width == (o >= 5 ? 16 : 24));
      CHECK(img.height == (o >= 5 ? 24 : 16));
      CHECK_MESSAGE(img.pixels == want.pixels, "orientation " << o);
    }
  // Independent of image_apply_orientation: block (0,0) of the stored image (red 0) ends up at
  // the corner each orientation names.
  const int corner00 = block(plain, 0, 0);
  CHECK(same(block(image_apply_orientation(plain, 2), 2, 0), corner00));
  CHECK(same(block(image_apply_orientation(plain, 3), 2, 1), corner00));
  CHECK(same(block(image_apply_orientation(plain, 4), 0, 1), corner00));
  CHECK(same(block(image_apply_orientation(plain, 5), 0, 0), corner00));
  CHECK(same(block(image_apply_orientation(plain, 6), 1, 0), corner00));   // 90 clockwise: top-left -> top-right
  CHECK(same(block(image_apply_orientation(plain, 7), 1, 2), corner00));
  CHECK(same(block(image_apply_orientation(plain, 8), 0, 2), corner00));   // 90 counter-clockwise: -> bottom-left
}

TEST_CASE("malformed EXIF segments are ignored (orientation 1), never over-read") {
  std::vector<uint8_t> good = exif_app1(6, true);
  CHECK(exif_orientation(good.data(), good.size()) == 6);
  for (size_t n = 0; n < good.size() - 4; ++n) {  // every truncation before the value's bytes
    std::vector<uint8_t> cut(good.begin(), good.begin() + long(n));
    CHECK(exif_orientation(cut.data(), cut.size()) == 1);
  }
  std::vector<uint8_t> bad = good;
  bad[6] = 'X';  // byte order
  CHECK(exif_orientation(bad.data(), bad.size()) == 1);
  bad = good;
  bad[8] = 43;  // TIFF magic
  CHECK(exif_orientation(bad.data(), bad.size()) == 1);
  bad = good;
  bad[10] = 0xF0, bad[11] = 0xFF, bad[12] = 0xFF, bad[13] = 0x7F;  // IFD0 offset far past the end
  CHECK(exif_orientation(bad.data(), bad.size()) == 1);
  bad = good;
  bad[14] = 0xFF, bad[15] = 0xFF;  // 65535 entries
  CHECK(exif_orientation(bad.data(), bad.size()) == 1);
  bad = good;
  bad[30] = 4;  // orientation as LONG
  CHECK(exif_orientation(bad.data(), bad.size()) == 1);
  bad = good;
  bad[36] = 9;  // out of range
  CHECK(exif_orientation(bad.data(), bad.size()) == 1);
  CHECK(exif_orientation(nullptr, 0) == 1);
  // Inside a JPEG: still decodes, as stored.
  std::vector<uint8_t> jpeg;
  REQUIRE(image_encode_jpeg(test_image(), 90, &jpeg).is_ok());
  bad = good;
  bad[14] = 0xFF, bad[15] = 0xFF;
  const std::vector<uint8_t> j = with_app1(jpeg, bad);
  Image img;
  REQUIRE(image_load_from_memory(j.data(), j.size(), "bad exif", 3, &img).is_ok());
  CHECK(img.width == 24);
}

TEST_CASE("MiniVision's samples (EXIF orientation 6) decode upright") {
  for (const char* f : {"image_T1.jpg", "image_F1.jpg", "image_F2.jpg"}) {
    Image img;
    const Status s = image_load(env("FG_SOURCE_DIR") + "/tests/data/liveness/" + f, 3, &img);
    REQUIRE_MESSAGE(s.is_ok(), s.message());
    MESSAGE(f << ": " << img.width << "x" << img.height);
    CHECK(img.height > img.width);  // portrait photos, stored landscape
  }
}

}  // namespace
}  // namespace fg
