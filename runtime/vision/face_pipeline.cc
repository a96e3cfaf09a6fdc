#include "runtime/vision/face_pipeline.h"

#include <algorithm>
#include <cmath>

#include "runtime/vision/preprocess.h"

namespace fg {

const char* descriptor_mode_name(DescriptorMode m) { return m == DescriptorMode::kCrop ? "crop" : "align"; }

const char* distance_metric_name(DistanceMetric m) { return m == DistanceMetric::kCosine ? "cosine" : "l2sq"; }

float embedding_distance(const float* a, const float* b, DistanceMetric metric) {
  if (metric == DistanceMetric::kSquaredL2) return embedding_distance_sq(a, b);
  double aa = 0, bb = 0, ab = 0;
  for (int i = 0; i < kEmbeddingDim; ++i) aa += a[i] * a[i], bb += b[i] * b[i], ab += a[i] * b[i];
  if (aa <= 0 || bb <= 0) return 2.f;  // a zero vector is orthogonal to everything
  return (float)std::max(0.0, 2 - 2 * ab / std::sqrt(aa * bb));
}

const char* detector_kind_name(DetectorKind k) { return k == DetectorKind::kYunet ? "yunet" : "tiny"; }

bool detector_kind_from_name(const std::string& name, DetectorKind* out) {
  if (name != "tiny" && name != "yunet") return false;
  *out = name == "yunet" ? DetectorKind::kYunet : DetectorKind::kTiny;
  return true;
}

std::string detector_model_file(int input_size, bool int8) {
  return (input_size == 416 ? "detector" : "detector" + std::to_string(input_size)) + (int8 ? "_int8.fgm" : ".fgm");
}

namespace {

Status open_net(const std::string& path, const char* want_name, const FacePipelineOptions& options, Model* model,
                Net* net) {
  FG_RETURN_IF_ERROR(model_load_file(path, model));
  if (model->net_name != want_name)
    return Status::error(path + ": is a '" + model->net_name + "' model, not the " + want_name + " net");
  if (model->inputs.size() != 1 || model->outputs.empty())
    return Status::error(path + ": expected one input and at least one output");
  NetOptions opt;
  opt.backend = options.backend;
  opt.threads = options.net_threads;
  return net_prepare(*model, opt, net);
}


// Runs the encoder on its input tensor and adds `weight` times the result to sum (and, with
// flip, the mirrored tensor's too). net_run reuses the input buffer as arena scratch, so the
// tensor is saved in `keep` before the first run.
void encode_into(FaceEncoder& enc, bool flip, double weight, std::vector<float>* keep, double* sum) {
  float* input = net_input(enc.net);
  const size_t n = (size_t)kRecognitionInputSize * kRecognitionInputSize * 3;
  if (flip) keep->assign(input, input + n);
  for (int pass = 0; pass < (flip ? 2 : 1); ++pass) {
    if (pass == 1) {
      std::copy(keep->begin(), keep->end(), input);
      mirror_hwc_tensor(input, kRecognitionInputSize);
    }
    net_run(enc.net);
    const float* out = net_output(enc.net);
    for (int i = 0; i < kEmbeddingDim; ++i) sum[i] += weight * out[i];
  }
}

// The landmark net on crop c; 68 points shifted by (box_x, box_y). With landmark_flip the net
// runs again on the mirrored input (saved first: net_run reuses the input buffer) and the
// two answers are averaged in the net's output coordinates before decoding.
Status run_landmark_net(FacePipeline& p, const Image& frame, const CropRect& c, double box_x, double box_y,
                        std::vector<Point2>* points) {
  float* input = net_input(p.landmark_net);
  FG_RETURN_IF_ERROR(
      preprocess_region(frame, c.x, c.y, c.width, c.height, landmark_input_spec(), PixelOrder::kRgb, input));
  const size_t n = (size_t)kLandmarkNetInputSize * kLandmarkNetInputSize * 3;
  const bool flip = p.options.landmark_flip;
  if (flip) p.landmark_tensor.assign(input, input + n);
  net_run(p.landmark_net);
  if (!flip)  // face-api shifts by the un-floored box (§4): kept for parity.
    return landmarks68_decode(net_output(p.landmark_net), c.width, c.height, box_x, box_y, points);
  float plain[2 * kLandmarkCount], mirrored[2 * kLandmarkCount];
  std::copy(net_output(p.landmark_net), net_output(p.landmark_net) + 2 * kLandmarkCount, plain);
  std::copy(p.landmark_tensor.begin(), p.landmark_tensor.end(), input);
  mirror_hwc_tensor(input, kLandmarkNetInputSize);
  net_run(p.landmark_net);
  landmarks68_unmirror_net_output(net_output(p.landmark_net), mirrored);
  for (int i = 0; i < 2 * kLandmarkCount; ++i) plain[i] = 0.5f * (plain[i] + mirrored[i]);
  return landmarks68_decode(plain, c.width, c.height, box_x, box_y, points);
}

bool frame_ok(const Image& f) {
  return !f.empty() && (f.channels == 1 || f.channels == 3 || f.channels == 4) &&
         f.pixels.size() == (size_t)f.width * f.height * f.channels;
}

// YuNet: yunet<N>.fgm with three heads [N/s][N/s][16], s = 8, 16, 32.
Status open_yunet(const std::string& model_dir, const FacePipelineOptions& options, FacePipeline* p) {
  const int size = options.yunet.input_size;
  const std::string file = yunet_model_file(size, options.int8);
  const std::string path = model_dir + "/" + file;
  Status s = open_net(path, "yunet", options, &p->detector_model, &p->detector_net);
  if (!s)
    return Status::error(s.message() + " (yunet input size " + std::to_string(size) + " needs " + file +
                         (options.int8 ? ": fg_quantize on the f32 one)" : ": fg_convert --net yunet --input-size " +
                                                                                 std::to_string(size) + ")"));
  const Model& m = p->detector_model;
  bool ok = m.outputs.size() == kYunetLevels && m.tensors[m.inputs[0]].elements == (int64_t)size * size * 3;
  for (int l = 0; ok && l < kYunetLevels; ++l) {
    const int64_t n = size / kYunetStrides[l];
    ok = m.tensors[m.outputs[l]].elements == n * n * kYunetHeadChannels;
  }
  if (!ok) return Status::error(path + ": not a yunet detector for input size " + std::to_string(size));
  return Status::ok();
}

}  // namespace

Status face_pipeline_open(const std::string& model_dir, const FacePipelineOptions& options, FacePipeline* p) {
  const bool yunet = options.detector_kind == DetectorKind::kYunet;
  const int size = yunet ? options.yunet.input_size : options.detector.input_size;
  if (size < 32 || size > 1024 || size % 32 != 0)
    return Status::error("detector input size " + std::to_string(size) + " must be a multiple of 32 in 32..1024");
  p->options = options;
  const std::string suffix = options.int8 ? "_int8.fgm" : ".fgm";
  if (yunet) {
    FG_RETURN_IF_ERROR(open_yunet(model_dir, options, p));
  } else {
  const std::string det_path = model_dir + "/" + detector_model_file(size, options.int8);
  Status s = open_net(det_path, "detector", options, &p->detector_model, &p->detector_net);
  if (!s) {
    if (size != 416)
      return Status::error(s.message() + " (input size " + std::to_string(size) + " needs " +
                           detector_model_file(size, options.int8) + ": fg_convert --net detector --input-size " +
                           std::to_string(size) + ")");
    return s;
  }
  const TensorInfo& in = p->detector_model.tensors[p->detector_model.inputs[0]];
  const TensorInfo& out = p->detector_model.tensors[p->detector_model.outputs[0]];
  const int grid = size / 32;
  if (in.elements != (int64_t)size * size * 3 || out.elements != (int64_t)grid * grid * 25)
    return Status::error(det_path + ": not a tiny detector for input size " + std::to_string(size));
  }
  FG_RETURN_IF_ERROR(
      open_net(model_dir + "/landmark68" + suffix, "landmark68", options, &p->landmark_model, &p->landmark_net));
  const TensorInfo& lin = p->landmark_model.tensors[p->landmark_model.inputs[0]];
  const TensorInfo& lout = p->landmark_model.tensors[p->landmark_model.outputs[0]];
  if (lin.elements != kLandmarkNetInputSize * kLandmarkNetInputSize * 3 || lout.elements != 2 * kLandmarkCount)
    return Status::error(model_dir + "/landmark68.fgm: landmark net must map 112x112x3 to 136");
  if (options.embed)
    FG_RETURN_IF_ERROR(face_encoder_open(model_dir + "/recognition" + suffix, options.backend, &p->encoder, options.net_threads));
  if (options.chip.size != kRecognitionInputSize && options.mode == DescriptorMode::kAlign)
    return Status::error("aligned chip size must be 150 (the encoder's input)");
  if (options.jitter < 0 || options.jitter > kMaxJitterChips)
    return Status::error("jitter must be 0.." + std::to_string(kMaxJitterChips) + " extra chips");
  if (options.jitter > 0 && options.mode != DescriptorMode::kAlign)
    return Status::error("jitter needs the aligned descriptor (--align)");
  if (options.multi_view && options.mode != DescriptorMode::kAlign)
    return Status::error("multi-view needs the aligned descriptor (--align)");
  return Status::ok();
}

Status face_pipeline_detect(FacePipeline& p, const Image& frame, std::vector<FaceBox>* boxes) {
  if (!frame_ok(frame)) return Status::error("detect: empty or malformed frame (need 1, 3 or 4 channels)");
  if (!p.detector_net.model) return Status::error("detect: pipeline not opened");
  if (p.options.detector_kind == DetectorKind::kYunet) {
    const int n = p.options.yunet.input_size;
    FG_RETURN_IF_ERROR(preprocess_region(frame, 0, 0, frame.width, frame.height, yunet_input_spec(n), PixelOrder::kBgr,
                                         net_input(p.detector_net)));
    net_run(p.detector_net);
    const float* heads[kYunetLevels];
    for (int l = 0; l < kYunetLevels; ++l) heads[l] = net_output(p.detector_net, l);
    FG_RETURN_IF_ERROR(yunet_decode(heads, p.options.yunet, frame.width, frame.height, &p.yunet_faces));
    boxes->clear();
    for (const YunetFace& f : p.yunet_faces) boxes->push_back(yunet_box_for_landmarks(f.box));
    return Status::ok();
  }
  const int size = p.options.detector.input_size;
  FG_RETURN_IF_ERROR(preprocess_image(frame, tiny_detector_input_spec(size), net_input(p.detector_net)));
  net_run(p.detector_net);
  return tiny_detector_decode(net_output(p.detector_net), size / 32, p.options.detector, frame.width, frame.height,
                              boxes);
}

Status face_pipeline_landmarks(FacePipeline& p, const Image& frame, const FaceBox& box, PipelineFace* face) {
  if (!frame_ok(frame)) return Status::error("landmarks: empty or malformed frame");
  if (!p.landmark_net.model) return Status::error("landmarks: pipeline not opened");
  face->box = box;
  face->has_embedding = false;
  FG_RETURN_IF_ERROR(landmark_crop_for_box(box, frame.width, frame.height, &face->landmark_crop));
  FG_RETURN_IF_ERROR(run_landmark_net(p, frame, face->landmark_crop, box.x, box.y, &face->landmarks));
  if (!p.options.refine_landmarks) return Status::ok();
  // Second pass: same box size, centred on the first pass's landmark bounding box, so an
  // off-centre detection gives the landmark net the face where it expects it.
  double x0 = face->landmarks[0].x, x1 = x0, y0 = face->landmarks[0].y, y1 = y0;
  for (const Point2& q : face->landmarks)
    x0 = std::min(x0, q.x), x1 = std::max(x1, q.x), y0 = std::min(y0, q.y), y1 = std::max(y1, q.y);
  FaceBox refined = box;
  refined.x = (x0 + x1) / 2 - box.width / 2;
  refined.y = (y0 + y1) / 2 - box.height / 2;
  Status s = landmark_crop_for_box(refined, frame.width, frame.height, &face->landmark_crop);
  if (!s) {  // re-centred box left the frame: keep the first pass
    FG_RETURN_IF_ERROR(landmark_crop_for_box(box, frame.width, frame.height, &face->landmark_crop));
    return Status::ok();
  }
  return run_landmark_net(p, frame, face->landmark_crop, refined.x, refined.y, &face->landmarks);
}

// Shifts (chip pixels) and zooms of the jitter chips, in the order --jitter N takes them.
// --jitter 4 is the brief's 5 chips: plain, +-1 px in x, zoom 1.02 and 0.98.
static const double kJitter[kMaxJitterChips][3] = {{1, 0, 1},    {-1, 0, 1}, {0, 0, 1.02},
                                                   {0, 0, 0.98}, {0, 1, 1},  {0, -1, 1}};

Status face_pipeline_embed(FacePipeline& p, const Image& frame, PipelineFace* face) {
  if (!frame_ok(frame)) return Status::error("embed: empty or malformed frame");
  if (!p.encoder.net.model) return Status::error("embed: pipeline opened without the encoder");
  face->has_embedding = false;
  float* input = net_input(p.encoder.net);
  const bool flip = p.options.flip_average;
  double sum[kEmbeddingDim] = {};
  const bool align = p.options.mode == DescriptorMode::kAlign;
  const bool crop = !align || p.options.multi_view;
  const double view_weight = align && crop ? 0.5 : 1.0;  // multi_view: both views count alike
  face->descriptor_crop = CropRect{};
  if (crop) {
    FG_RETURN_IF_ERROR(descriptor_crop_from_landmarks(face->landmarks, face->landmark_crop.width,
                                                      face->landmark_crop.height, frame.width, frame.height,
                                                      &face->descriptor_crop));
    const CropRect& d = face->descriptor_crop;
    FG_RETURN_IF_ERROR(
        preprocess_region(frame, d.x, d.y, d.width, d.height, recognition_input_spec(), PixelOrder::kRgb, input));
    encode_into(p.encoder, flip, view_weight * (flip ? 0.5 : 1.0), &p.tensor, sum);
  }
  if (align) {
    ChipTransform t;
    FG_RETURN_IF_ERROR(face_chip_transform(face->landmarks, p.options.chip, &t));
    const int chips = 1 + p.options.jitter;
    const double weight = view_weight / (chips * (flip ? 2 : 1));
    for (int j = 0; j < chips; ++j) {
      const ChipTransform tj =
          j == 0 ? t : jitter_chip_transform(t, p.options.chip.size, kJitter[j - 1][0], kJitter[j - 1][1], kJitter[j - 1][2]);
      FG_RETURN_IF_ERROR(extract_face_chip(frame, tj, p.options.chip.size, &p.chip));
      FG_RETURN_IF_ERROR(preprocess_face_for_recognition(p.chip, input));
      encode_into(p.encoder, flip, weight, &p.tensor, sum);
    }
  }
  for (int i = 0; i < kEmbeddingDim; ++i) face->embedding[i] = (float)sum[i];
  face->has_embedding = true;
  return Status::ok();
}

Status face_pipeline_run(FacePipeline& p, const Image& frame, std::vector<PipelineFace>* faces) {
  std::vector<FaceBox>& boxes = p.boxes;  // capacity kept across frames
  FG_RETURN_IF_ERROR(face_pipeline_detect(p, frame, &boxes));
  faces->resize(boxes.size());
  for (size_t i = 0; i < boxes.size(); ++i) {
    PipelineFace& f = (*faces)[i];
    FG_RETURN_IF_ERROR(face_pipeline_landmarks(p, frame, boxes[i], &f));
    if (p.options.embed) FG_RETURN_IF_ERROR(face_pipeline_embed(p, frame, &f));
  }
  return Status::ok();
}

void mirror_hwc_tensor(float* t, int n) {
  for (int y = 0; y < n; ++y) {
    float* row = t + (size_t)y * n * 3;
    for (int l = 0, r = n - 1; l < r; ++l, --r)
      for (int k = 0; k < 3; ++k) std::swap(row[3 * l + k], row[3 * r + k]);
  }
}

int largest_face(const std::vector<PipelineFace>& faces) {
  int best = -1;
  double best_area = -1;
  for (size_t i = 0; i < faces.size(); ++i) {
    const double a = faces[i].box.width * faces[i].box.height;
    if (a > best_area) best_area = a, best = (int)i;
  }
  return best;
}

}  // namespace fg
