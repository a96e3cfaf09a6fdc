// Hostile images and streams (issue 16): the reproductions that crashed, over-read or
// bloated the stb_image path, rebuilt here byte by byte. Each must give a clear error (or,
// for a valid file, the right pixels), `facegate detect` / `facegate-door` must exit 3 on
// the bad ones, and no process may peak above 256 MB (the child's ru_maxrss from wait4).
#include <doctest/doctest.h>
#include <png.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include "runtime/vision/image.h"
#include "runtime/vision/image_decode.h"
#include "runtime/gallery/gallery_key.h"
#include "test_util.h"

namespace {

using fg_test::contains;

constexpr long kMaxRssKb = 256 * 1024;

std::string temp_dir() {
  static std::string dir;
  if (dir.empty()) {
    char tmpl[] = "/tmp/fg_hostile_XXXXXX";
    REQUIRE(::mkdtemp(tmpl) != nullptr);
    dir = tmpl;
  }
  return dir;
}

std::string write_file(const std::string& name, const std::string& bytes) {
  const std::string path = temp_dir() + "/" + name;
  std::FILE* f = std::fopen(path.c_str(), "wb");
  REQUIRE(f != nullptr);
  REQUIRE(std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size());
  std::fclose(f);
  return path;
}

// `printf 'P5\n4096 4096\n65535\n'; head -c 33554432 /dev/zero` (issue 16), `cut` bytes short.
std::string pgm16_zeros(size_t cut) {
  std::string s = "P5\n4096 4096\n65535\n";
  s.append((size_t)4096 * 4096 * 2 - cut, '\0');
  return s;
}

// 81 bytes: a header promising 8000x8000 8-bit pixels and 64 bytes of them.
std::string pgm_short() {
  std::string s = "P5\n8000 8000\n255\n";
  s.append(81 - s.size(), '\x7f');
  return s;
}

// A baseline 8x8 gray JPEG whose DHT code-length counts sum to 272 (> 256): the table that
// overflowed stb's Huffman arrays. Markers after it are never reached by a safe decoder.
std::string jpeg_bad_dht() {
  std::string s = "\xFF\xD8";
  std::string dqt = "\xFF\xDB";
  dqt += '\0', dqt += (char)67, dqt += '\0';
  dqt.append(64, '\x01');
  s += dqt;
  s += std::string("\xFF\xC0\x00\x0B\x08\x00\x08\x00\x08\x01\x01\x11\x00", 13);  // SOF0 8x8, 1 comp
  std::string dht;
  const int counts = 16 * 17;  // 16 lengths x 17 codes
  const int len = 2 + 1 + 16 + counts;
  dht += "\xFF\xC4";
  dht += (char)(len >> 8), dht += (char)(len & 0xFF);
  dht += '\0';  // DC table 0
  dht.append(16, (char)17);
  for (int i = 0; i < counts; ++i) dht += (char)(i & 0xFF);
  s += dht;
  s += std::string("\xFF\xDA\x00\x08\x01\x01\x00\x00\x3F\x00", 10);  // SOS
  s += std::string(16, '\0');
  s += "\xFF\xD9";
  return s;
}

// A 16-bit PNG made with libpng, every sample `value`, rows deflated at level 9 (so
// 8000x8000 RGBA of zeros is ~0.5 MB on disk and 512 MB raw).
std::string png16(int w, int h, int color_type, uint16_t value) {
  const std::string path = temp_dir() + "/png16_" + std::to_string(w) + "x" + std::to_string(h) + ".png";
  std::FILE* f = std::fopen(path.c_str(), "wb");
  REQUIRE(f != nullptr);
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  png_infop info = png_create_info_struct(png);
  REQUIRE((png && info));
  if (setjmp(png_jmpbuf(png))) FAIL("libpng could not write the test PNG");
  png_init_io(png, f);
  png_set_compression_level(png, 9);
  png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, 16, color_type, PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, info);
  const int channels = color_type == PNG_COLOR_TYPE_RGBA ? 4 : color_type == PNG_COLOR_TYPE_RGB ? 3 : 1;
  std::vector<uint8_t> row((size_t)w * channels * 2);
  for (size_t i = 0; i < row.size(); i += 2) row[i] = (uint8_t)(value >> 8), row[i + 1] = (uint8_t)value;
  for (int y = 0; y < h; ++y) png_write_row(png, row.data());
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
  std::fclose(f);
  return path;
}

struct ChildResult {
  int exit_code = -1;
  long max_rss_kb = 0;
  std::string output;
};

// Runs `cmd` through /bin/sh with `exec` (so the measured process is the tool itself, not a
// shell), output to a file; exit code and peak RSS come from wait4.
ChildResult run_measured(const std::string& cmd) {
  const std::string out = temp_dir() + "/child.out";
  const std::string full = "exec " + cmd + " >" + out + " 2>&1";
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::execl("/bin/sh", "sh", "-c", full.c_str(), (char*)nullptr);
    ::_exit(127);
  }
  int status = 0;
  struct rusage ru {};
  REQUIRE(::wait4(pid, &status, 0, &ru) == pid);
  ChildResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.max_rss_kb = ru.ru_maxrss;
  const std::vector<uint8_t> b = fg_test::read_bytes(out);
  r.output.assign(b.begin(), b.end());
  return r;
}

std::string detect_command(const std::string& image) {
  return fg_test::tool_command("facegate") + " detect --models " + fg_test::model_dir() + " " + image;
}

// The files every check below uses, made once.
struct Files {
  std::string pgm16, pgm16_cut, pgm_short, dht, png_bomb, y4m_bomb, y4m_short;
};
const Files& files() {
  static Files f;
  if (f.pgm16.empty()) {
    f.pgm16 = write_file("zeros16.pgm", pgm16_zeros(0));
    f.pgm16_cut = write_file("zeros16_cut.pgm", pgm16_zeros(1));
    f.pgm_short = write_file("short.pgm", pgm_short());
    f.dht = write_file("dht.jpg", jpeg_bad_dht());
    f.png_bomb = png16(8000, 8000, PNG_COLOR_TYPE_RGBA, 0);
    f.y4m_bomb = write_file("huge.y4m", "YUV4MPEG2 W8192 H8192 F25:1 C444\n");
    // 40-byte header for a size inside the budget (4:2:0 4096x2160: 13 MB a frame) and no frame.
    f.y4m_short = write_file("short.y4m", "YUV4MPEG2 W4096 H2160 F25:1 C420jpeg\n");
  }
  return f;
}

}  // namespace

TEST_CASE("hostile PNM: 16-bit is decoded, a short file is refused before allocating") {
  const Files& f = files();
  fg::Image img;
  // A valid 16-bit PGM (the file that made stb over-read): decoded, all zeros.
  fg::Status s = fg::image_load(f.pgm16, 1, &img);
  REQUIRE_MESSAGE(s.is_ok(), s.message());
  CHECK(img.width == 4096);
  CHECK(img.height == 4096);
  bool all_zero = true;
  for (uint8_t v : img.pixels) all_zero &= v == 0;
  CHECK(all_zero);
  // One byte short: refused, nothing decoded.
  fg::Image untouched;
  s = fg::image_load(f.pgm16_cut, 3, &untouched);
  REQUIRE_FALSE(s.is_ok());
  MESSAGE(s.message());
  CHECK(contains(s.message(), "truncated"));
  CHECK(untouched.empty());
  // 81 bytes promising 8000x8000: as gray, the data check refuses it; as RGB, the budget.
  s = fg::image_load(f.pgm_short, 1, &untouched);
  REQUIRE_FALSE(s.is_ok());
  MESSAGE(s.message());
  CHECK(contains(s.message(), "promises 64000000 bytes"));
  s = fg::image_load(f.pgm_short, 3, &untouched);
  REQUIRE_FALSE(s.is_ok());
  CHECK(contains(s.message(), "refused before decoding"));
  // Numbers that would overflow an int, and maxval out of range.
  for (const char* bad : {"P5 99999999999 1 255\n", "P6 1 1 70000\n", "P5 1 1 0\n", "P5 -1 1 255\n"}) {
    s = fg::image_load(write_file("bad.pgm", bad), 3, &untouched);
    CHECK_MESSAGE(!s.is_ok(), bad);
  }
}

TEST_CASE("hostile PNM: 16-bit samples are scaled, 8-bit kept, maxval honoured") {
  // 2x1 PPM, maxval 65535: 0xFFFF -> 255, 0x8000 -> 128; and 2x1 PGM maxval 15: 15 -> 255.
  std::string ppm = "P6\n2 1\n65535\n";
  for (int i = 0; i < 3; ++i) ppm += "\xFF\xFF";
  for (int i = 0; i < 3; ++i) ppm += std::string("\x80\x00", 2);
  fg::Image img;
  REQUIRE(fg::image_load(write_file("two.ppm", ppm), 0, &img).is_ok());
  REQUIRE(img.channels == 3);
  CHECK(img.pixels[0] == 255);
  CHECK(img.pixels[3] == 128);
  REQUIRE(fg::image_load(write_file("two.pgm", std::string("P5 2 1 15\n\x0f\x05", 12)), 0, &img).is_ok());
  CHECK(img.channels == 1);
  CHECK(img.pixels[0] == 255);
  CHECK(img.pixels[1] == 85);
}

TEST_CASE("hostile JPEG: a DHT whose counts sum over 256 is an error") {
  fg::Image img;
  const fg::Status s = fg::image_load(files().dht, 3, &img);
  REQUIRE_FALSE(s.is_ok());
  MESSAGE(s.message());
  CHECK(contains(s.message(), "Huffman"));
  CHECK(img.empty());
  // A 200-byte baseline header claiming 8000x8000: too short to hold its blocks.
  std::string big = jpeg_bad_dht();
  big[big.find("\xFF\xC0") + 5] = (char)0x1F, big[big.find("\xFF\xC0") + 6] = (char)0x40;  // height 8000
  big[big.find("\xFF\xC0") + 7] = (char)0x1F, big[big.find("\xFF\xC0") + 8] = (char)0x40;  // width 8000
  CHECK_FALSE(fg::image_load(write_file("big.jpg", big), 1, &img).is_ok());
}

TEST_CASE("hostile PNG: a 16-bit RGBA bomb is refused from its header; 16-bit within the budget is stripped to 8") {
  fg::Image img;
  fg::Status s = fg::image_load(files().png_bomb, 3, &img);
  REQUIRE_FALSE(s.is_ok());
  MESSAGE(s.message());
  CHECK(contains(s.message(), "refused before decoding"));
  // 2048x2048 16-bit RGB, every sample 0x1234: kept as the high byte, 0x12 (stb's rule).
  s = fg::image_load(png16(2048, 2048, PNG_COLOR_TYPE_RGB, 0x1234), 0, &img);
  REQUIRE_MESSAGE(s.is_ok(), s.message());
  CHECK(img.channels == 3);
  CHECK(img.width == 2048);
  CHECK(img.pixels.front() == 0x12);
  CHECK(img.pixels.back() == 0x12);
  // BMP and GIF are refused by name; the message lists only what is decoded.
  s = fg::image_load(write_file("x.bmp", "BM\x36\0\0\0\0\0\0\0"), 3, &img);
  REQUIRE_FALSE(s.is_ok());
  CHECK(contains(s.message(), "BMP is not decoded"));
  s = fg::image_load(write_file("x.bin", "hello world"), 3, &img);
  REQUIRE_FALSE(s.is_ok());
  CHECK(contains(s.message(), "JPEG, PNG, binary PGM/PPM"));
  CHECK_FALSE(contains(s.message(), "GIF"));
  CHECK_FALSE(contains(s.message(), "TGA"));
}

// Found by tests/fuzz/fuzz_image (scripts/fuzz.sh): an interlaced PNG header of
// 0x59085639 x 0x60001b00 made the raster budget w * 5 * h overflow int64 before the pixel
// count was checked (UBSan: signed overflow in image_decode_png.cc; the asan preset aborts
// here without the fix). And a caller's max_pixels above the byte budget must not let
// pixels * channels wrap around to a small number that passes.
TEST_CASE("fuzz finding: PNG and size-check arithmetic on 2^31-class headers refuses, never wraps") {
  const uint8_t crash[] = {0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 'I', 'H', 'D', 'R',
                           0x59, 0x08, 0x56, 0x39, 0x60, 0x00, 0x1b, 0x00, 0x08, 0x03, 0, 0, 0x44, 0, 0, 0xae, 0x42};
  fg::Image img;
  for (int want : {0, 1, 3, 4}) {
    const fg::Status s = fg::image_load_from_memory(crash, sizeof(crash), "crash.png", want, &img);
    REQUIRE_FALSE(s.is_ok());
    CHECK(contains(s.message(), "refused before decoding"));
  }
  const int64_t side = int64_t{1} << 31;
  fg::Status s = fg::image_check_size("big", "PNG", side, side, 4, 0, INT64_MAX);
  REQUIRE_FALSE(s.is_ok());
  CHECK(contains(s.message(), "above the limit of " + std::to_string(fg::kMaxImageDecodeBytes)));
  s = fg::image_check_size("ok", "PNG", 64, 64, 4, 0, INT64_MAX);
  CHECK_MESSAGE(s.is_ok(), s.message());
}

TEST_CASE("facegate detect: exit 3 on every bad file, peak RSS <= 256 MB on all of them") {
  const Files& f = files();
  for (const std::string& path : {f.pgm16_cut, f.pgm_short, f.dht, f.png_bomb}) {
    const ChildResult r = run_measured(detect_command(path));
    INFO(path << ": " << r.output);
    MESSAGE(path << ": exit " << r.exit_code << ", peak RSS " << r.max_rss_kb / 1024 << " MB");
    CHECK(r.exit_code == 3);
    CHECK(contains(r.output, path));
    CHECK(r.max_rss_kb <= kMaxRssKb);
  }
  // The valid 16-bit PGM decodes (no face in zeros): exit 0, and still under the budget.
  const ChildResult r = run_measured(detect_command(f.pgm16));
  INFO(r.output);
  MESSAGE("16-bit PGM 4096x4096: exit " << r.exit_code << ", peak RSS " << r.max_rss_kb / 1024 << " MB");
  CHECK(r.exit_code == 0);
  CHECK(contains(r.output, "0 faces"));
  CHECK(r.max_rss_kb <= kMaxRssKb);
}

TEST_CASE("facegate-door: a Y4M header bomb and a header with no frame exit 3 without allocating") {
  const Files& f = files();
  const std::string door = fg_test::tool_command("facegate-door") + " --models " + fg_test::model_dir();
  const std::string gallery = temp_dir() + "/g.fgg";
  const std::string key = temp_dir() + "/gallery.key";  // an authenticated gallery (format v2)
  REQUIRE(fg::gallery_keygen(key).is_ok());
  ::setenv("FG_GALLERY_KEY", key.c_str(), 1);
  const ChildResult enrol = run_measured(door + " --gallery " + gallery + " --enroll amy=" + fg_test::sample_face("amy", 1));
  INFO(enrol.output);
  REQUIRE(enrol.exit_code == 0);
  for (const std::string& path : {f.y4m_bomb, f.y4m_short}) {
    const ChildResult r = run_measured(door + " --gallery " + gallery + " --source " + path);
    INFO(r.output);
    MESSAGE(path << ": exit " << r.exit_code << ", peak RSS " << r.max_rss_kb / 1024 << " MB");
    CHECK(r.exit_code == 3);
    CHECK(contains(r.output, path));
    CHECK(r.max_rss_kb <= 64 * 1024);  // the refused frame buffer is never allocated
  }
}
