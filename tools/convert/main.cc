// fg_convert: TF.js face-api weights -> facegate model file.
//   fg_convert --net recognition|detector|landmark68|yunet --manifest M.json --weights W.bin
//              --out OUT.fgm [--input-size 416]
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "runtime/core/model.h"
#include "tools/convert/net_builders.h"

namespace {

int usage(const char* why) {
  if (why) std::fprintf(stderr, "fg_convert: %s\n", why);
  std::fprintf(stderr,
               "usage: fg_convert --net recognition|detector|landmark68|yunet --manifest FILE.json\n"
               "                  --weights FILE.bin --out FILE.fgm [--input-size N (detector 416, yunet 320)]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string net, manifest, weights, out;
  int input_size = 416;
  bool input_size_set = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--help" || a == "-h") return usage(nullptr), 0;
    if (i + 1 >= argc) return usage(("missing value after " + a).c_str());
    const std::string v = argv[++i];
    if (a == "--net") net = v;
    else if (a == "--manifest") manifest = v;
    else if (a == "--weights") weights = v;
    else if (a == "--out") out = v;
    else if (a == "--input-size") input_size = std::atoi(v.c_str()), input_size_set = true;
    else return usage(("unknown option " + a).c_str());
  }
  if (net.empty() || manifest.empty() || weights.empty() || out.empty()) return usage("missing a required option");

  fg::TfjsWeights w;
  fg::Status s = fg::tfjs_weights_load(manifest, weights, &w);
  fg::ModelBuilder mb;
  if (s) {
    if (net == "recognition") s = fg::build_recognition_net(w, &mb);
    else if (net == "detector") s = fg::build_detector_net(w, input_size, &mb);
    else if (net == "yunet") s = fg::build_yunet_net(w, input_size_set ? input_size : 320, &mb);
    else if (net == "landmark68") s = fg::build_landmark68_net(w, &mb);
    else return usage(("unknown net " + net).c_str());
  }
  // Check what we wrote the way the runtime will read it.
  if (s) {
    const std::vector<uint8_t> bytes = mb.serialize();
    fg::Model check;
    s = fg::model_load_bytes(bytes.data(), bytes.size(), out, &check);
  }
  if (s) s = mb.write_file(out);
  if (!s) {
    std::fprintf(stderr, "fg_convert: %s\n", s.message().c_str());
    return 1;
  }
  std::printf("fg_convert: wrote %s (%zu tensors, %zu ops)\n", out.c_str(), mb.tensors.size(), mb.ops.size());
  return 0;
}
