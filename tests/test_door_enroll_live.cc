// facegate-door --enroll-live and facegate enroll --live end to end, on Y4M streams this test
// writes (a tiny 4:4:4 writer below; the door reads them with tools/door/frame_source_y4m.cc):
// amy turned aside (chip 1 of samples/faces: refused as "pose"), then chip 2 at six positions
// on a camera-sized canvas, is enrolled; a door run on her other photos (samples/frames/amy3-5)
// then grants. Streams of
// blurred frames and of two faces at once are rejected with the right counts and enrol
// nothing; a name already enrolled needs --add (exit 6).
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "runtime/gallery/gallery.h"
#include "runtime/gallery/gallery_key.h"
#include "runtime/vision/image.h"
#include "test_util.h"

using namespace fg_test;

namespace {

constexpr int kW = 320, kH = 320;

std::string door() { return exec_prefix() + " " + bin_dir() + "/facegate-door --models " + model_dir() + " "; }
// "facegate enroll --models DIR ": options follow the command.
std::string cli() { return exec_prefix() + " " + bin_dir() + "/facegate enroll --models " + model_dir() + " "; }

// `chip` (gray or RGB) pasted at (x, y) onto an RGB canvas of gray 128.
void paste(fg::Image* canvas, const fg::Image& chip, int x, int y) {
  for (int j = 0; j < chip.height; ++j)
    for (int i = 0; i < chip.width; ++i) {
      const uint8_t* s = chip.row(j) + i * chip.channels;
      uint8_t* d = canvas->row(y + j) + (x + i) * 3;
      for (int c = 0; c < 3; ++c) d[c] = s[chip.channels == 3 ? c : 0];
    }
}

fg::Image canvas(int w = kW, int h = kH) {
  fg::Image c = fg::image_make(w, h, 3);
  std::fill(c.pixels.begin(), c.pixels.end(), 128);
  return c;
}

fg::Image load(const std::string& path) {
  fg::Image img;
  REQUIRE(fg::image_load(path, 0, &img).is_ok());
  return img;
}

fg::Image box_blur(const fg::Image& in, int r) {
  fg::Image out = in;
  for (int y = 0; y < in.height; ++y)
    for (int x = 0; x < in.width; ++x)
      for (int c = 0; c < 3; ++c) {
        int sum = 0, n = 0;
        for (int dy = -r; dy <= r; ++dy)
          for (int dx = -r; dx <= r; ++dx) {
            const int yy = std::clamp(y + dy, 0, in.height - 1), xx = std::clamp(x + dx, 0, in.width - 1);
            sum += in.row(yy)[xx * 3 + c];
            ++n;
          }
        out.row(y)[x * 3 + c] = (uint8_t)(sum / n);
      }
  return out;
}

// YUV4MPEG2 4:4:4, BT.601 video range (what ffmpeg -pix_fmt yuv444p writes), 10 frames/s.
void write_y4m(const std::string& path, const std::vector<fg::Image>& frames) {
  std::ofstream out(path, std::ios::binary);
  REQUIRE(!frames.empty());
  out << "YUV4MPEG2 W" << frames[0].width << " H" << frames[0].height << " F10:1 Ip A1:1 C444\n";
  for (const fg::Image& f : frames) {
    REQUIRE(f.width == frames[0].width);
    const size_t n = (size_t)f.width * f.height;
    std::string y(n, 0), u(n, 0), v(n, 0);
    for (size_t i = 0; i < n; ++i) {
      const float r = f.pixels[3 * i], g = f.pixels[3 * i + 1], b = f.pixels[3 * i + 2];
      y[i] = (char)(uint8_t)(16 + (65.481f * r + 128.553f * g + 24.966f * b) / 255 + 0.5f);
      u[i] = (char)(uint8_t)(128 + (-37.797f * r - 74.203f * g + 112.0f * b) / 255 + 0.5f);
      v[i] = (char)(uint8_t)(128 + (112.0f * r - 93.786f * g - 18.214f * b) / 255 + 0.5f);
    }
    out << "FRAME\n" << y << u << v;
  }
}

// The stream of someone stepping up to the door: amy turned aside (chip 1, a three-quarter
// view the pose gate refuses), then facing the camera (chip 2) at six places of the frame.
std::vector<fg::Image> amy_frames() {
  std::vector<fg::Image> frames;
  fg::Image c = canvas();
  paste(&c, load(sample_face("amy", 1)), 85, 85);
  frames.push_back(c);
  const fg::Image chip = load(sample_face("amy", 2));
  const int at[][2] = {{85, 85}, {60, 100}, {110, 70}, {70, 70}, {100, 100}, {85, 60}};
  for (const auto& xy : at) {
    fg::Image f = canvas();
    paste(&f, chip, xy[0], xy[1]);
    frames.push_back(f);
  }
  return frames;
}

struct Fixture {
  std::string dir, gallery, key;
  Fixture() {
    char tmpl[] = "/tmp/fg_test_enroll_live_XXXXXX";
    REQUIRE(::mkdtemp(tmpl) != nullptr);
    dir = tmpl;
    REQUIRE(path_exists(bin_dir() + "/facegate-door"));
    gallery = dir + "/door.fgg";
    key = dir + "/gallery.key";
    REQUIRE(fg::gallery_keygen(key).is_ok());
    ::setenv("FG_GALLERY_KEY", key.c_str(), 1);
  }
  ~Fixture() { std::system(("rm -rf '" + dir + "'").c_str()); }
};

size_t live_records(const std::string& gallery, const std::string& key, const std::string& name) {
  fg::GalleryOpenOptions o;
  REQUIRE(fg::gallery_key_load(key, &o.key).is_ok());
  fg::GalleryPtr g;
  REQUIRE(fg::gallery_open(gallery, o, &g).is_ok());
  size_t n = 0;
  for (const fg::GalleryRecord& r : fg::gallery_list(*g)) n += r.name == name;
  return n;
}

}  // namespace

TEST_CASE("door --enroll-live: five good frames from a Y4M stream, then the door grants her other photos") {
  Fixture f;
  const std::string stream = f.dir + "/amy.y4m";
  write_y4m(stream, amy_frames());
  const CommandResult r = run_command(door() + "--gallery " + f.gallery + " --source " + stream + " --enroll-live amy 2>&1");
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
  CHECK(contains(r.out, "enroll amy: 1/5 frames (rejected: 1 pose)"));  // chip 1 looks aside
  CHECK(contains(r.out, "enroll amy: 5/5 frames"));
  CHECK(contains(r.out, "enrolled amy: 5 records"));
  CHECK(contains(r.out, "created gallery"));
  CHECK(live_records(f.gallery, f.key, "amy") == 5);

  // Her other photos (not in the stream) at the door: granted.
  const std::string fd = env_or("FG_SOURCE_DIR", ".") + "/samples/frames/";
  const std::string log = f.dir + "/door.jsonl";
  const CommandResult d = run_command(door() + "--gallery " + f.gallery + " --source " + fd + "amy3.png," + fd +
                                      "amy4.png," + fd + "amy5.png --log " + log +
                                      " --quiet --liveness off 2>&1");  // broadcast stills: the passive net says screen
  INFO(d.out);
  CHECK(d.exit_code == 0);
  std::ifstream in(log);
  std::string all((std::istreambuf_iterator<char>(in)), {});
  CHECK(contains(all, "\"decision\":\"grant\",\"name\":\"amy\""));

  // Again without --add: refused (exit 6) before any frame, nothing added; with --add: 5 more.
  const CommandResult again = run_command(door() + "--gallery " + f.gallery + " --source " + stream + " --enroll-live amy 2>&1");
  INFO(again.out);
  CHECK(again.exit_code == 6);
  CHECK(contains(again.out, "already enrolled"));
  CHECK(!contains(again.out, "enroll amy: 1/5"));
  CHECK(live_records(f.gallery, f.key, "amy") == 5);
  const CommandResult add =
      run_command(door() + "--gallery " + f.gallery + " --source " + stream + " --enroll-live amy --add --enroll-frames 3 2>&1");
  INFO(add.out);
  CHECK(add.exit_code == 0);
  CHECK(contains(add.out, "enroll amy: 3/3 frames"));
  CHECK(live_records(f.gallery, f.key, "amy") == 8);
}

TEST_CASE("door --enroll-live: blurred frames and two faces are rejected with counts; too few good frames enrol nothing") {
  Fixture f;
  const std::vector<fg::Image> good = amy_frames();
  std::vector<fg::Image> frames;
  frames.push_back(box_blur(good[1], 3));  // out of focus
  frames.push_back(box_blur(good[2], 3));
  // Two people at once: amy and penny side by side.
  fg::Image pair = canvas();
  paste(&pair, load(sample_face("amy", 2)), 10, 85);
  paste(&pair, load(sample_face("penny", 1)), 165, 85);
  frames.push_back(pair);
  frames.push_back(good[3]);  // one good frame
  const std::string stream = f.dir + "/mixed.y4m";
  write_y4m(stream, frames);
  const CommandResult r =
      run_command(door() + "--gallery " + f.gallery + " --source " + stream + " --enroll-live amy --enroll-frames 2 2>&1");
  INFO(r.out);
  CHECK(r.exit_code == 3);
  CHECK(contains(r.out, "enroll amy: 1/2 frames (rejected: 2 blurry, 1 faces)"));
  CHECK(contains(r.out, "nothing enrolled"));
  CHECK(!path_exists(f.gallery));  // not even created
}

TEST_CASE("facegate enroll --live: the same enrolment from the CLI, Y4M on stdin") {
  Fixture f;
  const std::string stream = f.dir + "/amy.y4m";
  write_y4m(stream, amy_frames());
  // --precision int8: the door's models, so that the door accepts the gallery.
  const std::string base = cli() + "--precision int8 --live - --frames 4 ";
  const CommandResult r = run_command(base + f.gallery + " amy <" + stream + " 2>&1");
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
  CHECK(contains(r.out, "enroll amy: 4/4 frames (rejected: 1 pose)"));
  CHECK(contains(r.out, "enrolled amy: 4 records"));
  CHECK(live_records(f.gallery, f.key, "amy") == 4);
  const CommandResult again = run_command(base + f.gallery + " amy <" + stream + " 2>&1");
  CHECK(again.exit_code == 6);
  const CommandResult quiet = run_command(base + "--add --quiet " + f.gallery + " amy <" + stream + " 2>&1");
  INFO(quiet.out);
  CHECK(quiet.exit_code == 0);
  CHECK(!contains(quiet.out, "enroll amy:"));
  CHECK(live_records(f.gallery, f.key, "amy") == 8);
  // Usage errors: no NAME, a bad frame count.
  CHECK(run_command(cli() + "--live - " + f.gallery + " </dev/null 2>&1").exit_code == 2);
  CHECK(run_command(cli() + "--live - --frames 0 " + f.gallery + " bob </dev/null 2>&1").exit_code == 2);
  // An empty stream: bad input, nothing enrolled.
  const CommandResult empty = run_command(cli() + "--precision int8 --live - " + f.gallery + " bob </dev/null 2>&1");
  INFO(empty.out);
  CHECK(empty.exit_code == 3);
  CHECK(live_records(f.gallery, f.key, "bob") == 0);
  // The door runs with the CLI-made gallery and grants amy.
  const std::string fd = env_or("FG_SOURCE_DIR", ".") + "/samples/frames/";
  const CommandResult d = run_command(door() + "--gallery " + f.gallery + " --source " + fd + "amy3.png," + fd + "amy4.png --liveness off 2>&1");
  INFO(d.out);
  CHECK(contains(d.out, "grant   amy"));
}
