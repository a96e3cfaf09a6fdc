// The LFW side of the 1:K evaluation: people listing, the seeded plan, the embedding cache.
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <random>
#include <set>

#include "runtime/eval/identify_eval.h"

namespace fg {
namespace {

bool is_file(const std::string& p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

// Fisher-Yates with mt19937 (whose output the standard fixes), so a seed means the same
// people on every platform; std::shuffle's algorithm is implementation-defined.
void seeded_shuffle(std::vector<int>* v, uint32_t seed) {
  std::mt19937 rng(seed);
  for (size_t i = v->size(); i > 1; --i) std::swap((*v)[i - 1], (*v)[rng() % i]);
}

}  // namespace

Status lfw_list_people(const std::string& dir, std::vector<std::pair<std::string, int>>* people) {
  people->clear();
  DIR* d = ::opendir(dir.c_str());
  if (!d) return Status::error(dir + ": cannot open the LFW folder (" + std::strerror(errno) + ")");
  std::vector<std::string> names;
  while (const dirent* e = ::readdir(d))
    if (e->d_name[0] != '.') names.push_back(e->d_name);
  ::closedir(d);
  std::sort(names.begin(), names.end());
  for (const std::string& name : names) {
    int n = 0;
    while (is_file(lfw_image_path(dir, name, n + 1))) ++n;
    if (n > 0) people->push_back({name, n});
  }
  if (people->empty()) return Status::error(dir + ": no <name>/<name>_0001.jpg images (not an LFW folder?)");
  return Status::ok();
}

Status identify_lfw_plan(const std::string& dir, const IdentifyPlanOptions& options, IdentifyPlan* plan) {
  *plan = IdentifyPlan{};
  if (options.ks.empty()) return Status::error("1:K plan: no gallery size K given");
  std::vector<int> ks = options.ks;
  std::sort(ks.begin(), ks.end());
  if (ks.front() < 1) return Status::error("1:K plan: K must be >= 1");
  if (options.mated_per_person < 1 || options.non_mated < 0 || options.multi_enroll < 1 ||
      options.multi_probes_per_person < 1 || options.multi_people < 0)
    return Status::error("1:K plan: probe counts must be positive");
  std::vector<std::pair<std::string, int>> people;
  FG_RETURN_IF_ERROR(lfw_list_people(dir, &people));
  std::vector<int> with_mates, everyone;
  for (size_t p = 0; p < people.size(); ++p) {
    plan->names.push_back(people[p].first);
    everyone.push_back(int(p));
    if (people[p].second >= 2) with_mates.push_back(int(p));
  }
  const size_t max_k = size_t(ks.back());
  if (with_mates.size() < max_k)
    return Status::error("1:K plan: K=" + std::to_string(max_k) + " needs that many people with >= 2 photos, " + dir +
                         " has " + std::to_string(with_mates.size()));
  seeded_shuffle(&with_mates, options.seed);
  const std::vector<int> enrolled(with_mates.begin(), with_mates.begin() + max_k);
  const std::set<int> enrolled_set(enrolled.begin(), enrolled.end());
  std::vector<int> outsiders;
  for (int p : everyone)
    if (!enrolled_set.count(p)) outsiders.push_back(p);
  seeded_shuffle(&outsiders, options.seed + 1);
  outsiders.resize(std::min(outsiders.size(), size_t(options.non_mated)));

  std::map<std::string, int> image_index;
  auto image = [&](int person, int n) {
    const std::string path = lfw_image_path(dir, plan->names[person], n);
    auto it = image_index.emplace(path, int(plan->images.size()));
    if (it.second) plan->images.push_back(path);
    return it.first->second;
  };
  std::vector<std::pair<int, int>> impostors;
  for (int p : outsiders) impostors.push_back({image(p, 1), -1});

  for (int k : ks) {
    IdentifyExperiment e;
    e.label = "K=" + std::to_string(k);
    e.people = size_t(k);
    for (int i = 0; i < k; ++i) {
      const int p = enrolled[i];
      e.records.push_back({p, image(p, 1)});
      for (int n = 2; n <= std::min(people[p].second, 1 + options.mated_per_person); ++n)
        e.probes.push_back({image(p, n), p});
    }
    e.probes.insert(e.probes.end(), impostors.begin(), impostors.end());
    plan->k_runs.push_back(std::move(e));
  }

  IdentifyExperiment& m = plan->multi;
  m.label = "multi";
  for (int p : enrolled) {
    if (m.people >= size_t(options.multi_people)) break;
    if (people[p].second <= options.multi_enroll) continue;
    ++m.people;
    for (int n = 1; n <= options.multi_enroll; ++n) m.records.push_back({p, image(p, n)});
    const int last = std::min(people[p].second, options.multi_enroll + options.multi_probes_per_person);
    for (int n = options.multi_enroll + 1; n <= last; ++n) m.probes.push_back({image(p, n), p});
  }
  if (m.people > 0) m.probes.insert(m.probes.end(), impostors.begin(), impostors.end());
  return Status::ok();
}

// ---- embedding cache: "FGIDEMB1", u32 key bytes, key, u32 count, then per entry
// u32 path bytes, path, f32[128] embedding, i32 faces_found, u8 fallback (host byte order:
// a cache is a scratch file of this machine, never shipped).

namespace {

constexpr char kCacheMagic[8] = {'F', 'G', 'I', 'D', 'E', 'M', 'B', '1'};
constexpr uint32_t kMaxCachePath = 4096;

bool read_u32(FILE* f, uint32_t* v) { return std::fread(v, 4, 1, f) == 1; }

// Entries of a cache made under `key`; false (and nothing) when absent, stale or corrupt.
bool cache_load(const std::string& path, const std::string& key, std::map<std::string, LfwImageResult>* out) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return false;
  char magic[8];
  uint32_t key_len = 0, count = 0;
  bool ok = std::fread(magic, 8, 1, f) == 1 && !std::memcmp(magic, kCacheMagic, 8) && read_u32(f, &key_len) &&
            key_len == key.size();
  std::string got(key_len, '\0');
  ok = ok && (key_len == 0 || std::fread(&got[0], key_len, 1, f) == 1) && got == key && read_u32(f, &count);
  std::map<std::string, LfwImageResult> entries;
  for (uint32_t i = 0; ok && i < count; ++i) {
    uint32_t n = 0;
    LfwImageResult r;
    int32_t faces = 0;
    uint8_t fallback = 0;
    ok = read_u32(f, &n) && n > 0 && n <= kMaxCachePath;
    std::string p(ok ? n : 0, '\0');
    ok = ok && std::fread(&p[0], n, 1, f) == 1 && std::fread(r.embedding, sizeof r.embedding, 1, f) == 1 &&
         std::fread(&faces, 4, 1, f) == 1 && std::fread(&fallback, 1, 1, f) == 1 && fallback <= 1;
    for (float x : r.embedding) ok = ok && std::isfinite(x);
    r.faces_found = faces;
    r.fallback = fallback != 0;
    if (ok) entries[p] = r;
  }
  ok = ok && std::fgetc(f) == EOF;
  std::fclose(f);
  if (ok) *out = std::move(entries);
  return ok;
}

Status cache_save(const std::string& path, const std::string& key, const std::map<std::string, LfwImageResult>& entries) {
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  FILE* f = std::fopen(tmp.c_str(), "wb");
  if (!f) return Status::error(tmp + ": cannot write the embedding cache (" + std::strerror(errno) + ")");
  const uint32_t key_len = uint32_t(key.size()), count = uint32_t(entries.size());
  bool ok = std::fwrite(kCacheMagic, 8, 1, f) == 1 && std::fwrite(&key_len, 4, 1, f) == 1 &&
            (key.empty() || std::fwrite(key.data(), key.size(), 1, f) == 1) && std::fwrite(&count, 4, 1, f) == 1;
  for (const auto& [p, r] : entries) {
    const uint32_t n = uint32_t(p.size());
    const int32_t faces = r.faces_found;
    const uint8_t fallback = r.fallback ? 1 : 0;
    ok = ok && std::fwrite(&n, 4, 1, f) == 1 && std::fwrite(p.data(), n, 1, f) == 1 &&
         std::fwrite(r.embedding, sizeof r.embedding, 1, f) == 1 && std::fwrite(&faces, 4, 1, f) == 1 &&
         std::fwrite(&fallback, 1, 1, f) == 1;
  }
  ok = (std::fclose(f) == 0) && ok;
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return Status::error(path + ": cannot write the embedding cache");
  }
  return Status::ok();
}

}  // namespace

Status identify_embed_cached(const LfwRunOptions& options, const std::vector<std::string>& paths,
                             const std::string& cache_path, const std::string& cache_key,
                             std::vector<LfwImageResult>* results, size_t* cached) {
  std::map<std::string, LfwImageResult> entries;
  if (!cache_path.empty()) cache_load(cache_path, cache_key, &entries);  // unusable cache = empty
  std::vector<std::string> missing;
  for (const std::string& p : paths)
    if (!entries.count(p)) missing.push_back(p);
  *cached = paths.size() - missing.size();
  if (!missing.empty()) {
    std::vector<LfwImageResult> fresh;
    FG_RETURN_IF_ERROR(lfw_embed_images(options, missing, &fresh));
    for (size_t i = 0; i < missing.size(); ++i) entries[missing[i]] = fresh[i];
    if (!cache_path.empty()) FG_RETURN_IF_ERROR(cache_save(cache_path, cache_key, entries));
  }
  results->clear();
  for (const std::string& p : paths) results->push_back(entries.at(p));
  return Status::ok();
}

}  // namespace fg
