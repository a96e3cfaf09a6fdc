// YUV4MPEG2 reader (tools/door/frame_source_y4m.cc): header, then up to 4 frames.
#include <cstddef>
#include <cstdint>
#include <memory>

#include "tests/fuzz/fuzz_util.h"
#include "tools/door/frame_source.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = fg_fuzz::write_input(data, size, ".y4m");
  std::unique_ptr<fg::door::FrameSource> src;
  if (!fg::door::y4m_source_open(path, nullptr, &src).is_ok()) return 0;
  fg::Image frame;
  std::string label, error;
  for (int i = 0; i < 4; ++i)
    if (src->next(&frame, &label, &error) != fg::door::FrameResult::kFrame) break;
  return 0;
}
