// Face tracking between frames (issue 14 item 2; InspireFace's tracking mode), --redetect-every N:
//
//   no track, or N frames since the detector, or liveness about to judge the face
//        -> full detector; the largest face starts (or continues) the track
//   else -> predicted box = the last detection's box, expressed in units of its landmarks'
//           bounding box, re-applied to the last frame's landmarks + their last step
//           (constant velocity) -> landmark net -> embedding -> match, as on a detector box
//   lost -> the detector runs on this same frame; why (DoorTrack counters):
//     edge        the predicted box leaves the frame (the landmark crop would be clipped)
//     fit         the 68 points do not fill the predicted box as they filled the detector's
//                 (their box, mapped back, overlaps the prediction by IoU < options.min_fit_iou)
//     appearance  the embedding moved more than options.max_step (squared L2) since the
//                 last frame: not the same face. This is the "still a face" check: the
//                 landmark net has no confidence output and puts 68 plausible points on a
//                 wall, but a wall's (or another person's) embedding is far from the last
//                 frame's face (tests/test_door_track.cc measures both)
//     identity    the nearest enrolled person within tau is not the track's
//   A lost track on appearance or identity is a different face: the door ends the visit
//   ("track_lost", door_visit.h), so nobody inherits the votes of the person before.
//
// Liveness sees the same crops as without tracking: a frame whose face liveness would judge
// (the last frame's face was within tau of someone in an undecided visit) runs the detector,
// so door_liveness_face always gets a detector box. --all-faces runs the detector every frame.
// Pure geometry and bookkeeping: the nets are the door's (door_loop.cc).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "runtime/vision/detector_decode.h"
#include "runtime/vision/face_encoder.h"
#include "runtime/vision/landmarks_decode.h"

namespace fg::door {

struct DoorTrackOptions {
  // 0: tracking off (the detector on every frame). 10 at 10 fps re-checks the scene for a
  // new, larger face once a second; the tracked frames cost landmark + recognition only.
  int redetect_every = 10;
  // Squared L2 between consecutive frames' embeddings above which the face is another one.
  // Same face frame to frame: <= 0.05 on the moving test clip; different people: >= 0.5
  // (amy/penny); a face vs the wall behind it: > 1 (tests/test_door_track.cc prints them).
  float max_step = 0.25f;
  float min_fit_iou = 0.5f;
};

// Checks 0 <= redetect_every <= 1000, max_step in (0, 4], min_fit_iou in [0, 1].
bool door_track_options_valid(const DoorTrackOptions& o, std::string* error);

enum class TrackLoss { kNone, kEdge, kFit, kAppearance, kIdentity, kMoved };
const char* track_loss_name(TrackLoss l);

struct DoorTrack {
  DoorTrackOptions options;
  bool active = false;
  int since_detect = 0;  // tracked frames since the detector last ran on this track
  // The detector box relative to its landmarks' bounding box (origin + size in its units).
  double rel_x = 0, rel_y = 0, rel_w = 1, rel_h = 1;
  double score = 0;
  std::vector<Point2> landmarks;  // last frame's
  double step_x = 0, step_y = 0;  // last frame-to-frame motion of the landmarks' centre
  bool has_embedding = false;
  float embedding[kEmbeddingDim] = {};
  std::string person;  // nearest enrolled person within tau at the last frame ("" none)
  bool liveness_next = false;  // liveness will judge the next frame's face: detector needed
  // Counters (the exit statistics).
  int64_t tracked_frames = 0, detector_frames = 0;
  int64_t lost[6] = {};  // by TrackLoss
};

// The bounding box of the points.
FaceBox landmarks_bounds(const std::vector<Point2>& pts);
// The box a detector would give for these landmarks, by the track's last detection.
FaceBox door_track_box_for(const DoorTrack& t, const std::vector<Point2>& pts);

// True (and *box) when this frame may skip the detector. False: run it; a track that left
// the frame is dropped (counted kEdge).
bool door_track_predict(DoorTrack& t, int frame_w, int frame_h, FaceBox* box);

// After the detector: the box the door will follow (the largest) and its landmarks. A box
// not overlapping the track's prediction (IoU < 0.3) is another face: counted kMoved, the
// track restarts on it (the embedding checks below then decide whether it is a new person).
void door_track_detected(DoorTrack& t, const FaceBox& box, const std::vector<Point2>& pts, int frame_w,
                         int frame_h);

// A tracked frame's landmarks on `predicted`: kNone or kFit.
TrackLoss door_track_check_fit(const DoorTrack& t, const FaceBox& predicted, const std::vector<Point2>& pts);

// Any frame of a track, after the match: kNone, kAppearance or kIdentity. `person`: nearest
// enrolled person within tau ("" none).
TrackLoss door_track_check_face(const DoorTrack& t, const float* embedding, const std::string& person);

// The frame's face is the track's: keep its landmarks, embedding and person.
void door_track_update(DoorTrack& t, const std::vector<Point2>& pts, const float* embedding,
                       const std::string& person, bool liveness_next);

// Ends the track (counted by `why` unless kNone).
void door_track_drop(DoorTrack& t, TrackLoss why);

// "tracked 90 of 100 frames, detector 10; lost: edge 0, fit 0, appearance 1, identity 0, moved 0"
std::string door_track_describe(const DoorTrack& t);

}  // namespace fg::door
