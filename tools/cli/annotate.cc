// --annotate (tools/cli/annotate.h).
#include "tools/cli/annotate.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "runtime/vision/image_encode_jpeg.h"
#include "tools/cli/cli.h"
#include "tools/cli/cli_api.h"

namespace fg::cli {
namespace {

constexpr Rgb kGreen = {40, 220, 60}, kRed = {235, 40, 40}, kLandmark = {255, 230, 0}, kWhite = {255, 255, 255},
              kBlack = {0, 0, 0};

// Pen and font grow with the photo so a 1080p frame's box is as visible as a 320x320 one's.
int pen_for(const Image& img) { return std::max(1, std::min(img.width, img.height) / 200); }
int font_for(const Image& img) { return std::max(2, std::min(img.width, img.height) / 180); }

std::string fixed(double v, int digits) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

// What annotate_draw reads of a face (box, score, landmarks), from the API's face.
PipelineFace drawable(const facegate::Face& f) {
  PipelineFace p;
  p.box = FaceBox{f.box.x, f.box.y, f.box.width, f.box.height, f.box.score};
  for (const facegate::Point& q : f.landmarks) p.landmarks.push_back(Point2{q.x, q.y});
  return p;
}
std::vector<PipelineFace> drawable(const std::vector<facegate::Face>& faces) {
  std::vector<PipelineFace> out;
  for (const facegate::Face& f : faces) out.push_back(drawable(f));
  return out;
}
Image rgb_image(const facegate::Image& img) {
  Image out = image_make(img.width, img.height, 3);
  out.pixels = img.rgb;
  return out;
}

}  // namespace

void annotate_draw(Image* img, const std::vector<PipelineFace>& faces, const std::vector<std::string>& labels,
                   Rgb color, const std::string& caption) {
  const int pen = pen_for(*img), font = font_for(*img);
  for (size_t i = 0; i < faces.size(); ++i) {
    const FaceBox& b = faces[i].box;
    const int x = int(std::lround(b.x)), y = int(std::lround(b.y));
    const int w = int(std::lround(b.width)), h = int(std::lround(b.height));
    draw_rect(img, x, y, w, h, color, pen);
    for (const Point2& p : faces[i].landmarks)
      draw_point(img, int(std::lround(p.x)), int(std::lround(p.y)), kLandmark, pen);
    if (i < labels.size() && !labels[i].empty()) {
      // Above the box, or inside its top when the box touches the image's top edge.
      const int lh = draw_text_height(font) + 2 * font;
      draw_label(img, x, y - lh >= 0 ? y - lh : y + pen, labels[i], kBlack, color, font, font);
    }
  }
  if (caption.empty()) return;
  int cf = font;  // a long caption on a small photo: smaller letters rather than cut ones
  while (cf > 1 && draw_text_width(caption, cf) + 2 * cf > img->width) --cf;
  draw_label(img, 0, img->height - draw_text_height(cf) - 2 * cf, caption, kWhite, kBlack, cf, cf);
}

Status annotate_write_jpeg(const std::string& path, const Image& img) {
  std::vector<uint8_t> jpeg;
  FG_RETURN_IF_ERROR(image_encode_jpeg(img, kAnnotateJpegQuality, &jpeg));
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return Status::error("cannot write --annotate file " + path + ": " + std::strerror(errno));
  const bool ok = std::fwrite(jpeg.data(), 1, jpeg.size(), f) == jpeg.size();
  if (std::fclose(f) != 0 || !ok) return Status::error("cannot write --annotate file " + path + ": write failed");
  return Status::ok();
}

int annotate_detect(const std::string& out, const facegate::Image& img, const std::vector<facegate::Face>& faces) {
  Image canvas = rgb_image(img);
  std::vector<std::string> labels;
  for (const facegate::Face& f : faces) labels.push_back(fixed(f.box.score, 2));
  annotate_draw(&canvas, drawable(faces), labels, kGreen,
                std::to_string(faces.size()) + (faces.size() == 1 ? " FACE" : " FACES"));
  if (Status s = annotate_write_jpeg(out, canvas); !s) return failure(s.message());
  return kExitOk;
}

int annotate_identify(const std::string& out, facegate::Pipeline& pipe, const std::string& photo, bool as_crop,
                      const std::string& name, double distance, double tau, bool recognized) {
  Image img;
  std::vector<PipelineFace> shown;
  if (as_crop) {  // the photo is the face: nothing detected to draw
    if (Status s = image_load(photo, 3, &img); !s) return failure(s.message());
  } else {
    facegate::Image api_img;
    std::vector<facegate::Face> faces;
    if (int rc = api_faces(pipe, photo, false, &api_img, &faces)) return rc;
    img = rgb_image(api_img);
    if (!faces.empty()) shown.push_back(drawable(faces[api_largest_face(faces)]));
  }
  const std::string verdict = name.empty() ? "UNKNOWN (EMPTY GALLERY)"
                              : recognized ? name + " " + fixed(distance, 2) + " <= " + fixed(tau, 2)
                                           : "UNKNOWN: " + name + " " + fixed(distance, 2) + " > " + fixed(tau, 2);
  const std::string caption = (shown.empty() ? "WHOLE IMAGE: " : "") + verdict;
  annotate_draw(&img, shown, {recognized ? name : "?"}, recognized ? kGreen : kRed, caption);
  if (Status w = annotate_write_jpeg(out, img); !w) return failure(w.message());
  return kExitOk;
}

int annotate_verify(const std::string& out, const std::string& photo1, const facegate::Face& face1,
                    const std::string& photo2, const facegate::Face& face2, double distance, double tau, bool same) {
  Image a, b;
  Status s = image_load(photo1, 3, &a);
  if (s) s = image_load(photo2, 3, &b);
  if (!s) return failure(s.message());
  const Rgb color = same ? kGreen : kRed;
  annotate_draw(&a, {drawable(face1)}, {"1"}, color, "");
  annotate_draw(&b, {drawable(face2)}, {"2"}, color, "");
  Image both = image_make(a.width + b.width, std::max(a.height, b.height), 3);
  for (int y = 0; y < both.height; ++y) {
    if (y < a.height) std::memcpy(both.row(y), a.row(y), size_t(a.width) * 3);
    if (y < b.height) std::memcpy(both.row(y) + size_t(a.width) * 3, b.row(y), size_t(b.width) * 3);
  }
  annotate_draw(&both, {}, {}, color,
                std::string(same ? "SAME PERSON" : "DIFFERENT PEOPLE") + ": " + fixed(distance, 3) +
                    (same ? " <= " : " > ") + fixed(tau, 2));
  if (Status w = annotate_write_jpeg(out, both); !w) return failure(w.message());
  return kExitOk;
}

}  // namespace fg::cli
