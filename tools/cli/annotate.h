// --annotate OUT.jpg on detect / identify / verify: the input photo with what the pipeline
// saw drawn on it (boxes, the 68 landmarks, names, distances, the verdict), written as JPEG
// through runtime/vision/image_encode_jpeg. Drawing: runtime/vision/draw.h.
// Each annotate_* returns 0 or kExitFailure with the message printed (e.g. OUT not writable).
#pragma once
#include <string>
#include <vector>

#include "facegate/facegate.hpp"
#include "runtime/vision/draw.h"
#include "runtime/vision/face_pipeline.h"

namespace fg::cli {

// Quality 90: the landmarks and the 5x7 text stay crisp at ~50 KB for a 640x480 photo.
constexpr int kAnnotateJpegQuality = 90;

// The image with `faces` drawn on it (labels[i] above face i when given) and `caption` at
// the bottom-left (empty: none). Sizes of pen and font grow with the image.
void annotate_draw(Image* img, const std::vector<PipelineFace>& faces, const std::vector<std::string>& labels,
                   Rgb color, const std::string& caption);
// OUT as JPEG; an error names the path.
[[nodiscard]] Status annotate_write_jpeg(const std::string& path, const Image& img);

// The commands embed through the public API (tools/cli/cli_api.h), so the entry points take
// its faces and images.
// detect: every face, labelled with its detector score.
int annotate_detect(const std::string& out, const facegate::Image& img, const std::vector<facegate::Face>& faces);
// identify: runs the pipeline on the photo again (the command's own flow stays as it is)
// and labels its largest face with `name` (green: recognized, red: not); with no face found,
// or as_crop (the photo is the face), only the caption.
int annotate_identify(const std::string& out, facegate::Pipeline& pipe, const std::string& photo, bool as_crop,
                      const std::string& name, double distance, double tau, bool recognized);
// verify: the two photos side by side (top-aligned), each face drawn, the distance and verdict
// as the caption.
int annotate_verify(const std::string& out, const std::string& photo1, const facegate::Face& face1,
                    const std::string& photo2, const facegate::Face& face2, double distance, double tau, bool same);

}  // namespace fg::cli
