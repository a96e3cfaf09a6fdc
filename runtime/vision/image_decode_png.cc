// PNG decoder on libpng 1.6 (Debian's libpng16-16: maintained, fuzzed by OSS-Fuzz).
//
// Before libpng sees the file we read IHDR ourselves and refuse, with no allocation:
// sizes above the pixel/byte budget (image_check_size), and files whose IDAT chunks are too
// small to inflate to the pixel rows the header promises (deflate cannot expand more than
// 1032:1), so a truncated or bogus file is not given a full-size buffer. 16-bit samples are
// stripped to their high byte while each row is read (what stb_image did), so a 16-bit RGBA
// file costs 4 bytes a pixel, never 8; interlaced files need their whole 8-bit raster, which
// is counted. libpng's own allocations for ancillary chunks (zTXt/iCCP bombs) are capped.
// No gamma or colour management is applied: pixels come out as stored (stb_image's output).
#include "runtime/vision/image_decode.h"

#include <csetjmp>
#include <cstring>
#include <memory>
#include <vector>

#include <png.h>

namespace fg {
namespace {

constexpr int64_t kMaxDeflateRatio = 1032;
constexpr png_alloc_size_t kMaxChunkBytes = 1 << 20;  // text/ICC chunks; pixel data is not a chunk allocation

uint32_t be32(const uint8_t* p) { return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3]; }

struct Reader {
  const uint8_t* data;
  size_t size, pos;
};

void read_bytes(png_structp png, png_bytep dst, png_size_t n) {
  auto* r = static_cast<Reader*>(png_get_io_ptr(png));
  if (n > r->size - r->pos) png_error(png, "file ends early");
  std::memcpy(dst, r->data + r->pos, n);
  r->pos += n;
}

struct ErrorState {
  char message[200] = {0};
};

[[noreturn]] void on_error(png_structp png, png_const_charp msg) {
  auto* e = static_cast<ErrorState*>(png_get_error_ptr(png));
  std::snprintf(e->message, sizeof e->message, "%s", msg);
  png_longjmp(png, 1);
}
void on_warning(png_structp, png_const_charp) {}  // benign (e.g. an unknown sRGB profile)

struct ReadStruct {
  png_structp png = nullptr;
  png_infop info = nullptr;
  ~ReadStruct() { png_destroy_read_struct(&png, info ? &info : nullptr, nullptr); }
};

}  // namespace

Status image_decode_png(const uint8_t* data, size_t size, const std::string& what,
                        int want_channels, int64_t max_pixels, Image* out) {
  static const uint8_t kSignature[8] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
  if (size < 33 || std::memcmp(data, kSignature, 8) != 0 || be32(data + 8) != 13 ||
      std::memcmp(data + 12, "IHDR", 4) != 0)
    return Status::error(what + ": unreadable PNG header (no signature + IHDR chunk)");
  const int64_t w = be32(data + 16), h = be32(data + 20);
  const int depth = data[24], colour = data[25], interlaced = data[28];
  int stored = 0;  // channels after expansion; tRNS may add an alpha channel
  switch (colour) {
    case 0: stored = 1; break;
    case 2: stored = 3; break;
    case 3: stored = 3; break;
    case 4: stored = 2; break;
    case 6: stored = 4; break;
    default:
      return Status::error(what + ": unreadable PNG header (colour type " + std::to_string(colour) + ")");
  }
  if (depth != 1 && depth != 2 && depth != 4 && depth != 8 && depth != 16)
    return Status::error(what + ": unreadable PNG header (bit depth " + std::to_string(depth) + ")");
  if (w > 0x7fffffff || h > 0x7fffffff)
    return Status::error(what + ": unreadable PNG header (size " + std::to_string(w) + "x" +
                         std::to_string(h) + " above 2^31 - 1)");
  // Budget at the most the output can be: tRNS (known only later) adds alpha.
  const int channels = want_channels ? want_channels : (colour == 0 || colour == 2 || colour == 3) ? stored + 1 : stored;
  // Pixels first: once w * h is within the budget the raster size below cannot overflow
  // (a 0x59085639 x 0x60001b00 interlaced header did, found by tests/fuzz/fuzz_image).
  FG_RETURN_IF_ERROR(image_check_size(what, "PNG", w, h, channels, 0, max_pixels));
  const int64_t native_max = w * (stored + 1);  // one expanded 8-bit row, alpha included
  FG_RETURN_IF_ERROR(image_check_size(what, "PNG", w, h, channels,
                                      interlaced ? native_max * h : native_max, max_pixels));

  // Data present vs promised: each row is a filter byte + its packed samples.
  const int64_t raw_channels = colour == 3 ? 1 : colour == 6 ? 4 : colour == 4 ? 2 : stored;
  const int64_t promised = h * (1 + (w * raw_channels * depth + 7) / 8);
  int64_t idat = 0;
  for (size_t p = 8; p + 12 <= size;) {
    const uint32_t len = be32(data + p);
    if (len > size - p - 12) break;  // a cut chunk: libpng reports it
    if (std::memcmp(data + p + 4, "IDAT", 4) == 0) idat += len;
    if (std::memcmp(data + p + 4, "IEND", 4) == 0) break;
    p += 12 + (size_t)len;
  }
  if (idat * kMaxDeflateRatio < promised)
    return Status::error(what + ": PNG decoding failed (" + std::to_string(idat) +
                         " bytes of compressed pixel data cannot hold the " +
                         std::to_string(promised) + " bytes the " + std::to_string(w) + "x" +
                         std::to_string(h) + " header promises); the file is corrupt or truncated");

  ReadStruct rs;
  ErrorState err;
  Reader reader{data, size, 0};
  // Locals modified after setjmp are indeterminate after png_longjmp: keep them on the heap
  // behind a pointer set before it.
  struct Buffers {
    Image img;
    std::vector<uint8_t> native;  // one row, or the whole raster when interlaced
    std::vector<png_bytep> rows;  // interlaced only
  };
  const std::unique_ptr<Buffers> b = std::make_unique<Buffers>();
  rs.png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &err, &on_error, &on_warning);
  if (!rs.png) return Status::error(what + ": PNG decoder could not start (out of memory)");
  rs.info = png_create_info_struct(rs.png);
  if (!rs.info) return Status::error(what + ": PNG decoder could not start (out of memory)");
  if (setjmp(png_jmpbuf(rs.png)))
    return Status::error(what + ": PNG decoding failed (" + err.message +
                         "); the file is corrupt or truncated");
  png_set_read_fn(rs.png, &reader, &read_bytes);
  png_set_user_limits(rs.png, (png_uint_32)w, (png_uint_32)h);
  png_set_chunk_malloc_max(rs.png, kMaxChunkBytes);
  png_set_chunk_cache_max(rs.png, 128);
  png_read_info(rs.png, rs.info);
  if (png_get_bit_depth(rs.png, rs.info) == 16) png_set_strip_16(rs.png);
  const int ct = png_get_color_type(rs.png, rs.info);
  if (ct == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(rs.png);
  if (ct == PNG_COLOR_TYPE_GRAY && png_get_bit_depth(rs.png, rs.info) < 8)
    png_set_expand_gray_1_2_4_to_8(rs.png);
  const bool trns = png_get_valid(rs.png, rs.info, PNG_INFO_tRNS) != 0;
  if (trns) png_set_tRNS_to_alpha(rs.png);
  const int passes = png_set_interlace_handling(rs.png);
  png_read_update_info(rs.png, rs.info);
  const int native = png_get_channels(rs.png, rs.info);
  if (png_get_image_width(rs.png, rs.info) != w || png_get_image_height(rs.png, rs.info) != h ||
      native < 1 || native > 4 || png_get_rowbytes(rs.png, rs.info) != (size_t)(w * native))
    png_error(rs.png, "unexpected row layout after expansion");
  const int out_channels = want_channels ? want_channels : native;
  b->img = image_make((int)w, (int)h, out_channels);
  if (passes > 1 || native != out_channels) {
    b->native.resize((size_t)w * native * (passes > 1 ? (size_t)h : 1));
  }
  if (passes > 1) {
    // Interlaced: every pass revisits every row, so the whole native raster is kept.
    std::vector<png_bytep>& rows = b->rows;
    rows.resize((size_t)h);
    for (int64_t y = 0; y < h; ++y) rows[(size_t)y] = native == out_channels ? b->img.row((int)y) : b->native.data() + (size_t)(y * w * native);
    png_read_image(rs.png, rows.data());
    if (native != out_channels)
      for (int64_t y = 0; y < h; ++y) image_convert_row(rows[(size_t)y], native, b->img.row((int)y), out_channels, (int)w);
  } else {
    for (int64_t y = 0; y < h; ++y) {
      png_bytep row = native == out_channels ? b->img.row((int)y) : b->native.data();
      png_read_row(rs.png, row, nullptr);
      if (native != out_channels) image_convert_row(row, native, b->img.row((int)y), out_channels, (int)w);
    }
  }
  png_read_end(rs.png, nullptr);
  *out = std::move(b->img);
  return Status::ok();
}

}  // namespace fg
