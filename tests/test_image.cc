// Image I/O: decode known small files, round-trip PNG, refuse oversized and corrupt input
// with a clear message (never a crash).
#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "runtime/vision/image.h"

namespace {

std::string data_path(const std::string& name) {
  const char* dir = std::getenv("FG_TEST_DATA");
  return std::string(dir ? dir : "tests/data") + "/" + name;
}

std::string temp_path(const std::string& name) {
  const char* dir = std::getenv("TMPDIR");
  return std::string(dir ? dir : "/tmp") + "/fg_test_image_" + name;
}

void write_bytes(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  REQUIRE(f != nullptr);
  if (!bytes.empty()) std::fwrite(bytes.data(), 1, bytes.size(), f);
  std::fclose(f);
}

void put_be32(std::vector<uint8_t>* v, uint32_t x) {
  for (int s = 24; s >= 0; s -= 8) v->push_back((uint8_t)(x >> s));
}

// A PNG signature + IHDR chunk claiming width x height at 8 bits: enough for stbi_info.
std::vector<uint8_t> png_header_only(uint32_t width, uint32_t height, uint8_t colour_type = 2) {
  std::vector<uint8_t> v = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
  put_be32(&v, 13);
  for (char c : std::string("IHDR")) v.push_back((uint8_t)c);
  put_be32(&v, width);
  put_be32(&v, height);
  v.insert(v.end(), {8, colour_type, 0, 0, 0});  // depth 8, 0 = gray / 2 = RGB, no interlace
  put_be32(&v, 0);                     // CRC (stb does not check it)
  return v;
}

}  // namespace

TEST_CASE("image_load decodes a small gray PNG exactly, as stored and as RGB") {
  fg::Image gray;
  REQUIRE(fg::image_load(data_path("checker_5x3_gray.png"), 0, &gray).is_ok());
  CHECK(gray.width == 5);
  CHECK(gray.height == 3);
  CHECK(gray.channels == 1);
  // Generator: ((x + y) & 1) ? 255 : y * 40 + x  (see tests/data/README.md).
  for (int y = 0; y < 3; ++y)
    for (int x = 0; x < 5; ++x)
      CHECK(gray.row(y)[x] == (((x + y) & 1) ? 255 : y * 40 + x));

  fg::Image rgb;
  REQUIRE(fg::image_load(data_path("checker_5x3_gray.png"), 3, &rgb).is_ok());
  CHECK(rgb.channels == 3);
  REQUIRE(rgb.pixels.size() == 45u);
  for (int i = 0; i < 15; ++i) {
    CHECK(rgb.pixels[3 * i] == gray.pixels[i]);
    CHECK(rgb.pixels[3 * i + 2] == gray.pixels[i]);
  }
}

TEST_CASE("image_load decodes a JPEG close to the pixels it was encoded from") {
  fg::Image img;
  REQUIRE(fg::image_load(data_path("gradient_32x24.jpg"), 3, &img).is_ok());
  CHECK(img.width == 32);
  CHECK(img.height == 24);
  CHECK(img.channels == 3);
  // Source pixels: R = 8x, G = 10y, B = 128, quality 90 -> a few levels of JPEG error.
  int max_err = 0;
  for (int y = 0; y < 24; ++y)
    for (int x = 0; x < 32; ++x) {
      const uint8_t* p = img.row(y) + 3 * x;
      max_err = std::max(max_err, std::abs(p[0] - 8 * x));
      max_err = std::max(max_err, std::abs(p[1] - 10 * y));
      max_err = std::max(max_err, std::abs(p[2] - 128));
    }
  MESSAGE("JPEG decode max |error| vs source pixels: " << max_err);
  CHECK(max_err <= 24);
}

TEST_CASE("image_write_png round-trips RGB and gray pixels bit-exactly") {
  for (int channels : {1, 3, 4}) {
    fg::Image img = fg::image_make(7, 5, channels);
    for (size_t i = 0; i < img.pixels.size(); ++i) img.pixels[i] = (uint8_t)(i * 37 + 11);
    const std::string path = temp_path("roundtrip_" + std::to_string(channels) + ".png");
    REQUIRE(fg::image_write_png(path, img).is_ok());
    fg::Image back;
    REQUIRE(fg::image_load(path, 0, &back).is_ok());
    CHECK(back.width == 7);
    CHECK(back.height == 5);
    CHECK(back.channels == channels);
    CHECK(back.pixels == img.pixels);
    std::remove(path.c_str());
  }
}

TEST_CASE("image_load refuses an oversized image before decoding") {
  const std::string path = temp_path("huge.png");
  // 256 Mpixel gray: under stb's own 1 GiB limit, so it is our check that refuses it.
  write_bytes(path, png_header_only(16000, 16000, 0));
  fg::Image img;
  fg::Status s = fg::image_load(path, 3, &img);
  REQUIRE_FALSE(s.is_ok());
  MESSAGE("oversized: " << s.message());
  CHECK(s.message().find("above the limit") != std::string::npos);
  CHECK(s.message().find("16000x16000") != std::string::npos);
  CHECK(img.empty());
  // A caller-provided lower limit applies too.
  s = fg::image_load(data_path("gradient_32x24.jpg"), 3, &img, 100);
  CHECK_FALSE(s.is_ok());
  std::remove(path.c_str());
}

TEST_CASE("image_load gives a clear error for missing, empty, corrupt and truncated files") {
  fg::Image img;
  fg::Status s = fg::image_load(data_path("does_not_exist.png"), 3, &img);
  REQUIRE_FALSE(s.is_ok());
  CHECK(s.message().find("cannot open") != std::string::npos);

  const std::string empty = temp_path("empty.jpg");
  write_bytes(empty, {});
  s = fg::image_load(empty, 3, &img);
  REQUIRE_FALSE(s.is_ok());
  CHECK(s.message().find("empty") != std::string::npos);
  std::remove(empty.c_str());

  const std::string garbage = temp_path("garbage.jpg");
  write_bytes(garbage, {0xFF, 0xD8, 0xFF, 0x00, 0x13, 0x37, 0x42, 0x42, 0x42, 0x42});
  s = fg::image_load(garbage, 3, &img);
  REQUIRE_FALSE(s.is_ok());
  MESSAGE("corrupt JPEG: " << s.message());
  CHECK(s.message().find(garbage) != std::string::npos);
  std::remove(garbage.c_str());

  s = fg::image_load(data_path("gradient_32x24_truncated.jpg"), 3, &img);
  REQUIRE_FALSE(s.is_ok());
  MESSAGE("truncated JPEG: " << s.message());
  CHECK(s.message().find("JPEG decoding failed") != std::string::npos);
  CHECK(img.empty());

  // A truncated PNG (header fine, pixel data missing) fails in decoding, not in stbi_info.
  const std::string cut = temp_path("cut.png");
  write_bytes(cut, png_header_only(8, 8));
  s = fg::image_load(cut, 3, &img);
  REQUIRE_FALSE(s.is_ok());
  CHECK(s.message().find("PNG decoding failed") != std::string::npos);
  std::remove(cut.c_str());

  CHECK_FALSE(fg::image_load(data_path("checker_5x3_gray.png"), 2, &img).is_ok());
}

TEST_CASE("image_crop and image_convert_channels") {
  fg::Image img = fg::image_make(4, 3, 3);
  for (size_t i = 0; i < img.pixels.size(); ++i) img.pixels[i] = (uint8_t)i;
  fg::Image c;
  REQUIRE(fg::image_crop(img, 1, 1, 2, 2, &c).is_ok());
  CHECK(c.width == 2);
  CHECK(c.pixels[0] == img.row(1)[3]);
  CHECK(c.pixels[11] == img.row(2)[3 * 2 + 2]);  // last byte: row 2, col 2, channel 2
  CHECK_FALSE(fg::image_crop(img, 3, 0, 2, 1, &c).is_ok());
  CHECK_FALSE(fg::image_crop(img, -1, 0, 1, 1, &c).is_ok());

  fg::Image g;
  REQUIRE(fg::image_convert_channels(img, 1, &g).is_ok());
  CHECK(g.channels == 1);
  CHECK(g.pixels[1] == (uint8_t)((3 * 77 + 4 * 150 + 5 * 29) >> 8));
}
