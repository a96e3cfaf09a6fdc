// One face from one picture, the way the door takes it: the rule every command shares.
//
//   face_embed_largest: detector -> the largest box (area; the first of equals in detector
//     order, as the door's stable sort keeps it) -> landmarks -> aligned chip -> encoder.
//     A door frame's path (tools/door/door_loop.cc runs these stages one by one to time
//     them; the choice of face is this one).
//   face_embed_photo: the same, and when no face is found the picture is pasted into the
//     middle of a mid-gray canvas 2x, then 3x its size and detected again. Tight face chips
//     (samples/faces, 150x150) leave the detector no context; the canvas gives it some.
//     A door's enrolment photos go through this (tools/door/door_gallery.h).
// *found = false: no face in any try (not an error). A Status error is a failure of the
// nets or of the aligner, never "no face".
#pragma once
#include "runtime/vision/face_pipeline.h"

namespace fg {

// Mid-gray reads as "background" to the detector.
constexpr uint8_t kPhotoCanvasGray = 128;

// `in` in the middle of a (factor x width) x (factor x height) kPhotoCanvasGray canvas.
Image pad_into_canvas(const Image& in, int factor);

[[nodiscard]] Status face_embed_largest(FacePipeline& p, const Image& img, PipelineFace* face, bool* found);
[[nodiscard]] Status face_embed_photo(FacePipeline& p, const Image& photo, PipelineFace* face, bool* found);

}  // namespace fg
