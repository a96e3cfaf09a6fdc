// fg_quantize: f32 facegate model -> int8 model, calibrated on images (docs/quantization.md).
//   fg_quantize --model in.fgm --out out_int8.fgm --calib DIR_OR_FILE... [--percentile 99.999]
//               [--backend native|reference] [--any-isa] [--no-fuse]
// Directories are searched recursively for .png/.jpg/.jpeg; recognition expects face chips,
// landmark68 face crops, detector whole photos.
#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "runtime/core/model.h"
#include "runtime/quantize/quantize.h"

namespace {

int usage(const char* why) {
  if (why) std::fprintf(stderr, "fg_quantize: %s\n", why);
  std::fprintf(stderr,
               "usage: fg_quantize --model IN.fgm --out OUT.fgm --calib DIR_OR_IMAGE [DIR_OR_IMAGE...]\n"
               "                   [--percentile P (default 99.999; 100 = min/max)]\n"
               "                   [--backend native|reference (runs the f32 model; default native)]\n"
               "                   [--any-isa (let the native backend use SIMD kernels: faster, but the\n"
               "                    file then depends on this CPU)] [--no-fuse]\n"
               "The native backend runs its scalar kernels unless --any-isa: they sum in one order\n"
               "on every architecture, so x86 and ARM builds write the same bytes.\n");
  return 2;
}

bool has_image_extension(const std::string& name) {
  std::string lower = name;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  for (const char* ext : {".png", ".jpg", ".jpeg"}) {
    const std::string e = ext;
    if (lower.size() > e.size() && lower.compare(lower.size() - e.size(), e.size(), e) == 0) return true;
  }
  return false;
}

void collect_images(const std::string& path, int depth, std::vector<std::string>* out) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return;
  if (!S_ISDIR(st.st_mode)) {
    out->push_back(path);
    return;
  }
  if (depth > 8) return;
  DIR* d = opendir(path.c_str());
  if (!d) return;
  std::vector<std::string> names;
  while (dirent* e = readdir(d)) {
    const std::string name = e->d_name;
    if (name != "." && name != "..") names.push_back(name);
  }
  closedir(d);
  std::sort(names.begin(), names.end());
  for (const std::string& name : names) {
    const std::string child = path + "/" + name;
    struct stat cs;
    if (::stat(child.c_str(), &cs) != 0) continue;
    if (S_ISDIR(cs.st_mode)) collect_images(child, depth + 1, out);
    else if (has_image_extension(name)) out->push_back(child);
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::string model_path, out_path;
  std::vector<std::string> calib;
  fg::QuantizeOptions opt;
  opt.calibration_backend = fg::Backend::kNative;
  bool any_isa = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--help" || a == "-h") return usage(nullptr), 0;
    if (a == "--no-fuse") { opt.fuse_residuals = false; continue; }
    if (a == "--any-isa") { any_isa = true; continue; }
    if (a == "--calib") {
      while (i + 1 < argc && argv[i + 1][0] != '-') calib.push_back(argv[++i]);
      continue;
    }
    if (i + 1 >= argc) return usage(("missing value after " + a).c_str());
    const std::string v = argv[++i];
    if (a == "--model") model_path = v;
    else if (a == "--out") out_path = v;
    else if (a == "--percentile") opt.percentile = std::strtof(v.c_str(), nullptr);
    else if (a == "--backend") {
      if (!fg::backend_from_name(v, &opt.calibration_backend) || opt.calibration_backend == fg::Backend::kXnnpack)
        return usage(("calibration backend must be native or reference, not " + v).c_str());
    } else return usage(("unknown option " + a).c_str());
  }
  if (model_path.empty() || out_path.empty() || calib.empty()) return usage("missing a required option");
  // Byte-identical int8 files on every architecture: the SIMD variants sum a conv's products
  // in ISA-dependent orders (AVX-512 vs NEON tiles), which moves a calibrated range by an ulp;
  // the scalar twins are the same C code, built without FMA contraction, everywhere. The cap
  // is read once, at the first kernel pick, so it is set before anything runs. (The reference
  // backend is portable too but 4-5x slower, too slow to calibrate under qemu in CI.)
  if (!any_isa) ::setenv("FG_MAX_ISA", "scalar", 1);

  fg::Model model;
  fg::Status s = fg::model_load_file(model_path, &model);
  std::vector<std::string> images;
  for (const std::string& c : calib) collect_images(c, 0, &images);
  if (s && images.empty()) s = fg::Status::error("no .png/.jpg images found under the --calib paths");
  std::vector<std::vector<float>> inputs;
  for (size_t i = 0; s && i < images.size(); ++i) {
    inputs.emplace_back();
    s = fg::calibration_input_from_image(model, images[i], &inputs.back());
  }
  std::vector<fg::TensorRange> ranges;
  if (s) s = fg::calibrate_ranges(model, inputs, opt, &ranges);
  fg::ModelBuilder mb;
  if (s) s = fg::quantize_model(model, ranges, opt, &mb);
  if (s) {  // check what we wrote the way the runtime will read it
    const std::vector<uint8_t> bytes = mb.serialize();
    fg::Model check;
    s = fg::model_load_bytes(bytes.data(), bytes.size(), out_path, &check);
  }
  if (s) s = mb.write_file(out_path);
  if (!s) {
    std::fprintf(stderr, "fg_quantize: %s\n", s.message().c_str());
    return 1;
  }
  std::printf("fg_quantize: %s -> %s (%zu calibration images, percentile %g, %zu ops)\n", model_path.c_str(),
              out_path.c_str(), images.size(), opt.percentile, mb.ops.size());
  return 0;
}
