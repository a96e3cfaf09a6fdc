// fg_track_clip: writes the moving 640x480 door clip of tests/door_track_clip.h as a Y4M file,
// for bench/door_track_cost.sh (the benchmark and tests/test_door_track.cc see the same kind
// of clip). "pingpong" appends the way back, so a clip played in a loop (--bench) never jumps:
// every frame of the benchmark is one the tracker could follow.
//   fg_track_clip OUT.y4m WALL.png FRAME.png COUNT X0 Y0 DX DY [pingpong]
// Exit 2: usage; 3: an image cannot be read or the file cannot be written.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "door_track_clip.h"

int main(int argc, char** argv) {
  if (argc != 9 && !(argc == 10 && std::string(argv[9]) == "pingpong")) {
    std::fprintf(stderr, "usage: fg_track_clip OUT.y4m WALL.png FRAME.png COUNT X0 Y0 DX DY [pingpong]\n");
    return 2;
  }
  int v[5];
  for (int i = 0; i < 5; ++i) {
    char* end = nullptr;
    const long x = std::strtol(argv[4 + i], &end, 10);
    if (*argv[4 + i] == '\0' || *end != '\0' || x < -10000 || x > 10000 || (i == 0 && x < 1)) {
      std::fprintf(stderr, "fg_track_clip: bad number '%s' (COUNT >= 1, offsets within +-10000)\n", argv[4 + i]);
      return 2;
    }
    v[i] = (int)x;
  }
  std::vector<fg_test::ClipFrame> clip = fg_test::clip_slide(argv[3], v[0], v[1], v[2], v[3], v[4]);
  if (argc == 10)
    for (int i = v[0] - 2; i >= 1; --i) clip.push_back(clip[(size_t)i]);  // back, without repeating the ends
  if (!fg_test::write_clip_y4m(argv[1], argv[2], clip)) {
    std::fprintf(stderr, "fg_track_clip: cannot read %s or %s, or write %s\n", argv[2], argv[3], argv[1]);
    return 3;
  }
  std::printf("%s: %zu frames 640x480\n", argv[1], clip.size());
  return 0;
}
