// Image I/O: picks the decoder from the magic bytes (runtime/image_decode_*.cc) and writes
// PNG with stb_image_write (our own pixels only: no untrusted input reaches it).
#include "runtime/vision/image.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "runtime/vision/image_decode.h"

// Warnings from third-party code are not ours to fix.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#pragma GCC diagnostic ignored "-Wimplicit-fallthrough"
#define STB_IMAGE_WRITE_STATIC
#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb_image_write.h>
#pragma GCC diagnostic pop

namespace fg {
namespace {

constexpr const char* kSupportedFormats = "JPEG, PNG, binary PGM/PPM";

Status read_file(const std::string& path, std::vector<uint8_t>* bytes) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return Status::error(path + ": cannot open (" + std::strerror(errno) + ")");
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> closer(f, &std::fclose);
  if (std::fseek(f, 0, SEEK_END) != 0) return Status::error(path + ": not a seekable file");
  long size = std::ftell(f);
  if (size < 0) return Status::error(path + ": cannot determine file size");
  // Also stops us reading a device node forever.
  if (size > kMaxImageFileBytes)
    return Status::error(path + ": file is " + std::to_string(size) + " bytes, above the " +
                         std::to_string(kMaxImageFileBytes >> 20) + " MiB limit for images");
  if (size == 0) return Status::error(path + ": empty file");
  std::fseek(f, 0, SEEK_SET);
  bytes->resize((size_t)size);
  if (std::fread(bytes->data(), 1, (size_t)size, f) != (size_t)size)
    return Status::error(path + ": read error");
  return Status::ok();
}

// The format comes from the magic bytes only (never the file name).
enum class Format { kJpeg, kPng, kPnm, kOtherPnm, kBmp, kGif, kUnknown };
Format sniff_format(const uint8_t* d, size_t n) {
  if (n >= 2 && d[0] == 0xFF && d[1] == 0xD8) return Format::kJpeg;
  if (n >= 4 && d[0] == 0x89 && d[1] == 'P' && d[2] == 'N' && d[3] == 'G') return Format::kPng;
  if (n >= 2 && d[0] == 'P' && (d[1] == '5' || d[1] == '6')) return Format::kPnm;
  if (n >= 2 && d[0] == 'P' && d[1] >= '1' && d[1] <= '7') return Format::kOtherPnm;
  if (n >= 2 && d[0] == 'B' && d[1] == 'M') return Format::kBmp;
  if (n >= 3 && d[0] == 'G' && d[1] == 'I' && d[2] == 'F') return Format::kGif;
  return Format::kUnknown;
}

}  // namespace

Status image_load_from_memory(const uint8_t* data, size_t size, const std::string& what,
                              int want_channels, Image* out, int64_t max_pixels) {
  if (want_channels < 0 || want_channels > 4 || want_channels == 2)
    return Status::error(what + ": want_channels must be 0, 1, 3 or 4");
  if (size == 0 || data == nullptr) return Status::error(what + ": empty image data");
  if (size > (size_t)kMaxImageFileBytes)
    return Status::error(what + ": image data larger than " +
                         std::to_string(kMaxImageFileBytes >> 20) + " MiB");
  switch (sniff_format(data, size)) {
    case Format::kJpeg: return image_decode_jpeg(data, size, what, want_channels, max_pixels, out);
    case Format::kPng: return image_decode_png(data, size, what, want_channels, max_pixels, out);
    case Format::kPnm: return image_decode_pnm(data, size, what, want_channels, max_pixels, out);
    case Format::kOtherPnm:
      return Status::error(what + ": only binary PGM (P5) and PPM (P6) are decoded, not P" +
                           std::string(1, (char)data[1]));
    case Format::kBmp:
      return Status::error(what + ": BMP is not decoded (convert it to PNG); supported: " +
                           kSupportedFormats);
    case Format::kGif:
      return Status::error(what + ": GIF is not decoded; supported: " + kSupportedFormats);
    case Format::kUnknown: break;
  }
  return Status::error(what + ": not a supported image (" + kSupportedFormats + ")");
}

Status image_load(const std::string& path, int want_channels, Image* out, int64_t max_pixels) {
  std::vector<uint8_t> bytes;
  FG_RETURN_IF_ERROR(read_file(path, &bytes));
  return image_load_from_memory(bytes.data(), bytes.size(), path, want_channels, out,
                                max_pixels);
}

namespace {
void append_bytes(void* context, void* data, int size) {
  auto* v = static_cast<std::vector<uint8_t>*>(context);
  v->insert(v->end(), (const uint8_t*)data, (const uint8_t*)data + size);
}
}  // namespace

Status image_write_png(const std::string& path, const Image& img) {
  if (img.empty() || img.channels > 4)
    return Status::error(path + ": cannot write an empty image or one with >4 channels");
  if (img.pixels.size() != (size_t)img.width * img.height * img.channels)
    return Status::error(path + ": pixel buffer size does not match width*height*channels");
  std::vector<uint8_t> png;
  if (!stbi_write_png_to_func(&append_bytes, &png, img.width, img.height, img.channels,
                              img.pixels.data(), img.width * img.channels))
    return Status::error(path + ": PNG encoding failed");
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return Status::error(path + ": cannot create (" + std::strerror(errno) + ")");
  size_t written = std::fwrite(png.data(), 1, png.size(), f);
  int close_rc = std::fclose(f);
  if (written != png.size() || close_rc != 0)
    return Status::error(path + ": write failed (disk full?)");
  return Status::ok();
}

Image image_make(int width, int height, int channels) {
  Image img;
  img.width = width;
  img.height = height;
  img.channels = channels;
  img.pixels.assign((size_t)width * height * channels, 0);
  return img;
}

Status image_convert_channels(const Image& in, int want_channels, Image* out) {
  if (in.empty()) return Status::error("image_convert_channels: empty image");
  if (want_channels != 1 && want_channels != 3)
    return Status::error("image_convert_channels: want_channels must be 1 or 3");
  if (in.channels == want_channels) {
    *out = in;
    return Status::ok();
  }
  Image r = image_make(in.width, in.height, want_channels);
  const size_t n = (size_t)in.width * in.height;
  const uint8_t* s = in.pixels.data();
  uint8_t* d = r.pixels.data();
  for (size_t i = 0; i < n; ++i, s += in.channels) {
    if (want_channels == 3) {
      if (in.channels < 3) {
        d[3 * i] = d[3 * i + 1] = d[3 * i + 2] = s[0];
      } else {
        d[3 * i] = s[0], d[3 * i + 1] = s[1], d[3 * i + 2] = s[2];
      }
    } else if (in.channels >= 3) {
      // Same integer luma as stb_image (BT.601 weights 77/150/29 out of 256).
      d[i] = (uint8_t)((s[0] * 77 + s[1] * 150 + s[2] * 29) >> 8);
    } else {
      d[i] = s[0];
    }
  }
  *out = std::move(r);
  return Status::ok();
}

Status image_crop(const Image& in, int x, int y, int w, int h, Image* out) {
  if (in.empty()) return Status::error("image_crop: empty image");
  if (w <= 0 || h <= 0 || x < 0 || y < 0 || x > in.width - w || y > in.height - h)
    return Status::error("image_crop: rectangle " + std::to_string(x) + "," + std::to_string(y) +
                         " " + std::to_string(w) + "x" + std::to_string(h) + " is outside the " +
                         std::to_string(in.width) + "x" + std::to_string(in.height) + " image");
  Image r = image_make(w, h, in.channels);
  const size_t row_bytes = (size_t)w * in.channels;
  for (int j = 0; j < h; ++j)
    std::memcpy(r.row(j), in.row(y + j) + (size_t)x * in.channels, row_bytes);
  *out = std::move(r);
  return Status::ok();
}

}  // namespace fg
