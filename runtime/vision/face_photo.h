// One face from one picture, the way the door takes it: the rule every command shares.
//
//   face_embed_largest: detector -> the largest box (area; the first of equals in detector
//     order, as the door's stable sort keeps it) -> landmarks -> aligned chip -> encoder.
//     A door frame's path (tools/door/door_loop.cc runs these stages one by one to time
//     them; the choice of face is this one).
//   face_embed_photo: the same, and when no face is found, or the largest is narrower than
//     kPhotoSmallFace of the picture's smaller side and alone, the picture is pasted into the
//     middle of a mid-gray canvas 2x, 3x, then 5x its size and detected again; the first canvas
//     with a face is taken when the photo had none, or its face there is 1.5x wider and holds
//     the photo face's centre (photo_canvas_face_wins). Tight face chips
//     (samples/faces, 150x150) leave the detector no context; the canvas gives it some. On a
//     chip the detector may also find only part of the face (int8 at input 416 boxes 70 px
//     of amy2's 150): the canvas finds the whole face, wider, and wins. A real small face in
//     a large photo is found at the same width or not at all on the canvas, and stays.
//     A door's enrolment photos go through this (tools/door/door_gallery.h).
//   The CLI's verify / embed / enroll / identify run on the public API (facegate::Pipeline),
//   so they apply the same retry through photo_face_needs_canvas, kPhotoCanvasFactors,
//   pad_canvas_origin and photo_canvas_face_wins
//   (tools/cli/cli_api.h api_photo_faces) rather than through face_embed_photo itself.
// *found = false: no face in any try (not an error). A Status error is a failure of the
// nets or of the aligner, never "no face".
#pragma once
#include "runtime/vision/face_pipeline.h"

namespace fg {

// Mid-gray reads as "background" to the detector.
constexpr uint8_t kPhotoCanvasGray = 128;

// The retry canvases, in the order tried (photo_face_needs_canvas says when).
inline constexpr int kPhotoCanvasFactors[] = {2, 3, 5};  // 5: stuart5.png, missed at 2, 3 and 4
// A lone face narrower than this fraction of the photo's smaller side may be a part of a tight chip.
constexpr float kPhotoSmallFace = 0.5f;
// Whether face_embed_photo tries the canvases after the photo itself: no face, or exactly one
// and it is small (a group photo keeps its faces). faces: how many the photo had; face_width:
// the largest one's.
bool photo_face_needs_canvas(size_t faces, float face_width, int width, int height);
// Whether the canvas's largest face (cx, cy, cw, ch, moved back to photo coordinates) replaces
// the photo's lone face (px, py, pw, ph): at least kPhotoCanvasGrowth times as wide, and
// around the same place (it holds the photo face's centre), so a canvas can only complete a
// partial face, never swap it for another or re-box a whole one: amy2's 70 px part becomes a
// 150+ px face (2.1x), while the 149 px face of a 320x320 frame (samples/frames/amy3.png)
// comes back ~1.05x and the frame keeps its own detection (and the public API's answer).
constexpr float kPhotoCanvasGrowth = 1.5f;
bool photo_canvas_face_wins(float px, float py, float pw, float ph, float cx, float cy, float cw, float ch);

// `in` in the middle of a (factor x width) x (factor x height) kPhotoCanvasGray canvas.
Image pad_into_canvas(const Image& in, int factor);
// Where pad_into_canvas puts the photo's top-left pixel: canvas coordinates minus this are
// photo coordinates.
void pad_canvas_origin(int width, int height, int factor, int* x0, int* y0);

[[nodiscard]] Status face_embed_largest(FacePipeline& p, const Image& img, PipelineFace* face, bool* found);
[[nodiscard]] Status face_embed_photo(FacePipeline& p, const Image& photo, PipelineFace* face, bool* found);

}  // namespace fg
