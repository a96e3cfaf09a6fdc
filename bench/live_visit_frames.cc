// Writes a "live visit" frame list for bench/door_liveness_cost.sh: K frames of MiniVision's
// live sample capture (tests/data/liveness/image_T1.jpg, Apache-2.0) shifted by -1..1 px and
// with +-3 grey levels of seeded noise per frame, as tests/test_door_liveness.cc makes its live
// sequence (no two frames identical, so the repeat check passes; a shift is no tilt, so the
// planarity check passes), then samples/frames/wall.png so that the next pass of --bench is a
// new visit. It stands in for camera frames of a person at the door (no redistributable live
// video exists here): the nets score it live and the visit is granted, after which liveness
// stops running for the rest of the visit, as it would for a person walking up.
//   live_visit_frames OUT_DIR [K=10]   -> OUT_DIR/live*.png and OUT_DIR/list.txt
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "runtime/vision/image.h"

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3) {
    std::fprintf(stderr, "usage: live_visit_frames OUT_DIR [K=10 (1..100)]\n");
    return 2;
  }
  const std::string out = argv[1];
  const int k = argc > 2 ? std::atoi(argv[2]) : 10;
  if (k < 1 || k > 100) {
    std::fprintf(stderr, "live_visit_frames: K must be 1..100\n");
    return 2;
  }
  const std::string src = FG_SOURCE_DIR;
  fg::Image t1;
  const fg::Status s = fg::image_load(src + "/tests/data/liveness/image_T1.jpg", 3, &t1);
  if (!s) {
    std::fprintf(stderr, "live_visit_frames: %s\n", s.message().c_str());
    return 3;
  }
  std::ofstream list(out + "/list.txt");
  unsigned seed = 17;
  for (int i = 0; i < k; ++i) {
    const int dx = i % 3 - 1, dy = (i / 3) % 3 - 1;
    fg::Image f = fg::image_make(t1.width, t1.height, 3);
    for (int y = 0; y < f.height; ++y)
      for (int x = 0; x < f.width; ++x)
        for (int c = 0; c < 3; ++c) {
          const int sx = std::clamp(x - dx, 0, t1.width - 1), sy = std::clamp(y - dy, 0, t1.height - 1);
          seed = seed * 1103515245u + 12345u;
          const int n = (int)((seed >> 16) % 7) - 3;
          f.row(y)[3 * x + c] = (uint8_t)std::clamp(t1.row(sy)[3 * sx + c] + n, 0, 255);
        }
    const std::string name = "live" + std::to_string(i) + ".png";
    const fg::Status w = fg::image_write_png(out + "/" + name, f);
    if (!w) {
      std::fprintf(stderr, "live_visit_frames: %s\n", w.message().c_str());
      return 3;
    }
    list << name << "\n";
  }
  list << src << "/samples/frames/wall.png\n";
  return list ? 0 : 3;
}
