// 1:K identification over the live records of a gallery, with the distance kernel family.
#include <algorithm>
#include <cstring>
#include <unordered_map>
#include <vector>

#include "kernels/distance/distance.h"
#include "runtime/gallery/gallery_internal.h"

namespace fg {
namespace {

// Rows per kernel call: the distance buffer (16 KB) stays in L1 while the rows stream by.
constexpr size_t kBlockRows = 4096;

struct PersonSlot {
  uint64_t person_id;
  size_t first_record;  // where to read the name
  size_t best_record;
  float distance;
  size_t records;
};

// Squared L2 from the query to every record (deleted ones included: the scan stays one
// contiguous strided pass; they are skipped afterwards). `sink(i, distance)` per record.
template <typename Sink>
void scan_records(const Gallery& g, const float* query, Sink sink) {
  const GalleryHeader& h = g.header;
  const uint8_t* rows = g.record(0);
  if (h.dtype == GalleryDtype::kF32) {
    const DistanceVariant& v = distance_pick(DistanceDtype::kF32, DistanceKind::kL2sq);
    std::vector<float> dist(kBlockRows);
    for (size_t i0 = 0; i0 < g.count; i0 += kBlockRows) {
      const size_t n = std::min(kBlockRows, g.count - i0);
      v.f32(n, h.dim, query, rows + i0 * h.record_size, h.record_size, dist.data());
      for (size_t i = 0; i < n; ++i) sink(i0 + i, dist[i]);
    }
    return;
  }
  const DistanceVariant& v = distance_pick(DistanceDtype::kS8, DistanceKind::kL2sq);
  std::vector<int8_t> q(h.dim);
  for (size_t d = 0; d < h.dim; ++d) q[d] = gallery_quantize(query[d], h.int8_scale);
  const float unit = h.int8_scale * h.int8_scale;  // int32 l2sq -> embedding units
  std::vector<int32_t> dist(kBlockRows);
  for (size_t i0 = 0; i0 < g.count; i0 += kBlockRows) {
    const size_t n = std::min(kBlockRows, g.count - i0);
    v.s8(n, h.dim, q.data(), rows + i0 * h.record_size, h.record_size, dist.data());
    for (size_t i = 0; i < n; ++i) sink(i0 + i, float(dist[i]) * unit);
  }
}

// Live records grouped by person, in order of first appearance.
std::vector<PersonSlot> group_persons(const Gallery& g, std::unordered_map<uint64_t, size_t>* slot_of) {
  std::vector<PersonSlot> persons;
  for (size_t i = 0; i < g.count; ++i) {
    if (g.deleted(i)) continue;
    const uint64_t pid = gallery_record_meta(g.header, g.record(i)).person_id;
    auto it = slot_of->find(pid);
    if (it == slot_of->end()) {
      it = slot_of->emplace(pid, persons.size()).first;
      persons.push_back({pid, i, i, 0.f, 0});
    }
    persons[it->second].records += 1;
  }
  return persons;
}

void mean_distances(const Gallery& g, const float* query, std::vector<PersonSlot>* persons,
                    const std::unordered_map<uint64_t, size_t>& slot_of) {
  const GalleryHeader& h = g.header;
  std::vector<double> sums(persons->size() * h.dim, 0.0);
  for (size_t i = 0; i < g.count; ++i) {
    if (g.deleted(i)) continue;
    const size_t p = slot_of.at(gallery_record_meta(h, g.record(i)).person_id);
    const uint8_t* r = g.record(i);
    for (size_t d = 0; d < h.dim; ++d) {
      float x;
      if (h.dtype == GalleryDtype::kS8) x = float(int8_t(r[d])) * h.int8_scale;
      else std::memcpy(&x, r + 4 * d, 4);
      sums[p * h.dim + d] += x;
    }
  }
  std::vector<float> means(sums.size());
  for (size_t p = 0; p < persons->size(); ++p)
    for (size_t d = 0; d < h.dim; ++d)
      means[p * h.dim + d] = float(sums[p * h.dim + d] / double((*persons)[p].records));
  std::vector<float> dist(persons->size());
  const DistanceVariant& v = distance_pick(DistanceDtype::kF32, DistanceKind::kL2sq);
  v.f32(persons->size(), h.dim, query, means.data(), h.dim * sizeof(float), dist.data());
  for (size_t p = 0; p < persons->size(); ++p) (*persons)[p].distance = dist[p];
}

}  // namespace

Status gallery_identify(const Gallery& g, const float* query, size_t dim,
                        const IdentifyOptions& options, std::vector<IdentifyMatch>* out) {
  out->clear();
  if (dim != g.header.dim)
    return Status::error("query has dim " + std::to_string(dim) + ", gallery holds " +
                         std::to_string(g.header.dim));
  for (size_t d = 0; d < dim; ++d)
    if (!std::isfinite(query[d]))
      return Status::error("query element " + std::to_string(d) + " is not finite");
  std::unordered_map<uint64_t, size_t> slot_of;
  std::vector<PersonSlot> persons = group_persons(g, &slot_of);
  if (persons.empty() || options.k == 0) return Status::ok();
  if (options.score == PersonScore::kMinDistance) {
    std::vector<bool> seen(persons.size(), false);
    scan_records(g, query, [&](size_t i, float distance) {
      if (g.deleted(i)) return;
      const size_t p = slot_of.at(gallery_record_meta(g.header, g.record(i)).person_id);
      if (!seen[p] || distance < persons[p].distance) {
        seen[p] = true;
        persons[p].distance = distance;
        persons[p].best_record = i;
      }
    });
  } else {
    mean_distances(g, query, &persons, slot_of);
  }
  // Rank persons; equal distances go to the lower person id (slots are in first-record
  // order and person ids grow with it, so the slot index breaks ties the same way).
  std::vector<float> dist(persons.size());
  for (size_t p = 0; p < persons.size(); ++p) dist[p] = persons[p].distance;
  for (const DistanceHit& hit : distance_top_k(dist.data(), dist.size(), options.k)) {
    const PersonSlot& p = persons[hit.index];
    IdentifyMatch m;
    m.person_id = p.person_id;
    m.name = gallery_record_meta(g.header, g.record(p.first_record)).name;
    m.distance = p.distance;
    m.record_id = options.score == PersonScore::kMinDistance
                      ? gallery_record_meta(g.header, g.record(p.best_record)).record_id
                      : 0;
    m.records = p.records;
    out->push_back(m);
  }
  return Status::ok();
}

}  // namespace fg
