// The public API (include/facegate/): C and C++ error paths, and that its numbers are the
// internal pipeline's (the API must add no preprocessing of its own).
#include <doctest/doctest.h>
#include <unistd.h>

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "facegate/facegate.h"
#include "facegate/facegate.hpp"
#include "runtime/gallery/gallery_key.h"
#include "runtime/vision/face_pipeline.h"

namespace {

std::string sample(const std::string& name) {
  const char* src = std::getenv("FG_SOURCE_DIR");
  REQUIRE_MESSAGE(src, "FG_SOURCE_DIR is not set (run through ctest)");
  return std::string(src) + "/samples/frames/" + name;
}

std::string temp_path(const char* tag) {
  return "/tmp/fg_test_api_" + std::to_string(::getpid()) + "_" + tag + ".fgg";
}

// The reference: the internal pipeline with verify's defaults, largest face.
float internal_distance(const std::string& a, const std::string& b) {
  fg::FacePipeline pipe;
  REQUIRE(fg::face_pipeline_open(std::getenv("FG_MODEL_DIR"), fg::FacePipelineOptions{}, &pipe).is_ok());
  float emb[2][fg::kEmbeddingDim];
  const std::string paths[2] = {a, b};
  for (int i = 0; i < 2; ++i) {
    fg::Image img;
    std::vector<fg::PipelineFace> faces;
    REQUIRE(fg::image_load(paths[i], 3, &img).is_ok());
    REQUIRE(fg::face_pipeline_run(pipe, img, &faces).is_ok());
    REQUIRE(!faces.empty());
    std::memcpy(emb[i], faces[fg::largest_face(faces)].embedding, sizeof emb[i]);
  }
  return fg::embedding_distance_sq(emb[0], emb[1]);
}

struct CPipeline {
  fg_pipeline* p = nullptr;
  CPipeline() { REQUIRE_MESSAGE(fg_pipeline_open(nullptr, &p) == FG_OK, std::string(fg_last_error())); }
  ~CPipeline() { fg_pipeline_close(p); }
};

}  // namespace

TEST_CASE("C API: version and status names") {
  CHECK(std::string(fg_version()) == FACEGATE_VERSION_STRING);
  CHECK(std::string(facegate::version()) == FACEGATE_VERSION_STRING);
  CHECK(std::string(fg_status_name(FG_ERR_NO_FACE)) == "FG_ERR_NO_FACE");
  CHECK(std::string(fg_status_name(99)) == "FG_ERR_UNKNOWN");
  CHECK(int(facegate::StatusCode::kBufferTooSmall) == FG_ERR_BUFFER_TOO_SMALL);
}

TEST_CASE("C API: bad arguments and bad paths give codes and messages, never a crash") {
  fg_pipeline* p = nullptr;
  CHECK(fg_pipeline_open(nullptr, nullptr) == FG_ERR_INVALID_ARGUMENT);
  CHECK(std::string(fg_last_error()).find("out is null") != std::string::npos);

  fg_pipeline_options o;
  fg_pipeline_options_init(&o);
  o.model_dir = "/nonexistent/models";
  CHECK(fg_pipeline_open(&o, &p) == FG_ERR_BAD_INPUT);
  CHECK(std::string(fg_last_error()).find("/nonexistent/models") != std::string::npos);
  CHECK(p == nullptr);

  fg_pipeline_options_init(&o);
  o.struct_size = 3;
  CHECK(fg_pipeline_open(&o, &p) == FG_ERR_INVALID_ARGUMENT);
  fg_pipeline_options_init(&o);
  o.detector_input_size = 100;
  CHECK(fg_pipeline_open(&o, &p) == FG_ERR_INVALID_ARGUMENT);
  fg_pipeline_options_init(&o);
  o.backend = 7;
  CHECK(fg_pipeline_open(&o, &p) == FG_ERR_INVALID_ARGUMENT);

  CPipeline c;
  float emb[FG_EMBEDDING_DIM];
  CHECK(fg_pipeline_embed_file(c.p, "/nonexistent.jpg", emb, FG_EMBEDDING_DIM, nullptr) == FG_ERR_BAD_INPUT);
  CHECK(std::string(fg_last_error()).find("/nonexistent.jpg") != std::string::npos);
  CHECK(fg_pipeline_embed_file(c.p, sample("amy3.png").c_str(), emb, 127, nullptr) == FG_ERR_INVALID_ARGUMENT);
  CHECK(fg_pipeline_embed_file(c.p, sample("amy3.png").c_str(), nullptr, FG_EMBEDDING_DIM, nullptr) ==
        FG_ERR_INVALID_ARGUMENT);
  CHECK(fg_pipeline_embed_file(c.p, sample("wall.png").c_str(), emb, FG_EMBEDDING_DIM, nullptr) == FG_ERR_NO_FACE);
  CHECK(std::string(fg_last_error()).find("wall.png") != std::string::npos);

  // Image buffers: too small reports the size; a stride below width*3 is refused.
  int w = 0, h = 0;
  uint8_t tiny[16];
  CHECK(fg_image_load(sample("amy3.png").c_str(), tiny, sizeof tiny, &w, &h) == FG_ERR_BUFFER_TOO_SMALL);
  CHECK(w == 320);
  CHECK(h == 320);
  std::vector<uint8_t> rgb(size_t(w) * h * 3);
  fg_image img{rgb.data(), w, h, size_t(w) * 3 - 1};
  size_t n = 0;
  CHECK(fg_pipeline_detect(c.p, &img, nullptr, 0, &n) == FG_ERR_INVALID_ARGUMENT);
  img.rgb = nullptr;
  img.stride = 0;
  CHECK(fg_pipeline_detect(c.p, &img, nullptr, 0, &n) == FG_ERR_INVALID_ARGUMENT);
  CHECK(fg_pipeline_detect(c.p, nullptr, nullptr, 0, &n) == FG_ERR_INVALID_ARGUMENT);
  fg_box huge{0, 0, 1e30f, 1, 1};
  img.rgb = rgb.data();
  fg_point pts[FG_LANDMARK_COUNT];
  CHECK(fg_pipeline_landmarks(c.p, &img, &huge, pts, FG_LANDMARK_COUNT) == FG_ERR_INVALID_ARGUMENT);
  CHECK(fg_pipeline_landmarks(c.p, &img, &huge, pts, 67) == FG_ERR_BUFFER_TOO_SMALL);
  CHECK(fg_distance(emb, nullptr, 128, nullptr) == FG_ERR_INVALID_ARGUMENT);
  CHECK(fg_pipeline_verify_files(c.p, "/nope1.png", "/nope2.png", -1.f, nullptr, nullptr) == FG_ERR_INVALID_ARGUMENT);

  // An explicit FG_MODEL_DIR without models is refused, not skipped.
  const std::string saved = std::getenv("FG_MODEL_DIR");
  ::setenv("FG_MODEL_DIR", "/tmp", 1);
  CHECK(fg_pipeline_open(nullptr, &p) == FG_ERR_BAD_INPUT);
  CHECK(std::string(fg_last_error()).find("FG_MODEL_DIR=/tmp") != std::string::npos);
  ::setenv("FG_MODEL_DIR", saved.c_str(), 1);
}

TEST_CASE("C API: two bundled photos: detect, landmarks, embed; the distance is the internal pipeline's") {
  CPipeline c;
  const std::string a = sample("amy3.png"), b = sample("amy4.png"), other = sample("sheldon3.png");
  float ea[FG_EMBEDDING_DIM], eb[FG_EMBEDDING_DIM];
  fg_box face_a;
  REQUIRE_MESSAGE(fg_pipeline_embed_file(c.p, a.c_str(), ea, FG_EMBEDDING_DIM, &face_a) == FG_OK, std::string(fg_last_error()));
  REQUIRE_MESSAGE(fg_pipeline_embed_file(c.p, b.c_str(), eb, FG_EMBEDDING_DIM, nullptr) == FG_OK, std::string(fg_last_error()));
  float d = -1;
  REQUIRE(fg_distance(ea, eb, FG_EMBEDDING_DIM, &d) == FG_OK);
  CHECK(d == internal_distance(a, b));  // same code path: bit-identical
  CHECK(d > 0.f);

  float dv = -1;
  int same = -1;
  REQUIRE(fg_pipeline_verify_files(c.p, a.c_str(), b.c_str(), FG_DEFAULT_TAU, &dv, &same) == FG_OK);
  CHECK(dv == d);
  CHECK(same == (d <= FG_DEFAULT_TAU ? 1 : 0));
  CHECK(same == 1);  // amy vs amy
  REQUIRE(fg_pipeline_verify_files(c.p, a.c_str(), other.c_str(), FG_DEFAULT_TAU, &dv, &same) == FG_OK);
  CHECK(same == 0);  // amy vs sheldon
  CHECK(dv > FG_DEFAULT_TAU);

  // The in-memory path: load, detect, landmarks, embed_box on the largest box.
  int w = 0, h = 0;
  REQUIRE(fg_image_load(a.c_str(), nullptr, 0, &w, &h) == FG_ERR_BUFFER_TOO_SMALL);
  std::vector<uint8_t> rgb(size_t(w) * h * 3);
  REQUIRE(fg_image_load(a.c_str(), rgb.data(), rgb.size(), &w, &h) == FG_OK);
  fg_image img{rgb.data(), w, h, 0};
  size_t n = 0;
  REQUIRE(fg_pipeline_detect(c.p, &img, nullptr, 0, &n) == FG_OK);  // count only
  REQUIRE(n >= 1);
  std::vector<fg_box> boxes(n);
  REQUIRE(fg_pipeline_detect(c.p, &img, boxes.data(), boxes.size(), &n) == FG_OK);
  CHECK(boxes[0].score > 0.5f);
  fg_point pts[FG_LANDMARK_COUNT];
  REQUIRE(fg_pipeline_landmarks(c.p, &img, &face_a, pts, FG_LANDMARK_COUNT) == FG_OK);
  for (const fg_point& q : pts) {
    CHECK(q.x > face_a.x - face_a.width);
    CHECK(q.x < face_a.x + 2 * face_a.width);
  }
  float eimg[FG_EMBEDDING_DIM], ebox[FG_EMBEDDING_DIM];
  REQUIRE(fg_pipeline_embed(c.p, &img, eimg, FG_EMBEDDING_DIM, nullptr) == FG_OK);
  CHECK(std::memcmp(eimg, ea, sizeof ea) == 0);
  REQUIRE(fg_pipeline_embed_box(c.p, &img, &face_a, ebox, FG_EMBEDDING_DIM) == FG_OK);
  float dbox = 1;
  REQUIRE(fg_distance(ebox, ea, FG_EMBEDDING_DIM, &dbox) == FG_OK);
  CHECK(dbox < 1e-4f);  // the box went through float: landmarks may move by a rounding step
  // A padded stride gives the same answer as a packed one.
  std::vector<uint8_t> padded(size_t(w + 5) * 3 * h);
  for (int y = 0; y < h; ++y) std::memcpy(&padded[size_t(y) * (w + 5) * 3], &rgb[size_t(y) * w * 3], size_t(w) * 3);
  fg_image pimg{padded.data(), w, h, size_t(w + 5) * 3};
  REQUIRE(fg_pipeline_embed(c.p, &pimg, eimg, FG_EMBEDDING_DIM, nullptr) == FG_OK);
  CHECK(std::memcmp(eimg, ea, sizeof ea) == 0);
}

TEST_CASE("C API: gallery enroll / identify / remove") {
  CPipeline c;
  char model_id[64];
  CHECK(fg_pipeline_model_id(c.p, model_id, 4) == FG_ERR_BUFFER_TOO_SMALL);
  REQUIRE(fg_pipeline_model_id(c.p, model_id, sizeof model_id) == FG_OK);
  const std::string path = temp_path("c");
  ::unlink(path.c_str());
  const std::string key = temp_path("c-key"), other_key = temp_path("c-key2");
  ::unlink(key.c_str());
  ::unlink(other_key.c_str());
  REQUIRE(fg::gallery_keygen(key).is_ok());
  REQUIRE(fg::gallery_keygen(other_key).is_ok());
  ::unsetenv("FG_GALLERY_KEY");
  fg_gallery* g = nullptr;
  fg_gallery_options go;
  fg_gallery_options_init(&go);
  CHECK(go.key_path == nullptr);
  CHECK(go.insecure == 0);
  // No key and not insecure: refused before anything is created.
  CHECK(fg_gallery_open(path.c_str(), model_id, &go, &g) == FG_ERR_INVALID_ARGUMENT);
  CHECK(::access(path.c_str(), F_OK) != 0);
  go.key_path = key.c_str();
  go.create_if_missing = 0;
  CHECK(fg_gallery_open(path.c_str(), model_id, &go, &g) == FG_ERR_BAD_INPUT);
  CHECK(fg_gallery_open(path.c_str(), nullptr, &go, &g) == FG_ERR_BAD_INPUT);
  go.create_if_missing = 1;
  CHECK(fg_gallery_open(path.c_str(), nullptr, &go, &g) == FG_ERR_INVALID_ARGUMENT);  // create needs the id
  REQUIRE_MESSAGE(fg_gallery_open(path.c_str(), model_id, &go, &g) == FG_OK, std::string(fg_last_error()));

  float amy[FG_EMBEDDING_DIM], sheldon[FG_EMBEDDING_DIM], probe[FG_EMBEDDING_DIM];
  REQUIRE(fg_pipeline_embed_file(c.p, sample("amy3.png").c_str(), amy, FG_EMBEDDING_DIM, nullptr) == FG_OK);
  REQUIRE(fg_pipeline_embed_file(c.p, sample("sheldon3.png").c_str(), sheldon, FG_EMBEDDING_DIM, nullptr) == FG_OK);
  REQUIRE(fg_pipeline_embed_file(c.p, sample("amy4.png").c_str(), probe, FG_EMBEDDING_DIM, nullptr) == FG_OK);
  uint64_t id = 0;
  CHECK(fg_gallery_enroll(g, "amy", amy, 10, &id) == FG_ERR_INVALID_ARGUMENT);
  CHECK(fg_gallery_enroll(g, std::string(65, 'x').c_str(), amy, FG_EMBEDDING_DIM, &id) == FG_ERR_INVALID_ARGUMENT);
  REQUIRE(fg_gallery_enroll(g, "amy", amy, FG_EMBEDDING_DIM, &id) == FG_OK);
  REQUIRE(fg_gallery_enroll(g, "sheldon", sheldon, FG_EMBEDDING_DIM, nullptr) == FG_OK);
  size_t persons = 0, records = 0;
  REQUIRE(fg_gallery_count(g, &persons, &records) == FG_OK);
  CHECK(persons == 2);
  CHECK(records == 2);

  fg_match m[4];
  size_t n = 0;
  REQUIRE(fg_gallery_identify(g, probe, FG_EMBEDDING_DIM, FG_DEFAULT_TAU, m, 4, &n) == FG_OK);
  REQUIRE(n == 2);
  CHECK(std::string(m[0].name) == "amy");
  CHECK(m[0].accepted == 1);
  CHECK(m[1].accepted == 0);
  float d = 0;
  REQUIRE(fg_distance(probe, amy, FG_EMBEDDING_DIM, &d) == FG_OK);
  CHECK(m[0].distance == doctest::Approx(d).epsilon(1e-5));
  CHECK(fg_gallery_identify(g, probe, FG_EMBEDDING_DIM, FG_DEFAULT_TAU, m, 0, &n) == FG_ERR_INVALID_ARGUMENT);

  size_t removed = 0;
  CHECK(fg_gallery_remove(g, "nobody", &removed) == FG_ERR_NOT_FOUND);
  REQUIRE(fg_gallery_remove(g, "amy", &removed) == FG_OK);
  CHECK(removed == 1);
  REQUIRE(fg_gallery_identify(g, probe, FG_EMBEDDING_DIM, FG_DEFAULT_TAU, m, 4, &n) == FG_OK);
  REQUIRE(n == 1);
  CHECK(std::string(m[0].name) == "sheldon");
  fg_gallery_close(g);

  // Another encoder's gallery is refused; so is another key (the records cannot be
  // authenticated), and no key at all unless insecure.
  CHECK(fg_gallery_open(path.c_str(), "recognition-f32-00000000", &go, &g) == FG_ERR_BAD_INPUT);
  go.key_path = other_key.c_str();
  CHECK(fg_gallery_open(path.c_str(), model_id, &go, &g) != FG_OK);
  go.key_path = nullptr;
  CHECK(fg_gallery_open(path.c_str(), model_id, &go, &g) == FG_ERR_INVALID_ARGUMENT);
  go.insecure = 1;
  REQUIRE_MESSAGE(fg_gallery_open(path.c_str(), model_id, &go, &g) == FG_OK, std::string(fg_last_error()));
  fg_gallery_close(g);
  g = nullptr;
  ::unlink(key.c_str());
  ::unlink(other_key.c_str());
  ::unlink(path.c_str());
}

TEST_CASE("C++ API: Status codes, unopened handles, embeddings equal the C API's") {
  facegate::Pipeline closed;
  facegate::Embedding e{};
  facegate::Status s = closed.embed_file("x.png", &e);
  CHECK(s.code() == facegate::StatusCode::kInvalidArgument);
  CHECK(!s);

  facegate::PipelineOptions o;
  o.model_dir = "/nonexistent";
  facegate::Pipeline p;
  s = facegate::Pipeline::open(o, &p);
  CHECK(s.code() == facegate::StatusCode::kBadInput);
  CHECK(!p.is_open());
  o.model_dir.clear();
  o.threads = -1;
  CHECK(facegate::Pipeline::open(o, &p).code() == facegate::StatusCode::kInvalidArgument);
  o.threads = 1;
  s = facegate::Pipeline::open(o, &p);
  REQUIRE_MESSAGE(s.is_ok(), s.message());
  CHECK(p.model_id().find("recognition") == 0);

  facegate::ImageView bad;
  std::vector<facegate::Box> boxes;
  CHECK(p.detect(bad, &boxes).code() == facegate::StatusCode::kInvalidArgument);

  facegate::VerifyResult r;
  s = p.verify_files(sample("amy3.png"), sample("amy4.png"), facegate::kDefaultTau, &r);
  REQUIRE_MESSAGE(s.is_ok(), s.message());
  CHECK(r.distance == internal_distance(sample("amy3.png"), sample("amy4.png")));
  CHECK(r.same);
  CHECK(facegate::same_person(r.distance, r.distance));  // the rule is <=, not <

  facegate::Image img;
  REQUIRE(facegate::load_image(sample("bbt3.jpg"), &img).is_ok());
  std::vector<facegate::Face> faces;
  REQUIRE(p.faces(img.view(), &faces).is_ok());
  CHECK(faces.size() >= 3);  // a group photo

  const std::string path = temp_path("cpp");
  ::unlink(path.c_str());
  const std::string key = temp_path("cpp-key");
  ::unlink(key.c_str());
  REQUIRE(fg::gallery_keygen(key).is_ok());
  ::setenv("FG_GALLERY_KEY", key.c_str(), 1);  // the documented fallback when key_path is empty
  facegate::Gallery g;
  REQUIRE(facegate::Gallery::open(path, p.model_id(), facegate::GalleryOptions{}, &g).is_ok());
  REQUIRE(g.enroll("face0", faces[0].embedding).is_ok());
  std::vector<facegate::Match> best;
  REQUIRE(g.identify(faces[0].embedding, facegate::kDefaultTau, 1, &best).is_ok());
  REQUIRE(best.size() == 1);
  CHECK(best[0].distance < 1e-6f);
  facegate::GalleryOptions ro;
  ro.read_only = true;
  facegate::Gallery reader;
  REQUIRE(facegate::Gallery::open(path, p.model_id(), ro, &reader).is_ok());
  CHECK(reader.enroll("x", faces[0].embedding).code() == facegate::StatusCode::kInvalidArgument);
  CHECK(reader.persons() == 1);
  ::unsetenv("FG_GALLERY_KEY");
  ::unlink(key.c_str());
  ::unlink(path.c_str());
}

namespace {

// The internal pipeline's embedding of the largest face, with the given options.
fg::PipelineFace internal_face(const std::string& path, const fg::FacePipelineOptions& o) {
  fg::FacePipeline pipe;
  REQUIRE(fg::face_pipeline_open(std::getenv("FG_MODEL_DIR"), o, &pipe).is_ok());
  fg::Image img;
  std::vector<fg::PipelineFace> faces;
  REQUIRE(fg::image_load(path, 3, &img).is_ok());
  REQUIRE(fg::face_pipeline_run(pipe, img, &faces).is_ok());
  REQUIRE(!faces.empty());
  return faces[fg::largest_face(faces)];
}

std::string face_crop(const std::string& person, int n) {
  return std::string(std::getenv("FG_SOURCE_DIR")) + "/samples/faces/" + person + "/" + person + std::to_string(n) + ".png";
}

}  // namespace

TEST_CASE("C++ API 0.2 options: descriptor, chip template/padding, flip equal the internal pipeline's") {
  struct Case {
    facegate::Descriptor d;
    int tmpl;
    float padding;
    bool flip;
  };
  for (const Case& c : {Case{facegate::Descriptor::kCrop, 5, 0.25f, false}, Case{facegate::Descriptor::kAlign, 68, 0.5f, false},
                        Case{facegate::Descriptor::kAlign, 5, 0.25f, true}}) {
    INFO("descriptor " << int(c.d) << " template " << c.tmpl << " padding " << c.padding << " flip " << c.flip);
    facegate::PipelineOptions o;
    o.descriptor = c.d;
    o.chip_template = c.tmpl;
    o.chip_padding = c.padding;
    o.flip = c.flip;
    facegate::Pipeline pipe;
    REQUIRE(facegate::Pipeline::open(o, &pipe).is_ok());
    facegate::Embedding e;
    REQUIRE(pipe.embed_file(sample("amy3.png"), &e).is_ok());
    fg::FacePipelineOptions fo;
    fo.mode = c.d == facegate::Descriptor::kCrop ? fg::DescriptorMode::kCrop : fg::DescriptorMode::kAlign;
    fo.chip.tmpl = c.tmpl == 5 ? fg::FaceChipTemplate::kFivePoint : fg::FaceChipTemplate::kSixtyEightPoint;
    fo.chip.padding = c.padding;
    fo.flip_average = c.flip;
    const fg::PipelineFace want = internal_face(sample("amy3.png"), fo);
    CHECK(std::memcmp(e.data(), want.embedding, sizeof want.embedding) == 0);
    // ...and differs from the default options' embedding (the option reached the pipeline).
    const fg::PipelineFace plain = internal_face(sample("amy3.png"), fg::FacePipelineOptions{});
    CHECK(std::memcmp(e.data(), plain.embedding, sizeof plain.embedding) != 0);
  }
  facegate::PipelineOptions bad;
  facegate::Pipeline pipe;
  bad.chip_template = 7;
  CHECK(facegate::Pipeline::open(bad, &pipe).code() == facegate::StatusCode::kInvalidArgument);
  bad = facegate::PipelineOptions{};
  bad.chip_padding = 3.f;
  CHECK(facegate::Pipeline::open(bad, &pipe).code() == facegate::StatusCode::kInvalidArgument);
  bad = facegate::PipelineOptions{};
  bad.descriptor = facegate::Descriptor(9);
  CHECK(facegate::Pipeline::open(bad, &pipe).code() == facegate::StatusCode::kInvalidArgument);
  CHECK_FALSE(pipe.is_open());
}

TEST_CASE("C++ / C API 0.2: Nets::kRecognition + embed_crop equal the internal encoder on a face crop") {
  // A model folder holding only the encoder: a kRecognition pipeline needs nothing else.
  const std::string dir = "/tmp/fg_test_api_" + std::to_string(::getpid()) + "_recog";
  REQUIRE(std::system(("mkdir -p " + dir + " && ln -sf " + std::getenv("FG_MODEL_DIR") + "/recognition.fgm " + dir +
                       "/recognition.fgm").c_str()) == 0);
  facegate::PipelineOptions o;
  o.model_dir = dir;
  o.backend = facegate::Backend::kReference;
  o.nets = facegate::Nets::kRecognition;
  facegate::Pipeline pipe;
  const facegate::Status s = facegate::Pipeline::open(o, &pipe);
  REQUIRE_MESSAGE(s.is_ok(), s.message());
  facegate::Image img;
  REQUIRE(facegate::load_image(face_crop("amy", 1), &img).is_ok());
  facegate::Embedding e;
  REQUIRE(pipe.embed_crop(img.view(), &e).is_ok());
  fg::FaceEncoder enc;
  REQUIRE(fg::face_encoder_open(dir + "/recognition.fgm", fg::Backend::kReference, &enc).is_ok());
  fg::Image internal;
  REQUIRE(fg::image_load(face_crop("amy", 1), 3, &internal).is_ok());
  float want[fg::kEmbeddingDim];
  REQUIRE(fg::face_encoder_embed(enc, internal, want).is_ok());
  CHECK(std::memcmp(e.data(), want, sizeof want) == 0);
  CHECK(pipe.model_id() == fg::encoder_model_id(enc.model));
  // The detector side is refused by name, not crashed on.
  std::vector<facegate::Box> boxes;
  const facegate::Status d = pipe.detect(img.view(), &boxes);
  CHECK(d.code() == facegate::StatusCode::kInvalidArgument);
  CHECK(d.message().find("kRecognition") != std::string::npos);
  CHECK(pipe.embed(img.view(), &e).code() == facegate::StatusCode::kInvalidArgument);
  // With every net the same folder is refused: it has no detector.
  o.nets = facegate::Nets::kAll;
  facegate::Pipeline full;
  const facegate::Status f = facegate::Pipeline::open(o, &full);
  CHECK(f.code() == facegate::StatusCode::kBadInput);
  CHECK(f.message().find("detector.fgm") != std::string::npos);

  // C: the same numbers through fg_pipeline_embed_crop; a pre-0.2 struct_size gets defaults.
  fg_pipeline_options co;
  fg_pipeline_options_init(&co);
  CHECK(co.descriptor == FG_DESCRIPTOR_ALIGN);
  CHECK(co.chip_template == 5);
  CHECK(co.flip == 0);
  CHECK(co.nets == FG_NETS_ALL);
  co.model_dir = dir.c_str();
  co.backend = FG_BACKEND_REFERENCE;
  co.nets = FG_NETS_RECOGNITION;
  fg_pipeline* p = nullptr;
  REQUIRE_MESSAGE(fg_pipeline_open(&co, &p) == FG_OK, std::string(fg_last_error()));
  const fg_image ci{img.rgb.data(), img.width, img.height, 0};
  float ce[FG_EMBEDDING_DIM];
  REQUIRE(fg_pipeline_embed_crop(p, &ci, ce, FG_EMBEDDING_DIM) == FG_OK);
  CHECK(std::memcmp(ce, want, sizeof want) == 0);
  CHECK(fg_pipeline_embed_crop(p, &ci, ce, 3) == FG_ERR_INVALID_ARGUMENT);
  fg_box box{};
  CHECK(fg_pipeline_embed(p, &ci, ce, FG_EMBEDDING_DIM, &box) == FG_ERR_INVALID_ARGUMENT);
  fg_pipeline_close(p);
  fg_pipeline_options_init(&co);
  co.struct_size = offsetof(fg_pipeline_options, descriptor);  // a 0.1 program
  co.descriptor = 99;                                          // beyond its struct: never read
  p = nullptr;
  CHECK(fg_pipeline_open(&co, &p) == FG_OK);
  fg_pipeline_close(p);
  fg_pipeline_options_init(&co);
  co.descriptor = 99;
  CHECK(fg_pipeline_open(&co, &p) == FG_ERR_INVALID_ARGUMENT);
  (void)std::system(("rm -rf " + dir).c_str());
}

TEST_CASE("C++ API 0.2: Nets::kDetection: boxes and landmarks equal kAll's, embedding calls refused") {
  facegate::PipelineOptions o;
  facegate::Pipeline all, det;
  REQUIRE(facegate::Pipeline::open(o, &all).is_ok());
  o.nets = facegate::Nets::kDetection;
  REQUIRE(facegate::Pipeline::open(o, &det).is_ok());
  facegate::Image img;
  REQUIRE(facegate::load_image(sample("bbt3.jpg"), &img).is_ok());
  std::vector<facegate::Face> a, d;
  REQUIRE(all.faces(img.view(), &a).is_ok());
  REQUIRE(det.faces(img.view(), &d, false).is_ok());
  REQUIRE(a.size() >= 3);
  REQUIRE(d.size() == a.size());
  for (size_t i = 0; i < a.size(); ++i) {
    CHECK(std::memcmp(&a[i].box, &d[i].box, sizeof a[i].box) == 0);
    CHECK(std::memcmp(a[i].landmarks.data(), d[i].landmarks.data(), sizeof a[i].landmarks) == 0);
    CHECK(d[i].embedding[0] == 0.f);  // no encoder ran
  }
  // faces(..., false) on a full pipeline: the same boxes, no embedding.
  std::vector<facegate::Face> nf;
  REQUIRE(all.faces(img.view(), &nf, false).is_ok());
  REQUIRE(nf.size() == a.size());
  CHECK(std::memcmp(nf[0].landmarks.data(), a[0].landmarks.data(), sizeof a[0].landmarks) == 0);
  CHECK(nf[0].embedding[0] == 0.f);
  facegate::Embedding e;
  CHECK(det.faces(img.view(), &d).code() == facegate::StatusCode::kInvalidArgument);
  CHECK(det.embed(img.view(), &e).code() == facegate::StatusCode::kInvalidArgument);
  CHECK(det.embed_crop(img.view(), &e).code() == facegate::StatusCode::kInvalidArgument);
  CHECK(det.embed_box(img.view(), a[0].box, &e).code() == facegate::StatusCode::kInvalidArgument);
  CHECK(det.model_id().empty());
  fg_pipeline_options co;
  fg_pipeline_options_init(&co);
  co.nets = 5;
  fg_pipeline* p = nullptr;
  CHECK(fg_pipeline_open(&co, &p) == FG_ERR_INVALID_ARGUMENT);
}
