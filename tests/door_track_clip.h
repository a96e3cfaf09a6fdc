// Deterministic "moving" door clips for the tracker (tests/test_door_track.cc, and the
// benchmark bench/door_track_cost.sh through bench/track_clip.cc): the bundled stills are
// 320x320 and each a different frame, so a sequence that actually moves is made here: a
// 640x480 canvas (samples/frames/wall.png scaled 2x, cropped) with one 320x320 sample frame
// pasted at a position that changes by a few pixels per frame. Written as Y4M 4:4:4
// (BT.601 video range, what the door's Y4M reader expects), header-only so both users share it.
#pragma once
#include <algorithm>
#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include "runtime/vision/image.h"

namespace fg_test {

struct ClipFrame {
  std::string png;  // the 320x320 frame pasted in; empty: the wall only (nobody there)
  int x = 0, y = 0; // its top-left corner on the canvas
};

// `count` frames of `png` starting at (x0, y0), moving (dx, dy) pixels per frame.
inline std::vector<ClipFrame> clip_slide(const std::string& png, int count, int x0, int y0, int dx, int dy) {
  std::vector<ClipFrame> v;
  for (int i = 0; i < count; ++i) v.push_back({png, x0 + dx * i, y0 + dy * i});
  return v;
}

// False when an image cannot be read. The canvas is 640x480.
inline bool write_clip_y4m(const std::string& path, const std::string& wall_png, const std::vector<ClipFrame>& frames,
                           int fps = 10) {
  constexpr int W = 640, H = 480;
  fg::Image wall;
  if (!fg::image_load(wall_png, 3, &wall)) return false;
  std::ofstream out(path, std::ios::binary);
  out << "YUV4MPEG2 W" << W << " H" << H << " F" << fps << ":1 Ip A1:1 C444 XYSCSS=444\n";
  std::vector<uint8_t> rgb((size_t)W * H * 3), planes((size_t)W * H * 3);
  std::string last;
  fg::Image face;
  for (const ClipFrame& f : frames) {
    for (int y = 0; y < H; ++y)
      for (int x = 0; x < W; ++x) {
        const int sx = std::min(x / 2, wall.width - 1), sy = std::min(y / 2, wall.height - 1);
        for (int c = 0; c < 3; ++c) rgb[((size_t)y * W + x) * 3 + c] = wall.pixels[((size_t)sy * wall.width + sx) * 3 + c];
      }
    if (!f.png.empty()) {
      if (f.png != last && !fg::image_load(f.png, 3, &face)) return false;
      last = f.png;
      for (int y = 0; y < face.height; ++y)
        for (int x = 0; x < face.width; ++x) {
          const int cx = f.x + x, cy = f.y + y;
          if (cx < 0 || cy < 0 || cx >= W || cy >= H) continue;
          for (int c = 0; c < 3; ++c)
            rgb[((size_t)cy * W + cx) * 3 + c] = face.pixels[((size_t)y * face.width + x) * 3 + c];
        }
    }
    for (int i = 0; i < W * H; ++i) {
      const float r = rgb[3 * i], g = rgb[3 * i + 1], b = rgb[3 * i + 2];
      planes[i] = (uint8_t)(16 + (65.481f * r + 128.553f * g + 24.966f * b) / 255 + 0.5f);
      planes[W * H + i] = (uint8_t)(128 + (-37.797f * r - 74.203f * g + 112.0f * b) / 255 + 0.5f);
      planes[2 * W * H + i] = (uint8_t)(128 + (112.0f * r - 93.786f * g - 18.214f * b) / 255 + 0.5f);
    }
    out << "FRAME\n";
    out.write((const char*)planes.data(), (std::streamsize)planes.size());
  }
  return (bool)out;
}

}  // namespace fg_test
