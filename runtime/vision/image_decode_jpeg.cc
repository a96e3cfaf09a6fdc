// JPEG decoder on libjpeg-turbo (Debian's libjpeg62-turbo: maintained, fuzzed by OSS-Fuzz),
// replacing stb_image's, whose DHT parsing overflows its Huffman tables on counts summing
// over 256.
//
// Untrusted-input rules: libjpeg errors longjmp back here (never exit()); the size check
// runs after jpeg_read_header (header only, no pixel buffer yet); a file too short to hold
// one bit per 8x8 luma block (no valid JPEG is smaller) is refused before decoding; a
// premature end of data is an error, not gray fill; progressive files are bounded in scans
// (a few hundred bytes can otherwise ask for thousands of full-image passes) and their
// whole-image coefficient buffer counts against the budget; libjpeg's own allocator is
// capped at the same budget.
// Pixels: colour files with 1x/2x chroma subsampling (every camera and encoder we know) are
// read as raw IDCT planes (JDCT_ISLOW, the same integer IDCT stb derived from jidctint) and
// upsampled/converted with stb's formulas (runtime/vision/image_jpeg_stb_color.h), so they match
// what stb_image gave; other layouts use libjpeg's own fancy upsampling and conversion.
// EXIF orientation (APP1, kept by libjpeg up to its 64 KiB segment limit, parsed with bounds
// in runtime/vision/image_exif.cc) is applied after decoding: the image comes out upright.
#include "runtime/vision/image_decode.h"

#include <algorithm>
#include <csetjmp>
#include <cstdio>
#include <memory>
#include <vector>

#include <jpeglib.h>
#include <jerror.h>  // JWRN_JPEG_EOF

#include "runtime/vision/image_exif.h"
#include "runtime/vision/image_jpeg_stb_color.h"

namespace fg {
namespace {

// Progressive JPEGs from cameras and encoders use < 20 scans; libjpeg-turbo's own
// tjDecompress limit for hostile input is 500.
constexpr int kMaxScans = 500;

struct ErrorManager {
  jpeg_error_mgr pub;
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX] = {0};
  bool truncated = false;
};

[[noreturn]] void on_error(j_common_ptr cinfo) {
  auto* err = reinterpret_cast<ErrorManager*>(cinfo->err);
  (*cinfo->err->format_message)(cinfo, err->message);
  std::longjmp(err->jump, 1);
}

// Warnings (level -1) other than a premature end are corrupt-but-decodable data that cameras
// do send (extraneous bytes before a marker); those frames still decode. A premature end
// means the rest of the image is invented gray: an error.
void on_message(j_common_ptr cinfo, int level) {
  auto* err = reinterpret_cast<ErrorManager*>(cinfo->err);
  if (level == -1 && cinfo->err->msg_code == JWRN_JPEG_EOF) {
    err->truncated = true;
    (*cinfo->err->format_message)(cinfo, err->message);
    std::longjmp(err->jump, 1);
  }
}

void on_progress(j_common_ptr cinfo) {
  if (!cinfo->is_decompressor) return;
  auto* d = reinterpret_cast<j_decompress_ptr>(cinfo);
  if (d->input_scan_number > kMaxScans) {
    auto* err = reinterpret_cast<ErrorManager*>(cinfo->err);
    std::snprintf(err->message, sizeof err->message, "more than %d progressive scans", kMaxScans);
    std::longjmp(err->jump, 1);
  }
}

struct Decompressor {
  jpeg_decompress_struct cinfo;
  ~Decompressor() { jpeg_destroy_decompress(&cinfo); }
};

}  // namespace

Status image_decode_jpeg(const uint8_t* data, size_t size, const std::string& what,
                         int want_channels, int64_t max_pixels, Image* out) {
  Decompressor dec;
  ErrorManager err;
  jpeg_decompress_struct& cinfo = dec.cinfo;
  cinfo.err = jpeg_std_error(&err.pub);
  err.pub.error_exit = &on_error;
  err.pub.emit_message = &on_message;
  jpeg_progress_mgr progress;
  progress.progress_monitor = &on_progress;
  // A longjmp lands here with locals modified after setjmp indeterminate, so whatever
  // changes later lives behind a pointer fixed before it (or is volatile).
  struct Buffers {
    Image img;
    std::vector<uint8_t> row;
    std::vector<uint8_t> planes[3];       // raw path: Y, Cb, Cr at their stored resolution
    std::vector<JSAMPROW> plane_rows[3];  // one iMCU row of pointers into each plane
    std::vector<uint8_t> up[3];           // one upsampled row of each
  };
  const std::unique_ptr<Buffers> buffers = std::make_unique<Buffers>();
  Image& img = buffers->img;
  std::vector<uint8_t>& row = buffers->row;
  volatile bool header_done = false;
  if (setjmp(err.jump)) {
    if (!header_done && !err.truncated)
      return Status::error(what + ": unreadable JPEG header (" + err.message + ")");
    return Status::error(what + ": JPEG decoding failed (" + err.message +
                         "); the file is corrupt or truncated");
  }
  jpeg_create_decompress(&cinfo);
  cinfo.progress = &progress;
  cinfo.mem->max_memory_to_use = kMaxImageDecodeBytes;
  jpeg_mem_src(&cinfo, data, (unsigned long)size);
  jpeg_save_markers(&cinfo, JPEG_APP0 + 1, 0xFFFF);
  jpeg_read_header(&cinfo, TRUE);
  header_done = true;
  int orientation = 1;
  for (jpeg_saved_marker_ptr m = cinfo.marker_list; m && orientation == 1; m = m->next)
    if (m->marker == JPEG_APP0 + 1) orientation = exif_orientation(m->data, m->data_length);

  const int64_t w = cinfo.image_width, h = cinfo.image_height;
  int stored = 0;
  switch (cinfo.jpeg_color_space) {
    case JCS_GRAYSCALE: stored = 1; break;
    case JCS_YCbCr:
    case JCS_RGB: stored = 3; break;
    default:
      return Status::error(what + ": JPEG colour space " + std::to_string((int)cinfo.jpeg_color_space) +
                           " (CMYK/YCCK or other) is not decoded; use gray or colour (YCbCr)");
  }
  const int channels = want_channels ? want_channels : stored;
  // libjpeg's output for our request: gray straight from Y (as stb did), else RGB.
  const int decoded = (channels == 1 || stored == 1) ? 1 : 3;
  // A progressive (or multi-scan) file keeps every DCT coefficient of the image: 2 bytes a
  // sample for each component, before subsampling (an upper bound).
  const int64_t coefficients = jpeg_has_multiple_scans(&cinfo) ? w * h * cinfo.num_components * 2 : 0;
  // Raw path: 3-component YCbCr whose every component is 1x or 2x below the largest
  // sampling factor in each direction.
  bool raw = decoded == 3 && cinfo.jpeg_color_space == JCS_YCbCr && cinfo.num_components == 3;
  int64_t plane_bytes = 0;
  int stride[3] = {0, 0, 0}, hs[3] = {1, 1, 1}, vs[3] = {1, 1, 1};
  for (int c = 0; raw && c < 3; ++c) {
    const jpeg_component_info& comp = cinfo.comp_info[c];
    if (cinfo.max_h_samp_factor % comp.h_samp_factor || cinfo.max_v_samp_factor % comp.v_samp_factor) {
      raw = false;
      break;
    }
    hs[c] = cinfo.max_h_samp_factor / comp.h_samp_factor;
    vs[c] = cinfo.max_v_samp_factor / comp.v_samp_factor;
    if (hs[c] > 2 || vs[c] > 2) raw = false;
    // Whole MCUs: libjpeg writes every block of the last MCU column and iMCU row.
    const int64_t mcus_x = (w + cinfo.max_h_samp_factor * 8 - 1) / (cinfo.max_h_samp_factor * 8);
    stride[c] = (int)(mcus_x * comp.h_samp_factor * 8);
    plane_bytes += (int64_t)stride[c] * cinfo.total_iMCU_rows * comp.v_samp_factor * 8;
  }
  if (!raw) plane_bytes = 0;
  const int64_t turned = orientation == 1 ? 0 : w * h * channels;  // the upright copy
  FG_RETURN_IF_ERROR(image_check_size(what, "JPEG", w, h, channels,
                                      coefficients + plane_bytes + 4 * (w + 2) * decoded + turned, max_pixels));
  const int64_t blocks = ((w + 7) / 8) * ((h + 7) / 8);
  if ((int64_t)size * 8 < blocks)
    return Status::error(what + ": JPEG of " + std::to_string(w) + "x" + std::to_string(h) +
                         " needs at least " + std::to_string(blocks / 8) +
                         " bytes of data but the file has " + std::to_string(size) + " (truncated)");

  cinfo.out_color_space = decoded == 1 ? JCS_GRAYSCALE : JCS_RGB;
  cinfo.dct_method = JDCT_ISLOW;
  cinfo.do_fancy_upsampling = TRUE;
  if (raw) {
    cinfo.out_color_space = JCS_YCbCr;
    cinfo.raw_data_out = TRUE;
    jpeg_start_decompress(&cinfo);
    img = image_make((int)w, (int)h, channels);
    JSAMPARRAY per_comp[3];
    for (int c = 0; c < 3; ++c) {
      const int rows_per_imcu = cinfo.comp_info[c].v_samp_factor * 8;
      buffers->planes[c].resize((size_t)stride[c] * cinfo.total_iMCU_rows * rows_per_imcu);
      buffers->plane_rows[c].resize((size_t)rows_per_imcu);
      buffers->up[c].resize((size_t)2 * stride[c] + 2);
      per_comp[c] = buffers->plane_rows[c].data();
    }
    for (JDIMENSION imcu = 0; imcu < cinfo.total_iMCU_rows; ++imcu) {
      for (int c = 0; c < 3; ++c) {
        const size_t n = buffers->plane_rows[c].size();
        for (size_t r = 0; r < n; ++r)
          buffers->plane_rows[c][r] = buffers->planes[c].data() + (imcu * n + r) * (size_t)stride[c];
      }
      if (jpeg_read_raw_data(&cinfo, per_comp, (JDIMENSION)cinfo.max_v_samp_factor * 8) == 0)
        return Status::error(what + ": JPEG decoding failed (no data); the file is corrupt or truncated");
    }
    // stb's row pairing: output row y uses plane row y/vs ("near") and, when vs == 2, the
    // row on the other side of the output row's centre ("far"), clamped at the edges.
    row.resize((size_t)w * 3);
    for (int64_t y = 0; y < h; ++y) {
      for (int c = 0; c < 3; ++c) {
        const jpeg_component_info& comp = cinfo.comp_info[c];
        const int64_t last = (int64_t)comp.downsampled_height - 1;
        const int64_t near_row = y / vs[c];
        int64_t far_row = near_row;
        if (vs[c] == 2) far_row = (y & 1) ? std::min(near_row + 1, last) : std::max<int64_t>(near_row - 1, 0);
        const uint8_t* base = buffers->planes[c].data();
        jpeg_stb_upsample_row(base + near_row * stride[c], base + far_row * stride[c],
                              (int)comp.downsampled_width, hs[c], vs[c], buffers->up[c].data());
      }
      uint8_t* dst = channels == 3 ? img.row((int)y) : row.data();
      jpeg_stb_ycbcr_to_rgb_row(buffers->up[0].data(), buffers->up[1].data(), buffers->up[2].data(), (int)w, dst);
      if (channels != 3) image_convert_row(row.data(), 3, img.row((int)y), channels, (int)w);
    }
    jpeg_finish_decompress(&cinfo);
    *out = orientation == 1 ? std::move(img) : image_apply_orientation(img, orientation);
    return Status::ok();
  }
  jpeg_start_decompress(&cinfo);
  if ((int)cinfo.output_components != decoded || cinfo.output_width != w || cinfo.output_height != h)
    return Status::error(what + ": JPEG decoding failed (unexpected output layout)");
  img = image_make((int)w, (int)h, channels);
  row.resize((size_t)w * decoded);
  while (cinfo.output_scanline < cinfo.output_height) {
    const int y = (int)cinfo.output_scanline;
    JSAMPROW dst = decoded == channels ? img.row(y) : row.data();
    if (jpeg_read_scanlines(&cinfo, &dst, 1) != 1)
      return Status::error(what + ": JPEG decoding failed (no scanline); the file is corrupt or truncated");
    if (decoded != channels) image_convert_row(row.data(), decoded, img.row(y), channels, (int)w);
  }
  jpeg_finish_decompress(&cinfo);
  *out = orientation == 1 ? std::move(img) : image_apply_orientation(img, orientation);
  return Status::ok();
}

}  // namespace fg
