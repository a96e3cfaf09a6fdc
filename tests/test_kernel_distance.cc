// Every distance variant in distance_variants() against the naive reference: all dims 1..300
// (not multiples of any vector width), several N, dense and odd strides, extreme int8 values,
// rows ending right before an unmapped page (the "no byte past the end" contract); then the
// top-k helper against a full sort.
#include <doctest/doctest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "kernels/distance/distance.h"

namespace fg {
namespace {

bool runnable(const DistanceVariant& v) {
  if (cpu_has_isa(v.isa)) return true;
  MESSAGE("skipping " << std::string(v.name) << ": this CPU (or FG_MAX_ISA) lacks " << std::string(isa_name(v.isa)));
  return false;
}

// f32 truth in double, and the error budget: relative 1e-5 of sum_d |term_d|.
void f32_truth(const DistanceVariant& v, size_t n, size_t dim, const float* q,
               const uint8_t* rows, size_t stride, std::vector<double>* truth,
               std::vector<double>* budget) {
  truth->assign(n, 0.0);
  budget->assign(n, 0.0);
  for (size_t i = 0; i < n; ++i) {
    const float* r = reinterpret_cast<const float*>(rows + i * stride);
    for (size_t d = 0; d < dim; ++d) {
      const double t = v.kind == DistanceKind::kL2sq ? (double(q[d]) - r[d]) * (double(q[d]) - r[d])
                                                     : double(q[d]) * r[d];
      (*truth)[i] += t;
      (*budget)[i] += std::fabs(t);
    }
    (*budget)[i] = 1e-5 * (*budget)[i] + 1e-30;
  }
}

void s8_reference(const DistanceVariant& v, size_t n, size_t dim, const int8_t* q,
                  const void* rows, size_t stride, int32_t* out) {
  if (v.kind == DistanceKind::kL2sq) s8_l2sq__reference(n, dim, q, rows, stride, out);
  else s8_dot__reference(n, dim, q, rows, stride, out);
}

// Runs one case; returns the number of mismatching outputs (reported by the caller).
size_t check_case(const DistanceVariant& v, size_t n, size_t dim, size_t stride_pad,
                  std::mt19937* rng) {
  const size_t elem = v.dtype == DistanceDtype::kF32 ? 4 : 1;
  const size_t stride = dim * elem + stride_pad * elem;
  std::vector<uint8_t> rows(n * stride + 1);
  size_t bad = 0;
  if (v.dtype == DistanceDtype::kF32) {
    std::uniform_real_distribution<float> u(-2.f, 2.f);
    std::vector<float> q(dim);
    for (float& x : q) x = u(*rng);
    for (size_t i = 0; i < n; ++i)
      for (size_t d = 0; d < dim + stride_pad; ++d) {
        const float x = u(*rng);
        std::memcpy(&rows[i * stride + d * 4], &x, 4);
      }
    std::vector<float> got(n + 1, -7.f);
    v.f32(n, dim, q.data(), rows.data(), stride, got.data());
    std::vector<double> truth, budget;
    f32_truth(v, n, dim, q.data(), rows.data(), stride, &truth, &budget);
    for (size_t i = 0; i < n; ++i) bad += std::fabs(got[i] - truth[i]) > budget[i];
    bad += got[n] != -7.f;  // wrote past out[n - 1]
  } else {
    std::uniform_int_distribution<int> u(-128, 127);
    std::vector<int8_t> q(dim);
    for (int8_t& x : q) x = static_cast<int8_t>(u(*rng));
    for (uint8_t& b : rows) b = static_cast<uint8_t>(u(*rng));
    std::vector<int32_t> got(n + 1, -7), want(n);
    v.s8(n, dim, q.data(), rows.data(), stride, got.data());
    s8_reference(v, n, dim, q.data(), rows.data(), stride, want.data());
    for (size_t i = 0; i < n; ++i) bad += got[i] != want[i];
    bad += got[n] != -7;
  }
  return bad;
}

TEST_CASE("every variant matches the reference: dims 1..300, several N and strides") {
  for (const DistanceVariant& v : distance_variants()) {
    if (!runnable(v)) continue;
    std::mt19937 rng(1234);
    size_t cases = 0, bad_cases = 0;
    for (size_t dim = 1; dim <= 300; ++dim) {
      const size_t ns[] = {0, 1, 2, 5};
      for (size_t n : ns)
        for (size_t pad : {size_t(0), size_t(3)}) {
          ++cases;
          const size_t bad = check_case(v, n, dim, pad, &rng);
          if (bad) {
            ++bad_cases;
            if (bad_cases <= 5) FAIL_CHECK(std::string(v.name) << " dim " << dim << " n " << n << " pad " << pad);
          }
        }
    }
    // Bigger N and dims above the int16 widening block (256) of the x86 int8 variants.
    for (size_t dim : {128, 129, 255, 256, 257, 511, 513, 1000})
      for (size_t pad : {0, 1, 17}) {
        ++cases;
        bad_cases += check_case(v, 67, dim, pad, &rng) != 0;
      }
    INFO(std::string(v.name) << ": " << cases << " cases");
    CHECK(bad_cases == 0);
  }
}

TEST_CASE("int8 extremes stay exact up to kS8MaxDim") {
  const size_t dim = kS8MaxDim;
  std::vector<int8_t> q(dim, -128), rows(2 * dim, 127);
  std::fill(rows.begin() + dim, rows.end(), -128);  // row 1: q*r = +16384 per element
  for (const DistanceVariant& v : distance_variants()) {
    if (v.dtype != DistanceDtype::kS8 || !runnable(v)) continue;
    int32_t got[2] = {0, 0};
    v.s8(2, dim, q.data(), rows.data(), dim, got);
    INFO(std::string(v.name));
    if (v.kind == DistanceKind::kL2sq) {
      CHECK(got[0] == 255 * 255 * int32_t(dim));  // 2,130,739,200 < 2^31
      CHECK(got[1] == 0);
    } else {
      CHECK(got[0] == -128 * 127 * int32_t(dim));
      CHECK(got[1] == 128 * 128 * int32_t(dim));
    }
  }
}

TEST_CASE("no variant reads a byte past the last row or the query") {
  const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  void* mem = mmap(nullptr, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  REQUIRE(mem != MAP_FAILED);
  REQUIRE(mprotect(static_cast<uint8_t*>(mem) + page, page, PROT_NONE) == 0);
  uint8_t* end = static_cast<uint8_t*>(mem) + page;  // first unreadable byte
  for (const DistanceVariant& v : distance_variants()) {
    if (!runnable(v)) continue;
    const size_t elem = v.dtype == DistanceDtype::kF32 ? 4 : 1;
    for (size_t dim : {1, 3, 13, 31, 33, 127, 129}) {
      const size_t bytes = dim * elem, stride = bytes + 4, n = 3;
      // Query ends at the guard page; so does the last row (rows placed just before it).
      uint8_t* rows = end - ((n - 1) * stride + bytes);
      uint8_t* query = rows - bytes - 64;
      std::memset(static_cast<uint8_t*>(mem), 1, page);
      float f_out[3];
      int32_t s_out[3];
      if (v.f32) {
        v.f32(n, dim, reinterpret_cast<const float*>(end - bytes), rows, stride, f_out);
        v.f32(n, dim, reinterpret_cast<const float*>(query), rows, stride, f_out);
      } else {
        v.s8(n, dim, reinterpret_cast<const int8_t*>(end - bytes), rows, stride, s_out);
        v.s8(n, dim, reinterpret_cast<const int8_t*>(query), rows, stride, s_out);
        CHECK(s_out[0] == (v.kind == DistanceKind::kL2sq ? 0 : int32_t(dim)));
      }
    }
  }
  munmap(mem, 2 * page);
}

TEST_CASE("distance_pick returns a runnable variant of the asked kind") {
  for (DistanceDtype t : {DistanceDtype::kF32, DistanceDtype::kS8})
    for (DistanceKind k : {DistanceKind::kL2sq, DistanceKind::kDot}) {
      const DistanceVariant& v = distance_pick(t, k);
      MESSAGE("picked " << std::string(v.name) << " on " << cpu_features_summary());
      CHECK(v.dtype == t);
      CHECK(v.kind == k);
      CHECK(cpu_has_isa(v.isa));
      CHECK((t == DistanceDtype::kF32 ? v.f32 != nullptr : v.s8 != nullptr));
    }
}

TEST_CASE("top-k equals a full sort, ties to the lower index, any block split") {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> u(0, 50);  // many ties on purpose
  for (size_t n : {0, 1, 5, 100, 1000})
    for (size_t k : {0, 1, 3, 10, 2000}) {
      std::vector<float> d(n);
      for (float& x : d) x = float(u(rng));
      if (n > 4) d[3] = NAN;
      std::vector<DistanceHit> want;
      for (size_t i = 0; i < n; ++i)
        if (!std::isnan(d[i])) want.push_back({i, d[i]});
      std::sort(want.begin(), want.end(), [](const DistanceHit& a, const DistanceHit& b) {
        return a.distance < b.distance || (a.distance == b.distance && a.index < b.index);
      });
      if (want.size() > k) want.resize(k);
      for (size_t block : {size_t(1), size_t(7), n + 1}) {
        TopK top;
        top_k_reset(&top, k);
        for (size_t s = 0; s < n; s += block)
          top_k_push(&top, d.data() + s, std::min(block, n - s), s);
        const std::vector<DistanceHit> got = top_k_finish(&top);
        REQUIRE(got.size() == want.size());
        for (size_t i = 0; i < got.size(); ++i) {
          CHECK(got[i].index == want[i].index);
          CHECK(got[i].distance == want[i].distance);
        }
      }
      CHECK(distance_top_k(d.data(), n, k).size() == want.size());
    }
}

}  // namespace
}  // namespace fg
