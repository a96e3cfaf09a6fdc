#include "tools/convert/tfjs_weights.h"

#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

namespace fg {
namespace {

Status read_file(const std::string& path, std::vector<uint8_t>* out) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return Status::error(path + ": cannot open");
  out->assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
  return Status::ok();
}

std::string shape_str(const std::vector<int>& s) {
  std::string r = "[";
  for (size_t i = 0; i < s.size(); ++i) r += (i ? "," : "") + std::to_string(s[i]);
  return r + "]";
}

}  // namespace

Status TfjsWeights::get(const std::string& name, const std::vector<int>& shape, const TfjsTensor** out) const {
  auto it = tensors.find(name);
  if (it == tensors.end()) return Status::error("weights manifest has no tensor '" + name + "'");
  if (it->second.shape != shape)
    return Status::error("tensor '" + name + "' has shape " + shape_str(it->second.shape) +
                         ", the net needs " + shape_str(shape));
  *out = &it->second;
  return Status::ok();
}

Status tfjs_weights_load(const std::string& manifest_path, const std::string& bin_path, TfjsWeights* out) {
  std::vector<uint8_t> manifest_bytes, bin;
  FG_RETURN_IF_ERROR(read_file(manifest_path, &manifest_bytes));
  FG_RETURN_IF_ERROR(read_file(bin_path, &bin));
  nlohmann::json manifest = nlohmann::json::parse(manifest_bytes.begin(), manifest_bytes.end(), nullptr, false);
  if (manifest.is_discarded() || !manifest.is_array())
    return Status::error(manifest_path + ": not a TF.js weights manifest (expected a JSON array)");
  size_t offset = 0;  // tensors are concatenated in manifest order, no padding
  for (const auto& group : manifest) {
    if (!group.contains("weights") || !group["weights"].is_array())
      return Status::error(manifest_path + ": group without a weights list");
    for (const auto& w : group["weights"]) {
      const std::string name = w.value("name", "");
      TfjsTensor t;
      size_t count = 1;
      for (const auto& d : w.at("shape")) {
        const int v = d.get<int>();
        if (v < 0 || v > (1 << 24)) return Status::error(name + ": absurd dimension");
        t.shape.push_back(v);
        count *= static_cast<size_t>(v);
      }
      if (w.value("dtype", "") != "float32") return Status::error(name + ": only float32 tensors are supported");
      t.values.resize(count);
      if (w.contains("quantization")) {
        const auto& q = w["quantization"];
        if (q.value("dtype", "") != "uint8") return Status::error(name + ": only uint8 quantization is supported");
        const double scale = q.at("scale").get<double>();
        const double min = q.at("min").get<double>();
        if (offset + count > bin.size()) return Status::error(bin_path + ": shorter than the manifest says");
        for (size_t i = 0; i < count; ++i) {
          // double multiply-add, no FMA contraction, then one rounding to float32 — as tfjs.
          volatile double product = static_cast<double>(bin[offset + i]) * scale;
          t.values[i] = static_cast<float>(product + min);
        }
        offset += count;
      } else {
        if (offset + count * 4 > bin.size()) return Status::error(bin_path + ": shorter than the manifest says");
        std::memcpy(t.values.data(), bin.data() + offset, count * 4);
        offset += count * 4;
      }
      out->tensors[name] = std::move(t);
    }
  }
  if (offset != bin.size())
    return Status::error(bin_path + ": " + std::to_string(bin.size() - offset) + " bytes beyond what the manifest describes");
  return Status::ok();
}

}  // namespace fg
