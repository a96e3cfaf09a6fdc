// YUV4MPEG2 reader (what `ffmpeg ... -f yuv4mpegpipe -` writes).
//
// Stream: "YUV4MPEG2" then space-separated header params up to '\n' (W<width> H<height>
// C<colorspace> F.. I.. A.. X..), then per frame "FRAME[ params]\n" + the Y plane and the two
// chroma planes (sizes rounded up when subsampled). Untrusted: header and frame lines are
// bounded (kMaxLine), sizes bounded by kMaxFrameSide, and a short read is a truncated stream
// (reported, ends the run) rather than a partial frame.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

#include <sys/stat.h>

#include "tools/door/frame_source.h"
#include "tools/door/yuv_to_rgb.h"

namespace fg::door {
namespace {

constexpr size_t kMaxLine = 4096;

struct ColorSpace {
  const char* name;
  int shift_x, shift_y;
  bool mono;
};
// 420jpeg/420paldv/420mpeg2 differ only in chroma siting, which we ignore (nearest sample).
constexpr ColorSpace kColorSpaces[] = {
    {"420jpeg", 1, 1, false}, {"420paldv", 1, 1, false}, {"420mpeg2", 1, 1, false},
    {"420", 1, 1, false},     {"422", 1, 0, false},      {"444", 0, 0, false},
    {"mono", 0, 0, true},
};

class Y4mSource : public FrameSource {
 public:
  Y4mSource(FILE* f, bool owned, std::string name, const volatile std::sig_atomic_t* stop)
      : f_(f), owned_(owned), name_(std::move(name)), stop_(stop) {}
  ~Y4mSource() override {
    if (owned_ && f_) std::fclose(f_);
  }

  Status read_header() {
    std::string line;
    bool eof = false;
    if (!read_line(&line, &eof) || eof) return Status::error(name_ + ": not a Y4M stream (no header line)");
    if (line.compare(0, 10, "YUV4MPEG2 ") != 0 && line != "YUV4MPEG2")
      return Status::error(name_ + ": not a Y4M stream (missing YUV4MPEG2 magic)");
    std::string cs = "420jpeg";
    size_t pos = 9;
    while (pos < line.size()) {
      while (pos < line.size() && line[pos] == ' ') ++pos;
      size_t end = line.find(' ', pos);
      if (end == std::string::npos) end = line.size();
      const std::string tok = line.substr(pos, end - pos);
      pos = end;
      if (tok.empty()) continue;
      if (tok[0] == 'W' || tok[0] == 'H') {
        char* e = nullptr;
        const long v = std::strtol(tok.c_str() + 1, &e, 10);
        if (*e != '\0' || v <= 0 || v > kMaxFrameSide)
          return Status::error(name_ + ": bad frame size '" + tok + "' (1.." + std::to_string(kMaxFrameSide) + ")");
        (tok[0] == 'W' ? width_ : height_) = (int)v;
      } else if (tok[0] == 'C') {
        cs = tok.substr(1);
      } else if (tok[0] == 'F') {
        // F<num>:<den> frames per second; a bad or absurd rate leaves the period unset.
        long num = 0, den = 0;
        if (std::sscanf(tok.c_str() + 1, "%ld:%ld", &num, &den) == 2 && num > 0 && den > 0 && num <= 1000000 &&
            den <= 1000000)
          period_s_ = (double)den / (double)num;
      } else if (tok == "XCOLORRANGE=FULL") {
        full_range_ = true;
      }
    }
    if (width_ == 0 || height_ == 0) return Status::error(name_ + ": Y4M header lacks W or H");
    const ColorSpace* found = nullptr;
    for (const ColorSpace& c : kColorSpaces)
      if (cs == c.name) found = &c;
    if (!found) return Status::error(name_ + ": unsupported Y4M colorspace C" + cs + " (420*, 422, 444, mono)");
    planes_.chroma_shift_x = found->shift_x;
    planes_.chroma_shift_y = found->shift_y;
    mono_ = found->mono;
    cs_ = cs;
    const size_t luma = (size_t)width_ * height_;
    const size_t chroma = mono_ ? 0
                                : (size_t)((width_ + (1 << found->shift_x) - 1) >> found->shift_x) *
                                      ((height_ + (1 << found->shift_y) - 1) >> found->shift_y);
    frame_bytes_ = luma + 2 * chroma;
    FG_RETURN_IF_ERROR(check_frame_size());
    buf_.resize(frame_bytes_);
    planes_.y = buf_.data();
    planes_.u = mono_ ? nullptr : buf_.data() + luma;
    planes_.v = mono_ ? nullptr : buf_.data() + luma + chroma;
    return Status::ok();
  }

  FrameResult next(Image* frame, std::string* label, std::string* error) override {
    if (done_) return FrameResult::kEnd;
    std::string line;
    bool eof = false;
    if (!read_line(&line, &eof)) return finish(error, "truncated frame header");
    if (eof) return finish(error, "");  // clean end between frames
    if (line.compare(0, 5, "FRAME") != 0 || (line.size() > 5 && line[5] != ' '))
      return finish(error, "bad frame marker (expected FRAME)");  // stream lost sync: stop
    const size_t got = read_bytes(buf_.data(), frame_bytes_);
    ++frames_;
    *label = "frame " + std::to_string(frames_);
    if (got != frame_bytes_)
      return finish(error, "truncated frame " + std::to_string(frames_) + " (" + std::to_string(got) + " of " +
                               std::to_string(frame_bytes_) + " bytes)");
    if (frame->width != width_ || frame->height != height_ || frame->channels != 3) *frame = image_make(width_, height_, 3);
    yuv_planar_to_rgb(planes_, width_, height_, full_range_, frame);
    return FrameResult::kFrame;
  }

  double frame_period_s() const override { return period_s_; }

  std::string describe() const override {
    return "y4m " + name_ + " " + std::to_string(width_) + "x" + std::to_string(height_) + " C" + cs_ +
           (full_range_ ? " full-range" : "");
  }

 private:
  bool stopping() const { return stop_ && *stop_; }

  // The same budget as image decoding (runtime/vision/image.h), checked before allocating: the
  // planar frame buffer plus the RGB frame it becomes. A regular file must also hold at
  // least one whole frame after its header, so a 40-byte header cannot buy a big buffer.
  Status check_frame_size() const {
    const int64_t need = (int64_t)frame_bytes_ + (int64_t)width_ * height_ * 3;
    if (need > kMaxImageDecodeBytes)
      return Status::error(name_ + ": Y4M frames of " + std::to_string(width_) + "x" + std::to_string(height_) + " C" +
                           cs_ + " need " + std::to_string(need >> 20) + " MiB of buffers, above the limit of " +
                           std::to_string(kMaxImageDecodeBytes >> 20) + " MiB");
    struct stat st;
    const long here = std::ftell(f_);
    if (::fstat(::fileno(f_), &st) == 0 && S_ISREG(st.st_mode) && here >= 0) {
      const int64_t left = (int64_t)st.st_size - here;
      if (left < (int64_t)frame_bytes_ + 6)  // "FRAME\n" + the planes
        return Status::error(name_ + ": Y4M header promises " + std::to_string(width_) + "x" + std::to_string(height_) +
                             " frames of " + std::to_string(frame_bytes_) + " bytes but the file holds " +
                             std::to_string(left < 0 ? 0 : left) + " bytes after it (truncated)");
    }
    return Status::ok();
  }

  FrameResult finish(std::string* error, const std::string& why) {
    done_ = true;
    if (!why.empty() && !stopping()) *error = name_ + ": " + why;
    return FrameResult::kEnd;
  }

  // One '\n'-terminated line (without it). eof: clean end before any byte. false: a partial
  // or over-long line, a read error, or a stop request.
  bool read_line(std::string* line, bool* eof) {
    line->clear();
    *eof = false;
    for (;;) {
      const int c = std::fgetc(f_);
      if (c == EOF) {
        if (std::ferror(f_) && errno == EINTR && !stopping()) {
          std::clearerr(f_);
          continue;
        }
        *eof = line->empty() && !std::ferror(f_);
        return *eof;
      }
      if (c == '\n') return true;
      if (line->size() >= kMaxLine) return false;
      line->push_back((char)c);
    }
  }

  size_t read_bytes(uint8_t* dst, size_t n) {
    size_t got = 0;
    while (got < n) {
      const size_t r = std::fread(dst + got, 1, n - got, f_);
      got += r;
      if (r == 0) {
        if (std::ferror(f_) && errno == EINTR && !stopping()) {
          std::clearerr(f_);
          continue;
        }
        break;
      }
    }
    return got;
  }

  FILE* f_;
  bool owned_;
  std::string name_;
  const volatile std::sig_atomic_t* stop_;
  int width_ = 0, height_ = 0;
  bool mono_ = false, full_range_ = false, done_ = false;
  std::string cs_;
  size_t frame_bytes_ = 0;
  long frames_ = 0;
  double period_s_ = 0;
  std::vector<uint8_t> buf_;
  YuvPlanes planes_;
};

}  // namespace

Status y4m_source_open(const std::string& path, const volatile std::sig_atomic_t* stop,
                       std::unique_ptr<FrameSource>* out) {
  FILE* f = path == "-" ? stdin : std::fopen(path.c_str(), "rb");
  if (!f) return Status::error(path + ": cannot open (" + std::strerror(errno) + ")");
  auto src = std::make_unique<Y4mSource>(f, path != "-", path == "-" ? "stdin" : path, stop);
  FG_RETURN_IF_ERROR(src->read_header());
  *out = std::move(src);
  return Status::ok();
}

}  // namespace fg::door
