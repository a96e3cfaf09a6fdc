// Image helpers shared by the pipeline tests.
#pragma once
#include <algorithm>

#include "runtime/vision/image.h"

namespace fg_test {

// The left-right mirror image: pixel (x, y) goes to (width - 1 - x, y).
inline fg::Image mirrored(const fg::Image& in) {
  fg::Image out = in;
  for (int y = 0; y < in.height; ++y)
    for (int x = 0; x < in.width; ++x)
      std::copy(in.row(y) + x * in.channels, in.row(y) + (x + 1) * in.channels,
                out.row(y) + (in.width - 1 - x) * in.channels);
  return out;
}

}  // namespace fg_test
