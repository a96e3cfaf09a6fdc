// Where the face nets look (ARCHITECTURE.md §5, §6):
//  * the landmark crop: the detection box clipped at the frame borders, then floored;
//  * face-api's descriptor crop ("useDlibAlignment"): an axis-aligned square around the eyes
//    and mouth, no rotation, sized from the eye-mouth distances.
// Both follow face-api's double arithmetic so crops match the golden boxes exactly.
#pragma once
#include <vector>

#include "runtime/vision/detector_decode.h"
#include "runtime/vision/landmarks_decode.h"
#include "runtime/base/status.h"

namespace fg {

// An integer pixel rectangle, [x, x+width) x [y, y+height).
struct CropRect {
  int x = 0, y = 0, width = 0, height = 0;
};

// face-api Box.clipAtImageBorders(W, H) then floor(): x,y >= 0, right/bottom clipped.
// Fails when nothing of the box lies inside the frame (face-api would throw later).
Status clip_box_at_image_borders(double x, double y, double width, double height, int frame_w,
                                 int frame_h, CropRect* out);

// §5: the crop the landmark net sees for a detection.
Status landmark_crop_for_box(const FaceBox& box, int frame_w, int frame_h, CropRect* out);

// §6: face-api's descriptor crop from 68 frame-coordinate landmarks. crop_w/crop_h are the
// landmark crop's size (face-api limits the square by them: w = min(size, crop_w + x)).
Status descriptor_crop_from_landmarks(const std::vector<Point2>& landmarks68, int crop_w,
                                      int crop_h, int frame_w, int frame_h, CropRect* out);

// Mean of points [begin, end), summed in order (JS reduce).
Point2 landmarks_mean(const std::vector<Point2>& pts, int begin, int end);

}  // namespace fg
