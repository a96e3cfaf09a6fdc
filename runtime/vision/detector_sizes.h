// The tiny detector's input sizes the build makes a model for (models/CMakeLists.txt:
// detector160/224/320/608 and detector = 416, each in f32 and int8). The options that choose
// a size (facegate --input-size, facegate-door --input-size) accept exactly these, so every
// size they take opens (tests/test_cli_one_rule.cc runs each one in both precisions); another
// size is a usage error naming the list rather than a missing-file error at open time.
#pragma once

namespace fg {

inline constexpr int kBuiltDetectorSizes[] = {160, 224, 320, 416, 608};

inline bool detector_size_built(long size) {
  for (int s : kBuiltDetectorSizes)
    if (s == size) return true;
  return false;
}

// For messages: "160, 224, 320, 416, 608".
constexpr const char* kBuiltDetectorSizesText = "160, 224, 320, 416, 608";

}  // namespace fg
