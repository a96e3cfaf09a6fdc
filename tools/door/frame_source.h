// Frame sources for facegate-door: where camera frames come from.
//
//   SPEC                      source
//   DIR                       every image file in DIR (png/jpg/jpeg/pgm/ppm), sorted by name
//   @LIST                     the image paths listed in file LIST, one per line (# comments)
//   IMG[,IMG...]              these image files, in order
//   FILE.y4m | -              a YUV4MPEG2 stream from a file or stdin (420*, 422, 444, mono)
//   /dev/videoN               a V4L2 capture device (YUYV or MJPEG, mmap streaming)
//
// Contract: frame_source_next() returns one RGB frame (channels == 3) or says why not:
//   kFrame      `frame` holds the next frame (its buffer is reused between calls)
//   kBadFrame   this frame is damaged (message in *error); the stream continues
//   kEnd        end of the stream (for a truncated stream *error says so; nothing follows)
// A damaged file or stream never crashes the process; sizes are bounded before allocating.
// The label names the frame in logs (file name, or "frame N" of a stream).
#pragma once
#include <csignal>
#include <memory>
#include <string>

#include "runtime/vision/image.h"
#include "runtime/base/status.h"

namespace fg::door {

enum class FrameResult { kFrame, kBadFrame, kEnd };

// Largest frame a stream may declare (8K UHD): refuses absurd Y4M/V4L2 sizes up front.
constexpr int kMaxFrameSide = 8192;

struct FrameSource {
  virtual ~FrameSource() = default;
  // Returns kEnd also when *stop becomes true while waiting (signal during a blocking read).
  virtual FrameResult next(Image* frame, std::string* label, std::string* error) = 0;
  // Replays a finite source from its beginning (image lists); false if not possible.
  virtual bool rewind() { return false; }
  virtual std::string describe() const = 0;
  // Seconds between frames, the visit clock (door_visit.h): > 0 a declared rate (Y4M F),
  // 0 none (image lists: --frame-interval), < 0 live (the monotonic clock).
  virtual double frame_period_s() const { return 0; }
};

// `stop` is polled while a source blocks (V4L2 select, stdin read); may be null.
Status frame_source_open(const std::string& spec, const volatile std::sig_atomic_t* stop,
                         std::unique_ptr<FrameSource>* out);

// Implementations (one file each).
Status image_list_source_open(const std::string& spec, std::unique_ptr<FrameSource>* out);
Status y4m_source_open(const std::string& path, const volatile std::sig_atomic_t* stop,
                       std::unique_ptr<FrameSource>* out);
Status v4l2_source_open(const std::string& device, const volatile std::sig_atomic_t* stop,
                        std::unique_ptr<FrameSource>* out);

}  // namespace fg::door
