// Binary PGM (P5) / PPM (P6) decoder: our own, because stb_image 2.27's PNM path over-reads
// on 16-bit files, overflows a signed int on long numbers and "decodes" uninitialised heap
// when the file is shorter than its header says. Here: numbers are bounded by digits, the
// size is checked before allocation, and the pixel data must all be present.
//
// Header: "P5"|"P6", then width, height, maxval as decimal numbers separated by whitespace
// (comments from '#' to end of line allowed between them), then exactly one whitespace byte,
// then height rows of width * channels samples, 1 byte each (maxval < 256) or 2 bytes
// big-endian. Samples are scaled to 0..255 (v * 255 / maxval, rounded) unless maxval is 255.
#include "runtime/vision/image_decode.h"

#include <vector>

namespace fg {
namespace {

bool is_space(uint8_t c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

// Reads one header number at *pos; false for a missing number, a non-digit or more than 9
// digits (so the value stays below 1e9: no overflow).
bool read_number(const uint8_t* d, size_t n, size_t* pos, int64_t* value) {
  size_t p = *pos;
  for (;;) {
    while (p < n && is_space(d[p])) ++p;
    if (p < n && d[p] == '#') {
      while (p < n && d[p] != '\n' && d[p] != '\r') ++p;
      continue;
    }
    break;
  }
  int digits = 0;
  int64_t v = 0;
  while (p < n && d[p] >= '0' && d[p] <= '9') {
    if (++digits > 9) return false;
    v = v * 10 + (d[p++] - '0');
  }
  if (digits == 0) return false;
  *pos = p;
  *value = v;
  return true;
}

}  // namespace

Status image_decode_pnm(const uint8_t* d, size_t n, const std::string& what, int want_channels,
                        int64_t max_pixels, Image* out) {
  const char* format = d[1] == '5' ? "PGM" : "PPM";
  const int stored = d[1] == '5' ? 1 : 3;
  size_t pos = 2;
  int64_t w = 0, h = 0, maxval = 0;
  if (!read_number(d, n, &pos, &w) || !read_number(d, n, &pos, &h) ||
      !read_number(d, n, &pos, &maxval))
    return Status::error(what + ": unreadable " + format +
                         " header (width, height and maxval must be decimal numbers below 1e9)");
  if (pos >= n || !is_space(d[pos]))
    return Status::error(what + ": unreadable " + format + " header (no whitespace after maxval)");
  ++pos;
  if (maxval < 1 || maxval > 65535)
    return Status::error(what + ": " + format + " maxval " + std::to_string(maxval) +
                         " is outside 1..65535");
  const int channels = want_channels ? want_channels : stored;
  FG_RETURN_IF_ERROR(image_check_size(what, format, w, h, channels, 0, max_pixels));
  const int sample_bytes = maxval > 255 ? 2 : 1;
  const int64_t promised = w * h * stored * sample_bytes;
  if ((int64_t)(n - pos) < promised)
    return Status::error(what + ": " + format + " of " + std::to_string(w) + "x" +
                         std::to_string(h) + " promises " + std::to_string(promised) +
                         " bytes of pixels but the file holds " + std::to_string(n - pos) +
                         " (truncated)");
  // Scaling table: at most 65536 entries, built once per image.
  std::vector<uint8_t> scale((size_t)maxval + 1);
  for (int64_t v = 0; v <= maxval; ++v) scale[(size_t)v] = (uint8_t)((v * 255 + maxval / 2) / maxval);
  Image img = image_make((int)w, (int)h, channels);
  std::vector<uint8_t> row((size_t)w * stored);
  const uint8_t* src = d + pos;
  for (int64_t y = 0; y < h; ++y) {
    for (size_t i = 0; i < row.size(); ++i, src += sample_bytes) {
      int64_t v = sample_bytes == 2 ? (src[0] << 8 | src[1]) : src[0];
      row[i] = scale[(size_t)(v > maxval ? maxval : v)];  // values above maxval: clamp
    }
    image_convert_row(row.data(), stored, img.row((int)y), channels, (int)w);
  }
  *out = std::move(img);
  return Status::ok();
}

}  // namespace fg
