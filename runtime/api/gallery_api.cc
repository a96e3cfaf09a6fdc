// facegate::Gallery over fg::Gallery (runtime/gallery/gallery.h). Persons are matched by
// their mean embedding, `facegate identify`'s default (better FNIR on LFW, cmd_gallery.cc).
// The internal gallery allows concurrent reads but needs exclusive writes: a shared_mutex
// gives the public handle "any thread" safety.
#include <sys/stat.h>

#include <cmath>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <vector>

#include "facegate/facegate.hpp"
#include "runtime/api/api_internal.h"
#include "runtime/gallery/gallery.h"

namespace facegate {

using fg::api::from_internal;
using fg::api::guarded;
using fg::api::invalid;

struct Gallery::Impl {
  fg::GalleryPtr g;
  bool read_only = false;
  mutable std::shared_mutex mu;
};

namespace {

constexpr size_t kMaxNameBytes = 64;  // docs/gallery-format.md

Status check_name(const std::string& name) {
  if (name.empty() || name.size() > kMaxNameBytes) return invalid("name must be 1..64 bytes");
  return Status::ok();
}

Status check_embedding(const Embedding& e) {
  for (float v : e)
    if (!std::isfinite(v)) return invalid("embedding has a non-finite value");
  return Status::ok();
}

bool file_exists(const std::string& p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0;
}

}  // namespace

Gallery::Gallery() = default;
Gallery::~Gallery() = default;
Gallery::Gallery(Gallery&&) noexcept = default;
Gallery& Gallery::operator=(Gallery&&) noexcept = default;

Status Gallery::open(const std::string& path, const std::string& model_id, const GalleryOptions& options,
                     Gallery* out) {
  return guarded("Gallery::open", [&]() -> Status {
    if (!out) return invalid("Gallery::open: out is null");
    if (path.empty()) return invalid("Gallery::open: empty path");
    auto impl = std::make_unique<Impl>();
    impl->read_only = options.read_only;
    fg::GalleryKey key;
    if (fg::Status s = fg::gallery_key_from_flag_or_env(options.key_path, &key); !s) return from_internal(s);
    if (!key.loaded && !options.insecure)
      return invalid(path + ": no gallery key (GalleryOptions::key_path or $FG_GALLERY_KEY); "
                     "set insecure to use a gallery without authentication");
    if (!file_exists(path)) {
      if (!options.create_if_missing || options.read_only)
        return Status(StatusCode::kBadInput, path + ": no such gallery");
      if (model_id.empty()) return invalid(path + ": creating a gallery needs the model id (Pipeline::model_id())");
      fg::GalleryCreateOptions c;
      c.dim = kEmbeddingDim;
      c.model_id = model_id;
      c.key = key;
      if (fg::Status s = fg::gallery_create(path, c, &impl->g); !s) return from_internal(s);
    } else {
      fg::GalleryOpenOptions o;
      o.writer = !options.read_only;
      o.expected_model_id = model_id;
      o.key = key;
      o.insecure = options.insecure;
      if (fg::Status s = fg::gallery_open(path, o, &impl->g); !s) return from_internal(s);
      if (fg::gallery_info(*impl->g).dim != uint32_t(kEmbeddingDim))
        return Status(StatusCode::kBadInput, path + ": gallery dimension is not 128");
    }
    out->impl_ = std::move(impl);
    return Status::ok();
  });
}

Status Gallery::enroll(const std::string& name, const Embedding& embedding, uint64_t* record_id) {
  return guarded("Gallery::enroll", [&]() -> Status {
    if (!impl_) return invalid("gallery is not open");
    if (impl_->read_only) return invalid("gallery was opened read-only");
    FG_API_RETURN_IF_ERROR(check_name(name));
    FG_API_RETURN_IF_ERROR(check_embedding(embedding));
    std::unique_lock lock(impl_->mu);
    uint64_t id = 0;
    if (fg::Status s = fg::gallery_enroll(impl_->g.get(), name, embedding.data(), kEmbeddingDim, &id); !s)
      return from_internal(s);
    if (record_id) *record_id = id;
    return Status::ok();
  });
}

Status Gallery::remove(const std::string& name, size_t* removed_records) {
  return guarded("Gallery::remove", [&]() -> Status {
    if (!impl_) return invalid("gallery is not open");
    if (impl_->read_only) return invalid("gallery was opened read-only");
    FG_API_RETURN_IF_ERROR(check_name(name));
    std::unique_lock lock(impl_->mu);
    bool live = false;
    for (const fg::GalleryRecord& r : fg::gallery_list(*impl_->g)) live = live || r.name == name;
    if (!live) return Status(StatusCode::kNotFound, "no enrolled person named '" + name + "'");
    size_t n = 0;
    if (fg::Status s = fg::gallery_remove_person(impl_->g.get(), name, &n); !s) return from_internal(s);
    if (removed_records) *removed_records = n;
    return Status::ok();
  });
}

Status Gallery::identify(const Embedding& query, float tau, size_t k, std::vector<Match>* out) const {
  return guarded("Gallery::identify", [&]() -> Status {
    if (!impl_) return invalid("gallery is not open");
    if (!out) return invalid("identify: out is null");
    if (k == 0) return invalid("identify: k must be at least 1");
    if (!(tau >= 0.f)) return invalid("tau must be a number >= 0");
    FG_API_RETURN_IF_ERROR(check_embedding(query));
    fg::IdentifyOptions o;
    o.k = k;
    o.score = fg::PersonScore::kMeanEmbedding;
    std::vector<fg::IdentifyMatch> found;
    {
      std::shared_lock lock(impl_->mu);
      if (fg::Status s = fg::gallery_identify(*impl_->g, query.data(), kEmbeddingDim, o, &found); !s)
        return from_internal(s);
    }
    out->clear();
    for (const fg::IdentifyMatch& m : found) out->push_back(Match{m.name, m.distance, m.records, m.distance <= tau});
    return Status::ok();
  });
}

size_t Gallery::persons() const {
  if (!impl_) return 0;
  try {
    std::shared_lock lock(impl_->mu);
    return fg::gallery_info(*impl_->g).persons;
  } catch (...) {
    return 0;  // gallery_info builds strings: only out of memory gets here
  }
}

size_t Gallery::records() const {
  if (!impl_) return 0;
  try {
    std::shared_lock lock(impl_->mu);
    return fg::gallery_info(*impl_->g).live_records;
  } catch (...) {
    return 0;
  }
}

}  // namespace facegate
