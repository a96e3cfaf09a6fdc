// Latency per stage and per frame: p50 / p95 / max in fixed memory.
//
// Each stage keeps a histogram with logarithmic buckets 1% wide from 1 us to ~100 s (1850
// buckets), so a run of any length uses the same memory (the 10,000-frame run stays flat)
// and a percentile is within 1% of the exact sample; max and mean are exact.
#pragma once
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace fg::door {

enum class Stage { kSource, kDetect, kLandmarks, kEmbed, kMatch, kAct, kFrame, kLiveness, kCount };
const char* stage_name(Stage s);

struct StageHistogram {
  std::vector<uint32_t> buckets;
  uint64_t count = 0;
  double sum_ms = 0, max_ms = 0;
};

struct LatencyStats {
  StageHistogram stages[(int)Stage::kCount];
};

void latency_stats_init(LatencyStats* s);
void latency_record(LatencyStats& s, Stage stage, double ms);
// q in [0, 1]; 0 when the stage has no samples.
double latency_percentile(const StageHistogram& h, double q);
// The table: stage, samples, p50, p95, max, mean (ms). Stages without samples are skipped.
void latency_print_table(const LatencyStats& s, FILE* out, const std::string& title);

}  // namespace fg::door
