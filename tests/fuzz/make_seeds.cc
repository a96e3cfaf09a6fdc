// Writes the seed corpora: build/fuzz/tests/fuzz/fuzz_make_seeds tests/fuzz/corpus
// (scripts/fuzz.sh --seeds). Each seed is small and is checked to be ACCEPTED by the code
// under test, so mutants start from the deep paths, not the first check. The committed corpus
// is this program's output plus whatever the CI runs saved; re-running it only adds files.
#include <png.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "runtime/gallery/gallery.h"
#include "runtime/gallery/gallery_snapshot.h"
#include "runtime/vision/image.h"
#include "runtime/core/model.h"
#include "runtime/core/model_writer.h"
#include "runtime/eval/similarity_head.h"

using namespace fg;

namespace {
std::string g_root;

void put(const std::string& target, const std::string& name, const std::vector<uint8_t>& bytes) {
  const std::string dir = g_root + "/" + target;
  ::mkdir(dir.c_str(), 0755);
  std::ofstream(dir + "/" + name, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}
void put(const std::string& target, const std::string& name, const std::string& text) {
  put(target, name, std::vector<uint8_t>(text.begin(), text.end()));
}
void check(const Status& s, const std::string& what) {
  if (s.is_ok()) return;
  std::fprintf(stderr, "fuzz_make_seeds: %s refused: %s\n", what.c_str(), s.message().c_str());
  std::exit(1);
}
std::vector<uint8_t> read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(f), {});
}

// ---- models: every op type once, f32 and int8 ----
ModelBuilder conv_model() {
  ModelBuilder mb;
  mb.net_name = "tiny";
  const int x = mb.add_tensor("input", DType::kF32, TensorRole::kInput, {6, 6, 2});
  std::vector<float> w(3 * 3 * 2 * 4), b(4, 0.1f), dw(3 * 3 * 4, 0.1f), fc(4 * 3, 0.2f), fcb(3, 0.5f);
  for (size_t i = 0; i < w.size(); ++i) w[i] = 0.01f * static_cast<float>(i % 7) - 0.02f;
  const int wt = mb.add_constant_f32("w", {3, 3, 2, 4}, w);
  const int bt = mb.add_constant_f32("b", {4}, b);
  const int c = mb.add_tensor("conv", DType::kF32, TensorRole::kActivation, {6, 6, 4});
  OpRecord op = ModelBuilder::make_op(OpType::kConv2d, {x, wt, bt}, c);
  op.kernel_h = op.kernel_w = 3;
  op.pad_top = op.pad_left = op.pad_bottom = op.pad_right = 1;
  op.activation = static_cast<uint8_t>(Activation::kRelu);
  mb.ops.push_back(op);
  const int dwt = mb.add_constant_f32("dw", {3, 3, 4}, dw);
  const int d = mb.add_tensor("dw_out", DType::kF32, TensorRole::kActivation, {3, 3, 4});
  op = ModelBuilder::make_op(OpType::kDepthwiseConv2d, {c, dwt}, d);
  op.kernel_h = op.kernel_w = 3;
  op.stride_h = op.stride_w = 2;
  op.pad_bottom = op.pad_right = 1;
  mb.ops.push_back(op);
  const int p = mb.add_tensor("pool", DType::kF32, TensorRole::kActivation, {3, 3, 4});
  op = ModelBuilder::make_op(OpType::kMaxPool2d, {c}, p);
  op.kernel_h = op.kernel_w = 2;
  op.stride_h = op.stride_w = 2;
  mb.ops.push_back(op);
  const int a = mb.add_tensor("add", DType::kF32, TensorRole::kActivation, {3, 3, 4});
  mb.ops.push_back(ModelBuilder::make_op(OpType::kAdd, {d, p}, a));
  const int ap = mb.add_tensor("avg", DType::kF32, TensorRole::kActivation, {2, 2, 4});
  op = ModelBuilder::make_op(OpType::kAvgPool2d, {a}, ap);
  op.kernel_h = op.kernel_w = 2;
  mb.ops.push_back(op);
  const int g = mb.add_tensor("gap", DType::kF32, TensorRole::kActivation, {4});
  mb.ops.push_back(ModelBuilder::make_op(OpType::kGlobalAvgPool, {ap}, g));
  const int fw = mb.add_constant_f32("fc_w", {4, 3}, fc);
  const int fb = mb.add_constant_f32("fc_b", {3}, fcb);
  const int y = mb.add_tensor("out", DType::kF32, TensorRole::kOutput, {3});
  mb.ops.push_back(ModelBuilder::make_op(OpType::kFullyConnected, {g, fw, fb}, y));
  return mb;
}

ModelBuilder quant_model() {
  ModelBuilder mb;
  mb.net_name = "tiny_q";
  const int x = mb.add_tensor("input", DType::kF32, TensorRole::kInput, {4, 4, 2});
  const int q = mb.add_tensor("q", DType::kI8, TensorRole::kActivation, {4, 4, 2});
  mb.tensors[q].record.quant = static_cast<uint8_t>(QuantKind::kPerTensor);
  mb.tensors[q].record.scale = 0.05f;
  mb.tensors[q].record.zero_point = 3;
  mb.ops.push_back(ModelBuilder::make_op(OpType::kQuantize, {x}, q));
  const int p = mb.add_tensor("pool", DType::kI8, TensorRole::kActivation, {2, 2, 2});
  mb.tensors[p].record = mb.tensors[q].record;
  std::snprintf(mb.tensors[p].record.name, sizeof(mb.tensors[p].record.name), "pool");
  mb.tensors[p].record.dims[0] = mb.tensors[p].record.dims[1] = 2;
  OpRecord op = ModelBuilder::make_op(OpType::kMaxPool2d, {q}, p);
  op.kernel_h = op.kernel_w = 2;
  op.stride_h = op.stride_w = 2;
  mb.ops.push_back(op);
  const int y = mb.add_tensor("out", DType::kF32, TensorRole::kOutput, {2, 2, 2});
  mb.ops.push_back(ModelBuilder::make_op(OpType::kDequantize, {p}, y));
  return mb;
}

void models() {
  const std::pair<const char*, ModelBuilder> all[] = {{"conv_f32.fgm", conv_model()}, {"quant_i8.fgm", quant_model()}};
  for (const auto& [name, mb] : all) {
    const std::vector<uint8_t> bytes = mb.serialize();
    Model m;
    check(model_load_bytes(bytes.data(), bytes.size(), name, &m), name);
    put("fuzz_model", name, bytes);
  }
}

// ---- galleries: written with the public API, so they follow the current format ----
void gallery(const char* name, GalleryDtype dtype, uint32_t dim, int records, bool remove_one) {
  const std::string path = g_root + "/.tmp_" + name;
  ::unlink(path.c_str());
  GalleryCreateOptions c;
  c.dim = dim;
  c.dtype = dtype;
  c.model_id = "fuzzseed";
  GalleryPtr g;
  check(gallery_create(path, c, &g), name);
  std::vector<float> e(dim);
  uint64_t id = 0;
  for (int r = 0; r < records; ++r) {
    for (uint32_t i = 0; i < dim; ++i) e[i] = 0.01f * static_cast<float>((i * 7 + r * 3) % 13) - 0.06f;
    check(gallery_enroll(g.get(), r % 2 ? "ada" : "bob", e.data(), dim, &id), name);
  }
  if (remove_one) check(gallery_remove_record(g.get(), id), name);
  g.reset();
  put("fuzz_gallery", name, read_file(path));
  ::unlink(path.c_str());
}

// ---- images: first byte = requested channels (fuzz_image.cc) ----
std::vector<uint8_t> with_mode(uint8_t mode, std::vector<uint8_t> b) {
  b.insert(b.begin(), mode);
  return b;
}
std::vector<uint8_t> pnm(const char* magic, int w, int h, int maxval, int samples) {
  const std::string hdr = std::string(magic) + "\n# seed\n" + std::to_string(w) + " " + std::to_string(h) + "\n" +
                          std::to_string(maxval) + "\n";
  std::vector<uint8_t> b(hdr.begin(), hdr.end());
  const int bytes = w * h * samples * (maxval > 255 ? 2 : 1);
  for (int i = 0; i < bytes; ++i) b.push_back(static_cast<uint8_t>(i * 37));
  return b;
}
void png_sink(png_structp p, png_bytep d, png_size_t n) {
  auto* out = static_cast<std::vector<uint8_t>*>(png_get_io_ptr(p));
  out->insert(out->end(), d, d + n);
}
std::vector<uint8_t> png(int w, int h, int color_type, int depth, bool interlace) {
  std::vector<uint8_t> out;
  png_structp p = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  png_infop info = png_create_info_struct(p);
  if (setjmp(png_jmpbuf(p))) std::abort();
  png_set_write_fn(p, &out, png_sink, nullptr);
  png_set_IHDR(p, info, w, h, depth, color_type, interlace ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_color palette[4] = {{0, 0, 0}, {255, 0, 0}, {0, 255, 0}, {0, 0, 255}};
  if (color_type == PNG_COLOR_TYPE_PALETTE) {
    png_set_PLTE(p, info, palette, 4);
    png_byte alpha[2] = {0, 128};
    png_set_tRNS(p, info, alpha, 2, nullptr);
  }
  png_write_info(p, info);
  const int channels = png_get_channels(p, info);
  const size_t row_bytes = (static_cast<size_t>(w) * channels * depth + 7) / 8;
  std::vector<uint8_t> row(row_bytes);
  const int passes = interlace ? png_set_interlace_handling(p) : 1;
  for (int pass = 0; pass < passes; ++pass)
    for (int y = 0; y < h; ++y) {
      for (size_t i = 0; i < row_bytes; ++i) row[i] = static_cast<uint8_t>(i * 11 + y * 5);
      if (color_type == PNG_COLOR_TYPE_PALETTE)
        for (auto& v : row) v &= depth == 8 ? 3 : 0x55;
      png_write_row(p, row.data());
    }
  png_write_end(p, nullptr);
  png_destroy_write_struct(&p, &info);
  return out;
}
// A JPEG with an EXIF APP1 after SOI: IFD0 with one entry, orientation (0x0112, SHORT) = 6, so
// the mutator reaches the bounded EXIF parser and the rotation (runtime/vision/image_exif.h).
std::vector<uint8_t> with_exif_orientation6(std::vector<uint8_t> jpeg) {
  const uint8_t app1[] = {0xFF, 0xE1, 0, 36, 'E', 'x', 'i', 'f', 0, 0, 'I', 'I', 42, 0, 8, 0, 0, 0,
                          1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  jpeg.insert(jpeg.begin() + 2, app1, app1 + sizeof app1);
  return jpeg;
}
void images(const std::string& data_dir) {
  const std::pair<const char*, std::vector<uint8_t>> all[] = {
      {"exif6.jpg", with_mode(3, with_exif_orientation6(read_file(data_dir + "/gradient_32x24.jpg")))},
      {"gradient.jpg", with_mode(3, read_file(data_dir + "/gradient_32x24.jpg"))},
      {"gradient_gray.jpg", with_mode(1, read_file(data_dir + "/gradient_32x24.jpg"))},
      {"truncated.jpg", with_mode(0, read_file(data_dir + "/gradient_32x24_truncated.jpg"))},
      {"checker.png", with_mode(3, read_file(data_dir + "/checker_5x3_gray.png"))},
      {"rgba16.png", with_mode(4, png(7, 5, PNG_COLOR_TYPE_RGB_ALPHA, 16, false))},
      {"gray_alpha.png", with_mode(3, png(6, 4, PNG_COLOR_TYPE_GRAY_ALPHA, 8, false))},
      {"palette_trns.png", with_mode(4, png(9, 3, PNG_COLOR_TYPE_PALETTE, 8, false))},
      {"gray2_adam7.png", with_mode(1, png(11, 9, PNG_COLOR_TYPE_GRAY, 2, true))},
      {"p5.pgm", with_mode(1, pnm("P5", 5, 4, 255, 1))},
      {"p5_16.pgm", with_mode(3, pnm("P5", 4, 3, 65535, 1))},
      {"p6.ppm", with_mode(3, pnm("P6", 4, 3, 255, 3))},
      {"p6_16.ppm", with_mode(4, pnm("P6", 3, 2, 1000, 3))},
  };
  for (const auto& [name, bytes] : all) {
    Image img;
    if (std::string(name) != "truncated.jpg")
      check(image_load_from_memory(bytes.data() + 1, bytes.size() - 1, name, bytes[0] == 0 ? 0 : bytes[0], &img), name);
    put("fuzz_image", name, bytes);
  }
}

// ---- Y4M streams: every colour space, two frames each ----
std::vector<uint8_t> y4m(int w, int h, const char* cs, int sx, int sy, bool mono, int frames) {
  std::string s = "YUV4MPEG2 W" + std::to_string(w) + " H" + std::to_string(h) + " F25:1 Ip A1:1" +
                  (cs ? std::string(" C") + cs : std::string()) + " XYSCSS=seed\n";
  const int cw = (w + (1 << sx) - 1) >> sx, ch = (h + (1 << sy) - 1) >> sy;
  const int frame = w * h + (mono ? 0 : 2 * cw * ch);
  for (int f = 0; f < frames; ++f) {
    s += f ? "FRAME Ixyz\n" : "FRAME\n";
    for (int i = 0; i < frame; ++i) s.push_back(static_cast<char>(16 + (i * 13 + f) % 220));
  }
  return std::vector<uint8_t>(s.begin(), s.end());
}
void y4ms() {
  put("fuzz_y4m", "420jpeg_default.y4m", y4m(6, 4, nullptr, 1, 1, false, 2));
  put("fuzz_y4m", "420_odd.y4m", y4m(5, 3, "420", 1, 1, false, 2));
  put("fuzz_y4m", "422.y4m", y4m(4, 2, "422", 1, 0, false, 2));
  put("fuzz_y4m", "444.y4m", y4m(3, 3, "444", 0, 0, false, 2));
  put("fuzz_y4m", "mono.y4m", y4m(4, 4, "mono", 0, 0, true, 2));
}

void heads() {
  SimilarityHead b;
  for (int i = 0; i < kHeadDim; ++i) b.binary.w[i] = 0.01f * static_cast<float>(i % 5);
  b.binary.bias = -0.2f;
  put("fuzz_similarity_head", "binary_absdiff.fgh", similarity_head_serialize(b));
  b.binary.feature = HeadFeature::kChiSquare;
  put("fuzz_similarity_head", "binary_chi2.fgh", similarity_head_serialize(b));
  SimilarityHead a;
  a.kind = HeadKind::kTripletAdapter;
  a.adapter.l2_normalize = false;
  put("fuzz_similarity_head", "adapter.fgh", similarity_head_serialize(a));
  for (const char* n : {"binary_absdiff.fgh", "binary_chi2.fgh", "adapter.fgh"}) {
    SimilarityHead h;
    check(similarity_head_parse(read_file(g_root + "/fuzz_similarity_head/" + n), &h), n);
  }
}

void door_configs() {
  put("fuzz_door_config", "basic.conf",
      "# door\nsource = frames/*.jpg\ngallery = door.fgg\ntau = 0.3\nvotes = 2\nwindow = 3\nall-faces\n");
  put("fuzz_door_config", "actuator.conf",
      "gallery=g.fgg\nactuator = command\ncommand = /bin/true\ncommand-timeout = 2.5\nhold = 1\n"
      "log = audit.jsonl\nlog-max-bytes = 65536\nlog-keep = 3\nfsync\nquiet\n");
  put("fuzz_door_config", "pipeline.conf",
      "gallery = g.fgg   # trailing comment\nbackend = native\nprecision = f32\ninput-size = 320\n"
      "net-threads = 2\nscore = mean\ncooldown = 0.5\nstats = 10\nloop = 2\nmax-frames = 100\n"
      "enroll = amy:a.jpg,b.jpg\n");
}
}  // namespace

// fuzz_gallery_snapshot: [kind][u16 len][bytes] messages (the harness's framing), signed with
// its fixed key (bytes 0..31): a whole snapshot in both orders, one with a truncated chunk,
// and a replay after an install.
void snapshot_frame(std::vector<uint8_t>* out, uint8_t kind, const std::string& msg) {
  out->push_back(kind);
  out->push_back((uint8_t)(msg.size() & 0xff));
  out->push_back((uint8_t)(msg.size() >> 8));
  out->insert(out->end(), msg.begin(), msg.end());
}
void snapshots() {
  GalleryKey k;
  for (size_t i = 0; i < kGalleryKeyBytes; ++i) k.bytes[i] = (uint8_t)i;
  k.loaded = true;
  std::vector<uint8_t> payload(2500);
  for (size_t i = 0; i < payload.size(); ++i) payload[i] = (uint8_t)(i * 31 + 7);
  SnapshotMessages m, older;
  check(snapshot_build(payload.data(), payload.size(), 9, 0, 1024, k, &m), "snapshot");
  check(snapshot_build(payload.data(), 1500, 4, 0, 1024, k, &older), "snapshot");
  std::vector<uint8_t> a, b, c, d;
  snapshot_frame(&a, 0x80, m.manifest);
  for (size_t i = 0; i < m.chunks.size(); ++i) snapshot_frame(&a, (uint8_t)(1 | i << 2), m.chunks[i]);
  for (size_t i = 0; i < m.chunks.size(); ++i) snapshot_frame(&b, (uint8_t)(1 | i << 2), m.chunks[i]);
  snapshot_frame(&b, 0x80, m.manifest);
  snapshot_frame(&c, (uint8_t)(1 | 1 << 2), m.chunks[1].substr(0, 600));
  snapshot_frame(&c, 0, m.manifest);
  c.insert(c.end(), {2, 9, 0});  // installed 9
  snapshot_frame(&d, 0, older.manifest);
  snapshot_frame(&d, 3, m.manifest);
  put("fuzz_gallery_snapshot", "manifest_first", a);
  put("fuzz_gallery_snapshot", "chunks_first", b);
  put("fuzz_gallery_snapshot", "truncated_chunk", c);
  put("fuzz_gallery_snapshot", "replay", d);
}

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: fuzz_make_seeds CORPUS_DIR TEST_DATA_DIR\n");
    return 2;
  }
  g_root = argv[1];
  ::mkdir(g_root.c_str(), 0755);
  models();
  gallery("f32_dim8.fgg", GalleryDtype::kF32, 8, 3, true);
  gallery("int8_dim16.fgg", GalleryDtype::kS8, 16, 2, false);
  gallery("empty_dim4.fgg", GalleryDtype::kF32, 4, 0, false);
  images(argv[2]);
  y4ms();
  heads();
  door_configs();
  snapshots();
  std::printf("seeds written under %s\n", g_root.c_str());
  return 0;
}
