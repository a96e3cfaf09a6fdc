// facegate C++17 API: face detection, 68 landmarks, 128-D embeddings, 1:1 verification and a
// 1:K gallery. docs/api.md has the whole contract; in short:
//
//   facegate::PipelineOptions o;                  // model_dir empty: found without flags
//   facegate::Pipeline pipe;
//   if (auto s = facegate::Pipeline::open(o, &pipe); !s) { print(s.message()); return; }
//   facegate::VerifyResult r;
//   if (auto s = pipe.verify_files("a.jpg", "b.jpg", facegate::kDefaultTau, &r); s) ...
//
// - Errors: every fallible call returns a facegate::Status (code + a message naming the file
//   or argument). Nothing throws out of the library; an internal std::bad_alloc or other
//   exception becomes StatusCode::kInternal.
// - Threads: a Pipeline is used by one thread at a time (it owns the nets' scratch memory);
//   open one per thread. A Gallery may be used from any number of threads (it locks).
//   The free functions are thread-safe.
// - Distances are squared L2 between embeddings; two faces are "the same person" when
//   distance <= tau (`||a - b||^2 <= tau`).
// - This header includes no facegate internals (pimpl); only the C API (facegate.h) has a
//   stable ABI, the C++ API is stable at source level within a major version.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "facegate/export.h"
#include "facegate/version.h"

namespace facegate {

// The same numbers as the C API's fg_status.
enum class StatusCode : int {
  kOk = 0,
  kInvalidArgument = 1,  // null/empty argument, wrong buffer size, option out of range
  kBadInput = 2,         // unreadable or invalid image, model or gallery file
  kNoFace = 3,           // the image holds no face the detector found
  kNotFound = 4,         // a gallery name with no live record
  kBufferTooSmall = 5,   // C API only: caller's buffer too small (sizes are reported)
  kInternal = 6,         // out of memory or an unexpected failure inside the library
};

class Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}
  static Status ok() { return Status(); }
  bool is_ok() const { return code_ == StatusCode::kOk; }
  explicit operator bool() const { return is_ok(); }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

constexpr int kEmbeddingDim = 128;
constexpr int kLandmarkCount = 68;
// verify's tau: the best global squared-L2 threshold of `facegate eval lfw` (6000 pairs,
// aligned chips). 1:K galleries want lower (the door uses 0.30): false matches grow with K.
constexpr float kDefaultTau = 0.38f;

enum class Backend { kReference, kNative, kXnnpack };  // kNative: facegate's SIMD kernels
enum class Precision { kF32, kInt8 };                  // kInt8: the quantized model files
// Which nets a pipeline loads: all three, or only what a caller needs (the encoder is
// 22 MB of weights; a detect-only tool need not map it).
enum class Nets {
  kAll,          // detector + landmarks + encoder
  kDetection,    // detector + landmarks: detect, landmarks, faces(..., false)
  kRecognition,  // encoder: embed_crop, model_id
};
// What the encoder sees of a face found in a photo.
enum class Descriptor {
  kAlign,  // dlib-style 150x150 chip: rotation + scale fitted to the landmarks (LFW 98.72%)
  kCrop,   // face-api's axis-aligned square around eyes and mouth, no rotation (98.55%)
};

struct PipelineOptions {
  // Folder of the .fgm model files. Empty: $FG_MODEL_DIR, else <prefix>/share/facegate/models
  // next to the installed library, else the install prefix compiled into it.
  std::string model_dir;
  Backend backend = Backend::kNative;
  Precision precision = Precision::kF32;
  int threads = 1;                 // threads inside each net; 0 = all cores
  int detector_input_size = 416;   // multiple of 32; sizes other than 416 need detector<N>.fgm
  float score_threshold = 0.5f;    // detections kept when score > this, in [0, 1)
  // Added in 0.2 (the CLI's --align / --crop, --template, --padding, --flip):
  Descriptor descriptor = Descriptor::kAlign;
  int chip_template = 5;           // kAlign: the chip is fitted to 5 or all 68 landmarks
  float chip_padding = 0.25f;      // kAlign: margin around the face, 0..2 (dlib's 0.25)
  // Embedding = mean of the face's and its mirror image's: one more encoder run per face
  // (LFW 98.72% -> 99.08%). Not applied by embed_crop().
  bool flip = false;
  // A call needing a net that was not loaded fails with kInvalidArgument.
  Nets nets = Nets::kAll;
};

// An 8-bit RGB image (interleaved R,G,B, rows `stride` bytes apart) the caller owns.
struct ImageView {
  const uint8_t* rgb = nullptr;
  int width = 0, height = 0;
  size_t stride = 0;  // 0: width * 3
};

// An owned RGB image, from load_image().
struct Image {
  int width = 0, height = 0;
  std::vector<uint8_t> rgb;  // width * height * 3
  ImageView view() const { return ImageView{rgb.data(), width, height, size_t(width) * 3}; }
};

struct Box {
  float x = 0, y = 0, width = 0, height = 0;  // pixels, top-left origin
  float score = 0;                            // detector confidence in (0, 1]
};
struct Point {
  float x = 0, y = 0;
};
using Embedding = std::array<float, kEmbeddingDim>;
using Landmarks = std::array<Point, kLandmarkCount>;  // iBUG-68 order

struct Face {
  Box box;
  Landmarks landmarks;
  Embedding embedding;
};

struct VerifyResult {
  float distance = 0;  // squared L2
  bool same = false;   // distance <= tau
  Box box_a, box_b;    // the (largest) face used in each image
};

// Decodes a JPEG / PNG / BMP / PNM file to RGB (size limits checked before decoding).
FACEGATE_API Status load_image(const std::string& path, Image* out);

// ||a - b||^2, and the threshold rule.
FACEGATE_API float distance(const Embedding& a, const Embedding& b);
inline bool same_person(float distance_sq, float tau = kDefaultTau) { return distance_sq <= tau; }

// The run-time library version ("0.1.0"); FACEGATE_VERSION_STRING is the headers'.
FACEGATE_API const char* version();

class FACEGATE_API Pipeline {
 public:
  Pipeline();
  ~Pipeline();
  Pipeline(Pipeline&&) noexcept;
  Pipeline& operator=(Pipeline&&) noexcept;
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  // Loads and prepares the detector, landmark and recognition nets. On failure *out is unchanged.
  static Status open(const PipelineOptions& options, Pipeline* out);
  bool is_open() const { return impl_ != nullptr; }

  // Faces found, highest score first.
  Status detect(const ImageView& image, std::vector<Box>* boxes);
  // 68 points (image pixels) of the face in `box`.
  Status landmarks(const ImageView& image, const Box& box, Landmarks* out);
  // Landmarks + aligned chip + encoder for the face in `box`.
  Status embed_box(const ImageView& image, const Box& box, Embedding* out);
  // The largest face's embedding (kNoFace when there is none); `face` gets its box.
  Status embed(const ImageView& image, Embedding* out, Box* face = nullptr);
  // Every stage for every face; with_embeddings false (added in 0.2): boxes and landmarks
  // only, no encoder run (embeddings left zero).
  Status faces(const ImageView& image, std::vector<Face>* out, bool with_embeddings = true);
  // The embedding of an image that already is the face crop (no detection; a non-square
  // crop is zero-padded to a square, as face-api does). Added in 0.2.
  Status embed_crop(const ImageView& image, Embedding* out);
  // 1:1 on the largest face of each image.
  Status verify(const ImageView& a, const ImageView& b, float tau, VerifyResult* out);

  // The same on files (load_image + the call above).
  Status detect_file(const std::string& path, std::vector<Box>* boxes);
  Status embed_file(const std::string& path, Embedding* out, Box* face = nullptr);
  Status verify_files(const std::string& a, const std::string& b, float tau, VerifyResult* out);

  // Identifies the recognition model (galleries refuse embeddings of another model).
  std::string model_id() const;
  // The model folder actually used.
  std::string model_dir() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

struct GalleryOptions {
  bool create_if_missing = true;  // a missing file is created (needs model_id)
  bool read_only = false;         // no write lock; enroll/remove fail with kInvalidArgument
  // The gallery key file (32 bytes, mode 0600, made by `facegate gallery keygen`): records are
  // authenticated with it (gallery format v2). Empty: $FG_GALLERY_KEY, else no key.
  std::string key_path;
  // Without a key a gallery is refused (a v1 file, or v2 without its key) unless this is set:
  // its records are then used unauthenticated, as `--insecure-gallery` does.
  bool insecure = false;
};

struct Match {
  std::string name;
  float distance = 0;  // squared L2 to the person's mean embedding
  size_t records = 0;  // live records (photos) of the person
  bool accepted = false;  // distance <= tau
};

class FACEGATE_API Gallery {
 public:
  Gallery();
  ~Gallery();
  Gallery(Gallery&&) noexcept;
  Gallery& operator=(Gallery&&) noexcept;
  Gallery(const Gallery&) = delete;
  Gallery& operator=(const Gallery&) = delete;

  // Opens (or creates) a gallery file. model_id: Pipeline::model_id() of the encoder whose
  // embeddings go in; a gallery made by another model is refused. Empty: no check (and no
  // creation).
  static Status open(const std::string& path, const std::string& model_id, const GalleryOptions& options,
                     Gallery* out);
  bool is_open() const { return impl_ != nullptr; }

  // Adds one record (one photo's embedding) to person `name` (1..64 bytes UTF-8); durable
  // (fsync'd) when it returns.
  Status enroll(const std::string& name, const Embedding& embedding, uint64_t* record_id = nullptr);
  // Marks every record of `name` deleted (kNotFound when there is none).
  Status remove(const std::string& name, size_t* removed_records = nullptr);
  // The k nearest persons, nearest first; empty gallery -> empty list.
  Status identify(const Embedding& query, float tau, size_t k, std::vector<Match>* out) const;
  size_t persons() const;
  size_t records() const;  // live records

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace facegate
