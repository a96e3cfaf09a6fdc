// V4L2 capture (/dev/videoN) through the kernel API: mmap streaming, YUYV preferred (no
// decode cost), MJPEG otherwise (decoded by libjpeg-turbo through image_load_from_memory,
// which supplies the standard Huffman tables that some webcams' MJPEG omits; a frame it
// cannot decode comes out as kBadFrame). Size: FG_V4L2_SIZE=WxH (default 640x480, the driver
// may adjust it). select() with a 200 ms timeout so a stop request is seen within 0.2 s.
#include <fcntl.h>
#include <linux/videodev2.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/select.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "tools/door/frame_source.h"
#include "tools/door/yuv_to_rgb.h"

namespace fg::door {
namespace {

constexpr int kBuffers = 4;

int xioctl(int fd, unsigned long req, void* arg) {
  int r;
  do r = ::ioctl(fd, req, arg);
  while (r == -1 && errno == EINTR);
  return r;
}

std::string errno_text() { return std::strerror(errno); }

class V4l2Source : public FrameSource {
 public:
  V4l2Source(std::string dev, const volatile std::sig_atomic_t* stop) : dev_(std::move(dev)), stop_(stop) {}
  ~V4l2Source() override {
    if (fd_ < 0) return;
    if (streaming_) {
      v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
      xioctl(fd_, VIDIOC_STREAMOFF, &type);
    }
    for (int i = 0; i < mapped_; ++i) ::munmap(maps_[i].start, maps_[i].length);
    ::close(fd_);
  }

  Status open() {
    fd_ = ::open(dev_.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd_ < 0) return Status::error(dev_ + ": cannot open (" + errno_text() + ")");
    v4l2_capability cap{};
    if (xioctl(fd_, VIDIOC_QUERYCAP, &cap) < 0) return Status::error(dev_ + ": not a V4L2 device (" + errno_text() + ")");
    const uint32_t caps = (cap.capabilities & V4L2_CAP_DEVICE_CAPS) ? cap.device_caps : cap.capabilities;
    if (!(caps & V4L2_CAP_VIDEO_CAPTURE)) return Status::error(dev_ + ": not a video capture device");
    if (!(caps & V4L2_CAP_STREAMING)) return Status::error(dev_ + ": does not support streaming I/O");
    int w = 640, h = 480;
    if (const char* size = std::getenv("FG_V4L2_SIZE")) std::sscanf(size, "%dx%d", &w, &h);
    v4l2_format fmt{};
    bool ok = false;
    for (uint32_t pix : {V4L2_PIX_FMT_YUYV, V4L2_PIX_FMT_MJPEG}) {
      fmt = v4l2_format{};
      fmt.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
      fmt.fmt.pix.width = (uint32_t)w;
      fmt.fmt.pix.height = (uint32_t)h;
      fmt.fmt.pix.pixelformat = pix;
      fmt.fmt.pix.field = V4L2_FIELD_ANY;
      if (xioctl(fd_, VIDIOC_S_FMT, &fmt) == 0 && fmt.fmt.pix.pixelformat == pix) {
        ok = true;
        break;
      }
    }
    if (!ok) return Status::error(dev_ + ": offers neither YUYV nor MJPEG");
    format_ = fmt.fmt.pix.pixelformat;
    width_ = (int)fmt.fmt.pix.width;
    height_ = (int)fmt.fmt.pix.height;
    stride_ = (int)fmt.fmt.pix.bytesperline;
    if (width_ <= 0 || height_ <= 0 || width_ > kMaxFrameSide || height_ > kMaxFrameSide || (width_ & 1))
      return Status::error(dev_ + ": unusable frame size " + std::to_string(width_) + "x" + std::to_string(height_));
    if (format_ == V4L2_PIX_FMT_YUYV && stride_ < 2 * width_) stride_ = 2 * width_;
    v4l2_requestbuffers req{};
    req.count = kBuffers;
    req.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    req.memory = V4L2_MEMORY_MMAP;
    if (xioctl(fd_, VIDIOC_REQBUFS, &req) < 0 || req.count < 2)
      return Status::error(dev_ + ": cannot get capture buffers (" + errno_text() + ")");
    for (uint32_t i = 0; i < req.count && i < (uint32_t)kBuffers; ++i) {
      v4l2_buffer b{};
      b.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
      b.memory = V4L2_MEMORY_MMAP;
      b.index = i;
      if (xioctl(fd_, VIDIOC_QUERYBUF, &b) < 0) return Status::error(dev_ + ": QUERYBUF failed (" + errno_text() + ")");
      void* p = ::mmap(nullptr, b.length, PROT_READ | PROT_WRITE, MAP_SHARED, fd_, b.m.offset);
      if (p == MAP_FAILED) return Status::error(dev_ + ": mmap failed (" + errno_text() + ")");
      maps_[mapped_++] = {p, b.length};
      if (xioctl(fd_, VIDIOC_QBUF, &b) < 0) return Status::error(dev_ + ": QBUF failed (" + errno_text() + ")");
    }
    v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    if (xioctl(fd_, VIDIOC_STREAMON, &type) < 0) return Status::error(dev_ + ": STREAMON failed (" + errno_text() + ")");
    streaming_ = true;
    return Status::ok();
  }

  double frame_period_s() const override { return -1; }  // live: the monotonic clock

  FrameResult next(Image* frame, std::string* label, std::string* error) override {
    v4l2_buffer b{};
    for (;;) {
      if (stop_ && *stop_) return FrameResult::kEnd;
      fd_set fds;
      FD_ZERO(&fds);
      FD_SET(fd_, &fds);
      timeval tv{0, 200000};
      const int r = ::select(fd_ + 1, &fds, nullptr, nullptr, &tv);
      if (r < 0 && errno != EINTR) return fail(error, "select failed (" + errno_text() + ")");
      if (r <= 0) continue;
      b = v4l2_buffer{};
      b.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
      b.memory = V4L2_MEMORY_MMAP;
      if (::ioctl(fd_, VIDIOC_DQBUF, &b) == 0) break;
      if (errno == EAGAIN || errno == EINTR) continue;
      return fail(error, "DQBUF failed (" + errno_text() + ")");  // device unplugged
    }
    ++frames_;
    *label = "frame " + std::to_string(frames_);
    FrameResult result = FrameResult::kFrame;
    const bool in_range = b.index < (uint32_t)mapped_ && b.bytesused <= maps_[b.index].length;
    const uint8_t* data = in_range ? static_cast<const uint8_t*>(maps_[b.index].start) : nullptr;
    if (!in_range || (b.flags & V4L2_BUF_FLAG_ERROR)) {
      *error = dev_ + ": damaged frame " + std::to_string(frames_);
      result = FrameResult::kBadFrame;
    } else if (format_ == V4L2_PIX_FMT_YUYV) {
      if (b.bytesused < (size_t)stride_ * height_) {
        *error = dev_ + ": short YUYV frame " + std::to_string(frames_);
        result = FrameResult::kBadFrame;
      } else {
        if (frame->width != width_ || frame->height != height_ || frame->channels != 3)
          *frame = image_make(width_, height_, 3);
        yuyv_to_rgb(data, width_, height_, stride_, /*full_range=*/false, frame);
      }
    } else {
      Status s = image_load_from_memory(data, b.bytesused, dev_ + " frame " + std::to_string(frames_), 3, frame);
      if (!s) {
        *error = s.message();
        result = FrameResult::kBadFrame;
      }
    }
    if (in_range && xioctl(fd_, VIDIOC_QBUF, &b) < 0) return fail(error, "QBUF failed (" + errno_text() + ")");
    return result;
  }

  std::string describe() const override {
    return "v4l2 " + dev_ + " " + std::to_string(width_) + "x" + std::to_string(height_) +
           (format_ == V4L2_PIX_FMT_YUYV ? " YUYV" : " MJPEG");
  }

 private:
  FrameResult fail(std::string* error, const std::string& why) {
    *error = dev_ + ": " + why;
    return FrameResult::kEnd;
  }

  struct Map {
    void* start;
    size_t length;
  };
  std::string dev_;
  const volatile std::sig_atomic_t* stop_;
  int fd_ = -1, width_ = 0, height_ = 0, stride_ = 0, mapped_ = 0;
  uint32_t format_ = 0;
  bool streaming_ = false;
  long frames_ = 0;
  Map maps_[kBuffers] = {};
};

}  // namespace

Status v4l2_source_open(const std::string& device, const volatile std::sig_atomic_t* stop,
                        std::unique_ptr<FrameSource>* out) {
  auto src = std::make_unique<V4l2Source>(device, stop);
  FG_RETURN_IF_ERROR(src->open());
  *out = std::move(src);
  return Status::ok();
}

}  // namespace fg::door
