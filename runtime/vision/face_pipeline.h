// The whole-frame stage chain (ARCHITECTURE.md §2, §4-6; DESIGN.md "The flow of one frame"):
//
//   frame (RGB8) -> tiny detector @input_size -> decode + NMS -> boxes
//     -> landmark crop (box clipped + floored) -> landmark net -> 68 points in frame pixels
//     -> descriptor input: kCrop  = face-api's axis-aligned square (§6), or
//                          kAlign = dlib-style similarity-transform chip (runtime/vision/aligner.h)
//     -> encoder -> 128-D embedding
//
// One FacePipeline owns the three prepared nets (arenas planned once) and its scratch, so a
// stream of frames of one size does not allocate after the first frame, except the aligned
// chip in kAlign mode (one 150x150 image per face). A pipeline is not thread-safe: use one
// per thread (the eval does).
//
// Detector input sizes: the detector model is compiled for one input size. The default
// (416) is models/detector.fgm; another size N needs models/detector<N>.fgm next to it
// (fg_convert --net detector --input-size N).
#pragma once
#include <string>
#include <vector>

#include "runtime/vision/aligner.h"
#include "runtime/vision/detector_decode.h"
#include "runtime/core/executor.h"
#include "runtime/vision/face_crop.h"
#include "runtime/vision/face_encoder.h"
#include "runtime/vision/image.h"
#include "runtime/vision/landmarks_decode.h"
#include "runtime/vision/yunet_decode.h"

namespace fg {

enum class DescriptorMode {
  kCrop,   // face-api: axis-aligned square around eyes and mouth, no rotation (§6)
  kAlign,  // dlib face chip: rotation + uniform scale + translation to a template
};
const char* descriptor_mode_name(DescriptorMode m);

// How two embeddings are compared. Both are squared distances so one tau scale fits both:
// kCosine is ||a/|a| - b/|b|||^2 = 2 - 2 cos(a, b) (same order as cosine distance).
enum class DistanceMetric { kSquaredL2, kCosine };
const char* distance_metric_name(DistanceMetric m);
float embedding_distance(const float* a, const float* b, DistanceMetric metric);

// Test-time augmentation: at most this many jittered extra chips (shifts of 1 chip pixel
// in x and y, zoom 0.98/1.02), averaged with the plain chip's embedding.
constexpr int kMaxJitterChips = 6;
constexpr int kRecognitionInputSize = 150;  // the encoder's input side

// Which face detector stage 1 runs. YuNet's boxes are mapped to the tiny detector's framing
// (yunet_box_for_landmarks) before the landmark net, so every later stage is the same.
enum class DetectorKind { kTiny, kYunet };
const char* detector_kind_name(DetectorKind k);
bool detector_kind_from_name(const std::string& name, DetectorKind* out);

struct FacePipelineOptions {
  Backend backend = Backend::kNative;
  DetectorKind detector_kind = DetectorKind::kTiny;
  TinyDetectorOptions detector;  // input_size, score_threshold, iou_threshold
  YunetOptions yunet;            // detector_kind == kYunet: input_size (320), score, iou
  // Align scored higher on LFW (98.72% vs 98.55% crop, 10 folds, native backend).
  DescriptorMode mode = DescriptorMode::kAlign;
  FaceChipOptions chip;          // kAlign only: template, padding, size (150)
  bool embed = true;             // false: stop after landmarks (detect command)
  bool int8 = false;             // load the int8 models (<name>_int8.fgm, made by fg_quantize)
  int net_threads = 1;           // threads inside each net (NetOptions::threads; 0 = all cores)
  // Embedding = mean of the chip's and its mirror image's embeddings: one more encoder run
  // per face. LFW 98.72% -> 99.08% (tools/cli/cmd_eval.cc); off by default for the door's
  // latency, on in `facegate eval`.
  bool flip_average = false;
  int jitter = 0;                // kAlign only: 0..kMaxJitterChips extra chips averaged in
  // A second landmark pass on the detector box re-centred on the first pass's landmarks.
  bool refine_landmarks = false;
  // Landmark test-time flip: the landmark net also sees its mirrored input; those points,
  // mirrored back (landmarks68_unmirror_net_output), are averaged with the plain ones.
  // LFW (flip + cosine, 10 folds): 99.07% -> 98.95%, so off everywhere.
  bool landmark_flip = false;
  // kAlign only: the embedding is the mean of the aligned chip's and face-api's axis-aligned
  // crop's (kCrop) embeddings (each with its mirror when flip_average). LFW with flip + cosine:
  // 99.15% -> 99.27% (10 folds); twice the encoder time, so only `facegate eval` turns it on.
  bool multi_view = false;
};

struct PipelineFace {
  FaceBox box;                   // detector box in frame pixels (not clipped), with score
  CropRect landmark_crop;        // what the landmark net saw
  std::vector<Point2> landmarks; // 68 points, frame pixels
  CropRect descriptor_crop;      // kCrop or multi_view: face-api's crop region (else zero-size)
  bool has_embedding = false;
  float embedding[kEmbeddingDim] = {};
};

struct FacePipeline {
  FacePipelineOptions options;
  Model detector_model, landmark_model;
  Net detector_net, landmark_net;
  FaceEncoder encoder;
  Image chip;                    // scratch: the aligned chip (kAlign)
  std::vector<FaceBox> boxes;    // scratch: detector output of the current frame
  std::vector<YunetFace> yunet_faces;  // scratch: YuNet's own boxes + 5 points (kYunet)
  std::vector<float> tensor;     // scratch: the encoder input kept for its mirror (flip_average)
  std::vector<float> landmark_tensor;  // scratch: the landmark input kept for its mirror
};

// The detector model file for an input size: detector.fgm for 416, detector<N>.fgm otherwise
// (with "_int8" before ".fgm" for the int8 model).
std::string detector_model_file(int input_size, bool int8 = false);

// Loads detector/landmark68/recognition models from model_dir and prepares them.
[[nodiscard]] Status face_pipeline_open(const std::string& model_dir, const FacePipelineOptions& options,
                                        FacePipeline* p);

// Stage 1: boxes in frame pixels, highest score first (NMS pick order).
[[nodiscard]] Status face_pipeline_detect(FacePipeline& p, const Image& frame, std::vector<FaceBox>* boxes);

// Stage 2: landmark crop + 68 points for one box (face->box is set to `box`).
[[nodiscard]] Status face_pipeline_landmarks(FacePipeline& p, const Image& frame, const FaceBox& box,
                                             PipelineFace* face);

// Stage 3+4: descriptor crop or aligned chip from face->landmarks, then the encoder.
[[nodiscard]] Status face_pipeline_embed(FacePipeline& p, const Image& frame, PipelineFace* face);

// All stages for every detected face (faces in detector order; embeddings if options.embed).
[[nodiscard]] Status face_pipeline_run(FacePipeline& p, const Image& frame, std::vector<PipelineFace>* faces);

// Mirrors an n x n x 3 (HWC) net input left-right in place (flip averaging, landmark flip).
void mirror_hwc_tensor(float* t, int n);

// Index of the face with the largest box area, -1 when empty (verify's "the face").
int largest_face(const std::vector<PipelineFace>& faces);

}  // namespace fg
