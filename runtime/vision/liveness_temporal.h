// Temporal liveness checks from what the door already computes per frame (68 landmarks, the
// face box): docs/liveness.md "Temporal checks". Pure functions and small state, no nets.
//
//   blink      eye aspect ratio (Soukupova & Cech 2016) of points 36-41 and 42-47:
//              EAR = (|p2-p6| + |p3-p5|) / (2 |p1-p4|); a blink is a dip below
//              closed_ratio x the open level that recovers above reopen_ratio x it within
//              max_closed_s (a human blink lasts 0.1-0.4 s; longer is eyes held shut).
//   planarity  landmarks of one frame -> another (the door: the visit's first checked face ->
//              the current one, so motion accumulates): least-squares similarity (4 dof) and
//              homography (8 dof, DLT with Hartley normalisation). A flat photo or screen
//              tilted in front of the camera moves its points by a homography that a
//              similarity cannot explain; a turning head fits neither (the nose and the
//              jaw line are at other depths than the eyes). Residuals are RMS point errors
//              divided by the inter-ocular distance (outer corners 36, 45) of the first frame.
//              Measured with the 68-point net (docs/liveness.md): its noise and face-shape
//              prior keep real tilted photos from fitting, so the door's check rarely fires.
//   identical  mean absolute difference of 32x32 grey thumbnails of consecutive face boxes:
//              a repeated frame (a still image fed as a stream) gives exactly 0; the door's
//              threshold is far below what a live camera's noise and motion give.
#pragma once
#include <cstdint>
#include <vector>

#include "runtime/vision/detector_decode.h"
#include "runtime/vision/image.h"
#include "runtime/vision/landmarks_decode.h"

namespace fg {

// EAR of the eye whose six points start at `first` (36: right eye, 42: left eye); 0 when the
// points are degenerate (|p1-p4| == 0) or there are fewer than first + 6 points.
float eye_aspect_ratio(const std::vector<Point2>& pts, int first);
// Mean of both eyes' EAR (68-point layout).
float eyes_aspect_ratio(const std::vector<Point2>& pts68);

struct BlinkOptions {
  float closed_ratio = 0.75f;  // closed: EAR < closed_ratio x open level
  float reopen_ratio = 0.90f;  // open again: EAR >= reopen_ratio x open level
  double max_closed_s = 0.5;   // longer closures are not blinks
  int min_open_frames = 2;     // open frames seen before a closure counts (the open level)
};

struct BlinkState {
  float open_level = 0.f;   // EMA of EAR over open frames
  int open_frames = 0;
  bool closed = false;
  double closed_since_s = 0;
  float min_ear = 0.f;      // lowest EAR of the current closure
  int blinks = 0;
  double last_blink_s = -1;
  float last_blink_depth = 0.f;  // min EAR / open level of the last blink
};

// One frame at time t (seconds, increasing). True when this frame completes a blink.
bool blink_step(BlinkState& s, const BlinkOptions& o, double t, float ear);

// Row-major 3x3, h[8] == 1.
struct Homography {
  double h[9] = {1, 0, 0, 0, 1, 0, 0, 0, 1};
};
Point2 homography_apply(const Homography& H, Point2 p);
// Least squares over n >= 4 correspondences a[i] -> b[i]; false when degenerate.
bool homography_fit(const Point2* a, const Point2* b, int n, Homography* out);

struct PlanarityResult {
  bool valid = false;           // both frames had 68 points and a usable eye distance
  float motion = 0.f;           // RMS point displacement / inter-ocular distance
  float similarity_residual = 0.f;
  float homography_residual = 0.f;
};
PlanarityResult planarity_measure(const std::vector<Point2>& prev68, const std::vector<Point2>& cur68);

struct PlanarityOptions {
  // Judged only when a similarity leaves this much unexplained (out-of-plane motion): a face
  // translating, scaling or rolling in the image plane tells nothing about depth.
  float min_out_of_plane = 0.02f;
  // Flat: the homography explains the motion to within this fraction of the similarity's
  // residual.
  float flat_ratio = 0.35f;
};
// True when the step looks like a flat object tilted in front of the camera.
bool planarity_is_flat(const PlanarityResult& r, const PlanarityOptions& o);

constexpr int kThumbSide = 32;
// 32x32 grey thumbnail (box clamped to the frame, nearest-neighbour over box-area means).
void face_thumbnail(const Image& rgb, const FaceBox& box, std::vector<uint8_t>* out);
// Mean absolute difference of two thumbnails (grey levels); -1 when sizes differ.
float thumbnail_difference(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b);

}  // namespace fg
