#include "runtime/vision/image_encode_jpeg.h"

#include <csetjmp>
#include <cstdio>
#include <cstdlib>

#include <jpeglib.h>

namespace fg {
namespace {

struct ErrorMgr {
  jpeg_error_mgr pub;
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
};

void on_error(j_common_ptr c) {
  ErrorMgr* e = reinterpret_cast<ErrorMgr*>(c->err);
  (*c->err->format_message)(c, e->message);
  std::longjmp(e->jump, 1);
}

}  // namespace

Status image_encode_jpeg(const Image& img, int quality, std::vector<uint8_t>* out) {
  if (img.empty() || (img.channels != 1 && img.channels != 3))
    return Status::error("jpeg encode: need a non-empty 1- or 3-channel image");
  if (quality < 1 || quality > 100) return Status::error("jpeg encode: quality must be in 1..100");
  if ((size_t)img.width * img.height * img.channels != img.pixels.size())
    return Status::error("jpeg encode: pixel buffer does not match the image size");
  jpeg_compress_struct c{};
  ErrorMgr err{};
  unsigned char* buf = nullptr;  // volatile-free: only touched before setjmp and after the longjmp
  unsigned long size = 0;
  c.err = jpeg_std_error(&err.pub);
  err.pub.error_exit = on_error;
  if (setjmp(err.jump)) {
    jpeg_destroy_compress(&c);
    std::free(buf);
    return Status::error(std::string("jpeg encode: ") + err.message);
  }
  jpeg_create_compress(&c);
  jpeg_mem_dest(&c, &buf, &size);
  c.image_width = (JDIMENSION)img.width;
  c.image_height = (JDIMENSION)img.height;
  c.input_components = img.channels;
  c.in_color_space = img.channels == 3 ? JCS_RGB : JCS_GRAYSCALE;
  jpeg_set_defaults(&c);
  jpeg_set_quality(&c, quality, TRUE);
  jpeg_start_compress(&c, TRUE);
  while (c.next_scanline < c.image_height) {
    JSAMPROW row = const_cast<JSAMPROW>(img.row((int)c.next_scanline));
    jpeg_write_scanlines(&c, &row, 1);
  }
  jpeg_finish_compress(&c);
  out->assign(buf, buf + size);
  jpeg_destroy_compress(&c);
  std::free(buf);
  return Status::ok();
}

}  // namespace fg
