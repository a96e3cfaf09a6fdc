// tools/cli/progress: the progress line on a fake clock and a string sink.
#include <string>

#include "test_util.h"
#include "tools/cli/progress.h"

using namespace fg::cli;

namespace {

struct Fake {
  double t = 100;  // any origin: only differences matter
  std::string out;
  Progress begin(size_t total, bool live, bool summary) {
    return progress_begin_with("eval lfw", "images", total, live, summary, [this] { return t; },
                               [this](const std::string& s) { out += s; });
  }
};

}  // namespace

TEST_CASE("progress: rate and ETA from the fake clock") {
  Fake f;
  Progress p = f.begin(6000, true, true);
  f.t += 30;
  progress_update(&p, 1830, "fold 3/10");
  // 1830 in 30 s = 61/s; 4170 left -> 68 s.
  CHECK(f.out == "\reval lfw: fold 3/10, 1830/6000 images, 61 images/s, ETA 68 s");
  CHECK(progress_line(p, 30, "") == "eval lfw: 1830/6000 images, 61 images/s, ETA 68 s");
  p.done = 10;
  CHECK(progress_line(p, 4, "") == "eval lfw: 10/6000 images, 2.5 images/s, ETA 39 min 56 s");
  p.done = 0;
  CHECK(progress_line(p, 0, "") == "eval lfw: 0/6000 images");  // no rate before the first item
}

TEST_CASE("progress: terminal - nothing in the first second, redraws throttled, rewritten in place, summary last") {
  Fake f;
  Progress p = f.begin(100, true, true);
  f.t += 0.5;
  progress_update(&p, 10);
  CHECK(f.out.empty());  // a quick job shows nothing
  f.t += 0.6;            // 1.1 s
  progress_update(&p, 20);
  CHECK(f.out == "\reval lfw: 20/100 images, 18 images/s, ETA 4 s");
  f.t += 0.1;  // within kProgressRedrawS: not redrawn
  progress_update(&p, 21);
  CHECK(f.out == "\reval lfw: 20/100 images, 18 images/s, ETA 4 s");
  f.t += 0.2;
  f.out.clear();
  progress_update(&p, 99);
  const std::string shown = "eval lfw: 99/100 images, 71 images/s, ETA 0 s";
  CHECK(f.out == "\r" + shown);
  f.t += 0.01;
  f.out.clear();
  progress_update(&p, 100);  // the last item is always drawn
  CHECK(f.out.rfind("\reval lfw: 100/100 images", 0) == 0);
  CHECK(f.out.find("ETA") == std::string::npos);
  f.out.clear();
  f.t += 0.59;  // 2.0 s in all
  progress_end(&p);
  // The summary overwrites the live line (padded to its length) and ends it with a newline.
  CHECK(f.out.rfind("\reval lfw: 100 images in 2.0 s (50 images/s)", 0) == 0);
  CHECK(f.out.back() == '\n');
  CHECK(f.out.find('\n') == f.out.size() - 1);
}

TEST_CASE("progress: not a terminal - only the summary, and only for jobs over 2 s; --quiet - nothing") {
  Fake f;
  Progress p = f.begin(50, false, true);
  for (int i = 1; i <= 50; ++i) {
    f.t += 0.1;
    progress_update(&p, size_t(i));
  }
  CHECK(f.out.empty());
  f.t = 108;  // 8 s in all
  progress_end(&p);
  CHECK(f.out == "eval lfw: 50 images in 8.0 s (6.2 images/s)\n");

  Fake quick;
  Progress q = quick.begin(5, false, true);
  quick.t += 1.5;
  progress_update(&q, 5);
  progress_end(&q);
  CHECK(quick.out.empty());

  Fake quiet;
  Progress z = quiet.begin(50, false, false);
  quiet.t += 60;
  progress_update(&z, 50);
  progress_end(&z);
  CHECK(quiet.out.empty());
}

TEST_CASE("progress: a shorter line blanks what the longer one left") {
  Fake f;
  Progress p = f.begin(1000, true, false);
  f.t += 1.5;
  progress_update(&p, 5, "fold 10/10");
  const size_t first = f.out.size() - 1;  // without \r
  f.out.clear();
  f.t += 1;
  progress_update(&p, 6);
  CHECK(f.out.size() - 1 == first);
  CHECK(f.out.back() == ' ');
  f.out.clear();
  progress_end(&p);  // no summary wanted: only the end of the line
  CHECK(f.out.size() == first + 2);
  CHECK(f.out.back() == '\n');
}
