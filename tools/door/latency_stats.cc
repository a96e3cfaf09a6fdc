#include "tools/door/latency_stats.h"

#include <cmath>

namespace fg::door {
namespace {

constexpr double kGrowth = 1.01;      // bucket width: 1%
constexpr double kMinMs = 0.001;      // bucket 0 starts at 1 us
constexpr int kBuckets = 1852;        // 1 us * 1.01^1852 ~ 100 s
const double kLogGrowth = std::log(kGrowth);

int bucket_of(double ms) {
  if (ms <= kMinMs) return 0;
  const int b = (int)(std::log(ms / kMinMs) / kLogGrowth);
  return b >= kBuckets ? kBuckets - 1 : b;
}

double bucket_mid_ms(int b) { return kMinMs * std::pow(kGrowth, b + 0.5); }

}  // namespace

const char* stage_name(Stage s) {
  switch (s) {
    case Stage::kSource: return "source";
    case Stage::kDetect: return "detect";
    case Stage::kLandmarks: return "landmarks";
    case Stage::kEmbed: return "embed";
    case Stage::kMatch: return "match";
    case Stage::kAct: return "decide+act+log";
    case Stage::kFrame: return "frame";
    case Stage::kLiveness: return "liveness";
    case Stage::kCount: break;
  }
  return "?";
}

void latency_stats_init(LatencyStats* s) {
  for (StageHistogram& h : s->stages) h = StageHistogram{std::vector<uint32_t>(kBuckets, 0), 0, 0, 0};
}

void latency_record(LatencyStats& s, Stage stage, double ms) {
  StageHistogram& h = s.stages[(int)stage];
  ++h.buckets[bucket_of(ms)];
  ++h.count;
  h.sum_ms += ms;
  if (ms > h.max_ms) h.max_ms = ms;
}

double latency_percentile(const StageHistogram& h, double q) {
  if (h.count == 0) return 0;
  // Nearest rank: the smallest sample with at least q of the samples at or below it.
  uint64_t rank = (uint64_t)std::ceil(q * (double)h.count);
  if (rank < 1) rank = 1;
  uint64_t seen = 0;
  for (int b = 0; b < kBuckets; ++b) {
    seen += h.buckets[b];
    if (seen >= rank) return std::fmin(bucket_mid_ms(b), h.max_ms);
  }
  return h.max_ms;
}

void latency_print_table(const LatencyStats& s, FILE* out, const std::string& title) {
  std::fprintf(out, "%s\n  %-15s %8s %9s %9s %9s %9s\n", title.c_str(), "stage", "samples", "p50 ms", "p95 ms",
               "max ms", "mean ms");
  for (int i = 0; i < (int)Stage::kCount; ++i) {
    const StageHistogram& h = s.stages[i];
    if (h.count == 0) continue;
    std::fprintf(out, "  %-15s %8llu %9.2f %9.2f %9.2f %9.2f\n", stage_name((Stage)i), (unsigned long long)h.count,
                 latency_percentile(h, 0.50), latency_percentile(h, 0.95), h.max_ms, h.sum_ms / (double)h.count);
  }
  std::fflush(out);
}

}  // namespace fg::door
