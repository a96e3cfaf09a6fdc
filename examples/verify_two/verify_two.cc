// verify_two A.jpg B.jpg: 1:1 with the C++ API; prints the squared distance, exit 0 same / 1 not.
#include <cstdio>

#include <facegate/facegate.hpp>

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: verify_two A.jpg B.jpg\n");
    return 2;
  }
  facegate::Pipeline pipe;
  facegate::VerifyResult r;
  facegate::Status s = facegate::Pipeline::open(facegate::PipelineOptions{}, &pipe);
  if (s) s = pipe.verify_files(argv[1], argv[2], facegate::kDefaultTau, &r);
  if (!s) {
    std::fprintf(stderr, "verify_two: %s\n", s.message().c_str());
    return 3;
  }
  std::printf("distance_sq %.6f same %d\n", r.distance, r.same);
  return r.same ? 0 : 1;
}
