// Pictures: runtime/vision/draw (primitives, the 5x7 font) and `--annotate OUT.jpg` on
// detect / identify / verify (tools/cli/annotate), through the real binary.
#include <sys/stat.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

#include "runtime/gallery/gallery_key.h"
#include "runtime/vision/draw.h"
#include "runtime/vision/face_pipeline.h"
#include "test_util.h"

using namespace fg;
using namespace fg_test;

namespace {

CommandResult run(const std::string& args) { return run_command(tool_command("facegate") + " " + args + " 2>&1"); }

std::string frame(const std::string& name) { return env_or("FG_SOURCE_DIR", ".") + "/samples/frames/" + name; }

std::string temp_dir() {
  char tmpl[] = "/tmp/fg_test_annotate_XXXXXX";
  REQUIRE(::mkdtemp(tmpl) != nullptr);
  return tmpl;
}

int count_colour(const Image& img, Rgb c) {
  int n = 0;
  for (size_t i = 0; i + 2 < img.pixels.size(); i += 3)
    n += img.pixels[i] == c.r && img.pixels[i + 1] == c.g && img.pixels[i + 2] == c.b;
  return n;
}

// Mean |a - b| over the pixels (x, y) where `take` is true; -1 when none.
template <typename F>
double mean_abs_diff(const Image& a, const Image& b, F take) {
  double sum = 0;
  long n = 0;
  for (int y = 0; y < a.height; ++y)
    for (int x = 0; x < a.width; ++x) {
      if (!take(x, y)) continue;
      for (int c = 0; c < 3; ++c) sum += std::abs(int(a.row(y)[3 * x + c]) - int(b.row(y)[3 * x + c]));
      ++n;
    }
  return n ? sum / (3.0 * n) : -1;
}

}  // namespace

TEST_CASE("draw: rectangles, lines and points land where asked, clipped at the edges") {
  Image img = image_make(40, 30, 3);
  const Rgb red = {255, 0, 0};
  draw_rect(&img, 5, 5, 10, 8, red, 1);
  CHECK(count_colour(img, red) == 2 * 10 + 2 * 6);  // outline only
  CHECK(img.row(5)[3 * 5] == 255);
  CHECK(img.row(9)[3 * 9] == 0);  // inside stays untouched
  img = image_make(40, 30, 3);
  draw_line(&img, 0, 0, 39, 29, red, 1);
  CHECK(img.row(0)[0] == 255);
  CHECK(img.row(29)[3 * 39] == 255);
  CHECK(count_colour(img, red) == 40);  // Bresenham: one pixel per step of the major axis
  // Far outside, negative, huge: nothing breaks, nothing outside is written.
  draw_line(&img, -2000000000, -5, 2000000000, 7, red, 3);
  draw_rect(&img, -100, -100, 2000000000, 2000000000, red, 2);
  draw_point(&img, 1000, 1000, red, 5);
  draw_text(&img, -50, 28, "CLIPPED 0123", red, 3);
  Image gray = image_make(8, 8, 1);
  draw_fill_rect(&gray, 0, 0, 8, 8, red);  // not RGB: left alone
  CHECK(count_colour(img, red) > 40);
  for (uint8_t v : gray.pixels) CHECK(v == 0);
}

TEST_CASE("draw: the 5x7 font draws each known glyph distinctly and unknown ones as a box") {
  CHECK(draw_text_width("", 1) == 0);
  CHECK(draw_text_width("AB", 1) == 11);  // 5 + 1 spacing + 5
  CHECK(draw_text_width("AB", 3) == 33);
  CHECK(draw_text_height(2) == 14);
  const Rgb white = {255, 255, 255};
  auto render = [&](const std::string& s) {
    Image img = image_make(6, 7, 3);
    draw_text(&img, 0, 0, s, white, 1);
    return img.pixels;
  };
  const std::string chars = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ.,:;-_=+/\\()[]<>%?!'\"#*@&|";
  for (size_t i = 0; i < chars.size(); ++i) {
    INFO("glyph " << chars[i]);
    const auto a = render(std::string(1, chars[i]));
    CHECK(count_colour(Image{6, 7, 3, a}, white) > 0);
    for (size_t j = 0; j < i; ++j) CHECK(render(std::string(1, chars[j])) != a);
  }
  CHECK(render("a") == render("A"));  // lower case drawn as upper case
  CHECK(count_colour(Image{6, 7, 3, render(" ")}, white) == 0);
  CHECK(count_colour(Image{6, 7, 3, render("~")}, white) == 20);  // the hollow 5x7 box
}

TEST_CASE("detect --annotate: same size, drawn on the box, untouched far outside it") {
  const std::string dir = temp_dir(), out = dir + "/det.jpg", in = frame("amy3.png");
  const CommandResult r = run("detect --annotate " + out + " " + in);
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
  Image src, ann;
  REQUIRE(image_load(in, 3, &src).is_ok());
  REQUIRE(image_load(out, 3, &ann).is_ok());  // decodes: a real JPEG
  CHECK(read_bytes(out).size() > 2);
  CHECK(read_bytes(out)[0] == 0xFF);
  CHECK(read_bytes(out)[1] == 0xD8);
  REQUIRE(ann.width == src.width);
  REQUIRE(ann.height == src.height);
  // The faces the command saw, from the library with detect's defaults.
  FacePipelineOptions opt;
  opt.embed = false;
  opt.backend = Backend::kNative;
  FacePipeline pipe;
  REQUIRE(face_pipeline_open(model_dir(), opt, &pipe).is_ok());
  std::vector<PipelineFace> faces;
  REQUIRE(face_pipeline_run(pipe, src, &faces).is_ok());
  REQUIRE(faces.size() == 1);
  const FaceBox b = faces[0].box;
  const int x0 = int(std::lround(b.x)), y0 = int(std::lround(b.y));
  const int x1 = x0 + int(std::lround(b.width)) - 1, y1 = y0 + int(std::lround(b.height)) - 1;
  auto on_outline = [&](int x, int y) {
    const bool in_x = x >= x0 && x <= x1, in_y = y >= y0 && y <= y1;
    return (in_x && (y == y0 || y == y1)) || (in_y && (x == x0 || x == x1));
  };
  const double outline = mean_abs_diff(src, ann, on_outline);
  const double inside = mean_abs_diff(src, ann, [&](int x, int y) { return x > x0 && x < x1 && y > y0 && y < y1; });
  // Far outside: 32 px clear of the box (the score label sits above it, < 20 px high) and
  // above the caption strip at the bottom.
  const double far = mean_abs_diff(src, ann, [&](int x, int y) {
    return (x < x0 - 32 || x > x1 + 32 || y < y0 - 32 || y > y1 + 32) && y < src.height - 32;
  });
  MESSAGE("mean |diff|: outline " << outline << ", inside " << inside << ", far outside " << far);
  CHECK(outline > 20);   // the green box (1 px wide: JPEG chroma subsampling halves its contrast)
  CHECK(inside > 2);     // the 68 landmark dots
  CHECK(far >= 0);
  CHECK(far < 2.5);      // JPEG q90 noise only
  ::unlink(out.c_str());
  ::rmdir(dir.c_str());
}

TEST_CASE("verify --annotate: the two photos side by side; identify --annotate: a picture with the name") {
  const std::string dir = temp_dir();
  const std::string a = frame("amy3.png"), b = frame("amy4.png"), out = dir + "/ver.jpg";
  CommandResult r = run("verify --annotate " + out + " " + a + " " + b);
  INFO(r.out);
  REQUIRE(r.exit_code == 0);  // same person
  Image ia, ib, ann;
  REQUIRE(image_load(a, 3, &ia).is_ok());
  REQUIRE(image_load(b, 3, &ib).is_ok());
  REQUIRE(image_load(out, 3, &ann).is_ok());
  CHECK(ann.width == ia.width + ib.width);
  CHECK(ann.height == std::max(ia.height, ib.height));

  const std::string key = dir + "/g.key", gallery = dir + "/g.fgg", id_out = dir + "/id.jpg";
  REQUIRE(gallery_keygen(key).is_ok());
  r = run("enroll --gallery-key " + key + " " + gallery + " amy " + frame("amy5.png"));
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
  r = run("identify --gallery-key " + key + " --annotate " + id_out + " " + gallery + " " + a);
  INFO(r.out);
  CHECK(r.exit_code == 0);
  REQUIRE(image_load(id_out, 3, &ann).is_ok());
  CHECK(ann.width == ia.width);
  CHECK(ann.height == ia.height);
  CHECK(mean_abs_diff(ia, ann, [](int, int) { return true; }) > 0.5);
  for (const std::string& f : {out, id_out, key, gallery, gallery + ".lock"}) ::unlink(f.c_str());
  ::rmdir(dir.c_str());
}

TEST_CASE("--annotate: an unwritable OUT is exit 3 with a message; two images is a usage error") {
  CommandResult r = run("detect --annotate /nonexistent-dir/x.jpg " + frame("amy3.png"));
  CHECK(r.exit_code == 3);
  CHECK(contains(r.out, "cannot write --annotate file /nonexistent-dir/x.jpg"));
  r = run("verify --annotate /nonexistent-dir/x.jpg " + frame("amy3.png") + " " + frame("amy4.png"));
  CHECK(r.exit_code == 3);
  CHECK(contains(r.out, "cannot write --annotate file"));
  r = run("detect --annotate /tmp/x.jpg " + frame("amy3.png") + " " + frame("amy4.png"));
  CHECK(r.exit_code == 2);
  CHECK(contains(r.out, "--annotate takes one image"));
  r = run("detect --annotate");
  CHECK(r.exit_code == 2);
  // eval identify draws SVG only: another extension is a usage error before any work.
  r = run("eval identify --plot det.png /nonexistent-lfw");
  CHECK(r.exit_code == 2);
  CHECK(contains(r.out, "--plot writes SVG"));
}
